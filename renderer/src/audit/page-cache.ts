/**
 * Pure bookkeeping for a paged, newest-first view of an append-only log.
 *
 * Rows are addressed by their index in a snapshot taken when the first page of a
 * generation arrives. Newest-first offsets move whenever something is appended (the CLI
 * can append without telling us), so every response's `total` is compared with the
 * snapshot: the difference ("drift") is how far the server's offsets have slid, and a
 * page fetched with the wrong drift is dropped and asked for again at the corrected
 * offset. That keeps cached pages seamless — no duplicated or skipped seq numbers.
 */

export interface PageCache<Row> {
  /** bumped on every reset; responses from older generations are ignored */
  readonly generation: number;
  readonly pageSize: number;
  /** rows in the snapshot; null until the generation's first page arrives */
  readonly total: number | null;
  /** rows appended on the server since the snapshot was taken */
  readonly drift: number;
  readonly pages: ReadonlyMap<number, readonly Row[]>;
  readonly inFlight: ReadonlySet<number>;
  /** pages that failed; not retried automatically so a dead core is not hammered */
  readonly failed: ReadonlySet<number>;
  /** the previous generation, shown (shifted) while a refresh reloads, so rows do not blink */
  readonly fallback: Fallback<Row> | null;
}

interface Fallback<Row> {
  readonly pageSize: number;
  readonly pages: ReadonlyMap<number, readonly Row[]>;
  readonly total: number;
}

export interface PageRequest {
  readonly generation: number;
  readonly page: number;
  readonly offset: number;
  readonly limit: number;
}

export interface PageResponse<Row> extends PageRequest {
  readonly total: number;
  readonly rows: readonly Row[];
}

export function createPageCache<Row>(pageSize: number, generation = 0): PageCache<Row> {
  if (!Number.isInteger(pageSize) || pageSize < 1) throw new RangeError(`page size must be a positive integer, got ${pageSize}`);
  return {
    generation,
    pageSize,
    total: null,
    drift: 0,
    pages: new Map(),
    inFlight: new Set(),
    failed: new Set(),
    fallback: null,
  };
}

/**
 * Starts a new generation. `keepRows` keeps the current rows visible (shifted by however
 * many entries turn out to be new) until their replacements arrive: right for a refresh,
 * wrong for a filter change, where the old rows are simply not in the new result.
 */
export function resetCache<Row>(cache: PageCache<Row>, options: { keepRows: boolean }): PageCache<Row> {
  const next = createPageCache<Row>(cache.pageSize, cache.generation + 1);
  if (!options.keepRows) return next;
  const visible = cache.total === null ? cache.fallback : { pageSize: cache.pageSize, pages: cache.pages, total: cache.total };
  return { ...next, fallback: visible };
}

/** Rows the view should lay out: the snapshot, or the previous one while reloading. */
export function rowCount(cache: PageCache<unknown>): number {
  return cache.total ?? cache.fallback?.total ?? 0;
}

/** How far rows from before a refresh moved down because newer entries arrived on top. */
export function fallbackShift(cache: PageCache<unknown>): number {
  if (cache.total === null || cache.fallback === null) return 0;
  return Math.max(0, cache.total - cache.fallback.total);
}

