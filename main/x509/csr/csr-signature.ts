import { verify } from 'node:crypto';
import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import type { CheckedPublicKey } from '../public-key/check-public-key.js';
import type { EcCurve } from '../public-key/ec-point.js';
import { refusedWithout, type AllowanceLedger } from './csr-allowances.js';
import { CsrError } from './csr-errors.js';

interface SignatureAlgorithm {
  readonly name: string;
  readonly family: 'ec' | 'rsa' | 'ed25519';
  /** node:crypto digest name; null for Ed25519 (pure) */
  readonly hash: 'sha256' | 'sha384' | 'sha512' | null;
}

/**
 * What a CSR may be signed with. ECDSA may pair any of its hashes with either curve (RFC 5480
 * recommends but does not require matching strength). RSASSA-PSS is not accepted: no device
 * we provision uses it, and its parameters are a parser of their own.
 */
const ACCEPTED: Readonly<Record<string, SignatureAlgorithm>> = {
  '1.2.840.10045.4.3.2': { name: 'ecdsa-with-SHA256', family: 'ec', hash: 'sha256' },
  '1.2.840.10045.4.3.3': { name: 'ecdsa-with-SHA384', family: 'ec', hash: 'sha384' },
  '1.2.840.10045.4.3.4': { name: 'ecdsa-with-SHA512', family: 'ec', hash: 'sha512' },
  '1.3.101.112': { name: 'Ed25519', family: 'ed25519', hash: null },
  '1.2.840.113549.1.1.11': { name: 'sha256WithRSAEncryption', family: 'rsa', hash: 'sha256' },
  '1.2.840.113549.1.1.12': { name: 'sha384WithRSAEncryption', family: 'rsa', hash: 'sha384' },
  '1.2.840.113549.1.1.13': { name: 'sha512WithRSAEncryption', family: 'rsa', hash: 'sha512' },
};

const WEAK: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.3': 'md4WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSASignature',
  '1.3.14.3.2.3': 'md5WithRSA',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10040.4.3': 'dsa-with-SHA1',
};

const UNSUPPORTED: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.10': 'RSASSA-PSS',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.2.840.10045.4.3.1': 'ecdsa-with-SHA224',
  '1.3.101.113': 'Ed448',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-SHA256',
};

const FAMILY_NAMES = { ec: 'EC', rsa: 'RSA', ed25519: 'Ed25519' } as const;

export function signatureAlgorithmName(oid: string): string {
  return ACCEPTED[oid]?.name ?? WEAK[oid] ?? UNSUPPORTED[oid] ?? oid;
}

/**
 * Checks the signature AlgorithmIdentifier against the key and verifies the signature over
 * the exact certificationRequestInfo bytes. Returns the algorithm's OID.
 */
export function verifyCsrSignature(algId: DerNode, signature: DerNode, signedBytes: Buffer, key: CheckedPublicKey, ledger: AllowanceLedger): string {
  const [oidNode, params, extra] = algId.children;
  if (oidNode?.id !== 0x06 || extra !== undefined) {
    throw new CsrError('CSR_STRUCTURE', 'signatureAlgorithm must be SEQUENCE { OID, parameters OPTIONAL }');
  }
  const oid = oidNode.oid();
  const alg = ACCEPTED[oid];
  if (alg === undefined) {
    const weak = WEAK[oid];
    if (weak) throw new CsrError('CSR_SIGNATURE_WEAK', `signature algorithm ${weak} (${oid}) is too weak`, { oid });
    const name = UNSUPPORTED[oid];
    throw new CsrError('CSR_SIGNATURE_ALGORITHM_UNSUPPORTED', `signature algorithm ${name ? `${name} (${oid})` : oid} is not supported`, { oid });
  }
  checkParameters(alg, params, ledger);
  if (alg.family !== key.info.family) {
    throw new CsrError('CSR_SIGNATURE_ALGORITHM_MISMATCH', `signature algorithm ${alg.name} does not match the ${FAMILY_NAMES[key.info.family]} public key`);
  }

  if (signature.content()[0] !== 0) throw new CsrError('CSR_SIGNATURE_INVALID', 'signature BIT STRING has unused bits');
  const received = signature.buf.subarray(signature.contentStart + 1, signature.end);
  // ECDSA is verified as r‖s (IEEE P1363) from the checked INTEGERs, so a padded encoding the
  // ledger allowed is not re-judged by OpenSSL; the signed bytes are always the exact ones received.
  const sig = alg.family === 'ec' ? ecdsaSignatureValue(received, key.curve!, ledger) : received;
  if (alg.family === 'ed25519' && sig.length !== 64) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `Ed25519 signature is ${sig.length} bytes, expected 64`);
  } else if (alg.family === 'rsa' && sig.length !== key.modulusBytes) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `RSA signature is ${sig.length} bytes, expected ${key.modulusBytes}`);
  }

  let ok: boolean;
  try {
    ok =
      alg.family === 'ec'
        ? verify(alg.hash, signedBytes, { key: key.keyObject, dsaEncoding: 'ieee-p1363' }, sig)
        : verify(alg.hash, signedBytes, key.keyObject, sig);
  } catch (e) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `signature could not be checked: ${(e as Error).message}`);
  }
  if (!ok) throw new CsrError('CSR_SIGNATURE_INVALID', `${alg.name} signature does not verify with the CSR's public key`);
  return oid;
}

