import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { makeReadOnly } from '../support/read-only-dir.js';
import { tempDir } from '../support/temp-dir.js';
import { allowNetwork, ceremonyExample, fileWriter, fileSha256 } from '../support/ceremony-files.js';
import { assertMediumVerifies, readTranscript } from '../support/transcript.js';

/**
 * Interrupted ceremonies: a run that stops at a step, and a process killed while waiting
 * at the terminal, both resumed after their last committed step; and a dry run that
 * leaves the workspace as it was. Real SoftHSM token, real CLI processes.
 */
const tmp = tempDir('hallmark-ceremony-resume-');
let hsm: SoftHsm;
const file = fileWriter(tmp.path);
const example = ceremonyExample;
const relax = allowNetwork;
const fullAcks = join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks');
let binding: string;

function workspace(name: string, env: NodeJS.ProcessEnv = {}): { home: string; cli: (...args: string[]) => ReturnType<typeof runCli> } {
  const home = join(tmp.path, name);
  return { home, cli: (...args: string[]) => runCli(['--home', home, '--actor', 'ceremony-admin', ...args], env) };
}

async function hashOf(cli: (...a: string[]) => ReturnType<typeof runCli>, script: string): Promise<string> {
  const r = await cli('--json', 'ceremony', 'hash', script);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { sha256: string }).sha256;
}

function rows(home: string, sql: string, ...params: unknown[]): unknown[] {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true });
  try {
    return db.prepare(sql).all(...params);
  } finally {
    db.close();
  }
}

