import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import type { DeviceIo, DevicePersonality, PersonalityContext, PersonalityDescriptor } from '../simulator/device-personality.js';
import { signCoseSign1 } from './cose-sign1.js';
import { encodeCbor } from './cbor-encode.js';
import { makeImei } from './imei.js';
import { encodeKeygenAttestation, uuidText } from './keygen-attestation.js';
import { buildModemCsr } from './modem-csr.js';

/** Nordic's TAC as seen in nRF9160 DK IMEIs (352656 10 …). */
export const DEFAULT_NRF91_TAC = '35265610';
export const DEFAULT_NRF91_MODEL = 'nRF9160-SICA';
export const DEFAULT_NRF91_FIRMWARE = 'mfw_nrf9160_1.3.5';
/** NCS at_host's default command buffer (CONFIG_AT_HOST_CMD_MAX_LEN). */
const AT_HOST_MAX_COMMAND = 4096;
/** The unprotected `kid` real modems send: CBOR -2, Nordic's "identity_key". */
const IDENTITY_KEY_KID = encodeCbor(-2);
/** What an nRF91 running NCS's at_client sample prints when it boots (Zephyr banner, then the sample's). */
export const NRF91_BOOT_BANNER = ['*** Booting nRF Connect SDK v2.5.0 ***', 'The AT host sample started'] as const;

export interface Nrf91PersonalityOptions {
  /**
   * Write the CSR's ecdsa-with-SHA256 with explicit NULL parameters, as the modem firmware
   * in Nordic's published samples (mfw 1.3.x) does. 'alternate' (the default) does it on
   * every second device of a run, so a simulated batch exercises both encodings.
   */
  readonly nullParamsCsr?: boolean | 'alternate';
  readonly firmware?: string;
  readonly maxCommandBytes?: number;
}

interface Credential {
  readonly content: string;
  readonly sha256: string;
}

interface PendingWrite {
  readonly secTag: number;
  readonly type: number;
  readonly lines: string[];
  bytes: number;
  /** the drop-mid-chain fault cuts the link after this many lines of a write */
  readonly dropAfter: number | undefined;
}

/**
 * A simulated nRF91 modem behind NCS's at_host: the AT commands a factory station uses,
 * answered with the exact shapes of Nordic's AT command reference and tools.
 *
 * - AT+CFUN (0/1/4, query), AT+CMEE (0/1; errors are a bare ERROR until +CMEE=1), AT+CGSN,
 *   AT+CGMR, AT+CGMM, AT.
 * - AT%KEYGEN=<sec_tag>,2,0: the device key (the simulator's, so `duplicate-key` shares
 *   it) stored in the sec_tag, a CSR with CN = the device UUID, and a tagged COSE_Sign1
 *   (ES256, kid -2) by the simulated factory identity key over
 *   `55799([9, uuid, bstr(cbor(sec_tag)), sha256(csr), nonce])`, as real modems print.
 * - AT%CMNG=0 (write; the quoted PEM may span lines, as at_host keeps reading inside
 *   quotes; over 4096 bytes it answers ERROR), =1 (list: uppercase SHA-256 of the stored
 *   text), =3 (delete; 513 when empty). =2 (read) is not simulated and answers ERROR.
 *   Writes, deletes and KEYGEN are refused with 518 while the modem is active (CFUN=1).
 *
 * Faults. Transient, once per run so a retry succeeds: `garbage` (binary noise instead
 * of the answer to the first AT+CFUN=4, and no OK), `stall` (the first KEYGEN stays silent
 * for `stallMs`, then answers), `reset` (the first KEYGEN reboots the modem, which prints
 * its boot banner). Defects, every time: `bad-signature` (the CSR's signature fails),
 * `stale-nonce` (the attestation signs an earlier CSR than the one sent — the nRF91 form
 * of a CSR not bound to this request, since the modem, not the station, picks the nonce),
 * `junk-csr` (attested base64url of bytes that are no CSR), `bad-base64` (the CSR part
 * is standard padded base64), `wrong-response` (KEYGEN answered with a %CMNG line),
 * `corrupt-chain` (the client certificate is stored one character different, so its
 * read-back differs), `bogus-serial` (AT+CGSN reports the context's bogus IMEI). Ends:
 * `drop-mid-csr` (half the %KEYGEN line, then the port goes), `drop-mid-chain` (the port
 * goes half-way through the client certificate). `duplicate-key` is the simulator's
 * shared key.
 */
