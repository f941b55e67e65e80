//! CI mode (issue #18): the steps of a CI job around a cache restore and save.
//!
//! * [`prepare`] runs at a job's start, before the cache restore: it makes an existing module
//!   cache writable (or removes it through the clean engine) so that `tar` restoring over it
//!   cannot fail with "Cannot open: File exists" / "Can't unlink already-existing object", and
//!   records the job's start in a [`Marker`].
//! * [`trim`] runs before the cache save: it keeps the build-cache entries used since the job
//!   started (Go's mtime rule, spec §5: an entry's mtime is bumped on use only when it is older
//!   than [`MTIME_INTERVAL`], so "used since T" is `mtime >= T - 1h`; the test results the job
//!   produced are among them) and the module versions the projects name, and removes the rest
//!   through the clean engine (Go's locks, the audit log); `max_size` is a ceiling applied least
//!   recently used first, never below what the job used.
//! * [`find_stray`] and [`remove_stray`] find module and build caches inside a workspace
//!   (`GOPATH=$CI_PROJECT_DIR/.go`) and remove them, read-only directories included.
//! * [`annotate`] formats GitHub Actions workflow commands, the step summary table and GitLab's
//!   collapsible sections, escaping what comes from the disk.

pub mod annotate;
#[cfg(unix)]
mod unix;
#[cfg(unix)]
use unix as platform;
#[cfg(windows)]
mod windows;
#[cfg(windows)]
use windows as platform;

#[cfg(test)]
mod tests;

use std::io::{Read as _, Write as _};
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::CancelToken;
use crate::clean::{
    self, ExecOptions, ItemResult, ModuleRef, NoCleanProgress, Outcome, PlanOptions, Target, audit,
};
use crate::discover::{CacheKind, Report};
use crate::env::EnvMap;
use crate::scan;

/// Go's `mtimeInterval`: a cache entry's mtime is updated on use only when it is older than
/// this (spec §5), so an entry used at time T has an mtime of at least `T - MTIME_INTERVAL`.
pub const MTIME_INTERVAL: i64 = 3600;
/// The marker's file name in the data directory.
pub const MARKER_FILE: &str = "ci-job.json";
/// The largest marker file read (a valid one is about 60 bytes).
const MARKER_MAX: u64 = 4096;
/// How far in the future a marker's time may be (clock steps between steps of one job).
const MARKER_FUTURE_SLACK: i64 = 300;
/// How old a marker may be: a job longer than this is not a CI job any more.
const MARKER_MAX_AGE: i64 = 7 * 86_400;

