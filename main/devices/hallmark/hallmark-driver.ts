import { createHash } from 'node:crypto';
import { isHallmarkError, InvalidInputError } from '../../errors/hallmark-error.js';
import { CsrError } from '../../x509/csr/csr-errors.js';
import { parseCsr } from '../../x509/csr/parse-csr.js';
import type { ParsedCsr } from '../../x509/csr/parsed-csr.js';
import { encodeName, parseSubject } from '../../x509/distinguished-name.js';
import { DeviceError } from '../device-errors.js';
import type { ChainToWrite, DeviceCsr, DeviceDriver, DeviceIdentity, LineLink } from '../line-link.js';
import { HallmarkExchange } from './hallmark-exchange.js';
import { encodeMatterRecord, MATTER_MAX_RECORD_BYTES, sha256Hex, type MatterFactoryRecord, type MatterReadback } from './matter-factory-record.js';
import {
  decodeBase64Strict,
  HALLMARK_PROTOCOL_VERSION,
  HM_CHUNK_BYTES,
  HM_CHUNK_CHARS,
  HM_MAX_CHAIN_BYTES,
  HM_MAX_CSR_CHUNKS,
  HM_MAX_SUBJECT_BYTES,
  HM_NONCE_MAX_BYTES,
  HM_NONCE_MIN_BYTES,
  HM_PROVISIONING_STATES,
  isLowerHex,
  parseKeyValues,
  type HallmarkKeyAlgorithm,
  type HallmarkProvisioningState,
} from './hallmark-protocol.js';

/** Time allowed for each command's complete response. */
export interface HallmarkTimeouts {
  readonly identMs: number;
  /** key generation in a secure element takes seconds on some parts */
  readonly keygenMs: number;
  /** signing plus sending every `+CSR:` chunk */
  readonly csrMs: number;
  /** each HM+CHAIN step (one chunk written to flash) */
  readonly chainMs: number;
  readonly readbackMs: number;
  readonly lockMs: number;
}

export const DEFAULT_HALLMARK_TIMEOUTS: HallmarkTimeouts = {
  identMs: 2000,
  keygenMs: 15_000,
  csrMs: 10_000,
  chainMs: 5000,
  readbackMs: 5000,
  lockMs: 5000,
};

export interface HallmarkDriverOptions {
  readonly timeouts?: Partial<HallmarkTimeouts>;
  /** the key the device is asked to generate (default p256) */
  readonly keyAlgorithm?: HallmarkKeyAlgorithm;
}

/**
 * The station side of the Hallmark device protocol (docs/device-protocol.md) over one
 * LineLink. It trusts nothing the device says: the CSR must parse strictly, carry the
 * station's nonce and subject and be for the key the device just reported; the chain
 * read-back must be the digest of exactly the bytes written.
 */
export class HallmarkProtocolDriver implements DeviceDriver {
  readonly protocol = 'hallmark' as const;
  readonly #exchange: HallmarkExchange;
  readonly #timeouts: HallmarkTimeouts;
  readonly #keyAlgorithm: HallmarkKeyAlgorithm;
  /** the SPKI digest of the key behind the last CSR, to check the read-back against */
  #spkiSha256: string | undefined;
  #lastCsr: ParsedCsr | undefined;
  /** the provisioning state the device reported at the last identify */
  #identifiedState: HallmarkProvisioningState | undefined;

  constructor(link: LineLink, options: HallmarkDriverOptions = {}) {
    this.#exchange = new HallmarkExchange(link);
    this.#timeouts = { ...DEFAULT_HALLMARK_TIMEOUTS, ...options.timeouts };
    this.#keyAlgorithm = options.keyAlgorithm ?? 'p256';
  }

  /** The CSR the last requestCsr returned, as parsed and checked. */
  get lastCsr(): ParsedCsr | undefined {
    return this.#lastCsr;
  }

  identify(): Promise<DeviceIdentity> {
    return coded(async () => {
      const [info] = await this.#exchange.run({ command: 'HM+IDENT', name: 'IDENT', timeoutMs: this.#timeouts.identMs, maxInfoLines: 1 });
      if (info === undefined) throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+IDENT: the device answered OK without +IDENT', { command: 'HM+IDENT' });
      const identity = parseIdent(info);
      this.#identifiedState = identity.provisioningState;
      return identity;
    });
  }

