import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRootCa } from '../../main/ca/create-ca.js';
import { issueCrl } from '../../main/ca/issue-crl.js';
import { Workspace } from '../../main/store/workspace.js';
import { parseSubject } from '../../main/x509/distinguished-name.js';
import { startTestHost } from '../host/test-host.js';
import { launchChromium, screenshot, watchErrors } from '../support/browser.js';
import { prop, readICalendar, unescapeText } from '../support/ical-reader.js';
import { newSoftwareKey } from '../support/software-keys.js';
import { tempDir } from '../support/temp-dir.js';

/**
 * The CA calendar on the Ceremonies screen: a root (software key) whose CRL #1 is 25 days
 * into a 30-day period, so its re-signing is due soon (lead 7.5 days) while the root's
 * renewal and expiry are years away.
 */
const DAY = 86_400_000;
const dirs = tempDir('hallmark-e2e-calendar-');
const home = join(dirs.path, 'ws');
let browser: Browser;

beforeAll(async () => {
  const ws = Workspace.init(home, 'custodian').workspace;
  try {
    const key = await newSoftwareKey(ws, 'root-key', 'ecdsa-p256');
    const now = Date.now();
    await createRootCa(ws, {
      name: 'acme-root',
      subject: parseSubject('O=Acme,CN=Acme Root 2026'),
      key,
      validityDays: 3650,
      notBefore: new Date(now - 60 * DAY),
      actor: 'custodian',
    });
    await issueCrl(ws, { ca: 'acme-root', caKey: key, nextUpdateDays: 30, thisUpdate: new Date(now - 25 * DAY), actor: 'custodian' });
    key.close();
  } finally {
    ws.close();
  }
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  dirs.dispose();
});

describe('CA calendar on the Ceremonies screen', () => {
  it('lists the CRL re-signing and the root dates with their states, exports an .ics once and refuses to overwrite it', async () => {
    const host = await startTestHost({ home });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const errors = watchErrors(page);
      await page.goto(`${host.url}#/ceremonies`);
      await page.getByTestId('ca-calendar-table').waitFor();
      const rows = page.getByTestId('ca-calendar-event');
      expect(await rows.count()).toBe(3);
      expect(await rows.evaluateAll((trs) => trs.map((tr) => [tr.getAttribute('data-kind'), tr.getAttribute('data-state')]))).toEqual([
        ['crl-resign', 'due-soon'],
        ['certificate-renew', 'ok'],
        ['certificate-expires', 'ok'],
      ]);
      await expect.poll(() => rows.first().textContent()).toMatch(/Re-sign CRL #1 of acme-root before/);
      // The state chip carries the colour: due soon is not the same as ok.
      const colour = (i: number) =>
        rows
          .nth(i)
          .locator('.status-chip')
          .evaluate((el) => getComputedStyle(el).color);
      expect(await colour(0)).not.toBe(await colour(1));

      // The save dialog of the main process names the file (answered by the test host); `.ics` is forced.
      const ics = join(dirs.path, 'acme-calendar.ics');
      host.dialogs.answerSave(join(dirs.path, 'acme-calendar'));
      await page.getByTestId('ca-calendar-export').click();
      await expect.poll(() => page.getByTestId('ca-calendar-exported').textContent()).toBe(`Wrote 3 event(s) to ${ics}`);
      const cal = readICalendar(readFileSync(ics));
      expect(cal.components.map((c) => c.name)).toEqual(['VEVENT', 'VEVENT', 'VEVENT']);
      expect(cal.components.map((c) => unescapeText(prop(c, 'SUMMARY')))[0]).toMatch(/^Re-sign CRL #1 of acme-root before \d{4}-\d{2}-\d{2}$/);
      expect(prop(cal.components[0]!, 'UID')).toBe('crl-resign-acme-root-1@hallmark');
      await screenshot(page, 'ceremony-calendar');

      const first = readFileSync(ics);
      host.dialogs.answerSave(ics);
      await page.getByTestId('ca-calendar-export').click();
      await expect.poll(() => page.getByTestId('error-banner').getAttribute('data-code')).toBe('CALENDAR_OUTPUT_EXISTS');
      expect(readFileSync(ics).equals(first)).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await host.close();
    }
  });
});
