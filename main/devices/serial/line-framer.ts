import { DeviceError } from '../device-errors.js';

/** One framed unit of input: a text line, or the coded reason a line was refused. */
export type FramedLine = { readonly line: string } | { readonly error: DeviceError };

const LF = 0x0a;
const CR = 0x0d;
const TAB = 0x09;

/**
 * Splits a byte stream into lines. A line ends at LF, with an optional CR before it; the
 * terminator is not part of the line. Lines longer than `maxLineBytes` are reported once,
 * as soon as the limit is passed (so a device streaming noise without newlines cannot make
 * the reader wait for one), and the rest up to the next LF is thrown away. A line holding
 * anything but printable ASCII and TAB is reported as garbage, whole, at its end: text
 * protocols have no use for other bytes, and a UART at the wrong baud rate produces exactly
 * those. Empty lines are dropped (AT devices frame responses with them).
 */
export class LineFramer {
  #bytes: number[] = [];
  #discarding = false;
  #garbage = false;

  constructor(
    private readonly maxLineBytes: number,
    private readonly emit: (item: FramedLine) => void,
  ) {}

  push(chunk: Buffer): void {
    for (const byte of chunk) {
      if (byte === LF) {
        this.#endLine();
        continue;
      }
      if (this.#discarding) continue;
      if (this.#bytes.length >= this.maxLineBytes) {
        this.emit({
          error: new DeviceError('LINK_LINE_TOO_LONG', `a line exceeded ${this.maxLineBytes} bytes; the rest of it was discarded`, {
            maxLineBytes: this.maxLineBytes,
          }),
        });
        this.#bytes = [];
        this.#garbage = false;
        this.#discarding = true;
        continue;
      }
      if (!isText(byte)) this.#garbage = true;
      this.#bytes.push(byte);
    }
  }

  /** Forgets any partial line (the next byte starts a fresh one). */
  reset(): void {
    this.#bytes = [];
    this.#discarding = false;
    this.#garbage = false;
  }

  #endLine(): void {
    const bytes = this.#bytes;
    const wasDiscarding = this.#discarding;
    const garbage = this.#garbage;
    this.reset();
    if (wasDiscarding) return;
    if (bytes.at(-1) === CR) bytes.pop();
    if (garbage || bytes.includes(CR)) {
      this.emit({
        error: new DeviceError('LINK_GARBAGE', `received a line with non-text bytes (${bytes.length} bytes)`, {
          preview: Buffer.from(bytes.slice(0, 32)).toString('hex'),
        }),
      });
      return;
    }
    if (bytes.length === 0) return;
    this.emit({ line: Buffer.from(bytes).toString('latin1') });
  }
}

function isText(byte: number): boolean {
  return (byte >= 0x20 && byte <= 0x7e) || byte === TAB || byte === CR;
}
