import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createIntermediateCa, createRootCa } from '../../main/ca/create-ca.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { generatePkcs11Key, openPkcs11Key } from '../../main/keys/pkcs11/pkcs11-key-store.js';
import type { SigningKey } from '../../main/keys/signing-key.js';
import { startStation } from '../../main/station/start-station.js';
import type { StationEvent } from '../../main/station/station-events.js';
import { KeyRepository } from '../../main/store/key-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { makeBatch } from '../support/station-fixture.js';
import { recordsConsistent } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-token-');
let hsm: SoftHsm | undefined;
let ws: Workspace;
let caKey: SigningKey;
let sim: RunningSimulator;

beforeAll(async () => {
  if (!softHsmAvailable()) return;
  hsm = createSoftHsm([{ label: 'station-ca' }]);
  const token = hsm.tokens[0]!;
  const binding = { modulePath: hsm.modulePath, tokenSerial: token.serial, pin: token.pin };
  ({ workspace: ws } = Workspace.init(join(tmp.path, 'ws'), 'custodian'));
  const rootKey = await newSoftwareKey(ws, 'root-key', 'ecdsa-p256');
  await createRootCa(ws, { name: 'root', subject: parseSubject('O=Acme,CN=Acme Device Root'), key: rootKey, validityDays: 3650, actor: 'custodian' });
  // The manufacturing CA's key is made on the token and never leaves it.
  const { spki, location } = await generatePkcs11Key({ label: 'mfg-hsm', algorithm: 'ecdsa-p256', binding });
  const record = new KeyRepository(ws).add({ label: 'mfg-hsm', store: 'pkcs11', algorithm: 'ecdsa-p256', spki, location: { ...location } }, 'custodian');
  await createIntermediateCa(ws, {
    name: 'mfg',
    parent: 'root',
    parentKey: rootKey,
    subject: parseSubject('O=Acme,CN=Acme Manufacturing CA'),
    key: record,
    validityDays: 1825,
    options: { pathLen: 0 },
    actor: 'custodian',
  });
  caKey = await openPkcs11Key(record, binding);
  makeBatch(ws, 'WO-TOKEN', 'HM-SIM1-0001..HM-SIM1-0008', 8);
  sim = await startSimulator({
    dir: tmp.path,
    count: 8,
    protocol: 'hallmark',
    baudRate: 0,
    seed: 9,
    timing: { keygenMinMs: 20, keygenMaxMs: 300, stallMs: 1000 },
  });
});

afterAll(async () => {
  await sim?.stop();
  caKey?.close();
  ws?.close();
  hsm?.dispose();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

describe('the CA token removed mid-run (PKCS#11 CA key on SoftHSM)', () => {
  it.skipIf(!softHsmAvailable())(
    'stops the station: the next signature fails CA_KEY_UNAVAILABLE, the rest end STATION_STOPPED, devices past their commit finish, nothing is recorded half',
    async () => {
      const tokenDir = join(dirname(hsm!.conf), 'tokens');
      const run = startStation({ workspace: ws, batchId: 'WO-TOKEN', ports: sim.devices.map((d) => d.path), caKey, actor: 'tech-token', stepTimeoutMs: 2000 });
      let pulled = false;
      run.on('event', (e: StationEvent) => {
        // The token goes away right after the first commit: SoftHSM's objects vanish with its token directory.
        if (!pulled && e.type === 'step' && e.step === 'issued') {
          pulled = true;
          rmSync(tokenDir, { recursive: true, force: true });
        }
      });
      const summary = await run.done;
      expect(pulled).toBe(true);
      const codes = summary.outcomes.map((o) => o.code ?? 'done');
      expect(codes).toContain('CA_KEY_UNAVAILABLE');
      expect(codes).toContain('done');
      expect(
        codes.every((c) => ['done', 'CA_KEY_UNAVAILABLE', 'STATION_STOPPED'].includes(c)),
        codes.join(),
      ).toBe(true);
      expect(summary.stopped).toMatch(/^CA_KEY_UNAVAILABLE: the CA key cannot sign: PKCS11_ERROR/);
      const failed = summary.outcomes.find((o) => o.code === 'CA_KEY_UNAVAILABLE')!;
      expect(failed).toMatchObject({ result: 'failed', fatal: true, remedy: expect.stringMatching(/token/) });

      // Nothing half: every device with a committed certificate completed, every refusal is recorded with its code.
      const half = ws.db.prepare("SELECT COUNT(*) AS n FROM devices WHERE batch_id = 'WO-TOKEN' AND certificate_id IS NOT NULL AND state <> 'done'").get() as {
        n: number;
      };
      expect(half.n).toBe(0);
      const done = codes.filter((c) => c === 'done').length;
      expect(recordsConsistent(ws, 'WO-TOKEN')).toEqual({ orphans: 0, doubleActive: 0, issuedEntries: done, certificates: done });
      const rows = ws.db.prepare("SELECT last_error_code FROM devices WHERE batch_id = 'WO-TOKEN' AND state = 'failed'").pluck().all() as string[];
      expect(rows.sort()).toEqual(codes.filter((c) => c !== 'done').sort());
      expect(ws.verifyAudit().ok).toBe(true);
      // The audit trail names why: the failed signature is an audit entry with its code.
      const entries = ws.audit.query({ sinceSeq: 0, action: 'device.failed' }).entries.map((e) => (e.details as { code?: string }).code);
      expect(entries).toContain('CA_KEY_UNAVAILABLE');
    },
  );
});
