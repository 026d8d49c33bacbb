import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { canonicalJson } from '../main/encoding/canonical-json.js';
import type { AuditEvent } from '../main/store/audit/audit-entry.js';
import { Workspace } from '../main/store/workspace.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';

/**
 * The hash-chained audit log against bare SQLite doing the same I/O.
 * Every database here uses the workspace's pragmas (WAL, synchronous=FULL), so the
 * baselines pay the same fsync per commit and the ratios isolate what the audit log adds:
 * validation, canonical JSON, SHA-256, the head lookup and the append-only triggers.
 */

const ACTOR = 'station-1';
/** appends per run() for the one-transaction-per-entry cases */
const PER_ENTRY_OPS = 200;
const BATCH_OPS = 1000;
const HASH_PLACEHOLDER = 'ab'.repeat(32);
const VERIFY_ROWS = 100_000;
const QUERY_OFFSET = 90_000;
const QUERY_LIMIT = 200;

let counter = 0;
function event(i = counter++): AuditEvent {
  // Mostly issuances, like a factory run; ~5% other actions so filters have something to skip.
  const action = i % 20 === 19 ? (i % 40 === 39 ? 'batch.closed' : 'device.rejected') : 'certificate.issued';
  const serial = (0x1000_0000_0000 + i).toString(16);
  return {
    actor: ACTOR,
    action,
    subject: `serial:${serial}`,
    details: { batch: `B-${String(Math.floor(i / 1000)).padStart(5, '0')}`, profile: 'idevid', serial, deviceId: `DEV-${i}` },
  };
}

function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `hallmark-bench-${label}-`));
}

function openWorkspace(label: string): { ws: Workspace; dir: string } {
  const dir = tempDir(label);
  return { ws: Workspace.init(dir, 'bench').workspace, dir };
}

function closeWorkspace(w: { ws: Workspace; dir: string } | undefined): void {
  if (!w) return;
  w.ws.close();
  rmSync(w.dir, { recursive: true, force: true });
}

/** A workspace whose log holds VERIFY_ROWS entries (the `workspace.created` one included). */
const bigWorkspace = sharedFixture(() => {
  const w = openWorkspace('100k');
  const have = w.ws.audit.head()?.seq ?? 0;
  const chunk = 5000;
  for (let done = have; done < VERIFY_ROWS; done += chunk) {
    const n = Math.min(chunk, VERIFY_ROWS - done);
    w.ws.transact(() => {
      for (let i = 0; i < n; i++) w.ws.audit.append(event(done + i));
    });
  }
  w.ws.db.pragma('wal_checkpoint(TRUNCATE)');
  return w;
}, closeWorkspace);

// ── audit-append ────────────────────────────────────────────────────────────────────

interface Bare {
  readonly db: Database.Database;
  readonly dir: string;
  /** one row, one IMMEDIATE transaction */
  readonly insertOne: (e: AuditEvent) => void;
  /** all rows in one IMMEDIATE transaction */
  readonly insertMany: (es: readonly AuditEvent[]) => void;
}