export class Nrf91Personality implements DevicePersonality {
  readonly protocol = 'nrf91';
  /** the simulated factory identity key's public half, for tests that verify the COSE signature */
  readonly attestationPublicKey: KeyObject;
  readonly deviceUuid: Buffer;
  private readonly attestationKey: KeyObject;
  private readonly deviceKey: { privateKey: KeyObject; publicKey: KeyObject };
  private readonly firmware: string;
  private readonly nullParams: boolean;
  private readonly maxCommandBytes: number;
  private cfun = 1;
  private cmee = 0;
  private readonly store = new Map<string, Credential>();
  private pending: PendingWrite | undefined;
  private previousCsr: Buffer | undefined;
  /** transient faults already shown this run */
  private readonly spent = new Set<'garbage' | 'stall' | 'reset'>();

  constructor(
    private readonly context: PersonalityContext,
    options: Nrf91PersonalityOptions = {},
  ) {
    const attestation = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.attestationKey = attestation.privateKey;
    this.attestationPublicKey = attestation.publicKey;
    // The modem only makes P-256 keys; a simulator started with another algorithm still gets one.
    this.deviceKey = context.key.algorithm === 'ecdsa-p256' ? context.key : generateKeyPairSync('ec', { namedCurve: 'P-256' });
    this.deviceUuid = randomUuid(context.random);
    this.firmware = options.firmware ?? DEFAULT_NRF91_FIRMWARE;
    const nullParams = options.nullParamsCsr ?? 'alternate';
    this.nullParams = nullParams === 'alternate' ? context.index % 2 === 1 : nullParams;
    this.maxCommandBytes = options.maxCommandBytes ?? AT_HOST_MAX_COMMAND;
  }

  onReset(): void {
    // Credentials live in the modem's flash; the functional mode, error mode and a
    // half-received command do not survive a reboot.
    this.cfun = 1;
    this.cmee = 0;
    this.pending = undefined;
  }

  async handleLine(line: string, io: DeviceIo): Promise<void> {
    if (this.pending !== undefined) return this.continueWrite(line, io);
    if (line === '') return;
    const cmd = line;

    if (cmd === 'AT') return this.ok(io);
    let m = /^AT\+CFUN=([0-9]+)$/.exec(cmd);
    if (m) {
      const mode = Number(m[1]);
      if (![0, 1, 4].includes(mode)) return this.error(io, 50);
      if (this.once('garbage')) {
        const noise = Buffer.from(Array.from({ length: 48 }, () => 0x80 + Math.floor(this.context.random() * 128)));
        return io.writeRaw(Buffer.concat([noise, Buffer.from('\r\n')]));
      }
      this.cfun = mode;
      return this.ok(io);
    }
    if (cmd === 'AT+CFUN?') return this.answer(io, `+CFUN: ${this.cfun}`);
    m = /^AT\+CMEE=([01])$/.exec(cmd);
    if (m) {
      this.cmee = Number(m[1]);
      return this.ok(io);
    }
    if (cmd === 'AT+CGSN') return this.answer(io, this.context.faults.has('bogus-serial') ? this.context.bogusSerial : this.context.serial);
    if (cmd === 'AT+CGMR') return this.answer(io, this.firmware);
    if (cmd === 'AT+CGMM') return this.answer(io, this.context.model);

    m = /^AT%KEYGEN=([0-9]{1,10}),([0-9]+),([0-9]+)$/.exec(cmd);
    if (m) return this.keygen(Number(m[1]), Number(m[2]), Number(m[3]), io);

    m = /^AT%CMNG=0,([0-9]{1,10}),([0-9]{1,2}),"(.*)$/.exec(cmd);
    if (m) {
      const half = this.context.faults.has('drop-mid-chain') && Number(m[2]) === 1;
      this.pending = { secTag: Number(m[1]), type: Number(m[2]), lines: [], bytes: cmd.length + 2, dropAfter: half ? 10 : undefined };
      return this.continueWrite(m[3]!, io, true);
    }
    m = /^AT%CMNG=1(?:,([0-9]{1,10})(?:,([0-9]{1,2}))?)?$/.exec(cmd);
    if (m) return this.list(m[1] === undefined ? undefined : Number(m[1]), m[2] === undefined ? undefined : Number(m[2]), io);
    m = /^AT%CMNG=3,([0-9]{1,10}),([0-9]{1,2})$/.exec(cmd);
    if (m) return this.remove(Number(m[1]), Number(m[2]), io);

    return io.writeLine('ERROR');
  }

