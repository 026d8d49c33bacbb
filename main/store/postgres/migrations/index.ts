import m001 from './001-inventory.js';
import m002 from './002-field-revocation.js';

/**
 * The PostgreSQL inventory's migrations; `schema_version` holds one row per migration
 * applied. Append only: a released migration is never edited.
 */
export interface PgMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const PG_MIGRATIONS: readonly PgMigration[] = [
  { version: 1, name: 'inventory', sql: m001 },
  { version: 2, name: 'field-revocation', sql: m002 },
];

export const PG_LATEST_SCHEMA_VERSION = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]!.version;

/** The triggers the audit verifier requires present and enabled (the log's append-only protection). */
export const PG_AUDIT_PROTECTION_TRIGGERS = [
  'inventory_audit_log_no_update',
  'inventory_audit_log_no_delete',
  'inventory_audit_log_no_truncate',
  'inventory_audit_log_in_order',
  'inventory_audit_log_track_head',
  'inventory_audit_head_forward_only',
  'inventory_audit_head_no_delete',
  'inventory_audit_head_no_truncate',
] as const;
