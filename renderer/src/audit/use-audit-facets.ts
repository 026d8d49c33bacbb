import { useCallback, useEffect, useRef, useState } from 'react';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from '../components/use-latest-ref.js';

export interface AuditFacets {
  readonly actions: readonly string[];
  readonly actors: readonly string[];
}

const NONE: AuditFacets = { actions: [], actors: [] };

export function useAuditFacets(onError: (failure: ApiFailure) => void): { facets: AuditFacets; reload: () => void } {
  const [facets, setFacets] = useState<AuditFacets>(NONE);
  const latest = useRef(0);
  const onErrorRef = useLatestRef(onError);

  const reload = useCallback(() => {
    // Only the newest answer counts; an older, slower one must not overwrite it.
    const ticket = ++latest.current;
    invoke('audit.facets', {}).then(
      (result) => {
        if (ticket === latest.current) setFacets(result);
      },
      (error: unknown) => onErrorRef.current(toFailure(error)),
    );
  }, [onErrorRef]);

  useEffect(reload, [reload]);
  return { facets, reload };
}
