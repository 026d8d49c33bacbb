import { bigintFromBytes, bigintToBytes, modPow } from './bigint-bytes.js';
import { PublicKeyError } from './public-key-errors.js';

/**
 * The short-Weierstrass curves we certify (y^2 = x^3 - 3x + b over GF(p), cofactor 1, so
 * every affine point on the curve is in the prime-order group and only the identity is
 * excluded — and the identity has no affine encoding except the single byte 0x00).
 */
export interface EcCurve {
  readonly name: 'P-256' | 'P-384';
  readonly oid: string;
  /** field element size in bytes */
  readonly size: number;
  readonly p: bigint;
  readonly b: bigint;
  /** the group order n, big-endian, for signature range checks */
  readonly order: Buffer;
  /** the canonical SPKI bytes that precede the uncompressed point */
  readonly spkiPrefix: Buffer;
}

export const P256: EcCurve = {
  name: 'P-256',
  oid: '1.2.840.10045.3.1.7',
  size: 32,
  p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
  b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
  order: Buffer.from('ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551', 'hex'),
  spkiPrefix: Buffer.from('3059301306072a8648ce3d020106082a8648ce3d030107034200', 'hex'),
};

export const P384: EcCurve = {
  name: 'P-384',
  oid: '1.3.132.0.34',
  size: 48,
  p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
  b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
  order: Buffer.from('ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973', 'hex'),
  spkiPrefix: Buffer.from('3076301006072a8648ce3d020106052b81040022036200', 'hex'),
};

/**
 * Checks an encoded point (SEC 1 §2.3.4: 04||X||Y or 02/03||X) and returns it uncompressed,
 * so the same key always yields the same SPKI bytes.
 */
export function checkEcPoint(curve: EcCurve, point: Buffer): Buffer {
  const { size, p } = curve;
  const fail = (why: string): never => {
    throw new PublicKeyError('KEY_EC_POINT_INVALID', `${curve.name} public key: ${why}`);
  };
  const form = point[0];
  if (point.length === 1 && form === 0x00) fail('the point at infinity (identity) is not a public key');
  if (form === 0x04) {
    if (point.length !== 1 + 2 * size) fail(`uncompressed point is ${point.length} bytes, expected ${1 + 2 * size}`);
    const x = bigintFromBytes(point.subarray(1, 1 + size));
    const y = bigintFromBytes(point.subarray(1 + size));
    if (x >= p) fail('x coordinate is not less than p');
    if (y >= p) fail('y coordinate is not less than p');
    if ((y * y - curveRhs(curve, x)) % p !== 0n) fail('the point is not on the curve');
    return point;
  }
  if (form === 0x02 || form === 0x03) {
    if (point.length !== 1 + size) fail(`compressed point is ${point.length} bytes, expected ${1 + size}`);
    const x = bigintFromBytes(point.subarray(1));
    if (x >= p) fail('x coordinate is not less than p');
    const rhs = curveRhs(curve, x);
    // p ≡ 3 (mod 4) for both curves, so a square root is rhs^((p+1)/4) when one exists.
    let y = modPow(rhs, (p + 1n) >> 2n, p);
    if ((y * y) % p !== rhs) fail('no point on the curve has this x coordinate');
    if (Number(y & 1n) !== (form & 1)) y = p - y;
    const out = Buffer.allocUnsafe(1 + 2 * size);
    out[0] = 0x04;
    point.copy(out, 1, 1);
    bigintToBytes(y, size).copy(out, 1 + size);
    return out;
  }
  if (form === 0x06 || form === 0x07) fail('hybrid point encoding is not supported');
  if (form === undefined) return fail('the point is empty');
  return fail(`unknown point encoding 0x${form.toString(16).padStart(2, '0')}`);
}

/** x^3 - 3x + b mod p, in [0, p) */
function curveRhs(curve: EcCurve, x: bigint): bigint {
  const r = (((x * x) % curve.p) * x - 3n * x + curve.b) % curve.p;
  return r < 0n ? r + curve.p : r;
}
