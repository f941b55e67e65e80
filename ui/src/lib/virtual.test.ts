import { describe, expect, test } from 'vitest';
import { visibleWindow } from './virtual';

describe('visibleWindow', () => {
  test('top of a long list renders the viewport plus overscan below', () => {
    const w = visibleWindow(0, 340, 34, 20_000, 5);
    expect(w).toEqual({ start: 0, end: 16, offsetY: 0, totalHeight: 680_000 });
  });
  test('middle of the list: overscan on both sides, offset of the first rendered row', () => {
    const w = visibleWindow(34 * 1000 + 10, 340, 34, 20_000, 5);
    expect(w.start).toBe(995);
    expect(w.end).toBe(1000 + 11 + 5);
    expect(w.offsetY).toBe(995 * 34);
  });
  test('scrolled past the end (list shrank): clamps to the last page', () => {
    const w = visibleWindow(1_000_000, 340, 34, 100, 0);
    expect(w.end).toBe(100);
    expect(w.start).toBe(90);
    expect(w.offsetY).toBe(90 * 34);
  });
  test('short and empty lists', () => {
    expect(visibleWindow(0, 800, 34, 3)).toEqual({ start: 0, end: 3, offsetY: 0, totalHeight: 102 });
    expect(visibleWindow(50, 800, 34, 0)).toEqual({ start: 0, end: 0, offsetY: 0, totalHeight: 0 });
  });
  test('rendered rows never exceed viewport/rowHeight + 1 + 2*overscan', () => {
    for (let top = 0; top < 34 * 200; top += 13) {
      const w = visibleWindow(top, 500, 34, 20_000, 6);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(500 / 34) + 1 + 12);
      // The visible rows are all inside the rendered range.
      expect(w.start * 34).toBeLessThanOrEqual(top);
      expect(w.end * 34).toBeGreaterThanOrEqual(top + 500);
    }
  });
});
