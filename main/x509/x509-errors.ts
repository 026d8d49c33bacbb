import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type X509ErrorCode =
  | 'SUBJECT_INVALID'
  | 'VALIDITY_INVALID'
  | 'PROFILE_INVALID'
  | 'EXTENSION_INVALID'
  | 'LINT_FAILED'
  | 'SIGNATURE_MISMATCH'
  | 'TBS_CHANGED'
  | 'CERTIFICATE_INVALID'
  | 'CRL_INVALID'
  /** a Matter attestation rule (main/x509/matter/) refused the input; details.rule names it */
  | 'MATTER_RULE';

export class X509Error extends HallmarkError {
  declare readonly code: X509ErrorCode;
  constructor(code: X509ErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'X509Error';
  }
}
