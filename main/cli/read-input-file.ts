import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { UsageError } from '../errors/hallmark-error.js';

/**
 * Reads an untrusted input file, refusing it when larger than `maxBytes` without reading
 * more than that (a 4 GB "CSR" must not be slurped into memory first).
 */
export function readInputFile(path: string, maxBytes: number): Buffer {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new UsageError(`cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    if (!fstatSync(fd).isFile()) throw new UsageError(`${path} is not a regular file`);
    const buf = Buffer.alloc(maxBytes + 1);
    let n = 0;
    while (n < buf.length) {
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > maxBytes) throw new UsageError(`${path} is larger than ${maxBytes} bytes`);
    return buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}
