import { CborMap, CborTagged, type CborValue } from './cbor-value.js';

/**
 * Encodes the same subset decodeCbor reads, in preferred serialization (shortest heads),
 * for the simulated modem's attestation and for tests. Map entries keep insertion order,
 * as COSE headers on the nRF91 do not depend on canonical ordering.
 */
export function encodeCbor(value: CborValue): Buffer {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`CBOR integer out of range: ${value}`);
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (Buffer.isBuffer(value)) return Buffer.concat([head(2, value.length), value]);
  if (typeof value === 'string') {
    const utf8 = Buffer.from(value, 'utf8');
    return Buffer.concat([head(3, utf8.length), utf8]);
  }
  if (value instanceof CborMap) {
    const parts = [head(5, value.size)];
    for (const [k, v] of value.entries) parts.push(encodeCbor(k), encodeCbor(v));
    return Buffer.concat(parts);
  }
  if (value instanceof CborTagged) return Buffer.concat([head(6, value.tag), encodeCbor(value.value)]);
  return Buffer.concat([head(4, value.length), ...value.map(encodeCbor)]);
}

export function cborMap(entries: readonly (readonly [number | string, CborValue])[]): CborMap {
  return new CborMap(new Map(entries));
}

function head(major: number, arg: number): Buffer {
  const m = major << 5;
  if (arg < 24) return Buffer.from([m | arg]);
  if (arg < 0x100) return Buffer.from([m | 24, arg]);
  if (arg < 0x10000) {
    const b = Buffer.alloc(3);
    b[0] = m | 25;
    b.writeUInt16BE(arg, 1);
    return b;
  }
  if (arg < 0x1_0000_0000) {
    const b = Buffer.alloc(5);
    b[0] = m | 26;
    b.writeUInt32BE(arg, 1);
    return b;
  }
  const b = Buffer.alloc(9);
  b[0] = m | 27;
  b.writeBigUInt64BE(BigInt(arg), 1);
  return b;
}
