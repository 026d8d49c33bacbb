import m001 from './001-workspace-and-audit.js';

/**
 * Ordered schema migrations; the database's `PRAGMA user_version` is the number of the
 * last one applied. Append only: a released migration is never edited.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [{ version: 1, name: 'workspace-and-audit', sql: m001 }];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
