import { describe, expect, it } from 'vitest';
import type { SerialPortInfo } from '../../main/devices/serial/list-serial-ports.js';
import { globSegment } from '../../main/devices/serial/list-glob-ports.js';
import { fixturePortSource, matchesFixture } from '../../main/station/fixture-ports.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { STATION_POLICY } from '../support/station-fixture.js';

const FIXTURE = { usbVendorId: '1915', usbProductId: '520F' };
const policyWith = (fixture: string) => parseProductPolicy(`${STATION_POLICY}${fixture}`).policy;

describe('fixture ports (auto station)', () => {
  it('matches USB vendor and product id from the port metadata, ignoring case', () => {
    expect(matchesFixture({ path: '/dev/ttyACM0', vendorId: '1915', productId: '520f' }, FIXTURE)).toBe(true);
    expect(matchesFixture({ path: '/dev/ttyACM0', vendorId: '1915', productId: '520F' }, { usbVendorId: '1915', usbProductId: '520f' })).toBe(true);
    expect(matchesFixture({ path: '/dev/ttyACM1', vendorId: '1915', productId: '9100' }, FIXTURE)).toBe(false);
    expect(matchesFixture({ path: '/dev/ttyUSB0', vendorId: '0403', productId: '520f' }, FIXTURE)).toBe(false);
    // No USB metadata (a built-in UART, a PTY): never the fixture's.
    expect(matchesFixture({ path: '/dev/ttyS0' }, FIXTURE)).toBe(false);
    expect(matchesFixture({ path: '/dev/ttyS1', vendorId: '1915' }, FIXTURE)).toBe(false);
  });

  it("lists only the fixture's ports from SerialPort.list() metadata", async () => {
    const ports: SerialPortInfo[] = [
      { path: '/dev/ttyACM0', vendorId: '1915', productId: '520f', serialNumber: 'A' },
      { path: '/dev/ttyACM1', vendorId: '1915', productId: '9100' },
      { path: '/dev/ttyS0' },
      { path: '/dev/ttyACM2', vendorId: '1915', productId: '520f', serialNumber: 'B' },
    ];
    const source = fixturePortSource(policyWith('fixture:\n  usbVendorId: "1915"\n  usbProductId: "520F"\n'), { listUsbPorts: async () => ports });
    expect((await source.list()).map((p) => p.path)).toEqual(['/dev/ttyACM0', '/dev/ttyACM2']);
    expect(source.description).toBe('USB serial ports 1915:520F');
  });

  it('refuses to guess without fixture ids or a pattern (FIXTURE_NOT_DEFINED)', () => {
    expect(() => fixturePortSource(policyWith(''))).toThrow(expect.objectContaining({ code: 'FIXTURE_NOT_DEFINED' }));
    expect(fixturePortSource(policyWith(''), { portGlob: '/tmp/sim/station-*' }).description).toMatch(/station-\*/);
    expect(() => fixturePortSource(policyWith(''), { portGlob: '/tmp/*/station-1' })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('port patterns: *, ? and [..] in the last segment, whole names, no hidden names', () => {
    expect(globSegment('station-*').test('station-12')).toBe(true);
    expect(globSegment('station-*').test('dev-12')).toBe(false);
    expect(globSegment('station-*').test('xstation-1')).toBe(false);
    expect(globSegment('ttyACM?').test('ttyACM3')).toBe(true);
    expect(globSegment('ttyACM?').test('ttyACM10')).toBe(false);
    expect(globSegment('ttyUSB[0-3]').test('ttyUSB2')).toBe(true);
    expect(globSegment('ttyUSB[!0-3]').test('ttyUSB2')).toBe(false);
    expect(globSegment('*').test('.lock')).toBe(false);
    expect(globSegment('a.b').test('axb')).toBe(false);
  });
});
