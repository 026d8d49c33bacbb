import { InventoryDbError } from './postgres/pg-errors.js';
import { PgInventoryStore, redactUrl } from './postgres/pg-inventory-store.js';
import type { InventoryStore } from './inventory-store.js';

/** The configured inventory database: `--db`, else HALLMARK_INVENTORY_DB; undefined means the workspace's SQLite. */
export function inventoryDbUrl(flag: string | undefined, env: NodeJS.ProcessEnv): string | undefined {
  const url = flag ?? env.HALLMARK_INVENTORY_DB;
  return url === undefined || url.trim() === '' ? undefined : url.trim();
}

/**
 * Opens the inventory a URL names. Today: `postgres://` / `postgresql://` (node-postgres
 * connection strings, Unix sockets included: `postgres:///hallmark?host=/run/postgresql`).
 */
export async function openInventoryStore(url: string, opts: { actor: string }): Promise<InventoryStore> {
  if (/^postgres(ql)?:\/\//i.test(url)) return PgInventoryStore.open(url, { actor: opts.actor });
  throw new InventoryDbError(
    'INVENTORY_DB_URL_INVALID',
    `--db / HALLMARK_INVENTORY_DB must be a postgres:// URL, got "${redactUrl(url)}" (leave it unset for the workspace's own database)`,
    'input',
  );
}