  /**
   * HM+KEYGEN then HM+CSR; with `keepExistingKey`, a device that reported `keyed` or
   * `provisioned` at the last identify is asked HM+CSR for the key it already holds (the
   * protocol allows HM+CSR in any state with a key), so a device that dropped after the
   * station committed its certificate comes back with the same key and gets that
   * certificate again. Without a KEYGEN answer to compare, the CSR's signature is the
   * proof that the device holds the key; the station compares it with the committed one.
   */
  requestCsr(args: { readonly subject: string; readonly nonce: Buffer; readonly keepExistingKey?: boolean }): Promise<DeviceCsr> {
    return coded(async () => {
      if (args.nonce.length < HM_NONCE_MIN_BYTES || args.nonce.length > HM_NONCE_MAX_BYTES) {
        throw new InvalidInputError(`the nonce must be ${HM_NONCE_MIN_BYTES} to ${HM_NONCE_MAX_BYTES} bytes, not ${args.nonce.length}`);
      }
      const subjectDer = encodeName(parseSubject(args.subject));
      if (subjectDer.length > HM_MAX_SUBJECT_BYTES) {
        throw new InvalidInputError(`the subject encodes to ${subjectDer.length} bytes; the protocol carries at most ${HM_MAX_SUBJECT_BYTES}`);
      }
      const nonceHex = args.nonce.toString('hex');
      this.#spkiSha256 = undefined;
      this.#lastCsr = undefined;

      const state = this.#identifiedState;
      const keep = args.keepExistingKey === true && (state === 'keyed' || state === 'provisioned');
      let keygen: string | undefined;
      if (!keep) {
        [keygen] = await this.#exchange.run({
          command: `HM+KEYGEN=${this.#keyAlgorithm}`,
          name: 'KEYGEN',
          timeoutMs: this.#timeouts.keygenMs,
          maxInfoLines: 1,
        });
        if (keygen === undefined || !isLowerHex(keygen, 32)) {
          throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+KEYGEN: expected +KEYGEN: <SHA-256 of the public key, 64 lowercase hex>', { command: 'HM+KEYGEN' });
        }
      }

      const chunks = await this.#exchange.run({
        command: `HM+CSR=${subjectDer.toString('base64')},${nonceHex}`,
        name: 'CSR',
        timeoutMs: this.#timeouts.csrMs,
        maxInfoLines: HM_MAX_CSR_CHUNKS,
      });
      const der = joinCsrChunks(chunks);

      let csr: ParsedCsr;
      try {
        // Every named allowance: the driver checks protocol consistency; whether this product's
        // firmware may deviate is the station's policy decision (station/accept-csr.ts).
        csr = parseCsr(der, { allow: 'all' });
      } catch (e) {
        if (e instanceof CsrError)
          throw new DeviceError('DEVICE_CSR_INVALID', `HM+CSR: the device's CSR is invalid: ${e.message}`, { command: 'HM+CSR', csrCode: e.code });
        throw e;
      }
      if (csr.challengePassword !== nonceHex) {
        throw new DeviceError('DEVICE_NONCE_MISMATCH', 'HM+CSR: the CSR does not carry the nonce this station sent (a replayed or stale CSR)', {
          command: 'HM+CSR',
          expected: nonceHex,
          got: csr.challengePassword,
        });
      }
      if (!csr.subjectDer.equals(subjectDer)) {
        throw new DeviceError('DEVICE_CSR_INVALID', `HM+CSR: the CSR's subject "${csr.subject}" is not the one the station sent`, { command: 'HM+CSR' });
      }
      if (keygen !== undefined && csr.publicKey.spkiSha256 !== keygen) {
        throw new DeviceError('DEVICE_CSR_INVALID', 'HM+CSR: the CSR is not for the key the device reported from HM+KEYGEN', {
          command: 'HM+CSR',
          keygen,
          csr: csr.publicKey.spkiSha256,
        });
      }
      this.#spkiSha256 = csr.publicKey.spkiSha256;
      this.#lastCsr = csr;
      return { der: csr.der, nonce: Buffer.from(args.nonce) };
    });
  }

  writeChain(chain: ChainToWrite): Promise<void> {
    return coded(async () => {
      // Concatenated DER certificates, the device's first: each is self-delimiting, so the
      // device splits them without a second framing layer.
      const bytes = Buffer.concat([chain.deviceCertificate, ...chain.caCertificates]);
      if (bytes.length === 0 || bytes.length > HM_MAX_CHAIN_BYTES) {
        throw new InvalidInputError(`the chain is ${bytes.length} bytes; the protocol carries 1 to ${HM_MAX_CHAIN_BYTES}`);
      }
      const digest = createHash('sha256').update(bytes).digest('hex');
      const t = this.#timeouts.chainMs;
      await this.#exchange.run({ command: `HM+CHAIN=BEGIN,${bytes.length},${digest}`, name: 'CHAIN', timeoutMs: t, maxInfoLines: 0 });
      for (let offset = 0, seq = 1; offset < bytes.length; offset += HM_CHUNK_BYTES, seq++) {
        const chunk = bytes.subarray(offset, offset + HM_CHUNK_BYTES).toString('base64');
        await this.#exchange.run({ command: `HM+CHAIN=DATA,${seq},${chunk}`, name: 'CHAIN', timeoutMs: t, maxInfoLines: 0 });
      }
      await this.#exchange.run({ command: 'HM+CHAIN=END', name: 'CHAIN', timeoutMs: t, maxInfoLines: 0 });

      const readback = await this.#readback();
      if (readback.chainSha256 !== digest) {
        throw new DeviceError('DEVICE_READBACK_MISMATCH', 'HM+READBACK?: the device stored something other than the chain written', {
          command: 'HM+READBACK?',
          expected: digest,
          got: readback.chainSha256,
        });
      }
      if (this.#spkiSha256 !== undefined && readback.spkiSha256 !== this.#spkiSha256) {
        throw new DeviceError('DEVICE_READBACK_MISMATCH', 'HM+READBACK?: the device now reports a different key than the one in its CSR', {
          command: 'HM+READBACK?',
          expected: this.#spkiSha256,
          got: readback.spkiSha256,
        });
      }
    });
  }

  /**
   * HM+MATTER=BEGIN / DATA… / END with the factory record, then HM+MATTER? must report the
   * SHA-256 of exactly those bytes, read back from the device's storage.
   */
  writeMatterFactoryData(record: MatterFactoryRecord): Promise<void> {
    return coded(async () => {
      const bytes = encodeMatterRecord(record);
      if (bytes.length > MATTER_MAX_RECORD_BYTES)
        throw new InvalidInputError(`the factory record is ${bytes.length} bytes; the protocol carries at most ${MATTER_MAX_RECORD_BYTES}`);
      const digest = sha256Hex(bytes);
      const t = this.#timeouts.chainMs;
      await this.#exchange.run({ command: `HM+MATTER=BEGIN,${bytes.length},${digest}`, name: 'MATTER', timeoutMs: t, maxInfoLines: 0 });
      for (let offset = 0, seq = 1; offset < bytes.length; offset += HM_CHUNK_BYTES, seq++) {
        const chunk = bytes.subarray(offset, offset + HM_CHUNK_BYTES).toString('base64');
        await this.#exchange.run({ command: `HM+MATTER=DATA,${seq},${chunk}`, name: 'MATTER', timeoutMs: t, maxInfoLines: 0 });
      }
      await this.#exchange.run({ command: 'HM+MATTER=END', name: 'MATTER', timeoutMs: t, maxInfoLines: 0 });
      const readback = await this.#matterReadback();
      if (readback?.recordSha256 !== digest) {
        throw new DeviceError('DEVICE_READBACK_MISMATCH', 'HM+MATTER?: the device stored another factory record than the one written', {
          command: 'HM+MATTER?',
          expected: digest,
          got: readback?.recordSha256 ?? null,
        });
      }
    });
  }

  readMatterFactoryData(): Promise<MatterReadback | null> {
    return coded(() => this.#matterReadback());
  }

  async #matterReadback(): Promise<MatterReadback | null> {
    let info: string | undefined;
    try {
      [info] = await this.#exchange.run({ command: 'HM+MATTER?', name: 'MATTER', timeoutMs: this.#timeouts.readbackMs, maxInfoLines: 1 });
    } catch (e) {
      if (e instanceof DeviceError && e.code === 'DEVICE_ERROR_RESPONSE' && e.details?.deviceCode === 'NO_FACTORY_DATA') return null;
      throw e;
    }
    const m = info === undefined ? null : /^([0-9a-f]{64}),([0-9a-f]{64})$/.exec(info);
    if (!m) throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+MATTER?: expected +MATTER: <record SHA-256>,<verifier SHA-256>', { command: 'HM+MATTER?' });
    return { recordSha256: m[1]!, verifierSha256: m[2]! };
  }

  lock(): Promise<void> {
    return coded(async () => {
      await this.#exchange.run({ command: 'HM+LOCK', name: 'LOCK', timeoutMs: this.#timeouts.lockMs, maxInfoLines: 0 });
    });
  }

  async #readback(): Promise<{ chainSha256: string; spkiSha256: string }> {
    const [info] = await this.#exchange.run({ command: 'HM+READBACK?', name: 'READBACK', timeoutMs: this.#timeouts.readbackMs, maxInfoLines: 1 });
    const m = info === undefined ? null : /^([0-9a-f]{64}),([0-9a-f]{64})$/.exec(info);
    if (!m) throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+READBACK?: expected +READBACK: <chain SHA-256>,<public key SHA-256>', { command: 'HM+READBACK?' });
    return { chainSha256: m[1]!, spkiSha256: m[2]! };
  }
}

