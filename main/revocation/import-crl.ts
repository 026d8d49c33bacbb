import { createHash } from 'node:crypto';
import { checkPath } from '../manifest/verify/certificate-path.js';
import { ACTIVE_STATUSES, type InventoryDeviceRow } from '../store/inventory-repository.js';
import type { InventoryRevocations } from '../store/inventory-revocations.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { nameToString } from '../x509/describe-certificate.js';
import { crlSignedBy, type ReadCrl } from './read-crl.js';
import { RevocationError } from './revocation-errors.js';

export interface CrlImportResult {
  readonly sha256: string;
  readonly issuer: string;
  readonly crlNumber: number;
  /** false when this very CRL was imported before (nothing changed) */
  readonly created: boolean;
  /** certificates of this inventory that moved to revoked */
  readonly revoked: number;
  /** listed certificates this inventory already had as revoked, or superseded */
  readonly alreadyRetired: number;
  /** listed serials of this issuer that are not in this inventory */
  readonly notInInventory: number;
  /** pending request entries this CRL covered */
  readonly requestsCovered: number;
  /** request entries still waiting for a CRL after this import (all issuers) */
  readonly requestsPending: number;
}

/**
 * Imports one CRL into the inventory. Its issuer must be a CA certificate among `issuers`
 * (the trust file's, or a verified publication bundle's) that chains to one of `anchors`,
 * and that certificate's key must verify the CRL's signature. A CRL whose number is not
 * above the newest already imported from that issuer is refused (the same bytes again
 * change nothing). In one transaction: the CRL row, each listed certificate of that issuer
 * still in service moved to revoked with the CRL's date and reason, the pending request
 * entries it covers, and the `inventory.crl-imported` audit entry (on either engine:
 * the decision runs inside the store's transaction, under its revocation lock).
 */
export async function importCrl(
  inv: InventoryRevocations,
  crl: ReadCrl,
  opts: { anchors: readonly ParsedCertificate[]; issuers?: readonly ParsedCertificate[]; actor: string; at?: Date },
): Promise<CrlImportResult> {
  const at = opts.at ?? new Date();
  const candidates = [...opts.anchors, ...(opts.issuers ?? [])].filter((c) => c.subjectDer.equals(crl.issuerDer));
  const issuer = candidates.find((c) => crlSignedBy(crl, c));
  if (!issuer) {
    throw new RevocationError(
      'CRL_UNTRUSTED',
      candidates.length
        ? `the signature of CRL ${crl.sha256} does not verify with the key of any trusted CA named as its issuer`
        : `CRL ${crl.sha256} is issued by a CA that is not in the inventory's trust`,
      'check',
      { sha256: crl.sha256 },
    );
  }
  const path = checkPath(issuer, opts.issuers ?? [], opts.anchors, at);
  if (!path.ok)
    throw new RevocationError('CRL_UNTRUSTED', `the issuer of CRL ${crl.sha256} does not chain to a trusted root: ${path.problem}`, 'check', {
      sha256: crl.sha256,
    });
  const issuerName = nameToString(issuer.subject);
  const issuerSpkiSha256 = createHash('sha256').update(issuer.spki).digest('hex');
  const base = { sha256: crl.sha256, issuer: issuerName, crlNumber: crl.crlNumber };
  // DER may have kept a leading zero octet the reader dropped: look up both spellings
  const serials = [...new Set(crl.entries.flatMap((e) => [e.serial, `00${e.serial}`]))];
  const ofIssuer = (d: InventoryDeviceRow) => {
    const cert = parseCertificateFast(d.der);
    return cert.issuerDer.equals(crl.issuerDer) && (!cert.authorityKeyId || !issuer.subjectKeyId || cert.authorityKeyId.equals(issuer.subjectKeyId));
  };

  return inv.importCrl<CrlImportResult>({ sha256: crl.sha256, issuerSpkiSha256, serials }, (view) => {
    if (view.known)
      return {
        writes: null,
        result: { ...base, created: false, revoked: 0, alreadyRetired: 0, notInInventory: 0, requestsCovered: 0, requestsPending: view.pendingCount },
      };
    const latest = view.latest;
    if (latest && latest.crlNumber >= crl.crlNumber) {
      throw new RevocationError(
        'CRL_OLDER_THAN_IMPORTED',
        `CRL number ${crl.crlNumber} of ${issuerName} is not newer than CRL number ${latest.crlNumber} already imported (${latest.importedAt}); nothing was imported`,
        'input',
        { sha256: crl.sha256 },
      );
    }
    const revoke: { certificateSha256: string; revokedAt: string; reason: string; statusManifestSha256: string }[] = [];
    const cover: string[] = [];
    let alreadyRetired = 0;
    let notInInventory = 0;
    // a serial listed twice counts once as revoked here, as if the rows had been read again
    const seen = new Set<string>();
    for (const e of crl.entries) {
      const ours = [...view.devicesWithSerial(e.serial), ...view.devicesWithSerial(`00${e.serial}`)].filter(ofIssuer);
      if (ours.length === 0) notInInventory++;
      for (const d of ours) {
        const first = !seen.has(d.certificateSha256);
        seen.add(d.certificateSha256);
        if (!first) {
          alreadyRetired++;
          continue;
        }
        if (ACTIVE_STATUSES.includes(d.status))
          revoke.push({
            certificateSha256: d.certificateSha256,
            revokedAt: e.revokedAt.toISOString(),
            reason: e.reason,
            statusManifestSha256: d.statusManifestSha256,
          });
        else alreadyRetired++;
        if (view.pending(d.certificateSha256)) cover.push(d.certificateSha256);
      }
    }
    const counts = {
      revoked: revoke.length,
      alreadyRetired,
      notInInventory,
      requestsCovered: cover.length,
      // each certificate has at most one pending entry, so the ones left are the others
      requestsPending: view.pendingCount - cover.length,
    };
    return {
      writes: {
        crl: {
          ...base,
          issuerSpkiSha256,
          issuerName,
          issuerCertificateSha256: issuer.sha256,
          thisUpdate: crl.thisUpdate.toISOString(),
          nextUpdate: crl.nextUpdate?.toISOString() ?? null,
          entries: crl.entries.length,
          der: crl.der,
          importedAt: new Date().toISOString(),
          importedBy: opts.actor,
        },
        revoke,
        cover,
        audit: {
          actor: opts.actor,
          action: 'inventory.crl-imported',
          subject: issuerName,
          details: { sha256: crl.sha256, crlNumber: crl.crlNumber, issuerCertificateSha256: issuer.sha256, entries: crl.entries.length, ...counts },
        },
      },
      result: { ...base, created: true, ...counts },
    };
  });
}
