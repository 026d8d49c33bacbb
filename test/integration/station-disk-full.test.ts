import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import type { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { makeBatch, stationWorkspace } from '../support/station-fixture.js';
import { chainDigest, deviceReadback, recordsConsistent } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-disk-');
const mnt = join(tmp.path, 'disk');
mkdirSync(mnt);

/**
 * A real full disk where the sandbox allows it: the workspace lives on a 24 MiB tmpfs
 * mounted for this file (needs root / CAP_SYS_ADMIN). Where mounting is not permitted the
 * test falls back to SIMULATING the full disk with a TEMP trigger that raises SQLite's
 * "database or disk is full" on every insert, and says so in its title.
 */
const realDisk = (() => {
  if (process.env.HALLMARK_TEST_NO_MOUNT === '1') return false; // to exercise the fallback
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=24m,mode=0700', 'tmpfs', mnt], { stdio: 'pipe' });
    return true;
  } catch {
    return false;
  }
})();
const filler = join(mnt, 'filler.bin');

let ws: Workspace | undefined;
let sim: RunningSimulator | undefined;

afterAll(async () => {
  await sim?.stop();
  ws?.close();
  if (realDisk) execFileSync('umount', [mnt], { stdio: 'pipe' });
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

/** Writes until the file system refuses: ENOSPC. */
function fillDisk(): void {
  const fd = openSync(filler, 'w');
  const block = Buffer.alloc(64 * 1024, 0x5a);
  try {
    for (;;) writeSync(fd, block);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
    // The last few bytes too: a partial block may still fit.
    try {
      for (;;) writeSync(fd, Buffer.alloc(512));
    } catch {
      /* full */
    }
  } finally {
    closeSync(fd);
  }
}

describe(`a full disk mid-run (${realDisk ? 'REAL: workspace on a tmpfs filled to ENOSPC' : 'SIMULATED: mounting not permitted here, a SQLite trigger raises "database or disk is full"'})`, () => {
  it('stops the station with STORE_WRITE_FAILED; nothing is issued unrecorded; after space is freed the records verify and the rest completes', async () => {
    const fixture = await stationWorkspace(join(mnt, 'ws'));
    ws = fixture.ws;
    const caKey: SyncSigningKey = fixture.caKey;
    makeBatch(ws, 'WO-DISK', 'HM-SIM1-0001..HM-SIM1-0006', 6);
    sim = await startSimulator({
      dir: tmp.path,
      count: 6,
      protocol: 'hallmark',
      baudRate: 0,
      seed: 13,
      timing: { keygenMinMs: 20, keygenMaxMs: 250, stallMs: 1000 },
    });
    const ports = sim.devices.map((d) => d.path);

    const run = startStation({ workspace: ws, batchId: 'WO-DISK', ports, caKey, actor: 'tech-disk', stepTimeoutMs: 2000 });
    let full = false;
    run.on('event', (e: StationEvent) => {
      if (full || e.type !== 'step' || e.step !== 'issued') return;
      full = true;
      if (realDisk) {
        // Empty the WAL first: SQLite reuses WAL space it already has, so only a WAL that
        // must grow meets the full disk (as it would on a long run).
        ws!.db.pragma('wal_checkpoint(TRUNCATE)');
        fillDisk();
      } else {
        ws!.db.exec("CREATE TEMP TRIGGER disk_full_events BEFORE INSERT ON main.device_events BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
      }
    });
    const summary = await run.done;
    expect(full).toBe(true);
    const codes = summary.outcomes.map((o) => o.code ?? 'done');
    expect(codes).toContain('STORE_WRITE_FAILED');
    expect(
      codes.every((c) => ['done', 'STORE_WRITE_FAILED', 'STATION_STOPPED'].includes(c)),
      codes.join(),
    ).toBe(true);
    expect(summary.stopped).toMatch(/^STORE_WRITE_FAILED: the station could not record to the workspace: .*(full|SQLITE_FULL)/i);
    expect(summary.outcomes.find((o) => o.code === 'STORE_WRITE_FAILED')).toMatchObject({ result: 'failed', fatal: true });

    // Space again.
    if (realDisk) rmSync(filler);
    else ws.db.exec('DROP TRIGGER temp.disk_full_events');

    // Nothing issued unrecorded: every certificate row has its device and its audit entry,
    // and whatever a device holds is the chain of its recorded certificate.
    const rc = recordsConsistent(ws, 'WO-DISK');
    expect(rc).toMatchObject({ orphans: 0, doubleActive: 0 });
    expect(rc.issuedEntries).toBe(rc.certificates);
    expect(rc.certificates).toBeGreaterThanOrEqual(1);
    const expected = new Map(
      (
        ws.db
          .prepare(
            "SELECT d.hardware_serial AS serial, c.der AS der FROM devices d JOIN certificates c ON c.id = d.certificate_id WHERE d.batch_id = 'WO-DISK'",
          )
          .all() as { serial: string; der: Buffer }[]
      ).map((r) => [r.serial, chainDigest(r.der, fixture.caChain)]),
    );
    for (const d of sim.devices) {
      const held = await deviceReadback(d.path);
      if (held !== null) expect(held, d.serial).toBe(expected.get(d.serial));
    }
    expect(ws.verifyAudit().ok).toBe(true);

    // The line restarts: interrupted devices resume (same certificate), the others are issued now.
    const again = await startStation({ workspace: ws, batchId: 'WO-DISK', ports, caKey, actor: 'tech-disk', stepTimeoutMs: 2000 }).done;
    expect(again.outcomes.map((o) => o.code ?? o.result)).toEqual(Array(6).fill('done'));
    expect(recordsConsistent(ws, 'WO-DISK')).toEqual({ orphans: 0, doubleActive: 0, issuedEntries: 6, certificates: 6 });
    expect(ws.verifyAudit().ok).toBe(true);
  });
});
