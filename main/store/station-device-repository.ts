import type { Workspace } from './workspace.js';

export type DeviceState = 'checked' | 'csr-accepted' | 'issued' | 'chain-written' | 'done' | 'failed';

export interface DeviceRow {
  readonly id: number;
  readonly batchId: string;
  readonly model: string;
  readonly hardwareSerial: string;
  readonly state: DeviceState;
  readonly spkiSha256: string | null;
  readonly certificateId: number | null;
  readonly nonce: string | null;
  readonly attempts: number;
  readonly lastErrorCode: string | null;
  readonly lastErrorMessage: string | null;
  readonly lastPort: string | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface SeenKey {
  readonly spkiSha256: string;
  readonly firstSeenBatch: string;
  readonly firstSeenSerial: string;
  readonly firstSeenAt: string;
}

export interface DeviceEventRow {
  readonly id: number;
  readonly batchId: string;
  readonly deviceId: number | null;
  readonly hardwareSerial: string | null;
  readonly port: string;
  readonly step: string;
  readonly fromState: string | null;
  readonly toState: string | null;
  readonly code: string | null;
  readonly message: string | null;
  readonly time: string;
  /** the named CSR allowances the device's CSR needed, on the steps that accepted it (schema 9) */
  readonly csrAllowances: readonly string[] | null;
}

export interface ReworkRow {
  readonly id: number;
  readonly deviceId: number;
  readonly batchId: string;
  readonly reasonCode: string;
  readonly revocationReason: 'superseded' | 'keyCompromise';
  readonly oldCertificateId: number;
  readonly newCertificateId: number | null;
  readonly operator: string;
  readonly note: string | null;
  readonly createdAt: string;
}

/** The columns a transition may change; `attempt` counts one more attempt. */
export type DeviceChange = Partial<Pick<DeviceRow, 'state' | 'spkiSha256' | 'certificateId' | 'nonce' | 'lastErrorCode' | 'lastErrorMessage' | 'lastPort'>> & {
  attempt?: true;
};

const camel = (s: string) => s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
function mapRow<T>(row: Record<string, unknown> | undefined): T | undefined {
  if (row === undefined) return undefined;
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), v])) as T;
}

/**
 * Devices, their certificates, events, seen keys and reworks. Every write must run inside
 * Workspace.transact() together with its audit entry; the schema's triggers keep the
 * invariants even if a caller gets it wrong.
 */
export class StationDeviceRepository {
  constructor(private readonly workspace: Workspace) {}

  private get db() {
    return this.workspace.db;
  }

  byModelSerial(model: string, serial: string): DeviceRow | undefined {
    return mapRow<DeviceRow>(
      this.db.prepare('SELECT * FROM devices WHERE model = ? AND hardware_serial = ?').get(model, serial) as Record<string, unknown> | undefined,
    );
  }

  byId(id: number): DeviceRow | undefined {
    return mapRow<DeviceRow>(this.db.prepare('SELECT * FROM devices WHERE id = ?').get(id) as Record<string, unknown> | undefined);
  }

  inBatch(batchId: string): DeviceRow[] {
    return (this.db.prepare('SELECT * FROM devices WHERE batch_id = ? ORDER BY hardware_serial').all(batchId) as Record<string, unknown>[]).map((r) =>
      mapRow<DeviceRow>(r)!,
    );
  }

  insert(d: { batchId: string; model: string; hardwareSerial: string; port: string; at: string }): DeviceRow {
    const info = this.db
      .prepare("INSERT INTO devices (batch_id, model, hardware_serial, state, last_port, created_at, updated_at) VALUES (?, ?, ?, 'checked', ?, ?, ?)")
      .run(d.batchId, d.model, d.hardwareSerial, d.port, d.at, d.at);
    return this.byId(Number(info.lastInsertRowid))!;
  }

  update(id: number, change: DeviceChange & { at: string }): void {
    const sets: string[] = ['updated_at = @at'];
    const params: Record<string, unknown> = { id, at: change.at };
    const columns: [keyof typeof change, string][] = [
      ['state', 'state'],
      ['spkiSha256', 'spki_sha256'],
      ['certificateId', 'certificate_id'],
      ['nonce', 'nonce'],
      ['lastErrorCode', 'last_error_code'],
      ['lastErrorMessage', 'last_error_message'],
      ['lastPort', 'last_port'],
    ];
    for (const [key, column] of columns) {
      if (key in change) {
        sets.push(`${column} = @${key}`);
        params[key] = change[key] ?? null;
      }
    }
    if (change.attempt) sets.push('attempts = attempts + 1');
    this.db.prepare(`UPDATE devices SET ${sets.join(', ')} WHERE id = @id`).run(params);
  }

  /** Devices of the batch that hold a certificate: what the quota counts. */
  devicesIssued(batchId: string): number {
    return (this.db.prepare('SELECT COUNT(DISTINCT device_id) AS n FROM device_certificates WHERE batch_id = ?').get(batchId) as { n: number }).n;
  }

