import type { KeyAlgorithm } from './key-algorithm.js';

/**
 * A private key that can sign, wherever it lives (encrypted file, HSM, reassembled
 * shares). Certificates, CRLs and manifests are signed only through this interface; the
 * private part never leaves its store unencrypted.
 */
export interface SigningKey {
  readonly label: string;
  readonly algorithm: KeyAlgorithm;
  /** the public key as DER SubjectPublicKeyInfo */
  readonly spki: Buffer;
  /**
   * Signs the whole message (the key hashes it as its algorithm requires) and returns the
   * signature as X.509 carries it: DER Ecdsa-Sig-Value for ECDSA, PKCS#1 v1.5 for RSA,
   * the raw 64 bytes for Ed25519.
   */
  sign(message: Uint8Array): Promise<Buffer>;
  /** Releases sessions or wipes reassembled key material; the key cannot sign afterwards. */
  close(): void;
}

/** A SigningKey whose signatures can be made synchronously (in-process keys): the issuance hot path uses it. */
export interface SyncSigningKey extends SigningKey {
  signSync(message: Uint8Array): Buffer;
}

export function isSyncSigningKey(key: SigningKey): key is SyncSigningKey {
  return typeof (key as Partial<SyncSigningKey>).signSync === 'function';
}
