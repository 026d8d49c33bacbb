import { mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import type { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { recordsConsistent } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-32-');
let ws: Workspace;
let caKey: SyncSigningKey;
const simulators: RunningSimulator[] = [];

beforeAll(async () => {
  ({ ws, caKey } = await stationWorkspace(`${tmp.path}/ws`));
});

afterAll(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  ws?.close();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

const STEP_TIMEOUT = 2500;
const STALL = 3500;
const SLOW_KEYGEN = 1500;

describe('32 ports at once on a 2-core machine', () => {
  it('a stalled, a dropped, a noisy and three slow devices hold up none of the other 26, which finish well before the slow ones', async () => {
    makeBatch(ws, 'WO-32', 'HM-SIM1-0001..HM-SIM1-0032', 32);
    // 29 quick devices paced at 115200 baud, three of them faulty…
    const quick = await startSimulator({
      dir: tmp.path,
      count: 29,
      protocol: 'hallmark',
      baudRate: 115200,
      seed: 32,
      faults: ['stall@4', 'drop-mid-chain@11', 'garbage@20'].map(parseFaultSpec),
      timing: { keygenMinMs: 20, keygenMaxMs: 120, stallMs: STALL },
    });
    // …and three whose secure element takes seconds to make a key.
    // PTY links are named by device number: the second simulator gets its own directory.
    const slowDir = `${tmp.path}/slow`;
    mkdirSync(slowDir);
    const slow = await startSimulator({
      dir: slowDir,
      count: 3,
      protocol: 'hallmark',
      baudRate: 115200,
      seed: 33,
      serialStart: 30,
      timing: { keygenMinMs: SLOW_KEYGEN, keygenMaxMs: SLOW_KEYGEN + 200, stallMs: 1000 },
    });
    simulators.push(quick, slow);
    const ports = [...quick.devices, ...slow.devices].map((d) => d.path);
    expect(new Set(ports).size).toBe(32);

    const started = Date.now();
    const finishedAt = new Map<string, number>();
    const run = startStation({ workspace: ws, batchId: 'WO-32', ports, caKey, actor: 'tech-32', stepTimeoutMs: STEP_TIMEOUT, maxAttempts: 2 });
    run.on('event', (e: StationEvent) => {
      if (e.type === 'device') finishedAt.set(e.outcome.port, Date.now() - started);
    });
    const summary = await run.done;

    const at = (i: number) => finishedAt.get(ports[i]!)!;
    const outcome = (i: number) => summary.outcomes.find((o) => o.port === ports[i])!;
    const stalled = 3;
    const dropped = 10;
    const noisy = 19;
    const slowOnes = [29, 30, 31];
    const good = ports.map((_, i) => i).filter((i) => ![stalled, dropped, noisy, ...slowOnes].includes(i));
    expect(good).toHaveLength(26);
    for (const i of [...good, noisy, ...slowOnes]) expect(outcome(i), `port ${i + 1}`).toMatchObject({ result: 'done' });
    expect(outcome(dropped)).toMatchObject({ result: 'failed', code: 'LINK_CLOSED' });
    // The stalled device answers only after STALL ms: its first attempt times out, the retry may or may not make it.
    expect(['done', 'LINK_TIMEOUT']).toContain(outcome(stalled).code ?? outcome(stalled).result);

    // None held up: every good device is done before the stalled device and before any slow
    // one. Compared with each other, not with the clock: on a loaded 2-core CI machine the
    // good devices took 1.6 s, past SLOW_KEYGEN, while still finishing long before the slow ones.
    const lastGood = Math.max(...good.map(at));
    expect(lastGood).toBeLessThan(Math.min(...slowOnes.map(at)));
    expect(lastGood).toBeLessThan(at(stalled));
    expect(Math.min(...slowOnes.map(at))).toBeGreaterThan(SLOW_KEYGEN);
    expect(at(stalled)).toBeGreaterThan(STEP_TIMEOUT);

    expect(recordsConsistent(ws, 'WO-32')).toMatchObject({ orphans: 0, doubleActive: 0 });
    expect(ws.verifyAudit().ok).toBe(true);
    console.log(
      `32 ports: 26 good devices done by ${lastGood} ms; slow ${slowOnes.map(at).join('/')} ms; stalled ${at(stalled)} ms; whole run ${summary.elapsedMs} ms`,
    );
  });
});
