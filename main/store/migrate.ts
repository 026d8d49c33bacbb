import type { Db } from './database.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from './migrations/index.js';
import { WorkspaceError } from './workspace-errors.js';

export interface MigrationResult {
  readonly from: number;
  readonly to: number;
}

/**
 * Brings the schema to the latest version, all pending migrations in one IMMEDIATE
 * transaction: either the database ends at the latest version or it is left as it was.
 * `after` runs inside that same transaction (the caller records the change in the audit log).
 */
export function migrate(db: Db, after?: (result: MigrationResult) => void): MigrationResult {
  const run = db.transaction(() => {
    const from = schemaVersion(db);
    if (from > LATEST_SCHEMA_VERSION) {
      throw new WorkspaceError(
        'SCHEMA_TOO_NEW',
        `this workspace has schema version ${from}, but this Hallmark understands up to ${LATEST_SCHEMA_VERSION}; use a newer Hallmark (nothing was changed)`,
        { found: from, supported: LATEST_SCHEMA_VERSION },
      );
    }
    for (const m of MIGRATIONS) {
      if (m.version <= from) continue;
      try {
        db.exec(m.sql);
      } catch (e) {
        throw new WorkspaceError('MIGRATION_FAILED', `migration ${m.version} (${m.name}) failed: ${(e as Error).message}`);
      }
      db.pragma(`user_version = ${m.version}`);
    }
    const result = { from, to: LATEST_SCHEMA_VERSION };
    if (from !== LATEST_SCHEMA_VERSION) after?.(result);
    return result;
  });
  return run.immediate();
}

export function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}
