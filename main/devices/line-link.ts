import type { MatterFactoryRecord, MatterReadback } from './hallmark/matter-factory-record.js';

/**
 * A line-oriented link over a serial port (or anything byte-stream shaped). Both the
 * station-side drivers and the simulated devices talk through it: CRLF-terminated text
 * lines, a bounded line length, and every read with a timeout.
 */
export interface LineLink {
  /** Sends one line; CRLF is appended. Rejects when the link is closed. */
  writeLine(line: string): Promise<void>;
  /**
   * The next complete line (without its CRLF). Rejects with a DeviceLinkError:
   * LINK_TIMEOUT after `timeoutMs`, LINK_CLOSED when the port went away,
   * LINK_LINE_TOO_LONG when a line exceeds the link's limit (the rest of that line is
   * discarded), LINK_GARBAGE for bytes that are not printable text.
   */
  readLine(timeoutMs: number): Promise<string>;
  /** Drops any partial or queued input (after garbage or a timeout, before a new command). */
  discardInput(): void;
  close(): Promise<void>;
  readonly isOpen: boolean;
}

/** What the station knows about a device after it identified itself. */
export interface DeviceIdentity {
  readonly protocol: 'hallmark' | 'nrf91';
  readonly model: string;
  /** the hardware serial (for nRF91: the IMEI) */
  readonly hardwareSerial: string;
  readonly firmware: string;
  /** Hallmark protocol version; absent for AT devices */
  readonly protocolVersion?: string;
  readonly provisioningState?: 'blank' | 'keyed' | 'provisioned' | 'locked';
  /** the device runs a Matter mode: it takes a Matter factory record (Hallmark `matter=1` in +IDENT) */
  readonly matter?: boolean;
}

/** A CSR as the device produced it, before the station's checks (parseCsr runs in the driver; policy in the station). */
export interface DeviceCsr {
  readonly der: Buffer;
  /** the freshness value the CSR is bound to: the station's nonce (Hallmark protocol) or the attestation nonce (nRF91) */
  readonly nonce: Buffer;
}

export interface ChainToWrite {
  /** the device certificate, DER */
  readonly deviceCertificate: Buffer;
  /** CA certificates, issuing CA first, DER */
  readonly caCertificates: readonly Buffer[];
}

/**
 * The station's view of one device on one port, whatever protocol it speaks. Every method
 * rejects with a coded DeviceError (never hangs: each exchange has a timeout) and leaves
 * the link usable for a retry where the protocol allows.
 */
export interface DeviceDriver {
  readonly protocol: DeviceIdentity['protocol'];
  identify(): Promise<DeviceIdentity>;
  /**
   * Has the device generate its key (in its secure element) and return a CSR. `subject`
   * and `nonce` are the station's: the Hallmark protocol binds the nonce into the signed
   * CSR (challengePassword); nRF91 modems ignore both and attest with their own nonce.
   *
   * `keepExistingKey`: the station already committed a certificate for this device's key
   * and wants a CSR for that same key (the idempotent re-send after a drop). A driver whose
   * device reported a key at identify (Hallmark `keyed`/`provisioned`) then asks for a CSR
   * without generating a new key; a driver whose protocol always makes a new key (nRF91
   * `%KEYGEN`) ignores it, and the station sees a different key.
   */
  requestCsr(args: { readonly subject: string; readonly nonce: Buffer; readonly keepExistingKey?: boolean }): Promise<DeviceCsr>;
  /** Writes the chain and verifies the device's read-back digest of exactly what was written. */
  writeChain(chain: ChainToWrite): Promise<void>;
  /** Ends provisioning (Hallmark: LOCK; nRF91: no lock, resolves after a final read-back). */
  lock(): Promise<void>;
  /**
   * Matter devices only (Hallmark `HM+MATTER`): writes the factory record and verifies the
   * device's read-back of exactly those bytes.
   */
  writeMatterFactoryData?(record: MatterFactoryRecord): Promise<void>;
  /** What factory record the device holds (its digests), or null when it holds none. */
  readMatterFactoryData?(): Promise<MatterReadback | null>;
}
