import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { acknowledgeStep, answerSecret, approveLoaded, loadAndApprove, openPast, stepRow } from '../support/ceremony-screen.js';
import { createSoftHsm, softHsmAvailable, type SoftHsm } from '../support/softhsm.js';
import { fileSha256 } from '../support/ceremony-files.js';
import { tempDir } from '../support/temp-dir.js';
import { assertMediumVerifies, readTranscript } from '../support/transcript.js';

/**
 * Interrupted ceremonies on the Ceremonies screen, made for real: a root ceremony on
 * SoftHSM whose administrator types a wrong PIN at generate-key stops there, open in the
 * register. One is resumed from the list (binding typed, hash approved again, pre-flight)
 * and completed, a witness noting an exception on the way; the other is aborted with a
 * reason. Each case has its own token and workspace, so one's key never collides with
 * another's label.
 */
const PIN = '731904';
const WRONG_PIN = '000000';
const dirs = tempDir('hallmark-e2e-ceremony-resume-');
let browser: Browser;
let hsm: SoftHsm;
const example = readFileSync(join(REPO_ROOT, 'resources/ceremonies/root-pkcs11.yaml'), 'utf8').replace('requireNoNetwork: true', 'requireNoNetwork: false');
const CUSTODIANS = ['Bob Custodian', 'Carol Custodian'];

beforeAll(async () => {
  hsm = createSoftHsm([
    { label: 'root-resume', pin: PIN },
    { label: 'root-abort', pin: PIN },
  ]);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  hsm?.dispose();
  dirs.dispose();
});

function bindingFor(token: number): string {
  const path = join(dirs.path, `binding-${token}.yaml`);
  writeFileSync(path, `version: 1\npkcs11:\n  module: ${hsm.modulePath}\n  tokenSerial: "${hsm.tokens[token]!.serial}"\n  pin:\n    typed: true\n`);
  return path;
}

async function open(host: TestHost): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/ceremonies`);
  await page.getByTestId('ceremony-screen').waitFor();
  return { page, errors };
}

/** The contract as the renderer calls it, for the refusals no button offers. */
async function call(host: TestHost, op: string, input: unknown): Promise<{ ok: boolean; error?: { code: string; message: string } }> {
  const r = await fetch(`${host.origin}/__test-host/invoke/${op}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-hallmark-token': host.token },
    body: JSON.stringify({ input }),
  });
  return (await r.json()) as { ok: boolean; error?: { code: string; message: string } };
}

async function preflight(page: Page): Promise<void> {
  await page.getByTestId('ceremony-preflight-run').click();
  await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
}

/** Starts the ceremony and stops it at generate-key with a wrong PIN; returns its register id. */
async function interruptAtGenerateKey(host: TestHost, page: Page, script: string, binding: string, out: string): Promise<string> {
  await loadAndApprove(page, script, binding, CUSTODIANS);
  await preflight(page);
  host.dialogs.answerFolders([out]); // the main process's folder dialog for the output medium
  await page.getByTestId('ceremony-start').click();
  await page.getByTestId('ceremony-run').waitFor();
  await acknowledgeStep(page, 'preflight-clock');
  await acknowledgeStep(page, 'preflight-confirmed');
  await acknowledgeStep(page, 'generate-key');
  await answerSecret(page, WRONG_PIN);
  const stopped = page.getByTestId('ceremony-aborted');
  await stopped.waitFor({ timeout: 20_000 });
  expect(await stopped.getAttribute('data-code')).toBe('PKCS11_PIN_WRONG');
  expect(await page.getByTestId('ceremony-aborted-message').textContent()).toContain('wrong PIN');
  expect(await stepRow(page, 'generate-key').getAttribute('data-state')).toBe('failed');
  await page.getByTestId('ceremony-back').click();
  const row = page.getByTestId('ceremony-past-row');
  await expect.poll(() => row.getAttribute('data-status')).toBe('interrupted');
  return (await row.getAttribute('data-id'))!;
}

