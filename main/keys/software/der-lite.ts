/**
 * Just enough DER to write and strictly read the one structure the software key store
 * owns (PBES2 EncryptedPrivateKeyInfo). Kept local rather than pulling in an ASN.1
 * schema library so the reader can refuse anything that is not minimal, definite-length
 * DER: a key file that parses two ways is a key file an attacker can play with.
 */

export const TAG = { INTEGER: 0x02, OCTET_STRING: 0x04, NULL: 0x05, OID: 0x06, SEQUENCE: 0x30 } as const;

export class DerError extends Error {}

// ---- writing ----

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, value: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(value.length), value]);
}

export function sequence(...items: Uint8Array[]): Buffer {
  return tlv(TAG.SEQUENCE, Buffer.concat(items));
}

export function octetString(value: Uint8Array): Buffer {
  return tlv(TAG.OCTET_STRING, value);
}

export function derNull(): Buffer {
  return Buffer.from([TAG.NULL, 0]);
}

/** A non-negative INTEGER up to 2^53 (iteration counts, key lengths). */
export function integer(value: number): Buffer {
  if (!Number.isSafeInteger(value) || value < 0) throw new DerError(`cannot encode ${value} as a DER INTEGER here`);
  const bytes: number[] = [];
  for (let n = value; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
  if (bytes.length === 0 || (bytes[0]! & 0x80) !== 0) bytes.unshift(0);
  return tlv(TAG.INTEGER, Buffer.from(bytes));
}

export function oid(dotted: string): Buffer {
  const arcs = dotted.split('.').map((a) => Number(a));
  const [first, second, ...rest] = arcs;
  if (first === undefined || second === undefined) throw new DerError(`bad OID ${dotted}`);
  const out: number[] = [first * 40 + second];
  for (const arc of rest) {
    const chunk: number[] = [arc & 0x7f];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) chunk.unshift((n & 0x7f) | 0x80);
    out.push(...chunk);
  }
  return tlv(TAG.OID, Buffer.from(out));
}

// ---- reading ----

export interface Element {
  readonly tag: number;
  /** the value bytes (a view into the input) */
  readonly value: Buffer;
  /** offset just past this element in the input */
  readonly end: number;
  /** the whole element, header included */
  readonly raw: Buffer;
}

/** Reads one element at `offset`, refusing indefinite, non-minimal or overlong lengths. */
export function readElement(input: Buffer, offset: number, expectedTag: number, what: string): Element {
  const tag = input[offset];
  if (tag === undefined) throw new DerError(`${what}: missing (input ends)`);
  if (tag !== expectedTag) throw new DerError(`${what}: expected tag 0x${expectedTag.toString(16)}, found 0x${tag.toString(16)}`);
  const first = input[offset + 1];
  if (first === undefined) throw new DerError(`${what}: truncated length`);
  let length: number;
  let header: number;
  if (first < 0x80) {
    length = first;
    header = 2;
  } else {
    const count = first & 0x7f;
    if (count === 0 || count > 4) throw new DerError(`${what}: unsupported length encoding`);
    length = 0;
    for (let i = 0; i < count; i++) {
      const b = input[offset + 2 + i];
      if (b === undefined) throw new DerError(`${what}: truncated length`);
      if (i === 0 && b === 0) throw new DerError(`${what}: non-minimal length`);
      length = length * 256 + b;
    }
    if (length < 0x80) throw new DerError(`${what}: non-minimal length`);
    header = 2 + count;
  }
  const start = offset + header;
  const end = start + length;
  if (end > input.length) throw new DerError(`${what}: value runs past the end of its container`);
  return { tag, value: input.subarray(start, end), end, raw: input.subarray(offset, end) };
}

/** Reads the elements of a SEQUENCE value in order; the caller checks how many it expects. */
export function readChildren(seq: Buffer, what: string): Element[] {
  const children: Element[] = [];
  let offset = 0;
  while (offset < seq.length) {
    const tag = seq[offset]!;
    const el = readElement(seq, offset, tag, `${what}[${children.length}]`);
    children.push(el);
    offset = el.end;
  }
  return children;
}

/** A non-negative INTEGER that fits a safe JS number; refuses negative and non-minimal encodings. */
export function readSmallInteger(el: Element, what: string): number {
  if (el.tag !== TAG.INTEGER) throw new DerError(`${what}: not an INTEGER`);
  const v = el.value;
  if (v.length === 0) throw new DerError(`${what}: empty INTEGER`);
  if ((v[0]! & 0x80) !== 0) throw new DerError(`${what}: negative INTEGER`);
  if (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) throw new DerError(`${what}: non-minimal INTEGER`);
  if (v.length > 7) throw new DerError(`${what}: INTEGER too large`);
  let n = 0;
  for (const b of v) n = n * 256 + b;
  return n;
}

export function isElement(el: Element | undefined, tag: number, raw?: Buffer): el is Element {
  return el !== undefined && el.tag === tag && (raw === undefined || el.raw.equals(raw));
}
