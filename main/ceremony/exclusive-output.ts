import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CeremonyError } from './ceremony-errors.js';

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
    mkdirSync(this.path, { recursive: true });
    const clash = names.filter((n) => existsSync(join(this.path, n)));
    if (clash.length > 0) throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${this.path} already holds ${clash.join(', ')}; outputs are never overwritten`);
  }

  write(name: string, data: Buffer | string): OutputFile {
    const buf = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    try {
      writeFileSync(join(this.path, name), buf, { flag: 'wx', mode: 0o644 });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${join(this.path, name)} already exists; outputs are never overwritten`);
      throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `cannot write ${join(this.path, name)}: ${code ?? (e as Error).message}`, 'environment');
    }
    return this.note(name, buf);
  }

  /**
   * Records a file that another module created exclusively in this directory (the share
   * store writes its own share files and sheets), so it is hashed into the transcript too.
   */
  adopt(name: string): OutputFile {
    return this.note(name, readFileSync(join(this.path, name)));
  }

  private note(name: string, buf: Buffer): OutputFile {
    const out = { file: name, sha256: createHash('sha256').update(buf).digest('hex'), bytes: buf.length };
    this.written.push(out);
    return out;
  }
}
