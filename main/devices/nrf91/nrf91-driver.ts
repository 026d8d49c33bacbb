import { createHash } from 'node:crypto';
import { CsrError } from '../../x509/csr/csr-errors.js';
import { parseCsr } from '../../x509/csr/parse-csr.js';
import type { ParsedCsr } from '../../x509/csr/parsed-csr.js';
import { DeviceError } from '../device-errors.js';
import type { ChainToWrite, DeviceCsr, DeviceDriver, DeviceIdentity, LineLink } from '../line-link.js';
import { atExchange, atExchangeAllowing, unexpected, withCommand, type AtExchangeResult } from './at-exchange.js';
import { CMNG_TYPE, parseCmngListLine } from './cmng-readback.js';
import { isValidImei } from './imei.js';
import type { KeygenAttestation } from './keygen-attestation.js';
import { parseKeygenLine, preview } from './keygen-response.js';
import { certificatesPemCrlf, cmngWriteCommand } from './pem-text.js';

/** The sec_tag Nordic's provisioning tools use by default. */
export const DEFAULT_SEC_TAG = 16842753;

export interface Nrf91Timeouts {
  /** ordinary commands (CFUN, CGSN, CMNG list/delete) */
  readonly commandMs: number;
  /** %KEYGEN: the modem generates a key pair and signs twice, seconds on real hardware */
  readonly keygenMs: number;
  /** %CMNG write: the modem writes to flash */
  readonly cmngWriteMs: number;
}

export const DEFAULT_NRF91_TIMEOUTS: Nrf91Timeouts = { commandMs: 5_000, keygenMs: 30_000, cmngWriteMs: 10_000 };

export interface Nrf91DriverOptions {
  readonly secTag?: number;
  readonly timeouts?: Partial<Nrf91Timeouts>;
  /**
   * Delete the sec_tag's CA chain, client certificate and private key before %KEYGEN
   * (default true), as Nordic's installer does with -d: a leftover certificate from an
   * earlier attempt would otherwise sit next to a new key it does not match.
   */
  readonly clearBeforeKeygen?: boolean;
  /**
   * The longest AT command the device's AT host takes, quoted PEM and line breaks
   * included. NCS's at_host defaults to 4096 bytes (CONFIG_AT_HOST_CMD_MAX_LEN); a longer
   * chain is refused here with DEVICE_CHAIN_TOO_LARGE rather than truncated on the device.
   */
  readonly maxCommandBytes?: number;
  /** URCs and log lines the modem interleaved, for the station's log */
  readonly onSkippedLines?: (lines: readonly string[]) => void;
}

/** An nRF91 CSR: the DeviceCsr plus what the modem attested and the checked CSR. */
export interface Nrf91Csr extends DeviceCsr {
  readonly attestation: KeygenAttestation;
  readonly parsed: ParsedCsr;
}

/**
 * The station's driver for Nordic nRF91 modems over their AT interface, in the order
 * factories use (Nordic's nRF Cloud device_credentials_installer): AT+CFUN=4, AT+CGSN,
 * AT+CGMR, AT%CMNG=3 (clear), AT%KEYGEN=<sec_tag>,2,0, AT%CMNG=0 (write CA chain and
 * client certificate), AT%CMNG=1 (read back their SHA-256).
 *
 * The COSE_Sign1 that accompanies the CSR is signed with the modem's factory identity key
 * (kid -2), whose public half only Nordic's identity service holds: the station cannot
 * verify that signature. It checks the COSE structure, that the attestation names the
 * sec_tag we asked for and that it signs exactly the CSR received, and exposes the
 * attestation (device UUID, sec_tag, digest, nonce) for the station's log, from which the
 * token can be verified later by anyone with access to the identity service.
 */
export class Nrf91Driver implements DeviceDriver {
  readonly protocol = 'nrf91' as const;
  readonly secTag: number;
  private readonly timeouts: Nrf91Timeouts;
  private readonly clearBeforeKeygen: boolean;
  private readonly maxCommandBytes: number;
  private readonly onSkippedLines: ((lines: readonly string[]) => void) | undefined;
  /** SHA-256 (uppercase hex) of what writeChain stored, per %CMNG type, for lock()'s final read-back */
  private written = new Map<number, string>();
  private lastAttestation: KeygenAttestation | undefined;
  /** set when the modem was seen rebooting: it is online again and has lost +CMEE, so only identify() may follow */
  private resetSeen = false;

  constructor(
    private readonly link: LineLink,
    options: Nrf91DriverOptions = {},
  ) {
    const secTag = options.secTag ?? DEFAULT_SEC_TAG;
    if (!Number.isInteger(secTag) || secTag < 0 || secTag > 0x7fffffff) throw new RangeError(`sec_tag must be 0–2147483647, got ${secTag}`);
    this.secTag = secTag;
    this.timeouts = { ...DEFAULT_NRF91_TIMEOUTS, ...options.timeouts };
    this.clearBeforeKeygen = options.clearBeforeKeygen ?? true;
    this.maxCommandBytes = options.maxCommandBytes ?? 4096;
    this.onSkippedLines = options.onSkippedLines;
  }

