import type { ManifestDocument } from '../format/manifest-document.js';
import { sha256Hex } from '../format/manifest-digests.js';

export const REVOCATION_SET_FILE = 'revocations.json';
export const REVOCATION_CRL_FILE = 'revocations.crl.pem';

/**
 * The certificates of the work order the online side must not accept: superseded by a
 * rework or revoked, with reason and time. Always written (an empty list says "none"),
 * unlike the CRL, which needs the issuing CA's key.
 */
export function revocationSet(doc: ManifestDocument, manifestSha256: string): string {
  const issuingCa = doc.issuingCaChain[0];
  const revoked = doc.devices
    .filter((d) => d.certificate !== null && (d.status === 'superseded' || d.status === 'revoked'))
    .map((d) => ({
      hardwareSerial: d.hardwareSerial,
      status: d.status,
      certificateSerial: d.certificate!.serial,
      certificateSha256: d.certificate!.sha256,
      publicKeySha256: d.certificate!.publicKeySha256,
      reason: d.revocation?.reason ?? d.rework?.revocationReason ?? 'superseded',
      revokedAt: d.revocation?.revokedAt ?? d.rework?.approvedAt ?? null,
      reworkReason: d.rework?.reason ?? null,
    }));
  return `${JSON.stringify(
    {
      format: 'hallmark-revocation-set',
      formatVersion: 1,
      workOrder: doc.workOrder.id,
      manifestSequence: doc.sequence,
      manifestSha256,
      issuingCa: { name: doc.workOrder.issuingCa, certificateSha256: issuingCa ? sha256Hex(Buffer.from(issuingCa, 'base64')) : null },
      revoked,
    },
    null,
    2,
  )}\n`;
}
