// The clean flow's pure logic: the state machine (a reducer the store drives), what each card
// offers to clean, and the words for causes, fixes and errors (from the `clean` catalog, in the
// current language: call the text functions at render time). No Svelte, no IPC: unit-tested.

import type {
  ApiError,
  CacheKind,
  CauseKind,
  CleanRun,
  CleanUpdate,
  ErrorCode,
  ItemResult,
  ModuleRef,
  PermCause,
  Plan,
  ScanReport,
  Target,
  TargetName,
  UndoReport,
} from './api';
import { formatBytes } from './format';
import { t } from './i18n';

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

/** The scan's figures of what an option cleans (the core's definitions, issue #15 §4). */
export interface OptionFigures {
  bytes: number;
  files: number;
}

/**
 * What an option of a card's dialog would clean, from the last scan: the whole cache, the
 * toolchains card, the module cache's VCS part, the fuzz cache. Null when the scan says
 * nothing about it (no scan yet, or it depends on the chosen days or budget, or on Go's rules:
 * the preview shows those).
 */
export function optionFigures(value: TargetName, report: ScanReport | null): OptionFigures | null {
  if (!report) return null;
  const cache = (k: CacheKind): OptionFigures | null => {
    const c = report.caches.find((x) => x.kind === k);
    return c && !c.error ? { bytes: c.bytes, files: c.files } : null;
  };
  const parts = report.modcache_parts;
  switch (value) {
    case 'modcache':
    case 'toolchains':
    case 'build':
    case 'gopls':
    case 'gopls-index':
    case 'golangci-lint':
    case 'staticcheck':
      return cache(value);
    case 'vcs':
      return parts ? { bytes: parts.vcs_bytes, files: parts.vcs_files } : null;
    case 'fuzz':
      return report.build ? { bytes: report.build.fuzz_bytes, files: report.build.fuzz_files } : null;
    default:
      return null;
  }
}

/**
 * Why an option has nothing to clean (the scan found no file in it), in a sentence for its
 * tooltip; null when it may be chosen. Only options whose whole content the scan measures.
 */
export function optionUnavailable(value: TargetName, report: ScanReport | null): string | null {
  if (value !== 'toolchains' && value !== 'vcs' && value !== 'fuzz') return null;
  const f = optionFigures(value, report);
  if (!report || (value !== 'toolchains' && !f)) return null;
  if (value === 'toolchains' && (report.modules.some((m) => m.toolchain) || (f && f.files > 0))) return null;
  if (value !== 'toolchains' && f && f.files > 0) return null;
  return t(`clean.options.${value}.none`);
}

export interface TargetOption {
  /** The target name (`value` of the radio input). */
  value: TargetName;
  /** The option's name; for `build-older-than` / `build-budget` the words before the input. */
  label: string;
  /** The words after the days or size input (`build-older-than`, `build-budget`). */
  after?: string;
  hint: string;
}

/**
 * The targets a card offers, the first being the default. Empty when the kind is not cleanable.
 * The texts are in the current language: call it at render time.
 */
