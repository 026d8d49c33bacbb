import { verifyX509Signature } from '../../x509/verify-signature.js';
import type { AuditRow } from './audit-row.js';
import { CHECKPOINT_ACTION, CHECKPOINT_FORMAT, checkpointMessage, parseCheckpointDetails } from './audit-checkpoint-claim.js';
import type { AuditCheckpointErrorCode } from './audit-errors.js';
import type { AuditTrust } from './audit-trust.js';

export type CheckpointProblem = Extract<
  AuditCheckpointErrorCode,
  'AUDIT_CHECKPOINT_FORGED' | 'AUDIT_CHECKPOINT_REPLAYED' | 'AUDIT_CHECKPOINT_MISMATCH' | 'AUDIT_CHECKPOINT_UNTRUSTED' | 'AUDIT_CHECKPOINT_UNREADABLE'
>;

export interface CheckpointRef {
  /** the checkpoint entry's own seq */
  readonly seq: number;
  /** the last entry it vouches for (always seq - 1) */
  readonly signedSeq: number;
  readonly time: string;
  readonly reason: string;
}

export type CheckpointStatus =
  | {
      readonly ok: true;
      readonly verified: number;
      readonly last: CheckpointRef | null;
      /** entries after the last checkpoint: in the chain, but vouched for by no signature yet */
      readonly uncheckpointed: number;
    }
  | {
      readonly ok: false;
      readonly verified: number;
      /** the last checkpoint that held: entries up to it are vouched for */
      readonly last: CheckpointRef | null;
      readonly firstBadCheckpointSeq: number;
      readonly problem: CheckpointProblem;
      readonly message: string;
      readonly uncheckpointed: number;
    };

/**
 * Checks each checkpoint entry as the chain walk passes it: a signature by a trusted audit
 * key over this workspace's claim, and a claim for exactly the entry before it with the
 * hash the log holds there. The position rule is what defeats a replay: a genuine
 * checkpoint copied to a later place still names the head it was signed for.
 * The first failure is kept; later rows are only counted.
 */
export class CheckpointCheck {
  private prev: { seq: number; hash: string } | null = null;
  private verified = 0;
  private last: CheckpointRef | null = null;
  private lastSeq = 0;
  private failure: { seq: number; problem: CheckpointProblem; message: string } | null = null;

  constructor(
    private readonly trusts: readonly AuditTrust[],
    /** the workspace whose log this is; a checkpoint made for another is not this log's */
    private readonly workspaceId: string,
  ) {}

  row(row: AuditRow): void {
    const prev = this.prev;
    this.prev = { seq: row.seq, hash: row.hash };
    this.lastSeq = row.seq;
    if (this.failure || row.action !== CHECKPOINT_ACTION) return;
    const fail = (problem: CheckpointProblem, message: string) => {
      this.failure = { seq: row.seq, problem, message: `checkpoint at seq ${row.seq}: ${message}` };
    };
    let details: unknown;
    try {
      details = JSON.parse(row.details);
    } catch {
      return fail('AUDIT_CHECKPOINT_UNREADABLE', 'its details are not valid JSON');
    }
    const cp = parseCheckpointDetails(details);
    if (!cp) return fail('AUDIT_CHECKPOINT_UNREADABLE', `its details are not a ${CHECKPOINT_FORMAT} checkpoint`);
    const trust = this.trusts.find((t) => t.spkiSha256 === cp.keySha256);
    if (!trust) return fail('AUDIT_CHECKPOINT_UNTRUSTED', `it names audit key ${cp.keySha256.slice(0, 16)}…, which no trusted audit certificate holds`);
    if (!verifyX509Signature(trust.algorithm, trust.spki, checkpointMessage(cp), Buffer.from(cp.signature, 'base64'))) {
      return fail('AUDIT_CHECKPOINT_FORGED', 'its signature does not verify with the trusted audit key: it was forged or altered');
    }
    if (cp.workspaceId !== this.workspaceId || cp.workspaceId !== trust.workspaceId) {
      return fail('AUDIT_CHECKPOINT_UNTRUSTED', `it was signed for workspace ${cp.workspaceId}, not this one (${this.workspaceId})`);
    }
    if (cp.seq !== row.seq - 1) {
      return fail(
        'AUDIT_CHECKPOINT_REPLAYED',
        `it is a genuine checkpoint of entry ${cp.seq}, replayed at a new position (a checkpoint vouches for the entry just before it)`,
      );
    }
    if (!prev || prev.seq !== cp.seq || prev.hash !== cp.headHash) {
      return fail(
        'AUDIT_CHECKPOINT_MISMATCH',
        `it no longer matches: it signed entry ${cp.seq} with hash ${cp.headHash.slice(0, 16)}…, but the log's entry ${cp.seq} now hashes to ${prev?.hash.slice(0, 16) ?? 'nothing'}…; entries up to ${cp.seq} were changed after it was signed`,
      );
    }
    this.verified++;
    this.last = { seq: row.seq, signedSeq: cp.seq, time: cp.time, reason: cp.reason };
  }

  result(): CheckpointStatus {
    const uncheckpointed = this.lastSeq - (this.last?.seq ?? 0);
    if (this.failure) {
      return {
        ok: false,
        verified: this.verified,
        last: this.last,
        firstBadCheckpointSeq: this.failure.seq,
        problem: this.failure.problem,
        message: this.failure.message,
        uncheckpointed,
      };
    }
    return { ok: true, verified: this.verified, last: this.last, uncheckpointed };
  }
}