  seenKey(spkiSha256: string): SeenKey | undefined {
    return mapRow<SeenKey>(this.db.prepare('SELECT * FROM seen_keys WHERE spki_sha256 = ?').get(spkiSha256) as Record<string, unknown> | undefined);
  }

  rememberKey(k: SeenKey): void {
    this.db
      .prepare('INSERT INTO seen_keys (spki_sha256, first_seen_batch, first_seen_serial, first_seen_at) VALUES (?, ?, ?, ?)')
      .run(k.spkiSha256, k.firstSeenBatch, k.firstSeenSerial, k.firstSeenAt);
  }

  addCertificate(c: {
    certificateId: number;
    deviceId: number;
    batchId: string;
    spkiSha256: string;
    csrSha256: string;
    csrAllowances: readonly string[];
    at: string;
  }): void {
    this.db
      .prepare(
        'INSERT INTO device_certificates (certificate_id, device_id, batch_id, spki_sha256, csr_sha256, csr_allowances, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(c.certificateId, c.deviceId, c.batchId, c.spkiSha256, c.csrSha256, JSON.stringify(c.csrAllowances), c.at);
  }

  supersedeCertificate(certificateId: number, reworkId: number): void {
    this.db.prepare('UPDATE device_certificates SET superseded_by_rework = ? WHERE certificate_id = ?').run(reworkId, certificateId);
  }

  /** Certificate ids of every device of every batch, for CN uniqueness checks: those of `deviceId` excluded. */
  certificateIdsOfDevice(deviceId: number): number[] {
    return this.db.prepare('SELECT certificate_id FROM device_certificates WHERE device_id = ?').pluck().all(deviceId) as number[];
  }

  openRework(deviceId: number): ReworkRow | undefined {
    return mapRow<ReworkRow>(
      this.db.prepare('SELECT * FROM reworks WHERE device_id = ? AND new_certificate_id IS NULL').get(deviceId) as Record<string, unknown> | undefined,
    );
  }

  insertRework(r: Omit<ReworkRow, 'id' | 'newCertificateId'>): ReworkRow {
    const info = this.db
      .prepare(
        'INSERT INTO reworks (device_id, batch_id, reason_code, revocation_reason, old_certificate_id, operator, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(r.deviceId, r.batchId, r.reasonCode, r.revocationReason, r.oldCertificateId, r.operator, r.note, r.createdAt);
    return mapRow<ReworkRow>(this.db.prepare('SELECT * FROM reworks WHERE id = ?').get(Number(info.lastInsertRowid)) as Record<string, unknown>)!;
  }

  completeRework(reworkId: number, newCertificateId: number): void {
    this.db.prepare('UPDATE reworks SET new_certificate_id = ? WHERE id = ? AND new_certificate_id IS NULL').run(newCertificateId, reworkId);
  }

  reworksOf(batchId: string): ReworkRow[] {
    return (this.db.prepare('SELECT * FROM reworks WHERE batch_id = ? ORDER BY id').all(batchId) as Record<string, unknown>[]).map((r) =>
      mapRow<ReworkRow>(r)!,
    );
  }

  /** The last of the given steps recorded for a device (to tell where an interrupted attempt stopped). */
  lastStep(deviceId: number, steps: readonly string[]): string | undefined {
    const row = this.db
      .prepare(`SELECT step FROM device_events WHERE device_id = ? AND step IN (${steps.map(() => '?').join(', ')}) ORDER BY id DESC LIMIT 1`)
      .get(deviceId, ...steps) as { step: string } | undefined;
    return row?.step;
  }

  addEvent(e: Omit<DeviceEventRow, 'id' | 'csrAllowances'> & { readonly csrAllowances?: readonly string[] | null }): void {
    this.db
      .prepare(
        'INSERT INTO device_events (batch_id, device_id, hardware_serial, port, step, from_state, to_state, code, message, time, csr_allowances) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        e.batchId,
        e.deviceId,
        e.hardwareSerial,
        e.port,
        e.step,
        e.fromState,
        e.toState,
        e.code,
        e.message,
        e.time,
        e.csrAllowances == null ? null : JSON.stringify(e.csrAllowances),
      );
  }

  events(batchId: string, serial?: string): DeviceEventRow[] {
    const rows =
      serial === undefined
        ? this.db.prepare('SELECT * FROM device_events WHERE batch_id = ? ORDER BY id').all(batchId)
        : this.db.prepare('SELECT * FROM device_events WHERE batch_id = ? AND hardware_serial = ? ORDER BY id').all(batchId, serial);
    return (rows as Record<string, unknown>[]).map((r) =>
      mapRow<DeviceEventRow>({ ...r, csr_allowances: r['csr_allowances'] === null ? null : JSON.parse(r['csr_allowances'] as string) })!,
    );
  }
}
