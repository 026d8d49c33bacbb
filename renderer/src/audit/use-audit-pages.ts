import type { AuditEntryView } from '../../../preload/api.js';
import { invoke, type ApiFailure } from '../api/hallmark.js';
import { usePagedRows, type PagedRows } from '../components/use-paged-rows.js';

export const PAGE_SIZE = 200;
/** ~10,000 rows kept in memory; beyond that the farthest pages are refetched if revisited. */
const MAX_CACHED_PAGES = 50;

export interface AuditFilter {
  readonly action: string;
  readonly actor: string;
}

export type AuditPages = PagedRows<AuditEntryView>;

const filterKey = (f: AuditFilter) => `${f.action}\u0000${f.actor}`;

function fetchPage({ action, actor }: AuditFilter, offset: number, limit: number) {
  return invoke('audit.query', { offset, limit, newestFirst: true, ...(action ? { action } : {}), ...(actor ? { actor } : {}) }).then((r) => ({
    total: r.total,
    rows: r.entries,
  }));
}

/** Pages of the audit log fetched on demand, newest first. */
export function useAuditPages(filter: AuditFilter, onError: (failure: ApiFailure) => void): AuditPages {
  return usePagedRows({ filter, filterKey, fetchPage, pageSize: PAGE_SIZE, maxCachedPages: MAX_CACHED_PAGES, onError });
}
