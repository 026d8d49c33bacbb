import { DeviceError } from '../device-errors.js';
import { openSerialLineLink, type SerialLineLink } from '../serial/serial-line-link.js';
import type { DeviceIo, DevicePersonality } from './device-personality.js';
import { createPtyPair, type PtyPair } from './pty-pair.js';

export interface SimulatedDeviceOptions {
  /** where the PTY links go */
  readonly dir: string;
  /** names the links: dev-<name>, station-<name> */
  readonly name: string;
  readonly personality: DevicePersonality;
  /** bits per second the device's output is paced at (10 bits a byte, as 8N1); 0 = no pacing */
  readonly baudRate: number;
  readonly maxLineBytes: number;
  /** how long a reset keeps the device silent */
  readonly rebootMs?: number;
  /** a personality threw: reported, and the device goes on with the next line */
  readonly onError?: (err: unknown) => void;
}

/**
 * One simulated device on its own PTY pair: reads the station's lines on its end and
 * hands them, one at a time, to its personality. The personality is never called
 * concurrently, and nothing it does can crash the process.
 */
export class SimulatedDevice {
  #link: SerialLineLink | undefined;
  #stopped = false;
  #gone = false;
  readonly #sleeps = new Set<() => void>();
  readonly #done: Promise<void>;

  private constructor(
    private readonly pty: PtyPair,
    private readonly options: SimulatedDeviceOptions,
    link: SerialLineLink,
  ) {
    this.#link = link;
    this.#done = this.#loop().catch((e: unknown) => options.onError?.(e));
  }

  static async start(options: SimulatedDeviceOptions): Promise<SimulatedDevice> {
    const pty = await createPtyPair(options.dir, options.name);
    try {
      const link = await openSerialLineLink(pty.devicePath, { baudRate: 115200, maxLineBytes: options.maxLineBytes });
      return new SimulatedDevice(pty, options, link);
    } catch (e) {
      await pty.dispose();
      throw e;
    }
  }

  /** The device's personality (tests look at what it stored). */
  get personality(): DevicePersonality {
    return this.options.personality;
  }

  /** The path a station opens. */
  get stationPath(): string {
    return this.pty.stationPath;
  }

  /** true once the device dropped off (its PTY is gone) or was stopped */
  get gone(): boolean {
    return this.#gone || this.#stopped;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    for (const wake of this.#sleeps) wake();
    await this.#link?.close();
    await this.pty.dispose();
    await this.#done;
  }

  async #loop(): Promise<void> {
    const io = this.#io();
    while (!this.#stopped && !this.#gone) {
      const link = this.#link;
      if (link === undefined) return;
      let line: string;
      try {
        line = await link.readLine(1000);
      } catch (e) {
        if (!(e instanceof DeviceError)) throw e;
        if (e.code === 'LINK_TIMEOUT') continue;
        if (e.code === 'LINK_GARBAGE' || e.code === 'LINK_LINE_TOO_LONG') {
          await this.#guard(() =>
            this.options.personality.handleBadLine ? this.options.personality.handleBadLine(e.code as 'LINK_GARBAGE', io) : io.writeLine('ERROR'),
          );
          continue;
        }
        // LINK_CLOSED: during a reset the link is replaced, otherwise we are done.
        if (this.#link !== link) continue;
        return;
      }
      await this.#guard(() => this.options.personality.handleLine(line, io));
    }
  }

  async #guard(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (e) {
      if (!this.#stopped && !this.#gone) this.options.onError?.(e);
    }
  }

  #io(): DeviceIo {
    const pace = async (bytes: number) => {
      if (this.options.baudRate > 0) await sleep((bytes * 10 * 1000) / this.options.baudRate);
    };
    const write = async (bytes: Buffer) => {
      const link = this.#link;
      if (this.#stopped || this.#gone || link === undefined || !link.isOpen) return;
      await pace(bytes.length);
      try {
        await link.writeRaw(bytes);
      } catch {
        // A device whose port went away has no one to tell.
      }
    };
    const io: DeviceIo = {
      writeLine: (line) => write(Buffer.from(`${line}\r\n`, 'latin1')),
      writeRaw: (bytes) => write(bytes),
      sleep: (ms) =>
        new Promise<void>((resolve) => {
          if (this.#stopped) return resolve();
          const wake = () => {
            clearTimeout(timer);
            this.#sleeps.delete(wake);
            resolve();
          };
          const timer = setTimeout(wake, ms);
          this.#sleeps.add(wake);
        }),
      drop: async () => {
        this.#gone = true;
        await this.#link?.close();
        this.#link = undefined;
        // Killing socat is what the station notices: its end of the pair goes away.
        await this.pty.dispose();
      },
      reset: async () => {
        if (this.#stopped || this.#gone) return;
        const old = this.#link;
        this.#link = undefined;
        await old?.close();
        await io.sleep(this.options.rebootMs ?? 50);
        if (this.#stopped || this.#gone) return;
        // The station keeps its end open through this, as with a UART; only the device's end closes.
        this.#link = await openSerialLineLink(this.pty.devicePath, { baudRate: 115200, maxLineBytes: this.options.maxLineBytes });
        this.options.personality.onReset?.();
      },
    };
    return io;
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
