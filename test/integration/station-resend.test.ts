import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeviceDriver } from '../../main/devices/line-link.js';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { driverFor } from '../../main/station/open-device.js';
import { startStation, type StationOptions } from '../../main/station/start-station.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { StationDeviceRepository } from '../../main/store/station-device-repository.js';
import type { Workspace } from '../../main/store/workspace.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import type { DeviceIdentity } from '../../main/devices/line-link.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { reworkDevice } from '../../main/station/rework.js';
import { FakeDevice, makeBatch, STATION_POLICY, stationWorkspace } from '../support/station-fixture.js';
import { chainDigest, deviceReadback, PluggableDevice } from '../support/station-simulation.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-station-resend-');
let ws: Workspace;
let caKey: SyncSigningKey;
let caChain: Buffer[];
const devices: PluggableDevice[] = [];

beforeAll(async () => {
  ({ ws, caKey, caChain } = await stationWorkspace(`${tmp.path}/ws`));
  makeBatch(ws, 'WO-RS', 'HM-SIM1-0001..HM-SIM1-0004', 4);
});

afterAll(async () => {
  await Promise.all(devices.map((d) => d.stop()));
  ws?.close();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function runOnce(ports: string[], extra: Partial<StationOptions> = {}) {
  const run = startStation({ workspace: ws, batchId: 'WO-RS', ports, caKey, actor: 'tech-rs', stepTimeoutMs: 2000, ...extra });
  return run.done;
}

/** A station whose driver drops the keepExistingKey request: what every station did before (always HM+KEYGEN). */
const alwaysKeygen: StationOptions['openDevice'] = async (port, policy) => {
  const link = await openSerialLineLink(port, { baudRate: 115200 });
  const inner = driverFor(link, policy, 2000);
  const driver: DeviceDriver = {
    protocol: inner.protocol,
    identify: () => inner.identify(),
    requestCsr: ({ subject, nonce }) => inner.requestCsr({ subject, nonce }),
    writeChain: (c) => inner.writeChain(c),
    lock: () => inner.lock(),
  };
  return { driver, close: () => link.close() };
};

describe('idempotent re-send to a real-behaving device (a new key at every HM+KEYGEN) over PTYs', () => {
  it('a device that dropped mid-chain after the commit gets the same certificate again, without a new key', async () => {
    const dev = await PluggableDevice.create({ dir: tmp.path, name: 'a', serial: 'HM-SIM1-0001', faults: ['drop-mid-chain'] });
    devices.push(dev);
    const first = await runOnce([dev.path]);
    expect(first.outcomes[0]).toMatchObject({ result: 'failed', code: 'LINK_CLOSED', serial: 'HM-SIM1-0001' });
    expect(dev.gone).toBe(true);

    const repo = new StationDeviceRepository(ws);
    const row = repo.byModelSerial('SIM1', 'HM-SIM1-0001')!;
    expect(row).toMatchObject({ state: 'failed', lastErrorCode: 'LINK_CLOSED' });
    const committed = new CertificateRepository(ws).byId(row.certificateId!);
    const keyBefore = dev.personality.spkiSha256;
    expect(committed.spkiSha256).toBe(keyBefore);

    // The technician re-seats it (the fault was the cable); the secure element kept its key.
    dev.faults.delete('drop-mid-chain');
    await dev.plug();
    const second = await runOnce([dev.path]);
    expect(second.outcomes[0]).toMatchObject({ result: 'done', resent: true, certificateSerial: committed.serial });
    expect(dev.personality.spkiSha256).toBe(keyBefore); // no HM+KEYGEN was sent

    // Same row, same certificate bytes, and that is what the device read back.
    const after = repo.byModelSerial('SIM1', 'HM-SIM1-0001')!;
    expect(after).toMatchObject({ id: row.id, state: 'done', certificateId: row.certificateId });
    expect(await deviceReadback(dev.path)).toBe(chainDigest(committed.der, caChain));
    const n = ws.db.prepare('SELECT COUNT(*) AS n FROM device_certificates WHERE device_id = ?').get(row.id) as { n: number };
    expect(n.n).toBe(1);
    expect(repo.events('WO-RS', 'HM-SIM1-0001').map((e) => e.step)).toContain('certificate-resent');
    expect(ws.verifyAudit().ok).toBe(true);
  });

  it('a station that always sends HM+KEYGEN makes the same device come back with a new key: REWORK_REQUIRED, nothing issued twice (the case the option fixes)', async () => {
    const dev = await PluggableDevice.create({ dir: tmp.path, name: 'b', serial: 'HM-SIM1-0002', faults: ['drop-mid-chain'] });
    devices.push(dev);
    expect((await runOnce([dev.path])).outcomes[0]).toMatchObject({ code: 'LINK_CLOSED' });
    const keyBefore = dev.personality.spkiSha256;
    dev.faults.delete('drop-mid-chain');
    await dev.plug();
    const second = await runOnce([dev.path], { openDevice: alwaysKeygen });
    expect(second.outcomes[0]).toMatchObject({ result: 'refused', code: 'REWORK_REQUIRED' });
    expect(dev.personality.spkiSha256).not.toBe(keyBefore);
    const n = ws.db
      .prepare("SELECT COUNT(*) AS n FROM device_certificates dc JOIN devices d ON d.id = dc.device_id WHERE d.hardware_serial = 'HM-SIM1-0002'")
      .get() as { n: number };
    expect(n.n).toBe(1);
  });

  it('a device that lost its key (blank after a repair) is asked for a new one even when the station would keep it, and needs a rework', async () => {
    const dev = await PluggableDevice.create({ dir: tmp.path, name: 'c', serial: 'HM-SIM1-0003', faults: ['drop-mid-chain'] });
    devices.push(dev);
    expect((await runOnce([dev.path])).outcomes[0]).toMatchObject({ code: 'LINK_CLOSED' });
    // Another board with the same label: blank, a different secure element.
    const replaced = await PluggableDevice.create({ dir: tmp.path, name: 'c2', serial: 'HM-SIM1-0003' });
    devices.push(replaced);
    expect((await runOnce([replaced.path])).outcomes[0]).toMatchObject({ result: 'refused', code: 'REWORK_REQUIRED' });
  });

  it('an nRF91 (its %KEYGEN always makes a new key) that dropped after the commit is refused REWORK_REQUIRED saying why; a PROVISIONING_INTERRUPTED rework then issues exactly one more', async () => {
    const policy = STATION_POLICY.replace('model: SIM1', 'model: nRF9160-SICA')
      .replace('protocol: hallmark', 'protocol: nrf91')
      .replace("serialPattern: 'HM-SIM1-[0-9]{4}'", "serialPattern: '[0-9]{15}'");
    makeBatch(ws, 'WO-NRF-RS', '352656100000014\n', 1, policy);
    const ctx = prepareBatch(ws, 'WO-NRF-RS', caKey, 'tech-rs');
    // An in-memory modem: every CSR request makes a new key, whatever the station asks.
    const modem = new (class extends FakeDevice {
      override async identify(): Promise<DeviceIdentity> {
        return { protocol: 'nrf91', model: 'nRF9160-SICA', hardwareSerial: this.serial, firmware: 'mfw_nrf9160_1.3.5' };
      }
      override requestCsr(args: { subject: string; nonce: Buffer; keepExistingKey?: boolean }) {
        this.rekey();
        return super.requestCsr(args);
      }
    })('352656100000014', { dropOnFirstWrite: true });
    Object.defineProperty(modem, 'protocol', { value: 'nrf91' });
    expect(await provisionDevice(ctx, modem, 'p')).toMatchObject({ result: 'failed', code: 'LINK_CLOSED' });
    const again = await provisionDevice(ctx, modem, 'p');
    expect(again).toMatchObject({ result: 'refused', code: 'REWORK_REQUIRED' });
    expect(again.message).toMatch(/nRF91 modems make a new key at every %KEYGEN.*PROVISIONING_INTERRUPTED/);
    reworkDevice(ws, { batchId: 'WO-NRF-RS', serial: '352656100000014', reason: 'PROVISIONING_INTERRUPTED', actor: 'qa-lead' });
    expect(await provisionDevice(ctx, modem, 'p')).toMatchObject({ result: 'done', resent: false });
    const certs = ws.db
      .prepare("SELECT c.status FROM device_certificates dc JOIN certificates c ON c.id = dc.certificate_id WHERE dc.batch_id = 'WO-NRF-RS' ORDER BY c.id")
      .pluck()
      .all();
    expect(certs).toEqual(['revoked', 'active']);
  });
});
