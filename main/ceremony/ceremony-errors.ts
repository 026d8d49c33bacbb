import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';

export type CeremonyErrorCode =
  | 'CEREMONY_SCRIPT_INVALID'
  | 'CEREMONY_BINDING_INVALID'
  | 'CEREMONY_BINDING_CHANGED'
  | 'CEREMONY_SECRET_SOURCE_REFUSED'
  | 'CEREMONY_HASH_MISMATCH'
  | 'CEREMONY_PREFLIGHT_FAILED'
  | 'CEREMONY_ACK_MISSING'
  | 'CEREMONY_ACK_INVALID'
  | 'CEREMONY_GUARD'
  | 'CEREMONY_OUTPUT_EXISTS'
  | 'CEREMONY_OUTPUT_UNWRITABLE'
  | 'CEREMONY_REHEARSAL_INVALID'
  | 'CEREMONY_REHEARSAL_DIFFERS'
  | 'CEREMONY_UNSUPPORTED'
  | 'CEREMONY_TRANSCRIPT_INVALID'
  | 'CEREMONY_INTERRUPTED'
  | 'CEREMONY_NOT_FOUND'
  | 'CEREMONY_RESTORE_FAILED'
  | 'CEREMONY_SHARE_MISMATCH'
  | 'CEREMONY_TYPE_BACK_UNAVAILABLE'
  | 'CEREMONY_TYPE_BACK_FAILED';

export class CeremonyError extends HallmarkError {
  declare readonly code: CeremonyErrorCode;
  constructor(code: CeremonyErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'CeremonyError';
  }
}
