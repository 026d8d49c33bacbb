import { useCallback, useEffect, useState } from 'react';
import type { AuthorityView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';

/** The workspace's authorities; `reload` after an action that changed them. */
export function useAuthorities(onError: (f: ApiFailure) => void): { authorities: AuthorityView[] | null; reload: () => void } {
  const [authorities, setAuthorities] = useState<AuthorityView[] | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    invoke('authorities.list', {}).then(
      (r) => live && setAuthorities(r.authorities),
      (e: unknown) => live && onError(toFailure(e)),
    );
    return () => {
      live = false;
    };
  }, [tick, onError]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { authorities, reload };
}
