import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type RevocationErrorCode =
  /** the workspace has no inventory key: `hallmark inventory key create` */
  | 'INVENTORY_KEY_MISSING'
  /** the key is a CA's, a manifest signer's, the audit key, split into shares, or already was the inventory key */
  | 'INVENTORY_KEY_NOT_OWN'
  | 'INVENTORY_KEY_MISMATCH'
  /** the given inventory certificate is not one `inventory key create` makes */
  | 'REVOCATION_TRUST_INVALID'
  /** the selection (serial, search, CSV) names no device, or a line of the CSV names none */
  | 'REVOCATION_SELECTION_INVALID'
  /** a selected certificate is no longer in service (superseded or revoked) */
  | 'REVOCATION_NOT_ACTIVE'
  /** a selected certificate already has a request waiting for a CRL */
  | 'REVOCATION_ALREADY_REQUESTED'
  | 'REVOCATION_REASON_INVALID'
  /** the request file is not a hallmark-revocation-request-v1 document */
  | 'REVOCATION_REQUEST_INVALID'
  /** the detached signature does not verify over the request's bytes (altered, or not a signature) */
  | 'REVOCATION_REQUEST_SIGNATURE_INVALID'
  /** signed by a key other than the inventory certificate the CA was given */
  | 'REVOCATION_REQUEST_UNTRUSTED'
  /** the same certificate serial is listed twice */
  | 'REVOCATION_REQUEST_DUPLICATE'
  /** entries name certificates of another issuer than this CA */
  | 'REVOCATION_REQUEST_OTHER_ISSUER'
  /** entries name serials this CA never issued, or whose certificate differs from the one this CA issued */
  | 'REVOCATION_REQUEST_UNKNOWN_SERIAL'
  /** entries name certificates this CA has already revoked */
  | 'REVOCATION_REQUEST_ALREADY_REVOKED'
  /** the CRL cannot be read as a DER or PEM X.509 CRL */
  | 'CRL_UNREADABLE'
  /** no CA of the inventory's trust issued the CRL, or its signature does not verify */
  | 'CRL_UNTRUSTED'
  /** a CRL of the same issuer with this number or a higher one is already imported */
  | 'CRL_OLDER_THAN_IMPORTED'
  /** the publication bundle did not pass every check */
  | 'CRL_BUNDLE_INVALID';

/** Errors of field revocation: the inventory key, requests, the CA's check of them, CRL import. */
export class RevocationError extends HallmarkError {
  declare readonly code: RevocationErrorCode;
  constructor(code: RevocationErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'RevocationError';
  }
}
