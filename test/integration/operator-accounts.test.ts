import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdministrator, createAccount, disableAccount, listAccounts, unlockAccount } from '../../main/operators/accounts.js';
import { MAX_FAILED_ATTEMPTS, verifyOperator } from '../../main/operators/verify-operator.js';
import type { VerifiedOperator } from '../../main/operators/verified-operator.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { reworkDevice } from '../../main/station/rework.js';
import { closeBatch } from '../../main/station/work-orders.js';
import { AccountRepository } from '../../main/store/account-repository.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { FakeDevice, makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { requiredTool } from '../support/required-tool.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-operators-');
let ws: Workspace;
let caKey: SyncSigningKey;
let admin: VerifiedOperator;

const ADMIN_PASS = 'correct horse battery';
const SUP_PASS = 'supervisor passphrase';
const TECH_PIN = '4820193';

beforeAll(async () => {
  ({ ws, caKey } = await stationWorkspace(`${tmp.path}/ws`));
  makeBatch(ws, 'WO-OP', 'HM-SIM1-0001..HM-SIM1-0003', 3);
  const ctx = prepareBatch(ws, 'WO-OP', caKey, 'line-1');
  for (const s of ['HM-SIM1-0001', 'HM-SIM1-0002']) expect(await provisionDevice(ctx, new FakeDevice(s), '/dev/fake0')).toMatchObject({ result: 'done' });
});

afterAll(() => {
  ws?.close();
  tmp.dispose();
});

function lastAudit(): { actor: string; action: string; subject: string; details: Record<string, unknown> } {
  const row = ws.db.prepare('SELECT actor, action, subject, details FROM audit_log ORDER BY seq DESC LIMIT 1').get() as {
    actor: string;
    action: string;
    subject: string;
    details: string;
  };
  return { ...row, details: JSON.parse(row.details) as Record<string, unknown> };
}

function certStatus(serial: string): string {
  const id = new StationDeviceRepository(ws).byModelSerial('SIM1', serial)!.certificateId!;
  return new CertificateRepository(ws).byId(id).status;
}

