import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { JsonValue } from '../../encoding/canonical-json.js';
import { isKeyAlgorithm, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import type { KeyRecord } from '../key-record.js';
import type { SyncSigningKey } from '../signing-key.js';
import { fromEncryptedPem, toEncryptedPem } from './encrypted-pem.js';
import { CIPHER_NAME, PBKDF2_ITERATIONS, decryptPkcs8, describeKdf, encryptPkcs8, parseEncryptedPkcs8 } from './encrypted-pkcs8.js';
import { generateKeyObjectPair, spkiDer } from './generate-key-pair.js';
import { assertFileSafeLabel, assertPlainFileName } from './key-label.js';
import { KeyObjectSigningKey, privateKeyForRecord } from './key-object-signing-key.js';
import { assertPassphraseStrength } from './passphrase-policy.js';
import { writeFileExclusive } from './write-exclusive.js';

export const SOFTWARE_KEY_FORMAT = 'pkcs8-pbes2';

/** A type alias, not an interface, so it is assignable to KeyRecord['location']. */
export type SoftwareKeyLocation = {
  /** relative to the workspace's keys directory */
  file: string;
  format: typeof SOFTWARE_KEY_FORMAT;
  kdf: string;
  cipher: string;
};

export function softwareKeyFileName(label: string): string {
  return `${label}.p8.pem`;
}

/**
 * Makes a key and writes it only as an encrypted PKCS#8 file (0600, never over an existing
 * file). The plaintext PKCS#8 exists only in memory between export and encryption.
 */
export async function generateSoftwareKey(args: {
  label: string;
  algorithm: KeyAlgorithm;
  passphrase: string;
  keysDir: string;
}): Promise<{ spki: Buffer; location: SoftwareKeyLocation }> {
  assertFileSafeLabel(args.label);
  if (!isKeyAlgorithm(args.algorithm)) throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `unknown key algorithm ${String(args.algorithm)}`);
  assertPassphraseStrength(args.passphrase, `key "${args.label}"`);
  const file = softwareKeyFileName(args.label);
  const path = join(args.keysDir, file);
  // Checked early only to fail before the slow part; writeFileExclusive is what guarantees it.
  if (existsSync(path)) throw new KeyError('KEY_FILE_EXISTS', `${path} already exists; Hallmark never overwrites key material`);
  mkdirSync(args.keysDir, { recursive: true, mode: 0o700 });

  const { privateKey, publicKey } = await generateKeyObjectPair(args.algorithm);
  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  let encrypted: Buffer;
  try {
    encrypted = await encryptPkcs8(pkcs8, args.passphrase, PBKDF2_ITERATIONS);
  } finally {
    pkcs8.fill(0);
  }
  writeFileExclusive(path, toEncryptedPem(encrypted));
  return {
    spki: spkiDer(publicKey),
    location: { file, format: SOFTWARE_KEY_FORMAT, kdf: describeKdf(PBKDF2_ITERATIONS), cipher: CIPHER_NAME },
  };
}

export async function openSoftwareKey(record: KeyRecord, args: { passphrase: string; keysDir: string }): Promise<SyncSigningKey> {
  const { label } = record;
  if (record.store !== 'software') throw new KeyError('KEY_FILE_INVALID', `key "${label}" is a ${record.store} key, not a software key`);
  const loc = record.location;
  assertPlainFileName(loc['file'], label);
  if (loc['format'] !== SOFTWARE_KEY_FORMAT || loc['cipher'] !== CIPHER_NAME) {
    throw new KeyError(
      'KEY_FILE_INVALID',
      `key "${label}" is recorded in format ${recorded(loc['format'])}/${recorded(loc['cipher'])}, which this version does not read`,
    );
  }
  const path = join(args.keysDir, loc['file']);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KeyError('KEY_NOT_FOUND', `the key file ${path} for key "${label}" is missing`, 'environment');
    throw new KeyError('KEY_FILE_INVALID', `cannot read the key file ${path}: ${code ?? (e as Error).message}`, 'environment');
  }

  const params = parseEncryptedPkcs8(fromEncryptedPem(text, label), label);
  // CBC cannot tell an edited iteration count from a wrong passphrase; the record can.
  const kdf = describeKdf(params.iterations);
  if (typeof loc['kdf'] === 'string' && loc['kdf'] !== kdf) {
    throw new KeyError(
      'KEY_FILE_INVALID',
      `the key file for "${label}" says ${kdf} but the key was recorded with ${loc['kdf']}: the file was altered or replaced`,
      'check',
    );
  }
  const pkcs8 = await decryptPkcs8(params, args.passphrase, label);
  try {
    const key = privateKeyForRecord(pkcs8, record, (why) => new KeyError('KEY_FILE_INVALID', `the key file does not hold key ${label} (${why})`, 'check'));
    return new KeyObjectSigningKey(label, record.algorithm, key, Buffer.from(record.spki));
  } finally {
    pkcs8.fill(0);
  }
}

/** A field of the key's record as an error names it: a string as it is, anything else as JSON. */
function recorded(value: JsonValue | undefined): string {
  return typeof value === 'string' ? value : String(JSON.stringify(value));
}
