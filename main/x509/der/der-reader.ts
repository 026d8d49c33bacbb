import { DerError } from './der-errors.js';
import { decodeOidBody, validateOidBody } from './oid.js';

/**
 * A strict DER reader for untrusted input. One pass builds the whole element tree and
 * refuses anything DER forbids, so schema code above it only has to ask "is this the
 * element I expect?":
 * - definite, minimally encoded lengths only, never beyond the enclosing element;
 * - tag numbers >= 31 in the high-tag form are read (minimal, at most 4 bytes), so a
 *   schema can name them in its own error rather than seeing a framing error;
 * - constructed elements nest at most `maxDepth` deep (recursion is bounded by it);
 * - universal types get their DER rules: BOOLEAN is 00 or FF, INTEGER is minimal, NULL is
 *   empty, BIT STRING padding is valid and zero, OIDs are well formed, strings and
 *   primitive types are primitive, SEQUENCE and SET are constructed.
 * Not checked: the sort order of SET OF (real encoders get it wrong and the signature pins
 * the bytes anyway) and the character sets of strings (the schema decodes those it uses).
 */

export const TAG_CLASS = { universal: 0, application: 1, context: 2, private: 3 } as const;

export class DerNode {
  constructor(
    readonly buf: Buffer,
    /** the first identifier octet, e.g. 0x30 for SEQUENCE, 0xa0 for [0] constructed */
    readonly id: number,
    readonly tagClass: number,
    readonly constructed: boolean,
    readonly tagNumber: number,
    /** offset of the identifier octet */
    readonly start: number,
    readonly contentStart: number,
    readonly end: number,
    /** the elements inside a constructed element; empty for a primitive one */
    readonly children: readonly DerNode[],
  ) {}

  get length(): number {
    return this.end - this.contentStart;
  }

  /** the contents octets (a view into the parsed buffer, not a copy) */
  content(): Buffer {
    return this.buf.subarray(this.contentStart, this.end);
  }

  /** the whole TLV (a view into the parsed buffer, not a copy) */
  raw(): Buffer {
    return this.buf.subarray(this.start, this.end);
  }

  /** dotted form of an OBJECT IDENTIFIER element (already validated by the parse) */
  oid(): string {
    return decodeOidBody(this.buf, this.contentStart, this.end);
  }
}

export interface ParseDerOptions {
  /** most constructed elements nested inside each other, counting the outermost as 1 */
  readonly maxDepth: number;
}

/** Parses exactly one DER element filling the whole buffer. Throws DerError. */
export function parseDer(buf: Buffer, options: ParseDerOptions): DerNode {
  if (buf.length === 0) throw new DerError('DER_LENGTH', 'input is empty', 0);
  const root = readElement(buf, 0, buf.length, 1, options.maxDepth);
  if (root.end !== buf.length) {
    throw new DerError('DER_TRAILING_BYTES', `${buf.length - root.end} byte(s) after the outermost element`, root.end);
  }
  return root;
}

