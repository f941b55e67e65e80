// Pure logic of the Locks view (issue #5 §5): labels of the ways a process holds a path, the
// held paths grouped by cache and module version, the cache-card badge, the holders of a clean's
// roots, and what to say about End process's outcomes and refusals.

import type { ApiError, CacheKind, EndOutcome, ErrorCode, HeldPath, Holder, HoldKind, ItemResult, LocksReport } from './api';
import { cacheTitle } from './format';
import { locale, t } from './i18n';

/** The store's states, mirrored to `body[data-locks-state]`. */
export type LocksState = 'idle' | 'loading' | 'done' | 'error';

const KINDS: HoldKind[] = ['open-file', 'cwd', 'root', 'exe', 'mmap', 'flock', 'deleted-open'];
const isKind = (kind: string): kind is HoldKind => (KINDS as string[]).includes(kind);

/** A short label of a hold kind (unknown kinds are shown as they are). */
export function kindLabel(kind: string): string {
  return isKind(kind) ? t(`locks.kind.${kind}.label`) : kind;
}

/** One sentence explaining a hold kind. */
export function kindHint(kind: string): string {
  return isKind(kind) ? t(`locks.kind.${kind}.hint`) : '';
}

/** Several hold kinds' labels as a list ("Open file, Lock"). */
export function kindLabels(kinds: string[]): string {
  return kinds.map(kindLabel).join(t('locks.listSeparator'));
}

const CATEGORIES = ['go-tool', 'ide', 'antivirus', 'other'];

export function categoryLabel(category: string): string {
  return CATEGORIES.includes(category) ? t(`locks.category.${category}`) : category;
}

/** The core names shells "a shell"; other app names are product names, the same in every language. */
export function appName(name: string): string {
  return name === 'a shell' ? t('locks.app.shell') : name;
}

/** One path and every way the process holds it (a `flock` comes with its `open-file`). */
export interface PathHolds {
  path: string;
  kinds: HoldKind[];
}

/** The paths of one module version (or, with `module` null, the paths outside any version). */
export interface ModuleGroup {
  module: string | null;
  paths: PathHolds[];
}

/** The paths of one cache, by module version. */
export interface CacheGroup {
  cache: CacheKind | null;
  title: string;
  count: number;
  modules: ModuleGroup[];
}

/**
 * A holder's paths grouped by cache, then module version, in the core's order (cache, module,
 * path); paths outside any version come last in their cache. A path held in several ways is
 * listed once with its kinds; `count` counts distinct paths.
 */
export function groupPaths(paths: HeldPath[]): CacheGroup[] {
  const caches: CacheGroup[] = [];
  const byCache = new Map<string, CacheGroup>();
  for (const p of paths) {
    const ck = p.cache ?? '';
    let c = byCache.get(ck);
    if (!c) {
      c = { cache: p.cache, title: p.cache ? cacheTitle(p.cache) : t('locks.outsideCaches'), count: 0, modules: [] };
      byCache.set(ck, c);
      caches.push(c);
    }
    let m = c.modules.find((g) => g.module === p.module);
    if (!m) {
      m = { module: p.module, paths: [] };
      c.modules.push(m);
    }
    const same = m.paths.find((x) => x.path === p.path);
    if (same) {
      if (!same.kinds.includes(p.kind)) same.kinds.push(p.kind);
    } else {
      m.paths.push({ path: p.path, kinds: [p.kind] });
      c.count++;
    }
  }
  const order = KINDS;
  for (const c of caches) for (const m of c.modules) for (const x of m.paths) x.kinds.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  for (const c of caches) c.modules.sort((a, b) => (a.module === null ? 1 : 0) - (b.module === null ? 1 : 0));
  return caches;
}

/** The part of `path` below the cache root `root` (the whole path when it is not under it). */
export function relativeTo(path: string, root: string | null | undefined): string {
  if (!root) return path;
  const r = root.replace(/[\\/]+$/, '');
  if (path === r) return '.';
  if (path.startsWith(r) && (path[r.length] === '/' || path[r.length] === '\\')) return path.slice(r.length + 1);
  return path;
}

/** Whether `path` is `root` or lies under it (component-wise, either separator). */
export function isUnder(path: string, root: string): boolean {
  const r = root.replace(/[\\/]+$/, '');
  return path === r || (path.startsWith(r) && (path[r.length] === '/' || path[r.length] === '\\'));
}

/** How many processes hold something in the cache `kind` at `path` (0 when not looked at). */
export function holdersOf(report: LocksReport | null, kind: CacheKind, path: string): number {
  if (!report) return 0;
  const row = report.caches.find((c) => c.kind === kind && c.path === path) ?? report.caches.find((c) => c.kind === kind);
  return row?.holders ?? 0;
}

/** The cache card's badge: "3 processes hold files here". */
export function badgeText(n: number): string {
  return t('locks.badge.text', { count: n });
}

/** The note about processes the probe could not look into. */
export function inaccessibleText(n: number): string {
  return t('locks.inaccessible', { count: n });
}

