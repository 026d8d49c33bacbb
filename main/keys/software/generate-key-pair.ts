import { generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';
import { KEY_ALGORITHM_INFO, isKeyAlgorithm, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';

const generate = promisify(generateKeyPair);

/** A fresh in-memory key pair for an in-process store (software file, shares). */
export async function generateKeyObjectPair(algorithm: KeyAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  if (!isKeyAlgorithm(algorithm)) throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `unknown key algorithm ${String(algorithm)}`);
  const info = KEY_ALGORITHM_INFO[algorithm];
  switch (info.family) {
    case 'ec':
      return generate('ec', { namedCurve: info.curve! });
    case 'ed25519':
      return generate('ed25519');
    case 'rsa':
      return generate('rsa', { modulusLength: info.modulusBits!, publicExponent: 0x10001 });
  }
}

export function spkiDer(key: KeyObject): Buffer {
  return key.export({ type: 'spki', format: 'der' });
}