  private async keygen(secTag: number, keyType: number, format: number, io: DeviceIo): Promise<void> {
    if (keyType !== 2 || format !== 0 || secTag > 0x7fffffff) return this.error(io, 50);
    if (this.cfun === 1) return this.error(io, 518);
    const faults = this.context.faults;
    const t = this.context.timing;
    await io.sleep(t.keygenMinMs + this.context.random() * (t.keygenMaxMs - t.keygenMinMs));
    if (this.once('stall')) await io.sleep(t.stallMs);
    if (this.once('reset')) {
      await io.reset();
      // One write, as a booting device prints its banner in one burst.
      return io.writeRaw(Buffer.from(NRF91_BOOT_BANNER.map((l) => `${l}\r\n`).join(''), 'latin1'));
    }
    if (faults.has('wrong-response')) return this.answer(io, `%CMNG: ${secTag},0,"${'0'.repeat(64)}"`);

    const csr = faults.has('junk-csr')
      ? Buffer.from(Array.from({ length: 200 }, () => Math.floor(this.context.random() * 256)))
      : buildModemCsr({
          ...this.deviceKey,
          uuidText: uuidText(this.deviceUuid),
          nullParams: this.nullParams,
          badSignature: faults.has('bad-signature'),
        });
    let attested = csr;
    if (faults.has('stale-nonce')) {
      const stale = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      attested = this.previousCsr ?? buildModemCsr({ ...stale, uuidText: uuidText(this.deviceUuid), nullParams: this.nullParams });
    }
    this.previousCsr = csr;
    const nonce = Buffer.from(Array.from({ length: 16 }, () => Math.floor(this.context.random() * 256)));
    const payload = encodeKeygenAttestation({ deviceUuid: this.deviceUuid, secTag, csrDer: attested, nonce });
    const cose = signCoseSign1(payload, this.attestationKey, IDENTITY_KEY_KID);
    const csrText = faults.has('bad-base64') ? csr.toString('base64') : csr.toString('base64url');
    const line = `%KEYGEN: "${csrText}.${cose.toString('base64url')}"`;

    const keyDer = this.deviceKey.privateKey.export({ type: 'pkcs8', format: 'der' });
    this.store.set(`${secTag},2`, { content: '', sha256: sha256Hex(keyDer) });

    if (faults.has('drop-mid-csr')) {
      await io.writeRaw(Buffer.from(line.slice(0, Math.floor(line.length / 2)), 'latin1'));
      return io.drop();
    }
    return this.answer(io, line);
  }

  /** Collects the lines of a quoted %CMNG argument until the closing quote. */
  private async continueWrite(text: string, io: DeviceIo, first = false): Promise<void> {
    const p = this.pending!;
    if (!first) p.bytes += text.length + 2;
    const close = text.indexOf('"');
    if (close === -1) {
      // at_host's buffer is full: it drops the command and says ERROR, and reads the next line afresh.
      if (p.bytes > this.maxCommandBytes) {
        this.pending = undefined;
        return io.writeLine('ERROR');
      }
      p.lines.push(text);
      if (p.dropAfter !== undefined && p.lines.length >= p.dropAfter) {
        this.pending = undefined;
        return io.drop();
      }
      return;
    }
    p.lines.push(text.slice(0, close));
    this.pending = undefined;
    const rest = text.slice(close + 1);
    if (rest !== '') return io.writeLine('ERROR');
    if (p.bytes > this.maxCommandBytes) return io.writeLine('ERROR');
    if (this.cfun === 1) return this.error(io, 518);
    if (p.secTag > 0x7fffffff || p.type > 6) return this.error(io, 50);
    // The stored text is exactly what was between the quotes: the lines and the CRLFs
    // that separated them on the wire.
    let content = p.lines.join('\r\n');
    if (this.context.faults.has('corrupt-chain') && p.type === 1) content = corrupt(content);
    this.store.set(`${p.secTag},${p.type}`, { content, sha256: sha256Hex(Buffer.from(content, 'latin1')) });
    return this.ok(io);
  }

