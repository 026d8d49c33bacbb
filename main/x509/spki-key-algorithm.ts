import { createPublicKey } from 'node:crypto';
import type { KeyAlgorithm } from '../keys/key-algorithm.js';

/** Our algorithm name for a public key, or null when it is not one we support. */
export function keyAlgorithmOfSpki(spki: Buffer): KeyAlgorithm | null {
  let key;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return null;
  }
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec':
      return d.namedCurve === 'prime256v1' ? 'ecdsa-p256' : d.namedCurve === 'secp384r1' ? 'ecdsa-p384' : null;
    case 'ed25519':
      return 'ed25519';
    case 'rsa':
      return d.modulusLength === 2048 ? 'rsa-2048' : d.modulusLength === 3072 ? 'rsa-3072' : d.modulusLength === 4096 ? 'rsa-4096' : null;
    default:
      return null;
  }
}
