import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseFaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { openSoftwareKey } from '../../main/keys/software/index.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-run-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'mfg.pass');
const simulators: RunningSimulator[] = [];
const FAST = { keygenMinMs: 20, keygenMaxMs: 120, stallMs: 1500 };
const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'planner', ...args]);

beforeAll(async () => {
  const { ws } = await stationWorkspace(home);
  ws.close();
  writeFileSync(pass, TEST_PASSPHRASE);
});

afterAll(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function simulate(count: number, faults: string[], serialStart = 1): Promise<RunningSimulator> {
  const sim = await startSimulator({
    dir: mkdtempSync(join(tmp.path, 'sim-')),
    count,
    protocol: 'hallmark',
    faults: faults.map(parseFaultSpec),
    timing: FAST,
    baudRate: 0,
    seed: 3,
    serialStart,
    bogusSerial: 'HM-SIM1-0999',
  });
  simulators.push(sim);
  return sim;
}

describe('hallmark station run', () => {
  it('provisions 8 simulated devices at once with the shipped example policy; the 2 faulty ones end with coded reasons and the counts match the database', async () => {
    const created = await cli(
      'batch',
      'create',
      '--product',
      join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml'),
      '--plan-csv',
      join(REPO_ROOT, 'resources/products/sim1-plan.csv'),
      '--quantity',
      '10',
      '--id',
      'WO-RUN',
    );
    expect(created.code, created.stderr).toBe(0);
    expect(created.stdout).toMatch(/work order WO-RUN opened: SIM1, 10 of 16 planned serials/);

    const sim = await simulate(8, ['corrupt-chain@3', 'bad-signature@6']);
    const ports = sim.devices.flatMap((d) => ['--port', d.path]);
    const r = await cli(
      '--json',
      'station',
      'run',
      '--batch',
      'WO-RUN',
      ...ports,
      '--operator',
      'tech-anna',
      '--passphrase-file',
      pass,
      '--step-timeout',
      '3000',
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/error: STATION_INCOMPLETE: 2 of 8 ports did not complete/);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { type: string; serial?: string; result?: string; code?: string; counts?: Record<string, number> });
    const devices = lines.filter((l) => l.type === 'device');
    expect(devices).toHaveLength(8);
    const bySerial = Object.fromEntries(devices.map((d) => [d.serial, `${d.result}${d.code ? `:${d.code}` : ''}`]));
    expect(bySerial).toEqual({
      'HM-SIM1-0001': 'done',
      'HM-SIM1-0002': 'done',
      'HM-SIM1-0003': 'failed:DEVICE_READBACK_MISMATCH',
      'HM-SIM1-0004': 'done',
      'HM-SIM1-0005': 'done',
      'HM-SIM1-0006': 'failed:DEVICE_CSR_INVALID',
      'HM-SIM1-0007': 'done',
      'HM-SIM1-0008': 'done',
    });
    const summary = lines.at(-1)!;
    expect(summary).toMatchObject({
      type: 'summary',
      counts: { planned: 16, quantity: 10, issued: 7, devicesIssued: 7, confirmed: 6, failed: 2, reworked: 0, refused: 0 },
    });

    const show = JSON.parse((await cli('--json', 'batch', 'show', 'WO-RUN', '--devices')).stdout) as {
      counts: unknown;
      devices: { hardwareSerial: string; state: string; lastErrorCode: string | null }[];
    };
    expect(show.counts).toEqual(summary.counts);
    expect(show.devices.filter((d) => d.state === 'done')).toHaveLength(6);
    expect(show.devices.find((d) => d.hardwareSerial === 'HM-SIM1-0003')).toMatchObject({ state: 'failed', lastErrorCode: 'DEVICE_READBACK_MISMATCH' });

    const audit = JSON.parse((await cli('--json', 'audit', 'list', '--action', 'device.done')).stdout) as { actor: string }[];
    expect(audit).toHaveLength(6);
    expect(new Set(audit.map((a) => a.actor))).toEqual(new Set(['tech-anna']));
    expect((await cli('audit', 'verify')).code).toBe(0);

    const closed = await cli('--json', 'batch', 'close', 'WO-RUN');
    expect(closed.code, closed.stderr).toBe(0);
    expect(JSON.parse(closed.stdout)).toMatchObject({ batch: { status: 'closed' }, counts: summary.counts });
    const again = await cli('station', 'run', '--batch', 'WO-RUN', '--port', sim.devices[0]!.path, '--passphrase-file', pass);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/BATCH_CLOSED/);
  });

  it('module API: events stream per port, a device outside the plan and a quota reached mid-run are refused while the others finish', async () => {
    const ws = Workspace.open(home, 'test');
    try {
      makeBatch(ws, 'WO-API', 'HM-SIM1-0101..HM-SIM1-0105', 3);
      const sim = await simulate(5, ['bogus-serial@5'], 101);
      const record = new KeyRepository(ws).get('mfg-key');
      const caKey = await openSoftwareKey(record, { passphrase: TEST_PASSPHRASE, keysDir: ws.info().keysPath });
      const run = startStation({
        workspace: ws,
        batchId: 'WO-API',
        ports: sim.devices.map((d) => d.path),
        caKey,
        actor: 'tech-ben',
        baudRate: 115200,
        stepTimeoutMs: 3000,
      });
      const seen: StationEvent[] = [];
      for await (const e of run) seen.push(e);
      const summary = await run.done;
      expect(seen[0]!.type).toBe('started');
      expect(seen.at(-1)!.type).toBe('finished');
      expect(seen.filter((e) => e.type === 'step').length).toBeGreaterThan(20);
      const results = summary.outcomes.map((o) => o.code ?? o.result).sort();
      expect(results).toEqual(['NOT_IN_PLAN', 'QUOTA_REACHED', 'done', 'done', 'done']);
      // The quota was taken by the time the 4th in-plan device's certificate was to be committed:
      // it has a device row (failed, QUOTA_REACHED); the unplanned one never became a device.
      expect(summary.counts).toMatchObject({ issued: 3, devicesIssued: 3, confirmed: 3 });
      expect(summary.counts.failed + summary.counts.refused).toBe(2);
      // Every certificate a device holds is in the database; no serial has two.
      const digests = ws.db
        .prepare('SELECT c.der FROM certificates c JOIN device_certificates dc ON dc.certificate_id = c.id WHERE dc.batch_id = ?')
        .pluck()
        .all('WO-API') as Buffer[];
      expect(new Set(digests.map((d) => createHash('sha256').update(d).digest('hex'))).size).toBe(3);
      caKey.close();
    } finally {
      ws.close();
    }
  });

  it('stop(): starts nothing new, and devices past their commit still finish', async () => {
    const ws = Workspace.open(home, 'test');
    try {
      makeBatch(ws, 'WO-STOP', 'HM-SIM1-0201..HM-SIM1-0204', 4);
      const sim = await startSimulator({
        dir: mkdtempSync(join(tmp.path, 'sim-')),
        count: 4,
        protocol: 'hallmark',
        timing: { keygenMinMs: 10, keygenMaxMs: 400, stallMs: 1000 },
        baudRate: 0,
        seed: 5,
        serialStart: 201,
      });
      simulators.push(sim);
      const caKey = await openSoftwareKey(new KeyRepository(ws).get('mfg-key'), { passphrase: TEST_PASSPHRASE, keysDir: ws.info().keysPath });
      const run = startStation({ workspace: ws, batchId: 'WO-STOP', ports: sim.devices.map((d) => d.path), caKey, actor: 'tech-ben', stepTimeoutMs: 3000 });
      run.on('event', (e: StationEvent) => {
        if (e.type === 'step' && e.step === 'issued') run.stop('end of shift');
      });
      const summary = await run.done;
      caKey.close();
      expect(summary.stopped).toBe('end of shift');
      const codes = summary.outcomes.map((o) => o.code ?? 'done');
      expect(codes).toContain('done');
      expect(codes.every((c) => c === 'done' || c === 'STATION_STOPPED')).toBe(true);
      // Nothing committed was left half-way: every device with a certificate completed.
      const half = ws.db.prepare("SELECT COUNT(*) AS n FROM devices WHERE batch_id = 'WO-STOP' AND certificate_id IS NOT NULL AND state <> 'done'").get() as {
        n: number;
      };
      expect(half.n).toBe(0);
    } finally {
      ws.close();
    }
  });
});
