//! Sizing caches: a parallel walk that never follows symlinks and counts hard links once,
//! with a per-module-version breakdown of the module cache and an age histogram of the
//! build cache.
//!
//! * [`scan`] sizes every discovered cache and returns a [`Report`] (the JSON of
//!   `gocache-doctor scan --json`, see docs/contract.md "Scan report").
//! * [`scan_dir`] sizes one directory ([`DirTotals`]), for clean previews and the like.
//! * [`version_folders`] sizes the folders inside one extracted module version
//!   ([`VersionFolders`]), for the module view's treemap.
//!
//! Sizes follow `du`: [`CacheReport::bytes`] is what `du -sb DIR` prints (apparent sizes of
//! every entry, directories and symlinks included) and [`CacheReport::disk_bytes`] what
//! `du -sB1 DIR` prints (`st_blocks * 512`). A hard-linked file counts once.
//!
//! # Platform behavior
//! On Windows there is no `st_blocks` and no inode number: `disk_bytes` is the apparent size
//! rounded up to 4 KiB clusters (directories count 0) and hard links are not detected.

mod build;
mod buildindex;
mod folders;
pub mod index;
mod modcache;
mod walk;

pub use folders::{FolderSize, VersionFolders, version_folders};
pub use index::{Discard, IndexStats};

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::discover::{Cache, CacheKind};
use crate::progress::{Progress, ProgressEvent};
use crate::{CancelToken, Error, Result};

use walk::{Totals, WalkOpts, Walked};

/// Scan settings.
#[derive(Debug, Clone)]
pub struct Options {
    /// Worker threads; `None` uses the number of CPUs.
    pub threads: Option<usize>,
    /// How many unreadable paths to list per cache (they are all counted).
    pub max_unreadable_paths: usize,
    /// The Unix time build-cache ages are measured against; `None` means now.
    pub now: Option<i64>,
    /// Also find the build cache's cached `go test` results ([`BuildReport::test_entries`],
    /// [`BuildReport::test_input_entries`], [`BuildReport::test_bytes`]; `None` when false).
    /// This opens every `-d` file of 11 B..=64 KiB (most of them are not test results:
    /// source lists, module index, small packages) and reads 512 bytes of its start (and of
    /// its end, for text), which costs far more than the `stat` of the plain walk: on a
    /// 118,800-entry build cache it raised the build scan's CPU time by about 50%. On by
    /// default (issue #2 asks for the test part's size); the module-cache scan is unaffected.
    pub test_results: bool,
    /// The directory of the scan index ([`index`], usually [`index::default_dir`]): when set,
    /// [`scan`] reads the module cache's index from it, walks only the version and `@v`
    /// directories that are new or changed, and writes the index back after a complete walk.
    /// `None` (the default) walks everything and touches no index.
    pub index_dir: Option<PathBuf>,
    /// With [`Options::index_dir`]: ignore the index, walk everything and rewrite it (the CLI's
    /// `scan --full`, the app's "Deep rescan").
    pub full: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            threads: None,
            max_unreadable_paths: 100,
            now: None,
            test_results: true,
            index_dir: None,
            full: false,
        }
    }
}

impl Options {
    fn threads(&self) -> usize {
        self.threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from))
            .max(1)
    }

    fn now(&self) -> i64 {
        self.now.unwrap_or_else(unix_now)
    }
}

fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Totals of one directory tree, as `du` counts them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DirTotals {
    /// Apparent size of every entry (= `du -sb`).
    pub bytes: u64,
    /// Allocated size, `st_blocks * 512` (= `du -sB1`).
    pub disk_bytes: u64,
    /// Regular files.
    pub files: u64,
    /// Directories, the root included.
    pub dirs: u64,
    /// Symbolic links (counted with their own size, never followed).
    pub symlinks: u64,
    /// Entries that could not be read or `lstat`ed (skipped, not fatal).
    pub unreadable: u64,
    /// The first unreadable paths (see [`Options::max_unreadable_paths`]).
    pub unreadable_paths: Vec<String>,
    /// Newest modification time seen, Unix seconds.
    pub newest_mtime: Option<i64>,
    /// Whether the walk was cancelled (the totals are then partial).
    pub cancelled: bool,
}

impl DirTotals {
    fn from_totals(t: Totals, cancelled: bool) -> Self {
        Self {
            bytes: t.bytes,
            disk_bytes: t.disk_bytes,
            files: t.files,
            dirs: t.dirs,
            symlinks: t.symlinks,
            unreadable: t.unreadable,
            unreadable_paths: t.unreadable_paths,
            newest_mtime: t.newest_mtime,
            cancelled,
        }
    }
}

