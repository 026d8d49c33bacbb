import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../main/store/migrations/index.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const root = tempDir();
afterAll(() => root.dispose());
let n = 0;
const freshHome = () => join(root.path, `ws-${++n}`);

/** Every error is exactly one line: `error: <CODE>: <message>`, no stack trace. */
function expectOneLineError(stderr: string, code: string): void {
  const lines = stderr.trimEnd().split('\n');
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^error: ${code}: \\S`));
}

describe('hallmark CLI', () => {
  it('--help lists the commands and exits 0', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const cmd of ['init', 'info', 'audit']) expect(r.stdout).toMatch(new RegExp(`^\\s+${cmd}\\b`, 'm'));
    const sub = await runCli(['audit', 'verify', '--help']);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toMatch(/first bad seq/);
  });

  it('init creates a workspace, and a second init changes nothing and says so', async () => {
    const home = freshHome();
    const first = await runCli(['--home', home, '--json', 'init'], { HALLMARK_ACTOR: 'custodian-1' });
    expect(first.code).toBe(0);
    const info = JSON.parse(first.stdout) as { created: boolean; workspaceId: string; databasePath: string };
    expect(info.created).toBe(true);
    const dbBefore = createHash('sha256').update(readFileSync(info.databasePath)).digest('hex');
    const second = await runCli(['--home', home, 'init']);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/already exists.*nothing changed/);
    expect(second.stdout).toContain(info.workspaceId);
    const list = await runCli(['--home', home, '--json', 'audit', 'list']);
    const entries = JSON.parse(list.stdout) as { actor: string; action: string }[];
    expect(entries).toEqual([expect.objectContaining({ seq: 1, actor: 'custodian-1', action: 'workspace.created' })]);
    expect(createHash('sha256').update(readFileSync(info.databasePath)).digest('hex')).toBe(dbBefore);
  });

  it('uses HALLMARK_HOME when --home is absent', async () => {
    const home = freshHome();
    expect((await runCli(['init'], { HALLMARK_HOME: home })).code).toBe(0);
    const r = await runCli(['--json', 'info'], { HALLMARK_HOME: home });
    expect(JSON.parse(r.stdout)).toMatchObject({ home, schemaVersion: LATEST_SCHEMA_VERSION, auditHead: { seq: 1 } });
  });

  it('notes, lists with filters, and verifies the chain', async () => {
    const home = freshHome();
    await runCli(['--home', home, 'init']);
    expect((await runCli(['--home', home, '--actor', 'witness-a', 'audit', 'note', 'clock checked'])).stdout).toMatch(/recorded as seq 2/);
    await runCli(['--home', home, '--actor', 'witness-b', 'audit', 'note', '--subject', 'hsm-1', 'HSM sealed in bag 4411']);
    const byB = await runCli(['--home', home, 'audit', 'list', '--by', 'witness-b']);
    expect(byB.stdout.trim().split('\n')).toHaveLength(1);
    expect(byB.stdout).toMatch(/^\s+3\s+\S+Z\s+witness-b\s+audit\.note\s+hsm-1 \{"text":"HSM sealed in bag 4411"\}$/m);
    const since = await runCli(['--home', home, '--json', 'audit', 'list', '--since', '1']);
    expect((JSON.parse(since.stdout) as { seq: number }[]).map((e) => e.seq)).toEqual([2, 3]);
    const verify = await runCli(['--home', home, 'audit', 'verify']);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/^audit chain verified: 3 entries, head seq 3 hash [0-9a-f]{64}$/m);
  });

  it('audit verify exits 1 and names the first bad seq after the sqlite3 CLI edits an entry', async () => {
    const home = freshHome();
    await runCli(['--home', home, 'init']);
    for (const t of ['one', 'two', 'three']) await runCli(['--home', home, 'audit', 'note', t]);
    execFileSync('sqlite3', [join(home, 'hallmark.db'), 'DROP TRIGGER audit_log_no_update; UPDATE audit_log SET details = \'{"text":"TWO"}\' WHERE seq = 3;']);
    const r = await runCli(['--home', home, 'audit', 'verify']);
    expect(r.code).toBe(1);
    expectOneLineError(r.stderr, 'AUDIT_CHAIN_BROKEN');
    expect(r.stderr).toMatch(/first bad seq 3/);
    const json = await runCli(['--home', home, '--json', 'audit', 'verify']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'ENTRY_ALTERED' });
  });

  it.each([
    [['bogus'], /unknown command 'bogus'/],
    [['audit', 'bogus'], /unknown command 'bogus'/],
    [['--nope', 'info'], /unknown option '--nope'/],
    [['audit', 'list', '--since', 'abc'], /not a non-negative integer/],
    [['audit', 'list', '--limit', '0'], /at least 1/],
    [['audit', 'note'], /missing required argument 'text'/],
    [['audit', 'note', 'a', 'b'], /too many arguments/],
  ])('rejects bad usage %j with exit 2 and one line', async (args, message) => {
    const r = await runCli(['--home', freshHome(), ...args]);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'USAGE');
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 with a clear error for a missing workspace, and creates nothing', async () => {
    const home = freshHome();
    const r = await runCli(['--home', home, 'audit', 'list']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'WORKSPACE_MISSING');
    expect(r.stderr).toMatch(/hallmark init/);
  });

  it('refuses a non-SQLite database file and leaves it untouched', async () => {
    const home = freshHome();
    await runCli(['--home', home, 'init']);
    const db = join(home, 'hallmark.db');
    writeFileSync(db, '%PDF-1.7 definitely not sqlite');
    for (const cmd of [['init'], ['audit', 'list'], ['audit', 'verify']]) {
      const r = await runCli(['--home', home, ...cmd]);
      expect(r.code).toBe(2);
      expectOneLineError(r.stderr, 'DATABASE_NOT_SQLITE');
    }
    expect(readFileSync(db, 'utf8')).toBe('%PDF-1.7 definitely not sqlite');
  });

  it('prints a stack trace only with --debug', async () => {
    const home = freshHome();
    const plain = await runCli(['--home', home, 'info']);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await runCli(['--home', home, '--debug', 'info']);
    expect(debug.code).toBe(2);
    expect(debug.stderr).toMatch(/^error: WORKSPACE_MISSING: /);
    expect(debug.stderr).toMatch(/\n\s+at /);
  });

  it('rejects an empty note', async () => {
    const home = freshHome();
    await runCli(['--home', home, 'init']);
    const r = await runCli(['--home', home, 'audit', 'note', '   ']);
    expect(r.code).toBe(2);
    expectOneLineError(r.stderr, 'INVALID_INPUT');
  });
});
