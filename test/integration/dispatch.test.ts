import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { Workspace } from '../../main/store/workspace.js';
import { tempDir } from '../support/temp-dir.js';

const home = tempDir();
let ws: Workspace;
let handlers: Handlers;
beforeAll(() => {
  ws = Workspace.init(home.path, 'alice').workspace;
  handlers = createCoreHandlers(ws);
});
afterAll(() => {
  ws.close();
  home.dispose();
});

describe('dispatch (the IPC boundary)', () => {
  it('runs a valid request against the core', async () => {
    const r = await dispatch(handlers, 'audit.query', { offset: 0, limit: 10 });
    expect(r).toMatchObject({ ok: true, value: { total: 1, entries: [{ seq: 1, action: 'workspace.created' }] } });
    expect(await dispatch(handlers, 'audit.verify', {})).toMatchObject({ ok: true, value: { ok: true, count: 1 } });
  });

  it.each([
    ['wrong type', 'audit.query', { offset: '0', limit: 10 }, /offset/],
    ['extra field', 'audit.query', { offset: 0, limit: 10, sql: 'DROP TABLE audit_log' }, /sql/],
    ['limit too large', 'audit.query', { offset: 0, limit: 100000 }, /limit/],
    ['negative offset', 'audit.query', { offset: -1, limit: 1 }, /offset/],
    ['fractional', 'audit.query', { offset: 0.5, limit: 1 }, /offset/],
    ['missing input', 'audit.query', undefined, /input/],
    ['array input', 'audit.facets', [], /input/],
    ['extra field on empty input', 'audit.verify', { force: true }, /force/],
    ['prototype pollution attempt', 'audit.query', JSON.parse('{"offset":0,"limit":1,"__proto__":{"x":1}}'), /__proto__/],
  ])('rejects %s with INVALID_INPUT naming the field', async (_n, op, input, field) => {
    const r = await dispatch(handlers, op, input);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('INVALID_INPUT');
    expect(r.error.message).toMatch(field);
  });

  it.each([['audit.drop'], ['constructor'], ['__proto__'], [42], [null]])('rejects unknown operation %j', async (op) => {
    expect(await dispatch(handlers, op, {})).toMatchObject({ ok: false, error: { code: 'UNKNOWN_OPERATION' } });
  });

  it('reports a core error by code and hides unexpected ones', async () => {
    const failing: Handlers = {
      ...handlers,
      'audit.facets': () => {
        throw new Error('secret internal detail /home/x');
      },
    };
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const r = await dispatch(failing, 'audit.facets', {});
    // Handlers built by hand have no workspace log: the detail goes to stderr, never to the renderer.
    expect(log).toHaveBeenCalledWith('[hallmark] audit.facets failed', expect.objectContaining({ message: 'secret internal detail /home/x' }));
    log.mockRestore();
    expect(r).toEqual({
      ok: false,
      error: { code: 'INTERNAL', message: 'audit.facets failed unexpectedly; the detail is in the application log' },
    });
  });

  it('loses nothing on a bad request', async () => {
    await dispatch(handlers, 'audit.query', { offset: 'x' });
    expect(ws.verifyAudit()).toMatchObject({ ok: true, count: 1 });
  });
});

describe('dispatch: the folder dialog port', () => {
  it('hands the caller through to the face’s picker and checks the purpose', async () => {
    const seen: unknown[] = [];
    const withPicker = createCoreHandlers(ws, undefined, undefined, {
      folders: { pickFolders: (req, caller) => (seen.push({ req, caller }), Promise.resolve(['/media/usb/WO-1'])) },
    });
    const sender = { id: 'the asking window' };
    expect(await dispatch(withPicker, 'dialog.openFolder', { purpose: 'manifest' }, sender)).toEqual({ ok: true, value: { path: '/media/usb/WO-1' } });
    expect(seen).toEqual([{ req: { purpose: 'manifest', multiple: false }, caller: sender }]);
    expect(await dispatch(withPicker, 'dialog.openFolder', { purpose: 'anything', title: 'x' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('says DIALOG_UNAVAILABLE on a face without a dialog', async () => {
    expect(await dispatch(handlers, 'dialog.openFolders', { purpose: 'manifest-import' })).toMatchObject({ ok: false, error: { code: 'DIALOG_UNAVAILABLE' } });
  });
});
