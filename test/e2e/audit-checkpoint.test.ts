import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createAuditKey } from '../../main/store/audit/create-audit-key.js';
import { writeAuditCheckpoint } from '../../main/store/audit/write-audit-checkpoint.js';
import { Workspace } from '../../main/store/workspace.js';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { rewriteAuditEntry } from '../support/rewrite-audit-chain.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

const dirs = tempDir('hallmark-e2e-checkpoint-');
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

const note = (page: Page) => page.getByTestId('audit-checkpoint-status');

describe('Audit screen: signed checkpoints', () => {
  it('says how many checkpoints hold and what is not yet checkpointed, and names the one a rewritten chain breaks', async () => {
    const home = join(dirs.path, 'ws');
    const ws = Workspace.init(home, 'alice').workspace;
    const key = await newSoftwareKey(ws, 'audit-key', 'ecdsa-p256');
    await createAuditKey(ws, { key, actor: 'alice' });
    ws.audit.append({ actor: 'bob', action: 'audit.note', subject: '', details: { text: 'tray 4 received' } });
    const cp = (await writeAuditCheckpoint(ws, key, { actor: 'alice', reason: 'manual' }))!;
    ws.audit.append({ actor: 'bob', action: 'audit.note', subject: '', details: { text: 'after the checkpoint' } });
    key.close();
    ws.close();

    const host = await startTestHost({ home });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/audit`);
      await page.getByTestId('audit-screen').waitFor();
      await expect.poll(() => note(page).getAttribute('data-state')).toBe('ok');
      expect(await note(page).getAttribute('data-uncheckpointed')).toBe('1');
      expect(await note(page).textContent()).toBe('1 signed checkpoint holds; 1 not yet checkpointed');
      await screenshot(page, 'audit-checkpoints-ok');

      rewriteAuditEntry(join(home, 'hallmark.db'), cp.seq - 1, (d) => ({ ...d, text: 'tray 5 received' }));
      await page.getByTestId('audit-verify').click();
      await expect.poll(() => note(page).getAttribute('data-state')).toBe('broken');
      expect(await page.getByTestId('audit-chain-status').getAttribute('data-state')).toBe('verified');
      expect(await note(page).getAttribute('data-first-bad-checkpoint')).toBe(String(cp.seq));
      expect(await note(page).textContent()).toBe(`AUDIT_CHECKPOINT_MISMATCH: checkpoint at seq ${cp.seq} does not hold`);
      await screenshot(page, 'audit-checkpoint-broken');
      expect(errors).toEqual([]);
      await page.close();
    } finally {
      await host.close();
    }
  });
});