/// Why a CI step failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CiError {
    /// No start time: no `ci prepare` marker and no `--since`.
    #[error(
        "no job start time: run `gocache-doctor ci prepare` at the job's start or pass --since"
    )]
    NoStart,
    /// The marker exists but is not one this tool wrote for this user.
    #[error(
        "the job marker {path} is not valid ({reason}); run `ci prepare` again or pass --since"
    )]
    BadMarker {
        /// The marker file.
        path: PathBuf,
        /// Why it was rejected.
        reason: String,
    },
    /// No data directory to keep the marker in.
    #[error("no data directory for the job marker: set GOCACHE_DOCTOR_DATA_DIR")]
    NoDataDir,
    /// A `--since` value that is not a time.
    #[error("{0:?} is not a time: give Unix seconds or RFC 3339 (2026-12-06T17:00:00Z)")]
    BadTime(String),
    /// The directory given to `ci stray` is not one.
    #[error("{path}: {reason}")]
    BadDir {
        /// The path.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The module selection failed (projects unreadable).
    #[error("{0}")]
    Select(#[from] clean::select::SelectError),
    /// The clean engine refused or failed.
    #[error("{0}")]
    Clean(#[from] crate::Error),
    /// An I/O error.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The error.
        #[source]
        source: std::io::Error,
    },
}

impl CiError {
    fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The result of making a tree writable.
#[derive(Debug, Default, Clone, Serialize)]
pub struct Writable {
    /// Directories (Unix) or entries walked.
    pub dirs: u64,
    /// Directories (Unix) or files (Windows) whose mode was changed.
    pub changed: u64,
    /// Entries that could not be changed (the first few), with the error.
    pub failures: Vec<String>,
    /// How many entries failed.
    pub failed: u64,
}

impl Writable {
    fn fail(&mut self, path: &Path, e: std::io::Error) {
        self.failed += 1;
        if self.failures.len() < 20 {
            self.failures.push(format!("{}: {e}", path.display()));
        }
    }
}

/// The current time, Unix seconds.
fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The job-start marker written by [`prepare`] and read by [`trim`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Marker {
    /// Format version, 1.
    pub version: u32,
    /// When `ci prepare` ran, Unix seconds.
    pub started: i64,
}

/// The marker's default place: [`MARKER_FILE`] in the data directory
/// ([`crate::history::default_dir`]: `$GOCACHE_DOCTOR_DATA_DIR` or the user's data dir).
pub fn default_marker_path() -> Option<PathBuf> {
    crate::history::default_dir().map(|d| d.join(MARKER_FILE))
}

/// Writes the marker at `path` (its directory created): a new private file renamed over the
/// old marker, so a link or file someone else put there is replaced, never written through.
///
/// # Errors
/// [`CiError::Io`] when the directory or file cannot be written.
pub fn write_marker(path: &Path, started: i64) -> Result<(), CiError> {
    let dir = path.parent().ok_or(CiError::NoDataDir)?;
    std::fs::create_dir_all(dir).map_err(|e| CiError::io(dir, e))?;
    let tmp = dir.join(format!(".{MARKER_FILE}.{}.tmp", std::process::id()));
    let _ = std::fs::remove_file(&tmp);
    let body = serde_json::to_string(&Marker {
        version: 1,
        started,
    })
    .map_err(|e| CiError::io(path, std::io::Error::other(e)))?;
    let mut f = platform::create_new_private(&tmp).map_err(|e| CiError::io(&tmp, e))?;
    f.write_all(body.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|e| CiError::io(&tmp, e))?;
    drop(f);
    std::fs::rename(&tmp, path).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        CiError::io(path, e)
    })
}

/// Reads and validates the marker at `path` against `now`: a regular file (not a link) of
/// this user, small, JSON of this version, a time neither in the future nor older than a
/// week. `Ok(None)` when there is none. The file may have been written by anyone who can
/// write the directory, so nothing in it is trusted beyond these checks.
///
/// # Errors
/// [`CiError::BadMarker`] naming what is wrong.
pub fn read_marker(path: &Path, now: i64) -> Result<Option<Marker>, CiError> {
    let bad = |reason: &str| CiError::BadMarker {
        path: path.to_path_buf(),
        reason: reason.to_owned(),
    };
    let md = match std::fs::symlink_metadata(path) {
        Ok(md) => md,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(CiError::io(path, e)),
    };
    if !md.file_type().is_file() {
        return Err(bad("not a regular file"));
    }
    if !platform::owned_by_me(&md) {
        return Err(bad("owned by another user"));
    }
    if md.len() > MARKER_MAX {
        return Err(bad("too large"));
    }
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MARKER_MAX).read_to_string(&mut text))
        .map_err(|e| CiError::io(path, e))?;
    let m: Marker = serde_json::from_str(&text).map_err(|_| bad("not a marker"))?;
    if m.version != 1 {
        return Err(bad("unknown version"));
    }
    if m.started > now + MARKER_FUTURE_SLACK {
        return Err(bad("its time is in the future"));
    }
    if m.started < now - MARKER_MAX_AGE {
        return Err(bad("older than a week"));
    }
    Ok(Some(m))
}

/// Parses a `--since` value: Unix seconds, or RFC 3339 (`2026-12-06T17:00:00Z`, an offset
/// allowed).
///
/// # Errors
/// [`CiError::BadTime`].
pub fn parse_time(s: &str) -> Result<i64, CiError> {
    let t = s.trim();
    if let Ok(n) = t.parse::<i64>() {
        return Ok(n);
    }
    chrono::DateTime::parse_from_rfc3339(t)
        .map(|d| d.timestamp())
        .map_err(|_| CiError::BadTime(s.to_owned()))
}

