import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { REPO_ROOT, runCli } from '../support/run-cli.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-crash-');
const home = join(tmp.path, 'ws');
const pass = join(tmp.path, 'mfg.pass');
const BIN = join(REPO_ROOT, 'bin/hallmark.mjs');
let sim: RunningSimulator;
let caChain: Buffer[];

beforeAll(async () => {
  const fixture = await stationWorkspace(home);
  caChain = fixture.caChain;
  makeBatch(fixture.ws, 'WO-CRASH', 'HM-SIM1-0001..HM-SIM1-0008', 8);
  fixture.ws.close();
  writeFileSync(pass, TEST_PASSPHRASE);
  // Paced at 115200 baud, so a kill has real exchanges in flight to land in.
  sim = await startSimulator({
    dir: tmp.path,
    count: 8,
    protocol: 'hallmark',
    timing: { keygenMinMs: 30, keygenMaxMs: 250, stallMs: 1000 },
    baudRate: 115200,
    seed: 11,
  });
});

afterAll(async () => {
  await sim?.stop();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

function readDb<T>(fn: (db: Database.Database) => T): T {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true, fileMustExist: true });
  try {
    return fn(db);
  } finally {
    db.close();
  }
}

const issuedCount = () => readDb((db) => (db.prepare("SELECT COUNT(*) AS n FROM device_certificates WHERE batch_id = 'WO-CRASH'").get() as { n: number }).n);
const doneSerials = () =>
  new Set(readDb((db) => db.prepare("SELECT hardware_serial FROM devices WHERE batch_id = 'WO-CRASH' AND state = 'done'").pluck().all() as string[]));

/** Runs `hallmark station run` on the ports of devices not yet done; SIGKILLs it once `killAfter` certificates are committed. */
async function stationRun(killAfter?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string }> {
  const done = doneSerials();
  const ports = sim.devices.filter((d) => !done.has(d.serial)).flatMap((d) => ['--port', d.path]);
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
      'WO-CRASH',
      ...ports,
      '--operator',
      'night-shift',
      '--passphrase-file',
      pass,
      '--step-timeout',
      '3000',
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
  if (killAfter !== undefined) {
    let killed = false;
    const poll = setInterval(() => {
      if (!killed && issuedCount() >= killAfter) {
        killed = true;
        child.kill('SIGKILL');
      }
    }, 5);
    const r = await exited;
    clearInterval(poll);
    return { ...r, stdout };
  }
  return { ...(await exited), stdout };
}

/** What the device itself says it stores: SHA-256 of its chain (HM+READBACK?). */
async function deviceReadback(path: string): Promise<string | null> {
  const link = await openSerialLineLink(path, { baudRate: 115200 });
  try {
    await link.writeLine('HM+READBACK?');
    for (;;) {
      const line = await link.readLine(2000);
      const m = /^\+READBACK: ([0-9a-f]{64}),/.exec(line);
      if (m) return m[1]!;
      if (line.startsWith('ERROR')) return null;
    }
  } finally {
    await link.close();
  }
}

describe('kill -9 of a running station', () => {
  it('restarts to a consistent state: every certificate on a device is in the database, no serial has two, interrupted devices resume, the audit chain holds', async () => {
    const first = await stationRun(2);
    expect(first.signal).toBe('SIGKILL');
    const second = await stationRun(5);
    expect(second.signal).toBe('SIGKILL');
    expect(issuedCount()).toBeGreaterThanOrEqual(5);

    // Restart until every device is done (a device interrupted mid-exchange may need one more pass).
    let last;
    for (let pass = 0; pass < 3 && doneSerials().size < 8; pass++) last = await stationRun();
    expect(doneSerials().size, last?.stdout).toBe(8);

    readDb((db) => {
      // Exactly one certificate per device, all active, none outside the station's records.
      const perDevice = db
        .prepare(
          "SELECT d.hardware_serial AS serial, COUNT(*) AS n FROM device_certificates dc JOIN devices d ON d.id = dc.device_id JOIN certificates c ON c.id = dc.certificate_id WHERE c.status = 'active' GROUP BY d.id",
        )
        .all() as { serial: string; n: number }[];
      expect(perDevice).toHaveLength(8);
      expect(perDevice.every((r) => r.n === 1)).toBe(true);
      const orphans = db
        .prepare("SELECT COUNT(*) AS n FROM certificates WHERE profile = 'idevid' AND id NOT IN (SELECT certificate_id FROM device_certificates)")
        .get() as { n: number };
      expect(orphans.n).toBe(0);
      const issuedAudit = db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE action = 'device.issued'").get() as { n: number };
      expect(issuedAudit.n).toBe(8);
    });

    // What each device holds is the chain of the certificate the database has for its serial.
    const expected = readDb(
      (db) =>
        new Map(
          (
            db
              .prepare(
                "SELECT d.hardware_serial AS serial, c.der AS der FROM devices d JOIN certificates c ON c.id = d.certificate_id WHERE d.batch_id = 'WO-CRASH'",
              )
              .all() as { serial: string; der: Buffer }[]
          ).map((r) => [
            r.serial,
            createHash('sha256')
              .update(Buffer.concat([r.der, ...caChain]))
              .digest('hex'),
          ]),
        ),
    );
    for (const d of sim.devices) expect(await deviceReadback(d.path), d.serial).toBe(expected.get(d.serial));

    // The kills interrupted devices after their commit: they resumed by getting the same certificate again.
    const resent = readDb((db) => (db.prepare("SELECT COUNT(*) AS n FROM device_events WHERE step = 'certificate-resent'").get() as { n: number }).n);
    expect(resent).toBeGreaterThan(0);
    const verify = await runCli(['--home', home, 'audit', 'verify']);
    expect(verify.code, verify.stderr).toBe(0);
  });
});
