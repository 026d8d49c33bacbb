import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { hashWords } from '../../main/ceremony/hash-words.js';
import { formatTranscriptVerification } from '../../main/ceremony/transcript/format-transcript-verification.js';
import { formatSha256Sums } from '../../main/ceremony/transcript/sha256-sums.js';
import { readTranscriptChain, TranscriptWriter } from '../../main/ceremony/transcript/transcript-chain.js';
import {
  SUMS_FILE,
  TRANSCRIPT_FILE,
  TRANSCRIPT_FORMAT,
  TRANSCRIPT_HTML_FILE,
  TRANSCRIPT_SIGNATURE_FILE,
} from '../../main/ceremony/transcript/transcript-format.js';
import { renderTranscriptHtml } from '../../main/ceremony/transcript/transcript-html.js';
import type { TranscriptOutput } from '../../main/ceremony/transcript/transcript-record.js';
import { verifyTranscript, type TranscriptVerification } from '../../main/ceremony/transcript/verify-transcript.js';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import type { SignedCertificate } from '../../main/x509/sign-certificate.js';
import { toPem } from '../support/pem.js';
import { runCli } from '../support/run-cli.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-transcript-');
let ws: Workspace;
let rootKey: SyncSigningKey;
let root: SignedCertificate;
let good: string;
let rootPem: string;
let otherPem: string;

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * A root ceremony's output medium, built the way the ceremony finishes (docs/ceremonies.md):
 * outputs → transcript.html → `completed` → transcript.jsonl.p7s by the CA key → SHA256SUMS.
 */
async function buildTranscriptDir(dir: string, opts: { signed: boolean }): Promise<void> {
  mkdirSync(join(dir, 'publication'), { recursive: true });
  const written: TranscriptOutput[] = [];
  const write = (file: string, data: Buffer | string) => {
    const buf = typeof data === 'string' ? Buffer.from(data) : data;
    writeFileSync(join(dir, file), buf, { flag: 'wx' });
    const o = { file, sha256: sha256(buf), bytes: buf.length };
    written.push(o);
    return o;
  };
  const t = TranscriptWriter.create(join(dir, TRANSCRIPT_FILE));
  const scriptSha = sha256('the script');
  t.append({
    type: 'started',
    format: TRANSCRIPT_FORMAT,
    ceremonyId: 'cer-test-1',
    ceremony: 'acme-root-2026',
    kind: 'root',
    rehearsal: true,
    dryRun: false,
    script: { path: '/media/acme-root.yaml', sha256: scriptSha, words: hashWords(scriptSha), qrText: `hallmark:${scriptSha}`, approvedHash: scriptSha },
    binding: { software: { passphrase: { env: 'HALLMARK_ROOT_PASSPHRASE' } } },
    participants: { administrator: 'Alice Admin', custodians: [], witnesses: ['Dave Witness'] },
    actor: 'alice',
    steps: [{ id: 'sign-root', action: 'sign-root', acknowledge: ['administrator', 'witnesses'] }],
    plannedOutputs: ['acme-root.der', 'acme-root.pem', 'publication/acme-root.crt', 'acme-root-crl-1.der'],
  });
  t.append({ type: 'preflight', preflight: { clockUtc: new Date().toISOString(), appVersion: 'test', token: null, networkInterfaces: [] } });
  t.append({
    type: 'step-started',
    step: 'sign-root',
    index: 0,
    say: 'Sign the root certificate.',
    acknowledge: ['administrator', 'witnesses'],
    action: 'sign-root',
  });
  t.append({ type: 'acknowledged', step: 'sign-root', role: 'administrator', name: 'Alice Admin', via: 'ack-file' });
  t.append({ type: 'acknowledged', step: 'sign-root', role: 'witnesses', name: 'Dave Witness', via: 'ack-file' });
  const der = root.certificate.der;
  for (const o of [write('acme-root.der', der), write('acme-root.pem', toPem(der)), write('publication/acme-root.crt', der)])
    t.append({ type: 'output', step: 'sign-root', ...o });
  t.append({
    type: 'action',
    step: 'sign-root',
    action: 'sign-root',
    result: {
      ca: 'acme-root',
      serial: root.certificate.serial.toString('hex'),
      sha256: root.certificate.sha256,
      sha256Words: hashWords(root.certificate.sha256),
    },
  });
  const crl = await issueCrl(ws, { ca: 'acme-root', caKey: rootKey, nextUpdateDays: 30, actor: 'alice' });
  const crlOut = write('acme-root-crl-1.der', crl.der);
  t.append({ type: 'output', step: 'sign-root', ...crlOut });
  t.append({ type: 'step-completed', step: 'sign-root', index: 0 });

  const html = write(TRANSCRIPT_HTML_FILE, renderTranscriptHtml(readTranscriptChain(readFileSync(join(dir, TRANSCRIPT_FILE))).records, written));
  t.append({
    type: 'completed',
    outputs: [...written],
    signedBy: opts.signed
      ? { key: rootKey.label, algorithm: rootKey.algorithm, spkiSha256: sha256(rootKey.spki), certificateSha256: root.certificate.sha256 }
      : null,
    auditHead: ws.audit.head() ? { seq: ws.audit.head()!.seq, hash: ws.audit.head()!.hash } : null,
    extra: {},
  });
  t.close();
  expect(html.file).toBe(TRANSCRIPT_HTML_FILE);
  const jsonl = readFileSync(join(dir, TRANSCRIPT_FILE));
  const sums: TranscriptOutput[] = [...written, { file: TRANSCRIPT_FILE, sha256: sha256(jsonl), bytes: jsonl.length }];
  if (opts.signed) {
    const p7s = await signDetachedCms({ content: jsonl, signer: rootKey, signerCertificate: root.certificate.der, chain: [], signingTime: new Date() });
    writeFileSync(join(dir, TRANSCRIPT_SIGNATURE_FILE), p7s, { flag: 'wx' });
    sums.push({ file: TRANSCRIPT_SIGNATURE_FILE, sha256: sha256(p7s), bytes: p7s.length });
  }
  writeFileSync(join(dir, SUMS_FILE), formatSha256Sums(sums), { flag: 'wx' });
}

