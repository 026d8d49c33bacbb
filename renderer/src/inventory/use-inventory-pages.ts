import { useCallback, useEffect, useRef, useState } from 'react';
import type { InventoryRowView } from '../../../preload/api.js';
import { invoke, toFailure, type ApiFailure } from '../api/hallmark.js';
import { applyPage, createPageCache, evictFarPages, failPage, markInFlight, pagesToFetch, requestFor, resetCache, type PageCache } from '../audit/page-cache.js';
import { filterKey, searchFields, type InventoryFilter } from './search-text.js';

export const PAGE_SIZE = 500;
/** ~25,000 rows kept in memory; farther pages are fetched again if revisited. */
const MAX_CACHED_PAGES = 50;

/**
 * Pages of inventory.search on demand. The core lists newest import first, so rows
 * imported meanwhile (by the CLI) land on top exactly like audit entries do, and the
 * audit log's page cache — which corrects offsets by that drift — is reused as is.
 */
export function useInventoryPages(filter: InventoryFilter, onError: (failure: ApiFailure) => void) {
  const [cache, setCache] = useState(() => createPageCache<InventoryRowView>(PAGE_SIZE));
  const cacheRef = useRef(cache);
  const rangeRef = useRef({ start: 0, end: 0 });
  const filterRef = useRef<InventoryFilter | null>(null);
  const onErrorRef = useRef(onError);
  onErrorRef.current = onError;

  const commit = useCallback((next: PageCache<InventoryRowView>) => {
    if (next === cacheRef.current) return;
    cacheRef.current = next;
    setCache(next);
  }, []);

  const pump = useCallback(() => {
    const filter = filterRef.current;
    if (!filter) return;
    const { start, end } = rangeRef.current;
    const current = cacheRef.current;
    const wanted = pagesToFetch(current, start, end);
    if (wanted.length === 0) return;
    commit(markInFlight(current, wanted));
    for (const page of wanted) {
      const request = requestFor(current, page);
      invoke('inventory.search', { offset: request.offset, limit: request.limit, ...searchFields(filter) }).then(
        (result) => {
          const applied = applyPage(cacheRef.current, { ...request, total: result.total, rows: result.rows });
          commit(evictFarPages(applied, Math.floor(rangeRef.current.start / PAGE_SIZE), MAX_CACHED_PAGES));
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

  /** After an import: a new snapshot, keeping the current rows until theirs arrive. */
  const refresh = useCallback(() => {
    commit(resetCache(cacheRef.current, { keepRows: true }));
    pump();
  }, [commit, pump]);

  const key = filterKey(filter);
  useEffect(() => {
    if (filterRef.current && filterKey(filterRef.current) === key) return;
    filterRef.current = filter;
    rangeRef.current = { start: 0, end: Math.max(1, rangeRef.current.end - rangeRef.current.start) };
    commit(resetCache(cacheRef.current, { keepRows: false }));
    pump();
    // `key` captures everything of `filter` that changes the query.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, commit, pump]);

  return { cache, showRange, refresh, key };
}
