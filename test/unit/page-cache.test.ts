import { describe, expect, it } from 'vitest';
import {
  applyPage,
  createPageCache,
  evictFarPages,
  failPage,
  fallbackShift,
  markInFlight,
  pagesForRange,
  pagesToFetch,
  requestFor,
  resetCache,
  rowAt,
  rowCount,
  type PageCache,
} from '../../renderer/src/audit/page-cache.js';
import { visibleRange } from '../../renderer/src/components/visible-range.js';

/** A newest-first server over seqs 1..total, like audit.query with newestFirst: true. */
function server(initialTotal: number) {
  let total = initialTotal;
  return {
    append(n: number) {
      total += n;
    },
    query(offset: number, limit: number) {
      const rows: number[] = [];
      for (let i = offset; i < Math.min(total, offset + limit); i++) rows.push(total - i);
      return { total, rows };
    },
  };
}

type Server = ReturnType<typeof server>;

/** Fetches what the cache asks for until nothing is missing, like the hook's pump loop. */
function load(cache: PageCache<number>, srv: Server, start: number, end: number): PageCache<number> {
  for (let round = 0; round < 20; round++) {
    const wanted = pagesToFetch(cache, start, end, 100);
    if (wanted.length === 0) return cache;
    cache = markInFlight(cache, wanted);
    for (const page of wanted) {
      const request = requestFor(cache, page);
      const { total, rows } = srv.query(request.offset, request.limit);
      cache = applyPage(cache, { ...request, total, rows });
    }
  }
  throw new Error('did not settle');
}

function rows(cache: PageCache<number>, start: number, end: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (let i = start; i < end; i++) out.push(rowAt(cache, i));
  return out;
}

describe('pagesForRange', () => {
  it('lists the pages overlapping a row range', () => {
    expect(pagesForRange(0, 10, 200, 1000)).toEqual([0]);
    expect(pagesForRange(190, 210, 200, 1000)).toEqual([0, 1]);
    expect(pagesForRange(200, 400, 200, 1000)).toEqual([1]);
    expect(pagesForRange(399, 801, 200, 1000)).toEqual([1, 2, 3, 4]);
  });

  it('clamps to the known total and to zero', () => {
    expect(pagesForRange(950, 1200, 200, 1000)).toEqual([4]);
    expect(pagesForRange(-50, 10, 200, 1000)).toEqual([0]);
    expect(pagesForRange(0, 50, 200, 0)).toEqual([]);
    expect(pagesForRange(5000, 6000, 200, 1000)).toEqual([]);
  });

  it('asks for the first page when nothing is known yet', () => {
    expect(pagesForRange(0, 0, 200, null)).toEqual([0]);
  });
});

describe('pagesToFetch', () => {
  it('sends one request until the snapshot total is known', () => {
    const cache = createPageCache<number>(100);
    expect(pagesToFetch(cache, 0, 500)).toEqual([0]);
    expect(pagesToFetch(markInFlight(cache, [0]), 0, 500)).toEqual([]);
  });

  it('skips cached, in-flight and failed pages and honours the in-flight cap', () => {
    let cache = load(createPageCache<number>(100), server(10_000), 0, 10);
    cache = markInFlight(cache, [1]);
    cache = failPage(markInFlight(cache, [2]), cache.generation, 2);
    expect(pagesToFetch(cache, 0, 800, 10)).toEqual([3, 4, 5, 6, 7]);
    expect(pagesToFetch(cache, 0, 800, 3)).toEqual([3, 4]);
    expect(pagesToFetch(markInFlight(cache, [3, 4]), 0, 800, 3)).toEqual([]);
  });
});

