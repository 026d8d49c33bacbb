import type { SharedKeyCertificate, SharedPublicKeys } from './inventory-store.js';
import { groupByKey, sharedAcrossDevices } from './shared-public-keys.js';
import { databaseVersion } from './sqlite-inventory-page-index.js';
import type { Workspace } from './workspace.js';

const cache = new WeakMap<Workspace, { version: string; maxKeys: number; result: SharedPublicKeys }>();

/**
 * Public keys on more than one device. The GROUP BY walks the public-key index only (it
 * covers the key and the rowid), then reads the few rows of the keys seen twice; the
 * walk grows with the inventory (measured in PERFORMANCE.md), so the answer is cached
 * until the database changes.
 */
export function sqliteSharedPublicKeys(ws: Workspace, maxKeys: number): SharedPublicKeys {
  return ws.db.transaction(() => {
    const version = databaseVersion(ws);
    const hit = cache.get(ws);
    if (hit && hit.version === version && hit.maxKeys === maxKeys) return hit.result;
    const rows = ws.db
      .prepare(
        `SELECT public_key_sha256 AS publicKeySha256, certificate_sha256 AS certificateSha256, hardware_serial AS hardwareSerial, model, status,
                station_id AS stationId, batch_id AS batchId, manifest_sha256 AS manifestSha256
           FROM inventory_devices
          WHERE public_key_sha256 IN (SELECT public_key_sha256 FROM inventory_devices GROUP BY public_key_sha256 HAVING COUNT(*) > 1)
          ORDER BY id`,
      )
      .all() as SharedKeyCertificate[];
    const result = sharedAcrossDevices(groupByKey(rows), maxKeys);
    cache.set(ws, { version, maxKeys, result });
    return result;
  })();
}
