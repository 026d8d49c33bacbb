import type { SigningKey } from '../keys/signing-key.js';
import { bitString, sequence } from './der/der-writer.js';
import type { CertificateTemplate } from './certificate-template.js';
import { parseCertificate, parseTbs, type CertificateFacts, type ParsedCertificate } from './certificate-facts.js';
import { assertLintPassed, lintCertificate, type LintSkip } from './lint/lint-certificate.js';
import type { LintFinding } from './lint/lint-types.js';
import { signatureAlgorithmFor } from './signature-algorithm.js';
import { encodeTbsCertificate } from './tbs-certificate.js';
import { verifyX509Signature } from './verify-signature.js';
import { X509Error } from './x509-errors.js';

export interface SignRequest {
  readonly template: CertificateTemplate;
  readonly signer: SigningKey;
  /** the issuing CA's certificate; null when the certificate is self-signed by `signer` */
  readonly issuer: CertificateFacts | null;
  readonly skipLints?: readonly LintSkip[];
  readonly maxValidityDays?: number;
}

export interface SignedCertificate {
  readonly certificate: ParsedCertificate;
  /** findings of the pre-signing lint (warnings only: an error blocks signing) */
  readonly findings: readonly LintFinding[];
  readonly skipped: readonly LintSkip[];
}

/**
 * The careful CA's sequence: encode the TBS, lint it (an error blocks signing), sign,
 * verify the signature with the issuer's public key (catches a faulty HSM or a wrong key),
 * re-parse the certificate and require its TBS to be byte-identical to the linted one, and
 * lint the signed certificate again.
 */
export async function signCertificate(req: SignRequest): Promise<SignedCertificate> {
  const sigAlg = signatureAlgorithmFor(req.signer.algorithm);
  const tbs = encodeTbsCertificate(req.template, sigAlg.der);
  const ctx = {
    profile: req.template.profile,
    issuer: req.issuer,
    signerAlgorithm: req.signer.algorithm,
    ...(req.maxValidityDays !== undefined ? { maxValidityDays: req.maxValidityDays } : {}),
  };
  if (req.issuer && !req.issuer.spki.equals(req.signer.spki)) {
    throw new X509Error('SIGNATURE_MISMATCH', `key "${req.signer.label}" is not the issuing CA's key`);
  }
  if (!req.issuer && !req.template.subjectSpki.equals(req.signer.spki)) {
    throw new X509Error('SIGNATURE_MISMATCH', `a self-signed certificate must certify the signing key "${req.signer.label}" itself`);
  }
  const before = lintCertificate(parseTbs(tbs), ctx, req.skipLints);
  assertLintPassed(before, 'the to-be-signed certificate');

  const signature = await req.signer.sign(tbs);
  if (!verifyX509Signature(req.signer.algorithm, req.signer.spki, tbs, signature)) {
    throw new X509Error('SIGNATURE_MISMATCH', `the signature made by key "${req.signer.label}" does not verify with its public key`, 'check');
  }
  const der = sequence(tbs, sigAlg.der, bitString(signature));
  const certificate = parseCertificate(der);
  if (!certificate.tbsDer.equals(tbs)) throw new X509Error('TBS_CHANGED', 'the signed certificate does not carry the linted TBS byte for byte', 'check');
  const after = lintCertificate(certificate, ctx, req.skipLints);
  assertLintPassed(after, 'the signed certificate');
  return { certificate, findings: after.findings, skipped: after.skipped };
}
