import { join } from 'node:path';
import { verifyPublicationBundle } from '../ceremony/publication/verify-publication-bundle.js';
import { readMediaFile } from '../files/read-media-file.js';
import type { InventoryRevocations } from '../store/inventory-revocations.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { importCrl, type CrlImportResult } from './import-crl.js';
import { readCrl } from './read-crl.js';
import { RevocationError } from './revocation-errors.js';

const MAX_FILE_BYTES = 4 * 1024 * 1024;

/**
 * Imports the CRLs of a ceremony's publication bundle: the bundle must pass every check of
 * verifyPublicationBundle against the inventory's trusted roots first (SHA256SUMS, its CMS
 * signature, each CA certificate's chain, each CRL's signature); its CA certificates are
 * then the issuers the CRLs are checked against again, one import (one transaction) per CRL.
 */
export async function importPublicationCrls(
  inv: InventoryRevocations,
  dir: string,
  opts: { trust: readonly Buffer[]; anchors: readonly ParsedCertificate[]; actor: string },
): Promise<CrlImportResult[]> {
  const report = verifyPublicationBundle(dir, { trust: opts.trust });
  if (!report.ok || !report.document) {
    const failed = report.checks.filter((c) => !c.ok).map((c) => `${c.check}${c.file ? ` ${c.file}` : ''}: ${c.detail}`);
    throw new RevocationError(
      'CRL_BUNDLE_INVALID',
      `the publication bundle ${dir} did not pass its checks; nothing was imported: ${failed.slice(0, 5).join('; ')}`,
      'check',
    );
  }
  if (report.document.crls.length === 0) throw new RevocationError('CRL_BUNDLE_INVALID', `the publication bundle ${dir} carries no CRL`);
  const issuers = report.document.cas.map((ca) => parseCertificateFast(readMediaFile(join(dir, ca.files.der), MAX_FILE_BYTES, 'bundle file')));
  // every CRL read (and refused if unreadable) before the first is imported
  const crls = report.document.crls.map((c) => readCrl(readMediaFile(join(dir, c.files.der), MAX_FILE_BYTES, 'bundle file')));
  const results: CrlImportResult[] = [];
  for (const crl of crls) results.push(await importCrl(inv, crl, { anchors: opts.anchors, issuers, actor: opts.actor }));
  return results;
}
