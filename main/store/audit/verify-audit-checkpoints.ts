import type { Db } from '../database.js';
import type { Workspace } from '../workspace.js';
import { AuditKeyRepository } from './audit-key-repository.js';
import { auditTrustFromCertificate } from './audit-trust.js';
import { CheckpointCheck, type CheckpointStatus } from './audit-checkpoint-check.js';
import type { AuditTrust } from './audit-trust.js';
import { verifyAuditChain, type ChainStatus } from './audit-verify.js';

export interface AuditVerification {
  readonly chain: ChainStatus;
  readonly checkpoints: CheckpointStatus;
}

/**
 * One walk over the whole log: the hash chain as verifyAuditChain checks it, and every
 * checkpoint against the trusted audit keys. The chain alone proves order; a checkpoint
 * that still matches proves nobody without the audit key rewrote what came before it.
 */
export function verifyAuditCheckpoints(db: Db, trusts: readonly AuditTrust[], workspaceId: string): AuditVerification {
  return db.transaction(() => {
    const check = new CheckpointCheck(trusts, workspaceId);
    const chain = verifyAuditChain(db, { onRow: (row) => check.row(row) });
    return { chain, checkpoints: check.result() };
  })();
}

/**
 * The app's check (`audit.verify`): the checkpoints against the audit certificates the
 * workspace itself holds, null when it has none. Someone who can rewrite the database can
 * replace those too; the independent check is `hallmark audit verify --trust` with the
 * AUDIT-CERT kept apart.
 */
export function verifyWorkspaceAudit(ws: Workspace): ChainStatus & { checkpoints: AuditVerification['checkpoints'] | null } {
  const keys = new AuditKeyRepository(ws.db).all();
  if (keys.length === 0) return { ...ws.verifyAudit(), checkpoints: null };
  const v = verifyAuditCheckpoints(
    ws.db,
    keys.map((k) => auditTrustFromCertificate(k.certificate)),
    ws.info().workspaceId,
  );
  return { ...v.chain, checkpoints: v.checkpoints };
}
