import Database from 'better-sqlite3';
import { closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { WorkspaceError } from './workspace-errors.js';

export type Db = Database.Database;

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Opens the workspace database. A file that is not SQLite, is empty or fails SQLite's
 * quick check is refused and left exactly as it was: we never "repair" by recreating.
 */
export function openDatabase(path: string, options: { create: boolean }): Db {
  const existing = statOrNull(path);
  if (existing) {
    if (!existing.isFile()) throw new WorkspaceError('DATABASE_NOT_SQLITE', `${path} is not a regular file`);
    assertSqliteHeader(path, existing.size);
  } else if (!options.create) {
    throw new WorkspaceError('WORKSPACE_NOT_INITIALIZED', `no workspace database at ${path}; run \`hallmark init\` first`);
  } else {
    createPrivateFile(path);
  }

  let db: Db;
  try {
    db = new Database(path, { fileMustExist: !options.create });
  } catch (e) {
    throw translateSqliteError(e, path);
  }
  try {
    db.pragma('busy_timeout = 5000');
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (String(mode).toLowerCase() !== 'wal') {
      throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `${path} could not be switched to WAL mode (got ${String(mode)})`);
    }
    // Durability over speed: a committed certificate must survive a power cut.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    if (existing) {
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') {
        throw new WorkspaceError('DATABASE_CORRUPT', `${path} failed SQLite's integrity check: ${String(check)}`);
      }
    }
    return db;
  } catch (e) {
    db.close();
    throw translateSqliteError(e, path);
  }
}

/**
 * A new database file is created 0600 before SQLite opens it (SQLite's own default is 0644
 * less the umask); its -wal and -shm take the database file's mode. An empty file is what
 * SQLite makes a new database of. Someone else creating it meanwhile is fine (O_EXCL fails,
 * the open below reads theirs, and the workspace tightens its mode).
 */
function createPrivateFile(path: string): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return;
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot create ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  closeSync(fd);
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot read ${path}: ${(e as Error).message}`);
  }
}

function assertSqliteHeader(path: string, size: number): void {
  if (size === 0) {
    throw new WorkspaceError(
      'DATABASE_NOT_SQLITE',
      `${path} is an empty file, not a Hallmark database; it was left untouched (move it away to create a new workspace)`,
    );
  }
  const header = Buffer.alloc(SQLITE_MAGIC.length);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot read ${path}: ${(e as Error).message}`);
  }
  try {
    readSync(fd, header, 0, header.length, 0);
  } finally {
    closeSync(fd);
  }
  if (!header.equals(SQLITE_MAGIC)) {
    throw new WorkspaceError('DATABASE_NOT_SQLITE', `${path} is not an SQLite database; it was left untouched`);
  }
}

export function translateSqliteError(e: unknown, path: string): Error {
  if (e instanceof WorkspaceError) return e;
  const code = (e as { code?: string }).code ?? '';
  const message = (e as Error).message ?? String(e);
  if (code === 'SQLITE_NOTADB') return new WorkspaceError('DATABASE_NOT_SQLITE', `${path} is not an SQLite database; it was left untouched`);
  if (code.startsWith('SQLITE_CORRUPT')) return new WorkspaceError('DATABASE_CORRUPT', `${path} is corrupt: ${message}`);
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_PERM')) {
    return new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot write ${path}: ${message}`);
  }
  if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    return new WorkspaceError('DATABASE_BUSY', `${path} is locked by another process: ${message}`);
  }
  return e instanceof Error ? e : new Error(message);
}
