import { useCallback, useEffect, useState } from 'react';
import type { InventoryBatchView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

export function useInventoryBatches(onError: (f: ApiFailure) => void) {
  const [batches, setBatches] = useState<InventoryBatchView[] | null>(null);
  const reload = useCallback(() => {
    invoke('inventory.batches', {}).then(
      (r) => setBatches(r.batches),
      (e: unknown) => onError(toFailure(e)),
    );
  }, [onError]);
  useEffect(reload, [reload]);
  return { batches, reload };
}
