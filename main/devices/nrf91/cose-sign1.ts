import { createPublicKey, sign as cryptoSign, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { decodeCbor } from './cbor-decode.js';
import { cborMap, encodeCbor } from './cbor-encode.js';
import { CborError } from './cbor-errors.js';
import { CborMap, CborTagged, type CborValue } from './cbor-value.js';

/** RFC 9052 §4.2: the CBOR tag of a tagged COSE_Sign1. */
export const COSE_SIGN1_TAG = 18;
/** COSE header label `alg` and the ES256 algorithm value (ECDSA P-256 with SHA-256). */
const HEADER_ALG = 1;
const HEADER_KID = 4;
export const COSE_ALG_ES256 = -7;

/** Thrown for any COSE_Sign1 the station will not accept; the driver maps it to DEVICE_ATTESTATION_INVALID. */
export class CoseError extends Error {
  constructor(
    message: string,
    readonly cborCode?: string,
  ) {
    super(message);
    this.name = 'CoseError';
  }
}

export interface CoseSign1 {
  /** the protected header exactly as received (the signature covers these bytes) */
  readonly protectedBytes: Buffer;
  readonly alg: typeof COSE_ALG_ES256;
  /** unprotected `kid`, when present (the nRF91 names its signing key here, e.g. CBOR -2 = identity key) */
  readonly kid?: Buffer;
  readonly payload: Buffer;
  /** raw r‖s, 64 bytes */
  readonly signature: Buffer;
}

/** Upper bound for a whole COSE_Sign1 from a modem: a 5-element payload and a 64-byte signature need ~170 bytes. */
const MAX_COSE_BYTES = 2048;

/**
 * Decodes a tagged COSE_Sign1 with an ES256 protected header, the shape an nRF91 prints
 * after the dot of %KEYGEN. Strict where the modem is fixed: the protected header holds
 * `alg` only, the unprotected header at most `kid` (a byte string), the payload is
 * attached, the signature is 64 bytes. Anything else is refused rather than ignored,
 * because a station that skipped unknown header parameters could be told, for instance,
 * that a `crit` parameter it never honoured applied.
 */
export function decodeCoseSign1(bytes: Uint8Array): CoseSign1 {
  const top = cbor(bytes, [COSE_SIGN1_TAG], 'COSE_Sign1');
  if (!(top instanceof CborTagged) || top.tag !== COSE_SIGN1_TAG) throw new CoseError('COSE_Sign1 must carry CBOR tag 18');
  const parts = top.value;
  if (!Array.isArray(parts) || parts.length !== 4) throw new CoseError('COSE_Sign1 must be an array of 4 elements');
  const [protectedBytes, unprotected, payload, signature] = parts as readonly CborValue[];

  if (!Buffer.isBuffer(protectedBytes)) throw new CoseError('COSE_Sign1 protected header must be a byte string');
  const protectedMap = cbor(protectedBytes, [], 'protected header');
  if (!(protectedMap instanceof CborMap)) throw new CoseError('COSE_Sign1 protected header must be a map');
  for (const key of protectedMap.entries.keys()) {
    if (key !== HEADER_ALG) throw new CoseError(`COSE_Sign1 protected header has an unexpected parameter ${JSON.stringify(key)}`);
  }
  const alg = protectedMap.get(HEADER_ALG);
  if (alg !== COSE_ALG_ES256) throw new CoseError(`COSE_Sign1 algorithm is ${JSON.stringify(alg ?? null)}, expected ES256 (-7)`);

  if (!(unprotected instanceof CborMap)) throw new CoseError('COSE_Sign1 unprotected header must be a map');
  let kid: Buffer | undefined;
  for (const [key, value] of unprotected.entries) {
    if (key !== HEADER_KID || !Buffer.isBuffer(value)) {
      throw new CoseError(`COSE_Sign1 unprotected header has an unexpected parameter ${JSON.stringify(key)}`);
    }
    kid = value;
  }
  if (!Buffer.isBuffer(payload)) throw new CoseError('COSE_Sign1 payload must be an attached byte string');
  if (!Buffer.isBuffer(signature) || signature.length !== 64) throw new CoseError('COSE_Sign1 ES256 signature must be 64 bytes (r‖s)');
  return kid === undefined ? { protectedBytes, alg: COSE_ALG_ES256, payload, signature } : { protectedBytes, alg: COSE_ALG_ES256, kid, payload, signature };
}

/** RFC 9052 §4.4: the bytes an ES256 COSE_Sign1 signature covers (no external AAD). */
export function sigStructure(protectedBytes: Buffer, payload: Buffer): Buffer {
  return encodeCbor(['Signature1', protectedBytes, Buffer.alloc(0), payload]);
}

/**
 * Verifies the signature with the signer's public key. The station normally cannot: the
 * modem signs with its factory identity key, whose public half only Nordic's identity
 * service holds. This exists for the simulator's tests and for stations given the
 * attestation keys of their devices.
 */
export function verifyCoseSign1(cose: CoseSign1, publicKey: KeyObject | Buffer): boolean {
  const key = Buffer.isBuffer(publicKey) ? createPublicKey({ key: publicKey, format: 'der', type: 'spki' }) : publicKey;
  return cryptoVerify('sha256', sigStructure(cose.protectedBytes, cose.payload), { key, dsaEncoding: 'ieee-p1363' }, cose.signature);
}

/** Builds a tagged ES256 COSE_Sign1 (the simulated modem's attestation). */
export function signCoseSign1(payload: Buffer, privateKey: KeyObject, kid?: Buffer): Buffer {
  const protectedBytes = encodeCbor(cborMap([[HEADER_ALG, COSE_ALG_ES256]]));
  const signature = cryptoSign('sha256', sigStructure(protectedBytes, payload), { key: privateKey, dsaEncoding: 'ieee-p1363' });
  const unprotected = cborMap(kid === undefined ? [] : [[HEADER_KID, kid]]);
  return encodeCbor(new CborTagged(COSE_SIGN1_TAG, [protectedBytes, unprotected, payload, signature]));
}

function cbor(bytes: Uint8Array, allowedTags: readonly number[], what: string): CborValue {
  try {
    return decodeCbor(bytes, { allowedTags, maxBytes: MAX_COSE_BYTES, maxDepth: 4, maxItems: 8 });
  } catch (e) {
    if (e instanceof CborError) throw new CoseError(`${what}: ${e.message}`, e.code);
    throw e;
  }
}
