import type { Statement } from 'better-sqlite3';
import type { Db } from '../database.js';
import { canonicalJson } from '../../encoding/canonical-json.js';
import type { AuditEntry, AuditEvent, AuditHead } from './audit-entry.js';
import { chainedEntry, entryColumns, rowToEntry, type AuditRow } from './audit-row.js';
import { AuditEventError } from './audit-errors.js';

export interface AuditQuery {
  /** rows to skip, in seq order (newest first when `newestFirst`) */
  readonly offset?: number | undefined;
  readonly limit?: number | undefined;
  readonly action?: string | undefined;
  readonly actor?: string | undefined;
  /** only entries with seq greater than this */
  readonly sinceSeq?: number | undefined;
  readonly newestFirst?: boolean | undefined;
}

export interface AuditPage {
  readonly total: number;
  readonly entries: AuditEntry[];
}

export type AuditListener = (entry: AuditEntry) => void;

const ACTION_PATTERN = /^[a-z][a-z0-9-]*(\.[a-z][a-z0-9-]*)+$/;
const MAX_DETAILS_BYTES = 64 * 1024;

/**
 * The append-only, hash-chained audit log. Callers append inside the same transaction
 * as the state change they record (see Workspace.transact), so a change and its entry
 * commit together or not at all.
 */
export class AuditLog {
  private readonly listeners = new Set<AuditListener>();
  private pending: AuditEntry[] = [];
  private statements: { insert: Statement; selectHead: Statement } | undefined;

  constructor(
    private readonly db: Db,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** Prepared on first use: the tables may not exist until the workspace's migrations ran. */
  private get sql() {
    this.statements ??= {
      insert: this.db.prepare('INSERT INTO audit_log (seq, time, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
      selectHead: this.db.prepare('SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1'),
    };
    return this.statements;
  }

  /**
   * Appends one entry. Outside a transaction it opens its own IMMEDIATE one, so two
   * processes appending at once serialize instead of forking the chain.
   */
  append(event: AuditEvent): AuditEntry {
    validateEvent(event);
    if (this.db.inTransaction) {
      const entry = this.appendInTransaction(event);
      this.pending.push(entry);
      return entry;
    }
    const entry = this.db.transaction(() => this.appendInTransaction(event)).immediate();
    this.notify([entry]);
    return entry;
  }

  /** Called by Workspace.transact after commit (deliver) or rollback (discard). */
  settlePending(committed: boolean): void {
    const entries = this.pending;
    this.pending = [];
    if (committed) this.notify(entries);
  }

  head(): AuditHead | null {
    const row = this.sql.selectHead.get() as { seq: number; hash: string } | undefined;
    return row ? { seq: row.seq, hash: row.hash } : null;
  }

  query(q: AuditQuery = {}): AuditPage {
    const where: string[] = [];
    const params: (string | number)[] = [];
    if (q.action !== undefined) {
      where.push('action = ?');
      params.push(q.action);
    }
    if (q.actor !== undefined) {
      where.push('actor = ?');
      params.push(q.actor);
    }
    if (q.sinceSeq !== undefined) {
      where.push('seq > ?');
      params.push(q.sinceSeq);
    }
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    const total = (this.db.prepare(`SELECT COUNT(*) AS n FROM audit_log ${clause}`).get(...params) as { n: number }).n;
    const order = q.newestFirst ? 'DESC' : 'ASC';
    const limit = q.limit ?? -1;
    const rows = this.db.prepare(`SELECT * FROM audit_log ${clause} ORDER BY seq ${order} LIMIT ? OFFSET ?`).all(...params, limit, q.offset ?? 0) as AuditRow[];
    return { total, entries: rows.map(rowToEntry) };
  }

  facets(): { actions: string[]; actors: string[] } {
    const actions = this.db.prepare('SELECT DISTINCT action FROM audit_log ORDER BY action').pluck().all() as string[];
    const actors = this.db.prepare('SELECT DISTINCT actor FROM audit_log ORDER BY actor').pluck().all() as string[];
    return { actions, actors };
  }

  onAppend(listener: AuditListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private appendInTransaction(event: AuditEvent): AuditEntry {
    const entry = chainedEntry(this.head(), event, this.clock());
    this.sql.insert.run(...entryColumns(entry));
    return entry;
  }

  private notify(entries: AuditEntry[]): void {
    for (const entry of entries) {
      for (const listener of this.listeners) {
        try {
          listener(entry);
        } catch {
          // A broken listener (a closed window, say) must not undo or hide a committed entry.
        }
      }
    }
  }
}

/** The checks every appended event passes (shared with the PostgreSQL inventory's log). */
export function validateEvent(event: AuditEvent): void {
  if (typeof event.actor !== 'string' || event.actor.trim() === '' || event.actor.length > 200) {
    throw new AuditEventError('audit actor must be a non-empty name of at most 200 characters');
  }
  if (typeof event.action !== 'string' || !ACTION_PATTERN.test(event.action) || event.action.length > 100) {
    throw new AuditEventError(`audit action "${String(event.action)}" must be dotted lower-case words, e.g. "workspace.created"`);
  }
  if (typeof event.subject !== 'string' || event.subject.length > 500) {
    throw new AuditEventError('audit subject must be a string of at most 500 characters');
  }
  if (event.details !== undefined) {
    if (typeof event.details !== 'object' || event.details === null || Array.isArray(event.details)) {
      throw new AuditEventError('audit details must be a JSON object');
    }
    let encoded: string;
    try {
      encoded = canonicalJson(event.details);
    } catch (e) {
      throw new AuditEventError(`audit details are not plain JSON: ${(e as Error).message}`);
    }
    if (Buffer.byteLength(encoded) > MAX_DETAILS_BYTES) {
      throw new AuditEventError(`audit details exceed ${MAX_DETAILS_BYTES} bytes`);
    }
  }
}
