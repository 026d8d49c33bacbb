import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { KeyError } from '../key-errors.js';

/**
 * Creates a file that must not exist yet, readable by the owner only, and flushes it.
 * 'wx' makes the kernel refuse an existing name (or a symlink planted there), so a key
 * file can never be overwritten, not even by a race between check and write.
 */
export function writeFileExclusive(path: string, data: string | Buffer): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new KeyError('KEY_FILE_EXISTS', `${path} already exists; Hallmark never overwrites key material`);
    throw new KeyError('KEY_FILE_INVALID', `cannot create ${path}: ${code ?? (e as Error).message}`, 'environment');
  }
  try {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < buf.length) written += writeSync(fd, buf, written, buf.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
