import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../main/api/dispatch.js';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { RotatingLog } from '../../main/logging/rotating-log.js';
import { LOG_FILE, Workspace } from '../../main/store/workspace.js';
import { tempDir } from '../support/temp-dir.js';

let tmp: ReturnType<typeof tempDir> | null = null;
afterEach(() => {
  tmp?.dispose();
  tmp = null;
});

const lines = (path: string) =>
  readFileSync(path, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);

describe('the application log', () => {
  it('appends one JSON line per record, private to the user, with the error detail', () => {
    tmp = tempDir('hallmark-log-');
    const log = new RotatingLog(join(tmp.path, 'logs', 'hallmark.log'));
    const err = Object.assign(new Error('disk on fire'), { code: 'EIO' });
    log.error('qa.verify', 'qa.verify failed unexpectedly', err);
    log.info('station', 'started');
    const [first, second] = lines(log.path);
    expect(first).toMatchObject({
      level: 'error',
      source: 'qa.verify',
      message: 'qa.verify failed unexpectedly',
      error: { name: 'Error', message: 'disk on fire', code: 'EIO' },
    });
    expect(String((first!['error'] as Record<string, unknown>)['stack'])).toContain('rotating-log.test.ts');
    expect(second).toMatchObject({ level: 'info', source: 'station', message: 'started' });
    expect(statSync(log.path).mode & 0o777).toBe(0o600);
    expect(statSync(join(tmp.path, 'logs')).mode & 0o777).toBe(0o700);
  });

  it('rotates by size and keeps only the configured number of old files', () => {
    tmp = tempDir('hallmark-log-');
    const log = new RotatingLog(join(tmp.path, 'hallmark.log'), { maxBytes: 400, keep: 2 });
    for (let i = 0; i < 40; i++) log.info('test', `record ${i} ${'x'.repeat(40)}`);
    for (const p of [log.path, `${log.path}.1`, `${log.path}.2`]) expect(statSync(p).size).toBeLessThanOrEqual(400);
    expect(existsSync(`${log.path}.3`)).toBe(false);
    // the newest record is in the current file, the ones before it in .1
    expect(lines(log.path).at(-1)!['message']).toMatch(/^record 39 /);
    const prev = lines(`${log.path}.1`).at(-1)!['message'] as string;
    expect(Number(prev.split(' ')[1])).toBe(Number((lines(log.path)[0]!['message'] as string).split(' ')[1]) - 1);
  });

  it('never throws when the log cannot be written', () => {
    tmp = tempDir('hallmark-log-');
    // a regular file where the log's folder should be: nothing can be created under it
    writeFileSync(join(tmp.path, 'not-a-folder'), '');
    const log = new RotatingLog(join(tmp.path, 'not-a-folder', 'logs', 'hallmark.log'));
    expect(() => log.error('x', 'y', new Error('z'))).not.toThrow();
  });

  it('is where dispatch() puts an unexpected failure, and the answer names it without the detail', async () => {
    tmp = tempDir('hallmark-log-');
    const ws = Workspace.init(join(tmp.path, 'ws'), 'test').workspace;
    try {
      const handlers = createCoreHandlers(ws);
      (handlers as Record<string, unknown>)['audit.facets'] = () => {
        throw new TypeError('secret internal state 0xdeadbeef');
      };
      const r = await dispatch(handlers, 'audit.facets', {});
      expect(r).toMatchObject({ ok: false, error: { code: 'INTERNAL' } });
      const message = !r.ok ? r.error.message : '';
      expect(message).toContain(join(ws.home, LOG_FILE));
      expect(message).not.toContain('0xdeadbeef');
      expect(lines(join(ws.home, LOG_FILE)).at(-1)).toMatchObject({
        level: 'error',
        source: 'audit.facets',
        error: { name: 'TypeError', message: 'secret internal state 0xdeadbeef' },
      });
    } finally {
      ws.close();
    }
  });
});
