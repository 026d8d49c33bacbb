import type { KeyAlgorithm } from '../../keys/key-algorithm.js';
import type { CertificateFacts } from '../certificate-facts.js';
import type { PublicKeyInfo } from '../csr/parsed-csr.js';
import type { ProfileName } from '../certificate-template.js';

export type LintSeverity = 'error' | 'warning';

/** One finding: the rule's stable name (shown, recorded, and used to skip it with a reason), severity and what is wrong. */
export interface LintFinding {
  readonly rule: string;
  readonly severity: LintSeverity;
  readonly message: string;
}

export interface LintContext {
  readonly profile: ProfileName;
  /** the issuing CA's certificate facts; null for a self-signed certificate */
  readonly issuer: CertificateFacts | null;
  /** the issuer's own issuers up to the root (Matter: the PAA above a DAC's PAI), when known */
  readonly issuerParents?: readonly CertificateFacts[];
  /** the algorithm of the key that will sign */
  readonly signerAlgorithm: KeyAlgorithm;
  /** the longest validity the caller allows for this profile, in days (ceremony guards) */
  readonly maxValidityDays?: number;
  /**
   * The subject key as parseCsr's checkPublicKey accepted it. key.supported uses it instead
   * of loading the key again, but only when its SPKI is the certificate's byte for byte.
   */
  readonly subjectKey?: PublicKeyInfo;
}

/** A named check. It returns its findings (empty when the certificate passes). */
export interface Lint {
  readonly rule: string;
  readonly description: string;
  check(cert: CertificateFacts, ctx: LintContext): LintFinding[];
}

export const error = (rule: string, message: string): LintFinding => ({ rule, severity: 'error', message });
export const warning = (rule: string, message: string): LintFinding => ({ rule, severity: 'warning', message });
