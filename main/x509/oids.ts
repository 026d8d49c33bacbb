/** The object identifiers Hallmark writes or checks, named once. */
export const OID = {
  // attribute types (X.520)
  commonName: '2.5.4.3',
  serialNumber: '2.5.4.5',
  countryName: '2.5.4.6',
  localityName: '2.5.4.7',
  stateOrProvinceName: '2.5.4.8',
  organizationName: '2.5.4.10',
  organizationalUnitName: '2.5.4.11',
  // extensions (RFC 5280)
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  crlNumber: '2.5.29.20',
  crlReason: '2.5.29.21',
  nameConstraints: '2.5.29.30',
  crlDistributionPoints: '2.5.29.31',
  certificatePolicies: '2.5.29.32',
  authorityKeyIdentifier: '2.5.29.35',
  extKeyUsage: '2.5.29.37',
  // BRSKI / 802.1AR
  masaUrl: '1.3.6.1.5.5.7.1.32',
  hardwareModuleName: '1.3.6.1.5.5.7.8.4',
  // Matter (CSA enterprise arc 37244): DN attributes of PAA, PAI and DAC subjects
  matterVendorId: '1.3.6.1.4.1.37244.2.1',
  matterProductId: '1.3.6.1.4.1.37244.2.2',
  // extended key usages
  kpServerAuth: '1.3.6.1.5.5.7.3.1',
  kpClientAuth: '1.3.6.1.5.5.7.3.2',
  kpCodeSigning: '1.3.6.1.5.5.7.3.3',
  kpEmailProtection: '1.3.6.1.5.5.7.3.4',
  kpOcspSigning: '1.3.6.1.5.5.7.3.9',
  /**
   * Hallmark's batch-manifest signing purpose: a UUID OID (X.667, arc 2.25) so it is
   * globally unique without borrowing anyone's enterprise number
   * (UUID d0fe9d0a-c219-478d-a053-9029ce46bcad).
   */
  kpHallmarkManifestSigning: '2.25.277801451715990399187933793438021369005',
  /** the workspace audit key's certificate: it signs audit checkpoints and nothing else */
  kpHallmarkAuditSigning: '2.25.3147142320185124312162152537154128746',
  /** the inventory key's certificate: it signs field revocation requests and nothing else (UUID c1d454a5-1774-42a9-b08a-888d6f002c9a) */
  kpHallmarkRevocationRequestSigning: '2.25.257643486922810373948989524016690637978',
  // algorithms
  ecPublicKey: '1.2.840.10045.2.1',
  prime256v1: '1.2.840.10045.3.1.7',
  secp384r1: '1.3.132.0.34',
  ed25519: '1.3.101.112',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  ecdsaWithSha384: '1.2.840.10045.4.3.3',
  sha256WithRsa: '1.2.840.113549.1.1.11',
} as const;
