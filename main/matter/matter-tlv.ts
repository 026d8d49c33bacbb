/**
 * A strict reader of the Matter TLV encoding (Matter Core spec appendix A) for the one
 * structure Hallmark reads: the certification elements inside a Certification
 * Declaration. Unsigned integers, byte and UTF-8 strings, booleans, null and the three
 * containers, with anonymous or 1-byte context tags; anything else (floats, profile
 * tags, lengths past the input) is refused, so a malformed CD never half-parses.
 */

export type TlvValue = bigint | boolean | null | Buffer | string | TlvElement[];

export interface TlvElement {
  /** the context tag, or null for an anonymous element */
  readonly tag: number | null;
  readonly type: 'uint' | 'int' | 'bool' | 'null' | 'bytes' | 'utf8' | 'structure' | 'array' | 'list';
  readonly value: TlvValue;
}

export class TlvError extends Error {}

const MAX_DEPTH = 8;

/** Reads exactly one element spanning all of `bytes`. */
export function readTlv(bytes: Buffer): TlvElement {
  const r = { at: 0 };
  const e = element(bytes, r, 0);
  if (e === 'end') throw new TlvError('an end-of-container where an element was expected');
  if (r.at !== bytes.length) throw new TlvError(`${bytes.length - r.at} byte(s) after the element`);
  return e;
}

function take(bytes: Buffer, r: { at: number }, n: number): Buffer {
  if (r.at + n > bytes.length) throw new TlvError('the element runs past the end of the data');
  const out = bytes.subarray(r.at, r.at + n);
  r.at += n;
  return out;
}

function uint(b: Buffer): bigint {
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  return v;
}

function element(bytes: Buffer, r: { at: number }, depth: number): TlvElement | 'end' {
  const control = take(bytes, r, 1)[0]!;
  const tagControl = control >> 5;
  const type = control & 0x1f;
  if (type === 0x18) {
    if (tagControl !== 0) throw new TlvError('a tagged end-of-container');
    return 'end';
  }
  let tag: number | null;
  if (tagControl === 0) tag = null;
  else if (tagControl === 1) tag = take(bytes, r, 1)[0]!;
  else throw new TlvError(`tag form ${tagControl} is not one a certification declaration uses`);
  const width = 1 << (type & 3);
  if (type <= 0x03) {
    const raw = take(bytes, r, width);
    const u = uint(raw);
    const signBit = 1n << BigInt(width * 8 - 1);
    return { tag, type: 'int', value: u & signBit ? u - (signBit << 1n) : u };
  }
  if (type <= 0x07) return { tag, type: 'uint', value: uint(take(bytes, r, width)) };
  if (type === 0x08 || type === 0x09) return { tag, type: 'bool', value: type === 0x09 };
  if (type >= 0x0c && type <= 0x13) {
    const len = Number(uint(take(bytes, r, width)));
    const data = Buffer.from(take(bytes, r, len));
    if (type <= 0x0f) {
      const text = data.toString('utf8');
      if (!Buffer.from(text, 'utf8').equals(data)) throw new TlvError('a UTF-8 string that is not UTF-8');
      return { tag, type: 'utf8', value: text };
    }
    return { tag, type: 'bytes', value: data };
  }
  if (type === 0x14) return { tag, type: 'null', value: null };
  if (type >= 0x15 && type <= 0x17) {
    if (depth >= MAX_DEPTH) throw new TlvError('containers nested too deeply');
    const members: TlvElement[] = [];
    for (;;) {
      const m = element(bytes, r, depth + 1);
      if (m === 'end') break;
      members.push(m);
    }
    return { tag, type: type === 0x15 ? 'structure' : type === 0x16 ? 'array' : 'list', value: members };
  }
  throw new TlvError(`element type 0x${type.toString(16)} is not one a certification declaration uses`);
}
