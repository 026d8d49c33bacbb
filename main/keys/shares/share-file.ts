import { z } from 'zod';
import { KEY_ALGORITHMS, type KeyAlgorithm } from '../key-algorithm.js';
import { MAX_SHARES, ShareFormatError, assertShareShape, type EncryptedShare } from './encrypted-share.js';
import { parseJsonText } from '../../encoding/json-syntax.js';
import { issueText } from '../../encoding/schema-issue.js';
import { readMediaFile } from '../../files/read-media-file.js';

export const SHARE_FILE_FORMAT = 'hallmark-share/1';
/** A share file is a few kilobytes; anything bigger on a custodian's medium is refused unread. */
export const MAX_SHARE_FILE_BYTES = 64 * 1024;

/** A share file's text from its medium, through the media reader (no symlinks, bounded, one descriptor). */
export function readShareFileText(path: string): string {
  return readMediaFile(path, MAX_SHARE_FILE_BYTES, 'share file').toString('utf8');
}

/**
 * The share as a file: the same encrypted share as the text form, plus the context a
 * person needs to see whose it is without decrypting (label, custodian, algorithm, the
 * full SPKI hash). Versioned by `format`; unknown fields are refused rather than ignored.
 */
export interface ShareFile {
  readonly format: typeof SHARE_FILE_FORMAT;
  readonly label: string;
  readonly algorithm: KeyAlgorithm;
  readonly index: number;
  readonly threshold: number;
  readonly total: number;
  readonly custodian: string;
  readonly spkiSha256: string;
  readonly createdAt: string;
  readonly kdf: { readonly name: 'scrypt'; readonly log2N: number; readonly r: number; readonly p: number; readonly salt: string };
  readonly cipher: { readonly name: 'aes-256-gcm'; readonly iv: string; readonly tag: string };
  readonly ciphertext: string;
}

const base64 = z.string().regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/);
const small = z.number().int().min(0).max(255);

const shareFileSchema = z.strictObject({
  format: z.literal(SHARE_FILE_FORMAT),
  label: z.string().min(1).max(64),
  algorithm: z.enum(KEY_ALGORITHMS),
  index: z.number().int().min(1).max(MAX_SHARES),
  threshold: z.number().int().min(2).max(MAX_SHARES),
  total: z.number().int().min(2).max(MAX_SHARES),
  custodian: z.string().min(1).max(64),
  spkiSha256: z.string().regex(/^[0-9a-f]{64}$/),
  createdAt: z.string().max(40),
  kdf: z.strictObject({ name: z.literal('scrypt'), log2N: small, r: small, p: small, salt: base64 }),
  cipher: z.strictObject({ name: z.literal('aes-256-gcm'), iv: base64, tag: base64 }),
  ciphertext: base64,
});

export function toShareFile(
  share: EncryptedShare,
  context: { label: string; algorithm: KeyAlgorithm; custodian: string; spkiSha256: string; createdAt: string },
): ShareFile {
  return {
    format: SHARE_FILE_FORMAT,
    label: context.label,
    algorithm: context.algorithm,
    index: share.index,
    threshold: share.threshold,
    total: share.total,
    custodian: context.custodian,
    spkiSha256: context.spkiSha256,
    createdAt: context.createdAt,
    kdf: { name: 'scrypt', log2N: share.kdf.log2N, r: share.kdf.r, p: share.kdf.p, salt: share.kdf.salt.toString('base64') },
    cipher: { name: 'aes-256-gcm', iv: share.iv.toString('base64'), tag: share.tag.toString('base64') },
    ciphertext: share.ciphertext.toString('base64'),
  };
}

export function serializeShareFile(file: ShareFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

/** Strict parse; throws ShareFormatError saying which field is wrong. */
export function parseShareFile(text: string): { file: ShareFile; share: EncryptedShare } {
  const read = parseJsonText(text);
  if (!read.ok) throw new ShareFormatError(`not JSON (${read.message})`);
  const json = read.value;
  const parsed = shareFileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ShareFormatError(issue ? `field ${issueText(issue, shareFileSchema, json)}` : 'invalid');
  }
  const file: ShareFile = parsed.data;
  const share: EncryptedShare = {
    index: file.index,
    threshold: file.threshold,
    total: file.total,
    spkiPrefix: file.spkiSha256.slice(0, 16),
    kdf: { name: 'scrypt', log2N: file.kdf.log2N, r: file.kdf.r, p: file.kdf.p, salt: Buffer.from(file.kdf.salt, 'base64') },
    iv: Buffer.from(file.cipher.iv, 'base64'),
    ciphertext: Buffer.from(file.ciphertext, 'base64'),
    tag: Buffer.from(file.cipher.tag, 'base64'),
  };
  assertShareShape(share);
  return { file, share };
}
