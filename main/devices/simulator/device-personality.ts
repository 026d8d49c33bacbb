/**
 * The device side of a simulated device: a personality answers the station's lines.
 * The simulator framework (sim-device.ts) owns the PTY and the line framing and calls
 * `handleLine` once per received line, strictly one at a time (the next line waits until
 * the previous call settles), so a personality can keep its state in plain fields.
 */
export interface DeviceIo {
  /** Sends one line (CRLF appended), paced at the simulated baud rate. Resolves silently if the port is gone. */
  writeLine(line: string): Promise<void>;
  /** Sends raw bytes as-is (no CRLF): for garbage and partial lines. */
  writeRaw(bytes: Buffer): Promise<void>;
  /** Waits, e.g. for a keygen delay or a stall. */
  sleep(ms: number): Promise<void>;
  /**
   * Closes the device's end of the PTY for good: the device disappears from the station's
   * view (the station sees LINK_CLOSED). Nothing more is handled after this.
   */
  drop(): Promise<void>;
  /**
   * Closes and reopens the device's end (a reboot / USB re-enumeration): queued input is
   * lost, `onReset` of the personality runs, then lines are handled again.
   */
  reset(): Promise<void>;
}

/** What every simulated device is told at start: its place in the batch and its options. */
export interface PersonalityContext {
  /** 0-based index of the device in the simulator run */
  readonly index: number;
  /** the serial this device reports (already formatted by the simulator: e.g. HM-SIM-0001, or an IMEI) */
  readonly serial: string;
  readonly model: string;
  /** the faults this device has been told to exhibit (empty for a good device) */
  readonly faults: ReadonlySet<FaultMode>;
  /** the device's key pair, made at simulator start (shared between devices for `duplicate-key`) */
  readonly key: SimulatedKey;
  /** simulated timings */
  readonly timing: SimulatedTiming;
  /** a deterministic PRNG for this device (seeded per run and index) */
  readonly random: () => number;
}

export interface SimulatedKey {
  readonly algorithm: 'p256' | 'p384' | 'ed25519';
  readonly privateKey: import('node:crypto').KeyObject;
  readonly publicKey: import('node:crypto').KeyObject;
}

export interface SimulatedTiming {
  /** how long a keygen takes, ms (a random value in [min, max]) */
  readonly keygenMinMs: number;
  readonly keygenMaxMs: number;
  /** how long a `stall` fault waits before (never) answering, ms */
  readonly stallMs: number;
}

/**
 * The simulator's fault modes. Each personality interprets what applies to its protocol
 * (e.g. `drop-mid-csr` drops the line half-way through the CSR response of either protocol).
 */
export const FAULT_MODES = [
  'drop-mid-csr',
  'drop-mid-chain',
  'garbage',
  'reset',
  'bad-signature',
  'stale-nonce',
  'duplicate-key',
  'bogus-serial',
  'corrupt-chain',
  'stall',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export function isFaultMode(s: string): s is FaultMode {
  return (FAULT_MODES as readonly string[]).includes(s);
}

export interface DevicePersonality {
  readonly protocol: string;
  handleLine(line: string, io: DeviceIo): Promise<void>;
  /** Called after io.reset(): the device rebooted; volatile state is lost. */
  onReset?(): void;
}

/** Makes a personality for one simulated device. */
export type PersonalityFactory = (context: PersonalityContext) => DevicePersonality;

/** How a protocol numbers its devices: e.g. HM-SIM-0001 or a 15-digit IMEI. */
export interface PersonalityDescriptor {
  readonly create: PersonalityFactory;
  readonly defaultModel: string;
  /** the serial of the device at `n` (1-based serial number counter) for `model` */
  formatSerial(model: string, n: number): string;
  /** a serial outside any plan, for the `bogus-serial` fault */
  readonly bogusSerial: string;
}