/// Sizes one directory tree (or a single entry, when `path` is not a directory) without
/// following symlinks.
///
/// # Errors
/// [`Error::Io`] when `path` itself cannot be `lstat`ed. Problems below it are counted in
/// [`DirTotals::unreadable`].
pub fn scan_dir(path: &Path, opts: &Options, cancel: &CancelToken) -> Result<DirTotals> {
    let wo = WalkOpts {
        threads: opts.threads(),
        max_unreadable_paths: opts.max_unreadable_paths,
        cancel,
        progress: None,
    };
    let w = walk::walk(path, &walk::Plain, &wo).map_err(|e| Error::io(path, e))?;
    Ok(DirTotals::from_totals(w.totals, w.cancelled))
}

/// The sizes of one cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CacheScan"))]
pub struct CacheReport {
    /// The cache kind.
    pub kind: CacheKind,
    /// The cache root.
    pub path: String,
    /// Apparent size (= `du -sb path`).
    pub bytes: u64,
    /// Allocated size (= `du -sB1 path`).
    pub disk_bytes: u64,
    /// Regular files.
    pub files: u64,
    /// Directories, the root included.
    pub dirs: u64,
    /// Symbolic links.
    pub symlinks: u64,
    /// Entries that could not be read (plus module directories with an invalid `!` escape).
    pub unreadable: u64,
    /// The first unreadable paths.
    pub unreadable_paths: Vec<String>,
    /// Newest modification time, Unix seconds. For a build cache rescanned with the scan index
    /// it can be older than the disk's (see `scan/buildindex.rs`), never newer.
    pub newest_mtime: Option<i64>,
    /// Why the cache could not be scanned at all, if it could not.
    pub error: Option<String>,
    /// The cache this one lives in (toolchains: the module cache), whose figures already
    /// include this one's; [`Report::total`] counts it once, there.
    pub inside: Option<CacheKind>,
}

impl CacheReport {
    fn new(cache: &Cache) -> Self {
        Self {
            kind: cache.kind,
            path: cache.path.to_string_lossy().into_owned(),
            bytes: 0,
            disk_bytes: 0,
            files: 0,
            dirs: 0,
            symlinks: 0,
            unreadable: 0,
            unreadable_paths: vec![],
            newest_mtime: None,
            error: None,
            inside: cache.parent,
        }
    }

    fn set_totals(&mut self, t: Totals) {
        self.bytes = t.bytes;
        self.disk_bytes = t.disk_bytes;
        self.files = t.files;
        self.dirs = t.dirs;
        self.symlinks = t.symlinks;
        self.unreadable = t.unreadable;
        self.unreadable_paths = t.unreadable_paths;
        self.newest_mtime = t.newest_mtime;
    }
}

/// One extracted module version (`<GOMODCACHE>/<escpath>@<escver>/`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ModuleVersion"))]
pub struct ModuleRow {
    /// Module path, unescaped (`github.com/BurntSushi/toml`). Left escaped when the directory
    /// name is not a valid escape (that directory is then also counted as unreadable).
    pub path: String,
    /// Version, unescaped.
    pub version: String,
    /// The extracted directory.
    pub dir: String,
    /// `du -sb dir`.
    pub bytes: u64,
    /// `du -sB1 dir`.
    pub disk_bytes: u64,
    /// Regular files in the directory.
    pub files: u64,
    /// Apparent size of the version's files in `cache/download/<escpath>/@v/`: `.zip`,
    /// `.ziphash`, `.mod`, `.info`, `.partial` and Go's `*.tmp` (what a clean of the version
    /// removes; not `.lock`, which stays).
    pub download_bytes: u64,
    /// Newest modification time in the directory, Unix seconds.
    pub newest_mtime: Option<i64>,
    /// Whether this is a downloaded Go toolchain (`golang.org/toolchain`).
    pub toolchain: bool,
    /// Whether the go command downloaded it for itself (a toolchain or Go's telemetry
    /// configuration, `projects::is_gos_own`): never "unused by projects". `Some(true)`, or
    /// absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub gos_own: Option<bool>,
}

/// All extracted versions of one module path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModuleTotal {
    /// Module path, unescaped.
    pub path: String,
    /// Number of extracted versions.
    pub versions: u64,
    /// Sum of the versions' `bytes`.
    pub bytes: u64,
    /// Sum of the versions' `disk_bytes`.
    pub disk_bytes: u64,
    /// Sum of the versions' `download_bytes`.
    pub download_bytes: u64,
    /// Sum of the versions' `files`.
    pub files: u64,
}

