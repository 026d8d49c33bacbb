import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { Workspace } from '../../main/store/workspace.js';
import { toPem } from '../support/pem.js';
import { exportBatch } from '../../main/manifest/export-batch.js';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { createManifestSigner } from '../../main/manifest/manifest-signer.js';
import { verifyManifestFolder } from '../../main/manifest/verify/verify-manifest.js';
import { prepareBatch } from '../../main/station/batch-context.js';
import { provisionDevice } from '../../main/station/provision-device.js';
import { closeBatch } from '../../main/station/work-orders.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { parseCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { makeMatterBatch, MatterFakeDevice, matterWorkspace, type MatterWorkspace } from '../support/matter-station.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';
import { mkdirSync, cpSync } from 'node:fs';

/*
 * A Matter work order's manifest: VID/PID, the DAC and the PAI (issuingCaChain[0], named
 * by SHA-256 per device), the verifier's SHA-256 and no passcode; the verifier's
 * devices.matter-dac checks, and the verifier digest recomputed by python3 from the
 * station's own records.
 */

const tmp = tempDir('hallmark-matter-manifest-');
let m: MatterWorkspace;
let signerKey: SyncSigningKey;
const devices: MatterFakeDevice[] = [];
let dir: string;

beforeAll(async () => {
  m = await matterWorkspace(tmp.path);
  signerKey = await newSoftwareKey(m.ws, 'signer-key', 'ecdsa-p256');
  await createManifestSigner(m.ws, {
    ca: 'paa',
    caKey: m.paaKey,
    signerKey,
    subject: parseSubject('O=Acme,CN=Acme Matter Station Manifest Signer'),
    actor: 'custodian',
  });
  makeMatterBatch(m, 'WO-MM', 'HM-SIM1-0001..HM-SIM1-0003', 3);
  const labels = join(tmp.path, 'labels');
  mkdirSync(labels);
  const ctx = prepareBatch(m.ws, 'WO-MM', m.paiKey, 'line-1', { matterLabelDir: labels });
  for (const s of ['HM-SIM1-0001', 'HM-SIM1-0002']) {
    const d = new MatterFakeDevice(s);
    devices.push(d);
    expect(await provisionDevice(ctx, d, '/dev/fake0')).toMatchObject({ result: 'done' });
  }
  closeBatch(m.ws, 'WO-MM', 'planner');
  dir = join(tmp.path, 'usb', 'WO-MM');
  await exportBatch(m.ws, { batchId: 'WO-MM', outDir: dir, formats: ['manifest'], signerKey: async () => signerKey, actor: 'qa' });
});
afterAll(() => {
  m?.ws.close();
  tmp.dispose();
});

const anchors = () => [parseCertificateFast(m.paa)];
const check = (folder: string, name: string) => verifyManifestFolder(folder, { anchors: anchors() }).checks.find((c) => c.name === name)!;

