import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readSync, type Stats } from 'node:fs';
import { join as joinPath } from 'node:path';
import { HallmarkError } from '../errors/hallmark-error.js';

/**
 * The one way a file from removable or otherwise untrusted media is read.
 *
 * - `lstat` first: a symbolic link is refused with its path named, and so is anything that
 *   is not a regular file (a FIFO, a device, a directory);
 * - open with `O_RDONLY | O_NOFOLLOW | O_NONBLOCK`: a link swapped in after the `lstat` is
 *   refused by the kernel (ELOOP), and a FIFO swapped in does not hang the open;
 * - `fstat` the descriptor: it must still be a regular file, and the same one (device and
 *   inode) that was `lstat`ed, or the file changed while it was being opened;
 * - a size above the limit is refused before a byte is read, and the read itself goes
 *   through the descriptor and stops at `maxBytes + 1`: a file that grows is refused too,
 *   and nothing is ever read a second time by path.
 */

export type MediaFileCode = 'FILE_SYMLINK_REFUSED' | 'FILE_TOO_LARGE' | 'FILE_NOT_REGULAR' | 'FILE_CHANGED_WHILE_OPENING' | 'FILE_UNREADABLE';

/** Refusals that say someone prepared the file (a link, a device, a swap under us, a size no honest file has): audited where a log exists. */
export const MEDIA_TAMPERING_CODES: ReadonlySet<string> = new Set(['FILE_SYMLINK_REFUSED', 'FILE_NOT_REGULAR', 'FILE_CHANGED_WHILE_OPENING', 'FILE_TOO_LARGE']);

export class MediaFileError extends HallmarkError {
  constructor(
    code: MediaFileCode,
    message: string,
    readonly path: string,
    /** the system's error code when the file could not be opened or read (ENOENT, EACCES, EIO…) */
    readonly errno?: string,
  ) {
    super(code, message, 'input', errno ? { path, errno } : { path });
    this.name = 'MediaFileError';
  }
}

export interface MediaFileOptions {
  /** Raise the caller's own coded error for a file over the limit (a CSR's is CSR_TOO_LARGE). */
  tooLarge?: (message: string) => Error;
}

/** Reads at most `maxBytes` from the regular file at `path`; `what` names it in errors ("share file"). */
export function readMediaFile(path: string, maxBytes: number, what: string, options: MediaFileOptions = {}): Buffer {
  const opened = openMediaFile(path, what, 'read');
  try {
    const tooLarge = (): Error => {
      const message = `${what} ${path} is larger than ${maxBytes} bytes; refused unread`;
      return options.tooLarge ? options.tooLarge(message) : new MediaFileError('FILE_TOO_LARGE', message, path);
    };
    if (opened.stat.size > maxBytes) throw tooLarge();
    const bytes = readFd(opened.fd, maxBytes + 1, path, what);
    if (bytes.length > maxBytes) throw tooLarge();
    return bytes;
  } finally {
    closeSync(opened.fd);
  }
}

export interface OpenedMediaFile {
  fd: number;
  /** The descriptor's own fstat: what was opened, not what a path names now. */
  stat: Stats;
}

/**
 * Opens a regular file with the same checks as `readMediaFile` and hands back the descriptor
 * (the caller closes it). `mode` 'append' opens `O_RDWR | O_APPEND`: a transcript is read and
 * continued through one descriptor, never re-opened by path between the check and the write.
 */
export function openMediaFile(path: string, what: string, mode: 'read' | 'append' = 'read'): OpenedMediaFile {
  const before = lstatOrThrow(path, what);
  refuseUnlessRegular(before, path, what);
  const access = mode === 'append' ? constants.O_RDWR | constants.O_APPEND : constants.O_RDONLY;
  let fd: number;
  try {
    fd = openSync(path, access | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = errnoOf(e);
    if (code === 'ELOOP' || code === 'EMLINK') {
      throw new MediaFileError('FILE_SYMLINK_REFUSED', `${what} ${path} is a symbolic link; refused`, path);
    }
    throw fromErrno(e, path, what);
  }
  try {
    const stat = fstatSync(fd);
    refuseUnlessRegular(stat, path, what);
    if (stat.dev !== before.dev || stat.ino !== before.ino) {
      throw new MediaFileError('FILE_CHANGED_WHILE_OPENING', `${what} ${path} changed while it was being opened; refused`, path);
    }
    return { fd, stat };
  } catch (e) {
    closeSync(fd);
    throw e;
  }
}

/** Reads from `fd` (at its current position) until end of file or `limit` bytes, whichever comes first. */
export function readFd(fd: number, limit: number, path: string, what: string): Buffer {
  const chunks: Buffer[] = [];
  let total = 0;
  try {
    while (total < limit) {
      const chunk = Buffer.allocUnsafe(Math.min(64 * 1024, limit - total));
      const got = readSync(fd, chunk, 0, chunk.length, null);
      if (got === 0) break;
      chunks.push(got === chunk.length ? chunk : chunk.subarray(0, got));
      total += got;
    }
  } catch (e) {
    throw fromErrno(e, path, what);
  }
  return Buffer.concat(chunks, total);
}

export interface MediaFolderEntry {
  name: string;
  path: string;
  size: number;
}

/**
 * Lists the regular files of a folder from media (a manifest folder). A symbolic link among
 * them is refused with its path named, not skipped: a manifest folder that holds one is not
 * what was exported. Subfolders are refused too unless `allowFolders` (they are then left out).
 * The folder itself must not be a symbolic link.
 */
export function listMediaFolder(dir: string, what: string, allowFolders = false): MediaFolderEntry[] {
  const st = lstatOrThrow(dir, what);
  if (st.isSymbolicLink()) throw new MediaFileError('FILE_SYMLINK_REFUSED', `${what} ${dir} is a symbolic link; refused`, dir);
  if (!st.isDirectory()) throw new MediaFileError('FILE_NOT_REGULAR', `${what} ${dir} is not a folder`, dir);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (e) {
    throw fromErrno(e, dir, what);
  }
  const out: MediaFolderEntry[] = [];
  for (const name of names.sort()) {
    const path = joinPath(dir, name);
    const s = lstatOrThrow(path, `file in ${what}`);
    if (s.isSymbolicLink()) throw new MediaFileError('FILE_SYMLINK_REFUSED', `${path} in ${what} ${dir} is a symbolic link; refused`, path);
    if (s.isDirectory() && allowFolders) continue;
    if (!s.isFile()) throw new MediaFileError('FILE_NOT_REGULAR', `${path} in ${what} ${dir} is not a regular file; refused`, path);
    out.push({ name, path, size: s.size });
  }
  return out;
}

function refuseUnlessRegular(st: Stats, path: string, what: string): void {
  if (st.isSymbolicLink()) throw new MediaFileError('FILE_SYMLINK_REFUSED', `${what} ${path} is a symbolic link; refused`, path);
  if (!st.isFile()) throw new MediaFileError('FILE_NOT_REGULAR', `${what} ${path} is not a regular file; refused`, path);
}

function lstatOrThrow(path: string, what: string): Stats {
  try {
    return lstatSync(path);
  } catch (e) {
    throw fromErrno(e, path, what);
  }
}

function fromErrno(e: unknown, path: string, what: string): MediaFileError {
  const code = errnoOf(e);
  return new MediaFileError('FILE_UNREADABLE', `cannot read ${what} ${path}${code ? ` (${code})` : ''}`, path, code);
}

function errnoOf(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}