function parseIdent(info: string): DeviceIdentity {
  const kv = parseKeyValues(info);
  const model = kv?.get('model');
  const serial = kv?.get('serial');
  const fw = kv?.get('fw');
  const proto = kv?.get('proto');
  const state = kv?.get('state');
  if (!model || !serial || !fw || !proto || !state) {
    throw new DeviceError('DEVICE_BAD_PAYLOAD', `HM+IDENT: expected model=,serial=,fw=,proto=,state= in "${info.slice(0, 120)}"`, { command: 'HM+IDENT' });
  }
  if (proto !== HALLMARK_PROTOCOL_VERSION) {
    throw new DeviceError(
      'DEVICE_PROTOCOL_UNSUPPORTED',
      `HM+IDENT: the device speaks protocol version ${proto}; this station speaks ${HALLMARK_PROTOCOL_VERSION}`,
      {
        command: 'HM+IDENT',
        proto,
      },
    );
  }
  if (!(HM_PROVISIONING_STATES as readonly string[]).includes(state)) {
    throw new DeviceError('DEVICE_BAD_PAYLOAD', `HM+IDENT: unknown provisioning state "${state}"`, { command: 'HM+IDENT' });
  }
  return {
    protocol: 'hallmark',
    model,
    hardwareSerial: serial,
    firmware: fw,
    protocolVersion: proto,
    provisioningState: state as HallmarkProvisioningState,
    ...(kv!.get('matter') === '1' ? { matter: true } : {}),
  };
}

