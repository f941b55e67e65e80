// A stand-in for the Tauri backend, injected into the page before the app runs
// (page.addInitScript; harness.ts strips the types). Its answers, events and errors are typed
// with the IPC types generated from the Rust types (src/lib/bindings), so a shape the backend
// no longer sends fails `npm run build` (svelte-check). It implements the parts of window.__TAURI_INTERNALS__ that
// @tauri-apps/api/core uses (invoke, transformCallback, unregisterCallback) and answers the
// app's three commands with a realistic env report and a scan report of 20,000 module rows.
// Configure with window.__MOCK_CONFIG__ = { scan: 'auto' | 'manual' | 'error', goMissing,
// env: 'auto' | 'manual' (env_report answers only on __mock.releaseEnv()), oldCore (no
// test_entries/test_bytes in the build report), cleanFail ('permission': the first item of each
// clean fails with a permission error owned by root), undoSeconds (default 10), history
// ('some' | 'empty' | 'undone'), verify ('auto' | 'manual'), verifyError, locale (what system_locale answers, default 'en-US'), language (the saved settings' language), repairDelay, pickDir (what pick_directory answers), planError (a code clean_plan throws), welcome (a first run: welcome_seen false), settings (stored settings fields to override), settingsCorrupt (the settings file was corrupt: defaults and a notice) }.
// The clean commands change the mock's env and scan report the way a real clean changes the disk,
// so the re-scan after a clean or an undo shows the new sizes.

import type * as Ipc from '../../src/lib/bindings';

/** `window.__MOCK_CONFIG__` (see above); every field is optional. */
interface MockConfig {
  scan?: 'auto' | 'manual' | 'error';
  env?: 'auto' | 'manual';
  goMissing?: boolean;
  oldCore?: boolean;
  versions?: number;
  cleanFail?: 'permission' | 'locked';
  undoSeconds?: number;
  history?: 'some' | 'empty' | 'undone' | 'auto';
  verify?: 'auto' | 'manual';
  verifyError?: Ipc.ErrorCode;
  locale?: string | null;
  language?: Ipc.Lang | null;
  repairDelay?: number;
  pickDir?: string | null;
  planError?: Ipc.ErrorCode;
  planDelay?: number;
  itemDelay?: number;
  purgeDelay?: number;
  welcome?: boolean;
  /** The tray's library is missing (Linux without libayatana-appindicator3-1). */
  trayMissing?: boolean;
  settings?: Partial<Ipc.Settings> & Record<string, unknown>;
  settingsCorrupt?: boolean;
  locks?: 'some' | 'none' | 'error';
  locksDelay?: number;
  diagnoseError?: Ipc.ErrorCode;
  noVcs?: boolean;
  os?: Ipc.OsKind;
  /** An error code module_folders fails with. */
  foldersError?: Ipc.ErrorCode;
  /**
   * What size_history answers: 'some' = a last scan 2 hours old (its figures 10% below the
   * scan's), growth and charts per cache and 3 new versions; after a completed scan, that scan.
   * Default: no history (the first run). 'duplicates': like 'some', with two points of one
   * chart recorded in the same second.
   */
  sizeHistory?: 'some' | 'duplicates' | 'none';
  /** Milliseconds auto_preview takes (default 30); auto_preview_cancel ends it as Cancelled. */
  autoPreviewDelay?: number;
  /** The daily run is installed (a systemd user timer). */
  autoInstalled?: boolean;
  /** auto_policy_set fails (the settings directory is not writable). */
  autoSaveError?: boolean;
  /** An error code reveal_path (and reveal_export) fails with. */
  revealError?: Ipc.ErrorCode;
  /** export_modules: the user cancels the save dialog, or the write fails with this code. */
  exportCancel?: boolean;
  exportError?: Ipc.ErrorCode;
}

