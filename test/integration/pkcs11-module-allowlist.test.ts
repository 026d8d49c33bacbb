import { generateKeyPairSync } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { CeremonyPlanView, CeremonyPreflightView } from '../../preload/api.js';
import { createIntermediateCa } from '../../main/ca/create-ca.js';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { CeremonySession } from '../../main/api/ceremony-session.js';
import { dispatch } from '../../main/api/dispatch.js';
import { StationSession } from '../../main/api/station-session.js';
import { CeremonyRepository } from '../../main/store/ceremony-repository.js';
import { openSoftwareKey } from '../../main/keys/software/index.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { SettingsRepository } from '../../main/store/settings-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { allowNetwork, ceremonyExample } from '../support/ceremony-files.js';
import { buildMarkerLibrary, dlopenInChild, gccAvailable, type MarkerLibrary } from '../support/marker-library.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { createSoftHsm, findSoftHsmModule, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { makeBatch, STATION_POLICY, stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Native code only from where the administrator put it (issue 18, part 2): a binding on a
 * medium that names a "PKCS#11 module" sitting beside it — a library whose constructor
 * writes a marker file — is refused before anything dlopens it, with the path named, by
 * the ceremony pre-flight and start through the contract, by the station unlock, and by
 * the CLI. Each test has its own workspace and its own medium.
 */
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian'];
const dirs: { dispose(): void }[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) d.dispose();
});

function medium(): { path: string; lib: MarkerLibrary; home: string } {
  const d = tempDir('hallmark-medium-');
  dirs.push(d);
  return { path: d.path, lib: buildMarkerLibrary(d.path), home: join(d.path, 'ws') };
}

/** The shipped root-on-a-token script and a binding naming `module`, both on the medium. */
function ceremonyFiles(dir: string, module: string): { script: string; binding: string } {
  const script = join(dir, 'root.yaml');
  writeFileSync(script, allowNetwork(ceremonyExample('root-pkcs11.yaml')));
  const binding = join(dir, 'root.binding.yaml');
  writeFileSync(binding, `version: 1\npkcs11:\n  module: ${module}\n  tokenSerial: "0123456789abcdef"\n  pin:\n    typed: true\n`);
  return { script, binding };
}

async function ok<T>(p: Promise<{ ok: boolean; value?: unknown; error?: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`${r.error!.code}: ${r.error!.message}`);
  return r.value as T;
}

/** Load, approve both hashes, pre-flight, start: the Ceremonies screen's calls, through dispatch. */
async function throughTheContract(home: string, files: { script: string; binding: string }, out: string, env: NodeJS.ProcessEnv = {}) {
  const { workspace: ws } = Workspace.init(home, 'test');
  const session = new CeremonySession(ws, env);
  // The output medium comes from the main process's folder dialog; this one answers `out`.
  const handlers = createCoreHandlers(ws, undefined, session, { folders: { pickFolders: async () => [out] } });
  const plan = await ok<CeremonyPlanView>(dispatch(handlers, 'ceremony.load', { scriptPath: files.script, bindingPath: files.binding }));
  for (const name of CUSTODIANS) {
    await ok(
      dispatch(handlers, 'ceremony.approveHash', {
        scriptPath: files.script,
        sha256: plan.sha256,
        bindingPath: files.binding,
        bindingSha256: plan.bindingSha256,
        name,
      }),
    );
  }
  const preflight = await ok<CeremonyPreflightView>(
    dispatch(handlers, 'ceremony.preflight', { scriptPath: files.script, bindingPath: files.binding, bindingSha256: plan.bindingSha256 }),
  );
  const start = await dispatch(handlers, 'ceremony.start', {
    scriptPath: files.script,
    bindingPath: files.binding,
    approvedHash: plan.sha256,
    approvedBindingHash: plan.bindingSha256,
  });
  return { ws, session, plan, preflight, start };
}