/** A bare table with the audit_log columns and the workspace's pragmas, nothing else. */
function openBare(label: string): Bare {
  const dir = tempDir(label);
  const db = new Database(join(dir, 'bare.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE audit_log (
    seq INTEGER PRIMARY KEY, time TEXT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
    subject TEXT NOT NULL, details TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL
  ) STRICT`);
  const insert = db.prepare('INSERT INTO audit_log (seq, time, actor, action, subject, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  // seq NULL: INTEGER PRIMARY KEY assigns the next rowid, as a bare log would.
  const put = (e: AuditEvent): void => {
    insert.run(null, new Date().toISOString(), e.actor, e.action, e.subject, canonicalJson(e.details ?? {}), HASH_PLACEHOLDER, HASH_PLACEHOLDER);
  };
  const one = db.transaction(put);
  const many = db.transaction((es: readonly AuditEvent[]) => {
    for (const e of es) put(e);
  });
  return { db, dir, insertOne: (e) => one.immediate(e), insertMany: (es) => many.immediate(es) };
}

function closeBare(b: Bare | undefined): void {
  if (!b) return;
  b.db.close();
  rmSync(b.dir, { recursive: true, force: true });
}

let bare: Bare | undefined;
let bareBatch: Bare | undefined;
let appendWs: { ws: Workspace; dir: string } | undefined;
let batchWs: { ws: Workspace; dir: string } | undefined;

// ── audit-verify / audit-query ──────────────────────────────────────────────────────

let big: Workspace | undefined;
const useBig = async (): Promise<void> => {
  big = (await bigWorkspace()).ws;
};
const bigWs = (): Workspace => {
  if (!big) throw new Error('the 100k-entry workspace was not set up');
  return big;
};

export default defineBenchmarks([
  {
    group: 'audit-append',
    name: 'sqlite INSERT, 1 tx/row (baseline)',
    baseline: true,
    description: 'plain INSERT of an equivalent row (no hashing, no triggers, no indexes) into a bare STRICT table, one IMMEDIATE transaction per row',
    opsPerRun: PER_ENTRY_OPS,
    iterations: 50,
    setup() {
      bare = openBare('bare');
    },
    run() {
      const { insertOne } = bare!;
      for (let i = 0; i < PER_ENTRY_OPS; i++) insertOne(event());
    },
    teardown() {
      closeBare(bare);
      bare = undefined;
    },
  },
  {
    group: 'audit-append',
    name: `sqlite INSERT ×${BATCH_OPS} in 1 tx`,
    description: `the baseline's plain INSERT, ${BATCH_OPS} rows in one IMMEDIATE transaction: the bare-SQLite counterpart of the batched append`,
    opsPerRun: BATCH_OPS,
    iterations: 30,
    setup() {
      bareBatch = openBare('bare-batch');
    },
    run() {
      const { insertMany } = bareBatch!;
      const events: AuditEvent[] = [];
      for (let i = 0; i < BATCH_OPS; i++) events.push(event());
      insertMany(events);
    },
    teardown() {
      closeBare(bareBatch);
      bareBatch = undefined;
    },
  },
  {
    group: 'audit-append',
    name: 'audit.append, 1 tx/entry',
    description: 'workspace.audit.append() outside a transaction: each entry in its own IMMEDIATE transaction',
    opsPerRun: PER_ENTRY_OPS,
    iterations: 50,
    setup() {
      appendWs = openWorkspace('append');
    },
    run() {
      const { ws } = appendWs!;
      for (let i = 0; i < PER_ENTRY_OPS; i++) ws.audit.append(event());
    },
    teardown() {
      closeWorkspace(appendWs);
      appendWs = undefined;
    },
  },
  {
    group: 'audit-append',
    name: `audit.append ×${BATCH_OPS} in 1 transact()`,
    description: `${BATCH_OPS} appends inside one workspace.transact(): one commit (one fsync) per batch`,
    opsPerRun: BATCH_OPS,
    iterations: 30,
    setup() {
      batchWs = openWorkspace('batch');
    },
    run() {
      const { ws } = batchWs!;
      ws.transact(() => {
        for (let i = 0; i < BATCH_OPS; i++) ws.audit.append(event());
      });
    },
    teardown() {
      closeWorkspace(batchWs);
      batchWs = undefined;
    },
  },

  {
    group: 'audit-verify',
    name: 'SELECT * iterate 100k rows (baseline)',
    baseline: true,
    description: `SELECT * FROM audit_log, iterating all ${VERIFY_ROWS.toLocaleString('en-US')} rows of the same workspace without checking anything`,
    opsPerRun: VERIFY_ROWS,
    warmup: 2,
    iterations: 15,
    setup: useBig,
    run() {
      let n = 0;
      for (const row of bigWs().db.prepare('SELECT * FROM audit_log').iterate() as IterableIterator<{ hash: string }>) {
        if (row.hash.length === 64) n++;
      }
      if (n !== VERIFY_ROWS) throw new Error(`expected ${VERIFY_ROWS} rows, read ${n}`);
    },
  },
  {
    group: 'audit-verify',
    name: 'workspace.verifyAudit() 100k',
    description: `verifyAuditChain over ${VERIFY_ROWS.toLocaleString('en-US')} entries: JSON.parse, canonical JSON and SHA-256 per entry, link and head checks`,
    opsPerRun: VERIFY_ROWS,
    warmup: 1,
    iterations: 8,
    setup: useBig,
    run() {
      const status = bigWs().verifyAudit();
      if (!status.ok || status.count !== VERIFY_ROWS) throw new Error(`verify failed: ${JSON.stringify(status)}`);
    },
  },

  {
    group: 'audit-query',
    name: `SELECT … LIMIT ${QUERY_LIMIT} offset 0 (baseline)`,
    baseline: true,
    description: `SELECT * FROM audit_log ORDER BY seq LIMIT ${QUERY_LIMIT} OFFSET 0 on the 100k log, prepared per call as audit.query does, rows not mapped`,
    iterations: 300,
    maxTimeMs: 3000,
    setup: useBig,
    run() {
      const rows = bigWs().db.prepare(`SELECT * FROM audit_log ORDER BY seq LIMIT ? OFFSET 0`).all(QUERY_LIMIT);
      if (rows.length !== QUERY_LIMIT) throw new Error('short page');
    },
  },
  {
    group: 'audit-query',
    name: `audit.query offset ${QUERY_OFFSET} limit ${QUERY_LIMIT}`,
    description: `audit.query({ offset: ${QUERY_OFFSET}, limit: ${QUERY_LIMIT} }): COUNT(*) plus an OFFSET scan, rows mapped to entries`,
    iterations: 100,
    maxTimeMs: 3000,
    setup: useBig,
    run() {
      const page = bigWs().audit.query({ offset: QUERY_OFFSET, limit: QUERY_LIMIT });
      if (page.entries.length !== QUERY_LIMIT) throw new Error('short page');
    },
  },
  {
    group: 'audit-query',
    name: `audit.query action filter, offset ${QUERY_OFFSET}`,
    description: `audit.query({ action: 'certificate.issued', offset: ${QUERY_OFFSET}, limit: ${QUERY_LIMIT} }) — 95% of rows match; uses audit_log_by_action`,
    iterations: 100,
    maxTimeMs: 3000,
    setup: useBig,
    run() {
      const page = bigWs().audit.query({ action: 'certificate.issued', offset: QUERY_OFFSET, limit: QUERY_LIMIT });
      if (page.entries.length !== QUERY_LIMIT) throw new Error('short page');
    },
  },
  {
    group: 'audit-query',
    name: `audit.query sinceSeq ${QUERY_OFFSET} limit ${QUERY_LIMIT}`,
    description: `audit.query({ sinceSeq: ${QUERY_OFFSET}, limit: ${QUERY_LIMIT} }): the same page reached by keyset (seq > ?) instead of OFFSET; reference, not a baseline`,
    iterations: 300,
    maxTimeMs: 3000,
    setup: useBig,
    run() {
      const page = bigWs().audit.query({ sinceSeq: QUERY_OFFSET, limit: QUERY_LIMIT });
      if (page.entries.length !== QUERY_LIMIT) throw new Error('short page');
    },
  },
]);