describe('Matter entries in the batch manifest', () => {
  it('carries VID/PID, the DAC, the PAI digest and the verifier digest, no passcode; every check passes and devices.matter-dac runs', () => {
    const text = readFileSync(join(dir, 'manifest.json'), 'utf8');
    const doc = JSON.parse(text) as ManifestDocument;
    expect(doc.workOrder.policy.matter).toEqual({
      vendorId: 'FFF1',
      productId: '8000',
      certificationDeclarationSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    const withCerts = doc.devices.filter((d: { certificate: unknown }) => d.certificate !== null);
    expect(withCerts).toHaveLength(2);
    for (const e of withCerts) {
      expect(e.matter).toEqual({
        vendorId: 'FFF1',
        productId: '8000',
        paiSha256: expect.any(String),
        factoryData: {
          verifierSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
          discriminator: expect.any(Number),
          iterations: 1000,
          saltBytes: 32,
          certificationDeclarationSha256: doc.workOrder.policy.matter?.certificationDeclarationSha256,
        },
      });
    }
    expect(Buffer.from(doc.issuingCaChain[0]!, 'base64').equals(m.pai)).toBe(true);
    for (const d of devices) {
      const p = d.record!.passcode;
      expect(text.includes(String(p)) || text.includes(String(p).padStart(8, '0'))).toBe(false);
    }
    const report = verifyManifestFolder(dir, { anchors: anchors() });
    expect(report.checks.filter((c) => c.status === 'fail')).toEqual([]);
    expect(report.ok).toBe(true);
    expect(check(dir, 'devices.matter-dac')).toMatchObject({ status: 'pass', summary: expect.stringContaining('all 2 DACs chain PAA → PAI → DAC') });
    expect(check(dir, 'devices.802-1ar').status).toBe('skip');
  });

  it("python3 recomputes each entry's verifier SHA-256 from the verifier the station recorded", () => {
    const script = `
import hashlib, json, sqlite3, sys
doc = json.load(open(sys.argv[1]))
db = sqlite3.connect(sys.argv[2])
rows = dict(db.execute("SELECT d.hardware_serial, f.verifier FROM matter_factory_data f JOIN devices d ON d.id = f.device_id WHERE f.state = 'written'").fetchall())
out = {}
for e in doc['devices']:
    if e.get('matter') and e['matter']['factoryData']:
        v = rows[e['hardwareSerial']]
        assert len(v) == 97 and v[32] == 4, 'w0 || L (uncompressed point)'
        out[e['hardwareSerial']] = [hashlib.sha256(v).hexdigest(), e['matter']['factoryData']['verifierSha256']]
print(json.dumps(out))
`;
    const py = spawnSync('/usr/bin/python3', ['-c', script, join(dir, 'manifest.json'), join(m.ws.home, 'hallmark.db')], { encoding: 'utf8' });
    expect(py.stderr).toBe('');
    const out = JSON.parse(py.stdout) as Record<string, [string, string]>;
    expect(Object.keys(out).sort()).toEqual(['HM-SIM1-0001', 'HM-SIM1-0002']);
    for (const [computed, stated] of Object.values(out)) expect(computed).toBe(stated);
  });

  it('devices.matter-dac fails on a tampered VendorID (entry and work order), naming the device', () => {
    type Editable = { workOrder: { policy: { matter: { vendorId: string } } }; devices: { matter?: { vendorId: string } }[] };
    const tamper = (name: string, edit: (doc: Editable) => void) => {
      const to = join(tmp.path, name);
      cpSync(dir, to, { recursive: true });
      const doc = JSON.parse(readFileSync(join(to, 'manifest.json'), 'utf8')) as Editable;
      edit(doc);
      writeFileSync(join(to, 'manifest.json'), JSON.stringify(doc));
      return to;
    };
    const entry = check(
      tamper('entry-vid', (d) => (d.devices.find((e) => e.matter)!.matter!.vendorId = 'FFF2')),
      'devices.matter-dac',
    );
    expect(entry.status).toBe('fail');
    expect(entry.details.join('\n')).toMatch(/HM-SIM1-0001 .*entry says VendorID FFF2 ProductID 8000, the work order FFF1 \/ 8000/);
    const order = check(
      tamper('order-vid', (d) => (d.workOrder.policy.matter.vendorId = 'FFF2')),
      'devices.matter-dac',
    );
    expect(order.status).toBe('fail');
    expect(order.details.join('\n')).toMatch(/the PAI carries VendorID FFF1; the work order is for FFF2/);
  });

  it("the QA screen's operations list devices.matter-dac and show an entry's VID/PID, PAI and verifier digests", async () => {
    const qa = Workspace.init(join(tmp.path, 'qa'), 'qa').workspace;
    try {
      const handlers = createCoreHandlers(qa, undefined, undefined, {});
      const trust = join(tmp.path, 'paa.pem');
      writeFileSync(trust, toPem(m.paa));
      const r = await dispatch(handlers, 'qa.verify', { dir, trustPem: trust });
      if (!r.ok) throw new Error(r.error.message);
      const report = r.value as {
        ok: boolean;
        manifestSha256: string;
        checks: { name: string; status: string }[];
        deviceList: { index: number; hardwareSerial: string; certificateSha256: string | null }[];
      };
      expect(report.ok).toBe(true);
      expect(report.checks.find((c) => c.name === 'devices.matter-dac')).toMatchObject({ status: 'pass' });
      const entry = report.deviceList.find((d) => d.certificateSha256 !== null)!;
      const d = await dispatch(handlers, 'qa.device', { dir, index: entry.index, manifestSha256: report.manifestSha256 });
      const doc = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as ManifestDocument;
      const matter = doc.devices[entry.index]!.matter!;
      expect(d).toMatchObject({
        ok: true,
        value: { matter: { vendorId: 'FFF1', productId: '8000', paiSha256: matter.paiSha256, verifierSha256: matter.factoryData?.verifierSha256 } },
      });
    } finally {
      qa.close();
    }
  });
});