/// `t` (Unix seconds) as RFC 3339 in UTC (`2026-12-06T17:00:00Z`), as [`parse_time`] reads it.
pub fn format_time(t: i64) -> String {
    chrono::DateTime::from_timestamp(t, 0).map_or_else(
        || t.to_string(),
        |d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
    )
}

/// Sizes of the caches a step works on.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Sizes {
    /// The module cache's bytes (0 when absent).
    pub modcache: u64,
    /// The build cache's bytes (0 when absent).
    pub build: u64,
}

fn size_of(path: &Path, cancel: &CancelToken) -> u64 {
    scan::scan_dir(path, &scan::Options::default(), cancel).map_or(0, |t| t.bytes)
}

fn cache_path(report: &Report, kind: CacheKind) -> Option<PathBuf> {
    report
        .cache(kind)
        .filter(|c| c.exists)
        .map(|c| c.path.clone())
}

/// The sizes of `report`'s module and build caches now.
pub fn sizes(report: &Report, cancel: &CancelToken) -> Sizes {
    Sizes {
        modcache: cache_path(report, CacheKind::Modcache).map_or(0, |p| size_of(&p, cancel)),
        build: cache_path(report, CacheKind::Build).map_or(0, |p| size_of(&p, cancel)),
    }
}

/// Settings of [`prepare`].
#[derive(Debug, Clone, Default)]
pub struct PrepareOptions {
    /// Remove the module cache instead of making it writable.
    pub remove: bool,
    /// Where the marker goes; `None` is [`default_marker_path`].
    pub marker: Option<PathBuf>,
    /// The job's start, Unix seconds; `None` is now.
    pub now: Option<i64>,
}

/// What [`prepare`] did.
#[derive(Debug, Clone, Serialize)]
pub struct PrepareReport {
    /// The module cache (GOMODCACHE), when one was discovered.
    pub modcache: Option<PathBuf>,
    /// Whether it existed.
    pub existed: bool,
    /// The module cache's size before, bytes.
    pub bytes: u64,
    /// Made writable (when not removed).
    pub writable: Option<Writable>,
    /// The clean engine's results (with `remove`).
    pub removed: Vec<ItemResult>,
    /// Bytes the removal freed.
    pub bytes_freed: u64,
    /// The marker written.
    pub marker: PathBuf,
    /// The start time recorded, Unix seconds.
    pub started: i64,
    /// Problems that did not stop the step.
    pub warnings: Vec<String>,
}

impl PrepareReport {
    /// Whether anything failed (a directory left read-only, a removal that failed).
    pub fn failed(&self) -> bool {
        self.writable.as_ref().is_some_and(|w| w.failed > 0)
            || self.removed.iter().any(|r| r.outcome == Outcome::Failed)
    }
}

/// `ci prepare`: makes `report`'s module cache writable (or removes it with `opts.remove`,
/// through [`clean::plan`] and [`clean::execute`], recorded in the audit log) and writes the
/// job's start marker.
///
/// # Errors
/// [`CiError::NoDataDir`] without a marker path; [`CiError::Clean`] when the clean engine
/// refuses the module cache's root (for both making it writable and removing it); [`CiError::Io`] when the marker cannot be written.
pub fn prepare(
    report: &Report,
    opts: &PrepareOptions,
    cancel: &CancelToken,
) -> Result<PrepareReport, CiError> {
    let marker = opts
        .marker
        .clone()
        .or_else(default_marker_path)
        .ok_or(CiError::NoDataDir)?;
    let started = opts.now.unwrap_or_else(unix_now);
    let modcache = report.cache(CacheKind::Modcache).map(|c| c.path.clone());
    let existed = modcache
        .as_ref()
        .is_some_and(|p| std::fs::metadata(p).is_ok_and(|m| m.is_dir()));
    let mut out = PrepareReport {
        modcache: modcache.clone(),
        existed,
        bytes: 0,
        writable: None,
        removed: Vec::new(),
        bytes_freed: 0,
        marker: marker.clone(),
        started,
        warnings: Vec::new(),
    };
    if let (Some(root), true) = (&modcache, existed) {
        out.bytes = size_of(root, cancel);
        if opts.remove {
            let (results, freed) = run_clean(report, &[Target::Modcache], cancel)?;
            out.removed = results;
            out.bytes_freed = freed;
        } else {
            // The same refusals as a clean of the whole module cache: a GOMODCACHE pointing
            // at the home directory must not have every directory under it changed.
            clean::check_cache_root(report, CacheKind::Modcache, root)?;
            let is_link = std::fs::symlink_metadata(root).is_ok_and(|m| m.file_type().is_symlink());
            out.writable = Some(if is_link {
                let mut w = Writable::default();
                w.fail(
                    root,
                    std::io::Error::other(
                        "the module cache is a symlink, which is not followed: set GOMODCACHE \
                         to its target",
                    ),
                );
                w
            } else {
                platform::make_writable(root, cancel)
            });
        }
    } else if modcache.is_none() {
        out.warnings.push("no module cache was found".into());
    }
    write_marker(&marker, started)?;
    Ok(out)
}