/** Page indexes overlapping rows [first, end), clamped to the known row count. */
export function pagesForRange(first: number, end: number, pageSize: number, total: number | null): number[] {
  const lo = Math.max(0, Math.floor(first));
  let hi = Math.max(lo, Math.ceil(end));
  if (total !== null) hi = Math.min(hi, total);
  // Before the first response nothing is known, but page 0 is where every view starts.
  if (total === null && hi <= lo) hi = lo + 1;
  if (hi <= lo) return [];
  const pages: number[] = [];
  for (let p = Math.floor(lo / pageSize); p <= Math.floor((hi - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/**
 * Pages to request now for rows [first, end): not cached, not already on the way, not
 * failed, and no more than `maxInFlight` outstanding — when a scrollbar is dragged across
 * a huge log, the pages it merely passed over are never requested at all.
 */
export function pagesToFetch(cache: PageCache<unknown>, first: number, end: number, maxInFlight = 4): number[] {
  const room = maxInFlight - cache.inFlight.size;
  if (room <= 0) return [];
  // Until the snapshot total is known, a single request establishes it; parallel ones
  // could each see a different total.
  if (cache.total === null && cache.inFlight.size > 0) return [];
  const wanted = pagesForRange(first, end, cache.pageSize, cache.total).filter((p) => !cache.pages.has(p) && !cache.inFlight.has(p) && !cache.failed.has(p));
  return wanted.slice(0, cache.total === null ? 1 : room);
}

export function requestFor(cache: PageCache<unknown>, page: number): PageRequest {
  return { generation: cache.generation, page, offset: page * cache.pageSize + cache.drift, limit: cache.pageSize };
}

export function markInFlight<Row>(cache: PageCache<Row>, pages: readonly number[]): PageCache<Row> {
  if (pages.length === 0) return cache;
  const inFlight = new Set(cache.inFlight);
  for (const p of pages) inFlight.add(p);
  return { ...cache, inFlight };
}

/** Files a response; stale generations are ignored, drifted pages are dropped for a retry. */
export function applyPage<Row>(cache: PageCache<Row>, response: PageResponse<Row>): PageCache<Row> {
  if (response.generation !== cache.generation) return cache;
  const inFlight = new Set(cache.inFlight);
  inFlight.delete(response.page);

  if (cache.total === null) {
    const pages = new Map(cache.pages);
    if (response.offset === response.page * cache.pageSize) pages.set(response.page, response.rows);
    return { ...cache, inFlight, pages, total: response.total, drift: 0 };
  }

  const drift = response.total - cache.total;
  // An append-only log never shrinks; if it did, the workspace changed under us and the
  // snapshot means nothing any more.
  if (drift < 0) return createPageCache<Row>(cache.pageSize, cache.generation + 1);

  const requestedDrift = response.offset - response.page * cache.pageSize;
  if (drift !== requestedDrift) return { ...cache, inFlight, drift: Math.max(cache.drift, drift) };

  const pages = new Map(cache.pages);
  pages.set(response.page, response.rows);
  return { ...cache, inFlight, pages, drift: Math.max(cache.drift, drift) };
}

export function failPage<Row>(cache: PageCache<Row>, generation: number, page: number): PageCache<Row> {
  if (generation !== cache.generation) return cache;
  const inFlight = new Set(cache.inFlight);
  inFlight.delete(page);
  const failed = new Set(cache.failed);
  failed.add(page);
  return { ...cache, inFlight, failed };
}

/** Drops cached pages farthest from `centerPage` so memory stays bounded on huge logs. */
export function evictFarPages<Row>(cache: PageCache<Row>, centerPage: number, maxPages: number): PageCache<Row> {
  if (cache.pages.size <= maxPages) return cache;
  const keep = [...cache.pages.keys()].sort((a, b) => Math.abs(a - centerPage) - Math.abs(b - centerPage) || a - b).slice(0, Math.max(0, maxPages));
  const pages = new Map<number, readonly Row[]>();
  for (const p of keep) {
    const rows = cache.pages.get(p);
    if (rows) pages.set(p, rows);
  }
  return { ...cache, pages };
}

/** The row at snapshot index `index`, falling back to the previous generation's copy. */
export function rowAt<Row>(cache: PageCache<Row>, index: number): Row | undefined {
  const own = cache.pages.get(Math.floor(index / cache.pageSize))?.[index % cache.pageSize];
  if (own !== undefined || cache.fallback === null) return own;
  const old = index - fallbackShift(cache);
  if (old < 0) return undefined;
  const { pageSize, pages } = cache.fallback;
  return pages.get(Math.floor(old / pageSize))?.[old % pageSize];
}
