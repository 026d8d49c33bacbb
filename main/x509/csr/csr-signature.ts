import { verify } from 'node:crypto';
import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import type { CheckedPublicKey } from '../public-key/check-public-key.js';
import type { EcCurve } from '../public-key/ec-point.js';
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

export interface VerifyOptions {
  readonly allowEcdsaNullParams: boolean;
}

/**
 * Checks the signature AlgorithmIdentifier against the key and verifies the signature over
 * the exact certificationRequestInfo bytes. Returns the algorithm's OID.
 */
export function verifyCsrSignature(
  algId: DerNode,
  signature: DerNode,
  signedBytes: Buffer,
  key: CheckedPublicKey,
  options: VerifyOptions,
): string {
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
    throw new CsrError(
      'CSR_SIGNATURE_ALGORITHM_UNSUPPORTED',
      `signature algorithm ${name ? `${name} (${oid})` : oid} is not supported`,
      { oid },
    );
  }
  checkParameters(alg, params, options);
  if (alg.family !== key.info.family) {
    throw new CsrError(
      'CSR_SIGNATURE_ALGORITHM_MISMATCH',
      `signature algorithm ${alg.name} does not match the ${FAMILY_NAMES[key.info.family]} public key`,
    );
  }

  if (signature.content()[0] !== 0) throw new CsrError('CSR_SIGNATURE_INVALID', 'signature BIT STRING has unused bits');
  const sig = signature.buf.subarray(signature.contentStart + 1, signature.end);
  if (alg.family === 'ec') checkEcdsaSignatureValue(sig, key.curve!);
  else if (alg.family === 'ed25519' && sig.length !== 64) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `Ed25519 signature is ${sig.length} bytes, expected 64`);
  } else if (alg.family === 'rsa' && sig.length !== key.modulusBytes) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `RSA signature is ${sig.length} bytes, expected ${key.modulusBytes}`);
  }

  let ok: boolean;
  try {
    ok = verify(alg.hash, signedBytes, key.keyObject, sig);
  } catch (e) {
    throw new CsrError('CSR_SIGNATURE_INVALID', `signature could not be checked: ${(e as Error).message}`);
  }
  if (!ok) throw new CsrError('CSR_SIGNATURE_INVALID', `${alg.name} signature does not verify with the CSR's public key`);
  return oid;
}

function checkParameters(alg: SignatureAlgorithm, params: DerNode | undefined, options: VerifyOptions): void {
  if (params === undefined) return;
  const isNull = params.id === 0x05;
  // RFC 4055: RSA PKCS#1 v1.5 parameters are NULL, and absent must be accepted too.
  if (alg.family === 'rsa' && isNull) return;
  // Some Nordic nRF91 modem firmware writes ecdsa-with-SHA256 with NULL parameters; only
  // its driver asks for this tolerance.
  if (alg.family === 'ec' && isNull && options.allowEcdsaNullParams) return;
  throw new CsrError(
    'CSR_SIGNATURE_ALGORITHM_PARAMETERS',
    `${alg.name} AlgorithmIdentifier has ${isNull ? 'NULL' : 'unexpected'} parameters; ` +
      (alg.family === 'rsa' ? 'they must be NULL or absent (RFC 4055)' : 'they must be absent (RFC 5758, RFC 8410)'),
  );
}

/**
 * Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }, strict DER, with 0 < r, s < n.
 * OpenSSL would refuse most of this too, but here the message says what is wrong and the
 * acceptance rule does not depend on the OpenSSL version.
 */
function checkEcdsaSignatureValue(sig: Buffer, curve: EcCurve): void {
  let seq: DerNode;
  try {
    seq = parseDer(sig, { maxDepth: 1 });
  } catch (e) {
    if (e instanceof DerError) throw new CsrError('CSR_SIGNATURE_INVALID', `ECDSA signature is not strict DER: ${e.message}`);
    throw e;
  }
  const [r, s, extra] = seq.children;
  if (seq.id !== 0x30 || r?.id !== 0x02 || s?.id !== 0x02 || extra !== undefined) {
    throw new CsrError('CSR_SIGNATURE_INVALID', 'ECDSA signature must be SEQUENCE { r INTEGER, s INTEGER }');
  }
  for (const [name, node] of [['r', r], ['s', s]] as const) {
    if (!inRange(node.content(), curve.order)) {
      throw new CsrError('CSR_SIGNATURE_INVALID', `ECDSA signature ${name} is not in 1..n-1 for ${curve.name}`);
    }
  }
}

/** 0 < value < order, for a minimal two's-complement INTEGER body and a big-endian order. */
function inRange(value: Buffer, order: Buffer): boolean {
  if (value[0]! & 0x80) return false;
  const v = value[0] === 0 ? value.subarray(1) : value;
  if (v.length === 0) return false; // zero
  if (v.length !== order.length) return v.length < order.length;
  return Buffer.compare(v, order) < 0;
}
