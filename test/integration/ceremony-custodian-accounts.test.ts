import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CeremonyPlanView, CeremonyRunView, Envelope } from '../../preload/api.js';
import { CeremonySession } from '../../main/api/ceremony-session.js';
import { createCoreHandlers, type Handlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { bootstrapAdministrator, createAccount } from '../../main/operators/accounts.js';
import { verifyOperator } from '../../main/operators/verify-operator.js';
import { Workspace } from '../../main/store/workspace.js';
import { allowNetwork, ceremonyExample, typedSources } from '../support/ceremony-files.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A shares-root ceremony run through the API in a workspace with accounts (issue #16): each
 * custodian acknowledges with their own PIN, a typed name alone or a wrong PIN is refused
 * and the step keeps waiting, and the transcript and audit log name the accounts.
 */
const tmp = tempDir('hallmark-ceremony-accounts-');
const CUSTODIANS = ['bob', 'carol', 'erin'] as const;
const PIN: Record<string, string> = { bob: '1100221', carol: '3300443', erin: '5500665' };
let ws: Workspace;
let session: CeremonySession;
let handlers: Handlers;
let script: string;
let binding: string;
const out = join(tmp.path, 'medium');

/** The shipped example with its custodians named by account name, as a workspace with accounts needs. */
const byAccount = (text: string) => text.replaceAll('Bob Custodian', 'bob').replaceAll('Carol Custodian', 'carol').replaceAll('Erin Custodian', 'erin');

beforeAll(async () => {
  script = join(tmp.path, 'root-shares.yaml');
  writeFileSync(script, byAccount(allowNetwork(ceremonyExample('root-shares.yaml'))));
  binding = join(tmp.path, 'root-shares.binding.yaml');
  writeFileSync(binding, byAccount(typedSources(ceremonyExample('root-shares.binding.yaml'))));
  ws = Workspace.init(join(tmp.path, 'ws'), 'test').workspace;
  await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: 'correct horse battery' }, 'setup');
  const admin = await verifyOperator(ws, { name: 'ada', secret: 'correct horse battery', role: 'ca-admin', action: 'create accounts' });
  for (const name of CUSTODIANS) await createAccount(ws, { name, roles: ['custodian'], kind: 'pin', secret: PIN[name]! }, admin);
  session = new CeremonySession(ws, {});
  handlers = createCoreHandlers(ws, undefined, session, { folders: { pickFolders: async () => [out] } });
});
afterAll(async () => {
  await session?.dispose();
  ws?.close();
  tmp.dispose();
});

