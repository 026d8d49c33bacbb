import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { forgetPageIndexes } from '../main/store/sqlite-inventory-page-index.js';
import { filterClause, inventoryPage } from '../main/store/sqlite-inventory-page-query.js';
import { forgetInventoryStats, inventoryStats } from '../main/store/sqlite-inventory-stats.js';
import { InventoryRepository } from '../main/store/inventory-repository.js';
import migration006 from '../main/store/migrations/006-inventory.js';
import { Workspace } from '../main/store/workspace.js';
import { importSynthetic, stationManifest, syntheticManifest, syntheticSigner } from '../test/support/synthetic-inventory.js';
import { commitVerifiedManifestInto } from '../main/inventory/import-manifest.js';
import type { InventoryStore } from '../main/store/inventory-store.js';
import { PgInventoryStore } from '../main/store/postgres/pg-inventory-store.js';
import { SqliteInventoryStore } from '../main/store/sqlite-inventory-store.js';
import { startPostgres, type PgCluster } from '../test/support/postgres.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';

/**
 * The inventory at 1,000,000 certificates: the import step, searches and the screen's
 * pages. Rows go in through the real import step (commitVerifiedManifest: chain check,
 * plan with two lookups per entry, one transaction per manifest with its audit entry) on
 * synthetic, pre-verified manifests (test/support/synthetic-inventory.ts: distinct
 * fingerprints, one 520-byte DER for all) — verification is what manifest.bench.ts
 * measures, and signing a million certificates per run would take most of an hour.
 */
const BATCHES = Number(process.env.HALLMARK_BENCH_INVENTORY_BATCHES ?? 10);
const PER_BATCH = 99_000; // + 1% reworked entries ≈ 99,990 certificates per manifest
const IMPORT_DEVICES = 50_000;
const LIMIT = 500; // the renderer's page size

interface Fixture {
  readonly home: string;
  readonly ws: Workspace;
  readonly total: number;
  readonly lastSha: string;
  readonly probe: { serial: string; fingerprint: string; spki: string };
}

