import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { ParsedCertificate } from './certificate-facts.js';
import { OID } from './oids.js';

/** The hash each supported X.509 signature algorithm signs with (null: Ed25519 hashes internally). */
export const SIGNATURE_HASH: Readonly<Record<string, 'sha256' | 'sha384' | 'sha512' | null>> = {
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

/**
 * Whether `signature` over `signed` verifies with `key` under the X.509 signature
 * algorithm `algorithmOid` (a certificate's or a CRL's); false for anything unsupported
 * or malformed, never a throw, since every caller is judging untrusted bytes.
 */
export function signatureVerifies(algorithmOid: string, signed: Buffer, signature: Buffer, key: KeyObject): boolean {
  if (!(algorithmOid in SIGNATURE_HASH)) return false;
  const hash = SIGNATURE_HASH[algorithmOid]!;
  try {
    return key.asymmetricKeyType === 'ec' ? verify(hash, signed, { key, dsaEncoding: 'der' }, signature) : verify(hash, signed, key, signature);
  } catch {
    return false;
  }
}

/** Whether `cert`'s signature verifies with `issuerKey` (its outer algorithm decides the hash). */
export function certificateSignedBy(cert: ParsedCertificate, issuerKey: KeyObject): boolean {
  return signatureVerifies(cert.outerSignatureAlgorithm, cert.tbsDer, cert.signature, issuerKey);
}
