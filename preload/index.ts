import { contextBridge, ipcRenderer } from 'electron';
import { channelFor, eventChannelFor } from './api.js';
import { createClient } from './client.js';

/**
 * The sandboxed preload: it exposes the typed client and nothing else — no raw
 * ipcRenderer, no generic invoke, one channel per contract operation.
 */
const api = createClient({
  invoke: (op, input) => ipcRenderer.invoke(channelFor(op), input),
  subscribe: (event, listener) => {
    const channel = eventChannelFor(event);
    const handler = (_e: Electron.IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, handler);
    return () => ipcRenderer.removeListener(channel, handler);
  },
});

contextBridge.exposeInMainWorld('hallmark', api);
