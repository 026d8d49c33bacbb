import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, OperatorStatusView } from '../../preload/api.js';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { StationSession } from '../../main/api/station-session.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { bootstrapAdministrator, createAccount, disableAccount } from '../../main/operators/accounts.js';
import { idleLockMs, setIdleLock } from '../../main/operators/idle-lock.js';
import { OperatorSessions } from '../../main/operators/operator-sessions.js';
import { verifyOperator } from '../../main/operators/verify-operator.js';
import { makeVerified } from '../../main/operators/verified-operator.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parseSerialRange } from '../../main/station/production-plan.js';
import { closeBatch, createBatch } from '../../main/station/work-orders.js';
import { AccountRepository } from '../../main/store/account-repository.js';
import { StationBatchRepository } from '../../main/store/station-batch-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/** Sign-in at a window through the contract: dispatch() with a caller, as main/ipc.ts and the test host call it. */
const tmp = tempDir('hallmark-operator-api-');
const POLICY = join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml');
const ADMIN_PASS = 'correct horse battery';
const SUP_PASS = 'supervisor passphrase';
const TECH_PIN = '4820193';
let ws: Workspace;
let station: StationSession;
let handlers: Handlers;
let sim: RunningSimulator | undefined;
// Two windows: the session is bound to the one that signed in.
const windowA = { window: 'A' };
const windowB = { window: 'B' };

beforeAll(async () => {
  const made = await stationWorkspace(join(tmp.path, 'ws'));
  made.caKey.close();
  ws = made.ws;
  const policy = parseProductPolicy(readFileSync(POLICY, 'utf8'), POLICY);
  createBatch(ws, { id: 'WO-OPS', policy, plan: parseSerialRange('HM-SIM1-0001..HM-SIM1-0004', policy.policy), quantity: 2, actor: 'planner' });
  station = new StationSession(ws, { stepTimeoutMs: 3000 });
  handlers = createCoreHandlers(ws, station);
});

