import type { InventoryStatsBatchView } from '../../../preload/api.js';
import { STATUSES } from './search-text.js';

interface Props {
  stats: readonly InventoryStatsBatchView[] | null;
  selected: string;
  onSelect: (batchId: string) => void;
}

/** Beyond this many imports the bars get too thin to read or click; the newest are shown. */
const MAX_BARS = 120;
const HEIGHT = 140;
const BAR = 18;
const GAP = 6;
const AXIS = 18;

/**
 * Certificates by batch and status over time: one stacked bar per imported manifest,
 * oldest import on the left, heights by the certificates' status now (a later rework
 * moves a certificate from confirmed to superseded in its own batch's bar). Plain SVG:
 * the counts come aggregated from the core, so there is nothing a chart library would
 * add but weight. Each bar is named for screen readers and clicking it filters the table.
 */
export function BatchStatusChart({ stats, selected, onSelect }: Props) {
  if (stats === null || stats.length === 0) return null;
  const shown = stats.slice(-MAX_BARS);
  const totals = shown.map((b) => b.confirmed + b.failed + b.superseded + b.revoked);
  const max = Math.max(1, ...totals);
  const width = shown.length * (BAR + GAP) + GAP;
  const scale = (n: number) => (n / max) * (HEIGHT - AXIS - 4);
  const summary = `Certificates by batch and status, ${shown.length} import${shown.length === 1 ? '' : 's'} oldest first${stats.length > shown.length ? ` (the newest ${MAX_BARS} of ${stats.length})` : ''}`;
  return (
    <figure className="inventory-chart" data-testid="inventory-chart" data-bars={shown.length}>
      <figcaption className="inventory-chart__caption">
        {summary}
        <span className="inventory-chart__legend" aria-hidden="true">
          {STATUSES.map((s) => (
            <span key={s} className="inventory-chart__key">
              <span className={`inventory-chart__swatch inventory-chart__seg--${s}`} /> {s}
            </span>
          ))}
        </span>
      </figcaption>
      <div className="inventory-chart__scroll">
        <svg role="group" aria-label={summary} width={width} height={HEIGHT} viewBox={`0 0 ${width} ${HEIGHT}`}>
          {shown.map((b, i) => {
            const x = GAP + i * (BAR + GAP);
            const total = totals[i]!;
            const label = `${b.batchId}, imported ${b.importedAt.slice(0, 10)}: ${total} certificates, ${STATUSES.map((s) => `${b[s]} ${s}`).join(', ')}`;
            let y = HEIGHT - AXIS;
            return (
              <g
                key={b.manifestSha256}
                role="button"
                tabIndex={0}
                aria-label={label}
                aria-pressed={selected === b.batchId}
                className={`inventory-chart__bar${selected === b.batchId ? ' is-selected' : ''}`}
                data-testid="inventory-chart-bar"
                data-batch={b.batchId}
                data-imported={b.importedAt}
                data-total={total}
                data-confirmed={b.confirmed}
                data-failed={b.failed}
                data-superseded={b.superseded}
                data-revoked={b.revoked}
                onClick={() => onSelect(selected === b.batchId ? '' : b.batchId)}
                onKeyDown={(e) => {
                  if (e.key === 'Enter' || e.key === ' ') {
                    e.preventDefault();
                    onSelect(selected === b.batchId ? '' : b.batchId);
                  }
                }}
              >
                <title>{label}</title>
                <rect className="inventory-chart__hit" x={x - GAP / 2} y={0} width={BAR + GAP} height={HEIGHT - AXIS} />
                {STATUSES.map((s) => {
                  const h = scale(b[s]);
                  y -= h;
                  return h > 0 ? <rect key={s} className={`inventory-chart__seg--${s}`} x={x} y={y} width={BAR} height={h} /> : null;
                })}
                <text className="inventory-chart__tick" x={x + BAR / 2} y={HEIGHT - 5} textAnchor="middle">
                  {b.importedAt.slice(5, 10)}
                </text>
              </g>
            );
          })}
        </svg>
      </div>
    </figure>
  );
}
