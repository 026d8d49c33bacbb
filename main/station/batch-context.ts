import { loadCa, type LoadedCa } from '../ca/certificate-authority.js';
import type { SigningKey } from '../keys/signing-key.js';
import { StationBatchRepository, type BatchRow } from '../store/station-batch-repository.js';
import { StationDeviceRepository } from '../store/station-device-repository.js';
import type { Workspace } from '../store/workspace.js';
import { prepareIssuer, type PreparedIssuer } from '../x509/issuer/prepared-issuer.js';
import { NO_WELL_DEFINED_EXPIRATION, wholeSeconds } from '../x509/validity.js';
import type { ProductPolicy } from './product-policy-schema.js';
import { StationError } from './station-errors.js';
import { batchPolicy } from './work-orders.js';
import { assertMatterIssuer } from './matter-issuer.js';
import { prepareMatterRun, type MatterRun } from './matter-run.js';

const DAY = 86_400_000;

/**
 * Everything one station run needs for one work order, made once: the frozen policy, the
 * issuing CA, its chain to write to devices, and the prepared issuer (the constant parts
 * of every certificate encoded once; per device only serial, validity, subject, key,
 * SKI and SAN).
 */
export interface BatchContext {
  readonly ws: Workspace;
  readonly batch: BatchRow;
  readonly policy: ProductPolicy;
  readonly ca: LoadedCa;
  readonly issuer: PreparedIssuer;
  /** CA certificates written after the device's own, issuing CA first, up to the root */
  readonly caChainDer: readonly Buffer[];
  /** who the audit log names */
  readonly actor: string;
  readonly batches: StationBatchRepository;
  readonly devices: StationDeviceRepository;
  /** a Matter work order: its CD, the label output and the factory-data records; null otherwise */
  readonly matter: MatterRun | null;
  validity(now: Date): { notBefore: Date; notAfter: Date };
}

export interface PrepareBatchOptions {
  /** a Matter work order's label output folder (outside the workspace home) */
  readonly matterLabelDir?: string;
}

export function prepareBatch(ws: Workspace, batchId: string, caKey: SigningKey, actor: string, options: PrepareBatchOptions = {}): BatchContext {
  const batches = new StationBatchRepository(ws);
  const batch = batches.get(batchId);
  if (batch.status !== 'open') throw new StationError('BATCH_CLOSED', `work order "${batchId}" is closed; nothing more is issued under it`, 'input');
  const policy = batchPolicy(batch);
  const ca = loadCa(ws, batch.issuingCa);
  if (policy.matter) assertMatterIssuer(policy.matter, ca.certificate);
  const matter = policy.matter ? prepareMatterRun(ws, batch.id, policy.matter, options.matterLabelDir) : null;
  const issuer = policy.matter
    ? prepareIssuer({ issuer: ca.certificate, signer: caKey, profile: 'matter-dac', issuerParents: ca.chain.slice(1) })
    : prepareIssuer({
        issuer: ca.certificate,
        signer: caKey,
        profile: 'idevid',
        idevid: {
          ...(policy.masaUrl !== undefined ? { masaUrl: policy.masaUrl } : {}),
          ...(policy.keyAgreement ? { keyAgreement: true } : {}),
          customExtensions: policy.extensions.map((e) => ({ oid: e.oid, critical: e.critical, value: Buffer.from(e.value, 'hex') })),
        },
      });
  const validity = policy.validity;
  return {
    ws,
    batch,
    policy,
    ca,
    issuer,
    caChainDer: ca.chain.map((c) => c.der),
    actor,
    batches,
    devices: new StationDeviceRepository(ws),
    matter,
    validity(now) {
      const notBefore = wholeSeconds(now);
      return { notBefore, notAfter: validity === 'no-expiration' ? NO_WELL_DEFINED_EXPIRATION : new Date(notBefore.getTime() + validity.days * DAY) };
    },
  };
}
