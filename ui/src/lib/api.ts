// The one module that talks to the Tauri backend. Types mirror docs/contract.md and the serde
// structs of `gocache-core` (snake_case fields, Unix-second mtimes, u64 sizes as numbers).

import { Channel, invoke } from '@tauri-apps/api/core';
import type { Checks, Diagnosis, TargetOs } from './doctor';
import type { GuideContext } from './guides';
import type { Locale } from './i18n';

/** Where a resolved variable's value came from (`login-shell`: imported from `$SHELL -l -i`). */
export type Source = 'env' | 'goenv-file' | 'goroot-go.env' | 'default' | 'login-shell';

/** Cache kinds known to the core (`CacheKind::as_str`). */
export type CacheKind =
  | 'modcache'
  | 'toolchains'
  | 'build'
  | 'gopls'
  | 'golangci-lint'
  | 'staticcheck'
  | 'gobin';

export type Severity = 'error' | 'warning' | 'info';

export interface Var {
  value: string;
  source: Source;
}

export interface GoInfo {
  path: string;
  version: string | null;
  goroot: string | null;
}

export interface Cache {
  kind: CacheKind;
  path: string;
  var: string;
  source: Source;
  exists: boolean;
  cleanable: boolean;
  parent: CacheKind | null;
}

export interface Problem {
  id: string;
  severity: Severity;
  message: string;
  var?: string;
}

/** A variable the app's start-up environment and the login shell disagree on (redacted). */
export interface ShellEnvDisagreement {
  name: string;
  process_value: string | null;
  shell_value: string | null;
}

/** `gocache_core::shellenv::Report`: what the login-shell import did. */
export interface ShellEnvReport {
  attempted: boolean;
  reason: string;
  shell: string | null;
  args: string[];
  elapsed_ms: number;
  imported: string[];
  disagreements: ShellEnvDisagreement[];
  error: { code: string; message: string } | null;
  bad_mode: string | null;
}

/** `gocache_core::discover::Report` (`env_report`). */
export interface EnvReport {
  os: 'linux' | 'macos' | 'windows';
  go: GoInfo | null;
  vars: Record<string, Var>;
  caches: Cache[];
  problems: Problem[];
  shell_env: ShellEnvReport | null;
}

export interface CacheScan {
  kind: CacheKind;
  path: string;
  bytes: number;
  disk_bytes: number;
  files: number;
  dirs: number;
  symlinks: number;
  unreadable: number;
  unreadable_paths: string[];
  newest_mtime: number | null;
  error: string | null;
}

/** One extracted `module@version` directory of the module cache. */
export interface ModuleVersion {
  path: string;
  version: string;
  dir: string;
  bytes: number;
  disk_bytes: number;
  files: number;
  download_bytes: number;
  newest_mtime: number | null;
  toolchain: boolean;
}

/** Totals over every version of one module path. */
export interface ModuleTotal {
  path: string;
  versions: number;
  bytes: number;
  disk_bytes: number;
  download_bytes: number;
  files: number;
}

export interface ModcacheParts {
  extracted_bytes: number;
  download_bytes: number;
  vcs_bytes: number;
  sumdb_bytes: number;
  other_bytes: number;
}

export interface AgeBucket {
  label: string;
  max_age_days: number | null;
  entries: number;
  bytes: number;
}

export interface BuildScan {
  path: string;
  entries: number;
  action_entries: number;
  output_entries: number;
  bytes: number;
  age_histogram: AgeBucket[];
  trimmable_entries: number;
  trimmable_bytes: number;
  fuzz_bytes: number;
  fuzz_files: number;
  /** Entries of cached `go test` results; reported by newer cores only. */
  test_entries?: number;
  /** Their bytes (the action entries and the outputs they point to); newer cores only. */
  test_bytes?: number;
  last_trim: number | null;
  testexpire: number | null;
}

