import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost } from '../host/test-host.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { acknowledgeStep, loadAndApprove, records } from '../support/ceremony-screen.js';
import { typedSharesBinding } from '../support/ceremony-files.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A shares root on the Ceremonies screen whose script has each custodian type their
 * share back from the printed sheet: after the passphrases, one textarea per custodian
 * in script order, filled with the lines read off the sheet on the medium; a typo is
 * named by its line and corrected in place.
 */
const dirs = tempDir('hallmark-e2e-type-back-');
let browser: Browser;
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian', 'Erin Custodian'];
const PASS: Record<string, string> = {
  'Bob Custodian': 'bob-passphrase-7a1c',
  'Carol Custodian': 'carol-passphrase-2d9e',
  'Erin Custodian': 'erin-passphrase-5f3b',
};

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

/** The share text lines of a printed sheet, body and boxed check characters, as read off the paper. */
function sheetLines(path: string): string[] {
  return [...readFileSync(path, 'utf8').matchAll(/<td class="line">([^<]*)<span class="check">([^<]*)<\/span><\/td>/g)].map((m) => `${m[1]} ${m[2]}`);
}

describe('Ceremonies screen: shares typed back', () => {
  it('asks each custodian in turn to type their share from the sheet, names the line of a typo, and completes', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws') });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/ceremonies`);
      await page.getByTestId('ceremony-screen').waitFor();
      const script = join(dirs.path, 'root-shares-type-back.yaml');
      writeFileSync(
        script,
        readFileSync(join(REPO_ROOT, 'resources/ceremonies/root-shares.yaml'), 'utf8')
          .replace('requireNoNetwork: true', 'requireNoNetwork: false')
          .replace(
            '  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\ncertificate:',
            '  custodians: [Bob Custodian, Carol Custodian, Erin Custodian]\n  shareCheck: type-back\ncertificate:',
          ),
      );
      await loadAndApprove(page, script, typedSharesBinding(dirs.path), CUSTODIANS);
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      const out = join(dirs.path, 'out');
      host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
      await page.getByTestId('ceremony-start').click();
      await page.getByTestId('ceremony-run').waitFor();
      await acknowledgeStep(page, 'preflight-clock');
      await acknowledgeStep(page, 'preflight-confirmed');
      await acknowledgeStep(page, 'generate-and-split');
      for (const name of CUSTODIANS) {
        await expect.poll(() => page.getByTestId('ceremony-secret').getAttribute('data-who'), { timeout: 20_000 }).toBe(name);
        await page.getByTestId('ceremony-secret-input').fill(PASS[name]!);
        await page.getByTestId('ceremony-secret-submit').click();
      }

      const prompt = page.getByTestId('ceremony-share-type-back');
      for (const [i, name] of CUSTODIANS.entries()) {
        await expect.poll(() => prompt.getAttribute('data-custodian'), { timeout: 20_000 }).toBe(name);
        // One custodian at a time, their name large, an empty field, no problem yet.
        expect(await prompt.count()).toBe(1);
        expect(await page.getByTestId('ceremony-share-type-back-who').textContent()).toBe(name);
        expect(await page.getByTestId('ceremony-share-type-back-what').textContent()).toBe(`type share ${i + 1} of 3 from your printed sheet, line by line`);
        expect(await page.getByTestId('ceremony-share-text').inputValue()).toBe('');
        expect(await page.getByTestId('ceremony-share-problem').count()).toBe(0);
        const lines = sheetLines(join(out, `acme-root-shares-2026-key.share-${i + 1}-of-3.html`));
        const text = page.getByTestId('ceremony-share-text');
        if (name === 'Bob Custodian') {
          const first = (await prompt.getAttribute('data-request'))!;
          const typo = lines.map((l, k) => (k === 2 ? l.replace(/[0-9A-Z]/, (c) => (c === 'A' ? 'B' : 'A')) : l));
          await text.fill(typo.join('\n'));
          await page.getByTestId('ceremony-share-text-submit').click();
          const problem = page.getByTestId('ceremony-share-problem');
          await problem.waitFor({ timeout: 20_000 });
          expect(await problem.getAttribute('data-lines')).toBe('3');
          expect(await problem.textContent()).toContain('line 3 has a typo');
          expect(await prompt.getAttribute('data-request')).not.toBe(first);
          // The text stays for the custodian to correct the named line.
          expect(await text.inputValue()).toBe(typo.join('\n'));
          await prompt.scrollIntoViewIfNeeded();
          await screenshot(page, 'ceremony-share-type-back');
        }
        await text.fill(lines.join('\n'));
        await page.getByTestId('ceremony-share-text-submit').click();
        if (i < CUSTODIANS.length - 1) await expect.poll(() => prompt.getAttribute('data-custodian'), { timeout: 20_000 }).toBe(CUSTODIANS[i + 1]);
      }
      await acknowledgeStep(page, 'sign-root');
      expect(await prompt.count()).toBe(0);
      await acknowledgeStep(page, 'sign-root-tbs-review');
      await acknowledgeStep(page, 'shares-handed-over');
      await page.getByTestId('ceremony-result').waitFor({ timeout: 30_000 });
      expect(await page.getByTestId('ceremony-run').getAttribute('data-phase')).toBe('completed');

      const cert = join(out, 'acme-root-shares-2026.pem');
      expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
      const action = records(readFileSync(join(out, 'transcript.jsonl'), 'utf8')).find(
        (r) => r.type === 'action' && r.action === 'generate-key',
      ) as unknown as { result: { shares: { custodian: string; typedBack: boolean; typeBackAttempts: number }[] } };
      expect(action.result.shares.map((s) => [s.custodian, s.typedBack, s.typeBackAttempts])).toEqual([
        ['Bob Custodian', true, 2],
        ['Carol Custodian', true, 1],
        ['Erin Custodian', true, 1],
      ]);
      const audited = host.workspace.audit.query({ offset: 0, limit: 100, action: 'ceremony.share-typed-back' });
      expect(audited.entries.map((e) => e.actor)).toEqual(CUSTODIANS);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 90_000);
});
