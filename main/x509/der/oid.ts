import { DerError } from './der-errors.js';

/**
 * Bounds no real OID comes near (the longest in common use are ~30 bytes; UUID arcs under
 * 2.25 are 128 bits) but that keep decoding hostile input cheap: a 16 KiB single arc would
 * otherwise be a quadratic bigint build.
 */
const MAX_OID_BYTES = 128;
/** 19 base-128 digits hold 133 bits: every 128-bit arc fits, with room for 2.25's first subidentifier. */
const MAX_ARC_BYTES = 19;

/**
 * Checks that bytes[start, end) are a valid DER OBJECT IDENTIFIER body: at least one
 * subidentifier, each minimally encoded (no leading 0x80 byte) and terminated (last byte
 * without the continuation bit), within the bounds above.
 */
export function validateOidBody(bytes: Uint8Array, start: number, end: number): void {
  if (end <= start) throw new DerError('DER_OID', 'OBJECT IDENTIFIER is empty', start);
  if (end - start > MAX_OID_BYTES) {
    throw new DerError('DER_OID', `OBJECT IDENTIFIER is longer than ${MAX_OID_BYTES} bytes`, start);
  }
  let atArcStart = true;
  let arcBytes = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if (atArcStart && b === 0x80) {
      throw new DerError('DER_NON_MINIMAL', 'OBJECT IDENTIFIER arc has a leading 0x80 byte', i);
    }
    if (++arcBytes > MAX_ARC_BYTES) {
      throw new DerError('DER_OID', `OBJECT IDENTIFIER arc is longer than ${MAX_ARC_BYTES} bytes (over 128 bits)`, i);
    }
    atArcStart = (b & 0x80) === 0;
    if (atArcStart) arcBytes = 0;
  }
  if (!atArcStart) throw new DerError('DER_OID', 'OBJECT IDENTIFIER ends inside an arc', end - 1);
}

/** Decodes a validated OID body to dotted form ("1.2.840.10045.2.1"). */
export function decodeOidBody(bytes: Uint8Array, start: number, end: number): string {
  validateOidBody(bytes, start, end);
  const arcs: string[] = [];
  let value = 0;
  let big: bigint | null = null;
  let first = true;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    // Numbers are exact up to 2^53; switch to bigint before an arc could exceed that.
    if (big === null && value > 0x3fffffffffff) big = BigInt(value);
    if (big !== null) big = (big << 7n) | BigInt(b & 0x7f);
    else value = value * 128 + (b & 0x7f);
    if (b & 0x80) continue;
    if (first) {
      // The first subidentifier packs two arcs: 40 * a + b, with a in 0..2.
      first = false;
      if (big !== null) {
        arcs.push('2', (big - 80n).toString());
      } else if (value < 40) arcs.push('0', String(value));
      else if (value < 80) arcs.push('1', String(value - 40));
      else arcs.push('2', String(value - 80));
    } else {
      arcs.push(big !== null ? big.toString() : String(value));
    }
    value = 0;
    big = null;
  }
  return arcs.join('.');
}
