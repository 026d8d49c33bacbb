import type { PoolClient } from 'pg';
import type { InventoryStatus } from '../inventory-repository.js';
import type { InventoryPageQuery, InventoryPageRow, ManifestStatusCounts, SharedKeyCertificate, SharedPublicKeys } from '../inventory-store.js';
import { groupByKey, sharedAcrossDevices } from '../shared-public-keys.js';

/**
 * One checkpoint per this many rows: a page skips fewer than this many. Finer than
 * SQLite's 1,000 because PostgreSQL's OFFSET reads the skipped rows from the heap (~1 KB
 * each, DER included), where SQLite walks the index; at 3,000,000 rows 31,000 ids.
 */
const STRIDE = 100;
const MAX_CACHED_FILTERS = 8;

interface Checkpoints {
  readonly version: number;
  readonly total: number;
  /** checkpoints[k]: the id at newest-first position k × STRIDE */
  readonly ids: Float64Array;
}

/**
 * The screen's reads on PostgreSQL: offset pages at constant cost, the chart's counts and
 * the fleet view's shared keys, each in one REPEATABLE READ snapshot. Ids are not dense
 * here (a rolled-back import consumes identity values), so every filter, the unfiltered
 * view included, gets a checkpoint index: the id at every 100th position, found by the
 * server (a window over the filter's index, only the checkpoints sent back). It is built
 * once per database version — the audit head's seq, which every import moves in its own
 * transaction — and a page then reads at most STRIDE + limit rows.
 */
export class PgInventoryReads {
  private readonly indexes = new Map<string, Checkpoints>();
  private stats: { version: number; batches: ManifestStatusCounts[] } | undefined;
  private shared: { version: number; maxKeys: number; result: SharedPublicKeys } | undefined;

  async page(c: PoolClient, q: InventoryPageQuery): Promise<{ total: number; rows: InventoryPageRow[] }> {
    return snapshot(c, async (version) => {
      const { where, args } = pageFilter(q);
      const index = await this.checkpoints(c, where, args, version);
      if (q.offset >= index.total) return { total: index.total, rows: [] };
      const k = Math.floor(q.offset / STRIDE);
      const at = [...args, index.ids[k]!, q.limit, q.offset - k * STRIDE];
      const n = args.length;
      const rows = (
        await c.query<PageRow>(
          `SELECT id, hardware_serial, model, status, certificate_serial, certificate_sha256, batch_id, issued_at FROM inventory_devices
            WHERE ${where ? `${where} AND ` : ''}id <= $${n + 1} ORDER BY id DESC LIMIT $${n + 2} OFFSET $${n + 3}`,
          at,
        )
      ).rows;
      return { total: index.total, rows: rows.map(toPageRow) };
    });
  }

  private async checkpoints(c: PoolClient, where: string, args: unknown[], version: number): Promise<Checkpoints> {
    const key = `${where}\u0000${JSON.stringify(args)}`;
    const hit = this.indexes.get(key);
    this.indexes.delete(key);
    if (hit && hit.version === version) {
      this.indexes.set(key, hit);
      return hit;
    }
    const filter = where ? `WHERE ${where}` : '';
    // One walk of the filter's index gives both: every STRIDE-th id, and the last row's position (the total).
    const rows = (
      await c.query<{ id: number; rn: number; last: boolean }>(
        `SELECT id, rn, last FROM (SELECT id, row_number() OVER w AS rn, lead(id) OVER w IS NULL AS last FROM inventory_devices ${filter} WINDOW w AS (ORDER BY id DESC)) s
          WHERE rn % ${STRIDE} = 1 OR last ORDER BY rn`,
        args,
      )
    ).rows;
    const total = rows.at(-1)?.rn ?? 0;
    const ids = rows.filter((r) => r.rn % STRIDE === 1).map((r) => r.id);
    const built = { version, total, ids: Float64Array.from(ids) };
    this.indexes.set(key, built);
    while (this.indexes.size > MAX_CACHED_FILTERS) this.indexes.delete(this.indexes.keys().next().value!);
    return built;
  }

