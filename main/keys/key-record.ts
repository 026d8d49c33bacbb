import type { JsonValue } from '../encoding/canonical-json.js';
import type { KeyAlgorithm } from './key-algorithm.js';

export const KEY_STORE_KINDS = ['software', 'pkcs11', 'shares'] as const;
export type KeyStoreKind = (typeof KEY_STORE_KINDS)[number];

/**
 * What the workspace remembers about a key: never the private part, only where it lives.
 * `location` is the store's own JSON: the encrypted file for software keys, the token
 * serial and CKA_ID for PKCS#11, the threshold and custodians for shares. A PKCS#11
 * module path, slot or PIN is never stored: those are the station's binding, given at use.
 */
export interface KeyRecord {
  readonly label: string;
  readonly store: KeyStoreKind;
  readonly algorithm: KeyAlgorithm;
  /** DER SubjectPublicKeyInfo */
  readonly spki: Buffer;
  /** hex SHA-256 of the SPKI DER */
  readonly spkiSha256: string;
  readonly location: { readonly [key: string]: JsonValue };
  readonly createdAt: string;
}
