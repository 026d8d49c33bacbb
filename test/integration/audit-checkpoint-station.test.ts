import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { StationSession } from '../../main/api/station-session.js';
import { AuditKeyRepository } from '../../main/store/audit/audit-key-repository.js';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { newSoftwareKey, TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/** The checkpoints a factory day makes on its own: at the station's stop and at the work order's close. */
const tmp = tempDir('hallmark-audit-checkpoint-station-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'key.pass');
const cert = join(tmp.path, 'audit-cert.pem');
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'planner', ...args]);
let sim: RunningSimulator | undefined;

beforeAll(async () => {
  const { ws, caKey } = await stationWorkspace(home);
  caKey.close();
  const auditKey = await newSoftwareKey(ws, 'audit-key', 'ecdsa-p256');
  const row = await createAuditKey(ws, { key: auditKey, actor: 'custodian' });
  auditKey.close();
  writeFileSync(cert, `-----BEGIN CERTIFICATE-----\n${row.certificate.toString('base64')}\n-----END CERTIFICATE-----\n`);
  ws.close();
  writeFileSync(pass, TEST_PASSPHRASE);
});
afterAll(async () => {
  await sim?.stop();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

describe('checkpoints at station stop and work-order close', () => {
  it('signs the head when the run stops and when the work order closes; verify --trust vouches for all of it', async () => {
    expect(
      (
        await cli(
          'batch',
          'create',
          '--product',
          join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml'),
          '--plan-csv',
          join(REPO_ROOT, 'resources/products/sim1-plan.csv'),
          '--quantity',
          '2',
          '--id',
          'WO-CP',
        )
      ).code,
    ).toBe(0);
    sim = await startSimulator({
      dir: tmp.path,
      count: 2,
      protocol: 'hallmark',
      faults: [],
      timing: { keygenMinMs: 20, keygenMaxMs: 60, stallMs: 1500 },
      baudRate: 0,
      seed: 5,
    });
    const ports = sim.devices.flatMap((d) => ['--port', d.path]);
    const run = await cli(
      'station',
      'run',
      '--batch',
      'WO-CP',
      ...ports,
      '--operator',
      'tech-anna',
      '--passphrase-file',
      pass,
      '--audit-passphrase-file',
      pass,
    );
    expect(run.code, run.stderr).toBe(0);
    const closed = await cli('batch', 'close', 'WO-CP', '--audit-passphrase-file', pass);
    expect(closed.code, closed.stderr).toBe(0);
    // no account exists here, so the typed-name warning is expected; the checkpoint must not warn
    expect(closed.stderr).not.toMatch(/checkpoint/i);

    const ws = Workspace.open(home, 'test');
    try {
      const cps = ws.audit.query({ action: 'audit.checkpoint' }).entries;
      expect(cps.map((e) => [e.actor, e.details['reason']])).toEqual([
        ['tech-anna', 'station-stop'],
        ['planner', 'work-order-close'],
      ]);
      // the close checkpoint is the head: it vouches for the batch.closed entry before it
      expect(ws.audit.head()!.seq).toBe(cps[1]!.seq);
      expect(ws.audit.query({ sinceSeq: cps[1]!.seq - 2, limit: 1 }).entries[0]!.action).toBe('batch.closed');
      expect(new AuditKeyRepository(ws.db).all()).toHaveLength(1);
    } finally {
      ws.close();
    }
    const verified = await cli('audit', 'verify', '--trust', cert);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('checkpoints verified: 2');
    expect(verified.stdout).not.toContain('not yet checkpointed');
  });

  it('the dashboard run unlocks the audit key beside the CA key and checkpoints at its stop', async () => {
    expect(
      (
        await cli(
          'batch',
          'create',
          '--product',
          join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml'),
          '--serial-range',
          'HM-SIM1-0003..HM-SIM1-0004',
          '--quantity',
          '1',
          '--id',
          'WO-UI',
        )
      ).code,
    ).toBe(0);
    const ws = Workspace.open(home, 'test');
    const session = new StationSession(ws, { baudRate: 0 });
    try {
      const port = sim!.devices.map((d) => d.path).slice(0, 1);
      const unlock = { kind: 'passphrase' as const, passphrase: TEST_PASSPHRASE };
      await session.start({ batchId: 'WO-UI', ports: port, operator: 'tech-ben', unlock, auditUnlock: unlock });
      await expect.poll(() => ws.audit.query({ action: 'audit.checkpoint', actor: 'tech-ben' }).total, { timeout: 20_000 }).toBe(1);
      expect(session.status().run?.phase).not.toBe('running');
      const [cp] = ws.audit.query({ action: 'audit.checkpoint', actor: 'tech-ben' }).entries;
      expect(cp!.details['reason']).toBe('station-stop');
    } finally {
      await session.dispose();
      ws.close();
    }
    const verified = await cli('audit', 'verify', '--trust', cert);
    expect(verified.code, verified.stderr).toBe(0);
    expect(verified.stdout).toContain('checkpoints verified: 3');
  });
});