describe.skipIf(!gccAvailable())('a PKCS#11 module brought on the medium', () => {
  it('the test library really runs its constructor when dlopened (in a child process)', () => {
    const m = medium();
    expect(m.lib.loaded()).toBe(false);
    dlopenInChild(m.lib.path);
    expect(m.lib.loaded()).toBe(true);
  });

  it('is refused by the ceremony pre-flight and start through the contract, before it is loaded, naming the path', async () => {
    const m = medium();
    const out = join(m.path, 'out');
    const { ws, session, plan, preflight, start } = await throughTheContract(m.home, ceremonyFiles(m.path, m.lib.path), out);
    try {
      expect(plan.modules).toEqual([{ at: 'pkcs11.module', path: m.lib.path, allowed: false, problem: expect.stringContaining('PKCS11_MODULE_NOT_ALLOWED') }]);
      expect(preflight.ok).toBe(false);
      const token = preflight.checks.find((c) => c.name === 'token')!;
      expect(token).toMatchObject({ status: 'fail', code: 'PKCS11_MODULE_NOT_ALLOWED' });
      expect(token.summary).toContain(m.lib.path);
      expect(start).toMatchObject({ ok: false, error: { code: 'PKCS11_MODULE_NOT_ALLOWED', message: expect.stringContaining(m.lib.path) } });
      // Nothing ran and nothing was recorded but the refusal.
      expect(m.lib.loaded()).toBe(false);
      expect(existsSync(out)).toBe(false);
      expect(new CeremonyRepository(ws).list()).toEqual([]);
      expect(
        ws.audit
          .query({ offset: 0, limit: 50 })
          .entries.filter((e) => e.action === 'ceremony.refused')
          .map((e) => e.details.code),
      ).toEqual(['PKCS11_MODULE_NOT_ALLOWED']);
    } finally {
      await session.dispose();
      ws.close();
    }
  });

  it('named relative to the binding, is not resolved against the binding folder: refused as not absolute, never loaded', async () => {
    const m = medium();
    const { ws, session, preflight, start } = await throughTheContract(m.home, ceremonyFiles(m.path, 'libpkcs11-medium.so'), join(m.path, 'out'));
    try {
      expect(preflight.checks.find((c) => c.name === 'token')).toMatchObject({
        status: 'fail',
        code: 'PKCS11_MODULE_UNSAFE',
        summary: expect.stringContaining('libpkcs11-medium.so is not absolute'),
      });
      expect(start).toMatchObject({ ok: false, error: { code: 'PKCS11_MODULE_UNSAFE' } });
      expect(m.lib.loaded()).toBe(false);
    } finally {
      await session.dispose();
      ws.close();
    }
  });

  it('even on the allow-list, a module in a folder others can write is refused as unsafe, never loaded', async () => {
    const m = medium();
    const { ws, session, preflight, start } = await throughTheContract(m.home, ceremonyFiles(m.path, m.lib.path), join(m.path, 'out'), {
      HALLMARK_PKCS11_MODULES: m.lib.path,
    });
    try {
      const token = preflight.checks.find((c) => c.name === 'token')!;
      expect(token).toMatchObject({ status: 'fail', code: 'PKCS11_MODULE_UNSAFE' });
      expect(token.summary).toContain(m.lib.path);
      expect(start).toMatchObject({ ok: false, error: { code: 'PKCS11_MODULE_UNSAFE', message: expect.stringContaining(m.lib.path) } });
      expect(m.lib.loaded()).toBe(false);
    } finally {
      await session.dispose();
      ws.close();
    }
  });

  it('is refused by the station unlock (HALLMARK_PKCS11_MODULE naming it) before it is loaded, naming the path', async () => {
    const m = medium();
    const { ws } = await stationWorkspace(m.home);
    try {
      // The manufacturing CA's key "on a token": a pkcs11 key record (its public key made here; no token is touched).
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      const record = new KeyRepository(ws).add(
        {
          label: 'mfg-token-key',
          store: 'pkcs11',
          algorithm: 'ecdsa-p256',
          spki: publicKey.export({ type: 'spki', format: 'der' }),
          location: { tokenSerial: '0123456789abcdef', tokenLabel: 'mfg', id: 'ab01', sensitive: true, extractable: false },
        },
        'custodian',
      );
      const rootRecord = new KeyRepository(ws).get('root-key');
      const parent = await openSoftwareKey(rootRecord, { passphrase: TEST_PASSPHRASE, keysDir: ws.info().keysPath });
      await createIntermediateCa(ws, {
        name: 'mfg-token',
        parent: 'root',
        parentKey: parent,
        subject: parseSubject('O=Acme,CN=Acme Token CA'),
        key: record,
        validityDays: 365,
        options: { pathLen: 0 },
        actor: 'custodian',
      });
      makeBatch(ws, 'WO-TOKEN', 'HM-SIM1-0001..HM-SIM1-0002', 2, STATION_POLICY.replace('issuingCa: mfg', 'issuingCa: mfg-token'));
      const station = new StationSession(ws, { env: { HALLMARK_PKCS11_MODULE: m.lib.path } });
      const handlers = createCoreHandlers(ws, station);
      const r = await dispatch(handlers, 'station.start', {
        batchId: 'WO-TOKEN',
        ports: ['/dev/null'],
        operator: 'Tina Tech',
        unlock: { kind: 'pkcs11-pin', pin: '123456' },
      });
      expect(r).toMatchObject({ ok: false, error: { code: 'PKCS11_MODULE_NOT_ALLOWED', message: expect.stringContaining(m.lib.path) } });
      expect(m.lib.loaded()).toBe(false);
      expect(station.status().run).toBeNull();
      expect(ws.audit.query({ action: 'station.refused' }).entries.map((e) => [e.actor, e.subject, e.details])).toEqual([
        ['Tina Tech', 'WO-TOKEN', { code: 'PKCS11_MODULE_NOT_ALLOWED', module: m.lib.path }],
      ]);
      await station.dispose();
    } finally {
      ws.close();
    }
  });

  it('is refused by the CLI (key generate, ceremony run) before it is loaded, naming the path', async () => {
    const m = medium();
    const env = { HALLMARK_PKCS11_MODULES: '' };
    expect((await runCli(['--home', m.home, 'init'], env)).code).toBe(0);
    writeFileSync(join(m.path, 'pin'), '123456\n');
    const gen = await runCli(
      [
        '--home',
        m.home,
        'key',
        'generate',
        '--label',
        'k',
        '--alg',
        'ecdsa-p256',
        '--store',
        'pkcs11',
        '--pkcs11-module',
        m.lib.path,
        '--token-serial',
        '0123',
        '--pin-file',
        join(m.path, 'pin'),
      ],
      env,
    );
    expect(gen.code).toBe(2);
    expect(gen.stderr).toContain(`error: PKCS11_MODULE_NOT_ALLOWED: the PKCS#11 module ${m.lib.path} is not on this machine's allow-list`);
    const files = ceremonyFiles(m.path, m.lib.path);
    const hash = JSON.parse((await runCli(['--json', 'ceremony', 'hash', files.script, '--binding', files.binding], env)).stdout) as {
      sha256: string;
      binding: { sha256: string };
    };
    const out = join(m.path, 'out');
    const run = await runCli(
      [
        '--home',
        m.home,
        'ceremony',
        'run',
        files.script,
        '--binding',
        files.binding,
        '--approved-hash',
        hash.sha256,
        '--approved-binding-hash',
        hash.binding.sha256,
        '--out',
        out,
        '--ack-file',
        join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks'),
      ],
      env,
    );
    expect(run.stderr).toContain(`error: PKCS11_MODULE_NOT_ALLOWED: the PKCS#11 module ${m.lib.path}`);
    expect(existsSync(out)).toBe(false);
    expect(m.lib.loaded()).toBe(false);
  });

  it('cannot be put on the workspace allow-list from the medium: `pkcs11-module allow` checks the file and refuses it', async () => {
    const m = medium();
    expect((await runCli(['--home', m.home, 'init'])).code).toBe(0);
    const r = await runCli(['--home', m.home, 'pkcs11-module', 'allow', m.lib.path]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      new RegExp(`^error: PKCS11_MODULE_UNSAFE: the PKCS#11 module ${m.lib.path} is not loaded: its folder \\S+ is (writable by|owned by)`),
    );
    const rel = await runCli(['--home', m.home, 'pkcs11-module', 'allow', 'libsofthsm2.so']);
    expect(rel.stderr).toContain('error: PKCS11_MODULE_UNSAFE');
    const list = await runCli(['--home', m.home, '--json', 'pkcs11-module', 'list'], { HALLMARK_PKCS11_MODULES: '' });
    expect(JSON.parse(list.stdout)).toEqual({ environment: [], workspace: [] });
    expect(m.lib.loaded()).toBe(false);
  });
});

