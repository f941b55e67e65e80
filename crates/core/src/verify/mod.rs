//! Whole-cache integrity checks (issue #4): what `go mod verify` does for one project, done
//! for every module version in the module cache, in parallel, saying exactly what is wrong;
//! plus the build cache's content-addressed entries, a project's `go.sum` against the cache
//! ([`verify_project`]) and repair of the broken versions ([`repair`]); [`session`] is the
//! app's verification (one at a time, the last report is what a repair may touch).
//!
//! Per module version ([`ModuleResult`], spec §2.3-2.4 and §4.3):
//! * the extracted tree against `.ziphash` ("dir has been modified"), naming the files
//!   modified, added or removed by comparing with the zip's entries when the zip itself still
//!   matches;
//! * the zip against `.ziphash` ("zip has been modified");
//! * `.partial` (interrupted extraction), a tree with no `.ziphash`, an unreadable `.ziphash`,
//!   `*.tmp` and `@v.tmp-*` leftovers, download files with no tree (harmless), `list` naming
//!   versions with no `.mod`, and files someone made writable.
//!
//! Build cache (spec §5.4): `-d` entries whose SHA-256 does not match their name, malformed
//! `-a` entries and `-a` entries pointing at a missing or wrong-sized output.
//!
//! Progress is reported in bytes hashed of a total known up front ([`VerifyEvent`]), so a front
//! end can show an ETA; the [`CancelToken`] stops the work between chunks.

mod build;
#[cfg(test)]
mod fuzz;
mod modcache;
mod msg;
mod project;
mod proxy;
mod repair;
pub mod session;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Instant;

use serde::{Deserialize, Serialize};

use crate::dirhash::ZipLimits;
use crate::discover::{CacheKind, Report, Severity};
use crate::progress::Throttle;
use crate::{CancelToken, Result};

pub use build::BuildSummary;
pub use modcache::parse_list;
pub use msg::Msg;
pub use project::{Cause, Mismatch, NotInCache, ProjectReport, verify_project};
pub use proxy::{ProxyCheck, ProxyVerdict};
pub use repair::{
    Download, RepairError, RepairOptions, RepairReport, broken_ids, broken_versions, id_of, repair,
    valid_module_path, valid_module_version,
};

/// The verdict on one module version. Several can apply; [`ModuleResult::status`] is the most
/// serious one and [`ModuleResult::findings`] lists them all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VerifyStatus"))]
pub enum Status {
    /// Everything Go checks matches.
    Ok,
    /// The extracted tree no longer hashes to `.ziphash` (`go mod verify`: "dir has been
    /// modified").
    DirModified,
    /// The zip no longer hashes to `.ziphash`, or cannot be read ("zip has been modified").
    ZipModified,
    /// `.ziphash` exists but is not an `h1:` hash.
    ZiphashInvalid,
    /// `<version>.partial` is present next to the tree: an extraction was interrupted; Go
    /// ignores the tree and extracts again.
    Partial,
    /// The version has an extracted tree or a zip but no `.ziphash`: Go treats the tree as
    /// incomplete, removes it and downloads again (`go mod verify`: "missing ziphash" when the
    /// zip exists).
    MissingZiphash,
    /// Files or directories of the version could not be read.
    Unreadable,
    /// Files of the extracted tree are writable (Go extracts them read-only): someone may have
    /// edited the cache.
    #[serde(rename = "writable-files")]
    Writable,
    /// Leftovers of interrupted writes: `<version>.<ext><digits>.tmp`, `<module>@<version>.tmp-*`
    /// or a stale `.partial` with no tree.
    Leftovers,
    /// The module's `list` file names this version, but there is no `.mod`.
    ListInconsistent,
    /// Download files (`.zip`/`.mod`/`.info`) without an extracted tree: harmless, Go
    /// extracts on demand.
    DownloadOnly,
}

impl Status {
    /// How serious the status is: [`Severity::Error`] for broken versions (Go fails or has to
    /// download again), [`Severity::Warning`] for oddities, [`Severity::Info`] otherwise.
    pub fn severity(self) -> Severity {
        match self {
            Self::DirModified
            | Self::ZipModified
            | Self::ZiphashInvalid
            | Self::Partial
            | Self::MissingZiphash
            | Self::Unreadable => Severity::Error,
            Self::Writable | Self::Leftovers | Self::ListInconsistent => Severity::Warning,
            Self::Ok | Self::DownloadOnly => Severity::Info,
        }
    }

    /// Whether the version is broken (repair removes and re-downloads it).
    pub fn is_broken(self) -> bool {
        self.severity() == Severity::Error
    }

