import type { ChainStatusView } from '../../../preload/api.js';
import type { ChainCheck } from './use-chain-status.js';
import { CheckpointNote } from './checkpoint-note.js';

interface Props {
  check: ChainCheck;
  /** entries in the unfiltered log right now, to say when the last check is behind */
  logSize: number | null;
  onVerify: () => void;
}

export function ChainStatusPanel({ check, logSize, onVerify }: Props) {
  const view = check.state === 'verified' || check.state === 'broken' ? check.view : null;
  const behind = view && logSize !== null ? logSize - view.count : 0;
  return (
    <section className={`chain chain--${check.state}`} aria-label="Audit chain status">
      <span className="chain__dot" aria-hidden="true" />
      <div
        className="chain__status"
        data-testid="audit-chain-status"
        data-state={check.state}
        {...(view && !view.ok && view.firstBadSeq !== null ? { 'data-first-bad-seq': String(view.firstBadSeq) } : {})}
        role="status"
        aria-live="polite"
      >
        {describe(check)}
      </div>
      {behind > 0 ? (
        <span className="chain__note">
          {behind} newer {behind === 1 ? 'entry' : 'entries'} not yet checked
        </span>
      ) : null}
      {view?.checkpoints ? <CheckpointNote status={view.checkpoints} /> : null}
      <button type="button" className="button" data-testid="audit-verify" onClick={onVerify} disabled={check.state === 'checking'}>
        Verify again
      </button>
    </section>
  );
}

function describe(check: ChainCheck) {
  switch (check.state) {
    case 'checking':
      return 'Checking the hash chain…';
    case 'error':
      return `Could not check the chain — ${check.failure.code}: ${check.failure.message}`;
    case 'verified':
    case 'broken':
      return describeView(check.view);
  }
}

function describeView(view: ChainStatusView) {
  if (view.ok) {
    if (view.head === null) return 'Chain verified — the log is empty';
    return (
      <>
        Chain verified — {view.count} {view.count === 1 ? 'entry' : 'entries'}, head seq <span className="mono">{view.head.seq}</span>, hash{' '}
        <span className="mono" title={view.head.hash}>
          {view.head.hash.slice(0, 16)}…
        </span>
      </>
    );
  }
  const lastGood = view.lastGood ? ` (last good seq ${view.lastGood.seq})` : '';
  if (view.firstBadSeq === null) return `Chain broken — ${view.message}${lastGood}`;
  return `Chain broken at seq ${view.firstBadSeq} — ${view.message}${lastGood}`;
}
