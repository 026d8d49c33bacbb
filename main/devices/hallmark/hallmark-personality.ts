import { createHash } from 'node:crypto';
import { generateKeyObjectPair, spkiDer } from '../../keys/software/generate-key-pair.js';
import type { DeviceIo, DevicePersonality, PersonalityContext, PersonalityDescriptor, SimulatedKey } from '../simulator/device-personality.js';
import { makeSimulatedCsr } from '../simulator/simulated-csr.js';
import { decodeMatterRecord, MATTER_MAX_RECORD_BYTES, sha256Hex as digestOf, type MatterFactoryRecord } from './matter-factory-record.js';
import {
  decodeBase64Strict,
  HALLMARK_PROTOCOL_VERSION,
  HM_CHUNK_CHARS,
  HM_KEY_ALGORITHMS,
  HM_MAX_CHAIN_BYTES,
  HM_MAX_LINE,
  HM_MAX_SUBJECT_BYTES,
  HM_NONCE_MAX_BYTES,
  HM_NONCE_MIN_BYTES,
  isLowerHex,
  wireAlgorithmFor,
  type HallmarkErrorCode,
  type HallmarkProvisioningState,
} from './hallmark-protocol.js';

const FIRMWARE = '1.4.2';

/**
 * The reference device for docs/device-protocol.md: what firmware does, in the order it
 * does it, plus the fault modes the simulator can switch on. Its first key is made when
 * the simulator starts (so a run of hundreds starts quickly) and the first HM+KEYGEN
 * "generates" it after the configured delay; every later HM+KEYGEN makes a new key, as a
 * secure element does (a `duplicate-key` device keeps producing its cloned key, as a bad
 * RNG would). The key lives in the secure element: resets and re-plugs keep it, and
 * HM+CSR signs with it without a new HM+KEYGEN.
 */
export class HallmarkPersonality implements DevicePersonality {
  #keyed = false;
  #chain: Buffer | undefined;
  #locked = false;
  #pending: { total: number; sha256: string; seq: number; parts: Buffer[]; received: number } | undefined;
  /** one-shot faults already shown */
  readonly #spent = new Set<string>();
  #key: SimulatedKey;
  #spkiSha256: string;
  #keygens = 0;
  /** Matter mode: the committed factory record, and one being transferred */
  #matter: Buffer | undefined;
  #matterPending: { total: number; sha256: string; seq: number; parts: Buffer[]; received: number } | undefined;

  constructor(private readonly ctx: PersonalityContext) {
    this.#key = ctx.key;
    this.#spkiSha256 = spkiSha256Of(ctx.key);
  }

  /** SHA-256 of the SubjectPublicKeyInfo of the key the device holds now (for tests). */
  get spkiSha256(): string {
    return this.#spkiSha256;
  }

  /** The Matter factory record the device stores (for tests: what a commissioner would find on it). */
  get matterRecord(): MatterFactoryRecord | undefined {
    return this.#matter === undefined ? undefined : decodeMatterRecord(this.#matter);
  }

