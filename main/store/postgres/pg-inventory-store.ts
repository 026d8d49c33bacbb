import pg, { type PoolClient } from 'pg';
import type { AuditEntry, AuditEvent } from '../audit/audit-entry.js';
import type { ChainStatus } from '../audit/audit-verify.js';
import type { InventoryDeviceRow, InventoryManifestRow, InventorySearch, NewInventoryDevice } from '../inventory-repository.js';
import { MANIFEST_ROW_COLUMNS, manifestRowValues } from '../inventory-repository.js';
import type {
  ImportDecision,
  InventoryPageQuery,
  InventoryPageRow,
  InventoryStore,
  InventoryView,
  ManifestKeys,
  ManifestStatusCounts,
  Retirement,
  SharedPublicKeys,
} from '../inventory-store.js';
import { pgArrayLiteral } from './pg-array-literal.js';
import { PgInventoryReads } from './pg-inventory-reads.js';
import { SCAN_COLUMNS, type InventoryCertificateScanRow } from '../inventory-certificate-scan.js';
import { rowToEntry, type AuditRow } from '../audit/audit-row.js';
import { appendAuditIn, verifyPgAuditChain } from './pg-audit.js';
import { InventoryDbError, isRetryable, pgFailure } from './pg-errors.js';
import type { InventoryRevocations } from '../inventory-revocations.js';
import { PgInventoryRevocations } from './pg-inventory-revocations.js';
import { migratePg } from './pg-migrate.js';

export interface PgStoreOptions {
  /** who the audit log names for a schema migration */
  readonly actor: string;
  /** connections in the pool (default 4) */
  readonly max?: number;
  /** ms to wait for a connection (default 10,000) */
  readonly connectTimeoutMs?: number;
  /** transaction attempts before INVENTORY_DB_CONTENDED (default 8) */
  readonly attempts?: number;
}

/** int8 (counts, ids, seqs) as a JS number: ids stay far below 2^53. Per pool, not pg's global parsers. */
const TYPES = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === 20 ? (v: string) => Number(v) : (pg.types.getTypeParser as (o: number, f?: string) => unknown)(oid, format)) as typeof pg.types.getTypeParser,
};

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

const DEVICE_COLUMNS = [
  ['certificate_sha256', 'text'],
  ['public_key_sha256', 'text'],
  ['certificate_serial', 'text'],
  ['der', 'bytea'],
  ['hardware_serial', 'text'],
  ['model', 'text'],
  ['status', 'text'],
  ['device_state', 'text'],
  ['issued_at', 'text'],
  ['revoked_at', 'text'],
  ['revocation_reason', 'text'],
  ['station_id', 'text'],
  ['batch_id', 'text'],
  ['manifest_sha256', 'text'],
  ['status_manifest_sha256', 'text'],
  ['imported_at', 'text'],
] as const;
const DEVICE_SELECT = `id, ${DEVICE_COLUMNS.map(([c]) => c).join(', ')}`;
const CHUNK = 5_000;

/** A URL fit for messages: the password replaced (also in a `password=` parameter). */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z]+:\/\/[^:@/?]*):[^@/?]*@/i, '$1:***@').replace(/([?&]password=)[^&]*/gi, '$1***');
}

/**
 * The online inventory on PostgreSQL (node-postgres, hand-written SQL).
 *
 * Concurrency: each import is one READ COMMITTED transaction that first takes a
 * transaction-scoped advisory lock on its station, so two imports of one station's
 * manifests (the same manifest from two machines, or a fork) run one after the other and
 * the second sees the first's rows; imports of different stations run in parallel. What
 * could still collide across stations (the same certificate, or a second active
 * certificate for one device) is stopped by the unique indexes: the loser's transaction
 * fails with 23505 and is run again from the start, where its decision now sees the
 * winner's rows (already imported, or a named conflict). The audit append locks the head
 * row last, so the chain stays linear and the heavy work before it stays parallel.
 */
