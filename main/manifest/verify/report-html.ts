import type { VerificationReport } from './check-result.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/**
 * The QA record: one self-contained HTML file — inline CSS, no scripts, no external
 * resources (a CSP meta tag says so), every value escaped — that prints as it shows.
 */
export function reportHtml(r: VerificationReport): string {
  const rows = r.checks
    .map(
      (c) =>
        `<tr class="${c.status}"><td class="st">${c.status.toUpperCase()}</td><td><code>${esc(c.name)}</code></td><td>${esc(c.summary)}${
          c.details.length ? `<ul>${c.details.map((d) => `<li>${esc(d)}</li>`).join('')}</ul>` : ''
        }</td></tr>`,
    )
    .join('\n');
  const meta: [string, string][] = [
    ['Folder', r.folder],
    ['Work order', r.workOrder ?? '?'],
    ['Sequence', String(r.sequence ?? '?')],
    ['Entries', String(r.devices ?? '?')],
    ['manifest.json SHA-256', r.manifestSha256 ?? '?'],
    ['Signer', r.signer ? `${r.signer.subject} (certificate SHA-256 ${r.signer.sha256})` : '?'],
    ['Signed', r.signingTime ?? '?'],
    ['Verified', r.verifiedAt],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Manifest verification — ${esc(r.workOrder ?? r.folder)}: ${r.ok ? 'PASS' : 'FAIL'}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f24}
h1{font-size:1.4em}.verdict{display:inline-block;padding:.2em .7em;border-radius:4px;color:#fff;background:${r.ok ? '#1a7f37' : '#cf222e'}}
table{border-collapse:collapse;width:100%;margin-top:1em}td,th{border:1px solid #d0d7de;padding:.35em .6em;vertical-align:top;text-align:left}
.meta th{width:14em;background:#f6f8fa}.st{font-weight:bold;width:4em}.pass .st{color:#1a7f37}.fail .st{color:#cf222e}.skip .st{color:#6e7781}
.fail{background:#fff5f5}ul{margin:.3em 0 0 1.2em;padding:0}code{font-family:ui-monospace,monospace}
</style></head><body>
<h1>Batch manifest verification <span class="verdict">${r.ok ? 'PASS' : 'FAIL'}</span></h1>
<table class="meta">${meta.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>
<table><thead><tr><th>Result</th><th>Check</th><th>Details</th></tr></thead><tbody>
${rows}
</tbody></table>
</body></html>
`;
}