  /** The attestation of the last successful requestCsr(), for the station's log. */
  get attestation(): KeygenAttestation | undefined {
    return this.lastAttestation;
  }

  async identify(): Promise<DeviceIdentity> {
    this.resetSeen = false;
    // Offline first: %CMNG writes and %KEYGEN are refused (+CME ERROR: 518) while the
    // modem is active, and an offline modem sends fewer network URCs.
    await this.noInfo('AT+CFUN=4');
    // Numeric +CME ERROR codes, so "slot empty" (513) can be told from real failures.
    await this.noInfo('AT+CMEE=1');

    const imei = await this.oneLine('AT+CGSN');
    if (!isValidImei(imei)) {
      throw new DeviceError('DEVICE_BAD_PAYLOAD', `AT+CGSN: ${preview(imei)} is not a valid IMEI (15 digits, Luhn check digit)`, { command: 'AT+CGSN' });
    }
    const firmware = await this.oneLine('AT+CGMR');
    const model = await this.oneLine('AT+CGMM');
    for (const [what, value, command] of [
      ['firmware version', firmware, 'AT+CGMR'],
      ['model', model, 'AT+CGMM'],
    ] as const) {
      // Printable ASCII without quotes: these end up in the inventory and the audit log.
      if (!/^[\x21-\x7e](?:[\x20-\x7e]{0,62}[\x21-\x7e])?$/.test(value) || value.includes('"')) {
        throw new DeviceError('DEVICE_BAD_PAYLOAD', `the modem's ${what} ${preview(value)} is not a short printable string`, { command });
      }
    }
    return { protocol: 'nrf91', model, hardwareSerial: imei, firmware };
  }

  /**
   * Has the modem generate a key in `secTag` and return its CSR. The station's subject and
   * nonce are ignored: the modem chooses the subject (CN = its UUID) and attests with its
   * own nonce, which is what this returns as `nonce`.
   */
  async requestCsr(_args: { readonly subject: string; readonly nonce: Buffer }): Promise<Nrf91Csr> {
    this.refuseAfterReset('AT%KEYGEN');
    this.written.clear();
    this.lastAttestation = undefined;
    if (this.clearBeforeKeygen) {
      for (const type of [CMNG_TYPE.caChain, CMNG_TYPE.clientCertificate, CMNG_TYPE.clientPrivateKey]) {
        // 513 "not found" is the answer for an empty slot: the slot is clear, as wanted.
        const r = await this.noteReset(atExchangeAllowing(this.link, `AT%CMNG=3,${this.secTag},${type}`, this.timeouts.commandMs, [513]));
        if (!('cmeError' in r)) this.expectNoInfo('AT%CMNG', r);
      }
    }
    const result = await this.exchange(`AT%KEYGEN=${this.secTag},2,0`, this.timeouts.keygenMs);
    const [line, extra] = result.lines;
    if (line === undefined || extra !== undefined) {
      throw unexpected('AT%KEYGEN', `expected one %KEYGEN line, got ${result.lines.length}`);
    }
    let out: ReturnType<typeof parseKeygenLine>;
    try {
      out = parseKeygenLine(line, this.secTag);
    } catch (e) {
      throw withCommand(e, 'AT%KEYGEN');
    }

    let parsed: ParsedCsr;
    try {
      // Modem firmware writes ecdsa-with-SHA256 with NULL parameters; as for every driver, the
      // product policy's csrAllowances decide (ecdsa-null-parameters), here only the structure.
      parsed = parseCsr(out.csrDer, { allow: 'all' });
    } catch (e) {
      if (e instanceof CsrError) {
        throw new DeviceError('DEVICE_CSR_INVALID', `the modem's CSR was refused: ${e.message}`, { command: 'AT%KEYGEN', csrCode: e.code });
      }
      throw e;
    }
    this.lastAttestation = out.attestation;
    return { der: out.csrDer, nonce: out.attestation.nonce, attestation: out.attestation, parsed };
  }

