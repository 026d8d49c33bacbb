import { HallmarkError } from '../errors/hallmark-error.js';
import type { Workspace } from './workspace.js';

export interface BatchRow {
  readonly id: string;
  readonly model: string;
  /** the product policy exactly as it was when the batch was created */
  readonly policyText: string;
  readonly policySha256: string;
  readonly issuingCa: string;
  readonly quantity: number;
  readonly planKind: 'csv' | 'range';
  readonly planSource: string;
  readonly planned: number;
  readonly status: 'open' | 'closed';
  readonly createdAt: string;
  readonly createdBy: string;
  readonly closedAt: string | null;
  readonly closedBy: string | null;
  /** the counters frozen at close (JSON), null while open */
  readonly finalCounts: BatchCounts | null;
}

export interface BatchCounts {
  readonly planned: number;
  readonly quantity: number;
  /** certificates committed for devices of the batch (rework replacements included) */
  readonly issued: number;
  /** devices that hold a certificate (what the quota counts) */
  readonly devicesIssued: number;
  /** devices confirmed and locked */
  readonly confirmed: number;
  /** devices whose last attempt failed */
  readonly failed: number;
  readonly reworked: number;
  /** refusals of devices that never became part of the batch (outside the plan, wrong model, …) */
  readonly refused: number;
}

interface Row {
  id: string;
  model: string;
  policy_text: string;
  policy_sha256: string;
  issuing_ca: string;
  quantity: number;
  plan_kind: 'csv' | 'range';
  plan_source: string;
  planned: number;
  status: 'open' | 'closed';
  created_at: string;
  created_by: string;
  closed_at: string | null;
  closed_by: string | null;
  final_counts: string | null;
}

/** Work orders and their plans. Rules (what may be created, closed) live in main/station. */
export class StationBatchRepository {
  constructor(private readonly workspace: Workspace) {}

  exists(id: string): boolean {
    return this.workspace.db.prepare('SELECT 1 FROM batches WHERE id = ?').get(id) !== undefined;
  }

  /** Must run inside Workspace.transact(). */
  insert(batch: Omit<BatchRow, 'status' | 'closedAt' | 'closedBy' | 'finalCounts' | 'planned'>, serials: readonly string[]): BatchRow {
    const db = this.workspace.db;
    db.prepare(
      `INSERT INTO batches (id, model, policy_text, policy_sha256, issuing_ca, quantity, plan_kind, plan_source, planned, created_at, created_by)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      batch.id,
      batch.model,
      batch.policyText,
      batch.policySha256,
      batch.issuingCa,
      batch.quantity,
      batch.planKind,
      batch.planSource,
      serials.length,
      batch.createdAt,
      batch.createdBy,
    );
    const put = db.prepare('INSERT INTO batch_plan (batch_id, hardware_serial) VALUES (?, ?)');
    for (const s of serials) put.run(batch.id, s);
    return this.get(batch.id);
  }

  get(id: string): BatchRow {
    const row = this.workspace.db.prepare('SELECT * FROM batches WHERE id = ?').get(id) as Row | undefined;
    if (!row) throw new HallmarkError('BATCH_NOT_FOUND', `no work order "${id}" in this workspace`);
    return toBatch(row);
  }

  list(): BatchRow[] {
    return (this.workspace.db.prepare('SELECT * FROM batches ORDER BY created_at, id').all() as Row[]).map(toBatch);
  }

  inPlan(batchId: string, serial: string): boolean {
    return this.workspace.db.prepare('SELECT 1 FROM batch_plan WHERE batch_id = ? AND hardware_serial = ?').get(batchId, serial) !== undefined;
  }

  /** Another open or closed batch whose plan lists this serial (for a clearer refusal). */
  otherBatchPlanning(batchId: string, serial: string): string | undefined {
    const row = this.workspace.db.prepare('SELECT batch_id FROM batch_plan WHERE hardware_serial = ? AND batch_id <> ? LIMIT 1').get(serial, batchId) as
      { batch_id: string } | undefined;
    return row?.batch_id;
  }

  counts(id: string): BatchCounts {
    const db = this.workspace.db;
    const b = this.get(id);
    const one = (sql: string) => (db.prepare(sql).get(id) as { n: number }).n;
    return {
      planned: b.planned,
      quantity: b.quantity,
      issued: one('SELECT COUNT(*) AS n FROM device_certificates WHERE batch_id = ?'),
      devicesIssued: one('SELECT COUNT(DISTINCT device_id) AS n FROM device_certificates WHERE batch_id = ?'),
      confirmed: one("SELECT COUNT(*) AS n FROM devices WHERE batch_id = ? AND state = 'done'"),
      failed: one("SELECT COUNT(*) AS n FROM devices WHERE batch_id = ? AND state = 'failed'"),
      reworked: one('SELECT COUNT(*) AS n FROM reworks WHERE batch_id = ?'),
      refused: one("SELECT COUNT(*) AS n FROM device_events WHERE batch_id = ? AND device_id IS NULL AND step = 'refused'"),
    };
  }

  /** Must run inside Workspace.transact(). */
  close(id: string, by: string, at: string, counts: BatchCounts): void {
    this.workspace.db
      .prepare("UPDATE batches SET status = 'closed', closed_at = ?, closed_by = ?, final_counts = ? WHERE id = ? AND status = 'open'")
      .run(at, by, JSON.stringify(counts), id);
  }
}

function toBatch(r: Row): BatchRow {
  return {
    id: r.id,
    model: r.model,
    policyText: r.policy_text,
    policySha256: r.policy_sha256,
    issuingCa: r.issuing_ca,
    quantity: r.quantity,
    planKind: r.plan_kind,
    planSource: r.plan_source,
    planned: r.planned,
    status: r.status,
    createdAt: r.created_at,
    createdBy: r.created_by,
    closedAt: r.closed_at,
    closedBy: r.closed_by,
    finalCounts: r.final_counts === null ? null : (JSON.parse(r.final_counts) as BatchCounts),
  };
}
