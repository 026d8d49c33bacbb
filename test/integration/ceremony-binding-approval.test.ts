import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CeremonyPlanView, CeremonyPreflightView, CeremonyRunView } from '../../preload/api.js';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { CeremonySession } from '../../main/api/ceremony-session.js';
import { dispatch } from '../../main/api/dispatch.js';
import { CeremonyRepository } from '../../main/store/ceremony-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { allowNetwork, ceremonyExample, fileSha256 } from '../support/ceremony-files.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The binding is part of what is approved (issue 18, parts 1 and 3): its SHA-256 is shown
 * and approved beside the script's, a binding changed after approval is refused at
 * pre-flight and at start, and in the app a `file:` passphrase source is refused unless
 * the binding says allowUnattendedSources: true. A shares root needs no token, so these
 * run anywhere. Each test has its own workspace and medium.
 */
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian', 'Erin Custodian'];
const dirs: { dispose(): void }[] = [];
const open: { ws: Workspace; session: CeremonySession }[] = [];
afterEach(async () => {
  for (const o of open.splice(0)) {
    await o.session.dispose();
    o.ws.close();
  }
  for (const d of dirs.splice(0)) d.dispose();
});

const typed = (name: string) => `  - name: ${name}\n    passphrase:\n      typed: true\n`;

function setup(bindingText: string) {
  const d = tempDir('hallmark-binding-approval-');
  dirs.push(d);
  const script = join(d.path, 'root-shares.yaml');
  writeFileSync(script, allowNetwork(ceremonyExample('root-shares.yaml')));
  const binding = join(d.path, 'root-shares.binding.yaml');
  writeFileSync(binding, bindingText);
  const { workspace: ws } = Workspace.init(join(d.path, 'ws'), 'test');
  const session = new CeremonySession(ws, {});
  open.push({ ws, session });
  const out = join(d.path, 'out');
  // The output medium comes from the main process's folder dialog; this one answers `out`.
  const handlers = createCoreHandlers(ws, undefined, session, { folders: { pickFolders: async () => [out] } });
  return { dir: d.path, script, binding, ws, session, handlers, out };
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
  return r.value as T;
}

async function loadAndApprove(h: Handlers, script: string, binding: string): Promise<CeremonyPlanView> {
  const plan = await ok<CeremonyPlanView>(dispatch(h, 'ceremony.load', { scriptPath: script, bindingPath: binding }));
  for (const name of CUSTODIANS)
    await ok(dispatch(h, 'ceremony.approveHash', { scriptPath: script, sha256: plan.sha256, bindingPath: binding, bindingSha256: plan.bindingSha256, name }));
  return plan;
}

const refusals = (ws: Workspace) =>
  ws.audit
    .query({ offset: 0, limit: 100 })
    .entries.filter((e) => e.action === 'ceremony.refused')
    .map((e) => e.details.code);

