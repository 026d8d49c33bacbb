import { constants, createPrivateKey, createPublicKey, sign as cryptoSign, type KeyObject } from 'node:crypto';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import type { SyncSigningKey } from '../signing-key.js';
import { spkiDer } from './generate-key-pair.js';

/**
 * A private KeyObject that signs the X.509 way: every in-process store (encrypted file,
 * reassembled shares) ends in one of these, so there is one place that decides hash,
 * padding and signature encoding per algorithm. Only the KeyObject is held, never the
 * PEM or DER it came from: OpenSSL keeps the key material off the JS heap.
 */
export class KeyObjectSigningKey implements SyncSigningKey {
  #key: KeyObject | undefined;

  constructor(
    readonly label: string,
    readonly algorithm: KeyAlgorithm,
    privateKey: KeyObject,
    readonly spki: Buffer,
  ) {
    this.#key = privateKey;
  }

  signSync(message: Uint8Array): Buffer {
    const { hash, options } = this.#signParams();
    return cryptoSign(hash, message, options);
  }

  async sign(message: Uint8Array): Promise<Buffer> {
    // The callback form runs on the libuv pool, so an RSA-4096 signature does not stall the UI process.
    const { hash, options } = this.#signParams();
    return new Promise((resolve, reject) => {
      cryptoSign(hash, message, options, (err, signature) => (err ? reject(err) : resolve(signature)));
    });
  }

  close(): void {
    this.#key = undefined;
  }

  #signParams(): { hash: string | null; options: { key: KeyObject; dsaEncoding?: 'der'; padding?: number } } {
    const key = this.#key;
    if (key === undefined) throw new KeyError('KEY_CLOSED', `key "${this.label}" was closed and cannot sign`);
    const info = KEY_ALGORITHM_INFO[this.algorithm];
    switch (info.family) {
      case 'ec':
        return { hash: info.hash, options: { key, dsaEncoding: 'der' } };
      case 'ed25519':
        return { hash: null, options: { key } };
      case 'rsa':
        return { hash: info.hash, options: { key, padding: constants.RSA_PKCS1_PADDING } };
    }
  }
}

/**
 * Turns decrypted PKCS#8 DER into a KeyObject and proves it is the key the workspace
 * recorded: same algorithm (curve, modulus size) and same SPKI. The caller wipes the DER.
 * `mismatch` builds the store's own error (a wrong file and wrong shares differ in code).
 */
export function privateKeyForRecord(
  pkcs8: Buffer,
  expected: { label: string; algorithm: KeyAlgorithm; spki: Buffer },
  mismatch: (why: string) => KeyError,
): KeyObject {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: pkcs8, format: 'der', type: 'pkcs8' });
  } catch (e) {
    throw mismatch(`it is not a private key OpenSSL can read (${(e as Error).message})`);
  }
  const info = KEY_ALGORITHM_INFO[expected.algorithm];
  const details = key.asymmetricKeyDetails ?? {};
  const sameAlgorithm =
    info.family === 'ec'
      ? key.asymmetricKeyType === 'ec' && details.namedCurve === info.curve
      : info.family === 'ed25519'
        ? key.asymmetricKeyType === 'ed25519'
        : key.asymmetricKeyType === 'rsa' && details.modulusLength === info.modulusBits;
  if (!sameAlgorithm) throw mismatch(`it holds a ${describeKey(key)} key, not ${expected.algorithm}`);
  if (!spkiDer(createPublicKey(key)).equals(expected.spki)) throw mismatch(`its public key is not the one recorded for ${expected.label}`);
  return key;
}

function describeKey(key: KeyObject): string {
  const d = key.asymmetricKeyDetails ?? {};
  return [key.asymmetricKeyType, d.namedCurve, d.modulusLength].filter((x) => x !== undefined).join(' ');
}
