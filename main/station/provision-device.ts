import { randomBytes } from 'node:crypto';
import type { DeviceDriver, DeviceIdentity } from '../devices/line-link.js';
import { CertificateRepository, type CertificateRow } from '../store/certificate-repository.js';
import type { DeviceChange, DeviceRow, DeviceState } from '../store/station-device-repository.js';
import type { BatchContext } from './batch-context.js';
import { checkCsr, decideKey } from './accept-csr.js';
import { checkPlan } from './check-plan.js';
import { failureOutcome, type DeviceOutcome } from './device-outcome.js';
import { logTransition, stationTransact, type Transition } from './device-log.js';
import { issueDeviceCertificate } from './issue-device-certificate.js';
import { claimSerial, type SerialClaim } from './serial-claims.js';
import { StationError } from './station-errors.js';
import type { StationStep } from './station-steps.js';
import { requestedSubject, subjectText } from './subject-template.js';
import { assertMatterDevice, factoryDataWritten, provisionFactoryData } from './matter-factory-data.js';

export interface StepEvent {
  readonly port: string;
  readonly serial: string | null;
  readonly step: StationStep;
  readonly state: DeviceState | null;
}

export interface ProvisionHooks {
  /** after each recorded transition */
  readonly onStep?: (e: StepEvent) => void;
  /** asked before the device makes a key and before signing: a stopping station starts nothing new */
  readonly shouldStop?: () => boolean;
}

const NONCE_BYTES = 16;

type Recorder = (t: Omit<Transition, 'port' | 'serial' | 'device'>, change?: DeviceChange) => void;

/**
 * One attempt at one device on one port:
 *   identify → check plan → nonce → CSR (signature, nonce, policy, key uniqueness) →
 *   issue and COMMIT → write chain (read back by the driver) → lock → done.
 * Every transition is a device event and an audit entry. The certificate is committed
 * before any byte of it is written; a retry after a drop re-sends it for the same key.
 * Never throws: every ending is a DeviceOutcome with a code.
 */
