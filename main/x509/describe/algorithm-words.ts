import { createPublicKey } from 'node:crypto';
import * as asn1js from 'asn1js';
import { OID } from '../oids.js';

/** A public key or signature algorithm in words, with the identifiers beside it for experts. */
export interface AlgorithmWords {
  /** e.g. "ECDSA P-384", "ECDSA P-384 with SHA-384", "RSA 3072-bit" */
  readonly words: string;
  readonly oid: string;
  /** the named curve's OID for EC keys; null otherwise */
  readonly curveOid: string | null;
}

const CURVE_NAMES: Readonly<Record<string, { name: string; oid: string; bits: number }>> = {
  prime256v1: { name: 'P-256', oid: OID.prime256v1, bits: 256 },
  secp384r1: { name: 'P-384', oid: OID.secp384r1, bits: 384 },
  secp521r1: { name: 'P-521', oid: '1.3.132.0.35', bits: 521 },
};

const KEY_OID_NAMES: Readonly<Record<string, string>> = {
  [OID.ecPublicKey]: 'EC',
  [OID.rsaEncryption]: 'RSA',
  [OID.ed25519]: 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const SIGNATURE_NAMES: Readonly<Record<string, { family: 'ecdsa' | 'rsa' | 'eddsa'; words: string }>> = {
  [OID.ecdsaWithSha256]: { family: 'ecdsa', words: 'SHA-256' },
  [OID.ecdsaWithSha384]: { family: 'ecdsa', words: 'SHA-384' },
  '1.2.840.10045.4.3.4': { family: 'ecdsa', words: 'SHA-512' },
  [OID.sha256WithRsa]: { family: 'rsa', words: 'SHA-256' },
  '1.2.840.113549.1.1.12': { family: 'rsa', words: 'SHA-384' },
  '1.2.840.113549.1.1.13': { family: 'rsa', words: 'SHA-512' },
  '1.2.840.113549.1.1.5': { family: 'rsa', words: 'SHA-1 (obsolete)' },
  [OID.ed25519]: { family: 'eddsa', words: 'Ed25519' },
};

/** The key inside a SubjectPublicKeyInfo in words: "ECDSA P-384", "RSA 3072-bit", "Ed25519". */
export function publicKeyWords(spki: Buffer, algorithmOid: string): AlgorithmWords {
  let key;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch {
    return { words: `${KEY_OID_NAMES[algorithmOid] ?? 'unknown key type'} (not readable)`, oid: algorithmOid, curveOid: null };
  }
  const d = key.asymmetricKeyDetails ?? {};
  switch (key.asymmetricKeyType) {
    case 'ec': {
      const curve = d.namedCurve !== undefined ? CURVE_NAMES[d.namedCurve] : undefined;
      return { words: `ECDSA ${curve?.name ?? d.namedCurve ?? 'unknown curve'}`, oid: algorithmOid, curveOid: curve?.oid ?? null };
    }
    case 'rsa':
      return { words: `RSA ${d.modulusLength ?? '?'}-bit`, oid: algorithmOid, curveOid: null };
    case 'ed25519':
      return { words: 'Ed25519', oid: algorithmOid, curveOid: null };
    default:
      return { words: KEY_OID_NAMES[algorithmOid] ?? `unknown key type`, oid: algorithmOid, curveOid: null };
  }
}

/**
 * A signature algorithm in words. ecdsa-with-SHA384 does not name the curve: that is the
 * signer's key, given as `signerKey` when known (the issuer's SPKI, or the subject's own
 * for a self-signed certificate); otherwise the curve is read from the size of r and s in
 * `signature` — a P-384 signature with both below 2^256 has odds of about 2^-256.
 */
export function signatureWords(algorithmOid: string, from: { signerKey?: AlgorithmWords; signature?: Buffer }): AlgorithmWords {
  const s = SIGNATURE_NAMES[algorithmOid];
  if (!s) return { words: 'unknown signature algorithm', oid: algorithmOid, curveOid: null };
  if (s.family === 'eddsa') return { words: 'Ed25519', oid: algorithmOid, curveOid: null };
  if (s.family === 'rsa') {
    const bits = from.signerKey?.words.startsWith('RSA ') ? ` ${from.signerKey.words.slice(4)}` : from.signature ? ` ${from.signature.length * 8}-bit` : '';
    return { words: `RSA${bits} PKCS#1 v1.5 with ${s.words}`, oid: algorithmOid, curveOid: null };
  }
  const known = from.signerKey?.curveOid ? from.signerKey : undefined;
  const curve = known ? Object.values(CURVE_NAMES).find((c) => c.oid === known.curveOid) : from.signature ? curveFromEcdsaSignature(from.signature) : undefined;
  return { words: `ECDSA${curve ? ` ${curve.name}` : ''} with ${s.words}`, oid: algorithmOid, curveOid: curve?.oid ?? null };
}

function curveFromEcdsaSignature(signature: Buffer): { name: string; oid: string; bits: number } | undefined {
  const parsed = asn1js.fromBER(new Uint8Array(signature));
  const seq = parsed.result;
  if (parsed.offset === -1 || !(seq instanceof asn1js.Sequence) || seq.valueBlock.value.length !== 2) return undefined;
  let bits = 0;
  for (const part of seq.valueBlock.value) {
    if (!(part instanceof asn1js.Integer)) return undefined;
    const bytes = Buffer.from(part.valueBlock.valueHexView);
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    const len = bytes.length - i;
    bits = Math.max(bits, (len - 1) * 8 + (32 - Math.clz32(bytes[i] ?? 0)));
  }
  return Object.values(CURVE_NAMES).find((c) => bits <= c.bits && bits > c.bits - 64);
}
