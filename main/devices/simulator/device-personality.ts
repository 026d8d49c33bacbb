import type { CsrQuirk } from './simulated-csr.js';
import type { KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '../../keys/key-algorithm.js';

/**
 * The device side of a simulated device: a personality answers the station's lines.
 * The simulator framework (simulated-device.ts) owns the PTY and the line framing and calls
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
  /** the serial this device reports (already formatted by the simulator: e.g. HM-SIM1-0001, or an IMEI) */
  readonly serial: string;
  /** the serial to report instead under the `bogus-serial` fault (the descriptor's default unless configured) */
  readonly bogusSerial: string;
  readonly model: string;
  /** the faults this device has been told to exhibit (empty for a good device) */
  readonly faults: ReadonlySet<FaultMode>;
  /** the device's key pair, made at simulator start (shared between devices for `duplicate-key`) */
  readonly key: SimulatedKey;
  /** simulated timings */
  readonly timing: SimulatedTiming;
  /** a deterministic PRNG for this device (seeded per run and index) */
  readonly random: () => number;
  /** the CSR encoding of a real firmware stack to imitate (Hallmark protocol devices) */
  readonly csrQuirk?: CsrQuirk;
  /** Hallmark protocol devices: a Matter device (takes HM+MATTER factory records, reports matter=1) */
  readonly matter?: boolean;
}

export interface SimulatedKey {
  readonly algorithm: KeyAlgorithm;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface SimulatedTiming {
  /** how long a keygen takes, ms (a random value in [min, max]) */
  readonly keygenMinMs: number;
  readonly keygenMaxMs: number;
  /** how long a `stall` fault stays silent before answering after all, ms (longer than the station waits) */
  readonly stallMs: number;
}

/**
 * The simulator's fault modes. Each personality interprets what applies to its protocol
 * (e.g. `drop-mid-csr` drops the line half-way through the CSR response of either protocol).
 * Transient faults (garbage, reset, stall) happen once per device run, so a station's
 * retry succeeds; defects (bad signature, stale nonce, corrupt chain, …) happen every time;
 * a drop ends the device.
 *  drop-mid-csr     the device vanishes (its PTY closes) half-way through sending its CSR
 *  drop-mid-chain   the device vanishes during the chain write
 *  garbage          binary noise instead of the answer to the first identify
 *  reset            the device reboots during the first CSR request and announces it
 *  bad-signature    the CSR's signature does not verify
 *  stale-nonce      the CSR carries a nonce other than the station's
 *  duplicate-key    the device has the same key as another device of the run
 *  bogus-serial     the device reports a serial outside the plan
 *  corrupt-chain    the device stores a chain that differs from what was written
 *  stall            the device goes silent for `stallMs` on its first key generation
 *  wrong-response   the device answers the CSR request with another command's response
 *  junk-csr         the CSR is valid base64 of bytes that are not a CSR
 *  bad-base64       the CSR is not valid base64
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
  'wrong-response',
  'junk-csr',
  'bad-base64',
] as const;
export type FaultMode = (typeof FAULT_MODES)[number];

export function isFaultMode(s: string): s is FaultMode {
  return (FAULT_MODES as readonly string[]).includes(s);
}

export interface DevicePersonality {
  handleLine(line: string, io: DeviceIo): Promise<void>;
  /**
   * A line the device could not take: non-text bytes (`LINK_GARBAGE`) or longer than the
   * device's line buffer (`LINK_LINE_TOO_LONG`). Default: the framework answers `ERROR`.
   */
  handleBadLine?(reason: 'LINK_GARBAGE' | 'LINK_LINE_TOO_LONG', io: DeviceIo): Promise<void>;
  /** Called inside io.reset(), after the port reopened: the device rebooted; volatile state is lost. */
  onReset?(): void;
}

/** Makes a personality for one simulated device. */
export type PersonalityFactory = (context: PersonalityContext) => DevicePersonality;

/** How a protocol numbers its devices: e.g. HM-SIM1-0001 or a 15-digit IMEI. */
export interface PersonalityDescriptor {
  readonly create: PersonalityFactory;
  readonly defaultModel: string;
  /** the serial of the device at `n` (1-based serial number counter) for `model` */
  formatSerial(model: string, n: number): string;
  /** a serial outside any plan, for the `bogus-serial` fault (the default; the simulator can override it) */
  readonly bogusSerial: string;
  /** the device's key algorithm when the simulator is not told otherwise (nRF91: always P-256) */
  readonly defaultKeyAlgorithm?: KeyAlgorithm;
  /** the longest line the device accepts, without CRLF (default 1022) */
  readonly maxLineBytes?: number;
}
