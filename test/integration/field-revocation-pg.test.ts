import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { importManifestFolderInto } from '../../main/inventory/import-manifest.js';
import type { SyncSigningKey } from '../../main/keys/signing-key.js';
import { readTrustAnchors } from '../../main/manifest/verify/read-trust-anchors.js';
import { createInventoryKey } from '../../main/revocation/create-inventory-key.js';
import { createRevocationRequest } from '../../main/revocation/create-revocation-request.js';
import { importCrl } from '../../main/revocation/import-crl.js';
import { inventoryTrustFromCertificate } from '../../main/revocation/inventory-key-trust.js';
import { issueCrlFromRequest } from '../../main/revocation/issue-crl-from-request.js';
import { readCrl } from '../../main/revocation/read-crl.js';
import { readRevocationRequest } from '../../main/revocation/read-revocation-request.js';
import type { InventoryRevocations } from '../../main/store/inventory-revocations.js';
import { PG_MIGRATIONS } from '../../main/store/postgres/migrations/index.js';
import { PgInventoryStore } from '../../main/store/postgres/pg-inventory-store.js';
import { SettingsRepository } from '../../main/store/settings-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import type { ParsedCertificate } from '../../main/x509/certificate-facts.js';
import { parseCertificateFast } from '../../main/x509/certificate-facts-fast.js';
import { closedBatch, exportTo, manifestWorkspace, type ManifestWorkspace } from '../support/manifest-fixture.js';
import { toPem } from '../support/pem.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { requiredTool } from '../support/required-tool.js';
import { runCli } from '../support/run-cli.js';
import { newSoftwareKey, TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * Field revocation on a PostgreSQL inventory (a real cluster, Unix socket only): two
 * stations requesting the same device at once, two machines importing the same CRL at
 * once, an older CRL and bad CRLs refused with nothing written, the schema guards, the
 * result checked by `openssl verify -crl_check`, and the CLI following the workspace's
 * `inventory.db` setting.
 */
const withPg = postgresAvailable();
const hasOpenssl = requiredTool(spawnSync('openssl', ['version']).status === 0, 'openssl', 'openssl');
const tmp = tempDir('hallmark-field-revocation-pg-');
let cluster: PgCluster;
let m: ManifestWorkspace;
let inv: Workspace;
let invKey: SyncSigningKey;
let trusted: ParsedCertificate;
let anchors: ParsedCertificate[];
let mfgCert: ParsedCertificate;
let chainPem: string;
let serials: string[];
const usb = join(tmp.path, 'usb', 'WO-PG-R1');

beforeAll(async () => {
  if (!withPg) return;
  const started = startPostgres();
  m = await manifestWorkspace(join(tmp.path, 'factory'));
  serials = await closedBatch(m, 'WO-PG-R1');
  await exportTo(m, 'WO-PG-R1', usb);
  anchors = readTrustAnchors(readFileSync(m.rootPem));
  mfgCert = parseCertificateFast(m.caChain[0]!);
  chainPem = join(tmp.path, 'chain.pem');
  writeFileSync(chainPem, m.caChain.map((d) => toPem(d)).join(''));
  inv = Workspace.init(join(tmp.path, 'inventory'), 'clerk').workspace;
  invKey = await newSoftwareKey(inv, 'inventory-key', 'ecdsa-p256');
  const keyRow = await createInventoryKey(inv, { key: invKey, actor: 'clerk' });
  trusted = inventoryTrustFromCertificate(Buffer.from(toPem(keyRow.certificate))).certificate;
  cluster = await started;
}, 60_000);

afterAll(async () => {
  m?.ws.close();
  inv?.close();
  await cluster?.dispose();
  tmp.dispose();
});

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    return (e as { code: string }).code;
  }
  return 'no error';
}

const settle = <T>(p: Promise<T>) =>
  p.then(
    (value) => ({ ok: true as const, value }),
    (error: { code?: string }) => ({ ok: false as const, code: error.code }),
  );

