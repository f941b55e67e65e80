// The one module that talks to the Tauri backend. Types mirror docs/contract.md and the serde
// structs of `gocache-core` (snake_case fields, Unix-second mtimes, u64 sizes as numbers).

import { Channel, invoke } from '@tauri-apps/api/core';

/** Where a resolved variable's value came from. */
export type Source = 'env' | 'goenv-file' | 'goroot-go.env' | 'default';

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

/** `gocache_core::discover::Report` (`env_report`). */
export interface EnvReport {
  os: 'linux' | 'macos' | 'windows';
  go: GoInfo | null;
  vars: Record<string, Var>;
  caches: Cache[];
  problems: Problem[];
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
