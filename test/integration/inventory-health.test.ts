import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { fleetHealth } from '../../main/inventory/health/fleet-health.js';
import { readExpiryAndKey } from '../../main/inventory/health/read-expiry-and-key.js';
import { readIssuerName } from '../../main/inventory/reconcile/read-issuer-name.js';
import { parseCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { readRegistryExport, REGISTRY_EXPORT_LIMITS } from '../../main/inventory/reconcile/read-registry-export.js';
import { reconcileRegistry } from '../../main/inventory/reconcile/reconcile-registry.js';
import { reconcileReportHtml } from '../../main/inventory/reconcile/reconcile-report-html.js';
import type { InventoryStore } from '../../main/store/inventory-store.js';
import { PgInventoryStore } from '../../main/store/postgres/pg-inventory-store.js';
import { SqliteInventoryStore } from '../../main/store/sqlite-inventory-store.js';
import { Workspace } from '../../main/store/workspace.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';
import {
  BULK,
  hasFleetPython,
  makeFleetCertificates,
  populateFleet,
  registryExportFolder,
  sha,
  spkiSha,
  type FleetCertificates,
} from '../support/fleet-health-fixture.js';
import { TestDialogs } from '../host/test-dialogs.js';

/**
 * Issue #14 on both engines: the fleet's health (expiry by month, key algorithms, one key
 * on two devices) and a cloud registry export reconciled against the inventory, with real
 * certificates made by python3-cryptography and a bad folder (a non-certificate, a huge
 * file, a symlink, a folder) reported file by file, the inventory untouched.
 */
const hasPython = hasFleetPython();
const withPg = postgresAvailable();
const tmp = tempDir('hallmark-inv-health-');
const NOW = new Date('2027-01-15T00:00:00Z');
let certs: FleetCertificates = {};
let cluster: PgCluster | undefined;
const populate = (store: InventoryStore) => populateFleet(store, certs);
const exportFolder = () => registryExportFolder(tmp.path, certs);

beforeAll(async () => {
  if (!hasPython) return;
  certs = makeFleetCertificates();
  if (withPg) cluster = await startPostgres();
}, 60_000);

afterAll(async () => {
  await cluster?.dispose();
  tmp.dispose();
});

let dbCount = 0;
const backends: { name: string; open(): Promise<InventoryStore> }[] = [
  { name: 'sqlite', open: async () => new SqliteInventoryStore(Workspace.init(join(tmp.path, `ws-${++dbCount}`), 'custodian').workspace, true) },
  { name: 'postgres', open: async () => PgInventoryStore.open(await cluster!.createDatabase(`health_${++dbCount}`), { actor: 'custodian' }) },
];

describe.each(backends.filter((b) => b.name === 'sqlite' || withPg))('inventory health and reconcile: $name', (backend) => {
  let store: InventoryStore;
  beforeAll(async () => {
    if (!hasPython) return;
    store = await backend.open();
    await populate(store);
  }, 60_000);
  afterAll(async () => store?.close());

  it('charts expiry by month, counts algorithms, excludes no-expiry certificates and names the devices sharing a key', async ({ skip }) => {
    if (!hasPython) return skip();
    const started = performance.now();
    const h = await fleetHealth(store, { withinDays: 365, now: NOW, maxListed: 10 });
    const ms = performance.now() - started;
    expect(h.active).toBe(BULK + 6);
    expect(h.expiry).toMatchObject({ expired: 1, expiring: BULK + 3, noWellDefinedExpiry: 1, certificatesTruncated: true });
    expect(h.expiry.months.map((m) => m.month)).toEqual([
      '2027-01',
      '2027-02',
      '2027-03',
      '2027-04',
      '2027-05',
      '2027-06',
      '2027-07',
      '2027-08',
      '2027-09',
      '2027-10',
      '2027-11',
      '2027-12',
      '2028-01',
    ]);
    expect(Object.fromEntries(h.expiry.months.filter((m) => m.count > 0).map((m) => [m.month, m.count]))).toEqual({ '2027-02': 2, '2027-06': BULK + 1 });
    // soonest first; the superseded d6 and revoked d8 are out of service and not listed
    expect(h.expiry.certificates.slice(0, 2).map((c) => [c.hardwareSerial, c.notAfter])).toEqual([
      ['A-1', '2027-02-10T00:00:00.000Z'],
      ['B-5', '2027-02-20T00:00:00.000Z'],
    ]);
    expect(h.algorithms).toEqual([
      { algorithm: 'ECDSA P-256', count: BULK + 4 },
      { algorithm: 'Ed25519', count: 1 },
      { algorithm: 'RSA 2048-bit', count: 1 },
    ]);
    expect(h.unreadable).toBe(0);
    expect(h.sharedKeys).toHaveLength(1);
    expect(h.sharedKeys[0]!.publicKeySha256).toBe(spkiSha(certs.d1!));
    expect(h.sharedKeys[0]!.pairs).toEqual([['A-1 (SIM1, WO-ST-A-1, station ST-A)', 'B-5 (SIM1, WO-ST-B-1, station ST-B)']]);
    expect(ms).toBeLessThan(5000);
  });

  it('reconciles a folder: matched, retired (superseded and revoked), unauthorized, unknown, and each bad file by name; nothing written', async ({ skip }) => {
    if (!hasPython) return skip();
    const before = { devices: await store.countDevices(), audit: (await store.auditEntries()).length };
    const exported = readRegistryExport(exportFolder());
    const r = await reconcileRegistry(store, exported, { now: NOW });
    expect(r).toMatchObject({ registered: 5, matched: 1 });
    expect(r.retired.map((x) => [x.source, x.hardwareSerial, x.status])).toEqual([
      ['d6.pem', 'A-6', 'superseded'],
      ['d8.der', 'A-8', 'revoked'],
    ]);
    expect(r.unauthorized.map((x) => [x.source, x.subject, x.certificateSha256])).toEqual([['bundle.pem#1', 'CN=rogue', sha(certs.unauthorized!)]]);
    expect(r.unknown.map((x) => [x.source, x.issuer])).toEqual([['bundle.pem#2', 'CN=Somebody Else CA']]);
    expect(Object.fromEntries(r.problems.map((p) => [p.source, p.code]))).toEqual({
      'fake.pem': 'RECONCILE_NOT_A_CERTIFICATE',
      'huge.pem': 'FILE_TOO_LARGE',
      'link.pem': 'FILE_SYMLINK_REFUSED',
      'notes.txt': 'RECONCILE_NOT_A_CERTIFICATE',
      subdir: 'FILE_NOT_REGULAR',
    });
    expect(JSON.stringify(r)).not.toContain('SECRET-NOTE-CONTENT');
    expect({ devices: await store.countDevices(), audit: (await store.auditEntries()).length }).toEqual(before);

    const html = reconcileReportHtml(r);
    expect(html).toContain('CN=rogue');
    expect(html).toContain('FINDINGS');
    expect(html).not.toContain('SECRET-NOTE-CONTENT');
    expect(html).not.toMatch(/<script/i);
  });

  it('reconciles a CSV of fingerprints as the clouds list them (colons, upper case, a header), a bad line named', async ({ skip }) => {
    if (!hasPython) return skip();
    const csv = join(tmp.path, `registry-${backend.name}.csv`);
    const colons = (hex: string) => hex.toUpperCase().replace(/(..)(?!$)/g, '$1:');
    writeFileSync(
      csv,
      `certificateId,thingName\n${colons(sha(certs.d1!))},thing-1\n"${sha(certs.d8!)}",thing-8\n${sha(certs.foreign!)},thing-x\nhello,world\n`,
    );
    const r = await reconcileRegistry(store, readRegistryExport(csv), { now: NOW });
    expect(r.export.kind).toBe('fingerprint-csv');
    expect(r).toMatchObject({ registered: 3, matched: 1 });
    expect(r.retired.map((x) => [x.source, x.status])).toEqual([['line 3', 'revoked']]);
    expect(r.unknown.map((x) => [x.source, x.certificateSha256, x.subject])).toEqual([['line 4', sha(certs.foreign!), null]]);
    expect(r.problems).toEqual([
      { source: 'line 5', code: 'RECONCILE_LINE_INVALID', message: expect.stringMatching(/^line 5 of .* holds no certificate SHA-256/) },
    ]);
    expect(r.problems[0]!.message).not.toContain('hello');
  });
});

describe('hallmark inventory health / reconcile (CLI)', () => {
  it('prints the health, writes the reconcile report outside the workspace and exits 1 on findings', async ({ skip }) => {
    if (!hasPython) return skip();
    const home = join(tmp.path, 'cli-home');
    const ws = Workspace.init(home, 'custodian').workspace;
    await populate(new SqliteInventoryStore(ws, true));
    ws.close();

    const health = await runCli(['--home', home, '--json', 'inventory', 'health', '--days', '3650']);
    expect(health.stderr).toBe('');
    expect(health.code).toBe(0);
    const h = JSON.parse(health.stdout) as { active: number; expiry: { noWellDefinedExpiry: number }; sharedKeys: { pairs: string[][] }[] };
    expect(h.active).toBe(BULK + 6);
    expect(h.expiry.noWellDefinedExpiry).toBe(1);
    expect(h.sharedKeys[0]!.pairs[0]).toEqual(['A-1 (SIM1, WO-ST-A-1, station ST-A)', 'B-5 (SIM1, WO-ST-B-1, station ST-B)']);

    const dir = exportFolder();
    const report = join(tmp.path, 'reconcile-report');
    const r = await runCli(['--home', home, 'inventory', 'reconcile', dir, '--report', report]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/RECONCILE_FINDINGS/);
    expect(r.stdout).toMatch(/UNAUTHORIZED bundle\.pem#1/);
    expect(r.stdout).toMatch(/RETIRED d6\.pem: A-6 .* is superseded/);
    expect(r.stdout).toMatch(/NOT READ huge\.pem: FILE_TOO_LARGE/);
    const html = readFileSync(`${report}.html`, 'utf8');
    expect(html).toContain('CN=rogue');
    const audited = Workspace.open(home, 'check');
    try {
      const refused = audited.audit
        .query({ action: 'media.refused', limit: 100 })
        .entries.map((e) => [e.subject, (e.details as { operation: string; code: string }).code]);
      expect(refused).toEqual([
        [join(dir, 'huge.pem'), 'FILE_TOO_LARGE'],
        [join(dir, 'link.pem'), 'FILE_SYMLINK_REFUSED'],
        [join(dir, 'subdir'), 'FILE_NOT_REGULAR'],
      ]);
    } finally {
      audited.close();
    }
    expect(html).not.toContain('SECRET-NOTE-CONTENT');

    const again = await runCli(['--home', home, 'inventory', 'reconcile', dir, '--report', report]);
    expect(again.stderr).toMatch(/exists|EXISTS/);
    const inside = await runCli(['--home', home, 'inventory', 'reconcile', dir, '--report', join(home, 'r.html')]);
    expect(inside.stderr).toMatch(/OUTPUT_INSIDE_WORKSPACE/);
    expect(existsSync(join(home, 'r.html'))).toBe(false);
  }, 60_000);
});

describe('inventory.health / inventory.reconcile / inventory.saveReconcileReport through dispatch', () => {
  it('validates inputs, reconciles read-only, and writes the report only where the save dialog says', async ({ skip }) => {
    if (!hasPython) return skip();
    const ws = Workspace.init(join(tmp.path, 'api-home'), 'custodian').workspace;
    try {
      await populate(new SqliteInventoryStore(ws, true));
      const dialogs = new TestDialogs();
      const handlers = createCoreHandlers(ws, undefined, undefined, { saves: dialogs.saver });
      const call = (op: string, input: unknown) => dispatch(handlers, op, input);
      expect(await call('inventory.health', { withinDays: 0 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(await call('inventory.reconcile', { path: 'a\0b' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

      const h = await call('inventory.health', { withinDays: 3650 });
      expect(h).toMatchObject({ ok: true, value: { active: BULK + 6, expiry: { noWellDefinedExpiry: 1 } } });

      const dir = exportFolder();
      const r = await call('inventory.reconcile', { path: dir });
      expect(r).toMatchObject({ ok: true, value: { registered: 5, matched: 1, counts: { unauthorized: 1, retired: 2, unknown: 1, problems: 5 } } });
      expect(await call('inventory.reconcile', { path: join(tmp.path, 'nowhere') })).toMatchObject({ ok: false, error: { code: 'RECONCILE_SOURCE_INVALID' } });
      const refused = ws.audit.query({ offset: 0, limit: 100, action: 'media.refused' }).entries.map((e) => [e.subject, (e.details as { code: string }).code]);
      expect(refused).toEqual(
        expect.arrayContaining([
          [join(dir, 'huge.pem'), 'FILE_TOO_LARGE'],
          [join(dir, 'link.pem'), 'FILE_SYMLINK_REFUSED'],
          [join(dir, 'subdir'), 'FILE_NOT_REGULAR'],
        ]),
      );

      expect(await call('inventory.saveReconcileReport', { path: dir, out: '/tmp/x.html' })).toMatchObject({
        ok: false,
        error: { code: 'OUTPUT_PATH_FROM_RENDERER' },
      });
      dialogs.answerSave(join(ws.home, 'inside'));
      expect(await call('inventory.saveReconcileReport', { path: dir })).toMatchObject({ ok: false, error: { code: 'OUTPUT_INSIDE_WORKSPACE' } });
      const out = join(tmp.path, 'api-report');
      dialogs.answerSave(out);
      expect(await call('inventory.saveReconcileReport', { path: dir })).toMatchObject({ ok: true, value: { path: `${out}.html`, findings: true } });
      expect(readFileSync(`${out}.html`, 'utf8')).toContain('CN=rogue');
      expect(dialogs.saveRequests.at(-1)).toMatchObject({ purpose: 'reconcile-report', extension: 'html' });
      dialogs.answerSave(null);
      expect(await call('inventory.saveReconcileReport', { path: dir })).toEqual({ ok: true, value: null });
    } finally {
      ws.close();
    }
  }, 30_000);
});

describe('a registry export that is refused whole', () => {
  it('refuses too many files, too many bytes, a symlinked or special source, and a missing one, each by code', async () => {
    const dir = join(tmp.path, 'many');
    mkdirSync(dir);
    for (let i = 0; i < 4; i++) writeFileSync(join(dir, `c${i}.pem`), 'x'.repeat(100));
    const limits = { ...REGISTRY_EXPORT_LIMITS, maxFiles: 3 };
    const codeOf = (f: () => unknown) => {
      try {
        f();
        return 'read';
      } catch (e) {
        return (e as { code?: string }).code;
      }
    };
    expect(codeOf(() => readRegistryExport(dir, limits))).toBe('RECONCILE_TOO_MANY_FILES');
    expect(codeOf(() => readRegistryExport(dir, { ...REGISTRY_EXPORT_LIMITS, maxTotalBytes: 250 }))).toBe('RECONCILE_TOO_LARGE');
    const csv = join(tmp.path, 'big.csv');
    writeFileSync(csv, `${'0'.repeat(64)}\n`.repeat(10));
    expect(codeOf(() => readRegistryExport(csv, { ...REGISTRY_EXPORT_LIMITS, maxCsvBytes: 100 }))).toBe('FILE_TOO_LARGE');
    symlinkSync(dir, join(tmp.path, 'linked'));
    expect(codeOf(() => readRegistryExport(join(tmp.path, 'linked')))).toBe('FILE_SYMLINK_REFUSED');
    execFileSync('mkfifo', [join(tmp.path, 'fifo')]);
    expect(codeOf(() => readRegistryExport(join(tmp.path, 'fifo')))).toBe('FILE_NOT_REGULAR');
    expect(codeOf(() => readRegistryExport(join(tmp.path, 'nowhere')))).toBe('RECONCILE_SOURCE_INVALID');
    const binary = join(tmp.path, 'binary.csv');
    writeFileSync(binary, Buffer.from([1, 0, 2, 0]));
    expect(codeOf(() => readRegistryExport(binary))).toBe('RECONCILE_SOURCE_INVALID');
  });
});

describe('the light readers agree with the full certificate reader', () => {
  it('reads the same notAfter, key and issuer from every fixture certificate', ({ skip }) => {
    if (!hasPython) return skip();
    for (const der of Object.values(certs)) {
      const full = parseCertificateFast(der);
      const light = readExpiryAndKey(der);
      expect([light.notAfter.toISOString(), light.spki.toString('hex'), light.spkiAlgorithm]).toEqual([
        full.notAfter.toISOString(),
        full.spki.toString('hex'),
        full.spkiAlgorithm,
      ]);
      expect(readIssuerName(der)?.toString('hex')).toBe(full.issuerDer.toString('hex'));
    }
  });
});
