import type { Statement } from 'better-sqlite3';
import type { Workspace } from './workspace.js';

export type InventoryStatus = 'confirmed' | 'failed' | 'superseded' | 'revoked';
/** A certificate still in service: the device holds it (confirmed, or issued to a device that did not finish). */
export const ACTIVE_STATUSES: readonly InventoryStatus[] = ['confirmed', 'failed'];

export interface InventoryManifestRow {
  readonly sha256: string;
  readonly stationId: string;
  readonly sequence: number;
  readonly previousSha256: string | null;
  readonly batchId: string;
  readonly model: string;
  readonly signerSha256: string | null;
  readonly signedAt: string | null;
  readonly entries: number;
  readonly certificates: number;
  readonly confirmed: number;
  readonly failed: number;
  readonly superseded: number;
  readonly revoked: number;
  readonly added: number;
  readonly unchanged: number;
  readonly retired: number;
  readonly importedAt: string;
  readonly importedBy: string;
}

export interface InventoryDeviceRow {
  readonly id: number;
  readonly certificateSha256: string;
  readonly publicKeySha256: string;
  readonly certificateSerial: string;
  readonly der: Buffer;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly status: InventoryStatus;
  readonly deviceState: string;
  readonly issuedAt: string;
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly stationId: string;
  readonly batchId: string;
  readonly manifestSha256: string;
  readonly statusManifestSha256: string;
  readonly importedAt: string;
}

export type NewInventoryDevice = Omit<InventoryDeviceRow, 'id'>;

export interface InventorySearch {
  readonly serial?: string | undefined;
  /** certificate SHA-256 or public-key SHA-256 (hex, lower case) */
  readonly fingerprint?: string | undefined;
  readonly batch?: string | undefined;
  readonly status?: InventoryStatus | undefined;
  /** rows with id greater than this (keyset paging) */
  readonly afterId?: number | undefined;
  readonly limit: number;
}

export interface ManifestAcknowledgmentRow {
  readonly manifestSha256: string;
  readonly receiverWorkspaceId: string;
  readonly batchId: string;
  readonly receiptSha256: string;
  readonly receipt: Buffer;
  readonly importedCount: number;
  readonly receivedAt: string;
  readonly acknowledgedAt: string;
  readonly acknowledgedBy: string;
}

/** One exported manifest of this workspace with its sync status (derived from acknowledgments). */
export interface ExportedManifestStatus {
  readonly sequence: number;
  readonly batchId: string;
  readonly sha256: string;
  readonly devices: number;
  readonly createdAt: string;
  readonly status: 'exported' | 'acknowledged';
  readonly acknowledgedAt: string | null;
  readonly acknowledgedBy: string[];
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

const DEVICE_COLUMNS =
  'certificate_sha256, public_key_sha256, certificate_serial, der, hardware_serial, model, status, device_state, issued_at, revoked_at, revocation_reason, station_id, batch_id, manifest_sha256, status_manifest_sha256, imported_at';

/**
 * The inventory tables (migration 006). Writes must run inside Workspace.transact() with
 * their audit entry. Statements are prepared once per repository: an import of 100,000
 * entries runs the same two lookups per entry.
 */
export class InventoryRepository {
  private statements: Record<string, Statement> = {};
  constructor(private readonly workspace: Workspace) {}

  private get db() {
    return this.workspace.db;
  }

  private stmt(sql: string): Statement {
    return (this.statements[sql] ??= this.db.prepare(sql));
  }

  manifest(sha256: string): InventoryManifestRow | undefined {
    const row = this.stmt('SELECT * FROM inventory_manifests WHERE sha256 = ?').get(sha256) as Record<string, unknown> | undefined;
    return row ? mapRow<InventoryManifestRow>(row) : undefined;
  }

