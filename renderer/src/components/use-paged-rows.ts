import { useCallback, useEffect, useRef, useState } from 'react';
import { toFailure, type ApiFailure } from '../api/hallmark.js';
import { useLatestRef } from './use-latest-ref.js';
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
} from '../audit/page-cache.js';

export interface PagedRowsSource<Row, Filter> {
  readonly filter: Filter;
  /** everything of `filter` that changes the query, as one string (a new key starts over) */
  readonly filterKey: (filter: Filter) => string;
  readonly fetchPage: (filter: Filter, offset: number, limit: number) => Promise<{ total: number; rows: Row[] }>;
  readonly pageSize: number;
  /** pages kept in memory; farther pages are fetched again if revisited */
  readonly maxCachedPages: number;
  readonly onError: (failure: ApiFailure) => void;
}

export interface PagedRows<Row> {
  readonly cache: PageCache<Row>;
  /** tell the hook which rows the table is about to draw */
  readonly showRange: (start: number, end: number) => void;
  /** reload from the core keeping the rows on screen until their replacements arrive */
  readonly refresh: () => void;
  readonly key: string;
}

/**
 * Rows of a long, newest-first list (the audit log, the inventory) fetched page by page as
 * a virtual table scrolls. The cache lives in a ref as the source of truth (responses
 * arrive asynchronously and must see the latest state) and is mirrored into React state to
 * render; the page cache corrects offsets for rows added on top meanwhile.
 */
export function usePagedRows<Row, Filter>(source: PagedRowsSource<Row, Filter>): PagedRows<Row> {
  const { filter, pageSize, maxCachedPages } = source;
  const [cache, setCache] = useState(() => createPageCache<Row>(pageSize));
  const cacheRef = useRef(cache);
  const rangeRef = useRef({ start: 0, end: 0 });
  const filterRef = useRef<Filter | null>(null);
  const sourceRef = useLatestRef(source);

  const commit = useCallback((next: PageCache<Row>) => {
    if (next === cacheRef.current) return;
    cacheRef.current = next;
    setCache(next);
  }, []);

  const pump = useCallback(() => {
    function fetchMissing(): void {
      const current = cacheRef.current;
      const active = filterRef.current;
      if (active === null) return;
      const wanted = pagesToFetch(current, rangeRef.current.start, rangeRef.current.end);
      if (wanted.length === 0) return;
      commit(markInFlight(current, wanted));
      for (const page of wanted) {
        const request = requestFor(current, page);
        sourceRef.current.fetchPage(active, request.offset, request.limit).then(
          (result) => {
            const applied = applyPage(cacheRef.current, { ...request, total: result.total, rows: result.rows });
            commit(evictFarPages(applied, Math.floor(rangeRef.current.start / pageSize), maxCachedPages));
            // Either more of the range is still missing, or the page drifted and needs asking again.
            fetchMissing();
          },
          (error: unknown) => {
            commit(failPage(cacheRef.current, request.generation, page));
            sourceRef.current.onError(toFailure(error));
          },
        );
      }
    }
    fetchMissing();
  }, [commit, pageSize, maxCachedPages, sourceRef]);

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

  const key = source.filterKey(filter);
  useEffect(() => {
    if (filterRef.current !== null && sourceRef.current.filterKey(filterRef.current) === key) return;
    filterRef.current = sourceRef.current.filter;
    rangeRef.current = { start: 0, end: Math.max(1, rangeRef.current.end - rangeRef.current.start) };
    commit(resetCache(cacheRef.current, { keepRows: false }));
    pump();
  }, [key, commit, pump, sourceRef]);

  return { cache, showRange, refresh, key };
}
