import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { Workspace } from '../../main/store/workspace.js';
import { startTestHost, type TestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { runCli } from '../support/run-cli.js';
import { tamper } from '../support/tamper.js';
import { tempDir } from '../support/temp-dir.js';

const dirs = tempDir('hallmark-e2e-');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

async function openAudit(host: TestHost): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const errors = watchErrors(page);
  await page.goto(`${host.url}#/audit`);
  await page.getByTestId('audit-screen').waitFor();
  return { page, errors };
}

const chainState = (page: Page) => page.getByTestId('audit-chain-status').getAttribute('data-state');

describe('Audit screen', () => {
  it('shows entries made through the CLI, filters them, and reports the chain verified', async () => {
    const home = join(dirs.path, 'cli-made');
    expect((await runCli(['--home', home, '--actor', 'root-admin', 'init'])).code).toBe(0);
    await runCli(['--home', home, '--actor', 'custodian-1', 'audit', 'note', 'share 1 of 3 accepted']);
    await runCli(['--home', home, '--actor', 'witness', 'audit', 'note', '--subject', 'clock', 'system clock matches the reference']);
    await runCli(['--home', home, '--actor', 'custodian-1', 'audit', 'note', 'share 1 returned to envelope 17']);

    const host = await startTestHost({ home });
    try {
      const { page, errors } = await openAudit(host);
      await expect.poll(() => chainState(page)).toBe('verified');
      await expect.poll(() => page.getByTestId('audit-row').count()).toBe(4);
      expect(await page.getByTestId('audit-chain-status').textContent()).toMatch(/verified/i);
      expect(await page.getByTestId('audit-total').textContent()).toMatch(/\b4\b/);
      const text = await page.getByTestId('audit-scroller').textContent();
      for (const s of ['workspace.created', 'share 1 of 3 accepted', 'system clock matches the reference', 'witness', 'custodian-1']) {
        expect(text).toContain(s);
      }
      await screenshot(page, 'audit-verified');

      await page.getByTestId('audit-filter-actor').selectOption('custodian-1');
      await expect.poll(() => page.getByTestId('audit-row').count()).toBe(2);
      const seqs = await page.getByTestId('audit-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-seq')).sort());
      expect(seqs).toEqual(['2', '4']);
      await page.getByTestId('audit-filter-actor').selectOption('');
      await page.getByTestId('audit-filter-action').selectOption('workspace.created');
      await expect.poll(() => page.getByTestId('audit-row').count()).toBe(1);
      await screenshot(page, 'audit-filtered');

      // Entries written by another process appear after a refresh.
      await page.getByTestId('audit-filter-action').selectOption('');
      await runCli(['--home', home, '--actor', 'witness', 'audit', 'note', 'ceremony closed']);
      await page.getByTestId('audit-refresh').click();
      await expect.poll(() => page.getByTestId('audit-row').count()).toBe(5);
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('shows the first bad seq in red after the database is tampered with', async () => {
    const home = join(dirs.path, 'tampered');
    await runCli(['--home', home, 'init']);
    for (const t of ['a', 'b', 'c', 'd']) await runCli(['--home', home, 'audit', 'note', t]);
    const host = await startTestHost({ home });
    try {
      const { page } = await openAudit(host);
      await expect.poll(() => chainState(page)).toBe('verified');

      tamper(join(home, 'hallmark.db'), (db) => db.prepare("UPDATE audit_log SET actor = 'mallory' WHERE seq = 3").run());
      await page.getByTestId('audit-verify').click();
      await expect.poll(() => chainState(page)).toBe('broken');
      const status = page.getByTestId('audit-chain-status');
      expect(await status.getAttribute('data-first-bad-seq')).toBe('3');
      expect(await status.textContent()).toMatch(/broken at seq 3/i);
      const color = await status.evaluate((el) => getComputedStyle(el).color);
      const [r, g, b] = color.match(/\d+/g)!.map(Number);
      expect(r).toBeGreaterThan(150);
      expect(r).toBeGreaterThan(g! + 60);
      expect(r).toBeGreaterThan(b! + 60);
      await screenshot(page, 'audit-broken');
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('stays responsive with 100,000 entries, rendering only the visible rows', async () => {
    const home = join(dirs.path, 'big');
    const { workspace } = Workspace.init(home, 'bulk-loader');
    workspace.transact(() => {
      for (let i = 2; i <= 100_000; i++) {
        workspace.audit.append({
          actor: `station-${i % 7}`,
          action: i % 5 === 0 ? 'certificate.issued' : 'device.identified',
          subject: `SN${String(i).padStart(8, '0')}`,
          details: { port: i % 16 },
        });
      }
    });
    workspace.close();

    const host = await startTestHost({ home });
    try {
      const { page, errors } = await openAudit(host);
      await expect.poll(() => page.getByTestId('audit-total').textContent(), { timeout: 20_000 }).toMatch(/100,?000/);
      await expect.poll(() => chainState(page), { timeout: 30_000 }).toBe('verified');
      const scroller = page.getByTestId('audit-scroller');

      // Jump through the list and measure frame times while scrolling.
      const frames = await scroller.evaluate(async (el) => {
        const times: number[] = [];
        let last = performance.now();
        for (let i = 0; i < 60; i++) {
          el.scrollTop = (el.scrollHeight * i) / 60;
          await new Promise((r) => requestAnimationFrame(r));
          const now = performance.now();
          times.push(now - last);
          last = now;
        }
        el.scrollTop = el.scrollHeight;
        return times;
      });
      const rendered = await page.locator('[data-testid="audit-row"], [data-testid="audit-row-loading"]').count();
      expect(rendered).toBeGreaterThan(10);
      expect(rendered).toBeLessThan(200);
      await expect
        .poll(async () => page.getByTestId('audit-row').evaluateAll((rows) => rows.some((r) => ['1', '100000'].includes(r.getAttribute('data-seq') ?? ''))))
        .toBe(true);
      frames.sort((a, b) => a - b);
      // Generous bound for a loaded 2-core CI machine; the benchmark, not this test, tracks speed.
      expect(frames[Math.floor(frames.length * 0.9)]).toBeLessThan(250);
      await screenshot(page, 'audit-100k');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });

  it('answers bad API calls from the page with a coded error and keeps working', async () => {
    const home = join(dirs.path, 'bad-calls');
    const host = await startTestHost({ home });
    try {
      const { page } = await openAudit(host);
      const results = await page.evaluate(async () => {
        const api = (window as unknown as { hallmark: { invoke(op: string, input: unknown): Promise<unknown> } }).hallmark;
        const attempt = async (op: string, input: unknown) => {
          try {
            await api.invoke(op, input);
            return 'resolved';
          } catch (e) {
            return `${(e as { code: string }).code}: ${(e as Error).message}`;
          }
        };
        return [
          await attempt('audit.query', { offset: 'zero', limit: 10 }),
          await attempt('audit.query', { offset: 0, limit: 10, extra: true }),
          await attempt('audit.delete', {}),
        ];
      });
      expect(results[0]).toMatch(/^INVALID_INPUT: audit\.query: offset/);
      expect(results[1]).toMatch(/^INVALID_INPUT: .*extra/);
      expect(results[2]).toMatch(/^UNKNOWN_OPERATION/);
      // Without the token the host refuses outright.
      const status = await page.evaluate(
        async () => (await fetch('/__test-host/invoke/audit.verify', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).status,
      );
      expect(status).toBe(403);
      await expect.poll(() => chainState(page)).toBe('verified');
      await page.close();
    } finally {
      await host.close();
    }
  });
});

describe('navigation', () => {
  it('shows every section; unbuilt ones say what they will hold', async () => {
    const host = await startTestHost({ home: join(dirs.path, 'nav') });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/audit`);
      for (const [nav, section, words] of [
        ['nav-ceremonies', 'ceremony-screen', /ceremon/i],
        ['nav-station', 'station-screen', /work order|port/i],
        ['nav-qa', 'qa-screen', /manifest/i],
        ['nav-inventory', 'inventory-screen', /manifest|inventory/i],
      ] as const) {
        await page.getByTestId(nav).click();
        const el = page.getByTestId(section);
        await el.waitFor();
        expect(await el.textContent()).toMatch(words);
        await screenshot(page, section.endsWith('-screen') ? `section-${section.replace('-screen', '')}` : `section-${section.replace('section-', '')}`);
      }
      await page.getByTestId('nav-audit').click();
      await page.getByTestId('audit-screen').waitFor();
      // The CSP forbids inline script: an injected one must not run.
      const ran = await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inlineRan = true';
        document.body.appendChild(s);
        return (window as unknown as { __inlineRan?: boolean }).__inlineRan === true;
      });
      expect(ran).toBe(false);
      expect(errors.filter((e) => !/Content Security Policy/.test(e))).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
