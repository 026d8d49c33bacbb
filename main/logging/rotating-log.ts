import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * The application log: one JSON object per line, appended to `path`, rotated by size
 * (`hallmark.log` → `hallmark.log.1` → … → `.keep`, the oldest dropped). It is where an
 * unexpected failure's detail goes — the stack a bug report needs — while the window and
 * the CLI get only a code and a sentence pointing here.
 *
 * Writing it never throws: a full disk or a read-only home must not turn a reported
 * failure into a crash, so a line that cannot be written goes to stderr instead. The file
 * and its folder are private (0600 / 0700): a stack can name paths and serials.
 */

export type LogLevel = 'error' | 'warn' | 'info';

export interface LogOptions {
  /** rotate when the file would grow past this (default 1 MiB) */
  maxBytes?: number;
  /** rotated files kept besides the current one (default 5) */
  keep?: number;
}

const MAX_STACK_CHARS = 4096;

export class RotatingLog {
  readonly #maxBytes: number;
  readonly #keep: number;

  constructor(
    readonly path: string,
    options: LogOptions = {},
  ) {
    this.#maxBytes = options.maxBytes ?? 1024 * 1024;
    this.#keep = options.keep ?? 5;
  }

  error(source: string, message: string, cause?: unknown): void {
    this.write('error', source, message, cause);
  }

  warn(source: string, message: string, cause?: unknown): void {
    this.write('warn', source, message, cause);
  }

  info(source: string, message: string): void {
    this.write('info', source, message);
  }

  write(level: LogLevel, source: string, message: string, cause?: unknown): void {
    const line = `${JSON.stringify({ time: new Date().toISOString(), level, source, message, ...(cause !== undefined ? { error: describe(cause) } : {}) })}\n`;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o700 });
      let fd = openSync(this.path, 'a', 0o600);
      const size = fstatSync(fd).size;
      if (size > 0 && size + Buffer.byteLength(line) > this.#maxBytes) {
        closeSync(fd);
        this.#rotate();
        fd = openSync(this.path, 'a', 0o600);
      }
      try {
        writeSync(fd, line);
      } finally {
        closeSync(fd);
      }
    } catch {
      process.stderr.write(`[hallmark] (log ${this.path} not writable) ${line}`);
    }
  }

  #rotate(): void {
    rmSync(`${this.path}.${this.#keep}`, { force: true });
    for (let i = this.#keep - 1; i >= 1; i--) {
      try {
        renameSync(`${this.path}.${i}`, `${this.path}.${i + 1}`);
      } catch {
        // a gap in the series: nothing to move
      }
    }
    renameSync(this.path, `${this.path}.1`);
  }
}

function describe(cause: unknown): Record<string, unknown> {
  if (cause instanceof Error) {
    const code = (cause as { code?: unknown }).code;
    return {
      name: cause.name,
      message: cause.message,
      ...(typeof code === 'string' ? { code } : {}),
      ...(cause.stack ? { stack: cause.stack.slice(0, MAX_STACK_CHARS) } : {}),
    };
  }
  return { value: String(cause).slice(0, MAX_STACK_CHARS) };
}
