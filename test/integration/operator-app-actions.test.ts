import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../preload/api.js';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { AckGate } from '../../main/api/ceremony-ack-gate.js';
import { checkCustodianAcknowledgment } from '../../main/api/ceremony-custodian-ack.js';
import type { CeremonyScript, CeremonyStep } from '../../main/ceremony/ceremony-script-schema.js';
import { bootstrapAdministrator, createAccount } from '../../main/operators/accounts.js';
import { verifyOperator } from '../../main/operators/verify-operator.js';
import { CaRepository } from '../../main/store/ca-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import { TestDialogs } from '../host/test-dialogs.js';
import { closedBatch, exportTo, manifestWorkspace } from '../support/manifest-fixture.js';
import { toPem } from '../support/pem.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Issue #16 across the app's sections, through dispatch() with a caller as the faces call it:
 * once the workspace has accounts, QA, Inventory import and the Authorities' CRL and export
 * record the account signed in at the caller's window, refuse a window with nobody signed in,
 * and check the roles (docs/operators.md); without accounts, typed names as before.
 */
const tmp = tempDir('hallmark-operator-app-');
const ADMIN_PASS = 'correct horse battery';
const PIN = '4820193';
const dialogs = new TestDialogs();
let ws: Workspace;
let handlers: Handlers;
let dir: string;
let rootPem: string;
let mfgPem: string;
// One object per window, as main/ipc.ts passes the sender's WebContents.
const nobody = { window: 'nobody' };
const tech = { window: 'tech' };
const qa = { window: 'qa' };
const sup = { window: 'sup' };
const custodian = { window: 'custodian' };
const unlock = { kind: 'passphrase', passphrase: TEST_PASSPHRASE } as const;

beforeAll(async () => {
  const m = await manifestWorkspace(join(tmp.path, 'factory'));
  await closedBatch(m, 'WO-ACT');
  dir = join(tmp.path, 'usb', 'WO-ACT');
  await exportTo(m, 'WO-ACT', dir);
  ws = m.ws;
  rootPem = m.rootPem;
  mfgPem = join(tmp.path, 'mfg.pem');
  writeFileSync(mfgPem, toPem(m.caChain[0]!));
  handlers = createCoreHandlers(ws, undefined, undefined, { saves: dialogs.saver });
});
afterAll(() => {
  ws?.close();
  tmp.dispose();
});