/// The module cache split into parts; each part's bytes, allocated bytes and files add up to
/// the cache's [`CacheReport::bytes`], [`CacheReport::disk_bytes`] and [`CacheReport::files`].
/// The one definition of each part, shown by the dashboard, the module view and the CLI.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModcacheParts {
    /// Apparent bytes of the extracted module trees (`<module>@<version>/` and everything in
    /// them, toolchains included): the sum of the [`ModuleRow::bytes`] (a file hard-linked
    /// into several trees counted once here, once per tree in the rows).
    pub extracted_bytes: u64,
    /// Allocated bytes of the extracted module trees.
    pub extracted_disk_bytes: u64,
    /// Regular files in the extracted module trees.
    pub extracted_files: u64,
    /// `cache/download/**` except the sumdb part: every downloaded version's zip, hashes,
    /// `go.mod` and `.info` (versions never extracted included), `list` and lock files.
    pub download_bytes: u64,
    /// Allocated bytes of the download part.
    pub download_disk_bytes: u64,
    /// Regular files of the download part.
    pub download_files: u64,
    /// `cache/vcs/**` (VCS checkouts for direct mode).
    pub vcs_bytes: u64,
    /// Allocated bytes of the VCS checkouts.
    pub vcs_disk_bytes: u64,
    /// Regular files of the VCS checkouts.
    pub vcs_files: u64,
    /// `cache/download/sumdb/**`.
    pub sumdb_bytes: u64,
    /// Allocated bytes of the sumdb part.
    pub sumdb_disk_bytes: u64,
    /// Regular files of the sumdb part.
    pub sumdb_files: u64,
    /// Everything else: the root and the directories holding the module trees
    /// (`github.com/`, ...), other files outside `cache/`, `cache/` itself and anything else
    /// in it, plus a quarantine waiting for its purge.
    pub other_bytes: u64,
    /// Allocated bytes of the other part.
    pub other_disk_bytes: u64,
    /// Regular files of the other part.
    pub other_files: u64,
}

/// Bytes, allocated bytes and regular files: the figures of a whole.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Figures {
    /// Apparent size (`du -sb`).
    pub bytes: u64,
    /// Allocated size (`du -sB1`).
    pub disk_bytes: u64,
    /// Regular files.
    pub files: u64,
}

/// One bar of the build cache age histogram.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AgeBucket {
    /// Human label (`< 1 day`, ...).
    pub label: String,
    /// Upper bound (exclusive) of the age of the entries in this bucket, in days; `None` for
    /// the last bucket: entries older than 5 days + 1 hour, which Go's next trim removes.
    pub max_age_days: Option<f64>,
    /// Entries (`-a`/`-d` files and `-d` directories) in the bucket.
    pub entries: u64,
    /// Their apparent bytes (a `-d` directory with its content).
    pub bytes: u64,
}

/// Build cache (GOCACHE) details.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "BuildScan"))]
pub struct BuildReport {
    /// The cache root.
    pub path: String,
    /// `<2 hex>/<64 hex>-a` and `-d` entries.
    pub entries: u64,
    /// `-a` (action) entries.
    pub action_entries: u64,
    /// `-d` (output) entries.
    pub output_entries: u64,
    /// Apparent bytes of all entries.
    pub bytes: u64,
    /// Entries by age (mtime, which Go bumps at most once an hour on use).
    pub age_histogram: Vec<AgeBucket>,
    /// Entries unused for more than 5 days + 1 hour (what `go` trims next).
    pub trimmable_entries: u64,
    /// Their bytes.
    pub trimmable_bytes: u64,
    /// Apparent bytes of `fuzz/` (never trimmed by Go).
    pub fuzz_bytes: u64,
    /// Files in `fuzz/`.
    pub fuzz_files: u64,
    /// Cached `go test` results: `-d` files holding a passing test run's output (ending in
    /// `ok  \t<import path>\t<time>`), one per distinct output, i.e. about one per package and
    /// test configuration (flags, inputs) whose result Go can replay as `(cached)`. Included in
    /// `output_entries`. Found by reading the first and last 512 bytes of `-d` files of
    /// 11 B..=64 KiB, so `go test -v` outputs larger than 64 KiB are not counted. Results
    /// invalidated by `go clean -testcache` are still counted (Go deletes nothing). `None`
    /// unless [`Options::test_results`] was set.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub test_entries: Option<u64>,
    /// Test-inputs logs: `-d` files starting with `# test log` (the environment variables and
    /// files a test consulted, which Go rechecks before it replays a cached result); one per
    /// distinct log, so packages whose tests read nothing share one. Included in
    /// `output_entries`. `None` unless [`Options::test_results`] was set.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub test_input_entries: Option<u64>,
    /// Apparent bytes of the `test_entries` and `test_input_entries` files. The `-a` action
    /// files pointing at them (175 bytes each, two per output and test run) are not included:
    /// telling them apart would mean reading every `-a` file. `None` unless
    /// [`Options::test_results`] was set.
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub test_bytes: Option<u64>,
    /// Executables that `go run` and `go tool` cached (Go 1.24 and later): `-d` directories
    /// holding one program each, counted in `output_entries`.
    pub exe_entries: u64,
    /// Their apparent bytes, the programs included (in `bytes`).
    pub exe_bytes: u64,
    /// Last trim (`trim.txt`), Unix seconds.
    pub last_trim: Option<i64>,
    /// Test results older than this are ignored (`testexpire.txt`, converted to seconds).
    pub testexpire: Option<i64>,
}

