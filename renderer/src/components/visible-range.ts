export interface VisibleRange {
  /** first row index to render (inclusive) */
  readonly start: number;
  /** one past the last row index to render */
  readonly end: number;
  /** first row actually on screen, for keyboard paging and fetch priority */
  readonly firstVisible: number;
  /** one past the last row actually on screen */
  readonly endVisible: number;
}

/** Rows to render for a fixed-row-height list: what is on screen plus `overscan` each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan: number): VisibleRange {
  if (rowCount <= 0 || rowHeight <= 0) return { start: 0, end: 0, firstVisible: 0, endVisible: 0 };
  const firstVisible = clamp(Math.floor(Math.max(0, scrollTop) / rowHeight), 0, rowCount - 1);
  const onScreen = Math.max(1, Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1);
  const endVisible = clamp(firstVisible + onScreen, 0, rowCount);
  return {
    start: clamp(firstVisible - overscan, 0, rowCount),
    end: clamp(endVisible + overscan, 0, rowCount),
    firstVisible,
    endVisible,
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, n));
}
