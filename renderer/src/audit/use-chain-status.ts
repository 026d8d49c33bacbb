import { useCallback, useEffect, useRef, useState } from 'react';
import type { ChainStatusView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';

export type ChainCheck =
  | { readonly state: 'checking'; readonly previous: ChainStatusView | null }
  | { readonly state: 'verified' | 'broken'; readonly view: ChainStatusView }
  | { readonly state: 'error'; readonly failure: ApiFailure };

export function useChainStatus(onError: (failure: ApiFailure) => void): { check: ChainCheck; verify: () => void } {
  const [check, setCheck] = useState<ChainCheck>({ state: 'checking', previous: null });
  const latest = useRef(0);
  const onErrorRef = useLatestRef(onError);

  // Only the newest answer counts; an older, slower one must not overwrite it.
  const request = useCallback(() => {
    const ticket = ++latest.current;
    invoke('audit.verify', {}).then(
      (view) => {
        if (ticket === latest.current) setCheck({ state: view.ok ? 'verified' : 'broken', view });
      },
      (error: unknown) => {
        if (ticket !== latest.current) return;
        const failure = toFailure(error);
        setCheck({ state: 'error', failure });
        onErrorRef.current(failure);
      },
    );
  }, [onErrorRef]);

  const verify = useCallback(() => {
    setCheck((prev) => ({ state: 'checking', previous: 'view' in prev ? prev.view : prev.state === 'checking' ? prev.previous : null }));
    request();
  }, [request]);

  // The first check needs no 'checking' state set: it is the initial one.
  useEffect(request, [request]);
  return { check, verify };
}

/** Rows at or after this seq are suspect; null when the chain is fine or the break has no seq. */
export function firstBadSeq(check: ChainCheck): number | null {
  const view = check.state === 'checking' ? check.previous : 'view' in check ? check.view : null;
  return view && !view.ok ? view.firstBadSeq : null;
}
