import type { SigningKey } from '../keys/signing-key.js';
import type { CertificateTemplate } from './certificate-template.js';
import type { CertificateFacts } from './certificate-facts.js';
import { parseTbsFast } from './certificate-facts-fast.js';
import type { LintSkip } from './lint/lint-certificate.js';
import { signAndCheck, type SignedCertificate, type TbsReviewer } from './sign-and-check.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';
import { encodeTbsCertificate } from './tbs-certificate.js';
import { X509Error } from './x509-errors.js';

export type { SignedCertificate } from './sign-and-check.js';

export interface SignRequest {
  readonly template: CertificateTemplate;
  readonly signer: SigningKey;
  /** the issuing CA's certificate; null when the certificate is self-signed by `signer` */
  readonly issuer: CertificateFacts | null;
  /** the issuer's own issuers up to the root, for chain lints (Matter) */
  readonly issuerParents?: readonly CertificateFacts[];
  readonly skipLints?: readonly LintSkip[];
  readonly maxValidityDays?: number;
  /** a ceremony's people approve the linted TBS before the key signs (sign-and-check.ts) */
  readonly review?: TbsReviewer;
}

/**
 * Signs one certificate from a template: encode the TBS, read it back with the strict
 * facts reader (independent of the encoder), then the careful sequence of signAndCheck —
 * lint, sign, verify, assemble and read back, lint again. For many certificates under one
 * CA and profile, issuer/prepared-issuer.ts does the same with the constant parts encoded once.
 */
export async function signCertificate(req: SignRequest): Promise<SignedCertificate> {
  const sigAlg = signatureAlgorithmFor(req.signer.algorithm);
  const tbs = encodeTbsCertificate(req.template, sigAlg.der);
  if (req.issuer && !req.issuer.spki.equals(req.signer.spki)) {
    throw new X509Error('SIGNATURE_MISMATCH', `key "${req.signer.label}" is not the issuing CA's key`);
  }
  if (!req.issuer && !req.template.subjectSpki.equals(req.signer.spki)) {
    throw new X509Error('SIGNATURE_MISMATCH', `a self-signed certificate must certify the signing key "${req.signer.label}" itself`);
  }
  return signAndCheck({
    tbs,
    facts: parseTbsFast(tbs),
    signatureAlgorithmDer: sigAlg.der,
    signer: req.signer,
    verifyKey: req.signer.spki,
    lintContext: {
      profile: req.template.profile,
      issuer: req.issuer,
      ...(req.issuerParents ? { issuerParents: req.issuerParents } : {}),
      signerAlgorithm: req.signer.algorithm,
      ...(req.maxValidityDays !== undefined ? { maxValidityDays: req.maxValidityDays } : {}),
    },
    skipLints: req.skipLints,
    review: req.review,
  });
}
