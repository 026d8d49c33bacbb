import { PublicKeyError } from './public-key-errors.js';

/**
 * Ed25519 public keys (RFC 8032 §5.1.3): 32 bytes, y little-endian with x's sign in the top
 * bit. Refused: y >= p (non-canonical encodings that some verifiers accept and others do
 * not) and the small-order points, with which a signature can "verify" for many messages
 * (the list libsodium rejects, compared with the sign bit cleared). A y with no x on the
 * curve is left to the signature check: no signature can verify under it, and finding that
 * out costs a 255-bit exponentiation we need not pay per device.
 */
const SMALL_ORDER_Y: readonly Buffer[] = [
  // 0 (order 4)
  '0000000000000000000000000000000000000000000000000000000000000000',
  // 1 (the identity, order 1)
  '0100000000000000000000000000000000000000000000000000000000000000',
  // order 8
  '26e8958fc2b227b045c3f489f2ef98f0d5dfac05d3c63339b13802886d53fc05',
  // order 8
  'c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a',
  // p - 1 (order 2)
  'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f',
].map((h) => Buffer.from(h, 'hex'));

export function checkEd25519Point(key: Buffer): void {
  if (key.length !== 32) {
    throw new PublicKeyError('KEY_ED25519_POINT_INVALID', `Ed25519 public key is ${key.length} bytes, expected 32`);
  }
  const y = Buffer.from(key);
  y[31] = key[31]! & 0x7f;
  if (isAtLeastP(y)) {
    throw new PublicKeyError('KEY_ED25519_POINT_INVALID', 'Ed25519 public key is not canonical (y >= p)');
  }
  for (const bad of SMALL_ORDER_Y) {
    if (y.equals(bad)) throw new PublicKeyError('KEY_ED25519_POINT_INVALID', 'Ed25519 public key is a small-order point');
  }
}

/** y >= 2^255 - 19, little-endian: ff…ff7f top bytes with the lowest byte >= 0xed */
function isAtLeastP(y: Buffer): boolean {
  if (y[31] !== 0x7f) return false;
  for (let i = 30; i >= 1; i--) if (y[i] !== 0xff) return false;
  return y[0]! >= 0xed;
}
