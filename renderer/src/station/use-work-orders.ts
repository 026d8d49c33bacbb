import { useCallback, useEffect, useState } from 'react';
import type { Input, StationBatchView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';

export interface WorkOrders {
  readonly batches: readonly StationBatchView[] | null;
  readonly reload: () => void;
  readonly create: (req: Input<'station.createBatch'>) => Promise<StationBatchView | null>;
}

/** The open work orders, for the picker. */
export function useWorkOrders(onError: (f: ApiFailure) => void): WorkOrders {
  const [batches, setBatches] = useState<StationBatchView[] | null>(null);
  const onErrorRef = useLatestRef(onError);

  const reload = useCallback(() => {
    invoke('station.batches', {}).then(
      (r) => setBatches(r.batches),
      (e: unknown) => onErrorRef.current(toFailure(e)),
    );
  }, [onErrorRef]);
  useEffect(reload, [reload]);

  const create = useCallback(
    async (req: Input<'station.createBatch'>) => {
      try {
        const batch = await invoke('station.createBatch', req);
        reload();
        return batch;
      } catch (e) {
        onErrorRef.current(toFailure(e));
        return null;
      }
    },
    [reload, onErrorRef],
  );
  return { batches, reload, create };
}
