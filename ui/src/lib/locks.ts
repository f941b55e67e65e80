// Pure logic of the Locks view (issue #5 §5): labels of the ways a process holds a path, the
// held paths grouped by cache and module version, the cache-card badge, the holders of a clean's
// roots, and what to say about End process's outcomes and refusals.

import type { ApiError, CacheKind, EndOutcome, HeldPath, Holder, HoldKind, ItemResult, LocksReport } from './api';
import { cacheTitle, plural } from './format';

/** The store's states, mirrored to `body[data-locks-state]`. */
export type LocksState = 'idle' | 'loading' | 'done' | 'error';

const KINDS: Record<HoldKind, { label: string; hint: string }> = {
  'open-file': { label: 'Open file', hint: 'Has a file open. On Windows this blocks deleting it.' },
  cwd: { label: 'Working directory', hint: 'Runs with its current directory inside the cache.' },
  root: { label: 'Root directory', hint: 'Its root directory (chroot) is inside the cache.' },
  exe: { label: 'Runs from here', hint: 'Its program file lives inside the cache.' },
  mmap: { label: 'Mapped file', hint: 'Has a file of the cache mapped into memory (a library or program).' },
  flock: { label: 'Lock', hint: "Holds Go's lock on a module version: a go command is downloading or extracting it." },
  'deleted-open': {
    label: 'Deleted, still open',
    hint: 'Keeps a deleted file open: its disk space is freed only when the process closes it or exits.',
  },
};

/** A short label of a hold kind (unknown kinds are shown as they are). */
export function kindLabel(kind: string): string {
  return (KINDS as Record<string, { label: string }>)[kind]?.label ?? kind;
}

/** One sentence explaining a hold kind. */
export function kindHint(kind: string): string {
  return (KINDS as Record<string, { hint: string }>)[kind]?.hint ?? '';
}

const CATEGORIES: Record<string, string> = {
  'go-tool': 'Go tool',
  ide: 'Editor',
  antivirus: 'Antivirus',
  other: 'Program',
};

export function categoryLabel(category: string): string {
  return CATEGORIES[category] ?? category;
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
      c = { cache: p.cache, title: p.cache ? cacheTitle(p.cache) : 'Outside the caches', count: 0, modules: [] };
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
  const order: HoldKind[] = ['open-file', 'cwd', 'root', 'exe', 'mmap', 'flock', 'deleted-open'];
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
  return n === 1 ? '1 process holds files here' : `${n} processes hold files here`;
}

/** The note about processes the probe could not look into. */
export function inaccessibleText(n: number): string {
  return n === 1
    ? '1 process could not be inspected; run as administrator to see it.'
    : `${n} processes could not be inspected; run as administrator to see them.`;
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
  return `${h.name} (pid ${h.pid}${h.user ? `, ${h.user}` : ''})`;
}

/** What a holder holds, in a few words: "3 module versions", "2 files", "its working directory". */
export function holdsSummary(h: Pick<Holder, 'modules' | 'paths' | 'kinds'>): string {
  if (h.modules.length > 0) return plural(h.modules.length, 'module version');
  const files = new Set(h.paths.map((p) => p.path)).size;
  if (h.kinds.length === 1 && h.kinds[0] === 'cwd') return 'its working directory';
  return plural(files, 'path');
}

/** The sentence shown after End process succeeded. */
export function endOutcomeText(o: Pick<EndOutcome, 'how' | 'elapsed_ms'>, name: string): string {
  switch (o.how) {
    case 'exited':
      return `${name} exited when asked to stop.`;
    case 'killed':
      return `${name} did not stop when asked, so it was forced to quit.`;
    case 'already-gone':
      return `${name} had already exited.`;
    default:
      return `${name} ended.`;
  }
}

/** What End process's refusals and failures mean, in plain words, and what to do. */
export function endErrorText(e: ApiError, name: string): { title: string; action: string } {
  switch (e.code) {
    case 'RefusedSystem':
      return { title: `${name} is part of the operating system.`, action: 'Ending it would bring the system down; it was left running.' };
    case 'RefusedSelf':
      return { title: 'That is Go Cache Doctor itself.', action: 'Close the app instead.' };
    case 'RefusedOtherUser':
      return {
        title: `${name} belongs to another user.`,
        action: 'Run Go Cache Doctor as administrator to end it, or ask its owner to close it.',
      };
    case 'NotFound':
      return { title: `${name} is no longer running.`, action: 'Nothing to do: it already exited.' };
    case 'StillRunning':
      return {
        title: `${name} is still running.`,
        action: 'It ignored the request to stop and could not be forced to quit. Close it yourself, or restart the computer.',
      };
    case 'Unsupported':
      return { title: 'Ending processes is not supported on this system.', action: 'Close the program yourself.' };
    case 'Io':
      return { title: `${name} could not be ended.`, action: 'The system refused; try again, or close the program yourself.' };
    default:
      return { title: `${name} could not be ended.`, action: 'Close the program yourself, then refresh.' };
  }
}
