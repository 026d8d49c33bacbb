import { createHash, type KeyObject } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { MediaFileError, readMediaFile } from '../../files/read-media-file.js';
import { join } from 'node:path';
import { checkPath, describe } from '../../manifest/verify/certificate-path.js';
import { certificateSignedBy, publicKeyOf, SIGNATURE_HASH, signatureVerifies } from '../../x509/signature-check.js';
import { readTrustAnchors } from '../../manifest/verify/read-trust-anchors.js';
import { verifyDetachedCms } from '../../cms/verify-detached-cms.js';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { parseDer, type DerNode } from '../../x509/der/der-reader.js';
import { nameToString } from '../../x509/describe-certificate.js';
import { OID } from '../../x509/oids.js';
import { parseJsonText } from '../../encoding/json-syntax.js';
import {
  PUBLICATION_CHAIN,
  PUBLICATION_FORMAT,
  PUBLICATION_JSON,
  PUBLICATION_SUMS,
  PUBLICATION_SUMS_P7S,
  pemBlocks,
  type PublicationDocument,
} from './publication-format.js';

export interface PublicationCheck {
  /** what was checked: `sums`, `signature`, `description`, `certificate`, `chain`, `crl` */
  readonly check: string;
  readonly ok: boolean;
  /** the bundle file the check is about, relative to the folder */
  readonly file?: string;
  readonly detail: string;
}

export interface PublicationReport {
  readonly ok: boolean;
  readonly dir: string;
  readonly checks: readonly PublicationCheck[];
  /** the CA the SHA256SUMS signature was made with, when it verified */
  readonly signer?: string;
  readonly document?: PublicationDocument;
}

/** A bundle is a few certificates and CRLs; anything far larger is not one. */
const MAX_FILE_BYTES = 4 * 1024 * 1024;
const SUMS_LINE = /^([0-9a-f]{64}) [ *]([A-Za-z0-9][A-Za-z0-9._-]{0,127})$/;

/**
 * The receiving side's check of a publication bundle before the online CA imports it:
 * SHA256SUMS names every file of the folder and each hash matches; the detached CMS over
 * SHA256SUMS verifies and its signer chains to a trusted root; every CA certificate of
 * publication.json chains to a trusted root (issuer names, signatures, basicConstraints,
 * keyUsage, pathLen and validity at `at`, as `openssl verify` checks them) and is the file
 * it describes; chain.pem is one path, each certificate signed by the next, ending in a
 * trusted root; each CRL is signed by its CA's key, names that CA as issuer, carries the
 * number and dates described, and has not passed its nextUpdate. Never throws on a bad
 * bundle: every problem is a failed check naming its file.
 */