/** `gocache_core::scan::Report` (`scan_start`). */
export interface ScanReport {
  caches: CacheScan[];
  modules: ModuleVersion[];
  module_totals: ModuleTotal[];
  modcache_parts: ModcacheParts | null;
  build: BuildScan | null;
  elapsed_ms: number;
  cancelled: boolean;
}

/** `gocache_core::progress::ProgressEvent`, tagged `{event, data}`. */
export type ProgressEvent =
  | { event: 'scanStarted'; data: { kind: CacheKind; path: string } }
  | {
      event: 'scanProgress';
      data: {
        kind: CacheKind;
        entries: number;
        bytes: number;
        total_entries: number;
        total_bytes: number;
        current: string;
      };
    }
  | { event: 'scanFinished'; data: { kind: CacheKind; bytes: number; files: number } };

/** A command error as the backend serializes it. */
export interface ApiError {
  code: string;
  message: string;
}

/** Turns whatever a rejected `invoke` carried into an {@link ApiError}. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message: unknown };
    return {
      code: typeof o.code === 'string' ? o.code : 'Unknown',
      message: String(o.message),
    };
  }
  if (typeof e === 'string') return { code: 'Unknown', message: e };
  return { code: 'Unknown', message: 'Unknown error' };
}

/** Discovers Go's caches and the problems on the way. */
export function envReport(): Promise<EnvReport> {
  return invoke<EnvReport>('env_report');
}

/**
 * Re-discovers and scans every existing cache. Resolves when the scan ends (a cancelled scan
 * resolves too, with `cancelled: true`); `onEvent` gets the progress events meanwhile.
 */
export function scanStart(onEvent: (e: ProgressEvent) => void): Promise<ScanReport> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onEvent;
  return invoke<ScanReport>('scan_start', { onEvent: channel });
}

/** Asks the running scan to stop; `scanStart` then resolves with partial totals. */
export function scanCancel(): Promise<void> {
  return invoke<void>('scan_cancel');
}

/**
 * Start-up benchmark hook: reports the UI's milestones (Unix ms) once the first cache card is
 * painted. The backend ignores it unless `GOCACHE_DOCTOR_STARTUP_PROBE` is set (then it writes
 * the figures and exits).
 */
export function startupProbe(marks: Record<string, number>): Promise<void> {
  return invoke<void>('startup_probe', { marks });
}

// --- Clean (docs/contract.md "Clean in the app") ----------------------------------------------

/** A module version by path and version (both unescaped), `gocache_core::clean::ModuleRef`. */
export interface ModuleRef {
  path: string;
  version: string;
  keep_mod_files?: boolean;
}

/** What the user asks to clean (`gocache_core::clean::Target`, tagged by `target`). */
export type Target =
  | { target: 'modcache' }
  | { target: 'toolchains' }
  | { target: 'vcs' }
  | { target: 'build' }
  | { target: 'test' }
  | { target: 'fuzz' }
  | { target: 'gopls' }
  | { target: 'golangci-lint' }
  | { target: 'staticcheck' }
  | { target: 'module'; path: string }
  | { target: 'module-version'; path: string; version: string }
  | { target: 'module-versions'; versions: ModuleRef[] }
  | { target: 'build-older-than'; days: number }
  | { target: 'build-budget'; max_bytes: number };

export type TargetName = Target['target'];

/** One path of a multi-entry plan item. */
export interface PlanEntry {
  path: string;
  bytes: number;
  disk_bytes: number;
  files: number;
}

/** How an item is removed (`gocache_core::clean::Action`, tagged by `kind`). */
export type PlanAction =
  | { kind: 'root' }
  | { kind: 'tree' }
  | { kind: 'entries'; entries: PlanEntry[] }
  | { kind: 'module-version'; module: string; version: string; escpath: string; escver: string; keep_mod_files?: boolean }
  | { kind: 'test-expire' };

