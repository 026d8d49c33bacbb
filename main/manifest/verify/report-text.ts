import type { VerificationReport } from './check-result.js';

/** The text report: a header, then one line per check (PASS / FAIL / SKIP) with its details indented. */
export function reportText(r: VerificationReport): string {
  const lines = [
    `manifest     ${r.folder}`,
    `work order   ${r.workOrder ?? '?'}   sequence ${r.sequence ?? '?'}   ${r.devices ?? '?'} entries`,
    `sha256       ${r.manifestSha256 ?? '?'}`,
    `signer       ${r.signer ? `${r.signer.subject} (${r.signer.sha256.slice(0, 16)}…)` : '?'}   signed ${r.signingTime ?? '?'}`,
    '',
  ];
  for (const c of r.checks) {
    lines.push(`${c.status.toUpperCase().padEnd(4)}  ${c.name.padEnd(30)} ${c.summary}`);
    for (const d of c.details) lines.push(`      ${d}`);
  }
  const failed = r.checks.filter((c) => c.status === 'fail').length;
  lines.push('', r.ok ? 'RESULT: PASS — every check passed' : `RESULT: FAIL — ${failed} check(s) failed`, '');
  return lines.join('\n');
}
