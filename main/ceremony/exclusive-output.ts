import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { MediaFileError, readMediaFile } from '../files/read-media-file.js';
import { NewFileError, writeNewFile } from '../files/write-new-file.js';
import { dirname, join } from 'node:path';
import { CeremonyError } from './ceremony-errors.js';

/** The largest ceremony output read back from the medium (certificates, CRLs, share files, sheets, transcripts). */
export const MAX_OUTPUT_BYTES = 64 * 1024 * 1024;

export interface OutputFile {
  readonly file: string;
  readonly sha256: string;
  readonly bytes: number;
}

/**
 * The ceremony's output directory (the removable medium). Every file is created with
 * O_EXCL ('wx'): a ceremony never overwrites a certificate, CRL or transcript, not even
 * one from its own rehearsal. Names are checked up front too, so a clash stops the
 * ceremony before any key is made rather than after.
 */
export class OutputDir {
  readonly written: OutputFile[] = [];
  constructor(readonly path: string) {}

  prepare(names: readonly string[]): void {
    try {
      mkdirSync(this.path, { recursive: true });
    } catch (e) {
      throw new CeremonyError(
        'CEREMONY_OUTPUT_UNWRITABLE',
        `cannot create the output directory ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'environment',
      );
    }
    const clash = names.filter((n) => existsSync(join(this.path, n)));
    if (clash.length > 0) throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${this.path} already holds ${clash.join(', ')}; outputs are never overwritten`);
  }

  write(name: string, data: Buffer | string): OutputFile {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    if (name.includes('/')) mkdirSync(dirname(join(this.path, name)), { recursive: true });
    try {
      writeNewFile(join(this.path, name), buf);
    } catch (e) {
      if (!(e instanceof NewFileError)) throw e;
      if (e.reason === 'exists') throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${join(this.path, name)} already exists; outputs are never overwritten`);
      throw new CeremonyError('CEREMONY_OUTPUT_UNWRITABLE', `cannot write ${join(this.path, name)}: ${e.errno}`, 'environment');
    }
    return this.note(name, buf);
  }

  /**
   * Records a file that another module created exclusively in this directory (the share
   * store writes its own share files and sheets), so it is hashed into the transcript too.
   */
  adopt(name: string): OutputFile {
    return this.note(name, this.read(name));
  }

  /** A file of this directory read back through the media reader (no symlinks, bounded, one descriptor). */
  read(name: string): Buffer {
    return readMediaFile(join(this.path, name), MAX_OUTPUT_BYTES, 'ceremony output');
  }

  /**
   * A resumed ceremony's file from a committed step: it must still be the bytes that step
   * recorded, or the medium was changed while the ceremony was interrupted.
   */
  recall(expected: OutputFile): OutputFile {
    let buf: Buffer;
    try {
      buf = this.read(expected.file);
    } catch (e) {
      if (!(e instanceof MediaFileError)) throw e;
      throw new CeremonyError(
        'CEREMONY_TRANSCRIPT_INVALID',
        `${join(this.path, expected.file)}, written by a committed step, cannot be read (${e.code}: ${e.message}); the ceremony cannot be resumed on this medium — abort it`,
        'check',
        { path: e.path },
      );
    }
    const got = this.note(expected.file, buf);
    if (got.sha256 !== expected.sha256) {
      this.written.pop();
      throw new CeremonyError(
        'CEREMONY_TRANSCRIPT_INVALID',
        `${join(this.path, expected.file)} changed since its step was committed (SHA-256 ${got.sha256}, recorded ${expected.sha256}); the ceremony cannot be resumed on this medium — abort it`,
        'check',
      );
    }
    return got;
  }

  /**
   * Moves a file an interrupted, uncommitted step left behind into `dir` (relative), so the
   * resumed step can write its own and nothing of the failed attempt is lost.
   */
  moveAside(name: string, dir: string): string {
    const to = join(dir, name);
    mkdirSync(dirname(join(this.path, to)), { recursive: true });
    renameSync(join(this.path, name), join(this.path, to));
    return to;
  }

  has(name: string): boolean {
    return existsSync(join(this.path, name));
  }

  /** Records a file whose bytes the caller already holds (the finished transcript). */
  note(name: string, buf: Buffer): OutputFile {
    const out = { file: name, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
    this.written.push(out);
    return out;
  }
}
