import type { Db } from '../database.js';
import { auditHash } from './audit-hash.js';
import { GENESIS_HASH, type AuditEntry, type AuditHead } from './audit-entry.js';
import { AUDIT_PROTECTION_TRIGGERS } from './audit-trigger-names.js';

export type ChainProblem =
  /** an entry's contents no longer match its hash: it was edited */
  | 'ENTRY_ALTERED'
  /** a seq is missing: an entry was deleted */
  | 'ENTRY_MISSING'
  /** seq repeats or runs backwards, or prev_hash does not name the entry before: inserted or reordered */
  | 'CHAIN_BROKEN'
  /** entries after the last one present were deleted (the recorded head is ahead of the log) */
  | 'TAIL_TRUNCATED'
  /** an entry's details are not valid JSON */
  | 'ENTRY_UNREADABLE'
  /** an append-only trigger was dropped */
  | 'PROTECTION_MISSING';

export type ChainStatus =
  | { readonly ok: true; readonly count: number; readonly head: AuditHead | null }
  | {
      readonly ok: false;
      readonly count: number;
      /** the last entry that verified, or null if none did */
      readonly lastGood: AuditHead | null;
      /** the first seq that fails, or null when the failure is not an entry's (a dropped trigger) */
      readonly firstBadSeq: number | null;
      readonly problem: ChainProblem;
      readonly message: string;
    };

interface RawRow {
  seq: number;
  time: string;
  actor: string;
  action: string;
  subject: string;
  details: string;
  prev_hash: string;
  hash: string;
}

/**
 * Walks the whole log from seq 1, recomputing every hash. Reads run in one transaction so
 * a concurrent append cannot make a consistent log look broken.
 */
export function verifyAuditChain(db: Db): ChainStatus {
  return db.transaction(() => walk(db))();
}

function walk(db: Db): ChainStatus {
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let lastGood: AuditHead | null = null;
  let count = 0;
  const fail = (problem: ChainProblem, firstBadSeq: number | null, message: string): ChainStatus => ({
    ok: false,
    count,
    lastGood,
    firstBadSeq,
    problem,
    message,
  });

  const rows = db.prepare('SELECT * FROM audit_log ORDER BY rowid').iterate() as IterableIterator<RawRow>;
  for (const row of rows) {
    count++;
    if (row.seq !== expectedSeq) {
      if (row.seq > expectedSeq) {
        return fail('ENTRY_MISSING', expectedSeq, `entry ${expectedSeq} is missing: the log jumps from ${expectedSeq - 1} to ${row.seq}`);
      }
      return fail('CHAIN_BROKEN', row.seq, `entry ${row.seq} is out of order (expected ${expectedSeq})`);
    }
    let details: AuditEntry['details'];
    try {
      details = JSON.parse(row.details) as AuditEntry['details'];
    } catch {
      return fail('ENTRY_UNREADABLE', row.seq, `entry ${row.seq} has details that are not valid JSON`);
    }
    if (row.prev_hash !== prevHash) {
      return fail('CHAIN_BROKEN', row.seq, `entry ${row.seq} does not link to entry ${row.seq - 1}: its previous hash differs`);
    }
    let recomputed: string;
    try {
      recomputed = auditHash({
        seq: row.seq,
        time: row.time,
        actor: row.actor,
        action: row.action,
        subject: row.subject,
        details,
        prevHash: row.prev_hash,
      });
    } catch {
      return fail('ENTRY_UNREADABLE', row.seq, `entry ${row.seq} has details that cannot be hashed`);
    }
    if (recomputed !== row.hash) {
      return fail('ENTRY_ALTERED', row.seq, `entry ${row.seq} was altered: its contents no longer match its hash`);
    }
    lastGood = { seq: row.seq, hash: row.hash };
    prevHash = row.hash;
    expectedSeq++;
  }

  const recorded = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as AuditHead | undefined;
  if (recorded && (recorded.seq > (lastGood?.seq ?? 0))) {
    return fail(
      'TAIL_TRUNCATED',
      (lastGood?.seq ?? 0) + 1,
      `entries ${(lastGood?.seq ?? 0) + 1} to ${recorded.seq} were deleted from the end of the log`,
    );
  }
  if (recorded && lastGood && recorded.seq === lastGood.seq && recorded.hash !== lastGood.hash) {
    return fail('ENTRY_ALTERED', lastGood.seq, `entry ${lastGood.seq} differs from the recorded chain head`);
  }

  const present = new Set(
    db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[],
  );
  const missing = AUDIT_PROTECTION_TRIGGERS.filter((t) => !present.has(t));
  if (missing.length > 0) {
    return fail('PROTECTION_MISSING', null, `the audit log's append-only protection was removed (missing: ${missing.join(', ')})`);
  }
  return { ok: true, count, head: lastGood };
}
