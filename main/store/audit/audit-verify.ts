import type { Db } from '../database.js';
import { AuditChainWalk } from './audit-chain-walk.js';
import type { AuditRow } from './audit-row.js';
import type { AuditHead } from './audit-entry.js';
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

/**
 * Walks the whole log from seq 1, recomputing every hash. Reads run in one transaction so
 * a concurrent append cannot make a consistent log look broken.
 */
export function verifyAuditChain(db: Db, options: ChainWalkOptions = {}): ChainStatus {
  return db.transaction(() => walk(db, options))();
}

export interface ChainWalkOptions {
  /** begin past this entry, as stored (it is taken as verified): a checkpoint's incremental check */
  readonly after?: AuditHead;
  /** sees every row that verified, in order (the checkpoint check rides on the same walk) */
  readonly onRow?: (row: AuditRow) => void;
}

function walk(db: Db, options: ChainWalkOptions): ChainStatus {
  const walk = new AuditChainWalk(options.after ?? null);
  // The whole walk takes every row, so even a seq below 1 is seen and refused.
  const rows = (
    options.after
      ? db.prepare('SELECT * FROM audit_log WHERE seq > ? ORDER BY rowid').iterate(options.after.seq)
      : db.prepare('SELECT * FROM audit_log ORDER BY rowid').iterate()
  ) as IterableIterator<AuditRow>;
  for (const row of rows) {
    const failed = walk.row(row);
    if (failed) return failed;
    options.onRow?.(row);
  }
  const recorded = db.prepare('SELECT seq, hash FROM audit_head WHERE id = 1').get() as AuditHead | undefined;
  const headFailed = recorded ? walk.head(recorded) : null;
  if (headFailed) return headFailed;
  const present = new Set(db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger'").pluck().all() as string[]);
  return walk.protection(AUDIT_PROTECTION_TRIGGERS.filter((t) => !present.has(t))) ?? walk.done();
}