describe('operator accounts, credentials and roles', () => {
  it('keeps an account-less workspace working with typed names, then bootstraps the first CA administrator once', async () => {
    expect(listAccounts(ws)).toEqual([]);
    const view = await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: ADMIN_PASS }, 'setup');
    expect(view).toMatchObject({ name: 'ada', roles: ['ca-admin'], status: 'active', credential: 'passphrase' });
    expect(view).not.toHaveProperty('credential.hash');
    expect(lastAudit()).toMatchObject({ actor: 'setup', action: 'operator.bootstrapped', subject: 'ada' });
    await expect(bootstrapAdministrator(ws, { name: 'eve', kind: 'passphrase', secret: ADMIN_PASS }, 'setup')).rejects.toMatchObject({
      code: 'OPERATOR_ACCOUNTS_EXIST',
    });
    admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'create accounts' });
    await createAccount(ws, { name: 'qa-lead', roles: ['supervisor', 'qa'], kind: 'passphrase', secret: SUP_PASS }, admin);
    await createAccount(ws, { name: 'tech-1', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    expect(lastAudit()).toMatchObject({ actor: 'ada', action: 'operator.created', subject: 'tech-1', details: { roles: ['technician'], credential: 'pin' } });
  });

  it('stores scrypt with its parameters and a per-account salt, as python3 hashlib recomputes it', () => {
    if (!requiredTool(existsSync('/usr/bin/python3'), 'python3', 'python3')) return;
    const repo = new AccountRepository(ws);
    const a = repo.get('qa-lead')!.credential;
    const b = repo.get('ada')!.credential;
    expect(a.salt.equals(b.salt)).toBe(false);
    expect(a.n).toBeGreaterThanOrEqual(2 ** 15);
    const py = spawnSync(
      '/usr/bin/python3',
      [
        '-c',
        'import hashlib,sys; print(hashlib.scrypt(sys.argv[1].encode(), salt=bytes.fromhex(sys.argv[2]), n=int(sys.argv[3]), r=int(sys.argv[4]), p=int(sys.argv[5]), maxmem=2**27, dklen=32).hex())',
        SUP_PASS,
        a.salt.toString('hex'),
        String(a.n),
        String(a.r),
        String(a.p),
      ],
      { encoding: 'utf8' },
    );
    expect(py.stderr).toBe('');
    expect(py.stdout.trim()).toBe(a.hash.toString('hex'));
  });

  it('refuses weak credentials, unknown roles and a second account of the same name, creating nothing', async () => {
    const before = listAccounts(ws).length;
    await expect(createAccount(ws, { name: 'short', roles: ['technician'], kind: 'pin', secret: '1234' }, admin)).rejects.toMatchObject({
      code: 'OPERATOR_CREDENTIAL_WEAK',
    });
    await expect(createAccount(ws, { name: 'x', roles: ['root'], kind: 'passphrase', secret: SUP_PASS }, admin)).rejects.toMatchObject({
      code: 'OPERATOR_ROLE_INVALID',
    });
    await expect(createAccount(ws, { name: 'qa-lead', roles: ['qa'], kind: 'passphrase', secret: SUP_PASS }, admin)).rejects.toMatchObject({
      code: 'OPERATOR_ACCOUNT_EXISTS',
    });
    const tech = await verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' });
    await expect(createAccount(ws, { name: 'mallory', roles: ['ca-admin'], kind: 'passphrase', secret: SUP_PASS }, tech)).rejects.toMatchObject({
      code: 'OPERATOR_ROLE_MISSING',
    });
    expect(lastAudit()).toMatchObject({ actor: 'tech-1', action: 'operator.refused', details: { code: 'OPERATOR_ROLE_MISSING', role: 'ca-admin' } });
    expect(listAccounts(ws).length).toBe(before);
  });

  it('refuses a typed name and a technician for a rework once accounts exist; a supervisor credential entered for it works', async () => {
    expect(() => reworkDevice(ws, { batchId: 'WO-OP', serial: 'HM-SIM1-0001', reason: 'FAILED_TEST', actor: 'qa-lead' })).toThrow(
      expect.objectContaining({ code: 'OPERATOR_CREDENTIAL_REQUIRED' }),
    );
    expect(lastAudit()).toMatchObject({ actor: 'qa-lead', action: 'operator.refused', details: { code: 'OPERATOR_CREDENTIAL_REQUIRED' } });
    expect(certStatus('HM-SIM1-0001')).toBe('active');

    await expect(verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, role: 'supervisor', action: 'approve a rework' })).rejects.toMatchObject({
      code: 'OPERATOR_ROLE_MISSING',
    });
    expect(lastAudit()).toMatchObject({ actor: 'tech-1', action: 'operator.refused', details: { code: 'OPERATOR_ROLE_MISSING', role: 'supervisor' } });
    const tech = await verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' });
    expect(() => reworkDevice(ws, { batchId: 'WO-OP', serial: 'HM-SIM1-0001', reason: 'FAILED_TEST', actor: 'qa-lead', approvedBy: tech })).toThrow(
      expect.objectContaining({ code: 'OPERATOR_ROLE_MISSING' }),
    );
    expect(certStatus('HM-SIM1-0001')).toBe('active');

    const sup = await verifyOperator(ws, { name: 'qa-lead', secret: SUP_PASS, role: 'supervisor', action: 'approve a rework' });
    const rework = reworkDevice(ws, { batchId: 'WO-OP', serial: 'HM-SIM1-0001', reason: 'FAILED_TEST', actor: 'whoever typed this', approvedBy: sup });
    expect(rework.operator).toBe('qa-lead');
    expect(new CertificateRepository(ws).byId(rework.oldCertificateId).status).toBe('revoked');
    expect(lastAudit()).toMatchObject({ actor: 'qa-lead', action: 'device.reworked' });
  });

  it('counts wrong credentials across reopenings, locks after N, and a disabled account is refused by name', async () => {
    for (let i = 1; i < MAX_FAILED_ATTEMPTS; i++) {
      await expect(verifyOperator(ws, { name: 'tech-1', secret: '0000000', action: 'sign-in' })).rejects.toMatchObject({ code: 'OPERATOR_CREDENTIAL_INVALID' });
    }
    expect(new AccountRepository(ws).get('tech-1')!.failedAttempts).toBe(MAX_FAILED_ATTEMPTS - 1);
    await expect(verifyOperator(ws, { name: 'tech-1', secret: '0000000', action: 'sign-in' })).rejects.toMatchObject({ code: 'OPERATOR_ACCOUNT_LOCKED' });
    expect(lastAudit()).toMatchObject({ action: 'operator.locked', subject: 'tech-1' });
    // The right PIN no longer helps: the lock is in the database, not in memory.
    await expect(verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' })).rejects.toMatchObject({ code: 'OPERATOR_ACCOUNT_LOCKED' });
    unlockAccount(ws, 'tech-1', admin);
    await expect(verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' })).resolves.toMatchObject({ name: 'tech-1' });

    await expect(verifyOperator(ws, { name: 'nobody', secret: 'x', action: 'sign-in' })).rejects.toMatchObject({ code: 'OPERATOR_CREDENTIAL_INVALID' });
    expect(lastAudit()).toMatchObject({ action: 'operator.sign-in-failed', subject: 'nobody', details: { known: false } });

    disableAccount(ws, 'tech-1', admin);
    await expect(verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' })).rejects.toMatchObject({ code: 'OPERATOR_ACCOUNT_DISABLED' });
    expect(lastAudit()).toMatchObject({ action: 'operator.refused', details: { code: 'OPERATOR_ACCOUNT_DISABLED' } });
    expect(() => disableAccount(ws, 'ada', admin)).toThrow(expect.objectContaining({ code: 'OPERATOR_LAST_ADMINISTRATOR' }));
    expect(ws.verifyAudit()).toMatchObject({ ok: true });
  });

  it('closes a work order only with a supervisor credential, recorded under the account', async () => {
    expect(() => closeBatch(ws, 'WO-OP', 'planner')).toThrow(expect.objectContaining({ code: 'OPERATOR_CREDENTIAL_REQUIRED' }));
    const sup = await verifyOperator(ws, { name: 'qa-lead', secret: SUP_PASS, role: 'supervisor', action: 'close a work order' });
    expect(closeBatch(ws, 'WO-OP', 'planner', sup)).toMatchObject({ status: 'closed', closedBy: 'qa-lead' });
  });
});
