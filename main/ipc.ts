import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { channelFor, eventChannelFor, OPERATION_NAMES, type Events, type EventName } from '../preload/api.js';
import { dispatch } from './api/dispatch.js';
import type { Handlers } from './api/core-api.js';
import { isTrustedSender } from './shell/security-policy.js';

/**
 * Binds every contract operation to its own IPC channel. Each call is checked for a
 * trusted sender frame, then validated and run by dispatch().
 */
export function registerIpc(ipcMain: IpcMain, handlers: Handlers, allowedOrigins: readonly string[]): () => void {
  for (const op of OPERATION_NAMES) {
    ipcMain.handle(channelFor(op), (event: IpcMainInvokeEvent, input: unknown) => {
      const frameUrl = event.senderFrame?.url ?? null;
      if (!isTrustedSender(frameUrl, allowedOrigins)) {
        return { ok: false, error: { code: 'UNTRUSTED_SENDER', message: 'this request did not come from Hallmark’s own window' } };
      }
      return dispatch(handlers, op, input, event.sender);
    });
  }
  return () => {
    for (const op of OPERATION_NAMES) ipcMain.removeHandler(channelFor(op));
  };
}

export function sendEvent<E extends EventName>(contents: WebContents, event: E, payload: Events[E]): void {
  if (!contents.isDestroyed()) contents.send(eventChannelFor(event), payload);
}
