import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { acknowledgeStep, answerSecret, filesUnder, loadAndApprove, records, stepRow } from '../support/ceremony-screen.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { typedSharesBinding } from '../support/ceremony-files.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A whole root ceremony through the Ceremonies screen on SoftHSM: the shipped example
 * script (network rule relaxed: this machine has interfaces up) and a binding naming the
 * test token, whose PIN the administrator types when generate-key needs it.
 */
const PIN = '580213';
const dirs = tempDir('hallmark-e2e-ceremony-');
let browser: Browser;
let hsm: SoftHsm;
let binding: string;
const example = readFileSync(join(REPO_ROOT, 'resources/ceremonies/root-pkcs11.yaml'), 'utf8').replace('requireNoNetwork: true', 'requireNoNetwork: false');
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian'];

beforeAll(async () => {
  hsm = createSoftHsm([{ label: 'root-token', pin: PIN }]);
  binding = join(dirs.path, 'binding.yaml');
  writeFileSync(binding, `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    typed: true\n`);
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

async function preflightAndStart(host: TestHost, page: Page, out: string): Promise<void> {
  await page.getByTestId('ceremony-preflight-run').click();
  await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
  host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
  await page.getByTestId('ceremony-start').click();
  await page.getByTestId('ceremony-run').waitFor();
}

describe.skipIf(!softHsmAvailable())('Ceremonies screen', () => {
  it('runs a root ceremony on SoftHSM: hash approved, pre-flight, clock confirmed, every step acknowledged, PIN typed at generate-key, root verifies', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws') });
    try {
      const { page, errors } = await open(host);
      await page.getByTestId('ceremony-past-empty').waitFor();
      const script = join(dirs.path, 'root.yaml');
      writeFileSync(script, example);
      const sha = await loadAndApprove(page, script, binding, CUSTODIANS);
      const sha256 = execFileSync('sha256sum', [script], { encoding: 'utf8' }).split(' ')[0];
      expect(sha).toBe(sha256);
      expect(await page.getByTestId('ceremony-hash-words').locator('li').count()).toBe(8);
      expect(await page.getByTestId('ceremony-hash-qr').getAttribute('src')).toMatch(/^data:image\/svg\+xml;base64,/);
      expect(await page.getByTestId('ceremony-hash-qr').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
      // The binding is approved with the script: its hash three ways, and every part of it.
      const bindingSha = createHash('sha256').update(readFileSync(binding)).digest('hex');
      expect(await page.getByTestId('ceremony-binding-hash').getAttribute('data-sha256')).toBe(bindingSha);
      expect(await page.getByTestId('ceremony-binding-hash-words').locator('li').count()).toBe(8);
      expect(await page.getByTestId('ceremony-binding-part').evaluateAll((els) => els.map((e) => e.getAttribute('data-label')))).toEqual([
        'PKCS#11 module',
        'Token serial',
        'Token PIN',
      ]);
      expect(await page.getByTestId('ceremony-binding-parts').innerText()).toContain(hsm.tokens[0]!.serial);
      expect(await page.getByTestId('ceremony-binding-parts').innerText()).toContain('typed at the step that needs it');
      // No secret before the ceremony starts: the PIN is asked at the step that uses it.
      expect(await page.getByTestId('ceremony-pin').count()).toBe(0);
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      const rows = await page
        .getByTestId('ceremony-preflight-check')
        .evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-state')}`));
      expect(rows.slice(0, 6)).toEqual(['clock:pass', 'app:pass', 'workspace:pass', 'secrets:pass', 'token:pass', 'network:pass']);
      // The machine's swap and core dumps: shown, a warning at most.
      expect(rows.slice(6).map((r) => r.split(':')[0])).toEqual(['swap', 'core-dumps']);
      expect(rows.slice(6).some((r) => r.endsWith(':fail'))).toBe(false);
      await screenshot(page, 'ceremony-approved');

      const out = join(dirs.path, 'out');
      host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
      await page.getByTestId('ceremony-start').click();
      await page.getByTestId('ceremony-run').waitFor();

      // The witnesses confirm the clock pre-flight recorded, shown large in UTC, before step 1.
      let clockUtc = '';
      await acknowledgeStep(page, 'preflight-clock', async () => {
        expect(await stepRow(page, 'preflight-clock').getAttribute('data-kind')).toBe('preflight-clock');
        clockUtc = (await page.getByTestId('ceremony-clock-time').getAttribute('data-utc'))!;
        expect(clockUtc).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
        expect(await page.getByTestId('ceremony-clock-time').textContent()).toBe(`${clockUtc.slice(0, 10)} ${clockUtc.slice(11, 19)} UTC`);
        await screenshot(page, 'ceremony-clock');
      });
      expect(await page.locator('[data-testid="ceremony-step"]').first().getAttribute('data-step')).toBe('preflight-clock');

      await acknowledgeStep(page, 'preflight-confirmed');
      await acknowledgeStep(page, 'generate-key', () => screenshot(page, 'ceremony-step').then(() => undefined));
      const asked = await answerSecret(page, PIN, () => screenshot(page, 'ceremony-secret-prompt').then(() => undefined));
      expect(asked).toEqual({ who: 'Alice Admin', what: `enter the PIN of token serial ${hsm.tokens[0]!.serial}`, kind: 'pin', step: 'generate-key' });
      await acknowledgeStep(page, 'sign-root');
      // One PIN for the whole ceremony: sign-root did not ask again.
      expect(await page.getByTestId('ceremony-secret').count()).toBe(0);
      // The linted to-be-signed certificate is shown and acknowledged before the key signs it.
      await acknowledgeStep(page, 'sign-root-tbs-review', async () => {
        const review = await stepRow(page, 'sign-root-tbs-review').textContent();
        expect(review).toContain('CN=Acme Device Root CA 2026');
        expect(review).toContain('lints');
        await stepRow(page, 'sign-root-tbs-review').scrollIntoViewIfNeeded();
        await screenshot(page, 'ceremony-tbs-review');
      });
      await acknowledgeStep(page, 'outputs-read-aloud');
      await page.getByTestId('ceremony-result').waitFor({ timeout: 20_000 });
      await screenshot(page, 'ceremony-completed');
      expect(await page.getByTestId('ceremony-run').getAttribute('data-phase')).toBe('completed');
      const text = (await page.getByTestId('ceremony-result').textContent())!;
      expect(text).toContain('CN=Acme Device Root CA 2026');
      expect(await page.getByTestId('ceremony-transcript').textContent()).toBe(join(out, 'transcript.jsonl'));
      expect(await page.getByTestId('ceremony-signature').textContent()).toBe(join(out, 'transcript.jsonl.p7s'));
      expect(await page.getByTestId('ceremony-sums').textContent()).toBe(join(out, 'SHA256SUMS'));

      const cert = join(out, 'acme-root-2026.pem');
      expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toContain('acme-root-2026.pem: OK');
      const jsonl = readFileSync(join(out, 'transcript.jsonl'), 'utf8');
      const acks = records(jsonl).filter((r) => r.type === 'acknowledged') as unknown as { step: string; role: string; name: string; via: string }[];
      expect(acks.filter((a) => a.step === 'preflight-clock').map((a) => `${a.role} ${a.name}`)).toEqual(['witnesses Dave Witness']);
      expect(acks.filter((a) => a.step === 'generate-key').map((a) => a.name)).toEqual(['Alice Admin', 'Bob Custodian', 'Carol Custodian', 'Dave Witness']);
      // clock, the four steps and the review of the to-be-signed root
      expect(acks).toHaveLength(1 + 2 + 4 + 2 + 2 + 4);
      expect(new Set(acks.map((a) => a.via))).toEqual(new Set(['app']));
      expect(jsonl).toContain(clockUtc);
      const started = records(jsonl).find((r) => r.type === 'started') as { rehearsal?: boolean } | undefined;
      expect(started?.rehearsal).toBe(false);
      // The PIN crossed in memory only: not in the transcript, the audit log or the page.
      for (const f of filesUnder(out)) expect(readFileSync(f).includes(PIN), f).toBe(false);
      expect(JSON.stringify(host.workspace.audit.query({ offset: 0, limit: 1000 }))).not.toContain(PIN);
      expect(await page.content()).not.toContain(PIN);
      const audited = host.workspace.audit.query({ offset: 0, limit: 1000, action: 'ceremony.acknowledged' });
      expect(new Set(audited.entries.map((e) => (e.details as { via: string }).via))).toEqual(new Set(['app']));
      const approvals = host.workspace.audit.query({ offset: 0, limit: 1000, action: 'ceremony.hash-approved' });
      expect(approvals.entries.map((e) => e.actor)).toEqual(CUSTODIANS);

      await page.getByTestId('ceremony-back').click();
      const row = page.getByTestId('ceremony-past-row');
      await expect.poll(() => row.count()).toBe(1);
      expect(await row.getAttribute('data-status')).toBe('completed');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);

  it('asks each custodian for their own passphrase in turn at generate-key, one field at a time, for a root split among custodians', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-shares') });
    try {
      const { page, errors } = await open(host);
      const script = join(dirs.path, 'root-shares.yaml');
      writeFileSync(
        script,
        readFileSync(join(REPO_ROOT, 'resources/ceremonies/root-shares.yaml'), 'utf8').replace('requireNoNetwork: true', 'requireNoNetwork: false'),
      );
      const custodians = ['Bob Custodian', 'Carol Custodian', 'Erin Custodian'];
      const pass: Record<string, string> = {
        'Bob Custodian': 'bob-passphrase-7a1c',
        'Carol Custodian': 'carol-passphrase-2d9e',
        'Erin Custodian': 'erin-passphrase-5f3b',
      };
      await loadAndApprove(page, script, typedSharesBinding(dirs.path), custodians);
      const out = join(dirs.path, 'out-shares');
      await preflightAndStart(host, page, out);
      await acknowledgeStep(page, 'preflight-clock');
      await acknowledgeStep(page, 'preflight-confirmed');
      await acknowledgeStep(page, 'generate-and-split');
      const asked: string[] = [];
      for (const name of custodians) {
        await expect.poll(() => page.getByTestId('ceremony-secret').getAttribute('data-who'), { timeout: 20_000 }).toBe(name);
        // One prompt at a time, and an empty field for each person.
        expect(await page.getByTestId('ceremony-secret').count()).toBe(1);
        expect(await page.getByTestId('ceremony-secret-input').inputValue()).toBe('');
        expect(await page.getByTestId('ceremony-secret-what').textContent()).toBe('enter your passphrase');
        await page.getByTestId('ceremony-secret-input').fill(pass[name]!);
        if (name === 'Carol Custodian') await screenshot(page, 'ceremony-secret-custodian');
        await page.getByTestId('ceremony-secret-submit').click();
        asked.push(name);
      }
      expect(asked).toEqual(custodians);
      await acknowledgeStep(page, 'sign-root');
      await acknowledgeStep(page, 'sign-root-tbs-review');
      await acknowledgeStep(page, 'shares-handed-over');
      await page.getByTestId('ceremony-result').waitFor({ timeout: 30_000 });
      const cert = join(out, 'acme-root-shares-2026.pem');
      expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
      for (const f of filesUnder(out)) for (const p of Object.values(pass)) expect(readFileSync(f).includes(p), f).toBe(false);
      expect(JSON.stringify(host.workspace.audit.query({ offset: 0, limit: 1000 }))).not.toContain(pass['Bob Custodian']);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 60_000);

  it('stops when a witness rejects the clock, before any key exists, and lists the ceremony as aborted', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-clock') });
    try {
      const { page, errors } = await open(host);
      const script = join(dirs.path, 'root-clock.yaml');
      writeFileSync(script, example);
      await loadAndApprove(page, script, binding, CUSTODIANS);
      await preflightAndStart(host, page, join(dirs.path, 'out-clock'));
      await expect.poll(() => stepRow(page, 'preflight-clock').getAttribute('data-state'), { timeout: 20_000 }).toBe('acknowledging');
      await page.getByTestId('ceremony-clock-reject').click();
      const aborted = page.getByTestId('ceremony-aborted');
      await aborted.waitFor();
      expect(await aborted.getAttribute('data-code')).toBe('CEREMONY_ABORTED');
      expect(await page.getByTestId('ceremony-aborted-message').textContent()).toContain('witness rejected the clock');
      expect(await stepRow(page, 'preflight-clock').getAttribute('data-state')).toBe('failed');
      expect(await stepRow(page, 'generate-key').getAttribute('data-state')).toBe('pending');
      expect(host.workspace.audit.query({ offset: 0, limit: 100, action: 'ceremony.step-completed' }).total).toBe(0);
      expect(existsSync(join(dirs.path, 'out-clock', 'acme-root-2026.pem'))).toBe(false);
      await page.getByTestId('ceremony-back').click();
      const row = page.getByTestId('ceremony-past-row');
      await expect.poll(() => row.getAttribute('data-status')).toBe('aborted');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('refuses a script changed after its hash was approved, showing the mismatch', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-changed') });
    try {
      const { page } = await open(host);
      const script = join(dirs.path, 'root-changed.yaml');
      writeFileSync(script, example);
      const approved = await loadAndApprove(page, script, binding, CUSTODIANS);
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      writeFileSync(script, example.replace('validityDays: 7300', 'validityDays: 7301'));
      const out = join(dirs.path, 'out-changed');
      host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
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
