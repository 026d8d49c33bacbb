import { createPublicKey, type JsonWebKey } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { KEY_ALGORITHM_INFO, type KeyAlgorithm } from '../key-algorithm.js';
import { KeyError } from '../key-errors.js';
import type { Pkcs11, Pkcs11Handle } from './pkcs11-module-registry.js';
import { readAttributes } from './pkcs11-objects.js';

/**
 * The public half of a token key as DER SubjectPublicKeyInfo. The token gives raw
 * attributes (CKA_EC_POINT, CKA_MODULUS…); they go through a JWK into node:crypto, which
 * both builds the SPKI and rejects a point that is not on the curve, so a confused token
 * cannot hand us a public key that nothing will verify against.
 */

/** DER OIDs for CKA_EC_PARAMS (namedCurve form). */
const EC_PARAMS: Partial<Record<KeyAlgorithm, Buffer>> = {
  'ecdsa-p256': Buffer.from('06082a8648ce3d030107', 'hex'), // 1.2.840.10045.3.1.7
  'ecdsa-p384': Buffer.from('06052b81040022', 'hex'), // 1.3.132.0.34
  ed25519: Buffer.from('06032b6570', 'hex'), // 1.3.101.112 (RFC 8410), which SoftHSM and PKCS#11 3.0 accept
};

export function ecParamsFor(algorithm: KeyAlgorithm): Buffer {
  const params = EC_PARAMS[algorithm];
  if (!params) throw new RangeError(`${algorithm} has no CKA_EC_PARAMS`);
  return params;
}

/** Length of the bare point: 0x04 || X || Y for NIST curves, 32 bytes for Ed25519. */
function rawPointLength(algorithm: KeyAlgorithm): number {
  if (algorithm === 'ed25519') return 32;
  return algorithm === 'ecdsa-p256' ? 65 : 97;
}

/**
 * CKA_EC_POINT is specified as a DER OCTET STRING wrapping the point, but some tokens
 * return the bare point; accept both, deciding by the exact lengths so the 0x04 that
 * starts both an OCTET STRING and an uncompressed point cannot confuse us.
 */
export function unwrapEcPoint(value: Buffer, algorithm: KeyAlgorithm): Buffer {
  const n = rawPointLength(algorithm);
  if (value.length === n + 2 && value[0] === 0x04 && value[1] === n) return value.subarray(2);
  if (value.length === n + 3 && value[0] === 0x04 && value[1] === 0x81 && value[2] === n) return value.subarray(3);
  if (value.length === n) return value;
  throw new KeyError('PKCS11_ERROR', `the token's CKA_EC_POINT for an ${algorithm} key has an unexpected length (${value.length} bytes)`, 'environment');
}

const b64u = (b: Buffer): string => b.toString('base64url');

function stripLeadingZeros(b: Buffer): Buffer {
  let i = 0;
  while (i < b.length - 1 && b[i] === 0) i++;
  return b.subarray(i);
}

function jwkFor(algorithm: KeyAlgorithm, pkcs11: Pkcs11, session: Pkcs11Handle, object: Pkcs11Handle, token: string): JsonWebKey {
  const info = KEY_ALGORITHM_INFO[algorithm];
  if (info.family === 'rsa') {
    const [n, e] = readAttributes(pkcs11, session, object, [pkcs11js.CKA_MODULUS, pkcs11js.CKA_PUBLIC_EXPONENT], token) as [Buffer, Buffer];
    return { kty: 'RSA', n: b64u(stripLeadingZeros(n)), e: b64u(stripLeadingZeros(e)) };
  }
  const [pointAttr] = readAttributes(pkcs11, session, object, [pkcs11js.CKA_EC_POINT], token) as [Buffer];
  const point = unwrapEcPoint(pointAttr, algorithm);
  if (info.family === 'ed25519') return { kty: 'OKP', crv: 'Ed25519', x: b64u(point) };
  if (point[0] !== 0x04) throw new KeyError('PKCS11_ERROR', `the token's CKA_EC_POINT is not an uncompressed point`, 'environment');
  const w = (point.length - 1) / 2;
  return { kty: 'EC', crv: algorithm === 'ecdsa-p256' ? 'P-256' : 'P-384', x: b64u(point.subarray(1, 1 + w)), y: b64u(point.subarray(1 + w)) };
}

/** Reads a public-key object and returns its SPKI DER, checked by node:crypto. */
export function readPublicKeySpki(algorithm: KeyAlgorithm, pkcs11: Pkcs11, session: Pkcs11Handle, object: Pkcs11Handle, token: string): Buffer {
  const jwk = jwkFor(algorithm, pkcs11, session, object, token);
  let key;
  try {
    key = createPublicKey({ key: jwk, format: 'jwk' });
  } catch (e) {
    throw new KeyError('PKCS11_ERROR', `the public key on token ${token} is not a valid ${algorithm} key: ${(e as Error).message}`, 'environment');
  }
  const info = KEY_ALGORITHM_INFO[algorithm];
  if (info.modulusBits !== undefined && key.asymmetricKeyDetails?.modulusLength !== info.modulusBits) {
    throw new KeyError('PKCS11_ERROR', `the token made a ${key.asymmetricKeyDetails?.modulusLength}-bit RSA key, not ${info.modulusBits}-bit`, 'environment');
  }
  return key.export({ type: 'spki', format: 'der' });
}
