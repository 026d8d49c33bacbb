import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Workspace } from '../../main/store/workspace.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/** The workspace is its owner's alone: home and keys/ 0700, hallmark.db (+ -wal/-shm) and key files 0600. */
const tmp = tempDir('hallmark-modes-');
afterAll(() => tmp.dispose());

const mode = (p: string) => statSync(p).mode & 0o777;
const tightened = (ws: Workspace) => ws.audit.query({ offset: 0, limit: 100, action: 'workspace.permissions-tightened' }).entries;

describe.skipIf(process.platform === 'win32')('workspace file modes', () => {
  it('a new workspace is created 0700 with hallmark.db and its WAL files 0600, and nothing needs tightening', () => {
    const home = join(tmp.path, 'fresh');
    const old = process.umask(0o022);
    try {
      const { workspace } = Workspace.init(home, 'test');
      try {
        expect(mode(home)).toBe(0o700);
        expect(mode(join(home, 'keys'))).toBe(0o700);
        for (const f of ['hallmark.db', 'hallmark.db-wal', 'hallmark.db-shm']) expect(mode(join(home, f))).toBe(0o600);
        expect(tightened(workspace)).toEqual([]);
      } finally {
        workspace.close();
      }
    } finally {
      process.umask(old);
    }
  });

  it('a 0755 home with a 0644 database and key file is tightened on open, with one audit entry listing each change', () => {
    const home = join(tmp.path, 'loose');
    Workspace.init(home, 'test').workspace.close();
    writeFileSync(join(home, 'keys', 'ca.p8.pem'), 'not really a key');
    chmodSync(home, 0o755);
    chmodSync(join(home, 'keys'), 0o755);
    chmodSync(join(home, 'hallmark.db'), 0o644);
    chmodSync(join(home, 'keys', 'ca.p8.pem'), 0o644);
    const ws = Workspace.open(home, 'operator');
    try {
      expect(mode(home)).toBe(0o700);
      expect(mode(join(home, 'keys'))).toBe(0o700);
      expect(mode(join(home, 'hallmark.db'))).toBe(0o600);
      expect(mode(join(home, 'keys', 'ca.p8.pem'))).toBe(0o600);
      const entries = tightened(ws);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ actor: 'operator', subject: home });
      expect(entries[0]!.details['changes']).toEqual(
        expect.arrayContaining([
          { path: '.', from: '0755', to: '0700' },
          { path: 'keys', from: '0755', to: '0700' },
          { path: 'hallmark.db', from: '0644', to: '0600' },
          { path: 'keys/ca.p8.pem', from: '0644', to: '0600' },
        ]),
      );
      expect(ws.verifyAudit()).toMatchObject({ ok: true });
    } finally {
      ws.close();
    }
    // Once tight, opening again records nothing new.
    const again = Workspace.open(home, 'operator');
    try {
      expect(tightened(again)).toHaveLength(1);
    } finally {
      again.close();
    }
  });

  it('`hallmark init` on an existing 0755 --home tightens it too', async () => {
    const home = join(tmp.path, 'by-hand');
    mkdirSync(home, { mode: 0o755 });
    chmodSync(home, 0o755);
    expect((await runCli(['init', '--home', home])).code).toBe(0);
    expect(mode(home)).toBe(0o700);
    expect(mode(join(home, 'hallmark.db'))).toBe(0o600);
    const ws = Workspace.open(home, 'test');
    try {
      expect(tightened(ws)[0]?.details['changes']).toEqual([{ path: '.', from: '0755', to: '0700' }]);
    } finally {
      ws.close();
    }
  });
});