async function call<T = unknown>(op: string, input: unknown, caller?: unknown): Promise<Envelope<T>> {
  return (await dispatch(handlers, op, input, caller)) as Envelope<T>;
}
async function ok<T = unknown>(op: string, input: unknown, caller?: unknown): Promise<T> {
  const r = await call<T>(op, input, caller);
  if (!r.ok) throw new Error(`${op}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function refused(op: string, input: unknown, caller?: unknown): Promise<string> {
  const r = await call(op, input, caller);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error.code;
}
const newest = (action: string) => ws.audit.query({ offset: 0, limit: 1, action, newestFirst: true }).entries[0];
const crlNumber = () => new CaRepository(ws).latestCrl('mfg')?.crlNumber ?? 0;

describe('the signed-in operator across the app', () => {
  it('keeps typed names while the workspace has no accounts', async () => {
    expect((await ok<{ ok: boolean }>('qa.verify', { dir, trustPem: rootPem }, nobody)).ok).toBe(true);
    expect(await refused('inventory.import', { dirs: [dir], trustPem: rootPem }, nobody)).toBe('OPERATOR_NAME_REQUIRED');
    const before = crlNumber();
    await ok('authorities.signCrl', { ca: 'mfg', nextUpdateDays: 30, unlock }, nobody);
    expect(crlNumber()).toBe(before + 1);
    expect(newest('crl.issued')).toMatchObject({ actor: 'app', subject: 'mfg' });
  });

  it('refuses every recording action from a window where nobody is signed in, audited, changing nothing', async () => {
    await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: ADMIN_PASS }, 'setup');
    const admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'create accounts' });
    for (const [name, role] of [
      ['tech-1', 'technician'],
      ['qa-1', 'qa'],
      ['sup-1', 'supervisor'],
      ['cust-1', 'custodian'],
    ] as const)
      await createAccount(ws, { name, roles: [role], kind: 'pin', secret: PIN }, admin);

    const crl = crlNumber();
    const asked = dialogs.saveRequests.length;
    for (const [op, input] of [
      ['qa.verify', { dir, trustPem: rootPem }],
      ['qa.saveReport', { dir, trustPem: rootPem }],
      ['inventory.import', { dirs: [dir], trustPem: rootPem, operator: 'clerk' }],
      ['authorities.signCrl', { ca: 'mfg', nextUpdateDays: 30, unlock }],
      ['authorities.export', { id: 'ca:mfg', what: 'certificate', format: 'pem' }],
    ] as const) {
      expect(await refused(op, input, nobody)).toBe('OPERATOR_NOT_SIGNED_IN');
      expect(newest('operator.refused')).toMatchObject({ actor: 'app', details: { code: 'OPERATOR_NOT_SIGNED_IN' } });
    }
    // Refused before anything: no CRL, no save dialog, no import.
    expect(crlNumber()).toBe(crl);
    expect(dialogs.saveRequests.length).toBe(asked);
    expect(newest('inventory.imported')).toBeUndefined();
    // Signing in is what opens the way (a cancelled save dialog here).
    dialogs.answerSave(null);
    expect(await ok('authorities.export', { id: 'ca:mfg', what: 'certificate', format: 'pem' }, await signedIn(tech, 'tech-1'))).toBeNull();
    expect(dialogs.saveRequests.length).toBe(asked + 1);
  });

  it('checks the roles: QA or supervisor verifies, a CA administrator or custodian signs a CRL', async () => {
    const crl = crlNumber();
    expect(await refused('qa.verify', { dir, trustPem: rootPem }, tech)).toBe('OPERATOR_ROLE_MISSING');
    expect(newest('operator.refused')).toMatchObject({
      actor: 'tech-1',
      details: { code: 'OPERATOR_ROLE_MISSING', roles: ['qa', 'supervisor'], action: 'verify a manifest' },
    });
    expect(await refused('authorities.signCrl', { ca: 'mfg', nextUpdateDays: 30, unlock }, await signedIn(qa, 'qa-1'))).toBe('OPERATOR_ROLE_MISSING');
    expect(newest('operator.refused')).toMatchObject({ actor: 'qa-1', details: { code: 'OPERATOR_ROLE_MISSING', roles: ['ca-admin', 'custodian'] } });
    expect(crlNumber()).toBe(crl);

    expect((await ok<{ ok: boolean }>('qa.verify', { dir, trustPem: rootPem }, qa)).ok).toBe(true);
    expect((await ok<{ ok: boolean }>('qa.verify', { dir, trustPem: rootPem }, await signedIn(sup, 'sup-1'))).ok).toBe(true);
    const report = join(tmp.path, 'qa-report.html');
    dialogs.answerSave(report);
    expect(await ok('qa.saveReport', { dir, trustPem: rootPem }, qa)).toMatchObject({ ok: true, path: report });
    expect(readFileSync(report, 'utf8')).toContain('WO-ACT');
  });

  it('records the signed-in account, never the typed name: the CRL, the export and the import', async () => {
    await ok('authorities.signCrl', { ca: 'mfg', nextUpdateDays: 30, unlock }, await signedIn(custodian, 'cust-1'));
    expect(newest('crl.issued')).toMatchObject({ actor: 'cust-1', subject: 'mfg' });
    await ok('operator.signIn', { name: 'ada', credential: ADMIN_PASS }, nobody);
    await ok('authorities.signCrl', { ca: 'mfg', nextUpdateDays: 30, unlock }, nobody);
    expect(newest('crl.issued')).toMatchObject({ actor: 'ada', subject: 'mfg' });
    // The CRL is real: openssl checks its signature against the mfg certificate.
    const crlFile = join(tmp.path, 'mfg.crl');
    writeFileSync(crlFile, new CaRepository(ws).latestCrl('mfg')!.der);
    expect(
      execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlFile, '-CAfile', mfgPem, '-noout'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ).toBe('');

    const out = join(tmp.path, 'exported-mfg.pem');
    dialogs.answerSave(out);
    await ok('authorities.export', { id: 'ca:mfg', what: 'certificate', format: 'pem' }, tech);
    expect(readFileSync(out, 'ascii')).toBe(readFileSync(mfgPem, 'ascii'));
    expect(newest('certificate.exported')).toMatchObject({ actor: 'tech-1', subject: 'ca:mfg' });

    const r = await ok<{ results: { ok: boolean }[] }>('inventory.import', { dirs: [dir], trustPem: rootPem, operator: 'clerk' }, tech);
    expect(r.results).toMatchObject([{ ok: true, created: true }]);
    expect(newest('inventory.imported')).toMatchObject({ actor: 'tech-1' });
    expect(ws.audit.query({ offset: 0, limit: 1000, actor: 'clerk' }).entries).toEqual([]);
  });
});

describe('a custodian acknowledges a ceremony step with their own credential once there are accounts', () => {
  const script = { participants: { administrator: 'ada', custodians: ['cust-1', 'tech-1'], witnesses: ['Wendy Witness'] } } as unknown as CeremonyScript;
  const step = { id: 'generate-key', say: 'the key is made', acknowledge: ['custodians', 'witnesses'] } as unknown as CeremonyStep;
  const req = (name: string, role: 'custodians' | 'witnesses', credential?: string) => ({
    runId: '00000000-0000-4000-8000-000000000000',
    step: 'generate-key',
    role,
    name,
    ...(credential ? { credential } : {}),
  });

  it('refuses a typed name alone, a wrong credential and a non-custodian account, audited; the transcript names the account', async () => {
    const gate = new AckGate({ waiting: () => {}, acknowledged: () => {} });
    const collected = gate.source.collect(step, script, () => {});
    // Not awaited at this step: refused before any credential is looked at (no attempt counted).
    expect(() => gate.expects('generate-key', 'custodians', 'mallory')).toThrow(expect.objectContaining({ code: 'CEREMONY_ACK_INVALID' }));

    await expect(checkCustodianAcknowledgment(ws, req('cust-1', 'custodians'))).rejects.toMatchObject({ code: 'OPERATOR_CREDENTIAL_REQUIRED' });
    expect(newest('operator.refused')).toMatchObject({
      actor: 'cust-1',
      details: { code: 'OPERATOR_CREDENTIAL_REQUIRED', action: 'acknowledge ceremony step "generate-key"' },
    });
    await expect(checkCustodianAcknowledgment(ws, req('cust-1', 'custodians', '0000000'))).rejects.toMatchObject({ code: 'OPERATOR_CREDENTIAL_INVALID' });
    expect(newest('operator.sign-in-failed')).toMatchObject({ actor: 'cust-1' });
    // tech-1 is on the script's list but the account holds no custodian role.
    await expect(checkCustodianAcknowledgment(ws, req('tech-1', 'custodians', PIN))).rejects.toMatchObject({ code: 'OPERATOR_ROLE_MISSING' });

    await checkCustodianAcknowledgment(ws, req('cust-1', 'custodians', PIN));
    gate.acknowledge('generate-key', 'custodians', 'cust-1');
    // A witness types their name, as before; tech-1's row is the one left (a refused custodian is still awaited).
    await checkCustodianAcknowledgment(ws, req('Wendy Witness', 'witnesses'));
    gate.acknowledge('generate-key', 'witnesses', 'Wendy Witness');
    gate.abort(new Error('stopped by the test'));
    await expect(collected).rejects.toThrow('stopped by the test');
  });

  it('records the custodian accounts on the acknowledgments once each has entered their credential', async () => {
    const gate = new AckGate({ waiting: () => {}, acknowledged: () => {} });
    const collected = gate.source.collect(
      { ...step, acknowledge: ['custodians'] } as unknown as CeremonyStep,
      { participants: { administrator: 'ada', custodians: ['cust-1'], witnesses: [] } } as unknown as CeremonyScript,
      () => {},
    );
    gate.expects('generate-key', 'custodians', 'cust-1');
    await checkCustodianAcknowledgment(ws, req('cust-1', 'custodians', PIN));
    gate.acknowledge('generate-key', 'custodians', 'cust-1');
    expect(await collected).toMatchObject([{ step: 'generate-key', role: 'custodians', name: 'cust-1', via: 'app' }]);
  });
});

async function signedIn<T>(caller: T, name: string): Promise<T> {
  await ok('operator.signIn', { name, credential: PIN }, caller);
  return caller;
}