const fixture = sharedFixture<Fixture>(
  () => {
    const home = mkdtempSync(join(tmpdir(), 'hallmark-bench-inventory-'));
    const ws = Workspace.init(home, 'bench').workspace;
    let prev: string | null = null;
    const t0 = performance.now();
    let probe: Fixture['probe'] | undefined;
    for (let s = 1; s <= BATCHES; s++) {
      const m = syntheticManifest(s, PER_BATCH, prev);
      importSynthetic(ws, m, s);
      prev = m.sha256;
      // A device in the middle of the middle batch: the searches must find it through an index.
      if (s === Math.ceil(BATCHES / 2)) {
        const d = m.doc.devices[Math.floor(m.doc.devices.length / 2)]!;
        probe = { serial: d.hardwareSerial, fingerprint: d.certificate!.sha256, spki: d.certificate!.publicKeySha256 };
      }
    }
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    const total = new InventoryRepository(ws).countDevices();
    console.error(`inventory bench fixture: ${total} certificates in ${BATCHES} manifests, imported in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    return { home, ws, total, lastSha: prev!, probe: probe! };
  },
  (f) => {
    f.ws.close();
    rmSync(f.home, { recursive: true, force: true });
  },
);

let f: Fixture;
const setup = async () => {
  f = await fixture();
};
const repo = () => new InventoryRepository(f.ws);
const expectRows = (n: number, got: number, what: string) => {
  if (got !== n) throw new Error(`${what}: expected ${n} rows, got ${got}`);
};

// ── import ──────────────────────────────────────────────────────────────────────────
let bare: { dir: string; db: Database.Database; insert: (rows: unknown[][]) => void } | undefined;
let nextSequence = 0;
let nextRows: unknown[][] = [];

// ── the same import into SQLite and PostgreSQL ──────────────────────────────────────
/**
 * Both stores start empty and grow by one 20,000-device manifest per call (so a run
 * measures imports into an inventory of up to a few hundred thousand rows; the millions
 * are bench/inventory-scale.bench.ts). PostgreSQL is a throwaway cluster on a Unix socket, fsync off like the
 * workspace's WAL without checkpoints in between — a durability-off comparison of the
 * engines' work, not of the disks.
 */
const ENGINE_DEVICES = 20_000;
interface Engines {
  readonly home: string;
  readonly ws: Workspace;
  readonly sqlite: InventoryStore;
  readonly cluster: PgCluster;
  readonly pg: PgInventoryStore;
  readonly pg2: PgInventoryStore;
  readonly prev: Map<string, string | null>;
  readonly probe: string[];
  readonly sqliteProbe: string[];
}
const engines = sharedFixture<Engines>(
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'hallmark-bench-engines-'));
    const ws = Workspace.init(home, 'bench').workspace;
    const cluster = await startPostgres();
    const url = await cluster.createDatabase('bench');
    const pg = await PgInventoryStore.open(url, { actor: 'bench' });
    const pg2 = await PgInventoryStore.open(url, { actor: 'bench-2' });
    return { home, ws, sqlite: new SqliteInventoryStore(ws), cluster, pg, pg2, prev: new Map(), probe: [], sqliteProbe: [] };
  },
  async (e) => {
    await e.pg.close();
    await e.pg2.close();
    await e.cluster.dispose();
    e.ws.close();
    rmSync(e.home, { recursive: true, force: true });
  },
);
let eng: Engines;
const engineImport = async (store: InventoryStore, station: string, devices: number) => {
  const sequence = [...eng.prev.keys()].filter((k) => k.startsWith(`${station}#`)).length + 1;
  const previous = eng.prev.get(`${station}#${sequence - 1}`) ?? null;
  const m = stationManifest(station, sequence, devices, previous);
  const r = await commitVerifiedManifestInto(
    store,
    { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null },
    { folder: station, actor: 'bench', now: new Date() },
  );
  if (!r.created) throw new Error(`${station} #${sequence} was already imported`);
  eng.prev.set(`${station}#${sequence}`, m.sha256);
  (store.backend === 'postgres' ? eng.probe : eng.sqliteProbe).push(m.doc.devices[devices >> 1]!.hardwareSerial);
};
const engineSetup = async () => {
  eng = await engines();
};

const engineCases = defineBenchmarks([
  {
    name: 'sqlite import 20k',
    group: 'inventory-engines',
    baseline: true,
    description: 'commitVerifiedManifestInto the workspace SQLite store: a pre-verified 20,000-device manifest, one IMMEDIATE transaction with its audit entry',
    opsPerRun: ENGINE_DEVICES,
    warmup: 1,
    iterations: 8,
    maxTimeMs: 20_000,
    setup: engineSetup,
    run: () => engineImport(eng.sqlite, 'SQ', ENGINE_DEVICES),
  },
  {
    name: 'postgres import 20k',
    group: 'inventory-engines',
    description:
      'the same into PostgreSQL 15 over a Unix socket: LATERAL … LIMIT 1 index probes per key, pipelined unnest inserts of 5,000 rows, station advisory lock, audit head lock, one READ COMMITTED transaction',
    opsPerRun: ENGINE_DEVICES,
    warmup: 1,
    iterations: 8,
    maxTimeMs: 20_000,
    setup: engineSetup,
    run: () => engineImport(eng.pg, 'PG', ENGINE_DEVICES),
  },
  {
    name: 'postgres two importers 2x10k',
    group: 'inventory-engines',
    description: "two stations' 10,000-device manifests at once through two pools (devices/s of both together)",
    opsPerRun: ENGINE_DEVICES,
    warmup: 1,
    iterations: 8,
    maxTimeMs: 20_000,
    setup: engineSetup,
    run: async () => {
      await Promise.all([engineImport(eng.pg, 'PA', ENGINE_DEVICES / 2), engineImport(eng.pg2, 'PB', ENGINE_DEVICES / 2)]);
    },
  },
  {
    name: 'postgres search by serial',
    group: 'inventory-engines-search',
    baseline: true,
    description: 'PgInventoryStore.search({ serial }) in the grown PostgreSQL inventory ((hardware_serial, id) index)',
    iterations: 300,
    setup: engineSetup,
    run: async () => {
      const serial = eng.probe[Math.floor(Math.random() * eng.probe.length)]!;
      if ((await eng.pg.search({ serial, limit: 10 })).length === 0) throw new Error(`${serial} not found`);
    },
  },
  {
    name: 'sqlite search by serial',
    group: 'inventory-engines-search',
    description: 'SqliteInventoryStore.search({ serial }) in the grown SQLite inventory, through the same async interface',
    iterations: 300,
    setup: engineSetup,
    run: async () => {
      const serial = eng.sqliteProbe[Math.floor(Math.random() * eng.sqliteProbe.length)]!;
      if ((await eng.sqlite.search({ serial, limit: 10 })).length === 0) throw new Error(`${serial} not found`);
    },
  },
]);

export default defineBenchmarks([
  {
    name: 'bare point query by id',
    group: 'inventory-search',
    baseline: true,
    description: 'SELECT * FROM inventory_devices WHERE id = ? on the 1,000,000-row table (a different id each call)',
    setup,
    run() {
      const id = 1 + Math.floor(Math.random() * f.total);
      if (!f.ws.db.prepare('SELECT * FROM inventory_devices WHERE id = ?').get(id)) throw new Error(`no row ${id}`);
    },
  },
  {
    name: 'search by serial',
    group: 'inventory-search',
    description: 'InventoryRepository.search({ serial }) — hardware-serial index',
    setup,
    run: () => expectRows(1, repo().search({ serial: f.probe.serial, limit: 100 }).length, 'serial'),
  },
  {
    name: 'search by fingerprint',
    group: 'inventory-search',
    description: 'search({ fingerprint }) with the public-key SHA-256 (certificate OR public-key index)',
    setup,
    run: () => expectRows(1, repo().search({ fingerprint: f.probe.spki, limit: 100 }).length, 'fingerprint'),
  },
  {
    name: 'search by batch, first 100',
    group: 'inventory-search',
    description: 'search({ batch: WO-0005, limit: 100 }) — batch index, 100 full rows (DER included)',
    setup,
    run: () => expectRows(100, repo().search({ batch: 'WO-0005', limit: 100 }).length, 'batch'),
  },
  {
    name: 'search by status revoked, first 100',
    group: 'inventory-search',
    description: 'search({ status: revoked, limit: 100 }) — status index',
    setup,
    run: () => expectRows(100, repo().search({ status: 'revoked', limit: 100 }).length, 'status'),
  },
  ...[0, 500_000, 999_000].map((offset) => ({
    name: `page offset ${offset.toLocaleString('en-US')}`,
    group: 'inventory-search',
    description: `inventory.search({ offset: ${offset}, limit: ${LIMIT} }) unfiltered, page index cached (the screen scrolling)`,
    setup,
    run: () => expectRows(LIMIT, inventoryPage(f.ws, { offset, limit: LIMIT }).rows.length, 'page'),
  })),
  {
    name: 'page offset 960,000 status confirmed',
    group: 'inventory-search',
    description: 'inventory.search({ offset: 960000, status: confirmed }) — ~969,000 matches, checkpoint index cached',
    setup,
    run: () => expectRows(LIMIT, inventoryPage(f.ws, { offset: 960_000, limit: LIMIT, status: 'confirmed' }).rows.length, 'page'),
  },
  {
    name: 'page offset 99,000 batch WO-0005',
    group: 'inventory-search',
    description: 'inventory.search({ offset: 99000, batch: WO-0005 }) — the end of a 99,990-row batch',
    setup,
    run: () => expectRows(LIMIT, inventoryPage(f.ws, { offset: 99_000, limit: LIMIT, batch: 'WO-0005' }).rows.length, 'page'),
  },
  {
    name: 'first page, cold index, unfiltered',
    group: 'inventory-search',
    description: 'a new snapshot: MIN/MAX/COUNT(*) to find the ids dense, then the page (what every page cost before: COUNT(*) each time)',
    setup,
    run() {
      forgetPageIndexes(f.ws);
      expectRows(LIMIT, inventoryPage(f.ws, { offset: 0, limit: LIMIT }).rows.length, 'page');
    },
  },
  {
    name: 'first page, cold index, status confirmed',
    group: 'inventory-search',
    description: 'a new filter: every matching id read once from the status index to place the checkpoints, then the page',
    setup,
    run() {
      forgetPageIndexes(f.ws);
      expectRows(LIMIT, inventoryPage(f.ws, { offset: 0, limit: LIMIT, status: 'confirmed' }).rows.length, 'page');
    },
  },
  {
    name: 'reference: COUNT + LIMIT/OFFSET 999,000',
    group: 'inventory-search',
    description: 'what inventory.search did before: COUNT(*) and ORDER BY id DESC LIMIT 500 OFFSET 999000 (walks every row before the page)',
    iterations: 5,
    setup,
    run() {
      const { clause } = filterClause({});
      f.ws.db.prepare(`SELECT COUNT(*) FROM inventory_devices ${clause}`).pluck().get();
      expectRows(
        LIMIT,
        f.ws.db
          .prepare(
            `SELECT id, hardware_serial, model, status, certificate_serial, certificate_sha256, batch_id, issued_at FROM inventory_devices ORDER BY id DESC LIMIT ? OFFSET ?`,
          )
          .all(LIMIT, 999_000).length,
        'offset',
      );
    },
  },
  {
    name: 'inventory.stats (chart), cold',
    group: 'inventory-search',
    description: 'per-batch status counts now: rare statuses counted through their index, confirmed derived; cache dropped each call',
    setup,
    run() {
      forgetInventoryStats(f.ws);
      if (inventoryStats(f.ws).length !== BATCHES) throw new Error('stats');
    },
  },

  // ── import ──
  {
    name: 'bare INSERT 50k rows, same indexes',
    group: 'inventory-import',
    baseline: true,
    description:
      'the same 50,000 rows inserted by one prepared INSERT in one transaction into an empty table with the inventory schema (migration 006 SQL), no lookups, no audit',
    opsPerRun: IMPORT_DEVICES,
    warmup: 0,
    iterations: 3,
    maxTimeMs: 1,
    async setup() {
      await setup();
      const dir = mkdtempSync(join(tmpdir(), 'hallmark-bench-inventory-bare-'));
      const db = new Database(join(dir, 'bare.db'));
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.exec(migration006);
      db.prepare("INSERT INTO inventory_manifests VALUES ('m', 's', 1, NULL, 'b', 'SIM1', NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 0, 0, 'now', 'x')").run();
      const stmt = db.prepare(
        'INSERT INTO inventory_devices (certificate_sha256, public_key_sha256, certificate_serial, der, hardware_serial, model, status, device_state, issued_at, revoked_at, revocation_reason, station_id, batch_id, manifest_sha256, status_manifest_sha256, imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      );
      bare = { dir, db, insert: db.transaction((rows: unknown[][]) => rows.forEach((r) => stmt.run(...r))) };
    },
    run() {
      nextSequence++;
      const m = syntheticManifest(1000 + nextSequence, IMPORT_DEVICES, null);
      nextRows = m.doc.devices.map((d) => [
        d.certificate!.sha256,
        d.certificate!.publicKeySha256,
        d.certificate!.serial,
        Buffer.from(d.certificate!.der, 'base64'),
        d.hardwareSerial,
        d.model,
        d.status,
        d.deviceState,
        d.certificate!.issuedAt,
        d.revocation?.revokedAt ?? null,
        d.revocation?.reason ?? null,
        's',
        m.doc.workOrder.id,
        'm',
        'm',
        'now',
      ]);
      bare!.insert(nextRows);
    },
    teardown() {
      bare?.db.close();
      if (bare) rmSync(bare.dir, { recursive: true, force: true });
    },
  },
  {
    name: 'import step 50k into 1M inventory',
    group: 'inventory-import',
    description:
      'commitVerifiedManifest of a pre-verified 50,000-device manifest (≈50,500 certificates) into the 1,000,000-row inventory: chain check, two index lookups per entry, inserts into 6 indexes, audit entry, one transaction',
    opsPerRun: IMPORT_DEVICES,
    warmup: 0,
    iterations: 3,
    maxTimeMs: 1,
    setup,
    run() {
      // Each call is the station's next manifest: a new batch, chained to the previous one.
      const m = syntheticManifest(BATCHES + 1 + nextSequence++, IMPORT_DEVICES, f.lastSha);
      importSynthetic(f.ws, m, BATCHES + nextSequence);
      f = { ...f, lastSha: m.sha256 };
    },
  },
  ...engineCases,
]);