  manifestAt(stationId: string, sequence: number): InventoryManifestRow | undefined {
    const row = this.stmt('SELECT * FROM inventory_manifests WHERE station_id = ? AND sequence = ?').get(stationId, sequence) as
      Record<string, unknown> | undefined;
    return row ? mapRow<InventoryManifestRow>(row) : undefined;
  }

  manifests(): InventoryManifestRow[] {
    return (this.stmt('SELECT * FROM inventory_manifests ORDER BY station_id, sequence').all() as Record<string, unknown>[]).map((r) =>
      mapRow<InventoryManifestRow>(r),
    );
  }

  byCertificate(sha256: string): InventoryDeviceRow | undefined {
    const row = this.stmt('SELECT * FROM inventory_devices WHERE certificate_sha256 = ?').get(sha256) as Record<string, unknown> | undefined;
    return row ? mapRow<InventoryDeviceRow>(row) : undefined;
  }

  /** The certificate currently in service for a device, if any (the partial unique index allows one). */
  activeFor(model: string, hardwareSerial: string): InventoryDeviceRow | undefined {
    const row = this.stmt("SELECT * FROM inventory_devices WHERE model = ? AND hardware_serial = ? AND status IN ('confirmed', 'failed')").get(
      model,
      hardwareSerial,
    ) as Record<string, unknown> | undefined;
    return row ? mapRow<InventoryDeviceRow>(row) : undefined;
  }

  /** Must run inside Workspace.transact(). */
  insertManifest(m: InventoryManifestRow): void {
    const values = manifestRowValues(m);
    this.stmt(`INSERT INTO inventory_manifests (${MANIFEST_ROW_COLUMNS}) VALUES (${values.map(() => '?').join(', ')})`).run(...values);
  }

