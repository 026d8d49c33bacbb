/**
 * The key algorithms Hallmark generates, stores and certifies. CAs default to P-384.
 * The signature each one makes is fixed here so a key and the certificates it signs can
 * never disagree: ECDSA with the hash matching the curve, Ed25519 pure, RSA PKCS#1 v1.5
 * with SHA-256.
 */
export const KEY_ALGORITHMS = ['ecdsa-p256', 'ecdsa-p384', 'ed25519', 'rsa-2048', 'rsa-3072', 'rsa-4096'] as const;
export type KeyAlgorithm = (typeof KEY_ALGORITHMS)[number];

export const DEFAULT_CA_KEY_ALGORITHM: KeyAlgorithm = 'ecdsa-p384';

export type KeyFamily = 'ec' | 'ed25519' | 'rsa';

export interface KeyAlgorithmInfo {
  readonly family: KeyFamily;
  /** the digest the signature uses; null for Ed25519, which hashes internally */
  readonly hash: 'sha256' | 'sha384' | null;
  /** named curve (Node's name) for EC */
  readonly curve?: 'prime256v1' | 'secp384r1';
  /** modulus bits for RSA */
  readonly modulusBits?: 2048 | 3072 | 4096;
}

export const KEY_ALGORITHM_INFO: Readonly<Record<KeyAlgorithm, KeyAlgorithmInfo>> = {
  'ecdsa-p256': { family: 'ec', hash: 'sha256', curve: 'prime256v1' },
  'ecdsa-p384': { family: 'ec', hash: 'sha384', curve: 'secp384r1' },
  ed25519: { family: 'ed25519', hash: null },
  'rsa-2048': { family: 'rsa', hash: 'sha256', modulusBits: 2048 },
  'rsa-3072': { family: 'rsa', hash: 'sha256', modulusBits: 3072 },
  'rsa-4096': { family: 'rsa', hash: 'sha256', modulusBits: 4096 },
};

export function isKeyAlgorithm(value: unknown): value is KeyAlgorithm {
  return typeof value === 'string' && (KEY_ALGORITHMS as readonly string[]).includes(value);
}
