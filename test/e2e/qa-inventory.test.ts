import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ManifestDocument } from '../../main/manifest/format/manifest-document.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const dirs = tempDir('hallmark-e2e-qa-');
let browser: Browser;
let good: string;
let rootPem: string;
let doc: ManifestDocument;

beforeAll(async () => {
  // A real exported manifest from a real station workspace (not the app's).
  ({ dir: good, rootPem } = await exportedBatch(dirs.path, 'WO-QA1'));
  doc = JSON.parse(readFileSync(join(good, 'manifest.json'), 'utf8')) as ManifestDocument;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

async function open(host: TestHost, route: string, testId: string): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/${route}`);
  await page.getByTestId(testId).waitFor();
  return { page, errors };
}

const checkStates = (page: Page) =>
  page
    .getByTestId('qa-check')
    .evaluateAll((rows) => Object.fromEntries(rows.map((r): [string, string | null] => [r.getAttribute('data-check') ?? '', r.getAttribute('data-state')])));

describe('QA screen', () => {
  it('verifies a real manifest check by check, drills into a device, saves the report, and fails a tampered copy', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'qa-home') });
    try {
      const { page, errors } = await open(host, 'qa', 'qa-screen');
      await page.getByTestId('qa-dir').fill(good);
      await page.getByTestId('qa-trust').fill(rootPem);
      await page.getByTestId('qa-verify').click();
      await expect.poll(() => page.getByTestId('qa-verdict').getAttribute('data-state')).toBe('pass');
      const states = await checkStates(page);
      expect(states['cms.signature']).toBe('pass');
      // Without a plan CSV the plan check has nothing to run on (skip), nor devices.matter-dac on an IDevID work order; every other check passes.
      expect(
        Object.entries(states)
          .filter(([, s]) => s !== 'pass')
          .map(([n]) => n)
          .sort(),
      ).toEqual(['devices.matter-dac', 'plan']);
      expect(Object.keys(states)).toHaveLength(15);

      await expect.poll(() => page.getByTestId('qa-device').count()).toBe(doc.devices.length);
      const first = doc.devices.findIndex((d) => d.certificate !== null);
      await page.locator(`[data-testid="qa-device"][data-index="${first}"]`).click();
      const detail = page.getByTestId('qa-device-detail');
      await detail.waitFor();
      expect(await detail.textContent()).toContain(`serialNumber=${doc.devices[first]!.hardwareSerial}`);
      await screenshot(page, 'qa-verified');

      // The HTML report goes where the main process's save dialog puts it, once; a second save to the same path is refused.
      const out = join(dirs.path, 'report.html');
      host.dialogs.answerSave(out);
      await page.getByTestId('qa-save-report').click();
      await page.getByTestId('qa-saved').waitFor();
      expect(readFileSync(out, 'utf8')).toMatch(/^<!doctype html>[\s\S]*PASS/);
      expect(host.dialogs.saveRequests.at(-1)).toMatchObject({ purpose: 'qa-report', extension: 'html' });
      host.dialogs.answerSave(out);
      await page.getByTestId('qa-save-report').click();
      await expect.poll(() => page.getByTestId('error-banner').getAttribute('data-code')).toBe('MANIFEST_OUTPUT_EXISTS');

      // One byte of manifest.json changed on disk (a digit of exportedAt: still valid JSON).
      const path = join(good, 'manifest.json');
      const original = readFileSync(path);
      const bytes = Buffer.from(original);
      const at = bytes.indexOf('Z"', bytes.indexOf('"exportedAt"')) - 1;
      bytes[at] = bytes[at] === 0x31 ? 0x32 : 0x31;
      writeFileSync(path, bytes);
      try {
        await page.getByTestId('qa-verify').click();
        await expect.poll(() => page.getByTestId('qa-verdict').getAttribute('data-state')).toBe('fail');
        const tampered = await checkStates(page);
        expect(tampered['cms.signature']).toBe('fail');
        expect(await page.getByTestId('qa-verdict').textContent()).toMatch(/FAIL.*cms\.signature/);
        const color = await page.locator('[data-testid="qa-check"][data-check="cms.signature"]').evaluate((el) => getComputedStyle(el).backgroundColor);
        expect(color).not.toBe('rgba(0, 0, 0, 0)');
        await screenshot(page, 'qa-tampered');
      } finally {
        writeFileSync(path, original);
      }
      expect(existsSync(out)).toBe(true);
      expect(errors.filter((e) => !/MANIFEST_OUTPUT_EXISTS|status of 500/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('Inventory screen', () => {
  it('imports the manifest, lists its batch and every certificate, finds a serial and decodes its certificate', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'inventory-home') });
    try {
      const { page, errors } = await open(host, 'inventory', 'inventory-screen');
      await expect.poll(() => page.getByTestId('inventory-total').getAttribute('data-total')).toBe('0');
      const form = page.getByTestId('inventory-import');
      await form.getByTestId('inventory-import-dirs').fill(good);
      await form.getByTestId('inventory-import-trust').fill(rootPem);
      await form.getByTestId('inventory-import-operator').fill('receiving-clerk');
      await form.getByTestId('inventory-import-submit').click();
      await expect.poll(() => page.getByTestId('inventory-import-result').getAttribute('data-state')).toBe('ok');

      const withCertificates = doc.devices.filter((d) => d.certificate !== null);
      await expect.poll(() => page.getByTestId('inventory-batch').count()).toBe(1);
      const batch = page.getByTestId('inventory-batch');
      expect(await batch.getAttribute('data-batch')).toBe('WO-QA1');
      expect(await batch.textContent()).toContain(String(doc.devices.length));
      await expect.poll(() => page.getByTestId('inventory-total').getAttribute('data-total')).toBe(String(withCertificates.length));
      await expect.poll(() => page.getByTestId('inventory-row').count()).toBe(withCertificates.length);

      // The chart: one bar for the imported batch, its counts by status those of the manifest.
      const bar = page.getByTestId('inventory-chart-bar');
      await expect.poll(() => bar.count()).toBe(1);
      expect(await bar.getAttribute('data-batch')).toBe('WO-QA1');
      for (const s of ['confirmed', 'failed', 'superseded', 'revoked'] as const) {
        expect([s, await bar.getAttribute(`data-${s}`)]).toEqual([s, String(withCertificates.filter((d) => d.status === s).length)]);
      }
      expect(await bar.getAttribute('aria-label')).toContain(`WO-QA1, imported`);
      await screenshot(page, 'inventory-chart');

      // Status filter: only the superseded certificate of the reworked device.
      const superseded = withCertificates.filter((d) => d.status === 'superseded');
      await page.getByTestId('inventory-filter-status').selectOption('superseded');
      await expect.poll(() => page.getByTestId('inventory-row').count()).toBe(superseded.length);
      await page.getByTestId('inventory-filter-status').selectOption('');

      const target = withCertificates.find((d) => withCertificates.filter((o) => o.hardwareSerial === d.hardwareSerial).length === 1)!;
      await page.getByTestId('inventory-search').fill(target.hardwareSerial);
      await expect.poll(() => page.getByTestId('inventory-total').getAttribute('data-total')).toBe('1');
      await expect.poll(() => page.getByTestId('inventory-row').count()).toBe(1);
      const row = page.getByTestId('inventory-row');
      expect(await row.getAttribute('data-serial')).toBe(target.hardwareSerial);
      await row.click();
      const detail = page.getByTestId('inventory-detail');
      await detail.waitFor();
      const text = await detail.textContent();
      expect(text).toContain(`serialNumber=${target.hardwareSerial}`);
      expect(text).toContain(target.certificate!.sha256);
      await screenshot(page, 'inventory-detail');

      // The fingerprint finds the same certificate.
      await page.getByTestId('inventory-search').fill(target.certificate!.sha256.toUpperCase());
      await expect.poll(() => page.getByTestId('inventory-row').getAttribute('data-serial')).toBe(target.hardwareSerial);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