export class PgInventoryStore implements InventoryStore {
  readonly backend = 'postgres' as const;
  private receiver: string | undefined;
  private readonly reads = new PgInventoryReads();

  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
    private readonly attempts: number,
  ) {}

  /** Connects, refuses a newer schema (unchanged) and applies pending migrations. */
  static async open(url: string, opts: PgStoreOptions): Promise<PgInventoryStore> {
    if (!/^postgres(ql)?:\/\//i.test(url)) throw new InventoryDbError('INVENTORY_DB_URL_INVALID', `"${redactUrl(url)}" is not a postgres:// URL`, 'input');
    const location = redactUrl(url);
    const pool = new pg.Pool({
      connectionString: url,
      max: opts.max ?? 4,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? 10_000,
      application_name: 'hallmark-inventory',
      types: TYPES,
    });
    // An idle connection whose server goes away must not crash the process; the next query reports it.
    pool.on('error', () => undefined);
    const store = new PgInventoryStore(pool, location, opts.attempts ?? 8);
    try {
      await store.withClient('connecting', (c) => migratePg(c, opts.actor, location));
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw pgFailure(e, location, 'opening the inventory');
    }
    return store;
  }

  private async withClient<T>(during: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (e) {
      throw pgFailure(e, this.location, during);
    }
    // A checked-out client emits 'error' when its server dies between queries; the query in flight reports it.
    const onError = () => undefined;
    client.on('error', onError);
    let broken = false;
    try {
      return await fn(client);
    } catch (e) {
      broken = !(e instanceof InventoryDbError) && pgFailure(e, this.location, during).code === 'INVENTORY_DB_CONNECTION_LOST';
      throw e;
    } finally {
      client.removeListener('error', onError);
      client.release(broken);
    }
  }

  /** withClient for reads, its failure coded (after the client was released, broken or not). */
  private async read<T>(during: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    try {
      return await this.withClient(during, fn);
    } catch (e) {
      throw pgFailure(e, this.location, during);
    }
  }

  private async query<R extends pg.QueryResultRow>(during: string, sql: string, args: unknown[] = []): Promise<R[]> {
    try {
      return (await this.pool.query<R>(sql, args)).rows;
    } catch (e) {
      throw pgFailure(e, this.location, during);
    }
  }

  async receiverId(): Promise<string> {
    this.receiver ??=
      (await this.query<{ value: string }>('reading the inventory id', "SELECT value FROM inventory_meta WHERE key = 'inventory_id'"))[0]?.value ?? '';
    return this.receiver;
  }

  async importManifest(keys: ManifestKeys, decide: (view: InventoryView) => ImportDecision): Promise<ImportDecision> {
    const during = `importing manifest ${keys.sha256}`;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.withClient(during, (c) => this.importOnce(c, keys, decide));
      } catch (e) {
        if (!isRetryable(e)) throw pgFailure(e, this.location, during);
        if (attempt >= this.attempts)
          throw new InventoryDbError(
            'INVENTORY_DB_CONTENDED',
            `${this.location}: ${during} lost ${attempt} races with concurrent importers; nothing was imported — run it again`,
            'environment',
            { sqlstate: (e as { code?: string }).code },
          );
        await new Promise((r) => setTimeout(r, Math.random() * 20 * attempt));
      }
    }
  }

  private async importOnce(c: PoolClient, keys: ManifestKeys, decide: (view: InventoryView) => ImportDecision): Promise<ImportDecision> {
    await c.query('BEGIN ISOLATION LEVEL READ COMMITTED');
    try {
      await c.query('SELECT pg_advisory_xact_lock(hashtextextended($1, 0))', [`hallmark-inventory-station:${keys.stationId}`]);
      const view = await this.prefetch(c, keys);
      const d = decide(view);
      if (d.kind === 'import') {
        await insertManifest(c, d.manifest);
        await retire(c, d.retirements, d.manifest.sha256);
        await insertDevices(c, d.inserts);
        await appendAuditIn(c, d.audit);
      }
      await c.query('COMMIT');
      return d;
    } catch (e) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw e;
    }
  }

  /**
   * Everything decideImport may ask, fetched in bulk under the station's lock. Each key is
   * a LATERAL … LIMIT 1 probe, which the planner cannot flatten into a hash join: with
   * `= ANY(…)` / a plain join and no fresh statistics it scanned the whole table, and the
   * lookups grew with the inventory (60 ms at 20,000 rows, 1 s at 120,000). Now each
   * costs one index descent, whatever the size.
   */
  private async prefetch(c: PoolClient, keys: ManifestKeys): Promise<InventoryView> {
    const manifests = (
      await c.query<Record<string, unknown>>(
        'SELECT * FROM inventory_manifests WHERE sha256 = $1 OR (station_id = $2 AND sequence BETWEEN $3::int - 1 AND $3::int + 1)',
        [keys.sha256, keys.stationId, keys.sequence],
      )
    ).rows.map((r) => mapRow<InventoryManifestRow>(r));
    const bySha = new Map(manifests.map((m) => [m.sha256, m]));
    const atSeq = new Map(manifests.filter((m) => m.stationId === keys.stationId).map((m) => [m.sequence, m]));

    const byCert = new Map<string, InventoryDeviceRow>();
    const certs = [...new Set(keys.certificates)];
    for (let i = 0; i < certs.length; i += CHUNK) {
      const rows = (
        await c.query<Record<string, unknown>>(
          `SELECT d.* FROM unnest($1::text[]) AS k(sha) CROSS JOIN LATERAL (SELECT ${DEVICE_SELECT} FROM inventory_devices WHERE certificate_sha256 = k.sha LIMIT 1) d`,
          [certs.slice(i, i + CHUNK)],
        )
      ).rows;
      for (const r of rows) byCert.set(r.certificate_sha256 as string, mapRow<InventoryDeviceRow>(r));
    }
    const deviceKey = (model: string, serial: string) => `${model}\u0000${serial}`;
    const active = new Map<string, InventoryDeviceRow>();
    const devices = [...new Map(keys.devices.map((d) => [deviceKey(d.model, d.hardwareSerial), d])).values()];
    for (let i = 0; i < devices.length; i += CHUNK) {
      const part = devices.slice(i, i + CHUNK);
      const rows = (
        await c.query<Record<string, unknown>>(
          `SELECT d.* FROM unnest($1::text[], $2::text[]) AS k(model, serial) CROSS JOIN LATERAL (
             SELECT ${DEVICE_SELECT} FROM inventory_devices WHERE model = k.model AND hardware_serial = k.serial AND status IN ('confirmed', 'failed') LIMIT 1) d`,
          [part.map((d) => d.model), part.map((d) => d.hardwareSerial)],
        )
      ).rows;
      for (const r of rows) active.set(deviceKey(r.model as string, r.hardware_serial as string), mapRow<InventoryDeviceRow>(r));
    }
    const certSet = new Set(certs);
    const deviceSet = new Set(devices.map((d) => deviceKey(d.model, d.hardwareSerial)));
    const outside = (what: string): never => {
      throw new Error(`the import asked about ${what}, which it did not declare in its keys`);
    };
    return {
      manifest: (sha256) => (sha256 === keys.sha256 ? bySha.get(sha256) : outside(`manifest ${sha256}`)),
      manifestAt: (stationId, sequence) =>
        stationId === keys.stationId && Math.abs(sequence - keys.sequence) <= 1 ? atSeq.get(sequence) : outside(`manifest ${sequence} of ${stationId}`),
      byCertificate: (sha256) => (certSet.has(sha256) ? byCert.get(sha256) : outside(`certificate ${sha256}`)),
      activeFor: (model, serial) => (deviceSet.has(deviceKey(model, serial)) ? active.get(deviceKey(model, serial)) : outside(`device ${model}/${serial}`)),
    };
  }

  async manifest(sha256: string): Promise<InventoryManifestRow | undefined> {
    const r = await this.query('reading a manifest', 'SELECT * FROM inventory_manifests WHERE sha256 = $1', [sha256]);
    return r[0] ? mapRow<InventoryManifestRow>(r[0]) : undefined;
  }

  async manifests(): Promise<InventoryManifestRow[]> {
    return (await this.query('listing manifests', 'SELECT * FROM inventory_manifests ORDER BY station_id, sequence')).map((r) =>
      mapRow<InventoryManifestRow>(r),
    );
  }

  async byCertificate(sha256: string): Promise<InventoryDeviceRow | undefined> {
    const r = await this.query('reading a certificate', `SELECT ${DEVICE_SELECT} FROM inventory_devices WHERE certificate_sha256 = $1`, [sha256]);
    return r[0] ? mapRow<InventoryDeviceRow>(r[0]) : undefined;
  }

  async search(q: InventorySearch): Promise<InventoryDeviceRow[]> {
    const { sql, args } = pgSearchSql(q);
    return (await this.query('searching', sql, args)).map((r) => mapRow<InventoryDeviceRow>(r));
  }

  /** PostgreSQL's plan for a search (tests check each key is served by its index). */
  async explainSearch(q: InventorySearch): Promise<string[]> {
    const { sql, args } = pgSearchSql(q);
    return (await this.query<{ 'QUERY PLAN': string }>('explaining a search', `EXPLAIN ${sql}`, args)).map((r) => r['QUERY PLAN']);
  }

  async countDevices(): Promise<number> {
    return (await this.query<{ n: number }>('counting', 'SELECT COUNT(*) AS n FROM inventory_devices'))[0]!.n;
  }

  async page(q: InventoryPageQuery): Promise<{ total: number; rows: InventoryPageRow[] }> {
    return this.read('reading a page', (c) => this.reads.page(c, q));
  }

  async statusCounts(): Promise<ManifestStatusCounts[]> {
    return this.read('counting by status', (c) => this.reads.statusCounts(c));
  }

  async sharedPublicKeys(maxKeys: number): Promise<SharedPublicKeys> {
    return this.read('finding shared public keys', (c) => this.reads.sharedPublicKeys(c, maxKeys));
  }

  async scanCertificates(afterId: number, limit: number): Promise<InventoryCertificateScanRow[]> {
    return this.query<InventoryCertificateScanRow>('reading certificates', `SELECT ${SCAN_COLUMNS} FROM inventory_devices WHERE id > $1 ORDER BY id LIMIT $2`, [
      afterId,
      limit,
    ]);
  }

  async appendAudit(event: AuditEvent): Promise<AuditEntry> {
    return this.withClient('appending to the audit log', async (c) => {
      await c.query('BEGIN');
      try {
        const entry = await appendAuditIn(c, event);
        await c.query('COMMIT');
        return entry;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw pgFailure(e, this.location, 'appending to the audit log');
      }
    });
  }

  async auditEntries(sinceSeq = 0): Promise<AuditEntry[]> {
    return (await this.query<AuditRow>('reading the audit log', 'SELECT * FROM inventory_audit_log WHERE seq > $1 ORDER BY seq', [sinceSeq])).map(rowToEntry);
  }

  async verifyAudit(): Promise<ChainStatus> {
    return this.withClient('verifying the audit log', async (c) => {
      try {
        return await verifyPgAuditChain(c);
      } catch (e) {
        throw pgFailure(e, this.location, 'verifying the audit log');
      }
    });
  }

  /** Field revocation (docs/revocation.md) in this database: migration 002, pg-inventory-revocations.ts. */
  revocations(): InventoryRevocations {
    return new PgInventoryRevocations({
      location: this.location,
      attempts: this.attempts,
      withClient: (during, fn) => this.withClient(during, fn),
      search: (q) => this.search(q),
    });
  }

  async close(): Promise<void> {
    await this.pool.end().catch(() => undefined);
  }
}

