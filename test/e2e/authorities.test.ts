import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashWords } from '../../main/ceremony/hash-words.js';
import { CaRepository } from '../../main/store/ca-repository.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { authoritiesWorkspace, SHARE_CUSTODIANS } from '../support/authorities-fixture.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The Authorities screen over a real workspace (issue #14): a token root, a shares root,
 * an intermediate with an overdue CRL and a manifest signer, each shown with where its key
 * lives and its extensions in words; the chain exported through the save dialog and a new
 * CRL signed with the passphrase typed at that moment.
 */
const dirs = tempDir('hallmark-e2e-authorities-');
const home = join(dirs.path, 'ws');
let browser: Browser;
let hsm: SoftHsm;

const present = softHsmAvailable();

beforeAll(async () => {
  if (!present) return;
  hsm = createSoftHsm([{ label: 'root-token', pin: '571204' }]);
  await authoritiesWorkspace(home, hsm);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  hsm?.dispose();
  dirs.dispose();
});

const node = (page: Page, id: string) => page.locator(`[data-testid="authority-node"][data-id="${id}"]`);
async function select(page: Page, id: string): Promise<void> {
  await node(page, id).click();
  await page.locator(`[data-testid="authority-detail"][data-id="${id}"]`).waitFor();
}
const detailText = (page: Page, testId: string) => page.getByTestId('authority-detail').getByTestId(testId).textContent();
const extensionValue = (page: Page, oid: string) =>
  page.getByTestId('authority-detail').locator(`[data-testid="certificate-extension"][data-oid="${oid}"]`).textContent();

describe.skipIf(!present)('Authorities screen', () => {
  it('shows the tree with keys, CRL states and extensions in words; exports the chain; signs a new CRL', async () => {
    const host: TestHost = await startTestHost({ home });
    try {
      const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/authorities`);
      await page.getByTestId('authority-tree').waitFor();
      await expect.poll(() => page.getByTestId('authority-node').count()).toBe(4);
      const tree = await page
        .getByTestId('authority-node')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-depth')}:${e.getAttribute('data-kind')}:${e.getAttribute('data-id')}`));
      expect(tree[0]).toBe('0:root:ca:token-root');
      expect(tree[1]).toBe('1:intermediate:ca:mfg');
      expect(tree[2]).toMatch(/^2:manifest-signer:cert:\d+$/);
      expect(tree[3]).toBe('0:root:ca:shares-root');

      // The token root: where its key lives, its CRL fresh, its signature in words.
      await select(page, 'ca:token-root');
      expect(await detailText(page, 'authority-key')).toBe(`on PKCS#11 token "root-token" (serial ${hsm.tokens[0]!.serial}), object id ${await keyId(host)}`);
      expect(await page.getByTestId('authority-crl').getAttribute('data-state')).toBe('fresh');
      expect(await detailText(page, 'certificate-signature')).toBe('ECDSA P-384 with SHA-384');
      expect(await extensionValue(page, '2.5.29.19')).toContain('CA, at most 1 CA below it (path length 1)');
      expect(await page.getByTestId('authority-fingerprint-qr').count()).toBe(1);
      const sha = (await page.getByTestId('authority-fingerprint').getAttribute('data-sha256'))!;
      const words = await page
        .getByTestId('authority-fingerprint-words')
        .locator('li')
        .evaluateAll((lis) => lis.map((li) => li.lastChild?.textContent ?? ''));
      expect(words.join(' ')).toBe(hashWords(sha).join(' '));
      await screenshot(page, 'authorities-token-root');

      // The shares root: its custodians by name, and its CRL is a ceremony's.
      await select(page, 'ca:shares-root');
      expect(await detailText(page, 'authority-custodians')).toBe(SHARE_CUSTODIANS.join(', '));
      expect(await detailText(page, 'authority-key')).toBe(`split into 2 of 3 shares held by ${SHARE_CUSTODIANS.join(', ')}`);
      await page.getByTestId('authority-crl-ceremony').waitFor();
      expect(await detailText(page, 'authority-issued')).toBe('0 certificates');
      expect(await page.getByTestId('authority-sign-crl').count()).toBe(0);
      await screenshot(page, 'authorities-shares-root');

      // The intermediate: overdue CRL, constraints in words, the signature's curve from its issuer.
      await select(page, 'ca:mfg');
      expect(await page.getByTestId('authority-crl').getAttribute('data-state')).toBe('overdue');
      expect(await detailText(page, 'authority-crl')).toMatch(/#1, .*overdue: nextUpdate passed 10 days ago/);
      expect(await extensionValue(page, '2.5.29.19')).toContain('CA, no CAs below it (path length 0)');
      expect(await extensionValue(page, '2.5.29.30')).toContain('permitted DNS subtree devices.acme.example');
      expect(await detailText(page, 'certificate-signature')).toBe('ECDSA P-384 with SHA-384');
      expect(await detailText(page, 'certificate-public-key')).toBe('ECDSA P-256');
      expect(await detailText(page, 'authority-issued')).toBe('1 certificate');
      await screenshot(page, 'authorities-overdue-crl');

      // Export the chain through the save dialog; a place inside the workspace is refused.
      host.dialogs.answerSave(join(home, 'keys', 'chain'));
      await page.getByTestId('authority-export-chain-pem').click();
      await expect.poll(() => page.getByTestId('error-banner').getAttribute('data-code')).toBe('OUTPUT_INSIDE_WORKSPACE');
      const chainPath = join(dirs.path, 'mfg-chain');
      host.dialogs.answerSave(chainPath);
      await page.getByTestId('authority-export-chain-pem').click();
      await expect.poll(() => page.getByTestId('authority-notice').textContent()).toContain(`${chainPath}.pem`);
      expect(host.dialogs.saveRequests.at(-1)).toMatchObject({ purpose: 'authority-pem', extension: 'pem', defaultName: 'mfg-chain.pem' });
      const chain = readFileSync(`${chainPath}.pem`, 'utf8');
      expect(chain.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(2);
      const rootPem = join(dirs.path, 'root.pem');
      writeFileSync(rootPem, chain.slice(chain.lastIndexOf('-----BEGIN CERTIFICATE-----')));
      expect(
        execFileSync('openssl', ['verify', '-CAfile', rootPem], { input: chain.slice(0, chain.lastIndexOf('-----BEGIN CERTIFICATE-----')), encoding: 'utf8' }),
      ).toMatch(/OK/);

      // Sign a new CRL: a wrong passphrase is refused and signs nothing; the right one makes CRL #2, fresh.
      await page.getByTestId('authority-sign-crl').click();
      await page.getByTestId('authority-crl-secret').fill('not the passphrase at all');
      await page.getByTestId('authority-crl-submit').click();
      await expect.poll(() => page.getByTestId('error-banner').getAttribute('data-code')).toBe('KEY_PASSPHRASE_WRONG');
      expect(new CaRepository(host.workspace).latestCrl('mfg')!.crlNumber).toBe(1);
      expect(await page.getByTestId('authority-crl-secret').inputValue()).toBe('');
      await page.getByTestId('authority-crl-secret').fill(TEST_PASSPHRASE);
      await page.getByTestId('authority-crl-submit').click();
      await expect.poll(() => page.getByTestId('authority-crl').getAttribute('data-state')).toBe('fresh');
      expect(await detailText(page, 'authority-crl')).toMatch(/^#2, /);
      const crl = new CaRepository(host.workspace).latestCrl('mfg')!;
      const crlPath = join(dirs.path, 'mfg.crl');
      writeFileSync(crlPath, crl.der);
      const caFile = join(dirs.path, 'mfg-only.pem');
      writeFileSync(caFile, chain.slice(0, chain.lastIndexOf('-----BEGIN CERTIFICATE-----')));
      expect(
        execFileSync('openssl', ['crl', '-inform', 'DER', '-in', crlPath, '-CAfile', caFile, '-noout'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        }).toString(),
      ).toBe('');
      await page.getByTestId('error-banner').getByRole('button', { name: 'Dismiss' }).click();
      await screenshot(page, 'authorities-crl-signed');

      // The manifest signer under mfg: its key, its EKU in words.
      await select(page, tree[2]!.split(':').slice(2).join(':'));
      expect(await detailText(page, 'authority-key')).toMatch(/^encrypted software key in the workspace/);
      expect(await extensionValue(page, '2.5.29.37')).toContain('Hallmark batch-manifest signing');
      expect(errors).toEqual([]);
    } finally {
      await host.close();
    }
  });
});

async function keyId(host: TestHost): Promise<string> {
  const { KeyRepository } = await import('../../main/store/key-repository.js');
  const id = new KeyRepository(host.workspace).get('token-root-key').location['id'];
  if (typeof id !== 'string') throw new Error('the token key record has no id');
  return id;
}