export interface PlanItem {
  cache: CacheKind;
  root: string;
  path: string;
  label: string;
  action: PlanAction;
  bytes: number;
  disk_bytes: number;
  files: number;
}

/** The classified cause of a skip or failure. */
export type CauseKind =
  | 'permission'
  | 'locked'
  | 'read-only-fs'
  | 'path-too-long'
  | 'vanished'
  | 'not-present'
  | 'covered'
  | 'in-use'
  | 'cancelled'
  | 'other';

export interface SkippedTarget {
  target: string;
  path: string | null;
  cause: CauseKind;
  reason: string;
}

/** Exactly what a clean will do (`gocache_core::clean::Plan`). */
export interface Plan {
  created: number;
  targets: Target[];
  items: PlanItem[];
  skipped: SkippedTarget[];
  warnings: string[];
  total_bytes: number;
  total_disk_bytes: number;
  total_files: number;
}

export type Outcome = 'removed' | 'skipped' | 'failed';

export interface Owner {
  uid: number | null;
  name: string | null;
  is_current_user: boolean;
}

/**
 * macOS: what stands in the way of a permission failure beyond the owner
 * (`gocache_core::eperm::PermCause`): file flags, System Integrity Protection, privacy protection.
 */
export type PermCause = 'user-immutable' | 'system-immutable' | 'sip-restricted' | 'privacy-denied' | 'ownership';

export interface CauseDetail {
  path: string;
  message: string;
  owner: Owner | null;
  /** Null on other OSes (and absent in literals written before it existed). */
  perm_cause?: PermCause | null;
  fix: string | null;
  holder: string | null;
  more: number;
}

/** The result of one plan item. */
export interface ItemResult {
  path: string;
  label: string;
  outcome: Outcome;
  cause: CauseKind | null;
  detail: CauseDetail | null;
  bytes: number;
  in_place: boolean;
  note: string | null;
}

/** `clean_plan`'s answer: the backend keeps the plan, the UI holds its id. */
export interface PlannedClean {
  id: string;
  plan: Plan;
}

export type RunState = 'holding' | 'purging' | 'done';

/** `clean_execute` / `clean_elevated`'s answer. */
export interface CleanRun {
  run_id: string;
  plan_id: string;
  results: ItemResult[];
  quarantined_bytes: number;
  /** Unix ms when the undo window ends; null when nothing is held. */
  undo_deadline_ms: number | null;
  state: RunState;
}

export interface UndoReport {
  run_id: string;
  restored: number;
  superseded: number;
  already_purged: number;
  failures: { path: string; error: string }[];
}

/** Progress of a clean, tagged `{event, data}` like the scan's. */
export type CleanUpdate =
  | { event: 'itemStarted'; data: { index: number; label: string } }
  | { event: 'itemFinished'; data: { index: number; outcome: Outcome } }
  | { event: 'purgeStarted'; data: { run_id: string; total: number } }
  | { event: 'purged'; data: { done: number; total: number; bytes: number } }
  | { event: 'purgeFinished'; data: { run_id: string; results: ItemResult[]; bytes_freed: number } }
  | { event: 'undone'; data: UndoReport };

/** One line of the audit log. */
export interface AuditEntry {
  time: number;
  targets: Target[];
  bytes_freed: number;
  outcomes: ItemResult[];
}

export interface CleanHistory {
  entries: AuditEntry[];
  bad_lines: number;
}

export type SelectCriteria =
  | { kind: 'unused'; roots: string[] }
  | { kind: 'older-than'; days: number }
  | { kind: 'keep-latest'; n: number };

export interface Selection {
  versions: { path: string; version: string }[];
  projects: number;
  warnings: string[];
}

