import type { CheckpointStatusView } from '../../../preload/api.js';

/**
 * What the signed checkpoints say (docs/audit.md), next to the chain status: the first one
 * that no longer holds, or how many hold and how many newer entries none vouches for yet.
 * Checked against the workspace's own audit certificates; the CLI's `--trust` is the
 * independent check.
 */
export function CheckpointNote({ status }: { status: CheckpointStatusView }) {
  if (!status.ok) {
    return (
      <span
        className="chain__note chain__note--bad"
        data-testid="audit-checkpoint-status"
        data-state="broken"
        data-first-bad-checkpoint={String(status.firstBadCheckpointSeq)}
        title={status.message}
      >
        {status.problem}: checkpoint at seq {status.firstBadCheckpointSeq} does not hold
      </span>
    );
  }
  const held = `${status.verified} signed ${status.verified === 1 ? 'checkpoint holds' : 'checkpoints hold'}`;
  return (
    <span className="chain__note" data-testid="audit-checkpoint-status" data-state="ok" data-uncheckpointed={String(status.uncheckpointed)}>
      {status.uncheckpointed > 0 ? `${held}; ${status.uncheckpointed} not yet checkpointed` : held}
    </span>
  );
}
