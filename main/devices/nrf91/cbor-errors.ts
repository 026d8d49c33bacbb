/** Why a CBOR item was refused; the driver reports every one as DEVICE_ATTESTATION_INVALID with this detail. */
export type CborErrorCode =
  | 'CBOR_TOO_LARGE'
  | 'CBOR_TRUNCATED'
  | 'CBOR_TRAILING_BYTES'
  | 'CBOR_TOO_DEEP'
  | 'CBOR_TOO_MANY_ITEMS'
  /** a major type, additional-info value, simple value, float, or integer range we do not accept */
  | 'CBOR_UNSUPPORTED'
  | 'CBOR_INDEFINITE_LENGTH'
  /** a head not in its shortest form (RFC 8949 §4.2.1 preferred serialization) */
  | 'CBOR_NON_MINIMAL'
  | 'CBOR_TAG_NOT_ALLOWED'
  | 'CBOR_BAD_MAP_KEY'
  | 'CBOR_DUPLICATE_KEY'
  | 'CBOR_INVALID_UTF8';

export class CborError extends Error {
  constructor(
    readonly code: CborErrorCode,
    message: string,
    readonly offset: number,
  ) {
    super(`${message} (at byte ${offset})`);
    this.name = 'CborError';
  }
}
