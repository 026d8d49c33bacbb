import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A whole root ceremony through the Ceremonies screen on SoftHSM: the shipped example
 * script (network rule relaxed: this machine has interfaces up) and a binding naming the
 * test token, whose PIN is typed on the screen.
 */
const PIN = '580213';
const dirs = tempDir('hallmark-e2e-ceremony-');
let browser: Browser;
let hsm: SoftHsm;
let binding: string;
const example = readFileSync(join(REPO_ROOT, 'resources/ceremonies/root-pkcs11.yaml'), 'utf8').replace('requireNoNetwork: true', 'requireNoNetwork: false');
const ROLE_NAMES = { administrator: ['Alice Admin'], custodians: ['Bob Custodian', 'Carol Custodian'], witnesses: ['Dave Witness'] };

beforeAll(async () => {
  hsm = createSoftHsm([{ label: 'root-token', pin: PIN }]);
  binding = join(dirs.path, 'binding.yaml');
  writeFileSync(binding, `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    env: HALLMARK_CEREMONY_PIN\n`);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  hsm?.dispose();
  dirs.dispose();
});

async function open(host: TestHost): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/ceremonies`);
  await page.getByTestId('ceremony-screen').waitFor();
  return { page, errors };
}

async function loadAndApprove(page: Page, script: string): Promise<string> {
  await page.getByTestId('ceremony-script').fill(script);
  await page.getByTestId('ceremony-binding').fill(binding);
  await page.getByTestId('ceremony-load').click();
  const hash = page.getByTestId('ceremony-hash');
  await hash.waitFor();
  const sha = (await hash.getAttribute('data-sha256'))!;
  for (const name of ROLE_NAMES.custodians) {
    const row = page.locator(`[data-testid="ceremony-approval"][data-name="${name}"]`);
    await row.getByTestId('ceremony-approval-name').fill(name);
    await row.getByTestId('ceremony-approval-submit').click();
    await expect.poll(() => row.getAttribute('data-state')).toBe('signed');
  }
  return sha;
}

describe.skipIf(!softHsmAvailable())('Ceremonies screen', () => {
  it('runs a root ceremony on SoftHSM: hash approved, pre-flight, every step acknowledged by each role, PIN typed, root verifies', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws') });
    try {
      const { page, errors } = await open(host);
      const script = join(dirs.path, 'root.yaml');
      writeFileSync(script, example);
      const sha = await loadAndApprove(page, script);
      const sha256 = execFileSync('sha256sum', [script], { encoding: 'utf8' }).split(' ')[0];
      expect(sha).toBe(sha256);
      expect(await page.getByTestId('ceremony-hash-words').locator('li').count()).toBe(8);
      expect(await page.getByTestId('ceremony-hash-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await page.getByTestId('ceremony-hash-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      await screenshot(page, 'ceremony-approved');

      const out = join(dirs.path, 'out');
      await page.getByTestId('ceremony-out').fill(out);
      await page.getByTestId('ceremony-pin').fill(PIN);
      await page.getByTestId('ceremony-start').click();
      await page.getByTestId('ceremony-run').waitFor();

      for (const step of ['preflight-confirmed', 'generate-key', 'sign-root', 'outputs-read-aloud']) {
        const row = page.locator(`[data-testid="ceremony-step"][data-step="${step}"]`);
        await expect.poll(() => row.getAttribute('data-state'), { timeout: 15_000 }).toBe('acknowledging');
        if (step === 'generate-key') await screenshot(page, 'ceremony-step');
        const acks = row.getByTestId('ceremony-ack');
        const count = await acks.count();
        for (let i = 0; i < count; i++) {
          const ack = acks.nth(i);
          const name = (await ack.getAttribute('data-name'))!;
          await ack.getByTestId('ceremony-ack-name').fill(name);
          await ack.getByTestId('ceremony-ack-submit').click();
          await expect.poll(() => ack.getAttribute('data-state')).toBe('signed');
        }
      }
      await page.getByTestId('ceremony-result').waitFor({ timeout: 20_000 });
      await screenshot(page, 'ceremony-completed');
      expect(await page.getByTestId('ceremony-run').getAttribute('data-phase')).toBe('completed');
      const text = (await page.getByTestId('ceremony-result').textContent())!;
      expect(text).toContain('CN=Acme Device Root CA 2026');
      expect(await page.getByTestId('ceremony-transcript').textContent()).toBe(join(out, 'transcript.json'));
      expect(await page.getByTestId('ceremony-output').count()).toBe(2);

      const cert = join(out, 'acme-root-2026.pem');
      expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
      const t = JSON.parse(readFileSync(join(out, 'transcript.json'), 'utf8'));
      expect(t.script.sha256).toBe(sha256);
      expect(t.rehearsal).toBe(false);
      expect(t.steps[1].acknowledgments.map((a: { name: string }) => a.name)).toEqual(['Alice Admin', 'Bob Custodian', 'Carol Custodian', 'Dave Witness']);
      expect(t.steps.flatMap((s: { acknowledgments: unknown[] }) => s.acknowledgments)).toHaveLength(2 + 4 + 2 + 4);
      expect(t.steps[1].acknowledgments[0]).toMatchObject({ role: 'administrator', time: expect.stringMatching(/Z$/) });
      // The PIN crossed in memory only: not in the transcript, the audit log or the page.
      expect(readFileSync(join(out, 'transcript.json'), 'utf8')).not.toContain(PIN);
      expect(JSON.stringify(host.workspace.audit.query({ offset: 0, limit: 1000 }))).not.toContain(PIN);
      expect(await page.content()).not.toContain(PIN);
      const approvals = host.workspace.audit.query({ offset: 0, limit: 1000, action: 'ceremony.hash-approved' });
      expect(approvals.entries.map((e) => e.actor)).toEqual(ROLE_NAMES.custodians);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 40_000);

  it('refuses a script changed after its hash was approved, showing the mismatch', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-changed') });
    try {
      const { page } = await open(host);
      const script = join(dirs.path, 'root-changed.yaml');
      writeFileSync(script, example);
      const approved = await loadAndApprove(page, script);
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      writeFileSync(script, example.replace('validityDays: 7300', 'validityDays: 7301'));
      const out = join(dirs.path, 'out-changed');
      await page.getByTestId('ceremony-out').fill(out);
      await page.getByTestId('ceremony-pin').fill(PIN);
      await page.getByTestId('ceremony-start').click();
      const aborted = page.getByTestId('ceremony-aborted');
      await aborted.waitFor();
      expect(await aborted.getAttribute('data-code')).toBe('CEREMONY_HASH_MISMATCH');
      const message = (await page.getByTestId('ceremony-aborted-message').textContent())!;
      expect(message).toContain(`not the approved ${approved}`);
      expect(message).toContain(execFileSync('sha256sum', [script], { encoding: 'utf8' }).split(' ')[0]);
      await screenshot(page, 'ceremony-hash-mismatch');
      expect(existsSync(out)).toBe(false);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