  async writeChain(chain: ChainToWrite): Promise<void> {
    this.refuseAfterReset('AT%CMNG');
    this.written.clear();
    const slots: [number, Buffer[]][] = [];
    if (chain.caCertificates.length > 0) slots.push([CMNG_TYPE.caChain, [...chain.caCertificates]]);
    slots.push([CMNG_TYPE.clientCertificate, [chain.deviceCertificate]]);

    const writes = slots.map(([type, ders]) => ({ type, write: cmngWriteCommand(this.secTag, type, certificatesPemCrlf(ders)) }));
    // All sizes are checked before anything is written, so a too-large chain leaves the modem untouched.
    for (const { type, write } of writes) {
      const bytes = write.lines.reduce((n, l) => n + Buffer.byteLength(l, 'latin1') + 2, 0);
      if (bytes > this.maxCommandBytes) {
        throw new DeviceError('DEVICE_CHAIN_TOO_LARGE', `the %CMNG write of type ${type} is ${bytes} bytes; the modem takes at most ${this.maxCommandBytes}`, {
          command: 'AT%CMNG',
          type,
          bytes,
          maxCommandBytes: this.maxCommandBytes,
        });
      }
    }
    for (const { type, write } of writes) {
      await this.noInfo(write.lines, this.timeouts.cmngWriteMs);
      const expected = createHash('sha256').update(write.text, 'latin1').digest('hex').toUpperCase();
      await this.checkStored(type, expected);
      this.written.set(type, expected);
    }
  }

  /** nRF91 modems have no lock: a last read-back of everything written, and the key still present. */
  async lock(): Promise<void> {
    this.refuseAfterReset('AT%CMNG');
    if (!this.written.has(CMNG_TYPE.clientCertificate)) {
      throw new DeviceError('DEVICE_UNKNOWN', 'lock() before a successful writeChain()');
    }
    for (const [type, expected] of this.written) await this.checkStored(type, expected);
    const key = await this.list(CMNG_TYPE.clientPrivateKey);
    if (key === undefined) {
      throw new DeviceError('DEVICE_READBACK_MISMATCH', `sec_tag ${this.secTag} no longer holds the private key the certificate was issued for`, {
        command: 'AT%CMNG',
        type: CMNG_TYPE.clientPrivateKey,
      });
    }
  }

  private async checkStored(type: number, expected: string): Promise<void> {
    const stored = await this.list(type);
    if (stored === undefined) {
      throw new DeviceError('DEVICE_READBACK_MISMATCH', `sec_tag ${this.secTag} type ${type}: nothing stored after the write`, { command: 'AT%CMNG', type });
    }
    if (stored !== expected) {
      throw new DeviceError('DEVICE_READBACK_MISMATCH', `sec_tag ${this.secTag} type ${type}: the modem stored different content than was written`, {
        command: 'AT%CMNG',
        type,
        written: expected,
        stored,
      });
    }
  }

  /** SHA-256 the modem lists for (secTag, type), or undefined when the slot is empty (list answers just OK). */
  private async list(type: number): Promise<string | undefined> {
    const r = await this.exchange(`AT%CMNG=1,${this.secTag},${type}`, this.timeouts.commandMs);
    const [line, extra] = r.lines;
    if (line === undefined) return undefined;
    if (extra !== undefined) throw unexpected('AT%CMNG', `expected one %CMNG line, got ${r.lines.length}`);
    let entry: ReturnType<typeof parseCmngListLine>;
    try {
      entry = parseCmngListLine(line);
    } catch (e) {
      throw withCommand(e, 'AT%CMNG');
    }
    if (entry.secTag !== this.secTag || entry.type !== type) {
      throw unexpected('AT%CMNG', `asked for sec_tag ${this.secTag} type ${type}, the modem listed ${entry.secTag} type ${entry.type}`);
    }
    return entry.sha256;
  }

  private async oneLine(command: string): Promise<string> {
    const r = await this.exchange(command, this.timeouts.commandMs);
    const [line, extra] = r.lines;
    if (line === undefined || extra !== undefined) throw unexpected(command, `expected one response line, got ${r.lines.length}`);
    return line;
  }

  private async noInfo(command: string | readonly string[], timeoutMs = this.timeouts.commandMs): Promise<void> {
    const r = await this.exchange(command, timeoutMs);
    this.expectNoInfo(typeof command === 'string' ? command : (command[0] ?? ''), r);
  }

  private expectNoInfo(command: string, r: AtExchangeResult): void {
    const [line] = r.lines;
    if (line !== undefined) {
      const name = command.includes('=') ? command.slice(0, command.indexOf('=')) : command;
      throw unexpected(name, `expected only OK, got ${preview(line)}`);
    }
  }

  private async noteReset<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if (e instanceof DeviceError && e.code === 'DEVICE_RESET') {
        this.resetSeen = true;
        this.written.clear();
      }
      throw e;
    }
  }

  private refuseAfterReset(command: string): void {
    if (this.resetSeen) {
      throw new DeviceError('DEVICE_RESET', 'the modem restarted since it was identified; identify it again (it is back online and must be taken offline)', {
        command,
      });
    }
  }

  private async exchange(command: string | readonly string[], timeoutMs: number): Promise<AtExchangeResult> {
    const r = await this.noteReset(atExchange(this.link, command, timeoutMs));
    if (r.skipped.length > 0) this.onSkippedLines?.(r.skipped);
    return r;
  }
}
