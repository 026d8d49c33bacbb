import { createHash } from 'node:crypto';
import type { ManifestDocument } from '../manifest/format/manifest-document.js';
import type { VerificationReport } from '../manifest/verify/check-result.js';
import { readManifestFolder, verifyManifest } from '../manifest/verify/verify-manifest.js';
import type { ParsedCertificate } from '../x509/certificate-facts.js';
import type { InventoryManifestRow } from '../store/inventory-repository.js';
import type { ImportDecision, InventoryStore } from '../store/inventory-store.js';
import { SqliteInventoryStore } from '../store/sqlite-inventory-store.js';
import type { Workspace } from '../store/workspace.js';
import { decideImport, manifestKeys, type CommitRequest } from './decide-import.js';
import { InventoryError } from './inventory-errors.js';

export interface ImportRequest {
  readonly anchors: readonly ParsedCertificate[];
  readonly actor: string;
  readonly now?: Date;
}

export interface ImportResult {
  readonly folder: string;
  /** false: this manifest (same SHA-256) was imported before; nothing changed */
  readonly created: boolean;
  readonly manifest: InventoryManifestRow;
  /** information that does not stop the import, e.g. a predecessor not imported yet */
  readonly notes: string[];
  readonly report: VerificationReport;
}

/**
 * `hallmark inventory import DIR`: verify the folder with the standalone verifier (every
 * check must pass), then import its certificates in one transaction with one audit
 * entry. The bytes verified are the bytes imported (the folder is read once).
 */
export function importManifestFolder(ws: Workspace, folder: string, req: ImportRequest): ImportResult {
  const { verified, report, now } = verifyManifestFolder(folder, req);
  return { ...commitVerifiedManifest(ws, verified, { folder, actor: req.actor, now }), report };
}

/** importManifestFolder into any inventory store (the workspace's SQLite, or PostgreSQL). */
export async function importManifestFolderInto(store: InventoryStore, folder: string, req: ImportRequest): Promise<ImportResult> {
  const { verified, report, now } = verifyManifestFolder(folder, req);
  return { ...(await commitVerifiedManifestInto(store, verified, { folder, actor: req.actor, now })), report };
}

/** Reads the folder once and verifies those bytes; refuses it unless every check passes. */
function verifyManifestFolder(folder: string, req: ImportRequest): { verified: VerifiedManifest; report: VerificationReport; now: Date } {
  // Bounded, no symlinks, each file read once through its descriptor: the bytes verified are the bytes imported.
  const { json, p7s } = readManifestFolder(folder);
  const now = req.now ?? new Date();
  const report = verifyManifest(json, p7s, folder, { anchors: req.anchors, now });
  if (!report.ok) {
    const failed = report.checks.filter((c) => c.status === 'fail').map((c) => c.name);
    throw new InventoryError('INVENTORY_VERIFY_FAILED', `${folder}: not imported, ${failed.length} verifier check(s) failed: ${failed.join(', ')}`, 'check', {
      folder,
      failedChecks: failed,
    });
  }
  const doc = JSON.parse(json.toString('utf8')) as ManifestDocument;
  const sha256 = createHash('sha256').update(json).digest('hex');
  return { verified: { doc, sha256, signerSha256: report.signer?.sha256 ?? null, signingTime: report.signingTime }, report, now };
}

/** A manifest that passed every verifier check, with what the verifier found about its signature. */
export interface VerifiedManifest {
  readonly doc: ManifestDocument;
  /** SHA-256 of the exact manifest.json bytes verified */
  readonly sha256: string;
  readonly signerSha256: string | null;
  readonly signingTime: string | null;
}

/**
 * The import step after verification: chain check, plan and commit in one transaction.
 * Separate from importManifestFolder so the benchmark can time it on pre-verified data
 * (signing a million real certificates per run is not what it measures); never call it
 * with a document that did not pass verifyManifest.
 */
export function commitVerifiedManifest(ws: Workspace, v: VerifiedManifest, req: CommitRequest): Omit<ImportResult, 'report'> {
  return resultOf(
    new SqliteInventoryStore(ws).importManifestSync((view) => decideImport(view, v, req)),
    req.folder,
  );
}

/** commitVerifiedManifest into any inventory store. */
export async function commitVerifiedManifestInto(store: InventoryStore, v: VerifiedManifest, req: CommitRequest): Promise<Omit<ImportResult, 'report'>> {
  return resultOf(await store.importManifest(manifestKeys(v.doc, v.sha256), (view) => decideImport(view, v, req)), req.folder);
}

function resultOf(d: ImportDecision, folder: string): Omit<ImportResult, 'report'> {
  return { folder, created: d.kind === 'import', manifest: d.manifest, notes: d.notes };
}