/** The app's remembered settings (unknown fields are kept by the backend). */
export interface Settings {
  project_roots: string[];
  older_than_days: number;
  keep_latest: number;
  /** The UI language the user chose (`en`, `zh-CN`), or null to follow the OS. */
  language?: string | null;
  /** The colour theme: follow the OS (`system`, the default) or always light or dark. */
  theme?: Theme;
  /** Whether a clean waits for a confirmation after its preview (default true). */
  confirm_before_clean?: boolean;
  /** Whether the first-run welcome screen was seen (default false). */
  welcome_seen?: boolean;
  /** Set (never stored) when a corrupt settings file was moved aside and the defaults are used. */
  notice: string | null;
  [other: string]: unknown;
}

export type Theme = 'system' | 'light' | 'dark';

/** `app_info`: what the About dialog shows. */
export interface AppInfo {
  name: string;
  version: string;
  commit: string;
  date: string;
  profile: 'debug' | 'release';
  license: string;
  tauri: string;
  /** `linux x86_64` */
  target: string;
  /** Link names (`repository`, `docs`, `cli`, `troubleshooting`, `changelog`, `license`, `issues`) and URLs. */
  links: [string, string][];
}

/** Plans a clean against a fresh discovery; nothing is deleted. */
export function cleanPlan(targets: Target[]): Promise<PlannedClean> {
  return invoke<PlannedClean>('clean_plan', { targets });
}

function channel(onEvent: (e: CleanUpdate) => void): Channel<CleanUpdate> {
  const ch = new Channel<CleanUpdate>();
  ch.onmessage = onEvent;
  return ch;
}

/**
 * Runs a plan: resolves once every item is gone for Go (quarantined or deleted); the purge and
 * the undo window go on in the backend and report on `onEvent`.
 */
export function cleanExecute(planId: string, onEvent: (e: CleanUpdate) => void): Promise<CleanRun> {
  return invoke<CleanRun>('clean_execute', { planId, onEvent: channel(onEvent) });
}

/** Runs a plan with administrator rights, in place (no undo). */
export function cleanElevated(planId: string, onEvent: (e: CleanUpdate) => void): Promise<CleanRun> {
  return invoke<CleanRun>('clean_elevated', { planId, onEvent: channel(onEvent) });
}

/** Puts a run's quarantined items back (until the purge ends). */
export function cleanUndo(runId: string): Promise<UndoReport> {
  return invoke<UndoReport>('clean_undo', { runId });
}

/** Ends a run's undo window now. */
export function cleanPurgeNow(runId: string): Promise<void> {
  return invoke<void>('clean_purge_now', { runId });
}

/** Stops a running `clean_execute`. */
export function cleanCancel(): Promise<void> {
  return invoke<void>('clean_cancel');
}

/** The audit log, newest first. */
export function cleanHistory(limit: number): Promise<CleanHistory> {
  return invoke<CleanHistory>('clean_history', { limit });
}

/** Module versions matching `criteria`, from a fresh scan of the module cache. */
export function selectModules(criteria: SelectCriteria): Promise<Selection> {
  return invoke<Selection>('select_modules', { criteria });
}

/** The OS's language as a BCP-47 tag (`zh-CN`, `en-US`), or null when it cannot be told. */
export function systemLocale(): Promise<string | null> {
  return invoke<string | null>('system_locale');
}

export function settingsGet(): Promise<Settings> {
  return invoke<Settings>('settings_get');
}

export function settingsSet(settings: Settings): Promise<Settings> {
  return invoke<Settings>('settings_set', { settings });
}

/** The app's version, build and links (the About dialog). */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

/** Opens one of `app_info`'s links by name in the user's browser. */
export function openLink(name: string): Promise<void> {
  return invoke<void>('open_link', { name });
}

/** The OS folder picker; null when the user cancels. */
export function pickDirectory(): Promise<string | null> {
  return invoke<string | null>('pick_directory');
}

// --- Verify (docs/contract.md "Verify" and "Verify in the app") --------------------------------

