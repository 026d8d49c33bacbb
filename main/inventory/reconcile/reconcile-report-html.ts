import { hasFindings, type ReconcileReport, type UnlistedCertificate } from './reconcile-registry.js';

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
const cell = (v: string | null) => `<td><code>${esc(v ?? '—')}</code></td>`;

function unlistedTable(title: string, why: string, rows: readonly UnlistedCertificate[]): string {
  if (rows.length === 0) return `<h2>${esc(title)}: none</h2>`;
  return `<h2 class="bad">${esc(title)}: ${rows.length}</h2><p>${esc(why)}</p>
<table><thead><tr><th>From</th><th>Certificate SHA-256</th><th>Subject</th><th>Issuer</th><th>Serial</th><th>Not after</th></tr></thead><tbody>
${rows.map((r) => `<tr>${cell(r.source)}${cell(r.certificateSha256)}${cell(r.subject)}${cell(r.issuer)}${cell(r.serial)}${cell(r.notAfter)}</tr>`).join('\n')}
</tbody></table>`;
}

/**
 * The reconcile record, like the QA report: one self-contained HTML file — inline CSS,
 * no scripts, no external resources (a CSP meta tag says so), every value escaped.
 * Export file names are printed escaped; file contents never are.
 */
export function reconcileReportHtml(r: ReconcileReport): string {
  const clean = !hasFindings(r);
  const meta: [string, string][] = [
    ['Registry export', `${r.export.path} (${r.export.kind === 'pem-folder' ? 'certificates' : 'CSV of fingerprints'})`],
    ['Registered certificates', String(r.registered)],
    ['In service in the inventory', String(r.matched)],
    ['Issuing CAs known to the inventory', String(r.knownIssuers)],
    ['Reconciled', r.generatedAt],
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Registry reconcile — ${esc(r.export.path)}: ${clean ? 'CLEAN' : 'FINDINGS'}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:2em;color:#1b1f24}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:1.5em}.bad{color:#cf222e}
.verdict{display:inline-block;padding:.2em .7em;border-radius:4px;color:#fff;background:${clean ? '#1a7f37' : '#cf222e'}}
table{border-collapse:collapse;width:100%;margin-top:.5em}td,th{border:1px solid #d0d7de;padding:.35em .6em;vertical-align:top;text-align:left}
.meta th{width:16em;background:#f6f8fa}code{font-family:ui-monospace,monospace;word-break:break-all}
</style></head><body>
<h1>Cloud registry reconcile <span class="verdict">${clean ? 'CLEAN' : 'FINDINGS'}</span></h1>
<table class="meta">${meta.map(([k, v]) => `<tr><th>${esc(k)}</th><td><code>${esc(v)}</code></td></tr>`).join('')}</table>
${unlistedTable('Issued by a known CA, in no manifest', 'Unauthorized issuance, or a manifest not imported yet: find the batch or revoke the certificate.', r.unauthorized)}
${
  r.retired.length === 0
    ? '<h2>Superseded or revoked, still registered: none</h2>'
    : `<h2 class="bad">Superseded or revoked, still registered: ${r.retired.length}</h2><p>The cloud still accepts a certificate the inventory has retired: deregister it.</p>
<table><thead><tr><th>From</th><th>Certificate SHA-256</th><th>Hardware serial</th><th>Model</th><th>Status</th><th>Work order</th><th>Station</th><th>Revoked</th></tr></thead><tbody>
${r.retired.map((x) => `<tr>${cell(x.source)}${cell(x.certificateSha256)}${cell(x.hardwareSerial)}${cell(x.model)}${cell(x.status)}${cell(x.batchId)}${cell(x.stationId)}${cell(x.revokedAt ? `${x.revokedAt}${x.revocationReason ? ` (${x.revocationReason})` : ''}` : null)}</tr>`).join('\n')}
</tbody></table>`
}
${unlistedTable('Registered devices the inventory does not know', 'Neither in a manifest nor issued by a CA the inventory knows.', r.unknown)}
${
  r.problems.length === 0
    ? '<h2>Files not read: none</h2>'
    : `<h2 class="bad">Files or lines not read: ${r.problems.length}</h2>
<table><thead><tr><th>From</th><th>Code</th><th>Problem</th></tr></thead><tbody>
${r.problems.map((p) => `<tr>${cell(p.source)}${cell(p.code)}<td>${esc(p.message)}</td></tr>`).join('\n')}
</tbody></table>`
}
</body></html>
`;
}
