import type { ManifestStatusCounts } from './inventory-store.js';
import type { Workspace } from './workspace.js';
import { databaseVersion } from './sqlite-inventory-page-index.js';

const cache = new WeakMap<Workspace, { version: string; batches: ManifestStatusCounts[] }>();

/**
 * Certificates per imported manifest by their status now, oldest import first (the
 * chart's time axis). A GROUP BY over every row costs ~1.2 s at 1,000,000 rows, so only
 * the rare statuses are counted in SQL (their index holds a few percent of the rows) and
 * confirmed is what remains of the rows the manifest added: rows are never deleted and
 * only move between these four statuses, so the sum is exact. Cached until the database
 * changes.
 */
export function inventoryStats(ws: Workspace): ManifestStatusCounts[] {
  return ws.db.transaction(() => {
    const version = databaseVersion(ws);
    const hit = cache.get(ws);
    if (hit && hit.version === version) return hit.batches;
    const rare = ws.db
      .prepare(
        "SELECT manifest_sha256 AS sha, status, COUNT(*) AS n FROM inventory_devices WHERE status IN ('failed', 'superseded', 'revoked') GROUP BY manifest_sha256, status",
      )
      .all() as { sha: string; status: 'failed' | 'superseded' | 'revoked'; n: number }[];
    const counts = new Map<string, { failed: number; superseded: number; revoked: number }>();
    for (const r of rare) {
      const c = counts.get(r.sha) ?? { failed: 0, superseded: 0, revoked: 0 };
      c[r.status] = r.n;
      counts.set(r.sha, c);
    }
    const manifests = ws.db
      .prepare(
        'SELECT sha256, batch_id, model, station_id, sequence, added, signed_at, imported_at FROM inventory_manifests ORDER BY imported_at, station_id, sequence',
      )
      .all() as {
      sha256: string;
      batch_id: string;
      model: string;
      station_id: string;
      sequence: number;
      added: number;
      signed_at: string | null;
      imported_at: string;
    }[];
    const batches = manifests.map((m): ManifestStatusCounts => {
      const c = counts.get(m.sha256) ?? { failed: 0, superseded: 0, revoked: 0 };
      return {
        manifestSha256: m.sha256,
        batchId: m.batch_id,
        model: m.model,
        stationId: m.station_id,
        sequence: m.sequence,
        signedAt: m.signed_at,
        importedAt: m.imported_at,
        confirmed: m.added - c.failed - c.superseded - c.revoked,
        ...c,
      };
    });
    cache.set(ws, { version, batches });
    return batches;
  })();
}

/** Drops the cached stats (the benchmark times a cold load with it). */
export function forgetInventoryStats(ws: Workspace): void {
  cache.delete(ws);
}