    /// Ordering for [`ModuleResult::status`]: lower is more serious.
    fn rank(self) -> u8 {
        match self {
            Self::DirModified => 0,
            Self::ZipModified => 1,
            Self::ZiphashInvalid => 2,
            Self::MissingZiphash => 3,
            Self::Partial => 4,
            Self::Unreadable => 5,
            Self::Writable => 6,
            Self::Leftovers => 7,
            Self::ListInconsistent => 8,
            Self::DownloadOnly => 9,
            Self::Ok => 10,
        }
    }

    /// The JSON name (`dir-modified`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Ok => "ok",
            Self::DirModified => "dir-modified",
            Self::ZipModified => "zip-modified",
            Self::ZiphashInvalid => "ziphash-invalid",
            Self::Partial => "partial",
            Self::MissingZiphash => "missing-ziphash",
            Self::Unreadable => "unreadable",
            Self::Writable => "writable-files",
            Self::Leftovers => "leftovers",
            Self::ListInconsistent => "list-inconsistent",
            Self::DownloadOnly => "download-only",
        }
    }
}

/// How a file of an extracted tree differs from the zip.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "FileChangeKind"))]
pub enum Change {
    /// In both, with different content.
    Modified,
    /// In the tree only.
    Added,
    /// In the zip only.
    Removed,
}

impl Change {
    /// The JSON name (`modified`, `added`, `removed`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Modified => "modified",
            Self::Added => "added",
            Self::Removed => "removed",
        }
    }
}

/// One changed file of a `dir-modified` version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FileChange {
    /// Path inside the module (`/` separators, without the `module@version/` prefix).
    pub name: String,
    /// What changed.
    pub change: Change,
}

/// One finding on a module version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VerifyFinding"))]
pub struct Finding {
    /// What kind.
    pub status: Status,
    /// A sentence for people, with the evidence (the English of `msg`).
    pub message: String,
    /// `message` as a message, for the app to show in the user's language.
    pub msg: Msg,
}

impl Finding {
    /// A finding of `status` saying `msg` (its English in `message`).
    pub(crate) fn new(status: Status, msg: Msg) -> Finding {
        Finding {
            status,
            message: msg.english(),
            msg,
        }
    }
}

/// The verification of one module version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VerifyModule"))]
pub struct ModuleResult {
    /// Module path (unescaped).
    pub path: String,
    /// Version (unescaped).
    pub version: String,
    /// The most serious finding ([`Status::Ok`] when none).
    pub status: Status,
    /// For `dir-modified`: the files modified, added or removed (empty when the zip is not
    /// there, or not intact, to compare with).
    pub files: Vec<FileChange>,
    /// Every finding, most serious first.
    pub findings: Vec<Finding>,
    /// The extracted tree, when present.
    #[serde(serialize_with = "crate::pathser::option::serialize")]
    pub dir: Option<PathBuf>,
    /// `.ziphash`, when present and valid.
    pub ziphash: Option<String>,
    /// Bytes read to check this version.
    pub bytes_hashed: u64,
}

impl ModuleResult {
    /// `path@version`.
    pub fn label(&self) -> String {
        format!("{}@{}", self.path, self.version)
    }
}

/// A `special-file` problem: a FIFO, socket or device at `path`, skipped.
pub(crate) fn special_problem(path: &Path, kind: crate::dirhash::Special) -> Problem {
    Problem::new(
        "special-file",
        Severity::Warning,
        path,
        Msg::new(
            "problem.special-file",
            &[
                ("file", path.display().to_string()),
                ("kind", kind.as_str().to_owned()),
            ],
        ),
    )
}

/// A problem not tied to one module version (build cache entries, unreadable directories,
/// names Go could not have written).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "VerifyProblem"))]
pub struct Problem {
    /// Stable identifier (`build-output-corrupt`, `build-action-malformed`,
    /// `build-action-dangling`, `bad-escape`, `unreadable`, `special-file`).
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// The entry concerned.
    #[serde(serialize_with = "crate::pathser::option::serialize")]
    pub path: Option<PathBuf>,
    /// A sentence for people (the English of `msg`).
    pub message: String,
    /// `message` as a message, for the app to show in the user's language.
    pub msg: Msg,
}

impl Problem {
    /// The problem `id` about `path`, saying `msg` (its English in `message`).
    pub(crate) fn new(id: &str, severity: Severity, path: &Path, msg: Msg) -> Problem {
        Problem {
            id: id.to_owned(),
            severity,
            path: Some(path.to_path_buf()),
            message: msg.english(),
            msg,
        }
    }
}

