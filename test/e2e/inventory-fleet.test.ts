import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { commitVerifiedManifestInto } from '../../main/inventory/import-manifest.js';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import type { InventoryStore } from '../../main/store/inventory-store.js';
import { PgInventoryStore } from '../../main/store/postgres/pg-inventory-store.js';
import { SettingsRepository } from '../../main/store/settings-repository.js';
import { SqliteInventoryStore } from '../../main/store/sqlite-inventory-store.js';
import { Workspace } from '../../main/store/workspace.js';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { postgresAvailable, startPostgres, type PgCluster } from '../support/postgres.js';
import { stationEntry, stationManifest, syntheticSigner } from '../support/synthetic-inventory.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The Inventory screen's fleet view, on the workspace's SQLite and (pointed there by the
 * workspace setting) on PostgreSQL: station ST-E has manifests 1 and 3 (2 never arrived),
 * and a device of station ST-Z carries the public key of one of ST-E's devices. The
 * inventory is filled through the import step (pre-verified manifests); the screen must
 * flag the gap and name the pair.
 */
const dirs = tempDir('hallmark-e2e-fleet-');
const withPg = postgresAvailable();
let browser: Browser;
let cluster: PgCluster | undefined;

beforeAll(async () => {
  browser = await launchChromium();
  if (withPg) cluster = await startPostgres();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  await cluster?.dispose();
  dirs.dispose();
});

async function seed(store: InventoryStore): Promise<string> {
  const commit = (m: { doc: ManifestDocument; sha256: string }) =>
    commitVerifiedManifestInto(
      store,
      { doc: m.doc, sha256: m.sha256, signerSha256: syntheticSigner, signingTime: null },
      { folder: m.doc.workOrder.id, actor: 'clerk', now: new Date() },
    );
  const e1 = stationManifest('ST-E', 1, 3, null);
  const e2 = stationManifest('ST-E', 2, 3, e1.sha256);
  const e3 = stationManifest('ST-E', 3, 3, e2.sha256);
  await commit(e1);
  await commit(e3);
  const victim = e1.doc.devices[1]!;
  const clone = stationEntry('Z-CLONE-1', 'confirmed', 'z');
  await commit(
    stationManifest('ST-Z', 1, 0, null, {
      entries: [
        { ...clone, certificate: { ...clone.certificate!, publicKeySha256: victim.certificate!.publicKeySha256 } },
        stationEntry('Z-2', 'confirmed', 'z'),
      ],
    }),
  );
  return victim.hardwareSerial;
}

const engines = [
  {
    name: 'sqlite',
    async prepare(home: string) {
      const ws = Workspace.init(home, 'custodian').workspace;
      try {
        return await seed(new SqliteInventoryStore(ws));
      } finally {
        ws.close();
      }
    },
  },
  {
    name: 'postgres',
    async prepare(home: string) {
      const url = await cluster!.createDatabase('fleet');
      const store = await PgInventoryStore.open(url, { actor: 'custodian' });
      try {
        const victim = await seed(store);
        const ws = Workspace.init(home, 'custodian').workspace;
        new SettingsRepository(ws).setInventoryDb(url, 'admin');
        ws.close();
        return victim;
      } finally {
        await store.close();
      }
    },
  },
];

describe.each(engines.filter((e) => e.name === 'sqlite' || withPg))('Inventory fleet view on $name', (engine) => {
  it('flags the station whose manifest 2 never arrived and names the devices sharing a public key', async () => {
    const home = join(dirs.path, `home-${engine.name}`);
    const victim = await engine.prepare(home);
    const host = await startTestHost({ home });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/inventory`);
      await page.getByTestId('inventory-fleet').waitFor();
      expect(await page.getByTestId('inventory-source').getAttribute('data-backend')).toBe(engine.name);

      const gapped = page.locator('[data-testid="fleet-station"][data-station="ST-E"]');
      await expect.poll(() => gapped.getAttribute('data-missing')).toBe('1');
      expect(await gapped.getByTestId('fleet-gap').textContent()).toBe('missing #2');
      expect(await gapped.textContent()).toContain('#1 #3');
      expect(await page.locator('[data-testid="fleet-station"][data-station="ST-Z"]').getAttribute('data-missing')).toBe('0');

      await expect.poll(() => page.getByTestId('fleet-shared-key').count()).toBe(1);
      const pair = await page.getByTestId('fleet-shared-key-pair').textContent();
      expect(pair).toBe(`${victim} (SIM1, WO-ST-E-1, station ST-E) and Z-CLONE-1 (SIM1, WO-ST-Z-1, station ST-Z)`);
      await expect.poll(() => page.getByTestId('inventory-total').getAttribute('data-total')).toBe('8');
      await screenshot(page, `inventory-fleet-${engine.name}`);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);
});
