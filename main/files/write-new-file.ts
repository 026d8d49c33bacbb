import { closeSync, constants, fsyncSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

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
 * Creates `path` with O_EXCL (and O_NOFOLLOW), writes all of `bytes`, fsyncs the file and
 * then its directory before returning: what goes onto removable media (manifests, receipts,
 * calendars, reports, ceremony outputs) never replaces a file, not even through a race, and
 * both its bytes and its directory entry are on the medium when this returns (a stick
 * pulled right after does not lose the name of a file whose bytes were synced). Callers
 * turn NewFileError into their own coded error.
 */
export function writeNewFile(path: string, bytes: Buffer, mode = 0o644): void {
  let fd: number;
  try {
    fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, mode);
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
  try {
    fsyncDirectory(dirname(path));
  } catch (e) {
    // The bytes are written and synced; that their name is not is still a failed write (EIO on a dying stick).
    throw new NewFileError(path, 'unwritable', (e as NodeJS.ErrnoException).code ?? (e as Error).message);
  }
}

/**
 * fsync of a directory, so a file just created in it survives a power cut or an unplugged
 * medium. Some filesystems (and Windows) cannot open or fsync a directory; there the
 * file's own fsync is all that can be done, so EISDIR/EINVAL/EPERM/ENOTSUP are not errors.
 */
export function fsyncDirectory(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, constants.O_RDONLY | (constants.O_DIRECTORY ?? 0));
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EPERM' && code !== 'ENOTSUP' && code !== 'EISDIR' && code !== 'EBADF') throw e;
  } finally {
    closeSync(fd);
  }
}
