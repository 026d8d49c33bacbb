import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import type { CredentialKind, StoredCredential } from '../store/account-repository.js';
import { OperatorError } from './operator-errors.js';

/**
 * scrypt (memory-hard) with a per-account salt. The parameters are stored with each hash,
 * so raising them later leaves older hashes verifiable. N = 2^15, r = 8 is 32 MiB and
 * about 0.1 s per attempt: cheap for a sign-in, expensive for guessing a stolen table.
 */
export const SCRYPT_PARAMS = { n: 2 ** 15, r: 8, p: 1 } as const;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** Beyond this a stored parameter set is refused rather than allowed to exhaust memory. */
const MAX_MEMORY = 256 * 1024 * 1024;

export const MIN_PASSPHRASE_CHARS = 10;
const PIN_PATTERN = /^[0-9]{6,12}$/;
const MAX_SECRET_CHARS = 1024;

/** A credential's shape is checked before it is hashed: a short passphrase or a 4-digit PIN is refused. */
export function checkCredentialStrength(kind: CredentialKind, secret: string): void {
  if (secret.length > MAX_SECRET_CHARS)
    throw new OperatorError('OPERATOR_CREDENTIAL_WEAK', `the ${kind} is longer than ${MAX_SECRET_CHARS} characters`, 'input');
  if (kind === 'pin' && !PIN_PATTERN.test(secret)) throw new OperatorError('OPERATOR_CREDENTIAL_WEAK', 'a PIN is 6 to 12 digits', 'input');
  if (kind === 'passphrase' && [...secret].length < MIN_PASSPHRASE_CHARS)
    throw new OperatorError('OPERATOR_CREDENTIAL_WEAK', `a passphrase has at least ${MIN_PASSPHRASE_CHARS} characters`, 'input');
}

export async function hashCredential(kind: CredentialKind, secret: string): Promise<StoredCredential> {
  checkCredentialStrength(kind, secret);
  const salt = randomBytes(SALT_BYTES);
  const { n, r, p } = SCRYPT_PARAMS;
  return { kind, n, r, p, salt, hash: await derive(secret, salt, n, r, p) };
}

/** Constant-time comparison of the derived key; the secret is never compared as text. */
export async function credentialMatches(stored: StoredCredential, secret: string): Promise<boolean> {
  if (secret.length === 0 || secret.length > MAX_SECRET_CHARS) return false;
  const derived = await derive(secret, stored.salt, stored.n, stored.r, stored.p);
  return derived.length === stored.hash.length && timingSafeEqual(derived, stored.hash);
}

/** Spends the same time as a real check, so an unknown name is not told apart by timing. */
export async function burnCredentialCheck(secret: string): Promise<void> {
  await derive(secret.slice(0, MAX_SECRET_CHARS), Buffer.alloc(SALT_BYTES), SCRYPT_PARAMS.n, SCRYPT_PARAMS.r, SCRYPT_PARAMS.p);
}

function derive(secret: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const memory = 128 * n * r * p;
  if (memory > MAX_MEMORY)
    throw new OperatorError('OPERATOR_CREDENTIAL_INVALID', 'the stored credential asks for more memory than Hallmark allows', 'environment');
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, KEY_BYTES, { N: n, r, p, maxmem: memory + 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key)));
  });
}
