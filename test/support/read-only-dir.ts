import { execFileSync } from 'node:child_process';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Makes `dir` unwritable for this process. chmod is enough for a normal user; root
 * ignores permission bits, so there the directory is made immutable (chattr +i), which
 * even root cannot write into. Returns the undo function. Throws if neither works, so
 * a test never passes on a directory that was in fact writable.
 */
export function makeReadOnly(dir: string): () => void {
  chmodSync(dir, 0o555);
  if (!isWritable(dir)) return () => chmodSync(dir, 0o755);
  chmodSync(dir, 0o755);
  execFileSync('chattr', ['+i', dir]);
  if (!isWritable(dir)) return () => execFileSync('chattr', ['-i', dir]);
  execFileSync('chattr', ['-i', dir]);
  throw new Error(`could not make ${dir} read-only for this process`);
}

function isWritable(dir: string): boolean {
  const probe = join(dir, '.write-probe');
  try {
    writeFileSync(probe, 'x');
    rmSync(probe);
    return true;
  } catch {
    return false;
  }
}