export function cardOptions(kind: CacheKind): TargetOption[] {
  switch (kind) {
    case 'modcache':
      return [
        { value: 'modcache', label: t('clean.options.modcache.label'), hint: t('clean.options.modcache.hint') },
        { value: 'toolchains', label: t('clean.options.toolchains.label'), hint: t('clean.options.toolchains.hint') },
        { value: 'vcs', label: t('clean.options.vcs.label'), hint: t('clean.options.vcs.hint') },
      ];
    case 'toolchains':
      return [{ value: 'toolchains', label: t('clean.options.toolchains.label'), hint: t('clean.options.toolchains.hintOwnCard') }];
    case 'build':
      return [
        { value: 'build', label: t('clean.options.build.label'), hint: t('clean.options.build.hint') },
        {
          value: 'build-older-than',
          label: t('clean.options.buildOlderThan.label'),
          after: t('clean.options.buildOlderThan.after'),
          hint: t('clean.options.buildOlderThan.hint'),
        },
        {
          value: 'build-budget',
          label: t('clean.options.buildBudget.label'),
          after: t('clean.options.buildBudget.after'),
          hint: t('clean.options.buildBudget.hint'),
        },
        { value: 'test', label: t('clean.options.test.label'), hint: t('clean.options.test.hint') },
        { value: 'fuzz', label: t('clean.options.fuzz.label'), hint: t('clean.options.fuzz.hint') },
      ];
    case 'gopls':
      return [{ value: 'gopls', label: t('clean.options.gopls.label'), hint: t('clean.options.gopls.hint') }];
    case 'gopls-index':
      return [{ value: 'gopls-index', label: t('clean.options.goplsIndex.label'), hint: t('clean.options.goplsIndex.hint') }];
    case 'golangci-lint':
      return [{ value: 'golangci-lint', label: t('clean.options.golangciLint.label'), hint: t('clean.options.golangciLint.hint') }];
    case 'staticcheck':
      return [{ value: 'staticcheck', label: t('clean.options.staticcheck.label'), hint: t('clean.options.staticcheck.hint') }];
    case 'telemetry':
    case 'gobin':
      return [];
  }
}

/** Bytes in a GiB (the size budget is typed in GiB). */
export const GIB = 1024 ** 3;

/**
 * The target for an option: with the days for `build-older-than`, the budget in GiB for
 * `build-budget` (rounded to whole bytes).
 */
export function optionTarget(value: TargetName, days: number, budgetGiB = 1): Target {
  if (value === 'build-older-than') return { target: 'build-older-than', days };
  if (value === 'build-budget') return { target: 'build-budget', max_bytes: Math.round(budgetGiB * GIB) };
  return { target: value } as Target;
}

/** The target cleaning a module-view selection. */
export function selectionTarget(versions: { path: string; version: string }[]): Target {
  return { target: 'module-versions', versions: versions.map((v) => ({ path: v.path, version: v.version })) };
}

/** A short label for a target, like the core's `Target::label`, in the current language. */
export function targetLabel(target: Target): string {
  switch (target.target) {
    case 'modcache':
      return t('clean.target.modcache');
    case 'toolchains':
      return t('clean.target.toolchains');
    case 'vcs':
      return t('clean.target.vcs');
    case 'build':
      return t('clean.target.build');
    case 'test':
      return t('clean.target.test');
    case 'fuzz':
      return t('clean.target.fuzz');
    case 'gopls':
    case 'golangci-lint':
    case 'staticcheck':
      return t('clean.target.tool', { tool: target.target });
    case 'gopls-index':
      return t('clean.target.goplsIndex');
    case 'module':
      return t('clean.target.module', { path: target.path });
    case 'module-version':
      return `${target.path}@${target.version}`;
    case 'module-versions':
      return target.versions.length === 1
        ? `${target.versions[0].path}@${target.versions[0].version}`
        : t('clean.target.moduleVersions', { count: target.versions.length });
    case 'build-older-than':
      return t('clean.target.buildOlderThan', { count: target.days });
    case 'build-budget':
      return t('clean.target.buildBudget', { size: formatBytes(target.max_bytes) });
    default:
      return (target as { target: string }).target;
  }
}

