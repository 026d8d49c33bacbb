/**
 * ECDSA signatures in their two wire forms. PKCS#11 (CKM_ECDSA), WebCrypto and JOSE
 * return the fixed-width concatenation r || s; X.509, CMS and OpenSSL carry the DER
 * Ecdsa-Sig-Value SEQUENCE { r INTEGER, s INTEGER }. A signature that reaches a
 * certificate in the wrong form verifies nowhere, so every conversion goes through here.
 */

/** Bytes of r (and of s) for a curve: 32 for P-256, 48 for P-384, 66 for P-521. */
export function ecdsaComponentLength(curve: 'prime256v1' | 'secp384r1' | 'secp521r1'): number {
  return curve === 'prime256v1' ? 32 : curve === 'secp384r1' ? 48 : 66;
}

/** r || s (each `raw.length / 2` bytes, big-endian) → DER Ecdsa-Sig-Value. */
export function ecdsaRawToDer(raw: Uint8Array): Buffer {
  if (raw.length === 0 || raw.length % 2 !== 0) {
    throw new RangeError(`an r||s ECDSA signature has an even, non-zero length; got ${raw.length} bytes`);
  }
  const half = raw.length / 2;
  const body = Buffer.concat([derInteger(raw.subarray(0, half)), derInteger(raw.subarray(half))]);
  return Buffer.concat([Buffer.from([0x30]), derLength(body.length), body]);
}

/** DER Ecdsa-Sig-Value → r || s, each left-padded to `componentLength` bytes. */
export function ecdsaDerToRaw(der: Uint8Array, componentLength: number): Buffer {
  const buf = Buffer.from(der.buffer, der.byteOffset, der.byteLength);
  const seq = readTlv(buf, 0, 0x30, 'Ecdsa-Sig-Value');
  if (seq.end !== buf.length) throw new RangeError('Ecdsa-Sig-Value: trailing bytes after the SEQUENCE');
  const r = readTlv(buf, seq.start, 0x02, 'r');
  const s = readTlv(buf, r.end, 0x02, 's');
  if (s.end !== seq.end) throw new RangeError('Ecdsa-Sig-Value: extra fields after s');
  return Buffer.concat([fixedWidth(buf.subarray(r.start, r.end), componentLength, 'r'), fixedWidth(buf.subarray(s.start, s.end), componentLength, 's')]);
}

/** A non-negative big-endian integer as a minimal DER INTEGER (leading 0x00 only when the top bit is set). */
function derInteger(magnitude: Uint8Array): Buffer {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  let v = Buffer.from(magnitude.subarray(i));
  if ((v[0] ?? 0) & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
  return Buffer.concat([Buffer.from([0x02]), derLength(v.length), v]);
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  if (n < 0x100) return Buffer.from([0x81, n]);
  return Buffer.from([0x82, n >> 8, n & 0xff]);
}

function readTlv(buf: Buffer, at: number, tag: number, what: string): { start: number; end: number } {
  if (buf[at] !== tag) throw new RangeError(`Ecdsa-Sig-Value: ${what} is not tagged 0x${tag.toString(16)}`);
  let len = buf[at + 1];
  let start = at + 2;
  if (len === undefined) throw new RangeError(`Ecdsa-Sig-Value: ${what} is truncated`);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n < 1 || n > 2) throw new RangeError(`Ecdsa-Sig-Value: ${what} has an unsupported length form`);
    len = 0;
    for (let k = 0; k < n; k++) len = (len << 8) | (buf[start + k] ?? 0);
    start += n;
  }
  const end = start + len;
  if (end > buf.length) throw new RangeError(`Ecdsa-Sig-Value: ${what} runs past the end`);
  return { start, end };
}

function fixedWidth(integer: Buffer, width: number, what: string): Buffer {
  let v = integer;
  while (v.length > 1 && v[0] === 0) v = v.subarray(1);
  if (v.length > width) throw new RangeError(`Ecdsa-Sig-Value: ${what} is longer than ${width} bytes`);
  return Buffer.concat([Buffer.alloc(width - v.length), v]);
}