describe.skipIf(!softHsmAvailable())('the workspace allow-list', () => {
  let hsm: SoftHsm;
  const d = tempDir('hallmark-allowlist-');
  beforeAll(() => {
    hsm = createSoftHsm([{ label: 'root-token' }]);
  });
  afterAll(() => {
    hsm?.dispose();
    d.dispose();
  });

  it('admits a root-owned module the administrator allowed with the CLI (audited), with nothing in the environment', async () => {
    const home = join(d.path, 'ws');
    const module = findSoftHsmModule()!;
    expect((await runCli(['--home', home, 'init'])).code).toBe(0);
    const allow = await runCli(['--home', home, '--actor', 'admin', 'pkcs11-module', 'allow', module], { HALLMARK_PKCS11_MODULES: '' });
    expect(allow.code, allow.stderr).toBe(0);
    const list = await runCli(['--home', home, '--json', 'pkcs11-module', 'list'], { HALLMARK_PKCS11_MODULES: '' });
    expect(JSON.parse(list.stdout)).toEqual({ environment: [], workspace: [module] });
    const ws = Workspace.open(home, 'test');
    const session = new CeremonySession(ws, {});
    try {
      expect(new SettingsRepository(ws).pkcs11Modules()).toEqual([module]);
      expect(ws.audit.query({ offset: 0, limit: 20 }).entries.find((e) => e.action === 'settings.pkcs11-module-allowed')).toMatchObject({
        actor: 'admin',
        subject: module,
      });
      const files = ceremonyFiles(d.path, module);
      writeFileSync(files.binding, `version: 1\npkcs11:\n  module: ${module}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    typed: true\n`);
      const handlers = createCoreHandlers(ws, undefined, session);
      const plan = await ok<CeremonyPlanView>(dispatch(handlers, 'ceremony.load', { scriptPath: files.script, bindingPath: files.binding }));
      expect(plan.modules).toEqual([{ at: 'pkcs11.module', path: module, allowed: true, problem: null }]);
      const pf = await ok<CeremonyPreflightView>(
        dispatch(handlers, 'ceremony.preflight', { scriptPath: files.script, bindingPath: files.binding, bindingSha256: plan.bindingSha256 }),
      );
      expect(pf.checks.find((c) => c.name === 'token')).toMatchObject({ status: 'pass', summary: expect.stringContaining(hsm.tokens[0]!.serial) });
    } finally {
      await session.dispose();
      ws.close();
    }
  });
});
