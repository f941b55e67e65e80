// The module table's data: modules grouped with their versions, sorted, filtered, flattened into
// the rows the virtualized table draws.

import type { ExportRow, ModuleTotal, ModuleVersion, VerifyStatus } from './api';
import { sortCompare } from './semver';

/** One module path with all its versions in the module cache. */
export interface ModuleGroup {
  path: string;
  versions: ModuleVersion[];
  bytes: number;
  disk_bytes: number;
  download_bytes: number;
  files: number;
  newest_mtime: number | null;
  /** True when it is `golang.org/toolchain` (or any version is a toolchain). */
  toolchain: boolean;
  /**
   * True when the go command downloaded it for itself but it is no toolchain (its telemetry
   * configuration): the core's `gos_own` (never "unused by projects").
   */
  gosOwn: boolean;
}

export type SortKey = 'size' | 'name' | 'versions' | 'download' | 'newest';
export type SortDir = 'asc' | 'desc';
export interface SortSpec {
  key: SortKey;
  dir: SortDir;
}

/** The direction a column sorts in when first clicked: names A→Z, numbers largest first. */
export function defaultDir(key: SortKey): SortDir {
  return key === 'name' ? 'asc' : 'desc';
}

/** Clicking a header: the same column flips direction, another column starts at its default. */
export function nextSort(current: SortSpec, key: SortKey): SortSpec {
  if (current.key === key) return { key, dir: current.dir === 'asc' ? 'desc' : 'asc' };
  return { key, dir: defaultDir(key) };
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });

/**
 * Orders Go versions by Go's semver rules (`lib/semver.ts`, as the core's `semver.rs`):
 * `v1.10.0` > `v1.9.2` > `v1.9.2-rc.1`, pseudo-versions are pre-releases, `+incompatible` is
 * ignored (ties broken by the strings, so the order is total).
 */
export function compareVersions(a: string, b: string): number {
  return sortCompare(a, b);
}

/** Groups version rows by module path, taking totals from `module_totals` when present. */
export function buildGroups(modules: ModuleVersion[], totals: ModuleTotal[]): ModuleGroup[] {
  const byPath = new Map<string, ModuleVersion[]>();
  for (const m of modules) {
    const list = byPath.get(m.path);
    if (list) list.push(m);
    else byPath.set(m.path, [m]);
  }
  const totalByPath = new Map(totals.map((t) => [t.path, t]));
  const groups: ModuleGroup[] = [];
  for (const [path, versions] of byPath) {
    versions.sort((a, b) => compareVersions(b.version, a.version));
    const t = totalByPath.get(path);
    let newest: number | null = null;
    let toolchain = path === 'golang.org/toolchain';
    for (const v of versions) {
      if (v.newest_mtime != null && (newest == null || v.newest_mtime > newest)) newest = v.newest_mtime;
      if (v.toolchain) toolchain = true;
    }
    const gosOwn = !toolchain && versions.some((v) => v.gos_own === true);
    groups.push({
      path,
      versions,
      bytes: t?.bytes ?? sum(versions, 'bytes'),
      disk_bytes: t?.disk_bytes ?? sum(versions, 'disk_bytes'),
      download_bytes: t?.download_bytes ?? sum(versions, 'download_bytes'),
      files: t?.files ?? sum(versions, 'files'),
      newest_mtime: newest,
      toolchain,
      gosOwn,
    });
  }
  // The order of the names, once: sorts use it instead of the collator (ties, the name column).
  const byName = groups.slice().sort((a, b) => collator.compare(a.path, b.path));
  byName.forEach((g, i) => nameRank.set(g, i));
  return groups;
}

/** Each group's place in the collated order of the paths (groups made by `buildGroups`). */
const nameRank = new WeakMap<ModuleGroup, number>();

function sum(list: ModuleVersion[], field: 'bytes' | 'disk_bytes' | 'download_bytes' | 'files'): number {
  let s = 0;
  for (const v of list) s += v[field];
  return s;
}

/** The figures a row shows and sorts by: a module's, or those of its versions that matched. */
export interface Figures {
  bytes: number;
  download_bytes: number;
  /** How many versions. */
  count: number;
  newest_mtime: number | null;
}

function groupFigures(g: ModuleGroup): Figures {
  return { bytes: g.bytes, download_bytes: g.download_bytes, count: g.versions.length, newest_mtime: g.newest_mtime };
}

function sortValue(f: Figures, key: SortKey): number {
  switch (key) {
    case 'size':
      return f.bytes;
    case 'download':
      return f.download_bytes;
    case 'versions':
      return f.count;
    case 'newest':
      return f.newest_mtime ?? 0;
    case 'name':
      return 0;
  }
}

/** Returns a new array sorted by `spec`; ties (and the name column) go by module path. */
export function sortGroups(groups: ModuleGroup[], spec: SortSpec): ModuleGroup[] {
  return sortBy(groups, spec, (g) => g, groupFigures);
}

/**
 * `sortGroups` for the filtered groups, by what they show: a module of which only some
 * versions matched (`@v1.0`) sorts by those versions' size, not the whole module's. Filtering
 * first and sorting what is left lets the selection and the treemap, which do not depend on
 * the order, skip a re-sort.
 */
export function sortFiltered(filtered: FilteredGroup[], spec: SortSpec): FilteredGroup[] {
  return sortBy(filtered, spec, (f) => f.group, (f) => f);
}

