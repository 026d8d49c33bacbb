import type { CertificateFacts, ParsedCertificate } from './certificate-facts.js';
import { OID } from './oids.js';

const ATTRIBUTE_NAMES: Record<string, string> = {
  [OID.countryName]: 'C',
  [OID.stateOrProvinceName]: 'ST',
  [OID.localityName]: 'L',
  [OID.organizationName]: 'O',
  [OID.organizationalUnitName]: 'OU',
  [OID.commonName]: 'CN',
  [OID.serialNumber]: 'serialNumber',
};

export function nameToString(name: ParsedCertificate['subject']): string {
  return name.map((a) => `${ATTRIBUTE_NAMES[a.oid] ?? a.oid}=${a.value}`).join(', ');
}

/** A plain-JSON description of a certificate for `cert inspect` and the UI. */
export function describeCertificate(c: ParsedCertificate) {
  const { extensions, ...rest } = describeFacts(c);
  return { ...rest, sha256: c.sha256, extensions };
}

/** The same for a to-be-signed certificate (no signature, so no fingerprint yet). */
export function describeFacts(c: CertificateFacts) {
  return {
    subject: nameToString(c.subject),
    issuer: nameToString(c.issuer),
    serial: c.serial.toString('hex'),
    notBefore: c.notBefore.toISOString(),
    notAfter: c.notAfter.toISOString(),
    signatureAlgorithm: c.signatureAlgorithm,
    publicKeyAlgorithm: c.spkiAlgorithm,
    basicConstraints: c.basicConstraints ?? null,
    keyUsage: c.keyUsage ? [...c.keyUsage] : null,
    extendedKeyUsage: c.extendedKeyUsage ?? null,
    subjectKeyId: c.subjectKeyId?.toString('hex') ?? null,
    authorityKeyId: c.authorityKeyId?.toString('hex') ?? null,
    subjectAltName: c.san
      ? {
          dns: c.san.dns,
          uris: c.san.uris,
          hardwareModuleNames: c.san.hardwareModuleNames.map((h) => ({
            hwType: h.hwType,
            hwSerialNum: h.hwSerialNum.toString('hex'),
            hwSerialNumText: printable(h.hwSerialNum),
          })),
          other: c.san.other,
        }
      : null,
    masaUrl: c.masaUrl ?? null,
    extensions: c.extensions.map((e) => ({ oid: e.oid, critical: e.critical })),
  };
}

function printable(b: Buffer): string | null {
  const s = b.toString('latin1');
  return /^[\x20-\x7e]*$/.test(s) ? s : null;
}
