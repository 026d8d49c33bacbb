import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitVerifiedManifestInto } from '../../main/inventory/import-manifest.js';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import type { InventoryStore } from '../../main/store/inventory-store.js';
import { openInventoryStore } from '../../main/store/open-inventory-store.js';
import { PgInventoryStore } from '../../main/store/postgres/pg-inventory-store.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { runCli } from '../support/run-cli.js';
import { stationEntry, stationManifest, syntheticSigner } from '../support/synthetic-inventory.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The PostgreSQL inventory against a real server started for this file (a cluster owned
 * by an unprivileged user, Unix socket only): importers racing each other, the server
 * killed mid-import, unreachable servers, wrong credentials, a newer schema, and the CLI.
 */
const withPg = postgresAvailable();
const tmp = tempDir('hallmark-inv-pg-');
let cluster: PgCluster;

beforeAll(async () => {
  if (withPg) cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
  tmp.dispose();
});

let clock = Date.parse('2026-04-01T10:00:00Z');
const commit = (store: InventoryStore, m: { doc: ManifestDocument; sha256: string }) =>
  commitVerifiedManifestInto(
    store,
    { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null },
    { folder: m.doc.workOrder.id, actor: 'clerk', now: new Date((clock += 1000)) },
  );
const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: { code?: string }) => ({ ok: false as const, code: error.code }),
  );

