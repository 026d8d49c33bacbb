import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { HallmarkError } from '../errors/hallmark-error.js';

/** What `new Worker()` is given: the entry module and the flags it needs. */
export interface WorkerScript {
  readonly url: URL;
  readonly execArgv: readonly string[];
}

// Kept in a variable: a literal `new URL('…', import.meta.url)` is an asset reference to Vite.
const here = import.meta.url;

/**
 * The core worker's entry (core-worker.ts), wherever this module runs from. From the
 * TypeScript sources (tests, the test host, `bin/hallmark.mjs` through tsx) the worker is
 * the .ts file next to this one, loaded through tsx's loader, which a worker does not
 * inherit from the thread that registered it. From a build (out/main for the app,
 * electron.vite.config.ts's `core-worker` input) it is the bundled core-worker.js beside
 * the bundle, or one folder up when this code landed in a shared chunk.
 */
export function coreWorkerScript(): WorkerScript {
  if (here.endsWith('.ts')) {
    const tsx = pathToFileURL(createRequire(here).resolve('tsx')).href;
    return { url: new URL('./core-worker.ts', here), execArgv: ['--import', tsx] };
  }
  for (const candidate of ['./core-worker.js', '../core-worker.js']) {
    const url = new URL(candidate, here);
    if (existsSync(url)) return { url, execArgv: [] };
  }
  throw new HallmarkError(
    'WORKER_MISSING',
    `the core worker (core-worker.js) is not beside ${new URL('.', here).pathname}; rebuild with npm run build`,
    'environment',
  );
}
