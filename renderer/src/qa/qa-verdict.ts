import type { QaCheckView, QaReportView } from '../../../preload/api.js';

export type VerdictState = 'pass' | 'fail';

export interface Verdict {
  readonly state: VerdictState;
  readonly text: string;
  readonly failed: readonly string[];
}

/**
 * The screen's one-word answer. It follows the verifier's own `ok` (every check passed or
 * was skipped, and at least one passed) rather than recounting, so the screen can never
 * say PASS where `hallmark manifest verify` exits 1.
 */
export function verdictOf(report: QaReportView): Verdict {
  const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
  const counts = countStates(report.checks);
  const tally = `${counts.pass} passed, ${counts.fail} failed, ${counts.skip} skipped`;
  if (report.ok) return { state: 'pass', text: `PASS — ${tally}`, failed };
  return { state: 'fail', text: failed.length ? `FAIL — ${failed.join(', ')} (${tally})` : `FAIL — no check passed (${tally})`, failed };
}

export function countStates(checks: readonly QaCheckView[]): Record<QaCheckView['status'], number> {
  const counts = { pass: 0, fail: 0, skip: 0 };
  for (const c of checks) counts[c.status]++;
  return counts;
}
