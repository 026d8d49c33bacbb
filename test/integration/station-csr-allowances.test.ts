import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import type { RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { closeBatch } from '../../main/station/work-orders.js';
import { exportTo, manifestWorkspace } from '../support/manifest-fixture.js';
import { FakeDevice, makeBatch, STATION_POLICY } from '../support/station-fixture.js';
import { startTestSimulator } from '../support/test-simulator.js';
import { startStation } from '../../main/station/start-station.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';

const WITH_ALLOWANCES = STATION_POLICY.replace(
  'keyAlgorithms: [ecdsa-p256]',
  'keyAlgorithms: [ecdsa-p256]\ncsrAllowances: [ecdsa-null-parameters, csr-version-nonzero]',
);

describe('CSR allowances at the station: named in the policy, refused by name without, recorded with the device', () => {
  it('a policy without the allowance refuses an mbedTLS 2.x CSR with CSR_ALLOWANCE_REQUIRED naming it, and issues nothing', async () => {
    const tmp = tempDir('hallmark-allow-refuse-');
    try {
      const m = await manifestWorkspace(tmp.path);
      makeBatch(m.ws, 'WO-A1', 'HM-SIM1-0001..HM-SIM1-0002', 2);
      const ctx = prepareBatch(m.ws, 'WO-A1', m.caKey, 'line-1');
      const outcome = await provisionDevice(ctx, new FakeDevice('HM-SIM1-0001', { csrQuirk: 'mbedtls-2' }), '/dev/fake0');
      expect(outcome).toMatchObject({ result: 'refused', code: 'CSR_ALLOWANCE_REQUIRED' });
      expect(outcome.message).toContain('NULL parameters');
      expect(outcome.message).toContain('csrAllowances: [ecdsa-null-parameters]');
      expect(m.ws.db.prepare("SELECT count(*) FROM certificates WHERE profile = 'idevid'").pluck().get()).toBe(0);
      const refused = m.ws.audit.query({ action: 'device.refused' });
      expect(refused.entries.at(-1)?.details).toMatchObject({ code: 'CSR_ALLOWANCE_REQUIRED' });
      m.ws.close();
    } finally {
      tmp.dispose();
    }
  });

  it('a policy with the allowances issues, and the device events, audit entry and manifest entry name what each CSR needed', async () => {
    const tmp = tempDir('hallmark-allow-record-');
    try {
      const m = await manifestWorkspace(tmp.path);
      makeBatch(m.ws, 'WO-A2', 'HM-SIM1-0001..HM-SIM1-0003', 3, WITH_ALLOWANCES);
      const ctx = prepareBatch(m.ws, 'WO-A2', m.caKey, 'line-1');
      expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0001', { csrQuirk: 'mbedtls-2' }), '/dev/fake0')).toMatchObject({ result: 'done' });
      expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0002', { csrQuirk: 'wolfssl' }), '/dev/fake1')).toMatchObject({ result: 'done' });
      expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0003'), '/dev/fake2')).toMatchObject({ result: 'done' });

      // The device's events: the rows, and their audit entries (device.csr-accepted, device.issued).
      const events = new StationDeviceRepository(m.ws).events('WO-A2').filter((e) => e.step === 'csr-accepted' || e.step === 'issued');
      const bySerial = (s: string) => events.filter((e) => e.hardwareSerial === s).map((e) => e.csrAllowances);
      expect(bySerial('HM-SIM1-0001')).toEqual([['ecdsa-null-parameters'], ['ecdsa-null-parameters']]);
      expect(bySerial('HM-SIM1-0002')).toEqual([['csr-version-nonzero'], ['csr-version-nonzero']]);
      expect(bySerial('HM-SIM1-0003')).toEqual([null, null]);
      const accepted = m.ws.audit.query({ action: 'device.csr-accepted' }).entries.map((e) => (e.details as { csrAllowances?: string[] }).csrAllowances);
      expect(accepted).toEqual([['ecdsa-null-parameters'], ['csr-version-nonzero'], undefined]);

      const audit = m.ws.audit.query({ action: 'certificate.issued' }).entries.filter((e) => (e.details as { profile?: string }).profile === 'idevid');
      expect(audit.map((e) => (e.details as { csrAllowances?: string[] }).csrAllowances)).toEqual([
        ['ecdsa-null-parameters'],
        ['csr-version-nonzero'],
        undefined,
      ]);
      expect(audit.every((e) => /^[0-9a-f]{64}$/.test((e.details as { csrSha256: string }).csrSha256))).toBe(true);

      closeBatch(m.ws, 'WO-A2', 'planner');
      const dir = join(tmp.path, 'usb', 'WO-A2');
      await exportTo(m, 'WO-A2', dir);
      const doc = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
        devices: { hardwareSerial: string; certificate: { request: { allowances: string[] } } }[];
      };
      expect(doc.devices.map((d) => [d.hardwareSerial, d.certificate.request.allowances])).toEqual([
        ['HM-SIM1-0001', ['ecdsa-null-parameters']],
        ['HM-SIM1-0002', ['csr-version-nonzero']],
        ['HM-SIM1-0003', []],
      ]);
      const report = verifyManifestFolder(dir, { anchors: readTrustAnchors(readFileSync(m.rootPem)) });
      expect(report.ok).toBe(true);
      const digests = report.checks.find((c) => c.name === 'devices.digests')!;
      expect(digests.details).toEqual([
        '1 certificate(s) issued for CSRs accepted under the allowance csr-version-nonzero: HM-SIM1-0002',
        '1 certificate(s) issued for CSRs accepted under the allowance ecdsa-null-parameters: HM-SIM1-0001',
      ]);
      m.ws.close();
    } finally {
      tmp.dispose();
    }
  });

  it('simulated mbedTLS 2.x devices over PTYs (hallmark sim --csr-quirk mbedtls-2) provision under the allowance', async () => {
    const tmp = tempDir('hallmark-allow-pty-');
    const started: RunningSimulator[] = [];
    const sim = await startTestSimulator(started, { dir: tmp.path, count: 2, protocol: 'hallmark', csrQuirk: 'mbedtls-2' });
    try {
      const { ws, caKey } = await stationWorkspace(join(tmp.path, 'ws'));
      makeBatch(ws, 'WO-A3', 'HM-SIM1-0001..HM-SIM1-0002', 2, WITH_ALLOWANCES);
      const run = startStation({ workspace: ws, batchId: 'WO-A3', ports: sim.devices.map((d) => d.path), caKey, actor: 'line-1', stepTimeoutMs: 3000 });
      const summary = await run.done;
      expect(summary.outcomes.map((o) => o.result)).toEqual(['done', 'done']);
      const allowances = ws.db.prepare("SELECT csr_allowances FROM device_certificates WHERE batch_id = 'WO-A3'").pluck().all();
      expect(allowances).toEqual(['["ecdsa-null-parameters"]', '["ecdsa-null-parameters"]']);
      ws.close();
    } finally {
      await sim.stop();
      tmp.dispose();
    }
  });
});
