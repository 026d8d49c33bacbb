import { SerialPort } from 'serialport';
import { DeviceError } from '../device-errors.js';
import { listSysfsPorts } from './list-sysfs-ports.js';

/**
 * A serial port as the OS reports it. Identical USB-UART adapters differ only in their
 * serial number (when they have one) and their `location` (the USB port they sit in), so
 * a fixture is best recognized by those, not by the path, which the OS hands out in
 * plug-in order.
 */
export interface SerialPortInfo {
  readonly path: string;
  readonly manufacturer?: string;
  /** USB vendor id, lowercase hex (e.g. "1915" for Nordic) */
  readonly vendorId?: string;
  /** USB product id, lowercase hex */
  readonly productId?: string;
  readonly serialNumber?: string;
  /** physical location (USB topology path / locationId), when the OS tells */
  readonly location?: string;
  readonly pnpId?: string;
}

/**
 * What SerialPort.list() reports per port. Its own type (PortInfo of
 * @serialport/bindings-interface) does not resolve under the Bundler module resolution:
 * that package's exports carry no types condition.
 */
interface RawPortInfo {
  readonly path: string;
  readonly manufacturer?: string | undefined;
  readonly serialNumber?: string | undefined;
  readonly pnpId?: string | undefined;
  readonly locationId?: string | undefined;
  readonly productId?: string | undefined;
  readonly vendorId?: string | undefined;
}

export async function listSerialPorts(): Promise<SerialPortInfo[]> {
  let raw: RawPortInfo[];
  try {
    raw = (await SerialPort.list()) as RawPortInfo[];
  } catch (e) {
    // serialport lists Linux ports through udevadm, which machines without udev lack.
    if (process.platform === 'linux' && (e as NodeJS.ErrnoException).code === 'ENOENT') return listSysfsPorts().sort((a, b) => a.path.localeCompare(b.path));
    throw new DeviceError('LINK_OPEN_FAILED', `cannot list serial ports: ${(e as Error).message}`);
  }
  return raw.map(toPortInfo).sort((a, b) => a.path.localeCompare(b.path));
}

export function toPortInfo(p: RawPortInfo): SerialPortInfo {
  const info: { -readonly [K in keyof SerialPortInfo]: SerialPortInfo[K] } = { path: p.path };
  if (p.manufacturer) info.manufacturer = p.manufacturer;
  if (p.vendorId) info.vendorId = p.vendorId.toLowerCase();
  if (p.productId) info.productId = p.productId.toLowerCase();
  if (p.serialNumber) info.serialNumber = p.serialNumber;
  if (p.locationId) info.location = p.locationId;
  if (p.pnpId) info.pnpId = p.pnpId;
  return info;
}

/** What tells one physical port from another: the path plus whatever USB identity it has. */
export function portIdentityKey(p: SerialPortInfo): string {
  return [p.path, p.vendorId ?? '', p.productId ?? '', p.serialNumber ?? '', p.location ?? ''].join('|');
}
