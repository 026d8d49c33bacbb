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

/**
 * Ceremonies end to end through the CLI on SoftHSM: the shipped example scripts, with
 * only the pre-flight network rule relaxed (this test machine has interfaces up), a
 * binding naming the test token by serial, and the example rehearsal ack file.
 */
const tmp = tempDir('hallmark-ceremony-');
const home = join(tmp.path, 'ws');
let hsm: SoftHsm;
const file = (name: string, content: string | Buffer) => {
  const p = join(tmp.path, name);
  writeFileSync(p, content);
  return p;
};
const example = (name: string) => readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8');
const relax = (yaml: string) => yaml.replace('requireNoNetwork: true', 'requireNoNetwork: false');
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
    expect(words.join(" ").split(/\s+/).filter((w) => w !== "" && !/^\d+:$/.test(w))).toHaveLength(32);
  });

  it('refuses a script changed by one byte after approval, before touching anything', async () => {
    const script = file('root-changed.yaml', relax(example('root-pkcs11.yaml')));
    const approved = await hashOf(script);
    writeFileSync(script, readFileSync(script, 'utf8').replace('validityDays: 7300', 'validityDays: 7301'));
    const out = join(tmp.path, 'out-changed');
    const r = await cli('ceremony', 'run', script, '--binding', binding, '--approved-hash', approved, '--out', out, '--ack-file', acks);
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
    expect(r.stderr).toContain(`line ${line}: certificate.pathlen: unknown key "pathlen"`);
  });

  it.skipIf(Object.values(networkInterfaces()).flat().every((a) => a?.internal))('stops at pre-flight when the script requires no network and an interface is up', async () => {
    const script = file('root-airgap.yaml', example('root-pkcs11.yaml'));
    const r = await cli('ceremony', 'run', script, '--binding', binding, '--approved-hash', await hashOf(script), '--out', join(tmp.path, 'out-airgap'), '--ack-file', acks);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CEREMONY_PREFLIGHT_FAILED: the script requires no network/);
  });

  it('runs a root ceremony: key on the token, root certificate, signed transcript, audited acknowledgments', async () => {
    const script = file('root-ok.yaml', relax(example('root-pkcs11.yaml')));
    const out = join(tmp.path, 'out-root');
    const r = await cli('ceremony', 'run', script, '--binding', binding, '--approved-hash', await hashOf(script), '--out', out, '--ack-file', acks);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-2026.der', 'acme-root-2026.pem', 'transcript.json', 'transcript.sig']);
    const cert = join(out, 'acme-root-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    const pub = file('root-pub.pem', execFileSync('openssl', ['x509', '-in', cert, '-pubkey', '-noout']));
    expect(execFileSync('openssl', ['dgst', '-sha384', '-verify', pub, '-signature', join(out, 'transcript.sig'), join(out, 'transcript.json')], { encoding: 'utf8' }).trim()).toBe('Verified OK');

    const t = JSON.parse(readFileSync(join(out, 'transcript.json'), 'utf8'));
    expect(t).toMatchObject({ format: 'hallmark-ceremony-transcript-v1', kind: 'root', rehearsal: true, script: { sha256: sha256(script) } });
    expect(t.binding).toEqual({ module: hsm.modulePath, tokenSerial: hsm.tokens[0]!.serial, pinSource: `file ${join(tmp.path, 'pin')}` });
    expect(JSON.stringify(t)).not.toContain('731946');
    expect(t.preflight).toMatchObject({ token: { label: 'root-token', serial: hsm.tokens[0]!.serial }, requireNoNetwork: false, workspace: home });
    expect(t.preflight.appCode.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(t.steps.map((s: { id: string }) => s.id)).toEqual(['preflight-confirmed', 'generate-key', 'sign-root', 'outputs-read-aloud']);
    expect(t.steps[1].acknowledgments.map((a: { name: string }) => a.name)).toEqual(['Alice Admin', 'Bob Custodian', 'Carol Custodian', 'Dave Witness']);
    expect(t.steps[1].acknowledgments[0]).toMatchObject({ role: 'administrator', via: 'ack-file', time: expect.stringMatching(/Z$/) });
    expect(t.steps[1].action.result).toMatchObject({ CKA_SENSITIVE: true, CKA_EXTRACTABLE: false });
    expect(t.outputs).toEqual([
      { file: 'acme-root-2026.der', sha256: sha256(join(out, 'acme-root-2026.der')), bytes: expect.any(Number) },
      { file: 'acme-root-2026.pem', sha256: sha256(cert), bytes: expect.any(Number) },
    ]);

    const db = new Database(join(home, 'hallmark.db'), { readonly: true });
    try {
      const acked = db.prepare("SELECT actor, details FROM audit_log WHERE action = 'ceremony.acknowledged'").all() as { actor: string; details: string }[];
      expect(acked).toHaveLength(2 + 4 + 2 + 4);
      expect(JSON.parse(acked[0]!.details)).toMatchObject({ step: 'preflight-confirmed', role: 'administrator', via: 'ack-file' });
      const head = db.prepare("SELECT seq, hash FROM audit_log WHERE seq = ?").get(t.auditHead.seq) as { hash: string };
      expect(head.hash).toBe(t.auditHead.hash);
      const done = db.prepare("SELECT details FROM audit_log WHERE action = 'ceremony.completed'").get() as { details: string };
      expect(JSON.parse(done.details).transcriptSha256).toBe(sha256(join(out, 'transcript.json')));
      const started = db.prepare("SELECT details FROM audit_log WHERE action = 'ceremony.started'").get() as { details: string };
      expect(JSON.parse(started.details).preflight.token.serial).toBe(hsm.tokens[0]!.serial);
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
    const r = await runCli(['--home', home2, 'ceremony', 'run', script, '--binding', binding, '--approved-hash', await hashOf(script), '--out', out, '--ack-file', acks]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: KEY_LABEL_EXISTS: a key labelled acme-root-2026-key already exists on token root-token/m);
    expect(readdirSync(out)).toEqual([]);
  });

  it('runs a CRL ceremony signed by the root key on the token', async () => {
    const script = file('crl.yaml', relax(example('crl.yaml')));
    const out = join(tmp.path, 'out-crl');
    const r = await cli('ceremony', 'run', script, '--binding', binding, '--approved-hash', await hashOf(script), '--out', out, '--ack-file', acks);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-2026-crl-1.der', 'acme-root-2026-crl-1.pem', 'transcript.json', 'transcript.sig']);
    const root = join(tmp.path, 'out-root', 'acme-root-2026.pem');
    const text = execFileSync('openssl', ['crl', '-in', join(out, 'acme-root-2026-crl-1.pem'), '-CAfile', root, '-noout', '-verify'], { encoding: 'utf8', stdio: 'pipe' });
    expect(text).toBe('');
    const pub = join(tmp.path, 'root-pub.pem');
    expect(execFileSync('openssl', ['dgst', '-sha384', '-verify', pub, '-signature', join(out, 'transcript.sig'), join(out, 'transcript.json')], { encoding: 'utf8' }).trim()).toBe('Verified OK');
    // Running the same CRL script into the same directory never overwrites it.
    const again = await cli('ceremony', 'run', script, '--binding', binding, '--approved-hash', await hashOf(script), '--out', out, '--ack-file', acks);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^error: CEREMONY_OUTPUT_EXISTS: .*transcript\.json/m);
  });
});