/** Sorts on numbers taken once per item (not per comparison); ties by the path's rank. */
function sortBy<T>(items: T[], spec: SortSpec, groupOf: (item: T) => ModuleGroup, figuresOf: (item: T) => Figures): T[] {
  const key = spec.key;
  const sign = spec.dir === 'asc' ? 1 : -1;
  const n = items.length;
  const keys = new Float64Array(n);
  const ranks = new Float64Array(n);
  let ranked = true;
  for (let i = 0; i < n; i++) {
    const g = groupOf(items[i]);
    keys[i] = sortValue(figuresOf(items[i]), key);
    const r = nameRank.get(g);
    if (r === undefined) ranked = false;
    else ranks[i] = r;
  }
  if (!ranked) {
    // Groups not made by buildGroups: rank them here.
    const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => collator.compare(groupOf(items[a]).path, groupOf(items[b]).path));
    order.forEach((at, r) => (ranks[at] = r));
  }
  const idx = Array.from({ length: n }, (_, i) => i);
  if (key === 'name') idx.sort((a, b) => sign * (ranks[a] - ranks[b]));
  else idx.sort((a, b) => sign * (keys[a] - keys[b]) || ranks[a] - ranks[b]);
  return idx.map((i) => items[i]);
}

/**
 * One module's versions for display: newest version first by Go's semver rules, whatever
 * column the modules are sorted by (a module's versions read as its history).
 */
export function sortVersions(versions: ModuleVersion[]): ModuleVersion[] {
  return versions.slice().sort((a, b) => compareVersions(b.version, a.version));
}

/** A module that passed the filter, with the versions that matched and their figures. */
export interface FilteredGroup extends Figures {
  group: ModuleGroup;
  versions: ModuleVersion[];
  /** Only some versions matched (the query named a version): show them expanded. */
  partial: boolean;
}

/** A filtered group of the versions that matched: all of them (the module's figures) or some. */
function filtered(group: ModuleGroup, versions: ModuleVersion[], partial: boolean): FilteredGroup {
  if (!partial) return { group, versions, partial, ...groupFigures(group) };
  let bytes = 0;
  let download = 0;
  let newest: number | null = null;
  for (const v of versions) {
    bytes += v.bytes;
    download += v.download_bytes;
    if (v.newest_mtime != null && (newest == null || v.newest_mtime > newest)) newest = v.newest_mtime;
  }
  return { group, versions, partial, bytes, download_bytes: download, count: versions.length, newest_mtime: newest };
}

/**
 * Case-insensitive filter: every whitespace-separated term must occur in the module path, or
 * in `path@version` of a version (then only the matching versions are kept). With `only`, just
 * the versions whose `path@version` key is in it count (the module view's "new since the last
 * scan").
 */
export function filterGroups(groups: ModuleGroup[], query: string, only: ReadonlySet<string> | null = null): FilteredGroup[] {
  const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0 && !only) return groups.map((group) => filtered(group, group.versions, false));
  const out: FilteredGroup[] = [];
  for (const group of groups) {
    const pool = only ? group.versions.filter((v) => only.has(`${group.path}@${v.version}`)) : group.versions;
    if (pool.length === 0) continue;
    const whole = pool.length === group.versions.length;
    const path = group.path.toLowerCase();
    if (terms.every((t) => path.includes(t))) {
      out.push(filtered(group, pool, !whole));
      continue;
    }
    const versions = pool.filter((v) => {
      const full = `${path}@${v.version.toLowerCase()}`;
      return terms.every((t) => full.includes(t));
    });
    if (versions.length > 0) out.push(filtered(group, versions, true));
  }
  return out;
}

export type Row =
  | {
      type: 'module';
      group: ModuleGroup;
      shown: number;
      expanded: boolean;
      versions: ModuleVersion[];
      /** What the row shows: the module's figures, or the matching versions' (a version filter). */
      figures: Figures;
    }
  | { type: 'version'; group: ModuleGroup; version: ModuleVersion; last: boolean };

/** The rows to draw: each module, followed by its versions when expanded. */
export function flattenRows(
  filtered: FilteredGroup[],
  expanded: ReadonlySet<string>,
  expandAll: boolean,
): Row[] {
  const rows: Row[] = [];
  for (const f of filtered) {
    const open = expandAll || f.partial || expanded.has(f.group.path);
    rows.push({ type: 'module', group: f.group, shown: f.versions.length, expanded: open, versions: f.versions, figures: f });
    if (!open) continue;
    const versions = sortVersions(f.versions);
    versions.forEach((version, i) =>
      rows.push({ type: 'version', group: f.group, version, last: i === versions.length - 1 }),
    );
  }
  return rows;
}

/** Distinct module paths and version rows, for the counts line. */
export function countFiltered(filtered: FilteredGroup[]): { modules: number; versions: number; bytes: number } {
  let versions = 0;
  let bytes = 0;
  for (const f of filtered) {
    versions += f.versions.length;
    bytes += f.bytes;
  }
  return { modules: filtered.length, versions, bytes };
}

/**
 * The rows an export writes: every version of the filtered modules, in the table's order
 * (modules as sorted, each one's versions newest first), with the last verification's verdict
 * when there is one (`statuses` by `path@version`).
 */
export function exportRows(filtered: FilteredGroup[], statuses: ReadonlyMap<string, VerifyStatus>): ExportRow[] {
  const out: ExportRow[] = [];
  for (const f of filtered) {
    for (const v of sortVersions(f.versions)) {
      out.push({
        module: f.group.path,
        version: v.version,
        files: v.files,
        bytes: v.bytes,
        disk_bytes: v.disk_bytes,
        download_bytes: v.download_bytes,
        newest_mtime: v.newest_mtime,
        toolchain: v.toolchain,
        verify: statuses.get(`${f.group.path}@${v.version}`) ?? null,
      });
    }
  }
  return out;
}
