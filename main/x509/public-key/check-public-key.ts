import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import type { PublicKeyInfo } from '../csr/parsed-csr.js';
import { DerError } from '../der/der-errors.js';
import { parseDer, type DerNode } from '../der/der-reader.js';
import { bigintFromBytes } from './bigint-bytes.js';
import { checkEcPoint, P256, P384, type EcCurve } from './ec-point.js';
import { checkEd25519Point } from './ed25519-point.js';
import { KEY_OID, UNSUPPORTED_CURVES, UNSUPPORTED_KEY_ALGORITHMS } from './key-oids.js';
import { PublicKeyError } from './public-key-errors.js';
import { checkRsaFermat, checkRsaSmallFactors } from './rsa-weak-key.js';

/**
 * The public keys Hallmark certifies: EC P-256/P-384 (named curve), Ed25519, and RSA with a
 * modulus of exactly 2048, 3072 or 4096 bits and exponent 65537 — Let's Encrypt's rules, so
 * every accepted key has a KeyAlgorithm name and nothing in between has to be reasoned about.
 * Every check is our own; node:crypto's createPublicKey runs last as a second opinion and
 * provides the KeyObject the signature check uses.
 */

/** A checked key with what signature verification needs beyond PublicKeyInfo. */
export interface CheckedPublicKey {
  readonly info: PublicKeyInfo;
  readonly keyObject: KeyObject;
  /** the curve, for EC keys (ECDSA signature range checks) */
  readonly curve: EcCurve | null;
  /** the modulus length in bytes, for RSA keys (the signature length) */
  readonly modulusBytes: number | null;
}

const SPKI_MAX_DEPTH = 4;
const RSA_EXPONENT_65537 = Buffer.from([0x01, 0x00, 0x01]);
const RSA_SIZES: Readonly<Record<number, KeyAlgorithm>> = { 2048: 'rsa-2048', 3072: 'rsa-3072', 4096: 'rsa-4096' };
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Checks a DER SubjectPublicKeyInfo. Throws PublicKeyError. */
export function checkPublicKey(spkiDer: Buffer): PublicKeyInfo {
  let node: DerNode;
  try {
    node = parseDer(spkiDer, { maxDepth: SPKI_MAX_DEPTH });
  } catch (e) {
    if (e instanceof DerError) invalid(`not valid DER: ${e.message}`);
    throw e;
  }
  return checkSpkiNode(node).info;
}

/** Checks an already DER-parsed SubjectPublicKeyInfo element (the CSR path). */
export function checkSpkiNode(spki: DerNode): CheckedPublicKey {
  const [alg, bits] = spki.children;
  if (spki.id !== 0x30 || spki.children.length !== 2 || alg?.id !== 0x30 || bits?.id !== 0x03) {
    invalid('expected SEQUENCE { AlgorithmIdentifier, BIT STRING }');
  }
  const [algOid, params, extra] = alg.children;
  if (algOid?.id !== 0x06 || extra !== undefined) invalid('AlgorithmIdentifier must be SEQUENCE { OID, parameters OPTIONAL }');
  if (bits.content()[0] !== 0) invalid('subjectPublicKey BIT STRING has unused bits');
  const keyBytes = bits.buf.subarray(bits.contentStart + 1, bits.end);

  const oid = algOid.oid();
  switch (oid) {
    case KEY_OID.ecPublicKey:
      return checkEc(params, keyBytes);
    case KEY_OID.ed25519:
      if (params !== undefined) invalid('Ed25519 AlgorithmIdentifier must have absent parameters (RFC 8410)');
      checkEd25519Point(keyBytes);
      return finish({ family: 'ed25519', algorithm: 'ed25519' }, Buffer.concat([ED25519_SPKI_PREFIX, keyBytes]), null, null);
    case KEY_OID.rsaEncryption:
      if (params?.id !== 0x05) invalid('rsaEncryption AlgorithmIdentifier must have NULL parameters (RFC 3279)');
      return checkRsa(spki, keyBytes);
    default: {
      const name = UNSUPPORTED_KEY_ALGORITHMS[oid];
      throw new PublicKeyError(
        'KEY_ALGORITHM_UNSUPPORTED',
        `key algorithm ${name ? `${name} (${oid})` : oid} is not supported; use EC P-256/P-384, Ed25519 or RSA`,
        { oid },
      );
    }
  }
}

