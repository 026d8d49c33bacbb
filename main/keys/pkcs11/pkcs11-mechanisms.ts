import { createHash } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import { ecdsaComponentLength, ecdsaRawToDer } from '../ecdsa-signature.js';

/**
 * Which PKCS#11 mechanisms each Hallmark key algorithm needs, decided from the token's
 * own C_GetMechanismList rather than assumed: SoftHSM 2.6 has CKM_ECDSA but no
 * CKM_ECDSA_SHA256/384, real HSMs vary, and EdDSA arrived only with PKCS#11 3.0.
 */

// PKCS#11 3.0 values that pkcs11js (2.40 headers) does not name.
export const CKK_EC_EDWARDS = 0x40;
export const CKM_EC_EDWARDS_KEY_PAIR_GEN = 0x1055;
export const CKM_EDDSA = 0x1057;

export interface KeyGenPlan {
  readonly mechanism: number;
  readonly keyType: number;
}

/** How one signature is made: what goes into C_Sign and how its output becomes X.509's form. */
export interface SignPlan {
  readonly mechanism: number;
  /** upper bound on C_Sign's output */
  readonly maxSignatureLength: number;
  prepare(message: Uint8Array): Buffer;
  finish(tokenOutput: Buffer): Buffer;
}

const MECHANISM_NAMES = new Map<number, string>([
  [CKM_EC_EDWARDS_KEY_PAIR_GEN, 'CKM_EC_EDWARDS_KEY_PAIR_GEN'],
  [CKM_EDDSA, 'CKM_EDDSA'],
  ...Object.entries(pkcs11js)
    .filter(([k, v]) => k.startsWith('CKM_') && typeof v === 'number')
    .map(([k, v]) => [v as number, k] as [number, string]),
]);

export function mechanismName(mechanism: number): string {
  return MECHANISM_NAMES.get(mechanism) ?? `0x${mechanism.toString(16)}`;
}

function unsupported(algorithm: KeyAlgorithm, token: string, missing: string): KeyError {
  return new KeyError(
    'PKCS11_MECHANISM_UNSUPPORTED',
    `token ${token} cannot hold ${algorithm} keys: it does not offer ${missing}; refused before anything was made or changed`,
    'environment',
    {
      algorithm,
    },
  );
}

/** C_GetMechanismInfo's key sizes (bits), or undefined when the token does not say. */
export type KeySizeLookup = (mechanism: number) => { min: number; max: number } | undefined;

/** Bits as PKCS#11 counts them for the key-pair mechanism: the modulus for RSA, the field for EC. */
function keyBits(algorithm: KeyAlgorithm): number | undefined {
  const info = KEY_ALGORITHM_INFO[algorithm];
  if (info.family === 'rsa') return info.modulusBits;
  if (info.family === 'ec') return info.curve === 'prime256v1' ? 256 : 384;
  return undefined;
}

/**
 * Everything is refused here, before a key pair is asked for: the mechanisms the token
 * lists, and the key size against what it reports for the generation mechanism (a TPM
 * makes RSA up to 3072 bits; asking it for 4096 would fail only after the ceremony's
 * acknowledgments, with a bare CKR_* code). A token that reports no sizes (0) is not held
 * to them.
 */
