import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBatch } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { FakeDevice, makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-operator-cli-');
const home = join(tmp.path, 'ws');
const adminPass = join(tmp.path, 'admin.pass');
const env = { SUP_PASS: 'supervisor passphrase', TECH_PIN: '5550123', WRONG: 'not the passphrase' };
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'setup', ...args], env);

beforeAll(async () => {
  const { ws, caKey } = await stationWorkspace(home);
  makeBatch(ws, 'WO-CLI', 'HM-SIM1-0001..HM-SIM1-0003', 3);
  const ctx = prepareBatch(ws, 'WO-CLI', caKey, 'line-1');
  for (const s of ['HM-SIM1-0001', 'HM-SIM1-0002']) expect(await provisionDevice(ctx, new FakeDevice(s), '/dev/fake0')).toMatchObject({ result: 'done' });
  ws.close();
  writeFileSync(adminPass, 'correct horse battery\n');
});

afterAll(() => tmp.dispose());

const rework = (serial: string, ...who: string[]) => cli('batch', 'rework', '--batch', 'WO-CLI', '--serial', serial, '--reason', 'FAILED_TEST', ...who);

describe('hallmark account and signed-in actions', () => {
  it('migrates an account-less workspace: typed names still work (with a warning) until bootstrap, then only credentials', async () => {
    expect((await cli('account', 'list')).stdout).toMatch(/no accounts/);
    const typed = await rework('HM-SIM1-0001', '--actor', 'qa-lead');
    expect(typed.code, typed.stderr).toBe(0);
    expect(typed.stderr).toMatch(/warning: this workspace has no operator accounts/);

    const boot = await cli('account', 'bootstrap', 'ada', '--credential-file', adminPass);
    expect(boot.code, boot.stderr).toBe(0);
    expect((await cli('account', 'bootstrap', 'eve', '--credential-file', adminPass)).stderr).toMatch(/error: OPERATOR_ACCOUNTS_EXIST/);
    const admin = ['--admin', 'ada', '--admin-credential-file', adminPass];
    expect((await cli('account', 'create', 'qa-lead', '--role', 'supervisor', '--credential-env', 'SUP_PASS', ...admin)).code).toBe(0);
    expect((await cli('account', 'create', 'tech-1', '--role', 'technician', '--credential', 'pin', '--credential-env', 'TECH_PIN', ...admin)).code).toBe(0);
    const wrongAdmin = await cli(
      'account',
      'create',
      'mallory',
      '--role',
      'ca-admin',
      '--credential-env',
      'SUP_PASS',
      '--admin',
      'ada',
      '--admin-credential-env',
      'WRONG',
    );
    expect(wrongAdmin.code).toBe(1);
    expect(wrongAdmin.stderr).toMatch(/error: OPERATOR_CREDENTIAL_INVALID/);

    const list = await cli('--json', 'account', 'list');
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ name: 'ada', roles: ['ca-admin'], status: 'active' }),
      expect.objectContaining({ name: 'qa-lead', roles: ['supervisor'], credential: 'passphrase' }),
      expect.objectContaining({ name: 'tech-1', roles: ['technician'], credential: 'pin' }),
    ]);
    expect(list.stdout).not.toMatch(/hash|salt|scrypt/i);
  });

  it('a rework needs a supervisor credential: a typed name, a technician, a wrong passphrase are refused with codes and nothing changes', async () => {
    const typed = await rework('HM-SIM1-0002', '--actor', 'qa-lead');
    expect(typed.code).toBe(2);
    expect(typed.stderr).toMatch(/error: USAGE: no supervisor credential for qa-lead given/);
    const tech = await rework('HM-SIM1-0002', '--supervisor', 'tech-1', '--supervisor-credential-env', 'TECH_PIN');
    expect(tech.code).toBe(1);
    expect(tech.stderr).toMatch(/error: OPERATOR_ROLE_MISSING: tech-1 \(technician\) may not approve a rework: it needs the supervisor role/);
    const wrong = await rework('HM-SIM1-0002', '--supervisor', 'qa-lead', '--supervisor-credential-env', 'WRONG');
    expect(wrong.stderr).toMatch(/error: OPERATOR_CREDENTIAL_INVALID/);
    const show = JSON.parse((await cli('--json', 'batch', 'show', 'WO-CLI')).stdout) as { reworks: unknown[] };
    expect(show.reworks).toHaveLength(1);

    const ok = await rework('HM-SIM1-0002', '--supervisor', 'qa-lead', '--supervisor-credential-env', 'SUP_PASS');
    expect(ok.code, ok.stderr).toBe(0);
    const audit = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'device.reworked')).stdout) as { actor: string; subject: string }[];
    expect(audit.map((a) => [a.subject, a.actor])).toEqual([
      ['WO-CLI/HM-SIM1-0001', 'qa-lead'],
      ['WO-CLI/HM-SIM1-0002', 'qa-lead'],
    ]);
    const refused = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'operator.refused')).stdout) as { actor: string; details: { code: string } }[];
    expect(refused).toContainEqual(expect.objectContaining({ actor: 'tech-1', details: expect.objectContaining({ code: 'OPERATOR_ROLE_MISSING' }) }));
    expect((await cli('audit', 'verify')).code).toBe(0);
  });

  it('hallmark init --admin creates the first CA administrator from a file; a weak passphrase leaves no workspace', async () => {
    const fresh = join(tmp.path, 'fresh');
    const weak = join(tmp.path, 'weak.pass');
    writeFileSync(weak, 'short\n');
    const refused = await runCli(['--home', fresh, 'init', '--admin', 'root-admin', '--admin-credential-file', weak]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/error: OPERATOR_CREDENTIAL_WEAK/);
    expect(existsSync(fresh)).toBe(false);

    const init = await runCli(['--home', fresh, '--actor', 'installer', 'init', '--admin', 'root-admin', '--admin-credential-file', adminPass]);
    expect(init.code, init.stderr).toBe(0);
    expect(init.stdout).toMatch(/CA administrator root-admin created/);
    const list = JSON.parse((await runCli(['--home', fresh, '--json', 'account', 'list'])).stdout) as { name: string; roles: string[]; createdBy: string }[];
    expect(list).toEqual([expect.objectContaining({ name: 'root-admin', roles: ['ca-admin'], createdBy: 'installer' })]);
  });
});
