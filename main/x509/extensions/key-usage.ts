import { bitString } from '../der/der-writer.js';
import { OID } from '../oids.js';
import type { Extension } from './extension.js';

/** RFC 5280 §4.2.1.3 bit positions. */
export const KEY_USAGE_BITS = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyEncipherment: 2,
  dataEncipherment: 3,
  keyAgreement: 4,
  keyCertSign: 5,
  cRLSign: 6,
  encipherOnly: 7,
  decipherOnly: 8,
} as const;
export type KeyUsage = keyof typeof KEY_USAGE_BITS;

/** A named-bit-list BIT STRING in DER: trailing zero bits removed, unused-bits count set. Critical, as RFC 5280 advises. */
export function keyUsage(usages: readonly KeyUsage[]): Extension {
  if (usages.length === 0) throw new RangeError('keyUsage needs at least one usage');
  const highest = Math.max(...usages.map((u) => KEY_USAGE_BITS[u]));
  const bytes = Buffer.alloc(Math.floor(highest / 8) + 1);
  for (const u of usages) {
    const bit = KEY_USAGE_BITS[u];
    bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  }
  const unused = 7 - (highest & 7);
  return { oid: OID.keyUsage, critical: true, value: bitString(bytes, unused) };
}
