import { HallmarkError } from '../../errors/hallmark-error.js';

/**
 * Why a byte string is not strict DER. Callers that parse a specific structure (a CSR)
 * re-raise these under their own prefix, e.g. DER_LENGTH becomes CSR_DER_LENGTH.
 */
export type DerErrorCode =
  /** a length runs past its enclosing element or the buffer, or a header is cut short */
  | 'DER_LENGTH'
  /** BER's indefinite length (0x80), which DER forbids */
  | 'DER_INDEFINITE_LENGTH'
  /** a length, tag number, INTEGER or OID arc written with more bytes than needed */
  | 'DER_NON_MINIMAL'
  /** constructed elements nested deeper than the caller allows */
  | 'DER_TOO_DEEP'
  /** bytes after the outermost element */
  | 'DER_TRAILING_BYTES'
  /** a tag DER does not allow here: end-of-contents, constructed strings, primitive SEQUENCE */
  | 'DER_TAG'
  /** an OBJECT IDENTIFIER that does not encode a valid OID */
  | 'DER_OID'
  /** a primitive value with impossible contents: BOOLEAN not 00/FF, NULL with a body, bad BIT STRING padding */
  | 'DER_VALUE';

export class DerError extends HallmarkError {
  declare readonly code: DerErrorCode;
  /** byte offset of the offending element (or byte) in the parsed buffer */
  readonly offset: number;

  constructor(code: DerErrorCode, message: string, offset: number) {
    super(code, `${message} (at offset ${offset})`, 'input', { offset });
    this.name = 'DerError';
    this.offset = offset;
  }
}
