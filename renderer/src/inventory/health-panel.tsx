import type { InventoryHealthView } from '../../../preload/api.js';

interface Props {
  health: InventoryHealthView | null;
  withinDays: number;
  onWithinDays: (days: number) => void;
}

const DAY_CHOICES = [30, 90, 180, 365, 730];
const monthWords = (m: string) => new Date(`${m}-01T00:00:00Z`).toLocaleDateString('en-US', { month: 'short', year: 'numeric', timeZone: 'UTC' });

/**
 * The certificates in service: how many expire in each coming month (products with no
 * well-defined expiry are counted apart, not charted), which key algorithms and sizes the
 * fleet carries, and every public key on two devices, each pair named.
 */
export function HealthPanel({ health, withinDays, onWithinDays }: Props) {
  if (health === null) return <p className="hint">Reading the fleet's certificates…</p>;
  const e = health.expiry;
  const peak = Math.max(1, ...e.months.map((m) => m.count));
  const total = Math.max(1, health.active - health.unreadable);
  return (
    <div className="health" data-testid="inventory-health-panel">
      <section className="health__part" aria-labelledby="health-expiry-title">
        <h2 id="health-expiry-title" className="fleet__title">
          Expiring within{' '}
          <select
            className="select select--inline"
            data-testid="health-days"
            value={withinDays}
            onChange={(ev) => onWithinDays(Number(ev.target.value))}
            aria-label="Expiry window in days"
          >
            {DAY_CHOICES.map((d) => (
              <option key={d} value={d}>
                {d} days
              </option>
            ))}
          </select>
        </h2>
        <p className="hint" data-testid="health-summary" data-expiring={e.expiring} data-expired={e.expired} data-no-expiry={e.noWellDefinedExpiry}>
          {health.active.toLocaleString('en-US')} in service: {e.expiring.toLocaleString('en-US')} expiring, {e.expired.toLocaleString('en-US')} already
          expired, {e.noWellDefinedExpiry.toLocaleString('en-US')} with no well-defined expiry (not charted)
        </p>
        <ol className="health__chart" aria-label="Certificates expiring per month">
          {e.months.map((m) => (
            <li key={m.month} className="health__bar-row" data-testid="health-month" data-month={m.month} data-count={m.count}>
              <span className="health__bar-label">{monthWords(m.month)}</span>
              <span className="health__bar" style={{ width: `${(m.count / peak) * 100}%` }} />
              <span className="health__bar-count">{m.count.toLocaleString('en-US')}</span>
            </li>
          ))}
        </ol>
        {e.certificates.length > 0 ? (
          <ul className="fleet__list health__soonest" aria-label="Soonest to expire">
            {e.certificates.slice(0, 50).map((c) => (
              <li key={c.certificateSha256} className="fleet__item" data-testid="health-expiring">
                <span className="mono">{c.notAfter.slice(0, 10)}</span> {c.hardwareSerial}{' '}
                <span className="hint">
                  ({c.model}, {c.batchId}, station {c.stationId})
                </span>
              </li>
            ))}
          </ul>
        ) : null}
        {e.certificatesTruncated || e.certificates.length > 50 ? (
          <p className="hint">The soonest shown; `hallmark inventory health --max-listed N` lists more.</p>
        ) : null}
      </section>
      <section className="health__part" aria-labelledby="health-algorithms-title">
        <h2 id="health-algorithms-title" className="fleet__title">
          Key algorithms
        </h2>
        <ul className="fleet__list">
          {health.algorithms.map((a) => (
            <li key={a.algorithm} className="health__bar-row" data-testid="health-algorithm" data-algorithm={a.algorithm} data-count={a.count}>
              <span className="health__bar-label">{a.algorithm}</span>
              <span className="health__bar health__bar--key" style={{ width: `${(a.count / total) * 100}%` }} />
              <span className="health__bar-count">{a.count.toLocaleString('en-US')}</span>
            </li>
          ))}
        </ul>
        {health.unreadable > 0 ? <p className="hint">{health.unreadable} certificate(s) could not be read.</p> : null}
        <h2 className="fleet__title health__gap">Same public key on two devices</h2>
        {health.sharedKeys.length === 0 ? (
          <p className="hint" data-testid="health-no-shared-keys">
            None across every batch, station and factory.
          </p>
        ) : (
          <ul className="fleet__list">
            {health.sharedKeys.flatMap((k) =>
              k.pairs.map(([a, b]) => (
                <li
                  key={`${k.publicKeySha256}-${a}-${b}`}
                  className="fleet__item fleet__item--bad"
                  data-testid="health-shared-pair"
                  title={`public key SHA-256 ${k.publicKeySha256}`}
                >
                  {a} and {b}
                </li>
              )),
            )}
          </ul>
        )}
      </section>
    </div>
  );
}
