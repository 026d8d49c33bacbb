import { HallmarkError } from '../../errors/hallmark-error.js';

/**
 * Why a public key is refused. The same codes reach the station screen whether the key came
 * in a CSR (where parseCsr re-raises them as CSR_<code>, e.g. CSR_KEY_RSA_TOO_SMALL) or on
 * its own.
 */
export type PublicKeyErrorCode =
  /** the SubjectPublicKeyInfo is not the structure its algorithm requires */
  | 'KEY_SPKI_INVALID'
  /** a key algorithm we do not certify (DSA, Ed448, X25519, …) */
  | 'KEY_ALGORITHM_UNSUPPORTED'
  /** an EC curve other than P-256/P-384, or explicit curve parameters */
  | 'KEY_CURVE_UNSUPPORTED'
  /** an EC point that is malformed, not on the curve, the identity, or has a coordinate >= p */
  | 'KEY_EC_POINT_INVALID'
  /** an Ed25519 key that is not canonical or is a small-order point */
  | 'KEY_ED25519_POINT_INVALID'
  | 'KEY_RSA_TOO_SMALL'
  | 'KEY_RSA_TOO_LARGE'
  /** between 2048 and 4096 bits but not exactly 2048, 3072 or 4096 */
  | 'KEY_RSA_SIZE_UNSUPPORTED'
  /** public exponent other than 65537 */
  | 'KEY_RSA_EXPONENT'
  /** modulus negative or even */
  | 'KEY_RSA_MODULUS_INVALID'
  /** modulus divisible by one of the first 500 primes */
  | 'KEY_RSA_SMALL_FACTOR'
  /** modulus factored by Fermat's method: its primes are too close together */
  | 'KEY_RSA_FERMAT';

export class PublicKeyError extends HallmarkError {
  declare readonly code: PublicKeyErrorCode;
  constructor(code: PublicKeyErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 'input', details);
    this.name = 'PublicKeyError';
  }
}
