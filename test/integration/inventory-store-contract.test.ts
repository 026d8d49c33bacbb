import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitVerifiedManifestInto } from '../../main/inventory/import-manifest.js';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import type { InventoryStore } from '../../main/store/inventory-store.js';
import { PgInventoryStore } from '../../main/store/postgres/pg-inventory-store.js';
import { SqliteInventoryStore } from '../../main/store/sqlite-inventory-store.js';
import { Workspace } from '../../main/store/workspace.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { stationEntry, stationManifest, syntheticSigner } from '../support/synthetic-inventory.js';
import { tempDir } from '../support/temp-dir.js';
import { stationChains } from '../../main/inventory/station-chains.js';

/**
 * One contract, two stores: every rule of the inventory (verify-then-import is the
 * folder's; this is the store's part: idempotence, chain, plan, one transaction, guards,
 * search and keyset paging, audit) holds the same on the workspace's SQLite and on a real
 * PostgreSQL server started for this file.
 */
const tmp = tempDir('hallmark-inv-contract-');
let cluster: PgCluster | undefined;
let dbCount = 0;

interface Opened {
  store: InventoryStore;
  /** raw SQL the way a DBA or an attacker with a connection would run it */
  raw(sql: string): Promise<void>;
}

const backends: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'sqlite',
    async open() {
      const ws = Workspace.init(join(tmp.path, `ws-${++dbCount}`), 'custodian').workspace;
      return { store: new SqliteInventoryStore(ws, true), raw: async (sql) => void ws.db.exec(sql) };
    },
  },
  {
    name: 'postgres',
    async open() {
      const name = `contract_${++dbCount}`;
      const url = await cluster!.createDatabase(name);
      return { store: await PgInventoryStore.open(url, { actor: 'custodian' }), raw: async (sql) => void (await cluster!.sql(name, sql)) };
    },
  },
];

const withPg = postgresAvailable();

beforeAll(async () => {
  if (withPg) cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
  tmp.dispose();
});

let clock = Date.parse('2026-03-01T10:00:00Z');
const commit = (store: InventoryStore, m: { doc: ManifestDocument; sha256: string }) =>
  commitVerifiedManifestInto(
    store,
    { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null },
    { folder: m.doc.workOrder.id, actor: 'clerk', now: new Date((clock += 1000)) },
  );
/** `count` linked manifests of a station, two devices each. */
async function chain(store: InventoryStore, station: string, count: number): Promise<void> {
  let previous: string | null = null;
  for (let s = 1; s <= count; s++) {
    const m = stationManifest(station, s, 2, previous);
    await commit(store, m);
    previous = m.sha256;
  }
}
const state = async (store: InventoryStore) => ({
  manifests: (await store.manifests()).length,
  devices: await store.countDevices(),
  audit: (await store.auditEntries()).length,
});
const codeOf = async (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: unknown) => (e as { code?: string }).code ?? (e instanceof Error ? e.message : 'no code'),
  );