export function verifyPublicationBundle(dir: string, options: { trust: readonly Buffer[]; at?: Date }): PublicationReport {
  const at = options.at ?? new Date();
  const anchors = options.trust.flatMap((t, i) => readTrustAnchors(t, `trust file ${i + 1}`));
  const checks: PublicationCheck[] = [];
  const pass = (check: string, detail: string, file?: string) => checks.push({ check, ok: true, detail, ...(file !== undefined ? { file } : {}) });
  const fail = (check: string, detail: string, file?: string) => checks.push({ check, ok: false, detail, ...(file !== undefined ? { file } : {}) });
  const done = (extra: { signer?: string; document?: PublicationDocument } = {}): PublicationReport => ({
    ok: checks.every((c) => c.ok),
    dir,
    checks,
    ...extra,
  });

  // 1. SHA256SUMS: the files verified below are the bytes read here, once.
  const sums = readPart(dir, PUBLICATION_SUMS);
  if (typeof sums === 'string') {
    fail('sums', sums, PUBLICATION_SUMS);
    return done();
  }
  const listed = new Map<string, string>();
  const lines = sums.toString('utf8').split('\n');
  if (lines.at(-1) === '') lines.pop();
  lines.forEach((line, i) => {
    const m = SUMS_LINE.exec(line);
    if (!m) return fail('sums', `line ${i + 1} is not "<sha256>  <file name>"`, PUBLICATION_SUMS);
    if (listed.has(m[2]!)) return fail('sums', `${m[2]} is listed twice`, PUBLICATION_SUMS);
    if (m[2] === PUBLICATION_SUMS || m[2] === PUBLICATION_SUMS_P7S) return fail('sums', `${m[2]} cannot list itself or its signature`, PUBLICATION_SUMS);
    listed.set(m[2]!, m[1]!);
  });
  const bytes = new Map<string, Buffer>();
  for (const [name, hash] of listed) {
    const b = readPart(dir, name);
    if (typeof b === 'string') fail('sums', b, name);
    else if (createHash('sha256').update(b).digest('hex') !== hash)
      fail('sums', `${name} does not match its SHA-256 in SHA256SUMS: it was changed after the bundle was made`, name);
    else bytes.set(name, b);
  }
  for (const name of readdirSync(dir)) {
    if (name !== PUBLICATION_SUMS && name !== PUBLICATION_SUMS_P7S && !listed.has(name)) fail('sums', `${name} is in the folder but not in SHA256SUMS`, name);
  }
  if (checks.length === 0) pass('sums', `${listed.size} file(s) listed, every one present and matching`, PUBLICATION_SUMS);

  // 2. The signature over SHA256SUMS, by a certificate that chains to a trusted root.
  const bundleCerts: ParsedCertificate[] = [];
  for (const [name, b] of bytes) {
    if (name.endsWith('.der') && !/-crl-\d+\.der$/.test(name)) {
      try {
        bundleCerts.push(parseCertificateFast(b));
      } catch (e) {
        fail('certificate', `${name} is not a certificate: ${(e as Error).message}`, name);
      }
    }
  }
  let signer: string | undefined;
  const p7s = readPart(dir, PUBLICATION_SUMS_P7S);
  if (typeof p7s === 'string') fail('signature', p7s, PUBLICATION_SUMS_P7S);
  else {
    const cms = verifyDetachedCms(p7s, sums);
    if (!cms.ok) fail('signature', `the CMS over SHA256SUMS does not verify: ${cms.problem}`, PUBLICATION_SUMS_P7S);
    else {
      const signerCert = parseCertificateFast(cms.signerCertificate);
      const pool = [...bundleCerts, ...cms.certificates.map((d) => parseCertificateFast(d))];
      const path = checkPath(signerCert, pool, anchors, at);
      if (!path.ok) fail('signature', `the signer ${describe(signerCert)} does not chain to a trusted root: ${path.problem}`, PUBLICATION_SUMS_P7S);
      else {
        signer = nameToString(signerCert.subject);
        pass('signature', `SHA256SUMS is signed by ${describe(signerCert)}, which chains to a trusted root`, PUBLICATION_SUMS_P7S);
      }
    }
  }

  // 3. The description and what it names.
  const json = bytes.get(PUBLICATION_JSON);
  let document: PublicationDocument | undefined;
  if (!json)
    fail(
      'description',
      listed.has(PUBLICATION_JSON) ? `${PUBLICATION_JSON} could not be checked` : `${PUBLICATION_JSON} is not listed in SHA256SUMS`,
      PUBLICATION_JSON,
    );
  else {
    try {
      const read = parseJsonText(json.toString('utf8'));
      if (!read.ok) throw new Error(`not JSON: ${read.message}`);
      const parsed = read.value as PublicationDocument;
      if (parsed?.format !== PUBLICATION_FORMAT || !Array.isArray(parsed.cas) || !Array.isArray(parsed.crls) || !Array.isArray(parsed.chain))
        throw new Error(`not a ${PUBLICATION_FORMAT} description`);
      document = parsed;
      pass('description', `${PUBLICATION_FORMAT}: ${parsed.cas.length} CA(s), ${parsed.crls.length} CRL(s)`, PUBLICATION_JSON);
    } catch (e) {
      fail('description', `${PUBLICATION_JSON} cannot be read: ${(e as Error).message}`, PUBLICATION_JSON);
    }
  }
  if (!document) return done(signer !== undefined ? { signer } : {});

  const caCerts = new Map<string, ParsedCertificate>();
  for (const ca of document.cas) {
    const der = bytes.get(ca.files?.der);
    const pem = bytes.get(ca.files?.pem);
    if (!der || !pem) {
      fail(
        'certificate',
        `CA "${ca.name}": ${!der ? ca.files?.der : ca.files?.pem} is missing or did not pass SHA256SUMS`,
        !der ? ca.files?.der : ca.files?.pem,
      );
      continue;
    }
    let cert: ParsedCertificate;
    try {
      cert = parseCertificateFast(der);
    } catch {
      continue; // reported with the bundle's certificates above
    }
    const fromPem = pemBlocks(pem.toString('latin1'), 'CERTIFICATE');
    if (fromPem.length !== 1 || !fromPem[0]!.equals(der))
      fail('certificate', `${ca.files.pem} does not hold the same certificate as ${ca.files.der}`, ca.files.pem);
    if (cert.sha256 !== ca.sha256)
      fail('certificate', `${ca.files.der} is not the certificate publication.json describes for "${ca.name}" (SHA-256 differs)`, ca.files.der);
    caCerts.set(ca.name, cert);
    const path = checkPath(cert, bundleCerts, anchors, at);
    if (path.ok) pass('certificate', `"${ca.name}" ${describe(cert)} chains to a trusted root (${path.path.length} certificate(s))`, ca.files.der);
    else fail('certificate', `"${ca.name}" does not chain to a trusted root: ${path.problem}`, ca.files.der);
  }

  const chainPem = bytes.get(PUBLICATION_CHAIN);
  if (!chainPem) fail('chain', `${PUBLICATION_CHAIN} is missing or did not pass SHA256SUMS`, PUBLICATION_CHAIN);
  else checkChainFile(chainPem, anchors, pass, fail);

  for (const crl of document.crls) {
    const der = bytes.get(crl.files?.der);
    const pem = bytes.get(crl.files?.pem);
    const ca = caCerts.get(crl.ca);
    if (!der || !pem)
      fail(
        'crl',
        `CRL ${crl.number} of "${crl.ca}": ${!der ? crl.files?.der : crl.files?.pem} is missing or did not pass SHA256SUMS`,
        !der ? crl.files?.der : crl.files?.pem,
      );
    else if (!ca) fail('crl', `CRL ${crl.number} names CA "${crl.ca}", whose certificate is not in the bundle`, crl.files.der);
    else {
      const fromPem = pemBlocks(pem.toString('latin1'), 'X509 CRL');
      if (fromPem.length !== 1 || !fromPem[0]!.equals(der)) fail('crl', `${crl.files.pem} does not hold the same CRL as ${crl.files.der}`, crl.files.pem);
      const problem = crlProblem(der, ca, crl, at);
      if (problem) fail('crl', `${crl.files.der}: ${problem}`, crl.files.der);
      else pass('crl', `CRL ${crl.number} of "${crl.ca}" is signed by its CA, next update ${crl.nextUpdate}`, crl.files.der);
    }
  }
  return done({ ...(signer !== undefined ? { signer } : {}), document });
}

