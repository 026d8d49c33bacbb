import QRCode from 'qrcode';

export interface LabelSheetInput {
  readonly model: string;
  readonly hardwareSerial: string;
  readonly vendorId: string;
  readonly productId: string;
  readonly qrText: string;
  readonly manualCode: string;
  /** the factory data record this label belongs to (the station's id), printed so a replaced label can be told apart */
  readonly recordId: number;
  readonly generatedAt: string;
}

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The manual pairing code as printed on Matter labels: 4-3-4 digits. */
export function formatManualCode(code: string): string {
  return code.length === 11 ? `${code.slice(0, 4)}-${code.slice(4, 7)}-${code.slice(7)}` : code;
}

/** Pixels a QR module: a 33-module code (with its quiet zone) is 264 px, about 22 mm at 300 dpi. */
const PX = 8;

/**
 * The QR code of `text` as an SVG drawn from qrcode's module matrix: 4 modules of quiet
 * zone, each row's dark runs as one rectangle, in whole pixels with no scaling, so a
 * renderer that anti-aliases or ignores crispEdges (ImageMagick's) still draws sharp
 * modules without seams.
 */
export function qrSvg(text: string): string {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const q = 4;
  let d = '';
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n;) {
      if (!qr.modules.get(r, c)) {
        c++;
        continue;
      }
      let run = 1;
      while (c + run < n && qr.modules.get(r, c + run)) run++;
      d += `M${(c + q) * PX} ${(r + q) * PX}h${run * PX}v${PX}h-${run * PX}z`;
      c += run;
    }
  }
  const size = (n + 2 * q) * PX;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" width="${size}" height="${size}" shape-rendering="crispEdges" role="img" aria-label="Matter QR code"><rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}

/**
 * One device's printable Matter label sheet: self-contained HTML (inline CSS and SVG, no
 * scripts, a CSP that loads nothing) with the QR code of the `MT:` text and the manual
 * pairing code. It carries the device's setup passcode in both codes, so it is written
 * once, to the operator's label output, and never kept by the station.
 */
export function labelSheetHtml(l: LabelSheetInput): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Matter label ${esc(l.hardwareSerial)}</title>
<style>
body{font-family:sans-serif;margin:2cm}
.label{border:1px solid #000;display:inline-block;padding:8mm;text-align:center}
.code{font:bold 18pt monospace;letter-spacing:1pt}
.small{font-size:9pt;color:#333}
</style></head>
<body>
<div class="label">
<div>${qrSvg(l.qrText)}</div>
<div class="code">${esc(formatManualCode(l.manualCode))}</div>
<div class="small">${esc(l.model)} · ${esc(l.hardwareSerial)}</div>
<div class="small">VID ${esc(l.vendorId)} · PID ${esc(l.productId)}</div>
<div class="small"><code>${esc(l.qrText)}</code></div>
<div class="small">manual code ${esc(l.manualCode)} · factory record ${l.recordId} · ${esc(l.generatedAt)}</div>
</div>
</body></html>
`;
}