/// The result of [`scan`].
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScanReport"))]
pub struct Report {
    /// One entry per scanned cache, in the order given.
    pub caches: Vec<CacheReport>,
    /// Every scanned cache counted once: the sum of the caches that do not live inside another
    /// ([`CacheReport::inside`]), so toolchains are counted in the module cache only. The
    /// header's total and the CLI's total line.
    pub total: Figures,
    /// Module versions of the module cache, largest first.
    pub modules: Vec<ModuleRow>,
    /// Per module path, largest first.
    pub module_totals: Vec<ModuleTotal>,
    /// The module cache by part; `None` when it was not scanned.
    pub modcache_parts: Option<ModcacheParts>,
    /// Build cache details; `None` when it was not scanned.
    pub build: Option<BuildReport>,
    /// Wall time of the scan.
    pub elapsed_ms: u64,
    /// Whether the scan was cancelled (totals are then partial).
    pub cancelled: bool,
    /// What the scan did with the module cache's index (not serialized: an incremental scan
    /// reports exactly what a full one does).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub index: IndexStats,
}

/// Scans every cache with `exists == true`. The `toolchains` entry is not walked (it lives
/// inside the module cache); its sizes are the sum of the toolchain module rows (extracted
/// directory plus download files). Per-cache failures go into [`CacheReport::error`].
/// A cancelled scan returns promptly with `cancelled: true` and partial totals.
pub fn scan(
    caches: &[Cache],
    opts: &Options,
    progress: &dyn Progress,
    cancel: &CancelToken,
) -> Report {
    let start = Instant::now();
    let mut report = Report {
        caches: vec![],
        total: Figures::default(),
        modules: vec![],
        module_totals: vec![],
        modcache_parts: None,
        build: None,
        elapsed_ms: 0,
        cancelled: false,
        index: IndexStats::default(),
    };
    let mut done = (0u64, 0u64);
    let mut toolchains: Option<&Cache> = None;
    // Extracted toolchain directories plus their download files, from the module cache scan.
    let mut toolchain_totals: Option<modcache::Acc> = None;
    for cache in caches.iter().filter(|c| c.exists) {
        if cache.kind == CacheKind::Toolchains {
            toolchains = Some(cache);
            continue;
        }
        if cancel.is_cancelled() {
            break;
        }
        let kind = cache.kind.as_str();
        progress.emit(ProgressEvent::ScanStarted {
            kind: kind.to_owned(),
            path: cache.path.to_string_lossy().into_owned(),
        });
        let base = done;
        let pf = move |entries: u64, bytes: u64, current: &Path| {
            progress.emit(ProgressEvent::ScanProgress {
                kind: kind.to_owned(),
                entries,
                bytes,
                total_entries: base.0 + entries,
                total_bytes: base.1 + bytes,
                current: current.to_string_lossy().into_owned(),
            });
        };
        let wo = WalkOpts {
            threads: opts.threads(),
            max_unreadable_paths: opts.max_unreadable_paths,
            cancel,
            progress: Some(&pf),
        };
        let mut cr = CacheReport::new(cache);
        let result = match cache.kind {
            CacheKind::Modcache => {
                scan_modcache(&cache.path, &wo, opts, &mut report).map(|(t, c, tc)| {
                    toolchain_totals = Some(tc);
                    (t, c)
                })
            }
            CacheKind::Build => scan_build(&cache.path, &wo, opts, &mut report),
            _ => walk::walk(&cache.path, &walk::Plain, &wo).map(|w| (w.totals, w.cancelled)),
        };
        match result {
            Ok((totals, cancelled)) => {
                report.cancelled |= cancelled;
                cr.set_totals(totals);
            }
            Err(e) => cr.error = Some(Error::io(&cache.path, e).to_string()),
        }
        done = (done.0 + cr.files + cr.dirs + cr.symlinks, done.1 + cr.bytes);
        progress.emit(ProgressEvent::ScanFinished {
            kind: kind.to_owned(),
            bytes: cr.bytes,
            files: cr.files,
        });
        report.caches.push(cr);
    }
    if let Some(tc) = toolchains {
        report
            .caches
            .push(toolchain_report(tc, toolchain_totals.as_ref()));
    }
    report.total = total_of(&report.caches);
    report.cancelled |= cancel.is_cancelled();
    report.elapsed_ms = u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX);
    report
}

