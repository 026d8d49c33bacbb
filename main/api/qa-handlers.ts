import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import type { Input, OperationName, Output, QaReportView } from '../../preload/api.js';
import { outputFile, refuseRendererPath } from '../files/output-path.js';
import { OUTPUT_EXTENSIONS, type SaveFilePicker } from './dialog-handlers.js';
import type { DeviceEntry, ManifestDocument } from '../manifest/format/manifest-document.js';
import { ManifestError } from '../manifest/manifest-errors.js';
import { ExclusiveOutput } from '../manifest/write-exclusive.js';
import { validateManifest } from '../manifest/verify/manifest-schema.js';
import { reportHtml } from '../manifest/verify/report-html.js';
import { MANIFEST_JSON, readManifestFolder } from '../manifest/verify/verify-manifest.js';
import type { ManifestVerifyOutput } from '../workers/tasks/manifest-verify-task.js';
import { qaEntrySummary } from '../workers/tasks/qa-entry-summary.js';
import type { QaSession } from './qa-session.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { certificateView } from './certificate-view.js';
import type { ActingCallerOf } from './acting-caller.js';
import type { OperatorRole } from '../operators/operator-roles.js';

/** Who may verify in the app once the workspace has accounts (docs/operators.md): QA, or a supervisor standing in. */
export const QA_ROLES: readonly OperatorRole[] = ['qa', 'supervisor'];

type QaOp = Extract<OperationName, `qa.${string}`>;
export type QaHandlers = { [Op in QaOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

/**
 * The QA section: the standalone verifier run on a folder the QA engineer names. It needs
 * no workspace state (the online side runs the same code), so these handlers only read
 * the named files, bounded, and write nothing but the report the engineer asks for.
 */
export function createQaHandlers(outputs: { home: string; saves: SaveFilePicker }, session: QaSession, acting: ActingCallerOf): QaHandlers {
  // Nothing is recorded, but once there are accounts only QA (or a supervisor) verifies; an account-less workspace is as before.
  const qaOnly = (caller: unknown, action: string) => acting(caller, { action, untypedName: 'app', anyOf: QA_ROLES });
  return {
    // Off this thread, on the core worker pool: progress as qa.progress events, qa.cancel stops it.
    'qa.verify': async (req, caller) => {
      qaOnly(caller, 'verify a manifest');
      return reportView(await session.verify(req));
    },
    'qa.cancel': () => ({ cancelled: session.cancel() }),
    'qa.device': ({ dir, index, manifestSha256 }, caller) => {
      qaOnly(caller, "look at a manifest's device");
      // The entries kept from the verification that showed this list: no re-read, no re-parse.
      const entry = session.verifiedEntry(dir, manifestSha256, index) ?? readEntry(dir, index, manifestSha256);
      let certificate = null;
      let certificateProblem: string | null = null;
      if (entry.certificate) {
        try {
          certificate = certificateView(parseCertificateFast(Buffer.from(entry.certificate.der, 'base64')));
        } catch (e) {
          certificateProblem = `the certificate cannot be read: ${(e as Error).message}`;
        }
      }
      return {
        ...qaEntrySummary(entry, index),
        firstSeenAt: entry.firstSeenAt,
        lastChangeAt: entry.lastChangeAt,
        attempts: entry.attempts,
        issuedAt: entry.certificate?.issuedAt ?? null,
        publicKeySha256: entry.certificate?.publicKeySha256 ?? null,
        revocation: entry.revocation ? { ...entry.revocation } : null,
        rework: entry.rework ? { ...entry.rework } : null,
        lastError: entry.lastError ? { ...entry.lastError } : null,
        certificate,
        certificateProblem,
        matter: entry.matter
          ? {
              vendorId: entry.matter.vendorId,
              productId: entry.matter.productId,
              paiSha256: entry.matter.paiSha256,
              verifierSha256: entry.matter.factoryData?.verifierSha256 ?? null,
              discriminator: entry.matter.factoryData?.discriminator ?? null,
              iterations: entry.matter.factoryData?.iterations ?? null,
            }
          : null,
      };
    },
    'qa.saveReport': async (req, caller) => {
      if (req.out !== undefined) refuseRendererPath('out', 'the QA report');
      qaOnly(caller, 'save a QA report');
      const { report } = await session.verify(req);
      const chosen = await outputs.saves.pickSaveFile(
        { purpose: 'qa-report', defaultName: defaultReportPath(req.dir, new Date()), extension: OUTPUT_EXTENSIONS['qa-report'] },
        caller,
      );
      if (chosen === null) return null;
      const target = outputFile(chosen, { extension: OUTPUT_EXTENSIONS['qa-report'], home: outputs.home, what: 'a QA report' });
      // ExclusiveOutput creates with O_EXCL and fsyncs: a QA record is never overwritten.
      const out = new ExclusiveOutput(dirname(target));
      const html = reportHtml(report);
      const path = out.write(basename(target), html);
      return { path, bytes: Buffer.byteLength(html, 'utf8'), ok: report.ok };
    },
  };
}

function reportView(out: ManifestVerifyOutput): QaReportView {
  const r = out.report;
  return {
    ok: r.ok,
    folder: r.folder,
    manifestSha256: r.manifestSha256,
    workOrder: r.workOrder,
    sequence: r.sequence,
    devices: r.devices,
    signer: r.signer ? { ...r.signer } : null,
    signingTime: r.signingTime,
    verifiedAt: r.verifiedAt,
    checks: r.checks.map((c) => ({ name: c.name, status: c.status, summary: c.summary, details: [...c.details] })),
    deviceList: out.deviceList,
    deviceListTruncated: (r.devices ?? 0) > out.deviceList.length,
  };
}

/** Entry `index` read from the folder again: a drill-down without a kept verification (an older one, or none). */
function readEntry(dir: string, index: number, manifestSha256: string | undefined): DeviceEntry {
  const { json } = readManifestFolder(dir);
  if (manifestSha256 !== undefined && sha256(json) !== manifestSha256) {
    throw new ManifestError('MANIFEST_UNREADABLE', `${join(dir, MANIFEST_JSON)} changed since it was verified; verify it again`);
  }
  const doc = parseDocument(json);
  if (!doc) throw new ManifestError('MANIFEST_UNREADABLE', `${join(dir, MANIFEST_JSON)} is not a Hallmark manifest`);
  const entry = doc.devices[index];
  if (!entry) throw new ManifestError('MANIFEST_UNREADABLE', `the manifest has ${doc.devices.length} entries; there is no entry ${index}`);
  return entry;
}

/** The document when it matches the schema; a malformed one is the verifier's `format` failure, not an error here. */
function parseDocument(json: Buffer): ManifestDocument | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json.toString('utf8'));
  } catch {
    return null;
  }
  const r = validateManifest(parsed);
  return r.ok ? r.document : null;
}

/**
 * Where the save dialog suggests the HTML report: beside the folder, named for it, never
 * inside it (the folder is the signed record). The dialog's answer is what counts.
 */
export function defaultReportPath(dir: string, now: Date): string {
  const trimmed = dir.replace(/[\\/]+$/, '');
  const sep = trimmed.includes('\\') && !trimmed.includes('/') ? '\\' : '/';
  const cut = trimmed.lastIndexOf(sep);
  const parent = cut > 0 ? trimmed.slice(0, cut) : cut === 0 ? sep : '.';
  const name = (cut >= 0 ? trimmed.slice(cut + 1) : trimmed) || 'manifest';
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return `${parent === sep ? '' : parent}${sep}${name}-qa-report-${stamp}.html`;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
