import { randomBytes } from 'node:crypto';
import { assertMatterIssuer } from './matter-issuer.js';
import { loadCa } from '../ca/certificate-authority.js';
import { StationBatchRepository, type BatchCounts, type BatchRow } from '../store/station-batch-repository.js';
import type { Workspace } from '../store/workspace.js';
import { idevidExtensions } from '../x509/profiles/idevid-profile.js';
import { parseProductPolicy, type LoadedPolicy } from './parse-product-policy.js';
import type { ProductPolicy } from './product-policy-schema.js';
import type { ProductionPlan } from './production-plan.js';
import { StationError } from './station-errors.js';
import { deviceHardwareModuleName } from './subject-template.js';
import { checkedDeclaration, recordDeclaration } from './matter-declaration.js';
import { actingOperator } from '../operators/acting-operator.js';
import type { VerifiedOperator } from '../operators/verified-operator.js';

const BATCH_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface CreateBatchRequest {
  readonly policy: LoadedPolicy;
  readonly plan: ProductionPlan;
  readonly quantity: number;
  readonly id?: string;
  readonly actor: string;
  /** the signed-in operator; required once the workspace has accounts (docs/operators.md) */
  readonly operator?: VerifiedOperator;
  /** a Matter product's Certification Declaration as the CSA issued it (DER CMS); required for a Matter policy */
  readonly certificationDeclaration?: Buffer;
}

/**
 * Opens a work order: the policy text (with its SHA-256) and the plan are copied into the
 * database, so what the station runs is exactly what was approved, whatever happens to
 * the files afterwards. Checks before anything is written: the issuing CA exists, the
 * policy's extensions build, the quota fits the plan.
 */
export function createBatch(ws: Workspace, req: CreateBatchRequest): BatchRow {
  const batches = new StationBatchRepository(ws);
  const actor = actingOperator(ws, { verified: req.operator, typed: req.actor, action: 'open a work order' });
  const id = req.id ?? defaultBatchId();
  if (!BATCH_ID_PATTERN.test(id)) throw new StationError('BATCH_ID_INVALID', `work order id "${id}" must be 1–64 letters, digits, ".", "_" or "-"`, 'input');
  if (batches.exists(id)) throw new StationError('BATCH_EXISTS', `a work order "${id}" already exists`, 'input');
  if (!Number.isInteger(req.quantity) || req.quantity < 1) throw new StationError('PLAN_INVALID', 'the quantity must be a whole number, at least 1', 'input');
  if (req.quantity > req.plan.serials.length) {
    throw new StationError('QUANTITY_EXCEEDS_PLAN', `the quantity ${req.quantity} is more than the ${req.plan.serials.length} serials the plan lists`, 'input');
  }
  const policy = req.policy.policy;
  const ca = loadCa(ws, policy.issuingCa);
  if (policy.matter) assertMatterIssuer(policy.matter, ca.certificate);
  else assertPolicyBuilds(policy, ca.certificate.spki);
  const cd = checkedDeclaration(policy, req.certificationDeclaration);
  return ws.transact(() => {
    const row = batches.insert(
      {
        id,
        model: policy.model,
        policyText: req.policy.text,
        policySha256: req.policy.sha256,
        issuingCa: policy.issuingCa,
        quantity: req.quantity,
        planKind: req.plan.kind,
        planSource: req.plan.source,
        createdAt: new Date().toISOString(),
        createdBy: actor,
      },
      req.plan.serials,
    );
    ws.audit.append({
      actor,
      action: 'batch.created',
      subject: id,
      details: {
        model: policy.model,
        policySha256: req.policy.sha256,
        issuingCa: policy.issuingCa,
        quantity: req.quantity,
        plan: req.plan.source,
        planned: req.plan.serials.length,
        ...(cd ? { certificationDeclarationSha256: cd.sha256 } : {}),
      },
    });
    if (cd) recordDeclaration(ws, id, cd);
    return row;
  });
}

/**
 * Closes a work order: its counters are frozen into the row and the audit entry; it never
 * reopens. Once the workspace has accounts, a supervisor's credential entered for the close.
 */
export function closeBatch(ws: Workspace, id: string, typedActor: string, approvedBy?: VerifiedOperator): BatchRow {
  const batches = new StationBatchRepository(ws);
  const actor = actingOperator(ws, { verified: approvedBy, typed: typedActor, role: 'supervisor', fresh: true, action: 'close a work order' });
  return ws.transact(() => {
    const batch = batches.get(id);
    if (batch.status === 'closed')
      throw new StationError('BATCH_CLOSED', `work order "${id}" was already closed on ${batch.closedAt} by ${batch.closedBy}`, 'input');
    const counts = batches.counts(id);
    batches.close(id, actor, new Date().toISOString(), counts);
    ws.audit.append({ actor, action: 'batch.closed', subject: id, details: { ...counts } });
    return batches.get(id);
  });
}

export interface BatchSummary {
  readonly batch: Omit<BatchRow, 'policyText'>;
  readonly counts: BatchCounts;
}

export function batchSummary(ws: Workspace, id: string): BatchSummary {
  const batches = new StationBatchRepository(ws);
  const { policyText: _omit, ...batch } = batches.get(id);
  return { batch, counts: batch.finalCounts ?? batches.counts(id) };
}

/** The policy a batch runs: parsed from the stored text (never from the file, which may have changed). */
export function batchPolicy(batch: BatchRow): ProductPolicy {
  return parseProductPolicy(batch.policyText, `work order ${batch.id} policy`).policy;
}

function assertPolicyBuilds(policy: ProductPolicy, issuerSpki: Buffer): void {
  try {
    idevidExtensions(issuerSpki, issuerSpki, {
      hardwareModuleName: deviceHardwareModuleName(policy, 'probe')!,
      ...(policy.masaUrl !== undefined ? { masaUrl: policy.masaUrl } : {}),
      customExtensions: policy.extensions.map((e) => ({ oid: e.oid, critical: e.critical, value: Buffer.from(e.value, 'hex') })),
    });
  } catch (e) {
    throw new StationError('POLICY_INVALID', `the policy's certificate extensions cannot be built: ${(e as Error).message}`, 'input');
  }
}

function defaultBatchId(): string {
  const d = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `WO-${d}-${randomBytes(3).toString('hex')}`;
}
