import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { EVENT_NAMES } from '../../preload/api.js';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { forwardCoreEvents } from '../../main/api/core-events.js';
import { CeremonySession } from '../../main/api/ceremony-session.js';
import { QaSession } from '../../main/api/qa-session.js';
import { StationSession, type StationSessionOptions } from '../../main/api/station-session.js';
import { dispatch } from '../../main/api/dispatch.js';
import { mimeTypeFor } from '../../main/shell/app-asset.js';
import { CONTENT_SECURITY_POLICY } from '../../main/shell/security-policy.js';
import { Workspace } from '../../main/store/workspace.js';
import { resolve, sep } from 'node:path';
import { TestDialogs } from './test-dialogs.js';

/**
 * Serves the built renderer and the preload contract over loopback so Playwright can
 * drive the real UI against the real core. Only 127.0.0.1, a random port, and a per-run
 * secret token that every API request must carry.
 */
export interface TestHost {
  /** open this (plus a `#/route`) in the browser */
  readonly url: string;
  readonly origin: string;
  readonly token: string;
  readonly workspace: Workspace;
  /** the dashboard's station on this workspace */
  readonly station: StationSession;
  /** the folder dialog's answers and the dropped files' paths (test-dialogs.ts) */
  readonly dialogs: TestDialogs;
  close(): Promise<void>;
}

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const MAX_BODY = 1024 * 1024;

export async function startTestHost(options: { home: string; rendererDir?: string; actor?: string; station?: StationSessionOptions }): Promise<TestHost> {
  const rendererDir = resolve(options.rendererDir ?? resolve(ROOT, 'out/renderer'));
  const { workspace } = Workspace.init(options.home, options.actor ?? 'test-host');
  const station = new StationSession(workspace, options.station);
  const ceremony = new CeremonySession(workspace);
  const qa = new QaSession();
  const dialogs = new TestDialogs();
  const handlers = createCoreHandlers(workspace, station, ceremony, { folders: dialogs.picker, saves: dialogs.saver }, qa);
  const token = randomBytes(24).toString('hex');
  const shim = await bundleShim();
  const streams = new Set<ServerResponse>();
  const stopEvents = forwardCoreEvents(
    workspace,
    station,
    (event, payload) => {
      const frame = `event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`;
      for (const s of streams) s.write(frame);
    },
    ceremony,
    qa,
  );

  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) send(res, 500, 'text/plain', `test host error: ${(e as Error).message}`);
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === '/__test-host/preload.js') return send(res, 200, 'text/javascript; charset=utf-8', shim);
    if (url.pathname.startsWith('/__test-host/invoke/')) {
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
      if (!tokenMatches(req.headers['x-hallmark-token'], token)) return send(res, 403, 'text/plain', 'bad token');
      if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
        return send(res, 415, 'text/plain', 'application/json only');
      }
      const op = decodeURIComponent(url.pathname.slice('/__test-host/invoke/'.length));
      const body = await readBody(req);
      let input: unknown;
      try {
        input = (JSON.parse(body) as { input?: unknown }).input;
      } catch {
        return sendJson(res, { ok: false, error: { code: 'INVALID_INPUT', message: 'request body is not JSON' } });
      }
      // The caller is the browser page (web-preload.ts's id), as Electron's is the window's WebContents.
      const page = req.headers['x-hallmark-page'];
      const caller = typeof page === 'string' && /^[0-9a-f-]{36}$/.test(page) ? `page:${page}` : undefined;
      return sendJson(res, await dispatch(handlers, op, input, caller));
    }
    if (url.pathname === '/__test-host/dropped-path') {
      // web-preload.ts's pathForFile: the stand-in for webUtils.getPathForFile.
      if (!tokenMatches(req.headers['x-hallmark-token'], token)) return send(res, 403, 'text/plain', 'bad token');
      return sendJson(res, { path: dialogs.pathForName(url.searchParams.get('name') ?? '') });
    }
    if (url.pathname === '/__test-host/dialogs') {
      // For a person driving `npm run test-host` by hand: queue what the next dialog answers, map a dropped name.
      if (req.method !== 'POST') return send(res, 405, 'text/plain', 'POST only');
      if (!tokenMatches(req.headers['x-hallmark-token'], token)) return send(res, 403, 'text/plain', 'bad token');
      const body = JSON.parse(await readBody(req)) as { folders?: unknown; save?: unknown; dropped?: { name?: unknown; path?: unknown } };
      if (Array.isArray(body.folders) && body.folders.every((f) => typeof f === 'string')) dialogs.answerFolders(body.folders);
      else if (body.save === null || typeof body.save === 'string') dialogs.answerSave(body.save);
      else if (body.dropped && typeof body.dropped.name === 'string' && typeof body.dropped.path === 'string')
        dialogs.mapDroppedFile(body.dropped.name, body.dropped.path);
      else return send(res, 400, 'text/plain', 'expected {"folders": [paths]}, {"save": path | null} or {"dropped": {"name", "path"}}');
      return sendJson(res, { ok: true });
    }
    if (url.pathname === '/__test-host/events') {
      if (!tokenMatches(url.searchParams.get('token') ?? '', token)) return send(res, 403, 'text/plain', 'bad token');
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write(`: events ${EVENT_NAMES.join(',')}\n\n`);
      streams.add(res);
      req.on('close', () => streams.delete(res));
      return;
    }
    return serveStatic(url.pathname, res);
  }

  async function serveStatic(pathname: string, res: ServerResponse): Promise<void> {
    const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
    const path = resolve(rendererDir, relative);
    if (!path.startsWith(rendererDir + sep)) return send(res, 404, 'text/plain', 'not found');
    let body: Buffer;
    try {
      body = await readFile(path);
    } catch {
      return send(res, 404, 'text/plain', 'not found');
    }
    if (relative === 'index.html') {
      // The only difference from the app: the HTTP preload shim runs before the renderer.
      const html = body.toString('utf8').replace(/<script/i, '<script src="/__test-host/preload.js"></script>\n    <script');
      body = Buffer.from(html, 'utf8');
    }
    send(res, 200, mimeTypeFor(path), body);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => ok());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    workspace,
    station,
    dialogs,
    async close() {
      await station.dispose();
      await ceremony.dispose();
      qa.dispose();
      stopEvents();
      for (const s of streams) s.end();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      workspace.close();
    },
  };
}

function tokenMatches(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

function send(res: ServerResponse, status: number, type: string, body: string | Buffer): void {
  res.writeHead(status, {
    'content-type': type,
    'content-security-policy': CONTENT_SECURITY_POLICY,
    'x-content-type-options': 'nosniff',
    'cache-control': 'no-store',
  });
  res.end(body);
}

function sendJson(res: ServerResponse, value: unknown): void {
  send(res, 200, 'application/json', JSON.stringify(value));
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new Error('request body too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

let shimCache: Promise<string> | undefined;
function bundleShim(): Promise<string> {
  shimCache ??= build({
    entryPoints: [resolve(ROOT, 'test/host/web-preload.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome120',
    write: false,
    logLevel: 'silent',
  }).then((r) => r.outputFiles[0]!.text);
  return shimCache;
}