describe.each(backends.filter((b) => b.name === 'sqlite' || withPg))('inventory store contract: $name', (backend) => {
  let o: Opened;
  const fresh = async () => {
    await o?.store.close();
    o = await backend.open();
    return o.store;
  };
  afterAll(async () => o?.store.close());

  it('imports a manifest once: its row, its certificates and one audit entry; again, nothing changes', async () => {
    const store = await fresh();
    const before = await state(store);
    const m = stationManifest('ST-A', 1, 25, null);
    const r = await commit(store, m);
    expect(r.created).toBe(true);
    expect(r.manifest).toMatchObject({
      sha256: m.sha256,
      stationId: 'ST-A',
      sequence: 1,
      entries: 25,
      certificates: 25,
      added: 25,
      confirmed: 25,
      importedBy: 'clerk',
    });
    expect(await store.manifest(m.sha256)).toEqual(r.manifest);
    expect(await state(store)).toEqual({ manifests: before.manifests + 1, devices: 25, audit: before.audit + 1 });
    const entry = (await store.auditEntries()).at(-1)!;
    expect(entry).toMatchObject({
      actor: 'clerk',
      action: 'inventory.imported',
      subject: `ST-A/${m.doc.workOrder.id}`,
      details: { sha256: m.sha256, added: 25 },
    });

    const again = await commit(store, m);
    expect(again.created).toBe(false);
    expect(again.manifest).toEqual(r.manifest);
    expect(again.notes[0]).toMatch(/nothing changed/);
    expect(await state(store)).toEqual({ manifests: before.manifests + 1, devices: 25, audit: before.audit + 1 });

    const device = m.doc.devices[3]!;
    const row = await store.byCertificate(device.certificate!.sha256);
    expect(row).toMatchObject({ hardwareSerial: device.hardwareSerial, status: 'confirmed', stationId: 'ST-A', manifestSha256: m.sha256 });
    expect(Buffer.isBuffer(row!.der)).toBe(true);
    expect(typeof row!.id).toBe('number');
    expect((await store.receiverId()).length).toBeGreaterThan(0);
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
  });

  it("checks each station's chain: a gap is a note, a fork is refused whole", async () => {
    const store = await fresh();
    const m1 = stationManifest('ST-C', 1, 3, null);
    const m2 = stationManifest('ST-C', 2, 3, m1.sha256);
    const m3 = stationManifest('ST-C', 3, 3, m2.sha256);
    const early = await commit(store, m2);
    expect(early.notes).toEqual(['manifest 1 of station ST-C is not in the inventory yet']);
    expect((await commit(store, m1)).notes).toEqual([]);
    const before = await state(store);
    // another manifest 2 for the same station, and a 3 that names a previous the inventory does not hold
    const fork = stationManifest('ST-C', 2, 3, m1.sha256, { salt: 'fork' });
    await expect(commit(store, fork)).rejects.toMatchObject({ code: 'INVENTORY_CHAIN_FORK' });
    await expect(commit(store, stationManifest('ST-C', 3, 3, fork.sha256, { salt: 'x' }))).rejects.toMatchObject({ code: 'INVENTORY_CHAIN_FORK' });
    // a 1 whose successor names another hash
    const other = await backend.open();
    await commit(other.store, m2);
    await expect(commit(other.store, stationManifest('ST-C', 1, 3, null, { salt: 'other' }))).rejects.toMatchObject({ code: 'INVENTORY_CHAIN_FORK' });
    await other.store.close();
    expect(await state(store)).toEqual(before);
    expect((await commit(store, m3)).created).toBe(true);
    // another station's sequence numbers are its own
    expect((await commit(store, stationManifest('ST-D', 2, 3, null))).created).toBe(true);
  });

  it('retires a reworked certificate, refuses conflicts whole, and the schema guards hold', async () => {
    const store = await fresh();
    const m1 = stationManifest('ST-R', 1, 0, null, {
      entries: [stationEntry('R-1', 'confirmed', 'a'), stationEntry('R-2', 'confirmed', 'a'), stationEntry('R-3', 'failed', 'a')],
    });
    await commit(store, m1);
    // manifest 2: R-1 reworked (old certificate superseded, new one confirmed), R-2 revoked
    const m2 = stationManifest('ST-R', 2, 0, m1.sha256, {
      entries: [stationEntry('R-1', 'superseded', 'a'), stationEntry('R-1', 'confirmed', 'b'), stationEntry('R-2', 'revoked', 'a')],
    });
    const r2 = await commit(store, m2);
    expect(r2.manifest).toMatchObject({ added: 1, retired: 2, unchanged: 0 });
    expect(await store.byCertificate(m1.doc.devices[0]!.certificate!.sha256)).toMatchObject({
      status: 'superseded',
      statusManifestSha256: m2.sha256,
      manifestSha256: m1.sha256,
    });
    expect(await store.byCertificate(m1.doc.devices[1]!.certificate!.sha256)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
    expect((await store.search({ status: 'revoked', limit: 10 })).map((d) => d.hardwareSerial)).toEqual(['R-2']);

    const before = await state(store);
    // R-3 is active under its certificate; a new one without superseding it is a conflict, as is a known certificate under another serial
    const bad = stationManifest('ST-R', 3, 0, m2.sha256, {
      entries: [
        stationEntry('R-9', 'confirmed', 'c'),
        stationEntry('R-3', 'confirmed', 'c'),
        { ...stationEntry('R-4', 'confirmed', 'a'), certificate: m1.doc.devices[2]!.certificate },
      ],
    });
    const err = await commit(store, bad).catch((e: { code: string; details: { conflicts: string[] } }) => e);
    expect(err).toMatchObject({ code: 'INVENTORY_CONFLICT' });
    expect((err as { details: { conflicts: string[] } }).details.conflicts).toHaveLength(2);
    expect(await state(store)).toEqual(before);
    expect(await store.search({ serial: 'R-9', limit: 10 })).toEqual([]);

    // a buggy or hostile caller cannot rewrite history
    expect(await codeOf(o.raw("UPDATE inventory_devices SET hardware_serial = 'X' WHERE hardware_serial = 'R-3'"))).not.toBe('resolved');
    expect(await codeOf(o.raw('DELETE FROM inventory_devices'))).not.toBe('resolved');
    expect(await codeOf(o.raw("UPDATE inventory_manifests SET batch_id = 'X'"))).not.toBe('resolved');
    expect(await codeOf(o.raw('DELETE FROM audit_log'.replace('audit_log', backend.name === 'postgres' ? 'inventory_audit_log' : 'audit_log')))).not.toBe(
      'resolved',
    );
    expect(await state(store)).toEqual(before);
  });

  it('searches by serial, fingerprint, batch and status, and pages by id', async () => {
    const store = await fresh();
    const m1 = stationManifest('ST-S', 1, 120, null);
    const m2 = stationManifest('ST-S', 2, 0, m1.sha256, {
      entries: [
        stationEntry('ST-S-000007', 'superseded', `${m1.doc.workOrder.id} `),
        stationEntry('ST-S-000007', 'confirmed', 'new'),
        stationEntry('S-X', 'failed', 'x'),
      ],
    });
    await commit(store, m1);
    await commit(store, m2);
    const all = await store.search({ limit: 1000 });
    expect(all).toHaveLength(122);
    expect(all.map((d) => d.id)).toEqual([...all.map((d) => d.id)].sort((a, b) => a - b));

    const serial = await store.search({ serial: 'ST-S-000007', limit: 10 });
    expect(serial.map((d) => d.status)).toEqual(['superseded', 'confirmed']);
    expect((await store.search({ serial: 'ST-S-000007', status: 'confirmed', limit: 10 })).map((d) => d.batchId)).toEqual([m2.doc.workOrder.id]);
    const c = m1.doc.devices[50]!.certificate!;
    expect((await store.search({ fingerprint: c.sha256, limit: 10 })).map((d) => d.hardwareSerial)).toEqual(['ST-S-000050']);
    expect((await store.search({ fingerprint: c.publicKeySha256, limit: 10 })).map((d) => d.hardwareSerial)).toEqual(['ST-S-000050']);
    expect(await store.search({ batch: m2.doc.workOrder.id, limit: 10 })).toHaveLength(2);
    expect(await store.search({ status: 'failed', limit: 10 })).toHaveLength(1);
    expect(await store.search({ batch: 'WO-NONE', limit: 10 })).toEqual([]);

    // keyset pages: concatenated, they are the whole ordered result, each exactly once
    const pages: number[] = [];
    for (let after: number | undefined; ;) {
      const page = await store.search({ status: 'confirmed', afterId: after, limit: 17 });
      if (page.length === 0) break;
      pages.push(...page.map((d) => d.id));
      after = page.at(-1)!.id;
    }
    expect(pages).toEqual(all.filter((d) => d.status === 'confirmed').map((d) => d.id));
  });

  it("pages newest first at any depth, with the filter's total, across ids a refused import burnt", async () => {
    const store = await fresh();
    const m1 = stationManifest('ST-G', 1, 1800, null);
    await commit(store, m1);
    // a refused manifest (a certificate already there under another serial) consumes ids on PostgreSQL and leaves nothing
    const refused = stationManifest('ST-G', 2, 0, m1.sha256, {
      entries: [stationEntry('G-NEW', 'confirmed', 'g'), { ...stationEntry('G-X', 'confirmed', 'g'), certificate: m1.doc.devices[0]!.certificate }],
    });
    await expect(commit(store, refused)).rejects.toMatchObject({ code: 'INVENTORY_CONFLICT' });
    const m2 = stationManifest('ST-G', 2, 0, m1.sha256, {
      entries: Array.from({ length: 700 }, (_, i) => stationEntry(`G2-${i}`, i % 7 === 0 ? 'failed' : 'confirmed', 'g2')),
    });
    await commit(store, m2);
    const newestFirst = (await store.search({ limit: 5000 })).reverse();
    expect(newestFirst).toHaveLength(2500);
    for (const offset of [0, 999, 1000, 1777, 2495]) {
      const p = await store.page({ offset, limit: 10 });
      expect(p.total).toBe(2500);
      expect(p.rows.map((r) => r.id)).toEqual(newestFirst.slice(offset, offset + 10).map((r) => r.id));
    }
    expect((await store.page({ offset: 2500, limit: 10 })).rows).toEqual([]);
    const failed = newestFirst.filter((r) => r.status === 'failed');
    const fp = await store.page({ offset: 50, limit: 20, status: 'failed' });
    expect(fp).toEqual({
      total: failed.length,
      rows: failed.slice(50, 70).map(({ id, hardwareSerial, model, status, certificateSerial, certificateSha256, batchId, issuedAt }) => ({
        id,
        hardwareSerial,
        model,
        status,
        certificateSerial,
        certificateSha256,
        batchId,
        issuedAt,
      })),
    });
    const batch = await store.page({ offset: 1500, limit: 5, batch: m1.doc.workOrder.id });
    expect(batch.total).toBe(1800);
    expect(batch.rows.map((r) => r.hardwareSerial)).toEqual(
      newestFirst
        .filter((r) => r.batchId === m1.doc.workOrder.id)
        .slice(1500, 1505)
        .map((r) => r.hardwareSerial),
    );
    expect((await store.page({ offset: 0, limit: 5, serial: 'G2-14' })).rows.map((r) => r.status)).toEqual(['failed']);
    // a page after another import sees it (the index is rebuilt for the new version)
    await commit(store, stationManifest('ST-H', 1, 3, null));
    expect((await store.page({ offset: 0, limit: 3 })).rows.map((r) => r.hardwareSerial)).toEqual(['ST-H-000002', 'ST-H-000001', 'ST-H-000000']);

    const counts = await store.statusCounts();
    expect(counts.map((c) => [c.batchId, c.confirmed, c.failed, c.superseded, c.revoked])).toEqual([
      [m1.doc.workOrder.id, 1800, 0, 0, 0],
      [m2.doc.workOrder.id, 600, 100, 0, 0],
      ['WO-ST-H-1', 3, 0, 0, 0],
    ]);
  });

  it("shows each station's chain with its gaps, and every public key on more than one device", async () => {
    const store = await fresh();
    const f1 = stationManifest('ST-F', 1, 2, null);
    const f2 = stationManifest('ST-F', 2, 2, f1.sha256);
    const f5 = stationManifest('ST-F', 5, 0, 'a'.repeat(64), { entries: [stationEntry('F5-1', 'confirmed', 'f5')] });
    for (const m of [f1, f2, f5]) await commit(store, m);
    // another station, another factory: a device whose key is F5-1's (a cloned secure element); and one re-certified with its own key
    const cloned = {
      ...stationEntry('K-9', 'confirmed', 'k'),
      certificate: { ...stationEntry('K-9', 'confirmed', 'k').certificate!, publicKeySha256: f5.doc.devices[0]!.certificate!.publicKeySha256 },
    };
    const k3 = stationManifest('ST-K', 3, 0, 'b'.repeat(64), { entries: [cloned, stationEntry('K-1', 'confirmed', 'k')] });
    await commit(store, k3);
    const own = stationEntry('K-1', 'confirmed', 'k');
    const reissued = {
      ...stationEntry('K-1', 'confirmed', 'k-new'),
      certificate: { ...stationEntry('K-1', 'confirmed', 'k-new').certificate!, publicKeySha256: own.certificate!.publicKeySha256 },
    };
    await commit(store, stationManifest('ST-K', 4, 0, k3.sha256, { entries: [stationEntry('K-1', 'superseded', 'k'), reissued] }));

    const chains = stationChains(await store.manifests());
    expect(chains.map((c) => [c.stationId, c.manifests.map((m) => m.sequence), c.gaps, c.missing])).toEqual([
      ['ST-F', [1, 2, 5], [{ from: 3, to: 4 }], 2],
      ['ST-K', [3, 4], [{ from: 1, to: 2 }], 2],
    ]);

    const shared = await store.sharedPublicKeys(10);
    expect(shared.truncated).toBe(false);
    expect(shared.keys.map((k) => k.map((c) => [c.hardwareSerial, c.stationId, c.batchId]))).toEqual([
      [
        ['F5-1', 'ST-F', 'WO-ST-F-5'],
        ['K-9', 'ST-K', 'WO-ST-K-3'],
      ],
    ]);
    expect(shared.keys[0]![0]!.publicKeySha256).toBe(f5.doc.devices[0]!.certificate!.publicKeySha256);
    expect((await store.sharedPublicKeys(0)).truncated).toBe(true);
  });

  it('stores serials with quotes, backslashes, commas, braces and NULL-looking text exactly', async () => {
    const store = await fresh();
    const odd = ['Q"1', 'B\\2', 'C,3', '{D}', 'NULL', ' sp ', 'é-✓'];
    await commit(store, stationManifest('ST-Q', 1, 0, null, { entries: odd.map((s) => stationEntry(s, 'confirmed', 'q')) }));
    for (const s of odd) expect((await store.search({ serial: s, limit: 5 })).map((d) => d.hardwareSerial)).toEqual([s]);
    expect((await store.search({ limit: 10 }))[1]!.der.equals((await store.search({ limit: 10 }))[0]!.der)).toBe(true);
  });

  it('keeps a verifiable audit chain and names tampering', async () => {
    const store = await fresh();
    await chain(store, 'ST-T', 3);
    await store.appendAudit({ actor: 'clerk', action: 'inventory.receipt-written', subject: 'ST-T/x', details: { path: '/media/usb/r.json' } });
    const ok = await store.verifyAudit();
    expect(ok).toMatchObject({ ok: true });
    const n = (await store.auditEntries()).length;
    expect(ok.count).toBe(n);

    const log = backend.name === 'postgres' ? 'inventory_audit_log' : 'audit_log';
    const disable = backend.name === 'postgres' ? `ALTER TABLE ${log} DISABLE TRIGGER USER;` : 'DROP TRIGGER audit_log_no_update;';
    const enable = backend.name === 'postgres' ? `ALTER TABLE ${log} ENABLE TRIGGER USER;` : '';
    await o.raw(`${disable} UPDATE ${log} SET actor = 'mallory' WHERE seq = 2; ${enable}`);
    expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: 'ENTRY_ALTERED', firstBadSeq: 2 });
  });
});

