import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSoftwareKey } from '../../main/keys/software/index.js';
import { startAutoStation } from '../../main/station/start-auto-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { DeviceError } from '../../main/devices/device-errors.js';
import type { SerialPortInfo } from '../../main/devices/serial/list-serial-ports.js';
import type { DeviceOpener } from '../../main/station/open-device.js';
import { FakeDevice, makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { PluggableDevice, recordsConsistent } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-auto-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'mfg.pass');
const BIN = join(REPO_ROOT, 'bin/hallmark.mjs');
/** The shipped example policy (its fixture USB ids are not what PTYs have: the pattern names the ports). */
const POLICY = readFileSync(join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml'), 'utf8');
const devices: PluggableDevice[] = [];

beforeAll(async () => {
  const { ws } = await stationWorkspace(home);
  ws.close();
  writeFileSync(pass, TEST_PASSPHRASE);
});

afterAll(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function plug(dir: string, name: string, serial: string): Promise<PluggableDevice> {
  const d = await PluggableDevice.create({ dir, name, serial, timing: { keygenMinMs: 10, keygenMaxMs: 40 } });
  devices.push(d);
  return d;
}

async function until(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const count = (ws: Workspace, sql: string, ...args: unknown[]) => (ws.db.prepare(sql).get(...args) as { n: number }).n;

describe('hallmark station run --auto', () => {
  it('module API: devices plugged one after another each get one machine, a swapped device on the same path gets a fresh one, and the station stops by itself', async () => {
    const dir = join(tmp.path, 'fixture-api');
    mkdirSync(dir);
    const ws = Workspace.open(home, 'test');
    try {
      makeBatch(ws, 'WO-AUTO', 'HM-SIM1-0301..HM-SIM1-0310', 10, POLICY);
      const caKey = await openSoftwareKey(new KeyRepository(ws).get('mfg-key'), { passphrase: TEST_PASSPHRASE, keysDir: ws.info().keysPath });
      // A device already in the fixture when the station starts is run too.
      await plug(dir, '1', 'HM-SIM1-0301');
      const run = startAutoStation({
        workspace: ws,
        batchId: 'WO-AUTO',
        portGlob: join(dir, 'station-*'),
        pollIntervalMs: 40,
        untilDone: { kind: 'devices', count: 5 },
        caKey,
        actor: 'tech-auto',
        stepTimeoutMs: 3000,
      });
      const events: StationEvent[] = [];
      run.on('event', (e: StationEvent) => events.push(e));
      const doneSerials = () => events.flatMap((e) => (e.type === 'device' && e.outcome.result === 'done' ? [e.outcome.serial] : []));
      const removed = (port: string) => events.filter((e) => e.type === 'port' && e.change === 'removed' && e.port === port).length;

      await until('0301 done', () => doneSerials().includes('HM-SIM1-0301'));
      const second = await plug(dir, '2', 'HM-SIM1-0302');
      await until('0302 done', () => doneSerials().includes('HM-SIM1-0302'));
      // Left in the fixture for a few polls: not run again.
      await new Promise((r) => setTimeout(r, 200));

      // A device taken out, then another put on the same port.
      await devices[0]!.stop();
      await until('station-1 removed', () => removed(join(dir, 'station-1')) === 1);
      await plug(dir, '1', 'HM-SIM1-0303');
      await until('0303 done', () => doneSerials().includes('HM-SIM1-0303'));

      // A swap faster than a poll: the same path, another PTY behind it.
      await second.stop();
      await plug(dir, '2', 'HM-SIM1-0304');
      await until('0304 done', () => doneSerials().includes('HM-SIM1-0304'));

      // Pulled while its machine is still on it (a slow key generation), another device put
      // in at once: the old machine ends on the closed link, the new device gets its own.
      const slow = await PluggableDevice.create({ dir, name: '3', serial: 'HM-SIM1-0305', timing: { keygenMinMs: 1500, keygenMaxMs: 1500 } });
      devices.push(slow);
      await until('0305 at its nonce', () => events.some((e) => e.type === 'step' && e.serial === 'HM-SIM1-0305' && e.step === 'nonce'));
      await slow.stop();
      await plug(dir, '3', 'HM-SIM1-0306');
      // The fifth device done ends the run.
      const summary = await run.done;
      caKey.close();

      expect(summary.stopped).toBe('done: 5 devices provisioned');
      expect(events.at(-1)!.type).toBe('finished');
      const results = Object.fromEntries(summary.outcomes.map((o) => [String(o.serial), o.code ?? o.result] as const));
      expect(results).toEqual({
        'HM-SIM1-0301': 'done',
        'HM-SIM1-0302': 'done',
        'HM-SIM1-0303': 'done',
        'HM-SIM1-0304': 'done',
        'HM-SIM1-0305': 'LINK_CLOSED',
        'HM-SIM1-0306': 'done',
      });
      const done = summary.outcomes.filter((o) => o.result === 'done').map((o) => o.serial);
      // Exactly one machine per device: one identify per serial, one certificate per done device.
      const identified = events.flatMap((e) => (e.type === 'step' && e.step === 'identified' ? [e.serial] : []));
      expect(identified.sort()).toEqual(Object.keys(results).sort());
      expect(summary.counts).toMatchObject({ issued: 5, devicesIssued: 5, confirmed: 5, failed: 1, refused: 0 });
      expect(count(ws, "SELECT COUNT(*) AS n FROM devices WHERE batch_id = 'WO-AUTO' AND state = 'done'")).toBe(done.length);
      expect(count(ws, "SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.done' AND subject LIKE 'WO-AUTO/%'")).toBe(done.length);
      expect(recordsConsistent(ws, 'WO-AUTO')).toEqual({ orphans: 0, doubleActive: 0, issuedEntries: done.length, certificates: done.length });
    } finally {
      ws.close();
    }
  });

  it("USB fixture ports from the listing's metadata: other ports are never opened, and a swap seen while the old machine runs starts the new device right after it", async () => {
    const ws = Workspace.open(home, 'test');
    try {
      makeBatch(ws, 'WO-AUTO-USB', 'HM-SIM1-0501..HM-SIM1-0505', 5, POLICY);
      const caKey = await openSoftwareKey(new KeyRepository(ws).get('mfg-key'), { passphrase: TEST_PASSPHRASE, keysDir: ws.info().keysPath });
      const fixturePort = (serialNumber: string): SerialPortInfo => ({ path: '/dev/ttyACM0', vendorId: '1915', productId: '520f', serialNumber });
      let listing: SerialPortInfo[] = [fixturePort('adapter-1'), { path: '/dev/ttyACM1', vendorId: '1915', productId: '9100' }, { path: '/dev/ttyS0' }];
      // The first device hangs at identify until the test pulls it; then its link is gone.
      let pull!: () => void;
      const pulled = new Promise<void>((r) => (pull = r));
      class PulledDevice extends FakeDevice {
        override async identify(): Promise<never> {
          await pulled;
          throw new DeviceError('LINK_CLOSED', 'fake: the device was pulled');
        }
      }
      const plugged = [new PulledDevice('HM-SIM1-0501'), new FakeDevice('HM-SIM1-0502')];
      const opened: string[] = [];
      const openDevice: DeviceOpener = async (port) => {
        opened.push(port);
        const driver = plugged.shift();
        if (driver === undefined) throw new Error(`nothing more to open on ${port}`);
        return { driver, close: async () => undefined };
      };
      let polls = 0;
      const listUsbPorts = async () => {
        polls += 1;
        return listing;
      };
      const run = startAutoStation({
        workspace: ws,
        batchId: 'WO-AUTO-USB',
        listUsbPorts,
        openDevice,
        pollIntervalMs: 10,
        untilDone: { kind: 'devices', count: 1 },
        caKey,
        actor: 'tech-usb',
      });
      const events: StationEvent[] = [];
      run.on('event', (e: StationEvent) => events.push(e));
      await until('the first machine', () => opened.length === 1);
      // Another adapter on the same path (its USB serial differs): removed + added while the first machine still runs.
      listing = [fixturePort('adapter-2')];
      await until('the swap', () => events.filter((e) => e.type === 'port').length === 3);
      // A few more polls with the new adapter in place: still not started a second time.
      const after = polls;
      await until('three more polls', () => polls >= after + 3);
      expect(opened).toEqual(['/dev/ttyACM0']); // not started twice
      pull();
      const summary = await run.done;
      caKey.close();
      expect(opened).toEqual(['/dev/ttyACM0', '/dev/ttyACM0']);
      expect(summary.outcomes.map((o) => `${o.serial}:${o.code ?? o.result}`)).toEqual(['null:LINK_CLOSED', 'HM-SIM1-0502:done']);
      expect(events.filter((e) => e.type === 'port').map((e) => (e.type === 'port' ? `${e.change} ${e.port}` : ''))).toEqual([
        'added /dev/ttyACM0',
        'removed /dev/ttyACM0',
        'added /dev/ttyACM0',
      ]);
      expect(summary.stopped).toBe('done: 1 device provisioned');
    } finally {
      ws.close();
    }
  });

  it('CLI: --auto --port-glob --until-done stops when the work order is complete; SIGINT stops a run cleanly', async () => {
    const dir = join(tmp.path, 'fixture-cli');
    mkdirSync(dir);
    const ws = Workspace.open(home, 'test');
    try {
      makeBatch(ws, 'WO-AUTO-CLI', 'HM-SIM1-0401..HM-SIM1-0410', 3, POLICY);
    } finally {
      ws.close();
    }
    const station = (...extra: string[]) => {
      const child = spawn(
        process.execPath,
        [
          BIN,
          '--home',
          home,
          '--json',
          'station',
          'run',
          '--batch',
          'WO-AUTO-CLI',
          '--auto',
          '--port-glob',
          join(dir, 'station-*'),
          '--poll-interval',
          '40',
          '--operator',
          'tech-cli',
          '--passphrase-file',
          pass,
          '--step-timeout',
          '3000',
          ...extra,
        ],
        {
          cwd: REPO_ROOT,
          env: { ...process.env, HALLMARK_HOME: '', HALLMARK_ACTOR: '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
      child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
      const lines = () =>
        stdout
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as { type: string; result?: string; serial?: string; stopped?: string | null; counts?: Record<string, number> });
      return { child, exited, lines, stderr: () => stderr };
    };

    // SIGINT with one device done and nothing in flight: a clean stop, exit 0.
    const first = station();
    await plug(dir, 'a', 'HM-SIM1-0401');
    await until('0401 done', () => first.lines().some((l) => l.type === 'device' && l.serial === 'HM-SIM1-0401'));
    first.child.kill('SIGINT');
    expect(await first.exited, first.stderr()).toBe(0);
    expect(first.lines().at(-1)).toMatchObject({ type: 'summary', stopped: 'interrupted', counts: { issued: 1, confirmed: 1 } });
    expect(first.lines().filter((l) => l.type === 'port')).toEqual([{ type: 'port', port: join(dir, 'station-a'), change: 'added' }]);

    // Restarted with --until-done: 0401 (still plugged in) is already provisioned; two more complete the quota of 3.
    const second = station('--until-done');
    await until('0401 refused', () => second.lines().some((l) => l.type === 'device' && l.serial === 'HM-SIM1-0401'));
    await plug(dir, 'b', 'HM-SIM1-0402');
    await plug(dir, 'c', 'HM-SIM1-0403');
    expect(await second.exited).toBe(1); // the already-provisioned device counts as not completed
    const devs = second.lines().filter((l) => l.type === 'device');
    expect(Object.fromEntries(devs.map((d) => [d.serial, d.result]))).toEqual({ 'HM-SIM1-0401': 'refused', 'HM-SIM1-0402': 'done', 'HM-SIM1-0403': 'done' });
    expect(second.lines().at(-1)).toMatchObject({
      type: 'summary',
      stopped: 'done: work order WO-AUTO-CLI complete (3 of 3 confirmed)',
      counts: { issued: 3, confirmed: 3 },
    });
    expect(second.stderr()).toMatch(/STATION_INCOMPLETE: 1 of 3 devices did not complete/);

    const show = JSON.parse((await runCli(['--home', home, '--json', 'batch', 'show', 'WO-AUTO-CLI', '--devices'])).stdout) as { devices: { state: string }[] };
    expect(show.devices.map((d) => d.state)).toEqual(['done', 'done', 'done']);
    expect((await runCli(['--home', home, 'audit', 'verify'])).code).toBe(0);

    // Usage: a port list or --auto, not both, not neither.
    const both = await runCli(['--home', home, 'station', 'run', '--batch', 'WO-AUTO-CLI', '--auto', '--port', '/dev/null', '--passphrase-file', pass]);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/either --port P \(one or more\) or --auto/);
    const globOnly = await runCli([
      '--home',
      home,
      'station',
      'run',
      '--batch',
      'WO-AUTO-CLI',
      '--port',
      '/dev/null',
      '--port-glob',
      'x*',
      '--passphrase-file',
      pass,
    ]);
    expect(globOnly.stderr).toMatch(/--port-glob needs --auto/);
  });
});
