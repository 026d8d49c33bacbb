import { afterAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../main/devices/device-errors.js';
import type { SerialPortInfo } from '../../main/devices/serial/list-serial-ports.js';
import { openSerialLineLink, type SerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import { watchSerialPorts } from '../../main/devices/serial/serial-port-watcher.js';
import { ptyPairs, socatPidsMentioning } from '../support/pty-pair.js';

const ptys = ptyPairs('hallmark-link-');
const links: SerialLineLink[] = [];
afterAll(async () => {
  await Promise.all(links.map((l) => l.close()));
  await ptys.disposeAll();
  expect(socatPidsMentioning(ptys.dir)).toEqual([]);
});

async function connected(maxLineBytes = 64): Promise<{ station: SerialLineLink; device: SerialLineLink; dispose: () => Promise<void> }> {
  const pair = await ptys.pair();
  const station = await openSerialLineLink(pair.stationPath, { baudRate: 115200, maxLineBytes });
  const device = await openSerialLineLink(pair.devicePath, { baudRate: 115200, maxLineBytes });
  links.push(station, device);
  return { station, device, dispose: () => pair.dispose() };
}

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    expect(e).toBeInstanceOf(DeviceError);
    return (e as DeviceError).code;
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a serial line link over a real PTY pair', () => {
  it('carries lines both ways, CRLF- or LF-terminated, and skips empty lines', async () => {
    const { station, device } = await connected();
    await station.writeLine('HM+IDENT');
    expect(await device.readLine(1000)).toBe('HM+IDENT');
    await device.writeRaw(Buffer.from('\r\n+IDENT: a=b\r\nOK\n\n'));
    expect(await station.readLine(1000)).toBe('+IDENT: a=b');
    expect(await station.readLine(1000)).toBe('OK');
  });

  it('joins a line that arrives in pieces', async () => {
    const { station, device } = await connected();
    await device.writeRaw(Buffer.from('+CSR: 1/1,AB'));
    await pause(30);
    await device.writeRaw(Buffer.from('CD\r'));
    await pause(30);
    await device.writeRaw(Buffer.from('\nOK\r\n'));
    expect(await station.readLine(1000)).toBe('+CSR: 1/1,ABCD');
    expect(await station.readLine(1000)).toBe('OK');
  });

  it('reports an overlong line once, drops the rest of it, and goes on', async () => {
    const { station, device } = await connected(64);
    await device.writeRaw(Buffer.from(`${'A'.repeat(200)}\r\nnext\r\n`));
    expect(await codeOf(station.readLine(1000))).toBe('LINK_LINE_TOO_LONG');
    expect(await station.readLine(1000)).toBe('next');
  });

  it('reports an endless line without waiting for its end', async () => {
    const { station, device } = await connected(64);
    await device.writeRaw(Buffer.alloc(500, 0x41));
    expect(await codeOf(station.readLine(1000))).toBe('LINK_LINE_TOO_LONG');
  });

  it('reports binary noise as garbage for that line only', async () => {
    const { station, device } = await connected();
    await device.writeRaw(Buffer.from([0x4f, 0x00, 0xff, 0x80, 0x0d, 0x0a]));
    await device.writeRaw(Buffer.from('half\rline\r\n'));
    await device.writeLine('OK');
    expect(await codeOf(station.readLine(1000))).toBe('LINK_GARBAGE');
    expect(await codeOf(station.readLine(1000))).toBe('LINK_GARBAGE');
    expect(await station.readLine(1000)).toBe('OK');
  });

  it('times out a read, and the link still works afterwards', async () => {
    const { station, device } = await connected();
    const started = Date.now();
    expect(await codeOf(station.readLine(150))).toBe('LINK_TIMEOUT');
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    await device.writeLine('late');
    expect(await station.readLine(1000)).toBe('late');
  });

  it('discardInput drops queued and partial input', async () => {
    const { station, device } = await connected();
    await device.writeRaw(Buffer.from('stale\r\npart'));
    await pause(50);
    station.discardInput();
    await device.writeRaw(Buffer.from('fresh\r\n'));
    expect(await station.readLine(1000)).toBe('fresh');
  });

  it('refuses to send a line with CR or LF in it', async () => {
    const { station } = await connected();
    expect(await codeOf(station.writeLine('a\r\nb'))).toBe('LINK_GARBAGE');
  });

  it('ends a pending read with LINK_CLOSED when the far end disappears, and later reads and writes too', async () => {
    const { station, dispose } = await connected();
    const pending = codeOf(station.readLine(5000));
    await dispose(); // socat gone: the station's PTY hangs up, as an unplugged USB device
    expect(await pending).toBe('LINK_CLOSED');
    expect(station.isOpen).toBe(false);
    expect(await codeOf(station.readLine(100))).toBe('LINK_CLOSED');
    expect(await codeOf(station.writeLine('HM+IDENT'))).toBe('LINK_CLOSED');
  });

  it('notices the far end vanishing right after a partial line (the hang-up serialport alone can miss)', async () => {
    // Without the hang-up watch about one in four of these waited for the timeout.
    for (let i = 0; i < 8; i++) {
      const { station, device, dispose } = await connected();
      const pending = codeOf(station.readLine(2000));
      await device.writeRaw(Buffer.from('+CSR: 1/1,AAA'));
      await device.close();
      await dispose();
      expect(await pending).toBe('LINK_CLOSED');
    }
  });

  it('fails to open a port that is not there with LINK_OPEN_FAILED', async () => {
    expect(await codeOf(openSerialLineLink(`${ptys.dir}/no-such-port`, { baudRate: 115200 }))).toBe('LINK_OPEN_FAILED');
  });

  it('closing our own end rejects a pending read with LINK_CLOSED', async () => {
    const { station } = await connected();
    const pending = codeOf(station.readLine(5000));
    await station.close();
    expect(await pending).toBe('LINK_CLOSED');
  });
});

