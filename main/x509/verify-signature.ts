import { createPublicKey, verify, type KeyObject } from 'node:crypto';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../keys/key-algorithm.js';

/** Verifies an X.509-form signature (DER ECDSA, raw Ed25519, PKCS#1 v1.5 RSA) with the signer's SPKI. */
export function verifyX509Signature(algorithm: KeyAlgorithm, spki: Buffer | KeyObject, message: Buffer, signature: Buffer): boolean {
  const key = Buffer.isBuffer(spki) ? createPublicKey({ key: spki, format: 'der', type: 'spki' }) : spki;
  const info = KEY_ALGORITHM_INFO[algorithm];
  try {
    return info.family === 'ec' ? verify(info.hash, message, { key, dsaEncoding: 'der' }, signature) : verify(info.hash, message, key, signature);
  } catch {
    return false;
  }
}