describe('the binding is approved with the script', () => {
  it('shows the binding hash (hex, words, QR) and every part of it, and records both hashes with each approval', async () => {
    const s = setup(`version: 1\ncustodians:\n${CUSTODIANS.map(typed).join('')}`);
    const plan = await loadAndApprove(s.handlers, s.script, s.binding);
    expect(plan.bindingSha256).toBe(fileSha256(s.binding));
    expect(plan.bindingWords).toHaveLength(32);
    expect(plan.bindingQrSvg).toContain('<svg');
    expect(plan.bindingParts.map((p) => [p.label, p.value])).toEqual(CUSTODIANS.map((c) => [`Custodian ${c}: passphrase`, 'typed at the step that needs it']));
    expect(plan.bindingParts.map((p) => p.line)).toEqual([5, 8, 11]);
    expect(plan.unattendedSources).toEqual({ allowed: false, sources: [] });
    const approvals = s.ws.audit.query({ offset: 0, limit: 50 }).entries.filter((e) => e.action === 'ceremony.hash-approved');
    expect(approvals.map((a) => [a.actor, a.details.scriptSha256, a.details.bindingSha256])).toEqual(
      CUSTODIANS.map((c) => [c, plan.sha256, plan.bindingSha256]),
    );
  });

  it('refuses a binding changed after approval at pre-flight (CEREMONY_BINDING_CHANGED), audited', async () => {
    const s = setup(`version: 1\ncustodians:\n${CUSTODIANS.map(typed).join('')}`);
    const plan = await loadAndApprove(s.handlers, s.script, s.binding);
    // One custodian's source quietly switched to a file on the same medium.
    writeFileSync(s.binding, readFileSync(s.binding, 'utf8').replace('    passphrase:\n      typed: true\n', '    passphrase:\n      file: bob.txt\n'));
    const r = await dispatch(s.handlers, 'ceremony.preflight', { scriptPath: s.script, bindingPath: s.binding, bindingSha256: plan.bindingSha256 });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'CEREMONY_BINDING_CHANGED',
        message: expect.stringContaining(
          `at pre-flight, the binding ${s.binding} has SHA-256 ${fileSha256(s.binding)}, not the approved ${plan.bindingSha256}`,
        ),
      },
    });
    expect(refusals(s.ws)).toEqual(['CEREMONY_BINDING_CHANGED']);
  });

  it('refuses a binding changed after approval (and after pre-flight) at start: nothing registered, nothing on the medium', async () => {
    const s = setup(`version: 1\ncustodians:\n${CUSTODIANS.map(typed).join('')}`);
    const plan = await loadAndApprove(s.handlers, s.script, s.binding);
    const pf = await ok<CeremonyPreflightView>(
      dispatch(s.handlers, 'ceremony.preflight', { scriptPath: s.script, bindingPath: s.binding, bindingSha256: plan.bindingSha256 }),
    );
    expect(pf.ok).toBe(true);
    expect(pf.checks.find((c) => c.name === 'secrets')).toMatchObject({ status: 'pass' });
    writeFileSync(s.binding, `${readFileSync(s.binding, 'utf8')}# changed\n`);
    const r = await dispatch(s.handlers, 'ceremony.start', {
      scriptPath: s.script,
      bindingPath: s.binding,
      approvedHash: plan.sha256,
      approvedBindingHash: plan.bindingSha256,
    });
    expect(r).toMatchObject({
      ok: false,
      error: { code: 'CEREMONY_BINDING_CHANGED', message: expect.stringContaining(`not the approved ${plan.bindingSha256}`) },
    });
    expect(existsSync(s.out)).toBe(false);
    expect(new CeremonyRepository(s.ws).list()).toEqual([]);
    expect(refusals(s.ws)).toEqual(['CEREMONY_BINDING_CHANGED']);
    // The changed binding is a new plan: its hash has no approvals yet.
    const again = await ok<CeremonyPlanView>(dispatch(s.handlers, 'ceremony.load', { scriptPath: s.script, bindingPath: s.binding }));
    const r2 = await dispatch(s.handlers, 'ceremony.start', {
      scriptPath: s.script,
      bindingPath: s.binding,
      approvedHash: again.sha256,
      approvedBindingHash: again.bindingSha256,
    });
    expect(r2).toMatchObject({ ok: false, error: { code: 'CEREMONY_NOT_APPROVED' } });
  });

  it('at the CLI, refuses a binding that is not the approved one before anything happens', async () => {
    const d = tempDir('hallmark-binding-cli-');
    dirs.push(d);
    const home = join(d.path, 'ws');
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const script = join(d.path, 'root-shares.yaml');
    writeFileSync(script, allowNetwork(ceremonyExample('root-shares.yaml')));
    const binding = join(d.path, 'root-shares.binding.yaml');
    writeFileSync(binding, ceremonyExample('root-shares.binding.yaml'));
    const hash = await runCli(['--json', 'ceremony', 'hash', script, '--binding', binding]);
    expect(hash.code, hash.stderr).toBe(0);
    const h = JSON.parse(hash.stdout) as {
      sha256: string;
      binding: { sha256: string; words: string[]; qrText: string; parts: { label: string; value: string }[] };
    };
    expect(h.binding).toMatchObject({ sha256: fileSha256(binding), qrText: `hallmark-ceremony-binding-sha256:${fileSha256(binding)}` });
    expect(h.binding.parts[0]).toMatchObject({
      label: 'Custodian Bob Custodian: passphrase',
      value: 'environment variable HALLMARK_PASSPHRASE_BOB',
      attention: 'read from the environment, nobody types it',
    });
    writeFileSync(binding, readFileSync(binding, 'utf8').replace('HALLMARK_PASSPHRASE_BOB', 'HALLMARK_PASSPHRASE_MALLORY'));
    const out = join(d.path, 'out');
    const r = await runCli(
      [
        '--home',
        home,
        'ceremony',
        'run',
        script,
        '--binding',
        binding,
        '--approved-hash',
        h.sha256,
        '--approved-binding-hash',
        h.binding.sha256,
        '--out',
        out,
        '--ack-file',
        join(REPO_ROOT, 'resources/ceremonies/rehearsal-shares.acks'),
      ],
      {
        HALLMARK_PASSPHRASE_MALLORY: 'mallory-knows-this-one',
        HALLMARK_PASSPHRASE_CAROL: 'carol-passphrase-2d9e',
        HALLMARK_PASSPHRASE_ERIN: 'erin-passphrase-5f3b',
      },
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^error: CEREMONY_BINDING_CHANGED: at start, the binding \S+ has SHA-256 [0-9a-f]{64}, not the approved/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('secret sources in the app', () => {
  const fileSources = `version: 1\ncustodians:\n${CUSTODIANS.map((c, i) => `  - name: ${c}\n    passphrase:\n      file: pass-${i + 1}.txt\n`).join('')}`;

  it('refuses a file: passphrase source in the ceremony session, naming its line; nothing registered', async () => {
    const s = setup(fileSources);
    for (const i of [1, 2, 3]) writeFileSync(join(s.dir, `pass-${i}.txt`), `passphrase-next-to-the-shares-${i}\n`);
    const plan = await loadAndApprove(s.handlers, s.script, s.binding);
    expect(plan.unattendedSources.allowed).toBe(false);
    expect(plan.unattendedSources.sources.map((u) => [u.at, u.kind, u.custodian, u.line])).toEqual([
      ['custodians[0].passphrase', 'file', 'Bob Custodian', 5],
      ['custodians[1].passphrase', 'file', 'Carol Custodian', 8],
      ['custodians[2].passphrase', 'file', 'Erin Custodian', 11],
    ]);
    expect(plan.bindingParts[0]).toMatchObject({
      label: 'Custodian Bob Custodian: passphrase',
      value: `file ${join(s.dir, 'pass-1.txt')}`,
      attention: 'read from a file, nobody types it',
    });
    const pf = await ok<CeremonyPreflightView>(
      dispatch(s.handlers, 'ceremony.preflight', { scriptPath: s.script, bindingPath: s.binding, bindingSha256: plan.bindingSha256 }),
    );
    expect(pf.ok).toBe(false);
    expect(pf.checks.find((c) => c.name === 'secrets')).toMatchObject({ status: 'fail', code: 'CEREMONY_SECRET_SOURCE_REFUSED' });
    const r = await dispatch(s.handlers, 'ceremony.start', {
      scriptPath: s.script,
      bindingPath: s.binding,
      approvedHash: plan.sha256,
      approvedBindingHash: plan.bindingSha256,
    });
    expect(r).toMatchObject({
      ok: false,
      error: {
        code: 'CEREMONY_SECRET_SOURCE_REFUSED',
        message: expect.stringContaining(`${s.binding}: line 5: custodians[0].passphrase: file ${join(s.dir, 'pass-1.txt')}`),
      },
    });
    expect(existsSync(s.out)).toBe(false);
    expect(new CeremonyRepository(s.ws).list()).toEqual([]);
    expect(refusals(s.ws)).toEqual(['CEREMONY_SECRET_SOURCE_REFUSED']);
  });

  it('accepts file: sources when the binding says allowUnattendedSources: true, a line shown to and approved by the custodians', async () => {
    const s = setup(fileSources.replace('version: 1\n', 'version: 1\nallowUnattendedSources: true\n'));
    for (const i of [1, 2, 3]) writeFileSync(join(s.dir, `pass-${i}.txt`), `a-long-unattended-passphrase-${i}\n`);
    const plan = await loadAndApprove(s.handlers, s.script, s.binding);
    expect(plan.unattendedSources.allowed).toBe(true);
    expect(plan.bindingParts[0]).toMatchObject({
      label: 'Unattended secret sources',
      line: 2,
      attention: expect.stringContaining('without anyone typing them'),
    });
    const pf = await ok<CeremonyPreflightView>(
      dispatch(s.handlers, 'ceremony.preflight', { scriptPath: s.script, bindingPath: s.binding, bindingSha256: plan.bindingSha256 }),
    );
    expect(pf.checks.find((c) => c.name === 'secrets')).toMatchObject({ status: 'warn' });
    expect(pf.ok).toBe(true);
    const run = await ok<CeremonyRunView>(
      dispatch(s.handlers, 'ceremony.start', {
        scriptPath: s.script,
        bindingPath: s.binding,
        approvedHash: plan.sha256,
        approvedBindingHash: plan.bindingSha256,
      }),
    );
    expect(run.phase).toBe('running');
    const aborted = await ok<CeremonyRunView>(dispatch(s.handlers, 'ceremony.abort', { runId: run.runId, reason: 'test over' }));
    expect(aborted.error?.code ?? 'CEREMONY_ABORTED').toBe('CEREMONY_ABORTED');
    const t = readFileSync(join(s.out, 'transcript.jsonl'), 'utf8');
    const started = JSON.parse(t.split('\n')[0]!) as {
      binding: { sha256: string; allowUnattendedSources: boolean; secretSources: { kind: string; custodian: string }[] };
    };
    expect(started.binding).toMatchObject({ sha256: plan.bindingSha256, allowUnattendedSources: true });
    expect(started.binding.secretSources.map((x) => [x.custodian, x.kind])).toEqual(CUSTODIANS.map((c) => [c, 'file']));
    expect(t).not.toContain('a-long-unattended-passphrase');
  });
});

describe('typed sources at the CLI', () => {
  it('asks each custodian at the terminal, echo off, at the step that needs it; the transcript says typed, never the passphrase', async () => {
    const d = tempDir('hallmark-binding-typed-cli-');
    dirs.push(d);
    const home = join(d.path, 'ws');
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const script = join(d.path, 'root-shares.yaml');
    writeFileSync(script, allowNetwork(ceremonyExample('root-shares.yaml')));
    const binding = join(d.path, 'typed.binding.yaml');
    writeFileSync(binding, `version: 1\ncustodians:\n${CUSTODIANS.map(typed).join('')}`);
    const h = JSON.parse((await runCli(['--json', 'ceremony', 'hash', script, '--binding', binding])).stdout) as {
      sha256: string;
      binding: { sha256: string };
    };
    const out = join(d.path, 'out');
    const pass: Record<string, string> = {
      'Bob Custodian': 'typed-bob-passphrase-81c2',
      'Carol Custodian': 'typed-carol-passphrase-4e7a',
      'Erin Custodian': 'typed-erin-passphrase-09fd',
    };
    const args = [
      '--home',
      home,
      '--actor',
      'ceremony-admin',
      'ceremony',
      'run',
      script,
      '--binding',
      binding,
      '--approved-hash',
      h.sha256,
      '--approved-binding-hash',
      h.binding.sha256,
      '--out',
      out,
      '--ack-file',
      join(REPO_ROOT, 'resources/ceremonies/rehearsal-shares.acks'),
    ];
    const cmd = [process.execPath, join(REPO_ROOT, 'bin/hallmark.mjs'), ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
    const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HALLMARK_HOME: '', HALLMARK_ACTOR: '' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let seen = '';
    const asked: string[] = [];
    const code = await new Promise<number>((resolve) => {
      child.stdout.on('data', (b: Buffer) => {
        seen += b.toString();
        for (const m of [...seen.matchAll(/: type custodian "([^"]+)"'s passphrase \(step "generate-and-split"\): /g)].slice(asked.length)) {
          asked.push(m[1]!);
          child.stdin.write(`${pass[m[1]!]}\r`);
        }
      });
      child.on('close', (c) => resolve(c ?? -1));
    });
    expect(code, seen).toBe(0);
    expect(asked).toEqual(CUSTODIANS);
    for (const p of Object.values(pass)) expect(seen).not.toContain(p);
    const t = readFileSync(join(out, 'transcript.jsonl'), 'utf8');
    const started = JSON.parse(t.split('\n')[0]!) as { binding: { secretSources: { kind: string; custodian: string }[] } };
    expect(started.binding.secretSources.map((x) => [x.custodian, x.kind])).toEqual(CUSTODIANS.map((c) => [c, 'typed']));
    for (const p of Object.values(pass)) expect(t).not.toContain(p);
  });
});
