/**
 * The test host's stand-in for preload/index.ts: the same createClient() over HTTP
 * instead of Electron IPC. The per-run token comes from the page URL's query string.
 * pathForFile stands in for webUtils.getPathForFile: Chromium gives a page no path for
 * a dropped File, so the host answers with the path a test registered for the File's
 * name (test-dialogs.ts). Synchronous, as webUtils is, so the renderer cannot tell.
 */
import { createClient } from '../../preload/client.js';
import type { Envelope, EventName, HallmarkApi } from '../../preload/api.js';

const token = new URLSearchParams(window.location.search).get('token') ?? '';
// The page's identity for the main process's per-window state (operator sign-in), as a
// WebContents is in the app: kept across a reload of the tab, new for each tab.
const pageId = sessionStorage.getItem('hallmark-test-page') ?? crypto.randomUUID();
sessionStorage.setItem('hallmark-test-page', pageId);
let source: EventSource | null = null;
const listeners = new Map<string, Set<(payload: unknown) => void>>();

function events(): EventSource {
  if (source) return source;
  source = new EventSource(`/__test-host/events?token=${encodeURIComponent(token)}`);
  return source;
}

const client = createClient({
  async invoke(op, input) {
    const res = await fetch(`/__test-host/invoke/${encodeURIComponent(op)}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hallmark-token': token, 'x-hallmark-page': pageId },
      body: JSON.stringify({ input }),
    });
    return (await res.json()) as Envelope<unknown>;
  },
  subscribe(event: EventName, listener) {
    let set = listeners.get(event);
    if (!set) {
      const fresh = new Set<(payload: unknown) => void>();
      listeners.set(event, fresh);
      events().addEventListener(event, (msg) => {
        const payload: unknown = JSON.parse((msg as MessageEvent<string>).data);
        for (const l of fresh) l(payload);
      });
      set = fresh;
    }
    set.add(listener);
    return () => set.delete(listener);
  },
});

function pathForFile(file: File): string {
  const xhr = new XMLHttpRequest();
  xhr.open('GET', `/__test-host/dropped-path?name=${encodeURIComponent(file.name)}`, false);
  xhr.setRequestHeader('x-hallmark-token', token);
  xhr.send();
  return xhr.status === 200 ? (JSON.parse(xhr.responseText) as { path: string }).path : '';
}

const api: HallmarkApi = Object.freeze({ ...client, pathForFile });

Object.defineProperty(window, 'hallmark', { value: api, writable: false, configurable: false });
