// The one module that talks to the Tauri backend. The types of what crosses the IPC are
// generated from the Rust types (./bindings, `make bindings`) and re-exported here; only the
// UI's own additions are written by hand below. docs/contract.md says what each command does.

import { Channel, invoke } from '@tauri-apps/api/core';
import type {
  CliPathReport,
  AppInfo,
  AutoPolicy,
  AutoRun,
  TrayStatus,
  ScheduleInstallReport,
  ScheduleStatus,
  ScheduleUninstallReport,
  Checks,
  CleanHistory,
  CleanRun,
  CleanUpdate,
  CommandError,
  Diagnosis,
  EndOutcome,
  EnvReport,
  ErrorCode,
  ExportFormat,
  ExportRow,
  GuideContext,
  LocksReport,
  OsKind,
  PlannedClean,
  ProgressEvent,
  RepairReport,
  RepairUpdate,
  ScanReport,
  SelectCriteria,
  Selection,
  Settings,
  SizeHistory,
  Target,
  UndoReport,
  VerifyEvent,
  VerifyOptions,
  VerifyReport,
  WatchEvent,
  VersionFolders,
} from './bindings';
import type { Locale } from './i18n';

export type * from './bindings';

/**
 * A command error as the UI holds it: the backend's {@link CommandError}, or `Unknown` for a
 * rejection that did not come from a command (a broken IPC, an exception in the UI).
 */
export type ApiError = Omit<CommandError, 'code'> & { code: ErrorCode | 'Unknown' };

