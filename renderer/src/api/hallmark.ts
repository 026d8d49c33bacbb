import type { EventName, Events, Input, OperationName, Output } from '../../../preload/api.js';
import '../hallmark-api.js';

/** What the UI shows for any failed call: the core's code and message, nothing more. */
export interface ApiFailure {
  code: string;
  message: string;
}

export function invoke<Op extends OperationName>(op: Op, input: Input<Op>): Promise<Output<Op>> {
  const api = window.hallmark;
  // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- rejects with the same plain { code, message } the preload rejects with
  if (!api) return Promise.reject(bridgeMissing());
  return api.invoke(op, input);
}

export function subscribe<E extends EventName>(event: E, listener: (payload: Events[E]) => void): () => void {
  const api = window.hallmark;
  if (!api) return () => {};
  return api.on(event, listener);
}

/** Where a dropped item lives on disk; '' when the bridge is missing or the File is not from the disk. */
export function pathForFile(file: File): string {
  return window.hallmark?.pathForFile(file) ?? '';
}

/**
 * Duck-typed rather than instanceof: the error class lives in the preload's world, and
 * Electron's contextBridge copies errors across worlds, dropping the prototype (and
 * possibly custom fields), so `.code` may or may not survive.
 */
export function toFailure(error: unknown): ApiFailure {
  if (typeof error === 'object' && error !== null) {
    const { code, message } = error as { code?: unknown; message?: unknown };
    return {
      code: typeof code === 'string' && code !== '' ? code : 'ERROR',
      // eslint-disable-next-line @typescript-eslint/no-base-to-string -- an Error without a message still names itself by its toString; of other objects nothing better is known
      message: typeof message === 'string' && message !== '' ? message : String(error),
    };
  }
  return { code: 'ERROR', message: String(error) };
}

function bridgeMissing(): ApiFailure {
  return { code: 'NO_BRIDGE', message: 'window.hallmark is not available: the preload did not run.' };
}
