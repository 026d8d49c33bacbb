import { canonicalJson } from '../../encoding/canonical-json.js';
import { auditHash } from './audit-hash.js';
import { GENESIS_HASH, type AuditEntry, type AuditEvent, type AuditHead } from './audit-entry.js';

/** An audit row as both engines store it (details as canonical JSON text). */
export interface AuditRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

export function rowToEntry(row: AuditRow): AuditEntry {
  return {
    seq: row.seq,
    time: row.time,
    actor: row.actor,
    action: row.action,
    subject: row.subject,
    details: JSON.parse(row.details) as AuditEntry['details'],
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The entry that extends `head` (null: the log is empty) with `event`, hashed: the same for every engine. */
export function chainedEntry(head: AuditHead | null, event: AuditEvent, time: Date): AuditEntry {
  const unsigned = {
    seq: (head?.seq ?? 0) + 1,
    time: time.toISOString(),
    actor: event.actor,
    action: event.action,
    subject: event.subject,
    details: event.details ?? {},
    prevHash: head?.hash ?? GENESIS_HASH,
  };
  return { ...unsigned, hash: auditHash(unsigned) };
}

/** The values of `INSERT … (seq, time, actor, action, subject, details, prev_hash, hash)`, in that order. */
export function entryColumns(entry: AuditEntry): [number, string, string, string, string, string, string, string] {
  return [entry.seq, entry.time, entry.actor, entry.action, entry.subject, canonicalJson(entry.details), entry.prevHash, entry.hash];
}
