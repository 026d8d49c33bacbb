import { NewFileError, writeNewFile } from '../../files/write-new-file.js';
import { KeyError } from '../key-errors.js';

/**
 * Creates a file that must not exist yet, readable by the owner only (0600), and flushes it
 * and its directory. O_EXCL | O_NOFOLLOW makes the kernel refuse an existing name (or a
 * symlink planted there), so a key file can never be overwritten, not even by a race
 * between check and write.
 */
export function writeFileExclusive(path: string, data: string | Buffer): void {
  try {
    writeNewFile(path, typeof data === 'string' ? Buffer.from(data, 'utf8') : data, 0o600);
  } catch (e) {
    if (!(e instanceof NewFileError)) throw e;
    if (e.reason === 'exists') throw new KeyError('KEY_FILE_EXISTS', `${path} already exists; Hallmark never overwrites key material`);
    throw new KeyError('KEY_FILE_INVALID', `cannot create ${path}: ${e.errno}`, 'environment');
  }
}
