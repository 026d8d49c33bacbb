import { useCallback, useEffect, useId, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode, type Ref } from 'react';
import { visibleRange } from './visible-range.js';

export interface Column<Row> {
  readonly key: string;
  readonly header: string;
  /** a CSS grid track, e.g. "72px" or "minmax(160px, 1fr)" */
  readonly width: string;
  readonly className?: string;
  readonly render: (row: Row) => ReactNode;
  readonly title?: (row: Row) => string;
}

export interface VirtualTableHandle {
  /** moves the viewport by whole rows, e.g. to keep rows still when newer ones arrive on top */
  shiftRows(rows: number): void;
  scrollTop(): number;
}

interface Props<Row> {
  label: string;
  columns: readonly Column<Row>[];
  rowCount: number;
  rowHeight: number;
  overscan?: number;
  getRow: (index: number) => Row | undefined;
  rowKey: (row: Row, index: number) => string;
  rowClassName?: (row: Row) => string | undefined;
  rowAttributes?: (row: Row) => Record<`data-${string}`, string>;
  rowTestId?: string;
  loadingRowTestId?: string;
  scrollerTestId?: string;
  /** scroll back to the top whenever this changes (a new filter is a new list) */
  resetKey?: string;
  /** every render range change, including overscan; the caller fetches what is missing */
  onRangeChange?: (start: number, end: number) => void;
  empty?: ReactNode;
  ref?: Ref<VirtualTableHandle>;
}

/**
 * A fixed-row-height virtual grid: a spacer as tall as every row together, and only the
 * rows in view (plus overscan) rendered, each translated to its place. Layout cost is
 * independent of the row count, so 100,000 rows scroll like 100.
 */
export function VirtualTable<Row>({
  label,
  columns,
  rowCount,
  rowHeight,
  overscan = 8,
  getRow,
  rowKey,
  rowClassName,
  rowAttributes,
  rowTestId,
  loadingRowTestId,
  scrollerTestId,
  resetKey,
  onRangeChange,
  empty,
  ref,
}: Props<Row>) {
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(0);
  const [active, setActive] = useState(0);
  const idPrefix = `vt${useId()}`;

  // The sticky header sits inside the scroller (so columns line up with the scrollbar
  // present), so it eats one row of the viewport.
  const bodyHeight = Math.max(0, viewport - rowHeight);
  const range = visibleRange(scrollTop, bodyHeight, rowHeight, rowCount, overscan);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = 0;
    setScrollTop(0);
    setActive(0);
  }, [resetKey]);

  useEffect(() => {
    onRangeChange?.(range.start, range.end);
  }, [onRangeChange, range.start, range.end]);

  useImperativeHandle(
    ref,
    () => ({
      shiftRows(rows: number) {
        const el = scroller.current;
        if (!el || rows === 0) return;
        el.scrollTop += rows * rowHeight;
        setScrollTop(el.scrollTop);
        setActive((a) => Math.min(Math.max(0, a + rows), Math.max(0, rowCount - 1)));
      },
      scrollTop: () => scroller.current?.scrollTop ?? 0,
    }),
    [rowHeight, rowCount],
  );

  const onScroll = useCallback(() => {
    const el = scroller.current;
    if (el) setScrollTop(el.scrollTop);
  }, []);

  const moveActive = useCallback(
    (next: number) => {
      const el = scroller.current;
      if (!el || rowCount === 0) return;
      const index = Math.min(Math.max(0, next), rowCount - 1);
      setActive(index);
      const top = index * rowHeight;
      if (top < el.scrollTop) el.scrollTop = top;
      else if (top + rowHeight > el.scrollTop + bodyHeight) el.scrollTop = top + rowHeight - bodyHeight;
    },
    [rowCount, rowHeight, bodyHeight],
  );

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    const page = Math.max(1, Math.floor(bodyHeight / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + page,
      PageUp: active - page,
      Home: 0,
      End: rowCount - 1,
    };
    const target = moves[event.key];
    if (target === undefined) return;
    event.preventDefault();
    moveActive(target);
  };

  // A clicked row becomes the keyboard's row too, so the highlight and what a click opened agree.
  const onClick = (event: { target: EventTarget }) => {
    const index = Number((event.target as Element).closest('.vt-body > [aria-rowindex]')?.getAttribute('aria-rowindex')) - 2;
    if (Number.isInteger(index) && index >= 0) setActive(index);
  };

  const template = columns.map((c) => c.width).join(' ');
  const activeIndex = Math.min(active, Math.max(0, rowCount - 1));
  const rows: ReactNode[] = [];
  for (let index = range.start; index < range.end; index++) {
    const row = getRow(index);
    const isActive = index === activeIndex;
    const common = {
      id: `${idPrefix}-row-${index}`,
      role: 'row',
      'aria-rowindex': index + 2,
      'aria-selected': isActive,
      style: { transform: `translateY(${index * rowHeight}px)`, height: rowHeight, gridTemplateColumns: template },
    } as const;
    if (row === undefined) {
      rows.push(
        <div key={`loading-${index}`} {...common} className="vt-row vt-row--loading" data-testid={loadingRowTestId}>
          {columns.map((c) => (
            <div key={c.key} role="gridcell" className="vt-cell">
              <span className="vt-skeleton" />
            </div>
          ))}
        </div>,
      );
      continue;
    }
    const extra = rowClassName?.(row);
    rows.push(
      <div
        key={rowKey(row, index)}
        {...common}
        {...rowAttributes?.(row)}
        className={['vt-row', isActive ? 'vt-row--active' : '', extra ?? ''].filter(Boolean).join(' ')}
        data-testid={rowTestId}
      >
        {columns.map((c) => (
          <div key={c.key} role="gridcell" className={`vt-cell ${c.className ?? ''}`} title={c.title?.(row)}>
            {c.render(row)}
          </div>
        ))}
      </div>,
    );
  }

  return (
    <div
      ref={scroller}
      className="vt"
      role="grid"
      aria-label={label}
      aria-rowcount={rowCount + 1}
      aria-colcount={columns.length}
      aria-activedescendant={activeIndex >= range.start && activeIndex < range.end ? `${idPrefix}-row-${activeIndex}` : undefined}
      tabIndex={0}
      onScroll={onScroll}
      onKeyDown={onKeyDown}
      onClick={onClick}
      data-testid={scrollerTestId}
    >
      <div className="vt-head" role="rowgroup">
        <div className="vt-row vt-row--head" role="row" aria-rowindex={1} style={{ height: rowHeight, gridTemplateColumns: template }}>
          {columns.map((c) => (
            <div key={c.key} role="columnheader" className={`vt-cell ${c.className ?? ''}`}>
              {c.header}
            </div>
          ))}
        </div>
      </div>
      <div className="vt-body" role="rowgroup" style={{ height: rowCount * rowHeight }}>
        {rows}
      </div>
      {rowCount === 0 && empty !== undefined ? <div className="vt-empty">{empty}</div> : null}
    </div>
  );
}
