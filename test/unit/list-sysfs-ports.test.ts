import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listSysfsPorts } from '../../main/devices/serial/list-sysfs-ports.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-sysfs-');
afterAll(() => tmp.dispose());

/** A sysfs tree as Linux lays it out: class/tty/<name>/device → the interface under its USB device. */
function tree(): string {
  const root = tmp.path;
  const usb = join(root, 'devices/pci0000:00/usb1/1-2');
  const iface = join(usb, '1-2:1.0');
  mkdirSync(join(iface, 'ttyACM0'), { recursive: true });
  for (const [k, v] of Object.entries({ idVendor: '1915\n', idProduct: 'C00A\n', serial: 'FIX-07\n', manufacturer: 'Nordic Semiconductor\n' }))
    writeFileSync(join(usb, k), v);
  const platform = join(root, 'devices/platform/serial8250');
  mkdirSync(platform, { recursive: true });
  const cls = join(root, 'class/tty');
  for (const name of ['ttyACM0', 'ttyS0', 'ttyS1', 'tty1', 'pts']) mkdirSync(join(cls, name), { recursive: true });
  symlinkSync(iface, join(cls, 'ttyACM0/device'));
  symlinkSync(platform, join(cls, 'ttyS0/device'));
  symlinkSync(platform, join(cls, 'ttyS1/device'));
  writeFileSync(join(cls, 'ttyS0/type'), '4\n');
  writeFileSync(join(cls, 'ttyS1/type'), '0\n'); // registered, never probed: not a port
  return cls;
}

describe('serial ports from sysfs (machines without udevadm)', () => {
  it('lists hardware ttys with their USB identity, and skips consoles, PTYs and unprobed UARTs', () => {
    const ports = listSysfsPorts(tree()).sort((a, b) => a.path.localeCompare(b.path));
    expect(ports).toEqual([
      { path: '/dev/ttyACM0', vendorId: '1915', productId: 'c00a', serialNumber: 'FIX-07', manufacturer: 'Nordic Semiconductor', location: '1-2' },
      { path: '/dev/ttyS0' },
    ]);
  });

  it('answers an empty list where there is no sysfs', () => {
    expect(listSysfsPorts(join(tmp.path, 'nowhere'))).toEqual([]);
  });
});
