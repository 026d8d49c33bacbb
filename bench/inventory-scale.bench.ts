import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitVerifiedManifestInto } from '../main/inventory/import-manifest.js';
import { stationChains } from '../main/inventory/station-chains.js';
import type { InventoryStore } from '../main/store/inventory-store.js';
import { PgInventoryStore } from '../main/store/postgres/pg-inventory-store.js';
import { forgetPageIndexes } from '../main/store/sqlite-inventory-page-index.js';
import { SqliteInventoryStore } from '../main/store/sqlite-inventory-store.js';
import { Workspace } from '../main/store/workspace.js';
import { startPostgres, type PgCluster } from '../test/support/postgres.js';
import { stationManifest, syntheticManifest, syntheticSigner } from '../test/support/synthetic-inventory.js';
import { defineBenchmarks, sharedFixture } from './bench-case.js';

/**
 * The scale run: SQLite and PostgreSQL grown side by side to
 * HALLMARK_BENCH_INVENTORY_SCALE certificates (default 1,000,000; the 10,000,000
 * is the same run with a bigger number and ~20 GB of disk) through the real import step
 * (commitVerifiedManifestInto: chain check, plan, one transaction per manifest with its
 * audit entry) on synthetic pre-verified 100,000-device manifests, each imported into
 * both. Then, at that size: search by serial and by fingerprint (p50/p99 over 1,000
 * random probes), the screen's page at random depths (cold: the first page after an
 * import builds the checkpoint index; warm: scrolling), the fleet view, and two
 * PostgreSQL importers at once. Latency percentiles and the import rates are the cases'
 * metrics. PostgreSQL is a throwaway cluster on a Unix socket sized like a small server
 * (shared_buffers 1 GB), fsync off as the workspace bench's WAL runs without checkpoints:
 * the engines' work, not the disk's.
 */
const SCALE = Number(process.env.HALLMARK_BENCH_INVENTORY_SCALE ?? 1_000_000);
const PER_MANIFEST = 99_000; // + 1% reworked ≈ 99,990 certificates per manifest
const PROBES = 1000;

interface Scale {
  readonly home: string;
  readonly ws: Workspace;
  readonly sqlite: SqliteInventoryStore;
  readonly cluster: PgCluster;
  readonly pg: PgInventoryStore;
  readonly pg2: PgInventoryStore;
  readonly total: number;
  readonly probes: { serial: string; fingerprint: string }[];
  readonly importRate: { sqlite: number; postgres: number };
  next: number;
}

const median = (xs: number[]) => quantile(xs, 0.5);
function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
}
const round = (x: number) => Math.round(x * 100) / 100;

function duBytes(path: string): number {
  let n = 0;
  for (const e of readdirSync(path, { withFileTypes: true })) {
    const p = join(path, e.name);
    try {
      n += e.isDirectory() ? duBytes(p) : statSync(p).size;
    } catch {
      // a file the server removed meanwhile
    }
  }
  return n;
}

