import { HallmarkError, type ErrorKind } from '../errors/hallmark-error.js';
import { MediaFileError, type MediaFileCode } from '../files/read-media-file.js';

/**
 * An error as it crosses a thread: structured clone keeps an Error's message but drops
 * its class and fields, and the faces decide by class (a HallmarkError keeps its code, a
 * MediaFileError of tampering is audited as media.refused). Anything else stays a plain
 * Error, which dispatch() reports as INTERNAL.
 */
export type SerializedError =
  | {
      readonly hallmark: true;
      readonly name: string;
      readonly code: string;
      readonly kind: ErrorKind;
      readonly message: string;
      readonly details: Record<string, unknown> | undefined;
      readonly path?: string;
      readonly errno?: string;
    }
  | { readonly hallmark: false; readonly message: string; readonly stack: string | undefined };

export function serializeError(e: unknown): SerializedError {
  if (e instanceof MediaFileError) {
    return {
      hallmark: true,
      name: e.name,
      code: e.code,
      kind: e.kind,
      message: e.message,
      details: e.details,
      path: e.path,
      ...(e.errno !== undefined ? { errno: e.errno } : {}),
    };
  }
  if (e instanceof HallmarkError) return { hallmark: true, name: e.name, code: e.code, kind: e.kind, message: e.message, details: e.details };
  const err = e instanceof Error ? e : new Error(String(e));
  return { hallmark: false, message: err.message, stack: err.stack };
}

export function reviveError(s: SerializedError): Error {
  if (!s.hallmark) {
    const e = new Error(s.message);
    if (s.stack !== undefined) e.stack = s.stack;
    return e;
  }
  if (s.name === 'MediaFileError' && s.path !== undefined) return new MediaFileError(s.code as MediaFileCode, s.message, s.path, s.errno);
  const e = new HallmarkError(s.code, s.message, s.kind, s.details);
  e.name = s.name;
  return e;
}
