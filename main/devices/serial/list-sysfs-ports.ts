import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { SerialPortInfo } from './list-serial-ports.js';

const SYS_TTY = '/sys/class/tty';
/** attribute files are a few bytes; anything longer is not what we read */
const ATTRIBUTE_MAX = 256;

/**
 * Serial ports from sysfs, for Linux machines without udev's `udevadm` (containers, minimal
 * station images), where serialport's own lister fails. A tty with a `device` link is
 * hardware (virtual consoles and PTYs have none); USB identity comes from the nearest
 * ancestor that has `idVendor`, as udev would report it.
 */
export function listSysfsPorts(root = SYS_TTY): SerialPortInfo[] {
  if (!existsSync(root)) return [];
  const ports: SerialPortInfo[] = [];
  for (const name of readdirSync(root)) {
    const deviceLink = join(root, name, 'device');
    if (!existsSync(deviceLink)) continue;
    let device: string;
    try {
      device = realpathSync(deviceLink);
    } catch {
      continue;
    }
    // 8250 UARTs register every possible port; only those with a probed type are real.
    if (name.startsWith('ttyS') && attribute(join(root, name), 'type') === '0') continue;
    const info: { -readonly [K in keyof SerialPortInfo]: SerialPortInfo[K] } = { path: `/dev/${name}` };
    const usb = usbAncestor(device);
    if (usb !== null) {
      const vendorId = attribute(usb, 'idVendor');
      const productId = attribute(usb, 'idProduct');
      const serialNumber = attribute(usb, 'serial');
      const manufacturer = attribute(usb, 'manufacturer');
      if (vendorId) info.vendorId = vendorId.toLowerCase();
      if (productId) info.productId = productId.toLowerCase();
      if (serialNumber) info.serialNumber = serialNumber;
      if (manufacturer) info.manufacturer = manufacturer;
      // the USB topology path (bus-port.port…), what udev calls the location
      info.location = basename(usb);
    }
    ports.push(info);
  }
  return ports;
}

function usbAncestor(device: string): string | null {
  for (let dir = device; dir !== dirname(dir); dir = dirname(dir)) {
    if (existsSync(join(dir, 'idVendor'))) return dir;
  }
  return null;
}

function attribute(dir: string, name: string): string | undefined {
  try {
    const text = readFileSync(join(dir, name)).subarray(0, ATTRIBUTE_MAX).toString('utf8').trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}