  private async list(secTag: number | undefined, type: number | undefined, io: DeviceIo): Promise<void> {
    const entries = [...this.store.entries()]
      .map(([key, cred]) => {
        const [tag, t] = key.split(',').map(Number) as [number, number];
        return { tag, t, cred };
      })
      .filter((e) => (secTag === undefined || e.tag === secTag) && (type === undefined || e.t === type))
      .sort((a, b) => a.tag - b.tag || a.t - b.t);
    for (const e of entries) await io.writeLine(`%CMNG: ${e.tag},${e.t},"${e.cred.sha256}"`);
    return this.ok(io);
  }

  private async remove(secTag: number, type: number, io: DeviceIo): Promise<void> {
    if (this.cfun === 1) return this.error(io, 518);
    if (!this.store.delete(`${secTag},${type}`)) return this.error(io, 513);
    return this.ok(io);
  }

  /** True the first time a transient fault this device has is due. */
  private once(fault: 'garbage' | 'stall' | 'reset'): boolean {
    if (!this.context.faults.has(fault) || this.spent.has(fault)) return false;
    this.spent.add(fault);
    return true;
  }

  private async answer(io: DeviceIo, line: string): Promise<void> {
    await io.writeLine(line);
    await this.ok(io);
  }

  private ok(io: DeviceIo): Promise<void> {
    return io.writeLine('OK');
  }

  private error(io: DeviceIo, cme: number): Promise<void> {
    return io.writeLine(this.cmee === 1 ? `+CME ERROR: ${cme}` : 'ERROR');
  }
}

/** Makes the simulator's nRF91 family: IMEIs from `tac` and the simulator's serial counter. */
export function nrf91Descriptor(options: Nrf91PersonalityOptions & { readonly tac?: string } = {}): PersonalityDescriptor {
  const tac = options.tac ?? DEFAULT_NRF91_TAC;
  makeImei(tac, 0); // refuse a malformed TAC at start, not at the first device
  // Built apart from the return so the registry's optional fields can change without breaking this literal.
  const descriptor = {
    protocol: 'nrf91',
    defaultKeyAlgorithm: 'ecdsa-p256' as KeyAlgorithm,
    create: (context: PersonalityContext) => new Nrf91Personality(context, options),
    defaultModel: DEFAULT_NRF91_MODEL,
    formatSerial: (_model: string, n: number) => makeImei(tac, n),
    // A valid IMEI (it passes the driver's Luhn check) that no plan using `tac` contains.
    bogusSerial: makeImei(tac === '99999999' ? '99999998' : '99999999', 999_999),
  } as const;
  return descriptor;
}

export const nrf91Personality: PersonalityDescriptor = nrf91Descriptor();

function sha256Hex(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex').toUpperCase();
}

/** Changes one base64 character in the middle of a certificate: still PEM-shaped, different bytes. */
function corrupt(content: string): string {
  const i = Math.floor(content.length / 2);
  const c = content[i] === 'A' ? 'B' : 'A';
  return content.slice(0, i) + c + content.slice(i + 1);
}

/** A version-4 UUID from the device's PRNG, so a seeded run gives the same devices. */
function randomUuid(random: () => number): Buffer {
  const b = Buffer.from(Array.from({ length: 16 }, () => Math.floor(random() * 256)));
  b[6] = (b[6]! & 0x0f) | 0x40;
  b[8] = (b[8]! & 0x3f) | 0x80;
  return b;
}