export function planKeyGeneration(algorithm: KeyAlgorithm, mechanisms: readonly number[], token: string, keySizes?: KeySizeLookup): KeyGenPlan {
  const info = KEY_ALGORITHM_INFO[algorithm];
  const need = (m: number): void => {
    if (!mechanisms.includes(m)) throw unsupported(algorithm, token, mechanismName(m));
  };
  const sized = (m: number): void => {
    const bits = keyBits(algorithm);
    const range = keySizes?.(m);
    if (bits === undefined || range === undefined) return;
    if ((range.max > 0 && bits > range.max) || (range.min > 0 && bits < range.min)) {
      throw new KeyError(
        'PKCS11_MECHANISM_UNSUPPORTED',
        `token ${token} cannot hold ${algorithm} keys: its ${mechanismName(m)} makes ${range.min}–${range.max}-bit keys, not ${bits}-bit; nothing was generated`,
        'environment',
        { algorithm, minKeySize: range.min, maxKeySize: range.max },
      );
    }
  };
  switch (info.family) {
    case 'ec':
      need(pkcs11js.CKM_EC_KEY_PAIR_GEN);
      need(pkcs11js.CKM_ECDSA);
      sized(pkcs11js.CKM_EC_KEY_PAIR_GEN);
      return { mechanism: pkcs11js.CKM_EC_KEY_PAIR_GEN, keyType: pkcs11js.CKK_EC };
    case 'ed25519':
      need(CKM_EC_EDWARDS_KEY_PAIR_GEN);
      need(CKM_EDDSA);
      return { mechanism: CKM_EC_EDWARDS_KEY_PAIR_GEN, keyType: CKK_EC_EDWARDS };
    case 'rsa':
      need(pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN);
      if (!mechanisms.includes(pkcs11js.CKM_SHA256_RSA_PKCS) && !mechanisms.includes(pkcs11js.CKM_RSA_PKCS)) {
        throw unsupported(algorithm, token, 'CKM_SHA256_RSA_PKCS or CKM_RSA_PKCS');
      }
      sized(pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN);
      return { mechanism: pkcs11js.CKM_RSA_PKCS_KEY_PAIR_GEN, keyType: pkcs11js.CKK_RSA };
  }
}

/** DER DigestInfo prefix for SHA-256 (RFC 8017 §9.2 note 1): what CKM_RSA_PKCS needs prepended. */
const SHA256_DIGEST_INFO = Buffer.from('3031300d060960864801650304020105000420', 'hex');

export function planSigning(algorithm: KeyAlgorithm, mechanisms: readonly number[], token: string): SignPlan {
  const info = KEY_ALGORITHM_INFO[algorithm];
  switch (info.family) {
    case 'ec': {
      if (!mechanisms.includes(pkcs11js.CKM_ECDSA)) throw unsupported(algorithm, token, 'CKM_ECDSA');
      const hash = info.hash ?? 'sha256';
      const width = ecdsaComponentLength(info.curve ?? 'prime256v1');
      // Hash here and use raw CKM_ECDSA: the combined CKM_ECDSA_SHA* are missing from SoftHSM and many HSMs.
      return {
        mechanism: pkcs11js.CKM_ECDSA,
        maxSignatureLength: 2 * width,
        prepare: (m) => createHash(hash).update(m).digest(),
        finish: (raw) => ecdsaRawToDer(raw),
      };
    }
    case 'ed25519':
      if (!mechanisms.includes(CKM_EDDSA)) throw unsupported(algorithm, token, 'CKM_EDDSA');
      // No parameter: pure Ed25519, which is what X.509 (RFC 8410) uses.
      return { mechanism: CKM_EDDSA, maxSignatureLength: 64, prepare: (m) => Buffer.from(m), finish: (s) => s };
    case 'rsa': {
      const bytes = (info.modulusBits ?? 4096) / 8;
      if (mechanisms.includes(pkcs11js.CKM_SHA256_RSA_PKCS)) {
        return { mechanism: pkcs11js.CKM_SHA256_RSA_PKCS, maxSignatureLength: bytes, prepare: (m) => Buffer.from(m), finish: (s) => s };
      }
      if (mechanisms.includes(pkcs11js.CKM_RSA_PKCS)) {
        return {
          mechanism: pkcs11js.CKM_RSA_PKCS,
          maxSignatureLength: bytes,
          prepare: (m) => Buffer.concat([SHA256_DIGEST_INFO, createHash('sha256').update(m).digest()]),
          finish: (s) => s,
        };
      }
      throw unsupported(algorithm, token, 'CKM_SHA256_RSA_PKCS or CKM_RSA_PKCS');
    }
  }
}
