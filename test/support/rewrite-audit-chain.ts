import type Database from 'better-sqlite3';
import { auditHash } from '../../main/store/audit/audit-hash.js';
import type { AuditRow } from '../../main/store/audit/audit-row.js';
import { canonicalJson } from '../../main/encoding/canonical-json.js';
import { tamper } from './tamper.js';

/**
 * The attacker who knows the scheme but not the audit key: with the triggers dropped
 * (tamper.ts), changes entry `seq`'s details, recomputes every hash from there on with the
 * project's own audit hash, sets the tracked head, and puts the triggers back. The hash
 * chain then verifies; only a signature the attacker cannot make can tell.
 */
export function rewriteAuditEntry(dbPath: string, seq: number, edit: (details: Record<string, unknown>) => Record<string, unknown>): void {
  tamper(dbPath, (db) => {
    const row = db.prepare('SELECT details FROM audit_log WHERE seq = ?').get(seq) as { details: string };
    db.prepare('UPDATE audit_log SET details = ? WHERE seq = ?').run(canonicalJson(edit(JSON.parse(row.details) as Record<string, unknown>)), seq);
    recomputeFrom(db, seq);
  });
}

/** Rehashes entries from `seq` to the end, each linked to the one before, and moves the head. */
export function recomputeFrom(db: Database.Database, seq: number): void {
  const rows = db.prepare('SELECT * FROM audit_log WHERE seq >= ? ORDER BY seq').all(seq) as AuditRow[];
  let prev =
    seq > 1
      ? (db
          .prepare('SELECT hash FROM audit_log WHERE seq = ?')
          .pluck()
          .get(seq - 1) as string)
      : '0'.repeat(64);
  const update = db.prepare('UPDATE audit_log SET prev_hash = ?, hash = ? WHERE seq = ?');
  for (const r of rows) {
    const hash = auditHash({
      seq: r.seq,
      time: r.time,
      actor: r.actor,
      action: r.action,
      subject: r.subject,
      details: JSON.parse(r.details) as Record<string, never>,
      prevHash: prev,
    });
    update.run(prev, hash, r.seq);
    prev = hash;
  }
  db.prepare('UPDATE audit_head SET seq = (SELECT MAX(seq) FROM audit_log), hash = ? WHERE id = 1').run(prev);
}