describe.skipIf(!softHsmAvailable())('interrupted ceremonies', () => {
  beforeAll(() => {
    hsm = createSoftHsm([
      { label: 'root-a', pin: '246810' },
      { label: 'root-b', pin: '246810' },
      { label: 'root-c', pin: '246810' },
      { label: 'root-d', pin: '246810' },
    ]);
    file('pin', '246810\n');
    binding = file('binding.yaml', `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    file: pin\n`);
  });
  afterAll(() => {
    hsm?.dispose();
    if (!process.env.KEEP) tmp.dispose();
  });

  it('stops at the step whose acknowledgment is missing and resumes after the last committed step', async () => {
    const { home, cli } = workspace('ws-stop');
    expect((await cli('init')).code).toBe(0);
    const script = file('root-stop.yaml', relax(example('root-pkcs11.yaml')));
    const approved = await hashOf(cli, script);
    const out = join(tmp.path, 'out-stop');
    // The custodians are not in the room yet: the clock and the first step are acknowledged, generate-key is not.
    const partial = file('no-custodians.acks', 'administrator Alice Admin\nwitnesses Dave Witness\n');
    const first = await cli(
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
      partial,
    );
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/error: CEREMONY_ACK_MISSING: step "generate-key": custodians "Bob Custodian" did not acknowledge/);
    const id = readTranscript(out).of('started')[0]!.ceremonyId;
    expect(first.stderr).toContain(`--resume ${id}`);
    expect(rows(home, 'SELECT status FROM ceremonies WHERE id = ?', id)).toEqual([{ status: 'running' }]);
    expect(rows(home, 'SELECT step FROM ceremony_steps WHERE ceremony_id = ? ORDER BY idx', id)).toEqual([{ step: 'preflight-confirmed' }]);
    // Nothing of generate-key happened: no key in the workspace, none on the token.
    expect(rows(home, 'SELECT COUNT(*) AS n FROM keys')).toEqual([{ n: 0 }]);

    // The medium says so too: not complete, stopped at generate-key.
    const unfinished = await cli('ceremony', 'verify-transcript', out);
    expect(unfinished.code).toBe(1);
    expect(unfinished.stdout).toContain('STOPPED at step generate-key: CEREMONY_ACK_MISSING');

    // A resume must name the same medium and script.
    const elsewhere = await cli(
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
      join(tmp.path, 'other'),
      '--ack-file',
      fullAcks,
      '--resume',
      id,
    );
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toContain(`error: CEREMONY_INTERRUPTED: ceremony ${id} writes to ${out}`);

    const resumed = await cli(
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
      fullAcks,
      '--resume',
      id,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const t = readTranscript(out);
    expect(t.records.map((r) => r.type).filter((x) => ['stopped', 'resumed', 'completed'].includes(x))).toEqual(['stopped', 'resumed', 'completed']);
    // Every step committed exactly once; the first is not acknowledged again.
    expect(t.of('step-completed').map((s) => s.step)).toEqual(['preflight-confirmed', 'generate-key', 'sign-root', 'outputs-read-aloud']);
    expect(t.of('acknowledged').filter((a) => a.step === 'preflight-confirmed')).toHaveLength(2);
    // The witnesses confirmed the clock again at the resumed session.
    expect(t.of('acknowledged').filter((a) => a.step === 'preflight-clock')).toHaveLength(2);
    const cert = join(out, 'acme-root-2026.pem');
    assertMediumVerifies(out, cert);
    expect(readFileSync(join(out, 'transcript.html'), 'utf8')).toContain('Stopped — the ceremony stayed open');
    const verified = await cli('ceremony', 'verify-transcript', out, '--trust', cert);
    expect(verified.code, verified.stdout).toBe(0);
    expect(rows(home, 'SELECT status FROM ceremonies WHERE id = ?', id)).toEqual([{ status: 'completed' }]);
    const resumedAgain = await cli(
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
      fullAcks,
      '--resume',
      id,
    );
    expect(resumedAgain.code).toBe(2);
    expect(resumedAgain.stderr).toContain(`ceremony ${id} has completed; only an interrupted ceremony can be resumed`);
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it('resumes a ceremony whose process was killed at the terminal after the key was made, signing with that key', async () => {
    const { home, cli } = workspace('ws-kill');
    expect((await cli('init')).code).toBe(0);
    const script = file('root-kill.yaml', relax(example('root-pkcs11.yaml')));
    const approved = await hashOf(cli, script);
    const out = join(tmp.path, 'out-kill');
    const bindingB = file('binding-b.yaml', readFileSync(binding, 'utf8').replace(hsm.tokens[0]!.serial, hsm.tokens[1]!.serial));
    await killAtPrompt(
      home,
      ['ceremony', 'run', script, '--binding', bindingB, '--approved-binding-hash', fileSha256(bindingB), '--approved-hash', approved, '--out', out],
      'sign-root',
    );

    const [open] = rows(home, 'SELECT id, status FROM ceremonies') as { id: string; status: string }[];
    expect(open!.status).toBe('running');
    expect(rows(home, 'SELECT step FROM ceremony_steps WHERE ceremony_id = ? ORDER BY idx', open!.id)).toEqual([
      { step: 'preflight-confirmed' },
      { step: 'generate-key' },
    ]);
    const key = rows(home, "SELECT spki_sha256 FROM keys WHERE label = 'acme-root-2026-key'") as { spki_sha256: string }[];
    expect(key).toHaveLength(1);
    const list = JSON.parse((await cli('--json', 'ceremony', 'list')).stdout) as { ceremonies: { id: string; stepsDone: number }[] };
    expect(list.ceremonies).toMatchObject([{ id: open!.id, stepsDone: 2 }]);

    const resumed = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      bindingB,
      '--approved-binding-hash',
      fileSha256(bindingB),
      '--approved-hash',
      approved,
      '--out',
      out,
      '--ack-file',
      fullAcks,
      '--resume',
      open!.id,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    // The witness's exception typed before the kill is on the record.
    expect(readTranscript(out).of('exception')).toMatchObject([{ step: 'preflight-confirmed', role: 'witnesses', by: 'Dave Witness', note: NOTE }]);
    expect(rows(home, "SELECT actor FROM audit_log WHERE action = 'ceremony.exception-noted'")).toEqual([{ actor: 'Dave Witness' }]);
    const cert = join(out, 'acme-root-2026.pem');
    // The root certifies the key generated before the kill, not a new one.
    const spki = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-pubkey'], { encoding: 'utf8' });
    const der = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: spki });
    expect((await import('node:crypto')).createHash('sha256').update(der).digest('hex')).toBe(key[0]!.spki_sha256);
    assertMediumVerifies(out, cert);
    expect(rows(home, 'SELECT COUNT(*) AS n FROM keys')).toEqual([{ n: 1 }]);
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it('resumes a shares root killed after its split: the root is signed with the shares on the medium', async () => {
    const passphrases = {
      HALLMARK_PASSPHRASE_BOB: 'bob-passphrase-7a1c',
      HALLMARK_PASSPHRASE_CAROL: 'carol-passphrase-2d9e',
      HALLMARK_PASSPHRASE_ERIN: 'erin-passphrase-5f3b',
    };
    const { home, cli } = workspace('ws-shares-kill', passphrases);
    expect((await cli('init')).code).toBe(0);
    const script = file('root-shares-kill.yaml', relax(example('root-shares.yaml')));
    const approved = await hashOf(cli, script);
    const binding = join(REPO_ROOT, 'resources/ceremonies/root-shares.binding.yaml');
    const out = join(tmp.path, 'out-shares-kill');
    await killAtPrompt(
      home,
      ['ceremony', 'run', script, '--binding', binding, '--approved-binding-hash', fileSha256(binding), '--approved-hash', approved, '--out', out],
      'sign-root',
      passphrases,
    );
    const [open] = rows(home, 'SELECT id FROM ceremonies') as { id: string }[];
    expect(rows(home, 'SELECT step FROM ceremony_steps WHERE ceremony_id = ? ORDER BY idx', open!.id)).toEqual([
      { step: 'preflight-confirmed' },
      { step: 'generate-and-split' },
    ]);

    const resumed = await cli(
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
      join(REPO_ROOT, 'resources/ceremonies/rehearsal-shares.acks'),
      '--resume',
      open!.id,
    );
    expect(resumed.code, resumed.stderr).toBe(0);
    const cert = join(out, 'acme-root-shares-2026.pem');
    const spki = execFileSync('openssl', ['pkey', '-pubin', '-outform', 'DER'], { input: execFileSync('openssl', ['x509', '-in', cert, '-noout', '-pubkey']) });
    const [key] = rows(home, "SELECT spki_sha256 FROM keys WHERE label = 'acme-root-shares-2026-key'") as { spki_sha256: string }[];
    expect(createHash('sha256').update(spki).digest('hex')).toBe(key!.spki_sha256);
    assertMediumVerifies(out, cert);
  });

  it('an output medium that cannot be written stops the ceremony before it is registered, and it starts cleanly once it can', async () => {
    const { home, cli } = workspace('ws-readonly');
    expect((await cli('init')).code).toBe(0);
    const before = rows(home, 'SELECT MAX(seq) AS seq FROM audit_log');
    const script = file('root-ro.yaml', relax(example('root-pkcs11.yaml')));
    const bindingD = file('binding-d.yaml', readFileSync(binding, 'utf8').replace(hsm.tokens[0]!.serial, hsm.tokens[3]!.serial));
    const out = join(tmp.path, 'out-readonly');
    mkdirSync(out);
    const undo = makeReadOnly(out);
    let r;
    try {
      r = await cli(
        'ceremony',
        'run',
        script,
        '--binding',
        bindingD,
        '--approved-binding-hash',
        fileSha256(bindingD),
        '--approved-hash',
        await hashOf(cli, script),
        '--out',
        out,
        '--ack-file',
        fullAcks,
      );
    } finally {
      undo();
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^error: CEREMONY_OUTPUT_UNWRITABLE: cannot create ${out}/transcript.jsonl: E(PERM|ACCES); the output medium must be writable`, 'm'),
    );
    // Nothing happened: no register row, no audit entry, nothing on the medium.
    expect(rows(home, 'SELECT COUNT(*) AS n FROM ceremonies')).toEqual([{ n: 0 }]);
    expect(rows(home, 'SELECT MAX(seq) AS seq FROM audit_log')).toEqual(before);
    expect(readdirSync(out)).toEqual([]);
    const again = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      bindingD,
      '--approved-binding-hash',
      fileSha256(bindingD),
      '--approved-hash',
      await hashOf(cli, script),
      '--out',
      out,
      '--ack-file',
      fullAcks,
    );
    expect(again.code, again.stderr).toBe(0);
    assertMediumVerifies(out, join(out, 'acme-root-2026.pem'));
  });

  it('a dry run writes its outputs but records nothing in the workspace', async () => {
    const { home, cli } = workspace('ws-dry');
    expect((await cli('init')).code).toBe(0);
    const before = rows(home, 'SELECT MAX(seq) AS seq FROM audit_log');
    const snapshots = () => readdirSync(tmpdir()).filter((f) => f.startsWith('hallmark-dry-run-'));
    const snapshotsBefore = snapshots();
    const script = file('root-dry.yaml', relax(example('root-pkcs11.yaml')));
    const bindingC = file('binding-c.yaml', readFileSync(binding, 'utf8').replace(hsm.tokens[0]!.serial, hsm.tokens[2]!.serial));
    const out = join(tmp.path, 'out-dry');
    const r = await cli(
      'ceremony',
      'run',
      script,
      '--binding',
      bindingC,
      '--approved-binding-hash',
      fileSha256(bindingC),
      '--approved-hash',
      await hashOf(cli, script),
      '--out',
      out,
      '--ack-file',
      fullAcks,
      '--dry-run',
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('dry run: nothing was recorded in the workspace');
    expect(readTranscript(out).of('started')[0]).toMatchObject({ dryRun: true });
    assertMediumVerifies(out, join(out, 'acme-root-2026.pem'));
    expect(rows(home, 'SELECT MAX(seq) AS seq FROM audit_log')).toEqual(before);
    expect(rows(home, 'SELECT COUNT(*) AS n FROM ceremonies')).toEqual([{ n: 0 }]);
    expect(rows(home, 'SELECT COUNT(*) AS n FROM cas')).toEqual([{ n: 0 }]);
    // The throw-away copy is gone.
    expect(snapshots()).toEqual(snapshotsBefore);
    expect(existsSync(join(out, 'transcript.jsonl.p7s'))).toBe(true);
  });
});

/**
 * Runs the CLI on a real pseudo-terminal (util-linux `script`), types each requested name
 * at its prompt, and SIGKILLs the process when it asks for the step `stopAt`: a ceremony
 * killed between two committed steps, as a pulled power cord would.
 */
const NOTE = 'seal bag number 4411 differs from the checklist (4417)';

async function killAtPrompt(home: string, args: string[], stopAt: string, env: NodeJS.ProcessEnv = {}): Promise<void> {
  const marker = `hallmark-kill-${Date.now()}`;
  const cmd = [process.execPath, join(REPO_ROOT, 'bin/hallmark.mjs'), '--home', home, '--actor', marker, ...args]
    .map((a) => `'${a.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn('script', ['-qfec', cmd, '/dev/null'], {
    cwd: REPO_ROOT,
    env: { ...process.env, HALLMARK_HOME: '', HALLMARK_ACTOR: '', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let seen = '';
  let answered = 0;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no prompt for "${stopAt}" within 60 s; output:\n${seen}`)), 60_000);
    child.stdout.on('data', (d: Buffer) => {
      seen += d.toString();
      const prompts = [
        ...seen.matchAll(
          / (administrator|custodians|witnesses) ([^:\n]+): type your name to acknowledge step "([^"]+)": | witness ([^:\n]+): any exception to note for step "([^"]+)"\? \(Enter for none\): /g,
        ),
      ];
      for (const m of prompts.slice(answered)) {
        answered += 1;
        if (m[5] !== undefined) {
          // One witness notes an exception after the first step; the others have none.
          child.stdin.write(m[5] === 'preflight-confirmed' ? `${NOTE}\r` : '\r');
          continue;
        }
        if (m[3] === stopAt) {
          clearTimeout(timer);
          execFileSync('pkill', ['-KILL', '-f', marker]);
          resolve();
          return;
        }
        child.stdin.write(`${m[2]}\r`);
      }
    });
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  // `script` may exit before the killed ceremony is reaped: wait until no process carries the marker.
  const deadline = Date.now() + 10_000;
  while (spawnSync('pgrep', ['-f', marker]).status === 0) {
    if (Date.now() > deadline) throw new Error(`the killed ceremony (${marker}) is still running`);
    await new Promise((r) => setTimeout(r, 20));
  }
  expect(seen).toContain(`step "${stopAt}"`);
}
