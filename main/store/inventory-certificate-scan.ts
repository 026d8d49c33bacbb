import type { InventoryStatus } from './inventory-repository.js';

/** One certificate as the health pass and reconcile read it (main/inventory/health/): the columns they use, aliased in SQL. */
export interface InventoryCertificateScanRow {
  readonly id: number;
  readonly certificateSha256: string;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly batchId: string;
  readonly stationId: string;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly der: Buffer;
}

/**
 * Both engines' scan: id order, keyset-paged. The columns come back already named as the
 * row type wants (quoted aliases), so 100,000 rows are not renamed key by key as search's are.
 */
export const SCAN_COLUMNS =
  'id, certificate_sha256 AS "certificateSha256", hardware_serial AS "hardwareSerial", model, status, batch_id AS "batchId", station_id AS "stationId", revoked_at AS "revokedAt", revocation_reason AS "revocationReason", der';