/// [`Report::total`] of `caches`: each cache that does not live inside another one.
fn total_of(caches: &[CacheReport]) -> Figures {
    let mut t = Figures::default();
    for c in caches.iter().filter(|c| c.inside.is_none()) {
        t.bytes += c.bytes;
        t.disk_bytes += c.disk_bytes;
        t.files += c.files;
    }
    t
}

fn toolchain_report(tc: &Cache, totals: Option<&modcache::Acc>) -> CacheReport {
    let mut cr = CacheReport::new(tc);
    // Sized from the module cache's walk: always counted there.
    cr.inside = Some(CacheKind::Modcache);
    match totals {
        Some(t) => {
            cr.bytes = t.bytes;
            cr.disk_bytes = t.disk;
            cr.files = t.files;
            cr.dirs = t.dirs;
            cr.newest_mtime = t.newest;
        }
        None => {
            cr.error = Some(
                "toolchains are sized as part of the module cache, which was not scanned".into(),
            );
        }
    }
    cr
}

/// Walker threads of an incremental module-cache scan (at least; more when
/// [`Options::threads`] asks for more).
const INCREMENTAL_THREADS: usize = 8;

fn scan_modcache(
    root: &Path,
    wo: &WalkOpts<'_>,
    opts: &Options,
    report: &mut Report,
) -> std::io::Result<(Totals, bool, modcache::Acc)> {
    let cutoff = index::racy_cutoff();
    let index_file = opts
        .index_dir
        .as_deref()
        .map(|d| index::modcache_file(d, root));
    let prior = match &index_file {
        Some(f) if !opts.full => match index::load(f, root) {
            Ok(p) => p,
            Err(d) => {
                report.index.discarded = Some(d);
                None
            }
        },
        _ => None,
    };
    report.index.loaded = prior.is_some();
    let v = modcache::ModVisitor {
        prior: prior.as_ref(),
        ..modcache::ModVisitor::default()
    };
    // With an index, the walk is a few thousand directory reads and `lstat`s, mostly waiting
    // for the disk when the page cache is cold: more threads keep more requests in flight.
    let io_wo = WalkOpts {
        threads: wo.threads.max(INCREMENTAL_THREADS),
        max_unreadable_paths: wo.max_unreadable_paths,
        cancel: wo.cancel,
        progress: wo.progress,
    };
    let wo = if prior.is_some() { &io_wo } else { wo };
    let Walked {
        mut totals,
        locals,
        cancelled,
    } = walk::walk(root, &v, wo)?;
    let metas = v.rows.into_inner().unwrap_or_else(|e| e.into_inner());
    let mut rows = vec![modcache::Acc::default(); metas.len()];
    let mut parts = [modcache::Acc::default(); 5];
    let mut downloads: HashMap<(String, String), modcache::Acc> = HashMap::new();
    let mut reused = modcache::Acc::default();
    let mut tainted_rows = std::collections::HashSet::new();
    let mut vdirs: HashMap<Arc<str>, modcache::VdirLocal> = HashMap::new();
    let mut vkeys = Vec::new();
    for l in locals {
        reused.merge(&l.reused);
        tainted_rows.extend(l.tainted_rows);
        for (p, v) in l.vdirs {
            vdirs.entry(p).or_default().merge(&v);
        }
        vkeys.extend(l.vkeys);
        for (i, a) in l.rows.iter().enumerate() {
            rows[i].merge(a);
        }
        for (i, a) in l.parts.iter().enumerate() {
            parts[i].merge(a);
        }
        for ((p, ver), a) in l.downloads {
            downloads.entry((p.to_string(), ver)).or_default().merge(&a);
        }
        for odd in l.odd {
            totals.unreadable += 1;
            if totals.unreadable_paths.len() < wo.max_unreadable_paths {
                totals.unreadable_paths.push(odd);
            }
        }
    }
    // The trees taken from the index count as if walked.
    totals.bytes += reused.bytes;
    totals.disk_bytes += reused.disk;
    totals.files += reused.files;
    totals.dirs += reused.dirs;
    totals.symlinks += reused.symlinks;
    totals.others += reused.others;
    if let Some(n) = reused.newest {
        totals.newest_mtime = Some(totals.newest_mtime.map_or(n, |m| m.max(n)));
    }
    let reused_rows = metas.iter().filter(|m| m.reused).count() as u64;
    report.index.reused_versions = reused_rows;
    report.index.walked_versions = metas.len() as u64 - reused_rows;
    let reused_vdirs = vkeys.iter().filter(|k| k.2).count() as u64;
    report.index.reused_download_dirs = reused_vdirs;
    report.index.walked_download_dirs = vkeys.len() as u64 - reused_vdirs;
    // A complete walk: write what it learnt (only when something changed).
    if let Some(file) = &index_file
        && !cancelled
    {
        let (new, changed) = new_index(
            prior.as_ref(),
            &metas,
            &rows,
            &tainted_rows,
            &vkeys,
            &vdirs,
            &downloads,
            cutoff,
        );
        if changed || opts.full || prior.is_none() {
            match index::save(file, root, &new) {
                Ok(()) => {
                    report.index.written = true;
                    // Indexes of caches that are gone do not pile up.
                    if let Some(dir) = file.parent() {
                        index::prune_orphans(dir, index::ORPHAN_AGE);
                    }
                }
                Err(e) => report.index.write_error = Some(Error::io(file, e).to_string()),
            }
        }
    }
    let mut toolchain = modcache::Acc::default();
    let mut modules: Vec<ModuleRow> = metas
        .into_iter()
        .zip(rows)
        .map(|(m, a)| {
            let dl = downloads
                .get(&(m.escpath, m.escver))
                .copied()
                .unwrap_or_default();
            if m.path == "golang.org/toolchain" {
                toolchain.merge(&a);
                toolchain.merge(&dl);
            }
            let dl = dl.bytes;
            ModuleRow {
                toolchain: m.path == "golang.org/toolchain",
                gos_own: crate::projects::is_gos_own(&m.path).then_some(true),
                path: m.path,
                version: m.version,
                dir: m.dir,
                bytes: a.bytes,
                disk_bytes: a.disk,
                files: a.files,
                download_bytes: dl,
                newest_mtime: a.newest,
            }
        })
        .collect();
    modules.sort_by(|a, b| {
        (b.bytes + b.download_bytes)
            .cmp(&(a.bytes + a.download_bytes))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| a.version.cmp(&b.version))
    });
    let mut by_path: BTreeMap<&str, ModuleTotal> = BTreeMap::new();
    for m in &modules {
        let t = by_path.entry(&m.path).or_insert_with(|| ModuleTotal {
            path: m.path.clone(),
            versions: 0,
            bytes: 0,
            disk_bytes: 0,
            download_bytes: 0,
            files: 0,
        });
        t.versions += 1;
        t.bytes += m.bytes;
        t.disk_bytes += m.disk_bytes;
        t.download_bytes += m.download_bytes;
        t.files += m.files;
    }
    let mut totals_by_path: Vec<ModuleTotal> = by_path.into_values().collect();
    totals_by_path.sort_by(|a, b| {
        (b.bytes + b.download_bytes)
            .cmp(&(a.bytes + a.download_bytes))
            .then_with(|| a.path.cmp(&b.path))
    });
    report.module_totals = totals_by_path;
    report.modules = modules;
    let [extracted, download, vcs, sumdb, other] = parts;
    report.modcache_parts = Some(ModcacheParts {
        extracted_bytes: extracted.bytes,
        extracted_disk_bytes: extracted.disk,
        extracted_files: extracted.files,
        download_bytes: download.bytes,
        download_disk_bytes: download.disk,
        download_files: download.files,
        vcs_bytes: vcs.bytes,
        vcs_disk_bytes: vcs.disk,
        vcs_files: vcs.files,
        sumdb_bytes: sumdb.bytes,
        sumdb_disk_bytes: sumdb.disk,
        sumdb_files: sumdb.files,
        other_bytes: other.bytes,
        other_disk_bytes: other.disk,
        other_files: other.files,
    });
    Ok((totals, cancelled, toolchain))
}

