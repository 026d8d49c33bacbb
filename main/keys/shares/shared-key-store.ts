import { createHash, type KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { combine, split } from 'shamir-secret-sharing';
import { isKeyAlgorithm, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import type { KeyRecord } from '../key-record.js';
import type { SyncSigningKey } from '../signing-key.js';
import { generateKeyObjectPair, spkiDer } from '../software/generate-key-pair.js';
import { assertFileSafeLabel } from '../software/key-label.js';
import { KeyObjectSigningKey, privateKeyForRecord } from '../software/key-object-signing-key.js';
import { writeFileExclusive } from '../software/write-exclusive.js';
import { ShareFormatError, shareDigest, type EncryptedShare } from './encrypted-share.js';
import { ShareAuthenticationError, decryptShare, encryptShare, type ShareBinding } from './share-cipher.js';
import { parseShareFile, readShareFileText, serializeShareFile, toShareFile } from './share-file.js';
import { assertSharePlan, type CustodianSecret } from './share-plan.js';
import { renderShareSheet } from './share-sheet.js';
import { formatShareText, parseShareText } from './share-text.js';
import { MediaFileError } from '../../files/read-media-file.js';

export type { CustodianSecret } from './share-plan.js';

/** What the workspace records for a shared key (type aliases so it is assignable to KeyRecord['location']). */
export type ShareEntry = { index: number; custodian: string; sha256: string };
export type SharedKeyLocation = { threshold: number; total: number; shares: ShareEntry[] };

export function shareFileNames(label: string, index: number, total: number): { share: string; sheet: string } {
  const base = `${label}.share-${index}-of-${total}`;
  return { share: `${base}.json`, sheet: `${base}.html` };
}

/**
 * Makes a key in memory, splits its PKCS#8 M-of-N, encrypts each share to its custodian's
 * passphrase and writes, per share, a JSON file and a printable sheet (never over an
 * existing file; on failure, the files this call made are removed). The whole private
 * key never reaches disk in any form.
 */
export async function generateSharedKey(args: {
  label: string;
  algorithm: KeyAlgorithm;
  threshold: number;
  custodians: CustodianSecret[];
  outDir: string;
}): Promise<{ spki: Buffer; location: SharedKeyLocation; shareFiles: string[]; sheetFiles: string[] }> {
  const { label, algorithm, threshold, custodians, outDir } = args;
  assertFileSafeLabel(label);
  if (!isKeyAlgorithm(algorithm)) throw new KeyError('KEY_ALGORITHM_UNSUPPORTED', `unknown key algorithm ${String(algorithm)}`);
  assertSharePlan(threshold, custodians);
  const total = custodians.length;
  const paths = custodians.map((_, i) => {
    const names = shareFileNames(label, i + 1, total);
    return { share: join(outDir, names.share), sheet: join(outDir, names.sheet) };
  });
  for (const p of paths.flatMap((p) => [p.share, p.sheet])) {
    if (existsSync(p)) throw new KeyError('KEY_FILE_EXISTS', `${p} already exists; Hallmark never overwrites key material`);
  }
  mkdirSync(outDir, { recursive: true, mode: 0o700 });

  const { privateKey, publicKey } = await generateKeyObjectPair(algorithm);
  const spki = spkiDer(publicKey);
  const spkiSha256 = createHash('sha256').update(spki).digest('hex');
  const createdAt = new Date().toISOString();

  const pkcs8 = privateKey.export({ type: 'pkcs8', format: 'der' });
  // The library insists on a plain Uint8Array (a Buffer's constructor differs), hence the copy.
  const secret = new Uint8Array(pkcs8);
  let plainShares: Uint8Array[] = [];
  const encrypted: EncryptedShare[] = [];
  try {
    plainShares = await split(secret, total, threshold);
    for (const [i, { passphrase }] of custodians.entries()) {
      encrypted.push(await encryptShare(plainShares[i]!, passphrase, { label, index: i + 1, threshold, total, spkiSha256 }));
    }
  } finally {
    pkcs8.fill(0);
    secret.fill(0);
    for (const s of plainShares) s.fill(0);
  }

  const entries: ShareEntry[] = [];
  const outputs: { path: string; content: string }[] = [];
  for (const [i, share] of encrypted.entries()) {
    const custodian = custodians[i]!.custodian;
    const sha256 = shareDigest(share);
    entries.push({ index: share.index, custodian, sha256 });
    const file = toShareFile(share, { label, algorithm, custodian, spkiSha256, createdAt });
    const sheet = await renderShareSheet({
      label,
      algorithm,
      custodian,
      index: share.index,
      threshold,
      total,
      spkiSha256,
      shareSha256: sha256,
      createdAt,
      lines: formatShareText(share),
    });
    outputs.push({ path: paths[i]!.share, content: serializeShareFile(file) }, { path: paths[i]!.sheet, content: sheet });
  }

  const written: string[] = [];
  try {
    for (const o of outputs) {
      writeFileExclusive(o.path, o.content);
      written.push(o.path);
    }
  } catch (e) {
    for (const p of written) unlinkSync(p);
    throw e;
  }
  return {
    spki,
    location: { threshold, total, shares: entries },
    shareFiles: paths.map((p) => p.share),
    sheetFiles: paths.map((p) => p.sheet),
  };
}

export interface ShareInput {
  /** path of a share JSON file */
  file?: string;
  /** the text form, typed back or scanned */
  text?: string;
  passphrase: string;
}

interface OfferedShare {
  readonly share: EncryptedShare;
  readonly name: string;
  readonly passphrase: string;
}

/**
 * Reassembles a shared key from at least M shares and returns it as a signing key. Every
 * share is checked against the record (key, index, exact bytes) before any passphrase is
 * tried, so a failure names the share and says whether it is the wrong key's, damaged,
 * or the passphrase.
 */
export async function openSharedKey(record: KeyRecord, shares: ShareInput[]): Promise<SyncSigningKey> {
  return withReassembledSharedKey(record, shares, (_pkcs8, key) => new KeyObjectSigningKey(record.label, record.algorithm, key, Buffer.from(record.spki)));
}

/**
 * The same checks and reassembly as openSharedKey, for a caller that needs the PKCS#8
 * bytes themselves (a restore onto a token). `use` sees the key only while it runs: the
 * bytes are a view of the combined secret, which is wiped when `use` settles, so a
 * caller cannot forget to wipe it and must copy nothing it does not wipe itself.
 */
export async function withReassembledSharedKey<T>(record: KeyRecord, shares: ShareInput[], use: (pkcs8: Buffer, key: KeyObject) => T | Promise<T>): Promise<T> {
  const location = readLocation(record);
  const byIndex = new Map(location.shares.map((s) => [s.index, s]));

  const offered: OfferedShare[] = [];
  const seen = new Map<number, string>();
  for (const [position, input] of shares.entries()) {
    const share = readOffered(record, input, `share #${position + 1}`);
    const entry = byIndex.get(share.index);
    const name = `share ${share.index}${entry ? ` (${entry.custodian})` : ''}`;
    if (share.threshold !== location.threshold || share.total !== location.total || entry === undefined) {
      throw new KeyError(
        'SHARE_MISMATCH',
        `${name} is from a ${share.threshold}-of-${share.total} split, not key "${record.label}"'s ${location.threshold}-of-${location.total}`,
        'check',
      );
    }
    if (shareDigest(share) !== entry.sha256) {
      throw new KeyError('SHARE_CORRUPT', `${name} is not the share recorded for key "${record.label}": it was damaged or altered`, 'check', {
        index: share.index,
      });
    }
    const earlier = seen.get(share.index);
    if (earlier !== undefined)
      throw new KeyError('SHARE_DUPLICATE', `${name} was given twice (${earlier} and share #${position + 1})`, 'input', { index: share.index });
    seen.set(share.index, `share #${position + 1}`);
    offered.push({ share, name, passphrase: input.passphrase });
  }
  if (offered.length < location.threshold) {
    const more = location.threshold - offered.length;
    throw new KeyError(
      'SHARES_TOO_FEW',
      `key "${record.label}" needs ${location.threshold} of its ${location.total} shares; ${offered.length} given, ${more} more needed`,
      'input',
      { needed: more },
    );
  }

  const plain: Uint8Array[] = [];
  let secret: Uint8Array | undefined;
  try {
    for (const { share, name, passphrase } of offered) {
      const binding: ShareBinding = { label: record.label, index: share.index, threshold: share.threshold, total: share.total, spkiSha256: record.spkiSha256 };
      try {
        const decrypted = await decryptShare(share, passphrase, binding);
        plain.push(new Uint8Array(decrypted)); // a plain Uint8Array, as combine() insists
        decrypted.fill(0);
      } catch (e) {
        // The bytes matched the record, so the only thing left that can be wrong is the passphrase.
        if (e instanceof ShareAuthenticationError)
          throw new KeyError('SHARE_PASSPHRASE_WRONG', `the passphrase does not open ${name}`, 'input', { index: share.index });
        throw e;
      }
    }
    secret = await combine(plain);
    const pkcs8 = Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength);
    const key = privateKeyForRecord(
      pkcs8,
      record,
      (why) => new KeyError('SHARE_MISMATCH', `the shares do not rebuild key "${record.label}" (${why})`, 'check'),
    );
    return await use(pkcs8, key);
  } finally {
    for (const p of plain) p.fill(0);
    secret?.fill(0);
  }
}

function readOffered(record: KeyRecord, input: ShareInput, name: string): EncryptedShare {
  if ((input.file === undefined) === (input.text === undefined)) {
    throw new KeyError('SHARES_INVALID', `${name}: give either a share file or the share text, not ${input.file === undefined ? 'neither' : 'both'}`);
  }
  if (input.text !== undefined) {
    let share: EncryptedShare;
    try {
      share = parseShareText(input.text);
    } catch (e) {
      if (e instanceof KeyError) throw new KeyError(e.code, `${name}: ${e.message}`, e.kind, e.details);
      throw e;
    }
    if (share.spkiPrefix !== record.spkiSha256.slice(0, 16)) {
      throw new KeyError('SHARE_MISMATCH', `${name} (share ${share.index}) belongs to another key, not "${record.label}"`, 'check');
    }
    return share;
  }
  const path = input.file!;
  let text: string;
  try {
    text = readShareFileText(path);
  } catch (e) {
    // A link, a device or an oversized file keeps the media reader's code, with the path named.
    if (e instanceof MediaFileError && e.code !== 'FILE_UNREADABLE') throw e;
    throw new KeyError('SHARES_INVALID', `${name}: ${e instanceof MediaFileError ? e.message : `cannot read ${path}`}`, 'environment');
  }
  try {
    const { file, share } = parseShareFile(text);
    if (file.label !== record.label || file.spkiSha256 !== record.spkiSha256) {
      throw new KeyError(
        'SHARE_MISMATCH',
        `${name} (${path}) is share ${file.index} of key "${file.label}" ${file.spkiSha256.slice(0, 16)}…, not of "${record.label}" ${record.spkiSha256.slice(0, 16)}…`,
        'check',
      );
    }
    return share;
  } catch (e) {
    if (e instanceof ShareFormatError) throw new KeyError('SHARE_CORRUPT', `${name} (${path}) is not a readable share file: ${e.message}`, 'check');
    throw e;
  }
}

function readLocation(record: KeyRecord): SharedKeyLocation {
  if (record.store !== 'shares') throw new KeyError('SHARES_INVALID', `key "${record.label}" is a ${record.store} key, not a shared one`);
  const loc = record.location as Partial<SharedKeyLocation>;
  const ok =
    Number.isInteger(loc.threshold) &&
    Number.isInteger(loc.total) &&
    Array.isArray(loc.shares) &&
    loc.shares.length === loc.total &&
    loc.shares.every((s) => Number.isInteger(s.index) && typeof s.custodian === 'string' && typeof s.sha256 === 'string' && /^[0-9a-f]{64}$/.test(s.sha256));
  if (!ok) throw new KeyError('SHARES_INVALID', `the record of key "${record.label}" does not describe its shares`);
  return loc as SharedKeyLocation;
}
