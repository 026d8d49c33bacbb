import type { ManifestDocument } from '../manifest/format/manifest-document.js';
import type { InventoryManifestRow } from '../store/inventory-repository.js';
import type { ImportDecision, InventoryView, ManifestKeys } from '../store/inventory-store.js';
import type { VerifiedManifest } from './import-manifest.js';
import { InventoryError } from './inventory-errors.js';
import { planInventoryChanges } from './plan-inventory-changes.js';

export interface CommitRequest {
  readonly folder: string;
  readonly actor: string;
  readonly now: Date;
}

const MAX_CONFLICTS_SHOWN = 10;

/** The keys decideImport may look up for this manifest (what the PostgreSQL store fetches in bulk). */
export function manifestKeys(doc: ManifestDocument, sha256: string): ManifestKeys {
  const certified = doc.devices.filter((d) => d.certificate !== null);
  return {
    sha256,
    stationId: doc.station.workspaceId,
    sequence: doc.sequence,
    certificates: certified.map((d) => d.certificate!.sha256),
    devices: certified.map((d) => ({ model: d.model, hardwareSerial: d.hardwareSerial })),
  };
}

/**
 * The import's rules, the same for every store: already imported (by manifest SHA-256)
 * → nothing; a fork of the station's chain → refused; a plan with any conflict →
 * refused; else the manifest row, retirements, new rows and the audit entry to write.
 * Pure over the view, so a store may run it again when it retries its transaction.
 */
export function decideImport(view: InventoryView, v: VerifiedManifest, req: CommitRequest): ImportDecision {
  const { doc, sha256 } = v;
  const { folder, now } = req;
  const stationId = doc.station.workspaceId;

  const known = view.manifest(sha256);
  if (known) return { kind: 'known', manifest: known, notes: [`manifest ${sha256} was imported on ${known.importedAt}; nothing changed`] };

  const notes = checkChain(view, doc, sha256);
  const importedAt = now.toISOString();
  const changes = planInventoryChanges(doc, sha256, importedAt, view);
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
  return {
    kind: 'import',
    manifest: row,
    retirements: changes.retirements,
    inserts: changes.inserts,
    notes,
    audit: {
      actor: req.actor,
      action: 'inventory.imported',
      subject: `${stationId}/${row.batchId}`,
      details: {
        sha256,
        sequence: row.sequence,
        station: stationId,
        batch: row.batchId,
        entries: row.entries,
        added: row.added,
        unchanged: row.unchanged,
        retired: row.retired,
        signerSha256: row.signerSha256,
      },
    },
  };
}

/**
 * The station's chain as far as the inventory knows it: another manifest with this
 * sequence, or a neighbour whose hash link does not match, is a fork and refused; a
 * predecessor not imported yet is only noted (batches may arrive out of order).
 */
function checkChain(view: InventoryView, doc: ManifestDocument, sha256: string): string[] {
  const station = doc.station.workspaceId;
  const same = view.manifestAt(station, doc.sequence);
  if (same)
    throw new InventoryError(
      'INVENTORY_CHAIN_FORK',
      `station ${station} already has manifest ${doc.sequence} in the inventory (work order ${same.batchId}, sha256 ${same.sha256}); this one (work order ${doc.workOrder.id}, sha256 ${sha256}) forks its chain`,
      'check',
    );
  const notes: string[] = [];
  if (doc.sequence > 1) {
    const prev = view.manifestAt(station, doc.sequence - 1);
    if (!prev) notes.push(`manifest ${doc.sequence - 1} of station ${station} is not in the inventory yet`);
    else if (prev.sha256 !== doc.previousManifestSha256)
      throw new InventoryError(
        'INVENTORY_CHAIN_FORK',
        `manifest ${doc.sequence} of station ${station} names previous ${doc.previousManifestSha256}, but the inventory's manifest ${prev.sequence} is ${prev.sha256}`,
        'check',
      );
  }
  const next = view.manifestAt(station, doc.sequence + 1);
  if (next && next.previousSha256 !== sha256)
    throw new InventoryError(
      'INVENTORY_CHAIN_FORK',
      `the inventory's manifest ${next.sequence} of station ${station} names previous ${next.previousSha256}, not this manifest ${sha256}`,
      'check',
    );
  return notes;
}