let copies = 0;
function copyOfGood(): string {
  const dir = join(tmp.path, `copy-${++copies}`);
  cpSync(good, dir, { recursive: true });
  return dir;
}

const failed = (v: TranscriptVerification) => v.checks.filter((c) => !c.ok).map((c) => c.name);
const check = (v: TranscriptVerification, name: string) => v.checks.find((c) => c.name === name)!;
const trust = () => [root.certificate.der];

beforeAll(async () => {
  ws = Workspace.init(join(tmp.path, 'ws'), 'alice').workspace;
  rootKey = await newSoftwareKey(ws, 'acme-root-key', 'ecdsa-p384');
  root = await createRootCa(ws, {
    name: 'acme-root',
    subject: parseSubject('O=Acme,CN=Acme Device Root 2026'),
    key: rootKey,
    validityDays: 3650,
    actor: 'alice',
  });
  const otherKey = await newSoftwareKey(ws, 'other-root-key', 'ecdsa-p256');
  // Same name, another key: a trust file with the right subject is not enough.
  const other = await createRootCa(ws, {
    name: 'other-root',
    subject: parseSubject('O=Acme,CN=Acme Device Root 2026'),
    key: otherKey,
    validityDays: 3650,
    actor: 'alice',
  });
  rootPem = join(tmp.path, 'root.pem');
  otherPem = join(tmp.path, 'other.pem');
  writeFileSync(rootPem, toPem(root.certificate.der));
  writeFileSync(otherPem, toPem(other.certificate.der));
  good = join(tmp.path, 'good');
  await buildTranscriptDir(good, { signed: true });
}, 60_000);

afterAll(() => {
  ws?.close();
  tmp.dispose();
});

