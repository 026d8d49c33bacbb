import { createHash } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acknowledgeReceipt } from '../../main/inventory/acknowledge-receipt.js';
import { buildReceipt, writeReceipt } from '../../main/inventory/acknowledgment-receipt.js';
import { importManifestFolder } from '../../main/inventory/import-manifest.js';
import { signDetachedCms } from '../../main/cms/sign-detached-cms.js';
import { devicesSha256 } from '../../main/manifest/format/manifest-digests.js';
import type { DeviceEntry, ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { serializeManifest } from '../../main/manifest/format/serialize-manifest.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { CertificateRepository } from '../../main/store/certificate-repository.js';
import { InventoryRepository } from '../../main/store/inventory-repository.js';
import { ManifestRepository } from '../../main/store/manifest-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { closedBatch, exportTo, manifestWorkspace, type ManifestWorkspace } from '../support/manifest-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const tmp = tempDir('hallmark-inventory-');
let m: ManifestWorkspace;
let inv: Workspace;
let dir1: string;
let dir2: string;
let signerCert: Buffer;
const anchors = () => readTrustAnchors(readFileSync(m.rootPem));
const importDir = (ws: Workspace, dir: string) => importManifestFolder(ws, dir, { anchors: anchors(), actor: 'inventory-clerk' });
const docOf = (d: string) => JSON.parse(readFileSync(join(d, 'manifest.json'), 'utf8')) as ManifestDocument;
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const counts = (ws: Workspace) => ({
  manifests: ws.db.prepare('SELECT COUNT(*) FROM inventory_manifests').pluck().get(),
  devices: ws.db.prepare('SELECT COUNT(*) FROM inventory_devices').pluck().get(),
  audit: ws.audit.head()?.seq,
});

beforeAll(async () => {
  m = await manifestWorkspace(join(tmp.path, 'factory'));
  await closedBatch(m, 'WO-M1', '000');
  await closedBatch(m, 'WO-M2', '010');
  dir1 = join(tmp.path, 'out-1');
  dir2 = join(tmp.path, 'out-2');
  await exportTo(m, 'WO-M1', dir1);
  await exportTo(m, 'WO-M2', dir2);
  signerCert = new CertificateRepository(m.ws).byId(new ManifestRepository(m.ws).currentSigner()!.certificateId).der;
  inv = Workspace.init(join(tmp.path, 'inventory'), 'custodian').workspace;
}, 60_000);

afterAll(() => {
  m?.ws.close();
  inv?.close();
  tmp.dispose();
});

/**
 * A manifest re-signed by the station's real signer after editing (what an insider or a
 * bug at a station could produce): every verifier check passes, so only the inventory's
 * own rules can refuse it. Counters are recomputed the way the verifier counts them.
 */
async function crafted(name: string, base: ManifestDocument, edit: Partial<ManifestDocument>): Promise<string> {
  const doc = { ...base, ...edit };
  const states = new Map(doc.devices.map((d) => [d.hardwareSerial, d.deviceState]));
  const counters = {
    ...doc.counters,
    issued: doc.devices.filter((d) => d.certificate).length,
    devicesIssued: new Set(doc.devices.filter((d) => d.certificate).map((d) => d.hardwareSerial)).size,
    confirmed: [...states.values()].filter((s) => s === 'done').length,
    failed: [...states.values()].filter((s) => s === 'failed').length,
    reworked: doc.devices.filter((d) => d.status === 'superseded').length,
  };
  const json = serializeManifest({ ...doc, counters, devicesSha256: devicesSha256(doc.devices) });
  const p7s = await signDetachedCms({ content: json, signer: m.signerKey, signerCertificate: signerCert, chain: m.caChain, signingTime: new Date() });
  const dir = join(tmp.path, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'manifest.json'), json);
  writeFileSync(join(dir, 'manifest.json.p7s'), p7s);
  return dir;
}