  /** Must run inside Workspace.transact(). */
  insertDevice(d: NewInventoryDevice): void {
    this.stmt(`INSERT INTO inventory_devices (${DEVICE_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
      d.certificateSha256,
      d.publicKeySha256,
      d.certificateSerial,
      d.der,
      d.hardwareSerial,
      d.model,
      d.status,
      d.deviceState,
      d.issuedAt,
      d.revokedAt,
      d.revocationReason,
      d.stationId,
      d.batchId,
      d.manifestSha256,
      d.statusManifestSha256,
      d.importedAt,
    );
  }

  /** Retires an active certificate (the schema trigger refuses anything else). Must run inside Workspace.transact(). */
  retire(certificateSha256: string, status: 'superseded' | 'revoked', revokedAt: string | null, reason: string | null, manifestSha256: string): void {
    this.stmt('UPDATE inventory_devices SET status = ?, revoked_at = ?, revocation_reason = ?, status_manifest_sha256 = ? WHERE certificate_sha256 = ?').run(
      status,
      revokedAt,
      reason,
      manifestSha256,
      certificateSha256,
    );
  }

  /** Filters combine with AND; results in import (id) order. */
  search(q: InventorySearch): InventoryDeviceRow[] {
    const { sql, args } = searchSql(q);
    return (this.stmt(sql).all(...args) as Record<string, unknown>[]).map((r) => mapRow<InventoryDeviceRow>(r));
  }

  /** SQLite's plan for a search (the benchmark and tests check each key uses its index). */
  explainSearch(q: InventorySearch): string[] {
    const { sql, args } = searchSql(q);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail);
  }

  countDevices(): number {
    return this.stmt('SELECT COUNT(*) FROM inventory_devices').pluck().get() as number;
  }

  // ---- the factory side: acknowledgments of this workspace's exported manifests ----

  acknowledgment(manifestSha256: string, receiverWorkspaceId: string): ManifestAcknowledgmentRow | undefined {
    const row = this.stmt('SELECT * FROM manifest_acknowledgments WHERE manifest_sha256 = ? AND receiver_workspace_id = ?').get(
      manifestSha256,
      receiverWorkspaceId,
    ) as Record<string, unknown> | undefined;
    return row ? mapRow<ManifestAcknowledgmentRow>(row) : undefined;
  }

  /** Must run inside Workspace.transact(). */
  insertAcknowledgment(a: ManifestAcknowledgmentRow): void {
    this.stmt(
      `INSERT INTO manifest_acknowledgments (manifest_sha256, receiver_workspace_id, batch_id, receipt_sha256, receipt, imported_count, received_at, acknowledged_at, acknowledged_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(a.manifestSha256, a.receiverWorkspaceId, a.batchId, a.receiptSha256, a.receipt, a.importedCount, a.receivedAt, a.acknowledgedAt, a.acknowledgedBy);
  }

  /** Every manifest this workspace exported, "acknowledged" once any receiving workspace sent a receipt for it. */
  exportedManifests(): ExportedManifestStatus[] {
    const rows = this.stmt(
      `SELECT m.sequence, m.batch_id, m.sha256, m.devices, m.created_at,
              MIN(a.acknowledged_at) AS acknowledged_at, GROUP_CONCAT(a.receiver_workspace_id, ',') AS receivers
         FROM manifests m LEFT JOIN manifest_acknowledgments a ON a.manifest_sha256 = m.sha256
        GROUP BY m.sequence ORDER BY m.sequence`,
    ).all() as {
      sequence: number;
      batch_id: string;
      sha256: string;
      devices: number;
      created_at: string;
      acknowledged_at: string | null;
      receivers: string | null;
    }[];
    return rows.map((r) => ({
      sequence: r.sequence,
      batchId: r.batch_id,
      sha256: r.sha256,
      devices: r.devices,
      createdAt: r.created_at,
      status: r.acknowledged_at ? 'acknowledged' : 'exported',
      acknowledgedAt: r.acknowledged_at,
      acknowledgedBy: r.receivers ? r.receivers.split(',') : [],
    }));
  }
}

/**
 * One indexed key drives each search. Without ANALYZE statistics SQLite would pick the
 * status index even next to a serial or batch (and walk every confirmed row), so status
 * is demoted (`+status`) to a filter whenever a more selective key is given.
 */
function searchSql(q: InventorySearch): { sql: string; args: unknown[] } {
  const where: string[] = [];
  const args: unknown[] = [];
  const filter = (clause: string, ...values: unknown[]) => {
    where.push(clause);
    args.push(...values);
  };
  if (q.serial !== undefined) filter('hardware_serial = ?', q.serial);
  if (q.fingerprint !== undefined) filter('(certificate_sha256 = ? OR public_key_sha256 = ?)', q.fingerprint, q.fingerprint);
  if (q.batch !== undefined) filter('batch_id = ?', q.batch);
  if (q.status !== undefined) filter(where.length > 0 ? '+status = ?' : 'status = ?', q.status);
  if (q.afterId !== undefined) filter('id > ?', q.afterId);
  args.push(q.limit);
  return { sql: `SELECT id, ${DEVICE_COLUMNS} FROM inventory_devices ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id LIMIT ?`, args };
}

/** The columns of an inventory_manifests row, in manifestRowValues()'s order: one list for the SQLite and the PostgreSQL inventory. */
export const MANIFEST_ROW_COLUMNS =
  'sha256, station_id, sequence, previous_sha256, batch_id, model, signer_sha256, signed_at, entries, certificates, confirmed, failed, superseded, revoked, added, unchanged, retired, imported_at, imported_by';

export function manifestRowValues(m: InventoryManifestRow): (string | number | null)[] {
  return [
    m.sha256,
    m.stationId,
    m.sequence,
    m.previousSha256,
    m.batchId,
    m.model,
    m.signerSha256,
    m.signedAt,
    m.entries,
    m.certificates,
    m.confirmed,
    m.failed,
    m.superseded,
    m.revoked,
    m.added,
    m.unchanged,
    m.retired,
    m.importedAt,
    m.importedBy,
  ];
}