/// Plans, executes and purges `targets` with the clean engine and writes the audit log.
fn run_clean(
    report: &Report,
    targets: &[Target],
    cancel: &CancelToken,
) -> Result<(Vec<ItemResult>, u64), CiError> {
    let plan = clean::plan(report, targets, &PlanOptions::default(), cancel)?;
    if plan.items.is_empty() {
        return Ok((Vec::new(), 0));
    }
    let opts = ExecOptions {
        holder_lookup: Some(crate::locks::holder_lookup()),
        ..ExecOptions::default()
    };
    let exec = clean::execute(report, &plan, &opts, &NoCleanProgress, cancel)?;
    let purge = exec.quarantine.purge(&NoCleanProgress, cancel);
    let (results, freed) = clean::finish(exec.results, &purge);
    if let Some(path) = audit::default_path() {
        // The audit log is a record, not a condition of the clean.
        let _ = audit::record(&path, plan.created, targets, &results, freed);
    }
    Ok((results, freed))
}

/// Settings of [`trim`].
#[derive(Debug, Clone, Default)]
pub struct TrimOptions {
    /// Keep build-cache entries used since this time (Unix seconds); `None` reads the marker.
    pub since: Option<i64>,
    /// Where the marker is; `None` is [`default_marker_path`].
    pub marker: Option<PathBuf>,
    /// The project folders whose module versions are kept; empty keeps every module version.
    pub projects: Vec<PathBuf>,
    /// The build cache's ceiling in bytes.
    pub max_size: Option<u64>,
    /// Show what would go, remove nothing.
    pub dry_run: bool,
    /// Now, Unix seconds; `None` is the clock.
    pub now: Option<i64>,
}

/// What [`trim`] did.
#[derive(Debug, Clone, Serialize)]
pub struct TrimReport {
    /// The job's start used (Unix seconds).
    pub since: i64,
    /// Where `since` came from: `marker` or `flag`.
    pub since_from: &'static str,
    /// Build-cache entries with an mtime before this are removed (`since - 1h`).
    pub cutoff: i64,
    /// Sizes before.
    pub before: Sizes,
    /// Sizes after (equal to `before` in a dry run).
    pub after: Sizes,
    /// Bytes of build-cache entries used since the job started (kept).
    pub build_kept_bytes: u64,
    /// Build-cache entries (files) planned for removal.
    pub build_entries: u64,
    /// Module versions planned for removal.
    pub modules: Vec<ModuleRef>,
    /// Projects read.
    pub projects: usize,
    /// Bytes planned for removal.
    pub planned_bytes: u64,
    /// The clean engine's results (empty in a dry run).
    pub results: Vec<ItemResult>,
    /// Bytes freed.
    pub bytes_freed: u64,
    /// Whether nothing was removed on purpose.
    pub dry_run: bool,
    /// Problems that did not stop the step.
    pub warnings: Vec<String>,
}

impl TrimReport {
    /// Whether a removal failed.
    pub fn failed(&self) -> bool {
        self.results.iter().any(|r| r.outcome == Outcome::Failed)
    }
}