describe('inventory import', () => {
  it('imports a verified manifest: the manifest record, its certificates and an audit entry', () => {
    const r = importDir(inv, dir1);
    expect(r.created).toBe(true);
    expect(r.manifest).toMatchObject({
      sequence: 1,
      batchId: 'WO-M1',
      stationId: m.ws.info().workspaceId,
      sha256: sha(readFileSync(join(dir1, 'manifest.json'))),
      entries: 7,
      certificates: 6,
      confirmed: 5,
      failed: 1,
      superseded: 1,
      revoked: 0,
      added: 6,
      unchanged: 0,
      retired: 0,
      importedBy: 'inventory-clerk',
    });
    const repo = new InventoryRepository(inv);
    expect(repo.countDevices()).toBe(6);
    const doc = docOf(dir1);
    for (const e of doc.devices.filter((d) => d.certificate)) {
      expect(repo.byCertificate(e.certificate!.sha256)).toMatchObject({
        hardwareSerial: e.hardwareSerial,
        status: e.status,
        batchId: 'WO-M1',
        publicKeySha256: e.certificate!.publicKeySha256,
      });
    }
    const audit = inv.audit.query({ action: 'inventory.imported' }).entries;
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actor: 'inventory-clerk', subject: `${m.ws.info().workspaceId}/WO-M1` });
    expect(inv.verifyAudit().ok).toBe(true);
  });

  it('importing the same manifest again changes nothing and says so', () => {
    const before = counts(inv);
    const r = importDir(inv, dir1);
    expect(r.created).toBe(false);
    expect(r.notes[0]).toMatch(/was imported on .*nothing changed/);
    expect(counts(inv)).toEqual(before);
  });

  it('refuses a tampered manifest with the verifier check that failed, importing nothing', () => {
    const bad = join(tmp.path, 'tampered');
    cpSync(dir2, bad, { recursive: true });
    const json = readFileSync(join(bad, 'manifest.json'));
    const at = Math.floor(json.length / 2);
    json[at] = json[at]! ^ 0x01;
    writeFileSync(join(bad, 'manifest.json'), json);
    const before = counts(inv);
    let error: unknown;
    try {
      importDir(inv, bad);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVENTORY_VERIFY_FAILED', kind: 'check' });
    expect((error as { details: { failedChecks: string[] } }).details.failedChecks).toContain('cms.signature');
    expect((error as Error).message).toMatch(/cms\.signature/);
    expect(counts(inv)).toEqual(before);
  });

  it('imports the next manifest of the chain', () => {
    const r = importDir(inv, dir2);
    expect(r).toMatchObject({ created: true, notes: [], manifest: { sequence: 2, batchId: 'WO-M2', added: 6 } });
  });

  it('refuses a manifest that lists known certificates under another work order, naming them, importing nothing', async () => {
    const doc1 = docOf(dir1);
    const dir = await crafted('other-batch', doc1, {
      workOrder: { ...doc1.workOrder, id: 'WO-FAKE' },
      sequence: 3,
      previousManifestSha256: sha(readFileSync(join(dir2, 'manifest.json'))),
    });
    const before = counts(inv);
    let error: unknown;
    try {
      importDir(inv, dir);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: 'INVENTORY_CONFLICT' });
    const first = doc1.devices[0]!.certificate!.sha256;
    expect((error as Error).message).toContain(`certificate ${first} is in the inventory for serial HM-SIM1-0001 (SIM1), work order WO-M1`);
    expect((error as { details: { conflicts: string[] } }).details.conflicts).toHaveLength(6);
    expect(counts(inv)).toEqual(before);
    expect(new InventoryRepository(inv).search({ batch: 'WO-FAKE', limit: 10 })).toEqual([]);
  });

  it('refuses a second manifest with the same station and sequence (a fork)', async () => {
    const doc2 = docOf(dir2);
    const dir = await crafted('fork', doc2, { devices: doc2.devices.filter((d) => d.certificate === null) });
    expect(() => importDir(inv, dir)).toThrow(expect.objectContaining({ code: 'INVENTORY_CHAIN_FORK' }));
  });

  it('a serial already active under another certificate conflicts unless the manifest supersedes it', async () => {
    const doc1 = docOf(dir1);
    const [oldCert, newCert] = doc1.devices.filter((d) => d.hardwareSerial === 'HM-SIM1-0004') as [DeviceEntry, DeviceEntry];
    expect([oldCert.status, newCert.status]).toEqual(['superseded', 'confirmed']);
    const asActive = (e: DeviceEntry): DeviceEntry => ({ ...e, status: 'confirmed', rework: null, revocation: null });
    // Two other "stations" each claim HM-SIM1-0004 with one of its certificates.
    const x = await crafted('station-x', doc1, {
      station: { workspaceId: 'station-x' },
      sequence: 1,
      previousManifestSha256: null,
      devices: [asActive(oldCert)],
    });
    const y = await crafted('station-y', doc1, { station: { workspaceId: 'station-y' }, sequence: 1, previousManifestSha256: null, devices: [newCert] });
    const ws = Workspace.init(join(tmp.path, 'inventory-2'), 'custodian').workspace;
    try {
      expect(importDir(ws, x).manifest.added).toBe(1);
      const before = counts(ws);
      expect(() => importDir(ws, y)).toThrow(`serial HM-SIM1-0004 (SIM1) is already active under certificate ${oldCert.certificate!.sha256}`);
      expect(counts(ws)).toEqual(before);
      // The real manifest lists the old certificate as superseded: it retires it and adds the new one.
      const r = importDir(ws, dir1);
      expect(r.manifest).toMatchObject({ added: 5, retired: 1, unchanged: 0 });
      const rows = new InventoryRepository(ws).search({ serial: 'HM-SIM1-0004', limit: 10 });
      expect(rows.map((d) => [d.certificateSha256, d.status])).toEqual([
        [oldCert.certificate!.sha256, 'superseded'],
        [newCert.certificate!.sha256, 'confirmed'],
      ]);
      expect(() => ws.db.prepare("UPDATE inventory_devices SET status = 'confirmed'").run()).toThrow(/INVENTORY_IMMUTABLE/);
      expect(() => ws.db.prepare('DELETE FROM inventory_devices').run()).toThrow(/INVENTORY_IMMUTABLE/);
    } finally {
      ws.close();
    }
  });

  it('searches by serial, fingerprint (certificate or public key), batch and status', () => {
    const repo = new InventoryRepository(inv);
    const e = docOf(dir2).devices[0]!;
    expect(repo.search({ serial: e.hardwareSerial, limit: 10 }).map((d) => d.certificateSha256)).toEqual([e.certificate!.sha256]);
    expect(repo.search({ fingerprint: e.certificate!.sha256, limit: 10 })).toHaveLength(1);
    expect(repo.search({ fingerprint: e.certificate!.publicKeySha256, limit: 10 })[0]?.hardwareSerial).toBe(e.hardwareSerial);
    expect(repo.search({ batch: 'WO-M2', limit: 100 })).toHaveLength(6);
    expect(repo.search({ status: 'superseded', limit: 100 }).map((d) => d.hardwareSerial)).toEqual(['HM-SIM1-0004', 'HM-SIM1-0104']);
    expect(repo.search({ batch: 'WO-M1', status: 'confirmed', limit: 100 })).toHaveLength(5);
    expect(repo.search({ status: 'confirmed', limit: 3 })).toHaveLength(3);
    const page = repo.search({ limit: 2 });
    expect(repo.search({ afterId: page[1]!.id, limit: 1 })[0]!.id).toBeGreaterThan(page[1]!.id);
    const plan = (q: Parameters<InventoryRepository['explainSearch']>[0]) => repo.explainSearch(q).join(' | ');
    expect(plan({ serial: 'x', status: 'confirmed', limit: 5 })).toMatch(/USING INDEX inventory_devices_by_serial/);
    expect(plan({ batch: 'x', status: 'confirmed', limit: 5 })).toMatch(/USING INDEX inventory_devices_by_batch \(batch_id=\?\)$/);
    expect(plan({ status: 'confirmed', limit: 5 })).toMatch(/USING INDEX inventory_devices_by_status \(status=\?\)$/);
    expect(plan({ fingerprint: 'x', limit: 5 })).toMatch(/MULTI-INDEX OR/);
  });

  it('receipt round trip: the factory marks the manifest acknowledged, once', () => {
    const repo = new InventoryRepository(inv);
    const imported = repo.manifest(sha(readFileSync(join(dir1, 'manifest.json'))))!;
    const path = join(tmp.path, 'WO-M1.receipt.json');
    const bytes = writeReceipt(path, buildReceipt(imported, { workspaceId: inv.info().workspaceId, actor: 'inventory-clerk' }, new Date()));
    expect(() => writeReceipt(path, buildReceipt(imported, { workspaceId: 'x', actor: 'y' }, new Date()))).toThrow(
      expect.objectContaining({ code: 'INVENTORY_RECEIPT_EXISTS' }),
    );
    const factory = new InventoryRepository(m.ws);
    expect(factory.exportedManifests().map((e) => [e.batchId, e.status])).toEqual([
      ['WO-M1', 'exported'],
      ['WO-M2', 'exported'],
    ]);
    const r = acknowledgeReceipt(m.ws, bytes, path, 'planner');
    expect(r).toMatchObject({
      created: true,
      acknowledgment: { batchId: 'WO-M1', receiverWorkspaceId: inv.info().workspaceId, importedCount: 6, acknowledgedBy: 'planner' },
    });
    expect(factory.exportedManifests().map((e) => [e.batchId, e.status])).toEqual([
      ['WO-M1', 'acknowledged'],
      ['WO-M2', 'exported'],
    ]);
    expect(acknowledgeReceipt(m.ws, bytes, path, 'planner').created).toBe(false);
    expect(m.ws.audit.query({ action: 'manifest.acknowledged' }).entries).toHaveLength(1);
    // A receipt for a manifest this workspace never exported is refused.
    const forged = Buffer.from(bytes.toString('utf8').replace(imported.sha256, 'f'.repeat(64)));
    expect(() => acknowledgeReceipt(m.ws, forged, 'forged', 'planner')).toThrow(expect.objectContaining({ code: 'INVENTORY_RECEIPT_UNKNOWN_MANIFEST' }));
    expect(() => acknowledgeReceipt(m.ws, Buffer.from('{}'), 'empty', 'planner')).toThrow(expect.objectContaining({ code: 'INVENTORY_RECEIPT_INVALID' }));
  });
});
