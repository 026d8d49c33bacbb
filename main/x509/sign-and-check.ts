import type { KeyObject } from 'node:crypto';
import { KEY_ALGORITHM_INFO } from '../keys/key-algorithm.js';
import { isSyncSigningKey, type SigningKey } from '../keys/signing-key.js';
import type { CertificateFacts, ParsedCertificate } from './certificate-facts.js';
import { assertLintPassed, lintCertificate, type LintSkip } from './lint/lint-certificate.js';
import type { LintContext, LintFinding } from './lint/lint-types.js';
import { assembleCertificate } from './signed-certificate.js';
import { verifyX509Signature } from './verify-signature.js';
import { X509Error } from './x509-errors.js';

export interface SignedCertificate {
  readonly certificate: ParsedCertificate;
  /** findings of the pre-signing lint (warnings only: an error blocks signing) */
  readonly findings: readonly LintFinding[];
  readonly skipped: readonly LintSkip[];
}

export interface LintedSigning {
  readonly tbs: Buffer;
  /** the facts of `tbs` as an independent reader (not the encoder) found them */
  readonly facts: CertificateFacts;
  readonly signatureAlgorithmDer: Buffer;
  readonly signer: SigningKey;
  /** the signer's public key, to verify what it signed */
  readonly verifyKey: KeyObject | Buffer;
  readonly lintContext: LintContext;
  readonly skipLints?: readonly LintSkip[] | undefined;
  readonly review?: TbsReviewer | undefined;
}

/** What people see before a signature they must approve: the TBS as read back, and its lints. */
export interface TbsReview {
  readonly facts: CertificateFacts;
  readonly findings: readonly LintFinding[];
  readonly skipped: readonly LintSkip[];
}

/** Shown the linted TBS before the key signs; a throw (nobody approved) stops the signature. */
export type TbsReviewer = (review: TbsReview) => Promise<void>;

/**
 * The careful CA's sequence from an encoded TBS on: lint it (an error blocks signing), sign,
 * verify the signature with the issuer's public key (catches a faulty HSM or a wrong key),
 * assemble and read back the certificate (TBS byte-identical to the linted one, outer
 * algorithm equal to the TBS's), and lint the signed certificate again.
 */
export async function signAndCheck(s: LintedSigning): Promise<SignedCertificate> {
  const before = lintCertificate(s.facts, s.lintContext, s.skipLints);
  assertLintPassed(before, 'the to-be-signed certificate');
  if (s.review) await s.review({ facts: s.facts, findings: before.findings, skipped: before.skipped });

  const signature = await signTbs(s.signer, s.tbs);
  if (!verifyX509Signature(s.signer.algorithm, s.verifyKey, s.tbs, signature)) {
    throw new X509Error('SIGNATURE_MISMATCH', `the signature made by key "${s.signer.label}" does not verify with its public key`, 'check');
  }
  const certificate = assembleCertificate(s.tbs, s.facts, s.signatureAlgorithmDer, signature);
  const after = lintCertificate(certificate, s.lintContext, s.skipLints);
  assertLintPassed(after, 'the signed certificate');
  return { certificate, findings: after.findings, skipped: after.skipped };
}

/**
 * An in-process EC or Ed25519 signature takes tens of microseconds, less than the hop to the
 * libuv pool and back, so it is made synchronously; RSA (milliseconds) and HSM keys stay
 * asynchronous so the UI process is not stalled.
 */
function signTbs(signer: SigningKey, tbs: Buffer): Buffer | Promise<Buffer> {
  if (isSyncSigningKey(signer) && KEY_ALGORITHM_INFO[signer.algorithm].family !== 'rsa') return signer.signSync(tbs);
  return signer.sign(tbs);
}
