import { createPublicKey } from 'node:crypto';
import type { PublicKeyInfo } from '../csr/parsed-csr.js';
import { error, type LintFinding } from './lint-types.js';

/** What the key.supported rule looks at: OpenSSL's reading of a key, or the CSR checker's. */
interface KeyShape {
  readonly type: string;
  readonly namedCurve?: string | undefined;
  readonly modulusLength?: number | undefined;
  readonly publicExponent?: bigint | undefined;
}

const SUPPORTED_KEY: Record<string, string> = {
  'ec:prime256v1': 'P-256',
  'ec:secp384r1': 'P-384',
  'ed25519:': 'Ed25519',
};

/**
 * Loading a key costs more than every other lint together, and its verdict depends only on
 * the SPKI bytes, so verdicts are remembered per SPKI (the signed certificate is linted
 * again with the same key; CA keys recur). Bounded: a batch of devices must not grow it.
 */
const CACHE_LIMIT = 64;
const verdicts = new Map<string, readonly LintFinding[]>();

/**
 * The key.supported findings for `spki`. `checked` is the key as parseCsr's checkPublicKey
 * accepted it (its own structural and weak-key checks plus OpenSSL's load): when its SPKI is
 * the certificate's byte for byte, its description is used instead of loading the key again.
 */
export function keySupportFindings(spki: Buffer, checked?: PublicKeyInfo): LintFinding[] {
  if (checked !== undefined && checked.spki.equals(spki)) return findingsFor(shapeOfChecked(checked));
  const id = spki.toString('base64');
  const known = verdicts.get(id);
  if (known !== undefined) return [...known];
  const findings = loadAndJudge(spki);
  if (verdicts.size >= CACHE_LIMIT) verdicts.delete(verdicts.keys().next().value!);
  verdicts.set(id, findings);
  return [...findings];
}

function loadAndJudge(spki: Buffer): LintFinding[] {
  let key;
  try {
    key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  } catch (e) {
    return [error('key.supported', `the subject public key cannot be loaded: ${(e as Error).message}`)];
  }
  const details = key.asymmetricKeyDetails ?? {};
  return findingsFor({
    type: key.asymmetricKeyType ?? '',
    namedCurve: details.namedCurve,
    modulusLength: details.modulusLength,
    publicExponent: details.publicExponent,
  });
}

function shapeOfChecked(info: PublicKeyInfo): KeyShape {
  switch (info.family) {
    case 'ec':
      return { type: 'ec', namedCurve: info.curve === 'P-256' ? 'prime256v1' : info.curve === 'P-384' ? 'secp384r1' : info.curve };
    case 'ed25519':
      return { type: 'ed25519' };
    case 'rsa':
      return {
        type: 'rsa',
        modulusLength: info.modulusBits,
        publicExponent: info.publicExponent === undefined ? undefined : BigInt(info.publicExponent),
      };
  }
}

function findingsFor(key: KeyShape): LintFinding[] {
  if (key.type === 'rsa') {
    const bits = key.modulusLength ?? 0;
    const out = [];
    if (![2048, 3072, 4096].includes(bits)) out.push(error('key.supported', `RSA modulus of ${bits} bits (2048, 3072 or 4096 required)`));
    if (key.publicExponent !== 65537n) out.push(error('key.supported', `RSA public exponent ${String(key.publicExponent)} (65537 required)`));
    return out;
  }
  const id = `${key.type}:${key.type === 'ec' ? (key.namedCurve ?? '') : ''}`;
  return SUPPORTED_KEY[id] ? [] : [error('key.supported', `unsupported subject key ${key.type}${key.namedCurve ? ` (${key.namedCurve})` : ''}`)];
}
