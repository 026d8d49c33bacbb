import { createHash } from 'node:crypto';
import { basename, dirname, join } from 'node:path';
import { QA_MAX_DEVICE_SUMMARIES, type Input, type OperationName, type Output, type QaDeviceSummaryView, type QaReportView } from '../../preload/api.js';
import { readInputFile } from '../files/read-input-file.js';
import { outputFile, refuseRendererPath } from '../files/output-path.js';
import { OUTPUT_EXTENSIONS, type SaveFilePicker } from './dialog-handlers.js';
import type { DeviceEntry, ManifestDocument } from '../manifest/format/manifest-document.js';
import { ManifestError } from '../manifest/manifest-errors.js';
import type { VerificationReport } from '../manifest/verify/check-result.js';
import { ExclusiveOutput } from '../manifest/write-exclusive.js';
import { validateManifest } from '../manifest/verify/manifest-schema.js';
import { readPlanCsv } from '../manifest/verify/plan-check.js';
import { readTrustAnchors, readTrustFile } from '../manifest/verify/read-trust-anchors.js';
import { reportHtml } from '../manifest/verify/report-html.js';
import { MANIFEST_JSON, readManifestFolder, verifyManifest } from '../manifest/verify/verify-manifest.js';
import { parseCertificateFast } from '../x509/certificate-facts-fast.js';
import { certificateView } from './certificate-view.js';

type QaOp = Extract<OperationName, `qa.${string}`>;
export type QaHandlers = { [Op in QaOp]: (input: Input<Op>, caller?: unknown) => Output<Op> | Promise<Output<Op>> };

const MAX_PLAN_BYTES = 16 * 1024 * 1024;

interface VerifyRequest {
  readonly dir: string;
  readonly trustPem: string;
  readonly planCsv?: string | undefined;
  readonly previousDir?: string | undefined;
}

/**
 * The QA section: the standalone verifier run on a folder the QA engineer names. It needs
 * no workspace state (the online side runs the same code), so these handlers only read
 * the named files, bounded, and write nothing but the report the engineer asks for.
 */
export function createQaHandlers(outputs: { home: string; saves: SaveFilePicker }): QaHandlers {
  return {
    'qa.verify': (req) => {
      const { report, doc } = runVerifier(req);
      return reportView(report, doc);
    },
    'qa.device': ({ dir, index, manifestSha256 }) => {
      const { json } = readManifestFolder(dir);
      if (manifestSha256 !== undefined && sha256(json) !== manifestSha256) {
        throw new ManifestError('MANIFEST_UNREADABLE', `${join(dir, MANIFEST_JSON)} changed since it was verified; verify it again`);
      }
      const doc = parseDocument(json);
      if (!doc) throw new ManifestError('MANIFEST_UNREADABLE', `${join(dir, MANIFEST_JSON)} is not a Hallmark manifest`);
      const entry = doc.devices[index];
      if (!entry) throw new ManifestError('MANIFEST_UNREADABLE', `the manifest has ${doc.devices.length} entries; there is no entry ${index}`);
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
        ...summary(entry, index),
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
      };
    },
    'qa.saveReport': async (req, caller) => {
      if (req.out !== undefined) refuseRendererPath('out', 'the QA report');
      const { report } = runVerifier(req);
      const chosen = await outputs.saves.pickSaveFile({ purpose: 'qa-report', defaultName: defaultReportPath(req.dir, new Date()), extension: OUTPUT_EXTENSIONS['qa-report'] }, caller);
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

function runVerifier(req: VerifyRequest): { report: VerificationReport; doc: ManifestDocument | null } {
  const anchors = readTrustAnchors(readTrustFile(req.trustPem), req.trustPem);
  const plan = req.planCsv !== undefined ? readPlanCsv(readInputFile(req.planCsv, MAX_PLAN_BYTES).toString('utf8')) : undefined;
  // Read once: the bytes verified are the bytes listed.
  const { json, p7s } = readManifestFolder(req.dir);
  const report = verifyManifest(json, p7s, req.dir, { anchors, ...(plan ? { plan } : {}), ...(req.previousDir !== undefined ? { previousDir: req.previousDir } : {}) });
  return { report, doc: parseDocument(json) };
}

function reportView(r: VerificationReport, doc: ManifestDocument | null): QaReportView {
  const entries = doc?.devices ?? [];
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
    deviceList: entries.slice(0, QA_MAX_DEVICE_SUMMARIES).map(summary),
    deviceListTruncated: entries.length > QA_MAX_DEVICE_SUMMARIES,
  };
}

function summary(e: DeviceEntry, index: number): QaDeviceSummaryView {
  return {
    index,
    hardwareSerial: e.hardwareSerial,
    model: e.model,
    status: e.status,
    deviceState: e.deviceState,
    certificateSerial: e.certificate?.serial ?? null,
    certificateSha256: e.certificate?.sha256 ?? null,
  };
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