export async function provisionDevice(ctx: BatchContext, driver: DeviceDriver, port: string, hooks: ProvisionHooks = {}): Promise<DeviceOutcome> {
  let serial: string | null = null;
  let device: DeviceRow | undefined;
  let claim: SerialClaim | undefined;
  const record: Recorder = (t, change) =>
    stationTransact(ctx, () => {
      const at = new Date().toISOString();
      const before = device === undefined ? undefined : ctx.devices.byId(device.id);
      if (before !== undefined && change !== undefined) ctx.devices.update(before.id, { ...change, at });
      logTransition(ctx, { ...t, port, serial, device: before }, at);
      device = before === undefined ? undefined : ctx.devices.byId(before.id);
      hooks.onStep?.({ port, serial, step: t.step, state: device?.state ?? null });
    });

  try {
    const identity = await driver.identify();
    serial = identity.hardwareSerial;
    // Before anything is recorded about the device row: a second device with this serial must not touch it.
    claim = claimSerial(ctx.ws, identity.model, serial, port);

    // identify + plan check: the device row is created (or its attempt counted) with the decision.
    stationTransact(ctx, () => {
      const at = new Date().toISOString();
      const details = {
        model: identity.model,
        firmware: identity.firmware,
        ...(identity.provisioningState ? { deviceState: identity.provisioningState } : {}),
      };
      const existing = ctx.devices.byModelSerial(identity.model, identity.hardwareSerial);
      logTransition(ctx, { port, serial, device: existing?.batchId === ctx.batch.id ? existing : undefined, step: 'identified', details }, at);
    });
    hooks.onStep?.({ port, serial, step: 'identified', state: null });
    const checked = stationTransact(ctx, () => {
      const at = new Date().toISOString();
      const existing = checkPlan(ctx, identity);
      const row = existing ?? ctx.devices.insert({ batchId: ctx.batch.id, model: identity.model, hardwareSerial: identity.hardwareSerial, port, at });
      // A device whose certificate was committed stays 'issued' (or 'chain-written'): a resume re-sends it.
      const toState: DeviceState = row.certificateId === null ? 'checked' : row.state === 'chain-written' ? 'chain-written' : 'issued';
      ctx.devices.update(row.id, { state: toState, attempt: true, lastPort: port, lastErrorCode: null, lastErrorMessage: null, at });
      logTransition(ctx, { port, serial, device: existing, toState, step: 'checked' }, at);
      return ctx.devices.byId(row.id)!;
    });
    device = checked;
    hooks.onStep?.({ port, serial, step: 'checked', state: checked.state });

    if (ctx.matter) assertMatterDevice(driver, identity);
    if (identity.provisioningState === 'locked') return await finishLocked(ctx, identity, checked, record, port);

    if (hooks.shouldStop?.()) throw new StationError('STATION_STOPPED', 'the station was stopped before this device made its key', 'environment');
    const nonce = randomBytes(NONCE_BYTES);
    record({ step: 'nonce' }, { nonce: nonce.toString('hex') });

    // A committed, unconfirmed certificate: ask for a CSR of the key it was issued for, so a
    // device that dropped after the commit gets the same certificate again (drivers that
    // cannot keep a key, nRF91, make a new one and the device needs a rework).
    const keepExistingKey = checked.certificateId !== null;
    const csr = await driver.requestCsr({ subject: subjectText(requestedSubject(ctx.policy, serial)), nonce, ...(keepExistingKey ? { keepExistingKey } : {}) });
    const parsed = checkCsr(ctx, identity, csr, nonce);
    const spkiSha256 = parsed.publicKey.spkiSha256;
    const decision = stationTransact(ctx, () => {
      const at = new Date().toISOString();
      const before = ctx.devices.byId(checked.id)!;
      const d = decideKey(ctx, before, spkiSha256, at, identity.protocol);
      const toState: DeviceState = d.kind === 'resend' ? before.state : 'csr-accepted';
      ctx.devices.update(before.id, { state: toState, ...(d.kind === 'issue' ? { spkiSha256 } : {}), at });
      logTransition(
        ctx,
        {
          port,
          serial,
          device: before,
          toState,
          step: 'csr-accepted',
          details: { spkiSha256, algorithm: parsed.publicKey.algorithm },
          csrAllowances: parsed.allowances,
        },
        at,
      );
      device = ctx.devices.byId(before.id);
      return d;
    });
    hooks.onStep?.({ port, serial, step: 'csr-accepted', state: device?.state ?? null });

    let certificate: CertificateRow;
    let resent = false;
    if (decision.kind === 'resend') {
      certificate = decision.certificate;
      resent = true;
      record({ step: 'certificate-resent', toState: 'issued', details: { certificateSerial: certificate.serial } }, { state: 'issued' });
    } else {
      if (hooks.shouldStop?.()) throw new StationError('STATION_STOPPED', "the station was stopped before this device's certificate was signed", 'environment');
      certificate = await issueDeviceCertificate(ctx, port, device, parsed, identity);
      device = ctx.devices.byId(checked.id);
      hooks.onStep?.({ port, serial, step: 'issued', state: 'issued' });
    }

    // Only now, with the certificate committed, does any byte of it leave the process.
    await driver.writeChain({ deviceCertificate: certificate.der, caCertificates: ctx.caChainDer });
    record({ step: 'chain-written', toState: 'chain-written' }, { state: 'chain-written' });
    // A Matter device: its factory data, committed before it is written (matter-factory-data.ts).
    if (ctx.matter) await provisionFactoryData(ctx, driver, device!, certificate.id, port);
    await driver.lock();
    record({ step: 'done', toState: 'done', details: { certificateSerial: certificate.serial } }, { state: 'done' });
    return {
      port,
      serial,
      result: 'done',
      code: null,
      message: null,
      remedy: null,
      certificateSerial: certificate.serial,
      resent,
      transient: false,
      fatal: false,
    };
  } catch (e) {
    const outcome = failureOutcome(port, serial, e);
    if (outcome.code === 'STORE_WRITE_FAILED') return outcome;
    try {
      stationTransact(ctx, () => {
        const at = new Date().toISOString();
        const before = device === undefined ? undefined : ctx.devices.byId(device.id);
        // A confirmed device stays confirmed: refusing it again changes nothing about it.
        const fail = before !== undefined && before.state !== 'done';
        if (fail)
          ctx.devices.update(before.id, {
            state: 'failed',
            lastErrorCode: outcome.code,
            lastErrorMessage: (outcome.message ?? '').slice(0, 500),
            lastPort: port,
            at,
          });
        logTransition(
          ctx,
          {
            port,
            serial,
            device: before,
            step: outcome.result === 'refused' ? 'refused' : 'failed',
            ...(fail ? { toState: 'failed' as const } : {}),
            code: outcome.code!,
            message: outcome.message ?? '',
          },
          at,
        );
      });
      hooks.onStep?.({ port, serial, step: outcome.result === 'refused' ? 'refused' : 'failed', state: device === undefined ? null : 'failed' });
    } catch (recordError) {
      return failureOutcome(port, serial, recordError);
    }
    return outcome;
  } finally {
    claim?.release();
  }
}

/**
 * A device that reports itself locked. If this station wrote and read back its chain
 * (state chain-written) and was interrupted before recording the lock, the lock is what
 * it was about to record. Anything else is a device locked with an identity this
 * workspace did not confirm.
 */
async function finishLocked(ctx: BatchContext, identity: DeviceIdentity, device: DeviceRow, record: Recorder, port: string): Promise<DeviceOutcome> {
  // Where the last attempt got to: the chain read back correctly after the last (re)issue.
  const last = ctx.devices.lastStep(device.id, ['issued', 'certificate-resent', 'chain-written']);
  if (device.certificateId === null || last !== 'chain-written' || !factoryDataWritten(ctx, device)) {
    throw new StationError('DEVICE_LOCKED', `${identity.hardwareSerial} is locked, but this workspace never confirmed a chain on it`);
  }
  const cert = new CertificateRepository(ctx.ws).byId(device.certificateId);
  record({ step: 'done', toState: 'done', details: { certificateSerial: cert.serial, resumed: true } }, { state: 'done' });
  return {
    port,
    serial: identity.hardwareSerial,
    result: 'done',
    code: null,
    message: null,
    remedy: null,
    certificateSerial: cert.serial,
    resent: true,
    transient: false,
    fatal: false,
  };
}
