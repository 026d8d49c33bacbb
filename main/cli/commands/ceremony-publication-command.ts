import { resolve } from 'node:path';
import type { Command } from 'commander';
import { caCalendar, calendarEventRecord } from '../../ca/ca-calendar.js';
import { exportCaCalendar } from '../../ca/export-ca-calendar.js';
import { PublicationError } from '../../ceremony/publication/publication-format.js';
import { verifyPublicationBundle } from '../../ceremony/publication/verify-publication-bundle.js';
import type { CliContext } from '../cli-context.js';
import { collect } from '../option-parsers.js';
import { readTrustFile } from '../../manifest/verify/read-trust-anchors.js';

/** A trust file is a few root certificates. */

/** `ceremony verify-publication` (the online side's import check) and `ceremony calendar`. */
export function registerCeremonyPublication(ceremony: Command, ctx: () => CliContext): void {
  ceremony
    .command('verify-publication')
    .description("check a ceremony's publication bundle before the online CA imports it: SHA256SUMS, its signature, the chains and the CRLs")
    .argument('<dir>', 'the publication/ folder')
    .requiredOption('--trust <file>', 'trusted root certificate(s), PEM or DER (repeat for more files)', collect)
    .action((dir: string, opts: { trust: string[] }) => {
      const c = ctx();
      const trust = opts.trust.map((t) => readTrustFile(t));
      const report = verifyPublicationBundle(resolve(dir), { trust });
      if (c.json) c.printJson({ ok: report.ok, dir: report.dir, signer: report.signer ?? null, checks: report.checks, document: report.document ?? null });
      else for (const ch of report.checks) c.io.out(`${ch.ok ? 'ok  ' : 'FAIL'}  ${ch.check.padEnd(11)} ${ch.detail}\n`);
      if (!report.ok) {
        const failed = report.checks.filter((ch) => !ch.ok).map((ch) => ch.file ?? ch.check);
        throw new PublicationError('PUBLICATION_VERIFY_FAILED', `${failed.length} check(s) failed: ${[...new Set(failed)].join(', ')}`, 'check');
      }
    });

  ceremony
    .command('calendar')
    .description("the CAs' calendar: when each CRL must be re-signed and each CA certificate renewed or expires")
    .option('--ics <file>', 'also write the calendar as an iCalendar file (.ics forced; never overwrites; never inside the workspace)')
    .action(async (opts: { ics?: string }) => {
      const c = ctx();
      await c.withWorkspace((ws) => {
        const now = new Date();
        const exported = opts.ics !== undefined ? exportCaCalendar(ws, opts.ics, now) : undefined;
        const events = exported?.events ?? caCalendar(ws, now);
        if (c.json) return c.printJson({ events: events.map(calendarEventRecord), ...(exported ? { ics: exported.path } : {}) });
        for (const e of events) c.io.out(`${e.date.toISOString().slice(0, 10)}  ${e.state.padEnd(8)}  ${e.ca.padEnd(20)}  ${e.summary}\n`);
        if (events.length === 0) c.io.err('no CA in this workspace\n');
        if (exported) c.io.err(`wrote ${events.length} event(s) to ${exported.path}\n`);
      });
    });
}
