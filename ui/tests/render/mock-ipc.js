// A stand-in for the Tauri backend, injected into the page before the app runs
// (page.addInitScript). It implements the parts of window.__TAURI_INTERNALS__ that
// @tauri-apps/api/core uses (invoke, transformCallback, unregisterCallback) and answers the
// app's three commands with a realistic env report and a scan report of 20,000 module rows.
// Configure with window.__MOCK_CONFIG__ = { scan: 'auto' | 'manual' | 'error', goMissing,
// env: 'auto' | 'manual' (env_report answers only on __mock.releaseEnv()), oldCore (no
// test_entries/test_bytes in the build report) }.
(() => {
  const cfg = Object.assign({ scan: 'auto', env: 'auto', goMissing: false, oldCore: false, versions: 20000 }, window.__MOCK_CONFIG__ || {});
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
  const pick = (list) => list[Math.floor(rand() * list.length)];

  const GOMODCACHE = '/home/gopher/go/pkg/mod';
  const orgs = ['acme', 'BurntSushi', 'spf13', 'stretchr', 'uber-go', 'hashicorp', 'grpc-ecosystem',
    'prometheus', 'sirupsen', 'golang', 'google', 'aws', 'klauspost', 'mattn', 'rs', 'charmbracelet'];
  const words = ['toml', 'cobra', 'viper', 'testify', 'zap', 'raft', 'gateway', 'client', 'logrus',
    'protobuf', 'sdk', 'compress', 'sqlite', 'zerolog', 'bubbletea', 'lipgloss', 'cli', 'yaml', 'http',
    'cache', 'store', 'kit', 'graph', 'parser', 'sync', 'retry', 'uuid', 'color', 'term', 'errors'];

  const modules = [];
  const addVersions = (path, count, big, toolchain) => {
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
  for (let i = 0; modules.length < cfg.versions; i++) {
    const host = pick(['github.com', 'github.com', 'github.com', 'golang.org/x', 'gopkg.in', 'go.uber.org', 'k8s.io', 'cloud.google.com/go']);
    const path = host === 'github.com' ? `github.com/${pick(orgs)}/${pick(words)}-${i}` : `${host}/${pick(words)}${i}`;
    addVersions(path, 1 + Math.floor(rand() * rand() * 6), i % 97 === 0, false);
  }
  const totalsByPath = new Map();
  for (const m of modules) {
    const t = totalsByPath.get(m.path) || { path: m.path, versions: 0, bytes: 0, disk_bytes: 0, download_bytes: 0, files: 0 };
    t.versions++; t.bytes += m.bytes; t.disk_bytes += m.disk_bytes; t.download_bytes += m.download_bytes; t.files += m.files;
    totalsByPath.set(m.path, t);
  }
  const moduleTotals = [...totalsByPath.values()].sort((a, b) => b.bytes - a.bytes);
  const sum = (list, f) => list.reduce((s, x) => s + x[f], 0);
  const extracted = sum(modules, 'bytes');
  const downloads = sum(modules, 'download_bytes');
  const parts = { extracted_bytes: extracted, download_bytes: downloads, vcs_bytes: 48_213_337, sumdb_bytes: 3_411_882, other_bytes: 12_040 };
  const modcacheBytes = parts.extracted_bytes + parts.download_bytes + parts.vcs_bytes + parts.sumdb_bytes + parts.other_bytes;
  const toolchainBytes = sum(modules.filter((m) => m.toolchain), 'bytes');

  const cacheScan = (kind, path, bytes, files, extra) => Object.assign({
    kind, path, bytes, disk_bytes: Math.ceil(bytes / 4096) * 4096 + files * 2048, files,
    dirs: Math.floor(files / 7), symlinks: 0, unreadable: 0, unreadable_paths: [],
    newest_mtime: NOW - 3 * DAY - 200, error: null,
  }, extra || {});

  const env = {
    os: 'linux',
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
      { kind: 'golangci-lint', path: '/home/gopher/.cache/golangci-lint', var: 'GOLANGCI_LINT_CACHE', source: 'default', exists: false, cleanable: true, parent: null },
      { kind: 'gobin', path: '/home/gopher/bin', var: 'GOBIN', source: 'goenv-file', exists: true, cleanable: false, parent: null },
    ],
    problems: [
      { id: 'go-env-mismatch', severity: 'error', message: 'GOCACHE from the environment (/home/gopher/.cache/go-build) differs from what `go env GOCACHE` reports (/tmp/go-build): the app shows the environment one. Check your shell profile.', var: 'GOCACHE' },
      { id: 'gobin-goenv', severity: 'warning', message: 'GOBIN is set with `go env -w`; binaries installed before that still live in /home/gopher/go/bin.', var: 'GOBIN' },
      { id: 'gopath-default', severity: 'info', message: 'GOPATH is not set: Go uses /home/gopher/go.' },
    ],
  };

  const buildBytes = 1_734_882_113;
  const fullReport = {
    caches: [
      cacheScan('modcache', GOMODCACHE, modcacheBytes, sum(modules, 'files') + 41_000),
      cacheScan('toolchains', `${GOMODCACHE}/golang.org`, toolchainBytes + 9_000_000, 30_112),
      cacheScan('build', '/home/gopher/.cache/go-build', buildBytes, 18_402, { newest_mtime: NOW - 3600 * 5 }),
      cacheScan('gopls', '/home/gopher/.cache/gopls', 96_337_281, 2_410, { unreadable: 2, unreadable_paths: ['/home/gopher/.cache/gopls/a1/x', '/home/gopher/.cache/gopls/b2/y'] }),
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
      last_trim: NOW - 2 * DAY, testexpire: null,
    },
    elapsed_ms: 1412,
    cancelled: false,
  };

  // --- the IPC shim -------------------------------------------------------------------------
  const callbacks = new Map();
  let nextId = 1;
  const calls = [];
  const states = [];
  let pending = null; // { resolve, reject, channelId, timer }
  let envWaiters = [];
  const probes = [];

  const send = (channelId, index, message) => {
    const cb = callbacks.get(channelId);
    if (cb) cb({ index, message });
  };
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

  const partialReport = () => ({
    ...fullReport,
    caches: [cacheScan('modcache', GOMODCACHE, 1_234_567_890, 40_000)],
    modules: modules.slice(0, 500),
    module_totals: moduleTotals.slice(0, 200),
    build: null,
    cancelled: true,
    elapsed_ms: 300,
  });

  async function scanStart(channelId) {
    let i = 0;
    let totalEntries = 0;
    let totalBytes = 0;
    const existing = fullReport.caches;
    return new Promise((resolve, reject) => {
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
              reject({ code: 'Io', message: `${c.path}: Permission denied (os error 13)` });
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
          resolve(fullReport);
        }
      })();
    });
  }

  window.__TAURI_INTERNALS__ = {
    metadata: { currentWindow: { label: 'main' }, currentWebview: { windowLabel: 'main', label: 'main' } },
    transformCallback(callback, once) {
      const id = nextId++;
      callbacks.set(id, (payload) => {
        if (once) callbacks.delete(id);
        return callback && callback(payload);
      });
      return id;
    },
    unregisterCallback(id) {
      callbacks.delete(id);
    },
    convertFileSrc(path) {
      return path;
    },
    async invoke(cmd, args) {
      calls.push(cmd);
      switch (cmd) {
        case 'env_report':
          if (cfg.env === 'manual') await new Promise((r) => envWaiters.push(r));
          else await sleep(5);
          return JSON.parse(JSON.stringify(env));
        case 'startup_probe':
          probes.push(args.marks);
          return null;
        case 'scan_start':
          if (pending) throw { code: 'Busy', message: 'a scan is already running' };
          return scanStart(args.onEvent.id);
        case 'scan_cancel':
          if (pending) {
            const p = pending;
            pending = null;
            setTimeout(() => p.resolve(partialReport()), 30);
          }
          return null;
        default:
          throw { code: 'Unknown', message: `unknown command ${cmd}` };
      }
    },
  };

  window.__mock = {
    calls,
    states,
    env,
    report: fullReport,
    config: cfg,
    probes,
    /** Lets a held (`env: 'manual'`) env_report answer. */
    releaseEnv() {
      const waiters = envWaiters;
      envWaiters = [];
      for (const r of waiters) r();
    },
    /** Ends a `manual` scan successfully. */
    finish() {
      if (pending) {
        const p = pending;
        pending = null;
        p.resolve(fullReport);
      }
    },
  };

  // Record every scan-state transition the app makes.
  new MutationObserver(() => {
    const s = document.body && document.body.dataset.scanState;
    if (s && states[states.length - 1] !== s) states.push(s);
  }).observe(document, { attributes: true, subtree: true, attributeFilter: ['data-scan-state'] });
})();