function checkEc(params: DerNode | undefined, point: Buffer): CheckedPublicKey {
  if (params === undefined) invalid('id-ecPublicKey AlgorithmIdentifier has no curve parameters');
  if (params.id !== 0x06) {
    throw new PublicKeyError(
      'KEY_CURVE_UNSUPPORTED',
      params.id === 0x05 ? 'EC key with implicitCA parameters is not supported' : 'EC key with explicit curve parameters is not supported; use a named curve',
    );
  }
  const curveOid = params.oid();
  const curve = curveOid === P256.oid ? P256 : curveOid === P384.oid ? P384 : null;
  if (curve === null) {
    const name = UNSUPPORTED_CURVES[curveOid];
    throw new PublicKeyError('KEY_CURVE_UNSUPPORTED', `EC curve ${name ? `${name} (${curveOid})` : curveOid} is not supported; use P-256 or P-384`, {
      oid: curveOid,
    });
  }
  const uncompressed = checkEcPoint(curve, point);
  return finish(
    { family: 'ec', algorithm: curve === P256 ? 'ecdsa-p256' : 'ecdsa-p384', curve: curve.name },
    Buffer.concat([curve.spkiPrefix, uncompressed]),
    curve,
    null,
  );
}

function checkRsa(spki: DerNode, keyBytes: Buffer): CheckedPublicKey {
  let rsaKey: DerNode;
  try {
    rsaKey = parseDer(keyBytes, { maxDepth: 1 });
  } catch (e) {
    if (e instanceof DerError) invalid(`RSAPublicKey is not valid DER: ${e.message}`);
    throw e;
  }
  const [modulus, exponent, extra] = rsaKey.children;
  if (rsaKey.id !== 0x30 || modulus?.id !== 0x02 || exponent?.id !== 0x02 || extra !== undefined) {
    invalid('RSAPublicKey must be SEQUENCE { modulus INTEGER, publicExponent INTEGER }');
  }
  let n = modulus.content();
  if (n[0]! & 0x80) throw new PublicKeyError('KEY_RSA_MODULUS_INVALID', 'RSA modulus is negative');
  if (n[0] === 0) n = n.subarray(1);
  const bits = n.length === 0 ? 0 : (n.length - 1) * 8 + (32 - Math.clz32(n[0]!));
  if (bits < 2048) {
    throw new PublicKeyError('KEY_RSA_TOO_SMALL', `RSA modulus is ${bits} bits; at least 2048 are required`, { bits });
  }
  if (bits > 4096) {
    throw new PublicKeyError('KEY_RSA_TOO_LARGE', `RSA modulus is ${bits} bits; at most 4096 are supported`, { bits });
  }
  const algorithm = RSA_SIZES[bits];
  if (algorithm === undefined) {
    throw new PublicKeyError('KEY_RSA_SIZE_UNSUPPORTED', `RSA modulus is ${bits} bits; only 2048, 3072 or 4096 are supported`, {
      bits,
    });
  }
  const e = exponent.content();
  if (!e.equals(RSA_EXPONENT_65537)) {
    const shown = e.length <= 6 && !(e[0]! & 0x80) ? String(bigintFromBytes(e)) : `0x${e.toString('hex').slice(0, 32)}`;
    throw new PublicKeyError('KEY_RSA_EXPONENT', `RSA public exponent is ${shown}; it must be 65537`);
  }
  if ((n[n.length - 1]! & 1) === 0) throw new PublicKeyError('KEY_RSA_MODULUS_INVALID', 'RSA modulus is even');
  const nBig = bigintFromBytes(n);
  checkRsaSmallFactors(nBig);
  checkRsaFermat(nBig);
  // Strict DER with NULL parameters has exactly one encoding, so the input is canonical.
  return finish({ family: 'rsa', algorithm, modulusBits: bits, publicExponent: 65537 }, Buffer.from(spki.raw()), null, n.length);
}

type InfoWithoutSpki = Omit<PublicKeyInfo, 'spki' | 'spkiSha256'>;

function finish(partial: InfoWithoutSpki, spki: Buffer, curve: EcCurve | null, modulusBytes: number | null): CheckedPublicKey {
  let keyObject: KeyObject;
  try {
    keyObject = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    // Our checks passed but OpenSSL disagrees: refuse rather than guess who is right.
    throw new PublicKeyError(partial.family === 'ec' ? 'KEY_EC_POINT_INVALID' : 'KEY_SPKI_INVALID', `public key rejected by OpenSSL: ${(e as Error).message}`);
  }
  const info: PublicKeyInfo = { ...partial, spki, spkiSha256: createHash('sha256').update(spki).digest('hex') };
  return { info, keyObject, curve, modulusBytes };
}

function invalid(why: string): never {
  throw new PublicKeyError('KEY_SPKI_INVALID', `SubjectPublicKeyInfo: ${why}`);
}
