import { mkdirSync, statSync } from 'node:fs';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
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
    if (taken.length > 0)
      throw new ManifestError(
        'MANIFEST_OUTPUT_EXISTS',
        `${this.dir} already holds ${taken.join(', ')}; Hallmark never overwrites an export — choose an empty folder`,
      );
  }

  write(name: string, data: Buffer | string): string {
    const path = join(this.dir, name);
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      writeNewFile(path, buf);
    } catch (e) {
      if (!(e instanceof NewFileError)) throw e;
      if (e.reason === 'exists') throw new ManifestError('MANIFEST_OUTPUT_EXISTS', `${path} already exists; Hallmark never overwrites an export`);
      throw new ManifestError('MANIFEST_OUTPUT_UNWRITABLE', `cannot create ${path}: ${e.errno}`, 'environment');
    }
    this.written.push({ file: name, bytes: buf.length });
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