async function insertManifest(c: PoolClient, m: InventoryManifestRow): Promise<void> {
  const values = manifestRowValues(m);
  await c.query(`INSERT INTO inventory_manifests (${MANIFEST_ROW_COLUMNS}) VALUES (${values.map((_, i) => `$${i + 1}`).join(', ')})`, values);
}

/** Retires active certificates; a row that is no longer active (a concurrent import retired it) makes the transaction run again. */
async function retire(c: PoolClient, rs: readonly Retirement[], manifestSha256: string): Promise<void> {
  for (let i = 0; i < rs.length; i += CHUNK) {
    const part = rs.slice(i, i + CHUNK);
    const r = await c.query(
      `UPDATE inventory_devices d SET status = r.status, revoked_at = r.revoked_at, revocation_reason = r.reason, status_manifest_sha256 = $5
         FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) AS r(sha256, status, revoked_at, reason)
        WHERE d.certificate_sha256 = r.sha256 AND d.status IN ('confirmed', 'failed')`,
      [part.map((x) => x.certificateSha256), part.map((x) => x.status), part.map((x) => x.revokedAt), part.map((x) => x.reason), manifestSha256],
    );
    if (r.rowCount !== part.length) throw Object.assign(new Error('a certificate to retire is no longer active'), { retry: true });
  }
}

