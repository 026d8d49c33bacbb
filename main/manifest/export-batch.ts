import { issueCrl } from '../ca/issue-crl.js';
import type { SigningKey } from '../keys/signing-key.js';
import { CaRepository } from '../store/ca-repository.js';
import { CertificateRepository } from '../store/certificate-repository.js';
import { KeyRepository } from '../store/key-repository.js';
import { ManifestRepository } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import { jsonLines, JSON_LINES_FILE } from './exports/json-lines.js';
import { microchipManifest, MICROCHIP_FILE } from './exports/microchip-jws.js';
import { nrfCloudCsvFiles, type NrfCloudOptions } from './exports/nrfcloud-csv.js';
import { revocationSet, REVOCATION_CRL_FILE, REVOCATION_SET_FILE } from './exports/revocation-set.js';
import { sha256Hex } from './format/manifest-digests.js';
import type { ManifestDocument } from './format/manifest-document.js';
import { ManifestError } from './manifest-errors.js';
import { recordBatchManifest } from './record-manifest.js';
import { ExclusiveOutput } from './write-exclusive.js';

export const EXPORT_FORMATS = ['manifest', 'microchip', 'nrfcloud', 'jsonl', 'revocations'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const MANIFEST_FILE = 'manifest.json';
export const SIGNATURE_FILE = 'manifest.json.p7s';

export interface ExportRequest {
  readonly batchId: string;
  readonly outDir: string;
  readonly formats: readonly ExportFormat[];
  /** unlocks the manifest signer's key (by label); the caller closes what it returns */
  readonly signerKey: (keyLabel: string) => Promise<SigningKey>;
  /** with `revocations`: also sign a CRL with the issuing CA's key */
  readonly crl?: { readonly caKey: (keyLabel: string) => Promise<SigningKey>; readonly nextUpdateDays: number };
  readonly nrfCloud?: NrfCloudOptions;
  readonly actor: string;
  readonly now?: Date;
}

export interface ExportResult {
  readonly sequence: number;
  readonly manifestSha256: string;
  /** false when the manifest had been made by an earlier export (its recorded bytes were written) */
  readonly created: boolean;
  readonly devices: number;
  readonly files: readonly { file: string; bytes: number; sha256: string }[];
  readonly crlNumber?: number;
}

/**
 * `hallmark manifest export`: the signed manifest of a closed work order and the
 * online side's formats, all from the one recorded manifest. Every output name is
 * checked free before anything is signed; files are created exclusively; the export is
 * audited with each file's SHA-256.
 */
export async function exportBatch(ws: Workspace, req: ExportRequest): Promise<ExportResult> {
  const formats = new Set(req.formats);
  const out = new ExclusiveOutput(req.outDir);
  const repo = new ManifestRepository(ws);
  if (!formats.has('manifest') && !repo.byBatch(req.batchId)) {
    throw new ManifestError(
      'MANIFEST_NOT_EXPORTED',
      `work order ${req.batchId} has no manifest yet; export --format manifest first (the other formats are made from it)`,
    );
  }
  if (formats.has('manifest')) out.prepare([MANIFEST_FILE, SIGNATURE_FILE]);

  const { row, created } = await recordBatchManifest(ws, {
    batchId: req.batchId,
    openSignerKey: req.signerKey,
    actor: req.actor,
    ...(req.now ? { now: req.now } : {}),
  });
  const doc = JSON.parse(row.json.toString('utf8')) as ManifestDocument;

  const files: { name: string; data: Buffer | string }[] = [];
  if (formats.has('manifest')) files.push({ name: MANIFEST_FILE, data: row.json }, { name: SIGNATURE_FILE, data: row.p7s });
  if (formats.has('microchip')) {
    const signer = repo.signer(row.signerId)!;
    const certificateDer = new CertificateRepository(ws).byId(signer.certificateId).der;
    const key = await req.signerKey(new KeyRepository(ws).get(signer.keyLabel).label);
    files.push({ name: MICROCHIP_FILE, data: await microchipManifest(doc, { key, certificateDer }) });
  }
  if (formats.has('nrfcloud')) for (const f of nrfCloudCsvFiles(doc, req.nrfCloud)) files.push({ name: f.name, data: f.data });
  if (formats.has('jsonl')) files.push({ name: JSON_LINES_FILE, data: jsonLines(doc, row.sha256) });
  if (formats.has('revocations')) files.push({ name: REVOCATION_SET_FILE, data: revocationSet(doc, row.sha256) });
  const withCrl = formats.has('revocations') && req.crl !== undefined;
  out.prepare([...files.map((f) => f.name), ...(withCrl ? [REVOCATION_CRL_FILE] : [])]);

  let crlNumber: number | undefined;
  if (withCrl) {
    const caName = doc.workOrder.issuingCa;
    const ca = new CaRepository(ws).list().find((c) => c.name === caName)?.keyLabel;
    if (ca === undefined) throw new ManifestError('MANIFEST_UNREADABLE', `the issuing CA "${caName}" is not in this workspace`);
    const caKey = await req.crl.caKey(ca);
    const crl = await issueCrl(ws, { ca: caName, caKey, nextUpdateDays: req.crl.nextUpdateDays, actor: req.actor });
    crlNumber = crl.crlNumber;
    files.push({ name: REVOCATION_CRL_FILE, data: pem(crl.der, 'X509 CRL') });
  }

  for (const f of files) out.write(f.name, f.data);
  const written = files.map((f) => {
    const buf = typeof f.data === 'string' ? Buffer.from(f.data, 'utf8') : f.data;
    return { file: f.name, bytes: buf.length, sha256: sha256Hex(buf) };
  });
  ws.audit.append({
    actor: req.actor,
    action: 'manifest.exported',
    subject: req.batchId,
    details: {
      sequence: row.sequence,
      manifestSha256: row.sha256,
      outDir: req.outDir,
      formats: [...formats],
      files: written.slice(0, 200),
      ...(crlNumber !== undefined ? { crlNumber } : {}),
    },
  });
  return {
    sequence: row.sequence,
    manifestSha256: row.sha256,
    created,
    devices: row.devices,
    files: written,
    ...(crlNumber !== undefined ? { crlNumber } : {}),
  };
}

function pem(der: Buffer, label: string): string {
  return `-----BEGIN ${label}-----\n${der.toString('base64').replace(/.{1,64}/g, '$&\n')}-----END ${label}-----\n`;
}
