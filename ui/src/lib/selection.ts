// Selection of module versions in the module view: keys, ranges (shift-click), the header
// checkbox over the filtered rows, and the totals of the "Clean N selected" button.

import type { ModuleVersion } from './api';
import type { FilteredGroup, Row } from './modules';

/** The key of a module version in a selection: `path@version`. */
export function versionKey(v: { path: string; version: string }): string {
  return `${v.path}@${v.version}`;
}

/** Splits a key back (module paths never contain `@`; versions never do either). */
export function parseKey(key: string): { path: string; version: string } {
  const at = key.lastIndexOf('@');
  return { path: key.slice(0, at), version: key.slice(at + 1) };
}

/** The version keys a row stands for: a module row all its shown versions, a version row itself. */
export function rowKeys(row: Row): string[] {
  return row.type === 'module' ? row.versions.map(versionKey) : [versionKey(row.version)];
}

export type CheckState = 'all' | 'some' | 'none';

/** Whether all, some or none of `keys` are selected. */
export function checkState(selected: ReadonlySet<string>, keys: string[]): CheckState {
  let n = 0;
  for (const k of keys) if (selected.has(k)) n++;
  if (n === 0) return 'none';
  return n === keys.length ? 'all' : 'some';
}

/** The version keys of every row from `a` to `b` (inclusive, either order). */
export function rangeKeys(rows: Row[], a: number, b: number): string[] {
  const lo = Math.max(0, Math.min(a, b));
  const hi = Math.min(rows.length - 1, Math.max(a, b));
  const out = new Set<string>();
  for (let i = lo; i <= hi; i++) for (const k of rowKeys(rows[i])) out.add(k);
  return [...out];
}

/** The version keys of every filtered row (what the header checkbox acts on). */
export function filteredKeys(filtered: FilteredGroup[]): string[] {
  const out: string[] = [];
  for (const f of filtered) for (const v of f.versions) out.push(versionKey(v));
  return out;
}

/** Adds (`on`) or removes `keys`. Mutates and returns `selected` (a SvelteSet in the view). */
export function setKeys<S extends Set<string>>(selected: S, keys: Iterable<string>, on: boolean): S {
  for (const k of keys) {
    if (on) selected.add(k);
    else selected.delete(k);
  }
  return selected;
}

/**
 * A click on row `index`'s checkbox: toggles that row, or with shift the whole range from the
 * previous click (`anchor`) to it, all set to the clicked row's new state. Returns the new anchor.
 */
export function clickRow(selected: Set<string>, rows: Row[], index: number, shift: boolean, anchor: number | null): number {
  const on = checkState(selected, rowKeys(rows[index])) !== 'all';
  const keys = shift && anchor != null && anchor < rows.length ? rangeKeys(rows, anchor, index) : rowKeys(rows[index]);
  setKeys(selected, keys, on);
  return index;
}

/** Count and bytes (extracted + downloads) of the selected versions known to the scan. */
export function selectionTotals(selected: ReadonlySet<string>, modules: ModuleVersion[]): { count: number; bytes: number } {
  let bytes = 0;
  if (selected.size > 0) for (const m of modules) if (selected.has(versionKey(m))) bytes += m.bytes + m.download_bytes;
  return { count: selected.size, bytes };
}

/** Keys no longer in the scan (cleaned meanwhile) leave the selection. */
export function pruneSelection(selected: Set<string>, modules: ModuleVersion[]): void {
  if (selected.size === 0) return;
  const present = new Set(modules.map(versionKey));
  for (const k of [...selected]) if (!present.has(k)) selected.delete(k);
}