/// `ci trim`: removes the build-cache entries not used since the job's start (marker or
/// `opts.since`) and the module versions none of `opts.projects` names, through the clean
/// engine; with `opts.max_size`, also the least recently used entries beyond it, but never
/// those used since the start.
///
/// # Errors
/// [`CiError::NoStart`], [`CiError::BadMarker`], [`CiError::Select`] when the projects cannot
/// be read, [`CiError::Clean`] when the clean engine refuses a root.
pub fn trim(
    report: &Report,
    env: &EnvMap,
    opts: &TrimOptions,
    cancel: &CancelToken,
) -> Result<TrimReport, CiError> {
    let now = opts.now.unwrap_or_else(unix_now);
    let (since, since_from) = match opts.since {
        Some(s) => (s, "flag"),
        None => {
            let path = opts
                .marker
                .clone()
                .or_else(default_marker_path)
                .ok_or(CiError::NoStart)?;
            let m = read_marker(&path, now)?.ok_or(CiError::NoStart)?;
            (m.started, "marker")
        }
    };
    let cutoff = since - MTIME_INTERVAL;
    let mut warnings = Vec::new();
    let before = sizes(report, cancel);
    let mut targets = Vec::new();
    let mut build_kept_bytes = 0;
    if let Some(root) = cache_path(report, CacheKind::Build) {
        build_kept_bytes = clean::build_bytes_since(&root, cutoff, cancel).unwrap_or(0);
        // BuildOlderThan's cutoff is `now - days * 86400` truncated: half a second more keeps
        // the float's rounding on the side of keeping.
        #[allow(
            clippy::cast_precision_loss,
            reason = "seconds of a few years fit in f64"
        )]
        let days = ((now - cutoff) as f64 + 0.5) / 86_400.0;
        if now > cutoff {
            targets.push(Target::BuildOlderThan { days });
        }
        if let Some(max) = opts.max_size {
            let budget = max.max(build_kept_bytes);
            if budget > max {
                warnings.push(format!(
                    "the build cache's ceiling ({max} bytes) is below what this job used \
                     ({build_kept_bytes} bytes): those entries are kept"
                ));
            }
            targets.push(Target::BuildBudget { max_bytes: budget });
        }
    } else {
        warnings.push("no build cache was found".into());
    }
    let mut modules = Vec::new();
    let mut projects = 0;
    if opts.projects.is_empty() {
        warnings.push("no project folder: every module version is kept".into());
    } else if cache_path(report, CacheKind::Modcache).is_some() {
        let sel = clean::select::select_modules(
            report,
            env,
            &[clean::select::Criteria::Unused {
                roots: opts.projects.clone(),
            }],
            &[],
            cancel,
        )?;
        projects = sel.projects;
        warnings.extend(sel.warnings);
        if projects == 0 {
            warnings
                .push("no go.mod found under the projects: every module version is kept".into());
        } else {
            modules = sel
                .versions
                .into_iter()
                .map(|v| ModuleRef::new(v.path, v.version))
                .collect();
        }
    }
    if !modules.is_empty() {
        targets.push(Target::ModuleVersions {
            versions: modules.clone(),
        });
    }
    let plan = clean::plan(
        report,
        &targets,
        &PlanOptions {
            now: Some(now),
            ..PlanOptions::default()
        },
        cancel,
    )?;
    let build_entries = plan
        .items
        .iter()
        .filter(|i| i.cache == CacheKind::Build)
        .map(|i| i.files)
        .sum();
    let planned_bytes = plan.total_bytes;
    let (results, bytes_freed, after) = if opts.dry_run || plan.items.is_empty() {
        (Vec::new(), 0, before.clone())
    } else {
        let (r, f) = run_clean(report, &targets, cancel)?;
        (r, f, sizes(report, cancel))
    };
    Ok(TrimReport {
        since,
        since_from,
        cutoff,
        before,
        after,
        build_kept_bytes,
        build_entries,
        modules,
        projects,
        planned_bytes,
        results,
        bytes_freed,
        dry_run: opts.dry_run,
        warnings,
    })
}

