import type { InventoryRowView } from '../../preload/api.js';
import type { InventoryStatus } from '../store/inventory-repository.js';
import type { Workspace } from '../store/workspace.js';

export interface InventoryPageQuery {
  readonly offset: number;
  readonly limit: number;
  readonly serial?: string | undefined;
  readonly fingerprint?: string | undefined;
  readonly batch?: string | undefined;
  readonly status?: InventoryStatus | undefined;
}

const ROW_COLUMNS = 'id, hardware_serial, model, status, certificate_serial, certificate_sha256, batch_id, issued_at';

/**
 * Offset pages with a total, newest import first, for the virtual table. The
 * repository's search pages by id (keyset) for the CLI; a scrollbar needs random access
 * and a count, so this is its own query over the same indexes. Newest first also means
 * rows imported during a view land on top, which the renderer's page cache (shared with
 * the audit log) already accounts for as drift. Filters mirror InventoryRepository's
 * search, including demoting status when a more selective key is given.
 */
export function inventoryPage(ws: Workspace, q: InventoryPageQuery): { total: number; rows: InventoryRowView[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  if (q.serial !== undefined) (where.push('hardware_serial = ?'), args.push(q.serial));
  if (q.fingerprint !== undefined) (where.push('(certificate_sha256 = ? OR public_key_sha256 = ?)'), args.push(q.fingerprint, q.fingerprint));
  if (q.batch !== undefined) (where.push('batch_id = ?'), args.push(q.batch));
  if (q.status !== undefined) (where.push(where.length > 0 ? '+status = ?' : 'status = ?'), args.push(q.status));
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  return ws.db.transaction(() => {
    // One read transaction: the count and the page see the same snapshot.
    const total = ws.db.prepare(`SELECT COUNT(*) FROM inventory_devices ${clause}`).pluck().get(...args) as number;
    const rows = ws.db
      .prepare(`SELECT ${ROW_COLUMNS} FROM inventory_devices ${clause} ORDER BY id DESC LIMIT ? OFFSET ?`)
      .all(...args, q.limit, q.offset) as { id: number; hardware_serial: string; model: string; status: InventoryStatus; certificate_serial: string; certificate_sha256: string; batch_id: string; issued_at: string }[];
    return {
      total,
      rows: rows.map((r) => ({
        id: r.id,
        hardwareSerial: r.hardware_serial,
        model: r.model,
        status: r.status,
        certificateSerial: r.certificate_serial,
        certificateSha256: r.certificate_sha256,
        batchId: r.batch_id,
        issuedAt: r.issued_at,
      })),
    };
  })();
}

/** Active certificates per imported manifest now (later manifests may have retired some). */
export function activeByManifest(ws: Workspace): Map<string, number> {
  const rows = ws.db
    .prepare("SELECT manifest_sha256 AS sha, COUNT(*) AS n FROM inventory_devices WHERE status IN ('confirmed', 'failed') GROUP BY manifest_sha256")
    .all() as { sha: string; n: number }[];
  return new Map(rows.map((r) => [r.sha, r.n]));
}