/** A module version's verdict (`gocache_core::verify::Status`). */
export type VerifyStatus =
  | 'ok'
  | 'dir-modified'
  | 'zip-modified'
  | 'ziphash-invalid'
  | 'partial'
  | 'missing-ziphash'
  | 'unreadable'
  | 'writable-files'
  | 'leftovers'
  | 'list-inconsistent'
  | 'download-only';

export type FileChangeKind = 'modified' | 'added' | 'removed';

export interface FileChange {
  name: string;
  change: FileChangeKind;
}

export interface Finding {
  status: VerifyStatus;
  message: string;
}

/** The verification of one module version (`ModuleResult`). */
export interface VerifyModule {
  path: string;
  version: string;
  status: VerifyStatus;
  files: FileChange[];
  findings: Finding[];
  dir: string | null;
  ziphash: string | null;
  bytes_hashed: number;
}

/** A problem not tied to a module version (build cache entries, odd names). */
export interface VerifyProblem {
  id: string;
  severity: Severity;
  path: string | null;
  message: string;
}

export interface BuildSummary {
  path: string;
  action_entries: number;
  output_entries: number;
  corrupt_outputs: number;
  malformed_actions: number;
  dangling_actions: number;
}

export type MismatchCause = 'cache-corrupted' | 'retagged' | 'settings';

/** One go.sum line the cache disagrees with. */
export interface Mismatch {
  path: string;
  version: string;
  go_mod: boolean;
  line: number;
  gosum_hash: string;
  cache_hash: string | null;
  cause: MismatchCause;
  explanation: string;
  evidence: string[];
}

export interface ProjectReport {
  dir: string;
  gosum: string;
  lines: number;
  matched: number;
  not_in_cache: string[];
  mismatches: Mismatch[];
  settings: string[];
}

/** `verify_start`'s answer (`gocache_core::verify::VerifyReport`). */
export interface VerifyReport {
  modules: VerifyModule[];
  problems: VerifyProblem[];
  checked: number;
  broken: number;
  modcache: string | null;
  build: BuildSummary | null;
  project: ProjectReport | null;
  /** FIFOs, sockets and devices skipped (never read); each is also a `special-file` problem. */
  special_files?: number;
  bytes_hashed: number;
  elapsed_ms: number;
  cancelled: boolean;
}

/** Progress of a verification, tagged `{event, data}` like the scan's. */
export type VerifyEvent =
  | { event: 'verifyStarted'; data: { versions: number; build_entries: number; total_bytes: number } }
  | {
      event: 'verifyProgress';
      data: { bytes: number; total_bytes: number; versions_done: number; versions: number; broken: number; current: string };
    }
  | { event: 'verifyFinished'; data: { bytes: number; broken: number; cancelled: boolean } };

/** The `go mod download` step of a repair. */
export interface Download {
  command: string;
  dir: string;
  output: string;
  success: boolean;
}

/** `verify_repair`'s answer (`gocache_core::verify::RepairReport`). */
export interface RepairReport {
  versions: string[];
  removed: ItemResult[];
  skipped: SkippedTarget[];
  download: Download | null;
  note: string | null;
  audit_error: string | null;
}

export type RepairUpdate =
  | { event: 'repairStarted'; data: { versions: string[]; download: boolean } }
  | { event: 'repairFinished'; data: { removed: number; download_success: boolean | null } };

/**
 * Verifies the module and build caches, or with `project` that project's go.sum against the
 * cache. Cancels a verification already running; a cancelled one resolves with `cancelled: true`.
 */
export function verifyStart(project: string | null, onEvent: (e: VerifyEvent) => void): Promise<VerifyReport> {
  const ch = new Channel<VerifyEvent>();
  ch.onmessage = onEvent;
  return invoke<VerifyReport>('verify_start', { options: { project }, onEvent: ch });
}

/** Stops the running verification (and repair). */
export function verifyCancel(): Promise<void> {
  return invoke<void>('verify_cancel');
}

