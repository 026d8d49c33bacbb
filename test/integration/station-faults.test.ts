import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_NRF91_MODEL } from '../../main/devices/nrf91/nrf91-personality.js';
import { parseFaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../main/devices/simulator/simulator.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationSummary } from '../../main/station/station-events.js';
import type { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { makeBatch, STATION_POLICY, stationWorkspace } from '../support/station-fixture.js';
import { chainDigest, deviceReadback, recordsConsistent } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-faults-');
let ws: Workspace;
let caKey: SyncSigningKey;
let caChain: Buffer[];
const simulators: RunningSimulator[] = [];

beforeAll(async () => {
  ({ ws, caKey, caChain } = await stationWorkspace(`${tmp.path}/ws`));
});

afterAll(async () => {
  await Promise.all(simulators.map((s) => s.stop()));
  ws?.close();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function simulate(options: Omit<SimulatorOptions, 'dir'>): Promise<RunningSimulator> {
  const sim = await startSimulator({
    dir: mkdtempSync(join(tmp.path, 'sim-')),
    baudRate: 0,
    seed: 7,
    timing: { keygenMinMs: 20, keygenMaxMs: 80, stallMs: 1200 },
    ...options,
  });
  simulators.push(sim);
  return sim;
}

async function run(batchId: string, ports: string[], stepTimeoutMs = 800): Promise<StationSummary> {
  return startStation({ workspace: ws, batchId, ports, caKey, actor: 'tech-faults', stepTimeoutMs, maxAttempts: 3 }).done;
}

/** Every chain a device reports holding is the one the database has for its serial; nothing is recorded half. */
async function expectNothingUnrecorded(batchId: string, sim: RunningSimulator, skip: ReadonlySet<string> = new Set(), bogusSerial?: string): Promise<void> {
  expect(recordsConsistent(ws, batchId)).toMatchObject({ orphans: 0, doubleActive: 0 });
  const { certificates, issuedEntries } = recordsConsistent(ws, batchId);
  expect(issuedEntries).toBe(certificates);
  const expected = new Map(
    (
      ws.db
        .prepare('SELECT d.hardware_serial AS serial, c.der AS der FROM devices d JOIN certificates c ON c.id = d.certificate_id WHERE d.batch_id = ?')
        .all(batchId) as { serial: string; der: Buffer }[]
    ).map((r) => [r.serial, chainDigest(r.der, caChain)]),
  );
  for (const [i, d] of sim.devices.entries()) {
    if (sim.handles[i]!.gone || skip.has(d.serial)) continue;
    const held = await deviceReadback(d.path);
    // A bogus-serial device reports (and is certified under) the serial it claims.
    const reported = d.faults.includes('bogus-serial') && bogusSerial !== undefined ? bogusSerial : d.serial;
    if (held !== null) expect(held, d.serial).toBe(expected.get(reported));
  }
  expect(ws.verifyAudit().ok).toBe(true);
}

describe('bad input through the station (simulated Hallmark devices on PTYs)', () => {
  it('every simulator fault mode ends with its coded reason while the good devices finish; nothing is issued unrecorded', async () => {
    // Device 1 is clean; device N+1 has the N-th fault mode. duplicate-key devices share device 1's key.
    const modes = [
      'garbage',
      'reset',
      'stall',
      'wrong-response',
      'junk-csr',
      'bad-base64',
      'drop-mid-csr',
      'drop-mid-chain',
      'duplicate-key',
      'bogus-serial',
      'stale-nonce',
      'bad-signature',
      'corrupt-chain',
    ];
    makeBatch(ws, 'WO-FAULTS', 'HM-SIM1-0001..HM-SIM1-0020', 20);
    const sim = await simulate({
      count: modes.length + 1,
      protocol: 'hallmark',
      faults: modes.map((m, i) => parseFaultSpec(`${m}@${i + 2}`)),
      bogusSerial: 'HM-SIM1-0999',
    });
    const summary = await run(
      'WO-FAULTS',
      sim.devices.map((d) => d.path),
    );
    const byMode = Object.fromEntries(summary.outcomes.map((o, i) => [i === 0 ? 'clean' : modes[i - 1]!, `${o.result}${o.code ? `:${o.code}` : ''}`]));
    // One of the two devices with the same key is first to show it; the other is the duplicate.
    const dupPair = [byMode.clean, byMode['duplicate-key']].sort();
    delete byMode.clean;
    delete byMode['duplicate-key'];
    expect(dupPair).toEqual(['done', 'refused:DUPLICATE_KEY']);
    expect(byMode).toEqual({
      // transient: retried from identify on the same port, then done
      garbage: 'done',
      reset: 'done',
      stall: 'done',
      'wrong-response': 'failed:DEVICE_UNEXPECTED_RESPONSE',
      'junk-csr': 'failed:DEVICE_CSR_INVALID',
      'bad-base64': 'failed:DEVICE_BAD_PAYLOAD',
      'drop-mid-csr': 'failed:LINK_CLOSED',
      'drop-mid-chain': 'failed:LINK_CLOSED',
      'bogus-serial': 'refused:NOT_IN_PLAN',
      'stale-nonce': 'failed:DEVICE_NONCE_MISMATCH',
      'bad-signature': 'failed:DEVICE_CSR_INVALID',
      'corrupt-chain': 'failed:DEVICE_READBACK_MISMATCH',
    });
    expect(summary.outcomes.filter((o) => o.result !== 'done').every((o) => o.code !== null && o.message !== null)).toBe(true);
    // Committed before the write: the drop-mid-chain and corrupt-chain devices hold recorded certificates, awaiting a re-send.
    const committed = ws.db
      .prepare("SELECT hardware_serial FROM devices WHERE batch_id = 'WO-FAULTS' AND certificate_id IS NOT NULL AND state = 'failed'")
      .pluck()
      .all() as string[];
    expect(committed.sort()).toEqual(
      [sim.devices[modes.indexOf('drop-mid-chain') + 1]!.serial, sim.devices[modes.indexOf('corrupt-chain') + 1]!.serial].sort(),
    );
    expect(summary.counts).toMatchObject({ issued: 6, devicesIssued: 6, confirmed: 4 });
    await expectNothingUnrecorded('WO-FAULTS', sim, new Set([sim.devices[modes.indexOf('corrupt-chain') + 1]!.serial]));
  });

  it('two devices reporting the same serial on two ports at once: the second is refused SERIAL_IN_PROGRESS naming the first port, the first completes, one certificate', async () => {
    makeBatch(ws, 'WO-TWIN', 'HM-SIM1-0101..HM-SIM1-0102', 2);
    // Device 2's firmware reports device 1's serial; keygens slow enough that both are mid-way at once.
    const sim = await simulate({
      count: 2,
      protocol: 'hallmark',
      serialStart: 101,
      faults: [parseFaultSpec('bogus-serial@2')],
      bogusSerial: 'HM-SIM1-0101',
      timing: { keygenMinMs: 250, keygenMaxMs: 300, stallMs: 1000 },
    });
    const summary = await run(
      'WO-TWIN',
      sim.devices.map((d) => d.path),
      2000,
    );
    const outcomes = [...summary.outcomes].sort((a, b) => (a.result === 'done' ? -1 : b.result === 'done' ? 1 : 0));
    expect(outcomes[0]).toMatchObject({ result: 'done', serial: 'HM-SIM1-0101' });
    expect(outcomes[1]).toMatchObject({ result: 'refused', code: 'SERIAL_IN_PROGRESS', serial: 'HM-SIM1-0101', remedy: expect.stringMatching(/same serial/) });
    expect(outcomes[1]!.message).toContain(outcomes[0]!.port);
    const n = ws.db.prepare("SELECT COUNT(*) AS n FROM device_certificates WHERE batch_id = 'WO-TWIN'").get() as { n: number };
    expect(n.n).toBe(1);
    expect(summary.counts).toMatchObject({ issued: 1, confirmed: 1, refused: 1 });
    await expectNothingUnrecorded('WO-TWIN', sim, new Set(), 'HM-SIM1-0101');
  });
});

describe('nRF91 modems through the station', () => {
  it('a work order for nRF91 (policy protocol nrf91) provisions simulated modems over AT commands', async () => {
    const sim = await simulate({ count: 4, protocol: 'nrf91', timing: { keygenMinMs: 10, keygenMaxMs: 40, stallMs: 1000 } });
    const policy = STATION_POLICY.replace('model: SIM1', `model: ${DEFAULT_NRF91_MODEL}`)
      .replace('protocol: hallmark', 'protocol: nrf91')
      .replace('keyAlgorithms: [ecdsa-p256]', 'keyAlgorithms: [ecdsa-p256]\ncsrAllowances: [ecdsa-null-parameters]')
      .replace("serialPattern: 'HM-SIM1-[0-9]{4}'", "serialPattern: '[0-9]{15}'");
    makeBatch(ws, 'WO-NRF', `serial\n${sim.devices.map((d) => d.serial).join('\n')}\n`, 4, policy);
    const summary = await run(
      'WO-NRF',
      sim.devices.map((d) => d.path),
      3000,
    );
    expect(summary.outcomes.map((o) => o.code ?? o.result)).toEqual(['done', 'done', 'done', 'done']);
    expect(summary.counts).toMatchObject({ issued: 4, confirmed: 4 });
    const subjects = ws.db
      .prepare("SELECT c.subject FROM certificates c JOIN device_certificates dc ON dc.certificate_id = c.id WHERE dc.batch_id = 'WO-NRF'")
      .pluck()
      .all() as string[];
    expect(subjects.every((s) => /serialNumber=[0-9]{15}$/.test(s))).toBe(true);
    expect(recordsConsistent(ws, 'WO-NRF')).toMatchObject({ orphans: 0, doubleActive: 0, certificates: 4, issuedEntries: 4 });
    // Every other simulated modem writes NULL parameters, as real modem firmware does: accepted under the policy's allowance, and recorded.
    const allowances = ws.db
      .prepare("SELECT csr_allowances FROM device_certificates WHERE batch_id = 'WO-NRF' ORDER BY certificate_id")
      .pluck()
      .all() as string[];
    expect(allowances.filter((a) => a === '["ecdsa-null-parameters"]')).toHaveLength(2);
    expect(allowances.filter((a) => a === '[]')).toHaveLength(2);
    expect(ws.verifyAudit().ok).toBe(true);
  });
});