/** Bytes of one plain file of the bundle, or why there are none. */
function readPart(dir: string, name: string): Buffer | string {
  const path = join(dir, name);
  try {
    return readMediaFile(path, MAX_FILE_BYTES, 'bundle file');
  } catch (e) {
    if (!(e instanceof MediaFileError)) throw e;
    if (e.code === 'FILE_SYMLINK_REFUSED') return `${name} is a symbolic link, not a regular file`;
    if (e.code === 'FILE_NOT_REGULAR') return `${name} is not a regular file`;
    if (e.code === 'FILE_TOO_LARGE') return `${name} is larger than ${MAX_FILE_BYTES} bytes`;
    if (e.code === 'FILE_CHANGED_WHILE_OPENING') return `${name} changed while it was being opened`;
    return e.errno === 'ENOENT' ? `${name} is missing` : `${name} cannot be read (${e.errno ?? 'unknown error'})`;
  }
}

function checkChainFile(
  pem: Buffer,
  anchors: readonly ParsedCertificate[],
  pass: (check: string, detail: string, file?: string) => void,
  fail: (check: string, detail: string, file?: string) => void,
): void {
  let chain: ParsedCertificate[];
  try {
    chain = pemBlocks(pem.toString('latin1'), 'CERTIFICATE').map((d) => parseCertificateFast(d));
  } catch (e) {
    return fail('chain', `${PUBLICATION_CHAIN} holds a certificate that cannot be read: ${(e as Error).message}`, PUBLICATION_CHAIN);
  }
  if (chain.length === 0) return fail('chain', `${PUBLICATION_CHAIN} holds no certificate`, PUBLICATION_CHAIN);
  for (let i = 0; i + 1 < chain.length; i++) {
    const child = chain[i]!;
    const parent = chain[i + 1]!;
    if (!child.issuerDer.equals(parent.subjectDer) || !certificateSignedBy(child, publicKeyOf(parent))) {
      return fail(
        'chain',
        `certificate ${i + 1} ${describe(child)} is not signed by certificate ${i + 2} ${describe(parent)}: the chain is out of order or broken`,
        PUBLICATION_CHAIN,
      );
    }
  }
  const last = chain.at(-1)!;
  if (!anchors.some((a) => a.der.equals(last.der)))
    return fail('chain', `${PUBLICATION_CHAIN} ends at ${describe(last)}, which is not a trusted root`, PUBLICATION_CHAIN);
  pass('chain', `${chain.length} certificate(s), each signed by the next, ending at the trusted root ${describe(last)}`, PUBLICATION_CHAIN);
}

