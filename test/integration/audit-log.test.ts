import Database from 'better-sqlite3';
import { fork } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { auditHash } from '../../main/store/audit/audit-hash.js';
import { AuditEventError } from '../../main/store/audit/audit-errors.js';
import { Workspace } from '../../main/store/workspace.js';
import { tamper } from '../support/tamper.js';
import { tempDir } from '../support/temp-dir.js';

let home: { path: string; dispose(): void };
let ws: Workspace;
const dbPath = () => join(home.path, 'hallmark.db');

beforeEach(() => {
  home = tempDir();
  ws = Workspace.init(home.path, 'alice').workspace;
  for (let i = 2; i <= 6; i++) {
    ws.audit.append({ actor: i % 2 ? 'bob' : 'carol', action: `test.step-${i % 3}`, subject: `s${i}`, details: { i } });
  }
});
afterEach(() => {
  ws.close();
  home.dispose();
});

describe('audit log', () => {
  it('chains every entry to the one before', () => {
    const { entries, total } = ws.audit.query();
    expect(total).toBe(6);
    entries.forEach((e, i) => {
      expect(e.seq).toBe(i + 1);
      if (i > 0) expect(e.prevHash).toBe(entries[i - 1]!.hash);
      expect(e.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    });
    expect(ws.verifyAudit()).toEqual({ ok: true, count: 6, head: { seq: 6, hash: entries[5]!.hash } });
  });

  it('filters and pages by action, actor and seq', () => {
    expect(ws.audit.query({ actor: 'bob' }).entries.map((e) => e.seq)).toEqual([3, 5]);
    expect(ws.audit.query({ action: 'test.step-0' }).entries.map((e) => e.seq)).toEqual([3, 6]);
    expect(ws.audit.query({ sinceSeq: 4 }).entries.map((e) => e.seq)).toEqual([5, 6]);
    const page = ws.audit.query({ offset: 1, limit: 2, newestFirst: true });
    expect(page.total).toBe(6);
    expect(page.entries.map((e) => e.seq)).toEqual([5, 4]);
    expect(ws.audit.facets()).toEqual({
      actions: ['test.step-0', 'test.step-1', 'test.step-2', 'workspace.created'],
      actors: ['alice', 'bob', 'carol'],
    });
  });

  it("refuses UPDATE and DELETE on the app's own connection", () => {
    expect(() => ws.db.prepare("UPDATE audit_log SET actor = 'eve' WHERE seq = 2").run()).toThrow(/AUDIT_APPEND_ONLY/);
    expect(() => ws.db.prepare('DELETE FROM audit_log WHERE seq = 6').run()).toThrow(/AUDIT_APPEND_ONLY/);
    expect(() => ws.db.prepare('DELETE FROM audit_head').run()).toThrow(/AUDIT_APPEND_ONLY/);
    expect(() => ws.db.prepare("INSERT INTO audit_log VALUES (9, 't', 'eve', 'x.y', '', '{}', ?, 'h')").run(ws.audit.head()!.hash)).toThrow(
      /AUDIT_OUT_OF_ORDER/,
    );
    expect(ws.verifyAudit().ok).toBe(true);
  });

  it.each([
    ['', 'workspace.created', /actor/],
    ['a', 'NoDots', /action/],
    ['a', 'has space.x', /action/],
  ])('rejects a malformed event (actor %j, action %j)', (actor, action, message) => {
    expect(() => ws.audit.append({ actor, action, subject: '' })).toThrow(AuditEventError);
    expect(() => ws.audit.append({ actor, action, subject: '' })).toThrow(message);
    expect(ws.audit.head()!.seq).toBe(6);
  });

  it('rejects details that are not plain JSON', () => {
    expect(() => ws.audit.append({ actor: 'a', action: 'x.y', subject: '', details: { when: new Date() as unknown as string } })).toThrow(/not plain JSON/);
    expect(ws.audit.head()!.seq).toBe(6);
  });

  describe('verify finds tampering behind the app', () => {
    it('an edited entry', () => {
      tamper(dbPath(), (db) => db.prepare('UPDATE audit_log SET details = \'{"i":99}\' WHERE seq = 4').run());
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'ENTRY_ALTERED', lastGood: { seq: 3 } });
    });

    it('an edited entry whose hash was recomputed (the next link breaks)', () => {
      const third = ws.audit.query({ offset: 2, limit: 1 }).entries[0]!;
      const forged = { ...third, actor: 'eve' };
      const hash = auditHash(forged);
      tamper(dbPath(), (db) => db.prepare("UPDATE audit_log SET actor = 'eve', hash = ? WHERE seq = 3").run(hash));
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 4, problem: 'CHAIN_BROKEN', lastGood: { seq: 3, hash } });
    });

    it('a deleted entry in the middle', () => {
      tamper(dbPath(), (db) => db.prepare('DELETE FROM audit_log WHERE seq = 3').run());
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 3, problem: 'ENTRY_MISSING' });
    });

    it('deleted entries at the end', () => {
      tamper(dbPath(), (db) => db.prepare('DELETE FROM audit_log WHERE seq >= 5').run());
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 5, problem: 'TAIL_TRUNCATED' });
    });

    it('an inserted entry (later ones renumbered)', () => {
      tamper(dbPath(), (db) => {
        db.prepare('UPDATE audit_log SET seq = seq + 100 WHERE seq >= 3').run();
        db.prepare('UPDATE audit_log SET seq = seq - 99 WHERE seq >= 103').run();
        const prev = db.prepare('SELECT hash FROM audit_log WHERE seq = 2').pluck().get() as string;
        db.prepare("INSERT INTO audit_log VALUES (3, '2026-01-01T00:00:00.000Z', 'eve', 'x.y', '', '{}', ?, 'forged')").run(prev);
      });
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 3 });
    });

    it('two entries swapped', () => {
      tamper(dbPath(), (db) => {
        db.prepare('UPDATE audit_log SET seq = 1000 WHERE seq = 4').run();
        db.prepare('UPDATE audit_log SET seq = 4 WHERE seq = 5').run();
        db.prepare('UPDATE audit_log SET seq = 5 WHERE seq = 1000').run();
      });
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: 4 });
    });

    it('a dropped append-only trigger', () => {
      const raw = new Database(dbPath());
      raw.exec('DROP TRIGGER audit_log_no_update');
      raw.close();
      expect(ws.verifyAudit()).toMatchObject({ ok: false, firstBadSeq: null, problem: 'PROTECTION_MISSING' });
    });
  });

  it('two processes appending at once never fork the chain', async () => {
    const writer = join(import.meta.dirname, '../support/append-many.ts');
    const runs = [0, 1].map(
      (n) =>
        new Promise<number>((resolve, reject) => {
          const child = fork(writer, [home.path, `writer-${n}`, '150'], {
            execArgv: ['--import', 'tsx'],
            stdio: 'inherit',
          });
          child.on('error', reject);
          child.on('exit', (code) => resolve(code ?? -1));
        }),
    );
    expect(await Promise.all(runs)).toEqual([0, 0]);
    const status = ws.verifyAudit();
    expect(status).toMatchObject({ ok: true, count: 6 + 300 });
    expect(ws.audit.query({ actor: 'writer-0' }).total).toBe(150);
    expect(ws.audit.query({ actor: 'writer-1' }).total).toBe(150);
  });
});