/// The index after a complete walk of the module cache, and whether it differs from `prior`:
/// entries taken from `prior` are kept, walked directories are stored unless tainted or changed
/// too recently (at or after `cutoff`, ns), directories gone are dropped.
#[allow(clippy::too_many_arguments, reason = "the pieces of one walk's result")]
fn new_index(
    prior: Option<&index::ModIndex>,
    metas: &[modcache::RowMeta],
    rows: &[modcache::Acc],
    tainted_rows: &std::collections::HashSet<usize>,
    vkeys: &[(Arc<str>, index::DirKey, bool)],
    vdirs: &HashMap<Arc<str>, modcache::VdirLocal>,
    downloads: &HashMap<(String, String), modcache::Acc>,
    cutoff: i64,
) -> (index::ModIndex, bool) {
    let mut new = index::ModIndex::default();
    let mut changed = false;
    for (i, (m, acc)) in metas.iter().zip(rows).enumerate() {
        let name = m.index_name();
        if m.reused {
            if let Some(e) = prior.and_then(|p| p.versions.get(&name)) {
                new.versions.insert(name, e.clone());
            }
            continue;
        }
        changed = true;
        if tainted_rows.contains(&i) || m.key.racy(cutoff) || m.escver.contains(".tmp-") {
            continue;
        }
        let mut inner = *acc;
        inner.bytes = inner.bytes.saturating_sub(m.top.0);
        inner.disk = inner.disk.saturating_sub(m.top.1);
        inner.dirs = inner.dirs.saturating_sub(1);
        new.versions
            .insert(name, index::VersionEntry { key: m.key, inner });
    }
    let mut by_module: HashMap<&str, Vec<(String, modcache::Acc)>> = HashMap::new();
    for ((p, ver), acc) in downloads {
        by_module
            .entry(p.as_str())
            .or_default()
            .push((ver.clone(), *acc));
    }
    for (escpath, key, reused) in vkeys {
        if *reused {
            if let Some(e) = prior.and_then(|p| p.vdirs.get(&**escpath)) {
                new.vdirs.insert(escpath.to_string(), e.clone());
            }
            continue;
        }
        changed = true;
        let v = vdirs.get(escpath).cloned().unwrap_or_default();
        if v.tainted || key.racy(cutoff) || v.list.is_some_and(|(_, t)| t >= cutoff) {
            continue;
        }
        let mut versions = by_module.remove(&**escpath).unwrap_or_default();
        versions.sort_by(|a, b| a.0.cmp(&b.0));
        new.vdirs.insert(
            escpath.to_string(),
            index::VdirEntry {
                key: *key,
                list: v.list,
                inner: v.inner,
                versions,
            },
        );
    }
    // Directories gone since the prior index.
    if let Some(p) = prior
        && (p.versions.len() != new.versions.len() || p.vdirs.len() != new.vdirs.len())
    {
        changed = true;
    }
    (new, changed)
}

