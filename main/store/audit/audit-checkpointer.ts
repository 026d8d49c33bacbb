import type { SigningKey } from '../../keys/signing-key.js';
import type { Workspace } from '../workspace.js';
import type { AuditEntry } from './audit-entry.js';
import { CHECKPOINT_ACTION, type CheckpointReason } from './audit-checkpoint-claim.js';
import { writeAuditCheckpoint } from './write-audit-checkpoint.js';

export const DEFAULT_CHECKPOINT_EVERY = 1000;

/**
 * The unlocked audit key for as long as a station run (or another long task) lasts:
 * checkpoints at the moments that matter (`checkpoint(reason)`) and, once `every` entries
 * have been appended since the last one, on its own. Checkpoints are written one at a time
 * in the order asked. A background checkpoint that is refused has already been audited
 * (write-audit-checkpoint.ts); it is kept in `lastError`, and the run goes on.
 */
export class AuditCheckpointer {
  private queue: Promise<unknown> = Promise.resolve();
  private lastCheckpointSeq: number;
  private unsubscribe: (() => void) | null = null;
  private intervalPending = false;
  lastError: Error | null = null;

  constructor(
    private readonly ws: Workspace,
    private readonly key: SigningKey,
    private readonly actor: string,
    private readonly every: number = DEFAULT_CHECKPOINT_EVERY,
    /** called once by close(), after the last checkpoint: the owner's way of closing the key with it */
    private readonly onClose?: () => void,
  ) {
    this.lastCheckpointSeq = (ws.db.prepare('SELECT MAX(seq) FROM audit_log WHERE action = ?').pluck().get(CHECKPOINT_ACTION) as number | null) ?? 0;
  }

  /** Starts checkpointing every `every` entries. */
  watch(): this {
    this.unsubscribe ??= this.ws.audit.onAppend((entry) => this.appended(entry));
    return this;
  }

  checkpoint(reason: CheckpointReason): Promise<AuditEntry | null> {
    const run = this.queue.then(() => writeAuditCheckpoint(this.ws, this.key, { actor: this.actor, reason }));
    this.queue = run.then(
      (entry) => {
        if (entry) this.lastCheckpointSeq = entry.seq;
      },
      (e: unknown) => {
        this.lastError = e as Error;
      },
    );
    return run;
  }

  /** Stops watching and waits for checkpoints under way, then runs `onClose`. */
  async close(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = null;
    await this.queue;
    this.onClose?.();
  }

  /**
   * The last checkpoint of a run (station stop), then close(). A refusal goes to `onError`
   * rather than out: it is already in the log, and it must not hide why the run ended.
   */
  async finish(reason: CheckpointReason, onError: (e: Error) => void): Promise<void> {
    try {
      await this.checkpoint(reason);
    } catch (e) {
      onError(e as Error);
    } finally {
      await this.close();
    }
  }

  private appended(entry: AuditEntry): void {
    if (entry.action === CHECKPOINT_ACTION) {
      this.lastCheckpointSeq = Math.max(this.lastCheckpointSeq, entry.seq);
      return;
    }
    if (this.intervalPending || entry.seq - this.lastCheckpointSeq < this.every) return;
    this.intervalPending = true;
    this.checkpoint('interval')
      .catch(() => undefined)
      .finally(() => {
        this.intervalPending = false;
      });
  }
}
