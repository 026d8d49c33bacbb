import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ackFileSource } from '../../main/ceremony/acknowledgments.js';
import { loadBinding } from '../../main/ceremony/ceremony-binding.js';
import { parseCeremonyScript } from '../../main/ceremony/parse-ceremony-script.js';
import { runCeremony } from '../../main/ceremony/run-ceremony.js';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { acknowledgeStep, answerSecret, filesUnder, loadAndApprove, records } from '../support/ceremony-screen.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { typedSources } from '../support/ceremony-files.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * An intermediate ceremony through the Ceremonies screen: the root is made first in the
 * same workspace by the core exactly as `hallmark ceremony run --ack-file` makes it (a
 * rehearsal), then the shipped intermediate-from-CSR script runs on the screen with the
 * root's PIN typed when sign-intermediate needs it, and both show in the register.
 */
const PIN = '731906';
const dirs = tempDir('hallmark-e2e-ceremony-int-');
const example = (name: string) =>
  readFileSync(join(REPO_ROOT, 'resources/ceremonies', name), 'utf8').replace('requireNoNetwork: true', 'requireNoNetwork: false');
let browser: Browser;
let hsm: SoftHsm;

beforeAll(async () => {
  hsm = createSoftHsm([{ label: 'root-token', pin: PIN }]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  hsm?.dispose();
  dirs.dispose();
});

const file = (name: string, content: string) => {
  const p = join(dirs.path, name);
  writeFileSync(p, content);
  return p;
};

describe.skipIf(!softHsmAvailable())('Ceremonies screen: intermediate', () => {
  it('signs an intermediate for a CSR under a root made in the workspace; the certificate verifies and both ceremonies are listed', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws') });
    try {
      const token = `pkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[0]!.serial}"\n  pin:\n    env: HALLMARK_CEREMONY_PIN\n`;
      const rootScript = file('root.yaml', example('root-pkcs11.yaml'));
      const rootBinding = file('root.binding.yaml', `version: 1\n${token}`);
      const rootOut = join(dirs.path, 'root-out');
      const loaded = parseCeremonyScript(readFileSync(rootScript), rootScript);
      await runCeremony({
        ws: host.workspace,
        script: loaded,
        scriptPath: rootScript,
        approvedHash: loaded.sha256,
        binding: loadBinding(rootBinding),
        approvedBindingHash: loadBinding(rootBinding).sha256,
        env: { HALLMARK_CEREMONY_PIN: PIN },
        outDir: rootOut,
        acks: ackFileSource(join(REPO_ROOT, 'resources/ceremonies/rehearsal.acks')),
        actor: 'Alice Admin',
        say: () => {},
      });
      const rootPem = join(rootOut, 'acme-root-2026.pem');

      execFileSync('openssl', ['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', join(dirs.path, 'online.key')], { stdio: 'pipe' });
      const csr = join(dirs.path, 'online.csr');
      execFileSync('openssl', ['req', '-new', '-key', join(dirs.path, 'online.key'), '-subj', '/CN=Acme Online CA request', '-out', csr], { stdio: 'pipe' });
      const script = file('intermediate.yaml', example('intermediate-csr.yaml'));
      const binding = file('intermediate.binding.yaml', `version: 1\n${typedSources(token)}csr: online.csr\n`);

      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/ceremonies`);
      await page.getByTestId('ceremony-screen').waitFor();
      await expect.poll(() => page.getByTestId('ceremony-past-row').count()).toBe(1);
      await loadAndApprove(page, script, binding, ['Bob Custodian', 'Carol Custodian']);
      expect(await page.getByTestId('ceremony-screen').textContent()).toContain('Signed byacme-root-2026');
      await page.getByTestId('ceremony-preflight-run').click();
      await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
      const out = join(dirs.path, 'out');
      host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
      await page.getByTestId('ceremony-start').click();
      await page.getByTestId('ceremony-run').waitFor();

      await acknowledgeStep(page, 'preflight-clock');
      await acknowledgeStep(page, 'preflight-and-csr-confirmed');
      await acknowledgeStep(page, 'sign-intermediate');
      const asked = await answerSecret(page, PIN);
      expect(asked).toEqual({ who: 'Alice Admin', what: `enter the PIN of token serial ${hsm.tokens[0]!.serial}`, kind: 'pin', step: 'sign-intermediate' });
      await acknowledgeStep(page, 'sign-intermediate-tbs-review');
      await acknowledgeStep(page, 'outputs-read-aloud');
      await page.getByTestId('ceremony-result').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('ceremony-result').textContent()).toContain('CN=Acme Online Device CA 2026');
      await screenshot(page, 'ceremony-intermediate-completed');

      const cert = join(out, 'acme-online-ca-2026.pem');
      expect(execFileSync('openssl', ['verify', '-CAfile', rootPem, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
      const text = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-text'], { encoding: 'utf8' });
      expect(text).toContain('Subject: C = DE, O = Acme Devices GmbH, CN = Acme Online Device CA 2026');
      expect(text).toMatch(/Permitted:\s+DNS:devices\.acme\.example/);
      expect(readdirSync(out)).toEqual(
        expect.arrayContaining([
          'SHA256SUMS',
          'acme-online-ca-2026.csr',
          'acme-online-ca-2026.der',
          'acme-online-ca-2026.pem',
          'transcript.html',
          'transcript.jsonl',
          'transcript.jsonl.p7s',
        ]),
      );
      expect(execFileSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: out, encoding: 'utf8' })).toContain('acme-online-ca-2026.pem: OK');
      const jsonl = readFileSync(join(out, 'transcript.jsonl'), 'utf8');
      const acks = records(jsonl).filter((r) => r.type === 'acknowledged') as unknown as { step: string; via: string }[];
      expect(acks.map((a) => a.step)).toContain('preflight-clock');
      expect(new Set(acks.map((a) => a.via))).toEqual(new Set(['app']));
      for (const f of filesUnder(out)) expect(readFileSync(f).includes(PIN), f).toBe(false);
      expect(await page.content()).not.toContain(PIN);

      await page.getByTestId('ceremony-back').click();
      const rows = page.getByTestId('ceremony-past-row');
      await expect.poll(() => rows.count()).toBe(2);
      expect(await rows.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-name')}:${e.getAttribute('data-status')}`))).toEqual([
        'acme-online-ca-2026:completed',
        'acme-root-2026:completed',
      ]);
      await screenshot(page, 'ceremony-list');
      await rows.first().click();
      const detail = page.getByTestId('ceremony-detail');
      await detail.waitFor();
      expect(await page.getByTestId('ceremony-detail-file').evaluateAll((els) => els.map((e) => e.textContent.split(' ')[0]))).toEqual(
        ['transcript.jsonl', 'transcript.html', 'transcript.jsonl.p7s', 'SHA256SUMS'].map((f) => join(out, f)),
      );
      expect(await page.getByTestId('ceremony-detail-output').evaluateAll((els) => els.map((e) => e.getAttribute('data-file')).sort())).toEqual([
        'acme-online-ca-2026.csr',
        'acme-online-ca-2026.der',
        'acme-online-ca-2026.pem',
      ]);
      expect(await page.getByTestId('ceremony-detail-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual([
        'preflight-and-csr-confirmed',
        'sign-intermediate',
        'outputs-read-aloud',
      ]);
      await screenshot(page, 'ceremony-detail');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 90_000);
});
