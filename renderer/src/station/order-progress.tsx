import type { StationCountsView } from '../../../preload/api.js';

interface Props {
  counts: StationCountsView | null;
  throughputPerMinute: number | null;
}

/** The work order's progress against its quantity, with the database's counters. */
export function OrderProgress({ counts, throughputPerMinute }: Props) {
  if (counts === null) {
    return (
      <div className="order-progress order-progress--empty" data-testid="station-counts">
        Choose a work order to see its progress.
      </div>
    );
  }
  const pct = (n: number) => `${counts.quantity === 0 ? 0 : Math.min(100, (n / counts.quantity) * 100)}%`;
  return (
    <div
      className="order-progress"
      data-testid="station-counts"
      data-issued={counts.issued}
      data-confirmed={counts.confirmed}
      data-failed={counts.failed}
      data-remaining={counts.remaining}
      data-quantity={counts.quantity}
    >
      <div
        className="order-progress__bar"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={counts.quantity}
        aria-valuenow={counts.confirmed}
        aria-label="Confirmed devices"
      >
        <span className="order-progress__fill order-progress__fill--confirmed" style={{ width: pct(counts.confirmed) }} />
        <span className="order-progress__fill order-progress__fill--issued" style={{ width: pct(Math.max(0, counts.devicesIssued - counts.confirmed)) }} />
      </div>
      <dl className="order-progress__counts">
        <Count label="Issued" value={counts.issued} />
        <Count label="Confirmed" value={counts.confirmed} tone="ok" />
        <Count label="Failed" value={counts.failed} tone={counts.failed > 0 ? 'bad' : undefined} />
        <Count label="Remaining" value={counts.remaining} />
        <Count label="Quantity" value={counts.quantity} />
        <div className="count-box" data-testid="station-throughput">
          <dt>Per minute</dt>
          <dd>{throughputPerMinute === null ? '—' : throughputPerMinute.toFixed(1)}</dd>
        </div>
      </dl>
      {counts.refused > 0 ? <p className="hint">{counts.refused} devices outside this work order were refused.</p> : null}
    </div>
  );
}

function Count({ label, value, tone }: { label: string; value: number; tone?: 'ok' | 'bad' | undefined }) {
  return (
    <div className={`count-box${tone ? ` count-box--${tone}` : ''}`}>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}
