import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { AuditEntryView } from '../../../preload/api.js';
import { subscribe, type ApiFailure } from '../api/hallmark.js';
import { AUDIT_COLUMNS } from '../audit/audit-columns.js';
import { AuditFilters } from '../audit/audit-filters.js';
import { ChainStatusPanel } from '../audit/chain-status-panel.js';
import { fallbackShift, rowAt, rowCount } from '../audit/page-cache.js';
import { useAuditFacets } from '../audit/use-audit-facets.js';
import { useAuditPages, type AuditFilter } from '../audit/use-audit-pages.js';
import { firstBadSeq, useChainStatus } from '../audit/use-chain-status.js';
import { useErrorScope } from '../components/error-reporter.js';
import { VirtualTable, type VirtualTableHandle } from '../components/virtual-table.js';

const ROW_HEIGHT = 28;
/** Long enough to coalesce a burst of appends (a batch of issuances) into one reload. */
const APPEND_DEBOUNCE_MS = 300;

export function AuditScreen() {
  // One action for the whole screen: its failures stay until dismissed (or the screen's next error replaces them).
  const report = useErrorScope('audit', 'Audit log').report;
  const onError = useCallback((failure: ApiFailure) => report('screen', failure), [report]);
  const [filter, setFilter] = useState<AuditFilter>({ action: '', actor: '' });
  const { facets, reload: reloadFacets } = useAuditFacets(onError);
  const { check, verify } = useChainStatus(onError);
  const { cache, showRange, refresh } = useAuditPages(filter, onError);
  const table = useRef<VirtualTableHandle>(null);

  const refreshAll = useCallback(() => {
    refresh();
    reloadFacets();
    verify();
  }, [refresh, reloadFacets, verify]);

  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = subscribe('audit.appended', () => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        refresh();
        reloadFacets();
      }, APPEND_DEBOUNCE_MS);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }, [refresh, reloadFacets]);

  // After a refresh, newer entries land on top. Someone reading further down should keep
  // seeing the same rows, so the viewport moves down with them; at the very top, the
  // newest entries simply appear.
  const anchored = useRef(-1);
  useEffect(() => {
    if (cache.total === null || cache.fallback === null || anchored.current === cache.generation) return;
    anchored.current = cache.generation;
    const shift = fallbackShift(cache);
    if (shift > 0 && (table.current?.scrollTop() ?? 0) > 0) table.current?.shiftRows(shift);
  }, [cache]);

  const count = rowCount(cache);
  const filtered = filter.action !== '' || filter.actor !== '';
  const badSeq = firstBadSeq(check);
  const getRow = useCallback((index: number) => rowAt(cache, index), [cache]);
  const resetKey = `${filter.action}\u0000${filter.actor}`;
  const rowClassName = useMemo(() => (badSeq === null ? undefined : (e: AuditEntryView) => (e.seq >= badSeq ? 'is-suspect' : undefined)), [badSeq]);

  return (
    <section className="screen audit" data-testid="audit-screen" aria-labelledby="audit-title">
      <header className="screen__header">
        <div className="screen__title-row">
          <h1 id="audit-title" className="screen__title">
            Audit log
          </h1>
          <span className="count" data-testid="audit-total" aria-live="polite">
            {describeTotal(cache.total === null && cache.fallback === null ? (cache.failed.size > 0 ? 'failed' : 'loading') : count, filtered)}
          </span>
        </div>
        <ChainStatusPanel check={check} logSize={filtered || cache.total === null ? null : cache.total + cache.drift} onVerify={verify} />
        <div className="toolbar">
          <AuditFilters facets={facets} filter={filter} onChange={setFilter} />
          <span className="toolbar__spacer" />
          <span className="toolbar__hint">Newest first</span>
          <button type="button" className="button" data-testid="audit-refresh" onClick={refreshAll}>
            {cache.drift > 0 ? `Refresh (${cache.drift} new)` : 'Refresh'}
          </button>
        </div>
      </header>
      <VirtualTable<AuditEntryView>
        ref={table}
        label="Audit entries, newest first"
        columns={AUDIT_COLUMNS}
        rowCount={count}
        rowHeight={ROW_HEIGHT}
        overscan={10}
        getRow={getRow}
        rowKey={(e) => String(e.seq)}
        {...(rowClassName ? { rowClassName } : {})}
        rowAttributes={(e) => (badSeq !== null && e.seq >= badSeq ? { 'data-seq': String(e.seq), 'data-suspect': 'true' } : { 'data-seq': String(e.seq) })}
        rowTestId="audit-row"
        loadingRowTestId="audit-row-loading"
        scrollerTestId="audit-scroller"
        resetKey={resetKey}
        onRangeChange={showRange}
        empty={cache.total === 0 ? (filtered ? 'No entries match these filters.' : 'The audit log is empty.') : undefined}
      />
    </section>
  );
}

function describeTotal(count: number | 'loading' | 'failed', filtered: boolean): string {
  if (count === 'loading') return 'Loading…';
  if (count === 'failed') return 'Entries could not be loaded';
  return `${count} ${filtered ? 'matching ' : ''}${count === 1 ? 'entry' : 'entries'}`;
}
