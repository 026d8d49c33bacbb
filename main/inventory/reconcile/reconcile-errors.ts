import { HallmarkError, type ErrorKind } from '../../errors/hallmark-error.js';

export type ReconcileErrorCode =
  /** the registry export is neither a folder of certificates nor a CSV file, or cannot be read at all */
  | 'RECONCILE_SOURCE_INVALID'
  /** the folder holds more entries than a registry export of one inventory plausibly has */
  | 'RECONCILE_TOO_MANY_FILES'
  /** the files of the folder together exceed the bound */
  | 'RECONCILE_TOO_LARGE'
  /** the reconcile ran and found certificates to act on (the CLI's exit 1) */
  | 'RECONCILE_FINDINGS';

/** Per-file or per-line problems of an export: reported beside the results, never thrown. */
export type ReconcileItemCode =
  | 'RECONCILE_NOT_A_CERTIFICATE'
  | 'RECONCILE_LINE_INVALID'
  | 'FILE_TOO_LARGE'
  | 'FILE_SYMLINK_REFUSED'
  | 'FILE_NOT_REGULAR'
  | 'FILE_CHANGED_WHILE_OPENING'
  | 'FILE_UNREADABLE';

/** Errors of reconciling a cloud registry export against the inventory. */
export class ReconcileError extends HallmarkError {
  declare readonly code: ReconcileErrorCode;
  constructor(code: ReconcileErrorCode, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'ReconcileError';
  }
}
