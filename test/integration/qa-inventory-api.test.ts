import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { Workspace } from '../../main/store/workspace.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { TestDialogs } from '../host/test-dialogs.js';

const tmp = tempDir('hallmark-qa-api-');
let dir: string;
let rootPem: string;
let ws: Workspace;
let handlers: Handlers;
const dialogs = new TestDialogs();

beforeAll(async () => {
  ({ dir, rootPem } = await exportedBatch(tmp.path, 'WO-API1'));
  ws = Workspace.init(join(tmp.path, 'inventory'), 'test').workspace;
  handlers = createCoreHandlers(ws, undefined, undefined, { saves: dialogs.saver });
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

const call = (op: string, input: unknown) => dispatch(handlers, op, input);

describe('qa.* and inventory.* through dispatch', () => {
  it('refuses unknown keys and out-of-bound inputs', async () => {
    expect(await call('qa.verify', { dir, trustPem: rootPem, extra: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('qa.verify', { dir: 'a\0b', trustPem: rootPem })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('inventory.search', { offset: 0, limit: 1001 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('inventory.device', { fingerprint: 'AB' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(await call('inventory.search', { offset: 0, limit: 10, fingerprint: 'not-hex' })).toMatchObject({
      ok: false,
      error: { code: 'INVENTORY_SEARCH_INVALID' },
    });
  });

  it('qa.device decodes an entry and refuses a folder changed since verification', async () => {
    const r = await call('qa.verify', { dir, trustPem: rootPem });
    if (!r.ok) throw new Error(r.error.message);
    const report = r.value as { ok: boolean; manifestSha256: string; deviceList: { index: number; certificateSha256: string | null }[] };
    expect(report.ok).toBe(true);
    const entry = report.deviceList.find((d) => d.certificateSha256)!;
    const d = await call('qa.device', { dir, index: entry.index, manifestSha256: report.manifestSha256 });
    expect(d).toMatchObject({ ok: true, value: { certificate: { sha256: entry.certificateSha256 } } });
    expect(await call('qa.device', { dir, index: 9999 })).toMatchObject({ ok: false, error: { code: 'MANIFEST_UNREADABLE' } });
    expect(await call('qa.device', { dir, index: 0, manifestSha256: '0'.repeat(64) })).toMatchObject({ ok: false, error: { code: 'MANIFEST_UNREADABLE' } });
  });

  it('qa.saveReport writes where the save dialog says, once, and never overwrites', async () => {
    const out = join(tmp.path, 'r.html');
    writeFileSync(join(tmp.path, 'keep.html'), 'keep');
    dialogs.answerSave(out);
    expect(await call('qa.saveReport', { dir, trustPem: rootPem })).toMatchObject({ ok: true, value: { ok: true, path: out } });
    dialogs.answerSave(join(tmp.path, 'keep.html'));
    expect(await call('qa.saveReport', { dir, trustPem: rootPem })).toMatchObject({ ok: false, error: { code: 'MANIFEST_OUTPUT_EXISTS' } });
    expect(readFileSync(join(tmp.path, 'keep.html'), 'utf8')).toBe('keep');
    dialogs.answerSave(null);
    expect(await call('qa.saveReport', { dir, trustPem: rootPem })).toEqual({ ok: true, value: null });
  });

  it('imports, pages newest first with a total, and reports each folder on its own', async () => {
    const r = await call('inventory.import', { dirs: [dir, join(tmp.path, 'nowhere')], trustPem: rootPem, operator: 'clerk' });
    expect(r).toMatchObject({
      ok: true,
      value: {
        results: [
          { ok: true, created: true, batchId: 'WO-API1' },
          { ok: false, code: 'MANIFEST_UNREADABLE' },
        ],
      },
    });
    const all = await call('inventory.search', { offset: 0, limit: 1000 });
    if (!all.ok) throw new Error(all.error.message);
    const { total, rows } = all.value as { total: number; rows: { id: number; hardwareSerial: string }[] };
    expect(total).toBe(rows.length);
    expect(rows.map((x) => x.id)).toEqual([...rows.map((x) => x.id)].sort((a, b) => b - a));
    const page = await call('inventory.search', { offset: 2, limit: 2 });
    expect(page).toMatchObject({ ok: true, value: { total, rows: rows.slice(2, 4) } });
    const batches = await call('inventory.batches', {});
    expect(batches).toMatchObject({ ok: true, value: { batches: [{ batchId: 'WO-API1', active: 5 }] } });
  });
});
