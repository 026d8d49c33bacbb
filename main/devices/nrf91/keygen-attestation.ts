import { createHash } from 'node:crypto';
import { decodeCbor } from './cbor-decode.js';
import { encodeCbor } from './cbor-encode.js';
import { CborError } from './cbor-errors.js';
import { CborTagged, type CborValue } from './cbor-value.js';
import { CoseError } from './cose-sign1.js';

/** Payload id of Nordic's "CSR_msg_v1" (nRF Cloud utils' modem_credentials_parser: 8 = pubkey_msg_v2, 9 = CSR_msg_v1). */
export const CSR_MSG_V1 = 9;
/** RFC 8949 §3.4.6 self-described CBOR: real modems start the payload with it (d9 d9 f7). */
export const SELF_DESCRIBED_CBOR_TAG = 55799;

/**
 * What the modem attests about a %KEYGEN CSR: which device (its 16-byte UUID, also the
 * CSR's CN on real modems), which sec_tag holds the key, the SHA-256 of the CSR DER and a
 * modem-chosen nonce. The station cannot verify the signature over it (see
 * nrf91-driver.ts) but logs it and checks the digest and sec_tag.
 */
export interface KeygenAttestation {
  readonly deviceUuid: Buffer;
  /** the UUID in 8-4-4-4-12 form, as Nordic's tools print it */
  readonly deviceUuidText: string;
  readonly secTag: number;
  readonly csrSha256: Buffer;
  readonly nonce: Buffer;
}

/**
 * Decodes the COSE payload `[9, uuid, sec_tag, sha256, nonce]`. Real modems (sample
 * output in Nordic's nRF Cloud utils README) put the whole array in tag 55799 and the
 * sec_tag as a byte string that itself holds the CBOR integer; both spellings of the
 * sec_tag (wrapped, and the plain integer REFERENCES.md describes) are accepted, and
 * nothing else.
 */
export function decodeKeygenAttestation(payload: Buffer): KeygenAttestation {
  let top = cbor(payload, [SELF_DESCRIBED_CBOR_TAG], 'attestation payload');
  if (top instanceof CborTagged) top = top.value;
  if (!Array.isArray(top) || top.length !== 5) throw new CoseError('attestation payload must be an array of 5 elements');
  const [id, uuid, secTagItem, digest, nonce] = top as readonly CborValue[];
  if (id !== CSR_MSG_V1) throw new CoseError(`attestation payload id is ${JSON.stringify(describe(id))}, expected ${CSR_MSG_V1} (CSR_msg_v1)`);
  if (!Buffer.isBuffer(uuid) || uuid.length !== 16) throw new CoseError('attestation device UUID must be a 16-byte string');
  if (!Buffer.isBuffer(digest) || digest.length !== 32) throw new CoseError('attestation CSR digest must be a 32-byte string');
  if (!Buffer.isBuffer(nonce) || nonce.length !== 16) throw new CoseError('attestation nonce must be a 16-byte string');
  const secTag = Buffer.isBuffer(secTagItem) ? cbor(secTagItem, [], 'attestation sec_tag') : secTagItem;
  if (typeof secTag !== 'number' || secTag < 0 || secTag > 0x7fffffff) {
    throw new CoseError('attestation sec_tag must be an integer 0–2147483647');
  }
  return { deviceUuid: uuid, deviceUuidText: uuidText(uuid), secTag, csrSha256: digest, nonce };
}

/** The payload a modem (or the simulator) signs, in the real modems' spelling. */
export function encodeKeygenAttestation(a: { deviceUuid: Buffer; secTag: number; csrDer: Buffer; nonce: Buffer }): Buffer {
  const digest = createHash('sha256').update(a.csrDer).digest();
  return encodeCbor(new CborTagged(SELF_DESCRIBED_CBOR_TAG, [CSR_MSG_V1, a.deviceUuid, encodeCbor(a.secTag), digest, a.nonce]));
}

export function uuidText(uuid: Buffer): string {
  const h = uuid.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function describe(v: CborValue | undefined): unknown {
  return typeof v === 'number' || typeof v === 'string' ? v : Buffer.isBuffer(v) ? 'bytes' : 'structure';
}

function cbor(bytes: Buffer, allowedTags: readonly number[], what: string): CborValue {
  try {
    return decodeCbor(bytes, { allowedTags, maxBytes: 512, maxDepth: 3, maxItems: 5 });
  } catch (e) {
    if (e instanceof CborError) throw new CoseError(`${what}: ${e.message}`, e.code);
    throw e;
  }
}
