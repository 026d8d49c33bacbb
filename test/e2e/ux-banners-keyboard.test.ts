import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parsePlanCsv } from '../../main/station/production-plan.js';
import { createBatch } from '../../main/station/work-orders.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const POLICY = join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml');
const PLAN = join(REPO_ROOT, 'resources/products/sim1-plan.csv');
const tmp = tempDir('hallmark-e2e-ux-');
const home = join(tmp.path, 'ws');
let browser: Browser;
let sim: RunningSimulator;
let host: TestHost;
let manifestDir: string;
let rootPem: string;
let doc: ManifestDocument;

beforeAll(async () => {
  ({ dir: manifestDir, rootPem } = await exportedBatch(tmp.path, 'WO-UX1'));
  doc = JSON.parse(readFileSync(join(manifestDir, 'manifest.json'), 'utf8')) as ManifestDocument;
  const { ws } = await stationWorkspace(home);
  try {
    const policy = parseProductPolicy(readFileSync(POLICY, 'utf8'), POLICY);
    createBatch(ws, { id: 'WO-UXS', policy, plan: parsePlanCsv(readFileSync(PLAN, 'utf8'), policy.policy, PLAN), quantity: 2, actor: 'planner' });
  } finally {
    ws.close();
  }
  sim = await startSimulator({
    dir: tmp.path,
    count: 1,
    protocol: 'hallmark',
    faults: [],
    timing: { keygenMinMs: 20, keygenMaxMs: 60, stallMs: 1500 },
    baudRate: 0,
    seed: 5,
  });
  host = await startTestHost({ home, station: { stepTimeoutMs: 3000 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await sim?.stop();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function open(route: string, testId: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/${route}`);
  await page.getByTestId(testId).waitFor();
  return { page, errors };
}

const banner = (page: Page) => page.getByTestId('error-banner');
const focused = (page: Page) => page.evaluate(() => document.activeElement?.getAttribute('data-testid') ?? document.activeElement?.tagName ?? null);

describe('Error banners belong to their screen and action', () => {
  it('a QA error stays off the Station screen, comes back with QA, and a PASS clears it; rows, detail and Escape agree', async () => {
    const { page, errors } = await open('qa', 'qa-screen');
    await page.getByTestId('qa-dir').fill(manifestDir);
    await page.getByTestId('qa-trust').fill(join(tmp.path, 'no-such-root.pem'));
    await page.getByTestId('qa-verify').click();
    await banner(page).waitFor();
    const code = await banner(page).getAttribute('data-code');
    expect(code).toMatch(/^[A-Z_]+$/);
    // The banner that appeared has the keyboard (the Verify button had it).
    await expect.poll(() => focused(page)).toBe('error-banner');

    await page.getByTestId('nav-station').click();
    await page.getByTestId('station-screen').waitFor();
    expect(await banner(page).count()).toBe(0);
    await screenshot(page, 'ux-station-without-qa-error');

    // Unresolved, it is QA's again when QA is shown.
    await page.getByTestId('nav-qa').click();
    await page.getByTestId('qa-screen').waitFor();
    expect(await banner(page).getAttribute('data-code')).toBe(code);

    await page.getByTestId('qa-dir').fill(manifestDir);
    await page.getByTestId('qa-trust').fill(rootPem);
    await page.getByTestId('qa-verify').click();
    await expect.poll(() => page.getByTestId('qa-verdict').getAttribute('data-state')).toBe('pass');
    expect(await banner(page).count()).toBe(0);
    await screenshot(page, 'ux-qa-pass-without-banner');

    // A clicked row is the highlighted row, and its entry is the one in the pane.
    const pick = doc.devices.findIndex((d, i) => i > 0 && d.certificate !== null);
    const row = page.locator(`[data-testid="qa-device"][data-index="${pick}"]`);
    await row.click();
    const detail = page.getByTestId('qa-device-detail');
    await detail.waitFor();
    expect(await detail.getAttribute('aria-label')).toContain(doc.devices[pick]!.hardwareSerial);
    expect(await row.getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('[data-testid="qa-device"][aria-selected="true"]').count()).toBe(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);
    expect(errors.filter((e) => !/status of 4\d\d|status of 500/.test(e))).toEqual([]);
    await page.close();
  });

  it('Inventory: Escape closes the detail, and a search that finds nothing closes it too', async () => {
    const { page, errors } = await open('inventory', 'inventory-screen');
    const form = page.getByTestId('inventory-import');
    await form.getByTestId('inventory-import-dirs').fill(manifestDir);
    await form.getByTestId('inventory-import-trust').fill(rootPem);
    await form.getByTestId('inventory-import-operator').fill('receiving-clerk');
    await form.getByTestId('inventory-import-submit').click();
    await expect.poll(() => page.getByTestId('inventory-import-result').getAttribute('data-state')).toBe('ok');
    await expect.poll(() => page.getByTestId('inventory-row').count()).toBeGreaterThan(1);

    const detail = page.getByTestId('inventory-detail');
    await page.getByTestId('inventory-row').first().click();
    await detail.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => detail.count()).toBe(0);

    await page.getByTestId('inventory-row').first().click();
    await detail.waitFor();
    await page.getByTestId('inventory-search').fill('HM-NO-SUCH-DEVICE');
    await expect.poll(() => page.getByTestId('inventory-total').getAttribute('data-total')).toBe('0');
    await expect.poll(() => detail.count()).toBe(0);
    expect(await page.getByText('No certificate matches.').count()).toBe(1);
    await screenshot(page, 'ux-inventory-nothing-matches');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('Station: Enter in the passphrase field starts the run; a refused start is the run’s banner until a start succeeds', async () => {
    const { page, errors } = await open('station', 'station-screen');
    await page.getByTestId('station-batch-select').selectOption('WO-UXS');
    await page.getByTestId('station-operator').fill('tech-ux');
    await page.getByTestId('station-port-path').fill(sim.devices[0]!.path);
    await page.getByTestId('station-port-add').click();
    await expect.poll(() => page.getByTestId('port-tile').count()).toBe(1);

    const passphrase = page.getByTestId('station-passphrase');
    // Enter while Start is not possible (no passphrase) does nothing.
    await passphrase.press('Enter');
    expect(await page.getByTestId('station-run-status').getAttribute('data-phase')).toBe('none');

    await passphrase.fill('not the passphrase');
    await passphrase.press('Enter');
    await banner(page).waitFor();
    await expect.poll(() => focused(page)).toBe('error-banner');
    expect(await page.getByTestId('station-run-status').getAttribute('data-phase')).toBe('none');

    await passphrase.fill(TEST_PASSPHRASE);
    await passphrase.press('Enter');
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase')).not.toBe('none');
    await expect.poll(() => banner(page).count()).toBe(0);
    await expect.poll(() => page.getByTestId('port-tile').getAttribute('data-state'), { timeout: 15_000 }).toBe('done');
    await screenshot(page, 'ux-station-started-with-enter');
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase'), { timeout: 10_000 }).toBe('finished');
    expect(errors.filter((e) => !/status of 4\d\d|status of 500/.test(e))).toEqual([]);
    await page.close();
  });
});
