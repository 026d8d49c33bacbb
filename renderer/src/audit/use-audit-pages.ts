import { useCallback, useEffect, useRef, useState } from 'react';
import type { AuditEntryView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import {
  applyPage,
  createPageCache,
  evictFarPages,
  failPage,
  markInFlight,
  pagesToFetch,
  requestFor,
  resetCache,
  type PageCache,
} from './page-cache.js';

export const PAGE_SIZE = 200;
/** ~10,000 rows kept in memory; beyond that the farthest pages are refetched if revisited. */
const MAX_CACHED_PAGES = 50;

export interface AuditFilter {
  readonly action: string;
  readonly actor: string;
}

export interface AuditPages {
  readonly cache: PageCache<AuditEntryView>;
  /** tell the hook which rows the table is about to draw */
  readonly showRange: (start: number, end: number) => void;
  /** reload from the core keeping the rows on screen until their replacements arrive */
  readonly refresh: () => void;
}

/**
 * Pages of the audit log fetched on demand, newest first. The cache is kept in a ref as
 * the source of truth (responses arrive asynchronously and must see the latest state)
 * and mirrored into React state to render.
 */
export function useAuditPages(filter: AuditFilter, onError: (failure: ApiFailure) => void): AuditPages {
  const [cache, setCache] = useState(() => createPageCache<AuditEntryView>(PAGE_SIZE));
  const cacheRef = useRef(cache);
  const rangeRef = useRef({ start: 0, end: 0 });
  const filterRef = useRef(filter);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const commit = useCallback((next: PageCache<AuditEntryView>) => {
    if (next === cacheRef.current) return;
    cacheRef.current = next;
    setCache(next);
  }, []);

  const pump = useCallback(() => {
    const { start, end } = rangeRef.current;
    const current = cacheRef.current;
    const wanted = pagesToFetch(current, start, end);
    if (wanted.length === 0) return;
    commit(markInFlight(current, wanted));
    const { action, actor } = filterRef.current;
    for (const page of wanted) {
      const request = requestFor(current, page);
      invoke('audit.query', {
        offset: request.offset,
        limit: request.limit,
        newestFirst: true,
        ...(action ? { action } : {}),
        ...(actor ? { actor } : {}),
      }).then(
        (result) => {
          const applied = applyPage(cacheRef.current, { ...request, total: result.total, rows: result.entries });
          const center = Math.floor(rangeRef.current.start / PAGE_SIZE);
          commit(evictFarPages(applied, center, MAX_CACHED_PAGES));
          // Either more of the range is still missing, or the page drifted and needs asking again.
          pump();
        },
        (error: unknown) => {
          commit(failPage(cacheRef.current, request.generation, page));
          onErrorRef.current(toFailure(error));
        },
      );
    }
  }, [commit]);

  const showRange = useCallback(
    (start: number, end: number) => {
      rangeRef.current = { start, end };
      pump();
    },
    [pump],
  );

  const refresh = useCallback(() => {
    commit(resetCache(cacheRef.current, { keepRows: true }));
    pump();
  }, [commit, pump]);

  useEffect(() => {
    if (filterRef.current.action === filter.action && filterRef.current.actor === filter.actor && cacheRef.current.generation > 0) return;
    filterRef.current = filter;
    rangeRef.current = { start: 0, end: rangeRef.current.end - rangeRef.current.start };
    commit(resetCache(cacheRef.current, { keepRows: false }));
    pump();
  }, [filter, commit, pump]);

  return { cache, showRange, refresh };
}
