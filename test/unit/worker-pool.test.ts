import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { HallmarkError } from '../../main/errors/hallmark-error.js';
import { MediaFileError } from '../../main/files/read-media-file.js';
import { TaskCancelledError } from '../../main/workers/task-cancelled-error.js';
import { WorkerPool } from '../../main/workers/worker-pool.js';
import { coreWorkerScript } from '../../main/workers/worker-script.js';

const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const script = () => ({ url: new URL('../support/test-worker.ts', import.meta.url), execArgv: ['--import', tsx] });
const pools: WorkerPool[] = [];
const pool = (size: number) => {
  const p = new WorkerPool(script, size);
  pools.push(p);
  return p;
};
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('WorkerPool (real worker_threads)', () => {
  it('runs tasks, reports progress, and keeps the class and code of errors thrown in the worker', async () => {
    const p = pool(2);
    expect(await p.run('echo', { a: [1, 2] })).toEqual({ a: [1, 2] });
    const seen: unknown[] = [];
    expect(await p.run('count', 5, { onProgress: (v) => seen.push(v) })).toBe(5);
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const coded = await p.run('throw-hallmark', null).catch((e: unknown) => e);
    expect(coded).toBeInstanceOf(HallmarkError);
    expect(coded).toMatchObject({ code: 'SOME_CODE', kind: 'check', details: { n: 1 }, message: 'a coded refusal' });
    const media = await p.run('throw-media', null).catch((e: unknown) => e);
    expect(media).toBeInstanceOf(MediaFileError);
    expect(media).toMatchObject({ code: 'FILE_SYMLINK_REFUSED', path: '/media/x' });
    const plain = await p.run('throw-plain', null).catch((e: unknown) => e);
    expect(plain).not.toBeInstanceOf(HallmarkError);
    expect((plain as Error).message).toBe('a bug');
    await expect(p.run('no-such-task', null)).rejects.toThrow(/no task "no-such-task"/);
  });

  it('places delegated sub-tasks without deadlock, even in a pool of one worker', async () => {
    expect(await pool(1).run('delegate-sum', 20)).toBe(210);
    expect(await pool(2).run('delegate-sum', 50)).toBe(1275);
  });

  it('cancels a task that never yields by terminating its worker, and then runs the next one', async () => {
    const p = pool(1);
    const controller = new AbortController();
    let started!: () => void;
    const spinning = new Promise<void>((ok) => (started = ok));
    const running = p.run('spin', null, { signal: controller.signal, what: 'the spin', onProgress: () => started() });
    const queued = p.run('echo', 'after');
    await spinning;
    const t0 = performance.now();
    controller.abort();
    const error = await running.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TaskCancelledError);
    expect(error).toMatchObject({ code: 'OPERATION_CANCELLED', message: 'the spin was cancelled' });
    expect(performance.now() - t0).toBeLessThan(1000);
    // the queued task was not part of the cancelled family: it runs on a fresh worker
    expect(await queued).toBe('after');
    await expect(p.run('echo', 1, { signal: AbortSignal.abort() })).rejects.toBeInstanceOf(TaskCancelledError);
  });

  it('fails the tasks of a worker that dies and replaces it', async () => {
    const p = pool(1);
    await expect(p.run('exit', null)).rejects.toThrow(/worker stopped/);
    expect(await p.run('echo', 'alive')).toBe('alive');
  });

  it('finds the core worker entry from the sources', () => {
    const s = coreWorkerScript();
    expect(s.url.pathname.endsWith('/main/workers/core-worker.ts')).toBe(true);
    expect(s.execArgv).toEqual(['--import', tsx]);
  });
});
