import { createHash } from 'node:crypto';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { REVOCATION_REASONS, type RevocationReason } from '../x509/crl.js';
import { parseDer, type DerNode } from '../x509/der/der-reader.js';
import { OID } from '../x509/oids.js';
import { publicKeyOf, SIGNATURE_HASH, signatureVerifies } from '../x509/signature-check.js';
import { RevocationError } from './revocation-errors.js';

export interface CrlEntry {
  /** hex, lower case, without the sign octet DER adds before a high bit */
  readonly serial: string;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface ReadCrl {
  readonly der: Buffer;
  readonly sha256: string;
  readonly issuerDer: Buffer;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date | null;
  readonly entries: readonly CrlEntry[];
  readonly tbs: Buffer;
  readonly algorithm: string;
  readonly signature: Buffer;
}

const REASON_BY_CODE = new Map<number, RevocationReason>(Object.entries(REVOCATION_REASONS).map(([k, v]) => [v, k as RevocationReason]));

/** A CRL given as DER or PEM ("X509 CRL"), exactly one. */
export function crlDerOf(input: Buffer): Buffer {
  const text = input.subarray(0, 64).toString('latin1');
  if (!text.includes('-----BEGIN')) return input;
  const blocks = [...input.toString('latin1').matchAll(/-----BEGIN X509 CRL-----([A-Za-z0-9+/=\s]+?)-----END X509 CRL-----/g)];
  if (blocks.length !== 1) throw new RevocationError('CRL_UNREADABLE', `expected one PEM "X509 CRL" block, found ${blocks.length}`);
  return Buffer.from(blocks[0]![1]!.replace(/\s+/g, ''), 'base64');
}

/**
 * Reads a CertificateList with the strict DER reader, keeping the exact TBS bytes for the
 * signature check; requires a v2 CRL with a CRL number (what Hallmark's CAs sign), so the
 * inventory can refuse an older one.
 */
export function readCrl(der: Buffer): ReadCrl {
  const bad = (why: string): never => {
    throw new RevocationError('CRL_UNREADABLE', `the file is not a usable X.509 CRL: ${why}`);
  };
  let root: DerNode;
  try {
    root = parseDer(der, { maxDepth: 10 });
  } catch (e) {
    return bad(`not DER (${(e as Error).message})`);
  }
  const [tbs, alg, bits, extra] = root.children;
  if (root.id !== 0x30 || tbs?.id !== 0x30 || alg?.id !== 0x30 || bits?.id !== 0x03 || extra !== undefined || root.end !== der.length)
    return bad('not a CertificateList');
  if (bits.buf[bits.contentStart] !== 0) return bad('the signature BIT STRING has unused bits');
  const f = tbs.children;
  let i = 0;
  if (f[i]?.id === 0x02) i++;
  else return bad('no version (a v1 CRL has no CRL number)');
  i++; // the inner signature algorithm
  const issuer = f[i++];
  if (issuer?.id !== 0x30) return bad('no issuer name');
  const thisUpdate = timeOf(f[i++]) ?? bad('no thisUpdate');
  let nextUpdate: Date | null = null;
  if (f[i]?.id === 0x17 || f[i]?.id === 0x18) nextUpdate = timeOf(f[i++])!;
  const entries: CrlEntry[] = [];
  if (f[i]?.id === 0x30) {
    for (const e of f[i++]!.children) {
      const [serial, time, exts] = e.children;
      if (serial?.id !== 0x02) return bad('an entry without a serial');
      let reason: RevocationReason = 'unspecified';
      for (const ext of exts?.children ?? []) {
        if (ext.children[0]?.oid() !== OID.crlReason) continue;
        const value = parseDer(ext.children.at(-1)!.content(), { maxDepth: 1 });
        reason = (value.id === 0x0a ? REASON_BY_CODE.get(value.content()[0] ?? -1) : undefined) ?? bad('an entry with an unknown reason code');
      }
      entries.push({ serial: serialHex(serial.content()), revokedAt: timeOf(time) ?? bad('an entry without a revocation date'), reason });
    }
  }
  const crlNumber = crlNumberOf(f[i]) ?? bad('no CRL number extension');
  return {
    der,
    sha256: createHash('sha256').update(der).digest('hex'),
    issuerDer: Buffer.from(issuer.raw()),
    crlNumber,
    thisUpdate,
    nextUpdate,
    entries,
    tbs: Buffer.from(tbs.raw()),
    algorithm: alg.children[0]?.oid() ?? bad('no signature algorithm'),
    signature: Buffer.from(bits.buf.subarray(bits.contentStart + 1, bits.end)),
  };
}

/** Whether `ca` signed this CRL: its subject is the CRL's issuer, it may sign CRLs, and its key verifies the signature. */
export function crlSignedBy(crl: ReadCrl, ca: ParsedCertificate): boolean {
  if (!ca.subjectDer.equals(crl.issuerDer)) return false;
  if (ca.keyUsage && !ca.keyUsage.has('cRLSign')) return false;
  if (!(crl.algorithm in SIGNATURE_HASH)) return false;
  return signatureVerifies(crl.algorithm, crl.tbs, crl.signature, publicKeyOf(ca));
}

export function serialHex(content: Buffer): string {
  const hex = content.toString('hex');
  return hex.length > 2 && hex.startsWith('00') ? hex.slice(2) : hex;
}

function timeOf(n: DerNode | undefined): Date | undefined {
  if (n?.id !== 0x17 && n?.id !== 0x18) return undefined;
  const text = n.content().toString('latin1');
  const m = n.id === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) return undefined;
  const year = n.id === 0x17 ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

function crlNumberOf(node: DerNode | undefined): number | undefined {
  if (node?.id !== 0xa0) return undefined;
  for (const ext of node.children[0]?.children ?? []) {
    if (ext.children[0]?.oid() !== OID.crlNumber) continue;
    const n = parseDer(ext.children.at(-1)!.content(), { maxDepth: 1 });
    if (n.id !== 0x02 || n.content().length > 7) return undefined;
    return Number(BigInt(`0x${n.content().toString('hex') || '0'}`));
  }
  return undefined;
}
