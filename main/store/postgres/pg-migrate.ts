import type { PoolClient } from 'pg';
import { appendAuditIn } from './pg-audit.js';
import { InventoryDbError } from './pg-errors.js';
import { PG_LATEST_SCHEMA_VERSION, PG_MIGRATIONS } from './migrations/index.js';

/**
 * Brings the database to this Hallmark's schema in one transaction, under an advisory lock
 * (two machines starting at once apply each migration once). A database whose
 * schema_version is newer than this Hallmark knows is refused and left untouched, as is
 * one with inventory tables but no schema_version. Each migration applied is recorded in
 * schema_version and, from the first one on, in the audit log.
 */
export async function migratePg(c: PoolClient, actor: string, location: string): Promise<number> {
  await c.query('BEGIN');
  try {
    await c.query("SELECT pg_advisory_xact_lock(hashtextextended('hallmark-inventory-migrate', 0))");
    const exists = (
      await c.query<{ t: string | null; d: string | null }>("SELECT to_regclass('schema_version')::text AS t, to_regclass('inventory_devices')::text AS d")
    ).rows[0]!;
    let current = 0;
    if (exists.t !== null) {
      current = (await c.query<{ v: number | null }>('SELECT MAX(version) AS v FROM schema_version')).rows[0]!.v ?? 0;
    } else if (exists.d !== null) {
      throw new InventoryDbError(
        'INVENTORY_DB_NOT_HALLMARK',
        `${location} has an inventory_devices table but no Hallmark schema_version; refusing to touch it`,
      );
    }
    if (current > PG_LATEST_SCHEMA_VERSION) {
      throw new InventoryDbError(
        'INVENTORY_DB_SCHEMA_NEWER',
        `${location} has inventory schema version ${current}, newer than this Hallmark's ${PG_LATEST_SCHEMA_VERSION}; upgrade Hallmark (the database was not changed)`,
        'environment',
        { found: current, supported: PG_LATEST_SCHEMA_VERSION },
      );
    }
    if (current === PG_LATEST_SCHEMA_VERSION) {
      await c.query('COMMIT');
      return current;
    }
    if (exists.t === null) {
      await c.query(`CREATE TABLE schema_version (
        version    integer PRIMARY KEY,
        name       text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now(),
        applied_by text NOT NULL DEFAULT current_user
      )`);
    }
    for (const m of PG_MIGRATIONS.filter((x) => x.version > current)) {
      await c.query(m.sql);
      await c.query('INSERT INTO schema_version (version, name) VALUES ($1, $2)', [m.version, m.name]);
    }
    const id = (await c.query<{ value: string }>("SELECT value FROM inventory_meta WHERE key = 'inventory_id'")).rows[0]!.value;
    await appendAuditIn(
      c,
      current === 0
        ? { actor, action: 'inventory.created', subject: location, details: { inventoryId: id, schemaVersion: PG_LATEST_SCHEMA_VERSION } }
        : { actor, action: 'inventory.migrated', subject: location, details: { from: current, to: PG_LATEST_SCHEMA_VERSION } },
    );
    await c.query('COMMIT');
    return PG_LATEST_SCHEMA_VERSION;
  } catch (e) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
