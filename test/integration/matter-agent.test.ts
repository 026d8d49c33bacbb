import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LineLink } from '../../main/devices/line-link.js';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import { manualPairingCode, qrCodeText } from '../../main/matter/onboarding-payload.js';
import { spake2pVerifier } from '../../main/matter/spake2p-verifier.js';
import { driverFor, type DeviceOpener } from '../../main/station/open-device.js';
import { startStation, type StationOptions } from '../../main/station/start-station.js';
import { toPem } from '../support/pem.js';
import { makeMatterBatch, matterWorkspace, type MatterWorkspace } from '../support/matter-station.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { agentStoreInfo, startReferenceAgent, type ReferenceAgent } from '../support/reference-agent.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The C reference agent (firmware/) in its Matter mode, as a real process on a socat PTY:
 * it takes the DAC chain (DAC, PAI, PAA, checked against the PAA built into it) and the
 * factory record with the CD as given; its store is read back with `hallmark-agent
 * store-info`. Built by `npm run build:firmware`.
 */

const tmp = tempDir('hallmark-matter-agent-');
const CHECK = join(import.meta.dirname, '../support/check_matter_chain.py');
let m: MatterWorkspace;
const agents: ReferenceAgent[] = [];
const labels = join(tmp.path, 'labels');

beforeAll(async () => {
  m = await matterWorkspace(tmp.path);
  mkdirSync(labels);
});
afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  m?.ws.close();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
  tmp.dispose();
});

async function agent(name: string, serial: string): Promise<ReferenceAgent> {
  const a = await startReferenceAgent({ dir: tmp.path, name, serial, storePath: join(tmp.path, `${name}.se`), trustPem: toPem(m.paa), matter: true });
  agents.push(a);
  return a;
}

const station = (batchId: string, ports: string[], extra: Partial<StationOptions> = {}) =>
  startStation({ workspace: m.ws, batchId, ports, caKey: m.paiKey, actor: 'tech-agent', stepTimeoutMs: 5000, matterLabelDir: labels, ...extra }).done;

const factoryRows = (serial: string) =>
  m.ws.db
    .prepare(
      'SELECT f.state, f.salt, f.verifier, f.iterations, f.discriminator, f.label_path AS labelPath FROM matter_factory_data f JOIN devices d ON d.id = f.device_id WHERE d.hardware_serial = ? ORDER BY f.id',
    )
    .all(serial) as {
    state: string;
    salt: Buffer;
    verifier: Buffer;
    iterations: number;
    discriminator: number;
    labelPath: string;
  }[];

/** The agent's stored passcode is the label's, and its verifier is the one the station recorded. */
async function assertDeviceMatchesRecords(a: ReferenceAgent, serial: string) {
  const info = await agentStoreInfo(a.storePath);
  expect(info.state).toBe('locked');
  const [dac, pai, paa] = info.certificates;
  expect(pai!.equals(m.pai) && paa!.equals(m.paa)).toBe(true);
  const files = ['paa', 'pai', 'dac'].map((r) => join(tmp.path, `${serial}-${r}.pem`));
  [paa!, pai!, dac!].forEach((d, i) => writeFileSync(files[i]!, toPem(d)));
  const py = spawnSync('/usr/bin/python3', [CHECK, ...files], { encoding: 'utf8' });
  expect(py.status, py.stderr).toBe(0);
  expect(JSON.parse(py.stdout)).toEqual({ ok: true, vid: 'FFF1', pid: '8000' });

  const mm = info.matter!;
  expect(mm.cd.equals(m.cd)).toBe(true);
  const live = factoryRows(serial).filter((r) => r.state === 'written');
  expect(live).toHaveLength(1);
  const row = live[0]!;
  expect(mm.verifier.equals(row.verifier) && mm.salt.equals(row.salt)).toBe(true);
  expect(spake2pVerifier(mm.passcode, row.salt, row.iterations).verifier.equals(row.verifier)).toBe(true);
  const label = readFileSync(row.labelPath, 'utf8');
  expect(label).toContain(qrCodeText({ vendorId: 'FFF1', productId: '8000', discriminator: mm.discriminator, passcode: mm.passcode }));
  expect(label).toContain(manualPairingCode({ discriminator: mm.discriminator, passcode: mm.passcode }));
  const passcodeText = String(mm.passcode);
  const hits = m.ws.db.prepare('SELECT COUNT(*) AS n FROM audit_log WHERE details LIKE ?').get(`%${passcodeText}%`) as { n: number };
  expect(hits.n).toBe(0);
}

describe('the reference agent in Matter mode', () => {
  it('takes its DAC, PAI, PAA and factory record over a PTY; what it stores agrees with the records and the label', async () => {
    makeMatterBatch(m, 'WO-AG', 'HM-SIM1-0001..HM-SIM1-0001', 1);
    const a = await agent('m1', 'HM-SIM1-0001');
    const summary = await station('WO-AG', [a.path]);
    expect(summary.outcomes[0]).toMatchObject({ serial: 'HM-SIM1-0001', result: 'done', code: null });
    expect(a.log).toMatch(/matter: factory record of \d+ bytes stored/);
    await assertDeviceMatchesRecords(a, 'HM-SIM1-0001');
  });

  it('a power cut during the factory-data write: the committed record is abandoned and the device, booted again, gets fresh factory data', async () => {
    makeMatterBatch(m, 'WO-AG2', 'HM-SIM1-0002..HM-SIM1-0002', 1);
    const a = await agent('m2', 'HM-SIM1-0002');
    let cut = false;
    const opener: DeviceOpener = async (port, policy) => {
      const inner = await openSerialLineLink(port, { baudRate: 115200 });
      const link: LineLink = {
        async writeLine(line) {
          if (!cut && line.startsWith('HM+MATTER=DATA,1,')) {
            cut = true;
            await a.kill();
          }
          return inner.writeLine(line);
        },
        readLine: (ms) => inner.readLine(ms),
        discardInput: () => inner.discardInput(),
        close: () => inner.close(),
        get isOpen() {
          return inner.isOpen;
        },
      };
      return { driver: driverFor(link, policy, 1000), close: () => link.close() };
    };
    // a second attempt only for a boot banner that reached the port late (DEVICE_RESET); after the cut it times out too
    const first = await station('WO-AG2', [a.path], { openDevice: opener, maxAttempts: 2 });
    expect(cut).toBe(true);
    expect(first.outcomes[0]).toMatchObject({ result: 'failed', code: 'LINK_TIMEOUT' });
    expect(factoryRows('HM-SIM1-0002').map((r) => r.state)).toEqual(['committed']);
    expect((await agentStoreInfo(a.storePath)).matter).toBeNull();

    await a.restart();
    const second = await station('WO-AG2', [a.path]);
    expect(second.outcomes[0]).toMatchObject({ result: 'done', resent: true });
    expect(factoryRows('HM-SIM1-0002').map((r) => r.state)).toEqual(['abandoned', 'written']);
    await assertDeviceMatchesRecords(a, 'HM-SIM1-0002');
  });
});
