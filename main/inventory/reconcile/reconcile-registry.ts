import type { InventoryStatus } from '../../store/inventory-repository.js';
import { ACTIVE_STATUSES } from '../../store/inventory-repository.js';
import type { InventoryStore } from '../../store/inventory-store.js';
import type { ParsedCertificate } from '../../x509/certificate-facts.js';
import { parseCertificateFast } from '../../x509/certificate-facts-fast.js';
import { nameWords } from '../../x509/describe/certificate-description.js';
import { scanInventoryCertificates } from '../health/scan-inventory-certificates.js';
import { readIssuerName } from './read-issuer-name.js';
import type { ExportProblem, RegisteredCertificate, RegistryExport } from './read-registry-export.js';

/** A registered certificate the inventory has no manifest entry for. */
export interface UnlistedCertificate {
  readonly source: string;
  readonly certificateSha256: string;
  /** null for a CSV row (only the fingerprint is known) */
  readonly subject: string | null;
  readonly issuer: string | null;
  readonly serial: string | null;
  readonly notAfter: string | null;
}

/** A registered certificate the inventory knows as superseded or revoked: the cloud still trusts a retired certificate. */
export interface RetiredRegistration {
  readonly source: string;
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly batchId: string;
  readonly stationId: string;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
}

export interface ReconcileReport {
  readonly generatedAt: string;
  readonly export: { readonly kind: RegistryExport['kind']; readonly path: string };
  /** distinct certificates the export lists (a block that is not a certificate is a problem, not counted) */
  readonly registered: number;
  /** registered and in service in the inventory: as it should be */
  readonly matched: number;
  /** issued by a CA the inventory knows, yet in no imported manifest: unauthorized issuance (or a manifest not yet imported) */
  readonly unauthorized: readonly UnlistedCertificate[];
  readonly retired: readonly RetiredRegistration[];
  /** neither in the inventory nor issued by a CA it knows (for a CSV row: not in the inventory) */
  readonly unknown: readonly UnlistedCertificate[];
  /** files or lines of the export not read as certificates, each by name and code */
  readonly problems: readonly ExportProblem[];
  /** how many issuing CAs the inventory's certificates name (what "known" is judged against) */
  readonly knownIssuers: number;
}

export interface ReconcileOptions {
  readonly now?: Date;
  /** more CAs to count as known (the inventory's --trust roots and intermediates) */
  readonly trustedCas?: readonly ParsedCertificate[];
}

const isActive = (s: InventoryStatus) => (ACTIVE_STATUSES as readonly string[]).includes(s);

/**
 * A cloud registry export against the inventory. The inventory is walked once: each of
 * its certificates that the export lists is sorted into matched or retired, and the
 * issuers of all of them (issuer name and authority key id) are what "a known CA" means;
 * a registered certificate found nowhere is unauthorized when a known CA issued it,
 * unknown otherwise. Read-only: nothing is written to the inventory.
 */
export async function reconcileRegistry(store: InventoryStore, exported: RegistryExport, options: ReconcileOptions = {}): Promise<ReconcileReport> {
  const wanted = new Map<string, RegisteredCertificate>();
  for (const c of exported.certificates) if (!wanted.has(c.sha256)) wanted.set(c.sha256, c);
  const knownNames = new Set<string>();
  const knownKeyIds = new Set<string>();
  for (const ca of options.trustedCas ?? []) {
    knownNames.add(ca.subjectDer.toString('hex'));
    if (ca.subjectKeyId) knownKeyIds.add(ca.subjectKeyId.toString('hex'));
  }
  const retired: RetiredRegistration[] = [];
  const found = new Set<string>();
  let matched = 0;
  await scanInventoryCertificates(store, (row) => {
    // Rows share a few issuers: the full decode (for the authority key id) runs once per issuer name.
    const issuer = readIssuerName(row.der);
    if (issuer === null || !knownNames.has(issuer.toString('hex'))) {
      try {
        const c = parseCertificateFast(row.der);
        knownNames.add(c.issuerDer.toString('hex'));
        if (c.authorityKeyId) knownKeyIds.add(c.authorityKeyId.toString('hex'));
      } catch {
        // verified at import; an unreadable row names no issuer
      }
    }
    const reg = wanted.get(row.certificateSha256);
    if (!reg) return;
    found.add(row.certificateSha256);
    if (isActive(row.status)) matched++;
    else
      retired.push({
        source: reg.source,
        certificateSha256: row.certificateSha256,
        hardwareSerial: row.hardwareSerial,
        model: row.model,
        status: row.status,
        batchId: row.batchId,
        stationId: row.stationId,
        revokedAt: row.revokedAt,
        revocationReason: row.revocationReason,
      });
  });

  const unauthorized: UnlistedCertificate[] = [];
  const unknown: UnlistedCertificate[] = [];
  const problems: ExportProblem[] = [...exported.problems];
  for (const reg of wanted.values()) {
    if (found.has(reg.sha256)) continue;
    if (reg.der === null) {
      unknown.push({ source: reg.source, certificateSha256: reg.sha256, subject: null, issuer: null, serial: null, notAfter: null });
      continue;
    }
    let c: ParsedCertificate;
    try {
      c = parseCertificateFast(reg.der);
    } catch {
      problems.push({ source: reg.source, code: 'RECONCILE_NOT_A_CERTIFICATE', message: `${reg.source} is not a readable X.509 certificate; skipped` });
      continue;
    }
    const entry = {
      source: reg.source,
      certificateSha256: reg.sha256,
      subject: nameWords(c.subject),
      issuer: nameWords(c.issuer),
      serial: c.serial.toString('hex'),
      notAfter: c.notAfter.toISOString(),
    };
    const known = knownNames.has(c.issuerDer.toString('hex')) || (c.authorityKeyId !== undefined && knownKeyIds.has(c.authorityKeyId.toString('hex')));
    (known ? unauthorized : unknown).push(entry);
  }
  return {
    generatedAt: (options.now ?? new Date()).toISOString(),
    export: { kind: exported.kind, path: exported.path },
    registered: matched + retired.length + unauthorized.length + unknown.length,
    matched,
    unauthorized,
    retired,
    unknown,
    problems,
    knownIssuers: knownNames.size,
  };
}

/** Whether the report holds anything to act on. */
export function hasFindings(r: ReconcileReport): boolean {
  return r.unauthorized.length > 0 || r.retired.length > 0 || r.unknown.length > 0 || r.problems.length > 0;
}