/** The holders that hold something under one of `roots` (a clean's cache roots or items). */
export function holdersUnder(report: LocksReport | null, roots: string[]): Holder[] {
  if (!report || roots.length === 0) return [];
  return report.holders.filter((h) => h.paths.some((p) => roots.some((r) => isUnder(p.path, r))));
}

/** A clean's results call for naming the holders: something failed as locked / denied / in use. */
export function resultsNeedHolders(results: ItemResult[]): boolean {
  return results.some(
    (r) => r.outcome === 'failed' && (r.cause === 'locked' || r.cause === 'permission' || r.cause === 'in-use' || !!r.detail?.holder),
  );
}

/** "gopls (pid 4242, alice)". */
export function holderTitle(h: Pick<Holder, 'name' | 'pid' | 'user'>): string {
  return h.user ? t('locks.holder.title', { name: h.name, pid: h.pid, user: h.user }) : t('locks.holder.titleNoUser', { name: h.name, pid: h.pid });
}

/** "(pid 4242, alice)": the holder's ids, after its name. */
export function holderIds(h: Pick<Holder, 'pid' | 'user'>): string {
  return h.user ? t('locks.holder.ids', { pid: h.pid, user: h.user }) : t('locks.holder.idsNoUser', { pid: h.pid });
}

/** What a holder holds, in a few words: "3 module versions", "2 files", "its working directory". */
export function holdsSummary(h: Pick<Holder, 'modules' | 'paths' | 'kinds'>): string {
  if (h.modules.length > 0) return t('locks.holds.modules', { count: h.modules.length });
  const files = new Set(h.paths.map((p) => p.path)).size;
  if (h.kinds.length === 1 && h.kinds[0] === 'cwd') return t('locks.holds.cwd');
  return t('locks.holds.paths', { count: files });
}

/** The sentence shown after End process succeeded. */
export function endOutcomeText(o: Pick<EndOutcome, 'how' | 'elapsed_ms'>, name: string): string {
  switch (o.how) {
    case 'exited':
      return t('locks.end.exited', { name });
    case 'killed':
      return t('locks.end.killed', { name });
    case 'already-gone':
      return t('locks.end.alreadyGone', { name });
    default:
      return t('locks.end.ended', { name });
  }
}

const END_CODES: ErrorCode[] = [
  'RefusedSystem',
  'RefusedSelf',
  'RefusedOtherUser',
  'RefusedProtected',
  'NotAHolder',
  'ProcessChanged',
  'Unidentified',
  'ScanFailed',
  'NotFound',
  'StillRunning',
  'Unsupported',
  'Io',
];

/** What End process's refusals and failures mean, in plain words, and what to do (by error code). */
export function endErrorText(e: ApiError, name: string): { title: string; action: string } {
  const code = (END_CODES as string[]).includes(e.code) ? e.code : 'other';
  return { title: t(`locks.endError.${code}.title`, { name }), action: t(`locks.endError.${code}.action`, { name }) };
}

const LINTERS = ['golangci-lint', 'staticcheck', 'govulncheck', 'revive'];
const FILE_MANAGERS = ['Windows Explorer', 'Finder', 'Files (Nautilus)', 'Dolphin'];
const INDEXERS = ['Windows Search indexer', 'Spotlight', 'GNOME Tracker', 'KDE Baloo indexer'];

/**
 * The advice on a holder in the current language. English shows the core's own text
 * (`holder.advice`); other languages rebuild it from the classification, with the same rules
 * as the core's `locks::advice` (crates/core/src/locks/classify.rs).
 */
export function holderAdvice(h: Pick<Holder, 'advice' | 'tool' | 'category' | 'app_name' | 'kinds' | 'caches'>): string {
  if (!h.advice || locale() === 'en') return h.advice;
  const has = (k: HoldKind) => h.kinds.includes(k);
  let key: string;
  if (h.tool === 'go') key = has('flock') ? 'goLock' : has('exe') ? 'goToolchain' : 'go';
  else if (h.tool === 'gopls') key = 'gopls';
  else if (h.tool === 'dlv') key = 'dlv';
  else if (h.tool && LINTERS.includes(h.tool)) key = 'linter';
  else if (h.tool === 'go-run') key = 'goRun';
  else if (h.tool) key = 'goPart';
  else if (h.category === 'ide') key = h.app_name ? 'ide' : 'ideUnnamed';
  else if (h.category === 'antivirus') key = h.app_name ? 'antivirus' : 'antivirusUnnamed';
  else if (h.app_name === 'a shell' && has('cwd')) key = 'shell';
  else if (h.app_name && FILE_MANAGERS.includes(h.app_name)) key = 'fileManager';
  else if (h.app_name && INDEXERS.includes(h.app_name)) key = 'indexer';
  else if (has('cwd')) key = 'cwd';
  else key = 'other';
  let text = t(`locks.advice.${key}`, { app: h.app_name ?? '' });
  if (has('deleted-open')) text = t('locks.advice.withDeletedOpen', { advice: text });
  if (h.caches.includes('toolchains') && has('exe') && !h.tool) text = t('locks.advice.withToolchain', { advice: text });
  return text;
}
