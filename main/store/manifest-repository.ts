import type { Workspace } from './workspace.js';

export interface ManifestSignerRow {
  readonly id: number;
  readonly certificateId: number;
  readonly keyLabel: string;
  readonly caName: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

export interface ManifestRow {
  readonly sequence: number;
  readonly batchId: string;
  readonly signerId: number;
  readonly previousSha256: string | null;
  readonly sha256: string;
  readonly p7sSha256: string;
  readonly json: Buffer;
  readonly p7s: Buffer;
  readonly devices: number;
  readonly auditSeq: number;
  readonly auditHash: string;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** A device of a work order that never received a certificate. */
export interface UncertifiedDeviceRow {
  readonly deviceId: number;
  readonly hardwareSerial: string;
  readonly model: string;
  readonly deviceState: string;
  readonly deviceCreatedAt: string;
  readonly deviceUpdatedAt: string;
  readonly attempts: number;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
}

/** One certificate of a work order with everything a manifest entry says about it: its device and the certificate. */
export interface BatchCertificateRow extends UncertifiedDeviceRow {
  readonly certificateId: number;
  readonly der: Buffer;
  readonly sha256: string;
  readonly spkiSha256: string;
  readonly serial: string;
  readonly issuedAt: string;
  readonly status: 'active' | 'revoked';
  readonly revokedAt: string | null;
  readonly revocationReason: string | null;
  readonly supersededByRework: number | null;
  /** null for certificates committed before schema 9 */
  readonly csrSha256: string | null;
  /** the CSR allowances its request needed (schema 9) */
  readonly csrAllowances: string[];
}

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

/**
 * Manifest signers and exported manifests, and the read model a manifest is built from
 * (one query per kind of row, so a 100,000-device work order is read in a few passes
 * rather than a query per device). Writes must run inside Workspace.transact() with
 * their audit entry; the schema's triggers keep the chain even if a caller gets it wrong.
 */
export class ManifestRepository {
  constructor(private readonly workspace: Workspace) {}

  private get db() {
    return this.workspace.db;
  }

  insertSigner(s: Omit<ManifestSignerRow, 'id'>): ManifestSignerRow {
    const info = this.db
      .prepare('INSERT INTO manifest_signers (certificate_id, key_label, ca_name, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .run(s.certificateId, s.keyLabel, s.caName, s.createdAt, s.createdBy);
    return this.signer(Number(info.lastInsertRowid))!;
  }

  signer(id: number): ManifestSignerRow | undefined {
    const row = this.db.prepare('SELECT * FROM manifest_signers WHERE id = ?').get(id) as Record<string, unknown> | undefined;
    return row ? mapRow<ManifestSignerRow>(row) : undefined;
  }

  /** The newest signer is the current one: rotation is creating another. */
  currentSigner(): ManifestSignerRow | undefined {
    const row = this.db.prepare('SELECT * FROM manifest_signers ORDER BY id DESC LIMIT 1').get() as Record<string, unknown> | undefined;
    return row ? mapRow<ManifestSignerRow>(row) : undefined;
  }

  signers(): ManifestSignerRow[] {
    return (this.db.prepare('SELECT * FROM manifest_signers ORDER BY id').all() as Record<string, unknown>[]).map((r) => mapRow<ManifestSignerRow>(r));
  }

  /** The last manifest of the chain (its sequence and SHA-256 are what the next one names). */
  head(): { sequence: number; sha256: string } | undefined {
    return this.db.prepare('SELECT sequence, sha256 FROM manifests ORDER BY sequence DESC LIMIT 1').get() as { sequence: number; sha256: string } | undefined;
  }

  byBatch(batchId: string): ManifestRow | undefined {
    const row = this.db.prepare('SELECT * FROM manifests WHERE batch_id = ?').get(batchId) as Record<string, unknown> | undefined;
    return row ? mapRow<ManifestRow>(row) : undefined;
  }

  list(): Omit<ManifestRow, 'json' | 'p7s'>[] {
    return (
      this.db
        .prepare(
          'SELECT sequence, batch_id, signer_id, previous_sha256, sha256, p7s_sha256, devices, audit_seq, audit_hash, created_at, created_by FROM manifests ORDER BY sequence',
        )
        .all() as Record<string, unknown>[]
    ).map((r) => mapRow<Omit<ManifestRow, 'json' | 'p7s'>>(r));
  }

  /** Must run inside Workspace.transact(). */
  insert(m: ManifestRow): void {
    this.db
      .prepare(
        `INSERT INTO manifests (sequence, batch_id, signer_id, previous_sha256, sha256, p7s_sha256, json, p7s, devices, audit_seq, audit_hash, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        m.sequence,
        m.batchId,
        m.signerId,
        m.previousSha256,
        m.sha256,
        m.p7sSha256,
        m.json,
        m.p7s,
        m.devices,
        m.auditSeq,
        m.auditHash,
        m.createdAt,
        m.createdBy,
      );
  }

  // ---- the read model of one work order ----

  planSerials(batchId: string): string[] {
    return this.db.prepare('SELECT hardware_serial FROM batch_plan WHERE batch_id = ? ORDER BY hardware_serial').pluck().all(batchId) as string[];
  }

  batchCertificates(batchId: string): BatchCertificateRow[] {
    return (
      this.db
        .prepare(
          `SELECT d.id AS device_id, d.hardware_serial, d.model, d.state AS device_state, d.created_at AS device_created_at, d.updated_at AS device_updated_at,
                  d.attempts, d.last_error_code, d.last_error_message,
                  c.id AS certificate_id, c.der, c.sha256, c.spki_sha256, c.serial, dc.created_at AS issued_at, c.status, c.revoked_at, c.revocation_reason,
                  dc.superseded_by_rework, dc.csr_sha256, dc.csr_allowances
             FROM device_certificates dc
             JOIN devices d ON d.id = dc.device_id
             JOIN certificates c ON c.id = dc.certificate_id
            WHERE dc.batch_id = ?
            ORDER BY d.hardware_serial, dc.created_at, c.sha256`,
        )
        .all(batchId) as Record<string, unknown>[]
    ).map((r) => mapRow<BatchCertificateRow>({ ...r, csr_allowances: JSON.parse(r['csr_allowances'] as string) as string[] }));
  }

  /** NOT IN over the batch's certificates (one indexed pass), not NOT EXISTS per device: device_certificates has no plain index on device_id. */
  uncertifiedDevices(batchId: string): UncertifiedDeviceRow[] {
    return (
      this.db
        .prepare(
          `SELECT d.id AS device_id, d.hardware_serial, d.model, d.state AS device_state, d.created_at AS device_created_at, d.updated_at AS device_updated_at,
                  d.attempts, d.last_error_code, d.last_error_message
             FROM devices d
            WHERE d.batch_id = ? AND d.id NOT IN (SELECT device_id FROM device_certificates WHERE batch_id = ?)
            ORDER BY d.hardware_serial`,
        )
        .all(batchId, batchId) as Record<string, unknown>[]
    ).map((r) => mapRow<UncertifiedDeviceRow>(r));
  }

  /** Who ran the work order's devices: the distinct actors of its device.* audit entries. */
  operators(batchId: string): string[] {
    const prefix = `${batchId}/`;
    return this.db
      .prepare("SELECT DISTINCT actor FROM audit_log WHERE action LIKE 'device.%' AND substr(subject, 1, ?) = ? ORDER BY actor")
      .pluck()
      .all(prefix.length, prefix) as string[];
  }
}