/**
 * Removes the versions through the clean engine and downloads them again with `go mod download`.
 * The app repairs only versions its last verification found broken: they are sent as ids
 * (`path@version`), and `project` must be the project that verification checked (or null).
 */
export function verifyRepair(
  versions: { path: string; version: string }[],
  project: string | null,
  onEvent: (e: RepairUpdate) => void,
): Promise<RepairReport> {
  const ch = new Channel<RepairUpdate>();
  ch.onmessage = onEvent;
  const ids = versions.map((v) => `${v.path}@${v.version}`);
  return invoke<RepairReport>('verify_repair', { ids, project, onEvent: ch });
}

// --- Locks (docs/contract.md "Locks"; issue #5) -------------------------------------------------

/** How a process holds a path (`gocache_core::locks::HoldKind`), in the order the core sorts them. */
export type HoldKind = 'open-file' | 'cwd' | 'root' | 'exe' | 'mmap' | 'flock' | 'deleted-open';

/** One path a holder holds. */
export interface HeldPath {
  cache: CacheKind | null;
  module: string | null;
  path: string;
  kind: HoldKind;
}

export type HolderCategory = 'go-tool' | 'ide' | 'antivirus' | 'other';

/** A process holding files in the caches (`gocache_core::locks::Holder`). */
export interface Holder {
  pid: number;
  /** When it started (OS unit); passed back to `locks_end` with the pid. Null when unreadable. */
  start_time: number | null;
  name: string;
  exe: string | null;
  user: string | null;
  uid: number | null;
  is_current_user: boolean | null;
  kinds: HoldKind[];
  caches: CacheKind[];
  modules: string[];
  paths: HeldPath[];
  tool: string | null;
  category: HolderCategory;
  app_name: string | null;
  advice: string;
  cmdline: string[];
}

/** How many holders hold something under one root (the cache-card badge). */
export interface CacheHolders {
  kind: CacheKind | null;
  path: string;
  holders: number;
}

/** `locks_list`'s answer (`gocache_core::locks::LocksReport`). */
export interface LocksReport {
  holders: Holder[];
  caches: CacheHolders[];
  inaccessible: number;
  warnings: string[];
  probe: string;
  elapsed_ms: number;
}

/** `locks_end`'s answer (`gocache_core::locks::EndOutcome`). */
export interface EndOutcome {
  pid: number;
  how: 'exited' | 'killed' | 'already-gone';
  elapsed_ms: number;
}

/** Every process holding files in the discovered caches. */
export function locksList(): Promise<LocksReport> {
  return invoke<LocksReport>('locks_list');
}

/**
 * Ends the holder `pid` that started at `startTime`, both from the last `locks_list` (SIGTERM,
 * then SIGKILL after 3 s; TerminateProcess on Windows). The core refuses a process that no
 * longer holds files in the caches (`NotAHolder`) or whose pid now names another process
 * (`ProcessChanged`).
 */
export function locksEnd(pid: number, startTime: number | null): Promise<EndOutcome> {
  return invoke<EndOutcome>('locks_end', { pid, startTime });
}

// --- Doctor and guides (docs/contract.md "Doctor in the app"; issue #6) -------------------------
// The types are the doctor's and the guides' own (lib/doctor.ts, lib/guides.ts); the callers
// there fill in the UI's language.

/** `diagnose_text`: explains pasted Go output in `lang`; `os` writes the fixes for that OS. */
export function diagnoseText(text: string, os: TargetOs | null, lang: Locale): Promise<Diagnosis> {
  return invoke<Diagnosis>('diagnose_text', { text, os, lang });
}

/** `doctor_checks`: the environment checks, explained in `lang`. */
export function doctorChecks(lang: Locale): Promise<Checks> {
  return invoke<Checks>('doctor_checks', { lang });
}

/** `guide_context`: the guidance pages' values for this machine. */
export function guideContext(): Promise<GuideContext> {
  return invoke<GuideContext>('guide_context');
}
