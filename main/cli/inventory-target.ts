import type { InventoryStore } from '../store/inventory-store.js';
import { INVENTORY_DB_ENV } from '../store/inventory-db-setting.js';
import { inventoryDbUrl, openInventoryStore } from '../store/open-inventory-store.js';
import { SettingsRepository } from '../store/settings-repository.js';
import { SqliteInventoryStore } from '../store/sqlite-inventory-store.js';
import type { Workspace } from '../store/workspace.js';
import type { CliContext } from './cli-context.js';

/** The `--db` option every inventory command takes. */
export const INVENTORY_DB_OPTION = [
  '--db <url>',
  `the inventory database (postgres://); default $${INVENTORY_DB_ENV}, else the workspace's inventory.db setting (hallmark inventory use-db), else the workspace's own SQLite`,
] as const;

/**
 * Runs `fn` against the inventory the app's Inventory section would show: `--db`, else
 * HALLMARK_INVENTORY_DB, else the workspace's `inventory.db` setting, else the workspace's own
 * SQLite (the order of store/inventory-db-setting.ts's inventorySource). So a command and
 * the screen never disagree about which devices exist.
 *
 * `ws` is the workspace when one was opened: always without --db or the variable (the
 * setting lives there), and with them only when `needsWorkspace` (a revocation request is
 * signed by a workspace key); a listing against a named server needs no workspace at all.
 * The store is closed after `fn`.
 */
export async function withInventory<T>(
  c: CliContext,
  db: string | undefined,
  fn: (store: InventoryStore, ws: Workspace | null) => T | Promise<T>,
  options: { readonly needsWorkspace?: boolean } = {},
): Promise<T> {
  const named = inventoryDbUrl(db, c.io.env);
  if (named !== undefined && options.needsWorkspace !== true) return onServer(c, named, (store) => fn(store, null));
  return c.withWorkspace(async (ws) => {
    const url = named ?? new SettingsRepository(ws).inventoryDb();
    if (url === undefined) return fn(new SqliteInventoryStore(ws), ws);
    return onServer(c, url, (store) => fn(store, ws));
  });
}

async function onServer<T>(c: CliContext, url: string, fn: (store: InventoryStore) => T | Promise<T>): Promise<T> {
  const store = await openInventoryStore(url, { actor: c.actor });
  try {
    return await fn(store);
  } finally {
    await store.close();
  }
}
