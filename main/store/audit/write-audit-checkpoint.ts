import { createHash } from 'node:crypto';
import { isSyncSigningKey, type SigningKey } from '../../keys/signing-key.js';
import { HallmarkError } from '../../errors/hallmark-error.js';
import type { Workspace } from '../workspace.js';
import type { AuditEntry, AuditHead } from './audit-entry.js';
import { CheckpointCheck } from './audit-checkpoint-check.js';
import { CHECKPOINT_ACTION, checkpointDetails, checkpointMessage, type CheckpointClaim, type CheckpointReason } from './audit-checkpoint-claim.js';
import { AuditCheckpointError } from './audit-errors.js';
import { AuditKeyRepository } from './audit-key-repository.js';
import { auditTrustFromCertificate, type AuditTrust } from './audit-trust.js';
import { verifyAuditChain } from './audit-verify.js';

export interface CheckpointRequest {
  readonly actor: string;
  readonly reason: CheckpointReason;
}

/** A head that moved while an asynchronous key (a token) was signing is signed again, this many times at most. */
const MAX_SIGN_ATTEMPTS = 5;

/**
 * Signs the current audit head with the workspace's audit key and appends the checkpoint
 * as the entry right after it. Nothing is signed over a log that does not verify since the
 * last checkpoint (the chain from there, that checkpoint itself): an attacker's edit must
 * not be blessed by the next routine checkpoint. A refusal is itself audited
 * (`audit.checkpoint-refused`) and nothing else changes. Returns null when the log is empty
 * or its head is already a checkpoint: there is nothing new to vouch for.
 */
export async function writeAuditCheckpoint(ws: Workspace, key: SigningKey, req: CheckpointRequest): Promise<AuditEntry | null> {
  const keys = new AuditKeyRepository(ws.db);
  const current = keys.current();
  if (!current)
    throw new AuditCheckpointError('AUDIT_KEY_MISSING', 'this workspace has no audit key; create one with `hallmark audit key create --key <label>`', 'input');
  // The claim names the key that signs, never what the database says the key is.
  const keySha256 = createHash('sha256').update(key.spki).digest('hex');
  if (keySha256 !== current.spkiSha256) {
    throw new AuditCheckpointError('AUDIT_KEY_MISMATCH', `key "${key.label}" is not the workspace's audit key "${current.keyLabel}"`, 'input');
  }
  const workspaceId = ws.info().workspaceId;
  try {
    const trusts = keys.all().map((k) => auditTrustFromCertificate(k.certificate));
    if (!trusts.some((t) => t.spkiSha256 === keySha256))
      throw new AuditCheckpointError('AUDIT_CERT_INVALID', `the workspace's audit certificate does not hold key "${key.label}"`, 'check');
    checkSinceLastCheckpoint(ws, trusts, workspaceId);
  } catch (e) {
    if (e instanceof HallmarkError) {
      ws.audit.append({ actor: req.actor, action: 'audit.checkpoint-refused', subject: '', details: { reason: req.reason, code: e.code, message: e.message } });
    }
    throw e;
  }

  const syncKey = isSyncSigningKey(key) ? key : null;
  for (let attempt = 0; attempt < MAX_SIGN_ATTEMPTS; attempt++) {
    const head = ws.audit.head();
    if (!head || isCheckpointAt(ws, head)) return null;
    const claim: CheckpointClaim = { workspaceId, seq: head.seq, headHash: head.hash, time: new Date().toISOString(), reason: req.reason, keySha256 };
    // An in-process key signs inside the transaction, so the head cannot move under it.
    const signature = syncKey ? null : await key.sign(checkpointMessage(claim));
    const entry = ws.transact(() => {
      const now = ws.audit.head();
      if (!now || now.seq !== head.seq || now.hash !== head.hash) return null;
      const sig = signature ?? syncKey!.signSync(checkpointMessage(claim));
      return ws.audit.append({ actor: req.actor, action: CHECKPOINT_ACTION, subject: String(head.seq), details: checkpointDetails(claim, sig) });
    });
    if (entry) return entry;
  }
  throw new AuditCheckpointError(
    'AUDIT_CHAIN_BROKEN',
    `the audit head kept moving while the audit key signed (${MAX_SIGN_ATTEMPTS} attempts); try again`,
    'environment',
  );
}

function isCheckpointAt(ws: Workspace, head: AuditHead): boolean {
  const row = ws.db.prepare('SELECT action FROM audit_log WHERE seq = ?').get(head.seq) as { action: string } | undefined;
  return row?.action === CHECKPOINT_ACTION;
}

/** The chain from the entry before the last checkpoint to the head, and that checkpoint, verify. */
function checkSinceLastCheckpoint(ws: Workspace, trusts: readonly AuditTrust[], workspaceId: string): void {
  const db = ws.db;
  db.transaction(() => {
    const last = db.prepare('SELECT seq FROM audit_log WHERE action = ? ORDER BY seq DESC LIMIT 1').pluck().get(CHECKPOINT_ACTION) as number | undefined;
    const before =
      last !== undefined && last > 2 ? (db.prepare('SELECT seq, hash FROM audit_log WHERE seq = ?').get(last - 2) as AuditHead | undefined) : undefined;
    const check = new CheckpointCheck(trusts, workspaceId);
    const chain = verifyAuditChain(db, { ...(before ? { after: before } : {}), onRow: (row) => check.row(row) });
    if (!chain.ok) {
      throw new AuditCheckpointError(
        'AUDIT_CHAIN_BROKEN',
        `the audit chain does not verify (first bad seq ${chain.firstBadSeq ?? '–'}: ${chain.message}); no checkpoint is signed over it`,
        'check',
      );
    }
    const cps = check.result();
    if (!cps.ok) throw new AuditCheckpointError(cps.problem, `${cps.message}; no checkpoint is signed over it`, 'check');
  })();
}
