import type { InventoryRowView } from '../../../preload/api.js';
import { invoke, type ApiFailure } from '../api/hallmark.js';
import { usePagedRows, type PagedRows } from '../components/use-paged-rows.js';
import { filterKey, searchFields, type InventoryFilter } from './search-text.js';

export const PAGE_SIZE = 500;
/** ~25,000 rows kept in memory; farther pages are fetched again if revisited. */
const MAX_CACHED_PAGES = 50;

function fetchPage(filter: InventoryFilter, offset: number, limit: number) {
  return invoke('inventory.search', { offset, limit, ...searchFields(filter) });
}

/**
 * Pages of inventory.search on demand. The core lists newest import first, so rows
 * imported meanwhile (by the CLI) land on top exactly like audit entries do.
 */
export function useInventoryPages(filter: InventoryFilter, onError: (failure: ApiFailure) => void): PagedRows<InventoryRowView> {
  return usePagedRows({ filter, filterKey, fetchPage, pageSize: PAGE_SIZE, maxCachedPages: MAX_CACHED_PAGES, onError });
}
