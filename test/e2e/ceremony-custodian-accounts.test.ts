import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bootstrapAdministrator, createAccount } from '../../main/operators/accounts.js';
import { verifyOperator } from '../../main/operators/verify-operator.js';
import { Workspace } from '../../main/store/workspace.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { allowNetwork, ceremonyExample, typedSources } from '../support/ceremony-files.js';
import { filesUnder, loadAndApprove, stepRow } from '../support/ceremony-screen.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * A shares-root ceremony on the Ceremonies screen of a workspace with accounts (issue #16):
 * the window is signed in as the administrator, and each custodian acknowledges with their
 * name and their own PIN in their row; witnesses and the administrator type their names.
 */
const ADMIN_PASS = 'correct horse battery';
const CUSTODIANS = ['bob', 'carol', 'erin'] as const;
const PIN: Record<string, string> = { bob: '1100221', carol: '3300443', erin: '5500665' };
const dirs = tempDir('hallmark-e2e-ceremony-accounts-');
const home = join(dirs.path, 'ws');
const byAccount = (text: string) => text.replaceAll('Bob Custodian', 'bob').replaceAll('Carol Custodian', 'carol').replaceAll('Erin Custodian', 'erin');
let browser: Browser;
let host: TestHost;

beforeAll(async () => {
  const { workspace: ws } = Workspace.init(home, 'test');
  try {
    await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: ADMIN_PASS }, 'setup');
    const admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'create accounts' });
    for (const name of CUSTODIANS) await createAccount(ws, { name, roles: ['custodian'], kind: 'pin', secret: PIN[name]! }, admin);
  } finally {
    ws.close();
  }
  host = await startTestHost({ home });
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await host?.close();
  dirs.dispose();
});

/** Each person of the step signs off in their row: custodians with their PIN too. */
async function acknowledge(page: Page, step: string, shot?: string): Promise<void> {
  const row = stepRow(page, step);
  await expect.poll(() => row.getAttribute('data-state'), { timeout: 20_000 }).toBe('acknowledging');
  const acks = row.getByTestId('ceremony-ack');
  for (let i = 0; i < (await acks.count()); i++) {
    const ack = acks.nth(i);
    const name = (await ack.getAttribute('data-name'))!;
    const custodian = (await ack.getAttribute('data-role')) === 'custodians';
    await ack.getByTestId('ceremony-ack-name').fill(name);
    expect(await ack.getByTestId('ceremony-ack-credential').count()).toBe(custodian ? 1 : 0);
    if (custodian) {
      // The name alone is not enough.
      expect(await ack.getByTestId('ceremony-ack-submit').isEnabled()).toBe(false);
      await ack.getByTestId('ceremony-ack-credential').fill(PIN[name]!);
      if (shot && name === 'carol') await screenshot(page, shot);
    }
    await ack.getByTestId('ceremony-ack-submit').click();
    await expect.poll(() => ack.getAttribute('data-state')).toBe('signed');
  }
}

describe('Ceremonies screen with operator accounts', () => {
  it('takes each custodian’s own PIN at their acknowledgment and records the accounts', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${host.url}#/ceremonies`);
    await page.getByTestId('operator-sign-in').waitFor();
    await page.getByTestId('operator-sign-in-name').fill('ada');
    await page.getByTestId('operator-sign-in-credential').fill(ADMIN_PASS);
    await page.getByTestId('operator-sign-in-submit').click();
    await page.getByTestId('operator-signed-in').waitFor();

    const script = join(dirs.path, 'root-shares.yaml');
    writeFileSync(script, byAccount(allowNetwork(ceremonyExample('root-shares.yaml'))));
    const binding = join(dirs.path, 'root-shares.binding.yaml');
    writeFileSync(binding, byAccount(typedSources(ceremonyExample('root-shares.binding.yaml'))));
    await loadAndApprove(page, script, binding, CUSTODIANS);
    await page.getByTestId('ceremony-preflight-run').click();
    await expect.poll(() => page.getByTestId('ceremony-preflight').getAttribute('data-state')).toBe('pass');
    const out = join(dirs.path, 'medium');
    host.dialogs.answerFolders([out]);
    await page.getByTestId('ceremony-start').click();
    await page.getByTestId('ceremony-run').waitFor();

    await acknowledge(page, 'preflight-clock');
    await acknowledge(page, 'preflight-confirmed');
    await acknowledge(page, 'generate-and-split', 'ceremony-custodian-credential');
    for (const name of CUSTODIANS) {
      await expect.poll(() => page.getByTestId('ceremony-secret').getAttribute('data-who'), { timeout: 20_000 }).toBe(name);
      await page.getByTestId('ceremony-secret-input').fill(`share passphrase of ${name}`);
      await page.getByTestId('ceremony-secret-submit').click();
    }
    await acknowledge(page, 'sign-root');
    await acknowledge(page, 'sign-root-tbs-review');
    await acknowledge(page, 'shares-handed-over');
    await page.getByTestId('ceremony-result').waitFor({ timeout: 30_000 });

    const cert = join(out, 'acme-root-shares-2026.pem');
    expect(execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }).trim()).toBe(`${cert}: OK`);
    const acked = host.workspace.audit.query({ offset: 0, limit: 1000, action: 'ceremony.acknowledged' }).entries.map((e) => e.actor);
    for (const name of CUSTODIANS) expect(acked).toContain(name);
    // No PIN on the medium, in the audit log or on the screen.
    for (const f of filesUnder(out)) for (const pin of Object.values(PIN)) expect(readFileSync(f).includes(pin), f).toBe(false);
    const audit = JSON.stringify(host.workspace.audit.query({ offset: 0, limit: 1000 }));
    for (const pin of Object.values(PIN)) expect(audit).not.toContain(pin);
    expect(await page.content()).not.toContain(PIN.carol!);
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);
});
