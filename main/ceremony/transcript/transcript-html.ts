import { canonicalJson, type JsonValue } from '../../encoding/canonical-json.js';
import { hashWords } from '../hash-words.js';
import { lineHash } from './transcript-chain.js';
import { TRANSCRIPT_FILE } from './transcript-format.js';
import type { TranscriptOutput, TranscriptRecord } from './transcript-record.js';

type Rec<T extends TranscriptRecord['type']> = Extract<TranscriptRecord, { type: T }>;

/**
 * The printable transcript: one self-contained HTML page (no script, no external
 * resource, inline CSS) that the participants read, compare aloud and sign on paper.
 * Everything that came from the records is escaped: a script's `say` text or a subject
 * name is data, never markup. Fingerprints are printed large, in hex groups of four and
 * as the word list, because that is what a witness reads out against another screen.
 */
export function renderTranscriptHtml(records: readonly TranscriptRecord[], outputs: readonly TranscriptOutput[]): string {
  const started = records.find((r): r is Rec<'started'> => r.type === 'started');
  const completed = records.find((r): r is Rec<'completed'> => r.type === 'completed');
  const aborted = records.filter((r): r is Rec<'aborted'> => r.type === 'aborted').at(-1);
  const title = started ? `${started.ceremony} — ceremony transcript` : 'Ceremony transcript';
  const last = records.at(-1);

  const body: string[] = [];
  body.push(`<header><h1>${esc(started?.ceremony ?? 'Unnamed ceremony')}</h1>`);
  body.push(
    table([
      ['kind', esc(started?.kind ?? '—')],
      ['ceremony id', code(started?.ceremonyId ?? '—')],
      ['format', code(started?.format ?? '—')],
      ['started (UTC)', esc(started?.time ?? '—')],
      ['run by', esc(started?.actor ?? '—')],
      ['status', statusText(completed, aborted, last)],
    ]),
  );
  body.push('</header>');
  if (started?.rehearsal)
    body.push(
      '<p class="banner">REHEARSAL — acknowledgments were read from an ack file, not typed by the participants. This is not a production ceremony.</p>',
    );
  if (started?.dryRun) body.push('<p class="banner">DRY RUN — run against a throw-away copy of the workspace. Nothing here exists in the real workspace.</p>');
  if (!started) body.push('<p class="banner">The transcript has no "started" record.</p>');

  if (started) {
    body.push('<section><h2>Script</h2>');
    body.push(
      table([
        ['path', code(started.script.path)],
        ['approved hash', code(started.script.approvedHash)],
        ['QR text', code(started.script.qrText)],
      ]),
    );
    body.push(fingerprint('script SHA-256', started.script.sha256, started.script.words));
    body.push('</section>');

    body.push('<section><h2>Participants</h2>');
    body.push(
      rows(
        ['role', 'name'],
        participantList(started).map((p) => [esc(p.role), esc(p.name)]),
      ),
    );
    body.push('</section>');

    body.push('<section><h2>Binding</h2>');
    // Approved with the script since issue 18: its own fingerprint, when the record has it.
    const b = started.binding as { sha256?: unknown; words?: unknown; path?: unknown; approvedHash?: unknown };
    if (typeof b === 'object' && b !== null && typeof b.sha256 === 'string' && /^[0-9a-f]{64}$/.test(b.sha256)) {
      body.push(
        table([
          ['path', code(typeof b.path === 'string' ? b.path : '—')],
          ['approved hash', code(typeof b.approvedHash === 'string' ? b.approvedHash : '—')],
        ]),
      );
      body.push(fingerprint('binding SHA-256', b.sha256, Array.isArray(b.words) && b.words.every((w) => typeof w === 'string') ? b.words : undefined));
    }
    body.push(jsonValue(started.binding));
    body.push('<h3>Steps planned</h3>');
    body.push(
      rows(
        ['#', 'step', 'action', 'acknowledged by'],
        started.steps.map((s, i) => [String(i + 1), code(s.id), esc(s.action ?? '—'), esc(s.acknowledge.join(', ') || '—')]),
      ),
    );
    // Records read back from a file are not schema-checked: a missing list prints as none rather than failing the printout.
    const planned = (started as { plannedOutputs?: readonly string[] }).plannedOutputs ?? [];
    body.push(`<h3>Outputs planned</h3>${planned.length ? `<p>${planned.map(code).join(', ')}</p>` : '<p>none</p>'}`);
    body.push('</section>');
  }

  body.push('<section><h2>Record</h2>');
  body.push(timeline(records));
  body.push('</section>');

  body.push('<section><h2>Outputs</h2>');
  const listed = outputs.length > 0 ? outputs : (completed?.outputs ?? []);
  body.push(
    listed.length === 0
      ? '<p>No outputs.</p>'
      : rows(
          ['file', 'bytes', 'SHA-256'],
          [...listed]
            .sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0))
            .map((o) => [code(o.file), String(o.bytes), `<span class="hex">${groupedHex(o.sha256)}</span>`]),
        ),
  );
  if (completed) {
    body.push('<h3>Signature of the record</h3>');
    body.push(
      completed.signedBy
        ? table([
            ['signing key', esc(completed.signedBy.key)],
            ['algorithm', esc(completed.signedBy.algorithm)],
            ['key (SPKI) SHA-256', `<span class="hex">${groupedHex(completed.signedBy.spkiSha256)}</span>`],
            ['certificate SHA-256', `<span class="hex">${groupedHex(completed.signedBy.certificateSha256)}</span>`],
          ])
        : '<p>Unsigned: the ceremony had no CA key.</p>',
    );
    if (completed.auditHead)
      body.push(table([['workspace audit head', `seq ${completed.auditHead.seq}, <span class="hex">${groupedHex(completed.auditHead.hash)}</span>`]]));
  }
  if (last) {
    body.push(
      `<p class="chain">This printout was made from records 1–${last.seq} of ${esc(TRANSCRIPT_FILE)}; the SHA-256 of line ${last.seq} is <span class="hex">${groupedHex(lineHash(canonicalJson(last)))}</span>. ` +
        `Check the file with <code>hallmark ceremony verify-transcript</code>.</p>`,
    );
  }
  body.push('</section>');

  if (started) {
    body.push('<section class="signatures"><h2>Signatures</h2>');
    body.push(
      '<p>By signing, each participant confirms that this printout matches what happened at the ceremony and that the fingerprints above were read aloud and compared.</p>',
    );
    body.push(
      rows(
        ['name', 'role', 'signature', 'date'],
        participantList(started).map((p) => [esc(p.name), esc(p.role), '<span class="line"></span>', '<span class="line short"></span>']),
        'sign',
      ),
    );
    body.push('</section>');
  }

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
${body.join('\n')}
</body>
</html>
`;
}

const CSS = `
body { font: 11pt/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: #111; max-width: 60em; margin: 2em auto; padding: 0 1em; }
h1 { font-size: 20pt; margin: 0 0 .3em; }
h2 { font-size: 14pt; border-bottom: 2px solid #111; padding-bottom: .1em; margin-top: 1.6em; }
h3 { font-size: 12pt; margin: 1em 0 .3em; }
table { border-collapse: collapse; width: 100%; margin: .4em 0; }
th, td { text-align: left; vertical-align: top; border: 1px solid #999; padding: .25em .5em; }
th { background: #eee; }
table.kv th { width: 13em; font-weight: 600; }
code, .hex, .words { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; overflow-wrap: anywhere; }
.banner { border: 3px solid #b00; color: #b00; font-weight: 700; padding: .5em .8em; font-size: 13pt; }
.status-completed { color: #060; font-weight: 700; }
.status-failed { color: #b00; font-weight: 700; }
.fingerprint { border: 2px solid #111; padding: .5em .8em; margin: .6em 0; page-break-inside: avoid; break-inside: avoid; }
.fingerprint .label { font-weight: 700; }
.fingerprint .big { font-family: "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 17pt; font-weight: 700; letter-spacing: .04em; line-height: 1.5; margin: .2em 0; }
.fingerprint .words { font-size: 12pt; white-space: pre; line-height: 1.5; }
.step, .event { border: 1px solid #999; padding: .5em .8em; margin: .8em 0; page-break-inside: avoid; break-inside: avoid; }
.step h3 { margin-top: 0; }
.say { white-space: pre-wrap; background: #f6f6f6; border-left: 4px solid #666; padding: .4em .6em; }
.exception { border: 2px solid #b60; padding: .3em .6em; margin: .4em 0; }
.aborted { border: 3px solid #b00; }
.keyfact { font-weight: 700; }
.chain { font-size: 9.5pt; }
table.sign td { height: 2.6em; }
.line { display: inline-block; width: 16em; border-bottom: 1px solid #111; }
.line.short { width: 8em; }
@media print {
  body { margin: 0; max-width: none; font-size: 10pt; }
  @page { size: A4; margin: 15mm 14mm; }
  h2 { page-break-after: avoid; break-after: avoid; }
  .signatures { page-break-before: always; break-before: page; }
  .banner, .status-failed { color: #000; }
  th { background: none; }
}
`;

function statusText(completed: Rec<'completed'> | undefined, aborted: Rec<'aborted'> | undefined, last: TranscriptRecord | undefined): string {
  if (completed) return `<span class="status-completed">completed ${esc(completed.time)}</span>`;
  if (aborted) return `<span class="status-failed">ABORTED at step ${esc(aborted.step ?? '(before the first step)')}: ${esc(aborted.code)}</span>`;
  if (last) return `<span class="status-failed">not completed: the record ends at line ${last.seq} (${esc(last.type)})</span>`;
  return '<span class="status-failed">empty</span>';
}

function participantList(started: Rec<'started'>): { role: string; name: string }[] {
  return [
    { role: 'administrator', name: started.participants.administrator },
    ...started.participants.custodians.map((name) => ({ role: 'custodian', name })),
    ...started.participants.witnesses.map((name) => ({ role: 'witness', name })),
  ];
}

/** Every record after `started`, in order, grouped under the step it belongs to. */
function timeline(records: readonly TranscriptRecord[]): string {
  const out: string[] = [];
  let open = false;
  const close = () => {
    if (open) out.push('</div>');
    open = false;
  };
  for (const r of records) {
    switch (r.type) {
      case 'started':
        break;
      case 'preflight':
        close();
        out.push(`<div class="event"><h3>Pre-flight <small>${esc(r.time)}</small></h3>${jsonValue(r.preflight)}</div>`);
        break;
      case 'input':
        close();
        out.push(`<div class="event"><h3>Input: ${esc(r.name)} <small>${esc(r.time)}</small></h3>${jsonValue(r.facts)}</div>`);
        break;
      case 'step-started':
        close();
        open = true;
        out.push(
          `<div class="step"><h3>Step ${r.index + 1}: ${esc(r.step)}${r.action ? ` — ${esc(r.action)}` : ''} <small>started ${esc(r.time)}</small></h3>`,
        );
        out.push(`<div class="say">${esc(r.say)}</div>`);
        if (r.acknowledge.length > 0) out.push(`<p>To be acknowledged by: ${esc(r.acknowledge.join(', '))}</p>`);
        break;
      case 'acknowledged':
        out.push(
          `<table class="ack"><tr><th>acknowledged</th><td>${esc(r.role)}</td><td>${esc(r.name)}</td><td>${esc(r.time)}</td><td>via ${esc(r.via)}</td>${r.step !== currentStep(records, r) ? `<td>step ${esc(r.step)}</td>` : ''}</tr></table>`,
        );
        break;
      case 'exception':
        out.push(
          `<div class="exception"><strong>Exception noted</strong> by ${esc(r.by)} (${esc(r.role)}) at ${esc(r.time)}${r.step ? `, step ${esc(r.step)}` : ''}:<div class="say">${esc(r.note)}</div></div>`,
        );
        break;
      case 'output':
        out.push(`<p>Wrote ${code(r.file)} (${r.bytes} bytes), SHA-256 <span class="hex">${groupedHex(r.sha256)}</span></p>`);
        break;
      case 'review':
        out.push(
          `<h4>Reviewed before signing (to-be-signed certificate, key SPKI SHA-256 <span class="hex">${groupedHex(r.spkiSha256)}</span>)</h4>${jsonValue(r.certificate)}<h4>Lint results</h4>${jsonValue(r.lints)}`,
        );
        break;
      case 'action':
        out.push(`<h4>Result of ${esc(r.action)}</h4>${jsonValue(r.result)}`);
        break;
      case 'step-completed':
        out.push(`<p>Step ${esc(r.step)} committed to the workspace at ${esc(r.time)}.</p>`);
        close();
        break;
      case 'resumed':
        close();
        out.push(
          `<div class="event"><h3>Resumed <small>${esc(r.time)}</small></h3>${table([
            ['by', esc(r.by)],
            ['steps already committed', String(r.committedSteps)],
            ['moved aside', r.movedAside.length ? r.movedAside.map(code).join('<br>') : 'nothing'],
          ])}</div>`,
        );
        break;
      case 'aborted':
        close();
        out.push(
          `<div class="event aborted"><h3>ABORTED <small>${esc(r.time)}</small></h3>${table([
            ['step', esc(r.step ?? '(before the first step)')],
            ['by', esc(r.by)],
            ['code', code(r.code)],
            ['message', esc(r.message)],
          ])}</div>`,
        );
        break;
      case 'stopped':
        close();
        out.push(
          `<div class="event aborted"><h3>Stopped — the ceremony stayed open <small>${esc(r.time)}</small></h3>${table([
            ['step', esc(r.step ?? '(before the first step)')],
            ['code', code(r.code)],
            ['message', esc(r.message)],
          ])}</div>`,
        );
        break;
      case 'completed':
        close();
        out.push(`<div class="event"><h3>Completed <small>${esc(r.time)}</small></h3>${Object.keys(r.extra).length ? jsonValue(r.extra) : ''}</div>`);
        break;
      default:
        close();
        out.push(`<div class="event"><h3>Record ${(r as TranscriptRecord).seq}</h3>${jsonValue(r)}</div>`);
    }
  }
  close();
  return out.join('\n');
}

/** The step whose block a record is printed in (a rehearsal comparison acknowledges under its own id). */
function currentStep(records: readonly TranscriptRecord[], at: TranscriptRecord): string | null {
  let step: string | null = null;
  for (const r of records) {
    if (r === at) return step;
    if (r.type === 'step-started') step = r.step;
  }
  return step;
}

/**
 * Any record value, whatever its shape, so a new action's result prints without a change
 * here: certificate and CRL fingerprints (`sha256` with `sha256Words`) as large blocks,
 * key attributes read back from a token (CKA_*) in bold, everything else as key/value tables.
 */
function jsonValue(v: JsonValue | undefined, key?: string): string {
  if (v === null || v === undefined) return '<em>none</em>';
  if (typeof v === 'string') {
    if (/^[0-9a-f]{64}$/.test(v) && key !== undefined && /sha256|hash/i.test(key)) return `<span class="hex">${groupedHex(v)}</span>`;
    return esc(v);
  }
  if (typeof v === 'number' || typeof v === 'boolean') return esc(String(v));
  if (Array.isArray(v)) {
    if (v.length === 0) return '<em>none</em>';
    if (v.every((x) => typeof x !== 'object' || x === null)) return esc(v.map((x) => String(x)).join(', '));
    return `<ol>${v.map((x) => `<li>${jsonValue(x)}</li>`).join('')}</ol>`;
  }
  const entries = Object.entries(v);
  if (entries.length === 0) return '<em>none</em>';
  const parts: string[] = [];
  const sha = typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) ? v.sha256 : null;
  if (sha) {
    const words = Array.isArray(v.sha256Words) && v.sha256Words.every((w) => typeof w === 'string') ? v.sha256Words : undefined;
    const what = typeof v.crlNumber === 'number' ? `CRL number ${v.crlNumber} SHA-256` : typeof v.serial === 'string' ? 'certificate SHA-256' : 'SHA-256';
    parts.push(fingerprint(typeof v.ca === 'string' ? `${v.ca}: ${what}` : key !== undefined ? `${key} ${what}` : what, sha, words));
  }
  const rowsOut: [string, string][] = [];
  for (const [k, value] of entries) {
    if (sha && (k === 'sha256' || k === 'sha256Words')) continue;
    const rendered = jsonValue(value, k);
    rowsOut.push([
      k.startsWith('CKA_') ? `<span class="keyfact">${esc(k)}</span>` : esc(k),
      k.startsWith('CKA_') ? `<span class="keyfact">${rendered}</span>` : rendered,
    ]);
  }
  if (rowsOut.length) parts.push(`<table class="kv">${rowsOut.map(([k, val]) => `<tr><th>${k}</th><td>${val}</td></tr>`).join('')}</table>`);
  return parts.join('');
}

/** A fingerprint as it is read aloud: hex in groups of four, eight groups a line, and the 32 words numbered four to a line. */
function fingerprint(label: string, hex: string, recordedWords?: readonly string[]): string {
  const words = hashWords(hex);
  const lines: string[] = [];
  for (let i = 0; i < words.length; i += 4) lines.push(`${String(i + 1).padStart(2, ' ')}: ${words.slice(i, i + 4).join(' ')}`);
  const mismatch = recordedWords !== undefined && recordedWords.join(' ') !== words.join(' ');
  const hexLines = (hex.match(/.{1,32}/g) ?? []).map((l) => groupedHex(l));
  return (
    `<div class="fingerprint"><div class="label">${esc(label)}</div>` +
    `<div class="big">${hexLines.join('<br>')}</div>` +
    `<div class="words">${esc(lines.join('\n'))}</div>` +
    (mismatch ? `<p class="status-failed">The recorded word list (${esc(recordedWords.join(' '))}) does not match this SHA-256.</p>` : '') +
    '</div>'
  );
}

function groupedHex(hex: string): string {
  return esc((hex.match(/.{1,4}/g) ?? []).join(' '));
}

function table(pairs: readonly [string, string][]): string {
  return `<table class="kv">${pairs.map(([k, v]) => `<tr><th>${esc(k)}</th><td>${v}</td></tr>`).join('')}</table>`;
}

function rows(head: readonly string[], body: readonly (readonly string[])[], cls?: string): string {
  return `<table${cls ? ` class="${cls}"` : ''}><thead><tr>${head.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
}

function code(s: string): string {
  return `<code>${esc(s)}</code>`;
}

function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
