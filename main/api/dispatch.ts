import { inputSchemas, type Envelope, type OperationName } from '../../preload/api.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import type { Handlers } from './core-api.js';
import { handlerLog } from './handler-log.js';

/**
 * Validates one request against the contract and runs it, always answering with an
 * envelope: the renderer sees a code and a message, never a stack or an internal object.
 * `caller` is handed through untouched for the face's ports (Electron: the sender's
 * WebContents, so a dialog is parented to the window that asked).
 */
export async function dispatch(handlers: Handlers, op: unknown, input: unknown, caller?: unknown): Promise<Envelope<unknown>> {
  if (typeof op !== 'string' || !Object.hasOwn(inputSchemas, op)) {
    return { ok: false, error: { code: 'UNKNOWN_OPERATION', message: `unknown operation "${String(op)}"` } };
  }
  const name = op as OperationName;
  const parsed = inputSchemas[name].safeParse(input);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.length ? i.path.join('.') : 'input'}: ${i.message}`).join('; ');
    return { ok: false, error: { code: 'INVALID_INPUT', message: `${name}: ${issues}` } };
  }
  try {
    const handler = handlers[name] as (i: unknown, caller: unknown) => unknown;
    return { ok: true, value: await handler(parsed.data, caller) };
  } catch (e) {
    if (isHallmarkError(e)) return { ok: false, error: { code: e.code, message: e.message } };
    // An unexpected failure is a bug; its detail goes to the application log only.
    const log = handlerLog(handlers);
    if (log) log.error(name, `${name} failed unexpectedly`, e);
    else console.error(`[hallmark] ${name} failed`, e);
    return {
      ok: false,
      error: { code: 'INTERNAL', message: `${name} failed unexpectedly; the detail is in the application log${log ? ` (${log.path})` : ''}` },
    };
  }
}
