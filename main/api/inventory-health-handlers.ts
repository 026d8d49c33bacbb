import { basename, dirname, join } from 'node:path';
import type { Input, Output, ReconcileReportView } from '../../preload/api.js';
import { RECONCILE_MAX_LISTED, type InventoryHealthOperation } from '../../preload/api-inventory-health.js';
import { outputFile, refuseRendererPath } from '../files/output-path.js';
import { MEDIA_TAMPERING_CODES } from '../files/read-media-file.js';
import { fleetHealth } from '../inventory/health/fleet-health.js';
import { readRegistryExport } from '../inventory/reconcile/read-registry-export.js';
import { hasFindings, reconcileRegistry, type ReconcileReport } from '../inventory/reconcile/reconcile-registry.js';
import { reconcileReportHtml } from '../inventory/reconcile/reconcile-report-html.js';
import { ExclusiveOutput } from '../manifest/write-exclusive.js';
import { readTrustAnchors, readTrustFile } from '../manifest/verify/read-trust-anchors.js';
import type { Workspace } from '../store/workspace.js';
import { OUTPUT_EXTENSIONS, type SaveFilePicker } from './dialog-handlers.js';
import { InventorySourceResolver } from './inventory-handlers.js';

export type InventoryHealthHandlers = { [Op in InventoryHealthOperation]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/** Shared keys the screen lists; the CLI lists more. */
const MAX_SHARED_KEYS = 200;
const MAX_EXPIRING_LISTED = 500;

/**
 * The Inventory section's health panel and registry reconcile (issue #14), on whichever
 * inventory the section uses. Reconcile is read-only; its report, like the QA one, is
 * written only where the main process's save dialog puts it.
 */
export function createInventoryHealthHandlers(
  ws: Workspace,
  outputs: { saves: SaveFilePicker },
  env: NodeJS.ProcessEnv = process.env,
): InventoryHealthHandlers {
  const inventory = new InventorySourceResolver(ws, env);
  const reconcile = async (req: { path: string; trustPem?: string | undefined }, operation: InventoryHealthOperation): Promise<ReconcileReport> => {
    const trustedCas = req.trustPem !== undefined ? readTrustAnchors(readTrustFile(req.trustPem), req.trustPem) : [];
    const exported = readRegistryExport(req.path);
    // Reported, not thrown, so core-api's wrapper never sees them: a file refused for what it is is audited here, as inventory.import does.
    for (const p of exported.problems) {
      if (MEDIA_TAMPERING_CODES.has(p.code))
        ws.audit.append({ actor: 'app', action: 'media.refused', subject: p.path ?? p.source, details: { operation, code: p.code, message: p.message } });
    }
    return reconcileRegistry(await inventory.store(), exported, { trustedCas });
  };
  return {
    'inventory.health': async ({ withinDays }) =>
      fleetHealth(await inventory.store(), { withinDays, maxListed: MAX_EXPIRING_LISTED, maxSharedKeys: MAX_SHARED_KEYS }) as Promise<
        Output<'inventory.health'>
      >,
    'inventory.reconcile': async (req) => reportView(await reconcile(req, 'inventory.reconcile')),
    'inventory.saveReconcileReport': async (req, caller) => {
      if (req.out !== undefined) refuseRendererPath('out', 'the reconcile report');
      const report = await reconcile(req, 'inventory.saveReconcileReport');
      const extension = OUTPUT_EXTENSIONS['reconcile-report'];
      const chosen = await outputs.saves.pickSaveFile(
        { purpose: 'reconcile-report', defaultName: join(dirname(req.path), `${basename(req.path)}-reconcile.html`), extension },
        caller,
      );
      if (chosen === null) return null;
      const target = outputFile(chosen, { extension, home: ws.home, what: 'a reconcile report' });
      const html = reconcileReportHtml(report);
      // O_EXCL and fsync: a reconcile record is never overwritten.
      const path = new ExclusiveOutput(dirname(target)).write(basename(target), html);
      return { path, bytes: Buffer.byteLength(html, 'utf8'), findings: hasFindings(report) };
    },
  };
}

function reportView(r: ReconcileReport): ReconcileReportView {
  const cap = <T>(list: readonly T[]): T[] => list.slice(0, RECONCILE_MAX_LISTED);
  return {
    ...r,
    unauthorized: cap(r.unauthorized),
    retired: cap(r.retired),
    unknown: cap(r.unknown),
    problems: cap(r.problems),
    counts: { unauthorized: r.unauthorized.length, retired: r.retired.length, unknown: r.unknown.length, problems: r.problems.length },
  };
}
