import type { PoolClient } from 'pg';
import type { AuditEntry, AuditEvent, AuditHead } from '../audit/audit-entry.js';
import { validateEvent } from '../audit/audit-log.js';
import type { ChainStatus } from '../audit/audit-verify.js';
import { AuditChainWalk } from '../audit/audit-chain-walk.js';
import { chainedEntry, entryColumns, type AuditRow } from '../audit/audit-row.js';
import { PG_AUDIT_PROTECTION_TRIGGERS } from './migrations/index.js';

/**
 * Appends one entry inside the caller's transaction. The head row is locked first
 * (FOR UPDATE), so concurrent appenders from any number of machines queue on it and each
 * extends the head the previous one committed: the chain cannot fork. The hash is the
 * workspace log's (`chainedEntry`: auditHash, hallmark-audit-v1), byte for byte.
 */
export async function appendAuditIn(client: PoolClient, event: AuditEvent, now: Date = new Date()): Promise<AuditEntry> {
  validateEvent(event);
  const head = (await client.query<{ seq: number; hash: string }>('SELECT seq, hash FROM inventory_audit_head WHERE id = 1 FOR UPDATE')).rows[0];
  if (!head) throw Object.assign(new Error('the inventory audit head row is missing'), { code: 'HM001' });
  const entry = chainedEntry(head, event, now);
  await client.query(
    'INSERT INTO inventory_audit_log (seq, time, actor, action, subject, details, prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)',
    entryColumns(entry),
  );
  return entry;
}

const PAGE = 10_000;

/**
 * The workspace verifier's walk (audit-verify.ts) over the PostgreSQL log: every hash
 * recomputed from seq 1, the recorded head compared, the protection triggers required
 * present and enabled. Runs in one REPEATABLE READ, read-only transaction (one snapshot,
 * so concurrent appends cannot make a sound log look broken), paging by seq.
 */
export async function verifyPgAuditChain(client: PoolClient): Promise<ChainStatus> {
  await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const status = await walk(client);
    await client.query('COMMIT');
    return status;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

async function walk(client: PoolClient): Promise<ChainStatus> {
  const walk = new AuditChainWalk();
  let after = 0;
  for (;;) {
    const rows = (await client.query<AuditRow>('SELECT * FROM inventory_audit_log WHERE seq > $1 ORDER BY seq LIMIT $2', [after, PAGE])).rows;
    if (rows.length === 0) break;
    for (const row of rows) {
      const failed = walk.row(row);
      if (failed) return failed;
    }
    after = rows[rows.length - 1]!.seq;
  }

  const recorded = (await client.query<AuditHead>('SELECT seq, hash FROM inventory_audit_head WHERE id = 1')).rows[0];
  if (!recorded) return walk.fail('PROTECTION_MISSING', null, 'the audit head row was removed');
  const headFailed = walk.head(recorded);
  if (headFailed) return headFailed;
  const last = walk.lastVerified;
  // Without SQLite's head trigger, rows appended around the head are caught here.
  if (last && recorded.seq < last.seq)
    return walk.fail('CHAIN_BROKEN', recorded.seq + 1, `entries after ${recorded.seq} were added without moving the recorded head`);

  const present = new Set(
    (
      await client.query<{ tgname: string }>(
        `SELECT t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
          WHERE c.relname IN ('inventory_audit_log', 'inventory_audit_head') AND c.relnamespace = current_schema()::regnamespace
            AND NOT t.tgisinternal AND t.tgenabled IN ('O', 'A')`,
      )
    ).rows.map((r) => r.tgname),
  );
  return (
    walk.protection(
      PG_AUDIT_PROTECTION_TRIGGERS.filter((t) => !present.has(t)),
      'removed or disabled',
    ) ?? walk.done()
  );
}
