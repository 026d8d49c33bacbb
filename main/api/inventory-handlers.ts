import { refusalOf } from '../files/refusal-audit.js';
import type { Input, InventoryImportResultView, OperationName, Output } from '../../preload/api.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import { importManifestFolder } from '../inventory/import-manifest.js';
import { InventoryError } from '../inventory/inventory-errors.js';
import { readTrustAnchors, readTrustFile } from '../manifest/verify/read-trust-anchors.js';
import { InventoryRepository } from '../store/inventory-repository.js';
import type { Workspace } from '../store/workspace.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { certificateView } from './certificate-view.js';
import { activeByManifest, inventoryPage } from './inventory-page-query.js';
import { inventoryStats } from './inventory-stats-query.js';

type InventoryOp = Extract<OperationName, `inventory.${string}`>;
export type InventoryHandlers = { [Op in InventoryOp]: (input: Input<Op>) => Output<Op> | Promise<Output<Op>> };


/** "AB:CD:…" and upper case as people paste them; the index holds lower-case hex. */
function normalizeFingerprint(raw: string): string {
  const hex = raw.replace(/[:\s]/g, '').toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new InventoryError('INVENTORY_SEARCH_INVALID', `a fingerprint is a SHA-256 in hex (64 digits), got "${raw}"`);
  return hex;
}

/**
 * The Inventory section: the same import, listing and search as `hallmark inventory`.
 * Each folder is imported or refused on its own (as the CLI does), so one bad stick does
 * not hide the result of the others; the operator named is who the audit log names.
 */
export function createInventoryHandlers(ws: Workspace): InventoryHandlers {
  return {
    'inventory.import': ({ dirs, trustPem, operator }) => {
      const anchors = readTrustAnchors(readTrustFile(trustPem), trustPem);
      const results: InventoryImportResultView[] = [];
      for (const folder of dirs) {
        try {
          const r = importManifestFolder(ws, folder, { anchors, actor: operator.trim() });
          const m = r.manifest;
          results.push({ folder, ok: true, created: r.created, batchId: m.batchId, sequence: m.sequence, entries: m.entries, added: m.added, unchanged: m.unchanged, retired: m.retired, notes: r.notes });
        } catch (e) {
          if (!isHallmarkError(e)) throw e;
          // One folder's refusal does not stop the others, so core-api's wrapper never sees it: audit it here.
          const refusal = refusalOf(e);
          if (refusal !== null) {
            ws.audit.append({ actor: operator.trim(), action: refusal.action, subject: refusal.path ?? folder, details: { operation: 'inventory.import', code: refusal.code, message: refusal.message } });
          }
          results.push({ folder, ok: false, code: e.code, message: e.message });
        }
      }
      return { results };
    },
    'inventory.batches': () => {
      const active = activeByManifest(ws);
      return {
        batches: new InventoryRepository(ws)
          .manifests()
          .map((m) => ({
            manifestSha256: m.sha256,
            stationId: m.stationId,
            sequence: m.sequence,
            batchId: m.batchId,
            model: m.model,
            entries: m.entries,
            certificates: m.certificates,
            confirmed: m.confirmed,
            failed: m.failed,
            superseded: m.superseded,
            revoked: m.revoked,
            added: m.added,
            active: active.get(m.sha256) ?? 0,
            signedAt: m.signedAt,
            importedAt: m.importedAt,
            importedBy: m.importedBy,
          }))
          .reverse(),
      };
    },
    'inventory.search': (q) =>
      inventoryPage(ws, {
        offset: q.offset,
        limit: q.limit,
        serial: q.serial?.trim() || undefined,
        fingerprint: q.fingerprint !== undefined ? normalizeFingerprint(q.fingerprint) : undefined,
        batch: q.batch,
        status: q.status,
      }),
    'inventory.stats': () => ({ batches: inventoryStats(ws) }),
    'inventory.device': ({ fingerprint }) => {
      const d = new InventoryRepository(ws).byCertificate(fingerprint);
      if (!d) throw new InventoryError('INVENTORY_SEARCH_INVALID', `no certificate ${fingerprint} in the inventory`);
      return {
        id: d.id,
        hardwareSerial: d.hardwareSerial,
        model: d.model,
        status: d.status,
        certificateSerial: d.certificateSerial,
        certificateSha256: d.certificateSha256,
        batchId: d.batchId,
        issuedAt: d.issuedAt,
        publicKeySha256: d.publicKeySha256,
        deviceState: d.deviceState,
        revokedAt: d.revokedAt,
        revocationReason: d.revocationReason,
        stationId: d.stationId,
        manifestSha256: d.manifestSha256,
        statusManifestSha256: d.statusManifestSha256,
        importedAt: d.importedAt,
        // The DER was verified on import; decoding it again is what the detail shows.
        certificate: certificateView(parseCertificateFast(d.der)),
      };
    },
  };
}
