import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { Workspace } from '../../main/store/workspace.js';
import { TestDialogs } from '../host/test-dialogs.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Outputs are written where the main process's dialog put them (or a CLI argument named
 * them), never inside the workspace home, with the extension forced; a path sent by the
 * window is refused. Each case was an attack on the old contract: a report saved as
 * keys/future-key.p8.pem squatted a key file's name.
 */
const tmp = tempDir('hallmark-outputs-');
let home: string;
let usb: string;
let dir: string;
let rootPem: string;
let ws: Workspace;
let dialogs: TestDialogs;
let handlers: Handlers;

beforeAll(async () => {
  ({ dir, rootPem } = await exportedBatch(tmp.path, 'WO-OUT1'));
  home = join(tmp.path, 'qa-home');
  usb = join(tmp.path, 'usb-out');
  mkdirSync(usb);
  ws = Workspace.init(home, 'test').workspace;
  dialogs = new TestDialogs();
  handlers = createCoreHandlers(ws, undefined, undefined, { folders: dialogs.picker, saves: dialogs.saver });
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

const call = (op: string, input: unknown) => dispatch(handlers, op, input, { id: 'window' });
const refusals = () => ws.audit.query({ offset: 0, limit: 100, action: 'output.refused' }).entries;

describe('qa.saveReport', () => {
  it('refuses a report path sent by the renderer, writes nothing and audits the refusal', async () => {
    const out = join(usb, 'from-window.html');
    expect(await call('qa.saveReport', { dir, trustPem: rootPem, out })).toMatchObject({ ok: false, error: { code: 'OUTPUT_PATH_FROM_RENDERER' } });
    expect(existsSync(out)).toBe(false);
    expect(dialogs.saveRequests).toEqual([]);
    expect(refusals().at(-1)).toMatchObject({ action: 'output.refused', details: { operation: 'qa.saveReport', code: 'OUTPUT_PATH_FROM_RENDERER' } });
  });

  it('refuses a report the dialog put inside keys/ (the squatted key name), naming the path; the key name stays free', async () => {
    const squat = join(home, 'keys', 'future-key.p8.pem');
    dialogs.answerSave(squat);
    const r = await call('qa.saveReport', { dir, trustPem: rootPem });
    expect(r).toMatchObject({ ok: false, error: { code: 'OUTPUT_INSIDE_WORKSPACE' } });
    expect(!r.ok && r.error.message).toContain(join(home, 'keys', 'future-key.p8.pem.html'));
    expect(readdirSync(join(home, 'keys'))).toEqual([]);
    expect(refusals().at(-1)).toMatchObject({ details: { operation: 'qa.saveReport', code: 'OUTPUT_INSIDE_WORKSPACE' } });
  });

  it('refuses a path that reaches the workspace through a symlink on the medium', async () => {
    const link = join(usb, 'reports');
    symlinkSync(home, link);
    dialogs.answerSave(join(link, 'report.html'));
    expect(await call('qa.saveReport', { dir, trustPem: rootPem })).toMatchObject({ ok: false, error: { code: 'OUTPUT_INSIDE_WORKSPACE' } });
    expect(existsSync(join(home, 'report.html'))).toBe(false);
  });

  it('writes where the dialog said, with .html forced', async () => {
    dialogs.answerSave(join(usb, 'WO-OUT1-report'));
    expect(await call('qa.saveReport', { dir, trustPem: rootPem })).toMatchObject({ ok: true, value: { path: join(usb, 'WO-OUT1-report.html'), ok: true } });
    expect(dialogs.saveRequests.at(-1)).toMatchObject({ purpose: 'qa-report', extension: 'html' });
  });
});

describe('ceremony.exportCalendar', () => {
  it('refuses a renderer-supplied path and writes an .ics where the dialog said', async () => {
    const typed = join(usb, 'typed.ics');
    expect(await call('ceremony.exportCalendar', { path: typed })).toMatchObject({ ok: false, error: { code: 'OUTPUT_PATH_FROM_RENDERER' } });
    expect(existsSync(typed)).toBe(false);
    dialogs.answerSave(join(home, 'hallmark.db-calendar'));
    expect(await call('ceremony.exportCalendar', {})).toMatchObject({ ok: false, error: { code: 'OUTPUT_INSIDE_WORKSPACE' } });
    dialogs.answerSave(join(usb, 'calendar.txt'));
    expect(await call('ceremony.exportCalendar', {})).toMatchObject({ ok: true, value: { path: join(usb, 'calendar.txt.ics') } });
    dialogs.answerSave(null);
    expect(await call('ceremony.exportCalendar', {})).toEqual({ ok: true, value: null });
  });
});

describe('ceremony.start', () => {
  const start = { scriptPath: '/nowhere/root.yaml', bindingPath: '/nowhere/binding.yaml', approvedHash: 'a'.repeat(64), approvedBindingHash: 'b'.repeat(64) };

  it('refuses an output folder sent by the renderer, before anything is read', async () => {
    expect(await call('ceremony.start', { ...start, outDir: join(home, 'keys') })).toMatchObject({ ok: false, error: { code: 'OUTPUT_PATH_FROM_RENDERER' } });
    expect(dialogs.requests.filter((r) => r.purpose === 'ceremony-output')).toEqual([]);
  });

  it('asks the main-side folder dialog, and refuses a folder inside the workspace', async () => {
    dialogs.answerFolders([join(home, 'keys')]);
    const r = await call('ceremony.start', start);
    expect(r).toMatchObject({ ok: false, error: { code: 'OUTPUT_INSIDE_WORKSPACE' } });
    expect(!r.ok && r.error.message).toContain(join(home, 'keys'));
    expect(dialogs.requests.at(-1)).toEqual({ purpose: 'ceremony-output', multiple: false });
    dialogs.answerFolders([]);
    expect(await call('ceremony.start', start)).toMatchObject({ ok: false, error: { code: 'OUTPUT_NOT_CHOSEN' } });
  });
});

describe('the CLI names outputs with arguments, under the same rules', () => {
  it('manifest verify --html refuses a report inside the workspace and forces .html elsewhere', async () => {
    const inside = await runCli(['manifest', 'verify', dir, '--trust', rootPem, '--html', join(home, 'keys', 'future-key.p8.pem')], { HALLMARK_HOME: home });
    expect(inside.code).toBe(2);
    expect(inside.stderr).toMatch(/^error: OUTPUT_INSIDE_WORKSPACE: .*keys\/future-key\.p8\.pem\.html/);
    expect(readdirSync(join(home, 'keys'))).toEqual([]);
    const ok = await runCli(['manifest', 'verify', dir, '--trust', rootPem, '--html', join(usb, 'cli-report')], { HALLMARK_HOME: home });
    expect(ok.code).toBe(0);
    expect(existsSync(join(usb, 'cli-report.html'))).toBe(true);
  });

  it('ceremony calendar --ics refuses the workspace', async () => {
    const r = await runCli(['ceremony', 'calendar', '--ics', join(home, 'cal')], { HALLMARK_HOME: home });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: OUTPUT_INSIDE_WORKSPACE: /);
    expect(existsSync(join(home, 'cal.ics'))).toBe(false);
  });
});