/** Turns whatever a rejected `invoke` carried into an {@link ApiError}. */
export function toApiError(e: unknown): ApiError {
  if (e && typeof e === 'object' && 'message' in e) {
    const o = e as { code?: unknown; message: unknown };
    return {
      // The backend sends only ErrorCode values (generated from its enum).
      code: typeof o.code === 'string' ? (o.code as ErrorCode) : 'Unknown',
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
 * Incremental (unchanged module versions come from the scan index) unless `full`: a deep
 * rescan walks every file and rewrites the index.
 */
export function scanStart(onEvent: (e: ProgressEvent) => void, full = false): Promise<ScanReport> {
  const channel = new Channel<ProgressEvent>();
  channel.onmessage = onEvent;
  return invoke<ScanReport>('scan_start', { onEvent: channel, full });
}

/**
 * The last completed scan (its dashboard figures and the module versions it found new), each
 * cache's growth since about a week and a month ago and its size over the last quarter: what
 * the dashboard paints before the rescan ends.
 */
export function sizeHistory(): Promise<SizeHistory> {
  return invoke<SizeHistory>('size_history');
}

/**
 * Watches the discovered cache roots: `onChange` gets one event per burst of changes made
 * outside the app (debounced in the backend). Replaces a watch already running.
 */
export function watchStart(onChange: (e: WatchEvent) => void): Promise<void> {
  const channel = new Channel<WatchEvent>();
  channel.onmessage = onChange;
  return invoke<void>('watch_start', { onChange: channel });
}

/** Ends the watch of the cache roots. */
export function watchStop(): Promise<void> {
  return invoke<void>('watch_stop');
}

/** Asks the running scan to stop; `scanStart` then resolves with partial totals. */
export function scanCancel(): Promise<void> {
  return invoke<void>('scan_cancel');
}

/**
 * The folders (and the loose files, as one entry named '') directly inside `sub` ('/'-separated,
 * '' for the version's own directory) of the extracted `module@version`, largest first.
 */
export function moduleFolders(module: string, version: string, sub: string): Promise<VersionFolders> {
  return invoke<VersionFolders>('module_folders', { module, version, sub });
}

/**
 * Start-up benchmark hook: reports the UI's milestones (Unix ms) once the first cache card is
 * painted. The backend ignores it unless `GOCACHE_DOCTOR_STARTUP_PROBE` is set in a build with
 * the app's `test-hooks` feature (then it writes the figures and exits); a shipped build never
 * reads the variable.
 */
export function startupProbe(marks: Record<string, number>): Promise<void> {
  return invoke<void>('startup_probe', { marks });
}

// --- Clean (docs/contract.md "Clean in the app") ----------------------------------------------

export type TargetName = Target['target'];

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

/** Stores the automatic cleanup policy in the settings the CLI reads; the settings as stored. */
export function autoPolicySet(policy: AutoPolicy): Promise<Settings> {
  return invoke<Settings>('auto_policy_set', { policy });
}

/** The core's dry run of `policy` (not stored): what it would remove now, and why. */
export function autoPreview(policy: AutoPolicy): Promise<AutoRun> {
  return invoke<AutoRun>('auto_preview', { policy });
}

/** Cancels the running preview (it then rejects with `Cancelled`). */
export function autoPreviewCancel(): Promise<void> {
  return invoke<void>('auto_preview_cancel');
}

/** Applies the stored policy now, as `gocache-doctor auto run` does (audit entry marked automatic). */
export function autoRunNow(): Promise<AutoRun> {
  return invoke<AutoRun>('auto_run_now');
}

/** Whether the daily run is installed, its next run, and what automatic runs freed. */
export function autoScheduleStatus(): Promise<ScheduleStatus> {
  return invoke<ScheduleStatus>('auto_schedule_status');
}

/** Whether the command-line tool shipped next to the app is on PATH (Settings). */
export function cliPathStatus(): Promise<CliPathReport> {
  return invoke<CliPathReport>('cli_path_status');
}

/** Puts the command-line tool on PATH (a copy, a link or the user's Path, per OS). */
export function cliPathInstall(): Promise<CliPathReport> {
  return invoke<CliPathReport>('cli_path_install');
}

/** Undoes `cliPathInstall`. */
export function cliPathUninstall(): Promise<CliPathReport> {
  return invoke<CliPathReport>('cli_path_uninstall');
}

/** Registers the daily run with the OS scheduler (this user, no root). */
export function autoScheduleInstall(): Promise<ScheduleInstallReport> {
  return invoke<ScheduleInstallReport>('auto_schedule_install');
}

/** Removes what the install created. */
export function autoScheduleUninstall(): Promise<ScheduleUninstallReport> {
  return invoke<ScheduleUninstallReport>('auto_schedule_uninstall');
}

/** Whether the tray icon is shown, and why not when the setting asks for it. */
export function trayStatus(): Promise<TrayStatus> {
  return invoke<TrayStatus>('tray_status');
}

/** The app's version, build and links (the About dialog). */
export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

/** Opens one of `app_info`'s links by name in the user's browser. */
export function openLink(name: string): Promise<void> {
  return invoke<void>('open_link', { name });
}

/**
 * Shows `path` (a cache root or something inside one, e.g. a module version's directory)
 * selected in the OS file manager. The backend refuses a path outside the caches it
 * discovered (`BadArgument`), one that is gone (`NotFound`) and fails with `Unsupported` when
 * no file manager could show it.
 */
export function revealPath(path: string): Promise<void> {
  return invoke<void>('reveal_path', { path });
}

/**
 * Exports module versions (the module view's rows) as CSV or JSON: the backend asks where to
 * save with the OS save dialog and writes the file. Answers the path written, null when the
 * user cancelled. `filter` is the view's filter the rows passed (null: every version).
 */
export function exportModules(rows: ExportRow[], format: ExportFormat, filter: string | null): Promise<string | null> {
  return invoke<string | null>('export_modules', { rows, format, filter });
}

/** Shows the file the last export wrote in the OS file manager. */
export function revealExport(): Promise<void> {
  return invoke<void>('reveal_export');
}

/** The OS folder picker; null when the user cancels. */
export function pickDirectory(): Promise<string | null> {
  return invoke<string | null>('pick_directory');
}

// --- Verify (docs/contract.md "Verify" and "Verify in the app") --------------------------------

/**
 * Verifies the module and build caches, or with `project` that project's go.sum against the
 * cache. Cancels a verification already running; a cancelled one resolves with `cancelled: true`.
 */
export function verifyStart(project: string | null, onEvent: (e: VerifyEvent) => void, compareProxy = false): Promise<VerifyReport> {
  const ch = new Channel<VerifyEvent>();
  ch.onmessage = onEvent;
  const options: VerifyOptions = { project, compare_proxy: compareProxy };
  return invoke<VerifyReport>('verify_start', { options, onEvent: ch });
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

/** Every process holding files in the discovered caches. */
/** The processes holding what the kept plan `planId` would remove, probed now. */
export function cleanHolders(planId: string): Promise<LocksReport> {
  return invoke<LocksReport>('clean_holders', { planId });
}

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
// The callers in lib/doctor.ts and lib/guides.ts fill in the UI's language.

/** `diagnose_text`: explains pasted Go output in `lang`; `os` writes the fixes for that OS. */
export function diagnoseText(text: string, os: OsKind | null, lang: Locale): Promise<Diagnosis> {
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
