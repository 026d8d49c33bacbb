import { createHash, timingSafeEqual } from 'node:crypto';
import { DeviceError } from '../device-errors.js';
import { Base64UrlError, decodeBase64Url } from './base64url.js';
import { CoseError, decodeCoseSign1, type CoseSign1 } from './cose-sign1.js';
import { decodeKeygenAttestation, type KeygenAttestation } from './keygen-attestation.js';

/** A CSR DER from a modem is ~270 bytes (P-256); 4 KiB of base64url leaves room and bounds work. */
const MAX_CSR_CHARS = 4096;
const MAX_COSE_CHARS = 1024;

export interface KeygenOutput {
  readonly csrDer: Buffer;
  readonly cose: CoseSign1;
  readonly attestation: KeygenAttestation;
}

/**
 * Reads the information line of `AT%KEYGEN=<sec_tag>,2,0`: `%KEYGEN: "<A>.<B>"` with A
 * the CSR DER and B the COSE_Sign1, both unpadded base64url. Checks, in order: the line's
 * exact shape (DEVICE_UNEXPECTED_RESPONSE), both encodings (DEVICE_BAD_PAYLOAD), the
 * COSE structure and attestation payload, the attested sec_tag and the attested SHA-256
 * against the CSR bytes actually received (all DEVICE_ATTESTATION_INVALID — a hard
 * fail: a CSR the modem did not attest is not the modem's). The CSR itself is parsed by
 * the driver afterwards.
 */
export function parseKeygenLine(line: string, expectedSecTag: number): KeygenOutput {
  const m = /^%KEYGEN: "([^".]*)\.([^".]*)"$/.exec(line);
  if (!m) {
    if (/^%KEYGEN: "[^".]*"$/.test(line)) {
      throw new DeviceError('DEVICE_ATTESTATION_INVALID', '%KEYGEN returned a CSR without its COSE attestation');
    }
    throw new DeviceError('DEVICE_UNEXPECTED_RESPONSE', `expected %KEYGEN: "<csr>.<cose>", got ${preview(line)}`);
  }
  const csrDer = base64(m[1]!, MAX_CSR_CHARS, 'CSR');
  const coseBytes = base64(m[2]!, MAX_COSE_CHARS, 'COSE_Sign1');

  let cose: CoseSign1;
  let attestation: KeygenAttestation;
  try {
    cose = decodeCoseSign1(coseBytes);
    attestation = decodeKeygenAttestation(cose.payload);
  } catch (e) {
    if (e instanceof CoseError) {
      throw new DeviceError('DEVICE_ATTESTATION_INVALID', `KEYGEN attestation refused: ${e.message}`, e.cborCode ? { cbor: e.cborCode } : undefined);
    }
    throw e;
  }
  if (attestation.secTag !== expectedSecTag) {
    throw new DeviceError('DEVICE_ATTESTATION_INVALID', `KEYGEN attestation names sec_tag ${attestation.secTag}, the key was requested in ${expectedSecTag}`);
  }
  const actual = createHash('sha256').update(csrDer).digest();
  if (!timingSafeEqual(actual, attestation.csrSha256)) {
    throw new DeviceError('DEVICE_ATTESTATION_INVALID', 'the CSR does not match the SHA-256 its attestation signs', {
      attested: attestation.csrSha256.toString('hex'),
      received: actual.toString('hex'),
    });
  }
  return { csrDer, cose, attestation };
}

function base64(text: string, max: number, what: string): Buffer {
  try {
    return decodeBase64Url(text, max);
  } catch (e) {
    if (e instanceof Base64UrlError) throw new DeviceError('DEVICE_BAD_PAYLOAD', `%KEYGEN ${what} part: ${e.message}`, { problem: e.problem });
    throw e;
  }
}

/** A bounded, printable excerpt of a device line for error messages. */
export function preview(line: string): string {
  const cut = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  return JSON.stringify(cut);
}
