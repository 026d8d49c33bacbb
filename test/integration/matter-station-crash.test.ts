import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HallmarkPersonality } from '../../main/devices/hallmark/hallmark-personality.js';
import type { DeviceIo } from '../../main/devices/simulator/device-personality.js';
import { seededRandom } from '../../main/devices/simulator/prng.js';
import { SimulatedDevice } from '../../main/devices/simulator/simulated-device.js';
import { generateKeyObjectPair } from '../../main/keys/software/generate-key-pair.js';
import { manualPairingCode } from '../../main/matter/onboarding-payload.js';
import { makeMatterBatch, matterWorkspace } from '../support/matter-station.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { MATTER_POLICY } from '../support/matter-station.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * kill -9 of `hallmark station run` between the factory-data commit and the device write.
 * The device holds its HM+MATTER=BEGIN answer back until the station process is dead, so
 * the kill lands exactly there: the record is committed, the label sheet written, and the
 * passcode died with the process. The next run finds the device without factory data,
 * abandons the record (naming its label for destruction) and writes fresh factory data.
 */

const tmp = tempDir('hallmark-matter-crash-');
const BIN = join(REPO_ROOT, 'bin/hallmark.mjs');
const labels = join(tmp.path, 'labels');
let home: string;
let device: SimulatedDevice;
let personality: HallmarkPersonality;
let onBegin: (() => void) | null = null;
let hold: Promise<void> | null = null;

beforeAll(async () => {
  const m = await matterWorkspace(tmp.path);
  home = m.ws.home;
  makeMatterBatch(m, 'WO-MC', 'HM-SIM1-0001..HM-SIM1-0001', 1);
  m.ws.close();
  mkdirSync(labels);
  writeFileSync(join(tmp.path, 'pai.pass'), TEST_PASSPHRASE);
  personality = new HallmarkPersonality({
    index: 0,
    serial: 'HM-SIM1-0001',
    bogusSerial: 'HM-UNPLANNED-0000',
    model: 'SIM1',
    faults: new Set(),
    key: { algorithm: 'ecdsa-p256', ...(await generateKeyObjectPair('ecdsa-p256')) },
    timing: { keygenMinMs: 5, keygenMaxMs: 10, stallMs: 1000 },
    random: seededRandom(7),
    matter: true,
  });
  const gated = {
    async handleLine(line: string, io: DeviceIo) {
      if (line.startsWith('HM+MATTER=BEGIN') && onBegin) {
        onBegin();
        onBegin = null;
        await hold;
      }
      return personality.handleLine(line, io);
    },
  };
  device = await SimulatedDevice.start({ dir: tmp.path, name: 'mc', personality: gated, baudRate: 0, maxLineBytes: 1022 });
});
afterAll(async () => {
  await device?.stop();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
  tmp.dispose();
});

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

function stationRun(killAtBegin: boolean): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
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
      'WO-MC',
      '--port',
      device.stationPath,
      '--operator',
      'night-shift',
      '--passphrase-file',
      join(tmp.path, 'pai.pass'),
      '--label-dir',
      labels,
      '--step-timeout',
      '3000',
      '--max-attempts',
      '1',
    ],
    {
      cwd: REPO_ROOT,
      env: { ...process.env, HALLMARK_HOME: '', HALLMARK_ACTOR: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stdout = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', () => undefined);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  if (killAtBegin) {
    let release!: () => void;
    hold = new Promise<void>((r) => (release = r));
    onBegin = () => {
      child.kill('SIGKILL');
      void exited.then(() => release());
    };
  }
  return exited.then((r) => ({ ...r, stdout }));
}

describe('kill -9 between the factory-data commit and the device write', () => {
  it('leaves a committed record that the next run abandons, and the device gets fresh factory data that agrees with its new label', async () => {
    const killed = await stationRun(true);
    expect(killed.signal).toBe('SIGKILL');
    const afterKill = readDb(
      (db) => db.prepare('SELECT state, label_path AS labelPath FROM matter_factory_data').all() as { state: string; labelPath: string }[],
    );
    expect(afterKill.map((r) => r.state)).toEqual(['committed']);
    expect(readdirSync(labels)).toHaveLength(1);
    expect(personality.matterRecord).toBeUndefined();

    const again = await stationRun(false);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/"result":"done"/);
    const rows = readDb(
      (db) =>
        db.prepare('SELECT id, state, label_path AS labelPath FROM matter_factory_data ORDER BY id').all() as {
          id: number;
          state: string;
          labelPath: string;
        }[],
    );
    expect(rows.map((r) => r.state)).toEqual(['abandoned', 'written']);
    const abandoned = readDb(
      (db) => db.prepare("SELECT actor, details FROM audit_log WHERE action = 'matter.factory-data-abandoned'").all() as { actor: string; details: string }[],
    );
    expect(abandoned.map((a) => JSON.parse(a.details) as unknown)).toEqual([
      expect.objectContaining({ record: rows[0]!.id, reason: 'the device holds no factory data', destroyLabel: rows[0]!.labelPath }),
    ]);
    const record = personality.matterRecord!;
    expect(readFileSync(rows[1]!.labelPath, 'utf8')).toContain(manualPairingCode({ discriminator: record.discriminator, passcode: record.passcode }));
    expect(readFileSync(rows[0]!.labelPath, 'utf8')).not.toContain(manualPairingCode({ discriminator: record.discriminator, passcode: record.passcode }));
    const audit = spawn(process.execPath, [BIN, '--home', home, 'audit', 'verify'], {
      cwd: REPO_ROOT,
      env: { ...process.env, HALLMARK_HOME: '' },
      stdio: 'ignore',
    });
    expect(await new Promise((r) => audit.on('exit', r))).toBe(0);
  });

  it('hallmark batch create --matter-cd: a file that is not a CMS CD is refused with the rule named, and no work order is recorded; a good one is kept', async () => {
    writeFileSync(join(tmp.path, 'light.policy.yaml'), MATTER_POLICY);
    writeFileSync(join(tmp.path, 'not-a-cd.der'), Buffer.from('30820101' + '00'.repeat(257), 'hex'));
    const common = [
      '--home',
      home,
      'batch',
      'create',
      '--product',
      join(tmp.path, 'light.policy.yaml'),
      '--serial-range',
      'HM-SIM1-0100..HM-SIM1-0101',
      '--quantity',
      '2',
    ];
    const bad = await runCli([...common, '--id', 'WO-CLI-BAD', '--matter-cd', join(tmp.path, 'not-a-cd.der')]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error: MATTER_CD_INVALID: \[matter\.certification-declaration\] the Certification Declaration is not DER/m);
    const missing = await runCli([...common, '--id', 'WO-CLI-NONE']);
    expect(missing.stderr).toMatch(/error: MATTER_CD_REQUIRED/);
    expect(readDb((db) => db.prepare("SELECT COUNT(*) AS n FROM batches WHERE id LIKE 'WO-CLI%'").get() as { n: number }).n).toBe(0);
    const good = await runCli([...common, '--id', 'WO-CLI-OK', '--matter-cd', join(tmp.path, 'cd.der')]);
    expect(good.code, good.stderr).toBe(0);
    const kept = readDb((db) => db.prepare("SELECT cd FROM matter_declarations WHERE batch_id = 'WO-CLI-OK'").get() as { cd: Buffer });
    expect(kept.cd.equals(readFileSync(join(tmp.path, 'cd.der')))).toBe(true);
  });
});
