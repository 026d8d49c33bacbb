import { CertificateRepository } from '../store/certificate-repository.js';
import { StationBatchRepository } from '../store/station-batch-repository.js';
import { StationDeviceRepository, type ReworkRow } from '../store/station-device-repository.js';
import type { Workspace } from '../store/workspace.js';
import { StationError } from './station-errors.js';
import { actingOperator } from '../operators/acting-operator.js';
import type { VerifiedOperator } from '../operators/verified-operator.js';
import { batchPolicy } from './work-orders.js';

/** Why a device comes back, and the revocation reason each implies unless the operator says otherwise. */
export const REWORK_REASONS = {
  FAILED_TEST: 'superseded',
  RETURNED_UNIT: 'superseded',
  SECURE_ELEMENT_REPLACED: 'superseded',
  FIRMWARE_REFLASHED: 'superseded',
  LABEL_ERROR: 'superseded',
  /** the device lost the key its certificate was issued for before confirming it (an nRF91 re-run after a drop) */
  PROVISIONING_INTERRUPTED: 'superseded',
  KEY_COMPROMISE: 'keyCompromise',
} as const satisfies Record<string, 'superseded' | 'keyCompromise'>;
export type ReworkReason = keyof typeof REWORK_REASONS;

export interface ReworkRequest {
  readonly batchId: string;
  readonly serial: string;
  readonly reason: string;
  readonly revocationReason?: 'superseded' | 'keyCompromise';
  readonly note?: string;
  readonly actor: string;
  /** the supervisor whose credential was entered for this rework; required once the workspace has accounts (docs/operators.md) */
  readonly approvedBy?: VerifiedOperator;
}

/**
 * An operator's approval for a device to get a new certificate: its current certificate
 * is revoked (superseded or keyCompromise; the next CRL lists it) and marked superseded,
 * and the device may be issued exactly one new certificate, which completes the rework.
 * One transaction; both certificates stay in the records.
 */
export function reworkDevice(ws: Workspace, req: ReworkRequest): ReworkRow {
  if (!Object.hasOwn(REWORK_REASONS, req.reason)) {
    throw new StationError('REWORK_REASON_INVALID', `rework reason "${req.reason}" is not one of ${Object.keys(REWORK_REASONS).join(', ')}`, 'input');
  }
  const reason = req.reason as ReworkReason;
  const revocationReason = req.revocationReason ?? REWORK_REASONS[reason];
  // Checked (and a refusal audited) before the transaction, which would roll its entry back.
  const actor = actingOperator(ws, { verified: req.approvedBy, typed: req.actor, role: 'supervisor', fresh: true, action: 'approve a rework' });
  const batches = new StationBatchRepository(ws);
  const devices = new StationDeviceRepository(ws);
  const certs = new CertificateRepository(ws);
  return ws.transact(() => {
    const batch = batches.get(req.batchId);
    if (batch.status !== 'open')
      throw new StationError('REWORK_NOT_POSSIBLE', `work order ${batch.id} is closed; rework the device under an open one`, 'input');
    const allowed = batchPolicy(batch).reworkOperators;
    // With accounts, the policy may name the account or one of its roles.
    if (allowed !== undefined && !allowed.includes(actor) && !(req.approvedBy?.roles.some((r) => allowed.includes(r)) ?? false)) {
      throw new StationError('REWORK_NOT_ALLOWED', `${actor} may not approve reworks for ${batch.model} (allowed: ${allowed.join(', ')})`, 'check');
    }
    const device = devices.byModelSerial(batch.model, req.serial);
    if (device === undefined || device.batchId !== batch.id)
      throw new StationError('REWORK_NOT_POSSIBLE', `${req.serial} is not a device of work order ${batch.id}`, 'input');
    if (device.certificateId === null) {
      const open = devices.openRework(device.id);
      throw new StationError(
        'REWORK_NOT_POSSIBLE',
        open ? `${req.serial} already has an approved rework (#${open.id}) waiting for its new certificate` : `${req.serial} has no certificate to replace`,
        'input',
      );
    }
    const old = certs.byId(device.certificateId);
    const at = new Date();
    const iso = at.toISOString();
    if (old.status === 'active') {
      certs.markRevoked(old.id, at, revocationReason);
      ws.audit.append({
        actor,
        action: 'certificate.revoked',
        subject: old.serial,
        details: { ca: old.issuerCa, reason: revocationReason, sha256: old.sha256 },
      });
    }
    const rework = devices.insertRework({
      deviceId: device.id,
      batchId: batch.id,
      reasonCode: reason,
      revocationReason,
      oldCertificateId: old.id,
      operator: actor,
      note: req.note ?? null,
      createdAt: iso,
    });
    devices.supersedeCertificate(old.id, rework.id);
    devices.update(device.id, { state: 'checked', certificateId: null, spkiSha256: null, lastErrorCode: null, lastErrorMessage: null, at: iso });
    devices.addEvent({
      batchId: batch.id,
      deviceId: device.id,
      hardwareSerial: device.hardwareSerial,
      port: '',
      step: 'reworked',
      fromState: device.state,
      toState: 'checked',
      code: reason,
      message: req.note ?? null,
      time: iso,
    });
    ws.audit.append({
      actor,
      action: 'device.reworked',
      subject: `${batch.id}/${device.hardwareSerial}`,
      details: { rework: rework.id, reason, revocationReason, oldCertificateSerial: old.serial, ...(req.note ? { note: req.note.slice(0, 200) } : {}) },
    });
    return rework;
  });
}