const scale = sharedFixture<Scale>(
  async () => {
    const home = mkdtempSync(join(tmpdir(), 'hallmark-bench-scale-'));
    const ws = Workspace.init(home, 'bench').workspace;
    const cluster = await startPostgres({ settings: { shared_buffers: '1GB', max_wal_size: '4GB', checkpoint_timeout: '30min', wal_buffers: '64MB' } });
    const url = await cluster.createDatabase('scale');
    const pg = await PgInventoryStore.open(url, { actor: 'bench' });
    const pg2 = await PgInventoryStore.open(url, { actor: 'bench-2' });
    const sqlite = new SqliteInventoryStore(ws);
    const probes: Scale['probes'] = [];
    const spent = { sqlite: 0, postgres: 0 };
    let total = 0;
    let prev: string | null = null;
    const t0 = performance.now();
    for (let s = 1; total < SCALE; s++) {
      const m = syntheticManifest(s, PER_MANIFEST, prev);
      const v = { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null };
      for (const store of [sqlite, pg] as InventoryStore[]) {
        const t = performance.now();
        const r = await commitVerifiedManifestInto(store, v, { folder: m.doc.workOrder.id, actor: 'bench', now: new Date() });
        spent[store.backend === 'sqlite' ? 'sqlite' : 'postgres'] += performance.now() - t;
        if (!r.created) throw new Error(`${m.doc.workOrder.id} was already imported`);
      }
      for (let k = 0; k < 100; k++) {
        const d = m.doc.devices[Math.floor(Math.random() * m.doc.devices.length)]!;
        probes.push({ serial: d.hardwareSerial, fingerprint: k % 2 ? d.certificate!.sha256 : d.certificate!.publicKeySha256 });
      }
      total += m.entries;
      prev = m.sha256;
      if (s % 5 === 0) console.error(`inventory scale: ${total} certificates in both stores, ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    }
    ws.db.pragma('wal_checkpoint(TRUNCATE)');
    await cluster.sql('scale', 'VACUUM ANALYZE inventory_devices');
    const importRate = { sqlite: Math.round(total / (spent.sqlite / 1000)), postgres: Math.round(total / (spent.postgres / 1000)) };
    console.error(
      `inventory scale fixture: ${total} certificates; import devices/s sqlite ${importRate.sqlite}, postgres ${importRate.postgres}; sqlite ${(duBytes(home) / 2 ** 30).toFixed(2)} GiB, postgres ${(duBytes(cluster.socketDir) / 2 ** 30).toFixed(2)} GiB`,
    );
    return { home, ws, sqlite, cluster, pg, pg2, total, probes, importRate, next: 1 };
  },
  async (f) => {
    await f.pg.close();
    await f.pg2.close();
    await f.cluster.dispose();
    f.ws.close();
    rmSync(f.home, { recursive: true, force: true });
  },
);

let f: Scale;
const setup = async () => {
  f = await scale();
};
const probe = () => f.probes[Math.floor(Math.random() * f.probes.length)]!;
const depth = () => Math.floor(Math.random() * (f.total - 500));

async function latencies(fn: () => Promise<unknown>, n = PROBES): Promise<{ p50: number; p99: number; max: number }> {
  const ms: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return { p50: round(median(ms)), p99: round(quantile(ms, 0.99)), max: round(Math.max(...ms)) };
}
const timed = async (fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  return round(performance.now() - t);
};

async function engineMetrics(store: InventoryStore): Promise<Record<string, number>> {
  const serial = await latencies(() => store.search({ serial: probe().serial, limit: 10 }));
  const fingerprint = await latencies(() => store.search({ fingerprint: probe().fingerprint, limit: 10 }));
  await store.page({ offset: 0, limit: 500 });
  const page = await latencies(() => store.page({ offset: depth(), limit: 500 }), 200);
  await store.page({ offset: 0, limit: 500, status: 'confirmed' });
  const confirmed = await latencies(() => store.page({ offset: Math.floor(Math.random() * (f.total * 0.9)), limit: 500, status: 'confirmed' }), 100);
  return {
    certificates: f.total,
    searchSerialP50Ms: serial.p50,
    searchSerialP99Ms: serial.p99,
    searchFingerprintP50Ms: fingerprint.p50,
    searchFingerprintP99Ms: fingerprint.p99,
    pageAnyDepthP50Ms: page.p50,
    pageAnyDepthMaxMs: page.max,
    pageConfirmedAnyDepthMaxMs: confirmed.max,
    statsMs: await timed(() => store.statusCounts()),
    fleetChainsMs: await timed(async () => stationChains(await store.manifests())),
  };
}

export default defineBenchmarks([
  {
    name: 'sqlite search by serial at scale',
    group: 'inventory-scale',
    baseline: true,
    description:
      'SqliteInventoryStore.search({ serial }) on the grown inventory (HALLMARK_BENCH_INVENTORY_SCALE, default 1,000,000); metrics: import rate, p50/p99 searches, pages at any depth',
    iterations: 300,
    setup,
    run: async () => {
      if ((await f.sqlite.search({ serial: probe().serial, limit: 10 })).length === 0) throw new Error('not found');
    },
    metrics: async () => {
      forgetPageIndexes(f.ws);
      const cold = await timed(() => f.sqlite.page({ offset: depth(), limit: 500, status: 'confirmed' }));
      const shared = await timed(() => f.sqlite.sharedPublicKeys(200));
      return { importDevicesPerSec: f.importRate.sqlite, ...(await engineMetrics(f.sqlite)), pageColdConfirmedMs: cold, sharedKeysColdMs: shared };
    },
  },
  {
    name: 'postgres search by serial at scale',
    group: 'inventory-scale',
    description: 'PgInventoryStore.search({ serial }) on the same inventory in PostgreSQL; metrics as for SQLite, plus two importers at once',
    iterations: 300,
    setup,
    run: async () => {
      if ((await f.pg.search({ serial: probe().serial, limit: 10 })).length === 0) throw new Error('not found');
    },
    metrics: async () => {
      const m = await engineMetrics(f.pg);
      // an import moves the version: the next page rebuilds its checkpoint index (a scan of the filter's index)
      const imported = async (store: PgInventoryStore, station: string, devices: number) => {
        const x = stationManifest(station, f.next, devices, null);
        await commitVerifiedManifestInto(
          store,
          { doc: x.doc, sha256: x.sha256, signerSha256: syntheticSigner, signingTime: null },
          { folder: station, actor: 'bench', now: new Date() },
        );
      };
      const t = performance.now();
      await Promise.all([imported(f.pg, 'SCALE-A', 10_000), imported(f.pg2, 'SCALE-B', 10_000)]);
      const two = Math.round(20_000 / ((performance.now() - t) / 1000));
      f.next++;
      const coldUnfiltered = await timed(() => f.pg.page({ offset: depth(), limit: 500 }));
      const coldConfirmed = await timed(() => f.pg.page({ offset: depth(), limit: 500, status: 'confirmed' }));
      const shared = await timed(() => f.pg.sharedPublicKeys(200));
      return {
        importDevicesPerSec: f.importRate.postgres,
        ...m,
        twoImportersDevicesPerSec: two,
        pageColdUnfilteredMs: coldUnfiltered,
        pageColdConfirmedMs: coldConfirmed,
        sharedKeysColdMs: shared,
      };
    },
  },
  {
    name: 'postgres search by fingerprint at scale',
    group: 'inventory-scale',
    description: 'PgInventoryStore.search({ fingerprint }) (certificate OR public-key SHA-256) at scale',
    iterations: 300,
    setup,
    run: async () => {
      if ((await f.pg.search({ fingerprint: probe().fingerprint, limit: 10 })).length === 0) throw new Error('not found');
    },
  },
  {
    name: 'postgres page at any depth at scale',
    group: 'inventory-scale',
    description: 'PgInventoryStore.page({ offset: random, limit: 500 }) unfiltered, checkpoint index warm (the screen scrolling)',
    iterations: 100,
    setup,
    run: async () => {
      if ((await f.pg.page({ offset: depth(), limit: 500 })).rows.length !== 500) throw new Error('short page');
    },
  },
]);