/// The result of [`verify_cache`] or [`verify_project`]. Serialized for `verify --json`.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyReport {
    /// One row per module version examined, most serious first, then by path and version.
    pub modules: Vec<ModuleResult>,
    /// Problems not tied to a module version.
    pub problems: Vec<Problem>,
    /// Module versions examined.
    pub checked: usize,
    /// Module versions with a broken status ([`Status::is_broken`]).
    pub broken: usize,
    /// The module cache examined.
    #[serde(serialize_with = "crate::pathser::option::serialize")]
    pub modcache: Option<PathBuf>,
    /// The build cache check, when run.
    pub build: Option<BuildSummary>,
    /// Project mode: the go.sum comparison.
    pub project: Option<ProjectReport>,
    /// FIFOs, sockets and devices found in the caches: never opened (reading a FIFO blocks),
    /// each also listed as a `special-file` problem. In an extracted tree one also makes the
    /// version `dir-modified` (module zips hold regular files only).
    pub special_files: usize,
    /// Bytes read and hashed.
    pub bytes_hashed: u64,
    /// Wall time in milliseconds.
    pub elapsed_ms: u64,
    /// Whether the run was cancelled (the results are partial).
    pub cancelled: bool,
}

impl VerifyReport {
    /// Whether anything is broken: a broken module version, a project mismatch or an error
    /// problem (the CLI exits 1).
    pub fn anything_broken(&self) -> bool {
        self.broken > 0
            || self.problems.iter().any(|p| p.severity == Severity::Error)
            || self
                .project
                .as_ref()
                .is_some_and(|p| !p.mismatches.is_empty())
    }
}

/// Progress of a verification, serialized `{"event", "data"}` like scan progress.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum VerifyEvent {
    /// The work is known: this many bytes will be hashed.
    VerifyStarted {
        /// Module versions to check.
        versions: usize,
        /// Build-cache entries to check.
        build_entries: usize,
        /// Bytes to hash in total.
        total_bytes: u64,
    },
    /// Running totals (about 10 per second).
    VerifyProgress {
        /// Bytes hashed so far.
        bytes: u64,
        /// Bytes to hash in total.
        total_bytes: u64,
        /// Module versions finished.
        versions_done: usize,
        /// Module versions to check.
        versions: usize,
        /// Broken versions found so far.
        broken: usize,
        /// A version recently finished.
        current: String,
    },
    /// Done.
    VerifyFinished {
        /// Bytes hashed.
        bytes: u64,
        /// Broken versions.
        broken: usize,
        /// Whether it was cancelled.
        cancelled: bool,
    },
}

/// A sink for [`VerifyEvent`]s (thread-safe: called from worker threads).
pub trait VerifyProgress: Send + Sync {
    /// Receives one event.
    fn emit(&self, event: VerifyEvent);
}

impl<F> VerifyProgress for F
where
    F: Fn(VerifyEvent) + Send + Sync,
{
    fn emit(&self, event: VerifyEvent) {
        self(event)
    }
}

/// A [`VerifyProgress`] that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoVerifyProgress;

impl VerifyProgress for NoVerifyProgress {
    fn emit(&self, _event: VerifyEvent) {}
}

/// What to verify.
#[derive(Debug, Clone)]
pub struct Options {
    /// Check the module cache.
    pub modcache: bool,
    /// Check the build cache.
    pub build: bool,
    /// Limits for reading zips.
    pub zip_limits: ZipLimits,
    /// At most this many changed files are named per version (the count is in the message).
    pub max_files_listed: usize,
    /// Project mode: the environment to run `go` in (with the discovered `go` binary): `go list
    /// -m all` for the build list `go mod verify` checks, and `go mod download` for an
    /// `http(s)` proxy. `None`: every version go.sum names is checked, HTTP proxies are not
    /// asked.
    pub env: Option<crate::env::EnvMap>,
    /// Project mode: compare the go.sum lines the cache cannot confirm (and the mismatches of an
    /// intact cache) with what the proxy serves (GOPROXY; the network for `http(s)` proxies).
    pub compare_proxy: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            modcache: true,
            build: true,
            zip_limits: ZipLimits::default(),
            max_files_listed: 1000,
            env: None,
            compare_proxy: false,
        }
    }
}

/// Shared progress state of one run.
pub(crate) struct Meter<'a> {
    sink: &'a dyn VerifyProgress,
    throttle: Throttle,
    bytes: AtomicU64,
    total: u64,
    done: AtomicUsize,
    versions: usize,
    broken: AtomicUsize,
}

impl<'a> Meter<'a> {
    fn new(sink: &'a dyn VerifyProgress, total: u64, versions: usize) -> Self {
        Self {
            sink,
            throttle: Throttle::default(),
            bytes: AtomicU64::new(0),
            total,
            done: AtomicUsize::new(0),
            versions,
            broken: AtomicUsize::new(0),
        }
    }