function readElement(buf: Buffer, offset: number, limit: number, depth: number, maxDepth: number): DerNode {
  const id = buf[offset]!;
  const tagClass = id >> 6;
  const constructed = (id & 0x20) !== 0;
  let tagNumber = id & 0x1f;
  let p = offset + 1;
  if (tagNumber === 0x1f) {
    if (p >= limit) throw new DerError('DER_LENGTH', 'tag is cut short', offset);
    if (buf[p] === 0x80) throw new DerError('DER_NON_MINIMAL', 'high tag number has a leading 0x80 byte', offset);
    tagNumber = 0;
    for (let i = 0; ; i++) {
      if (p >= limit) throw new DerError('DER_LENGTH', 'tag is cut short', offset);
      if (i === 4) throw new DerError('DER_TAG', 'tag number is too large', offset);
      const b = buf[p++]!;
      tagNumber = tagNumber * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
    if (tagNumber < 31) throw new DerError('DER_NON_MINIMAL', `tag number ${tagNumber} written in the high-tag form`, offset);
  }

  if (p >= limit) throw new DerError('DER_LENGTH', 'length is missing', offset);
  const first = buf[p++]!;
  let length: number;
  if (first < 0x80) {
    length = first;
  } else if (first === 0x80) {
    throw new DerError('DER_INDEFINITE_LENGTH', 'indefinite length (0x80) is not allowed in DER', offset);
  } else {
    const n = first & 0x7f;
    // 4 length bytes already describe 4 GiB; anything longer cannot fit any input we take.
    if (n > 4) throw new DerError('DER_LENGTH', `length of ${n} bytes is too large`, offset);
    if (p + n > limit) throw new DerError('DER_LENGTH', 'length is cut short', offset);
    if (buf[p] === 0) throw new DerError('DER_NON_MINIMAL', 'length has a leading zero byte', offset);
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + buf[p++]!;
    if (length < 0x80) throw new DerError('DER_NON_MINIMAL', `length ${length} written in the long form`, offset);
  }
  const contentStart = p;
  const end = contentStart + length;
  if (end > limit) {
    throw new DerError('DER_LENGTH', `length ${length} runs past the end of its enclosing element (${limit - contentStart} byte(s) available)`, offset);
  }

  if (tagClass === TAG_CLASS.universal) checkUniversal(buf, tagNumber, constructed, offset, contentStart, end);

  let children: DerNode[] = NO_CHILDREN;
  if (constructed) {
    if (depth > maxDepth) throw new DerError('DER_TOO_DEEP', `elements nested more than ${maxDepth} deep`, offset);
    children = [];
    let q = contentStart;
    while (q < end) {
      const child = readElement(buf, q, end, depth + 1, maxDepth);
      children.push(child);
      q = child.end;
    }
  }
  return new DerNode(buf, id, tagClass, constructed, tagNumber, offset, contentStart, end, children);
}

const NO_CHILDREN: DerNode[] = [];
Object.freeze(NO_CHILDREN);

/**
 * SEQUENCE and SET must be constructed; EXTERNAL and EMBEDDED PDV are; every other
 * universal type is primitive in DER (constructed strings are BER only).
 */
function checkUniversal(buf: Buffer, tag: number, constructed: boolean, offset: number, start: number, end: number): void {
  const length = end - start;
  if (tag === 0) throw new DerError('DER_TAG', 'end-of-contents marker (BER indefinite form) is not allowed in DER', offset);
  if (tag === 16 || tag === 17) {
    if (!constructed) throw new DerError('DER_TAG', `universal tag ${tag} (SEQUENCE/SET) must be constructed`, offset);
  } else if (constructed && tag !== 8 && tag !== 11) {
    throw new DerError('DER_TAG', `universal tag ${tag} must be primitive in DER`, offset);
  }
  switch (tag) {
    case 1: // BOOLEAN
      if (length !== 1 || (buf[start] !== 0x00 && buf[start] !== 0xff)) {
        throw new DerError('DER_VALUE', 'BOOLEAN must be one byte, 00 or FF', offset);
      }
      return;
    case 2: // INTEGER
    case 10: // ENUMERATED
      if (length === 0) throw new DerError('DER_VALUE', 'INTEGER is empty', offset);
      if (length > 1) {
        const b0 = buf[start]!;
        const b1 = buf[start + 1]!;
        if ((b0 === 0x00 && b1 < 0x80) || (b0 === 0xff && b1 >= 0x80)) {
          throw new DerError('DER_NON_MINIMAL', 'INTEGER has a redundant leading byte', offset);
        }
      }
      return;
    case 3: {
      // BIT STRING
      if (length === 0) throw new DerError('DER_VALUE', 'BIT STRING has no unused-bits byte', offset);
      const unused = buf[start]!;
      if (unused > 7) throw new DerError('DER_VALUE', `BIT STRING claims ${unused} unused bits`, offset);
      if (length === 1 && unused !== 0) throw new DerError('DER_VALUE', 'empty BIT STRING claims unused bits', offset);
      if (unused > 0 && (buf[end - 1]! & ((1 << unused) - 1)) !== 0) {
        throw new DerError('DER_VALUE', 'BIT STRING padding bits are not zero', offset);
      }
      return;
    }
    case 5: // NULL
      if (length !== 0) throw new DerError('DER_VALUE', 'NULL has contents', offset);
      return;
    case 6: // OBJECT IDENTIFIER
      validateOidBody(buf, start, end);
      return;
    default:
      return;
  }
}