/// What kind of cache [`find_stray`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StrayKind {
    /// A module cache (`cache/download` inside, or a `.go/pkg/mod`).
    ModuleCache,
    /// A build cache (`00`..`ff` with Go's `README` or `trim.txt`).
    BuildCache,
    /// A directory named `go-build*` without a build cache's signature (Go's work directory).
    GoBuildDir,
}

/// A cache found inside a workspace.
#[derive(Debug, Clone, Serialize)]
pub struct Stray {
    /// Where.
    pub path: PathBuf,
    /// What.
    pub kind: StrayKind,
    /// Its size, bytes.
    pub bytes: u64,
    /// Its files.
    pub files: u64,
}

/// The first line of the `README` Go writes into a build cache.
const BUILD_README: &str = "This directory holds cached build artifacts from the Go build system.";

fn is_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir())
}

fn stray_kind(dir: &Path) -> Option<StrayKind> {
    if is_dir(&dir.join("cache").join("download")) || dir.ends_with(".go/pkg/mod") {
        return Some(StrayKind::ModuleCache);
    }
    let has_hex = std::fs::read_dir(dir).ok()?.flatten().any(|e| {
        e.file_name().to_str().is_some_and(|n| {
            n.len() == 2 && n.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        }) && e.file_type().is_ok_and(|t| t.is_dir())
    });
    let readme = std::fs::File::open(dir.join("README")).ok().and_then(|f| {
        let mut s = String::new();
        f.take(4096).read_to_string(&mut s).ok()?;
        Some(s.starts_with(BUILD_README))
    });
    let trim = std::fs::symlink_metadata(dir.join("trim.txt")).is_ok_and(|m| m.is_file());
    if has_hex && (readme == Some(true) || trim) {
        return Some(StrayKind::BuildCache);
    }
    let name = dir.file_name()?.to_str()?;
    name.starts_with("go-build")
        .then_some(StrayKind::GoBuildDir)
}

/// Finds module caches and build caches below `dir` (not `dir` itself), without following
/// symlinks and without descending into what it found.
///
/// # Errors
/// [`CiError::BadDir`] when `dir` is not a directory.
pub fn find_stray(dir: &Path, cancel: &CancelToken) -> Result<Vec<Stray>, CiError> {
    if !is_dir(dir) {
        return Err(CiError::BadDir {
            path: dir.to_path_buf(),
            reason: "not a directory".into(),
        });
    }
    let mut out = Vec::new();
    let mut it = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .follow_links(false)
        .into_iter();
    while let Some(entry) = it.next() {
        if cancel.is_cancelled() {
            break;
        }
        let Ok(entry) = entry else { continue };
        if !entry.file_type().is_dir() {
            continue;
        }
        if let Some(kind) = stray_kind(entry.path()) {
            let t =
                scan::scan_dir(entry.path(), &scan::Options::default(), cancel).unwrap_or_default();
            out.push(Stray {
                path: entry.path().to_path_buf(),
                kind,
                bytes: t.bytes,
                files: t.files,
            });
            it.skip_current_dir();
        }
    }
    Ok(out)
}

/// The outcome of removing one [`Stray`].
#[derive(Debug, Clone, Serialize)]
pub struct StrayRemoval {
    /// The path.
    pub path: PathBuf,
    /// Whether it is gone.
    pub removed: bool,
    /// Why not (the first errors).
    pub errors: Vec<String>,
}

/// Removes the `strays` that lie strictly below `dir` (read-only directories included, by
/// descriptor, never following a link: the clean engine's removal).
pub fn remove_stray(dir: &Path, strays: &[Stray], cancel: &CancelToken) -> Vec<StrayRemoval> {
    strays
        .iter()
        .map(|s| {
            let inside = s.path.starts_with(dir) && s.path != dir;
            if !inside {
                return StrayRemoval {
                    path: s.path.clone(),
                    removed: false,
                    errors: vec![format!("not inside {}", dir.display())],
                };
            }
            let errs = clean::remove_tree(&s.path, cancel);
            StrayRemoval {
                path: s.path.clone(),
                removed: errs.is_empty(),
                errors: errs
                    .first
                    .iter()
                    .map(|(p, e)| format!("{}: {e}", p.display()))
                    .collect(),
            }
        })
        .collect()
}