async function call<T>(op: string, input: unknown): Promise<Envelope<T>> {
  return (await dispatch(handlers, op, input)) as Envelope<T>;
}
async function ok<T>(op: string, input: unknown): Promise<T> {
  const r = await call<T>(op, input);
  if (!r.ok) throw new Error(`${op}: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

describe('custodian acknowledgments with accounts', () => {
  it('takes each custodian’s own PIN at the step, refuses a typed name or a wrong PIN, and names the accounts', async () => {
    const plan = await ok<CeremonyPlanView>('ceremony.load', { scriptPath: script, bindingPath: binding });
    // Nobody signed in at this window: nothing of the ceremony moves (a read, loading the plan, does).
    const approve = { scriptPath: script, sha256: plan.sha256, bindingPath: binding, bindingSha256: plan.bindingSha256, name: 'bob' };
    expect(await call('ceremony.approveHash', approve)).toMatchObject({ ok: false, error: { code: 'OPERATOR_NOT_SIGNED_IN' } });
    expect(
      await call('ceremony.start', { scriptPath: script, bindingPath: binding, approvedHash: plan.sha256, approvedBindingHash: plan.bindingSha256 }),
    ).toMatchObject({
      ok: false,
      error: { code: 'OPERATOR_NOT_SIGNED_IN' },
    });
    await ok('operator.signIn', { name: 'ada', credential: 'correct horse battery' });
    for (const name of CUSTODIANS)
      await ok('ceremony.approveHash', { scriptPath: script, sha256: plan.sha256, bindingPath: binding, bindingSha256: plan.bindingSha256, name });
    let run = await ok<CeremonyRunView>('ceremony.start', {
      scriptPath: script,
      bindingPath: binding,
      approvedHash: plan.sha256,
      approvedBindingHash: plan.bindingSha256,
    });
    const refusedOnce = new Set<string>();
    const deadline = Date.now() + 60_000;
    while (run.phase === 'running' && Date.now() < deadline) {
      const req = run.secretRequest;
      const step = run.steps[run.current];
      const awaited = step?.acks.find((a) => a.time === null);
      if (req) {
        run = await ok('ceremony.provideSecret', { runId: run.runId, requestId: req.id, secret: `share passphrase of ${req.custodian ?? 'nobody'}` });
      } else if (step && awaited && step.state === 'acknowledging') {
        const base = { runId: run.runId, step: step.id, role: awaited.role, name: awaited.name };
        if (awaited.role === 'custodians') {
          if (!refusedOnce.has(awaited.name)) {
            refusedOnce.add(awaited.name);
            expect(await call('ceremony.acknowledge', base)).toMatchObject({ ok: false, error: { code: 'OPERATOR_CREDENTIAL_REQUIRED' } });
            expect(await call('ceremony.acknowledge', { ...base, credential: '0000000' })).toMatchObject({
              ok: false,
              error: { code: 'OPERATOR_CREDENTIAL_INVALID' },
            });
            // Someone else's PIN is a wrong one too.
            const other = CUSTODIANS.find((c) => c !== awaited.name)!;
            expect(await call('ceremony.acknowledge', { ...base, credential: PIN[other] })).toMatchObject({
              ok: false,
              error: { code: 'OPERATOR_CREDENTIAL_INVALID' },
            });
            const still = (await ok<{ run: CeremonyRunView | null }>('ceremony.status', {})).run!;
            expect(still.steps[still.current]!.acks.find((a) => a.role === 'custodians' && a.name === awaited.name)!.time).toBeNull();
          }
          run = await ok('ceremony.acknowledge', { ...base, credential: PIN[awaited.name] });
        } else {
          run = await ok('ceremony.acknowledge', base);
        }
      } else {
        // The action is working: ask again until it waits for someone.
        await new Promise((r) => setImmediate(r));
        run = (await ok<{ run: CeremonyRunView | null }>('ceremony.status', {})).run!;
      }
    }
    expect(run.error).toBeNull();
    expect(run.phase).toBe('completed');
    expect([...refusedOnce].sort()).toEqual([...CUSTODIANS]);

    const acked = ws.audit.query({ offset: 0, limit: 1000, action: 'ceremony.acknowledged' }).entries.map((e) => e.actor);
    for (const name of CUSTODIANS) expect(acked).toContain(name);
    const refused = ws.audit
      .query({ offset: 0, limit: 1000, action: 'operator.refused' })
      .entries.filter((e) => e.details.code === 'OPERATOR_CREDENTIAL_REQUIRED');
    expect(refused.map((e) => e.actor).sort()).toEqual([...CUSTODIANS]);
    expect(
      ws.audit.query({ offset: 0, limit: 1000, action: 'operator.refused' }).entries.filter((e) => e.details.code === 'OPERATOR_NOT_SIGNED_IN'),
    ).toHaveLength(2);
    // The transcript on the medium names the accounts, acknowledged in the app, and holds no PIN.
    const transcript = readdirSync(out, { recursive: true, encoding: 'utf8' }).find((f) => f.endsWith('.jsonl'));
    expect(transcript).toBeDefined();
    const text = readFileSync(join(out, transcript!), 'utf8');
    const custodianAcks = text
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type?: string; step?: string; role?: string; name?: string; via?: string })
      .filter((r) => r.type === 'acknowledged' && r.role === 'custodians');
    // Two steps of the script ask the custodians: generate-and-split and shares-handed-over.
    expect(custodianAcks.map((r) => `${r.step}/${r.name}/${r.via}`).sort()).toEqual(
      ['generate-and-split', 'shares-handed-over'].flatMap((st) => CUSTODIANS.map((c) => `${st}/${c}/app`)).sort(),
    );
    for (const pin of Object.values(PIN)) expect(text).not.toContain(pin);
    // Two wrong attempts each were counted (and cleared by the right PIN).
    expect(ws.audit.query({ offset: 0, limit: 1000, action: 'operator.sign-in-failed' }).entries.length).toBeGreaterThanOrEqual(6);
  });
});