describe.skipIf(!softHsmAvailable())('Ceremonies screen: interrupted ceremonies and exceptions', () => {
  it('resumes a ceremony stopped by a wrong PIN at generate-key: hash approved again, right PIN, completed; a witness exception is recorded', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-resume') });
    try {
      const { page, errors } = await open(host);
      const script = join(dirs.path, 'root-resume.yaml');
      writeFileSync(script, example);
      const binding = bindingFor(0);
      const out = join(dirs.path, 'out-resume');
      const id = await interruptAtGenerateKey(host, page, script, binding, out);
      const sha256 = execFileSync('sha256sum', [script], { encoding: 'utf8' }).split(' ')[0]!;

      await openPast(page, id);
      expect(await page.getByTestId('ceremony-detail').getAttribute('data-status')).toBe('interrupted');
      expect(await page.getByTestId('ceremony-detail-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')))).toEqual(['preflight-confirmed']);
      await page.getByTestId('ceremony-detail-resume').click();
      // The register's script, not one typed here: a resume runs what the ceremony started with.
      expect(await page.getByTestId('ceremony-script').inputValue()).toBe(script);
      expect(await page.getByTestId('ceremony-script').isDisabled()).toBe(true);
      await page.getByTestId('ceremony-binding').fill(binding);
      await page.getByTestId('ceremony-load').click();
      expect(await approveLoaded(page, CUSTODIANS)).toBe(sha256);
      expect(await page.getByTestId('ceremony-resume-hash-check').getAttribute('data-match')).toBe('true');
      expect(await page.getByTestId('ceremony-resume-start').isDisabled()).toBe(true);
      await preflight(page);
      await screenshot(page, 'ceremony-resume');
      await page.getByTestId('ceremony-resume-start').click();
      await page.getByTestId('ceremony-run').waitFor();

      // The committed step is done before anyone signs; the witnesses confirm the clock again.
      expect(await stepRow(page, 'preflight-confirmed').getAttribute('data-state')).toBe('done');
      await acknowledgeStep(page, 'preflight-clock');
      // While it runs, the list's buttons are not the way to stop it.
      expect((await call(host, 'ceremony.abortInterrupted', { id, reason: 'no' })).error?.code).toBe('CEREMONY_LIVE');
      expect(
        (await call(host, 'ceremony.resume', { id, bindingPath: binding, approvedHash: sha256, approvedBindingHash: fileSha256(binding) })).error?.code,
      ).toBe('CEREMONY_BUSY');

      const genKey = stepRow(page, 'generate-key');
      await expect.poll(() => genKey.getAttribute('data-state'), { timeout: 20_000 }).toBe('acknowledging');
      const runId = (await call(host, 'ceremony.status', {})) as unknown as { ok: true; value: { run: { runId: string } } };
      const notWitness = await call(host, 'ceremony.noteException', { runId: runId.value.run.runId, name: 'Bob Custodian', note: 'not a witness' });
      expect(notWitness.error?.code).toBe('CEREMONY_ACK_INVALID');
      const note = 'The token was taken out of its tamper bag before the administrator arrived; bag serial 0042 checked intact.';
      await page.getByTestId('ceremony-exception-name').selectOption('Dave Witness');
      await page.getByTestId('ceremony-exception-note').fill(note);
      await page.getByTestId('ceremony-exception-submit').click();
      const noted = page.getByTestId('ceremony-exception');
      await expect.poll(() => noted.getAttribute('data-state')).toBe('queued');
      await screenshot(page, 'ceremony-exception');
      await acknowledgeStep(page, 'generate-key');
      await answerSecret(page, PIN);
      await expect.poll(() => noted.getAttribute('data-state'), { timeout: 20_000 }).toBe('recorded');
      expect(await noted.getAttribute('data-step')).toBe('generate-key');
      await acknowledgeStep(page, 'sign-root');
      await acknowledgeStep(page, 'sign-root-tbs-review');
      await acknowledgeStep(page, 'outputs-read-aloud');
      await page.getByTestId('ceremony-result').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('ceremony-log').textContent()).toContain(`exception noted by witness Dave Witness at step "generate-key": ${note}`);

      const t = readTranscript(out);
      const types = t.records.map((r) => r.type);
      const stoppedAt = types.indexOf('stopped');
      const resumedAt = types.indexOf('resumed');
      expect(stoppedAt).toBeGreaterThan(0);
      expect(resumedAt).toBeGreaterThan(stoppedAt);
      expect(types.at(-1)).toBe('completed');
      expect(t.of('stopped')[0]).toMatchObject({ step: 'generate-key', code: 'PKCS11_PIN_WRONG' });
      expect(t.of('started')).toHaveLength(1);
      expect(t.of('exception')).toEqual([expect.objectContaining({ step: 'generate-key', role: 'witnesses', by: 'Dave Witness', note })]);
      // Recorded after generate-key's acknowledgments of the resumed run, before its action.
      const exceptionAt = types.indexOf('exception');
      expect(exceptionAt).toBeGreaterThan(resumedAt);
      expect(types.slice(exceptionAt - 1, exceptionAt + 2)).toEqual(['acknowledged', 'exception', 'action']);
      const cert = join(out, 'acme-root-2026.pem');
      assertMediumVerifies(out, cert);
      const audited = host.workspace.audit.query({ offset: 0, limit: 100, action: 'ceremony.exception-noted' }).entries;
      expect(audited.map((e) => [e.actor, (e.details as { note: string }).note])).toEqual([['Dave Witness', note]]);
      expect(host.workspace.audit.query({ offset: 0, limit: 100, action: 'ceremony.resumed' }).total).toBe(1);
      for (const f of [join(out, 'transcript.jsonl'), join(out, 'transcript.html')]) expect(readFileSync(f).includes(PIN), f).toBe(false);

      await page.getByTestId('ceremony-back').click();
      const row = page.locator(`[data-testid="ceremony-past-row"][data-id="${id}"]`);
      await expect.poll(() => row.getAttribute('data-status')).toBe('completed');
      expect((await call(host, 'ceremony.abortInterrupted', { id, reason: 'too late' })).error?.code).toBe('CEREMONY_NOT_INTERRUPTED');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 120_000);

  it('aborts an interrupted ceremony from its detail with a reason: register, audit log and transcript say so', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'ws-abort') });
    try {
      const { page, errors } = await open(host);
      const script = join(dirs.path, 'root-abort.yaml');
      writeFileSync(script, example);
      const out = join(dirs.path, 'out-abort');
      const id = await interruptAtGenerateKey(host, page, script, bindingFor(1), out);

      await openPast(page, id);
      await page.getByTestId('ceremony-detail-abort').click();
      const reason = 'the token PIN envelope was found opened; ceremony to be redone with a new token';
      await page.getByTestId('ceremony-detail-abort-reason').fill(reason);
      await page.getByTestId('ceremony-detail-abort-confirm').click();
      await expect.poll(() => page.getByTestId('ceremony-detail').getAttribute('data-status')).toBe('aborted');
      expect(await page.getByTestId('ceremony-detail-abort-note').textContent()).toContain(`aborted record appended to ${join(out, 'transcript.jsonl')}`);
      expect(await page.getByTestId('ceremony-detail-resume').count()).toBe(0);

      const t = readTranscript(out);
      expect(t.records.at(-1)).toMatchObject({ type: 'aborted', code: 'CEREMONY_ABORTED', message: reason, by: 'Alice Admin' });
      expect(t.records.map((r) => r.type).filter((x) => x === 'stopped' || x === 'aborted')).toEqual(['stopped', 'aborted']);
      const audited = host.workspace.audit.query({ offset: 0, limit: 100, action: 'ceremony.aborted' }).entries;
      expect(audited.map((e) => e.details as { ceremonyId: string; message: string })).toEqual([expect.objectContaining({ ceremonyId: id, message: reason })]);
      expect(existsSync(join(out, 'acme-root-2026.pem'))).toBe(false);

      await page.getByTestId('ceremony-detail-close').click();
      const row = page.locator(`[data-testid="ceremony-past-row"][data-id="${id}"]`);
      await expect.poll(() => row.getAttribute('data-status')).toBe('aborted');
      // Closed for good: neither a second abort nor a resume.
      expect((await call(host, 'ceremony.abortInterrupted', { id, reason: 'again' })).error?.code).toBe('CEREMONY_NOT_INTERRUPTED');
      const sha256 = execFileSync('sha256sum', [script], { encoding: 'utf8' }).split(' ')[0]!;
      expect(
        (await call(host, 'ceremony.resume', { id, bindingPath: bindingFor(1), approvedHash: sha256, approvedBindingHash: fileSha256(bindingFor(1)) })).error
          ?.code,
      ).toBe('CEREMONY_NOT_INTERRUPTED');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  }, 90_000);
});