/** The pieces of a translated sentence before and after its `{{name}}` value (a command the template styles as code). */
export function splitAround(key: string, name: string, values: Record<string, unknown> = {}): [string, string] {
  const mark = '\u2063';
  const text = t(key, { ...values, [name]: mark });
  const i = text.indexOf(mark);
  return i < 0 ? [text, ''] : [text.slice(0, i), text.slice(i + mark.length)];
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

/** The catalog key of a cause (`clean.cause.<part>.<key>`). */
const CAUSE_KEYS: Record<CauseKind, string> = {
  permission: 'permission',
  locked: 'locked',
  'read-only-fs': 'readOnlyFs',
  'path-too-long': 'pathTooLong',
  vanished: 'vanished',
  'not-present': 'notPresent',
  covered: 'covered',
  'in-use': 'inUse',
  cancelled: 'cancelled',
  other: 'other',
};

/** The catalog key of a macOS permission cause beyond the owner (`clean.cause.explain.<key>`). */
const PERM_KEYS: Record<Exclude<PermCause, 'ownership'>, string> = {
  'user-immutable': 'userImmutable',
  'system-immutable': 'systemImmutable',
  'sip-restricted': 'sipRestricted',
  'privacy-denied': 'privacyDenied',
};

/** Plain words for a cause. */
export function causeTitle(cause: CauseKind | null): string {
  return t(`clean.cause.title.${CAUSE_KEYS[cause ?? 'other'] ?? 'other'}`);
}

/** One sentence explaining a failed or skipped item, using what the backend found out. */
export function causeExplanation(r: Pick<ItemResult, 'cause' | 'detail'>): string {
  const d = r.detail;
  switch (r.cause) {
    case 'permission': {
      // macOS: file flags, SIP or privacy protection explain it better than the owner.
      const pc = d?.perm_cause;
      if (pc && pc !== 'ownership' && Object.hasOwn(PERM_KEYS, pc)) return t(`clean.cause.explain.${PERM_KEYS[pc]}`);
      const o = d?.owner;
      if (o && !o.is_current_user) {
        if (o.name) return t('clean.cause.explain.ownedByName', { name: o.name });
        if (o.uid != null) return t('clean.cause.explain.ownedByUid', { uid: o.uid });
        return t('clean.cause.explain.ownedByOther');
      }
      if (o?.is_current_user) return t('clean.cause.explain.writeProtected');
      return t('clean.cause.explain.permission');
    }
    case 'locked':
      return d?.holder ? t('clean.cause.explain.lockedBy', { holder: d.holder }) : t('clean.cause.explain.locked');
    case 'read-only-fs':
    case 'path-too-long':
    case 'vanished':
    case 'not-present':
    case 'covered':
    case 'in-use':
    case 'cancelled':
      return t(`clean.cause.explain.${CAUSE_KEYS[r.cause]}`);
    default:
      // The backend's own words (an OS error message) say more than a generic sentence.
      return d?.message ? d.message : t('clean.cause.explain.other');
  }
}

/** The backend's advice sentences (core `clean/remove.rs`, `clean/modver.rs`), by catalog key. */
const BACKEND_FIXES: Record<string, string> = {
  'close the program using these files, then retry': 'closeProgram',
  'wait for the running go command to finish, then retry': 'waitForGo',
  'the file system is mounted read-only; remount it read-write (or clean from the machine that owns it)': 'readOnlyFs',
  'enable long paths (Windows: LongPathsEnabled) or move the cache to a shorter path': 'longPaths',
  // core `eperm.rs` (macOS permission causes beyond the owner; checked by its tests).
  "macOS System Integrity Protection guards these files; nobody can delete them, not even an administrator: keep Go's caches in a folder of yours":
    'sipRestricted',
  'give Go Cache Doctor Full Disk Access: System Settings > Privacy & Security > Full Disk Access, add the app, then reopen it and retry': 'fullDiskAccess',
  'clear the user immutable flag in Terminal with chflags -R nouchg,nouappnd on the cache folder, then retry': 'userFlags',
  'a system flag protects these files: an administrator must clear it (chflags noschg,nosappnd), on a Mac at a raised security level only in single-user mode':
    'systemFlags',
};

/**
 * What to do about a failure: the backend's exact command when it has one, otherwise a
 * sentence (the backend's advice, translated when it is one the app knows). Null when nothing
 * needs doing (vanished, covered, ...).
 */
export function causeFix(r: Pick<ItemResult, 'cause' | 'detail'>): { text: string; command: boolean } | null {
  if (r.detail?.fix) {
    const fix = r.detail.fix;
    // Commands start with a program name; the backend's advice sentences contain spaces and no shell syntax.
    const command = /^(sudo |chmod |chown |chflags |icacls |takeown |attrib |rm |mount )/.test(fix);
    if (command) return { text: fix, command };
    const known = Object.hasOwn(BACKEND_FIXES, fix) ? BACKEND_FIXES[fix] : undefined;
    return { text: known ? t(`clean.cause.backendFix.${known}`) : fix, command };
  }
  switch (r.cause) {
    case 'permission':
    case 'locked':
    case 'read-only-fs':
    case 'path-too-long':
    case 'cancelled':
      return { text: t(`clean.cause.fix.${CAUSE_KEYS[r.cause]}`), command: false };
    case 'other':
    case null:
      return { text: t('clean.cause.fix.other'), command: false };
    default:
      return null;
  }
}

/**
 * Whether "Clean as administrator" can help with the failures: some failed for permission and
 * the administrator can get past that (the owner, macOS' user flags), not for macOS' system
 * flags, System Integrity Protection or privacy protection, which stop an administrator too.
 */
export function adminMayHelp(results: ItemResult[]): boolean {
  const stops: (PermCause | null | undefined)[] = ['system-immutable', 'sip-restricted', 'privacy-denied'];
  return results.some((r) => r.outcome === 'failed' && r.cause === 'permission' && !stops.includes(r.detail?.perm_cause));
}

/** The summary line of a toast: `Removed 1.2 GiB (3 items) — gone for Go.` */
export function removedLine(results: ItemResult[]): string {
  const removed = results.filter((r) => r.outcome === 'removed');
  const bytes = removed.reduce((s, r) => s + r.bytes, 0);
  return t('clean.toast.removed', { size: formatBytes(bytes), count: removed.length });
}

/** Whole seconds left until `deadlineMs` (never negative). */
export function secondsLeft(deadlineMs: number | null, nowMs: number): number {
  if (deadlineMs == null) return 0;
  return Math.max(0, Math.ceil((deadlineMs - nowMs) / 1000));
}

/** Error codes with their own words in `clean.error`; the rest get `clean.error.other`. */
const ERROR_KEYS: Partial<Record<ErrorCode, string>> = {
  NotUndoable: 'NotUndoable',
  UnknownPlan: 'UnknownPlan',
  UnknownRun: 'UnknownRun',
  BadRoot: 'BadRoot',
  ElevationUnavailable: 'ElevationUnavailable',
  ElevationDenied: 'ElevationDenied',
  Cancelled: 'Cancelled',
  PermissionDenied: 'PermissionDenied',
  NotFound: 'NotFound',
  GoCommand: 'GoCommand',
  Io: 'Io',
  BadSettings: 'BadSettings',
  BadArgument: 'BadArgument',
};

/** Refusals that come out the same however often they are asked again: the cache's identity or
 * the target's protection does not change by retrying. */
const FINAL_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'BadRoot',
  'RefusedSystem',
  'RefusedSelf',
  'RefusedProtected',
  'RefusedOtherUser',
  'NotUndoable',
]);

/** Whether asking again can change the answer: no "Try again" for a refusal that cannot. */
export function retryHelps(e: ApiError): boolean {
  return e.code === 'Unknown' || !FINAL_CODES.has(e.code);
}

/**
 * A command error in plain words, with what to do, by error code (in the current language; the
 * backend's English `message` stays the caller's detail line).
 */
export function errorHelp(e: ApiError): { title: string; action: string } {
  const key = (e.code !== 'Unknown' && Object.hasOwn(ERROR_KEYS, e.code) && ERROR_KEYS[e.code]) || 'other';
  return { title: t(`clean.error.${key}.title`), action: t(`clean.error.${key}.action`) };
}
