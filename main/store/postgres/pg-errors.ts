import { HallmarkError, isHallmarkError, type ErrorKind } from '../../errors/hallmark-error.js';

export type InventoryDbErrorCode =
  /** the --db / HALLMARK_INVENTORY_DB value is not a postgres:// URL */
  | 'INVENTORY_DB_URL_INVALID'
  /** no server answers at that address (refused, no socket, timeout, unknown host, no such database) */
  | 'INVENTORY_DB_UNREACHABLE'
  /** the server refused the role or its password */
  | 'INVENTORY_DB_AUTH_FAILED'
  /** the database's schema_version is newer than this Hallmark knows: refused, never altered */
  | 'INVENTORY_DB_SCHEMA_NEWER'
  /** the database holds inventory tables but no Hallmark schema_version */
  | 'INVENTORY_DB_NOT_HALLMARK'
  /** the connection was lost mid-operation (server stopped or killed): its transaction rolled back */
  | 'INVENTORY_DB_CONNECTION_LOST'
  /** the role lacks a privilege the operation needs (e.g. a read-only role importing) */
  | 'INVENTORY_DB_PERMISSION_DENIED'
  /** a schema guard refused a change (imported rows are never rewritten or deleted) */
  | 'INVENTORY_IMMUTABLE'
  /** the import kept losing races against concurrent importers */
  | 'INVENTORY_DB_CONTENDED'
  | 'INVENTORY_DB_ERROR';

/** Errors of the PostgreSQL inventory, each with a stable code; the SQLSTATE, when there is one, in details. */
export class InventoryDbError extends HallmarkError {
  declare readonly code: InventoryDbErrorCode;
  constructor(code: InventoryDbErrorCode, message: string, kind: ErrorKind = 'environment', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'InventoryDbError';
  }
}

/** Our own SQLSTATE for the schema guards' refusals (RAISE … USING ERRCODE). */
export const IMMUTABLE_SQLSTATE = 'HM001';

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOENT', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND', 'EACCES', '3D000']);
const LOST = new Set(['57P01', '57P02', '57P03', 'ECONNRESET', 'EPIPE', '08000', '08003', '08006']);

/** SQLSTATEs after which the whole transaction is simply run again (it lost a race, nothing was wrong with it). */
export function isRetryable(e: unknown): boolean {
  const code = (e as { code?: unknown }).code;
  return code === '40001' || code === '40P01' || code === '23505' || (e as { retry?: unknown }).retry === true;
}

/** Turns what node-postgres threw into a coded error naming `location` (never the password). */
export function pgFailure(e: unknown, location: string, during: string): HallmarkError {
  if (isHallmarkError(e)) return e;
  const err = e as { code?: unknown; message?: unknown };
  const code = typeof err.code === 'string' ? err.code : undefined;
  const message = typeof err.message === 'string' ? err.message : String(e);
  const details = { location, ...(code ? { sqlstate: code } : {}) };
  if (code === '28P01' || code === '28000')
    return new InventoryDbError(
      'INVENTORY_DB_AUTH_FAILED',
      `${location}: the server refused the credentials while ${during}: ${message}`,
      'environment',
      details,
    );
  if ((code && UNREACHABLE.has(code)) || /timeout expired|timeout exceeded when trying to connect/i.test(message)) {
    return new InventoryDbError(
      'INVENTORY_DB_UNREACHABLE',
      `${location}: cannot reach the inventory database while ${during}: ${message}`,
      'environment',
      details,
    );
  }
  if ((code && LOST.has(code)) || /Connection terminated|connection is closed|Client has encountered a connection error/i.test(message)) {
    return new InventoryDbError(
      'INVENTORY_DB_CONNECTION_LOST',
      `${location}: the connection was lost while ${during} (${message}); its transaction was rolled back — run it again once the server is back (imports are idempotent)`,
      'environment',
      details,
    );
  }
  if (code === '42501')
    return new InventoryDbError('INVENTORY_DB_PERMISSION_DENIED', `${location}: permission denied while ${during}: ${message}`, 'environment', details);
  if (code === IMMUTABLE_SQLSTATE) return new InventoryDbError('INVENTORY_IMMUTABLE', message, 'check', details);
  return new InventoryDbError('INVENTORY_DB_ERROR', `${location}: the inventory database failed while ${during}: ${message}`, 'environment', details);
}
