import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { networkInterfaces } from 'node:os';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, FINISHED_FILES, readTranscript } from '../support/transcript.js';

/**
 * Ceremonies end to end through the CLI on SoftHSM: the shipped example scripts, with
 * only the pre-flight network rule relaxed (this test machine has interfaces up), a
 * binding naming the test token by serial, and the example rehearsal ack file.
 */
const tmp = tempDir('hallmark-ceremony-');
const home = join(tmp.path, 'ws');
let hsm: SoftHsm;
const file = fileWriter(tmp.path);
const example = ceremonyExample;
const relax = allowNetwork;
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args]);
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const hashOf = async (script: string) => {
  const r = await cli('--json', 'ceremony', 'hash', script);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { sha256: string }).sha256;
};
let binding: string;
const acks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');

describe.skipIf(!softHsmAvailable())('hallmark ceremony', () => {
  beforeAll(async () => {
    hsm = createSoftHsm([{ label: 'root-token', pin: '731946' }]);
    file('pin', '731946\n');
    binding = file('binding.yaml', `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    file: pin\n`);
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
  });
  afterAll(() => {
    hsm?.dispose();
    if (!process.env.KEEP) tmp.dispose();
  });

  it('prints the hash in hex and as 32 words', async () => {
    const script = file('root.yaml', relax(example('root-pkcs11.yaml')));
    const r = await cli('ceremony', 'hash', script);
    expect(r.code, r.stderr).toBe(0);
    const [hex, ...words] = r.stdout.trim().split('\n');
    expect(hex).toBe(sha256(script));
    expect(words).toHaveLength(8);
    expect(
      words
        .join(' ')
        .split(/\s+/)
        .filter((w) => w !== '' && !/^\d+:$/.test(w)),
    ).toHaveLength(32);
  });

  it('refuses a script changed by one byte after approval, before touching anything', async () => {
    const script = file('root-changed.yaml', relax(example('root-pkcs11.yaml')));
    const approved = await hashOf(script);
    writeFileSync(script, readFileSync(script, 'utf8').replace('validityDays: 7300', 'validityDays: 7301'));
    const out = join(tmp.path, 'out-changed');
    const r = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      approved,
      '--out',
      out,
      '--ack-file',
      acks,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CEREMONY_HASH_MISMATCH: the script's SHA-256 is [0-9a-f]{64}, not the approved/);
    expect(existsSync(out)).toBe(false);
  });

  it('names the line of an unknown key', async () => {
    const text = relax(example('root-pkcs11.yaml')).replace('  pathLen: 1\n', '  pathLen: 1\n  pathlen: 2\n');
    const line = text.split('\n').findIndex((l) => l.startsWith('  pathlen:')) + 1;
    const r = await cli('ceremony', 'hash', file('root-typo.yaml', text));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`error: CEREMONY_SCRIPT_INVALID:`);
    expect(r.stderr).toContain(`line ${line}, column 3: certificate: unknown key: expected one of `);
    expect(r.stderr).not.toContain('pathlen');
  });

  it.skipIf(
    Object.values(networkInterfaces())
      .flat()
      .every((a) => a?.internal),
  )('stops at pre-flight when the script requires no network and an interface is up', async () => {
    const script = file('root-airgap.yaml', example('root-pkcs11.yaml'));
    const r = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      join(tmp.path, 'out-airgap'),
      '--ack-file',
      acks,
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CEREMONY_PREFLIGHT_FAILED: the script requires no network/);
  });

  it('runs a root ceremony: key on the token, root certificate, signed transcript, audited acknowledgments', async () => {
    const script = file('root-ok.yaml', relax(example('root-pkcs11.yaml')));
    const out = join(tmp.path, 'out-root');
    const r = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      out,
      '--ack-file',
      acks,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-2026.der', 'acme-root-2026.pem', ...FINISHED_FILES].sort());
    const cert = join(out, 'acme-root-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    file('root-pub.pem', execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']));
    assertMediumVerifies(out, cert);

    const t = readTranscript(out);
    const begun = t.of('started')[0]!;
    expect(begun).toMatchObject({
      format: 'hallmark-ceremony-transcript-v2',
      kind: 'root',
      rehearsal: true,
      dryRun: false,
      script: { sha256: sha256(script) },
    });
    // The binding as approved: what it chose, its hash (hex, words, QR text) and each secret source's kind, never the PIN.
    expect(begun.binding).toMatchObject({
      module: hsm.modulePath,
      tokenSerial: hsm.tokens[0]!.serial,
      pinSource: `file ${join(tmp.path, 'pin')}`,
      path: binding,
      sha256: sha256(binding),
      approvedHash: sha256(binding),
      qrText: `hallmark-ceremony-binding-sha256:${sha256(binding)}`,
      allowUnattendedSources: false,
      secretSources: [{ at: 'pkcs11.pin', kind: 'file', custodian: null, line: 6 }],
    });
    expect((begun.binding as { words: string[] }).words).toHaveLength(32);
    expect(readFileSync(join(out, 'transcript.jsonl'), 'utf8')).not.toContain('731946');
    const preflight = t.of('preflight')[0]!.preflight as { token: unknown; appCode: { sha256: string } };
    expect(preflight).toMatchObject({ token: { label: 'root-token', serial: hsm.tokens[0]!.serial }, requireNoNetwork: false, workspace: home });
    expect(preflight.appCode.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.of('step-started').map((s) => s.step)).toEqual(['preflight-confirmed', 'generate-key', 'sign-root', 'outputs-read-aloud']);
    expect(t.of('step-completed').map((s) => s.step)).toEqual(['preflight-confirmed', 'generate-key', 'sign-root', 'outputs-read-aloud']);
    // The witnesses confirm the clock before the first step.
    expect(t.of('acknowledged')[0]).toMatchObject({ step: 'preflight-clock', role: 'witnesses', name: 'Dave Witness', via: 'ack-file' });
    const genAcks = t.of('acknowledged').filter((a) => a.step === 'generate-key');
    expect(genAcks.map((a) => a.name)).toEqual(['Alice Admin', 'Bob Custodian', 'Carol Custodian', 'Dave Witness']);
    expect(genAcks[0]).toMatchObject({ role: 'administrator', via: 'ack-file', time: expect.stringMatching(/Z$/) });
    expect(t.of('action').find((a) => a.action === 'generate-key')!.result).toMatchObject({ CKA_SENSITIVE: true, CKA_EXTRACTABLE: false });
    const signed = t.of('action').find((a) => a.action === 'sign-root')!.result as { sha256: string; sha256Words: string[] };
    expect(signed.sha256).toBe(
      createHash('sha256')
        .update(readFileSync(join(out, 'acme-root-2026.der')))
        .digest('hex'),
    );
    expect(signed.sha256Words).toHaveLength(32);
    // Before the signature the room saw the TBS as read back and its lints, and acknowledged it.
    const review = t.of('review')[0]!;
    expect(review).toMatchObject({
      step: 'sign-root',
      certificate: { subject: 'C=DE, O=Acme Devices GmbH, CN=Acme Device Root CA 2026', basicConstraints: { ca: true, pathLen: 1 } },
    });
    expect(
      t
        .of('acknowledged')
        .filter((a) => a.step === 'sign-root-tbs-review')
        .map((a) => a.name),
    ).toEqual(['Alice Admin', 'Dave Witness']);
    expect(t.records.indexOf(review)).toBeLessThan(t.records.indexOf(t.of('action').find((a) => a.action === 'sign-root')!));
    const completed = t.of('completed')[0]!;
    expect(t.records.at(-1)).toBe(completed);
    expect(completed.outputs.map((o) => o.file)).toEqual([
      'acme-root-2026.der',
      'acme-root-2026.pem',
      'publication/acme-root-2026.pem',
      'publication/acme-root-2026.der',
      'publication/chain.pem',
      'publication/publication.json',
      'publication/SHA256SUMS',
      'publication/SHA256SUMS.p7s',
      'transcript.html',
    ]);
    const published = await cli('ceremony', 'verify-publication', join(out, 'publication'), '--trust', cert);
    expect(published.code, published.stdout + published.stderr).toBe(0);
    expect(completed.outputs[0]).toEqual({ file: 'acme-root-2026.der', sha256: sha256(join(out, 'acme-root-2026.der')), bytes: expect.any(Number) });
    expect(completed.signedBy).toMatchObject({ key: 'acme-root-2026-key', certificateSha256: signed.sha256 });
    const html = readFileSync(join(out, 'transcript.html'), 'utf8');
    expect(html).toContain(signed.sha256Words[0]);

    const db = new Database(join(home, 'hallmark.db'), { readonly: true });
    try {
      const acked = db.prepare("SELECT actor, details FROM audit_log WHERE action = 'ceremony.acknowledged'").all() as { actor: string; details: string }[];
      // clock, the four steps, and the review of the to-be-signed root
      expect(acked).toHaveLength(1 + 2 + 4 + 2 + 2 + 4);
      expect(JSON.parse(acked[0]!.details)).toMatchObject({
        step: 'preflight-clock',
        role: 'witnesses',
        via: 'ack-file',
        clockUtc: expect.stringMatching(/Z$/),
      });
      expect(JSON.parse(acked[1]!.details)).toMatchObject({ step: 'preflight-confirmed', role: 'administrator', via: 'ack-file' });
      const head = db.prepare('SELECT seq, hash FROM audit_log WHERE seq = ?').get(completed.auditHead!.seq) as { hash: string };
      expect(head.hash).toBe(completed.auditHead!.hash);
      const done = db.prepare("SELECT details FROM audit_log WHERE action = 'ceremony.completed'").get() as { details: string };
      expect((JSON.parse(done.details) as { transcriptSha256: string }).transcriptSha256).toBe(sha256(join(out, 'transcript.jsonl')));
      const row = db.prepare('SELECT status, transcript_sha256 FROM ceremonies WHERE id = ?').get(begun.ceremonyId) as {
        status: string;
        transcript_sha256: string;
      };
      expect(row).toEqual({ status: 'completed', transcript_sha256: sha256(join(out, 'transcript.jsonl')) });
      expect(db.prepare('SELECT COUNT(*) AS n FROM ceremony_steps WHERE ceremony_id = ?').get(begun.ceremonyId)).toEqual({ n: 4 });
      const started = db.prepare("SELECT details FROM audit_log WHERE action = 'ceremony.started'").get() as { details: string };
      expect((JSON.parse(started.details) as { preflight: { token: { serial: string } } }).preflight.token.serial).toBe(hsm.tokens[0]!.serial);
    } finally {
      db.close();
    }
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it('refuses a key label that already exists on the token', async () => {
    // A fresh workspace, so only the token (not the workspace's key table) knows the label.
    const home2 = join(tmp.path, 'ws2');
    expect((await runCli(['--home', home2, 'init'])).code).toBe(0);
    const script = file('root-again.yaml', relax(example('root-pkcs11.yaml')));
    const out = join(tmp.path, 'out-again');
    const r = await runCli([
      '--home',
      home2,
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      out,
      '--ack-file',
      acks,
    ]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: KEY_LABEL_EXISTS: a key labelled acme-root-2026-key already exists on token root-token/m);
    // Stopped at generate-key, before the token or the workspace changed: the medium holds
    // only the transcript up to the stop, and the ceremony stays open to be resumed or aborted.
    expect(readdirSync(out)).toEqual(['transcript.jsonl']);
    const t = readTranscript(out);
    expect(t.records.at(-1)).toMatchObject({ type: 'stopped', step: 'generate-key', code: 'KEY_LABEL_EXISTS' });
    const list = await runCli(['--home', home2, '--json', 'ceremony', 'list']);
    const open = (JSON.parse(list.stdout) as { ceremonies: { id: string; status: string; stepsDone: number }[] }).ceremonies;
    expect(open).toMatchObject([{ status: 'running', stepsDone: 1 }]);
    // Running the script again is refused until the administrator chooses: resume or abort.
    const again = await runCli([
      '--home',
      home2,
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      join(tmp.path, 'out-again-2'),
      '--ack-file',
      acks,
    ]);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain(
      `error: CEREMONY_INTERRUPTED: ceremony "acme-root-2026" (${open[0]!.id}) with this script was interrupted after 1 of 4 steps`,
    );
    const aborted = await runCli(['--home', home2, 'ceremony', 'abort', open[0]!.id, '--reason', 'label taken on the token']);
    expect(aborted.code, aborted.stderr).toBe(0);
    expect(readTranscript(out).records.at(-1)).toMatchObject({ type: 'aborted', code: 'CEREMONY_ABORTED', message: 'label taken on the token' });
    const shown = JSON.parse((await runCli(['--home', home2, '--json', 'ceremony', 'show', open[0]!.id])).stdout) as {
      ceremony: { status: string; errorMessage: string };
    };
    expect(shown.ceremony).toMatchObject({ status: 'aborted', errorMessage: 'label taken on the token' });
    expect((await runCli(['--home', home2, 'audit', 'verify'])).code).toBe(0);
  });

  it('runs a CRL ceremony signed by the root key on the token', async () => {
    const script = file('crl.yaml', relax(example('crl.yaml')));
    const out = join(tmp.path, 'out-crl');
    const r = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      out,
      '--ack-file',
      acks,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-2026-crl-1.der', 'acme-root-2026-crl-1.pem', ...FINISHED_FILES].sort());
    const root = join(tmp.path, 'out-root', 'acme-root-2026.pem');
    const text = execFileSync('openssl', ['crl', '-in', join(out, 'acme-root-2026-crl-1.pem'), '-CAfile', root, '-noout', '-verify'], {
      encoding: 'utf8',
      stdio: 'pipe',
    });
    expect(text).toBe('');
    assertMediumVerifies(out, root);
    const verified = await cli('ceremony', 'verify-transcript', out, '--trust', root);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);
    // Running the same CRL script into the same directory never overwrites it.
    const again = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-binding-hash',
      fileSha256(binding),
      '--approved-hash',
      await hashOf(script),
      '--out',
      out,
      '--ack-file',
      acks,
    );
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: CEREMONY_OUTPUT_EXISTS: .*acme-root-2026-crl-1\.der|^error: CEREMONY_OUTPUT_EXISTS: .*transcript\.jsonl/m);
  });
});
