import type { InventoryStatus } from './inventory-repository.js';
import type { InventoryPageQuery, InventoryPageRow } from './inventory-store.js';
import type { Workspace } from './workspace.js';
import { databaseVersion, pageIndex, seek } from './sqlite-inventory-page-index.js';
import { inventoryStats } from './sqlite-inventory-stats.js';

export type { InventoryPageQuery };

const ROW_COLUMNS = 'id, hardware_serial, model, status, certificate_serial, certificate_sha256, batch_id, issued_at';

/**
 * Offset pages with a total, newest import first, for the virtual table. The
 * repository's search pages by id (keyset) for the CLI; a scrollbar needs random access
 * and a count, so this maps the offset to an id range first (inventory-page-index.ts:
 * a checkpoint every 1,000 matches, cached per filter until the database changes) and
 * then reads at most 1,000 + limit index entries — a page at row 999,000 costs about
 * what the first page costs, where `LIMIT … OFFSET 999000` walked every row before it.
 * Newest first also means rows imported during a view land on top, which the renderer's
 * page cache (shared with the audit log) already accounts for as drift. Filters mirror
 * InventoryRepository's search, including demoting status when a more selective key is
 * given.
 */
export function inventoryPage(ws: Workspace, q: InventoryPageQuery): { total: number; rows: InventoryPageRow[] } {
  const { clause, args } = filterClause(q);
  return ws.db.transaction(() => {
    // One read transaction: the version, the index, the total and the page see the same snapshot.
    const index = pageIndex(ws, clause, args, databaseVersion(ws));
    if (q.offset >= index.total) return { total: index.total, rows: [] };
    const { maxId, skip } = seek(index, q.offset);
    const rows = ws.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM inventory_devices ${clause ? `${clause} AND` : 'WHERE'} id <= ? ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, maxId, q.limit, skip) as PageRow[];
    return { total: index.total, rows: rows.map(toView) };
  })();
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

function toView(r: PageRow): InventoryPageRow {
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

/** The WHERE clause (or '') for the filters; exported for the benchmark's OFFSET reference. */
export function filterClause(q: Omit<InventoryPageQuery, 'offset' | 'limit'>): { clause: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    where.push(condition);
    args.push(...values);
  };
  if (q.serial !== undefined) add('hardware_serial = ?', q.serial);
  if (q.fingerprint !== undefined) add('(certificate_sha256 = ? OR public_key_sha256 = ?)', q.fingerprint, q.fingerprint);
  if (q.batch !== undefined) add('batch_id = ?', q.batch);
  if (q.status !== undefined) add(where.length > 0 ? '+status = ?' : 'status = ?', q.status);
  return { clause: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

/**
 * Active certificates per imported manifest now (later manifests may have retired some).
 * From the stats query, which avoids a GROUP BY over every row (~1 s at 1,000,000).
 */
export function activeByManifest(ws: Workspace): Map<string, number> {
  return new Map(inventoryStats(ws).map((b) => [b.manifestSha256, b.confirmed + b.failed]));
}
