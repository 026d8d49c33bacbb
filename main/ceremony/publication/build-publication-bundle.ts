import { createHash } from 'node:crypto';
import { CaRepository } from '../../store/ca-repository.js';
import { CertificateRepository } from '../../store/certificate-repository.js';
import type { Workspace } from '../../store/workspace.js';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { nameToString } from '../../x509/describe-certificate.js';
import {
  PUBLICATION_CHAIN,
  PUBLICATION_FORMAT,
  PUBLICATION_JSON,
  PublicationError,
  pemBlock,
  type PublicationCaEntry,
  type PublicationCrlEntry,
  type PublicationDocument,
  type PublicationFile,
} from './publication-format.js';

export interface PublicationBundleArgs {
  /** CA names the ceremony made or used; their parents up to the root are added */
  readonly cas: readonly string[];
  /** CA names whose certificate is new in this ceremony */
  readonly newCertificates: readonly string[];
  /**
   * Certificates recorded only as issued, not as a CA of this workspace: an intermediate
   * signed from a CSR, whose key stays with the online CA. `issuer` is a workspace CA.
   */
  readonly issued?: readonly { readonly name: string; readonly der: Buffer; readonly issuer: string }[];
  /** the description's `created`; now when absent */
  readonly created?: Date;
}

interface Member {
  readonly name: string;
  readonly certificate: ParsedCertificate;
  readonly issuer: string | null;
}

/**
 * The files of the publication bundle, named relative to `publication/`, SHA256SUMS and
 * its signature excepted (the ceremony run writes those once every file is final). Reads
 * the workspace only: nothing is recorded, so building twice gives the same files but
 * for `created`.
 */
export function buildPublicationBundle(ws: Workspace, args: PublicationBundleArgs): { files: PublicationFile[]; document: PublicationDocument } {
  const cas = new CaRepository(ws);
  const certs = new CertificateRepository(ws);
  const members = new Map<string, Member>();
  const ancestry = new Map<string, string[]>();

  const addCa = (name: string, depth = 0): string[] => {
    const known = ancestry.get(name);
    if (known) return known;
    // A cycle cannot be stored (a parent exists before its child), but a bound keeps a damaged store from looping.
    if (depth > 16) throw new PublicationError('PUBLICATION_INPUT_INVALID', `CA "${name}" is more than 16 levels below a root`);
    const row = cas.get(name);
    members.set(name, { name, certificate: parseCertificateFast(certs.byId(row.certificateId).der), issuer: row.parent });
    const up = row.parent === null ? [] : addCa(row.parent, depth + 1);
    const path = [name, ...up];
    ancestry.set(name, path);
    return path;
  };
  for (const name of args.cas) addCa(name);
  for (const i of args.issued ?? []) {
    CaRepository.assertName(i.name);
    if (members.has(i.name))
      throw new PublicationError('PUBLICATION_INPUT_INVALID', `"${i.name}" is named both as a workspace CA and as an issued certificate`);
    const up = addCa(i.issuer);
    members.set(i.name, { name: i.name, certificate: parseCertificateFast(i.der), issuer: i.issuer });
    ancestry.set(i.name, [i.name, ...up]);
  }
  const unknownNew = args.newCertificates.filter((n) => !members.has(n));
  if (unknownNew.length > 0)
    throw new PublicationError('PUBLICATION_INPUT_INVALID', `new certificate(s) ${unknownNew.join(', ')} are not among the bundle's CAs`);

  const files: PublicationFile[] = [];
  const caEntries: PublicationCaEntry[] = [];
  for (const m of members.values()) {
    const c = m.certificate;
    const entry: PublicationCaEntry = {
      name: m.name,
      subject: nameToString(c.subject),
      serial: c.serial.toString('hex'),
      sha256: c.sha256,
      notBefore: c.notBefore.toISOString(),
      notAfter: c.notAfter.toISOString(),
      issuer: m.issuer,
      isNew: args.newCertificates.includes(m.name),
      files: { pem: `${m.name}.pem`, der: `${m.name}.der` },
    };
    caEntries.push(entry);
    files.push({ name: entry.files.pem, bytes: Buffer.from(pemBlock(c.der, 'CERTIFICATE')) }, { name: entry.files.der, bytes: c.der });
  }

  // The deepest path is the one an online CA under it needs; on a tie the first named wins.
  let chain: string[] = [];
  for (const path of ancestry.values()) if (path.length > chain.length) chain = path;
  files.push({ name: PUBLICATION_CHAIN, bytes: Buffer.from(chain.map((n) => pemBlock(members.get(n)!.certificate.der, 'CERTIFICATE')).join('')) });

  const crlEntries: PublicationCrlEntry[] = [];
  for (const m of members.values()) {
    // An issued-only certificate's CRLs are the online CA's business.
    if (args.issued?.some((i) => i.name === m.name)) continue;
    const crl = cas.latestCrl(m.name);
    if (!crl) continue;
    const entry: PublicationCrlEntry = {
      ca: m.name,
      number: crl.crlNumber,
      thisUpdate: crl.thisUpdate,
      nextUpdate: crl.nextUpdate,
      sha256: createHash('sha256').update(crl.der).digest('hex'),
      files: { der: `${m.name}-crl-${crl.crlNumber}.der`, pem: `${m.name}-crl-${crl.crlNumber}.pem` },
    };
    crlEntries.push(entry);
    files.push({ name: entry.files.der, bytes: crl.der }, { name: entry.files.pem, bytes: Buffer.from(pemBlock(crl.der, 'X509 CRL')) });
  }

  const document: PublicationDocument = {
    format: PUBLICATION_FORMAT,
    created: (args.created ?? new Date()).toISOString(),
    cas: caEntries,
    chain,
    crls: crlEntries,
  };
  files.push({ name: PUBLICATION_JSON, bytes: Buffer.from(`${JSON.stringify(document, null, 2)}\n`) });
  return { files, document };
}
