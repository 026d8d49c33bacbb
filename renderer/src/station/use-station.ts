import { useCallback, useEffect, useRef, useState } from 'react';
import type { Input } from '../../../preload/api.js';
import { invoke, subscribe, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';
import { applyEvent, EMPTY_VIEW, reconcile, type StationViewState } from './station-view-state.js';

/** Events keep tiles live; the snapshot catches anything missed (a dropped event, another window). */
const RECONCILE_MS = 2000;

export interface StationControl {
  readonly view: StationViewState;
  readonly busy: boolean;
  readonly start: (req: Input<'station.start'>) => Promise<boolean>;
  /** `operator`: the typed name, only while the workspace has no accounts */
  readonly stop: (operator?: string) => Promise<void>;
  readonly refresh: () => void;
}

export function useStation(shownBatch: string | null, onError: (f: ApiFailure) => void): StationControl {
  const [view, setView] = useState<StationViewState>(EMPTY_VIEW);
  const [busy, setBusy] = useState(false);
  const shownRef = useLatestRef(shownBatch);
  const onErrorRef = useLatestRef(onError);
  const pollFailed = useRef(false);

  const refresh = useCallback(() => {
    const batchId = shownRef.current;
    invoke('station.status', batchId === null ? {} : { batchId }).then(
      (status) => {
        pollFailed.current = false;
        // A snapshot for a batch no longer on screen would show the wrong counters.
        if (shownRef.current === batchId) setView((prev) => reconcile(prev, status));
      },
      (e: unknown) => {
        // Report a failing poll once, not every tick.
        if (!pollFailed.current) onErrorRef.current(toFailure(e));
        pollFailed.current = true;
      },
    );
  }, [onErrorRef, shownRef]);

  useEffect(() => subscribe('station.event', (e) => setView((prev) => applyEvent(prev, e, shownRef.current))), [shownRef]);

  useEffect(() => {
    refresh();
    const timer = setInterval(refresh, RECONCILE_MS);
    return () => clearInterval(timer);
  }, [refresh, shownBatch]);

  useEffect(() => {
    if (view.stale) refresh();
  }, [view.stale, refresh]);

  const start = useCallback(
    async (req: Input<'station.start'>) => {
      setBusy(true);
      try {
        const status = await invoke('station.start', req);
        setView((prev) => reconcile(prev, status));
        return true;
      } catch (e) {
        onErrorRef.current(toFailure(e));
        return false;
      } finally {
        setBusy(false);
      }
    },
    [onErrorRef],
  );

  const stop = useCallback(
    async (operator?: string) => {
      try {
        const status = await invoke('station.stop', operator === undefined ? {} : { operator });
        setView((prev) => reconcile(prev, status));
      } catch (e) {
        onErrorRef.current(toFailure(e));
      }
    },
    [onErrorRef],
  );

  return { view, busy, start, stop, refresh };
}
