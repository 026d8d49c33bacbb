import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The SHA-256 of the code that is running the ceremony: every file under the directory
 * that holds this module's parent (main/ when run from sources through tsx, as the CLI
 * does; out/ in a bundled build), walked in sorted order, each as
 * "<relative path with />\0<sha256 hex>\n". Hashing the running tree rather than a
 * release artifact means a rehearsal and the ceremony can be compared directly: the same
 * checkout gives the same hash. Recompute with the one-liner in docs/ceremonies.md.
 */
export function appCodeHash(root: string = fileURLToPath(new URL('..', import.meta.url))): { root: string; sha256: string; files: number } {
  const files = walk(root).sort();
  const h = createHash('sha256');
  for (const f of files) {
    const rel = relative(root, f).split(sep).join('/');
    h.update(`${rel}\0${createHash('sha256').update(readFileSync(f)).digest('hex')}\n`);
  }
  return { root, sha256: h.digest('hex'), files: files.length };
}

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return walk(p);
    return e.isFile() ? [p] : [];
  });
}
