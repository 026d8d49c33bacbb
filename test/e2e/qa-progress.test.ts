import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { syntheticManifest, type SyntheticManifest } from '../support/synthetic-manifest.js';
import { tempDir } from '../support/temp-dir.js';

/** 20,000 entries: seconds of verification, enough to watch it (test/integration/qa-verify-off-thread.test.ts says why not 100,000). */
const DEVICES = Number(process.env.HALLMARK_TEST_MANIFEST_DEVICES ?? 20_000);

const dirs = tempDir('hallmark-e2e-qa-progress-');
let browser: Browser;
let m: SyntheticManifest;

beforeAll(async () => {
  m = await syntheticManifest(dirs.path, DEVICES);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

describe('QA screen while a big manifest verifies', () => {
  it('shows a progress bar that moves, cancels on request, and then verifies to the end', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'qa-home') });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/qa`);
      await page.getByTestId('qa-screen').waitFor();
      await page.getByTestId('qa-dir').fill(m.dir);
      await page.getByTestId('qa-trust').fill(m.rootPem);

      await page.getByTestId('qa-verify').click();
      const bar = page.getByTestId('qa-progress');
      await expect.poll(() => bar.getAttribute('data-checked').then(Number), { timeout: 60_000, interval: 50 }).toBeGreaterThan(0);
      expect(await bar.getAttribute('data-total')).toBe(String(DEVICES));
      expect(await bar.textContent()).toMatch(/of 20,000 entries checked|of [\d,]+ entries checked/);
      await screenshot(page, 'qa-progress');
      await page.getByTestId('qa-cancel').click();
      await page.getByTestId('qa-cancelled').waitFor();
      expect(await bar.count()).toBe(0);
      expect(await page.getByTestId('error-banner').count()).toBe(0);

      await page.getByTestId('qa-verify').click();
      await bar.waitFor();
      await expect.poll(() => page.getByTestId('qa-verdict').getAttribute('data-state'), { timeout: 90_000, interval: 100 }).toBe('pass');
      expect(await bar.count()).toBe(0);
      await screenshot(page, 'qa-progress-done');
      expect(errors).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
