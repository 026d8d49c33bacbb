import { HallmarkProtocolDriver, type HallmarkTimeouts } from '../devices/hallmark/hallmark-driver.js';
import { wireAlgorithmFor } from '../devices/hallmark/hallmark-protocol.js';
import type { DeviceDriver, LineLink } from '../devices/line-link.js';
import { Nrf91Driver, type Nrf91Timeouts } from '../devices/nrf91/nrf91-driver.js';
import { openSerialLineLink } from '../devices/serial/serial-line-link.js';
import type { ProductPolicy } from './product-policy-schema.js';

export interface DeviceSession {
  readonly driver: DeviceDriver;
  /** a plain function, not a method: callers take it apart from the session */
  readonly close: () => Promise<void>;
}

export interface OpenDeviceOptions {
  readonly baudRate?: number;
  /** one bound for every device exchange (keygen included), for simulators and tests; default: each driver's own */
  readonly stepTimeoutMs?: number;
}

/** Opens a port and puts the policy's protocol driver on it. */
export type DeviceOpener = (port: string, policy: ProductPolicy) => Promise<DeviceSession>;

export function serialDeviceOpener(options: OpenDeviceOptions = {}): DeviceOpener {
  return async (port, policy) => {
    const link = await openSerialLineLink(port, { baudRate: options.baudRate ?? 115200 });
    return { driver: driverFor(link, policy, options.stepTimeoutMs), close: () => link.close() };
  };
}

export function driverFor(link: LineLink, policy: ProductPolicy, stepTimeoutMs?: number): DeviceDriver {
  const t = stepTimeoutMs;
  if (policy.protocol === 'nrf91') {
    const timeouts: Partial<Nrf91Timeouts> = t === undefined ? {} : { commandMs: t, keygenMs: t, cmngWriteMs: t };
    return new Nrf91Driver(link, { timeouts });
  }
  const timeouts: Partial<HallmarkTimeouts> = t === undefined ? {} : { identMs: t, keygenMs: t, csrMs: t, chainMs: t, readbackMs: t, lockMs: t };
  // The device is asked for the policy's first (preferred) algorithm the protocol can name.
  const keyAlgorithm = policy.keyAlgorithms.map(wireAlgorithmFor).find((a) => a !== undefined);
  return new HallmarkProtocolDriver(link, { timeouts, ...(keyAlgorithm !== undefined ? { keyAlgorithm } : {}) });
}
