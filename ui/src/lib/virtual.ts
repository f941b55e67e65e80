// Window math for a virtualized list of fixed-height rows.

export interface VisibleWindow {
  /** First row index to render (inclusive). */
  start: number;
  /** One past the last row index to render. */
  end: number;
  /** Offset in pixels of row `start` from the top of the list. */
  offsetY: number;
  /** Height in pixels of the whole list (what the scrollbar sees). */
  totalHeight: number;
}

/**
 * Which rows of a `count`-row list with `rowHeight`-pixel rows are visible in a viewport of
 * `viewportHeight` scrolled to `scrollTop`, plus `overscan` rows on each side.
 */
export function visibleWindow(
  scrollTop: number,
  viewportHeight: number,
  rowHeight: number,
  count: number,
  overscan = 6,
): VisibleWindow {
  const totalHeight = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offsetY: 0, totalHeight: 0 };
  const maxScroll = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxScroll);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offsetY: start * rowHeight, totalHeight };
}