describe('the serial port watcher', () => {
  it('reports ports appearing and disappearing between polls', async () => {
    const a: SerialPortInfo = { path: '/dev/ttyACM0', vendorId: '1915', productId: '9100', serialNumber: 'A1' };
    const b: SerialPortInfo = { path: '/dev/ttyACM1', vendorId: '1915', productId: '9100', serialNumber: 'B2' };
    const swapped: SerialPortInfo = { ...a, serialNumber: 'C3' };
    const listings = [[a], [a, b], [b], [swapped, b]];
    let i = 0;
    const events: string[] = [];
    const watcher = watchSerialPorts({
      intervalMs: 10,
      list: async () => listings[Math.min(i++, listings.length - 1)]!,
      onAdded: (p) => events.push(`+${p.path}/${p.serialNumber}`),
      onRemoved: (p) => events.push(`-${p.path}/${p.serialNumber}`),
    });
    await watcher.ready;
    while (i < listings.length + 1) await pause(10);
    watcher.stop();
    expect(events).toEqual(['+/dev/ttyACM0/A1', '+/dev/ttyACM1/B2', '-/dev/ttyACM0/A1', '+/dev/ttyACM0/C3']);
  });

  it('keeps watching when a listing fails', async () => {
    let calls = 0;
    const errors: unknown[] = [];
    const added: string[] = [];
    const watcher = watchSerialPorts({
      intervalMs: 10,
      list: async () => {
        if (++calls === 1) throw new Error('udev hiccup');
        return [{ path: '/dev/ttyUSB0' }];
      },
      onAdded: (p) => added.push(p.path),
      onRemoved: () => {},
      onError: (e) => errors.push(e),
    });
    while (calls < 3) await pause(10);
    watcher.stop();
    expect(errors).toHaveLength(1);
    expect(added).toEqual(['/dev/ttyUSB0']);
  });
});