/**
 * Multi-row inserts through unnest, one statement per 5,000 rows and one array per
 * column, pipelined: the next chunk's array literals are built while the server runs the
 * previous statement (node-pg would build them only when sending, with the server idle).
 * Measured against COPY (text and binary, pg-copy-streams) on this machine: no faster —
 * the server's heap, index and WAL work is the cost, not parsing — so no new dependency.
 */
async function insertDevices(c: PoolClient, rows: readonly NewInventoryDevice[]): Promise<void> {
  const cols = DEVICE_COLUMNS.map(([col]) => col);
  const sql = `INSERT INTO inventory_devices (${cols.join(', ')}) SELECT * FROM unnest(${DEVICE_COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})`;
  const field = DEVICE_COLUMNS.map(([col]) => camel(col) as keyof NewInventoryDevice);
  let running: Promise<unknown> | undefined;
  for (let i = 0; i < rows.length; i += CHUNK) {
    const part = rows.slice(i, i + CHUNK);
    const params = field.map((f) => pgArrayLiteral(part.map((r) => r[f] as string | number | Buffer | null)));
    if (running) await running;
    running = c.query(sql, params);
  }
  await running;
}

/** The SQLite store's search, in PostgreSQL's dialect: each key's (key, id) index yields rows already in id order. */
function pgSearchSql(q: InventorySearch): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const p = (v: unknown) => (args.push(v), `$${args.length}`);
  if (q.serial !== undefined) where.push(`hardware_serial = ${p(q.serial)}`);
  if (q.fingerprint !== undefined) {
    const f = p(q.fingerprint);
    where.push(`(certificate_sha256 = ${f} OR public_key_sha256 = ${f})`);
  }
  if (q.batch !== undefined) where.push(`batch_id = ${p(q.batch)}`);
  if (q.status !== undefined) where.push(`status = ${p(q.status)}`);
  if (q.afterId !== undefined) where.push(`id > ${p(q.afterId)}`);
  const limit = p(q.limit);
  return { sql: `SELECT ${DEVICE_SELECT} FROM inventory_devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ${limit}`, args };
}