describe.runIf(withPg)('PostgreSQL inventory', () => {
  it('two importers on separate pools, in parallel, several rounds: every certificate once, one linear audit trail', async () => {
    const url = await cluster.createDatabase('race');
    // both start on an empty database at once: the schema is created once
    const [a, b] = await Promise.all([PgInventoryStore.open(url, { actor: 'importer-a' }), PgInventoryStore.open(url, { actor: 'importer-b' })]);
    try {
      const prev: Record<string, string | null> = { S1: null, S2: null, S3: null };
      const imported = new Set<string>();
      const certificates = new Set<string>();
      const take = (m: { doc: ManifestDocument; sha256: string }) => {
        imported.add(m.sha256);
        for (const d of m.doc.devices) certificates.add(d.certificate!.sha256);
      };
      for (let round = 1; round <= 5; round++) {
        const next = (station: string) => {
          const m = stationManifest(station, round, 1500, prev[station]!);
          prev[station] = m.sha256;
          return m;
        };
        const m1 = next('S1');
        const m2 = next('S2');
        const same = next('S3');
        // two stations' manifests naming the same device, each with its own active certificate: one wins, the other is a named conflict
        const d1 = stationManifest(`S4-${round}`, 1, 0, null, {
          entries: [stationEntry(`shared-${round}`, 'confirmed', 'one'), stationEntry(`own-a-${round}`, 'confirmed', 'one')],
        });
        const d2 = stationManifest(`S5-${round}`, 1, 0, null, {
          entries: [stationEntry(`shared-${round}`, 'confirmed', 'two'), stationEntry(`own-b-${round}`, 'confirmed', 'two')],
        });
        const [r1, r2, s1, s2, c1, c2] = await Promise.all([
          settle(commit(a, m1)),
          settle(commit(b, m2)),
          settle(commit(a, same)),
          settle(commit(b, same)),
          settle(commit(a, d1)),
          settle(commit(b, d2)),
        ]);
        expect([r1.ok, r2.ok, s1.ok, s2.ok]).toEqual([true, true, true, true]);
        take(m1);
        take(m2);
        // the same manifest from two machines: created exactly once
        expect([s1, s2].map((s) => s.ok && s.value.created).sort()).toEqual([false, true]);
        take(same);
        const wins = [c1, c2].filter((c) => c.ok);
        expect(wins).toHaveLength(1);
        expect([c1, c2].find((c) => !c.ok)).toMatchObject({ code: 'INVENTORY_CONFLICT' });
        take(c1.ok ? d1 : d2);
      }
      expect(await a.countDevices()).toBe(certificates.size);
      const [counts] = await cluster.sql<{ n: number; d: number; m: number }>(
        'race',
        'SELECT COUNT(*)::int AS n, COUNT(DISTINCT certificate_sha256)::int AS d, (SELECT COUNT(*)::int FROM inventory_manifests) AS m FROM inventory_devices',
      );
      expect(counts).toEqual({ n: certificates.size, d: certificates.size, m: imported.size });

      const audit = await b.auditEntries();
      expect(audit.map((e) => e.seq)).toEqual(audit.map((_, i) => i + 1));
      expect(audit.filter((e) => e.action === 'inventory.created')).toHaveLength(1);
      const logged = audit.filter((e) => e.action === 'inventory.imported').map((e) => e.details.sha256 as string);
      expect(logged.length).toBe(imported.size);
      expect(new Set(logged)).toEqual(imported);
      expect(await a.verifyAudit()).toMatchObject({ ok: true, count: audit.length });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('a server killed mid-import rolls the whole manifest back; the next import succeeds once it is back', async () => {
    const url = await cluster.createDatabase('crash');
    const store = await PgInventoryStore.open(url, { actor: 'clerk' });
    const m1 = stationManifest('K1', 1, 100, null);
    const m2 = stationManifest('K1', 2, 20_000, m1.sha256);
    await commit(store, m1);
    const auditBefore = await store.auditEntries();

    // Hold the audit head: the import writes its manifest row and all 20,000 certificates, then waits on the head — mid-transaction.
    const blocker = new pg.Client({ connectionString: url });
    blocker.on('error', () => undefined);
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('SELECT * FROM inventory_audit_head FOR UPDATE');
    const importing = settle(commit(store, m2));
    for (let i = 0; ; i++) {
      const [w] = await cluster.sql<{ n: number }>(
        'crash',
        "SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE 'SELECT seq, hash FROM inventory_audit_head%'",
      );
      if (w!.n === 1) break;
      if (i > 400) throw new Error('the import never reached its audit append');
      await new Promise((r) => setTimeout(r, 25));
    }
    await cluster.stop('immediate');
    expect(await importing).toMatchObject({ ok: false, code: 'INVENTORY_DB_CONNECTION_LOST' });
    await blocker.end().catch(() => undefined);
    // while it is down: a coded error, not a hang
    expect(await settle(openInventoryStore(url, { actor: 'clerk' }))).toMatchObject({ ok: false, code: 'INVENTORY_DB_UNREACHABLE' });
    await store.close();

    await cluster.start();
    const again = await PgInventoryStore.open(url, { actor: 'clerk' });
    try {
      expect((await again.manifests()).map((m) => m.sha256)).toEqual([m1.sha256]);
      expect(await again.countDevices()).toBe(100);
      expect(await again.auditEntries()).toEqual(auditBefore);
      const r = await commit(again, m2);
      expect(r.created).toBe(true);
      expect(await again.countDevices()).toBe(20_100);
      expect(await again.verifyAudit()).toMatchObject({ ok: true, count: auditBefore.length + 1 });
    } finally {
      await again.close();
    }
  });

  it('bad configuration is a coded error: unreachable, wrong credentials, no privilege, newer schema, not ours', async () => {
    const code = async (url: string) => {
      const r = await settle(openInventoryStore(url, { actor: 'clerk' }));
      if (r.ok) await r.value.close();
      return r.ok ? 'opened' : r.code;
    };
    expect(await code('mysql://localhost/x')).toBe('INVENTORY_DB_URL_INVALID');
    expect(await code(`postgres://hallmark@/x?host=${join(tmp.path, 'no-such-dir')}`)).toBe('INVENTORY_DB_UNREACHABLE');
    expect(await code('postgres://clerk:s3cret@127.0.0.1:1/inventory')).toBe('INVENTORY_DB_UNREACHABLE');
    const refused = await settle(openInventoryStore('postgres://clerk:s3cret@127.0.0.1:1/inventory', { actor: 'clerk' }));
    expect(JSON.stringify(refused)).not.toContain('s3cret');
    expect(await code(cluster.url('no_such_database'))).toBe('INVENTORY_DB_UNREACHABLE');

    const url = await cluster.createDatabase('config');
    const owner = await PgInventoryStore.open(url, { actor: 'custodian' });
    const c1 = stationManifest('C1', 1, 5, null);
    await commit(owner, c1);
    await owner.close();
    await cluster.sql('config', "CREATE ROLE searcher LOGIN PASSWORD 'right'");
    expect(await code(cluster.url('config', { user: 'searcher', password: 'wrong' }))).toBe('INVENTORY_DB_AUTH_FAILED');
    expect(await code(cluster.url('config', { user: 'searcher', password: 'right' }))).toBe('INVENTORY_DB_PERMISSION_DENIED');
    // a read-only search role: searches, cannot import
    await cluster.sql('config', 'GRANT SELECT ON ALL TABLES IN SCHEMA public TO searcher');
    const ro = await PgInventoryStore.open(cluster.url('config', { user: 'searcher', password: 'right' }), { actor: 'support' });
    try {
      expect(await ro.search({ serial: 'C1-000003', limit: 5 })).toHaveLength(1);
      expect(await settle(commit(ro, stationManifest('C1', 2, 5, c1.sha256)))).toMatchObject({ ok: false, code: 'INVENTORY_DB_PERMISSION_DENIED' });
    } finally {
      await ro.close();
    }

    // a schema from a newer Hallmark: refused, nothing altered
    await cluster.sql('config', "INSERT INTO schema_version (version, name) VALUES (99, 'from-the-future')");
    const snapshot = () =>
      cluster.sql(
        'config',
        "SELECT (SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_version) AS v, (SELECT COUNT(*)::int FROM inventory_audit_log) AS a, (SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = 'public') AS t",
      );
    const before = await snapshot();
    expect(await code(url)).toBe('INVENTORY_DB_SCHEMA_NEWER');
    expect(await snapshot()).toEqual(before);

    await cluster.createDatabase('foreign');
    await cluster.sql('foreign', 'CREATE TABLE inventory_devices (id int)');
    expect(await code(cluster.url('foreign'))).toBe('INVENTORY_DB_NOT_HALLMARK');
  });

  it('the CLI imports a real folder into PostgreSQL (--db or HALLMARK_INVENTORY_DB), twice at once from two processes, with receipts, search and audit verify', async () => {
    const { dir, rootPem } = await exportedBatch(join(tmp.path, 'cli'), 'WO-PG1');
    const url = await cluster.createDatabase('cli');
    const env = { HALLMARK_ACTOR: 'clerk' };
    const [p1, p2] = await Promise.all([
      runCli(['--json', 'inventory', 'import', dir, '--trust', rootPem, '--db', url, '--receipt', join(tmp.path, 'r1.json')], env),
      runCli(['--json', 'inventory', 'import', dir, '--trust', rootPem, '--receipt', join(tmp.path, 'r2.json')], { ...env, HALLMARK_INVENTORY_DB: url }),
    ]);
    expect([p1.code, p2.code, p1.stderr, p2.stderr]).toEqual([0, 0, '', '']);
    const created = [p1, p2].map((p) => (JSON.parse(p.stdout) as { imported: { created: boolean }[] }).imported[0]!.created).sort();
    expect(created).toEqual([false, true]);
    type Receipt = { counts: { certificates: number }; receivedBy: { workspaceId: string } };
    const r1 = JSON.parse(readFileSync(join(tmp.path, 'r1.json'), 'utf8')) as Receipt;
    const r2 = JSON.parse(readFileSync(join(tmp.path, 'r2.json'), 'utf8')) as Receipt;
    expect(r1.counts).toEqual(r2.counts);
    expect(r1.receivedBy.workspaceId).toBe(r2.receivedBy.workspaceId);
    const [meta] = await cluster.sql<{ value: string }>('cli', "SELECT value FROM inventory_meta WHERE key = 'inventory_id'");
    expect(r1.receivedBy.workspaceId).toBe(meta!.value);

    const search = await runCli(['--json', 'inventory', 'search', '--batch', 'WO-PG1', '--db', url], env);
    expect(search.code).toBe(0);
    expect((JSON.parse(search.stdout) as unknown[]).length).toBe(r1.counts.certificates);
    const batches = await runCli(['--json', 'inventory', 'batches'], { ...env, HALLMARK_INVENTORY_DB: url });
    expect(JSON.parse(batches.stdout)).toMatchObject({ imported: [{ batchId: 'WO-PG1' }], exported: [] });
    const verify = await runCli(['audit', 'verify', '--db', url], env);
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/audit chain verified: 4 entries/); // created, imported, two receipts

    const down = await runCli(['inventory', 'search', '--db', `postgres://hallmark@/x?host=${join(tmp.path, 'gone')}`], env);
    expect(down.code).toBe(2);
    expect(down.stderr).toMatch(/^error: INVENTORY_DB_UNREACHABLE: /);
  }, 60_000);
});