afterAll(async () => {
  await station?.dispose();
  await sim?.stop();
  ws?.close();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function call<T = unknown>(op: string, input: unknown, caller?: unknown): Promise<Envelope<T>> {
  return (await dispatch(handlers, op, input, caller)) as Envelope<T>;
}
async function ok<T>(op: string, input: unknown, caller?: unknown): Promise<T> {
  const r = await call<T>(op, input, caller);
  if (!r.ok) throw new Error(`${op}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}
async function refused(op: string, input: unknown, caller?: unknown): Promise<string> {
  const r = await call(op, input, caller);
  expect(r.ok).toBe(false);
  return r.ok ? '' : r.error.code;
}
const lastEntries = (action: string) => ws.audit.query({ action, newestFirst: true, limit: 5 }).entries;

describe('operator sign-in through the API', () => {
  it('keeps an account-less workspace on typed names: status says so and a typed operator opens a work order', async () => {
    const status = await ok<OperatorStatusView>('operator.status', {}, windowA);
    expect(status).toEqual({ accountsRequired: false, signedIn: null, idleLockSeconds: 900 });
    expect(
      await refused(
        'station.createBatch',
        { policyPath: POLICY, quantity: 1, plan: { kind: 'range', range: 'HM-SIM1-0101..HM-SIM1-0102' }, id: 'WO-T' },
        windowA,
      ),
    ).toBe('OPERATOR_NAME_REQUIRED');
    await ok(
      'station.createBatch',
      { policyPath: POLICY, quantity: 1, plan: { kind: 'range', range: 'HM-SIM1-0101..HM-SIM1-0102' }, id: 'WO-T', operator: 'line-lead' },
      windowA,
    );
    expect(lastEntries('batch.created')[0]).toMatchObject({ actor: 'line-lead', subject: 'WO-T' });
  });

  it('signs in with the credential, binds the session to the window, and never answers with a hash', async () => {
    await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: ADMIN_PASS }, 'setup');
    const admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'create accounts' });
    await createAccount(ws, { name: 'tech-1', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    await createAccount(ws, { name: 'tech-2', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    await createAccount(ws, { name: 'qa-lead', roles: ['supervisor'], kind: 'passphrase', secret: SUP_PASS }, admin);
    await createAccount(ws, { name: 'gone', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    disableAccount(ws, 'gone', admin);

    expect(await refused('operator.signIn', { name: 'tech-1', credential: '0000000' }, windowA)).toBe('OPERATOR_CREDENTIAL_INVALID');
    expect(lastEntries('operator.sign-in-failed')[0]).toMatchObject({ actor: 'tech-1', details: { action: 'sign-in', failedAttempts: 1 } });
    expect(new AccountRepository(ws).get('tech-1')!.failedAttempts).toBe(1);

    const status = await ok<OperatorStatusView>('operator.signIn', { name: 'tech-1', credential: TECH_PIN }, windowA);
    expect(status).toMatchObject({ accountsRequired: true, signedIn: { name: 'tech-1', roles: ['technician'] }, idleLockSeconds: 900 });
    expect(Date.parse(status.signedIn!.idleDeadline) - Date.now()).toBeGreaterThan(890_000);
    expect(new AccountRepository(ws).get('tech-1')!.failedAttempts).toBe(0);
    expect(lastEntries('operator.signed-in')[0]).toMatchObject({ actor: 'tech-1', subject: 'tech-1' });
    // Nothing of the stored credential, nor the PIN, nor a token crosses the boundary.
    const stored = new AccountRepository(ws).get('tech-1')!.credential;
    const text = JSON.stringify(await ok('operator.status', {}, windowA));
    for (const secret of [stored.hash.toString('hex'), stored.hash.toString('base64'), stored.salt.toString('hex'), TECH_PIN])
      expect(text).not.toContain(secret);
    expect(Object.keys(status.signedIn!).sort()).toEqual(['idleDeadline', 'name', 'roles', 'signedInAt']);
    // The other window has nobody signed in.
    expect((await ok<OperatorStatusView>('operator.status', {}, windowB)).signedIn).toBeNull();
  });

  it('locks an account after 5 wrong credentials, audited, and then refuses the right one too', async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push(await refused('operator.signIn', { name: 'tech-2', credential: `99999${i}0` }, windowB));
    expect(codes).toEqual([
      'OPERATOR_CREDENTIAL_INVALID',
      'OPERATOR_CREDENTIAL_INVALID',
      'OPERATOR_CREDENTIAL_INVALID',
      'OPERATOR_CREDENTIAL_INVALID',
      'OPERATOR_ACCOUNT_LOCKED',
    ]);
    expect(lastEntries('operator.locked')[0]).toMatchObject({ actor: 'tech-2', details: { failedAttempts: 5 } });
    expect(await refused('operator.signIn', { name: 'tech-2', credential: TECH_PIN }, windowB)).toBe('OPERATOR_ACCOUNT_LOCKED');
    expect(lastEntries('operator.refused')[0]).toMatchObject({ actor: 'tech-2', details: { code: 'OPERATOR_ACCOUNT_LOCKED', action: 'sign-in' } });
    expect((await ok<OperatorStatusView>('operator.status', {}, windowB)).signedIn).toBeNull();
  });

  it('refuses a disabled account, and a technician where a supervisor must act (the core check the CLI uses)', async () => {
    expect(await refused('operator.signIn', { name: 'gone', credential: TECH_PIN }, windowB)).toBe('OPERATOR_ACCOUNT_DISABLED');
    expect(lastEntries('operator.refused')[0]).toMatchObject({ actor: 'gone', details: { code: 'OPERATOR_ACCOUNT_DISABLED' } });
    // Closing a work order needs a supervisor's credential entered for it; a technician's is refused and nothing closes.
    await expect(verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, role: 'supervisor', action: 'close a work order' })).rejects.toMatchObject({
      code: 'OPERATOR_ROLE_MISSING',
    });
    const tech = await verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' });
    expect(() => closeBatch(ws, 'WO-T', 'tech-1', tech)).toThrow(expect.objectContaining({ code: 'OPERATOR_ROLE_MISSING' }));
    expect(lastEntries('operator.refused')[0]).toMatchObject({ actor: 'tech-1', details: { code: 'OPERATOR_ROLE_MISSING', role: 'supervisor' } });
    expect(new StationBatchRepository(ws).get('WO-T').status).toBe('open');
  });

  it('records station.start and the devices under the signed-in account, never the typed name; refuses a window nobody signed in at', async () => {
    sim = await startSimulator({
      dir: tmp.path,
      count: 2,
      protocol: 'hallmark',
      faults: [],
      timing: { keygenMinMs: 20, keygenMaxMs: 60, stallMs: 1500 },
      baudRate: 0,
      seed: 11,
    });
    const ports = sim.devices.map((d) => d.path);
    const unlock = { kind: 'passphrase', passphrase: TEST_PASSPHRASE };
    expect(await refused('station.start', { batchId: 'WO-OPS', ports, operator: 'mallory', unlock }, windowB)).toBe('OPERATOR_NOT_SIGNED_IN');
    expect(lastEntries('operator.refused')[0]).toMatchObject({ details: { code: 'OPERATOR_NOT_SIGNED_IN', action: 'run the station' } });
    expect(
      await refused(
        'station.createBatch',
        { policyPath: POLICY, quantity: 1, plan: { kind: 'range', range: 'HM-SIM1-0201..HM-SIM1-0202' }, id: 'WO-X', operator: 'mallory' },
        windowB,
      ),
    ).toBe('OPERATOR_NOT_SIGNED_IN');
    expect(new StationBatchRepository(ws).exists('WO-X')).toBe(false);

    await ok('station.start', { batchId: 'WO-OPS', ports, operator: 'mallory', unlock }, windowA);
    await expect.poll(() => station.status().run?.phase, { timeout: 20_000 }).toBe('finished');
    expect(lastEntries('station.started')[0]).toMatchObject({ actor: 'tech-1', subject: 'WO-OPS' });
    const deviceActors = new Set(
      ws.audit
        .query({ limit: 1000 })
        .entries.filter((e) => e.action.startsWith('device.') && e.subject.startsWith('WO-OPS/'))
        .map((e) => e.actor),
    );
    expect([...deviceActors]).toEqual(['tech-1']);
    expect(station.status().counts, JSON.stringify(station.status().recent.slice(-4))).toMatchObject({ confirmed: 2 });

    await ok('station.createBatch', { policyPath: POLICY, quantity: 1, plan: { kind: 'range', range: 'HM-SIM1-0201..HM-SIM1-0202' }, id: 'WO-ACC' }, windowA);
    expect(lastEntries('batch.created')[0]).toMatchObject({ actor: 'tech-1', subject: 'WO-ACC' });
    expect(new StationBatchRepository(ws).get('WO-ACC').createdBy).toBe('tech-1');
    expect(ws.verifyAudit().ok).toBe(true);
  });

  it('signs out on the record; the idle lock is a CA administrator’s setting', async () => {
    const out = await ok<OperatorStatusView>('operator.signOut', {}, windowA);
    expect(out.signedIn).toBeNull();
    expect(lastEntries('operator.signed-out')[0]).toMatchObject({ actor: 'tech-1' });
    expect(await refused('station.stop', {}, windowA)).toBe('OPERATOR_NOT_SIGNED_IN');

    const tech = await verifyOperator(ws, { name: 'tech-1', secret: TECH_PIN, action: 'sign-in' });
    expect(() => setIdleLock(ws, 60, tech)).toThrow(expect.objectContaining({ code: 'OPERATOR_ROLE_MISSING' }));
    const admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'set the idle lock' });
    expect(() => setIdleLock(ws, 2, admin)).toThrow(expect.objectContaining({ code: 'OPERATOR_IDLE_LOCK_INVALID' }));
    expect(setIdleLock(ws, 60, admin)).toBe(true);
    expect(lastEntries('settings.idle-lock-set')[0]).toMatchObject({ actor: 'ada', details: { from: null, to: 60 } });
    expect(idleLockMs(ws)).toBe(60_000);
    expect((await ok<OperatorStatusView>('operator.status', {}, windowA)).idleLockSeconds).toBe(60);
  });

  it('sets the idle lock from the CLI with the administrator’s credential', async () => {
    const home = join(tmp.path, 'ws');
    const r = await runCli(['--home', home, '--actor', 'ada', 'account', 'idle-lock', '120', '--admin-credential-env', 'ADA_PASS'], { ADA_PASS: ADMIN_PASS });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('idle lock: 120 s');
    expect(idleLockMs(ws)).toBe(120_000);
    expect(lastEntries('settings.idle-lock-set')[0]).toMatchObject({ actor: 'ada', details: { from: 60, to: 120 } });
  });

  it('forgets a session idle past the lock, on a clock of its own; only activity moves the deadline', () => {
    let t = 1_000_000;
    const expired: string[] = [];
    const sessions = new OperatorSessions({ idleLockMs: () => 10_000, now: () => t, onExpired: (op) => expired.push(op.name) });
    const op = makeVerified('tech-1', ['technician'], t);
    sessions.signIn(windowA, op);
    t += 8_000;
    expect(sessions.status(windowA)?.idleDeadline).toBe(new Date(1_000_000 + 10_000).toISOString()); // a status read is not activity
    expect(sessions.current(windowA)).toBe(op); // an action is
    t += 8_000;
    expect(sessions.status(windowA)).not.toBeNull();
    t += 10_001;
    expect(sessions.status(windowA)).toBeNull();
    expect(expired).toEqual(['tech-1']);
    expect(() => sessions.require(windowA, 'run the station')).toThrow(expect.objectContaining({ code: 'OPERATOR_NOT_SIGNED_IN' }));
  });
});
