import { z } from 'zod';
import { InventoryDbError } from './postgres/pg-errors.js';
import { redactUrl } from './postgres/pg-inventory-store.js';

/** The environment variable of the main process (and the CLI) that names the inventory database. */
export const INVENTORY_DB_ENV = 'HALLMARK_INVENTORY_DB';

/**
 * The workspace setting `inventory.db`: a postgres:// URL without a password. A password
 * would sit in the workspace database in clear; the server's own ways (a Unix socket with
 * peer authentication, ~/.pgpass or PGPASSFILE of the app's user, or a client certificate)
 * keep it out of Hallmark. Its length is bounded; the driver parses it when the section opens it.
 */
const settingSchema = z
  .string()
  .trim()
  .min(1)
  .max(2000)
  .regex(/^postgres(ql)?:\/\//i, 'must be a postgres:// URL')
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  .refine((url) => !/[\s\u0000-\u001f\u007f]/.test(url), 'must not contain spaces or control characters')
  // user:password@ before the host (which may be empty: a Unix socket in ?host=), or a password= parameter
  .refine(
    (url) => !/^postgres(ql)?:\/\/[^/?#@]*:[^/?#@]*@/i.test(url) && !/[?&]password=/i.test(url),
    'must not hold a password (use ~/.pgpass, PGPASSFILE, a Unix socket with peer authentication or a client certificate)',
  );

/** Checks a value for the `inventory.db` setting; refuses it with INVENTORY_DB_URL_INVALID naming the problem. */
export function parseInventoryDbSetting(raw: unknown): string {
  const r = settingSchema.safeParse(raw);
  if (r.success) return r.data;
  const shown = typeof raw === 'string' ? ` "${redactUrl(raw.trim()).slice(0, 200)}"` : '';
  throw new InventoryDbError('INVENTORY_DB_URL_INVALID', `the inventory.db setting${shown} ${r.error.issues[0]?.message ?? 'is invalid'}`, 'input');
}

/** Where the app's Inventory section reads and writes, and why. */
export type InventorySource =
  { readonly backend: 'sqlite'; readonly from: 'workspace' } | { readonly backend: 'postgres'; readonly from: 'environment' | 'setting'; readonly url: string };

/**
 * The main process's HALLMARK_INVENTORY_DB wins (the machine's administrator set it), then
 * the workspace's `inventory.db` setting (set with `hallmark inventory use-db`, audited),
 * else the workspace's own SQLite. The window has no operation that sets either.
 */
export function inventorySource(env: NodeJS.ProcessEnv, setting: string | undefined): InventorySource {
  const fromEnv = env[INVENTORY_DB_ENV]?.trim();
  if (fromEnv) return { backend: 'postgres', from: 'environment', url: fromEnv };
  if (setting !== undefined) return { backend: 'postgres', from: 'setting', url: setting };
  return { backend: 'sqlite', from: 'workspace' };
}
