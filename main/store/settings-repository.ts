import { pkcs11AllowList, type Pkcs11ModuleAllowList } from '../keys/pkcs11/pkcs11-module-policy.js';
import { parseInventoryDbSetting } from './inventory-db-setting.js';
import { redactUrl } from './postgres/pg-inventory-store.js';
import type { Workspace } from './workspace.js';

const PKCS11_MODULES = 'pkcs11.allowedModules';
const INVENTORY_DB = 'inventory.db';
const IDLE_LOCK = 'operators.idleLockSeconds';

/**
 * The workspace's settings (table `settings`, migration 010). Changes are audited in the
 * same transaction; reads never fail on a missing row (the default applies).
 */
export class SettingsRepository {
  constructor(private readonly ws: Workspace) {}

  /** The PKCS#11 modules this workspace may load, besides HALLMARK_PKCS11_MODULES (absolute paths). */
  pkcs11Modules(): string[] {
    const v = this.get(PKCS11_MODULES);
    return Array.isArray(v) ? v.filter((p): p is string => typeof p === 'string') : [];
  }

  /** Adds a module to the list; false when it was listed already. The caller checks the file first. */
  allowPkcs11Module(path: string, actor: string): boolean {
    return this.ws.transact(() => {
      const list = this.pkcs11Modules();
      if (list.includes(path)) return false;
      this.put(PKCS11_MODULES, [...list, path], actor);
      this.ws.audit.append({ actor, action: 'settings.pkcs11-module-allowed', subject: path, details: { modules: [...list, path] } });
      return true;
    });
  }

  /** Removes a module from the list; false when it was not listed. */
  removePkcs11Module(path: string, actor: string): boolean {
    return this.ws.transact(() => {
      const list = this.pkcs11Modules();
      if (!list.includes(path)) return false;
      const rest = list.filter((p) => p !== path);
      this.put(PKCS11_MODULES, rest, actor);
      this.ws.audit.append({ actor, action: 'settings.pkcs11-module-removed', subject: path, details: { modules: rest } });
      return true;
    });
  }

  /** The PostgreSQL inventory the app's Inventory section uses; undefined: the workspace's own. A stored value that no longer parses is refused, not ignored. */
  inventoryDb(): string | undefined {
    const v = this.get(INVENTORY_DB);
    return v === undefined || v === null ? undefined : parseInventoryDbSetting(v);
  }

  /** Points the app's Inventory at `url` (checked: no password), or back at the workspace (null); false when nothing changed. */
  setInventoryDb(url: string | null, actor: string): boolean {
    const value = url === null ? null : parseInventoryDbSetting(url);
    return this.ws.transact(() => {
      const before = this.get(INVENTORY_DB) ?? null;
      if (before === value) return false;
      this.put(INVENTORY_DB, value, actor);
      this.ws.audit.append({
        actor,
        action: 'settings.inventory-db-set',
        subject: value === null ? 'workspace' : redactUrl(value),
        details: {
          from: before === null ? null : typeof before === 'string' ? redactUrl(before) : '(not a URL)',
          to: value === null ? null : redactUrl(value),
        },
      });
      return true;
    });
  }

  /** The operator screen's idle lock in seconds as stored (main/operators/idle-lock.ts checks its range); undefined: the default. */
  idleLockSeconds(): unknown {
    return this.get(IDLE_LOCK);
  }

  /** Sets the idle lock (the caller checked the range and the CA administrator); false when nothing changed. */
  setIdleLockSeconds(seconds: number, actor: string): boolean {
    return this.ws.transact(() => {
      const before = this.get(IDLE_LOCK) ?? null;
      if (before === seconds) return false;
      this.put(IDLE_LOCK, seconds, actor);
      this.ws.audit.append({
        actor,
        action: 'settings.idle-lock-set',
        subject: 'operators',
        details: { from: typeof before === 'number' ? before : null, to: seconds },
      });
      return true;
    });
  }

  private get(key: string): unknown {
    const row = this.ws.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row ? (JSON.parse(row.value) as unknown) : undefined;
  }

  private put(key: string, value: unknown, actor: string): void {
    this.ws.db
      .prepare(
        'INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by',
      )
      .run(key, JSON.stringify(value), new Date().toISOString(), actor);
  }
}

/** The modules a loader in this workspace may load: the main process's HALLMARK_PKCS11_MODULES, then the workspace's setting. */
export function pkcs11ModulesAllowed(ws: Workspace, env: NodeJS.ProcessEnv): Pkcs11ModuleAllowList {
  return pkcs11AllowList(env, new SettingsRepository(ws).pkcs11Modules());
}
