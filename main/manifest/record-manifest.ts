import type { SigningKey } from '../keys/signing-key.js';
import { KeyRepository } from '../store/key-repository.js';
import { ManifestRepository, type ManifestRow } from '../store/manifest-repository.js';
import type { Workspace } from '../store/workspace.js';
import { buildManifestDocument } from './build-manifest.js';
import { CmsError } from '../cms/cms-errors.js';
import { signDetachedCms } from '../cms/sign-detached-cms.js';
import { sha256Hex } from './format/manifest-digests.js';
import { serializeManifest } from './format/serialize-manifest.js';
import type { ManifestAuditCheckpoint } from './format/manifest-document.js';
import { CHECKPOINT_ACTION, parseCheckpointDetails } from '../store/audit/audit-checkpoint-claim.js';
import { ManifestError } from './manifest-errors.js';
import { loadCurrentSigner } from './manifest-signer.js';

export interface RecordManifestRequest {
  readonly batchId: string;
  /** unlocks the current signer's key; called only when the manifest is not made yet (the caller closes it) */
  readonly openSignerKey: (keyLabel: string) => Promise<SigningKey>;
  readonly actor: string;
  readonly now?: Date;
}

/**
 * The manifest of a closed work order, made once: built, signed with the current
 * manifest signer, and committed (exact bytes, sequence, previous hash, audit entry) in
 * one transaction before any file is written. Asked again, it returns the recorded one,
 * so a re-export writes byte-identical files and the station's chain never forks.
 */
export async function recordBatchManifest(ws: Workspace, req: RecordManifestRequest): Promise<{ row: ManifestRow; created: boolean }> {
  const repo = new ManifestRepository(ws);
  const existing = repo.byBatch(req.batchId);
  if (existing) return { row: existing, created: false };

  const exportedAt = req.now ?? new Date();
  const signer = loadCurrentSigner(ws, exportedAt);
  const head = repo.head();
  const auditHead = ws.audit.head();
  if (!auditHead) throw new ManifestError('MANIFEST_UNREADABLE', 'the workspace audit log is empty');
  const auditCheckpoint = latestCheckpoint(ws);
  const position = {
    sequence: (head?.sequence ?? 0) + 1,
    previousSha256: head?.sha256 ?? null,
    exportedAt,
    auditHead,
    ...(auditCheckpoint ? { auditCheckpoint } : {}),
  };
  const document = buildManifestDocument(ws, req.batchId, position);
  const json = serializeManifest(document);

  const record = new KeyRepository(ws).get(signer.row.keyLabel);
  const key = await req.openSignerKey(record.label);
  if (!key.spki.equals(record.spki))
    throw new ManifestError('MANIFEST_SIGNER_KEY_MISMATCH', `the unlocked key is not the manifest signer's key "${record.label}"`);
  let p7s: Buffer;
  try {
    p7s = await signDetachedCms({ content: json, signer: key, signerCertificate: signer.certificate.der, chain: signer.chain, signingTime: exportedAt });
  } catch (e) {
    // The manifest room's callers (CLI, station UI) speak MANIFEST_* codes.
    if (e instanceof CmsError)
      throw new ManifestError(
        e.code === 'CMS_KEY_UNSUPPORTED' ? 'MANIFEST_SIGNER_KEY_UNSUPPORTED' : 'MANIFEST_SIGNATURE_FAILED',
        `the manifest signature failed: ${e.message}`,
        e.kind,
      );
    throw e;
  }

  const row: ManifestRow = {
    sequence: position.sequence,
    batchId: req.batchId,
    signerId: signer.row.id,
    previousSha256: position.previousSha256,
    sha256: sha256Hex(json),
    p7sSha256: sha256Hex(p7s),
    json,
    p7s,
    devices: document.devices.length,
    auditSeq: auditHead.seq,
    auditHash: auditHead.hash,
    createdAt: exportedAt.toISOString(),
    createdBy: req.actor,
  };
  ws.transact(() => {
    const now = repo.head();
    if (now?.sequence !== head?.sequence || repo.byBatch(req.batchId)) {
      throw new ManifestError('MANIFEST_CHAIN_RACE', 'another manifest was recorded while this one was being signed; run the export again', 'environment');
    }
    repo.insert(row);
    ws.audit.append({
      actor: req.actor,
      action: 'manifest.created',
      subject: req.batchId,
      details: {
        sequence: row.sequence,
        sha256: row.sha256,
        p7sSha256: row.p7sSha256,
        previousSha256: row.previousSha256,
        devices: row.devices,
        signer: signer.row.id,
        signerCertificateSha256: signer.certificate.sha256,
      },
    });
  });
  return { row, created: true };
}

/** The log's newest checkpoint, as the manifest carries it (the chain since is the next checkpoint's to vouch for). */
function latestCheckpoint(ws: Workspace): ManifestAuditCheckpoint | null {
  const [entry] = ws.audit.query({ action: CHECKPOINT_ACTION, newestFirst: true, limit: 1 }).entries;
  const cp = entry ? parseCheckpointDetails(entry.details) : null;
  return entry && cp ? { entrySeq: entry.seq, ...cp } : null;
}
