import { isHallmarkError } from '../errors/hallmark-error.js';
import { DeviceError } from './device-errors.js';
import { HallmarkProtocolDriver } from './hallmark/hallmark-driver.js';
import type { DeviceIdentity, LineLink } from './line-link.js';
import { Nrf91Driver } from './nrf91/nrf91-driver.js';
import { openSerialLineLink } from './serial/serial-line-link.js';

export interface ProbeAttempt {
  readonly protocol: DeviceIdentity['protocol'];
  /** the error code that ruled this protocol out */
  readonly code: string;
  readonly message: string;
}

export interface ProbeResult {
  readonly path: string;
  readonly identity: DeviceIdentity;
  /** protocols tried before the one that answered */
  readonly attempts: readonly ProbeAttempt[];
}

export interface ProbeOptions {
  /** per command (default 2000 ms) */
  readonly timeoutMs?: number;
  readonly baudRate?: number;
}

/**
 * Finds out what is on a port: the Hallmark protocol first (HM+IDENT is harmless), then
 * the nRF91 AT dialect. The nRF91 identify sets the modem offline (AT+CFUN=4) as the
 * factory sequence does; a technician probing a fixture expects that. Fails with
 * DEVICE_PROTOCOL_UNSUPPORTED (details list each protocol's reason) when neither answers,
 * and with LINK_CLOSED / LINK_OPEN_FAILED when the port itself is the problem.
 */
export async function probeDevice(path: string, options: ProbeOptions = {}): Promise<ProbeResult> {
  const timeoutMs = options.timeoutMs ?? 2000;
  const link = await openSerialLineLink(path, { baudRate: options.baudRate ?? 115200 });
  try {
    return await probeLink(link, path, timeoutMs);
  } finally {
    await link.close();
  }
}

export async function probeLink(link: LineLink, path: string, timeoutMs: number): Promise<ProbeResult> {
  const attempts: ProbeAttempt[] = [];
  const tries: [DeviceIdentity['protocol'], () => Promise<DeviceIdentity>][] = [
    ['hallmark', () => new HallmarkProtocolDriver(link, { timeouts: { identMs: timeoutMs } }).identify()],
    ['nrf91', () => new Nrf91Driver(link, { timeouts: { commandMs: timeoutMs } }).identify()],
  ];
  for (const [protocol, identify] of tries) {
    try {
      return { path, identity: await identify(), attempts };
    } catch (e) {
      if (!isHallmarkError(e)) throw e;
      // A Hallmark device of another protocol version is still a Hallmark device: say so.
      if (e.code === 'DEVICE_PROTOCOL_UNSUPPORTED' || e.code === 'LINK_CLOSED') throw e;
      attempts.push({ protocol, code: e.code, message: e.message });
      link.discardInput();
    }
  }
  throw new DeviceError(
    'DEVICE_PROTOCOL_UNSUPPORTED',
    `nothing on ${path} answered as a known device (${attempts.map((a) => `${a.protocol}: ${a.code}`).join('; ')})`,
    { path, attempts },
  );
}
