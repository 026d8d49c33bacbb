import Database from 'better-sqlite3';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFaultSpec } from '../../main/devices/simulator/fault-spec.js';
import { startSimulator, type RunningSimulator } from '../../main/devices/simulator/simulator.js';
import { parseProductPolicy } from '../../main/station/parse-product-policy.js';
import { parsePlanCsv } from '../../main/station/production-plan.js';
import { createBatch } from '../../main/station/work-orders.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { socatPidsMentioning } from '../support/pty-pair.js';
import { REPO_ROOT } from '../support/run-cli.js';
import { TEST_PASSPHRASE } from '../support/software-keys.js';
import { stationWorkspace } from '../support/station-fixture.js';
import { tempDir } from '../support/temp-dir.js';

const POLICY = join(REPO_ROOT, 'resources/products/sim1-widget.policy.yaml');
const PLAN = join(REPO_ROOT, 'resources/products/sim1-plan.csv');
const OPERATOR = 'tech-anna';
const tmp = tempDir('hallmark-e2e-station-');
const home = join(tmp.path, 'ws');
let browser: Browser;
let sim: RunningSimulator;
let host: TestHost;

beforeAll(async () => {
  const { ws } = await stationWorkspace(home);
  try {
    // The shipped example product and plan, as `hallmark batch create` would open them.
    const policy = parseProductPolicy(readFileSync(POLICY, 'utf8'), POLICY);
    createBatch(ws, { id: 'WO-E2E', policy, plan: parsePlanCsv(readFileSync(PLAN, 'utf8'), policy.policy, PLAN), quantity: 10, actor: 'planner' });
  } finally {
    ws.close();
  }
  // 8 devices on PTYs, unpaced, quick keygen: #3 stores a corrupted chain, #6 signs its CSR badly.
  sim = await startSimulator({
    dir: tmp.path,
    count: 8,
    protocol: 'hallmark',
    faults: ['corrupt-chain@3', 'bad-signature@6'].map(parseFaultSpec),
    timing: { keygenMinMs: 20, keygenMaxMs: 120, stallMs: 1500 },
    baudRate: 0,
    seed: 3,
  });
  host = await startTestHost({ home, station: { stepTimeoutMs: 3000 } });
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await host?.close();
  await sim?.stop();
  tmp.dispose();
  expect(socatPidsMentioning(tmp.path)).toEqual([]);
});

