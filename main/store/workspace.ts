import { accessSync, constants, mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { RotatingLog } from '../logging/rotating-log.js';
import { AuditLog } from './audit/audit-log.js';
import { verifyAuditChain, type ChainStatus } from './audit/audit-verify.js';
import { openDatabase, type Db } from './database.js';
import { migrate, schemaVersion } from './migrate.js';
import { WorkspaceError } from './workspace-errors.js';
import { tightenWorkspacePermissions, type PermissionChange } from './workspace-permissions.js';

export const DATABASE_FILE = 'hallmark.db';
export const KEYS_DIR = 'keys';
/** the application log (logging/rotating-log.ts): `logs/hallmark.log`, rotated */
export const LOG_FILE = join('logs', 'hallmark.log');

export interface WorkspaceInfo {
  readonly home: string;
  readonly databasePath: string;
  readonly keysPath: string;
  readonly schemaVersion: number;
  readonly workspaceId: string;
  readonly createdAt: string;
}

/**
 * An open workspace: its directory, database and audit log. One per process; close it
 * when done so WAL is checkpointed.
 */
export class Workspace {
  readonly audit: AuditLog;
  /** where unexpected failures are detailed; what the window and the CLI point users to */
  readonly log: RotatingLog;

  private constructor(
    readonly home: string,
    readonly db: Db,
  ) {
    this.audit = new AuditLog(db);
    this.log = new RotatingLog(join(home, LOG_FILE));
  }

  /** Opens an existing workspace, applying pending migrations (recorded in the audit log). */
  static open(home: string, actor: string): Workspace {
    assertDirectory(home);
    assertWritable(home);
    const db = openDatabase(join(home, DATABASE_FILE), { create: false });
    const ws = new Workspace(home, db);
    try {
      if (schemaVersion(db) === 0) {
        throw new WorkspaceError('WORKSPACE_NOT_INITIALIZED', `${join(home, DATABASE_FILE)} holds no Hallmark schema; run \`hallmark init\``);
      }
      const tightened = tightenWorkspacePermissions(home, { database: DATABASE_FILE, keysDir: KEYS_DIR });
      migrate(db, ({ from, to }) => {
        ws.audit.append({ actor, action: 'workspace.migrated', subject: home, details: { from, to } });
      });
      ws.recordTightened(actor, tightened);
      ws.audit.settlePending(true);
    } catch (e) {
      db.close();
      throw e;
    }
    return ws;
  }

  /**
   * Creates the workspace if it does not exist. On an existing one it changes nothing
   * (beyond pending migrations) and says so through `created: false`.
   */
  static init(home: string, actor: string): { workspace: Workspace; created: boolean } {
    ensureDirectory(home);
    ensureDirectory(join(home, KEYS_DIR));
    const db = openDatabase(join(home, DATABASE_FILE), { create: true });
    const ws = new Workspace(home, db);
    let created = false;
    try {
      const tightened = tightenWorkspacePermissions(home, { database: DATABASE_FILE, keysDir: KEYS_DIR });
      if (schemaVersion(db) === 0) {
        migrate(db, () => {
          const id = crypto.randomUUID();
          const now = new Date().toISOString();
          const put = db.prepare('INSERT INTO workspace_meta (key, value) VALUES (?, ?)');
          put.run('workspace_id', id);
          put.run('created_at', now);
          ws.audit.append({ actor, action: 'workspace.created', subject: home, details: { workspaceId: id } });
          created = true;
        });
      } else {
        migrate(db, ({ from, to }) => {
          ws.audit.append({ actor, action: 'workspace.migrated', subject: home, details: { from, to } });
        });
      }
      ws.recordTightened(actor, tightened);
      ws.audit.settlePending(true);
    } catch (e) {
      db.close();
      throw e;
    }
    return { workspace: ws, created };
  }

  /** What tightenWorkspacePermissions changed, on the record (nothing when nothing was looser). */
  private recordTightened(actor: string, changes: readonly PermissionChange[]): void {
    if (changes.length === 0) return;
    this.audit.append({
      actor,
      action: 'workspace.permissions-tightened',
      subject: this.home,
      details: { changes: changes.map((c) => ({ path: c.path, from: c.from, to: c.to })) },
    });
  }

  /** Runs `fn` in one IMMEDIATE transaction; audit listeners hear of its entries only after commit. */
  transact<T>(fn: () => T): T {
    let result: T;
    try {
      result = this.db.transaction(fn).immediate();
    } catch (e) {
      this.audit.settlePending(false);
      throw e;
    }
    this.audit.settlePending(true);
    return result;
  }

  verifyAudit(): ChainStatus {
    return verifyAuditChain(this.db);
  }

  info(): WorkspaceInfo {
    const meta = new Map((this.db.prepare('SELECT key, value FROM workspace_meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    return {
      home: this.home,
      databasePath: join(this.home, DATABASE_FILE),
      keysPath: join(this.home, KEYS_DIR),
      schemaVersion: schemaVersion(this.db),
      workspaceId: meta.get('workspace_id') ?? '',
      createdAt: meta.get('created_at') ?? '',
    };
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}

function assertDirectory(home: string): void {
  let st;
  try {
    st = statSync(home);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new WorkspaceError('WORKSPACE_MISSING', `no workspace at ${home}; run \`hallmark init\` to create one`);
    if (code === 'ENOTDIR') throw new WorkspaceError('WORKSPACE_NOT_DIRECTORY', `${home} is not a directory`);
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot access ${home}: ${(e as Error).message}`);
  }
  if (!st.isDirectory()) throw new WorkspaceError('WORKSPACE_NOT_DIRECTORY', `${home} is not a directory`);
}

function assertWritable(home: string): void {
  try {
    accessSync(home, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch {
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `the workspace directory ${home} is not writable`);
  }
}

function ensureDirectory(path: string): void {
  try {
    mkdirSync(path, { recursive: true, mode: 0o700 });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR' || code === 'EEXIST') {
      throw new WorkspaceError('WORKSPACE_NOT_DIRECTORY', `${path} (or a parent of it) is not a directory`);
    }
    throw new WorkspaceError('WORKSPACE_NOT_WRITABLE', `cannot create ${path}: ${(e as Error).message}`);
  }
  assertDirectory(path);
  assertWritable(path);
}
