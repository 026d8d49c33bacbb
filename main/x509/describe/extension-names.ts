import { OID } from '../oids.js';

/** Extensions by their registered names (RFC 5280, RFC 8995, Matter), for every screen and the CLI. */
export const EXTENSION_NAMES: Readonly<Record<string, string>> = {
  [OID.subjectKeyIdentifier]: 'Subject key identifier',
  [OID.keyUsage]: 'Key usage',
  [OID.subjectAltName]: 'Subject alternative name',
  '2.5.29.18': 'Issuer alternative name',
  [OID.basicConstraints]: 'Basic constraints',
  [OID.nameConstraints]: 'Name constraints',
  [OID.crlDistributionPoints]: 'CRL distribution points',
  [OID.certificatePolicies]: 'Certificate policies',
  '2.5.29.36': 'Policy constraints',
  [OID.authorityKeyIdentifier]: 'Authority key identifier',
  [OID.extKeyUsage]: 'Extended key usage',
  '2.5.29.54': 'Inhibit anyPolicy',
  '1.3.6.1.5.5.7.1.1': 'Authority information access',
  // RFC 8995 §2.3.2: where a pledge's MASA is (BRSKI)
  [OID.masaUrl]: 'BRSKI MASA URL',
};

export function extensionName(oid: string): string {
  return EXTENSION_NAMES[oid] ?? 'Unknown extension';
}

/** Extended key usages in words. */
export const EXTENDED_KEY_USAGE_WORDS: Readonly<Record<string, string>> = {
  [OID.kpServerAuth]: 'TLS server authentication',
  [OID.kpClientAuth]: 'TLS client authentication',
  [OID.kpCodeSigning]: 'code signing',
  [OID.kpEmailProtection]: 'e-mail protection',
  [OID.kpOcspSigning]: 'OCSP signing',
  [OID.kpHallmarkManifestSigning]: 'Hallmark batch-manifest signing',
  '2.5.29.37.0': 'any purpose',
};

/** Key usage bits in words. */
export const KEY_USAGE_WORDS: Readonly<Record<string, string>> = {
  digitalSignature: 'digital signature',
  nonRepudiation: 'non-repudiation',
  keyEncipherment: 'key encipherment',
  dataEncipherment: 'data encipherment',
  keyAgreement: 'key agreement',
  keyCertSign: 'certificate signing',
  cRLSign: 'CRL signing',
  encipherOnly: 'encipher only',
  decipherOnly: 'decipher only',
};

/** hardwareModuleName hwType values (802.1AR, TCG) in words. */
export const HARDWARE_TYPE_WORDS: Readonly<Record<string, string>> = {
  '2.23.133.1.2': 'TPM 2.0',
  '2.23.133.1.0': 'TPM 1.2',
};

/** Distinguished-name attributes: the short names subjects are typed with (distinguished-name.ts) and words. */
export const ATTRIBUTE_WORDS: Readonly<Record<string, { short: string; words: string }>> = {
  [OID.countryName]: { short: 'C', words: 'country' },
  [OID.stateOrProvinceName]: { short: 'ST', words: 'state or province' },
  [OID.localityName]: { short: 'L', words: 'locality' },
  [OID.organizationName]: { short: 'O', words: 'organization' },
  [OID.organizationalUnitName]: { short: 'OU', words: 'organizational unit' },
  [OID.commonName]: { short: 'CN', words: 'common name' },
  [OID.serialNumber]: { short: 'serialNumber', words: 'serial number' },
  [OID.matterVendorId]: { short: 'matterVendorId', words: 'Matter Vendor ID' },
  [OID.matterProductId]: { short: 'matterProductId', words: 'Matter Product ID' },
};
