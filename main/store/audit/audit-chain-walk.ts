import { auditHash } from './audit-hash.js';
import { GENESIS_HASH, type AuditEntry, type AuditHead } from './audit-entry.js';
import type { AuditRow } from './audit-row.js';
import type { ChainProblem, ChainStatus } from './audit-verify.js';

/**
 * The verifier's walk over an audit log, one row at a time in seq order, whatever engine
 * holds the rows (the workspace's SQLite, the inventory's PostgreSQL): every hash
 * recomputed, every link followed, then the recorded head and the protection compared.
 * Each step answers null while the chain holds, or the first failure.
 */
export class AuditChainWalk {
  private expectedSeq = 1;
  private prevHash = GENESIS_HASH;
  private lastGood: AuditHead | null = null;
  private count = 0;

  /** `after`: begin past this entry, taken as verified (a checkpoint's incremental check). */
  constructor(after: AuditHead | null = null) {
    if (after) {
      this.expectedSeq = after.seq + 1;
      this.prevHash = after.hash;
      this.lastGood = after;
    }
  }

  fail(problem: ChainProblem, firstBadSeq: number | null, message: string): ChainStatus {
    return { ok: false, count: this.count, lastGood: this.lastGood, firstBadSeq, problem, message };
  }

  row(row: AuditRow): ChainStatus | null {
    this.count++;
    if (row.seq !== this.expectedSeq) {
      if (row.seq > this.expectedSeq) {
        return this.fail('ENTRY_MISSING', this.expectedSeq, `entry ${this.expectedSeq} is missing: the log jumps from ${this.expectedSeq - 1} to ${row.seq}`);
      }
      return this.fail('CHAIN_BROKEN', row.seq, `entry ${row.seq} is out of order (expected ${this.expectedSeq})`);
    }
    let details: AuditEntry['details'];
    try {
      details = JSON.parse(row.details) as AuditEntry['details'];
    } catch {
      return this.fail('ENTRY_UNREADABLE', row.seq, `entry ${row.seq} has details that are not valid JSON`);
    }
    if (row.prev_hash !== this.prevHash) {
      return this.fail('CHAIN_BROKEN', row.seq, `entry ${row.seq} does not link to entry ${row.seq - 1}: its previous hash differs`);
    }
    let recomputed: string;
    try {
      recomputed = auditHash({ seq: row.seq, time: row.time, actor: row.actor, action: row.action, subject: row.subject, details, prevHash: row.prev_hash });
    } catch {
      return this.fail('ENTRY_UNREADABLE', row.seq, `entry ${row.seq} has details that cannot be hashed`);
    }
    if (recomputed !== row.hash) return this.fail('ENTRY_ALTERED', row.seq, `entry ${row.seq} was altered: its contents no longer match its hash`);
    this.lastGood = { seq: row.seq, hash: row.hash };
    this.prevHash = row.hash;
    this.expectedSeq++;
    return null;
  }

  /** The head the log recorded against the last entry that verified. */
  head(recorded: AuditHead): ChainStatus | null {
    const last = this.lastGood;
    if (recorded.seq > (last?.seq ?? 0)) {
      return this.fail('TAIL_TRUNCATED', (last?.seq ?? 0) + 1, `entries ${(last?.seq ?? 0) + 1} to ${recorded.seq} were deleted from the end of the log`);
    }
    if (last && recorded.seq === last.seq && recorded.hash !== last.hash)
      return this.fail('ENTRY_ALTERED', last.seq, `entry ${last.seq} differs from the recorded chain head`);
    return null;
  }

  /** The log's protection triggers that are gone or disabled. */
  protection(missing: readonly string[], how = 'removed'): ChainStatus | null {
    return missing.length > 0
      ? this.fail('PROTECTION_MISSING', null, `the audit log's append-only protection was ${how} (missing: ${missing.join(', ')})`)
      : null;
  }

  get lastVerified(): AuditHead | null {
    return this.lastGood;
  }

  done(): ChainStatus {
    return { ok: true, count: this.count, head: this.lastGood };
  }
}
