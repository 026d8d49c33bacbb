import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, FINISHED_FILES, readTranscript } from '../support/transcript.js';

/**
 * Root ceremonies with the key split among custodians, and CRL ceremonies for CAs whose
 * key is in shares or in an encrypted software key file. No token is involved, so these
 * run everywhere; only the pre-flight network rule is relaxed (the test machine has
 * interfaces up).
 */
const tmp = tempDir('hallmark-ceremony-shares-');
const home = join(tmp.path, 'ws');
const file = fileWriter(tmp.path);
const example = ceremonyExample;
const relax = allowNetwork;
const PASS = { BOB: 'bob-passphrase-7a1c', CAROL: 'carol-passphrase-2d9e', ERIN: 'erin-passphrase-5f3b' };
const env = { HALLMARK_PASSPHRASE_BOB: PASS.BOB, HALLMARK_PASSPHRASE_CAROL: PASS.CAROL, HALLMARK_PASSPHRASE_ERIN: PASS.ERIN };
const cli = (args: string[], e: NodeJS.ProcessEnv = env) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args], e);
const sha256 = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const hashOf = async (script: string) => {
  const r = await cli(['--json', 'ceremony', 'hash', script]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { sha256: string }).sha256;
};
const run = async (script: string, binding: string, out: string, acks: string, e: NodeJS.ProcessEnv = env) =>
  cli(
    [
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
    ],
    e,
  );
const sharesAcks = join(REPO_ROOT, 'resources/ceremonies/rehearsal-shares.acks');
const rootOut = join(tmp.path, 'out-root');
const label = 'acme-root-shares-2026-key';
const share = (i: number) => join(rootOut, `${label}.share-${i}-of-3.json`);
const crlScript = (ca: string) =>
  relax(example('crl.yaml'))
    .replaceAll('acme-root-2026', ca)
    .replace('custodians: [Bob Custodian, Carol Custodian]', 'custodians: [Bob Custodian, Carol Custodian, Erin Custodian]');
const rootPem = join(rootOut, 'acme-root-shares-2026.pem');
/** The medium's CMS signature (by the shares root) and SHA256SUMS, checked with openssl and coreutils. */
const verifyMedium = (out: string) => assertMediumVerifies(out, rootPem);
/** The workspace's register row of the ceremony that wrote to `out` (by its medium). */
const ceremonyAt = async (out: string) => {
  const r = await cli(['--json', 'ceremony', 'list']);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { ceremonies: { id: string; status: string; stepsDone: number; outDir: string }[] }).ceremonies.find((c) => c.outDir === out);
};
/** Ends a ceremony a refusal at a step left open, so the same script can run again. */
const abortAt = async (out: string, reason: string) => {
  const open = await ceremonyAt(out);
  expect(open).toMatchObject({ status: 'running' });
  const r = await cli(['ceremony', 'abort', open!.id, '--reason', reason]);
  expect(r.code, r.stderr).toBe(0);
  expect(readTranscript(out).records.at(-1)).toMatchObject({ type: 'aborted', message: reason });
};

