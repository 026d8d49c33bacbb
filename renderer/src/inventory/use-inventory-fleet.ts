import { useCallback, useEffect, useState } from 'react';
import type { InventoryFleetView, InventorySourceView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

/** The fleet view (station chains with gaps, shared public keys) and which inventory it reads; reloaded after an import. */
export function useInventoryFleet(onError: (f: ApiFailure) => void) {
  const [fleet, setFleet] = useState<InventoryFleetView | null>(null);
  const [source, setSource] = useState<InventorySourceView | null>(null);
  const reload = useCallback(() => {
    invoke('inventory.source', {}).then(setSource, (e: unknown) => onError(toFailure(e)));
    invoke('inventory.fleet', {}).then(setFleet, (e: unknown) => onError(toFailure(e)));
  }, [onError]);
  useEffect(reload, [reload]);
  return { fleet, source, reload };
}
