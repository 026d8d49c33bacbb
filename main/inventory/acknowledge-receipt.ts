import { createHash } from 'node:crypto';
import { InventoryRepository, type ManifestAcknowledgmentRow } from '../store/inventory-repository.js';
import { ManifestRepository } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseReceipt } from './acknowledgment-receipt.js';
import { InventoryError } from './inventory-errors.js';

export interface AcknowledgeResult {
  /** false: this receiving workspace had acknowledged the manifest before; nothing changed */
  readonly created: boolean;
  readonly acknowledgment: Omit<ManifestAcknowledgmentRow, 'receipt'>;
}

/**
 * `hallmark inventory ack RECEIPT` at the factory: the receipt must name a manifest this
 * workspace exported (SHA-256, work order, sequence and station all agree), then the
 * manifest's sync status becomes acknowledged — recorded with the receipt's exact bytes
 * and an audit entry in one transaction.
 */
export function acknowledgeReceipt(ws: Workspace, bytes: Buffer, source: string, actor: string, now = new Date()): AcknowledgeResult {
  const receipt = parseReceipt(bytes, source);
  const manifest = new ManifestRepository(ws).byBatch(receipt.batch);
  const stationId = ws.info().workspaceId;
  if (!manifest || manifest.sha256 !== receipt.manifestSha256) {
    throw new InventoryError(
      'INVENTORY_RECEIPT_UNKNOWN_MANIFEST',
      `${source} acknowledges manifest ${receipt.manifestSha256} of work order ${receipt.batch}, which this workspace did not export${manifest ? ` (its manifest of ${receipt.batch} is ${manifest.sha256})` : ''}`,
      'check',
    );
  }
  if (receipt.station.workspaceId !== stationId || receipt.sequence !== manifest.sequence) {
    throw new InventoryError(
      'INVENTORY_RECEIPT_INVALID',
      `${source} names station ${receipt.station.workspaceId} sequence ${receipt.sequence}; this workspace is ${stationId} and exported ${receipt.batch} as manifest ${manifest.sequence}`,
      'check',
    );
  }
  const repo = new InventoryRepository(ws);
  return ws.transact(() => {
    const known = repo.acknowledgment(manifest.sha256, receipt.receivedBy.workspaceId);
    if (known) {
      const { receipt: _bytes, ...rest } = known;
      return { created: false, acknowledgment: rest };
    }
    const row: ManifestAcknowledgmentRow = {
      manifestSha256: manifest.sha256,
      receiverWorkspaceId: receipt.receivedBy.workspaceId,
      batchId: manifest.batchId,
      receiptSha256: createHash('sha256').update(bytes).digest('hex'),
      receipt: bytes,
      importedCount: receipt.counts.certificates,
      receivedAt: receipt.importedAt,
      acknowledgedAt: now.toISOString(),
      acknowledgedBy: actor,
    };
    repo.insertAcknowledgment(row);
    ws.audit.append({
      actor,
      action: 'manifest.acknowledged',
      subject: manifest.batchId,
      details: {
        sequence: manifest.sequence,
        sha256: manifest.sha256,
        receiver: row.receiverWorkspaceId,
        receiverActor: receipt.receivedBy.actor,
        receiptSha256: row.receiptSha256,
        importedAt: receipt.importedAt,
        counts: receipt.counts,
      },
    });
    const { receipt: _bytes, ...rest } = row;
    return { created: true, acknowledgment: rest };
  });
}
