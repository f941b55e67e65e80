// The clean flow's pure logic: the state machine (a reducer the store drives), what each card
// offers to clean, and the words for causes, fixes and errors. No Svelte, no IPC: unit-tested.

import type {
  ApiError,
  CacheKind,
  CauseKind,
  CleanRun,
  CleanUpdate,
  ItemResult,
  ModuleRef,
  Plan,
  Target,
  TargetName,
  UndoReport,
} from './api';
import { formatBytes, plural } from './format';

export type CleanState = 'idle' | 'planning' | 'confirm' | 'running' | 'holding' | 'purging' | 'done' | 'undone' | 'error';

/** What opened the flow: a cache card (its kind) or the module view's selection. */
export type CleanSource = { type: 'card'; kind: CacheKind } | { type: 'selection'; count: number };

/** Where the flow failed: the dialog (planning, confirming) or after running (toast). */
export type ErrorStage = 'plan' | 'execute' | 'undo' | 'elevated';

export interface Flow {
  state: CleanState;
  source: CleanSource | null;
  targets: Target[];
  /** Bumped by every plan request; answers of older requests are dropped. */
  seq: number;
  planId: string | null;
  plan: Plan | null;
  /** Running as administrator (`clean_elevated`): in place, no undo. */
  elevated: boolean;
  /** Items finished / total, and the item being removed, during `running`. */
  progress: { done: number; total: number; current: string | null };
  run: CleanRun | null;
  /** The latest per-item results (from the run, then the purge's final ones). */
  results: ItemResult[];
  purge: { started: boolean; done: number; total: number; bytes: number; finished: boolean };
  bytesFreed: number | null;
  undo: UndoReport | null;
  error: (ApiError & { stage: ErrorStage }) | null;
}

export type Action =
  | { type: 'plan'; targets: Target[]; source: CleanSource | null; elevated?: boolean }
  | { type: 'planned'; seq: number; id: string; plan: Plan }
  | { type: 'execute' }
  | { type: 'event'; ev: CleanUpdate }
  | { type: 'executed'; run: CleanRun }
  | { type: 'undone'; report: UndoReport }
  | { type: 'failed'; seq?: number; error: ApiError; stage: ErrorStage }
  | { type: 'dismiss' };

export function initialFlow(): Flow {
  return {
    state: 'idle',
    source: null,
    targets: [],
    seq: 0,
    planId: null,
    plan: null,
    elevated: false,
    progress: { done: 0, total: 0, current: null },
    run: null,
    results: [],
    purge: { started: false, done: 0, total: 0, bytes: 0, finished: false },
    bytesFreed: null,
    undo: null,
    error: null,
  };
}

/** States in which the backend may still be working on a run (the flow cannot start anew). */
export function isBusy(s: CleanState): boolean {
  return s === 'running' || s === 'holding' || s === 'purging';
}

/** The dialog is up in these states. */
export function dialogOpen(f: Flow): boolean {
  return f.state === 'planning' || f.state === 'confirm' || f.state === 'running' || (f.state === 'error' && f.error?.stage === 'plan');
}

function sumRemoved(results: ItemResult[]): number {
  return results.reduce((s, r) => s + (r.outcome === 'removed' ? r.bytes : 0), 0);
}

/** The flow after `a` (pure). Actions that do not fit the current state leave it unchanged. */
export function reduce(f: Flow, a: Action): Flow {
  switch (a.type) {
    case 'plan':
      if (isBusy(f.state)) return f;
      return {
        ...initialFlow(),
        state: 'planning',
        source: a.source ?? f.source,
        targets: a.targets,
        seq: f.seq + 1,
        elevated: !!a.elevated,
      };
    case 'planned':
      if (f.state !== 'planning' || a.seq !== f.seq) return f;
      // Elevated: the user confirmed the first clean and confirms again in the OS prompt.
      if (f.elevated) {
        return { ...f, state: 'running', planId: a.id, plan: a.plan, progress: { done: 0, total: a.plan.items.length, current: null } };
      }
      return { ...f, state: 'confirm', planId: a.id, plan: a.plan };
    case 'execute':
      if (f.state !== 'confirm' || !f.plan) return f;
      return {
        ...f,
        state: 'running',
        progress: { done: 0, total: f.plan.items.length, current: null },
      };
    case 'event':
      return applyUpdate(f, a.ev);
    case 'executed': {
      if (f.state !== 'running') return f;
      const run = a.run;
      const purgeFinished = f.purge.finished;
      const results = purgeFinished ? f.results : run.results;
      let state: CleanState;
      if (purgeFinished || run.state === 'done') state = 'done';
      else if (f.purge.started || run.state === 'purging') state = 'purging';
      else state = 'holding';
      const bytesFreed = state === 'done' ? (f.bytesFreed ?? sumRemoved(results)) : null;
      return { ...f, state, run, results, bytesFreed, progress: { ...f.progress, current: null } };
    }
    case 'undone':
      if (f.state !== 'holding' && f.state !== 'purging' && f.state !== 'undone') return f;
      return { ...f, state: 'undone', undo: a.report };
    case 'failed':
      if (a.seq !== undefined && a.seq !== f.seq) return f;
      if (a.stage === 'undo') {
        // The run goes on (e.g. NotUndoable: it was purged meanwhile); say so in the toast.
        return { ...f, error: { ...a.error, stage: a.stage } };
      }
      return { ...f, state: 'error', error: { ...a.error, stage: a.stage } };
    case 'dismiss':
      if (f.state === 'running' || f.state === 'holding' || f.state === 'purging') return f;
      return { ...initialFlow(), seq: f.seq };
  }
}

