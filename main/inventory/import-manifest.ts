import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ManifestDocument } from '../manifest/format/manifest-document.js';
import { ManifestError } from '../manifest/manifest-errors.js';
import type { VerificationReport } from '../manifest/verify/check-result.js';
import { MANIFEST_JSON, MANIFEST_P7S, verifyManifest } from '../manifest/verify/verify-manifest.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import { InventoryRepository, type InventoryManifestRow } from '../store/inventory-repository.js';
import type { Workspace } from '../store/workspace.js';
import { InventoryError } from './inventory-errors.js';
import { planInventoryChanges } from './plan-inventory-changes.js';

export interface ImportRequest {
  readonly anchors: readonly ParsedCertificate[];
  readonly actor: string;
  readonly now?: Date;
}

export interface ImportResult {
  readonly folder: string;
  /** false: this manifest (same SHA-256) was imported before; nothing changed */
  readonly created: boolean;
  readonly manifest: InventoryManifestRow;
  /** information that does not stop the import, e.g. a predecessor not imported yet */
  readonly notes: string[];
  readonly report: VerificationReport;
}

const MAX_CONFLICTS_SHOWN = 10;

/**
 * `hallmark inventory import DIR`: verify the folder with the standalone verifier (every
 * check must pass), then import its certificates in one transaction with one audit
 * entry. The bytes verified are the bytes imported (the folder is read once).
 */
export function importManifestFolder(ws: Workspace, folder: string, req: ImportRequest): ImportResult {
  const json = readPart(folder, MANIFEST_JSON);
  const p7s = readPart(folder, MANIFEST_P7S);
  const now = req.now ?? new Date();
  const report = verifyManifest(json, p7s, folder, { anchors: req.anchors, now });
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new InventoryError('INVENTORY_VERIFY_FAILED', `${folder}: not imported, ${failed.length} verifier check(s) failed: ${failed.join(', ')}`, 'check', { folder, failedChecks: failed });
  }
  const doc = JSON.parse(json.toString('utf8')) as ManifestDocument;
  const sha256 = createHash('sha256').update(json).digest('hex');
  const r = commitVerifiedManifest(ws, { doc, sha256, signerSha256: report.signer?.sha256 ?? null, signingTime: report.signingTime }, { folder, actor: req.actor, now });
  return { ...r, report };
}

/** A manifest that passed every verifier check, with what the verifier found about its signature. */
export interface VerifiedManifest {
  readonly doc: ManifestDocument;
  /** SHA-256 of the exact manifest.json bytes verified */
  readonly sha256: string;
  readonly signerSha256: string | null;
  readonly signingTime: string | null;
}

/**
 * The import step after verification: chain check, plan and commit in one transaction.
 * Separate from importManifestFolder so the benchmark can time it on pre-verified data
 * (signing a million real certificates per run is not what it measures); never call it
 * with a document that did not pass verifyManifest.
 */
export function commitVerifiedManifest(ws: Workspace, v: VerifiedManifest, req: { folder: string; actor: string; now: Date }): Omit<ImportResult, 'report'> {
  const { doc, sha256 } = v;
  const { folder, now } = req;
  const stationId = doc.station.workspaceId;
  const repo = new InventoryRepository(ws);

  return ws.transact(() => {
    const known = repo.manifest(sha256);
    if (known) return { folder, created: false, manifest: known, notes: [`manifest ${sha256} was imported on ${known.importedAt}; nothing changed`] };

    const notes = checkChain(repo, doc, sha256);
    const importedAt = now.toISOString();
    const changes = planInventoryChanges(doc, sha256, importedAt, repo);
    if (changes.conflicts.length > 0) {
      const shown = changes.conflicts.slice(0, MAX_CONFLICTS_SHOWN);
      const more = changes.conflicts.length - shown.length;
      throw new InventoryError(
        'INVENTORY_CONFLICT',
        `${folder}: not imported, ${changes.conflicts.length} conflicting entr${changes.conflicts.length === 1 ? 'y' : 'ies'}:\n  ${shown.join('\n  ')}${more > 0 ? `\n  … and ${more} more` : ''}`,
        'check',
        { folder, manifestSha256: sha256, conflicts: changes.conflicts },
      );
    }
    const by = (s: string) => doc.devices.filter((d) => d.status === s).length;
    const row: InventoryManifestRow = {
      sha256,
      stationId,
      sequence: doc.sequence,
      previousSha256: doc.previousManifestSha256,
      batchId: doc.workOrder.id,
      model: doc.workOrder.model,
      signerSha256: v.signerSha256,
      signedAt: v.signingTime,
      entries: doc.devices.length,
      certificates: doc.devices.filter((d) => d.certificate !== null).length,
      confirmed: by('confirmed'),
      failed: by('failed'),
      superseded: by('superseded'),
      revoked: by('revoked'),
      added: changes.inserts.length,
      unchanged: changes.unchanged,
      retired: changes.retirements.length,
      importedAt,
      importedBy: req.actor,
    };
    repo.insertManifest(row);
    // Retire first: the partial unique index allows one active certificate per device.
    for (const r of changes.retirements) repo.retire(r.certificateSha256, r.status, r.revokedAt, r.reason, sha256);
    for (const d of changes.inserts) repo.insertDevice(d);
    ws.audit.append({
      actor: req.actor,
      action: 'inventory.imported',
      subject: `${stationId}/${row.batchId}`,
      details: { sha256, sequence: row.sequence, station: stationId, batch: row.batchId, entries: row.entries, added: row.added, unchanged: row.unchanged, retired: row.retired, signerSha256: row.signerSha256 },
    });
    return { folder, created: true, manifest: row, notes };
  });
}

/**
 * The station's chain as far as the inventory knows it: another manifest with this
 * sequence, or a neighbour whose hash link does not match, is a fork and refused; a
 * predecessor not imported yet is only noted (batches may arrive out of order).
 */
function checkChain(repo: InventoryRepository, doc: ManifestDocument, sha256: string): string[] {
  const station = doc.station.workspaceId;
  const same = repo.manifestAt(station, doc.sequence);
  if (same) throw new InventoryError('INVENTORY_CHAIN_FORK', `station ${station} already has manifest ${doc.sequence} in the inventory (work order ${same.batchId}, sha256 ${same.sha256}); this one (work order ${doc.workOrder.id}, sha256 ${sha256}) forks its chain`, 'check');
  const notes: string[] = [];
  if (doc.sequence > 1) {
    const prev = repo.manifestAt(station, doc.sequence - 1);
    if (!prev) notes.push(`manifest ${doc.sequence - 1} of station ${station} is not in the inventory yet`);
    else if (prev.sha256 !== doc.previousManifestSha256) throw new InventoryError('INVENTORY_CHAIN_FORK', `manifest ${doc.sequence} of station ${station} names previous ${doc.previousManifestSha256}, but the inventory's manifest ${prev.sequence} is ${prev.sha256}`, 'check');
  }
  const next = repo.manifestAt(station, doc.sequence + 1);
  if (next && next.previousSha256 !== sha256) throw new InventoryError('INVENTORY_CHAIN_FORK', `the inventory's manifest ${next.sequence} of station ${station} names previous ${next.previousSha256}, not this manifest ${sha256}`, 'check');
  return notes;
}

function readPart(folder: string, name: string): Buffer {
  try {
    return readFileSync(join(folder, name));
  } catch (e) {
    throw new ManifestError('MANIFEST_UNREADABLE', `cannot read ${join(folder, name)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
}
