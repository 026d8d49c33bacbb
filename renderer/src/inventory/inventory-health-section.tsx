import { useState } from 'react';
import type { ApiFailure } from '../api/hallmark.js';
import { HealthPanel } from './health-panel.js';
import { ReconcilePanel } from './reconcile-panel.js';
import { useInventoryHealth } from './use-inventory-health.js';

interface Props {
  onError: (f: ApiFailure) => void;
  /** any value that changes when the inventory does (the fleet view, reloaded after an import): an open panel reads again */
  generation: unknown;
}

/** Fleet health and registry reconcile, folded away until opened: reading every certificate is not free on a large fleet. */
export function InventoryHealthSection({ onError, generation }: Props) {
  const [open, setOpen] = useState(false);
  const [withinDays, setWithinDays] = useState(365);
  const { health } = useInventoryHealth(open, withinDays, onError, generation);
  return (
    <details className="inventory-health" data-testid="inventory-health" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary className="inventory-health__summary" data-testid="inventory-health-toggle">
        Fleet health and registry reconcile
      </summary>
      {open ? (
        <>
          <HealthPanel health={health} withinDays={withinDays} onWithinDays={setWithinDays} />
          <ReconcilePanel onError={onError} />
        </>
      ) : null}
    </details>
  );
}
