import { execFileSync, spawnSync } from 'node:child_process';
import { checkPrimeSync, createPrivateKey, generatePrimeSync, sign, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * CSR fixtures made at test time: openssl-made keys and CSRs, and a tiny DER writer for
 * hand-built (and deliberately broken) CSRs and keys. Independent of main/x509's own
 * writer, so the parser is not checked against its sibling's idea of DER.
 */

export type FixtureKey = 'p256' | 'p384' | 'p521' | 'secp256k1' | 'ed25519' | 'rsa1024' | 'rsa2048' | 'rsa3072' | 'rsa4096';

const GENPKEY: Record<FixtureKey, string[]> = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  p521: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-521'],
  secp256k1: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:secp256k1'],
  ed25519: ['-algorithm', 'ED25519'],
  rsa1024: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:1024'],
  rsa2048: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  rsa3072: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:3072'],
  rsa4096: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:4096'],
};

export function opensslKey(dir: string, type: FixtureKey, name: string = type): string {
  const path = join(dir, `${name}.key.pem`);
  execFileSync('openssl', ['genpkey', ...GENPKEY[type], '-out', path], { stdio: 'pipe' });
  return path;
}

export interface OpensslCsrOptions {
  keyPath: string;
  /** openssl -subj form, e.g. "/C=DE/O=Acme/CN=dev-1"; default /CN=device */
  subject?: string;
  addext?: string[];
  challengePassword?: string;
  /** e.g. 'sha1', 'sha384'; Ed25519 takes none */
  digest?: string;
  /** make a self-signed certificate instead (openssl req -x509) */
  x509?: boolean;
  /** -utf8: subject strings as UTF8String */
  utf8?: boolean;
  multivalueRdn?: boolean;
}

let counter = 0;

/** openssl req -new; returns the PEM text, the DER and the PEM file's path. */
export function opensslCsr(dir: string, o: OpensslCsrOptions): { pem: string; der: Buffer; path: string } {
  const n = ++counter;
  const path = join(dir, `req-${n}.pem`);
  const args = ['req', '-new', '-key', o.keyPath, '-out', path];
  if (o.challengePassword !== undefined) {
    // openssl ignores the config's attributes when -subj is given, so the subject goes in
    // the config too (simple subjects only: no escapes, no multi-valued RDNs).
    const dn = (o.subject ?? '/CN=device')
      .split('/')
      .filter(Boolean)
      .map((rdn) => rdn.replace('=', ' = '))
      .join('\n');
    const cnf = join(dir, `req-${n}.cnf`);
    writeFileSync(cnf, `[req]\ndistinguished_name = dn\nattributes = attrs\nprompt = no\n[dn]\n${dn}\n[attrs]\nchallengePassword = ${o.challengePassword}\n`);
    args.push('-config', cnf);
  } else {
    args.push('-subj', o.subject ?? '/CN=device');
  }
  for (const e of o.addext ?? []) args.push('-addext', e);
  if (o.digest) args.push(`-${o.digest}`);
  if (o.x509) args.push('-x509', '-days', '1');
  if (o.utf8) args.push('-utf8');
  if (o.multivalueRdn) args.push('-multivalue-rdn');
  execFileSync('openssl', args, { stdio: 'pipe' });
  const pem = readFileSync(path, 'utf8');
  return { pem, der: pemToDer(pem), path };
}

export function pemToDer(pem: string): Buffer {
  return Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
}

export function toPem(der: Buffer, label = 'CERTIFICATE REQUEST'): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}

/** What openssl says the subject is, RFC 2253 style (no "subject=" prefix). */
export function opensslSubject(csrPath: string): string {
  const out = execFileSync('openssl', ['req', '-in', csrPath, '-noout', '-subject', '-nameopt', 'RFC2253'], { stdio: 'pipe' });
  return out
    .toString('utf8')
    .trim()
    .replace(/^subject=/, '');
}

/** Does `openssl req -verify` accept this CSR (DER)? */
export function opensslVerifies(dir: string, csr: Buffer): boolean {
  return opensslReqVerify(dir, csr) === 'ok';
}

