/**
 * Every error the core raises on purpose is a HallmarkError with a stable code.
 * The UI shows the code next to the message; the CLI prints `error: <CODE>: <message>`
 * and maps the kind to an exit status. Anything that is not a HallmarkError is a bug.
 */
export type ErrorKind =
  /** the caller asked for something malformed: bad flag, bad input, bad file (exit 2) */
  | 'input'
  /** a check or verification ran and failed (exit 1) */
  | 'check'
  /** the environment is not usable: unwritable directory, locked database (exit 2) */
  | 'environment';

export class HallmarkError extends Error {
  readonly code: string;
  readonly kind: ErrorKind;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, kind: ErrorKind = 'input', details?: Record<string, unknown>) {
    super(message);
    this.name = 'HallmarkError';
    this.code = code;
    this.kind = kind;
    this.details = details;
  }
}

export class UsageError extends HallmarkError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('USAGE', message, 'input', details);
    this.name = 'UsageError';
  }
}

export class InvalidInputError extends HallmarkError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('INVALID_INPUT', message, 'input', details);
    this.name = 'InvalidInputError';
  }
}

export function isHallmarkError(e: unknown): e is HallmarkError {
  return e instanceof HallmarkError;
}