describe.runIf(withPg)('field revocation on a PostgreSQL inventory', () => {
  it('two stations request at once, two machines import at once: each device requested and revoked once; bad and older CRLs change nothing; openssl agrees', async () => {
    const url = await cluster.createDatabase('fleet');
    const [a, b] = await Promise.all([PgInventoryStore.open(url, { actor: 'station-a' }), PgInventoryStore.open(url, { actor: 'station-b' })]);
    try {
      await importManifestFolderInto(a, usb, { anchors, actor: 'clerk' });
      const ra = a.revocations();
      const rb = b.revocations();
      const request = (r: InventoryRevocations, serial: string, out: string) =>
        createRevocationRequest(r, {
          selection: { serials: [serial] },
          reason: 'keyCompromise',
          key: invKey,
          workspace: inv,
          outDir: join(tmp.path, out),
          actor: 'clerk',
        });
      const device = async (serial: string) => (await ra.search({ serial, limit: 10 })).find((d) => d.status !== 'superseded')!;

      // the same device from two stations, and another device, all at once
      const [one, two, other] = await Promise.all([
        settle(request(ra, serials[0]!, 'req-a')),
        settle(request(rb, serials[0]!, 'req-b')),
        settle(request(rb, serials[1]!, 'req-c')),
      ]);
      expect([one.ok, two.ok].sort()).toEqual([false, true]);
      expect([one, two].find((r) => !r.ok)).toMatchObject({ code: 'REVOCATION_ALREADY_REQUESTED' });
      expect(other.ok).toBe(true);
      // the refused one wrote no file
      expect([existsSync(join(tmp.path, 'req-a')), existsSync(join(tmp.path, 'req-b'))].sort()).toEqual([false, true]);
      const winner = join(tmp.path, one.ok ? 'req-a' : 'req-b', 'revocation-request.json');
      const [d0, d1, d2] = await Promise.all(serials.slice(0, 3).map(device));
      expect(await rb.pendingCertificates()).toEqual(new Set([d0!.certificateSha256, d1!.certificateSha256]));
      expect(await ra.requests()).toMatchObject([
        { entries: 1, pending: 1, covered: 0 },
        { entries: 1, pending: 1, covered: 0 },
      ]);
      expect((await cluster.sql<{ n: number }>('fleet', 'SELECT COUNT(*)::int AS n FROM revocation_request_entries'))[0]!.n).toBe(2);
      // what --export writes again is the exact request the CA is given
      const stored = (await ra.request((JSON.parse(readFileSync(winner, 'utf8')) as { requestId: string }).requestId))!;
      expect(stored.document.equals(readFileSync(winner))).toBe(true);

      // the offline CA: CRL 1 from the winning request, CRL 2 from the other (listing both), CRL 3 after them
      const crl1 = (
        await issueCrlFromRequest(m.ws, { ca: 'mfg', caKey: m.caKey, request: readRevocationRequest(winner, trusted), nextUpdateDays: 30, actor: 'custodian' })
      ).der;
      const crl2 = (
        await issueCrlFromRequest(m.ws, {
          ca: 'mfg',
          caKey: m.caKey,
          request: readRevocationRequest(join(tmp.path, 'req-c', 'revocation-request.json'), trusted),
          nextUpdateDays: 30,
          actor: 'custodian',
        })
      ).der;
      const crl3 = (await issueCrl(m.ws, { ca: 'mfg', caKey: m.caKey, nextUpdateDays: 30, actor: 'custodian' })).der;

      // the same CRL from two machines at once: imported once
      const [i1, i2] = await Promise.all([
        importCrl(ra, readCrl(crl1), { anchors, issuers: [mfgCert], actor: 'station-a' }),
        importCrl(rb, readCrl(crl1), { anchors, issuers: [mfgCert], actor: 'station-b' }),
      ]);
      expect([i1.created, i2.created].sort()).toEqual([false, true]);
      // the reworked device's first certificate is listed too, superseded here already
      expect([i1, i2].find((r) => r.created)).toMatchObject({ crlNumber: 1, revoked: 1, alreadyRetired: 1, requestsCovered: 1, requestsPending: 1 });

      const snapshot = async () =>
        (
          await cluster.sql(
            'fleet',
            `SELECT (SELECT COUNT(*)::int FROM inventory_crls) AS crls, (SELECT COUNT(*)::int FROM inventory_crl_revocations) AS revoked,
                    (SELECT COUNT(*)::int FROM revocation_request_entries WHERE crl_sha256 IS NULL) AS pending,
                    (SELECT COUNT(*)::int FROM inventory_devices WHERE status = 'revoked') AS devices, (SELECT MAX(seq)::int FROM inventory_audit_log) AS audit`,
          )
        )[0];
      const before = await snapshot();
      expect(before).toMatchObject({ crls: 1, revoked: 1, pending: 1, devices: 1 });
      const bad = Buffer.from(crl3);
      bad[bad.length - 5] = bad[bad.length - 5]! ^ 0x01;
      expect(await codeOf(importCrl(ra, readCrl(bad), { anchors, issuers: [mfgCert], actor: 'clerk' }))).toBe('CRL_UNTRUSTED');
      expect(await codeOf(importCrl(ra, readCrl(crl3), { anchors, actor: 'clerk' }))).toBe('CRL_UNTRUSTED');
      expect(await codeOf(() => readCrl(crl3.subarray(0, crl3.length - 3)))).toBe('CRL_UNREADABLE');
      expect(await snapshot()).toEqual(before);

      // CRL 3 from both machines at once, then CRL 2 (older) refused and CRL 1 again a no-op
      const [j1, j2] = await Promise.all([
        importCrl(ra, readCrl(crl3), { anchors, issuers: [mfgCert], actor: 'station-a' }),
        importCrl(rb, readCrl(crl3), { anchors, issuers: [mfgCert], actor: 'station-b' }),
      ]);
      expect([j1, j2].filter((r) => r.created)).toMatchObject([{ crlNumber: 3, revoked: 1, alreadyRetired: 2, requestsCovered: 1, requestsPending: 0 }]);
      const after = await snapshot();
      expect(after).toMatchObject({ crls: 2, revoked: 2, pending: 0, devices: 2 });
      expect(await codeOf(importCrl(rb, readCrl(crl2), { anchors, issuers: [mfgCert], actor: 'clerk' }))).toBe('CRL_OLDER_THAN_IMPORTED');
      expect(await importCrl(rb, readCrl(crl1), { anchors, issuers: [mfgCert], actor: 'clerk' })).toMatchObject({ created: false, requestsPending: 0 });
      expect(await snapshot()).toEqual(after);
      expect(await ra.requests()).toMatchObject([
        { pending: 0, covered: 1 },
        { pending: 0, covered: 1 },
      ]);
      expect(await ra.pendingDevices()).toEqual([]);
      for (const d of [d0!, d1!]) expect(await a.byCertificate(d.certificateSha256)).toMatchObject({ status: 'revoked', revocationReason: 'keyCompromise' });
      expect((await a.byCertificate(d2!.certificateSha256))!.status).toBe('confirmed');

      // the guards: imported CRLs, requests and covered entries never change
      for (const sql of [
        "UPDATE inventory_crls SET issuer_name = 'x'",
        'DELETE FROM revocation_requests',
        "UPDATE revocation_request_entries SET reason = 'superseded'",
        'UPDATE revocation_request_entries SET crl_sha256 = NULL',
        'DELETE FROM inventory_crl_revocations',
        'TRUNCATE revocation_request_entries CASCADE',
      ])
        await expect(cluster.sql('fleet', sql), sql).rejects.toThrow(/INVENTORY_IMMUTABLE/);

      const actions = (await a.auditEntries()).map((e) => e.action).filter((x) => x.startsWith('inventory.crl') || x.startsWith('inventory.revocation'));
      expect(actions.sort()).toEqual(['inventory.crl-imported', 'inventory.crl-imported', 'inventory.revocation-requested', 'inventory.revocation-requested']);
      expect((await b.verifyAudit()).ok).toBe(true);

      if (!hasOpenssl) return;
      const crlPem = join(tmp.path, 'crl3.pem');
      writeFileSync(crlPem, toPem(crl3, 'X509 CRL'));
      const check = (der: Buffer, name: string) => {
        const pem = join(tmp.path, `${name}.pem`);
        writeFileSync(pem, toPem(der));
        return spawnSync('openssl', ['verify', '-crl_check', '-CAfile', chainPem, '-CRLfile', crlPem, pem], { encoding: 'utf8' });
      };
      for (const d of [d0!, d1!]) {
        const r = check((await a.byCertificate(d.certificateSha256))!.der, d.hardwareSerial);
        expect(r.status).not.toBe(0);
        expect(r.stdout + r.stderr).toMatch(/certificate revoked/);
      }
      const good = check(d2!.der, d2!.hardwareSerial);
      expect(good.status, good.stderr).toBe(0);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('a version-1 inventory gains the revocation tables on open, recorded as inventory.migrated', async () => {
    const url = await cluster.createDatabase('v1');
    await cluster.sql(
      'v1',
      `CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now(), applied_by text NOT NULL DEFAULT current_user)`,
    );
    await cluster.sql('v1', PG_MIGRATIONS[0]!.sql);
    await cluster.sql('v1', "INSERT INTO schema_version (version, name) VALUES (1, 'inventory')");
    const store = await PgInventoryStore.open(url, { actor: 'admin' });
    try {
      expect((await store.auditEntries()).map((e) => [e.action, e.details])).toEqual([['inventory.migrated', { from: 1, to: 2 }]]);
      expect(await store.revocations().requests()).toEqual([]);
      expect(await store.revocations().crlCount()).toBe(0);
    } finally {
      await store.close();
    }
  });

  it('the CLI follows the workspace inventory.db setting: revoke-request, revocation-requests --pending, import-crl on the server', async () => {
    const url = await cluster.createDatabase('cli');
    const store = await PgInventoryStore.open(url, { actor: 'clerk' });
    try {
      await importManifestFolderInto(store, usb, { anchors, actor: 'clerk' });
    } finally {
      await store.close();
    }
    new SettingsRepository(inv).setInventoryDb(url, 'admin');
    const pass = join(tmp.path, 'pass');
    writeFileSync(pass, TEST_PASSPHRASE, { mode: 0o600 });
    const cli = (...args: string[]) => runCli(['--home', inv.home, '--actor', 'clerk', ...args]);
    const serial = serials[2]!;

    const out = join(tmp.path, 'cli-req');
    const requested = await cli('inventory', 'revoke-request', '--serial', serial, '--reason', 'superseded', '--out', out, '--passphrase-file', pass);
    expect(requested.stderr).toBe('');
    expect(requested.stdout).toMatch(/1 certificate\(s\), reason superseded/);
    const pending = await cli('--json', 'inventory', 'revocation-requests', '--pending');
    expect(pending.stderr).toBe('');
    expect(JSON.parse(pending.stdout)).toMatchObject([{ hardwareSerial: serial, reason: 'superseded', status: 'confirmed' }]);

    const { der } = await issueCrlFromRequest(m.ws, {
      ca: 'mfg',
      caKey: m.caKey,
      request: readRevocationRequest(join(out, 'revocation-request.json'), trusted),
      nextUpdateDays: 30,
      actor: 'custodian',
    });
    const crlPem = join(tmp.path, 'cli.crl.pem');
    writeFileSync(crlPem, toPem(der, 'X509 CRL'));
    const mfgPem = join(tmp.path, 'mfg.pem');
    writeFileSync(mfgPem, toPem(m.caChain[0]!));
    const imported = await cli('inventory', 'import-crl', crlPem, '--trust', m.rootPem, '--issuer', mfgPem);
    expect(imported.stderr).toBe('');
    // this database never saw the earlier CRLs: the first two devices are revoked here by this one too
    expect(imported.stdout).toMatch(/3 device certificate\(s\) revoked, 1 already revoked or superseded.*1 request entr\(ies\) covered, 0 still pending/);

    const [row] = await cluster.sql<{ status: string; reason: string; covered: string }>(
      'cli',
      `SELECT d.status, d.revocation_reason AS reason, e.crl_sha256 AS covered FROM inventory_devices d JOIN revocation_request_entries e USING (certificate_sha256) WHERE d.hardware_serial = $1`,
      [serial],
    );
    expect(row).toMatchObject({ status: 'revoked', reason: 'superseded' });
    expect(row!.covered).toMatch(/^[0-9a-f]{64}$/);
    // nothing went to the workspace's own tables
    expect(inv.db.prepare('SELECT (SELECT COUNT(*) FROM revocation_requests) + (SELECT COUNT(*) FROM inventory_crls)').pluck().get()).toBe(0);
  }, 60_000);
});