/** Command arguments as @tauri-apps/api sends them (channels as `{ id }`). */
type Args = Record<string, any>;
/** What a channel carries. */
type Event = Ipc.ProgressEvent | Ipc.CleanUpdate | Ipc.VerifyEvent | Ipc.RepairUpdate | Ipc.WatchEvent;
(() => {
  /** A command's rejection, as the backend sends it. */
  const ipcError = (code: Ipc.ErrorCode, message: string): Ipc.CommandError => ({ code, message });
  const w = window as unknown as Record<string, unknown> & { __MOCK_CONFIG__?: MockConfig; __mock: Record<string, unknown> };
  const cfg: MockConfig & { scan: string; env: string; versions: number } = Object.assign({ scan: 'auto', env: 'auto', goMissing: false, oldCore: false, versions: 20000 }, w.__MOCK_CONFIG__ || {});
  const NOW = Math.floor(Date.now() / 1000);
  const DAY = 86400;

  // Deterministic pseudo-random numbers (mulberry32).
  let seed = 0x5eed;
  const rand = () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T,>(list: T[]): T => list[Math.floor(rand() * list.length)];

  const GOMODCACHE = '/home/gopher/go/pkg/mod';
  const orgs = ['acme', 'BurntSushi', 'spf13', 'stretchr', 'uber-go', 'hashicorp', 'grpc-ecosystem',
    'prometheus', 'sirupsen', 'golang', 'google', 'aws', 'klauspost', 'mattn', 'rs', 'charmbracelet'];
  const words = ['toml', 'cobra', 'viper', 'testify', 'zap', 'raft', 'gateway', 'client', 'logrus',
    'protobuf', 'sdk', 'compress', 'sqlite', 'zerolog', 'bubbletea', 'lipgloss', 'cli', 'yaml', 'http',
    'cache', 'store', 'kit', 'graph', 'parser', 'sync', 'retry', 'uuid', 'color', 'term', 'errors'];

  const modules: Ipc.ModuleVersion[] = [];
  const addVersions = (path: string, count: number, big: boolean, toolchain: boolean) => {
    for (let v = 0; v < count && modules.length < cfg.versions; v++) {
      const version = toolchain
        ? `v0.0.1-go1.${21 + v}.${Math.floor(rand() * 6)}.linux-amd64`
        : `v${Math.floor(rand() * 3)}.${Math.floor(rand() * 20)}.${v}`;
      const bytes = toolchain ? 200_000_000 + Math.floor(rand() * 40_000_000)
        : Math.floor(Math.exp(rand() * (big ? 15 : 11)) * 50);
      modules.push({
        path, version,
        dir: `${GOMODCACHE}/${path.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase())}@${version}`,
        bytes, disk_bytes: Math.ceil(bytes / 4096) * 4096 + 4096 * 3,
        files: 1 + Math.floor(bytes / 9000), download_bytes: Math.floor(bytes * 0.31),
        newest_mtime: NOW - Math.floor(rand() * 400 * DAY), toolchain,
      });
    }
  };
  addVersions('golang.org/toolchain', 3, true, true);
  addVersions('golang.org/x/tools', 6, true, false);
  // A long path (the table shortens it in the middle) and versions whose order by size is not
  // their semver order (the table lists them by version).
  addVersions('github.com/grpc-ecosystem/grpc-gateway/v2/protoc-gen-openapiv2/internal/descriptor/apiconfig', 2, false, false);
  for (const [version, bytes] of [['v0.2.0', 9_000_000], ['v0.3.0', 1_000_000], ['v0.10.0', 3_000_000], ['v0.0.0-20240101000000-abcdef123456', 2_000_000], ['v1.0.0+incompatible', 500_000]] as const)
    if (modules.length < cfg.versions)
      modules.push({
        path: 'example.com/semver/order', version, dir: `${GOMODCACHE}/example.com/semver/order@${version}`,
        bytes, disk_bytes: bytes + 8192, files: 10, download_bytes: Math.floor(bytes * 0.3), newest_mtime: NOW - 5 * DAY, toolchain: false,
      });
  for (let i = 0; modules.length < cfg.versions; i++) {
    const host = pick(['github.com', 'github.com', 'github.com', 'golang.org/x', 'gopkg.in', 'go.uber.org', 'k8s.io', 'cloud.google.com/go']);
    const path = host === 'github.com' ? `github.com/${pick(orgs)}/${pick(words)}-${i}` : `${host}/${pick(words)}${i}`;
    addVersions(path, 1 + Math.floor(rand() * rand() * 6), i % 97 === 0, false);
  }
  const totalsByPath = new Map<string, Ipc.ModuleTotal>();
  for (const m of modules) {
    const t = totalsByPath.get(m.path) || { path: m.path, versions: 0, bytes: 0, disk_bytes: 0, download_bytes: 0, files: 0 };
    t.versions++; t.bytes += m.bytes; t.disk_bytes += m.disk_bytes; t.download_bytes += m.download_bytes; t.files += m.files;
    totalsByPath.set(m.path, t);
  }
  const moduleTotals = [...totalsByPath.values()].sort((a, b) => b.bytes - a.bytes);
  const sum = <T,>(list: T[], f: keyof T): number => list.reduce((s, x) => s + (x[f] as number), 0);
  const extracted = sum(modules, 'bytes');
  const downloads = sum(modules, 'download_bytes');
  // Shaped like the core's figures (issue #15 §4): the parts add up to the module cache; the
  // extracted part is the rows; a version's download files are 4 (zip, ziphash, mod, info).
  const DL_FILES = 4;
  /** Allocated bytes of a version's download files: the zip in whole blocks, 3 small files. */
  const dlDisk = (m: Ipc.ModuleVersion) => Math.ceil(m.download_bytes / 4096) * 4096 + (DL_FILES - 1) * 4096;
  const parts: Ipc.ModcacheParts = {
    extracted_bytes: extracted, extracted_disk_bytes: sum(modules, 'disk_bytes'), extracted_files: sum(modules, 'files'),
    download_bytes: downloads + 2_031_117, download_disk_bytes: modules.reduce((s, m) => s + dlDisk(m), 0) + 9_000_000, download_files: modules.length * DL_FILES + 3_100,
    ...(cfg.noVcs ? { vcs_bytes: 0, vcs_disk_bytes: 0, vcs_files: 0 } : { vcs_bytes: 48_213_337, vcs_disk_bytes: 50_000_000, vcs_files: 1_200 }),
    sumdb_bytes: 3_411_882, sumdb_disk_bytes: 3_600_000, sumdb_files: 410,
    other_bytes: 12_040, other_disk_bytes: 1_200_000, other_files: 2,
  };
  const modcacheBytes = parts.extracted_bytes + parts.download_bytes + parts.vcs_bytes + parts.sumdb_bytes + parts.other_bytes;
  const modcacheDisk = parts.extracted_disk_bytes + parts.download_disk_bytes + parts.vcs_disk_bytes + parts.sumdb_disk_bytes + parts.other_disk_bytes;
  const modcacheFiles = parts.extracted_files + parts.download_files + parts.vcs_files + parts.sumdb_files + parts.other_files;
  const toolchainRows = modules.filter((m) => m.toolchain);
  const toolchainBytes = sum(toolchainRows, 'bytes') + sum(toolchainRows, 'download_bytes');
  const toolchainFiles = sum(toolchainRows, 'files') + toolchainRows.length * DL_FILES;
  const toolchainDisk = toolchainRows.reduce((s, m) => s + m.disk_bytes + dlDisk(m), 0);
  const totalOf = (caches: Ipc.CacheScan[]): Ipc.Figures => {
    const top = caches.filter((c) => c.inside === null);
    return { bytes: sum(top, 'bytes'), disk_bytes: sum(top, 'disk_bytes'), files: sum(top, 'files') };
  };

  const cacheScan = (kind: Ipc.CacheKind, path: string, bytes: number, files: number, extra?: Partial<Ipc.CacheScan>): Ipc.CacheScan => Object.assign({
    kind, path, bytes, disk_bytes: Math.ceil(bytes / 4096) * 4096 + files * 2048, files,
    dirs: Math.floor(files / 7), symlinks: 0, unreadable: 0, unreadable_paths: [],
    newest_mtime: NOW - 3 * DAY - 200, error: null, inside: kind === 'toolchains' ? 'modcache' : null,
  }, extra || {});

  const env: Ipc.EnvReport = {
    os: cfg.os ?? 'linux',
    go: cfg.goMissing ? null : { path: '/usr/local/go/bin/go', version: 'go1.23.5', goroot: '/usr/local/go' },
    vars: {
      GOMODCACHE: { value: GOMODCACHE, source: 'default' },
      GOCACHE: { value: '/home/gopher/.cache/go-build', source: 'env' },
      GOPATH: { value: '/home/gopher/go', source: 'default' },
      GOENV: { value: '/home/gopher/.config/go/env', source: 'default' },
      GOBIN: { value: '/home/gopher/bin', source: 'goenv-file' },
    },
    caches: [
      { kind: 'modcache', path: GOMODCACHE, var: 'GOMODCACHE', source: 'default', exists: true, cleanable: true, parent: null },
      { kind: 'toolchains', path: `${GOMODCACHE}/golang.org`, var: 'GOMODCACHE', source: 'default', exists: true, cleanable: true, parent: 'modcache' },
      { kind: 'build', path: '/home/gopher/.cache/go-build', var: 'GOCACHE', source: 'env', exists: true, cleanable: true, parent: null },
      { kind: 'gopls', path: '/home/gopher/.cache/gopls', var: 'GOPLSCACHE', source: 'default', exists: true, cleanable: true, parent: null },
      { kind: 'gopls-index', path: '/home/gopher/.cache/go/imports', var: 'HOME', source: 'env', exists: true, cleanable: true, parent: null },
      { kind: 'golangci-lint', path: '/home/gopher/.cache/golangci-lint', var: 'GOLANGCI_LINT_CACHE', source: 'default', exists: false, cleanable: true, parent: null },
      { kind: 'telemetry', path: '/home/gopher/.config/go/telemetry', var: 'GOTELEMETRYDIR', source: 'default', exists: true, cleanable: false, parent: null },
      { kind: 'gobin', path: '/home/gopher/bin', var: 'GOBIN', source: 'goenv-file', exists: true, cleanable: false, parent: null },
    ],
    problems: [
      { id: 'go-env-mismatch', severity: 'error', message: 'GOCACHE from the environment (/home/gopher/.cache/go-build) differs from what `go env GOCACHE` reports (/tmp/go-build): the app shows the environment one. Check your shell profile.', var: 'GOCACHE' },
      { id: 'gobin-goenv', severity: 'warning', message: 'GOBIN is set with `go env -w`; binaries installed before that still live in /home/gopher/go/bin.', var: 'GOBIN' },
      { id: 'gopath-default', severity: 'info', message: 'GOPATH is not set: Go uses /home/gopher/go.' },
    ],
    telemetry: { dir: '/home/gopher/.config/go/telemetry', mode: 'local', from_go: true },
    shell_env: null,
  };

  const buildBytes = 1_734_882_113;
  const fullReport: Ipc.ScanReport = {
    caches: [
      cacheScan('modcache', GOMODCACHE, modcacheBytes, modcacheFiles, { disk_bytes: modcacheDisk }),
      cacheScan('toolchains', `${GOMODCACHE}/golang.org`, toolchainBytes, toolchainFiles, { disk_bytes: toolchainDisk }),
      cacheScan('build', '/home/gopher/.cache/go-build', buildBytes, 18_402, { newest_mtime: NOW - 3600 * 5 }),
      cacheScan('gopls', '/home/gopher/.cache/gopls', 96_337_281, 2_410, { unreadable: 2, unreadable_paths: ['/home/gopher/.cache/gopls/a1/x', '/home/gopher/.cache/gopls/b2/y'] }),
      cacheScan('gopls-index', '/home/gopher/.cache/go/imports', 3_512_448, 3),
      cacheScan('telemetry', '/home/gopher/.config/go/telemetry', 212_992, 9),
      cacheScan('gobin', '/home/gopher/bin', 187_211_004, 14),
    ],
    modules,
    module_totals: moduleTotals,
    modcache_parts: parts,
    build: {
      path: '/home/gopher/.cache/go-build', entries: 18_402, action_entries: 9_201, output_entries: 9_201, bytes: buildBytes,
      age_histogram: [
        { label: '< 1 day', max_age_days: 1.0, entries: 4000, bytes: 400_000_000 },
        { label: '1-2 days', max_age_days: 2.0, entries: 0, bytes: 0 },
        { label: '2-5 days', max_age_days: 5 + 1 / 24, entries: 11_402, bytes: 822_882_113 },
        { label: 'older than 5 days (Go trims)', max_age_days: null, entries: 3000, bytes: 512_000_000 },
      ],
      trimmable_entries: 3000, trimmable_bytes: 512_000_000, fuzz_bytes: 7_340_032, fuzz_files: 212,
      ...(cfg.oldCore ? {} : { test_entries: 412, test_bytes: 3_145_728 }),
      last_trim: NOW - 2 * DAY, testexpire: null, exe_entries: 3, exe_bytes: 41 * 1024 ** 2,
    },
    total: { bytes: 0, disk_bytes: 0, files: 0 },
    elapsed_ms: 1412,
    cancelled: false,
  };
  fullReport.total = totalOf(fullReport.caches);

  // --- the IPC shim -------------------------------------------------------------------------
  const callbacks = new Map<number, (payload: unknown) => unknown>();
  let nextId = 1;
  const calls: string[] = [];
  /** `full` of each `scan_start` (a deep rescan), in order. */
  const scanFull: boolean[] = [];
  const states: string[] = [];
  const cleanStates: string[] = [];
  let pending: { resolve: (r: Ipc.ScanReport) => void; reject: (e: Ipc.CommandError) => void } | null = null;
  let envWaiters: (() => void)[] = [];
  const probes: Record<string, number>[] = [];

  /** The channel of the backend's watch of the cache roots (`watch_start`), if running. */
  let watchChannel: number | null = null;
  let watchStarts = 0;
  let watchIndex = 0;
  const send = (channelId: number, index: number, message: Event) => {
    const cb = callbacks.get(channelId);
    if (cb) cb({ index, message });
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  // --- size history ---------------------------------------------------------------------------
  let historyCalls = 0;
  let scansDone = 0;
  const GIB = 1024 ** 3;
  /** `count` points over the last `days` days, from `start` to `end` bytes, ending at `endTime`. */
  const series = (count: number, days: number, start: number, end: number, endTime: number): Ipc.SizePoint[] =>
    Array.from({ length: count }, (_, i) => {
      const f = count > 1 ? i / (count - 1) : 1;
      // A wobble so the line is not straight.
      const wobble = Math.sin(i * 1.7) * (end - start) * 0.08;
      return { time: Math.round(endTime - (1 - f) * days * DAY), bytes: Math.max(0, Math.round(start + (end - start) * f + (i === count - 1 ? 0 : wobble))) };
    });
  const newModules = [
    ...modules.filter((m) => m.path === 'golang.org/x/tools').slice(0, 2),
    ...modules.filter((m) => m.path === 'example.com/semver/order' && m.version === 'v0.10.0'),
  ].map((m) => `${m.path}@${m.version}`);
  const sizeHistory = (): Ipc.SizeHistory => {
    if (cfg.sizeHistory !== 'some' && cfg.sizeHistory !== 'duplicates') return { last: null, caches: [], bad_lines: 0, newer_lines: 0 };
    const fresh = scansDone > 0;
    const time = fresh ? Math.floor(Date.now() / 1000) : NOW - 2 * 3600;
    const caches = fullReport.caches.map((c) => (fresh ? c : { ...c, bytes: Math.round(c.bytes * 0.9), disk_bytes: Math.round(c.disk_bytes * 0.9), files: Math.round(c.files * 0.9) }));
    const bytesOf = (kind: Ipc.CacheKind) => caches.find((c) => c.kind === kind)?.bytes ?? 0;
    const modcache = bytesOf('modcache');
    const build = bytesOf('build');
    const gopls = bytesOf('gopls');
    return {
      last: {
        v: 1, time, caches, total: totalOf(caches), modcache_parts: parts, build: fullReport.build,
        module_count: moduleTotals.length, version_count: modules.length, new_modules: newModules, new_module_count: newModules.length,
      },
      caches: [
        { kind: 'modcache', path: GOMODCACHE, week: Math.round(1.2 * GIB), month: Math.round(3.4 * GIB), series: series(40, 90, modcache * 0.55, modcache, time) },
        { kind: 'toolchains', path: `${GOMODCACHE}/golang.org`, week: null, month: null, series: [] },
        {
          kind: 'build',
          path: '/home/gopher/.cache/go-build',
          week: -300 * 1024 ** 2,
          month: null,
          // Two scans in one second (a fast machine rescanning after a change) share a time.
          series: ((s) => (cfg.sizeHistory === 'duplicates' ? [...s.slice(0, -1), { ...s[s.length - 1], bytes: build - 4096 }, s[s.length - 1]] : s))(
            series(10, 20, build + 900 * 1024 ** 2, build, time),
          ),
        },
        { kind: 'gopls', path: '/home/gopher/.cache/gopls', week: 0, month: null, series: series(2, 8, gopls, gopls, time) },
      ],
      bad_lines: 0,
      newer_lines: 0,
    };
  };

  const partialReport = (): Ipc.ScanReport => ({
    ...fullReport,
    caches: [cacheScan('modcache', GOMODCACHE, 1_234_567_890, 40_000)],
    total: { bytes: 1_234_567_890, disk_bytes: Math.ceil(1_234_567_890 / 4096) * 4096 + 40_000 * 2048, files: 40_000 },
    modules: modules.slice(0, 500),
    module_totals: moduleTotals.slice(0, 200),
    build: null,
    cancelled: true,
    elapsed_ms: 300,
  });

  async function scanStart(channelId: number): Promise<Ipc.ScanReport> {
    let i = 0;
    let totalEntries = 0;
    let totalBytes = 0;
    const existing = fullReport.caches;
    return new Promise<Ipc.ScanReport>((resolve, reject) => {
      pending = { resolve, reject };
      (async () => {
        for (const c of existing) {
          if (!pending) return;
          send(channelId, i++, { event: 'scanStarted', data: { kind: c.kind, path: c.path } });
          for (let step = 1; step <= 3; step++) {
            await sleep(cfg.scan === 'auto' ? 25 : 60);
            if (!pending) return;
            const entries = Math.floor((c.files * step) / 3);
            const bytes = Math.floor((c.bytes * step) / 4);
            send(channelId, i++, {
              event: 'scanProgress',
              data: { kind: c.kind, entries, bytes, total_entries: totalEntries + entries, total_bytes: totalBytes + bytes,
                current: `${c.path}/github.com/acme/cobra-${step}@v1.2.${step}/internal/deeply/nested/file_${step}.go` },
            });
            if (cfg.scan === 'error') {
              await sleep(50);
              pending = null;
              reject(ipcError('Io', `${c.path}: Permission denied (os error 13)`));
              return;
            }
          }
          if (cfg.scan === 'manual') return; // hold here until cancelled or __mock.finish()
          totalEntries += c.files;
          totalBytes += c.bytes;
          send(channelId, i++, { event: 'scanFinished', data: { kind: c.kind, bytes: c.bytes, files: c.files } });
        }
        await sleep(20);
        if (pending) {
          pending = null;
          scansDone++;
          resolve({ ...fullReport });
        }
      })();
    });
  }


  // --- clean ---------------------------------------------------------------------------------
  /** A clean run the mock holds (its undo window, its purge). */
  interface Run {
    run_id: string;
    plan: Ipc.Plan;
    results: Ipc.ItemResult[];
    emit: (e: Ipc.CleanUpdate) => void;
    snapshot: string;
    done: boolean;
    timer: ReturnType<typeof setTimeout> | null;
    undone?: boolean;
    purging?: boolean;
  }
  type StoredSettings = Ipc.Settings & Record<string, unknown>;
  const plans = new Map<string, Ipc.Plan>();
  const runs = new Map<string, Run>();
  const cleanCalls: { cmd: string; planId: string; targets: Ipc.Target[] }[] = [];
  const settingsWrites: StoredSettings[] = [];
  let planSeq = 0;
  let runSeq = 0;
  let cancelClean = false;
  // welcome_seen: the first-run screen stays away unless a test asks for it (cfg.welcome).
  let settings: StoredSettings = {
    project_roots: ['/home/gopher/src/work'], older_than_days: 90, keep_latest: 2, notice: null, theme_extra: 'kept', language: cfg.language ?? null,
    theme: 'system', confirm_before_clean: true, welcome_seen: !cfg.welcome, tray_icon: false, ...(cfg.settings || {}),
  };
  // cfg.settingsCorrupt: the file was unreadable; the first settings_get answers the backend's
  // defaults with a notice (the file was moved aside), later ones the defaults without it.
  if (cfg.settingsCorrupt) {
    settings = { project_roots: [], older_than_days: 90, keep_latest: 1, language: null, theme: 'system', confirm_before_clean: true, welcome_seen: false, tray_icon: false, notice: null };
  }
  let settingsNotice: string | null = cfg.settingsCorrupt
    ? 'The settings file was unreadable (expected value at line 1 column 1); it was kept as /home/gopher/.config/dev.gocachedoctor.desktop/settings.json.bad and the defaults are used.'
    : null;
  const linkCalls: string[] = [];
  /** The paths reveal_path was asked to show. */
  const revealCalls: string[] = [];
  /** What export_modules was asked to write. */
  const exportCalls: { rows: Ipc.ExportRow[]; format: Ipc.ExportFormat; filter: string | null }[] = [];
  let exportedPath: string | null = null;
  const APP_LINKS = ['repository', 'docs', 'cli', 'troubleshooting', 'changelog', 'license', 'issues'];
  const appInfo: Ipc.AppInfo = {
    name: 'Go Cache Doctor', version: '0.1.0', commit: 'ba2fff7c1', date: '2026-11-30', profile: 'release', license: 'MIT OR Apache-2.0',
    tauri: '2.9.3', target: 'linux x86_64',
    links: APP_LINKS.map((n) => [n, `https://github.com/gocache-doctor/gocache-doctor${{ repository: '', docs: '#readme', cli: '#command-line', troubleshooting: '#troubleshooting', changelog: '/blob/main/CHANGELOG.md', license: '/blob/main/LICENSE-MIT', issues: '/issues' }[n]}`]),
  };
  const cacheOf = (kind: Ipc.CacheKind) => fullReport.caches.find((c) => c.kind === kind);
  const envCache = (kind: Ipc.CacheKind) => env.caches.find((c) => c.kind === kind);
  const owner: Ipc.Owner = { uid: 0, name: 'root', is_current_user: false };
  const undoneEntry: Ipc.AuditEntry = { time: NOW - 3600, targets: [{ target: 'module-versions', versions: [{ path: 'github.com/acme/toml-1', version: 'v1.0.0' }] }], bytes_freed: 0,
    outcomes: [{ path: `${GOMODCACHE}/github.com/acme/toml-1@v1.0.0`, label: 'github.com/acme/toml-1@v1.0.0', outcome: 'skipped', cause: null, detail: null, bytes: 0, in_place: false, note: 'restored by Undo' }] };
  const history: Ipc.AuditEntry[] = cfg.history === 'empty' ? [] : cfg.history === 'undone' ? [undoneEntry] : [
    { time: NOW - 3 * 3600, targets: [{ target: 'build-older-than', days: 5 }], bytes_freed: 512_000_000,
      outcomes: [{ path: '/home/gopher/.cache/go-build', label: 'build cache entries older than 5 days', outcome: 'removed', cause: null, detail: null, bytes: 512_000_000, in_place: false, note: null }] },
    { time: NOW - 5 * DAY, targets: [{ target: 'modcache' }], bytes_freed: 0,
      outcomes: [{ path: GOMODCACHE, label: 'module cache', outcome: 'failed', cause: 'permission',
        detail: { path: `${GOMODCACHE}/github.com/acme`, message: 'Permission denied (os error 13)', owner, fix: `sudo chown -R "$(id -un)" ${GOMODCACHE}`, holder: null, more: 41 },
        bytes: 3_000_000_000, in_place: false, note: null }] },
  ];
  // cfg.history 'auto': two automatic runs besides the cleans above.
  if (cfg.history === 'auto')
    history.unshift(
      { time: NOW - 3600, targets: [{ target: 'module-versions', versions: [{ path: 'github.com/acme/toml-1', version: 'v1.0.0' }] }], bytes_freed: 300_000_000, automatic: true,
        outcomes: [{ path: `${GOMODCACHE}/github.com/acme/toml-1@v1.0.0`, label: 'github.com/acme/toml-1@v1.0.0', outcome: 'removed', cause: null, detail: null, bytes: 300_000_000, in_place: false, note: null }] },
      { time: NOW - 2 * DAY, targets: [{ target: 'build-budget', max_bytes: 2 * 1024 ** 3 }], bytes_freed: 700_000_000, automatic: true,
        outcomes: [{ path: '/home/gopher/.cache/go-build', label: 'build cache over 2 GiB', outcome: 'removed', cause: null, detail: null, bytes: 700_000_000, in_place: false, note: null }] },
    );

  // The automatic cleanup (issue #17). Not the core's rules: a stand-in giving answers of the
  // right shape. The first 40 versions count as used by the projects; the rest unused for
  // longer than `unused_days` (by newest_mtime) go, then, over the budget, the oldest.
  const autoPolicies: Ipc.AutoPolicy[] = [];
  let autoPreviewPending: { reject: (e: unknown) => void } | null = null;
  let autoInstalled = cfg.autoInstalled === true;
  // The command-line tool on PATH (Settings): an AppImage's copy in ~/.local/bin.
  let cliOnPath = false;
  const cliReport = (outcome: Ipc.CliPathOutcome): Ipc.CliPathReport => ({
    outcome,
    method: 'copy',
    cli: '/tmp/.mount_GoCach1/usr/bin/gocache-doctor',
    location: '/home/gopher/.local/bin/gocache-doctor',
    on_path: true,
    new_terminal: false,
  });
  const autoDecisions = (p: Ipc.AutoPolicy): Ipc.AutoDecision[] => {
    const rows = modules.filter((m) => !m.toolchain);
    const out: Ipc.AutoDecision[] = [];
    const cands: Ipc.AutoDecision[] = [];
    rows.forEach((m, i) => {
      const d: Ipc.AutoDecision = { path: m.path, version: m.version, bytes: m.bytes + m.download_bytes, last_use: m.newest_mtime, source: i % 7 === 0 ? 'mtime' : 'atime', remove: false, reason: 'recent' };
      if (i < 40) out.push({ ...d, last_use: null, source: 'in-use', reason: 'in-use' });
      else if (p.unused_days !== null && (m.newest_mtime ?? 0) < NOW - p.unused_days * DAY) cands.push({ ...d, remove: true, reason: 'unused-days' });
      else cands.push(d);
    });
    cands.sort((a, b) => (a.last_use ?? 0) - (b.last_use ?? 0));
    const total = rows.reduce((s, m) => s + m.bytes + m.download_bytes, 0);
    let left = total - cands.filter((c) => c.remove).reduce((s, c) => s + c.bytes, 0);
    if (p.modcache_max_bytes !== null)
      for (const c of cands) {
        if (left <= p.modcache_max_bytes) break;
        if (c.remove) continue;
        c.remove = true;
        c.reason = 'over-budget';
        left -= c.bytes;
      }
    return [...cands.filter((c) => c.remove), ...out, ...cands.filter((c) => !c.remove)];
  };
  const autoRun = (p: Ipc.AutoPolicy, dry: boolean): Ipc.AutoRun => {
    const decisions = autoDecisions(p);
    const freed = decisions.filter((d) => d.remove).reduce((s, d) => s + d.bytes, 0);
    const mc = cacheOf('modcache');
    const build = cacheOf('build');
    const caches: Ipc.CacheRun[] = [];
    if (mc) caches.push({ kind: 'modcache', path: mc.path, bytes_before: mc.bytes, bytes_after: mc.bytes - freed, budget: p.modcache_max_bytes, tightened: false, free_bytes: 40e9, floor_bytes: null, skipped: null, holders: [] });
    if (build) caches.push({ kind: 'build', path: build.path, bytes_before: build.bytes, bytes_after: p.build_max_bytes !== null ? Math.min(build.bytes, p.build_max_bytes) : build.bytes, budget: p.build_max_bytes, tightened: false, free_bytes: 40e9, floor_bytes: null, skipped: null, holders: [] });
    return { time: NOW, dry_run: dry, policy: p, projects: ['/home/gopher/src/work/api', '/home/gopher/src/work/cli'], caches, decisions, plan: null, results: [], bytes_freed: dry ? 0 : freed, warnings: [] };
  };
  const autoStatus = (): Ipc.ScheduleStatus => {
    const auto = history.filter((e) => e.automatic === true);
    return {
      installed: autoInstalled, mechanism: autoInstalled ? 'systemd_user' : null, scheduler: 'a systemd user timer',
      files: autoInstalled ? ['/home/gopher/.config/systemd/user/gocache-doctor-auto.timer'] : [], cron_lines: [], entry: null,
      schedule: 'daily, and 5 minutes after login', next_run: autoInstalled ? 'Mon 2026-12-07 00:04:12 UTC' : null,
      last_runs: auto.map((e) => ({ time: e.time, bytes_freed: e.bytes_freed })), total_freed: auto.reduce((s, e) => s + e.bytes_freed, 0), notes: [],
    };
  };

  const rootItem = (kind: Ipc.CacheKind, label: string): Ipc.PlanItem | null => {
    const c = cacheOf(kind);
    const e = envCache(kind);
    if (!c || !e || !e.exists) return null;
    return { cache: kind, root: c.path, path: c.path, label, action: { kind: 'root' }, bytes: c.bytes, disk_bytes: c.disk_bytes, files: c.files };
  };
  const versionItem = (m: Ipc.ModuleVersion): Ipc.PlanItem => ({
    cache: 'modcache', root: GOMODCACHE, path: m.dir, label: `${m.path}@${m.version}`,
    action: { kind: 'module-version', module: m.path, version: m.version, escpath: m.path, escver: m.version, keep_mod_files: false },
    bytes: m.bytes + m.download_bytes, disk_bytes: m.disk_bytes + dlDisk(m), files: m.files + DL_FILES,
  });

  function cleanPlan(targets: Ipc.Target[]): Ipc.PlannedClean {
    const items: Ipc.PlanItem[] = [];
    const skipped: Ipc.SkippedTarget[] = [];
    const warnings: string[] = [];
    for (const t of targets) {
      const add = (it: Ipc.PlanItem | null, label: string) => (it ? items.push(it) : skipped.push({ target: label, path: null, cause: 'not-present', reason: `The ${label} does not exist.` }));
      switch (t.target) {
        case 'modcache': add(rootItem('modcache', 'module cache'), 'module cache'); break;
        case 'gopls': add(rootItem('gopls', 'gopls cache'), 'gopls cache'); break;
        case 'gopls-index': add(rootItem('gopls-index', 'gopls module index'), 'gopls module index'); break;
        case 'golangci-lint': add(rootItem('golangci-lint', 'golangci-lint cache'), 'golangci-lint cache'); break;
        case 'staticcheck': add(rootItem('staticcheck', 'staticcheck cache'), 'staticcheck cache'); break;
        case 'build': {
          const b = fullReport.build;
          if (!b) { skipped.push({ target: 'build cache', path: null, cause: 'not-present', reason: 'The build cache does not exist.' }); break; }
          items.push({ cache: 'build', root: b.path, path: b.path, label: 'build cache', action: { kind: 'entries', entries: [] }, bytes: b.bytes, disk_bytes: b.bytes + 4096 * b.entries, files: b.entries });
          break;
        }
        case 'build-older-than': {
          const b = fullReport.build;
          if (!b) break;
          // The buckets' lower bounds: < 1 day, 1-2, 2-5, > 5 days.
          const minAge = [0, 1, 2, 5];
          const buckets = b.age_histogram.filter((_, i) => minAge[i] >= t.days);
          for (const [i, x] of buckets.entries()) if (x.entries > 0) items.push({ cache: 'build', root: b.path, path: `${b.path}/#older-${i}`, label: `${x.label}`, action: { kind: 'entries', entries: [] }, bytes: x.bytes, disk_bytes: x.bytes, files: x.entries });
          break;
        }
        case 'build-budget': {
          // Least recently used first: whole age buckets, oldest first, until the rest fits.
          const b = fullReport.build;
          if (!b) break;
          let rest = b.bytes;
          const buckets = b.age_histogram.map((x, i) => [x, i] as const).reverse();
          for (const [x, i] of buckets) {
            if (rest <= t.max_bytes) break;
            if (x.entries === 0) continue;
            items.push({ cache: 'build', root: b.path, path: `${b.path}/#lru-${i}`, label: `${x.label}`, action: { kind: 'entries', entries: [] }, bytes: x.bytes, disk_bytes: x.bytes, files: x.entries });
            rest -= x.bytes;
          }
          break;
        }
        case 'test':
          items.push({ cache: 'build', root: '/home/gopher/.cache/go-build', path: '/home/gopher/.cache/go-build/testexpire.txt', label: 'test results (testexpire.txt)', action: { kind: 'test-expire' }, bytes: 0, disk_bytes: 0, files: 0 });
          break;
        case 'fuzz':
          items.push({ cache: 'build', root: '/home/gopher/.cache/go-build', path: '/home/gopher/.cache/go-build/fuzz', label: 'fuzz cache', action: { kind: 'tree' }, bytes: fullReport.build ? fullReport.build.fuzz_bytes : 0, disk_bytes: 8_000_000, files: fullReport.build ? fullReport.build.fuzz_files : 0 });
          break;
        case 'vcs': {
          const p = fullReport.modcache_parts;
          if (p && p.vcs_files > 0) items.push({ cache: 'modcache', root: GOMODCACHE, path: `${GOMODCACHE}/cache/vcs`, label: 'cache/vcs', action: { kind: 'tree' }, bytes: p.vcs_bytes, disk_bytes: p.vcs_disk_bytes, files: p.vcs_files });
          else skipped.push({ target: 'module cache vcs checkouts', path: `${GOMODCACHE}/cache/vcs`, cause: 'not-present', reason: 'cache/vcs does not exist' });
          break;
        }
        case 'toolchains':
          for (const m of fullReport.modules.filter((x) => x.toolchain)) items.push(versionItem(m));
          warnings.push('go1.23.5 runs from /usr/local/go, not from the module cache: removing toolchains does not affect it.');
          break;
        case 'module-version': {
          const m = fullReport.modules.find((x) => x.path === t.path && x.version === t.version);
          if (m) items.push(versionItem(m));
          else skipped.push({ target: `${t.path}@${t.version}`, path: null, cause: 'not-present', reason: 'This version is not in the module cache.' });
          break;
        }
        case 'module-versions':
          for (const v of t.versions) {
            const m = fullReport.modules.find((x) => x.path === v.path && x.version === v.version);
            if (m) items.push(versionItem(m));
            else skipped.push({ target: `${v.path}@${v.version}`, path: null, cause: 'not-present', reason: 'This version is not in the module cache.' });
          }
          break;
        default:
          throw ipcError('BadArgument', `mock: unsupported target ${(t as Ipc.Target).target}`);
      }
    }
    const sumOf = (f: 'bytes' | 'disk_bytes' | 'files') => items.reduce((s, i) => s + i[f], 0);
    const plan: Ipc.Plan = { created: NOW, targets, items, skipped, warnings, total_bytes: sumOf('bytes'), total_disk_bytes: sumOf('disk_bytes'), total_files: sumOf('files') };
    const id = `plan-${++planSeq}`;
    plans.set(id, plan);
    return { id, plan };
  }

  // Applies a clean's removals to the mock disk (env + scan report); returns the undo snapshot.
  function applyRemoval(removedItems: Ipc.PlanItem[]): string {
    const snapshot = JSON.stringify({ env, fullReport: { ...fullReport } });
    for (const it of removedItems) {
      if (it.action.kind === 'root') {
        for (const kind of it.cache === 'modcache' ? (['modcache', 'toolchains'] as const) : [it.cache]) {
          const e = envCache(kind);
          if (e) e.exists = false;
          fullReport.caches = fullReport.caches.filter((c) => c.kind !== kind);
        }
        if (it.cache === 'modcache') {
          fullReport.modules = [];
          fullReport.module_totals = [];
          fullReport.modcache_parts = null;
        }
      } else if (it.action.kind === 'module-version') {
        const { module, version } = it.action;
        fullReport.modules = fullReport.modules.filter((m) => !(m.path === module && m.version === version));
        const c = cacheOf('modcache');
        if (c) c.bytes -= it.bytes;
      } else if (it.action.kind !== 'test-expire') {
        const c = cacheOf(it.cache);
        if (c) c.bytes = Math.max(0, c.bytes - it.bytes);
      }
    }
    if (removedItems.some((it) => it.action.kind === 'module-version')) {
      const byPath = new Map<string, Ipc.ModuleTotal>();
      for (const m of fullReport.modules) {
        const t = byPath.get(m.path) || { path: m.path, versions: 0, bytes: 0, disk_bytes: 0, download_bytes: 0, files: 0 };
        t.versions++; t.bytes += m.bytes; t.disk_bytes += m.disk_bytes; t.download_bytes += m.download_bytes; t.files += m.files;
        byPath.set(m.path, t);
      }
      fullReport.module_totals = [...byPath.values()];
    }
    fullReport.total = totalOf(fullReport.caches);
    return snapshot;
  }

  function restore(snapshot: string) {
    const s = JSON.parse(snapshot);
    Object.assign(env, s.env);
    Object.assign(fullReport, s.fullReport);
  }

  async function cleanExecute(planId: string, channelId: number, elevated: boolean): Promise<Ipc.CleanRun> {
    const plan = plans.get(planId);
    if (!plan) throw ipcError('UnknownPlan', `no plan ${planId} (the app keeps the last 8)`);
    cleanCalls.push({ cmd: elevated ? 'clean_elevated' : 'clean_execute', planId, targets: plan.targets });
    cancelClean = false;
    let idx = 0;
    const emit = (message: Ipc.CleanUpdate) => send(channelId, idx++, message);
    const results: Ipc.ItemResult[] = [];
    for (const [i, it] of plan.items.entries()) {
      if (cancelClean) {
        results.push({ path: it.path, label: it.label, outcome: 'failed', cause: 'cancelled', detail: null, bytes: it.bytes, in_place: false, note: null });
        continue;
      }
      emit({ event: 'itemStarted', data: { index: i, label: it.label } });
      // Big plans (thousands of versions) go by in batches, like the real parallel removal.
      if (i % 100 === 0) await sleep(cfg.itemDelay ?? 15);
      const fail = !elevated && cfg.cleanFail === 'permission' && i === 0;
      const lockFail = !elevated && cfg.cleanFail === 'locked' && i === 0;
      const r: Ipc.ItemResult = lockFail
        ? { path: it.path, label: it.label, outcome: 'failed', cause: 'locked',
            detail: { path: `${it.path}/cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock`, message: 'The process cannot access the file because it is being used by another process. (os error 32)', owner: null, fix: null, holder: 'go (pid 4242, user gopher): open-file, flock', more: 2 },
            bytes: it.bytes, in_place: false, note: null }
        : fail
        ? { path: it.path, label: it.label, outcome: 'failed', cause: 'permission',
            detail: { path: `${it.path}/github.com/acme/cobra-1@v1.2.1`, message: 'Permission denied (os error 13)', owner, fix: `sudo chown -R "$(id -un)" ${it.root}`, holder: null, more: 17 },
            bytes: it.bytes, in_place: false, note: null }
        : { path: it.path, label: it.label, outcome: 'removed', cause: null, detail: null, bytes: it.bytes, in_place: elevated, note: null };
      results.push(r);
      emit({ event: 'itemFinished', data: { index: i, outcome: r.outcome } });
    }
    const removed = plan.items.filter((_, i) => results[i].outcome === 'removed');
    const snapshot = applyRemoval(removed);
    const run_id = `run-${++runSeq}`;
    const quarantined = removed.reduce((s, it) => s + it.bytes, 0);
    const undoSeconds = cfg.undoSeconds ?? 10;
    const run: Run = { run_id, plan, results, emit, snapshot, done: false, timer: null };
    runs.set(run_id, run);
    if (elevated || removed.length === 0) {
      run.done = true;
      record(plan, results);
      return { run_id, plan_id: planId, results, quarantined_bytes: 0, undo_deadline_ms: null, state: 'done' };
    }
    const deadline = Date.now() + undoSeconds * 1000;
    run.timer = setTimeout(() => { run.timer = null; purge(run); }, undoSeconds * 1000);
    return { run_id, plan_id: planId, results, quarantined_bytes: quarantined, undo_deadline_ms: deadline, state: 'holding' };
  }

  async function purge(run: Run) {
    if (run.done || run.undone) return;
    const removed = run.results.filter((r) => r.outcome === 'removed');
    run.purging = true;
    run.emit({ event: 'purgeStarted', data: { run_id: run.run_id, total: removed.length } });
    let bytes = 0;
    for (const [i, r] of removed.entries()) {
      if (i % 100 === 0) await sleep(cfg.purgeDelay ?? 40);
      if (run.undone) return;
      bytes += r.bytes;
      run.emit({ event: 'purged', data: { done: i + 1, total: removed.length, bytes } });
    }
    run.done = true;
    record(run.plan, run.results);
    run.emit({ event: 'purgeFinished', data: { run_id: run.run_id, results: run.results, bytes_freed: bytes } });
  }

  function record(plan: Ipc.Plan, results: Ipc.ItemResult[]) {
    history.unshift({ time: Math.floor(Date.now() / 1000), targets: plan.targets, outcomes: results,
      bytes_freed: results.reduce((s, r) => s + (r.outcome === 'removed' ? r.bytes : 0), 0) });
  }

  function cleanUndo(runId: string): Ipc.UndoReport {
    const run = runs.get(runId);
    if (!run) throw ipcError('UnknownRun', `no run ${runId}`);
    if (run.done) throw ipcError('NotUndoable', 'the purge has finished');
    if (run.timer) clearTimeout(run.timer);
    run.undone = true;
    restore(run.snapshot);
    const report: Ipc.UndoReport = { run_id: runId, restored: run.results.filter((r) => r.outcome === 'removed').length, superseded: 0, already_purged: 0, failures: [] };
    run.emit({ event: 'undone', data: report });
    return report;
  }

  function selectModules(criteria: Ipc.SelectCriteria): Ipc.Selection {
    const mods = fullReport.modules;
    let versions: Ipc.ModuleVersion[] = [];
    let projects = 0;
    let projectDirs: string[] = [];
    const warnings: string[] = [];
    if (criteria.kind === 'older-than') {
      versions = mods.filter((m) => (m.newest_mtime ?? 0) < NOW - criteria.days * DAY);
    } else if (criteria.kind === 'keep-latest') {
      const byPath = new Map<string, Ipc.ModuleVersion[]>();
      for (const m of mods) byPath.set(m.path, [...(byPath.get(m.path) || []), m]);
      for (const list of byPath.values()) {
        list.sort((a, b) => b.version.localeCompare(a.version, 'en', { numeric: true }));
        versions.push(...list.slice(criteria.n));
      }
    } else if (criteria.kind === 'unused') {
      if (criteria.roots.length === 0) throw ipcError('BadRoot', 'no project roots given');
      for (const r of criteria.roots) if (!r.startsWith('/')) throw ipcError('BadRoot', `${r}: not an absolute path`);
      projects = criteria.roots.length * 3;
      projectDirs = criteria.roots.flatMap((r) => ['api', 'cli', 'web'].map((p) => `${r}/${p}`));
      // "Used": the toolchains and every module whose path has an even length.
      versions = mods.filter((m) => !m.toolchain && m.path.length % 2 === 1);
      if (criteria.roots.some((r) => r.includes('broken'))) warnings.push(`${criteria.roots.find((r) => r.includes('broken'))}/app/go.mod: parse error at line 3; its requirements are unknown, so nothing it might use was selected`);
    }
    return { versions: versions.map((m) => ({ path: m.path, version: m.version })), projects, project_dirs: projectDirs, warnings };
  }


  // --- verify --------------------------------------------------------------------------------
  // A version's folders: a fixed split of its size, and one level more below each folder.
  const FOLDER_SPLIT: [string, number][] = [['internal', 0.42], ['testdata', 0.23], ['cmd', 0.14], ['docs', 0.09], ['examples', 0.07], ['', 0.05]];
  const moduleFolders = (module: string, version: string, sub: string): Ipc.VersionFolders => {
    if (cfg.foldersError) throw ipcError(cfg.foldersError, `${GOMODCACHE}/${module}@${version}: No such file or directory (os error 2)`);
    if (sub.split('/').some((e) => e === '..')) throw ipcError('BadRoot', `${sub}: not a folder inside the module version`);
    const m = fullReport.modules.find((x) => x.path === module && x.version === version);
    if (!m) throw ipcError('NotFound', `${module}@${version}: No such file or directory (os error 2)`);
    const depth = sub === '' ? 0 : sub.split('/').length;
    let bytes = m.bytes;
    for (let d = 0; d < depth; d++) bytes = Math.floor(bytes * (d === 0 ? 0.42 : 0.5));
    const split: [string, number][] = depth === 0 ? FOLDER_SPLIT : [['a', 0.5], ['b', 0.3], ['c', 0.15], ['', 0.05]];
    const entries = split.map(([name, share]) => ({
      name, dir: name !== '', bytes: Math.floor(bytes * share), files: Math.max(1, Math.floor((bytes * share) / 9000)),
    }));
    return { module, version, sub, dir: `${m.dir}${sub ? '/' + sub : ''}`, entries, bytes: entries.reduce((a, e) => a + e.bytes, 0), unreadable: 0 };
  };

  // A verification of the mock's modules: a few broken in the usual ways, one build cache
  // entry corrupt. `verify: 'manual'` holds the run at 40% until verify_cancel or
  // __mock.finishVerify(); `verifyError` makes verify_start fail with that code; a project
  // path containing "retag" gives a retagged go.sum mismatch. Repair fixes the versions it is
  // given (the next verification finds them ok).
  const verifyCalls: Record<string, unknown>[] = [];
  const verifyStates: string[] = [];
  const repaired = new Set<string>();
  let verifyPending: { finish: (cancelled: boolean) => void } | null = null;
  /** A module finding as the core writes it: a message, and its English (here a marker). */
  const finding = (status: Ipc.VerifyStatus, id: string, args: Record<string, string> = {}): Ipc.VerifyFinding => {
    const m = msg(id, args);
    return { status, message: english(m), msg: m };
  };
  type Broken = { m: Ipc.ModuleVersion; status: Ipc.VerifyStatus; files: Ipc.FileChange[]; findings: Ipc.VerifyFinding[] };
  const brokenPlan = (): Broken[] => {
    const m = fullReport.modules.filter((x) => !x.toolchain);
    const at = (i: number) => m[Math.min(i, m.length - 1)];
    return [
      { m: at(4), status: 'dir-modified', files: [{ name: 'decode.go', change: 'modified' }, { name: 'internal/patch_test.go', change: 'added' }, { name: 'LICENSE', change: 'removed' }],
        findings: [finding('dir-modified', 'finding.dir-modified', { dir: at(4).dir, hash: 'h1:9fq3Xw2s0lT1W3sY0d8k3Hq7m2Xc9bE4pQ1rT5vY8nA=', ziphash: 'h1:Zk2vQ8mN3bX7cW1eR5tY9uI0oP4aS6dF2gH8jK1lZ3x=',
          modified: '1', added: '1', removed: '1', files: 'decode.go (modified), internal/patch_test.go (added), LICENSE (removed)', names: 'decode.go, internal/patch_test.go, LICENSE', more: '' }),
          finding('writable-files', 'finding.writable', { count: '3', files: 'decode.go, go.mod, README.md', more: '' })] },
      { m: at(9), status: 'zip-modified', files: [], findings: [finding('zip-modified', 'finding.zip-modified', { file: `${at(9).dir}.zip`, hash: 'h1:Ab1cD2eF3gH4iJ5kL6mN7oP8qR9sT0uV1wX2yZ3aB4c=', ziphash: 'h1:Qw9eR8tY7uI6oP5aS4dF3gH2jK1lZ0xC9vB8nM7qW6e=' })] },
      { m: at(15), status: 'partial', files: [], findings: [finding('partial', 'finding.partial', { version: at(15).version })] },
      { m: at(21), status: 'writable-files', files: [], findings: [finding('writable-files', 'finding.writable', { count: '12', files: 'a.go, b.go, c.go, d.go, e.go', more: ', ...' })] },
      { m: at(30), status: 'leftovers', files: [], findings: [finding('leftovers', 'finding.leftovers', { files: 'v1.4.0.zip3311.tmp' })] },
    ];
  };
  const key = (m: { path: string; version: string }) => `${m.path}@${m.version}`;

  // A project-mode message as the core writes it (crates/core/src/verify/msg.rs). Beside it the
  // core puts its English (what the CLI prints); here a marker instead, so a test sees the app
  // render the message from its own catalogs, never fall back to that string.
  const msg = (id: string, args: Record<string, string> = {}): Ipc.VerifyMsg => ({ id, args });
  const english = (m: Ipc.VerifyMsg): string => `(the core's English of ${m.id})`;
  /** go.sum mismatches: a retagged version; with `mixed`, one of each kind the core explains. */
  function projectMismatches(mods: Ipc.ModuleVersion[], mixed: boolean): Ipc.Mismatch[] {
    const mk = (i: number, line: number, cause: Ipc.MismatchCause, gosum: string, cache: string | null, explanation: Ipc.VerifyMsg, evidence: Ipc.VerifyMsg[], proxy: Ipc.ProxyCheck | null = null): Ipc.Mismatch => ({
      path: mods[i].path, version: mods[i].version, go_mod: false, line, gosum_hash: gosum, cache_hash: cache, cause, proxy,
      explanation: english(explanation), evidence: evidence.map(english), explanation_msg: explanation, evidence_msgs: evidence,
    });
    const label = (i: number) => `${mods[i].path}@${mods[i].version}`;
    const OLD = 'h1:OLD0000000000000000000000000000000000000000=';
    const NEW = 'h1:NEW1111111111111111111111111111111111111111=';
    const out = [mk(2, 17, 'retagged', OLD, NEW, msg('explain.retagged', { label: label(2), module: mods[2].path }), [
      msg('evidence.zip-hash', { line: '17', label: label(2), gosum: OLD, hash: NEW }),
      msg('evidence.zip-consistent'),
      msg('evidence.sumdb-in-use'),
    ])];
    if (!mixed) return out;
    out.push(mk(3, 23, 'settings', OLD, NEW, msg('explain.settings', { label: label(3) }), [
      msg('evidence.zip-hash', { line: '23', label: label(3), gosum: OLD, hash: NEW }),
      msg('evidence.zip-consistent'),
      msg('evidence.gosumdb-off', { source: 'go-env-file' }),
      msg('evidence.nosumdb', { module: mods[3].path, name: 'GOPRIVATE', pattern: mods[3].path.split('/')[0], source: 'env' }),
    ]));
    out.push(mk(5, 30, 'cache-corrupted', NEW, NEW, msg('explain.corrupted-files', { label: label(5), files: 'decode.go, LICENSE' }), [
      msg('evidence.finding', { status: 'dir-modified', message: `dir has been modified: ${mods[5].dir} hashes to h1:9fq3…, not ${NEW}; 1 file modified, 1 removed: decode.go, LICENSE` }),
      msg('evidence.ziphash-agrees', { line: '30', label: label(5) }),
    ]));
    const pc: Ipc.ProxyCheck = { verdict: 'differs', proxy_hash: NEW, proxy: 'https://proxy.golang.org', sumdb_checked: true, note: '',
      note_msg: msg('proxy.differs-sumdb', { proxy: 'https://proxy.golang.org', hash: NEW, gosum: OLD }) };
    pc.note = english(pc.note_msg);
    out.push(mk(6, 44, 'gosum-wrong', OLD, null, msg('explain.gosum-wrong-sumdb', { line: '44', label: label(6), module: mods[6].path, version: mods[6].version }), [
      msg('evidence.not-in-cache', { label: label(6) }),
      pc.note_msg,
      msg('evidence.sumdb-vouches'),
    ], pc));
    return out;
  }

  function verifyReport(project: string | null, cancelled: boolean, compareProxy = false): Ipc.VerifyReport {
    const rank: Partial<Record<Ipc.VerifyStatus, number>> = { 'dir-modified': 0, 'zip-modified': 1, partial: 4, 'writable-files': 6, leftovers: 7, ok: 10 };
    const special = new Map(brokenPlan().filter((b) => !repaired.has(key(b.m))).map((b) => [key(b.m), b]));
    let mods = fullReport.modules;
    if (project) mods = mods.slice(0, 40);
    if (cancelled) mods = mods.slice(0, Math.floor(mods.length * 0.4));
    const modules = mods.map((m): Ipc.VerifyModule => {
      const b = special.get(key(m));
      return { path: m.path, version: m.version, status: b ? b.status : 'ok', files: b ? b.files : [], findings: b ? b.findings : [],
        dir: m.dir, ziphash: 'h1:mock=', bytes_hashed: m.bytes + m.download_bytes };
    }).sort((a, b) => (rank[a.status] ?? 10) - (rank[b.status] ?? 10) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    const broken = modules.filter((m) => ['dir-modified', 'zip-modified', 'partial'].includes(m.status)).length;
    const corrupt = msg('problem.output-hash', { hash: '77e0c2d41f3b9a8e5d6c7b8a9f0e1d2c3b4a5f6e7d8c9b0a1f2e3d4c5b6a7f8e' });
    const problems: Ipc.VerifyProblem[] = project ? [] : [{ id: 'build-output-corrupt', severity: 'error', path: '/home/gopher/.cache/go-build/3f/3f9a1c-d', message: english(corrupt), msg: corrupt }];
    return {
      modules, problems, checked: modules.length, broken, modcache: GOMODCACHE,
      build: project ? null : { path: '/home/gopher/.cache/go-build', action_entries: 9201, output_entries: 9201, corrupt_outputs: 1, malformed_actions: 0, dangling_actions: 3 },
      project: project ? {
        dir: project, gosum: `${project}/go.sum`, lines: 80, matched: 77,
        not_in_cache: [{ path: 'golang.org/x/text', version: 'v0.14.0', go_mod: false, line: 41, gosum_hash: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=',
          proxy: compareProxy ? { verdict: 'same', proxy_hash: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=', proxy: 'https://proxy.golang.org', sumdb_checked: true,
            note: 'https://proxy.golang.org serves h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=, the hash go.sum holds (Go also checked it against the checksum database)',
            note_msg: msg('proxy.same-sumdb', { proxy: 'https://proxy.golang.org', hash: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=', gosum: 'h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=' }) } : null }],
        versions_checked: mods.length, version_set: 'the build list (go list -m all), which go mod verify checks', version_set_msg: msg('set.build-list'), proxy_compared: compareProxy,
        mismatches: project.includes('retag') || project.includes('mixed') ? projectMismatches(mods, project.includes('mixed')) : [],
        settings: ['GOPROXY=https://proxy.golang.org,direct (Go\'s default)', 'GOSUMDB=sum.golang.org (Go\'s default)'],
        settings_msgs: [msg('setting', { name: 'GOPROXY', value: 'https://proxy.golang.org,direct', source: 'default' }), msg('setting', { name: 'GOSUMDB', value: 'sum.golang.org', source: 'default' })],
      } : null,
      special_files: 0, bytes_hashed: modules.reduce((s, m) => s + m.bytes_hashed, 0), elapsed_ms: cancelled ? 800 : 2350, cancelled,
    };
  }

  function verifyStart(args: Args): Promise<Ipc.VerifyReport> {
    const project = args.options ? args.options.project : null;
    const compareProxy = !!args.options?.compare_proxy;
    verifyCalls.push({ cmd: 'verify_start', project, ...(compareProxy ? { compareProxy } : {}) });
    if (cfg.verifyError) return Promise.reject(ipcError(cfg.verifyError, `${project || GOMODCACHE}/go.sum: No such file or directory (os error 2)`));
    if (verifyPending) { const p = verifyPending; verifyPending = null; p.finish(true); }
    const channelId = args.onEvent.id;
    const full = verifyReport(project, false, compareProxy);
    const total = full.bytes_hashed;
    let idx = 0;
    const emit = (message: Ipc.VerifyEvent) => send(channelId, idx++, message);
    return new Promise<Ipc.VerifyReport>((resolve) => {
      const run = { finish: (cancelled: boolean) => {
        const r = cancelled ? verifyReport(project, true, compareProxy) : full;
        emit({ event: 'verifyFinished', data: { bytes: r.bytes_hashed, broken: r.broken, cancelled } });
        resolve(r);
      } };
      verifyPending = run;
      (async () => {
        emit({ event: 'verifyStarted', data: { versions: full.checked, build_entries: project ? 0 : 18402, total_bytes: total } });
        for (let step = 1; step <= 5; step++) {
          await sleep(cfg.verify === 'manual' ? 120 : 60);
          if (verifyPending !== run) return;
          const frac = step / 5;
          if (cfg.verify === 'manual' && frac > 0.4) return; // hold until cancelled or finishVerify()
          const m = full.modules[Math.floor((full.modules.length - 1) * frac)];
          emit({ event: 'verifyProgress', data: { bytes: Math.floor(total * frac), total_bytes: total, versions_done: Math.floor(full.checked * frac), versions: full.checked,
            broken: Math.floor(full.broken * frac), current: `${m.path}@${m.version}` } });
        }
        await sleep(20);
        if (verifyPending === run) { verifyPending = null; run.finish(false); }
      })();
    });
  }

  async function verifyRepair(args: Args): Promise<Ipc.RepairReport> {
    // The app takes ids (`path@version`) of versions its last verification reported broken.
    const versions: { path: string; version: string }[] = (args.ids as string[]).map((id) => { const at = id.indexOf('@'); return { path: id.slice(0, at), version: id.slice(at + 1) }; });
    verifyCalls.push({ cmd: 'verify_repair', ids: args.ids, versions, project: args.project ?? null });
    const channelId = args.onEvent.id;
    const labels: string[] = args.ids;
    send(channelId, 0, { event: 'repairStarted', data: { versions: labels, download: !cfg.goMissing } });
    await sleep(cfg.repairDelay ?? 300);
    for (const l of labels) repaired.add(l);
    const removed = versions.map((v): Ipc.ItemResult => ({ path: `${GOMODCACHE}/${v.path}@${v.version}`, label: `${v.path}@${v.version}`, outcome: 'removed', cause: null, detail: null, bytes: 120_000, in_place: true, note: null }));
    const download: Ipc.Download | null = cfg.goMissing ? null : {
      command: `GOTOOLCHAIN=local GOFLAGS=-mod=mod /usr/local/go/bin/go mod download -- ${labels.join(' ')}`,
      dir: args.project || '/tmp/gocache-doctor-repair-4242',
      output: labels.map((l) => `go: downloading ${l.replace('@', ' ')}`).join('\n') + '\n',
      success: true,
    };
    send(channelId, 1, { event: 'repairFinished', data: { removed: removed.length, download_success: download ? download.success : null } });
    const noteMsg = cfg.goMissing ? msg('repair.no-go') : null;
    return { versions: labels, removed, skipped: [], download, audit_error: null, note: noteMsg ? english(noteMsg) : null, note_msg: noteMsg };
  }

  // --- locks (issue #5) ----------------------------------------------------------------------
  // `locks: 'some'` gives five holders (a go command with a module lock, gopls with many files,
  // VS Code with its cwd in a version, python3 with a deleted file in the build cache, another
  // user's backup agent) and 2 inaccessible processes; `'none'` (default) none; `'error'` makes
  // locks_list fail. locks_end removes the holder (RefusedOtherUser for the other user's, pid 1
  // RefusedSystem, unknown NotAHolder, a start time other than the listed one ProcessChanged, none
  // Unidentified). `locksDelay` ms per locks_list (inflight overlap recorded).
  const locksCalls: Record<string, unknown>[] = [];
  const locksStats = { inflight: 0, maxInflight: 0 };
  const held = (cache: Ipc.CacheKind, module: string | null, rel: string, kind: Ipc.HoldKind): Ipc.HeldPath => ({ cache, module, path: `${cache === 'build' ? '/home/gopher/.cache/go-build' : cache === 'gopls' ? '/home/gopher/.cache/gopls' : GOMODCACHE}/${rel}`, kind });
  type HolderSpec = Partial<Ipc.Holder> & Pick<Ipc.Holder, 'pid' | 'name' | 'exe' | 'advice' | 'paths'>;
  const holder = (h: HolderSpec): Ipc.Holder => Object.assign({ start_time: 100000 + h.pid, user: 'gopher', uid: 1000, is_current_user: true, app_name: null, cmdline: [h.name], tool: null, category: 'other' }, h, {
    caches: [...new Set(h.paths.map((p) => p.cache).filter((c): c is Ipc.CacheKind => c !== null))],
    modules: [...new Set(h.paths.map((p) => p.module).filter((m): m is string => m !== null))],
    kinds: (['open-file', 'cwd', 'root', 'exe', 'mmap', 'flock', 'deleted-open'] as Ipc.HoldKind[]).filter((k) => h.paths.some((p) => p.kind === k)),
  });
  let lockHolders = cfg.locks === 'some' ? [
    holder({ pid: 4242, name: 'go', exe: '/usr/local/go/bin/go', tool: 'go', category: 'go-tool', cmdline: ['go', 'mod', 'download'],
      advice: 'A go command holds a module version\'s lock: it is downloading or extracting it. Let it finish (or stop it with Ctrl+C in its terminal), then clean.',
      paths: [held('modcache', 'github.com/BurntSushi/toml@v1.2.0', 'cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock', 'open-file'),
        held('modcache', 'github.com/BurntSushi/toml@v1.2.0', 'cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock', 'flock')] }),
    holder({ pid: 5120, name: 'gopls', exe: '/home/gopher/go/bin/gopls', tool: 'gopls', category: 'go-tool', cmdline: ['gopls', 'serve'],
      advice: 'gopls restarts by itself while your editor runs: close the editor (or its Go extension) first, then clean.',
      paths: [
        ...Array.from({ length: 9 }, (_, i) => held('modcache', `github.com/spf13/cobra-${i}@v1.8.${i}`, `github.com/spf13/cobra-${i}@v1.8.${i}/command.go`, 'open-file')),
        held('gopls', null, '4f/4f9a1c2e-analysis', 'mmap'),
        held('gopls', null, 'index.db', 'open-file'),
      ] }),
    holder({ pid: 6001, name: 'code', exe: '/usr/share/code/code', category: 'ide', app_name: 'Visual Studio Code',
      advice: 'Visual Studio Code has a folder of the cache open (its terminal or workspace): close that window or change its folder.',
      paths: [held('modcache', 'golang.org/x/tools@v0.21.0', 'golang.org/x/tools@v0.21.0', 'cwd')] }),
    holder({ pid: 7007, name: 'python3', exe: '/usr/bin/python3.11', cmdline: ['python3', 'watch.py'],
      advice: 'Close the program, or end it here if you know what it is.',
      paths: [held('build', null, '3f/3f9a1c-d', 'open-file'), held('build', null, '7a/7a0b11-d (deleted)', 'deleted-open')] }),
    holder({ pid: 812, name: 'backup-agent', exe: '/opt/backup/bin/backup-agent', user: 'root', uid: 0, is_current_user: false,
      advice: 'This process belongs to another user: run Go Cache Doctor as administrator to end it.',
      paths: [held('modcache', 'github.com/acme/zap-3@v1.2.3', 'github.com/acme/zap-3@v1.2.3/logger.go', 'open-file')] }),
  ] : [];

  async function locksList(): Promise<Ipc.LocksReport> {
    locksCalls.push({ cmd: 'locks_list', at: Date.now() });
    locksStats.inflight++;
    locksStats.maxInflight = Math.max(locksStats.maxInflight, locksStats.inflight);
    try {
      await sleep(cfg.locksDelay ?? 20);
      if (cfg.locks === 'error') throw ipcError('Io', '/proc: Permission denied (os error 13)');
      const roots = env.caches.filter((c) => c.exists);
      return JSON.parse(JSON.stringify({
        holders: lockHolders,
        caches: roots.map((c) => ({ kind: c.kind, path: c.path, holders: lockHolders.filter((h) => h.paths.some((p) => p.path === c.path || p.path.startsWith(c.path + '/'))).length })),
        inaccessible: cfg.locks === 'some' ? 2 : 0, warnings: [], probe: 'procfs', elapsed_ms: 21,
      }));
    } finally {
      locksStats.inflight--;
    }
  }

  // The holders of a kept plan's paths only (the core's find_holders_of_plan): a holder of
  // another module's files is not named.
  async function cleanHolders(planId: string): Promise<Ipc.LocksReport> {
    locksCalls.push({ cmd: 'clean_holders', planId });
    await sleep(10);
    const plan = plans.get(planId);
    if (!plan) throw ipcError('UnknownPlan', `the preview "${planId}" has expired`);
    const touched = plan.items.flatMap((i) => {
      if (i.action.kind !== 'module-version') return [i.path];
      const dl = `${GOMODCACHE}/cache/download/${i.action.escpath.replace(/[A-Z]/g, (c) => '!' + c.toLowerCase())}/@v/${i.action.escver}.`;
      return [i.path, dl];
    });
    const hit = (p: string) => touched.some((t) => p === t || p.startsWith(t.endsWith('.') ? t : t + '/'));
    const holders = lockHolders.map((h) => ({ ...h, paths: h.paths.filter((p) => hit(p.path)) })).filter((h) => h.paths.length > 0);
    return JSON.parse(JSON.stringify({ holders, caches: [], inaccessible: 0, warnings: [], probe: 'procfs', elapsed_ms: 4 }));
  }

  async function locksEnd(pid: number, startTime: number | null | undefined): Promise<Ipc.EndOutcome> {
    locksCalls.push({ cmd: 'locks_end', pid, startTime });
    await sleep(150);
    if (pid === 0 || pid === 1) throw ipcError('RefusedSystem', `refusing to end PID ${pid} (a system process)`);
    if (startTime === undefined || startTime === null) throw ipcError('Unidentified', `refusing to end PID ${pid}: its start time is unknown`);
    const h = lockHolders.find((x) => x.pid === pid);
    if (!h) throw ipcError('NotAHolder', `refusing to end PID ${pid}: it holds no files in the Go caches`);
    if (h.start_time !== startTime) throw ipcError('ProcessChanged', `refusing to end PID ${pid}: it is no longer the process that was listed`);
    if (!h.is_current_user) throw ipcError('RefusedOtherUser', `process ${pid} belongs to ${h.user}; run as administrator to end it`);
    lockHolders = lockHolders.filter((x) => x.pid !== pid);
    const out: Ipc.EndOutcome = { pid, name: h.name, how: h.tool === 'gopls' ? 'killed' : 'exited', elapsed_ms: h.tool === 'gopls' ? 3004 : 12 };
    // Like the core: an ended process is a line of the audit log (the History).
    history.unshift({ time: Math.floor(Date.now() / 1000), targets: [], outcomes: [], bytes_freed: 0, ended: out });
    return out;
  }

  // --- doctor (issue #6): findings shaped like gocache_core::diagnose's, for this mock's paths ---
  const doctorCalls: Record<string, unknown>[] = [];
  const fixCmds = (os: Ipc.OsKind | null, bash: string, ps: string, cmd: string): Ipc.Fix[] =>
    os === 'windows'
      ? [{ kind: 'command', shell: 'powershell', text: ps }, { kind: 'command', shell: 'cmd', text: cmd }]
      : [{ kind: 'command', shell: 'bash', text: bash }];
  function diagnose(text: string, os: Ipc.OsKind | null): Ipc.Diagnosis {
    const here = !os || os === 'linux';
    const mc = here ? `'${GOMODCACHE}'` : os === 'windows' ? '(go env GOMODCACHE)' : '"$(go env GOMODCACHE)"';
    const findings: Ipc.DoctorFinding[] = [];
    for (const m of text.matchAll(/verifying (\S+?)@(\S+?)(?:\/go\.mod)?: checksum mismatch/g)) {
      findings.push({
        id: 'checksum-mismatch', variant: 'go-sum', severity: 'error', module: m[1], version: m[2], path: null,
        explanation: `The content of ${m[1]}@${m[2]} differs from the hash go.sum recorded. If the copy in your module cache is corrupted, delete that version and download it again.`,
        fixes: [
          { kind: 'action', shell: null, text: `clean-version:${m[1]}@${m[2]}` },
          { kind: 'action', shell: null, text: 'verify' },
          ...fixCmds(os, 'go clean -modcache', 'go clean -modcache', 'go clean -modcache'),
          ...fixCmds(os, `go mod download ${m[1]}@${m[2]}`, `go mod download ${m[1]}@${m[2]}`, `go mod download ${m[1]}@${m[2]}`),
        ],
      });
    }
    if (/permission denied/i.test(text)) {
      findings.push({
        id: 'permission-denied', variant: 'other-owner', severity: 'error', module: null, version: null, path: `${GOMODCACHE}/cache/download`,
        explanation: 'The module cache belongs to another user (root): go ran once with sudo. Give it back to your account.',
        fixes: [
          { kind: 'action', shell: null, text: 'fix-ownership' },
          ...fixCmds(os, `sudo chown -R "$(id -un)" ${mc}`, `takeown /F ${mc} /R /D Y; icacls ${mc} /grant "\${env:USERNAME}:F" /T`, `takeown /F "%USERPROFILE%\\go\\pkg\\mod" /R /D Y`),
        ],
      });
    }
    if (/being used by another process/i.test(text)) {
      findings.push({
        id: 'file-locked', variant: 'sharing-violation', severity: 'error', module: null, version: null, path: null,
        explanation: 'Another program holds a file of the cache open.',
        fixes: [{ kind: 'action', shell: null, text: 'show-lockers' }, ...fixCmds(os || 'windows', 'lsof +D', 'handle.exe', 'handle.exe')],
      });
    }
    if (findings.length === 0) {
      findings.push({
        id: 'not-recognized', variant: null, severity: 'info', module: null, version: null, path: null,
        explanation: 'Go Cache Doctor does not recognize this output. General checklist: 1) read the first error line; 2) go env GOPROXY GOPRIVATE GOSUMDB; 3) go mod tidy, then go mod verify.',
        fixes: [...fixCmds(os, 'go mod verify', 'go mod verify', 'go mod verify'), { kind: 'action', shell: null, text: 'verify' }],
      });
    }
    return { findings };
  }
  function doctorChecks(): Ipc.Checks {
    return {
      findings: [
        { id: 'gosumdb-off', variant: null, severity: 'error', module: null, version: null, path: 'off',
          explanation: 'GOSUMDB=off (set by environment variable): downloads are not checked against the checksum database.',
          fixes: [{ kind: 'command', shell: 'bash', text: 'go env -u GOSUMDB' }] },
        { id: 'modcache-writable', variant: null, severity: 'warning', module: null, version: null, path: GOMODCACHE,
          explanation: 'Some module files are writable: an edit would go unnoticed until go mod verify.',
          fixes: [{ kind: 'action', shell: null, text: 'verify' }, { kind: 'command', shell: 'bash', text: `chmod -R a-w '${GOMODCACHE}'` }] },
      ],
      discovery: env.problems.map((p) => ({
        problem: p.id,
        finding: { id: p.id, variant: null, severity: p.severity, module: null, version: null, path: null, explanation: p.message,
          fixes: p.id === 'go-env-mismatch' ? [{ kind: 'command', shell: 'bash', text: 'go env GOCACHE' }] : [] },
      })),
    };
  }
  function guideContext(): Ipc.GuideContext {
    const vars: Record<string, Ipc.Var> = { ...env.vars,
      GOPROXY: { value: 'https://goproxy.example,direct', source: 'goenv-file' },
      GOSUMDB: { value: 'sum.golang.org', source: 'goroot-go.env' },
      GOPRIVATE: { value: 'git.corp.example', source: 'env' },
      GONOPROXY: { value: 'git.corp.example', source: 'default' },
      GONOSUMDB: { value: 'git.corp.example', source: 'default' },
      GOINSECURE: { value: '', source: 'default' },
      GOFLAGS: { value: '', source: 'default' },
      GOPLSCACHE: { value: '/home/gopher/.cache/gopls', source: 'default' },
    };
    return JSON.parse(JSON.stringify({ os: env.os, go: env.go, vars, caches: env.caches, home: '/home/gopher', user: 'gopher' }));
  }

  w.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    transformCallback(callback: (payload: unknown) => unknown, once: boolean) {
      const id = nextId++;
      callbacks.set(id, (payload: unknown) => {
        if (once) callbacks.delete(id);
        return callback && callback(payload);
      });
      return id;
    },
    unregisterCallback(id: number) {
      callbacks.delete(id);
    },
    convertFileSrc(path: string) {
      return path;
    },
    async invoke(cmd: string, args: Args): Promise<unknown> {
      // size_history is counted apart (historyCalls): the start-up test checks the order of the rest.
      if (cmd !== 'size_history') calls.push(cmd);
      switch (cmd) {
        case 'env_report':
          if (cfg.env === 'manual') await new Promise<void>((r) => envWaiters.push(r));
          else await sleep(5);
          return JSON.parse(JSON.stringify(env));
        case 'startup_probe':
          probes.push(args.marks);
          return null;
        case 'scan_start':
          if (pending) throw ipcError('Internal', 'mock: a scan is already running');
          scanFull.push(args.full === true);
          return scanStart(args.onEvent.id);
        case 'watch_start':
          watchChannel = args.onChange.id;
          watchStarts++;
          return null;
        case 'watch_stop':
          watchChannel = null;
          return null;
        case 'module_folders':
          await sleep(30);
          return moduleFolders(args.module, args.version, args.sub);
        case 'size_history':
          historyCalls++;
          await sleep(5);
          return sizeHistory();
        case 'scan_cancel':
          if (pending) {
            const p = pending;
            pending = null;
            setTimeout(() => p.resolve(partialReport()), 30);
          }
          return null;
        case 'clean_plan':
          await sleep(cfg.planDelay ?? 30);
          if (cfg.planError) throw ipcError(cfg.planError, `mock ${cfg.planError}`);
          w.__mock.lastPlanTargets = args.targets;
          return cleanPlan(args.targets);
        case 'clean_execute':
          return cleanExecute(args.planId, args.onEvent.id, false);
        case 'clean_elevated':
          return cleanExecute(args.planId, args.onEvent.id, true);
        case 'clean_undo':
          return cleanUndo(args.runId);
        case 'clean_purge_now': {
          const r = runs.get(args.runId);
          if (r && r.timer) {
            clearTimeout(r.timer);
            r.timer = null;
            purge(r);
          }
          return null;
        }
        case 'clean_cancel':
          cancelClean = true;
          return null;
        case 'clean_history':
          return { entries: history.slice(0, args.limit), bad_lines: 0 } satisfies Ipc.CleanHistory;
        case 'select_modules':
          await sleep(40);
          return selectModules(args.criteria);
        case 'system_locale':
          return cfg.locale ?? 'en-US';
        case 'settings_get': {
          const answer = JSON.parse(JSON.stringify({ ...settings, notice: settingsNotice }));
          settingsNotice = null;
          return answer;
        }
        case 'app_info':
          return JSON.parse(JSON.stringify(appInfo));
        case 'open_link':
          linkCalls.push(args.name);
          if (!APP_LINKS.includes(args.name)) throw ipcError('BadArgument', `the app has no link named ${JSON.stringify(args.name)}`);
          return null;
        case 'reveal_path':
          revealCalls.push(args.path);
          if (cfg.revealError) throw ipcError(cfg.revealError, `mock: ${args.path}: ${cfg.revealError}`);
          return null;
        case 'export_modules': {
          exportCalls.push({ rows: args.rows, format: args.format, filter: args.filter });
          await sleep(20);
          if (cfg.exportCancel) return null;
          if (cfg.exportError) throw ipcError(cfg.exportError, `mock: /home/gopher/Downloads/go-modules.${args.format}: ${cfg.exportError}`);
          exportedPath = `/home/gopher/Downloads/go-modules-20261206-201500.${args.format}`;
          return exportedPath;
        }
        case 'reveal_export':
          revealCalls.push(`export:${exportedPath}`);
          if (exportedPath === null) throw ipcError('NotFound', 'nothing was exported yet');
          if (cfg.revealError) throw ipcError(cfg.revealError, `mock: ${exportedPath}: ${cfg.revealError}`);
          return null;
        case 'settings_set':
          settingsWrites.push(JSON.parse(JSON.stringify(args.settings)));
          settings = { ...args.settings, notice: null };
          return JSON.parse(JSON.stringify(settings));
        case 'verify_start':
          return verifyStart(args);
        case 'verify_cancel':
          verifyCalls.push({ cmd: 'verify_cancel' });
          if (verifyPending) {
            const p = verifyPending;
            verifyPending = null;
            setTimeout(() => p.finish(true), 30);
          }
          return null;
        case 'verify_repair':
          return verifyRepair(args);
        case 'locks_list':
          return locksList();
        case 'clean_holders':
          return cleanHolders(args.planId);
        case 'locks_end':
          return locksEnd(args.pid, args.startTime);
        case 'auto_policy_set': {
          const p = args.policy as Ipc.AutoPolicy;
          if (cfg.autoSaveError) throw ipcError('BadSettings', 'cannot save the settings in /home/gopher/.config/gocache-doctor: Permission denied (os error 13); check that the directory is writable');
          if (p.unused_days !== null && p.unused_days > 36500) throw ipcError('BadSettings', `autopilot.unused_days is ${p.unused_days}; use at most 36500 days, or no age rule`);
          autoPolicies.push(JSON.parse(JSON.stringify(p)));
          settings = { ...settings, autopilot: p };
          return JSON.parse(JSON.stringify(settings));
        }
        case 'auto_preview': {
          const p = args.policy as Ipc.AutoPolicy;
          await new Promise<void>((resolve, reject) => {
            autoPreviewPending?.reject(ipcError('Cancelled', 'cancelled'));
            const timer = setTimeout(() => {
              autoPreviewPending = null;
              resolve();
            }, cfg.autoPreviewDelay ?? 30);
            autoPreviewPending = { reject: (e) => { clearTimeout(timer); autoPreviewPending = null; reject(e); } };
          });
          return autoRun(p, true);
        }
        case 'auto_preview_cancel':
          autoPreviewPending?.reject(ipcError('Cancelled', 'cancelled'));
          return null;
        case 'auto_run_now': {
          await sleep(40);
          const r = autoRun({ enabled: false, modcache_max_bytes: null, unused_days: 90, keep_latest: null, build_max_bytes: null, remove_unnamed_toolchains: false, free_disk_floor: null, scan_code_folders: true, ...(settings.autopilot ?? {}) }, false);
          const gone = new Set(r.decisions.filter((d) => d.remove).map((d) => `${d.path}@${d.version}`));
          for (let i = modules.length - 1; i >= 0; i--) if (gone.has(`${modules[i].path}@${modules[i].version}`)) modules.splice(i, 1);
          history.unshift({ time: Math.floor(Date.now() / 1000), targets: [{ target: 'module-versions', versions: [...gone].map((g) => ({ path: g.split('@')[0], version: g.split('@')[1] })) }], bytes_freed: r.bytes_freed, outcomes: [], automatic: true });
          return r;
        }
        case 'tray_status': {
          const wanted = settings.tray_icon === true;
          return {
            wanted,
            shown: wanted && !cfg.trayMissing,
            missing_package: wanted && cfg.trayMissing ? 'libayatana-appindicator3-1' : null,
            error: null,
          } satisfies Ipc.TrayStatus;
        }
        case 'auto_schedule_status':
          await sleep(10);
          return autoStatus();
        case 'auto_schedule_install':
          autoInstalled = true;
          return { mechanism: 'systemd_user', files: autoStatus().files, cron_lines: [], entry: null, schedule: 'daily', notes: [] } satisfies Ipc.ScheduleInstallReport;
        case 'auto_schedule_uninstall':
          autoInstalled = false;
          return { removed: [], cron_line_removed: false, unregistered: null, notes: [] } satisfies Ipc.ScheduleUninstallReport;
        case 'cli_path_status':
          await sleep(5);
          return cliReport(cliOnPath ? 'alreadyInstalled' : 'notInstalled');
        case 'cli_path_install':
          cliOnPath = true;
          return cliReport('installed');
        case 'cli_path_uninstall':
          cliOnPath = false;
          return cliReport('removed');
        case 'pick_directory':
          return cfg.pickDir === undefined ? '/home/gopher/src/picked' : cfg.pickDir;
        case 'diagnose_text':
          doctorCalls.push({ cmd, text: args.text, os: args.os ?? null, lang: args.lang ?? null });
          await sleep(20);
          if (cfg.diagnoseError) throw ipcError(cfg.diagnoseError, `mock ${cfg.diagnoseError}`);
          return diagnose(args.text, args.os ?? null);
        case 'doctor_checks':
          doctorCalls.push({ cmd, lang: args?.lang ?? null });
          await sleep(10);
          return doctorChecks();
        case 'guide_context':
          await sleep(5);
          return guideContext();
        default:
          throw ipcError('Internal', `mock: unknown command ${cmd}`);
      }
    },
  };

  w.__mock = {
    calls,
    scanFull,
    states,
    env,
    report: fullReport,
    config: cfg,
    probes,
    history,
    cleanCalls,
    cleanStates,
    settingsWrites,
    autoPolicies,
    linkCalls,
    revealCalls,
    exportCalls,
    verifyCalls,
    verifyStates,
    doctorCalls,
    locksCalls,
    locksStats,
    get lockHolders() { return lockHolders; },
    get settings() { return settings; },
    /** Ends a held (`verify: 'manual'`) verification successfully. */
    finishVerify() {
      if (verifyPending) {
        const p = verifyPending;
        verifyPending = null;
        p.finish(false);
      }
    },
    /** Lets a held (`env: 'manual'`) env_report answer. */
    releaseEnv() {
      const waiters = envWaiters;
      envWaiters = [];
      for (const r of waiters) r();
    },
    /** How many times `watch_start` was called. */
    get watchStarts() { return watchStarts; },
    /** A change outside the app, as the backend's watch reports it (false: no watch runs). */
    fsChange(kinds: Ipc.CacheKind[]): boolean {
      if (watchChannel === null) return false;
      send(watchChannel, watchIndex++, { kinds });
      return true;
    },
    /** How many times `size_history` was called. */
    get historyCalls() { return historyCalls; },
    /** What `size_history` answers now. */
    get sizeHistory() { return sizeHistory(); },
    /** Ends a `manual` scan successfully. */
    finish() {
      if (pending) {
        const p = pending;
        pending = null;
        scansDone++;
        p.resolve({ ...fullReport });
      }
    },
  };

  // Record every scan-state transition the app makes.
  new MutationObserver((records) => {
    for (const r of records) {
      const list = r.attributeName === 'data-scan-state' ? states : r.attributeName === 'data-verify-state' ? verifyStates : cleanStates;
      const s = r.attributeName ? (r.target as Element).getAttribute(r.attributeName) : null;
      if (s && list[list.length - 1] !== s) list.push(s);
    }
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-scan-state', 'data-clean-state', 'data-verify-state'] });
})();
