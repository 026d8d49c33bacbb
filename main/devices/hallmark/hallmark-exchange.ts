import { randomBytes } from 'node:crypto';
import { DeviceError } from '../device-errors.js';
import type { LineLink } from '../line-link.js';
import { HM_BOOT_PREFIX } from './hallmark-protocol.js';

export interface ExchangeSpec {
  /** the command line, e.g. `HM+IDENT` */
  readonly command: string;
  /** the information-response name, e.g. `IDENT` for `+IDENT:` lines */
  readonly name: string;
  /** the whole response (all lines up to OK) must arrive within this */
  readonly timeoutMs: number;
  /** more information lines than this is a misbehaving device */
  readonly maxInfoLines: number;
}

/**
 * One command, one response: sends the command and collects its `+NAME: …` lines up to
 * the final `OK`. Anything else (another command's answer, a boot banner, noise) ends the
 * exchange with a coded error. After a failure the device and station may be out of step
 * (a late answer still on its way), so the next exchange first resynchronizes with
 * `HM+SYNC=<random token>` and skips everything up to that token's answer.
 */
export class HallmarkExchange {
  #needsSync = false;

  constructor(private readonly link: LineLink) {}

  async run(spec: ExchangeSpec): Promise<string[]> {
    if (this.#needsSync) await this.#resync(spec.timeoutMs);
    try {
      return await this.#run(spec);
    } catch (e) {
      this.#needsSync = true;
      throw withCommand(e, spec.command);
    }
  }

  async #run(spec: ExchangeSpec): Promise<string[]> {
    const deadline = Date.now() + spec.timeoutMs;
    this.link.discardInput();
    await this.link.writeLine(spec.command);
    const infos: string[] = [];
    const prefix = `+${spec.name}: `;
    let first = true;
    for (;;) {
      const line = await this.link.readLine(Math.max(1, deadline - Date.now()));
      // A device left with echo on repeats the command first; tolerated, only there.
      if (first && line === spec.command) {
        first = false;
        continue;
      }
      first = false;
      if (line === 'OK') return infos;
      const err = /^ERROR(?: ([A-Z0-9_]{1,32}))?$/.exec(line);
      if (err) {
        throw new DeviceError('DEVICE_ERROR_RESPONSE', `the device answered ERROR ${err[1] ?? '(no code)'}`, { deviceCode: err[1] ?? null });
      }
      if (line.startsWith(HM_BOOT_PREFIX)) {
        throw new DeviceError('DEVICE_RESET', `the device restarted during the command (${line.slice(0, 120)})`, { banner: line.slice(0, 120) });
      }
      if (!line.startsWith(prefix)) {
        throw new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `expected +${spec.name}: lines or OK, got "${preview(line)}"`, { line: preview(line) });
      }
      if (infos.length >= spec.maxInfoLines) {
        throw new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `more than ${spec.maxInfoLines} +${spec.name}: lines`);
      }
      infos.push(line.slice(prefix.length));
    }
  }

  async #resync(timeoutMs: number): Promise<void> {
    const token = randomBytes(8).toString('hex');
    const command = `HM+SYNC=${token}`;
    const deadline = Date.now() + timeoutMs;
    this.link.discardInput();
    try {
      await this.link.writeLine(command);
      let synced = false;
      for (;;) {
        let line: string;
        try {
          line = await this.link.readLine(Math.max(1, deadline - Date.now()));
        } catch (e) {
          // Noise left over from before the sync is what we are skipping.
          if (e instanceof DeviceError && (e.code === 'LINK_GARBAGE' || e.code === 'LINK_LINE_TOO_LONG')) continue;
          throw e;
        }
        if (line === `+SYNC: ${token}`) synced = true;
        else if (synced && line === 'OK') break;
        else if (synced) throw new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `expected OK after +SYNC, got "${preview(line)}"`);
      }
    } catch (e) {
      throw withCommand(e, command);
    }
    this.#needsSync = false;
  }
}

function withCommand(e: unknown, command: string): unknown {
  if (!(e instanceof DeviceError)) return e;
  const name = command.replace(/=.*$/, '');
  return new DeviceError(e.code, `${name}: ${e.message}`, { ...e.details, command: name });
}

function preview(line: string): string {
  return line.length > 80 ? `${line.slice(0, 80)}…` : line;
}
