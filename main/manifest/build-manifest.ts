import { loadCa } from '../ca/certificate-authority.js';
import { batchPolicy } from '../station/work-orders.js';
import { ManifestRepository, type BatchCertificateRow, type UncertifiedDeviceRow } from '../store/manifest-repository.js';
import { StationBatchRepository } from '../store/station-batch-repository.js';
import { StationDeviceRepository, type ReworkRow } from '../store/station-device-repository.js';
import type { Workspace } from '../store/workspace.js';
import { compareDeviceEntries, devicesSha256, planSha256 } from './format/manifest-digests.js';
import {
  MANIFEST_FORMAT,
  MANIFEST_FORMAT_VERSION,
  type DeviceEntry,
  type DeviceEntryStatus,
  type ManifestAuditCheckpoint,
  type ManifestDocument,
} from './format/manifest-document.js';
import { ManifestError } from './manifest-errors.js';
import { matterManifestParts, type MatterManifestParts } from './matter-entries.js';

export interface ManifestPosition {
  readonly sequence: number;
  readonly previousSha256: string | null;
  readonly exportedAt: Date;
  readonly auditHead: { readonly seq: number; readonly hash: string };
  readonly auditCheckpoint?: ManifestAuditCheckpoint;
}

/**
 * The manifest of one closed work order, from the records alone: the frozen policy and
 * plan, the counters frozen at close, every certificate committed for its devices (the
 * superseded ones included) and every device that never got one.
 */
export function buildManifestDocument(ws: Workspace, batchId: string, position: ManifestPosition): ManifestDocument {
  const batch = new StationBatchRepository(ws).get(batchId);
  if (batch.status !== 'closed' || batch.finalCounts === null || batch.closedAt === null || batch.closedBy === null) {
    throw new ManifestError(
      'MANIFEST_BATCH_OPEN',
      `work order ${batchId} is still open; close it (hallmark batch close ${batchId}) before exporting its manifest`,
    );
  }
  const policy = batchPolicy(batch);
  const repo = new ManifestRepository(ws);
  const reworks = new Map<number, ReworkRow>(new StationDeviceRepository(ws).reworksOf(batchId).map((r) => [r.oldCertificateId, r]));
  const certificates = repo.batchCertificates(batchId);
  const caChain = loadCa(ws, batch.issuingCa).chain;
  const matter = matterManifestParts(ws, batchId, policy, caChain[0]!.der);
  const devices = [
    ...certificates.map((c) => certificateEntry(c, reworks.get(c.certificateId), matter)),
    ...repo.uncertifiedDevices(batchId).map(uncertifiedEntry),
  ].sort(compareDeviceEntries);
  const issuedTimes = certificates.map((c) => c.issuedAt).sort();
  return {
    format: MANIFEST_FORMAT,
    formatVersion: MANIFEST_FORMAT_VERSION,
    sequence: position.sequence,
    previousManifestSha256: position.previousSha256,
    station: { workspaceId: ws.info().workspaceId },
    workOrder: {
      id: batch.id,
      model: batch.model,
      policySha256: batch.policySha256,
      policy: {
        serialPattern: policy.serialPattern,
        hwType: policy.hardwareModuleName?.hwType ?? '',
        subjectSerialNumber: policy.subject.serialNumber,
        ...(matter ? { matter: matter.policy } : {}),
      },
      planSource: batch.planSource,
      planSha256: planSha256(repo.planSerials(batchId)),
      planned: batch.planned,
      quantity: batch.quantity,
      issuingCa: batch.issuingCa,
    },
    operators: repo.operators(batchId),
    times: {
      createdAt: batch.createdAt,
      createdBy: batch.createdBy,
      closedAt: batch.closedAt,
      closedBy: batch.closedBy,
      firstIssuedAt: issuedTimes[0] ?? null,
      lastIssuedAt: issuedTimes[issuedTimes.length - 1] ?? null,
      exportedAt: position.exportedAt.toISOString(),
    },
    issuingCaChain: caChain.map((c) => c.der.toString('base64')),
    counters: { ...batch.finalCounts },
    devices,
    devicesSha256: devicesSha256(devices),
    auditHead: { seq: position.auditHead.seq, hash: position.auditHead.hash },
    ...(position.auditCheckpoint ? { auditCheckpoint: position.auditCheckpoint } : {}),
  };
}

function certificateEntry(c: BatchCertificateRow, rework: ReworkRow | undefined, matter: MatterManifestParts | null): DeviceEntry {
  const status: DeviceEntryStatus =
    c.supersededByRework !== null ? 'superseded' : c.status === 'revoked' ? 'revoked' : c.deviceState === 'done' ? 'confirmed' : 'failed';
  return {
    ...deviceFields(c),
    status,
    certificate: {
      der: c.der.toString('base64'),
      sha256: c.sha256,
      publicKeySha256: c.spkiSha256,
      serial: c.serial,
      issuedAt: c.issuedAt,
      request: { csrSha256: c.csrSha256, allowances: c.csrAllowances },
    },
    revocation: c.status === 'revoked' ? { reason: c.revocationReason ?? 'unspecified', revokedAt: c.revokedAt ?? '' } : null,
    rework: rework
      ? { reason: rework.reasonCode, revocationReason: rework.revocationReason, operator: rework.operator, approvedAt: rework.createdAt, note: rework.note }
      : null,
    ...(matter ? { matter: matter.entry(c, status) } : {}),
  };
}

function uncertifiedEntry(d: UncertifiedDeviceRow): DeviceEntry {
  return { ...deviceFields(d), status: d.deviceState === 'done' ? 'confirmed' : 'failed', certificate: null, revocation: null, rework: null };
}

function deviceFields(d: UncertifiedDeviceRow) {
  return {
    hardwareSerial: d.hardwareSerial,
    model: d.model,
    deviceState: d.deviceState,
    firstSeenAt: d.deviceCreatedAt,
    lastChangeAt: d.deviceUpdatedAt,
    attempts: d.attempts,
    lastError: d.lastErrorCode === null ? null : { code: d.lastErrorCode, message: d.lastErrorMessage },
  };
}
