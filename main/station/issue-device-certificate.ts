import { createHash } from 'node:crypto';
import { recordIssued } from '../ca/record-issued.js';
import type { CertificateRow } from '../store/certificate-repository.js';
import type { DeviceRow } from '../store/station-device-repository.js';
import type { ParsedCsr } from '../x509/csr/parsed-csr.js';
import { encodeName, formatName } from '../x509/distinguished-name.js';
import { isHallmarkError } from '../errors/hallmark-error.js';
import type { SignedCertificate } from '../x509/sign-certificate.js';
import type { BatchContext } from './batch-context.js';
import { commonNameClash } from './common-name-uniqueness.js';
import { checkPlan } from './check-plan.js';
import { logTransition, stationTransact } from './device-log.js';
import { StationError } from './station-errors.js';
import { commonNameOf, deviceHardwareModuleName, deviceSubject } from './subject-template.js';

/** The target-cloud lints of the policy, against the subject the station built. */
export function lintForTargetCloud(ctx: BatchContext, device: DeviceRow, subject: ReturnType<typeof deviceSubject>): void {
  const rules = ctx.policy.targetCloud;
  if (rules.requireSubjectSerialNumber && !subject.some((a) => a.type === 'serialNumber')) {
    throw new StationError('LINT_SUBJECT_SERIAL_MISSING', 'the policy requires subject serialNumber (AWS JITP / BRSKI) but its subject has none');
  }
  if (rules.uniqueCommonName) {
    const cn = commonNameOf(subject);
    const clash = cn === undefined ? undefined : commonNameClash(ctx.ws, cn, ctx.devices.certificateIdsOfDevice(device.id));
    if (clash !== undefined)
      throw new StationError('LINT_CN_NOT_UNIQUE', `CN "${cn}" is already on certificate ${clash} (Azure DPS registration ids must be unique)`, 'check', {
        clash,
      });
  }
}

/**
 * Signs the device's certificate, then commits it: certificate row, `certificate.issued`,
 * the device row pointing at it, the rework it completes and the `device.issued` event,
 * all in ONE transaction, before the caller writes any byte of it to the device. The
 * plan and quota are checked again inside that transaction (another port may have taken
 * the last slot while this device generated its key); a certificate refused there was
 * never recorded and never leaves the process.
 */
export async function issueDeviceCertificate(
  ctx: BatchContext,
  port: string,
  device: DeviceRow,
  csr: ParsedCsr,
  identity: Parameters<typeof checkPlan>[1],
): Promise<CertificateRow> {
  const serial = device.hardwareSerial;
  const subject = deviceSubject(ctx.policy, serial);
  lintForTargetCloud(ctx, device, subject);
  const { notBefore, notAfter } = ctx.validity(new Date());
  let signed: SignedCertificate;
  try {
    signed = await ctx.issuer.issue({
      subjectKey: csr.publicKey,
      subjectName: encodeName(subject),
      notBefore,
      notAfter,
      ...(ctx.policy.matter ? {} : { hardwareModuleName: deviceHardwareModuleName(ctx.policy, serial)! }),
    });
  } catch (e) {
    // The CA key itself is gone (token pulled, session or key handle invalid, key closed):
    // no later device can be signed either, so this stops the station (FATAL_CODES).
    if (isHallmarkError(e) && isCaKeyUnavailable(e.code)) {
      throw new StationError('CA_KEY_UNAVAILABLE', `the CA key cannot sign: ${e.code}: ${e.message}`, 'environment', { cause: e.code });
    }
    if (isHallmarkError(e)) throw new StationError('ISSUANCE_FAILED', `signing failed: ${e.code}: ${e.message}`, 'check', { cause: e.code });
    throw e;
  }
  const subjectText = formatName(subject);
  return stationTransact(ctx, () => {
    const current = checkPlan(ctx, identity);
    if (current === undefined || current.id !== device.id)
      throw new StationError('STORE_WRITE_FAILED', `${serial}: the device row changed under the station`, 'environment');
    if (current.certificateId !== null) {
      throw new StationError('REWORK_REQUIRED', `${serial} received a certificate from another station meanwhile`);
    }
    lintForTargetCloud(ctx, current, subject);
    const at = new Date().toISOString();
    const csrSha256 = createHash('sha256').update(csr.der).digest('hex');
    const csrFacts = { csrSha256, ...(csr.allowances.length > 0 ? { csrAllowances: [...csr.allowances] } : {}) };
    const row = recordIssued(ctx.ws, {
      signed,
      profile: ctx.policy.matter ? 'matter-dac' : 'idevid',
      issuerCa: ctx.ca.row.name,
      issuerSpki: ctx.ca.certificate.spki,
      subject: subjectText,
      actor: ctx.actor,
      request: csrFacts,
    });
    ctx.devices.addCertificate({
      certificateId: row.id,
      deviceId: current.id,
      batchId: ctx.batch.id,
      spkiSha256: row.spkiSha256,
      csrSha256,
      csrAllowances: csr.allowances,
      at,
    });
    ctx.devices.update(current.id, { state: 'issued', certificateId: row.id, spkiSha256: row.spkiSha256, lastPort: port, at });
    const rework = ctx.devices.openRework(current.id);
    if (rework !== undefined) ctx.devices.completeRework(rework.id, row.id);
    logTransition(
      ctx,
      {
        port,
        step: 'issued',
        serial,
        device: current,
        toState: 'issued',
        details: { certificateSerial: row.serial, certificateSha256: row.sha256, csrSha256, ...(rework ? { rework: rework.id } : {}) },
        csrAllowances: csr.allowances,
      },
      at,
    );
    return row;
  });
}

/** Key-store failures that mean the CA key is unusable, not that this one certificate was wrong. */
function isCaKeyUnavailable(code: string): boolean {
  return (
    code === 'KEY_CLOSED' || code === 'PKCS11_ERROR' || code === 'PKCS11_KEY_NOT_FOUND' || code === 'PKCS11_TOKEN_NOT_FOUND' || code === 'PKCS11_PIN_LOCKED'
  );
}
