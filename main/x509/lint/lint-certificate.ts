import type { CertificateFacts } from '../certificate-facts.js';
import { X509Error } from '../x509-errors.js';
import { caLints } from './ca-lints.js';
import { encodingLints } from './encoding-lints.js';
import { entityLints } from './entity-lints.js';
import { matterLints } from './matter-lints.js';
import type { Lint, LintContext, LintFinding } from './lint-types.js';

export const ALL_LINTS: readonly Lint[] = [...encodingLints, ...caLints, ...entityLints, ...matterLints];
export const LINT_RULES: ReadonlySet<string> = new Set(ALL_LINTS.map((l) => l.rule));

/** A rule the caller chose not to apply, with the written reason that goes into the record. */
export interface LintSkip {
  readonly rule: string;
  readonly reason: string;
}

export interface LintReport {
  readonly findings: readonly LintFinding[];
  readonly skipped: readonly LintSkip[];
}

export function lintCertificate(cert: CertificateFacts, ctx: LintContext, skips: readonly LintSkip[] = []): LintReport {
  for (const s of skips) {
    if (!LINT_RULES.has(s.rule)) throw new X509Error('LINT_FAILED', `cannot skip unknown lint rule "${s.rule}"`);
    if (s.reason.trim().length < 10) throw new X509Error('LINT_FAILED', `skipping lint "${s.rule}" needs a written reason (at least 10 characters)`);
  }
  const skipped = new Set(skips.map((s) => s.rule));
  const findings = ALL_LINTS.filter((l) => !skipped.has(l.rule)).flatMap((l) => l.check(cert, ctx));
  return { findings, skipped: skips };
}

/** Throws LINT_FAILED naming every failed rule; warnings pass. */
export function assertLintPassed(report: LintReport, what: string): void {
  const errors = report.findings.filter((f) => f.severity === 'error');
  if (errors.length === 0) return;
  throw new X509Error('LINT_FAILED', `${what} fails lint: ${errors.map((e) => `[${e.rule}] ${e.message}`).join('; ')}`, 'check', {
    findings: errors.map((e) => ({ rule: e.rule, message: e.message })),
  });
}
