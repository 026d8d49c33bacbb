import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteInventoryStore } from '../../main/store/sqlite-inventory-store.js';
import { Workspace } from '../../main/store/workspace.js';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { hasFleetPython, makeFleetCertificates, populateFleet, registryExportFolder, type FleetCertificates } from '../support/fleet-health-fixture.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The Inventory screen's health and reconcile panel (issue #14) against the real core:
 * the fleet's expiry by month, key algorithms and the shared key named; a registry export
 * folder chosen in the (test) folder dialog reconciled, bad files listed by code; the
 * report saved where the save dialog says.
 */
const dirs = tempDir('hallmark-e2e-health-');
const hasPython = hasFleetPython();
let browser: Browser;
let certs: FleetCertificates = {};

beforeAll(async () => {
  browser = await launchChromium();
  if (hasPython) certs = makeFleetCertificates();
}, 60_000);
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

describe('Inventory health and reconcile panel', () => {
  it('charts the fleet, names the shared key, reconciles a registry folder and saves its report', async ({ skip }) => {
    if (!hasPython) return skip();
    const home = join(dirs.path, 'home');
    const ws = Workspace.init(home, 'custodian').workspace;
    try {
      await populateFleet(new SqliteInventoryStore(ws), certs, 40);
    } finally {
      ws.close();
    }
    const host = await startTestHost({ home });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/inventory`);
      await page.getByTestId('inventory-health-toggle').click();
      const summary = page.getByTestId('health-summary');
      await summary.waitFor();
      // a ten-year window holds every finite expiry the fixture has; d7 expired in 2026-12
      await page.getByTestId('health-days').selectOption('730');
      await expect.poll(() => summary.getAttribute('data-no-expiry')).toBe('1');
      expect(await page.locator('[data-testid="health-algorithm"][data-algorithm="ECDSA P-256"]').getAttribute('data-count')).toBe('44');
      expect(await page.locator('[data-testid="health-algorithm"][data-algorithm="Ed25519"]').getAttribute('data-count')).toBe('1');
      expect(await page.getByTestId('health-shared-pair').textContent()).toBe('A-1 (SIM1, WO-ST-A-1, station ST-A) and B-5 (SIM1, WO-ST-B-1, station ST-B)');
      expect(await page.locator('[data-testid="health-month"][data-month="2027-02"]').getAttribute('data-count')).toBe('2');
      await screenshot(page, 'inventory-health');

      const exportDir = registryExportFolder(dirs.path, certs);
      host.dialogs.answerFolders([exportDir]);
      await page.getByTestId('reconcile-pick').click();
      const result = page.getByTestId('reconcile-result');
      await result.waitFor();
      expect(await result.getAttribute('data-clean')).toBe('false');
      expect(await page.getByTestId('reconcile-unauthorized').getAttribute('data-count')).toBe('1');
      expect(await page.getByTestId('reconcile-retired').getAttribute('data-count')).toBe('2');
      expect(await page.getByTestId('reconcile-unknown').getAttribute('data-count')).toBe('1');
      const codes = await page.getByTestId('reconcile-problem').evaluateAll((els) => els.map((e) => e.getAttribute('data-code')));
      expect(codes.sort()).toEqual([
        'FILE_NOT_REGULAR',
        'FILE_SYMLINK_REFUSED',
        'FILE_TOO_LARGE',
        'RECONCILE_NOT_A_CERTIFICATE',
        'RECONCILE_NOT_A_CERTIFICATE',
      ]);
      expect(await page.getByTestId('inventory-reconcile').textContent()).not.toContain('SECRET-NOTE-CONTENT');
      await page.getByTestId('inventory-reconcile').scrollIntoViewIfNeeded();
      await screenshot(page, 'inventory-reconcile');

      const out = join(dirs.path, 'reconcile-report');
      host.dialogs.answerSave(out);
      await page.getByTestId('reconcile-save').click();
      await expect.poll(() => page.getByTestId('reconcile-saved').count()).toBe(1);
      expect(existsSync(`${out}.html`)).toBe(true);
      expect(readFileSync(`${out}.html`, 'utf8')).toContain('CN=rogue');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 90_000);
});
