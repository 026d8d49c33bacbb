import { CertificateList } from '@peculiar/asn1-x509';
import { AsnConvert } from '@peculiar/asn1-schema';
import type { SigningKey } from '../keys/signing-key.js';
import { bitString, contextTag, sequence, smallInteger, tlv, unsignedInteger, TAG } from './der/der-writer.js';
import { encodeExtension, type Extension } from './extensions/extension.js';
import { authorityKeyIdentifier, keyIdentifier } from './extensions/key-identifier.js';
import type { CertificateFacts } from './certificate-facts.js';
import { OID } from './oids.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';
import { encodeTime, wholeSeconds } from './validity.js';
import { verifyX509Signature } from './verify-signature.js';
import { X509Error } from './x509-errors.js';

/** RFC 5280 §5.3.1 CRLReason codes (7 is unused). */
export const REVOCATION_REASONS = {
  unspecified: 0,
  keyCompromise: 1,
  cACompromise: 2,
  affiliationChanged: 3,
  superseded: 4,
  cessationOfOperation: 5,
  certificateHold: 6,
  removeFromCRL: 8,
  privilegeWithdrawn: 9,
  aACompromise: 10,
} as const;
export type RevocationReason = keyof typeof REVOCATION_REASONS;

export interface RevokedEntry {
  readonly serial: Buffer;
  readonly revokedAt: Date;
  readonly reason: RevocationReason;
}

export interface CrlRequest {
  readonly issuer: CertificateFacts;
  readonly signer: SigningKey;
  readonly crlNumber: number;
  readonly thisUpdate: Date;
  readonly nextUpdate: Date;
  readonly revoked: readonly RevokedEntry[];
}

const MAX_NEXT_UPDATE_MS = 366 * 86_400_000;

/**
 * A v2 CRL with CRL number and AKI; entries carry a reason code except "unspecified",
 * which RFC 5280 says to omit. Guards: nextUpdate after thisUpdate, within 12 months of it
 * and inside the issuer's validity; the issuer may sign CRLs; the signature verifies.
 */
export async function signCrl(req: CrlRequest): Promise<Buffer> {
  const thisUpdate = wholeSeconds(req.thisUpdate);
  const nextUpdate = wholeSeconds(req.nextUpdate);
  if (!(nextUpdate > thisUpdate)) throw new X509Error('CRL_INVALID', 'nextUpdate must be after thisUpdate');
  if (nextUpdate.getTime() - thisUpdate.getTime() > MAX_NEXT_UPDATE_MS) throw new X509Error('CRL_INVALID', 'nextUpdate must be within 12 months of thisUpdate');
  if (nextUpdate > req.issuer.notAfter)
    throw new X509Error('CRL_INVALID', `nextUpdate ${nextUpdate.toISOString()} is after the issuer's notAfter ${req.issuer.notAfter.toISOString()}`);
  if (thisUpdate < req.issuer.notBefore) throw new X509Error('CRL_INVALID', "thisUpdate is before the issuer's notBefore");
  if (req.issuer.keyUsage && !req.issuer.keyUsage.has('cRLSign')) throw new X509Error('CRL_INVALID', 'the issuer certificate does not allow cRLSign');
  if (!req.issuer.spki.equals(req.signer.spki)) throw new X509Error('SIGNATURE_MISMATCH', `key "${req.signer.label}" is not the CRL issuer's key`);
  if (!Number.isSafeInteger(req.crlNumber) || req.crlNumber < 1) throw new X509Error('CRL_INVALID', 'CRL number must be a positive integer');
  const seen = new Set<string>();
  for (const r of req.revoked) {
    const hex = r.serial.toString('hex');
    if (seen.has(hex)) throw new X509Error('CRL_INVALID', `serial ${hex} is listed twice`);
    seen.add(hex);
    if (!Object.hasOwn(REVOCATION_REASONS, r.reason)) throw new X509Error('CRL_INVALID', `unknown revocation reason "${r.reason}"`);
  }

  const sigAlg = signatureAlgorithmFor(req.signer.algorithm);
  const entries = req.revoked.map((r) => {
    const parts = [unsignedInteger(r.serial), encodeTime(wholeSeconds(r.revokedAt))];
    if (r.reason !== 'unspecified') {
      const reason: Extension = { oid: OID.crlReason, critical: false, value: tlv(TAG.ENUMERATED, Buffer.from([REVOCATION_REASONS[r.reason]])) };
      parts.push(sequence(encodeExtension(reason)));
    }
    return sequence(...parts);
  });
  const crlExtensions = [authorityKeyIdentifier(keyIdentifier(req.issuer.spki)), { oid: OID.crlNumber, critical: false, value: smallInteger(req.crlNumber) }];
  const tbs = sequence(
    smallInteger(1),
    sigAlg.der,
    req.issuer.subjectDer,
    encodeTime(thisUpdate),
    encodeTime(nextUpdate),
    ...(entries.length ? [sequence(...entries)] : []),
    contextTag(0, sequence(...crlExtensions.map(encodeExtension)), true),
  );
  const signature = await req.signer.sign(tbs);
  if (!verifyX509Signature(req.signer.algorithm, req.signer.spki, tbs, signature)) {
    throw new X509Error('SIGNATURE_MISMATCH', `the CRL signature made by key "${req.signer.label}" does not verify`, 'check');
  }
  const der = sequence(tbs, sigAlg.der, bitString(signature));
  // An independent parser must read back what we wrote.
  const parsed = AsnConvert.parse(der, CertificateList);
  if ((parsed.tbsCertList.revokedCertificates?.length ?? 0) !== req.revoked.length) {
    throw new X509Error('CRL_INVALID', 'the encoded CRL does not read back with the same entries', 'check');
  }
  return der;
}
