import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../main/encoding/canonical-json.js';
import { hashWords } from '../../main/ceremony/hash-words.js';
import { lineHash } from '../../main/ceremony/transcript/transcript-chain.js';
import { GENESIS_PREV, TRANSCRIPT_FORMAT } from '../../main/ceremony/transcript/transcript-format.js';
import { renderTranscriptHtml } from '../../main/ceremony/transcript/transcript-html.js';
import type { TranscriptEvent, TranscriptOutput, TranscriptRecord } from '../../main/ceremony/transcript/transcript-record.js';

const sha = (s: string) => createHash('sha256').update(s).digest('hex');
const scriptSha = sha('script');
const certSha = sha('certificate');
const crlSha = sha('crl');

/** Chains events the way TranscriptWriter does, without a file. */
function chain(events: readonly TranscriptEvent[]): TranscriptRecord[] {
  let prev = GENESIS_PREV;
  return events.map((e, i) => {
    const r = { ...e, seq: i + 1, prev, time: new Date(Date.UTC(2026, 10, 28, 9, 0, i)).toISOString() } as TranscriptRecord;
    prev = lineHash(canonicalJson(r));
    return r;
  });
}

const outputs: TranscriptOutput[] = [
  { file: 'acme-root.pem', sha256: sha('pem'), bytes: 700 },
  { file: 'acme-root.der', sha256: certSha, bytes: 500 },
  { file: 'publication/acme-root.crt', sha256: sha('pub'), bytes: 500 },
];

const events: TranscriptEvent[] = [
  {
    type: 'started',
    format: TRANSCRIPT_FORMAT,
    ceremonyId: 'cer-0001',
    ceremony: 'acme-root-2026 <b>bold</b>',
    kind: 'root',
    rehearsal: true,
    dryRun: true,
    script: { path: '/media/script.yaml', sha256: scriptSha, words: hashWords(scriptSha), qrText: `HALLMARK-SCRIPT:${scriptSha}`, approvedHash: scriptSha },
    binding: { pkcs11: { module: '/usr/lib/softhsm/libsofthsm2.so', tokenSerial: '0123' } },
    participants: { administrator: 'Alice & Admin', custodians: ['Bob "Custodian"'], witnesses: ["Dave O'Witness"] },
    actor: 'alice',
    steps: [
      { id: 'generate', action: 'generate-key', acknowledge: ['administrator', 'witnesses'] },
      { id: 'sign', action: 'sign-root', acknowledge: ['administrator'] },
    ],
    plannedOutputs: ['acme-root.pem', 'acme-root.der', 'publication/acme-root.crt'],
  },
  { type: 'preflight', preflight: { clockUtc: '2026-11-28T09:00:00Z', appVersion: '0.9.0', networkInterfaces: [], token: { label: 'root', serial: '0123' } } },
  {
    type: 'step-started',
    step: 'generate',
    index: 0,
    say: 'Check the token. <script>alert(1)</script>',
    acknowledge: ['administrator', 'witnesses'],
    action: 'generate-key',
  },
  { type: 'acknowledged', step: 'generate', role: 'administrator', name: 'Alice & Admin', via: 'ack-file' },
  { type: 'acknowledged', step: 'generate', role: 'witnesses', name: "Dave O'Witness", via: 'terminal' },
  { type: 'exception', step: 'generate', role: 'witnesses', by: "Dave O'Witness", note: 'The seal on bag #7 was <torn>.' },
  {
    type: 'action',
    step: 'generate',
    action: 'generate-key',
    result: {
      label: 'acme-root-key',
      algorithm: 'ecdsa-p384',
      spkiSha256: sha('spki'),
      tokenSerial: '0123',
      tokenLabel: 'root',
      CKA_SENSITIVE: true,
      CKA_EXTRACTABLE: false,
    },
  },
  { type: 'step-completed', step: 'generate', index: 0 },
  { type: 'resumed', by: 'alice', committedSteps: 1, movedAside: ['acme-root.pem.interrupted'] },
  { type: 'step-started', step: 'sign', index: 1, say: 'Sign the root.', acknowledge: ['administrator'], action: 'sign-root' },
  { type: 'acknowledged', step: 'sign', role: 'administrator', name: 'Alice & Admin', via: 'ack-file' },
  { type: 'output', step: 'sign', file: 'acme-root.der', sha256: certSha, bytes: 500 },
  {
    type: 'action',
    step: 'sign',
    action: 'sign-root',
    result: {
      ca: 'acme-root',
      serial: '01ab',
      sha256: certSha,
      sha256Words: hashWords(certSha),
      notBefore: '2026-11-28T09:00:00.000Z',
      notAfter: '2046-11-28T09:00:00.000Z',
      lintWarnings: [],
      lintsSkipped: [],
    },
  },
  { type: 'action', step: 'sign', action: 'sign-crl', result: { ca: 'acme-root', crlNumber: 1, sha256: crlSha, sha256Words: hashWords(crlSha), revoked: [] } },
  { type: 'step-completed', step: 'sign', index: 1 },
];

