import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCoreHandlers } from '../../main/api/core-api.js';
import { dispatch } from '../../main/api/dispatch.js';
import { InventoryRepository } from '../../main/store/inventory-repository.js';
import { SettingsRepository } from '../../main/store/settings-repository.js';
import { Workspace } from '../../main/store/workspace.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { runCli } from '../support/run-cli.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The desktop app's Inventory section on PostgreSQL: pointed there by the workspace
 * setting `inventory.db` (set only by `hallmark inventory use-db`, refused with a
 * password in it), every inventory.* operation then reads and writes the server, and the
 * workspace's own inventory tables stay empty.
 */
const tmp = tempDir('hallmark-inv-app-pg-');
const withPg = postgresAvailable();
let cluster: PgCluster | undefined;

beforeAll(async () => {
  if (withPg) cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  await cluster?.dispose();
  tmp.dispose();
});

describe.runIf(withPg)('the Inventory section on PostgreSQL, by the workspace setting', () => {
  it('use-db refuses a password, the section imports/pages/charts/fleet on the server, and goes back to the workspace', async () => {
    const { dir, rootPem } = await exportedBatch(tmp.path, 'WO-PG1');
    const home = join(tmp.path, 'inventory');
    Workspace.init(home, 'custodian').workspace.close();
    const url = await cluster!.createDatabase('app');
    const cli = (...args: string[]) => runCli(['--home', home, '--actor', 'admin', ...args]);

    const withPassword = url.replace('hallmark@', 'hallmark:s3cret-pw@');
    const refused = await cli('inventory', 'use-db', withPassword);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/INVENTORY_DB_URL_INVALID: .*must not hold a password/);
    expect(refused.stderr).not.toContain('s3cret-pw');
    const set = await cli('--json', 'inventory', 'use-db', url);
    expect(set.stderr).toBe('');
    expect(JSON.parse(set.stdout)).toMatchObject({ changed: true });

    const ws = Workspace.open(home, 'custodian');
    try {
      expect(ws.audit.query({ offset: 0, limit: 10, action: 'settings.inventory-db-set' }).entries).toMatchObject([
        { actor: 'admin', details: { from: null } },
      ]);
      const handlers = createCoreHandlers(ws);
      const call = async (op: string, input: unknown = {}) => {
        const r = await dispatch(handlers, op, input);
        if (!r.ok) throw Object.assign(new Error(r.error.message), { code: r.error.code });
        return r.value as never;
      };
      expect(await call('inventory.source')).toEqual({ backend: 'postgres', from: 'setting', location: url });

      const imported: { results: { ok: boolean; added: number }[] } = await call('inventory.import', { dirs: [dir], trustPem: rootPem, operator: 'clerk' });
      expect(imported.results).toMatchObject([{ ok: true, added: 6 }]);
      expect(await cluster!.sql('app', 'SELECT COUNT(*)::int AS n FROM inventory_devices')).toEqual([{ n: 6 }]);
      expect(new InventoryRepository(ws).countDevices()).toBe(0);

      const page: { total: number; rows: { hardwareSerial: string; certificateSha256: string }[] } = await call('inventory.search', { offset: 1, limit: 2 });
      expect(page.total).toBe(6);
      expect(page.rows).toHaveLength(2);
      const detail: { hardwareSerial: string; stationId: string } = await call('inventory.device', { fingerprint: page.rows[0]!.certificateSha256 });
      expect(detail.hardwareSerial).toBe(page.rows[0]!.hardwareSerial);
      expect(await call('inventory.batches')).toMatchObject({ batches: [{ batchId: 'WO-PG1', added: 6 }] });
      expect(await call('inventory.stats')).toMatchObject({ batches: [{ batchId: 'WO-PG1' }] });
      expect(await call('inventory.fleet')).toMatchObject({
        stations: [{ manifests: [{ sequence: 1, batchId: 'WO-PG1' }], gaps: [], missing: 0 }],
        sharedKeys: [],
        sharedKeysTruncated: false,
      });
      const fleetCli = await cli('--json', 'inventory', 'fleet', '--db', url);
      expect(fleetCli.stderr).toBe('');
      expect(JSON.parse(fleetCli.stdout)).toMatchObject({
        stations: [{ manifests: [{ sequence: 1, batchId: 'WO-PG1' }], missing: 0 }],
        sharedKeys: [],
        sharedKeysTruncated: false,
      });
      // Without --db the CLI follows the same setting as the section: the server's six devices, none in the workspace's SQLite.
      const searchCli = await cli('--json', 'inventory', 'search', '--batch', 'WO-PG1');
      expect(searchCli.stderr).toBe('');
      expect(JSON.parse(searchCli.stdout)).toHaveLength(6);

      // the server gone (a socket that does not exist): a coded error, and the section recovers when the setting is fixed
      new SettingsRepository(ws).setInventoryDb(url.replace(encodeURIComponent(cluster!.socketDir), encodeURIComponent(join(tmp.path, 'no-server'))), 'admin');
      await expect(call('inventory.search', { offset: 0, limit: 2 })).rejects.toMatchObject({ code: 'INVENTORY_DB_UNREACHABLE' });
      new SettingsRepository(ws).setInventoryDb(url, 'admin');
      expect(((await call('inventory.search', { offset: 0, limit: 2 })) as { total: number }).total).toBe(6);

      const back = await cli('inventory', 'use-db', '--workspace');
      expect(back.stdout).toMatch(/now uses workspace/);
      expect(await call('inventory.source')).toEqual({ backend: 'sqlite', from: 'workspace', location: home });
      expect(((await call('inventory.search', { offset: 0, limit: 2 })) as { total: number }).total).toBe(0);
      expect(JSON.parse((await cli('--json', 'inventory', 'search', '--batch', 'WO-PG1')).stdout)).toHaveLength(0);
    } finally {
      ws.close();
    }
  }, 60_000);
});
