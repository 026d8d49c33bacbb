import { SerialPort } from 'serialport';
import { DeviceError } from '../device-errors.js';
import type { LineLink } from '../line-link.js';
import { LineFramer, type FramedLine } from './line-framer.js';

export interface SerialLineLinkOptions {
  readonly baudRate: number;
  /** longest accepted line without its terminator (default 4096) */
  readonly maxLineBytes?: number;
  /** how long one write may take to reach the OS before LINK_TIMEOUT (default 5000 ms) */
  readonly writeTimeoutMs?: number;
}

/**
 * Lines the reader has not asked for yet are kept up to this many; beyond that the oldest
 * go. A station reads every answer it asked for, so only a chattering device hits this,
 * and it must not grow memory without bound.
 */
const MAX_QUEUED_LINES = 1024;

/** How often an open port is checked for a hang-up the serialport package missed. */
const HANGUP_CHECK_MS = 250;

/**
 * Opens a serial port (or PTY) as a LineLink. The port's 'error' and 'close' events are
 * always handled: whatever happens to the port ends up as LINK_CLOSED on the next read or
 * write, never as an unhandled 'error' event.
 */
export async function openSerialLineLink(path: string, options: SerialLineLinkOptions): Promise<SerialLineLink> {
  const port = new SerialPort({ path, baudRate: options.baudRate, autoOpen: false });
  const link = new SerialLineLink(port, path, options);
  try {
    await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  } catch (e) {
    throw new DeviceError('LINK_OPEN_FAILED', `cannot open ${path}: ${(e as Error).message}`, { path });
  }
  // Whatever the device said before we were listening (a boot banner, a previous
  // station's unread answers) is not an answer to anything we will ask.
  await new Promise<void>((resolve) => port.flush(() => resolve()));
  link.discardInput();
  link.startHangupWatch();
  return link;
}

/**
 * The part of the open port's binding the hang-up watch uses. serialport's own type for it
 * (@serialport/bindings-interface) does not resolve under the Bundler module resolution:
 * that package's exports carry no types condition.
 */
interface OpenBinding {
  readonly isOpen: boolean;
  getBaudRate(): Promise<{ baudRate: number }>;
}

interface Waiter {
  resolve(line: string): void;
  reject(err: DeviceError): void;
}

export class SerialLineLink implements LineLink {
  readonly #port: SerialPort;
  readonly #framer: LineFramer;
  readonly #queue: FramedLine[] = [];
  #waiter: Waiter | undefined;
  #closedReason: string | undefined;
  readonly #writeTimeoutMs: number;
  #hangupTimer: NodeJS.Timeout | undefined;

  constructor(
    port: SerialPort,
    readonly path: string,
    options: SerialLineLinkOptions,
  ) {
    this.#port = port;
    this.#writeTimeoutMs = options.writeTimeoutMs ?? 5000;
    this.#framer = new LineFramer(options.maxLineBytes ?? 4096, (item) => this.#deliver(item));
    port.on('data', (chunk: Buffer) => this.#framer.push(chunk));
    port.on('error', (err: Error) => this.#markClosed(`port error: ${err.message}`));
    port.on('close', () => this.#markClosed('the port was closed'));
  }

  get isOpen(): boolean {
    return this.#closedReason === undefined && this.#port.isOpen;
  }

  async writeLine(line: string): Promise<void> {
    if (/[\r\n]/.test(line)) throw new DeviceError('LINK_GARBAGE', 'refusing to send a line that contains CR or LF');
    await this.writeRaw(Buffer.from(`${line}\r\n`, 'latin1'));
  }

  /** Sends bytes as they are: for simulated devices that must misbehave. */
  async writeRaw(bytes: Buffer): Promise<void> {
    this.#assertOpen();
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new DeviceError('LINK_TIMEOUT', `writing to ${this.path} took longer than ${this.#writeTimeoutMs} ms`, { path: this.path })),
        this.#writeTimeoutMs,
      );
      const done = (err: Error | null | undefined) => {
        clearTimeout(timer);
        if (err) reject(this.#closedError(`write failed: ${err.message}`));
        else resolve();
      };
      try {
        this.#port.write(bytes, (err) => {
          if (err) return done(err);
          this.#port.drain((drainErr) => done(drainErr));
        });
      } catch (e) {
        done(e as Error);
      }
    });
  }

  readLine(timeoutMs: number): Promise<string> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return 'line' in queued ? Promise.resolve(queued.line) : Promise.reject(queued.error);
    if (this.#closedReason !== undefined) return Promise.reject(this.#closedError(this.#closedReason));
    if (this.#waiter !== undefined) return Promise.reject(new DeviceError('DEVICE_UNKNOWN', 'readLine called while another read is pending'));
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiter = undefined;
        reject(new DeviceError('LINK_TIMEOUT', `no complete line from ${this.path} within ${timeoutMs} ms`, { path: this.path, timeoutMs }));
      }, timeoutMs);
      this.#waiter = {
        resolve: (line) => {
          clearTimeout(timer);
          resolve(line);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      };
    });
  }

  /**
   * When the far end of a tty goes away (USB unplugged, socat gone) the kernel hangs the
   * tty up: reads then return 0 bytes, which the serialport package (13.0) retries forever
   * instead of reporting, so neither 'close' nor 'error' comes. Termios ioctls on a hung-up
   * tty fail with EIO, so asking for the baud rate now and then tells us. Called once
   * the port is open.
   */
  startHangupWatch(): void {
    const check = () => {
      const binding = this.#port.port as OpenBinding | undefined;
      if (this.#closedReason !== undefined || binding === undefined || !binding.isOpen) return;
      binding.getBaudRate().then(
        () => {
          if (this.#closedReason === undefined) this.#hangupTimer = setTimeout(check, HANGUP_CHECK_MS).unref();
        },
        (err: Error) => {
          if (/Input\/output error|No such device|Bad file descriptor/i.test(err.message)) {
            this.#markClosed(`the device hung up (${err.message})`);
            // Closing also ends the package's read retry loop.
            if (this.#port.isOpen) this.#port.close(() => {});
          }
          // Anything else (a platform without the ioctl): no watch, the events must do.
        },
      );
    };
    this.#hangupTimer = setTimeout(check, HANGUP_CHECK_MS).unref();
  }

  discardInput(): void {
    this.#queue.length = 0;
    this.#framer.reset();
  }

  async close(): Promise<void> {
    if (!this.#port.isOpen) {
      this.#markClosed('the link was closed');
      return;
    }
    await new Promise<void>((resolve) => this.#port.close(() => resolve()));
    this.#markClosed('the link was closed');
  }

  #deliver(item: FramedLine): void {
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      if ('line' in item) waiter.resolve(item.line);
      else waiter.reject(item.error);
      return;
    }
    this.#queue.push(item);
    if (this.#queue.length > MAX_QUEUED_LINES) this.#queue.shift();
  }

  #markClosed(reason: string): void {
    if (this.#closedReason !== undefined) return;
    this.#closedReason = reason;
    if (this.#hangupTimer !== undefined) clearTimeout(this.#hangupTimer);
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(this.#closedError(reason));
  }

  #assertOpen(): void {
    if (this.#closedReason !== undefined) throw this.#closedError(this.#closedReason);
    if (!this.#port.isOpen) throw this.#closedError('the port is not open');
  }

  #closedError(reason: string): DeviceError {
    return new DeviceError('LINK_CLOSED', `${this.path}: ${reason}`, { path: this.path });
  }
}
