import { createHash } from 'node:crypto';

/**
 * One custodian's share as it travels, in file or on paper: the Shamir share encrypted to
 * the custodian's passphrase, plus what is needed to check it belongs where it is offered.
 * Label and full SPKI hash are not in it: they come from the key record and are bound in
 * by the AEAD's associated data (see share-cipher.ts).
 */
export interface EncryptedShare {
  readonly index: number;
  readonly threshold: number;
  readonly total: number;
  /** first 8 bytes of the key's SPKI SHA-256, hex: tells "wrong key" from "wrong passphrase" before any KDF */
  readonly spkiPrefix: string;
  readonly kdf: ScryptParams;
  readonly iv: Buffer;
  readonly ciphertext: Buffer;
  readonly tag: Buffer;
}

export interface ScryptParams {
  readonly name: 'scrypt';
  readonly log2N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
}

export const SPKI_PREFIX_BYTES = 8;
export const SALT_BYTES = 16;
export const IV_BYTES = 12;
export const TAG_BYTES = 16;
export const MAX_SHARES = 16;
/** scrypt needs 128·N·r bytes; more than this and a share could exhaust the station's memory. */
export const SCRYPT_MAX_MEMORY = 256 * 1024 * 1024;

export class ShareFormatError extends Error {}

/*
 * The canonical binary form (version 1), the one thing both the text form and the
 * record's sha256 are computed from, so a file and its paper copy are the same share:
 *
 *   0 version=1 | 1 index | 2 threshold | 3 total | 4-5 ciphertext length (BE)
 *   6-13 SPKI SHA-256 prefix | 14 kdf=1 (scrypt) | 15 log2 N | 16 r | 17 p
 *   18-33 salt | 34-45 IV | ciphertext | 16 GCM tag | 4 checksum = SHA-256(all before)[0..4]
 *
 * The ciphertext length sits in the first text line, so a reader knows early how many
 * lines to expect. The checksum catches what the per-line checks cannot (a missing last line).
 */
const VERSION = 1;
const KDF_SCRYPT = 1;
const HEADER_BYTES = 46;
const CHECKSUM_BYTES = 4;

export function payloadLength(ciphertextLength: number): number {
  return HEADER_BYTES + ciphertextLength + TAG_BYTES + CHECKSUM_BYTES;
}

/** Reads the ciphertext length from the first bytes (for "N lines expected"), or undefined. */
export function peekPayloadLength(prefix: Uint8Array): number | undefined {
  if (prefix.length < 6 || prefix[0] !== VERSION) return undefined;
  return payloadLength((prefix[4]! << 8) | prefix[5]!);
}

export function encodeShare(share: EncryptedShare): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  header[0] = VERSION;
  header[1] = share.index;
  header[2] = share.threshold;
  header[3] = share.total;
  header.writeUInt16BE(share.ciphertext.length, 4);
  Buffer.from(share.spkiPrefix, 'hex').copy(header, 6);
  header[14] = KDF_SCRYPT;
  header[15] = share.kdf.log2N;
  header[16] = share.kdf.r;
  header[17] = share.kdf.p;
  share.kdf.salt.copy(header, 18);
  share.iv.copy(header, 34);
  const body = Buffer.concat([header, share.ciphertext, share.tag]);
  return Buffer.concat([body, checksum(body)]);
}

export function decodeShare(bytes: Buffer): EncryptedShare {
  if (bytes.length < HEADER_BYTES + TAG_BYTES + CHECKSUM_BYTES) throw new ShareFormatError(`the share is too short (${bytes.length} bytes)`);
  if (bytes[0] !== VERSION) throw new ShareFormatError(`unknown share version ${bytes[0]}`);
  const ctLength = bytes.readUInt16BE(4);
  if (bytes.length !== payloadLength(ctLength)) throw new ShareFormatError(`the share is ${bytes.length} bytes, its header says ${payloadLength(ctLength)}`);
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  if (!checksum(body).equals(bytes.subarray(bytes.length - CHECKSUM_BYTES))) throw new ShareFormatError('the share checksum does not match');
  if (bytes[14] !== KDF_SCRYPT) throw new ShareFormatError(`unknown key derivation function ${bytes[14]}`);
  const share: EncryptedShare = {
    index: bytes[1]!,
    threshold: bytes[2]!,
    total: bytes[3]!,
    spkiPrefix: bytes.subarray(6, 14).toString('hex'),
    kdf: { name: 'scrypt', log2N: bytes[15]!, r: bytes[16]!, p: bytes[17]!, salt: Buffer.from(bytes.subarray(18, 34)) },
    iv: Buffer.from(bytes.subarray(34, 46)),
    ciphertext: Buffer.from(bytes.subarray(HEADER_BYTES, HEADER_BYTES + ctLength)),
    tag: Buffer.from(bytes.subarray(HEADER_BYTES + ctLength, HEADER_BYTES + ctLength + TAG_BYTES)),
  };
  assertShareShape(share);
  return share;
}

/** Range checks shared by both forms; the KDF bounds keep a hostile share from asking for gigabytes. */
export function assertShareShape(s: EncryptedShare): void {
  if (!(s.threshold >= 2 && s.threshold <= s.total && s.total <= MAX_SHARES)) throw new ShareFormatError(`bad threshold ${s.threshold} of ${s.total}`);
  if (!(s.index >= 1 && s.index <= s.total)) throw new ShareFormatError(`bad index ${s.index} of ${s.total}`);
  if (!/^[0-9a-f]{16}$/.test(s.spkiPrefix)) throw new ShareFormatError('bad SPKI fingerprint');
  const k = s.kdf;
  const memory = 128 * 2 ** k.log2N * k.r;
  if (!(k.log2N >= 15 && k.log2N <= 20 && k.r >= 8 && k.r <= 16 && k.p >= 1 && k.p <= 4 && memory <= SCRYPT_MAX_MEMORY)) {
    throw new ShareFormatError(`scrypt parameters N=2^${k.log2N} r=${k.r} p=${k.p} are outside what Hallmark accepts`);
  }
  if (k.salt.length !== SALT_BYTES || s.iv.length !== IV_BYTES || s.tag.length !== TAG_BYTES) throw new ShareFormatError('bad salt, IV or tag length');
  if (s.ciphertext.length < 2 || s.ciphertext.length > 0xffff) throw new ShareFormatError('bad ciphertext length');
}

/** Hex SHA-256 of the canonical binary form: what the key record lists per share. */
export function shareDigest(share: EncryptedShare): string {
  return createHash('sha256').update(encodeShare(share)).digest('hex');
}

function checksum(body: Buffer): Buffer {
  return createHash('sha256').update(body).digest().subarray(0, CHECKSUM_BYTES);
}
