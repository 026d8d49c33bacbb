import { createCipheriv, createDecipheriv, randomBytes, scrypt, type ScryptOptions } from 'node:crypto';
import { passphraseBytes } from '../software/encrypted-pkcs8.js';
import { IV_BYTES, SALT_BYTES, SCRYPT_MAX_MEMORY, type EncryptedShare, type ScryptParams } from './encrypted-share.js';

/**
 * scrypt N=2^17, r=8, p=1 (OWASP's recommendation; 128 MiB and ~0.25 s per share on a
 * current core) then AES-256-GCM. scrypt rather than PBKDF2 because a share passphrase is
 * chosen by one custodian and only one share is needed per guess, so memory-hardness is
 * worth more here than OpenSSL interoperability, which the software key file needs and a
 * share does not.
 */
export const SCRYPT_LOG2_N = 17;
export const SCRYPT_R = 8;
export const SCRYPT_P = 1;

/** What a share is bound to: moving it to another key, index or split breaks the GCM tag. */
export interface ShareBinding {
  readonly label: string;
  readonly index: number;
  readonly threshold: number;
  readonly total: number;
  /** hex SHA-256 of the key's SPKI DER (full, from the record) */
  readonly spkiSha256: string;
}

export class ShareAuthenticationError extends Error {}

function associatedData(b: ShareBinding): Buffer {
  return Buffer.from(JSON.stringify(['hallmark-share-v1', b.label, b.index, b.threshold, b.total, b.spkiSha256]), 'utf8');
}

function deriveKey(passphrase: string, params: ScryptParams): Promise<Buffer> {
  const pass = passphraseBytes(passphrase);
  const options: ScryptOptions = { N: 2 ** params.log2N, r: params.r, p: params.p, maxmem: SCRYPT_MAX_MEMORY + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(pass, params.salt, 32, options, (err, key) => {
      pass.fill(0);
      if (err) reject(err);
      else resolve(key);
    });
  });
}

export async function encryptShare(plain: Uint8Array, passphrase: string, binding: ShareBinding): Promise<EncryptedShare> {
  const kdf: ScryptParams = { name: 'scrypt', log2N: SCRYPT_LOG2_N, r: SCRYPT_R, p: SCRYPT_P, salt: randomBytes(SALT_BYTES) };
  const iv = randomBytes(IV_BYTES);
  const key = await deriveKey(passphrase, kdf);
  try {
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(associatedData(binding));
    const ciphertext = Buffer.concat([cipher.update(plain), cipher.final()]);
    return {
      index: binding.index,
      threshold: binding.threshold,
      total: binding.total,
      spkiPrefix: binding.spkiSha256.slice(0, 16),
      kdf,
      iv,
      ciphertext,
      tag: cipher.getAuthTag(),
    };
  } finally {
    key.fill(0);
  }
}

/** The plaintext Shamir share (the caller wipes it). Throws ShareAuthenticationError if the tag does not verify. */
export async function decryptShare(share: EncryptedShare, passphrase: string, binding: ShareBinding): Promise<Buffer> {
  const key = await deriveKey(passphrase, share.kdf);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, share.iv);
    decipher.setAAD(associatedData(binding));
    decipher.setAuthTag(share.tag);
    const plain = decipher.update(share.ciphertext);
    try {
      decipher.final();
    } catch {
      plain.fill(0);
      throw new ShareAuthenticationError('the share does not authenticate');
    }
    return plain;
  } finally {
    key.fill(0);
  }
}