/**
 * CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue }, read
 * with the strict DER reader so the signature is checked over the exact bytes received.
 */
function crlProblem(der: Buffer, ca: ParsedCertificate, described: PublicationDocument['crls'][number], at: Date): string | undefined {
  let tbs: DerNode, algorithm: string, signature: Buffer;
  try {
    const root = parseDer(der, { maxDepth: 10 });
    const [t, alg, bits, extra] = root.children;
    if (root.id !== 0x30 || t?.id !== 0x30 || alg?.id !== 0x30 || bits?.id !== 0x03 || extra !== undefined) return 'not a CertificateList';
    if (bits.buf[bits.contentStart] !== 0) return 'the signature BIT STRING has unused bits';
    tbs = t;
    algorithm = alg.children[0]!.oid();
    signature = bits.buf.subarray(bits.contentStart + 1, bits.end);
  } catch (e) {
    return `not a DER CRL: ${(e as Error).message}`;
  }
  const fields = tbs.children;
  const hasVersion = fields[0]?.id === 0x02;
  const issuer = fields[hasVersion ? 2 : 1];
  if (!issuer?.raw().equals(ca.subjectDer)) return `its issuer is not "${described.ca}" ${describe(ca)}`;
  if (!(algorithm in SIGNATURE_HASH)) return `unsupported signature algorithm ${algorithm}`;
  const key: KeyObject = publicKeyOf(ca);
  if (!signatureVerifies(algorithm, tbs.raw(), signature, key)) return `its signature does not verify with the key of "${described.ca}"`;
  if (ca.keyUsage && !ca.keyUsage.has('cRLSign')) return `"${described.ca}" may not sign CRLs (keyUsage lacks cRLSign)`;
  const times = fields.slice(hasVersion ? 3 : 2).filter((n) => n.id === 0x17 || n.id === 0x18);
  const [thisUpdate, nextUpdate] = times.map((n) => derTime(n.content().toString('latin1'), n.id === 0x17));
  if (!thisUpdate || !nextUpdate) return 'it has no nextUpdate';
  if (thisUpdate.toISOString() !== new Date(described.thisUpdate).toISOString() || nextUpdate.toISOString() !== new Date(described.nextUpdate).toISOString()) {
    return `its thisUpdate/nextUpdate (${thisUpdate.toISOString()}, ${nextUpdate.toISOString()}) are not the ones publication.json describes`;
  }
  const number = crlNumberOf(fields.at(-1));
  if (number !== described.number) return `its CRL number is ${number ?? 'missing'}, publication.json says ${described.number}`;
  if (nextUpdate.getTime() < at.getTime()) return `its nextUpdate ${nextUpdate.toISOString()} has passed: relying parties would refuse it`;
  return undefined;
}

function derTime(text: string, utc: boolean): Date {
  const m = utc ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text) : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!m) throw new Error(`bad time ${text}`);
  const year = utc ? (Number(m[1]) >= 50 ? 1900 : 2000) + Number(m[1]) : Number(m[1]);
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

/** crlExtensions [0] EXPLICIT SEQUENCE OF Extension → the cRLNumber INTEGER. */
function crlNumberOf(node: DerNode | undefined): number | undefined {
  if (node?.id !== 0xa0) return undefined;
  for (const ext of node.children[0]?.children ?? []) {
    if (ext.children[0]?.oid() !== OID.crlNumber) continue;
    const value = ext.children.at(-1)!.content();
    const n = parseDer(value, { maxDepth: 1 });
    return n.id === 0x02 ? Number(BigInt(`0x${n.content().toString('hex') || '0'}`)) : undefined;
  }
  return undefined;
}
