import { globPortLister } from '../devices/serial/list-glob-ports.js';
import { listSerialPorts, type SerialPortInfo } from '../devices/serial/list-serial-ports.js';
import type { ProductPolicy } from './product-policy-schema.js';
import { StationError } from './station-errors.js';

export type FixtureIds = NonNullable<ProductPolicy['fixture']>;

/**
 * Whether a listed port belongs to the product's fixture: its USB vendor and product id
 * are the policy's. The OS reports the ids in either case (and `toPortInfo` lowercases
 * them, the policy allows both), so the comparison ignores case. A port without USB
 * metadata (a built-in UART, a PTY) never matches: the auto station must not open a port
 * it cannot tell is the fixture's.
 */
export function matchesFixture(port: SerialPortInfo, fixture: FixtureIds): boolean {
  if (port.vendorId === undefined || port.productId === undefined) return false;
  return port.vendorId.toLowerCase() === fixture.usbVendorId.toLowerCase() && port.productId.toLowerCase() === fixture.usbProductId.toLowerCase();
}

export interface FixturePortSourceOptions {
  /** take every character device matching this pattern as a fixture port (PTYs, udev symlinks) */
  readonly portGlob?: string;
  /** replaces SerialPort.list() (tests) */
  readonly listUsbPorts?: () => Promise<SerialPortInfo[]>;
}

/** Where the auto station finds the fixture's ports, listed fresh on each poll. */
export interface FixturePortSource {
  /** for the technician: what is being watched */
  readonly description: string;
  list(): Promise<SerialPortInfo[]>;
}

/**
 * The fixture's ports: those SerialPort.list() reports with the policy's USB ids, or,
 * with a pattern, the character devices it names. Fails before anything is watched when
 * neither can say which ports are the fixture's, rather than open every port there is.
 */
export function fixturePortSource(policy: ProductPolicy, options: FixturePortSourceOptions = {}): FixturePortSource {
  if (options.portGlob !== undefined) {
    return { description: `character devices matching ${options.portGlob}`, list: globPortLister(options.portGlob) };
  }
  const fixture = policy.fixture;
  if (fixture === undefined) {
    throw new StationError(
      'FIXTURE_NOT_DEFINED',
      `the product policy of model ${policy.model} names no fixture (fixture.usbVendorId, fixture.usbProductId): give --port-glob or --port`,
      'input',
    );
  }
  const listUsb = options.listUsbPorts ?? listSerialPorts;
  return {
    description: `USB serial ports ${fixture.usbVendorId}:${fixture.usbProductId}`,
    list: async () => (await listUsb()).filter((p) => matchesFixture(p, fixture)),
  };
}