fn scan_build(
    root: &Path,
    wo: &WalkOpts<'_>,
    opts: &Options,
    report: &mut Report,
) -> std::io::Result<(Totals, bool)> {
    let cutoff = index::racy_cutoff();
    // Not on Windows: a shard directory's last-write time as its parent's listing reports it
    // can lag behind the files just created in it (seen under Wine: an incremental scan right
    // after `go build` missed new entries), so the build cache is walked in full there.
    let index_file = opts
        .index_dir
        .as_deref()
        .filter(|_| crate::os::HOST != crate::os::OsKind::Windows)
        .map(|d| buildindex::build_file(d, root));
    let prior = match &index_file {
        Some(f) if !opts.full => match buildindex::load(f, root) {
            Ok(p) => p.filter(|p| p.test_results == opts.test_results),
            Err(d) => {
                report.index.build_discarded = Some(d);
                None
            }
        },
        _ => None,
    };
    report.index.build_loaded = prior.is_some();
    let v = build::BuildVisitor {
        now: opts.now(),
        test_results: opts.test_results,
        prior: prior.as_ref(),
    };
    let Walked {
        mut totals,
        locals,
        cancelled,
    } = walk::walk(root, &v, wo)?;
    let mut sum = build::Local::default();
    let mut shards: HashMap<u8, build::ShardLocal> = HashMap::new();
    let mut reused: Vec<u8> = Vec::new();
    for l in locals {
        sum.action += l.action;
        sum.output += l.output;
        sum.fuzz_bytes += l.fuzz_bytes;
        sum.fuzz_files += l.fuzz_files;
        for (s, b) in [
            (&mut sum.test_outputs, l.test_outputs),
            (&mut sum.test_logs, l.test_logs),
            (&mut sum.exe, l.exe),
        ] {
            s.entries += b.entries;
            s.bytes += b.bytes;
        }
        for (s, b) in sum.buckets.iter_mut().zip(l.buckets) {
            s.entries += b.entries;
            s.bytes += b.bytes;
        }
        for (num, sh) in l.shards {
            shards.entry(num).or_default().merge(sh);
        }
        reused.extend(l.reused);
    }
    // The shards taken from the index count as if walked; their ages against today's clock.
    if let Some(p) = &prior {
        for e in reused.iter().filter_map(|n| p.shards.get(n)) {
            sum.action += e.action;
            sum.output += e.output;
            for (s, b) in [
                (&mut sum.test_outputs, e.test_outputs),
                (&mut sum.test_logs, e.test_logs),
            ] {
                s.entries += b.entries;
                s.bytes += b.bytes;
            }
            for &(mtime, size) in &e.entries {
                let b = &mut sum.buckets[v.bucket(mtime)];
                b.entries += 1;
                b.bytes += size;
            }
            let a = &e.inner;
            totals.bytes += a.bytes;
            totals.disk_bytes += a.disk;
            totals.files += a.files;
            totals.dirs += a.dirs;
            totals.symlinks += a.symlinks;
            totals.others += a.others;
            if let Some(n) = a.newest {
                totals.newest_mtime = Some(totals.newest_mtime.map_or(n, |m| m.max(n)));
            }
        }
    }
    report.index.reused_build_shards = reused.len() as u64;
    report.index.walked_build_shards = shards.len() as u64;
    // A complete walk: write what it learnt (only when something changed).
    if let Some(file) = &index_file
        && !cancelled
    {
        let mut new = buildindex::BuildIndex {
            test_results: opts.test_results,
            shards: HashMap::new(),
        };
        if let Some(p) = &prior {
            for n in &reused {
                if let Some(e) = p.shards.get(n) {
                    new.shards.insert(*n, e.clone());
                }
            }
        }
        let mut changed = prior.is_none() || opts.full;
        for (num, sh) in shards {
            let Some(key) = sh.key.filter(|k| !sh.tainted && !k.racy(cutoff)) else {
                // Not kept: a change only if the prior index had it.
                changed |= prior.as_ref().is_some_and(|p| p.shards.contains_key(&num));
                continue;
            };
            changed = true;
            new.shards.insert(
                num,
                buildindex::ShardEntry {
                    key,
                    inner: sh.inner,
                    action: sh.action,
                    output: sh.output,
                    test_outputs: sh.test_outputs,
                    test_logs: sh.test_logs,
                    entries: sh.entries,
                },
            );
        }
        // Shards gone since the prior index.
        if prior
            .as_ref()
            .is_some_and(|p| p.shards.len() != reused.len())
        {
            changed = true;
        }
        if changed {
            match buildindex::save(file, root, &new) {
                Ok(()) => report.index.build_written = true,
                Err(e) => report.index.write_error = Some(Error::io(file, e).to_string()),
            }
        }
    }
    let age_histogram: Vec<AgeBucket> = build::BUCKETS
        .iter()
        .zip(sum.buckets)
        .map(|((label, max), b)| AgeBucket {
            label: (*label).to_owned(),
            max_age_days: max.map(|s| s as f64 / 86_400.0),
            entries: b.entries,
            bytes: b.bytes,
        })
        .collect();
    let trimmable = sum.buckets[build::BUCKETS.len() - 1];
    report.build = Some(BuildReport {
        path: root.to_string_lossy().into_owned(),
        entries: sum.action + sum.output,
        action_entries: sum.action,
        output_entries: sum.output,
        bytes: sum.buckets.iter().map(|b| b.bytes).sum(),
        age_histogram,
        trimmable_entries: trimmable.entries,
        trimmable_bytes: trimmable.bytes,
        fuzz_bytes: sum.fuzz_bytes,
        fuzz_files: sum.fuzz_files,
        test_entries: opts.test_results.then_some(sum.test_outputs.entries),
        test_input_entries: opts.test_results.then_some(sum.test_logs.entries),
        test_bytes: opts
            .test_results
            .then_some(sum.test_outputs.bytes + sum.test_logs.bytes),
        exe_entries: sum.exe.entries,
        exe_bytes: sum.exe.bytes,
        last_trim: read_number(&root.join("trim.txt")),
        testexpire: read_number(&root.join("testexpire.txt")).map(|ns| ns / 1_000_000_000),
    });
    Ok((totals, cancelled))
}

/// Reads a file holding one decimal number (Go's `trim.txt` / `testexpire.txt`).
fn read_number(path: &Path) -> Option<i64> {
    std::fs::read_to_string(path).ok()?.trim().parse().ok()
}
