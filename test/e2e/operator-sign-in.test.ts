import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { bootstrapAdministrator, createAccount, disableAccount } from '../../main/operators/accounts.js';
import { setIdleLock } from '../../main/operators/idle-lock.js';
import { verifyOperator } from '../../main/operators/verify-operator.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parseSerialRange } from '../../main/station/production-plan.js';
import { createBatch } from '../../main/station/work-orders.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const POLICY = join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml');
const ADMIN_PASS = 'correct horse battery';
const TECH_PIN = '4820193';
const IDLE_SECONDS = 5;
const tmp = tempDir('hallmark-e2e-operator-');
const home = join(tmp.path, 'ws');
let browser: Browser;
let sim: RunningSimulator;
let host: TestHost;

beforeAll(async () => {
  const { ws, caKey } = await stationWorkspace(home);
  caKey.close();
  try {
    const policy = parseProductPolicy(readFileSync(POLICY, 'utf8'), POLICY);
    createBatch(ws, { id: 'WO-SIGN', policy, plan: parseSerialRange('HM-SIM1-0001..HM-SIM1-0004', policy.policy), quantity: 2, actor: 'planner' });
    await bootstrapAdministrator(ws, { name: 'ada', kind: 'passphrase', secret: ADMIN_PASS }, 'setup');
    const admin = await verifyOperator(ws, { name: 'ada', secret: ADMIN_PASS, role: 'ca-admin', action: 'create accounts' });
    await createAccount(ws, { name: 'tech-1', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    await createAccount(ws, { name: 'tech-2', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    await createAccount(ws, { name: 'gone', roles: ['technician'], kind: 'pin', secret: TECH_PIN }, admin);
    disableAccount(ws, 'gone', admin);
    // Short, so the test sees the lock; the workspace setting a CA administrator changes (hallmark account idle-lock).
    setIdleLock(ws, IDLE_SECONDS, admin);
  } finally {
    ws.close();
  }
  // Slow key generation: the run outlasts the idle lock, so the screen locks while it runs.
  sim = await startSimulator({
    dir: tmp.path,
    count: 2,
    protocol: 'hallmark',
    faults: [],
    timing: { keygenMinMs: 7500, keygenMaxMs: 8000, stallMs: 1500 },
    baudRate: 0,
    seed: 4,
  });
  host = await startTestHost({ home, station: { stepTimeoutMs: 20_000 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await sim?.stop();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

function actors(where: string, ...args: string[]): string[] {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true, fileMustExist: true });
  try {
    return (
      db
        .prepare(`SELECT DISTINCT actor FROM audit_log WHERE ${where}`)
        .pluck()
        .all(...args) as string[]
    ).sort();
  } finally {
    db.close();
  }
}

async function signIn(page: Page, name: string, credential: string): Promise<void> {
  await page.getByTestId('operator-sign-in-name').fill(name);
  await page.getByTestId('operator-sign-in-credential').fill(credential);
  await page.getByTestId('operator-sign-in-submit').click();
}

async function refusal(page: Page): Promise<{ code: string | null; text: string }> {
  const r = page.getByTestId('operator-sign-in-refusal');
  await r.waitFor();
  return { code: await r.getAttribute('data-code'), text: (await r.textContent()) ?? '' };
}

describe('Operator sign-in at the Station screen', () => {
  it('gates the station behind sign-in, says why a sign-in is refused, records the account, and locks when idle without stopping the run', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    const errors = watchErrors(page);
    await page.goto(`${host.url}#/station`);
    const gate = page.getByTestId('operator-sign-in');
    await gate.waitFor();
    expect(await page.getByTestId('station-body').getAttribute('inert')).not.toBeNull();
    expect(await page.getByTestId('operator-header').getAttribute('data-state')).toBe('signed-out');
    await screenshot(page, 'operator-sign-in-gate');

    // Wrong PIN, a disabled account, a locked one: each refused in words; the typed secret is cleared and never shown.
    await signIn(page, 'tech-1', '0000000');
    expect(await refusal(page)).toMatchObject({ code: 'OPERATOR_CREDENTIAL_INVALID', text: expect.stringMatching(/wrong account name or passphrase/i) });
    expect(await page.getByTestId('operator-sign-in-credential').inputValue()).toBe('');
    await signIn(page, 'gone', TECH_PIN);
    await expect.poll(async () => (await refusal(page)).code).toBe('OPERATOR_ACCOUNT_DISABLED');
    expect((await refusal(page)).text).toMatch(/disabled/i);
    for (let i = 0; i < 5; i++) {
      await signIn(page, 'tech-2', `99999${i}0`);
      await expect.poll(() => page.getByTestId('operator-sign-in-submit').isEnabled()).toBe(false); // cleared credential
      await expect.poll(() => page.getByTestId('operator-sign-in-submit').textContent()).toBe('Sign in');
    }
    expect(await refusal(page)).toMatchObject({ code: 'OPERATOR_ACCOUNT_LOCKED', text: expect.stringMatching(/locked after 5/i) });
    await screenshot(page, 'operator-sign-in-refused');
    expect(actors("action = 'operator.locked'")).toEqual(['tech-2']);

    await signIn(page, 'tech-1', TECH_PIN);
    await gate.waitFor({ state: 'detached' });
    expect(await page.getByTestId('operator-signed-in').textContent()).toBe('tech-1');
    expect(await page.getByTestId('station-operator-account').textContent()).toBe('tech-1');
    expect(await page.getByTestId('station-operator').count()).toBe(0); // no typed name once accounts exist

    await page.getByTestId('station-batch-select').selectOption('WO-SIGN');
    for (const d of sim.devices) {
      await page.getByTestId('station-port-path').fill(d.path);
      await page.getByTestId('station-port-add').click();
    }
    await page.getByTestId('station-passphrase').fill(TEST_PASSPHRASE);
    await page.getByTestId('station-start').click();
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase')).toBe('running');
    await screenshot(page, 'operator-signed-in-running');

    // Nobody touches the screen: it locks after the idle time, and the run goes on.
    await gate.waitFor({ timeout: (IDLE_SECONDS + 3) * 1000 });
    expect(await gate.getAttribute('data-locked')).toBe('true');
    expect(await page.getByTestId('operator-sign-in-why').textContent()).toMatch(/tech-1 was signed in.*locked after 5 s/);
    expect(await page.getByTestId('operator-sign-in-name').inputValue()).toBe('tech-1');
    expect(await page.getByTestId('operator-header').getAttribute('data-state')).toBe('locked');
    expect(await page.getByTestId('station-run-status').getAttribute('data-phase')).toBe('running');
    await screenshot(page, 'operator-screen-locked');
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase'), { timeout: 20_000 }).toBe('finished');
    await expect.poll(() => page.getByTestId('station-counts').getAttribute('data-confirmed')).toBe('2');
    expect(actors("action = 'operator.idle-locked'")).toEqual(['tech-1']);

    // Back in with the credential; then signed out on the record.
    await page.getByTestId('operator-sign-in-credential').fill(TECH_PIN);
    await page.getByTestId('operator-sign-in-submit').click();
    await gate.waitFor({ state: 'detached' });
    await page.getByTestId('operator-sign-out').click();
    await gate.waitFor();
    expect(await gate.getAttribute('data-locked')).toBe('false');

    // The account is on the run and on every device; a PIN or passphrase is in no record and nothing on screen.
    expect(actors("action = 'station.started' AND subject = ?", 'WO-SIGN')).toEqual(['tech-1']);
    expect(actors("action LIKE 'device.%' AND subject LIKE ?", 'WO-SIGN/%')).toEqual(['tech-1']);
    expect(actors("action IN ('operator.signed-in', 'operator.signed-out')")).toEqual(['tech-1']);
    const raw = readFileSync(join(home, 'hallmark.db'));
    expect(raw.includes(Buffer.from(TECH_PIN))).toBe(false);
    expect(await page.content()).not.toContain(TECH_PIN);
    expect(host.workspace.verifyAudit().ok).toBe(true);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('covers the whole window: every section is behind the gate, and the typed Operator fields go once signed in', async () => {
    const page = await browser.newPage();
    const errors = watchErrors(page);
    await page.goto(`${host.url}#/inventory`);
    const gate = page.getByTestId('operator-sign-in');
    await gate.waitFor();
    // The section is there under the gate, inert: nothing in it can be reached before signing in.
    await page.getByTestId('inventory-screen').waitFor();
    expect(await page.getByTestId('app-screen').getAttribute('inert')).not.toBeNull();
    await screenshot(page, 'operator-app-gate');
    for (const route of ['qa', 'authorities', 'ceremonies', 'audit']) {
      await page.goto(`${host.url}#/${route}`);
      await gate.waitFor();
      expect(await page.getByTestId('app-screen').getAttribute('data-locked')).toBe('true');
    }
    await signIn(page, 'tech-1', TECH_PIN);
    await gate.waitFor({ state: 'detached' });
    await page.goto(`${host.url}#/inventory`);
    await page.getByTestId('inventory-import').waitFor();
    expect(await page.getByTestId('app-screen').getAttribute('inert')).toBeNull();
    expect(await page.getByTestId('inventory-import-operator').count()).toBe(0);
    await page.getByTestId('operator-sign-out').click();
    await gate.waitFor();
    expect(errors).toEqual([]);
    await page.close();
  });

  it('binds the session to the page: another tab is not signed in by the first', async () => {
    const a = await browser.newPage();
    await a.goto(`${host.url}#/station`);
    await a.getByTestId('operator-sign-in').waitFor();
    await signIn(a, 'tech-1', TECH_PIN);
    await a.getByTestId('operator-signed-in').waitFor();
    const b = await browser.newPage();
    await b.goto(`${host.url}#/station`);
    await b.getByTestId('operator-sign-in').waitFor();
    expect(await b.getByTestId('operator-header').getAttribute('data-state')).toBe('signed-out');
    // A tab's own reload keeps its sign-in, as a window's does in the app.
    await a.reload();
    await a.getByTestId('operator-signed-in').waitFor();
    await a.close();
    await b.close();
  });
});