const grouped = (hex: string) => hex.match(/.{4}/g)!.join(' ');

describe('the printable transcript', () => {
  const html = renderTranscriptHtml(chain(events), outputs);

  it('is one self-contained document: no script, no external resource, print CSS inline', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|https?:\/\//i);
    expect(html).toContain('@media print');
  });

  it('escapes everything that came from the records', () => {
    expect(html).toContain('Check the token. &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('acme-root-2026 &lt;b&gt;bold&lt;/b&gt;');
    expect(html).toContain('Alice &amp; Admin');
    expect(html).toContain('Bob &quot;Custodian&quot;');
    expect(html).toContain('Dave O&#39;Witness');
    expect(html).toContain('The seal on bag #7 was &lt;torn&gt;.');
    expect(html).not.toContain('<torn>');
  });

  it('prints every certificate and CRL fingerprint in hex groups and as words, and the script hash', () => {
    for (const hex of [certSha, crlSha, scriptSha]) {
      expect(html).toContain(grouped(hex.slice(0, 32)));
      expect(html).toContain(grouped(hex.slice(32)));
      const words = hashWords(hex);
      expect(html).toContain(` 1: ${words.slice(0, 4).join(' ')}`);
      expect(html).toContain(`29: ${words.slice(28, 32).join(' ')}`);
    }
    expect(html).toContain('acme-root: certificate SHA-256');
    expect(html).toContain('acme-root: CRL number 1 SHA-256');
  });

  it('shows the banners, key facts, acknowledgments, exceptions, resumes, outputs and a signature line per participant', () => {
    expect(html).toContain('REHEARSAL');
    expect(html).toContain('DRY RUN');
    expect(html).toMatch(/CKA_SENSITIVE<\/span><\/th><td><span class="keyfact">true/);
    expect(html).toMatch(/CKA_EXTRACTABLE<\/span><\/th><td><span class="keyfact">false/);
    expect(html).toContain('via terminal');
    expect(html).toContain('Exception noted');
    expect(html).toContain('acme-root.pem.interrupted');
    expect(html).toContain('publication/acme-root.crt');
    expect(html).toContain(grouped(sha('pub')));
    const signatures = html.slice(html.indexOf('<section class="signatures">'));
    for (const [name, role] of [
      ['Alice &amp; Admin', 'administrator'],
      ['Bob &quot;Custodian&quot;', 'custodian'],
      ['Dave O&#39;Witness', 'witness'],
    ])
      expect(signatures).toContain(`<td>${name}</td><td>${role}</td>`);
    expect(html).toContain('not completed: the record ends at line 15');
  });

  it('says ABORTED for an aborted ceremony', () => {
    const aborted = renderTranscriptHtml(
      chain([...events.slice(0, 4), { type: 'aborted', step: 'generate', code: 'CEREMONY_ACK_MISSING', message: 'no <ack>', by: 'alice' }]),
      [],
    );
    expect(aborted).toContain('ABORTED at step generate: CEREMONY_ACK_MISSING');
    expect(aborted).toContain('no &lt;ack&gt;');
  });
});