function applyUpdate(f: Flow, ev: CleanUpdate): Flow {
  switch (ev.event) {
    case 'itemStarted':
      if (f.state !== 'running') return f;
      return { ...f, progress: { ...f.progress, current: ev.data.label } };
    case 'itemFinished':
      if (f.state !== 'running') return f;
      return { ...f, progress: { ...f.progress, done: Math.max(f.progress.done, ev.data.index + 1) } };
    case 'purgeStarted': {
      if (f.run && ev.data.run_id !== f.run.run_id) return f;
      const purge = { ...f.purge, started: true, total: ev.data.total };
      return { ...f, purge, state: f.state === 'holding' ? 'purging' : f.state };
    }
    case 'purged':
      if (f.state !== 'running' && f.state !== 'holding' && f.state !== 'purging') return f;
      return {
        ...f,
        state: f.state === 'holding' ? 'purging' : f.state,
        purge: { ...f.purge, started: true, done: ev.data.done, total: ev.data.total, bytes: ev.data.bytes },
      };
    case 'purgeFinished': {
      if (f.run && ev.data.run_id !== f.run.run_id) return f;
      if (f.state === 'undone' || f.state === 'idle') return f;
      const purge = { ...f.purge, started: true, finished: true, done: f.purge.total || f.purge.done };
      const next = { ...f, purge, results: ev.data.results, bytesFreed: ev.data.bytes_freed };
      // During `running` the run's answer has not arrived yet: `executed` finishes the move.
      if (f.state === 'running') return next;
      return { ...next, state: 'done' };
    }
    case 'undone':
      if (f.run && ev.data.run_id !== f.run.run_id) return f;
      return reduce(f, { type: 'undone', report: ev.data });
  }
}

// --- what each card offers -------------------------------------------------------------------

export interface TargetOption {
  /** The target name (`value` of the radio input). */
  value: TargetName;
  label: string;
  hint: string;
}

/** The targets a card offers, the first being the default. Empty when the kind is not cleanable. */
export function cardOptions(kind: CacheKind): TargetOption[] {
  switch (kind) {
    case 'modcache':
      return [
        { value: 'modcache', label: 'Whole module cache', hint: 'Like go clean -modcache. Go downloads modules again when it needs them.' },
        { value: 'toolchains', label: 'Downloaded toolchains', hint: 'Every golang.org/toolchain version; Go fetches one again when a go.mod asks for it.' },
        { value: 'vcs', label: 'VCS checkouts', hint: 'cache/vcs: repositories cloned for direct (GOPROXY=direct) downloads.' },
      ];
    case 'toolchains':
      return [{ value: 'toolchains', label: 'Downloaded toolchains', hint: 'Every golang.org/toolchain version in the module cache.' }];
    case 'build':
      return [
        { value: 'build', label: 'Whole build cache', hint: 'Like go clean -cache: keeps README, trim.txt, testexpire.txt and fuzz/.' },
        { value: 'build-older-than', label: 'Entries older than', hint: "Entries not used for this many days (Go's own trim removes those over 5 days)." },
        { value: 'test', label: 'Test results only', hint: 'Like go clean -testcache: cached test results stop counting; nothing is deleted now.' },
        { value: 'fuzz', label: 'Fuzz cache', hint: 'Like go clean -fuzzcache: the inputs go test -fuzz found interesting.' },
      ];
    case 'gopls':
      return [{ value: 'gopls', label: 'Whole gopls cache', hint: 'gopls rebuilds it on its next start.' }];
    case 'golangci-lint':
      return [{ value: 'golangci-lint', label: 'Whole golangci-lint cache', hint: 'golangci-lint rebuilds it on its next run.' }];
    case 'staticcheck':
      return [{ value: 'staticcheck', label: 'Whole staticcheck cache', hint: 'staticcheck rebuilds it on its next run.' }];
    case 'gobin':
      return [];
  }
}

