import { describe, expect, test } from 'vitest';
import type { ModuleVersion } from './api';
import { buildGroups, filterGroups, flattenRows, sortGroups, type SortSpec } from './modules';
import { checkState, clickRow, filteredKeys, parseKey, pruneSelection, rangeKeys, selectionTotals, versionKey } from './selection';

const mv = (path: string, version: string, bytes: number): ModuleVersion => ({
  path, version, dir: `/m/${path}@${version}`, bytes, disk_bytes: bytes, files: 1, download_bytes: 10, newest_mtime: 1, toolchain: false,
});
const versions = [mv('a.org/x', 'v1.0.0', 300), mv('a.org/x', 'v1.1.0', 200), mv('b.org/y', 'v0.1.0', 100), mv('c.org/z', 'v2.0.0', 50)];
const spec: SortSpec = { key: 'size', dir: 'desc' };
const groups = sortGroups(buildGroups(versions, []), spec);

describe('module selection', () => {
  test('keys round-trip', () => {
    expect(parseKey(versionKey({ path: 'golang.org/toolchain', version: 'v0.0.1-go1.23.0.linux-amd64' }))).toEqual({
      path: 'golang.org/toolchain', version: 'v0.0.1-go1.23.0.linux-amd64',
    });
  });

  test('a module row selects all its shown versions; a version row only itself', () => {
    const rows = flattenRows(filterGroups(groups, ''), new Set(['a.org/x']), false);
    // a.org/x, its 2 versions, b.org/y, c.org/z
    expect(rows.map((r) => r.type)).toEqual(['module', 'version', 'version', 'module', 'module']);
    const sel = new Set<string>();
    clickRow(sel, rows, 1, false, null);
    // Versions go newest first whatever the table's sort: v1.1.0 before the larger v1.0.0.
    expect([...sel]).toEqual(['a.org/x@v1.1.0']);
    expect(checkState(sel, ['a.org/x@v1.1.0', 'a.org/x@v1.0.0'])).toBe('some');
    clickRow(sel, rows, 0, false, null);
    expect(checkState(sel, ['a.org/x@v1.1.0', 'a.org/x@v1.0.0'])).toBe('all');
    // Clicking a fully selected module clears it.
    clickRow(sel, rows, 0, false, null);
    expect(sel.size).toBe(0);
  });

  test('shift-click selects the range from the anchor, in either direction', () => {
    const rows = flattenRows(filterGroups(groups, ''), new Set(), false);
    const sel = new Set<string>();
    const anchor = clickRow(sel, rows, 2, false, null);
    clickRow(sel, rows, 0, true, anchor);
    expect([...sel].sort()).toEqual(['a.org/x@v1.0.0', 'a.org/x@v1.1.0', 'b.org/y@v0.1.0', 'c.org/z@v2.0.0']);
    expect(rangeKeys(rows, 1, 1)).toEqual(['b.org/y@v0.1.0']);
    // Shift-click on a selected row deselects the range.
    clickRow(sel, rows, 1, true, 2);
    expect([...sel].sort()).toEqual(['a.org/x@v1.0.0', 'a.org/x@v1.1.0']);
  });

  test('the header acts on the filtered versions only; totals and pruning', () => {
    const filtered = filterGroups(groups, '@v1.1');
    expect(filteredKeys(filtered)).toEqual(['a.org/x@v1.1.0']);
    const sel = new Set(filteredKeys(filterGroups(groups, '')));
    expect(selectionTotals(sel, versions)).toEqual({ count: 4, bytes: 650 + 40 });
    pruneSelection(sel, versions.slice(1));
    expect(sel.has('a.org/x@v1.0.0')).toBe(false);
    expect(sel.size).toBe(3);
  });
});
