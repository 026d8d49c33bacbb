import Database from 'better-sqlite3';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION } from '../../main/store/migrations/index.js';
import { Workspace } from '../../main/store/workspace.js';
import { WorkspaceError } from '../../main/store/workspace-errors.js';
import { makeReadOnly } from '../support/read-only-dir.js';
import { tempDir } from '../support/temp-dir.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  while (cleanups.length) cleanups.pop()!();
});
function dir(): string {
  const d = tempDir();
  cleanups.push(() => d.dispose());
  return d.path;
}
const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function expectWorkspaceError(fn: () => unknown, code: string): WorkspaceError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(WorkspaceError);
    expect((e as WorkspaceError).code).toBe(code);
    return e as WorkspaceError;
  }
  throw new Error(`expected ${code}, nothing was thrown`);
}

describe('workspace', () => {
  it('init creates a WAL database with foreign keys, the key directory and a first audit entry', () => {
    const home = join(dir(), 'ws');
    const { workspace, created } = Workspace.init(home, 'alice');
    try {
      expect(created).toBe(true);
      expect(workspace.db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(workspace.db.pragma('foreign_keys', { simple: true })).toBe(1);
      expect(workspace.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(statSync(join(home, 'keys')).mode & 0o777).toBe(0o700);
      const { entries } = workspace.audit.query();
      expect(entries.map((e) => [e.seq, e.actor, e.action])).toEqual([[1, 'alice', 'workspace.created']]);
      expect(entries[0]!.details.workspaceId).toBe(workspace.info().workspaceId);
    } finally {
      workspace.close();
    }
  });

  it('init on an existing workspace changes nothing', () => {
    const home = dir();
    Workspace.init(home, 'alice').workspace.close();
    const before = new Database(join(home, 'hallmark.db')).prepare('SELECT * FROM audit_log').all();
    const again = Workspace.init(home, 'bob');
    try {
      expect(again.created).toBe(false);
      expect(again.workspace.db.prepare('SELECT * FROM audit_log').all()).toEqual(before);
    } finally {
      again.workspace.close();
    }
  });

  it('open refuses a directory with no workspace, naming the fix', () => {
    const e = expectWorkspaceError(() => Workspace.open(join(dir(), 'nothing-here'), 'a'), 'WORKSPACE_MISSING');
    expect(e.message).toMatch(/hallmark init/);
    expectWorkspaceError(() => Workspace.open(dir(), 'a'), 'WORKSPACE_NOT_INITIALIZED');
  });

  it('refuses a file that is not SQLite and leaves it byte for byte', () => {
    const home = dir();
    const db = join(home, 'hallmark.db');
    writeFileSync(db, 'these are my notes, not a database\n'.repeat(200));
    const before = sha(db);
    expectWorkspaceError(() => Workspace.open(home, 'a'), 'DATABASE_NOT_SQLITE');
    expectWorkspaceError(() => Workspace.init(home, 'a'), 'DATABASE_NOT_SQLITE');
    expect(sha(db)).toBe(before);
    expect(existsSync(`${db}-wal`)).toBe(false);
  });

  it('refuses an empty database file rather than initialising over it', () => {
    const home = dir();
    writeFileSync(join(home, 'hallmark.db'), '');
    expectWorkspaceError(() => Workspace.init(home, 'a'), 'DATABASE_NOT_SQLITE');
    expect(statSync(join(home, 'hallmark.db')).size).toBe(0);
  });

  it('refuses a corrupt database and leaves it as it was', () => {
    const home = dir();
    const { workspace } = Workspace.init(home, 'a');
    workspace.transact(() => {
      for (let i = 0; i < 300; i++) workspace.audit.append({ actor: 'a', action: 'test.filler', subject: `s${i}`, details: { i } });
    });
    workspace.close();
    const path = join(home, 'hallmark.db');
    const bytes = readFileSync(path);
    // Keep the header valid, trash pages 2 and 3 (the tables' b-trees).
    const pageSize = bytes.readUInt16BE(16);
    bytes.fill(0xa5, pageSize, pageSize * 3);
    writeFileSync(path, bytes);
    const before = sha(path);
    expectWorkspaceError(() => Workspace.open(home, 'a'), 'DATABASE_CORRUPT');
    expect(sha(path)).toBe(before);
  });

  it('refuses a database from a newer Hallmark and changes nothing in it', () => {
    const home = dir();
    Workspace.init(home, 'a').workspace.close();
    const raw = new Database(join(home, 'hallmark.db'));
    raw.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 7}`);
    const rowsBefore = raw.prepare('SELECT * FROM audit_log').all();
    raw.close();
    const e = expectWorkspaceError(() => Workspace.open(home, 'a'), 'SCHEMA_TOO_NEW');
    expect(e.message).toMatch(new RegExp(`schema version ${LATEST_SCHEMA_VERSION + 7}`));
    const after = new Database(join(home, 'hallmark.db'), { readonly: true });
    expect(after.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION + 7);
    expect(after.prepare('SELECT * FROM audit_log').all()).toEqual(rowsBefore);
    after.close();
  });

  it('gives a clear error for an unwritable directory and creates nothing there', () => {
    const parent = dir();
    const restore = makeReadOnly(parent);
    try {
      expectWorkspaceError(() => Workspace.init(join(parent, 'ws'), 'a'), 'WORKSPACE_NOT_WRITABLE');
      expectWorkspaceError(() => Workspace.init(parent, 'a'), 'WORKSPACE_NOT_WRITABLE');
      expect(existsSync(join(parent, 'hallmark.db'))).toBe(false);
    } finally {
      restore();
    }
  });

  it('refuses a home that is a file, or below a file', () => {
    const file = join(dir(), 'plain-file');
    writeFileSync(file, 'x');
    expectWorkspaceError(() => Workspace.init(file, 'a'), 'WORKSPACE_NOT_DIRECTORY');
    expectWorkspaceError(() => Workspace.init(join(file, 'ws'), 'a'), 'WORKSPACE_NOT_DIRECTORY');
    expectWorkspaceError(() => Workspace.open(file, 'a'), 'WORKSPACE_NOT_DIRECTORY');
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('transact commits a change and its audit entry together, or neither', () => {
    const { workspace } = Workspace.init(dir(), 'a');
    try {
      const heard: number[] = [];
      workspace.audit.onAppend((e) => heard.push(e.seq));
      expect(() =>
        workspace.transact(() => {
          workspace.db.prepare("INSERT INTO workspace_meta (key, value) VALUES ('k', 'v')").run();
          workspace.audit.append({ actor: 'a', action: 'test.change', subject: 'k' });
          throw new Error('power cut');
        }),
      ).toThrow('power cut');
      expect(workspace.db.prepare("SELECT * FROM workspace_meta WHERE key = 'k'").get()).toBeUndefined();
      expect(workspace.audit.head()!.seq).toBe(1);
      expect(heard).toEqual([]);

      workspace.transact(() => {
        workspace.db.prepare("INSERT INTO workspace_meta (key, value) VALUES ('k', 'v')").run();
        workspace.audit.append({ actor: 'a', action: 'test.change', subject: 'k' });
      });
      expect(workspace.audit.head()!.seq).toBe(2);
      expect(heard).toEqual([2]);
      expect(workspace.verifyAudit().ok).toBe(true);
    } finally {
      workspace.close();
    }
  });
});