/** The target for an option (with the days for `build-older-than`). */
export function optionTarget(value: TargetName, days: number): Target {
  if (value === 'build-older-than') return { target: 'build-older-than', days };
  return { target: value } as Target;
}

/** The target cleaning a module-view selection. */
export function selectionTarget(versions: { path: string; version: string }[]): Target {
  return { target: 'module-versions', versions: versions.map((v) => ({ path: v.path, version: v.version })) };
}

/** A short label for a target, like the core's `Target::label`. */
export function targetLabel(t: Target): string {
  switch (t.target) {
    case 'modcache':
      return 'module cache';
    case 'toolchains':
      return 'toolchains';
    case 'vcs':
      return 'module cache VCS checkouts';
    case 'build':
      return 'build cache';
    case 'test':
      return 'test cache';
    case 'fuzz':
      return 'fuzz cache';
    case 'gopls':
    case 'golangci-lint':
    case 'staticcheck':
      return `${t.target} cache`;
    case 'module':
      return `${t.path} (all versions)`;
    case 'module-version':
      return `${t.path}@${t.version}`;
    case 'module-versions':
      return t.versions.length === 1 ? `${t.versions[0].path}@${t.versions[0].version}` : plural(t.versions.length, 'module version');
    case 'build-older-than':
      return `build cache entries older than ${t.days} ${t.days === 1 ? 'day' : 'days'}`;
    case 'build-budget':
      return `build cache trimmed to ${formatBytes(t.max_bytes)}`;
    default:
      return (t as { target: string }).target;
  }
}

/**
 * The targets to re-plan for the failed items of a run: module versions by name (exactly the
 * failed ones), every other failure by the original targets that are not module lists.
 */
export function failedTargets(plan: Plan | null, original: Target[], results: ItemResult[]): Target[] {
  const failed = results.filter((r) => r.outcome === 'failed');
  if (failed.length === 0) return original;
  const byPath = new Map((plan?.items ?? []).map((i) => [i.path, i]));
  const versions: ModuleRef[] = [];
  let other = false;
  for (const r of failed) {
    const item = byPath.get(r.path);
    if (item?.action.kind === 'module-version') {
      versions.push({ path: item.action.module, version: item.action.version });
    } else {
      other = true;
    }
  }
  const out: Target[] = [];
  if (other) {
    out.push(...original.filter((t) => t.target !== 'module-versions' && t.target !== 'module-version' && t.target !== 'module'));
    // Only module targets in the original: a failure outside a version item (e.g. the
    // list file) is retried by re-planning them all.
    if (out.length === 0) out.push(...original);
  }
  if (versions.length > 0 && !out.some((t) => t.target === 'module-versions')) out.push({ target: 'module-versions', versions });
  return out;
}

// --- results ---------------------------------------------------------------------------------

export interface Counts {
  removed: number;
  skipped: number;
  failed: number;
}

export function countOutcomes(results: ItemResult[]): Counts {
  const c = { removed: 0, skipped: 0, failed: 0 };
  for (const r of results) c[r.outcome]++;
  return c;
}

/** Plain words for a cause. */
export function causeTitle(cause: CauseKind | null): string {
  switch (cause) {
    case 'permission':
      return 'Permission denied';
    case 'locked':
      return 'In use by another program';
    case 'read-only-fs':
      return 'Read-only file system';
    case 'path-too-long':
      return 'Path too long';
    case 'vanished':
      return 'Already gone';
    case 'not-present':
      return 'Not in the cache';
    case 'covered':
      return 'Covered by another item';
    case 'in-use':
      return 'In use';
    case 'cancelled':
      return 'Cancelled';
    case 'other':
    case null:
      return 'Could not be removed';
  }
}

/** One sentence explaining a failed or skipped item, using what the backend found out. */
export function causeExplanation(r: Pick<ItemResult, 'cause' | 'detail'>): string {
  const d = r.detail;
  switch (r.cause) {
    case 'permission': {
      const o = d?.owner;
      if (o && !o.is_current_user) {
        const who = o.name ?? (o.uid != null ? `user id ${o.uid}` : 'another user');
        return `Some files belong to ${who}, not to you, so you may not delete them.`;
      }
      if (o?.is_current_user) return 'The files are yours but some folders are write-protected (Go makes module folders read-only).';
      return 'You may not delete some of these files.';
    }
    case 'locked':
      return d?.holder
        ? `${d.holder} has files open here. Close it, then retry.`
        : 'Another program (often a running go command, gopls or an editor) has files open here. Close it, then retry.';
    case 'read-only-fs':
      return 'The cache is on a read-only file system; nothing there can be deleted until it is mounted read-write.';
    case 'path-too-long':
      return 'A path inside is longer than the system allows.';
    case 'vanished':
      return 'Something else deleted it first; nothing is left to do.';
    case 'not-present':
      return 'It was not in the cache.';
    case 'covered':
      return 'Another item of the same clean already removes it.';
    case 'in-use':
      return 'Left alone because it is in use (for example the Go toolchain running right now).';
    case 'cancelled':
      return 'The clean was cancelled before this item; it is untouched.';
    default:
      return d?.message ? d.message : 'The system refused to delete it.';
  }
}