describe('hallmark ceremony with custodian shares and software keys', () => {
  beforeAll(async () => {
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
  });
  afterAll(() => {
    if (!process.env.KEEP) tmp.dispose();
  });

  it('refuses a binding that does not name every key custodian, before anything is made', async () => {
    const script = file('root-shares-a.yaml', relax(example('root-shares.yaml')));
    const binding = file('partial.binding.yaml', 'version: 1\ncustodians:\n  - name: Bob Custodian\n    passphrase:\n      env: HALLMARK_PASSPHRASE_BOB\n');
    const out = join(tmp.path, 'out-partial');
    const r = await run(script, binding, out, sharesAcks);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: CEREMONY_BINDING_INVALID: .*missing: Carol Custodian, Erin Custodian/m);
    expect(readdirSync(out)).toEqual([]);
    expect(await ceremonyAt(out)).toBeUndefined();
  });

  it('refuses weak passphrases before any key exists', async () => {
    const script = file('root-shares-b.yaml', relax(example('root-shares.yaml')));
    const r = await run(script, join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml'), join(tmp.path, 'out-weak'), sharesAcks, {
      ...env,
      HALLMARK_PASSPHRASE_CAROL: 'short',
    });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: KEY_PASSPHRASE_WEAK: the passphrase for custodian "Carol Custodian"/m);
    expect(readdirSync(join(tmp.path, 'out-weak'))).toEqual([]);
    expect(await ceremonyAt(join(tmp.path, 'out-weak'))).toBeUndefined();
  });

  it('runs a root ceremony with the key split 2-of-3: shares and sheets on the medium, verified, root signed, no secret recorded', async () => {
    const script = file('root-shares.yaml', relax(example('root-shares.yaml')));
    const r = await run(script, join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml'), rootOut, sharesAcks);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('token            none');
    const names = [1, 2, 3].flatMap((i) => [`${label}.share-${i}-of-3.html`, `${label}.share-${i}-of-3.json`]);
    expect(readdirSync(rootOut).sort()).toEqual([...names, 'acme-root-shares-2026.der', 'acme-root-shares-2026.pem', ...FINISHED_FILES].sort());
    const cert = join(rootOut, 'acme-root-shares-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    verifyMedium(rootOut);
    // The same medium through the app's own verifier, trusting only the root certificate.
    const verified = await cli(['ceremony', 'verify-transcript', rootOut, '--trust', cert]);
    expect(verified.code, verified.stdout + verified.stderr).toBe(0);

    const text = readFileSync(join(rootOut, 'transcript.jsonl'), 'utf8');
    const html = readFileSync(join(rootOut, 'transcript.html'), 'utf8');
    for (const p of Object.values(PASS)) {
      expect(text).not.toContain(p);
      expect(html).not.toContain(p);
    }
    const t = readTranscript(rootOut);
    const begun = t.of('started')[0]!;
    expect((t.of('preflight')[0]!.preflight as { token: unknown }).token).toBeNull();
    expect(begun.script.qrText).toBe(`hallmark-ceremony-script-sha256:${sha256(script)}`);
    const qr = await cli(['ceremony', 'hash', script, '--qr']);
    expect(qr.stdout).toContain('▄');
    expect(qr.stdout.trim().split('\n').at(-1)).toBe(begun.script.qrText);
    expect((begun.binding as { custodians: unknown }).custodians).toEqual([
      { name: 'Bob Custodian', passphraseSource: 'environment variable HALLMARK_PASSPHRASE_BOB' },
      { name: 'Carol Custodian', passphraseSource: 'environment variable HALLMARK_PASSPHRASE_CAROL' },
      { name: 'Erin Custodian', passphraseSource: 'environment variable HALLMARK_PASSPHRASE_ERIN' },
    ]);
    // Each custodian's source kind, never the passphrase; the binding's hash as approved.
    const bindingFile = join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml');
    expect(begun.binding).toMatchObject({ sha256: sha256(bindingFile), approvedHash: sha256(bindingFile), allowUnattendedSources: false });
    expect((begun.binding as { secretSources: unknown }).secretSources).toEqual([
      { at: 'custodians[0].passphrase', kind: 'env', custodian: 'Bob Custodian', line: expect.any(Number) },
      { at: 'custodians[1].passphrase', kind: 'env', custodian: 'Carol Custodian', line: expect.any(Number) },
      { at: 'custodians[2].passphrase', kind: 'env', custodian: 'Erin Custodian', line: expect.any(Number) },
    ]);
    const split = t.of('action').find((a) => a.action === 'generate-key')!.result as {
      shares: { custodian: string; index: number; fileSha256: string; shareSha256: string; verified: string }[];
    };
    expect(split).toMatchObject({ store: 'shares', threshold: 2, total: 3 });
    expect(split.shares.map((s) => s.custodian)).toEqual(['Bob Custodian', 'Carol Custodian', 'Erin Custodian']);
    for (const [i, s] of split.shares.entries()) {
      expect(s.index).toBe(i + 1);
      expect(s.fileSha256).toBe(sha256(share(i + 1)));
      expect(s.shareSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(s.verified).toMatch(/read back/);
    }
    const shareAndCertFiles = [
      ...[1, 2, 3].flatMap((i) => [`${label}.share-${i}-of-3.json`, `${label}.share-${i}-of-3.html`]),
      'acme-root-shares-2026.der',
      'acme-root-shares-2026.pem',
    ];
    // Each output is announced at the step that wrote it, and all are listed (with their hashes) in the completed record.
    expect(t.of('output').map((o) => o.file)).toEqual(shareAndCertFiles);
    const completed = t.of('completed')[0]!;
    expect(t.records.at(-1)).toBe(completed);
    expect(completed.outputs.map((o) => o.file).filter((f) => !f.startsWith('publication/'))).toEqual([...shareAndCertFiles, 'transcript.html']);
    expect(completed.outputs.find((o) => o.file === `${label}.share-1-of-3.json`)!.sha256).toBe(sha256(share(1)));
    expect(completed.signedBy).toMatchObject({ key: label, certificateSha256: sha256(join(rootOut, 'acme-root-shares-2026.der')) });
    // The key is nowhere in the workspace: only its record, with the share digests.
    const keys = await cli(['--json', 'key', 'list']);
    expect(JSON.parse(keys.stdout)).toEqual(expect.arrayContaining([expect.objectContaining({ label, store: 'shares' })]));
    expect(existsSync(join(home, 'keys', 'shares'))).toBe(false);
  });

  it('runs a CRL ceremony for the shares root with 2 of the 3 shares', async () => {
    const script = file('crl-shares.yaml', crlScript('acme-root-shares-2026'));
    const binding = file(
      'crl-shares.binding.yaml',
      `version: 1\ncustodians:\n  - name: Bob Custodian\n    share: ${share(1)}\n    passphrase:\n      env: HALLMARK_PASSPHRASE_BOB\n  - name: Erin Custodian\n    share: ${share(3)}\n    passphrase:\n      env: HALLMARK_PASSPHRASE_ERIN\n`,
    );
    const out = join(tmp.path, 'out-crl-shares');
    // A wrong passphrase for one share stops the signing step and leaves no CRL: only the
    // transcript up to the stop, and the ceremony open in the register.
    const stoppedOut = join(tmp.path, 'out-crl-shares-wrong');
    const wrong = await run(script, binding, stoppedOut, sharesAcks, { ...env, HALLMARK_PASSPHRASE_ERIN: PASS.CAROL });
    expect(wrong.code).toBe(2);
    expect(wrong.stderr).toMatch(/^error: SHARE_PASSPHRASE_WRONG: the passphrase does not open share 3 \(Erin Custodian\)/m);
    expect(readdirSync(stoppedOut)).toEqual(['transcript.jsonl']);
    expect(readTranscript(stoppedOut).records.at(-1)).toMatchObject({ type: 'stopped', step: 'sign-crl', code: 'SHARE_PASSPHRASE_WRONG' });
    expect(await ceremonyAt(stoppedOut)).toMatchObject({ status: 'running', stepsDone: 1 });
    await abortAt(stoppedOut, 'wrong passphrase for share 3');

    const r = await run(script, binding, out, sharesAcks);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-shares-2026-crl-1.der', 'acme-root-shares-2026-crl-1.pem', ...FINISHED_FILES].sort());
    execFileSync('openssl', ['crl', '-in', join(out, 'acme-root-shares-2026-crl-1.pem'), '-CAfile', rootPem, '-noout', '-verify'], { stdio: 'pipe' });
    verifyMedium(out);
    expect((readTranscript(out).of('started')[0]!.binding as { custodians: unknown[] }).custodians[1]).toEqual({
      name: 'Erin Custodian',
      passphraseSource: 'environment variable HALLMARK_PASSPHRASE_ERIN',
      share: share(3),
    });
  });

  it('refuses a CRL ceremony with fewer shares than the threshold', async () => {
    const script = file('crl-shares-few.yaml', crlScript('acme-root-shares-2026'));
    const binding = file(
      'crl-few.binding.yaml',
      `version: 1\ncustodians:\n  - name: Bob Custodian\n    share: ${share(1)}\n    passphrase:\n      env: HALLMARK_PASSPHRASE_BOB\n`,
    );
    const out = join(tmp.path, 'out-crl-few');
    const r = await run(script, binding, out, sharesAcks);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: SHARES_TOO_FEW: .*needs 2 of its 3 shares; 1 given/m);
    expect(readdirSync(out)).toEqual(['transcript.jsonl']);
    expect(readTranscript(out).records.at(-1)).toMatchObject({ type: 'stopped', step: 'sign-crl', code: 'SHARES_TOO_FEW' });
    await abortAt(out, 'fewer shares than the threshold');
  });

  it('re-splits the shares root to a new quorum (key-backup): new shares verified, old ones no longer open it', async () => {
    const script = file('key-backup.yaml', relax(example('key-backup.yaml')));
    // The shipped binding names the old share files relative to itself: put a copy next to them.
    const binding = join(rootOut, 'key-backup.binding.yaml');
    writeFileSync(binding, example('key-backup.binding.yaml'));
    const NEW = {
      HALLMARK_NEW_PASSPHRASE_CAROL: 'carol-new-passphrase-11',
      HALLMARK_NEW_PASSPHRASE_ERIN: 'erin-new-passphrase-22',
      HALLMARK_NEW_PASSPHRASE_FRANK: 'frank-new-passphrase-33',
    };
    const out = join(tmp.path, 'out-backup');
    const r = await run(script, binding, out, join(REPO_ROOT, 'resources/ceremonies/rehearsal-key-backup.acks'), { ...env, ...NEW });
    expect(r.code, r.stderr).toBe(0);
    expect(
      readdirSync(out)
        .filter((f) => f.includes('.share-'))
        .sort(),
    ).toEqual([1, 2, 3].flatMap((i) => [`${label}.share-${i}-of-3.html`, `${label}.share-${i}-of-3.json`]));
    for (const f of ['transcript.jsonl', 'transcript.html']) {
      const text = readFileSync(join(out, f), 'utf8');
      for (const p of [...Object.values(PASS), ...Object.values(NEW)]) expect(text).not.toContain(p);
    }
    const t = readTranscript(out);
    expect(t.of('started')[0]!.kind).toBe('key-backup');
    const resplit = t.of('action').find((a) => a.step === 're-split')!.result as { shares: { custodian: string }[] };
    expect(resplit).toMatchObject({ label, old: { threshold: 2, total: 3, sharesUsed: 2 }, threshold: 2, total: 3 });
    expect(resplit.shares.map((s) => s.custodian)).toEqual(['Carol Custodian', 'Erin Custodian', 'Frank Custodian']);
    const destroyed = t.of('action').find((a) => a.step === 'old-shares-destroyed')!.result as { destroyed: { custodian: string }[] };
    expect(destroyed.destroyed.map((s) => s.custodian)).toEqual(['Bob Custodian', 'Carol Custodian', 'Erin Custodian']);
    // Signed by the CA whose key was re-split (the shares root), with the rebuilt key.
    expect(t.of('completed')[0]!.signedBy).toMatchObject({ key: label, certificateSha256: sha256(join(rootOut, 'acme-root-shares-2026.der')) });
    verifyMedium(out);

    // The CA's CRL now needs the new shares: an old one is refused, two new ones sign.
    const crl = file(
      'crl-after-backup.yaml',
      crlScript('acme-root-shares-2026').replace(
        'custodians: [Bob Custodian, Carol Custodian, Erin Custodian]',
        'custodians: [Bob Custodian, Carol Custodian, Erin Custodian, Frank Custodian]',
      ),
    );
    const acks4 = join(REPO_ROOT, 'resources/ceremonies/rehearsal-key-backup.acks');
    const oldBinding = join(tmp.path, 'crl-shares.binding.yaml');
    const oldOut = join(tmp.path, 'out-crl-old');
    const old = await run(crl, oldBinding, oldOut, acks4);
    expect(old.code).not.toBe(0);
    expect(old.stderr).toMatch(/^error: SHARE_CORRUPT: share 1 \(Carol Custodian\) is not the share recorded/m);
    // Refused at the signing step, before any CRL: the transcript up to the stop, the ceremony left open.
    expect(readdirSync(oldOut)).toEqual(['transcript.jsonl']);
    expect(readTranscript(oldOut).records.at(-1)).toMatchObject({ type: 'stopped', step: 'sign-crl', code: 'SHARE_CORRUPT' });
    await abortAt(oldOut, 'old shares no longer open the key');
    const newShare = (i: number) => join(out, `${label}.share-${i}-of-3.json`);
    const newBinding = file(
      'crl-new.binding.yaml',
      `version: 1\ncustodians:\n  - name: Erin Custodian\n    share: ${newShare(2)}\n    passphrase:\n      env: HALLMARK_NEW_PASSPHRASE_ERIN\n  - name: Frank Custodian\n    share: ${newShare(3)}\n    passphrase:\n      env: HALLMARK_NEW_PASSPHRASE_FRANK\n`,
    );
    const signed = await run(crl, newBinding, join(tmp.path, 'out-crl-new'), acks4, { ...env, ...NEW });
    expect(signed.code, signed.stderr).toBe(0);
    verifyMedium(join(tmp.path, 'out-crl-new'));
  });

  it('runs a CRL ceremony for a CA with a software key, its passphrase named by source', async () => {
    const pass = file('soft.pass', 'software-passphrase-9c4e\n');
    expect((await cli(['key', 'generate', '--label', 'lab-root-key', '--store', 'software', '--passphrase-file', pass])).code).toBe(0);
    const made = await cli([
      'ca',
      'create',
      '--name',
      'lab-root',
      '--profile',
      'root',
      '--key',
      'lab-root-key',
      '--subject',
      'CN=Lab Root',
      '--passphrase-file',
      pass,
    ]);
    expect(made.code, made.stderr).toBe(0);
    const script = file('crl-soft.yaml', crlScript('lab-root'));
    const out = join(tmp.path, 'out-crl-soft');
    const noSection = await run(script, file('soft-none.binding.yaml', 'version: 1\n'), join(tmp.path, 'out-crl-soft-none'), sharesAcks);
    expect(noSection.code).toBe(2);
    expect(noSection.stderr).toMatch(/^error: CEREMONY_BINDING_INVALID: .*needs software\.passphrase/m);
    expect(readdirSync(join(tmp.path, 'out-crl-soft-none'))).toEqual([]);
    const r = await run(script, file('soft.binding.yaml', `version: 1\nsoftware:\n  passphrase:\n    file: soft.pass\n`), out, sharesAcks);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['lab-root-crl-1.der', 'lab-root-crl-1.pem', ...FINISHED_FILES].sort());
    const t = readTranscript(out);
    expect(t.of('started')[0]!.binding).toMatchObject({
      softwarePassphraseSource: `file ${pass}`,
      secretSources: [{ at: 'software.passphrase', kind: 'file', custodian: null }],
    });
    for (const f of ['transcript.jsonl', 'transcript.html']) expect(readFileSync(join(out, f), 'utf8')).not.toContain('software-passphrase-9c4e');
    // Signed by lab-root's software key.
    assertMediumVerifies(out, file('lab-root.pem', (await cli(['ca', 'export', 'lab-root'])).stdout));
  });
});
