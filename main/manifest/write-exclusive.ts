import { closeSync, fsyncSync, mkdirSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { ManifestError } from './manifest-errors.js';

/**
 * Output files for removable media: every name is checked free before anything is
 * written (so a second export into the same folder fails before it signs anything), and
 * each file is then created with O_EXCL — a manifest on disk is never overwritten, not
 * even by a race — and flushed.
 */
export class ExclusiveOutput {
  readonly written: { file: string; bytes: number }[] = [];
  constructor(readonly dir: string) {}

  /** Creates the folder if needed and refuses any of `names` that already exists. */
  prepare(names: readonly string[]): void {
    try {
      mkdirSync(this.dir, { recursive: true });
    } catch (e) {
      throw new ManifestError('MANIFEST_OUTPUT_UNWRITABLE', `cannot create ${this.dir}: ${(e as Error).message}`, 'environment');
    }
    const taken = names.filter((n) => exists(join(this.dir, n)));
    if (taken.length > 0) throw new ManifestError('MANIFEST_OUTPUT_EXISTS', `${this.dir} already holds ${taken.join(', ')}; Hallmark never overwrites an export — choose an empty folder`);
  }

  write(name: string, data: Buffer | string): string {
    const path = join(this.dir, name);
    let fd: number;
    try {
      fd = openSync(path, 'wx', 0o644);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ManifestError('MANIFEST_OUTPUT_EXISTS', `${path} already exists; Hallmark never overwrites an export`);
      throw new ManifestError('MANIFEST_OUTPUT_UNWRITABLE', `cannot create ${path}: ${code ?? (e as Error).message}`, 'environment');
    }
    try {
      const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      let done = 0;
      while (done < buf.length) done += writeSync(fd, buf, done, buf.length - done);
      fsyncSync(fd);
      this.written.push({ file: name, bytes: buf.length });
    } finally {
      closeSync(fd);
    }
    return path;
  }
}

function exists(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    return false;
  }
}