/**
 * What to do about a failure: the backend's exact command when it has one, otherwise a
 * sentence. Null when nothing needs doing (vanished, covered, ...).
 */
export function causeFix(r: Pick<ItemResult, 'cause' | 'detail'>): { text: string; command: boolean } | null {
  if (r.detail?.fix) {
    // Commands start with a program name; the backend's advice sentences contain spaces and no shell syntax.
    const command = /^(sudo |chmod |chown |icacls |takeown |attrib |rm |mount )/.test(r.detail.fix);
    return { text: r.detail.fix, command };
  }
  switch (r.cause) {
    case 'permission':
      return { text: 'Clean as administrator, or ask the owner of the files to delete them.', command: false };
    case 'locked':
      return { text: 'Close the program that uses the cache, then retry.', command: false };
    case 'read-only-fs':
      return { text: 'Remount the file system read-write, then retry.', command: false };
    case 'path-too-long':
      return { text: 'Enable long paths (Windows: LongPathsEnabled), or delete the folder from a shorter path, then retry.', command: false };
    case 'cancelled':
      return { text: 'Retry to clean what is left.', command: false };
    case 'other':
    case null:
      return { text: 'Retry; if it fails again, run `gocache-doctor clean --dry-run` in a terminal for details.', command: false };
    default:
      return null;
  }
}

/** The summary line of a toast: `Removed 1.2 GiB (3 items) — gone for Go.` */
export function removedLine(results: ItemResult[]): string {
  const removed = results.filter((r) => r.outcome === 'removed');
  const bytes = removed.reduce((s, r) => s + r.bytes, 0);
  return `Removed ${formatBytes(bytes)} (${plural(removed.length, 'item')}) — gone for Go.`;
}

/** Whole seconds left until `deadlineMs` (never negative). */
export function secondsLeft(deadlineMs: number | null, nowMs: number): number {
  if (deadlineMs == null) return 0;
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}

/** A command error in plain words, with what to do, by error code. */
export function errorHelp(e: ApiError): { title: string; action: string } {
  switch (e.code) {
    case 'NotUndoable':
      return { title: 'It is too late to undo.', action: 'The files were already purged. Go downloads or rebuilds what it needs.' };
    case 'UnknownPlan':
      return { title: 'This preview has expired.', action: 'Open the clean dialog again to make a fresh preview.' };
    case 'UnknownRun':
      return { title: 'This clean is no longer tracked.', action: 'Scan again to see the current sizes.' };
    case 'BadRoot':
      return {
        title: 'The app refused to clean this folder.',
        action: 'It does not look like a Go cache (it may be your home folder, GOROOT or a project). Check the cache variables and scan again.',
      };
    case 'ElevationUnavailable':
      return {
        title: 'Cleaning as administrator is not available here.',
        action: 'Run the fix command shown for the failed items in a terminal, then retry.',
      };
    case 'ElevationDenied':
      return { title: 'Administrator rights were not granted.', action: 'Try again and enter the administrator password, or run the fix command in a terminal.' };
    case 'Busy':
      return { title: 'Another clean or scan is still running.', action: 'Wait for it to finish, then try again.' };
    case 'Cancelled':
      return { title: 'Cancelled.', action: 'Nothing else was changed.' };
    case 'PermissionDenied':
      return { title: 'Permission denied.', action: 'Check that you own the cache folder, or clean as administrator.' };
    case 'NotFound':
      return { title: 'The folder is gone.', action: 'Scan again to look for the caches afresh.' };
    case 'BadRoots':
    case 'BadProjectRoot':
      return { title: 'A project folder could not be read.', action: 'Check the project folders in the list, remove the ones that no longer exist, and try again.' };
    case 'GoCommand':
      return { title: 'A go command failed.', action: 'Check that Go works in a terminal (go version), then try again.' };
    default:
      return { title: 'Something went wrong.', action: 'Try again. If it keeps failing, run `gocache-doctor clean --dry-run` in a terminal to see the details.' };
  }
}
