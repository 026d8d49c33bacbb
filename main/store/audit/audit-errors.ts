import { HallmarkError } from '../../errors/hallmark-error.js';

export class AuditEventError extends HallmarkError {
  constructor(message: string) {
    super('AUDIT_EVENT_INVALID', message, 'input');
    this.name = 'AuditEventError';
  }
}

export type AuditCheckpointErrorCode =
  /** the workspace has no audit key yet (`hallmark audit key create`) */
  | 'AUDIT_KEY_MISSING'
  /** the unlocked key is not the workspace's current audit key, or is the key of a CA or signer */
  | 'AUDIT_KEY_MISMATCH'
  /** a CA or manifest-signer key was offered as the audit key */
  | 'AUDIT_KEY_NOT_OWN'
  /** the given AUDIT-CERT is not an audit-signing certificate */
  | 'AUDIT_CERT_INVALID'
  /** a checkpoint's signature does not verify with the trusted key */
  | 'AUDIT_CHECKPOINT_FORGED'
  /** a genuine checkpoint stands where it was not signed: an older one replayed */
  | 'AUDIT_CHECKPOINT_REPLAYED'
  /** a genuine checkpoint whose signed head the log no longer has: entries before it were changed */
  | 'AUDIT_CHECKPOINT_MISMATCH'
  /** a checkpoint signed by a key other than the trusted one, or for another workspace */
  | 'AUDIT_CHECKPOINT_UNTRUSTED'
  /** a checkpoint entry whose details are not a checkpoint */
  | 'AUDIT_CHECKPOINT_UNREADABLE'
  /** the chain to be checkpointed does not verify: nothing is signed over a broken log */
  | 'AUDIT_CHAIN_BROKEN';

export class AuditCheckpointError extends HallmarkError {
  declare readonly code: AuditCheckpointErrorCode;
  constructor(code: AuditCheckpointErrorCode, message: string, kind: 'input' | 'check' | 'environment' = 'check', details?: Record<string, unknown>) {
    super(code, message, kind, details);
    this.name = 'AuditCheckpointError';
  }
}
