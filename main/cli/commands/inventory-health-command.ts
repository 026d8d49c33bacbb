import { basename, dirname } from 'node:path';
import type { Command } from 'commander';
import { outputFile } from '../../files/output-path.js';
import { MEDIA_TAMPERING_CODES, MediaFileError, type MediaFileCode } from '../../files/read-media-file.js';
import { inventoryDbUrl } from '../../store/open-inventory-store.js';
import { recordCliRefusal } from '../record-refusal.js';
import { fleetHealth } from '../../inventory/health/fleet-health.js';
import { readRegistryExport } from '../../inventory/reconcile/read-registry-export.js';
import { ReconcileError } from '../../inventory/reconcile/reconcile-errors.js';
import { hasFindings, reconcileRegistry } from '../../inventory/reconcile/reconcile-registry.js';
import { reconcileReportHtml } from '../../inventory/reconcile/reconcile-report-html.js';
import { ExclusiveOutput } from '../../manifest/write-exclusive.js';
import { readTrustAnchors, readTrustFile } from '../../manifest/verify/read-trust-anchors.js';
import type { CliContext } from '../cli-context.js';
import { positiveInteger } from '../option-parsers.js';
import { INVENTORY_DB_OPTION, withInventory } from '../inventory-target.js';

/** A PostgreSQL inventory has no workspace open: each refusal opens the workspace's log once, so at most this many. */
const MAX_RECORDED_REFUSALS = 100;

/** `hallmark inventory health` and `hallmark inventory reconcile` (issue #14). */
export function registerInventoryHealth(inventory: Command, ctx: () => CliContext): void {
  inventory
    .command('health')
    .description('the fleet in service: certificates expiring within N days by month, key algorithms and sizes, public keys on more than one device')
    .option('--days <n>', 'the expiry window', positiveInteger, 365)
    .option('--max-listed <n>', 'list at most this many expiring certificates', positiveInteger, 100)
    .option(...INVENTORY_DB_OPTION)
    .action(async (opts: { days: number; maxListed: number; db?: string }) => {
      const c = ctx();
      await withInventory(c, opts.db, async (store) => {
        const h = await fleetHealth(store, { withinDays: opts.days, maxListed: opts.maxListed });
        if (c.json) return c.printJson(h);
        const e = h.expiry;
        c.io.out(
          `${h.active} certificate(s) in service; ${e.expiring} expire within ${h.withinDays} days, ${e.expired} already expired, ${e.noWellDefinedExpiry} with no well-defined expiry (99991231235959Z, not counted)\n`,
        );
        for (const m of e.months)
          c.io.out(`  ${m.month}  ${String(m.count).padStart(7)}  ${'#'.repeat(Math.min(60, Math.ceil((m.count / Math.max(1, e.expiring)) * 60)))}\n`);
        for (const x of e.certificates)
          c.io.out(`  expires ${x.notAfter}  ${x.hardwareSerial}  ${x.model}  ${x.batchId}  station ${x.stationId}  cert ${x.certificateSha256}\n`);
        if (e.certificatesTruncated) c.io.out(`  … more (raise --max-listed)\n`);
        c.io.out('key algorithms:\n');
        for (const a of h.algorithms) c.io.out(`  ${a.algorithm}: ${a.count}\n`);
        if (h.unreadable) c.io.out(`  ${h.unreadable} certificate(s) could not be read\n`);
        if (h.sharedKeys.length === 0) c.io.out('no public key on more than one device\n');
        for (const k of h.sharedKeys) for (const [a, b] of k.pairs) c.io.out(`SHARED KEY ${k.publicKeySha256}: ${a} and ${b}\n`);
        if (h.sharedKeysTruncated) c.io.out('… more shared keys\n');
      });
    });

  inventory
    .command('reconcile')
    .description(
      'a cloud registry export (a folder of PEM/DER certificates, or a CSV of certificate SHA-256s) against the inventory; exit 1 when anything is found',
    )
    .argument('<export>', 'the folder or CSV file the registry exported (AWS IoT, Azure DPS, nRF Cloud)')
    .option('--trust <file>', 'more CA certificates (PEM) to count as known issuers')
    .option('--report <file>', 'also write a self-contained HTML report (.html forced; never overwrites; never inside the workspace)')
    .option(...INVENTORY_DB_OPTION)
    .action(async (path: string, opts: { trust?: string; report?: string; db?: string }) => {
      const c = ctx();
      const trustedCas = opts.trust !== undefined ? readTrustAnchors(readTrustFile(opts.trust), opts.trust) : [];
      const target = opts.report !== undefined ? outputFile(opts.report, { extension: 'html', home: c.home, what: 'a reconcile report' }) : undefined;
      const exported = readRegistryExport(path);
      const refused = exported.problems.filter((p) => MEDIA_TAMPERING_CODES.has(p.code) && p.path !== undefined);
      const r = await withInventory(c, opts.db, (store, ws) => {
        // Reported, not thrown, so main() never records them: a file refused for what it is goes to the workspace's log here.
        if (ws !== null)
          for (const p of refused)
            ws.audit.append({
              actor: c.actor,
              action: 'media.refused',
              subject: p.path!,
              details: { operation: 'cli inventory reconcile', code: p.code, message: p.message },
            });
        return reconcileRegistry(store, exported, { trustedCas });
      });
      if (inventoryDbUrl(opts.db, c.io.env) !== undefined) {
        for (const p of refused.slice(0, MAX_RECORDED_REFUSALS))
          recordCliRefusal(new MediaFileError(p.code as MediaFileCode, p.message, p.path!), 'inventory reconcile', c);
      }
      if (target !== undefined) new ExclusiveOutput(dirname(target)).write(basename(target), reconcileReportHtml(r));
      if (c.json) c.printJson(r);
      else {
        c.io.out(
          `${r.registered} registered certificate(s): ${r.matched} in service, ${r.unauthorized.length} issued by a known CA but in no manifest, ${r.retired.length} superseded or revoked, ${r.unknown.length} unknown, ${r.problems.length} not read\n`,
        );
        for (const x of r.unauthorized) c.io.out(`UNAUTHORIZED ${x.source}: cert ${x.certificateSha256}, subject ${x.subject}, issuer ${x.issuer}\n`);
        for (const x of r.retired)
          c.io.out(
            `RETIRED ${x.source}: ${x.hardwareSerial} (${x.model}, ${x.batchId}) is ${x.status}${x.revokedAt ? ` since ${x.revokedAt}` : ''}, cert ${x.certificateSha256}\n`,
          );
        for (const x of r.unknown)
          c.io.out(`UNKNOWN ${x.source}: cert ${x.certificateSha256}${x.subject !== null ? `, subject ${x.subject}, issuer ${x.issuer}` : ''}\n`);
        for (const p of r.problems) c.io.out(`NOT READ ${p.source}: ${p.code}: ${p.message}\n`);
        if (target !== undefined) c.io.out(`report written to ${target}\n`);
      }
      if (hasFindings(r))
        throw new ReconcileError(
          'RECONCILE_FINDINGS',
          `${r.unauthorized.length} unauthorized, ${r.retired.length} retired, ${r.unknown.length} unknown, ${r.problems.length} not read`,
          'check',
        );
    });
}
