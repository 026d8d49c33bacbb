import type { DeviceEntry, ManifestDocument } from '../manifest/format/manifest-document.js';
import { ACTIVE_STATUSES, type InventoryDeviceRow, type NewInventoryDevice } from '../store/inventory-repository.js';
import type { InventoryView } from '../store/inventory-store.js';

export interface InventoryChanges {
  readonly inserts: NewInventoryDevice[];
  readonly retirements: {
    readonly certificateSha256: string;
    readonly status: 'superseded' | 'revoked';
    readonly revokedAt: string | null;
    readonly reason: string | null;
  }[];
  readonly unchanged: number;
  /** one readable line per contradiction; any at all means nothing is imported */
  readonly conflicts: string[];
}

type CertifiedEntry = DeviceEntry & { readonly certificate: NonNullable<DeviceEntry['certificate']> };

const isActive = (status: string) => (ACTIVE_STATUSES as readonly string[]).includes(status);

/**
 * What importing a verified manifest would change, decided against the inventory as it
 * is (run inside the import transaction so nothing moves in between). Keyed by the
 * certificate's SHA-256, so an entry already imported is "unchanged", never a duplicate.
 *
 * Conflicts (the manifest is refused as a whole, so the inventory never holds half a batch):
 * - a certificate already in the inventory for another device, work order or station, or
 *   with another status — except retiring it (active → superseded/revoked), which is how a
 *   later manifest reports a rework;
 * - an active certificate for a device (model + hardware serial) that already has another
 *   active certificate, unless this manifest retires that one.
 * Entries without a certificate are counted on the manifest but are no identity to store.
 */
export function planInventoryChanges(doc: ManifestDocument, manifestSha256: string, importedAt: string, repo: InventoryView): InventoryChanges {
  const stationId = doc.station.workspaceId;
  const batchId = doc.workOrder.id;
  const inserts: NewInventoryDevice[] = [];
  const retirements: InventoryChanges['retirements'][number][] = [];
  const conflicts: string[] = [];
  let unchanged = 0;
  const where = (row: InventoryDeviceRow) =>
    `serial ${row.hardwareSerial} (${row.model}), work order ${row.batchId} of station ${row.stationId}, ${row.status}`;

  const certified = doc.devices.filter((e): e is CertifiedEntry => e.certificate !== null);
  for (const e of certified) {
    const cert = e.certificate;
    const existing = repo.byCertificate(cert.sha256);
    if (!existing) {
      inserts.push({
        certificateSha256: cert.sha256,
        publicKeySha256: cert.publicKeySha256,
        certificateSerial: cert.serial,
        der: Buffer.from(cert.der, 'base64'),
        hardwareSerial: e.hardwareSerial,
        model: e.model,
        status: e.status,
        deviceState: e.deviceState,
        issuedAt: cert.issuedAt,
        revokedAt: e.revocation?.revokedAt ?? null,
        revocationReason: e.revocation?.reason ?? null,
        stationId,
        batchId,
        manifestSha256,
        statusManifestSha256: manifestSha256,
        importedAt,
      });
      continue;
    }
    const sameDevice = existing.hardwareSerial === e.hardwareSerial && existing.model === e.model;
    const sameBatch = existing.batchId === batchId && existing.stationId === stationId;
    if (!sameDevice) {
      conflicts.push(
        `certificate ${cert.sha256} is in the inventory for ${where(existing)}; this manifest lists it for serial ${e.hardwareSerial} (${e.model})`,
      );
    } else if (existing.status === e.status && sameBatch) {
      unchanged++;
    } else if (isActive(existing.status) && (e.status === 'superseded' || e.status === 'revoked')) {
      retirements.push({
        certificateSha256: cert.sha256,
        status: e.status,
        revokedAt: e.revocation?.revokedAt ?? null,
        reason: e.revocation?.reason ?? e.rework?.revocationReason ?? null,
      });
    } else {
      conflicts.push(
        `certificate ${cert.sha256} is in the inventory for ${where(existing)}; this manifest says ${e.status} in work order ${batchId} of station ${stationId}`,
      );
    }
  }

  // A device gets a new active certificate only if its current one is retired by this same manifest.
  const retired = new Set(retirements.map((r) => r.certificateSha256));
  const newlyActive = new Map<string, string>();
  for (const d of inserts) {
    if (!isActive(d.status)) continue;
    const key = `${d.model}\u0000${d.hardwareSerial}`;
    const active = repo.activeFor(d.model, d.hardwareSerial);
    if (active && !retired.has(active.certificateSha256)) {
      conflicts.push(
        `serial ${d.hardwareSerial} (${d.model}) is already active under certificate ${active.certificateSha256} (work order ${active.batchId} of station ${active.stationId}); this manifest adds certificate ${d.certificateSha256} without superseding it`,
      );
    }
    if (newlyActive.has(key))
      conflicts.push(
        `serial ${d.hardwareSerial} (${d.model}) has two active certificates in this manifest: ${newlyActive.get(key)} and ${d.certificateSha256}`,
      );
    newlyActive.set(key, d.certificateSha256);
  }
  return { inserts, retirements, unchanged, conflicts };
}