function checkParameters(alg: SignatureAlgorithm, params: DerNode | undefined, ledger: AllowanceLedger): void {
  if (params === undefined) return;
  const isNull = params.id === 0x05;
  // RFC 4055: RSA PKCS#1 v1.5 parameters are NULL, and absent must be accepted too.
  if (alg.family === 'rsa' && isNull) return;
  if (alg.family === 'ec' && isNull) {
    if (ledger.permit('ecdsa-null-parameters')) return;
    throw refusedWithout('ecdsa-null-parameters', `${alg.name} with NULL`);
  }
  throw new CsrError(
    'CSR_SIGNATURE_ALGORITHM_PARAMETERS',
    `${alg.name} AlgorithmIdentifier has ${isNull ? 'NULL' : 'unexpected'} parameters; ` +
      (alg.family === 'rsa' ? 'they must be NULL or absent (RFC 4055)' : 'they must be absent (RFC 5758, RFC 8410)'),
  );
}

/**
 * Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strict DER, with 0 < r, s < n,
 * returned as r‖s of the curve's width. OpenSSL would refuse most of this too, but here the
 * message says what is wrong and the acceptance rule does not depend on the OpenSSL version.
 * The one tolerated deviation is positive INTEGERs with redundant leading zeros, and only
 * under `ecdsa-signature-padded`: lengths must still be DER, and r and s still in range.
 */
function ecdsaSignatureValue(sig: Buffer, curve: EcCurve, ledger: AllowanceLedger): Buffer {
  const [r, s] = readSigValue(sig, ledger);
  const width = curve.order.length;
  const out = Buffer.alloc(width * 2);
  for (const [name, magnitude, at] of [
    ['r', r, 0],
    ['s', s, width],
  ] as const) {
    if (!inRange(magnitude, curve.order)) {
      throw new CsrError('CSR_SIGNATURE_INVALID', `ECDSA signature ${name} is not in 1..n-1 for ${curve.name}`);
    }
    magnitude.copy(out, at + width - magnitude.length);
  }
  return out;
}

/** The magnitudes of r and s (leading zeros removed). */
function readSigValue(sig: Buffer, ledger: AllowanceLedger): [Buffer, Buffer] {
  let seq: DerNode;
  try {
    seq = parseDer(sig, { maxDepth: 1 });
  } catch (e) {
    if (!(e instanceof DerError)) throw e;
    if (e.code === 'DER_NON_MINIMAL') {
      const padded = readPaddedSigValue(sig);
      if (padded !== null) {
        if (ledger.permit('ecdsa-signature-padded')) return padded;
        throw refusedWithout('ecdsa-signature-padded', 'an INTEGER with a redundant leading 0x00');
      }
    }
    throw new CsrError('CSR_SIGNATURE_INVALID', `ECDSA signature is not strict DER: ${e.message}`);
  }
  const [r, s, extra] = seq.children;
  if (seq.id !== 0x30 || r?.id !== 0x02 || s?.id !== 0x02 || extra !== undefined) {
    throw new CsrError('CSR_SIGNATURE_INVALID', 'ECDSA signature must be SEQUENCE { r INTEGER, s INTEGER }');
  }
  return [positiveMagnitude(r.content(), 'r'), positiveMagnitude(s.content(), 's')];
}

function positiveMagnitude(body: Buffer, name: string): Buffer {
  if (body.length === 0 || body[0]! & 0x80) throw new CsrError('CSR_SIGNATURE_INVALID', `ECDSA signature ${name} is negative or empty`);
  let i = 0;
  while (i < body.length - 1 && body[i] === 0) i++;
  return body.subarray(i);
}

/**
 * SEQUENCE { INTEGER, INTEGER } whose lengths are DER (short form, or 0x81 with a value of
 * at least 128) and whose INTEGERs are positive, some with redundant leading zeros. Null for
 * anything else, which then stays a plain CSR_SIGNATURE_INVALID.
 */
function readPaddedSigValue(sig: Buffer): [Buffer, Buffer] | null {
  const header = (at: number, tag: number): { start: number; end: number } | null => {
    if (sig[at] !== tag || at + 1 >= sig.length) return null;
    let len = sig[at + 1]!;
    let start = at + 2;
    if (len === 0x81) {
      if (at + 2 >= sig.length) return null;
      len = sig[at + 2]!;
      if (len < 0x80) return null;
      start = at + 3;
    } else if (len >= 0x80) return null;
    return start + len <= sig.length ? { start, end: start + len } : null;
  };
  const outer = header(0, 0x30);
  if (outer === null || outer.end !== sig.length) return null;
  const r = header(outer.start, 0x02);
  if (r === null) return null;
  const s = header(r.end, 0x02);
  if (s === null || s.end !== outer.end) return null;
  const parts: Buffer[] = [];
  for (const p of [r, s]) {
    const body = sig.subarray(p.start, p.end);
    if (body.length === 0 || body[0]! & 0x80) return null;
    parts.push(positiveMagnitude(body, 'value'));
  }
  return [parts[0]!, parts[1]!];
}

/** 0 < value < order, for a magnitude without leading zeros and a big-endian order. */
function inRange(v: Buffer, order: Buffer): boolean {
  if (v.length === 0 || (v.length === 1 && v[0] === 0)) return false; // zero
  if (v.length !== order.length) return v.length < order.length;
  return Buffer.compare(v, order) < 0;
}
