import { chmodSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The workspace is the owner's alone: its directory and `keys/` are 0700, the database
 * (`hallmark.db` and its `-wal` / `-shm`) and every key file 0600. New ones are created so
 * (workspace.ts, database.ts, keys/software/write-exclusive.ts); an existing workspace
 * made looser (an old `hallmark.db` created 0644, a `--home` made 0755 by hand) is
 * tightened when it is opened, and the caller records what changed in the audit log
 * (`workspace.permissions-tightened`).
 *
 * Only bits are taken away (group and other, and execute on files), never given; a
 * symbolic link is not followed (chmod would change its target); a file the process
 * cannot chmod (another owner) is left as it is. POSIX only: Windows has no mode bits.
 */

export interface PermissionChange {
  /** relative to the workspace home: "." for the home itself */
  readonly path: string;
  /** octal, e.g. "0755" */
  readonly from: string;
  readonly to: string;
}

export const DIRECTORY_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

export function tightenWorkspacePermissions(home: string, names: { database: string; keysDir: string }): PermissionChange[] {
  if (process.platform === 'win32') return [];
  const changes: PermissionChange[] = [];
  const tighten = (rel: string, allowed: number, kind: 'dir' | 'file') => {
    const path = rel === '.' ? home : join(home, rel);
    let st;
    try {
      st = lstatSync(path);
    } catch {
      return;
    }
    if (kind === 'dir' ? !st.isDirectory() : !st.isFile()) return;
    const mode = st.mode & 0o7777;
    const want = mode & allowed;
    if (want === mode) return;
    try {
      chmodSync(path, want);
    } catch {
      return;
    }
    changes.push({ path: rel, from: octal(mode), to: octal(want) });
  };
  tighten('.', DIRECTORY_MODE, 'dir');
  tighten(names.keysDir, DIRECTORY_MODE, 'dir');
  for (const suffix of ['', '-wal', '-shm', '-journal']) tighten(`${names.database}${suffix}`, PRIVATE_FILE_MODE, 'file');
  let keyFiles: string[] = [];
  try {
    keyFiles = readdirSync(join(home, names.keysDir)).sort();
  } catch {
    // no keys/ yet
  }
  for (const name of keyFiles) tighten(`${names.keysDir}/${name}`, PRIVATE_FILE_MODE, 'file');
  return changes;
}

function octal(mode: number): string {
  return `0${mode.toString(8).padStart(3, '0')}`;
}