describe('verify-transcript', () => {
  it('passes every check on an untouched directory', () => {
    const v = verifyTranscript(good, { trust: trust() });
    expect(v.checks.map((c) => [c.name, c.ok])).toEqual([
      ['chain', true],
      ['complete', true],
      ['outputs', true],
      ['sums', true],
      ['signature', true],
      ['trust', true],
      ['extra-files', true],
    ]);
    expect(v.ok).toBe(true);
    expect(v.ceremony).toEqual({ id: 'cer-test-1', name: 'acme-root-2026', kind: 'root' });
    expect(v.signer).toEqual({
      subject: expect.stringContaining('Acme Device Root 2026'),
      sha256: root.certificate.sha256,
      words: hashWords(root.certificate.sha256),
    });
    expect(formatTranscriptVerification(v)).toMatch(/^VERIFIED: /);
    // without --trust there is no trust check at all, rather than a silent pass
    expect(verifyTranscript(good).checks.map((c) => c.name)).not.toContain('trust');
  });

  it('is what coreutils and openssl accept: sha256sum -c SHA256SUMS, openssl cms -verify over transcript.jsonl', () => {
    const sums = spawnSync('sha256sum', ['--strict', '-c', SUMS_FILE], { cwd: good, encoding: 'utf8' });
    expect(sums.stderr).toBe('');
    expect(sums.status).toBe(0);
    expect(sums.stdout).toContain('publication/acme-root.crt: OK');
    expect(sums.stdout).toContain(`${TRANSCRIPT_SIGNATURE_FILE}: OK`);
    const cms = spawnSync(
      'openssl',
      [
        'cms',
        '-verify',
        '-binary',
        '-inform',
        'DER',
        '-in',
        TRANSCRIPT_SIGNATURE_FILE,
        '-content',
        TRANSCRIPT_FILE,
        '-CAfile',
        rootPem,
        '-purpose',
        'any',
        '-out',
        '/dev/null',
      ],
      { cwd: good, encoding: 'utf8' },
    );
    expect(cms.stderr).toContain('Verification successful');
    expect(cms.status).toBe(0);
  });

  it('one byte changed in an output: outputs and sums fail naming that file', () => {
    const dir = copyOfGood();
    const file = join(dir, 'publication/acme-root.crt');
    const bytes = readFileSync(file);
    bytes[bytes.length - 1]! ^= 0x01;
    writeFileSync(file, bytes);
    const v = verifyTranscript(dir, { trust: trust() });
    expect(failed(v)).toEqual(['outputs', 'sums']);
    expect(check(v, 'outputs').files).toEqual(['publication/acme-root.crt']);
    expect(check(v, 'outputs').detail).toMatch(/publication\/acme-root\.crt: CHANGED/);
    expect(check(v, 'sums').files).toEqual(['publication/acme-root.crt']);
    expect(spawnSync('sha256sum', ['-c', SUMS_FILE], { cwd: dir }).status).not.toBe(0);
  });

  it('a missing output is named by outputs and sums', () => {
    const dir = copyOfGood();
    spawnSync('rm', [join(dir, 'acme-root.pem')]);
    const v = verifyTranscript(dir);
    expect(failed(v)).toEqual(['outputs', 'sums']);
    expect(check(v, 'outputs').detail).toContain('acme-root.pem: MISSING');
  });

  it('one transcript line changed: chain fails naming the line, and the signature fails', () => {
    const dir = copyOfGood();
    const path = join(dir, TRANSCRIPT_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    expect(lines[4]).toContain('"Dave Witness"');
    lines[4] = lines[4]!.replace('"Dave Witness"', '"Mallory Fake"');
    writeFileSync(path, lines.join('\n'));
    const v = verifyTranscript(dir, { trust: trust() });
    expect(check(v, 'chain').ok).toBe(false);
    // line 5 was edited canonically, so it is line 6 whose prev no longer matches: both are named
    expect(check(v, 'chain').detail).toMatch(/^transcript\.jsonl line 6: prev does not match the SHA-256 of line 5/);
    expect(check(v, 'chain').files).toEqual(['transcript.jsonl:5', 'transcript.jsonl:6']);
    expect(check(v, 'signature').ok).toBe(false);
    expect(check(v, 'signature').detail).toMatch(/messageDigest does not match/);
    expect(check(v, 'sums').files).toEqual([TRANSCRIPT_FILE]);
    expect(check(v, 'complete').ok).toBe(false);
  });

  it('an extra file is named by extra-files, in a subfolder too', () => {
    const dir = copyOfGood();
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    writeFileSync(join(dir, 'publication', 'rogue.crt'), 'x');
    mkdirSync(join(dir, 'empty'));
    const v = verifyTranscript(dir);
    expect(failed(v)).toEqual(['extra-files']);
    expect(check(v, 'extra-files').files).toEqual(['empty', 'notes.txt', 'publication/rogue.crt']);
  });

  it('a root that is not the signer: trust fails', () => {
    const v = verifyTranscript(good, { trust: [readPemDer(otherPem)] });
    expect(failed(v)).toEqual(['trust']);
    expect(check(v, 'trust').detail).toMatch(/does not chain to a trusted certificate/);
  });

  it('an interrupted ceremony: complete says where it stopped', () => {
    const dir = copyOfGood();
    const path = join(dir, TRANSCRIPT_FILE);
    const lines = readFileSync(path, 'utf8').split('\n');
    writeFileSync(path, `${lines.slice(0, 6).join('\n')}\n`);
    const v = verifyTranscript(dir);
    expect(check(v, 'chain').ok).toBe(true);
    expect(check(v, 'complete').detail).toMatch(/^interrupted during step 1 "sign-root" \(not committed\): the last record is line 6/);
    expect(check(v, 'signature').ok).toBe(false);
  });

  it('a ceremony without a CA key: signature passes as unsigned, a stray .p7s is an extra file', async () => {
    const dir = join(tmp.path, 'unsigned');
    await buildTranscriptDir(dir, { signed: false });
    const v = verifyTranscript(dir);
    expect(v.ok).toBe(true);
    expect(check(v, 'signature').detail).toBe('unsigned: the ceremony had no CA key');
    writeFileSync(join(dir, TRANSCRIPT_SIGNATURE_FILE), readFileSync(join(good, TRANSCRIPT_SIGNATURE_FILE)));
    expect(check(verifyTranscript(dir), 'extra-files').files).toEqual([TRANSCRIPT_SIGNATURE_FILE]);
  }, 30_000);

  it('never throws on a directory that is not a transcript', () => {
    const v = verifyTranscript(join(tmp.path, 'does-not-exist'), { trust: [Buffer.from('junk')] });
    expect(v.ok).toBe(false);
    expect(v.ceremony).toBeNull();
    expect(failed(v)).toEqual(['chain', 'complete', 'outputs', 'sums', 'signature', 'trust', 'extra-files']);
  });
});

describe('hallmark ceremony verify-transcript (CLI, no workspace)', () => {
  it('exits 0 with a text report when every check passes, and prints --json', async () => {
    const ok = await runCli(['ceremony', 'verify-transcript', good, '--trust', rootPem], { HALLMARK_HOME: join(tmp.path, 'no-workspace-here') });
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^VERIFIED: /);
    expect(ok.stdout).toContain(`PASS  trust`);
    const json = await runCli(['ceremony', 'verify-transcript', good, '--json']);
    expect(json.code).toBe(0);
    expect((JSON.parse(json.stdout) as TranscriptVerification).ok).toBe(true);
  }, 60_000);

  it('exits 1 naming the failed checks: a changed output, a wrong trust root', async () => {
    const dir = copyOfGood();
    const file = join(dir, 'acme-root.der');
    const bytes = readFileSync(file);
    bytes[10]! ^= 0xff;
    writeFileSync(file, bytes);
    const changed = await runCli(['ceremony', 'verify-transcript', dir]);
    expect(changed.code).toBe(1);
    expect(changed.stdout).toMatch(/FAIL {2}outputs .*acme-root\.der: CHANGED/);
    expect(changed.stderr).toBe('error: CEREMONY_TRANSCRIPT_INVALID: 2 check(s) failed: outputs, sums\n');
    const wrongTrust = await runCli(['ceremony', 'verify-transcript', good, '--trust', otherPem]);
    expect(wrongTrust.code).toBe(1);
    expect(wrongTrust.stderr).toContain('1 check(s) failed: trust');
    const badTrustFile = await runCli(['ceremony', 'verify-transcript', good, '--trust', join(good, TRANSCRIPT_FILE)]);
    expect(badTrustFile.code).toBe(2);
  }, 60_000);
});

function readPemDer(path: string): Buffer {
  const m = /-----BEGIN CERTIFICATE-----([\s\S]+?)-----END CERTIFICATE-----/.exec(readFileSync(path, 'utf8'))!;
  return Buffer.from(m[1]!.replace(/\s+/g, ''), 'base64');
}
