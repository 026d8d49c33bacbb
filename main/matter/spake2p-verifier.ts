import { createECDH, pbkdf2Sync, randomBytes } from 'node:crypto';
import { HallmarkError } from '../errors/hallmark-error.js';
import { assertValidPasscode } from './setup-passcode.js';

/** P-256 group order n. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

export const PBKDF_MIN_ITERATIONS = 1000;
export const PBKDF_MAX_ITERATIONS = 100_000;
export const PBKDF_MIN_SALT = 16;
export const PBKDF_MAX_SALT = 32;

export interface Spake2pVerifier {
  readonly iterations: number;
  readonly salt: Buffer;
  /** w0 (32 bytes) ‖ L (65 bytes, uncompressed point w1·G): 97 bytes */
  readonly verifier: Buffer;
}

/**
 * The SPAKE2+ verifier a Matter device stores instead of its passcode (Matter Core spec
 * §3.10; connectedhomeip Spake2pVerifier::Generate): ws = PBKDF2-HMAC-SHA256(passcode as
 * 4 little-endian bytes, salt, iterations, 80 bytes); w0 = ws[0..40) mod n,
 * w1 = ws[40..80) mod n; L = w1·G on P-256; verifier = w0 ‖ L.
 */
export function spake2pVerifier(passcode: number, salt: Buffer, iterations: number): Spake2pVerifier {
  assertValidPasscode(passcode);
  if (!Number.isInteger(iterations) || iterations < PBKDF_MIN_ITERATIONS || iterations > PBKDF_MAX_ITERATIONS) {
    throw new HallmarkError(
      'MATTER_RULE',
      `[matter.spake2p-iterations] PBKDF2 iterations must be ${PBKDF_MIN_ITERATIONS}–${PBKDF_MAX_ITERATIONS}, got ${iterations}`,
      'input',
      { rule: 'matter.spake2p-iterations' },
    );
  }
  if (salt.length < PBKDF_MIN_SALT || salt.length > PBKDF_MAX_SALT) {
    throw new HallmarkError('MATTER_RULE', `[matter.spake2p-salt] the salt must be ${PBKDF_MIN_SALT}–${PBKDF_MAX_SALT} bytes, got ${salt.length}`, 'input', {
      rule: 'matter.spake2p-salt',
    });
  }
  const pin = Buffer.alloc(4);
  pin.writeUInt32LE(passcode);
  const ws = pbkdf2Sync(pin, salt, iterations, 80, 'sha256');
  const w0 = reduce(ws.subarray(0, 40));
  const w1 = reduce(ws.subarray(40, 80));
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(w1);
  const L = ecdh.getPublicKey(null, 'uncompressed');
  return { iterations, salt: Buffer.from(salt), verifier: Buffer.concat([w0, L]) };
}

/** A fresh verifier: a random salt of `saltLength` bytes (default 32). */
export function newSpake2pVerifier(passcode: number, iterations = 10_000, saltLength = 32): Spake2pVerifier {
  return spake2pVerifier(passcode, randomBytes(saltLength), iterations);
}

function reduce(bytes: Buffer): Buffer {
  const v = BigInt(`0x${bytes.toString('hex')}`) % P256_N;
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}
