import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DeviceError } from '../../main/devices/device-errors.js';
import type { HallmarkPersonality } from '../../main/devices/hallmark/hallmark-personality.js';
import type { MatterFactoryRecord } from '../../main/devices/hallmark/matter-factory-record.js';
import type { DeviceDriver } from '../../main/devices/line-link.js';
import { openSerialLineLink } from '../../main/devices/serial/serial-line-link.js';
import type { RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { parseCertificationDeclaration } from '../../main/matter/certification-declaration.js';
import { generateFactoryData } from '../../main/matter/factory-data.js';
import { manualPairingCode, qrCodeText } from '../../main/matter/onboarding-payload.js';
import { spake2pVerifier } from '../../main/matter/spake2p-verifier.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { driverFor, type DeviceOpener } from '../../main/station/open-device.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { startStation } from '../../main/station/start-station.js';
import { MatterFactoryRepository } from '../../main/store/matter-factory-repository.js';
import { verifyAttestationChain } from '../../main/x509/matter/verify-attestation-chain.js';
import { makeCertificationDeclaration } from '../support/matter-cd.js';
import { makeMatterBatch, matterWorkspace, MATTER_POLICY, type MatterWorkspace } from '../support/matter-station.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { tempDir } from '../support/temp-dir.js';
import { requiredTool } from '../support/required-tool.js';
import { startTestSimulator } from '../support/test-simulator.js';
import { parseFaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { mkdirSync } from 'node:fs';

/*
 * Matter factory data at the station, over real PTYs with the TS simulator's Matter mode:
 * the passcode reaches the device and the label sheet, and nothing else keeps it.
 */

const tmp = tempDir('hallmark-matter-fd-');
const sims: RunningSimulator[] = [];
let m: MatterWorkspace;
const labels = join(tmp.path, 'labels');

beforeAll(async () => {
  m = await matterWorkspace(tmp.path);
  mkdirSync(labels);
});
afterAll(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  m?.ws.close();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
  tmp.dispose();
});

const personality = (sim: RunningSimulator, i: number) => sim.handles[i]!.personality as HallmarkPersonality;
const labelFiles = () => readdirSync(labels).sort();
const rows = (serial: string) =>
  m.ws.db.prepare('SELECT f.* FROM matter_factory_data f JOIN devices d ON d.id = f.device_id WHERE d.hardware_serial = ? ORDER BY f.id').all(serial) as {
    id: number;
    state: string;
    label_path: string;
    salt: Buffer;
    verifier: Buffer;
    iterations: number;
    discriminator: number;
    verifier_sha256: string;
  }[];

/** Every text and blob value of every table, and the workspace's log files, must not hold the passcode in any usual form. */
function assertNowhereInWorkspace(passcode: number) {
  const forms = [String(passcode), String(passcode).padStart(8, '0')];
  const le = Buffer.alloc(4);
  le.writeUInt32LE(passcode);
  const be = Buffer.alloc(4);
  be.writeUInt32BE(passcode);
  const tables = (m.ws.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
  expect(tables).toEqual(expect.arrayContaining(['matter_factory_data', 'audit_log', 'device_events']));
  for (const t of tables) {
    for (const row of m.ws.db.prepare(`SELECT * FROM "${t}"`).all() as Record<string, unknown>[]) {
      for (const [col, v] of Object.entries(row)) {
        if (typeof v === 'string') for (const f of forms) expect(v.includes(f), `${t}.${col} holds the passcode`).toBe(false);
        if (typeof v === 'number') expect(v, `${t}.${col}`).not.toBe(passcode);
        if (Buffer.isBuffer(v)) {
          for (const f of forms) expect(v.includes(Buffer.from(f)), `${t}.${col} holds the passcode`).toBe(false);
          expect(v.includes(le) || v.includes(be), `${t}.${col} holds the passcode's bytes`).toBe(false);
        }
      }
    }
  }
  for (const f of readdirSync(m.ws.home)) {
    if (!/\.log/.test(f)) continue;
    const text = readFileSync(join(m.ws.home, f), 'utf8');
    for (const form of forms) expect(text.includes(form), `${f} holds the passcode`).toBe(false);
  }
}

/** The QR code on a label sheet as zbarimg (zbar-tools, reading the SVG through ImageMagick) decodes it; null when zbarimg is not here outside CI. */
const ZBARIMG = '/usr/bin/zbarimg';
function decodeLabelQr(label: string, name: string): string | null {
  if (!requiredTool(existsSync(ZBARIMG), 'zbarimg', 'zbar-tools libmagickcore-6.q16-6-extra')) return null;
  const svg = /<svg[\s\S]*?<\/svg>/.exec(label)![0];
  const file = join(tmp.path, `${name}.svg`);
  writeFileSync(file, svg);
  return execFileSync(ZBARIMG, ['-q', '--raw', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
}

/** The device's record agrees with the station's row and the label: the passcode on the device is the label's, and the row's verifier is its. */
function assertAgree(record: MatterFactoryRecord, row: ReturnType<typeof rows>[number], label: string) {
  expect(spake2pVerifier(record.passcode, row.salt, row.iterations).verifier.equals(row.verifier)).toBe(true);
  expect(record.discriminator).toBe(row.discriminator);
  expect(record.verifier.equals(row.verifier)).toBe(true);
  const qrText = qrCodeText({ vendorId: 'FFF1', productId: '8000', discriminator: record.discriminator, passcode: record.passcode });
  expect(label).toContain(qrText);
  const decoded = decodeLabelQr(label, `label-${row.id}`);
  if (decoded !== null) expect(decoded).toBe(qrText);
  expect(label).toContain(manualPairingCode({ discriminator: record.discriminator, passcode: record.passcode }));
  expect(label).toMatch(/<svg[^>]*aria-label="Matter QR code"/);
  expect(label).not.toMatch(/<script/i);
}

describe('Matter factory data at the station', () => {
  it('issues DACs and writes factory data to simulated Matter devices over PTYs (a cloned key refused); the passcode is on the device and the label only', async () => {
    makeMatterBatch(m, 'WO-FD', 'HM-SIM1-0001..HM-SIM1-0003', 3);
    // device 3 holds device 1's key: whichever of the two comes second is refused DUPLICATE_KEY, before any DAC or factory data
    const sim = await startTestSimulator(sims, { dir: tmp.path, count: 3, protocol: 'hallmark', matter: true, faults: [parseFaultSpec('duplicate-key@3')] });
    const summary = await startStation({
      workspace: m.ws,
      batchId: 'WO-FD',
      ports: sim.devices.map((d) => d.path),
      caKey: m.paiKey,
      actor: 'tech-m',
      matterLabelDir: labels,
      stepTimeoutMs: 5000,
    }).done;
    const refused = summary.outcomes.filter((o) => o.result !== 'done');
    expect(refused).toEqual([expect.objectContaining({ result: 'refused', code: 'DUPLICATE_KEY' })]);
    expect(['HM-SIM1-0001', 'HM-SIM1-0003']).toContain(refused[0]!.serial);
    expect(rows(refused[0]!.serial!)).toEqual([]);
    expect(labelFiles()).toHaveLength(2);
    const done = summary.outcomes
      .filter((o) => o.result === 'done')
      .map((o) => o.serial!)
      .sort();
    expect(done).toHaveLength(2);
    for (const serial of done) {
      const i = sim.devices.findIndex((d) => d.serial === serial);
      const record = personality(sim, i).matterRecord!;
      const [row] = rows(serial);
      expect(row!.state).toBe('written');
      expect(row!.salt.length).toBe(32);
      expect(row!.verifier.length).toBe(97);
      expect(row!.iterations).toBe(1000);
      expect(record.certificationDeclaration.equals(m.cd)).toBe(true);
      assertAgree(record, row!, readFileSync(row!.label_path, 'utf8'));
      expect(row!.label_path.startsWith(labels)).toBe(true);
      assertNowhereInWorkspace(record.passcode);
    }
    // the DAC each device holds chains to the PAA under the Matter rules
    const dacs = m.ws.db
      .prepare("SELECT c.der FROM certificates c JOIN device_certificates dc ON dc.certificate_id = c.id WHERE dc.batch_id = 'WO-FD'")
      .all() as { der: Buffer }[];
    expect(dacs).toHaveLength(2);
    for (const { der } of dacs) expect(verifyAttestationChain({ paa: m.paa, pai: m.pai, dac: der })).toMatchObject({ valid: true });
    const audit = m.ws.db.prepare("SELECT action FROM audit_log WHERE action LIKE 'matter.%'").all() as { action: string }[];
    expect(audit.map((a) => a.action).sort()).toEqual([
      'matter.factory-data-committed',
      'matter.factory-data-committed',
      'matter.factory-data-written',
      'matter.factory-data-written',
    ]);
  });

  it('after an attempt dies between the commit and the device write, the record is abandoned and the device gets fresh factory data; if the device did get it, it is kept', async () => {
    makeMatterBatch(m, 'WO-FD2', 'HM-SIM1-0011..HM-SIM1-0012', 2);
    const sim = await startTestSimulator(sims, { dir: tmp.path, count: 2, protocol: 'hallmark', matter: true, serialStart: 11 });
    // "dies": the first writeMatterFactoryData never reaches the device (lost); on the second device it does, and the attempt dies after
    const mode: Record<string, 'lost' | 'after'> = { [sim.devices[0]!.path]: 'lost', [sim.devices[1]!.path]: 'after' };
    const opener: DeviceOpener = async (port, policy) => {
      const link = await openSerialLineLink(port, { baudRate: 115200 });
      const d = driverFor(link, policy, 5000);
      const driver: DeviceDriver = {
        protocol: d.protocol,
        identify: () => d.identify(),
        requestCsr: (a) => d.requestCsr(a),
        writeChain: (c) => d.writeChain(c),
        lock: () => d.lock(),
        readMatterFactoryData: () => d.readMatterFactoryData!(),
        writeMatterFactoryData: async (r) => {
          const how = mode[port];
          delete mode[port];
          if (how === 'lost') throw new DeviceError('LINK_CLOSED', 'the station died before the factory data went out');
          await d.writeMatterFactoryData!(r);
          if (how === 'after') throw new DeviceError('LINK_CLOSED', 'the station died before it recorded the write');
        },
      };
      return { driver, close: () => link.close() };
    };
    const ctx = prepareBatch(m.ws, 'WO-FD2', m.paiKey, 'tech-m', { matterLabelDir: labels });
    const before = labelFiles().length;
    for (const [i, dev] of sim.devices.entries()) {
      const { driver, close } = await opener(dev.path, ctx.policy);
      try {
        const first = await provisionDevice(ctx, driver, dev.path);
        expect(first).toMatchObject({ result: 'failed', code: 'LINK_CLOSED' });
        expect(rows(dev.serial).map((r) => r.state)).toEqual(['committed']);
        const second = await provisionDevice(ctx, driver, dev.path);
        expect(second).toMatchObject({ result: 'done', code: null, resent: true });
      } finally {
        await close();
      }
      const record = personality(sim, i).matterRecord!;
      const states = rows(dev.serial);
      if (i === 0) {
        // lost: the first record's passcode died with the attempt; a second record, a second label
        expect(states.map((r) => r.state)).toEqual(['abandoned', 'written']);
        assertAgree(record, states[1]!, readFileSync(states[1]!.label_path, 'utf8'));
        const abandoned = m.ws.db.prepare("SELECT details FROM audit_log WHERE action = 'matter.factory-data-abandoned'").all() as { details: string }[];
        expect(abandoned.map((a) => JSON.parse(a.details) as unknown)).toEqual([
          expect.objectContaining({ record: states[0]!.id, reason: 'the device holds no factory data', destroyLabel: states[0]!.label_path }),
        ]);
      } else {
        // after: the device holds the committed record, so it is the device's; no new passcode, no new label
        expect(states.map((r) => r.state)).toEqual(['written']);
        assertAgree(record, states[0]!, readFileSync(states[0]!.label_path, 'utf8'));
      }
      assertNowhereInWorkspace(record.passcode);
    }
    expect(labelFiles().length - before).toBe(3);
  });

  it('refuses a Matter station run without a label output, and a device without a Matter mode before it makes a key', async () => {
    makeMatterBatch(m, 'WO-FD3', 'HM-SIM1-0005..HM-SIM1-0005', 1);
    expect(() => prepareBatch(m.ws, 'WO-FD3', m.paiKey, 'tech-m')).toThrow(expect.objectContaining({ code: 'MATTER_LABEL_OUTPUT_REQUIRED' }));
    expect(() => prepareBatch(m.ws, 'WO-FD3', m.paiKey, 'tech-m', { matterLabelDir: join(m.ws.home, 'labels') })).toThrow(
      expect.objectContaining({ code: 'OUTPUT_INSIDE_WORKSPACE' }),
    );
    const sim = await startTestSimulator(sims, { dir: tmp.path, count: 1, protocol: 'hallmark', serialStart: 5 });
    const summary = await startStation({
      workspace: m.ws,
      batchId: 'WO-FD3',
      ports: [sim.devices[0]!.path],
      caKey: m.paiKey,
      actor: 'tech-m',
      matterLabelDir: labels,
      stepTimeoutMs: 5000,
    }).done;
    expect(summary.outcomes[0]).toMatchObject({ result: 'refused', code: 'MATTER_NOT_SUPPORTED' });
    expect(
      (
        m.ws.db
          .prepare("SELECT COUNT(*) AS n FROM certificates c JOIN devices d ON d.certificate_id = c.id WHERE d.hardware_serial = 'HM-SIM1-0005'")
          .get() as { n: number }
      ).n,
    ).toBe(0);
  });

  it('refuses a CD that is not CMS, a CD for another VendorID or without the ProductID, and a Matter work order without one; nothing recorded', () => {
    const count = () => (m.ws.db.prepare('SELECT COUNT(*) AS n FROM batches').get() as { n: number }).n;
    const before = count();
    const notCms = Buffer.from('30820101' + '00'.repeat(257), 'hex');
    expect(() => makeMatterBatch(m, 'WO-BAD1', 'HM-SIM1-0010..HM-SIM1-0010', 1, MATTER_POLICY, notCms)).toThrow(
      expect.objectContaining({ code: 'MATTER_CD_INVALID', details: { rule: 'matter.certification-declaration' } }),
    );
    expect(() => makeMatterBatch(m, 'WO-BAD1', 'HM-SIM1-0010..HM-SIM1-0010', 1, MATTER_POLICY, Buffer.from('not even DER'))).toThrow(
      /\[matter\.certification-declaration\] the Certification Declaration is not DER/,
    );
    expect(() =>
      makeMatterBatch(
        m,
        'WO-BAD2',
        'HM-SIM1-0010..HM-SIM1-0010',
        1,
        MATTER_POLICY,
        makeCertificationDeclaration(tmp.path, { vendorId: 0xfff2, productIds: [0x8000] }, 'cd-fff2'),
      ),
    ).toThrow(expect.objectContaining({ details: { rule: 'matter.cd-vendor-id' } }));
    expect(() =>
      makeMatterBatch(
        m,
        'WO-BAD3',
        'HM-SIM1-0010..HM-SIM1-0010',
        1,
        MATTER_POLICY,
        makeCertificationDeclaration(tmp.path, { vendorId: 0xfff1, productIds: [0x8001] }, 'cd-8001'),
      ),
    ).toThrow(expect.objectContaining({ details: { rule: 'matter.cd-product-id' } }));
    expect(() => makeMatterBatch(m, 'WO-BAD4', 'HM-SIM1-0010..HM-SIM1-0010', 1, MATTER_POLICY, null as unknown as undefined)).toThrow(
      expect.objectContaining({ code: 'MATTER_CD_REQUIRED' }),
    );
    // a detached signature over the elements, and elements that are not TLV, are not a CD either
    const detached = execFileSync(
      'openssl',
      [
        'cms',
        '-sign',
        '-binary',
        '-nocerts',
        '-noattr',
        '-keyid',
        '-md',
        'sha256',
        '-in',
        join(tmp.path, 'cd.tlv'),
        '-signer',
        join(tmp.path, 'cd-signer.pem'),
        '-inkey',
        join(tmp.path, 'cd-signer.key'),
        '-outform',
        'DER',
      ],
      { cwd: tmp.path },
    );
    expect(() => parseCertificationDeclaration(detached)).toThrow(/is detached/);
    writeFileSync(join(tmp.path, 'junk.tlv'), Buffer.from([0x15, 0x24, 0x01]));
    const junk = execFileSync(
      'openssl',
      [
        'cms',
        '-sign',
        '-binary',
        '-nodetach',
        '-nocerts',
        '-noattr',
        '-keyid',
        '-md',
        'sha256',
        '-in',
        join(tmp.path, 'junk.tlv'),
        '-signer',
        join(tmp.path, 'cd-signer.pem'),
        '-inkey',
        join(tmp.path, 'cd-signer.key'),
        '-outform',
        'DER',
      ],
      { cwd: tmp.path },
    );
    expect(() => parseCertificationDeclaration(junk)).toThrow(/certification elements are not Matter TLV: the element runs past the end/);
    expect(() => parseCertificationDeclaration(Buffer.concat([m.cd, Buffer.from([0])]))).toThrow(/1 byte\(s\) after its CMS structure/);
    expect(count()).toBe(before);
    expect((m.ws.db.prepare("SELECT COUNT(*) AS n FROM audit_log WHERE subject LIKE 'WO-BAD%'").get() as { n: number }).n).toBe(0);
    // the CD as given is what a Matter parser reads back
    expect(parseCertificationDeclaration(m.cd)).toMatchObject({ vendorId: 'FFF1', productIds: ['8000', '8001'], certificateId: 'ZIG20142ZB330003-24' });
  });

  it('refuses a supplied passcode the rules forbid, naming the rule, and generates only valid ones', () => {
    for (const bad of [0, 11111111, 12345678, 87654321, 99999999, 100000000]) {
      expect(() => generateFactoryData({ vendorId: 'FFF1', productId: '8000', passcode: bad })).toThrow(
        expect.objectContaining({ code: 'MATTER_RULE', details: { rule: 'matter.setup-passcode' } }),
      );
    }
    expect(() => generateFactoryData({ vendorId: 'FFF1', productId: '8000', saltBytes: 15 })).toThrow(
      expect.objectContaining({ details: { rule: 'matter.spake2p-salt' } }),
    );
    expect(() => generateFactoryData({ vendorId: 'FFF1', productId: '8000', iterations: 999 })).toThrow(
      expect.objectContaining({ details: { rule: 'matter.spake2p-iterations' } }),
    );
    const f = generateFactoryData({ vendorId: 'FFF1', productId: '8000', passcode: 20202021, discriminator: 3840, iterations: 1000 });
    expect(f.qrText).toBe('MT:Y.K9042C00KA0648G00');
    expect(f.manualCode).toBe('34970112332');
    expect(f.verifier.length).toBe(97);
    expect(new MatterFactoryRepository(m.ws).declaration('WO-FD')?.cd.equals(m.cd)).toBe(true);
  });
});
