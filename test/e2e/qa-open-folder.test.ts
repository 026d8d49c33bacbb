import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { exportedBatch } from '../support/manifest-fixture.js';
import { tempDir } from '../support/temp-dir.js';

// The folder dialog and webUtils.getPathForFile are the test host's stand-ins
// (test/host/test-dialogs.ts): a test queues the dialog's answer and names the path a
// dropped File stands for.
const dirs = tempDir('hallmark-e2e-open-folder-');
let browser: Browser;
let good: string;
let rootPem: string;
let plainFile: string;

beforeAll(async () => {
  ({ dir: good, rootPem } = await exportedBatch(dirs.path, 'WO-QA1'));
  plainFile = join(dirs.path, 'notes.txt');
  writeFileSync(plainFile, 'not a manifest\n');
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

/** A real DragEvent carrying Files named `names`, as the OS would deliver a drag from the file manager. */
async function drag(page: Page, testId: string, type: 'dragenter' | 'drop', names: string[]): Promise<void> {
  await page.getByTestId(testId).evaluate(
    (el, { type, names }) => {
      const data = new DataTransfer();
      for (const name of names) data.items.add(new File(['x'], name));
      el.dispatchEvent(new DragEvent(type, { dataTransfer: data, bubbles: true, cancelable: true }));
    },
    { type, names },
  );
}

const verdict = (page: Page) => page.getByTestId('qa-verdict').getAttribute('data-state');

describe('QA: open a manifest folder', () => {
  it('verifies a folder chosen in the folder dialog at once; Cancel changes nothing', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'qa-picker-home') });
    try {
      const { page, errors } = await open(host, 'qa', 'qa-screen');

      host.dialogs.answerFolders([]);
      await page.getByTestId('qa-open-folder').click();
      await expect.poll(() => host.dialogs.requests.length).toBe(1);
      expect(host.dialogs.requests[0]).toEqual({ purpose: 'manifest', multiple: false });
      expect(await page.getByTestId('qa-dir').inputValue()).toBe('');
      expect(await page.getByTestId('qa-verdict').count()).toBe(0);

      // Without the trusted root the folder is filled in and the screen says what is missing.
      host.dialogs.answerFolders([good]);
      await page.getByTestId('qa-open-folder').click();
      await expect.poll(() => page.getByTestId('qa-dir').inputValue()).toBe(good);
      await page.getByTestId('qa-need-trust').waitFor();
      expect(await page.getByTestId('qa-verdict').count()).toBe(0);

      await page.getByTestId('qa-trust').fill(rootPem);
      await page.getByTestId('qa-dir').fill('');
      host.dialogs.answerFolders([good]);
      await page.getByTestId('qa-open-folder').click();
      await expect.poll(() => verdict(page)).toBe('pass');
      expect(await page.getByTestId('qa-dir').inputValue()).toBe(good);
      const states = await page.getByTestId('qa-check').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-state')));
      // 15 checks: devices.matter-dac skips (not a Matter work order), as plan does (no plan given)
      expect(states).toHaveLength(15);
      expect(states.filter((s) => s === 'pass')).toHaveLength(13);
      await screenshot(page, 'qa-open-folder');

      // Cancel after a verification leaves the folder and the verdict as they were.
      const verifiedAt = await page.getByTestId('qa-verdict').textContent();
      host.dialogs.answerFolders([]);
      await page.getByTestId('qa-open-folder').click();
      await expect.poll(() => host.dialogs.requests.length).toBe(4);
      expect(await page.getByTestId('qa-dir').inputValue()).toBe(good);
      expect(await verdict(page)).toBe('pass');
      expect(await page.getByTestId('qa-verdict').textContent()).toBe(verifiedAt);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('verifies a dropped folder (or a dropped manifest.json) and refuses anything else in the drop zone', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'qa-drop-home') });
    host.dialogs.mapDroppedFile('WO-QA1', good);
    host.dialogs.mapDroppedFile('manifest.json', join(good, 'manifest.json'));
    host.dialogs.mapDroppedFile('notes.txt', plainFile);
    try {
      const { page, errors } = await open(host, 'qa', 'qa-screen');
      await page.getByTestId('qa-trust').fill(rootPem);
      const zone = page.getByTestId('qa-drop');

      await drag(page, 'qa-drop', 'dragenter', ['WO-QA1']);
      await expect.poll(() => zone.getAttribute('data-state')).toBe('hover');
      expect(await zone.evaluate((el) => getComputedStyle(el).borderTopStyle)).toBe('solid');
      await screenshot(page, 'qa-drop-hover');
      await drag(page, 'qa-drop', 'drop', ['WO-QA1']);
      await expect.poll(() => verdict(page)).toBe('pass');
      expect(await page.getByTestId('qa-dir').inputValue()).toBe(good);
      expect(await zone.getAttribute('data-state')).toBe('idle');

      // A plain file: named in the zone, and the last verification stays on screen.
      await drag(page, 'qa-drop', 'drop', ['notes.txt']);
      await expect.poll(() => zone.getAttribute('data-state')).toBe('error');
      expect(await page.getByTestId('qa-drop-error').textContent()).toContain('notes.txt is a file, not a manifest folder');
      expect(await page.getByTestId('qa-dir').inputValue()).toBe(good);
      expect(await verdict(page)).toBe('pass');
      await screenshot(page, 'qa-drop');

      await drag(page, 'qa-drop', 'drop', ['WO-QA1', 'notes.txt']);
      await expect.poll(() => page.getByTestId('qa-drop-error').textContent()).toContain('2 items were dropped: drop one manifest folder');
      // A File the disk does not hold (webUtils answers '').
      await drag(page, 'qa-drop', 'drop', ['from-a-web-page.png']);
      await expect.poll(() => page.getByTestId('qa-drop-error').textContent()).toContain('is not a file or folder on this computer');

      // manifest.json stands for its folder.
      await page.getByTestId('qa-dir').fill('');
      await drag(page, 'qa-drop', 'drop', ['manifest.json']);
      await expect.poll(() => page.getByTestId('qa-dir').inputValue()).toBe(good);
      await expect.poll(() => zone.getAttribute('data-state')).toBe('idle');
      expect(await verdict(page)).toBe('pass');
      expect(host.dialogs.requests).toEqual([]);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('Inventory: import folders', () => {
  it('imports the folders chosen in the dialog, and dropped folders, naming a dropped file it refuses', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'inventory-home') });
    try {
      const { page, errors } = await open(host, 'inventory', 'inventory-screen');
      const form = page.getByTestId('inventory-import');
      await form.getByTestId('inventory-import-trust').fill(rootPem);
      await form.getByTestId('inventory-import-operator').fill('receiving-clerk');

      // The hand-driving endpoint queues the answer as a test does in-process; the per-run token guards it.
      const queue = (token: string) =>
        fetch(`${host.origin}/__test-host/dialogs`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-hallmark-token': token },
          body: JSON.stringify({ folders: [good] }),
        });
      expect((await queue('0'.repeat(host.token.length))).status).toBe(403);
      expect((await queue(host.token)).status).toBe(200);
      await form.getByTestId('inventory-import-pick').click();
      await expect.poll(() => page.getByTestId('inventory-import-result').getAttribute('data-state')).toBe('ok');
      expect(host.dialogs.requests).toEqual([{ purpose: 'manifest-import', multiple: true }]);
      expect(await page.getByTestId('inventory-import-result').textContent()).toContain('imported work order WO-QA1');
      expect(await form.getByTestId('inventory-import-dirs').inputValue()).toBe(good);
      await expect.poll(() => page.getByTestId('inventory-batch').count()).toBe(1);

      // Cancel: the list and the results stay.
      host.dialogs.answerFolders([]);
      await form.getByTestId('inventory-import-pick').click();
      await expect.poll(() => host.dialogs.requests.length).toBe(2);
      expect(await form.getByTestId('inventory-import-dirs').inputValue()).toBe(good);

      // Several items dropped at once: the folder is imported (again: nothing changes), the file named.
      host.dialogs.mapDroppedFile('WO-QA1', good);
      host.dialogs.mapDroppedFile('notes.txt', plainFile);
      await form.getByTestId('inventory-import-dirs').fill('');
      await drag(page, 'inventory-import-drop', 'drop', ['WO-QA1', 'notes.txt']);
      await expect.poll(() => page.getByTestId('inventory-import-drop-error').textContent()).toContain('notes.txt is a file');
      await expect.poll(() => page.getByTestId('inventory-import-result').textContent()).toContain('was imported before');
      expect(await form.getByTestId('inventory-import-dirs').inputValue()).toBe(good);
      await screenshot(page, 'inventory-import-drop');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