  get #state(): HallmarkProvisioningState {
    if (this.#locked) return 'locked';
    if (this.#chain) return 'provisioned';
    return this.#keyed ? 'keyed' : 'blank';
  }

  async handleLine(line: string, io: DeviceIo): Promise<void> {
    const eq = line.indexOf('=');
    const command = eq < 0 ? line : line.slice(0, eq);
    const arg = eq < 0 ? '' : line.slice(eq + 1);
    switch (command) {
      case 'HM+IDENT':
        return this.#ident(io);
      case 'HM+SYNC':
        if (!/^[A-Za-z0-9]{1,32}$/.test(arg)) return error(io, 'SYNTAX');
        await io.writeLine(`+SYNC: ${arg}`);
        return io.writeLine('OK');
      case 'HM+KEYGEN':
        return this.#keygen(arg, io);
      case 'HM+CSR':
        return this.#csr(arg, io);
      case 'HM+CHAIN':
        return this.#chainStep(arg, io);
      case 'HM+READBACK?':
        if (!this.#chain) return error(io, 'NO_CHAIN');
        await io.writeLine(`+READBACK: ${sha256(this.#chain)},${this.#spkiSha256}`);
        return io.writeLine('OK');
      case 'HM+MATTER':
        if (!this.ctx.matter) return error(io, 'UNKNOWN_COMMAND');
        return this.#matterStep(arg, io);
      case 'HM+MATTER?':
        if (!this.ctx.matter) return error(io, 'UNKNOWN_COMMAND');
        if (!this.#matter) return error(io, 'NO_FACTORY_DATA');
        await io.writeLine(`+MATTER: ${digestOf(this.#matter)},${digestOf(decodeMatterRecord(this.#matter)!.verifier)}`);
        return io.writeLine('OK');
      case 'HM+LOCK':
        if (!this.#chain) return error(io, 'NO_CHAIN');
        if (this.ctx.matter && !this.#matter) return error(io, 'NO_FACTORY_DATA');
        this.#locked = true;
        return io.writeLine('OK');
      default:
        return error(io, 'UNKNOWN_COMMAND');
    }
  }

  async handleBadLine(reason: 'LINK_GARBAGE' | 'LINK_LINE_TOO_LONG', io: DeviceIo): Promise<void> {
    await error(io, reason === 'LINK_GARBAGE' ? 'SYNTAX' : 'LINE_TOO_LONG');
  }

  onReset(): void {
    // Key, chain and lock live in the secure element and flash; a chain half-written does not.
    this.#pending = undefined;
    this.#matterPending = undefined;
  }

  #once(fault: 'garbage' | 'reset' | 'stall'): boolean {
    if (!this.ctx.faults.has(fault) || this.#spent.has(fault)) return false;
    this.#spent.add(fault);
    return true;
  }

  async #ident(io: DeviceIo): Promise<void> {
    if (this.#once('garbage')) {
      const noise = Buffer.from(Array.from({ length: 24 }, () => Math.floor(this.ctx.random() * 256)));
      noise[0] = 0x00; // at least one byte that is certainly not text
      await io.writeRaw(Buffer.concat([Buffer.from('+IDENT: '), noise, Buffer.from('\r\n')]));
      return;
    }
    const serial = this.ctx.faults.has('bogus-serial') ? this.ctx.bogusSerial : this.ctx.serial;
    await io.writeLine(
      `+IDENT: model=${this.ctx.model},serial=${serial},fw=${FIRMWARE},proto=${HALLMARK_PROTOCOL_VERSION},state=${this.#state}${this.ctx.matter ? ',matter=1' : ''}`,
    );
    await io.writeLine('OK');
  }

  async #keygen(alg: string, io: DeviceIo): Promise<void> {
    if (this.#locked) return error(io, 'LOCKED');
    if (!Object.hasOwn(HM_KEY_ALGORITHMS, alg)) return error(io, 'UNSUPPORTED_ALG');
    // This device's secure element makes one kind of key.
    if (alg !== wireAlgorithmFor(this.ctx.key.algorithm)) return error(io, 'UNSUPPORTED_ALG');
    if (this.#once('stall')) await io.sleep(this.ctx.timing.stallMs);
    const { keygenMinMs: min, keygenMaxMs: max } = this.ctx.timing;
    await io.sleep(min + this.ctx.random() * Math.max(0, max - min));
    if (this.#keygens++ > 0 && !this.ctx.faults.has('duplicate-key')) {
      this.#key = { algorithm: this.ctx.key.algorithm, ...(await generateKeyObjectPair(this.ctx.key.algorithm)) };
      this.#spkiSha256 = spkiSha256Of(this.#key);
    }
    this.#keyed = true;
    // A new key invalidates whatever chain was stored for the old one.
    this.#chain = undefined;
    await io.writeLine(`+KEYGEN: ${this.#spkiSha256}`);
    await io.writeLine('OK');
  }

  async #csr(arg: string, io: DeviceIo): Promise<void> {
    if (this.#locked) return error(io, 'LOCKED');
    if (!this.#keyed) return error(io, 'NO_KEY');
    const m = /^([A-Za-z0-9+/=]+),([0-9a-f]+)$/.exec(arg);
    if (!m) return error(io, 'SYNTAX');
    const subjectDer = decodeBase64Strict(m[1]!);
    if (subjectDer === undefined || subjectDer.length > HM_MAX_SUBJECT_BYTES || !isDerSequence(subjectDer)) return error(io, 'BAD_SUBJECT');
    const nonce = m[2]!;
    if (!isLowerHex(nonce) || nonce.length < HM_NONCE_MIN_BYTES * 2 || nonce.length > HM_NONCE_MAX_BYTES * 2) return error(io, 'BAD_NONCE');

    if (this.#once('reset')) {
      await io.reset();
      await io.writeLine(`+BOOT: model=${this.ctx.model},fw=${FIRMWARE},proto=${HALLMARK_PROTOCOL_VERSION}`);
      return;
    }
    if (this.ctx.faults.has('wrong-response')) {
      await io.writeLine(`+READBACK: ${'0'.repeat(64)},${this.#spkiSha256}`);
      return io.writeLine('OK');
    }

    const faults = this.ctx.faults;
    const challenge = faults.has('stale-nonce') ? staleNonce(nonce, this.ctx.random) : nonce;
    let der = await makeSimulatedCsr({
      key: this.#key,
      subjectDer,
      challengePassword: challenge,
      badSignature: faults.has('bad-signature'),
      ...(this.ctx.csrQuirk !== undefined ? { quirk: this.ctx.csrQuirk } : {}),
    });
    if (faults.has('junk-csr')) der = Buffer.from(Array.from({ length: der.length }, () => Math.floor(this.ctx.random() * 256)));
    let b64 = der.toString('base64');
    if (faults.has('bad-base64')) b64 = `${b64.slice(0, 10)}*${b64.slice(11)}`;

    const chunks: string[] = [];
    for (let i = 0; i < b64.length; i += HM_CHUNK_CHARS) chunks.push(b64.slice(i, i + HM_CHUNK_CHARS));
    for (const [i, chunk] of chunks.entries()) {
      const line = `+CSR: ${i + 1}/${chunks.length},${chunk}`;
      if (faults.has('drop-mid-csr') && i === Math.floor(chunks.length / 2)) {
        // Half a line, then the device is gone: the station holds a partial line and a dead port.
        await io.writeRaw(Buffer.from(line.slice(0, Math.ceil(line.length / 2)), 'latin1'));
        return io.drop();
      }
      await io.writeLine(line);
    }
    await io.writeLine('OK');
  }

  async #chainStep(arg: string, io: DeviceIo): Promise<void> {
    if (this.#locked) return error(io, 'LOCKED');
    const [step, ...rest] = arg.split(',');
    switch (step) {
      case 'BEGIN': {
        if (!this.#keyed) return error(io, 'NO_KEY');
        const [total, digest] = rest;
        if (rest.length !== 2 || !/^[1-9]\d{0,5}$/.test(total ?? '') || !isLowerHex(digest ?? '', 32)) return error(io, 'SYNTAX');
        if (Number(total) > HM_MAX_CHAIN_BYTES) return error(io, 'TOO_LARGE');
        this.#pending = { total: Number(total), sha256: digest!, seq: 0, parts: [], received: 0 };
        return io.writeLine('OK');
      }
      case 'DATA': {
        const pending = this.#pending;
        if (!pending) return error(io, 'SEQUENCE');
        const [seq, b64] = rest;
        if (rest.length !== 2 || !/^\d{1,5}$/.test(seq ?? '') || (b64 ?? '').length > HM_CHUNK_CHARS) return error(io, 'SYNTAX');
        if (Number(seq) !== pending.seq + 1) return error(io, 'SEQUENCE');
        const bytes = decodeBase64Strict(b64!);
        if (bytes === undefined || bytes.length === 0) return error(io, 'SYNTAX');
        if (pending.received + bytes.length > pending.total) return error(io, 'TOO_LARGE');
        if (this.ctx.faults.has('drop-mid-chain') && pending.seq + 1 === 2) return io.drop();
        pending.seq++;
        pending.parts.push(bytes);
        pending.received += bytes.length;
        return io.writeLine('OK');
      }
      case 'END': {
        const pending = this.#pending;
        if (!pending || rest.length !== 0) return error(io, pending ? 'SYNTAX' : 'SEQUENCE');
        if (this.ctx.faults.has('drop-mid-chain')) return io.drop();
        this.#pending = undefined;
        const chain = Buffer.concat(pending.parts);
        if (chain.length !== pending.total || sha256(chain) !== pending.sha256) return error(io, 'DIGEST');
        if (this.ctx.faults.has('corrupt-chain')) chain[chain.length - 1]! ^= 0x01;
        this.#chain = chain;
        return io.writeLine('OK');
      }
      default:
        return error(io, 'SYNTAX');
    }
  }

  /** HM+MATTER=BEGIN/DATA/END: the chain transfer's rules for the factory record, then a check that it is one record. */
  async #matterStep(arg: string, io: DeviceIo): Promise<void> {
    if (this.#locked) return error(io, 'LOCKED');
    const [step, ...rest] = arg.split(',');
    if (step === 'BEGIN') {
      const [total, digest] = rest;
      if (rest.length !== 2 || !/^[1-9]\d{0,5}$/.test(total ?? '') || !isLowerHex(digest ?? '', 32)) return error(io, 'SYNTAX');
      if (Number(total) > MATTER_MAX_RECORD_BYTES) return error(io, 'TOO_LARGE');
      this.#matterPending = { total: Number(total), sha256: digest!, seq: 0, parts: [], received: 0 };
      return io.writeLine('OK');
    }
    const pending = this.#matterPending;
    if (step === 'DATA') {
      if (!pending) return error(io, 'SEQUENCE');
      const [seq, b64] = rest;
      if (rest.length !== 2 || !/^\d{1,5}$/.test(seq ?? '') || (b64 ?? '').length > HM_CHUNK_CHARS) return error(io, 'SYNTAX');
      if (Number(seq) !== pending.seq + 1) return error(io, 'SEQUENCE');
      const bytes = decodeBase64Strict(b64!);
      if (bytes === undefined || bytes.length === 0) return error(io, 'SYNTAX');
      if (pending.received + bytes.length > pending.total) return error(io, 'TOO_LARGE');
      pending.seq++;
      pending.parts.push(bytes);
      pending.received += bytes.length;
      return io.writeLine('OK');
    }
    if (step === 'END') {
      if (!pending || rest.length !== 0) return error(io, pending ? 'SYNTAX' : 'SEQUENCE');
      this.#matterPending = undefined;
      const record = Buffer.concat(pending.parts);
      if (record.length !== pending.total || sha256(record) !== pending.sha256) return error(io, 'DIGEST');
      if (decodeMatterRecord(record) === undefined) return error(io, 'BAD_RECORD');
      this.#matter = record;
      return io.writeLine('OK');
    }
    return error(io, 'SYNTAX');
  }
}

export const hallmarkPersonality: PersonalityDescriptor = {
  create: (ctx) => new HallmarkPersonality(ctx),
  defaultModel: 'SIM1',
  formatSerial: (model, n) => `HM-${model}-${String(n).padStart(4, '0')}`,
  bogusSerial: 'HM-UNPLANNED-0000',
  defaultKeyAlgorithm: 'ecdsa-p256',
  maxLineBytes: HM_MAX_LINE,
};

function error(io: DeviceIo, code: HallmarkErrorCode): Promise<void> {
  return io.writeLine(`ERROR ${code}`);
}

function spkiSha256Of(key: SimulatedKey): string {
  return sha256(spkiDer(key.publicKey));
}

function sha256(bytes: Buffer): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A well-formed nonce of the same length that is not the station's: an earlier session's. */
function staleNonce(nonce: string, random: () => number): string {
  let other = nonce;
  while (other === nonce) other = Array.from({ length: nonce.length }, () => Math.floor(random() * 16).toString(16)).join('');
  return other;
}

/** The device does not parse names, but refuses what is plainly not one DER SEQUENCE. */
function isDerSequence(der: Buffer): boolean {
  if (der.length < 2 || der[0] !== 0x30) return false;
  const first = der[1]!;
  if (first < 0x80) return der.length === 2 + first;
  const n = first & 0x7f;
  if (n === 0 || n > 2 || der.length < 2 + n) return false;
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + der[2 + i]!;
  return der.length === 2 + n + len;
}
