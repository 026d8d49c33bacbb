import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { channelFor, eventChannelFor, type HallmarkApi } from './api.js';
import { createClient } from './client.js';

/**
 * The sandboxed preload: it exposes the typed client and nothing else — no raw
 * ipcRenderer, no generic invoke, one channel per contract operation — plus
 * webUtils.getPathForFile, the only way a renderer learns where a dropped item lives.
 */
const client = createClient({
  invoke: (op, input) => ipcRenderer.invoke(channelFor(op), input),
  subscribe: (event, listener) => {
    const channel = eventChannelFor(event);
    const handler = (_e: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => ipcRenderer.removeListener(channel, handler);
  },
});

// contextBridge copies an Error across worlds without its custom fields, so the code would
// be lost: reject with a plain { code, message } object instead, which survives the copy.
const api: HallmarkApi = {
  invoke: (op, input) =>
    client.invoke(op, input).catch((e: unknown) => {
      const { code, message } = e as { code?: unknown; message?: unknown };
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the plain object is the point, see above
      return Promise.reject({ code: typeof code === 'string' ? code : 'ERROR', message: String(message ?? e) });
    }),
  on: (event, listener) => client.on(event, listener),
  pathForFile: (file) => webUtils.getPathForFile(file),
};

contextBridge.exposeInMainWorld('hallmark', api);