describe.runIf(withPg)('PostgreSQL audit tamper detection', () => {
  it('names a deleted entry, a truncated tail and a disabled trigger', async () => {
    const url = await cluster!.createDatabase('tamper');
    const store = await PgInventoryStore.open(url, { actor: 'custodian' });
    try {
      await chain(store, 'ST-X', 4);
      const n = (await store.auditEntries()).length;
      expect(await store.verifyAudit()).toMatchObject({ ok: true, count: n });
      const sql = (q: string) => cluster!.sql('tamper', q);
      // the guards refuse, even to the owner
      await expect(sql('UPDATE inventory_audit_log SET actor = $$m$$ WHERE seq = 1')).rejects.toMatchObject({ code: 'HM001' });
      await expect(sql('TRUNCATE inventory_audit_log')).rejects.toMatchObject({ code: 'HM001' });
      await expect(sql('UPDATE inventory_audit_head SET seq = 1')).rejects.toMatchObject({ code: 'HM001' });
      await expect(store.appendAudit({ actor: 'x', action: 'Bad Action', subject: '' })).rejects.toMatchObject({ code: 'AUDIT_EVENT_INVALID' });

      await sql('ALTER TABLE inventory_audit_log DISABLE TRIGGER inventory_audit_log_no_update');
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: 'PROTECTION_MISSING', firstBadSeq: null });
      await sql('ALTER TABLE inventory_audit_log ENABLE TRIGGER inventory_audit_log_no_update');
      expect(await store.verifyAudit()).toMatchObject({ ok: true });

      await sql(
        `ALTER TABLE inventory_audit_log DISABLE TRIGGER USER; DELETE FROM inventory_audit_log WHERE seq = ${n}; ALTER TABLE inventory_audit_log ENABLE TRIGGER USER`,
      );
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: 'TAIL_TRUNCATED', firstBadSeq: n });
      await sql(
        'ALTER TABLE inventory_audit_log DISABLE TRIGGER USER; DELETE FROM inventory_audit_log WHERE seq = 2; ALTER TABLE inventory_audit_log ENABLE TRIGGER USER',
      );
      expect(await store.verifyAudit()).toMatchObject({ ok: false, problem: 'ENTRY_MISSING', firstBadSeq: 2 });
    } finally {
      await store.close();
    }
  });

  it('serves each search key from its index', async () => {
    const url = await cluster!.createDatabase('plans');
    const store = await PgInventoryStore.open(url, { actor: 'custodian' });
    try {
      await commit(store, stationManifest('ST-P', 1, 3000, null));
      await cluster!.sql('plans', 'ANALYZE');
      const plan = async (q: Parameters<PgInventoryStore['search']>[0]) => (await store.explainSearch(q)).join(' | ');
      expect(await plan({ serial: 'ST-P-000001', limit: 100 })).toMatch(/inventory_devices_by_serial/);
      expect(await plan({ batch: 'WO-ST-P-1', afterId: 2900, limit: 100 })).toMatch(/inventory_devices_by_batch|inventory_devices_pkey/);
      expect(await plan({ fingerprint: 'a'.repeat(64), limit: 100 })).toMatch(/certificate_sha256_key/);
      expect(await plan({ fingerprint: 'a'.repeat(64), limit: 100 })).toMatch(/inventory_devices_by_public_key/);
    } finally {
      await store.close();
    }
  });
});