/**
 * What `openssl req -verify` says of a CSR (DER): 'ok'; 'failure', a signature that does
 * not verify, which OpenSSL 3.0 reports with exit status 0 (only the message tells); or
 * 'error', a request or signature it cannot decode (exit status 1).
 */
export function opensslReqVerify(dir: string, csr: Buffer): 'ok' | 'failure' | 'error' {
  const path = join(dir, `verify-${++counter}.der`);
  writeFileSync(path, csr);
  const r = spawnSync('openssl', ['req', '-verify', '-noout', '-inform', 'DER', '-in', path], { stdio: 'pipe', encoding: 'utf8' });
  if (r.status !== 0) return 'error';
  if (/self-signature verify OK/.test(r.stderr)) return 'ok';
  if (/self-signature verify failure/.test(r.stderr)) return 'failure';
  throw new Error(`openssl req -verify exited 0 without saying whether the signature verifies: ${r.stderr}`);
}

// ---- a tiny DER writer -------------------------------------------------------------

function lengthBytes(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

export const der = {
  tlv: (tag: number, ...content: Buffer[]): Buffer => {
    const body = Buffer.concat(content);
    return Buffer.concat([Buffer.from([tag, ...lengthBytes(body.length)]), body]);
  },
  seq: (...items: Buffer[]): Buffer => der.tlv(0x30, ...items),
  set: (...items: Buffer[]): Buffer => der.tlv(0x31, ...items),
  ctx: (n: number, ...items: Buffer[]): Buffer => der.tlv(0xa0 | n, ...items),
  null: (): Buffer => Buffer.from([0x05, 0x00]),
  bool: (v: boolean): Buffer => Buffer.from([0x01, 0x01, v ? 0xff : 0x00]),
  octets: (b: Buffer): Buffer => der.tlv(0x04, b),
  bits: (b: Buffer, unused = 0): Buffer => der.tlv(0x03, Buffer.from([unused]), b),
  utf8: (s: string): Buffer => der.tlv(0x0c, Buffer.from(s, 'utf8')),
  printable: (s: string): Buffer => der.tlv(0x13, Buffer.from(s, 'latin1')),
  ia5: (s: string): Buffer => der.tlv(0x16, Buffer.from(s, 'latin1')),
  bmp: (s: string): Buffer => der.tlv(0x1e, Buffer.from(s, 'utf16le').swap16()),
  int: (v: bigint | number): Buffer => {
    let hex = BigInt(v).toString(16);
    if (hex.length % 2) hex = `0${hex}`;
    let b = Buffer.from(hex, 'hex');
    if (b[0]! & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
    return der.tlv(0x02, b);
  },
  oid: (dotted: string): Buffer => {
    const arcs = dotted.split('.').map(BigInt);
    const subs = [arcs[0]! * 40n + arcs[1]!, ...arcs.slice(2)];
    const out: number[] = [];
    for (const s of subs) {
      const bytes: number[] = [Number(s & 0x7fn)];
      for (let v = s >> 7n; v > 0n; v >>= 7n) bytes.unshift(Number(v & 0x7fn) | 0x80);
      out.push(...bytes);
    }
    return der.tlv(0x06, Buffer.from(out));
  },
};

export const OIDS = {
  ecPublicKey: '1.2.840.10045.2.1',
  p256: '1.2.840.10045.3.1.7',
  p384: '1.3.132.0.34',
  rsaEncryption: '1.2.840.113549.1.1.1',
  ed25519: '1.3.101.112',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  sha256Rsa: '1.2.840.113549.1.1.11',
  sha1Rsa: '1.2.840.113549.1.1.5',
  cn: '2.5.4.3',
  challengePassword: '1.2.840.113549.1.9.7',
  extensionRequest: '1.2.840.113549.1.9.14',
  subjectAltName: '2.5.29.17',
  keyUsage: '2.5.29.15',
} as const;

/** A Name with one single-valued RDN per entry, in encoded order. */
export function name(...atvs: [oid: string, value: Buffer][]): Buffer {
  return der.seq(...atvs.map(([oid, value]) => der.set(der.seq(der.oid(oid), value))));
}

export function extensionRequest(...exts: { oid: string; critical?: boolean; value: Buffer }[]): Buffer {
  return der.seq(
    der.oid(OIDS.extensionRequest),
    der.set(der.seq(...exts.map((e) => der.seq(der.oid(e.oid), ...(e.critical ? [der.bool(true)] : []), der.octets(e.value))))),
  );
}

export interface CsrParts {
  version?: number;
  subject?: Buffer;
  spki: Buffer;
  /** whole Attribute SEQUENCEs */
  attributes?: Buffer[];
  /** the whole signature AlgorithmIdentifier */
  sigAlg: Buffer;
  /** signs the certificationRequestInfo DER; default: 64 zero bytes */
  sign?: (tbs: Buffer) => Buffer;
}

/** Assembles a CertificationRequest from parts (the signature as given, valid or not). */
export function buildCsr(p: CsrParts): Buffer {
  const info = der.seq(der.int(p.version ?? 0), p.subject ?? name([OIDS.cn, der.utf8('device')]), p.spki, der.ctx(0, ...(p.attributes ?? [])));
  const signature = p.sign ? p.sign(info) : Buffer.alloc(64);
  return der.seq(info, p.sigAlg, der.bits(signature));
}

export const sigAlg = {
  ecdsaSha256: (): Buffer => der.seq(der.oid(OIDS.ecdsaSha256)),
  ecdsaSha256Null: (): Buffer => der.seq(der.oid(OIDS.ecdsaSha256), der.null()),
  ed25519: (): Buffer => der.seq(der.oid(OIDS.ed25519)),
  sha256Rsa: (): Buffer => der.seq(der.oid(OIDS.sha256Rsa), der.null()),
};

/** A signer for buildCsr: ECDSA signatures in DER, RSA PKCS#1 v1.5, Ed25519 pure. */
export function signerFor(key: KeyObject, hash: string | null = 'sha256'): (tbs: Buffer) => Buffer {
  return (tbs) => sign(key.asymmetricKeyType === 'ed25519' ? null : hash, tbs, key);
}

// ---- hand-made RSA keys ------------------------------------------------------------

export function rsaSpki(n: bigint, e: bigint): Buffer {
  return der.seq(der.seq(der.oid(OIDS.rsaEncryption), der.null()), der.bits(der.seq(der.int(n), der.int(e))));
}

export function bitLength(n: bigint): number {
  return n.toString(2).length;
}

export function nextPrime(n: bigint): bigint {
  let c = n % 2n === 0n ? n + 1n : n;
  while (!checkPrimeSync(c)) c += 2n;
  return c;
}

export function randomPrime(bits: number): bigint {
  return generatePrimeSync(bits, { bigint: true });
}

function modInverse(a: bigint, m: bigint): bigint {
  let [r0, r1] = [((a % m) + m) % m, m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  if (r0 !== 1n) throw new RangeError('not invertible');
  return ((s0 % m) + m) % m;
}

const b64u = (v: bigint): string => {
  let hex = v.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  return Buffer.from(hex, 'hex').toString('base64url');
};

/** An RSA private key from its primes (via JWK), with the SPKI of its public half. */
export function rsaKeyFromPrimes(p: bigint, q: bigint, e = 65537n): { privateKey: KeyObject; spki: Buffer; n: bigint } {
  const n = p * q;
  const d = modInverse(e, (p - 1n) * (q - 1n));
  const privateKey = createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'RSA',
      n: b64u(n),
      e: b64u(e),
      d: b64u(d),
      p: b64u(p),
      q: b64u(q),
      dp: b64u(d % (p - 1n)),
      dq: b64u(d % (q - 1n)),
      qi: b64u(modInverse(q, p)),
    },
  });
  return { privateKey, spki: rsaSpki(n, e), n };
}
