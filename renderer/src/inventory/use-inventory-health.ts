import { useCallback, useEffect, useState } from 'react';
import type { InventoryHealthView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

/** The fleet's health for an expiry window; read when the panel opens, and again after an import or a new window. */
export function useInventoryHealth(open: boolean, withinDays: number, onError: (f: ApiFailure) => void, generation: unknown = null) {
  const [health, setHealth] = useState<InventoryHealthView | null>(null);
  const reload = useCallback(() => {
    if (!open) return;
    invoke('inventory.health', { withinDays }).then(setHealth, (e: unknown) => onError(toFailure(e)));
  }, [open, withinDays, onError]);
  // generation: a new import changes the answer
  useEffect(reload, [reload, generation]);
  return { health, reload };
}
