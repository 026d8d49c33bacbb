import { join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileSha256, fileWriter } from '../support/ceremony-files.js';
import { FINISHED_FILES, readTranscript } from '../support/transcript.js';

/**
 * `ceremony run SCRIPT --env ENV.yaml --acks ACKS.yaml` (the rehearsal form of the issue)
 * through the CLI on SoftHSM, with the shipped root script (network rule relaxed) and the
 * shipped rehearsal.acks.yaml: its witness's exception lands in the transcript and the audit
 * log right after that step's acknowledgments.
 */
const tmp = tempDir('hallmark-acks-yaml-');
const file = fileWriter(tmp.path);
const acksYaml = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks.yaml');
const lineAcks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');
let hsm: SoftHsm;
let env: string;
let script: string;
let approved: string;

const cliIn = (home: string, ...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args]);
const runIn = (home: string, out: string, ...more: string[]) =>
  cliIn(home, 'ceremony', 'run', script, '--approved-hash', approved, '--approved-binding-hash', fileSha256(env), '--out', join(tmp.path, out), ...more);

describe.skipIf(!softHsmAvailable())('hallmark ceremony run --env --acks', () => {
  beforeAll(async () => {
    hsm = createSoftHsm([{ label: 'root-token', pin: '731946' }]);
    file('pin', '731946\n');
    env = file('env.yaml', `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    file: pin\n`);
    script = file('root.yaml', allowNetwork(ceremonyExample('root-pkcs11.yaml')));
    const h = await runCli(['--json', 'ceremony', 'hash', script]);
    expect(h.code, h.stderr).toBe(0);
    approved = (JSON.parse(h.stdout) as { sha256: string }).sha256;
  });
  afterAll(() => {
    hsm?.dispose();
    if (!process.env.KEEP) tmp.dispose();
  });

  it('refuses --acks with --ack-file, and wants exactly one of --env and --binding', async () => {
    const home = join(tmp.path, 'ws-usage');
    const both = await runIn(home, 'out-usage', '--env', env, '--acks', acksYaml, '--ack-file', lineAcks);
    expect(both.code).toBe(2);
    expect(both.stderr).toContain('--acks and --ack-file do not go together');
    const neither = await runIn(home, 'out-usage', '--acks', acksYaml);
    expect(neither.code).toBe(2);
    expect(neither.stderr).toContain('give the environment binding as exactly one of --env <file> or --binding <file>');
    const twice = await runIn(home, 'out-usage', '--env', env, '--binding', env, '--acks', acksYaml);
    expect(twice.code).toBe(2);
    expect(twice.stderr).toContain('exactly one of --env <file> or --binding <file>');
    expect(existsSync(join(tmp.path, 'out-usage'))).toBe(false);
  });

  it('stops at the step whose participant the acks file does not list', async () => {
    const home = join(tmp.path, 'ws-missing');
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const noCarol = file(
      'no-carol.acks.yaml',
      ceremonyExample('rehearsal.acks.yaml').replace('custodians: [Bob Custodian, Carol Custodian]', 'custodians: [Bob Custodian]'),
    );
    const r = await runIn(home, 'out-missing', '--env', env, '--acks', noCarol);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`error: CEREMONY_ACK_MISSING: step "generate-key": custodians "Carol Custodian" did not acknowledge (not in ${noCarol})`);
    const t = readTranscript(join(tmp.path, 'out-missing'));
    expect(t.of('step-completed').map((s) => s.step)).toEqual(['preflight-confirmed']);
    expect(t.records.at(-1)).toMatchObject({ type: 'stopped', step: 'generate-key', code: 'CEREMONY_ACK_MISSING' });
    // Stopped before the action: no key was made, no exception noted for a step not acknowledged.
    expect(t.of('action')).toEqual([]);
    expect(t.of('exception')).toEqual([]);
  });

  it("runs the root ceremony with the shipped acks file: exception recorded after the step's acknowledgments", async () => {
    const home = join(tmp.path, 'ws');
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const out = join(tmp.path, 'out-root');
    const r = await runIn(home, 'out-root', '--env', env, '--acks', acksYaml);
    expect(r.code, r.stderr).toBe(0);
    expect(readdirSync(out).sort()).toEqual(['acme-root-2026.der', 'acme-root-2026.pem', ...FINISHED_FILES].sort());

    const t = readTranscript(out);
    expect(t.of('started')[0]).toMatchObject({ rehearsal: true });
    expect(t.of('acknowledged').every((a) => a.via === 'ack-file')).toBe(true);
    const exceptions = t.of('exception');
    expect(exceptions).toEqual([
      expect.objectContaining({ step: 'generate-key', role: 'witnesses', by: 'Dave Witness', note: 'seal bag 4411 differs from the checklist (4417)' }),
    ]);
    const at = t.records.indexOf(exceptions[0]!);
    const genAcks = t.records.filter((x) => x.type === 'acknowledged' && x.step === 'generate-key');
    expect(genAcks.map((a) => (a as { name: string }).name)).toEqual(['Alice Admin', 'Bob Custodian', 'Carol Custodian', 'Dave Witness']);
    expect(t.records.indexOf(genAcks.at(-1)!)).toBe(at - 1);
    expect(at).toBeLessThan(t.records.indexOf(t.of('action').find((a) => a.action === 'generate-key')!));
    expect(t.of('completed')).toHaveLength(1);

    const db = new Database(join(home, 'hallmark.db'), { readonly: true });
    try {
      const noted = db.prepare("SELECT actor, details FROM audit_log WHERE action = 'ceremony.exception-noted'").all() as { actor: string; details: string }[];
      expect(noted).toHaveLength(1);
      expect(noted[0]!.actor).toBe('Dave Witness');
      expect(JSON.parse(noted[0]!.details)).toEqual({ step: 'generate-key', role: 'witnesses', note: 'seal bag 4411 differs from the checklist (4417)' });
    } finally {
      db.close();
    }
    expect((await cliIn(home, 'audit', 'verify')).code).toBe(0);
  });
});
