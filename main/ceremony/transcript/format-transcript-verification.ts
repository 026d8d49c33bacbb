import { formatHashWords } from '../hash-words.js';
import type { TranscriptVerification } from './verify-transcript.js';

/**
 * The text report of verify-transcript: a verdict line first (what a script or a hurried
 * reader looks at), then every check with PASS/FAIL and what it found, then the signer's
 * certificate fingerprint as hex and words to compare aloud with the printed transcript.
 */
export function formatTranscriptVerification(v: TranscriptVerification): string {
  const failed = v.checks.filter((c) => !c.ok);
  const lines: string[] = [];
  lines.push(v.ok ? `VERIFIED: ${v.dir}` : `NOT VERIFIED: ${v.dir} — ${failed.length} check(s) failed: ${failed.map((c) => c.name).join(', ')}`);
  lines.push(v.ceremony ? `ceremony: ${v.ceremony.name} (${v.ceremony.kind}), id ${v.ceremony.id}` : 'ceremony: unknown (no readable "started" record)');
  lines.push('');
  const width = Math.max(...v.checks.map((c) => c.name.length));
  for (const c of v.checks) {
    lines.push(`${c.ok ? 'PASS' : 'FAIL'}  ${c.name.padEnd(width)}  ${oneLine(c.detail)}`);
    if (!c.ok && c.files?.length) for (const f of c.files) lines.push(`${' '.repeat(width + 8)}- ${oneLine(f)}`);
  }
  if (v.signer) {
    lines.push('');
    lines.push(`signer certificate: ${oneLine(v.signer.subject)}`);
    lines.push(`SHA-256 ${v.signer.sha256}`);
    lines.push(formatHashWords(v.signer.sha256));
  }
  return `${lines.join('\n')}\n`;
}

/** File names and details come from the medium: a newline in them must not forge a PASS line. */
function oneLine(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters from the medium are what this escapes
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}
