import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { OID } from '../../x509/oids.js';

const HASH: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512' | null>> = {
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
  [OID.sha256WithRsa]: 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  [OID.ed25519]: null,
};

export function publicKeyOf(cert: ParsedCertificate): KeyObject {
  return createPublicKey({ key: cert.spki, format: 'der', type: 'spki' });
}

/** Whether `cert`'s signature verifies with `issuerKey` (its outer algorithm decides the hash); false for anything unsupported. */
export function certificateSignedBy(cert: ParsedCertificate, issuerKey: KeyObject): boolean {
  const algorithm = cert.outerSignatureAlgorithm;
  if (!(algorithm in HASH)) return false;
  const hash = HASH[algorithm]!;
  try {
    return issuerKey.asymmetricKeyType === 'ec'
      ? verify(hash, cert.tbsDer, { key: issuerKey, dsaEncoding: 'der' }, cert.signature)
      : verify(hash, cert.tbsDer, issuerKey, cert.signature);
  } catch {
    return false;
  }
}