/** `+CSR: <i>/<n>,<base64>` lines, i = 1…n in order, joined and decoded. */
function joinCsrChunks(chunks: readonly string[]): Buffer {
  if (chunks.length === 0) throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+CSR: the device answered OK without a CSR', { command: 'HM+CSR' });
  let text = '';
  chunks.forEach((chunk, i) => {
    const m = /^(\d{1,2})\/(\d{1,2}),([A-Za-z0-9+/=]+)$/.exec(chunk);
    if (!m || Number(m[1]) !== i + 1 || Number(m[2]) !== chunks.length || m[3]!.length > HM_CHUNK_CHARS) {
      throw new DeviceError('DEVICE_BAD_PAYLOAD', `HM+CSR: chunk ${i + 1} of ${chunks.length} is malformed or out of order`, {
        command: 'HM+CSR',
        chunk: chunk.slice(0, 40),
      });
    }
    text += m[3];
  });
  const der = decodeBase64Strict(text);
  if (der === undefined) throw new DeviceError('DEVICE_BAD_PAYLOAD', 'HM+CSR: the CSR is not valid base64', { command: 'HM+CSR' });
  return der;
}

/** Every failure leaves as a coded HallmarkError; anything else is a bug, reported as DEVICE_UNKNOWN. */
async function coded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isHallmarkError(e)) throw e;
    throw new DeviceError('DEVICE_UNKNOWN', `unexpected failure: ${(e as Error)?.message ?? String(e)}`);
  }
}
