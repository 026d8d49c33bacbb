import { randomBytes } from 'node:crypto';

/**
 * 16 random bytes (128 bits; CA/B asks for at least 64 of entropy), made positive by
 * clearing the top bit and non-zero in the first byte so the DER INTEGER is always 16
 * bytes long. Uniqueness per issuer is enforced by the store.
 */
export function randomSerialNumber(random: (n: number) => Buffer = randomBytes): Buffer {
  const serial = random(16);
  serial[0] = serial[0]! & 0x7f;
  if (serial[0] === 0) serial[0] = 0x01;
  return serial;
}