describe('page cache', () => {
  it('rejects a nonsensical page size', () => {
    expect(() => createPageCache(0)).toThrow(RangeError);
  });

  it('loads pages on demand and serves rows newest first', () => {
    const cache = load(createPageCache<number>(200), server(100_000), 50_000, 50_040);
    expect(rowCount(cache)).toBe(100_000);
    // only the page in view, never everything before it
    expect([...cache.pages.keys()]).toEqual([250]);
    expect(rowAt(cache, 50_000)).toBe(50_000);
    expect(rowAt(cache, 0)).toBeUndefined();
    const top = load(cache, server(100_000), 0, 30);
    expect(rowAt(top, 0)).toBe(100_000);
  });

  it('handles a short last page and an empty log', () => {
    const cache = load(createPageCache<number>(200), server(450), 300, 450);
    expect(rows(cache, 445, 450)).toEqual([5, 4, 3, 2, 1]);
    expect(rowAt(cache, 450)).toBeUndefined();
    const empty = load(createPageCache<number>(200), server(0), 0, 30);
    expect(rowCount(empty)).toBe(0);
    expect(empty.total).toBe(0);
  });

  it('ignores responses from an older generation', () => {
    let cache = createPageCache<number>(10);
    const stale = requestFor(cache, 0);
    cache = resetCache(markInFlight(cache, [0]), { keepRows: false });
    const after = applyPage(cache, { ...stale, total: 5, rows: [5, 4, 3, 2, 1] });
    expect(after).toBe(cache);
    expect(failPage(cache, stale.generation, 0)).toBe(cache);
  });

  it('keeps seqs contiguous when entries are appended behind its back', () => {
    const srv = server(1_000);
    let cache = load(createPageCache<number>(100), srv, 0, 50);
    srv.append(7);
    cache = load(cache, srv, 150, 250);
    expect(cache.drift).toBe(7);
    expect(rowCount(cache)).toBe(1_000);
    // the snapshot is unchanged: index i is still seq 1000 - i
    expect(rows(cache, 95, 105)).toEqual([905, 904, 903, 902, 901, 900, 899, 898, 897, 896]);
    expect(rows(cache, 195, 205)).toEqual([805, 804, 803, 802, 801, 800, 799, 798, 797, 796]);
  });

  it('drops a page fetched with an out-of-date drift and asks again at the right offset', () => {
    const srv = server(1_000);
    let cache = load(createPageCache<number>(100), srv, 0, 10);
    cache = markInFlight(cache, [3]);
    const request = requestFor(cache, 3);
    srv.append(2);
    const { total, rows: got } = srv.query(request.offset, request.limit);
    cache = applyPage(cache, { ...request, total, rows: got });
    expect(cache.pages.has(3)).toBe(false);
    expect(cache.inFlight.has(3)).toBe(false);
    expect(requestFor(cache, 3).offset).toBe(302);
    cache = load(cache, srv, 300, 310);
    expect(rowAt(cache, 300)).toBe(700);
  });

  it('starts over if the log ever shrinks', () => {
    let cache = load(createPageCache<number>(100), server(1_000), 0, 10);
    cache = markInFlight(cache, [1]);
    const request = requestFor(cache, 1);
    const next = applyPage(cache, { ...request, total: 900, rows: [] });
    expect(next.generation).toBe(cache.generation + 1);
    expect(next.pages.size).toBe(0);
    expect(next.total).toBeNull();
  });

  it('lets a failed page be retried only after a reset', () => {
    let cache = load(createPageCache<number>(100), server(1_000), 0, 10);
    cache = failPage(markInFlight(cache, [4]), cache.generation, 4);
    expect(pagesToFetch(cache, 400, 410)).toEqual([]);
    expect(pagesToFetch(resetCache(cache, { keepRows: true }), 400, 410)).toEqual([4]);
  });
});

describe('resetCache', () => {
  it('forgets everything on a filter change', () => {
    const cache = load(createPageCache<number>(100), server(1_000), 0, 10);
    const next = resetCache(cache, { keepRows: false });
    expect(next.generation).toBe(cache.generation + 1);
    expect(rowCount(next)).toBe(0);
    expect(rowAt(next, 0)).toBeUndefined();
    expect(next.drift).toBe(0);
  });

  it('keeps showing old rows during a refresh, then shifts them under the newer entries', () => {
    const srv = server(1_000);
    let cache = load(createPageCache<number>(100), srv, 500, 520);
    cache = resetCache(cache, { keepRows: true });
    // before anything reloads, the old rows stay where they were
    expect(rowCount(cache)).toBe(1_000);
    expect(rowAt(cache, 510)).toBe(490);
    expect(fallbackShift(cache)).toBe(0);

    srv.append(5);
    cache = load(cache, srv, 0, 10);
    expect(rowCount(cache)).toBe(1_005);
    expect(fallbackShift(cache)).toBe(5);
    // row 515 is not reloaded yet, but the old copy of the same entry moved down by 5
    expect(cache.pages.has(5)).toBe(false);
    expect(rowAt(cache, 515)).toBe(490);
    expect(rowAt(cache, 0)).toBe(1_005);
  });

  it('keeps the original fallback when refreshed twice before any reload', () => {
    const cache = load(createPageCache<number>(100), server(1_000), 0, 10);
    const twice = resetCache(resetCache(cache, { keepRows: true }), { keepRows: true });
    expect(twice.generation).toBe(cache.generation + 2);
    expect(rowAt(twice, 3)).toBe(997);
  });
});

describe('evictFarPages', () => {
  it('keeps the pages nearest the viewport', () => {
    let cache = createPageCache<number>(10);
    cache = load(cache, server(1_000), 0, 100);
    expect(cache.pages.size).toBe(10);
    const trimmed = evictFarPages(cache, 7, 4);
    expect([...trimmed.pages.keys()].sort((a, b) => a - b)).toEqual([5, 6, 7, 8]);
    expect(evictFarPages(cache, 0, 20)).toBe(cache);
  });
});

describe('visibleRange', () => {
  it('renders the rows on screen plus overscan, clamped to the list', () => {
    expect(visibleRange(0, 280, 28, 100_000, 5)).toEqual({ start: 0, end: 16, firstVisible: 0, endVisible: 11 });
    expect(visibleRange(28 * 50_000 + 14, 280, 28, 100_000, 5)).toEqual({
      start: 49_995,
      end: 50_016,
      firstVisible: 50_000,
      endVisible: 50_011,
    });
    expect(visibleRange(28 * 200_000, 280, 28, 100_000, 5).end).toBe(100_000);
  });

  it('renders nothing for an empty list', () => {
    expect(visibleRange(100, 280, 28, 0, 5)).toEqual({ start: 0, end: 0, firstVisible: 0, endVisible: 0 });
  });
});
