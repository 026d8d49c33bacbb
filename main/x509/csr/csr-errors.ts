import { HallmarkError } from '../../errors/hallmark-error.js';
import type { DerError, DerErrorCode } from '../der/der-errors.js';
import type { PublicKeyError, PublicKeyErrorCode } from '../public-key/public-key-errors.js';

/**
 * Why a CSR was refused. Every CSR is untrusted input, so every refusal is kind 'input'
 * (CLI exit 2) with a code per problem. DER framing problems and public-key problems keep
 * their own codes under the CSR_ prefix (DER_LENGTH → CSR_DER_LENGTH, KEY_RSA_FERMAT →
 * CSR_KEY_RSA_FERMAT), so the station shows the same key codes wherever a key came from.
 */
export type CsrErrorCode =
  /** input over 16 KiB, refused before parsing */
  | 'CSR_TOO_LARGE'
  | 'CSR_EMPTY'
  /** PEM framing: missing/mismatched BEGIN/END, headers, text outside the block, several blocks */
  | 'CSR_PEM_ARMOR'
  /** PEM body: characters outside the base64 alphabet, bad padding, non-canonical final bits */
  | 'CSR_BASE64'
  | `CSR_${DerErrorCode}`
  /** a certificate, CRL, key or other object where a CSR belongs; the message says which */
  | 'CSR_NOT_A_CSR'
  /** valid DER but not the CertificationRequest structure (RFC 2986) */
  | 'CSR_STRUCTURE'
  /** version other than v1 (0); 1 and 2 are accepted under the csr-version-nonzero allowance */
  | 'CSR_VERSION'
  /** no [0] attributes field; accepted under the attributes-absent allowance */
  | 'CSR_ATTRIBUTES_ABSENT'
  /** attributes not in DER SET OF order; accepted under the attributes-unsorted allowance */
  | 'CSR_ATTRIBUTES_ORDER'
  /** a string in the subject or challengePassword that is malformed or of a type we refuse */
  | 'CSR_STRING_ENCODING'
  | 'CSR_DUPLICATE_ATTRIBUTE'
  | 'CSR_DUPLICATE_EXTENSION'
  | `CSR_${PublicKeyErrorCode}`
  /** SHA-1, MD5, MD2, MD4 */
  | 'CSR_SIGNATURE_WEAK'
  /** an algorithm we do not accept (RSASSA-PSS, SHA-224, Ed448, DSA, …) */
  | 'CSR_SIGNATURE_ALGORITHM_UNSUPPORTED'
  /** parameters where the algorithm requires them absent (or NULL for RSA) */
  | 'CSR_SIGNATURE_ALGORITHM_PARAMETERS'
  /** the signature algorithm's family is not the key's (ECDSA with an RSA key, …) */
  | 'CSR_SIGNATURE_ALGORITHM_MISMATCH'
  /** ECDSA signature INTEGERs with redundant leading zeros; accepted under ecdsa-signature-padded */
  | 'CSR_SIGNATURE_NOT_MINIMAL'
  /** malformed signature value or a signature that does not verify */
  | 'CSR_SIGNATURE_INVALID';

export class CsrError extends HallmarkError {
  declare readonly code: CsrErrorCode;
  constructor(code: CsrErrorCode, message: string, details?: Record<string, unknown>) {
    super(code, message, 'input', details);
    this.name = 'CsrError';
  }

  static fromDer(e: DerError, where?: string): CsrError {
    return new CsrError(`CSR_${e.code}`, where ? `${where}: ${e.message}` : e.message, { offset: e.offset });
  }

  static fromPublicKey(e: PublicKeyError): CsrError {
    return new CsrError(`CSR_${e.code}`, e.message, e.details);
  }
}
