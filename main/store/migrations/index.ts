import m001 from './001-workspace-and-audit.js';
import m002 from './002-keys-and-certificates.js';
import m003 from './003-station.js';
import m004 from './004-manifests.js';
import m005 from './005-certificate-common-name.js';
import m006 from './006-inventory.js';
import m007 from './007-ceremonies.js';
import m008 from './008-restored-keys.js';
import m009 from './009-csr-allowances.js';
import m010 from './010-settings.js';
import m011 from './011-audit-keys.js';
import m012 from './012-operator-accounts.js';
import m013 from './013-matter-factory-data.js';
import m014 from './014-field-revocation.js';

/**
 * Ordered schema migrations; the database's `PRAGMA user_version` is the number of the
 * last one applied. Append only: a released migration is never edited.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'workspace-and-audit', sql: m001 },
  { version: 2, name: 'keys-and-certificates', sql: m002 },
  { version: 3, name: 'station', sql: m003 },
  { version: 4, name: 'manifests', sql: m004 },
  { version: 5, name: 'certificate-common-name', sql: m005 },
  { version: 6, name: 'inventory', sql: m006 },
  { version: 7, name: 'ceremonies', sql: m007 },
  { version: 8, name: 'restored-keys', sql: m008 },
  { version: 9, name: 'csr-allowances', sql: m009 },
  { version: 10, name: 'settings', sql: m010 },
  { version: 11, name: 'audit-keys', sql: m011 },
  { version: 12, name: 'operator-accounts', sql: m012 },
  { version: 13, name: 'matter-factory-data', sql: m013 },
  { version: 14, name: 'field-revocation', sql: m014 },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;
