import QRCode from 'qrcode';
import type { KeyAlgorithm } from '../key-algorithm.js';

/**
 * The printable sheet a custodian keeps: one self-contained HTML page (no script, no
 * external resource, a CSP that forbids both) with the share as QR code(s) and as text
 * to type back. Big RSA shares would need a QR code no phone can read, so the lines are
 * split over several codes of at most LINES_PER_QR lines; scanned in order they give the
 * same text.
 */
export const LINES_PER_QR = 20;

export interface ShareSheetFacts {
  readonly label: string;
  readonly algorithm: KeyAlgorithm;
  readonly custodian: string;
  readonly index: number;
  readonly threshold: number;
  readonly total: number;
  readonly spkiSha256: string;
  readonly shareSha256: string;
  readonly createdAt: string;
  readonly lines: readonly string[];
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const grouped = (hex: string): string => hex.match(/.{1,4}/g)?.join(' ') ?? hex;

export async function renderShareSheet(f: ShareSheetFacts): Promise<string> {
  const chunks: string[][] = [];
  for (let i = 0; i < f.lines.length; i += LINES_PER_QR) chunks.push(f.lines.slice(i, i + LINES_PER_QR));
  const qrs = await Promise.all(
    chunks.map(async (chunk, i) => {
      const svg = await QRCode.toString(chunk.join('\n'), { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
      const first = i * LINES_PER_QR + 1;
      const caption = chunks.length > 1 ? `QR ${i + 1} of ${chunks.length}: lines ${first}–${first + chunk.length - 1}` : `QR: all ${chunk.length} lines`;
      return `<figure class="qr">${svg}<figcaption>${caption}</figcaption></figure>`;
    }),
  );
  const rows = f.lines
    .map((line, i) => {
      const check = line.slice(-2);
      const body = line.slice(0, -2);
      return `<tr><th>${i + 1}</th><td class="line">${escapeHtml(body)}<span class="check">${escapeHtml(check)}</span></td></tr>`;
    })
    .join('\n');
  const date = f.createdAt.slice(0, 10);
  const title = `Hallmark key share ${f.index} of ${f.total} for ${f.label} (${f.custodian})`;

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 11pt/1.4 system-ui, sans-serif; margin: 2em; color: #000; }
  h1 { font-size: 16pt; margin: 0 0 .5em; }
  table.facts th { text-align: left; padding-right: 1em; font-weight: 600; vertical-align: top; }
  code, .mono, td.line { font-family: "DejaVu Sans Mono", Consolas, monospace; }
  .qrs { display: flex; flex-wrap: wrap; gap: 1em; margin: 1em 0; }
  figure.qr { margin: 0; width: 7cm; break-inside: avoid; }
  figure.qr svg { width: 7cm; height: 7cm; }
  figcaption { font-size: 9pt; text-align: center; }
  table.text { border-collapse: collapse; font-size: 12pt; }
  table.text th { color: #666; font-weight: normal; padding-right: 1em; text-align: right; user-select: none; }
  td.line { white-space: pre; letter-spacing: .08em; }
  td.line .check { margin-left: .6em; padding: 0 .2em; border: 1px solid #999; }
  .warn { border: 2px solid #000; padding: .5em 1em; }
  @media print { body { margin: 1cm; } }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<table class="facts">
<tr><th>Custodian</th><td>${escapeHtml(f.custodian)}</td></tr>
<tr><th>Key label</th><td><code>${escapeHtml(f.label)}</code> (${escapeHtml(f.algorithm)})</td></tr>
<tr><th>Share</th><td>${f.index} of ${f.total}; any ${f.threshold} shares rebuild the key</td></tr>
<tr><th>Key SPKI SHA-256</th><td class="mono">${grouped(f.spkiSha256)}</td></tr>
<tr><th>Share SHA-256</th><td class="mono">${grouped(f.shareSha256)}</td></tr>
<tr><th>Created (UTC)</th><td>${escapeHtml(date)}</td></tr>
</table>

<p class="warn">This share is encrypted to <strong>${escapeHtml(f.custodian)}</strong>'s passphrase. Never write the passphrase on this sheet
or store the two together. Alone, this sheet cannot rebuild the key; ${f.threshold} shares and their passphrases can.</p>

<div class="qrs">
${qrs.join('\n')}
</div>

<h2>Share text</h2>
<table class="text">
${rows}
</table>

<h2>Using this share</h2>
<ol>
<li>At the key ceremony, scan the QR code${qrs.length > 1 ? 's in order' : ''} or type the lines exactly as printed, one per line. Case, spaces and dashes do not matter; O is read as 0 and I or L as 1.</li>
<li>The two boxed characters at the end of each line check that line. If Hallmark reports a typo on a line, compare that line with this sheet again.</li>
<li>Before using the share, check that the key SPKI SHA-256 above matches the one in the ceremony transcript.</li>
<li>Keep this sheet sealed and apart from the other custodians' sheets. Report a lost or exposed sheet to the key's owner: the key should then be re-shared.</li>
</ol>
</body>
</html>
`;
}
