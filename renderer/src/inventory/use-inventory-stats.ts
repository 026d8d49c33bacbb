import { useCallback, useEffect, useState } from 'react';
import type { InventoryStatsBatchView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

/** Per-batch status counts for the chart; reloaded after an import like the batch list. */
export function useInventoryStats(onError: (f: ApiFailure) => void) {
  const [stats, setStats] = useState<InventoryStatsBatchView[] | null>(null);
  const reload = useCallback(() => {
    invoke('inventory.stats', {}).then(
      (r) => setStats(r.batches),
      (e: unknown) => onError(toFailure(e)),
    );
  }, [onError]);
  useEffect(reload, [reload]);
  return { stats, reload };
}