async function openStation(): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/station`);
  await page.getByTestId('station-screen').waitFor();
  return { page, errors };
}

/** The database's own answer, through a separate read-only connection. */
function databaseCounts(batchId: string) {
  const db = new Database(join(home, 'hallmark.db'), { readonly: true, fileMustExist: true });
  try {
    const one = (sql: string) => (db.prepare(sql).get(batchId) as { n: number }).n;
    const quantity = one('SELECT quantity AS n FROM batches WHERE id = ?');
    return {
      issued: one('SELECT COUNT(*) AS n FROM device_certificates WHERE batch_id = ?'),
      confirmed: one("SELECT COUNT(*) AS n FROM devices WHERE batch_id = ? AND state = 'done'"),
      failed: one("SELECT COUNT(*) AS n FROM devices WHERE batch_id = ? AND state = 'failed'"),
      remaining: quantity - one('SELECT COUNT(DISTINCT device_id) AS n FROM device_certificates WHERE batch_id = ?'),
    };
  } finally {
    db.close();
  }
}

function auditActors(where: string, ...args: string[]): string[] {
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

const tileStates = (page: Page) =>
  page
    .getByTestId('port-tile')
    .evaluateAll((tiles) =>
      tiles.map((t) => ({ port: t.getAttribute('data-port'), state: t.getAttribute('data-state'), serial: t.getAttribute('data-serial') })),
    );

describe('Station dashboard', () => {
  it('provisions 8 simulated devices: 6 tiles done, 2 failed with plain-word reasons; counts match the database; the operator is on every record', async () => {
    const { page, errors } = await openStation();
    const start = page.getByTestId('station-start');

    await page.getByTestId('station-batch-select').selectOption('WO-E2E');
    expect(await start.isDisabled()).toBe(true);
    expect(await page.getByTestId('station-start-blocker').textContent()).toMatch(/operator/i);
    await page.getByTestId('station-operator').fill(OPERATOR);
    for (const d of sim.devices) {
      await page.getByTestId('station-port-path').fill(d.path);
      await page.getByTestId('station-port-add').click();
    }
    await expect.poll(() => page.getByTestId('port-tile').count()).toBe(8);
    expect(await start.isDisabled()).toBe(true); // no passphrase yet
    await page.getByTestId('station-passphrase').fill(TEST_PASSPHRASE);
    const began = Date.now();
    await start.click();
    // The secret leaves the form as soon as it is sent.
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase')).not.toBe('none');
    expect(await page.getByTestId('station-passphrase').count()).toBe(0);

    await expect.poll(async () => (await tileStates(page)).every((t) => t.state === 'done' || t.state === 'failed'), { timeout: 20_000 }).toBe(true);
    await expect.poll(() => page.getByTestId('station-run-status').getAttribute('data-phase'), { timeout: 10_000 }).toBe('finished');
    const elapsed = Date.now() - began;

    const tiles = await tileStates(page);
    const bySerial = Object.fromEntries(tiles.map((t) => [t.serial, t.state]));
    expect(bySerial).toEqual({
      'HM-SIM1-0001': 'done',
      'HM-SIM1-0002': 'done',
      'HM-SIM1-0003': 'failed',
      'HM-SIM1-0004': 'done',
      'HM-SIM1-0005': 'done',
      'HM-SIM1-0006': 'failed',
      'HM-SIM1-0007': 'done',
      'HM-SIM1-0008': 'done',
    });
    const corrupt = page.locator('[data-testid="port-tile"][data-serial="HM-SIM1-0003"]');
    expect(await corrupt.getAttribute('data-code')).toBe('DEVICE_READBACK_MISMATCH');
    expect(await corrupt.getByTestId('port-tile-reason').textContent()).toMatch(/stored a different certificate/i);
    expect(await corrupt.getByTestId('port-tile-action').textContent()).toMatch(/repair/i);
    const badSig = page.locator('[data-testid="port-tile"][data-serial="HM-SIM1-0006"]');
    expect(await badSig.getAttribute('data-code')).toBe('DEVICE_CSR_INVALID');
    expect(await badSig.getByTestId('port-tile-reason').textContent()).toMatch(/bad signature/i);
    // The failed stage is shown where it happened: the readback failure got past issuing.
    expect(await corrupt.locator('[data-stage="issue"]').getAttribute('data-stage-state')).toBe('done');
    expect(await corrupt.locator('[data-stage="write"]').getAttribute('data-stage-state')).toBe('failed');
    expect(await badSig.locator('[data-stage="csr"]').getAttribute('data-stage-state')).toBe('failed');
    expect(await corrupt.getByTestId('port-tile-stage').textContent()).toBe('Stopped at: write');

    // The counters on screen are the database's.
    const db = databaseCounts('WO-E2E');
    expect(db).toEqual({ issued: 7, confirmed: 6, failed: 2, remaining: 3 });
    const counts = page.getByTestId('station-counts');
    await expect
      .poll(async () => ({
        issued: Number(await counts.getAttribute('data-issued')),
        confirmed: Number(await counts.getAttribute('data-confirmed')),
        failed: Number(await counts.getAttribute('data-failed')),
        remaining: Number(await counts.getAttribute('data-remaining')),
      }))
      .toEqual(db);
    expect(await page.getByTestId('station-throughput').textContent()).toMatch(/\d/);

    // The live list heard every device's ending.
    const events = await page.getByTestId('station-events').textContent();
    expect(events).toMatch(/Run finished/);
    expect(events).toMatch(/HM-SIM1-0006.*Failed/s);
    expect(await page.getByTestId('station-event').count()).toBeGreaterThan(20);

    // The operator is who every device transition and the run start are recorded under.
    expect(auditActors("action LIKE 'device.%' AND subject LIKE ?", 'WO-E2E/%')).toEqual([OPERATOR]);
    expect(auditActors("action = 'station.started' AND subject = ?", 'WO-E2E')).toEqual([OPERATOR]);
    // The passphrase appears in no record, no status and nothing on screen.
    const raw = readFileSync(join(home, 'hallmark.db'));
    expect(raw.includes(Buffer.from(TEST_PASSPHRASE))).toBe(false);
    expect(JSON.stringify(host.station.status())).not.toContain(TEST_PASSPHRASE);
    expect(await page.content()).not.toContain(TEST_PASSPHRASE);
    expect(host.workspace.verifyAudit().ok).toBe(true);

    await screenshot(page, 'station-dashboard');
    // The kiosk is a big screen above the fixture.
    await page.setViewportSize({ width: 1600, height: 1200 });
    await page.getByTestId('station-kiosk-toggle').click();
    expect(await page.getByTestId('station-screen').getAttribute('data-kiosk')).toBe('true');
    const serialSize = await page
      .getByTestId('port-tile')
      .first()
      .locator('.port-tile__serial')
      .evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    expect(serialSize).toBeGreaterThanOrEqual(24);
    await screenshot(page, 'station-dashboard-kiosk');
    expect(errors).toEqual([]);
    expect(elapsed).toBeLessThan(20_000);
    await page.close();
  });

  it('opens a work order from the example policy through the form, and refuses a wrong passphrase without echoing it', async () => {
    const { page } = await openStation();
    await page.getByTestId('station-operator').fill('line-lead');
    await page.getByTestId('station-new-batch').click();
    await page.getByTestId('station-policy-path').fill(POLICY);
    await page.getByTestId('station-plan-value').fill('HM-SIM1-0101..HM-SIM1-0110');
    await page.getByTestId('station-quantity').fill('5');
    await page.getByTestId('station-batch-id').fill('WO-FORM');
    await page.getByTestId('station-create-batch').click();
    await expect.poll(() => page.getByTestId('station-batch-select').inputValue()).toBe('WO-FORM');
    await expect.poll(() => page.getByTestId('station-counts').getAttribute('data-remaining')).toBe('5');
    expect(auditActors("action = 'batch.created' AND subject = ?", 'WO-FORM')).toEqual(['line-lead']);

    const wrong = 'not the passphrase at all';
    await page.getByTestId('station-port-path').fill(sim.devices[0]!.path);
    await page.getByTestId('station-port-add').click();
    await page.getByTestId('station-passphrase').fill(wrong);
    await page.getByTestId('station-start').click();
    const banner = page.getByTestId('error-banner');
    await banner.waitFor();
    expect(await banner.getAttribute('data-code')).toBe('KEY_PASSPHRASE_WRONG');
    expect(await banner.textContent()).not.toContain(wrong);
    expect(await page.getByTestId('station-passphrase').inputValue()).toBe('');
    expect(await page.getByTestId('station-run-status').getAttribute('data-phase')).not.toBe('running');
    await screenshot(page, 'station-new-work-order');

    // A bad path is refused by the contract, not read.
    const refused = await page.evaluate(async () => {
      const api = (window as unknown as { hallmark: { invoke(op: string, input: unknown): Promise<unknown> } }).hallmark;
      try {
        await api.invoke('station.start', {
          batchId: 'WO-FORM',
          ports: ['x'.repeat(5000)],
          operator: 'x',
          unlock: { kind: 'passphrase', passphrase: 'secret-xyz' },
        });
        return 'resolved';
      } catch (e) {
        return `${(e as { code: string }).code}: ${(e as Error).message}`;
      }
    });
    expect(refused).toMatch(/^INVALID_INPUT: station\.start: ports\.0/);
    expect(refused).not.toContain('secret-xyz');
    await page.close();
  });
});
