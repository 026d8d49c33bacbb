/**
 * Crockford's base32: digits and capitals without I, L, O and U, so what a custodian
 * reads off paper cannot be mistyped into another valid symbol by the usual confusions
 * (I/L/1, O/0), and all of it fits QR alphanumeric mode.
 */
export const CROCKFORD_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

const VALUES: ReadonlyMap<string, number> = new Map([...[...CROCKFORD_ALPHABET].map((c, i) => [c, i] as const), ['O', 0], ['I', 1], ['L', 1]]);

/** The value of one (already upper-cased) symbol, or undefined if it is not one. */
export function crockfordValue(symbol: string): number | undefined {
  return VALUES.get(symbol);
}

/** Canonical spelling: upper case, O→0, I/L→1. Other characters are left for the caller to reject. */
export function canonicalCrockford(text: string): string {
  return text.toUpperCase().replace(/O/g, '0').replace(/[IL]/g, '1');
}

export function encodeCrockford(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD_ALPHABET[(buffer >> bits) & 31];
    }
    buffer &= (1 << bits) - 1;
  }
  if (bits > 0) out += CROCKFORD_ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

/** Characters needed for `byteCount` bytes. */
export function crockfordLength(byteCount: number): number {
  return Math.ceil((byteCount * 8) / 5);
}

/**
 * Decodes canonical symbols. Refuses a length no byte string encodes to and non-zero
 * padding bits, so every payload has exactly one spelling.
 */
export function decodeCrockford(symbols: string): Buffer {
  const byteCount = Math.floor((symbols.length * 5) / 8);
  if (crockfordLength(byteCount) !== symbols.length) throw new RangeError(`${symbols.length} symbols is not a whole number of bytes`);
  const out = Buffer.alloc(byteCount);
  let buffer = 0;
  let bits = 0;
  let at = 0;
  for (const symbol of symbols) {
    const v = VALUES.get(symbol);
    if (v === undefined) throw new RangeError(`"${symbol}" is not a base32 symbol`);
    buffer = (buffer << 5) | v;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out[at++] = (buffer >> bits) & 0xff;
    }
    buffer &= (1 << bits) - 1;
  }
  if (buffer !== 0) throw new RangeError('non-zero padding bits');
  return out;
}