    pub(crate) fn add_bytes(&self, n: u64) {
        self.bytes.fetch_add(n, Ordering::Relaxed);
    }

    pub(crate) fn tick(&self, current: &str, finished_version: bool, broken: bool) {
        if finished_version {
            self.done.fetch_add(1, Ordering::Relaxed);
        }
        if broken {
            self.broken.fetch_add(1, Ordering::Relaxed);
        }
        if self.throttle.ready() {
            self.sink.emit(VerifyEvent::VerifyProgress {
                bytes: self.bytes.load(Ordering::Relaxed),
                total_bytes: self.total,
                versions_done: self.done.load(Ordering::Relaxed),
                versions: self.versions,
                broken: self.broken.load(Ordering::Relaxed),
                current: current.to_owned(),
            });
        }
    }

    fn bytes(&self) -> u64 {
        self.bytes.load(Ordering::Relaxed)
    }
}

fn root_of(report: &Report, kind: CacheKind) -> Option<PathBuf> {
    report
        .cache(kind)
        .filter(|c| c.exists)
        .map(|c| c.path.clone())
}

fn sort_modules(modules: &mut [ModuleResult]) {
    modules.sort_by(|a, b| {
        (a.status.rank(), &a.path, &a.version).cmp(&(b.status.rank(), &b.path, &b.version))
    });
}

/// Verifies the discovered module cache and build cache (see the module docs).
///
/// # Errors
/// [`crate::Error::Io`] when the module cache root cannot be listed. A cancelled run is not an
/// error: the report has `cancelled: true` and what was checked so far.
pub fn verify_cache(
    report: &Report,
    opts: &Options,
    progress: &dyn VerifyProgress,
    cancel: &CancelToken,
) -> Result<VerifyReport> {
    let modcache = if opts.modcache {
        root_of(report, CacheKind::Modcache)
    } else {
        None
    };
    let gocache = if opts.build {
        root_of(report, CacheKind::Build)
    } else {
        None
    };
    run(
        modcache.as_deref(),
        gocache.as_deref(),
        None,
        opts,
        progress,
        cancel,
    )
}

/// Verifies a module cache at `modcache` and/or a build cache at `gocache`. With `only`, just
/// those module versions (path, version) are examined (project mode).
pub(crate) fn run(
    modcache: Option<&Path>,
    gocache: Option<&Path>,
    only: Option<&std::collections::BTreeSet<(String, String)>>,
    opts: &Options,
    progress: &dyn VerifyProgress,
    cancel: &CancelToken,
) -> Result<VerifyReport> {
    let started = Instant::now();
    let mut problems = Vec::new();
    let versions = match modcache {
        Some(root) => {
            let mut v = modcache::enumerate(root, &mut problems)?;
            if let Some(only) = only {
                v.retain(|e| only.contains(&(e.path.clone(), e.version.clone())));
            }
            modcache::plan(&mut v, cancel);
            for e in &v {
                if let Some(Ok(files)) = &e.files {
                    for f in files {
                        if let Some(kind) = f.special {
                            problems.push(special_problem(&f.path, kind));
                        }
                    }
                }
            }
            v
        }
        None => Vec::new(),
    };
    let build_entries = match gocache {
        Some(root) => build::enumerate(root, &mut problems),
        None => Vec::new(),
    };
    let total = versions.iter().map(|v| v.planned_bytes()).sum::<u64>()
        + build_entries.iter().map(|e| e.size).sum::<u64>();
    progress.emit(VerifyEvent::VerifyStarted {
        versions: versions.len(),
        build_entries: build_entries.len(),
        total_bytes: total,
    });
    let meter = Meter::new(progress, total, versions.len());
    let mut modules = modcache::check_all(&versions, opts, &meter, cancel);
    let build =
        gocache.map(|root| build::check(root, &build_entries, &meter, &mut problems, cancel));
    sort_modules(&mut modules);
    let broken = modules.iter().filter(|m| m.status.is_broken()).count();
    let cancelled = cancel.is_cancelled();
    let special_files = problems.iter().filter(|p| p.id == "special-file").count();
    progress.emit(VerifyEvent::VerifyFinished {
        bytes: meter.bytes(),
        broken,
        cancelled,
    });
    Ok(VerifyReport {
        checked: modules.len(),
        broken,
        modules,
        problems,
        modcache: modcache.map(Path::to_path_buf),
        build,
        project: None,
        special_files,
        bytes_hashed: meter.bytes(),
        elapsed_ms: u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        cancelled,
    })
}
