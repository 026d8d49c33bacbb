import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareBatch, type BatchContext } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { reworkDevice } from '../../main/station/rework.js';
import { batchSummary, closeBatch } from '../../main/station/work-orders.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import { parseCertificate } from '../../main/x509/certificate-facts.js';
import { describeCertificate } from '../../main/x509/describe-certificate.js';
import { FakeDevice, makeBatch, STATION_POLICY, stationWorkspace } from '../support/station-fixture.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-');
let ws: Workspace;
let caKey: SyncSigningKey;
let caChain: Buffer[];

beforeAll(async () => {
  ({ ws, caKey, caChain } = await stationWorkspace(`${tmp.path}/ws`));
});

afterAll(() => {
  ws?.close();
  tmp.dispose();
});

function context(batchId: string, actor = 'line-1'): BatchContext {
  return prepareBatch(ws, batchId, caKey, actor);
}

describe('provisioning one device (DeviceDriver contract, in-memory device)', () => {
  it('identifies, checks, issues, commits before writing, writes the chain, locks, and records every step', async () => {
    makeBatch(ws, 'WO-A', 'HM-SIM1-0001..HM-SIM1-0004', 4);
    const ctx = context('WO-A');
    const device = new FakeDevice('HM-SIM1-0001');
    const certsBefore = ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number };
    let committedBeforeWrite = false;
    const write = device.writeChain.bind(device);
    device.writeChain = async (chain) => {
      // The certificate being written is already in the database, with its audit entry.
      const row = ws.db.prepare('SELECT c.id FROM certificates c WHERE c.der = ?').get(chain.deviceCertificate);
      const audit = ws.db.prepare("SELECT 1 FROM audit_log WHERE action = 'device.issued' AND subject = 'WO-A/HM-SIM1-0001'").get();
      committedBeforeWrite = row !== undefined && audit !== undefined;
      return write(chain);
    };
    const outcome = await provisionDevice(ctx, device, '/dev/fake0');
    expect(outcome).toMatchObject({ result: 'done', serial: 'HM-SIM1-0001', resent: false, code: null });
    expect(committedBeforeWrite).toBe(true);
    expect(device.locked).toBe(true);
    expect(device.stored!.caCertificates).toEqual(caChain);

    const cert = describeCertificate(parseCertificate(device.stored!.deviceCertificate));
    expect(cert.subject).toBe('O=Acme Devices GmbH, CN=SIM1-HM-SIM1-0001, serialNumber=HM-SIM1-0001');
    expect(cert.notAfter).toMatch(/^9999-12-31T23:59:59/);
    expect(cert.subjectAltName?.hardwareModuleNames).toEqual([expect.objectContaining({ hwType: '1.3.6.1.4.1.55555.1.1', hwSerialNumText: 'HM-SIM1-0001' })]);
    expect(cert.masaUrl).toBe('masa.acme.example');
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n).toBe(certsBefore.n + 1);

    const events = new StationDeviceRepository(ws).events('WO-A', 'HM-SIM1-0001').map((e) => `${e.step}:${e.toState ?? ''}`);
    expect(events).toEqual([
      'identified:',
      'checked:checked',
      'nonce:checked',
      'csr-accepted:csr-accepted',
      'issued:issued',
      'chain-written:chain-written',
      'done:done',
    ]);
    const actions = ws.audit
      .query({ sinceSeq: 0 })
      .entries.filter((e) => e.subject === 'WO-A/HM-SIM1-0001')
      .map((e) => e.action);
    expect(actions).toEqual([
      'device.identified',
      'device.checked',
      'device.nonce',
      'device.csr-accepted',
      'device.issued',
      'device.chain-written',
      'device.done',
    ]);
    expect(ws.verifyAudit().ok).toBe(true);
  });

  it('refuses a device outside the plan, an already provisioned one, and a wrong model, with coded reasons', async () => {
    const ctx = context('WO-A');
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0099'), 'p')).toMatchObject({
      result: 'refused',
      code: 'NOT_IN_PLAN',
      remedy: expect.stringMatching(/not in this work order/),
    });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0001'), 'p')).toMatchObject({ result: 'refused', code: 'ALREADY_PROVISIONED' });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0002', { model: 'SIM2' }), 'p')).toMatchObject({ result: 'refused', code: 'MODEL_MISMATCH' });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-02'), 'p')).toMatchObject({ result: 'refused', code: 'SERIAL_FORMAT' });
    // The confirmed device is still confirmed after being refused again.
    expect(new StationDeviceRepository(ws).byModelSerial('SIM1', 'HM-SIM1-0001')!.state).toBe('done');
  });

  it('refuses a stale nonce, a bad CSR signature and a disallowed key type, issuing nothing', async () => {
    const ctx = context('WO-A');
    const before = (ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n;
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0002', { staleNonce: true }), 'p')).toMatchObject({ result: 'failed', code: 'NONCE_MISMATCH' });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0002', { badSignature: true }), 'p')).toMatchObject({ result: 'failed', code: 'CSR_INVALID' });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0002', { curve: 'secp384r1' }), 'p')).toMatchObject({
      result: 'refused',
      code: 'KEY_ALGORITHM_NOT_ALLOWED',
    });
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n).toBe(before);
    const row = new StationDeviceRepository(ws).byModelSerial('SIM1', 'HM-SIM1-0002')!;
    expect(row).toMatchObject({ state: 'failed', lastErrorCode: 'KEY_ALGORITHM_NOT_ALLOWED', attempts: 3, certificateId: null });
  });

  it('re-sends the same certificate when a device drops after the commit and comes back with the same key', async () => {
    const ctx = context('WO-A');
    const device = new FakeDevice('HM-SIM1-0003', { dropOnFirstWrite: true });
    const first = await provisionDevice(ctx, device, 'p');
    expect(first).toMatchObject({ result: 'failed', code: 'LINK_CLOSED', transient: false });
    const row = new StationDeviceRepository(ws).byModelSerial('SIM1', 'HM-SIM1-0003')!;
    expect(row).toMatchObject({ state: 'failed', lastErrorCode: 'LINK_CLOSED' });
    expect(row.certificateId).not.toBeNull();
    const committed = new CertificateRepository(ws).byId(row.certificateId!);

    const second = await provisionDevice(ctx, device, 'p');
    expect(second).toMatchObject({ result: 'done', resent: true, certificateSerial: committed.serial });
    expect(device.stored!.deviceCertificate.equals(committed.der)).toBe(true);
    const forSerial = ws.db
      .prepare("SELECT COUNT(*) AS n FROM device_certificates dc JOIN devices d ON d.id = dc.device_id WHERE d.hardware_serial = 'HM-SIM1-0003'")
      .get() as { n: number };
    expect(forSerial.n).toBe(1);
    expect(new StationDeviceRepository(ws).events('WO-A', 'HM-SIM1-0003').map((e) => e.step)).toContain('certificate-resent');
  });

  it('fails a read-back mismatch after the commit and keeps the certificate for the retry', async () => {
    const ctx = context('WO-A');
    const device = new FakeDevice('HM-SIM1-0004', { corruptChain: true });
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'failed', code: 'DEVICE_READBACK_MISMATCH', remedy: expect.any(String) });
    const row = new StationDeviceRepository(ws).byModelSerial('SIM1', 'HM-SIM1-0004')!;
    expect(row.state).toBe('failed');
    expect(row.certificateId).not.toBeNull();
  });

  it('refuses a new key for a device that has a certificate until an operator approves a rework; then issues exactly one', async () => {
    const ctx = context('WO-A');
    const device = new FakeDevice('HM-SIM1-0004');
    const repo = new StationDeviceRepository(ws);
    const oldId = repo.byModelSerial('SIM1', 'HM-SIM1-0004')!.certificateId!;
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'refused', code: 'REWORK_REQUIRED' });
    expect(repo.byModelSerial('SIM1', 'HM-SIM1-0004')!.certificateId).toBe(oldId);

    expect(() => reworkDevice(ws, { batchId: 'WO-A', serial: 'HM-SIM1-0004', reason: 'SECURE_ELEMENT_REPLACED', actor: 'line-1' })).toThrow(
      /may not approve reworks/,
    );
    expect(() => reworkDevice(ws, { batchId: 'WO-A', serial: 'HM-SIM1-0004', reason: 'BROKEN', actor: 'qa-lead' })).toThrow(/not one of/);
    const rework = reworkDevice(ws, {
      batchId: 'WO-A',
      serial: 'HM-SIM1-0004',
      reason: 'SECURE_ELEMENT_REPLACED',
      actor: 'qa-lead',
      note: 'SE lot 7 replaced',
    });
    expect(rework).toMatchObject({ revocationReason: 'superseded', oldCertificateId: oldId, newCertificateId: null, operator: 'qa-lead' });
    expect(new CertificateRepository(ws).byId(oldId)).toMatchObject({ status: 'revoked', revocationReason: 'superseded' });
    expect(() => reworkDevice(ws, { batchId: 'WO-A', serial: 'HM-SIM1-0004', reason: 'FAILED_TEST', actor: 'qa-lead' })).toThrow(
      /already has an approved rework/,
    );

    const done = await provisionDevice(ctx, device, 'p');
    expect(done).toMatchObject({ result: 'done', resent: false });
    const after = repo.byModelSerial('SIM1', 'HM-SIM1-0004')!;
    expect(after.certificateId).not.toBe(oldId);
    expect(repo.reworksOf('WO-A')[0]!.newCertificateId).toBe(after.certificateId);
    // One more new key: a second rework would be needed, never a silent third certificate.
    device.rekey();
    device.locked = false;
    repo.update(after.id, { state: 'failed', at: new Date().toISOString() }); // as if QA sent it back before locking was confirmed
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'refused', code: 'REWORK_REQUIRED' });
  });

  it('stops with STORE_WRITE_FAILED when the commit cannot be written, and writes nothing to the device', async () => {
    makeBatch(ws, 'WO-F', 'HM-SIM1-0401..HM-SIM1-0401', 1);
    const ctx = context('WO-F');
    const before = (ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n;
    // As a full disk would: the certificate insert fails inside the commit transaction.
    ws.db.exec("CREATE TEMP TRIGGER disk_full BEFORE INSERT ON main.certificates BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END");
    const device = new FakeDevice('HM-SIM1-0401');
    try {
      expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'failed', code: 'STORE_WRITE_FAILED', fatal: true });
    } finally {
      ws.db.exec('DROP TRIGGER temp.disk_full');
    }
    expect(device.writes).toBe(0);
    expect((ws.db.prepare('SELECT COUNT(*) AS n FROM certificates').get() as { n: number }).n).toBe(before);
    expect(ws.verifyAudit().ok).toBe(true);
    // The same device, once the disk has room again, completes.
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'done', resent: false });
  });

  it('makes two active certificates for one device structurally impossible', () => {
    const repo = new StationDeviceRepository(ws);
    const d = repo.byModelSerial('SIM1', 'HM-SIM1-0001')!;
    const other = repo.byModelSerial('SIM1', 'HM-SIM1-0003')!;
    expect(() => ws.db.prepare('UPDATE devices SET certificate_id = NULL WHERE id = ?').run(d.id)).toThrow(/DEVICE_CERTIFICATE_ACTIVE/);
    expect(() => ws.db.prepare('UPDATE devices SET certificate_id = ? WHERE id = ?').run(other.certificateId, d.id)).toThrow();
    expect(() =>
      ws.db
        .prepare('INSERT INTO device_certificates (certificate_id, device_id, batch_id, spki_sha256, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(other.certificateId, d.id, 'WO-A', 'x', 'now'),
    ).toThrow();
    expect(() => ws.db.prepare("UPDATE batches SET quantity = 99 WHERE id = 'WO-A'").run()).toThrow(/BATCH_IMMUTABLE/);
    expect(() => ws.db.prepare('DELETE FROM seen_keys').run()).toThrow(/SEEN_KEYS_APPEND_ONLY/);
  });

  it('refuses a key seen on another device, in another work order, naming where', async () => {
    makeBatch(ws, 'WO-B', 'HM-SIM1-0101..HM-SIM1-0102', 2);
    const clone = new FakeDevice('HM-SIM1-0101');
    clone.key = new FakeDevice('x').key;
    const original = new FakeDevice('HM-SIM1-0002');
    original.key = clone.key;
    expect(await provisionDevice(context('WO-A'), original, 'p')).toMatchObject({ result: 'done' });
    const dup = await provisionDevice(context('WO-B'), clone, 'p');
    expect(dup).toMatchObject({ result: 'refused', code: 'DUPLICATE_KEY' });
    expect(dup.message).toMatch(/HM-SIM1-0002 in work order WO-A/);
  });

  it('enforces the quota and the CN lint, and freezes counters at close', async () => {
    makeBatch(ws, 'WO-C', 'HM-SIM1-0201..HM-SIM1-0203', 1);
    const ctx = context('WO-C');
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0201'), 'p')).toMatchObject({ result: 'done' });
    expect(await provisionDevice(ctx, new FakeDevice('HM-SIM1-0202'), 'p')).toMatchObject({ result: 'refused', code: 'QUOTA_REACHED' });

    // A second product whose CN template collides with WO-A's certificates.
    const clash = STATION_POLICY.replace("serialPattern: 'HM-SIM1-[0-9]{4}'", "serialPattern: 'HM-SIM1-[0-9]{4}|X-[0-9]'").replace(
      "CN: '{model}-{serial}'",
      "CN: 'SIM1-HM-SIM1-0001'",
    );
    makeBatch(ws, 'WO-D', 'X-1\n', 1, clash);
    expect(await provisionDevice(context('WO-D'), new FakeDevice('X-1'), 'p')).toMatchObject({ result: 'refused', code: 'LINT_CN_NOT_UNIQUE' });
    // A certificate recorded before the indexed CN column existed is still found.
    expect(ws.db.prepare("UPDATE certificates SET common_name = NULL WHERE common_name = 'SIM1-HM-SIM1-0001'").run().changes).toBe(1);
    expect(await provisionDevice(context('WO-D'), new FakeDevice('X-1'), 'p')).toMatchObject({ result: 'refused', code: 'LINT_CN_NOT_UNIQUE' });

    const closed = closeBatch(ws, 'WO-C', 'supervisor');
    expect(closed.finalCounts).toMatchObject({ planned: 3, quantity: 1, issued: 1, confirmed: 1, failed: 0, refused: 1 });
    expect(() => closeBatch(ws, 'WO-C', 'supervisor')).toThrow(/already closed/);
    expect(() => context('WO-C')).toThrow(/closed/);
    expect(batchSummary(ws, 'WO-C').counts).toEqual(closed.finalCounts);
    expect(ws.verifyAudit().ok).toBe(true);
  });

  it('finishes a locked device whose chain this station had read back before an interruption, and refuses other locked ones', async () => {
    const ctx = context('WO-B');
    const device = new FakeDevice('HM-SIM1-0102');
    let lockCalls = 0;
    device.lock = async () => {
      lockCalls++;
      device.locked = true;
      throw new Error('station killed between the device locking and the record');
    };
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'failed', code: 'INTERNAL' });
    expect(lockCalls).toBe(1);
    expect(await provisionDevice(ctx, device, 'p')).toMatchObject({ result: 'done', resent: true });
    makeBatch(ws, 'WO-E', 'HM-SIM1-0301..HM-SIM1-0301', 1);
    expect(await provisionDevice(context('WO-E'), new FakeDevice('HM-SIM1-0301', { locked: true }), 'p')).toMatchObject({
      result: 'refused',
      code: 'DEVICE_LOCKED',
    });
  });
});