  /** As the SQLite store's: only the rare statuses are counted (their index holds a few percent of rows), confirmed is what remains of `added`. */
  async statusCounts(c: PoolClient): Promise<ManifestStatusCounts[]> {
    return snapshot(c, async (version) => {
      if (this.stats?.version === version) return this.stats.batches;
      const rare = (
        await c.query<{ sha: string; status: 'failed' | 'superseded' | 'revoked'; n: number }>(
          "SELECT manifest_sha256 AS sha, status, COUNT(*) AS n FROM inventory_devices WHERE status IN ('failed', 'superseded', 'revoked') GROUP BY manifest_sha256, status",
        )
      ).rows;
      const counts = new Map<string, { failed: number; superseded: number; revoked: number }>();
      for (const r of rare) {
        const x = counts.get(r.sha) ?? { failed: 0, superseded: 0, revoked: 0 };
        x[r.status] = r.n;
        counts.set(r.sha, x);
      }
      const manifests = (
        await c.query<{
          sha256: string;
          batch_id: string;
          model: string;
          station_id: string;
          sequence: number;
          added: number;
          signed_at: string | null;
          imported_at: string;
        }>(
          'SELECT sha256, batch_id, model, station_id, sequence, added, signed_at, imported_at FROM inventory_manifests ORDER BY imported_at, station_id, sequence',
        )
      ).rows;
      const batches = manifests.map((m): ManifestStatusCounts => {
        const x = counts.get(m.sha256) ?? { failed: 0, superseded: 0, revoked: 0 };
        return {
          manifestSha256: m.sha256,
          batchId: m.batch_id,
          model: m.model,
          stationId: m.station_id,
          sequence: m.sequence,
          signedAt: m.signed_at,
          importedAt: m.imported_at,
          confirmed: m.added - x.failed - x.superseded - x.revoked,
          ...x,
        };
      });
      this.stats = { version, batches };
      return batches;
    });
  }

  /** Public keys on more than one device: the GROUP BY walks the (public_key_sha256, id) index; cached per version. */
  async sharedPublicKeys(c: PoolClient, maxKeys: number): Promise<SharedPublicKeys> {
    return snapshot(c, async (version) => {
      if (this.shared && this.shared.version === version && this.shared.maxKeys === maxKeys) return this.shared.result;
      const rows = (
        await c.query<SharedKeyCertificate>(
          `SELECT public_key_sha256 AS "publicKeySha256", certificate_sha256 AS "certificateSha256", hardware_serial AS "hardwareSerial", model, status,
                  station_id AS "stationId", batch_id AS "batchId", manifest_sha256 AS "manifestSha256"
             FROM inventory_devices
            WHERE public_key_sha256 IN (SELECT public_key_sha256 FROM inventory_devices GROUP BY public_key_sha256 HAVING COUNT(*) > 1)
            ORDER BY id`,
        )
      ).rows;
      const result = sharedAcrossDevices(groupByKey(rows), maxKeys);
      this.shared = { version, maxKeys, result };
      return result;
    });
  }
}

/** One read-only snapshot; `version` moves with every import (the audit head's seq). */
async function snapshot<T>(c: PoolClient, fn: (version: number) => Promise<T>): Promise<T> {
  await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
  try {
    const version = (await c.query<{ seq: number }>('SELECT seq FROM inventory_audit_head WHERE id = 1')).rows[0]?.seq ?? 0;
    const out = await fn(version);
    await c.query('COMMIT');
    return out;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

/** The page filters in PostgreSQL's terms; each key's (key, id) index yields its rows in id order. */
function pageFilter(q: Omit<InventoryPageQuery, 'offset' | 'limit'>): { where: string; args: unknown[] } {
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
  return { where: where.join(' AND '), args };
}

type PageRow = {
  id: number;
  hardware_serial: string;
  model: string;
  status: InventoryStatus;
  certificate_serial: string;
  certificate_sha256: string;
  batch_id: string;
  issued_at: string;
};

function toPageRow(r: PageRow): InventoryPageRow {
  return {
    id: r.id,
    hardwareSerial: r.hardware_serial,
    model: r.model,
    status: r.status,
    certificateSerial: r.certificate_serial,
    certificateSha256: r.certificate_sha256,
    batchId: r.batch_id,
    issuedAt: r.issued_at,
  };
}
