import type { DeviceCsr, DeviceIdentity } from '../devices/line-link.js';
import { CertificateRepository, type CertificateRow } from '../store/certificate-repository.js';
import type { DeviceRow } from '../store/station-device-repository.js';
import { CsrError } from '../x509/csr/csr-errors.js';
import { parseCsr } from '../x509/csr/parse-csr.js';
import type { ParsedCsr } from '../x509/csr/parsed-csr.js';
import type { BatchContext } from './batch-context.js';
import { StationError } from './station-errors.js';

/**
 * The station's own checks of a device's CSR, whatever the driver already checked:
 * strict parse (signature included) with exactly the allowances the product policy gives,
 * the nonce it was bound to, the key algorithm the policy allows. Pure: nothing is recorded
 * here; the allowances used come back in `parsed.allowances` for the caller to record.
 */
export function checkCsr(ctx: BatchContext, identity: DeviceIdentity, csr: DeviceCsr, nonce: Buffer): ParsedCsr {
  let parsed: ParsedCsr;
  try {
    parsed = parseCsr(csr.der, { allow: ctx.policy.csrAllowances });
  } catch (e) {
    if (e instanceof CsrError) {
      const allowance = e.details?.['allowance'];
      if (typeof allowance === 'string') {
        throw new StationError(
          'CSR_ALLOWANCE_REQUIRED',
          `the device's CSR needs an allowance product ${ctx.policy.model} does not give: ${e.message}`,
          'check',
          { csrCode: e.code, allowance },
        );
      }
      throw new StationError('CSR_INVALID', `the device's CSR was refused: ${e.message}`, 'check', { csrCode: e.code });
    }
    throw e;
  }
  // nRF91 modems attest with a nonce of their own (checked by the driver against the CSR digest).
  if (identity.protocol === 'hallmark' && (!csr.nonce.equals(nonce) || parsed.challengePassword !== nonce.toString('hex'))) {
    throw new StationError('NONCE_MISMATCH', 'the CSR is not bound to the nonce this station just sent (a replayed or stale CSR)');
  }
  const algorithm = parsed.publicKey.algorithm;
  if (!ctx.policy.keyAlgorithms.includes(algorithm)) {
    throw new StationError(
      'KEY_ALGORITHM_NOT_ALLOWED',
      `the device made a ${algorithm} key; product ${ctx.policy.model} allows ${ctx.policy.keyAlgorithms.join(', ')}`,
    );
  }
  return parsed;
}

export type KeyDecision =
  /** no certificate yet (or a rework is open): issue one */
  | { readonly kind: 'issue' }
  /** the device holds a committed certificate for exactly this key: send it again */
  | { readonly kind: 'resend'; readonly certificate: CertificateRow };

/**
 * Key uniqueness and idempotency, inside the transaction that records the key as seen.
 * A key seen before on any other device (any batch) is DUPLICATE_KEY. A device that
 * already has a certificate gets it again for the same key; a different key needs a
 * rework first (REWORK_REQUIRED), never a silent second certificate.
 */
export function decideKey(ctx: BatchContext, device: DeviceRow, spkiSha256: string, at: string, protocol?: DeviceIdentity['protocol']): KeyDecision {
  const seen = ctx.devices.seenKey(spkiSha256);
  if (seen !== undefined && (seen.firstSeenBatch !== device.batchId || seen.firstSeenSerial !== device.hardwareSerial)) {
    throw new StationError(
      'DUPLICATE_KEY',
      `this public key was already seen on ${seen.firstSeenSerial} in work order ${seen.firstSeenBatch} (${seen.firstSeenAt})`,
      'check',
      {
        spkiSha256,
        firstSeenBatch: seen.firstSeenBatch,
        firstSeenSerial: seen.firstSeenSerial,
      },
    );
  }
  if (seen === undefined) ctx.devices.rememberKey({ spkiSha256, firstSeenBatch: device.batchId, firstSeenSerial: device.hardwareSerial, firstSeenAt: at });
  if (device.certificateId === null) return { kind: 'issue' };
  const certificate = new CertificateRepository(ctx.ws).byId(device.certificateId);
  if (certificate.status === 'active' && certificate.spkiSha256 === spkiSha256) return { kind: 'resend', certificate };
  throw new StationError(
    'REWORK_REQUIRED',
    certificate.status === 'active'
      ? `${device.hardwareSerial} already holds certificate ${certificate.serial} for another key; a new certificate needs an approved rework` +
          // The modem's %KEYGEN always replaces the key, so an nRF91 interrupted after the commit cannot get its certificate again.
          (protocol === 'nrf91' && device.state !== 'done'
            ? ' (nRF91 modems make a new key at every %KEYGEN: an interrupted provisioning is reworked with reason PROVISIONING_INTERRUPTED)'
            : '')
      : `${device.hardwareSerial}'s certificate ${certificate.serial} was revoked outside a rework; a new certificate needs an approved rework`,
    'check',
    { certificateSerial: certificate.serial, ...(protocol !== undefined ? { protocol } : {}) },
  );
}
