import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';

/** Why a new file could not be made: it exists (never replaced), or the place refuses writes. */
export class NewFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: 'exists' | 'unwritable',
    readonly errno: string,
  ) {
    super(reason === 'exists' ? `${path} already exists` : `cannot create ${path}: ${errno}`);
    this.name = 'NewFileError';
  }
}

/**
 * Creates `path` with O_EXCL, writes all of `bytes` and fsyncs before closing: what goes
 * onto removable media (manifests, receipts, calendars) never replaces a file, not even
 * through a race, and is on the medium when this returns. Callers turn NewFileError into
 * their own coded error.
 */
export function writeNewFile(path: string, bytes: Buffer): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o644);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new NewFileError(path, code === 'EEXIST' ? 'exists' : 'unwritable', code);
  }
  try {
    let done = 0;
    while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
