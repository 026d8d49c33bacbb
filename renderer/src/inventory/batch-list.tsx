import type { InventoryBatchView } from '../../../preload/api.js';

interface Props {
  batches: readonly InventoryBatchView[] | null;
  selected: string;
  onSelect: (batchId: string) => void;
}

/** Imported manifests, newest first; choosing one filters the devices to its work order. */
export function BatchList({ batches, selected, onSelect }: Props) {
  if (batches === null) return <p className="hint">Loading batches…</p>;
  if (batches.length === 0)
    return (
      <p className="hint" data-testid="inventory-no-batches">
        No manifest imported yet.
      </p>
    );
  return (
    <table className="batch-table" aria-label="Imported batches">
      <thead>
        <tr>
          <th>Work order</th>
          <th>Status</th>
          <th>Station #</th>
          <th className="num">Entries</th>
          <th className="num">Certificates</th>
          <th className="num">Confirmed</th>
          <th className="num">Failed</th>
          <th className="num">Superseded</th>
          <th className="num">Revoked</th>
          <th className="num">Active now</th>
          <th>Imported by</th>
        </tr>
      </thead>
      <tbody>
        {batches.map((b) => {
          const status = batchStatus(b);
          const isSelected = selected === b.batchId;
          return (
            <tr
              key={b.manifestSha256}
              className={isSelected ? 'is-selected' : undefined}
              data-testid="inventory-batch"
              data-batch={b.batchId}
              data-state={status.state}
              aria-selected={isSelected}
              tabIndex={0}
              onClick={() => onSelect(isSelected ? '' : b.batchId)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' || e.key === ' ') {
                  e.preventDefault();
                  onSelect(isSelected ? '' : b.batchId);
                }
              }}
              title={`manifest ${b.manifestSha256}, imported by ${b.importedBy}; click to show only this work order`}
            >
              <td>
                {b.batchId} <span className="hint">({b.model})</span>
              </td>
              <td>
                <span className={`status-chip status-chip--${status.state}`}>{status.text}</span>
              </td>
              <td className="mono" title={b.stationId}>
                {b.stationId.slice(0, 8)} #{b.sequence}
              </td>
              <td className="num">{b.entries}</td>
              <td className="num">{b.certificates}</td>
              <td className="num">{b.confirmed}</td>
              <td className="num">{b.failed}</td>
              <td className="num">{b.superseded}</td>
              <td className="num">{b.revoked}</td>
              <td className="num">{b.active}</td>
              <td>{b.importedBy}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

/**
 * Every listed manifest passed the verifier and was imported (a refused one is never
 * stored). Certificates a later manifest retired show in "Active now", not here.
 */
export function batchStatus(b: InventoryBatchView): { state: 'imported'; text: string } {
  return { state: 'imported', text: `verified, imported ${b.importedAt.slice(0, 10)}` };
}
