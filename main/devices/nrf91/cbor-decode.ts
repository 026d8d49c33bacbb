import { CborError } from './cbor-errors.js';
import { CborMap, CborTagged, type CborMapKey, type CborValue } from './cbor-value.js';

export interface CborDecodeOptions {
  /** tags accepted anywhere in the item; any other tag is refused */
  readonly allowedTags?: readonly number[];
  /** nesting limit (arrays, maps and tags each count one level) */
  readonly maxDepth?: number;
  /** most elements (or key/value pairs) in one array or map */
  readonly maxItems?: number;
  /** most bytes of input accepted at all */
  readonly maxBytes?: number;
}

const DEFAULTS = { maxDepth: 8, maxItems: 32, maxBytes: 8192 } as const;

/**
 * Decodes exactly one CBOR data item (RFC 8949) filling the whole of `bytes`, from a
 * device we do not trust. Accepted: unsigned and negative integers within JS's safe
 * range, definite-length byte and text strings, arrays and maps (int or text keys, no
 * duplicates), and the tags the caller names. Refused: floats, simple values
 * (false/true/null/undefined), indefinite lengths, non-shortest heads and trailing
 * bytes — none of which COSE_Sign1 from an nRF91 contains, so each one is a sign of a
 * different or tampered message. Lengths are checked against the bytes actually present
 * before anything is allocated, and recursion is bounded, so hostile input costs at most
 * `maxBytes` of work.
 */
export function decodeCbor(bytes: Uint8Array, options: CborDecodeOptions = {}): CborValue {
  const maxBytes = options.maxBytes ?? DEFAULTS.maxBytes;
  if (bytes.length > maxBytes) throw new CborError('CBOR_TOO_LARGE', `CBOR item of ${bytes.length} bytes exceeds ${maxBytes}`, 0);
  const reader = new Reader(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length), {
    allowedTags: new Set(options.allowedTags ?? []),
    maxDepth: options.maxDepth ?? DEFAULTS.maxDepth,
    maxItems: options.maxItems ?? DEFAULTS.maxItems,
  });
  if (bytes.length === 0) throw new CborError('CBOR_TRUNCATED', 'empty input', 0);
  const value = reader.item(0);
  if (reader.pos !== bytes.length) {
    throw new CborError('CBOR_TRAILING_BYTES', `${bytes.length - reader.pos} bytes after the CBOR item`, reader.pos);
  }
  return value;
}

interface Limits {
  readonly allowedTags: ReadonlySet<number>;
  readonly maxDepth: number;
  readonly maxItems: number;
}

class Reader {
  pos = 0;
  constructor(
    private readonly buf: Buffer,
    private readonly limits: Limits,
  ) {}

  item(depth: number): CborValue {
    const start = this.pos;
    const initial = this.byte();
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (major === 7) {
      throw new CborError('CBOR_UNSUPPORTED', `simple value or float (0x${initial.toString(16)}) not accepted`, start);
    }
    if (info === 31) throw new CborError('CBOR_INDEFINITE_LENGTH', 'indefinite-length items are not accepted', start);
    const arg = this.argument(info, start);

    switch (major) {
      case 0:
        return arg;
      case 1:
        // -1 - arg stays safe because argument() caps arg below 2^53 - 1.
        return -1 - arg;
      case 2:
        return Buffer.from(this.take(arg, start));
      case 3: {
        const raw = this.take(arg, start);
        try {
          return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw);
        } catch {
          throw new CborError('CBOR_INVALID_UTF8', 'text string is not valid UTF-8', start);
        }
      }
      case 4: {
        this.enter(depth, start);
        this.checkCount(arg, 1, start);
        const items: CborValue[] = [];
        for (let i = 0; i < arg; i++) items.push(this.item(depth + 1));
        return items;
      }
      case 5: {
        this.enter(depth, start);
        this.checkCount(arg, 2, start);
        const entries = new Map<CborMapKey, CborValue>();
        for (let i = 0; i < arg; i++) {
          const keyAt = this.pos;
          const key = this.item(depth + 1);
          if (typeof key !== 'number' && typeof key !== 'string') {
            throw new CborError('CBOR_BAD_MAP_KEY', 'map keys must be integers or text strings', keyAt);
          }
          if (entries.has(key)) throw new CborError('CBOR_DUPLICATE_KEY', `duplicate map key ${JSON.stringify(key)}`, keyAt);
          entries.set(key, this.item(depth + 1));
        }
        return new CborMap(entries);
      }
      case 6: {
        if (!this.limits.allowedTags.has(arg)) throw new CborError('CBOR_TAG_NOT_ALLOWED', `tag ${arg} is not accepted here`, start);
        this.enter(depth, start);
        return new CborTagged(arg, this.item(depth + 1));
      }
      default:
        // major is 3 bits and 7 was handled above; this is unreachable.
        throw new CborError('CBOR_UNSUPPORTED', `major type ${major}`, start);
    }
  }

  private argument(info: number, start: number): number {
    if (info < 24) return info;
    let value: number;
    let min: number;
    switch (info) {
      case 24:
        value = this.byte();
        min = 24;
        break;
      case 25:
        value = this.take(2, start).readUInt16BE(0);
        min = 0x100;
        break;
      case 26:
        value = this.take(4, start).readUInt32BE(0);
        min = 0x10000;
        break;
      case 27: {
        const big = this.take(8, start).readBigUInt64BE(0);
        if (big > BigInt(Number.MAX_SAFE_INTEGER) - 1n) {
          throw new CborError('CBOR_UNSUPPORTED', 'integer or length beyond 2^53 is not accepted', start);
        }
        value = Number(big);
        min = 0x1_0000_0000;
        break;
      }
      default:
        throw new CborError('CBOR_UNSUPPORTED', `reserved additional information ${info}`, start);
    }
    if (value < min) throw new CborError('CBOR_NON_MINIMAL', `value ${value} is not in its shortest encoding`, start);
    return value;
  }

  private enter(depth: number, start: number): void {
    if (depth + 1 > this.limits.maxDepth) throw new CborError('CBOR_TOO_DEEP', `nesting deeper than ${this.limits.maxDepth}`, start);
  }

  private checkCount(count: number, bytesPerItem: number, start: number): void {
    if (count > this.limits.maxItems) throw new CborError('CBOR_TOO_MANY_ITEMS', `${count} elements exceed ${this.limits.maxItems}`, start);
    // Each element takes at least one byte: a count the remaining input cannot hold is a lie.
    if (count * bytesPerItem > this.buf.length - this.pos) {
      throw new CborError('CBOR_TRUNCATED', `${count} elements announced, ${this.buf.length - this.pos} bytes left`, start);
    }
  }

  private byte(): number {
    const b = this.buf[this.pos];
    if (b === undefined) throw new CborError('CBOR_TRUNCATED', 'input ends inside an item', this.pos);
    this.pos++;
    return b;
  }

  private take(n: number, start: number): Buffer {
    if (n > this.buf.length - this.pos) {
      throw new CborError('CBOR_TRUNCATED', `${n} bytes announced, ${this.buf.length - this.pos} left`, start);
    }
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}
