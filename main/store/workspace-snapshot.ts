import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILE, KEYS_DIR, Workspace } from './workspace.js';

/**
 * A throw-away copy of a workspace for a dry run: the database (consistent, via VACUUM
 * INTO) and the encrypted key files, in a private temporary directory that dispose()
 * removes. Whatever runs against the copy — audit entries, CAs, the ceremony register —
 * never reaches the real workspace.
 */
export function snapshotWorkspace(ws: Workspace, actor: string): { workspace: Workspace; dispose: () => void } {
  const home = mkdtempSync(join(tmpdir(), 'hallmark-dry-run-'));
  try {
    ws.db.prepare('VACUUM INTO ?').run(join(home, DATABASE_FILE));
    const keys = ws.info().keysPath;
    if (existsSync(keys)) cpSync(keys, join(home, KEYS_DIR), { recursive: true });
    const workspace = Workspace.open(home, actor);
    return {
      workspace,
      dispose: () => {
        workspace.close();
        rmSync(home, { recursive: true, force: true });
      },
    };
  } catch (e) {
    rmSync(home, { recursive: true, force: true });
    throw e;
  }
}
