import { closeSync, openSync, readSync } from 'node:fs';
import { HallmarkError } from '../errors/hallmark-error.js';

/**
 * Reads an untrusted input file, reading at most `maxBytes + 1` bytes: a 4 GB "CSR" or
 * /dev/zero is refused without being slurped into memory. `tooLarge` lets the caller raise
 * its own coded error (a CSR's is CSR_TOO_LARGE).
 */
export function readInputFile(path: string, maxBytes: number, tooLarge?: (message: string) => Error): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw unreadable(path, e);
  }
  try {
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) {
      const message = `${path} is larger than ${maxBytes} bytes`;
      throw tooLarge ? tooLarge(message) : new HallmarkError('FILE_TOO_LARGE', message, 'input');
    }
    return buf.subarray(0, n);
  } catch (e) {
    if (e instanceof HallmarkError) throw e;
    throw unreadable(path, e);
  } finally {
    closeSync(fd);
  }
}

function unreadable(path: string, e: unknown): HallmarkError {
  const code = (e as NodeJS.ErrnoException)?.code;
  return new HallmarkError('FILE_UNREADABLE', `cannot read ${path}${code ? ` (${code})` : ''}`, 'input');
}
