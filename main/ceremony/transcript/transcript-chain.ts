import { createHash } from 'node:crypto';
import { closeSync, constants, fdatasyncSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import { MediaFileError, openMediaFile, readFd } from '../../files/read-media-file.js';
import { canonicalJson } from '../../encoding/canonical-json.js';
import { CeremonyError } from '../ceremony-errors.js';
import { GENESIS_PREV } from './transcript-format.js';
import type { TranscriptEvent, TranscriptRecord } from './transcript-record.js';

export interface ChainProblem {
  /** 1-based line number in transcript.jsonl */
  readonly line: number;
  readonly problem: string;
}

export interface ChainReading {
  readonly records: TranscriptRecord[];
  /** the first break only: what follows a break cannot be trusted to mean anything */
  readonly problem: ChainProblem | null;
  /** SHA-256 of the last good line, the `prev` of the next record */
  readonly head: string;
}

/** A transcript is a few hundred records; one this large is not a transcript this app wrote. */
export const MAX_TRANSCRIPT_BYTES = 64 * 1024 * 1024;

export function lineHash(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

/**
 * Reads transcript.jsonl and checks its chain: every line canonical JSON of a record whose
 * `seq` is its line number and whose `prev` is the SHA-256 of the line before. Stops at
 * the first line that breaks it and names it. Never throws on bad bytes.
 */
export function readTranscriptChain(bytes: Buffer | string): ChainReading {
  const text = typeof bytes === 'string' ? bytes : bytes.toString('utf8');
  const records: TranscriptRecord[] = [];
  let head = GENESIS_PREV;
  if (text === '') return { records, problem: { line: 1, problem: 'the transcript is empty' }, head };
  if (!text.endsWith('\n')) {
    const lines = text.split('\n').length;
    return { records, problem: { line: lines, problem: 'the last line is not terminated by a newline (cut off while being written, or edited)' }, head };
  }
  const lines = text.slice(0, -1).split('\n');
  for (const [i, line] of lines.entries()) {
    const n = i + 1;
    const fail = (problem: string): ChainReading => ({ records, problem: { line: n, problem }, head });
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      return fail('not JSON');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return fail('not a JSON object');
    let canonical: string;
    try {
      canonical = canonicalJson(value);
    } catch (e) {
      return fail(`not canonical JSON: ${(e as Error).message}`);
    }
    if (canonical !== line) return fail('not in canonical form (keys sorted, no whitespace): the line was rewritten');
    const r = value as Partial<TranscriptRecord>;
    if (r.seq !== n) return fail(`seq is ${String(r.seq)}, expected ${n}: a record was removed, inserted or moved`);
    if (r.prev !== head) return fail(`prev does not match the SHA-256 of line ${n - 1}: that line or this one was changed`);
    if (typeof r.type !== 'string' || typeof r.time !== 'string') return fail('type and time are required');
    records.push(value as TranscriptRecord);
    head = lineHash(line);
  }
  return { records, problem: null, head };
}

/**
 * Appends records to transcript.jsonl, each written and fdatasync'ed before append()
 * returns: a ceremony killed at any point leaves every record it announced, and the
 * chain up to there verifies.
 */
export class TranscriptWriter {
  #fd: number | null;
  #seq: number;
  #head: string;

  private constructor(
    readonly path: string,
    fd: number,
    seq: number,
    head: string,
  ) {
    this.#fd = fd;
    this.#seq = seq;
    this.#head = head;
  }

  /**
   * A new transcript; an existing file is never overwritten. Opened for reading too, so
   * the finished transcript is read back through this descriptor (`contents()`), never
   * again by path.
   */
  static create(path: string): TranscriptWriter {
    let fd: number;
    try {
      fd = openSync(path, constants.O_RDWR | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new CeremonyError('CEREMONY_OUTPUT_EXISTS', `${path} already exists; outputs are never overwritten`);
      throw new CeremonyError(
        'CEREMONY_OUTPUT_UNWRITABLE',
        `cannot create ${path}: ${code ?? (e as Error).message}; the output medium must be writable (and not full)`,
        'environment',
      );
    }
    return new TranscriptWriter(path, fd, 0, GENESIS_PREV);
  }

  /**
   * An interrupted ceremony's transcript, continued; refused when its chain is broken.
   * Opened once (no symlink, a regular file, the one that was lstat'ed), read through that
   * descriptor and continued through it: what was checked is what is appended to.
   */
  static resume(path: string): { writer: TranscriptWriter; records: TranscriptRecord[] } {
    let fd: number;
    let bytes: Buffer;
    try {
      const opened = openMediaFile(path, "the interrupted ceremony's transcript", 'append');
      fd = opened.fd;
      try {
        if (opened.stat.size > MAX_TRANSCRIPT_BYTES)
          throw new CeremonyError(
            'CEREMONY_TRANSCRIPT_INVALID',
            `${path} is larger than ${MAX_TRANSCRIPT_BYTES} bytes; it is not a transcript this app wrote`,
            'check',
          );
        bytes = readFd(fd, MAX_TRANSCRIPT_BYTES + 1, path, 'transcript');
        if (bytes.length > MAX_TRANSCRIPT_BYTES)
          throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `${path} grew past ${MAX_TRANSCRIPT_BYTES} bytes while being read`, 'check');
      } catch (e) {
        closeSync(fd);
        throw e;
      }
    } catch (e) {
      if (e instanceof MediaFileError && e.code === 'FILE_UNREADABLE') {
        throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `${e.message}; the interrupted ceremony cannot be resumed from it`, 'environment', { path });
      }
      throw e;
    }
    const reading = readTranscriptChain(bytes);
    if (reading.problem) {
      closeSync(fd);
      throw new CeremonyError(
        'CEREMONY_TRANSCRIPT_INVALID',
        `${path}: line ${reading.problem.line}: ${reading.problem.problem}; the interrupted ceremony cannot be resumed on a broken record — abort it`,
        'check',
      );
    }
    return { writer: new TranscriptWriter(path, fd, reading.records.length, reading.head), records: reading.records };
  }

  /** Everything written so far, read back through the open descriptor (not by path). */
  contents(): Buffer {
    if (this.#fd === null) throw new Error(`transcript ${this.path} is closed`);
    const size = fstatSync(this.#fd).size;
    if (size > MAX_TRANSCRIPT_BYTES)
      throw new CeremonyError('CEREMONY_TRANSCRIPT_INVALID', `${this.path} is larger than ${MAX_TRANSCRIPT_BYTES} bytes`, 'check');
    const buf = Buffer.alloc(size);
    let n = 0;
    while (n < size) {
      const got = readSync(this.#fd, buf, n, size - n, n);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  }

  get head(): string {
    return this.#head;
  }

  append(event: TranscriptEvent, time: Date = new Date()): TranscriptRecord {
    if (this.#fd === null) throw new Error(`transcript ${this.path} is closed`);
    const record = { ...event, seq: this.#seq + 1, prev: this.#head, time: time.toISOString() } as TranscriptRecord;
    const line = canonicalJson(record);
    const buf = Buffer.from(`${line}\n`, 'utf8');
    try {
      writeSync(this.#fd, buf);
      fdatasyncSync(this.#fd);
    } catch (e) {
      throw new CeremonyError(
        'CEREMONY_OUTPUT_UNWRITABLE',
        `cannot append to ${this.path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
        'environment',
      );
    }
    this.#seq += 1;
    this.#head = lineHash(line);
    return record;
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
