import type { InventoryFleetView, InventorySharedKeyCertificateView } from '../../../preload/api.js';

interface Props {
  fleet: InventoryFleetView | null;
}

const range = (g: { from: number; to: number }) => (g.from === g.to ? `#${g.from}` : `#${g.from}–#${g.to}`);
const device = (c: InventorySharedKeyCertificateView) => `${c.hardwareSerial} (${c.model}, ${c.batchId}, station ${c.stationId})`;

/** Every pair of certificates of one key that sit on different devices, named. */
function pairs(certs: readonly InventorySharedKeyCertificateView[]): [InventorySharedKeyCertificateView, InventorySharedKeyCertificateView][] {
  const out: [InventorySharedKeyCertificateView, InventorySharedKeyCertificateView][] = [];
  for (let i = 0; i < certs.length; i++) {
    for (let j = i + 1; j < certs.length; j++) {
      const a = certs[i]!;
      const b = certs[j]!;
      if (a.hardwareSerial !== b.hardwareSerial || a.model !== b.model) out.push([a, b]);
    }
  }
  return out;
}

/**
 * The fleet at a glance: per station, the manifest sequence numbers imported, a missing
 * one flagged (a USB stick that never arrived); and every public key that more than one
 * device carries, each pair of devices named (a cloned secure element, a key generator
 * without entropy).
 */
export function FleetPanel({ fleet }: Props) {
  if (fleet === null) return <p className="hint">Loading the fleet view…</p>;
  return (
    <div className="fleet" data-testid="inventory-fleet">
      <section className="fleet__part" aria-labelledby="fleet-stations-title">
        <h2 id="fleet-stations-title" className="fleet__title">
          Stations and their manifests
        </h2>
        {fleet.stations.length === 0 ? (
          <p className="hint">No manifest imported yet.</p>
        ) : (
          <ul className="fleet__list">
            {fleet.stations.map((s) => (
              <li
                key={s.stationId}
                data-testid="fleet-station"
                data-station={s.stationId}
                data-missing={s.missing}
                className={s.missing > 0 ? 'fleet__item fleet__item--bad' : 'fleet__item'}
              >
                <span className="mono" title={s.stationId}>
                  {s.stationId}
                </span>{' '}
                <span className="hint">
                  {s.manifests.length} manifest{s.manifests.length === 1 ? '' : 's'}: {s.manifests.map((m) => `#${m.sequence}`).join(' ')}
                </span>
                {s.missing > 0 ? (
                  <span
                    className="status-chip status-chip--failed fleet__flag"
                    data-testid="fleet-gap"
                    title="A manifest below the newest one was never imported: a USB stick that never arrived"
                  >
                    missing {s.gaps.map(range).join(', ')}
                  </span>
                ) : (
                  <span className="status-chip status-chip--confirmed fleet__flag">no gap</span>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      <section className="fleet__part" aria-labelledby="fleet-keys-title">
        <h2 id="fleet-keys-title" className="fleet__title">
          Public keys on more than one device
        </h2>
        {fleet.sharedKeys.length === 0 ? (
          <p className="hint" data-testid="fleet-no-shared-keys">
            None: every public key belongs to one device.
          </p>
        ) : (
          <ul className="fleet__list">
            {fleet.sharedKeys.map((k) => (
              <li key={k.publicKeySha256} className="fleet__item fleet__item--bad" data-testid="fleet-shared-key" data-public-key={k.publicKeySha256}>
                <span className="status-chip status-chip--revoked fleet__flag">shared key</span>{' '}
                <span className="mono" title={k.publicKeySha256}>
                  {k.publicKeySha256.slice(0, 16)}…
                </span>
                <ul className="fleet__pairs">
                  {pairs(k.certificates).map(([a, b]) => (
                    <li key={`${a.certificateSha256}-${b.certificateSha256}`} data-testid="fleet-shared-key-pair">
                      {device(a)} and {device(b)}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
        {fleet.sharedKeysTruncated ? <p className="hint">More keys are shared than shown: `hallmark inventory fleet` lists them all.</p> : null}
      </section>
    </div>
  );
}
