//! Autopilot (issue #17): the cache GC Go never shipped, as an opt-in policy
//! ([`crate::settings::AutoPolicy`]) that `gocache-doctor auto run` applies.
//!
//! A run:
//! 1. sizes the module cache and the build cache ([`crate::scan`]) and reads the free space
//!    of their file systems;
//! 2. finds the projects ([`project_roots`]: the configured folders, plus go.mod files under
//!    the usual code folders) and the module versions they use
//!    ([`crate::projects::used_versions`], the "unused by my projects" selection);
//! 3. computes every module version's last use ([`lastuse`]) and the [`Decision`]s
//!    ([`decide`], pure);
//! 4. probes the processes holding files in each cache ([`crate::locks`]): a cache some
//!    process (`go`, `gopls`, an editor, ...) works in is skipped and the result says so;
//! 5. plans and runs the removals with the clean engine the `clean` command uses
//!    ([`crate::clean::plan`], [`crate::clean::execute`]: Go's locks, quarantine, refusals)
//!    and appends the audit log entry.
//!
//! # The rules
//! * A module version a project's go.mod, go.sum, go.work or vendor/modules.txt names (or
//!   `go list -m all` lists) is never removed. When no project is found at all, no module
//!   version is removed (every one would count as unused).
//! * The newest `keep_latest` versions of each module (Go's semver order) are kept.
//! * Of the rest, every version not used for `unused_days` days goes; then, while the module
//!   cache is above its budget, the least recently used ones go.
//! * Downloaded toolchains go only with `remove_unnamed_toolchains`, and only those no
//!   project's `toolchain`/`go` line (nor `GOTOOLCHAIN`) names.
//! * The build cache is trimmed least recently used first to its budget (the `build-budget`
//!   target of the clean engine, by Go's own mtime semantics).
//! * Free-disk floor: when the free space of a cache's file system is below the floor, that
//!   cache's budget becomes `min(budget, size - (floor - free))` (a cache without a budget
//!   gets that one): each cache on its own would bring the free space back to the floor.
//!   Only what the rules above allow goes (in-use and kept versions stay).

pub mod lastuse;
pub mod notify;
pub mod schedule;
pub mod tray;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

pub use lastuse::{LastUse, LastUseSource, file_last_use, last_use};

use crate::clean::{
    self, ExecOptions, ItemResult, ModuleRef, NoCleanProgress, Outcome, Plan, PlanOptions, Target,
    audit,
};
use crate::discover::{CacheKind, Report};
use crate::env::EnvMap;
use crate::locks::{self, LockProbe};
use crate::projects::{self, UsedSet, semver};
use crate::scan::{self, ModuleRow};
use crate::settings::AutoPolicy;
use crate::{CancelToken, NoProgress};

/// The usual code folders under the home directory searched for go.mod files.
pub const CODE_FOLDERS: &[&str] = &["go/src", "src", "code", "projects", "dev", "work"];
/// How deep below a code folder go.mod files are looked for.
pub const CODE_FOLDER_DEPTH: usize = 4;
/// At most this many projects are taken from the code folders.
pub const CODE_FOLDER_MAX_PROJECTS: usize = 200;

/// Why a run could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AutoError {
    /// The policy (stored or given) is not valid.
    #[error("{0}")]
    BadPolicy(String),
    /// A project folder given explicitly is missing or not a directory.
    #[error("{}: {reason}", path.display())]
    BadProject {
        /// The folder.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// Planning or running the clean failed as a whole.
    #[error(transparent)]
    Clean(#[from] crate::Error),
}

impl AutoError {
    /// The machine-readable code: `BadSettings` for a bad policy, `BadRoot` for a bad project
    /// folder, else the clean engine's.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::BadPolicy(_) => crate::ErrorCode::BadSettings,
            Self::BadProject { .. } => crate::ErrorCode::BadRoot,
            Self::Clean(e) => e.code(),
        }
    }
}

/// Values given for one run (the CLI's flags) that override the stored policy.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// `--modcache-max`.
    pub modcache_max_bytes: Option<u64>,
    /// `--build-max`.
    pub build_max_bytes: Option<u64>,
    /// `--unused-days`.
    pub unused_days: Option<u64>,
    /// `--keep-latest`.
    pub keep_latest: Option<u64>,
    /// `--project` (repeatable): when given, these are the only project folders.
    pub projects: Vec<PathBuf>,
}

/// The policy a run applies: `stored` with every value of `o` that is set in its place.
///
/// # Errors
/// [`AutoError::BadPolicy`] when the stored policy could not be read or a value is out of
/// range ([`AutoPolicy::validate`]).
pub fn effective_policy(stored: &AutoPolicy, o: &Overrides) -> Result<AutoPolicy, AutoError> {
    // An override replaces a stored value, so a bad stored one it replaces does not matter;
    // an unreadable stored policy is still an error (what else it says is unknown).
    let mut p = stored.clone();
    if let Some(v) = o.modcache_max_bytes {
        p.modcache_max_bytes = Some(v);
    }
    if let Some(v) = o.build_max_bytes {
        p.build_max_bytes = Some(v);
    }
    if let Some(v) = o.unused_days {
        p.unused_days = Some(v);
    }
    if let Some(v) = o.keep_latest {
        p.keep_latest = Some(v);
    }
    p.validate().map_err(AutoError::BadPolicy)?;
    Ok(p)
}

/// Why a module version goes or stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Reason {
    /// Kept: a project names it.
    InUse,
    /// Kept: among the newest `keep_latest` of its module.
    Latest,
    /// Kept: used recently enough and the cache is within its budget.
    Recent,
    /// Kept: a toolchain, and removing toolchains is off.
    Toolchain,
    /// Kept: no project was found, so nothing can be called unused.
    NoProjects,
    /// Removed: not used for `unused_days` days.
    UnusedDays,
    /// Removed: least recently used while the cache was above its budget.
    OverBudget,
    /// Removed: a toolchain no project names.
    UnnamedToolchain,
    /// Kept: the go command's own download (its telemetry configuration), never a project's.
    GosOwn,
}

/// What happens to one module version, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AutoDecision"))]
pub struct Decision {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
    /// Bytes it holds (extracted tree plus download files).
    pub bytes: u64,
    /// Its last use, Unix seconds (`None` when in use or unknown).
    pub last_use: Option<i64>,
    /// Where `last_use` comes from (`in-use`, `atime`, `mtime`).
    pub source: LastUseSource,
    /// Whether it goes.
    pub remove: bool,
    /// Why.
    pub reason: Reason,
}

/// The inputs of [`decide`] about the module cache.
#[derive(Debug, Clone, Copy)]
pub struct ModcacheState<'a> {
    /// The extracted versions (scan rows).
    pub rows: &'a [ModuleRow],
    /// The versions projects use; `None` when no project was found.
    pub used: Option<&'a UsedSet>,
    /// The module cache's size in bytes.
    pub bytes: u64,
    /// Its budget after the free-disk floor ([`tightened_budget`]).
    pub budget: Option<u64>,
    /// The time ages are measured against, Unix seconds.
    pub now: i64,
}

/// Computes the decision of every module version (pure: the caller supplies the last uses).
/// Removals come first, least recently used first; then what stays, by path and version.
pub fn decide(
    st: ModcacheState<'_>,
    policy: &AutoPolicy,
    last: &dyn Fn(&ModuleRow) -> LastUse,
) -> Vec<Decision> {
    let mut out: Vec<Decision> = Vec::with_capacity(st.rows.len());
    let keep_n = policy
        .keep_latest
        .map(|k| usize::try_from(k).unwrap_or(usize::MAX));
    let mut latest: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    if let Some(n) = keep_n {
        let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for r in st.rows.iter().filter(|r| !r.toolchain) {
            by_path.entry(&r.path).or_default().push(&r.version);
        }
        for (p, mut vs) in by_path {
            vs.sort_by(|a, b| semver::sort_cmp(b, a));
            vs.dedup();
            vs.truncate(n);
            latest.insert(p, vs);
        }
    }
    let cutoff = policy.unused_days.map(|d| {
        st.now
            .saturating_sub(i64::try_from(d.saturating_mul(86_400)).unwrap_or(i64::MAX))
    });
    let mut candidates: Vec<Decision> = Vec::new();
    for r in st.rows {
        let bytes = r.bytes + r.download_bytes;
        let d = |reason: Reason, remove: bool, lu: LastUse| Decision {
            path: r.path.clone(),
            version: r.version.clone(),
            bytes,
            last_use: lu.time,
            source: lu.source,
            remove,
            reason,
        };
        let in_use = LastUse {
            time: None,
            source: LastUseSource::InUse,
        };
        let Some(used) = st.used else {
            out.push(d(Reason::NoProjects, false, last(r)));
            continue;
        };
        if used.contains(&r.path, &r.version) {
            out.push(d(Reason::InUse, false, in_use));
        } else if !r.toolchain && projects::is_gos_own(&r.path) {
            out.push(d(Reason::GosOwn, false, last(r)));
        } else if r.toolchain {
            let remove = policy.remove_unnamed_toolchains;
            let reason = if remove {
                Reason::UnnamedToolchain
            } else {
                Reason::Toolchain
            };
            out.push(d(reason, remove, last(r)));
        } else if latest
            .get(r.path.as_str())
            .is_some_and(|vs| vs.contains(&r.version.as_str()))
        {
            out.push(d(Reason::Latest, false, last(r)));
        } else {
            let lu = last(r);
            // Unused for at least the days asked: 0 days is every unused version, whatever its
            // last use (one this very second, or a clock ahead of ours, included).
            let old = policy.unused_days == Some(0)
                || cutoff.is_some_and(|c| lu.time.is_none_or(|t| t <= c));
            candidates.push(if old {
                d(Reason::UnusedDays, true, lu)
            } else {
                d(Reason::Recent, false, lu)
            });
        }
    }
    // Least recently used first (unknown times first: nothing says they were used), then by
    // name for a stable order.
    let order = |a: &Decision, b: &Decision| {
        a.last_use
            .unwrap_or(i64::MIN)
            .cmp(&b.last_use.unwrap_or(i64::MIN))
            .then_with(|| a.path.cmp(&b.path))
            .then_with(|| semver::sort_cmp(&a.version, &b.version))
    };
    candidates.sort_by(order);
    if let Some(budget) = st.budget {
        let freed: u64 = out
            .iter()
            .chain(candidates.iter())
            .filter(|d| d.remove)
            .map(|d| d.bytes)
            .sum();
        let mut left = st.bytes.saturating_sub(freed);
        for c in candidates.iter_mut().filter(|c| !c.remove) {
            if left <= budget {
                break;
            }
            c.remove = true;
            c.reason = Reason::OverBudget;
            left = left.saturating_sub(c.bytes);
        }
    }
    out.extend(candidates);
    let (mut removed, mut kept): (Vec<Decision>, Vec<Decision>) =
        out.into_iter().partition(|d| d.remove);
    removed.sort_by(order);
    kept.sort_by(|a, b| {
        a.path
            .cmp(&b.path)
            .then_with(|| semver::sort_cmp(&a.version, &b.version))
    });
    removed.extend(kept);
    removed
}

/// A cache's budget under the free-disk floor: when `free` is below `floor`, the budget
/// becomes `min(budget, size - (floor - free))`; otherwise it stays. Returns the budget and
/// whether it was tightened.
pub fn tightened_budget(
    size: u64,
    budget: Option<u64>,
    free: Option<u64>,
    floor: Option<u64>,
) -> (Option<u64>, bool) {
    match (free, floor) {
        (Some(free), Some(floor)) if free < floor => {
            let tight = size.saturating_sub(floor - free);
            (Some(budget.map_or(tight, |b| b.min(tight))), true)
        }
        _ => (budget, false),
    }
}

/// What a run did (or would do) to one cache.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CacheRun {
    /// `modcache` or `build`.
    pub kind: CacheKind,
    /// Its root.
    pub path: String,
    /// Size before, bytes (`du -sb`).
    pub bytes_before: u64,
    /// Size after: before minus what was removed (a dry run: minus what would be).
    pub bytes_after: u64,
    /// The budget applied (after the free-disk floor), bytes.
    pub budget: Option<u64>,
    /// Whether the free-disk floor tightened the budget.
    pub tightened: bool,
    /// Free space of its file system, bytes (when it could be read).
    pub free_bytes: Option<u64>,
    /// The free-disk floor on that file system, bytes.
    pub floor_bytes: Option<u64>,
    /// Why nothing was done to it (a process works in it, no project, ...).
    pub skipped: Option<String>,
    /// The processes holding files in it (`go (pid 42, user ann): cwd`).
    pub holders: Vec<String>,
}

/// The result of [`run`].
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AutoRun {
    /// When it ran, Unix seconds.
    pub time: i64,
    /// Whether nothing was removed on purpose.
    pub dry_run: bool,
    /// The policy applied.
    pub policy: AutoPolicy,
    /// The project directories read.
    pub projects: Vec<String>,
    /// Per cache.
    pub caches: Vec<CacheRun>,
    /// Every module version's decision: removals first, least recently used first.
    pub decisions: Vec<Decision>,
    /// The clean plan run (or, for a dry run, that would run); `None` when nothing was planned.
    pub plan: Option<Plan>,
    /// One result per plan item (empty for a dry run).
    pub results: Vec<ItemResult>,
    /// Bytes freed.
    pub bytes_freed: u64,
    /// Problems that did not stop the run.
    pub warnings: Vec<String>,
}

/// How [`run`] runs.
#[derive(Clone, Default)]
pub struct RunOptions {
    /// Compute and report, remove nothing.
    pub dry_run: bool,
    /// The time ages are measured against, Unix seconds; `None` means now.
    pub now: Option<i64>,
    /// The lock probe; `None` uses this OS's ([`locks::system_probe`]).
    pub probe: Option<Arc<dyn LockProbe + Send + Sync>>,
    /// The clean engine's settings (lock timeout, holder lookup).
    pub exec: ExecOptions,
    /// Where the audit log entry goes (also for a run that found nothing to remove, unless a
    /// cache was skipped for a process working in it); `None` writes none.
    pub audit_log: Option<PathBuf>,
}

/// The project folders of a run: `o.projects` when any were given (each must be a
/// directory); otherwise the configured `configured` roots that exist (missing ones become
/// warnings) plus, with [`AutoPolicy::scan_code_folders`], every directory holding a go.mod
/// or go.work up to [`CODE_FOLDER_DEPTH`] levels below the [`CODE_FOLDERS`] of `home` (at
/// most [`CODE_FOLDER_MAX_PROJECTS`]; hidden, `vendor`, `testdata` and `node_modules`
/// directories are not entered).
///
/// # Errors
/// [`AutoError::BadProject`] for a given folder that is not a directory.
pub fn project_roots(
    configured: &[String],
    o: &Overrides,
    policy: &AutoPolicy,
    home: Option<&Path>,
    warnings: &mut Vec<String>,
) -> Result<Vec<PathBuf>, AutoError> {
    if !o.projects.is_empty() {
        for p in &o.projects {
            if !p.is_dir() {
                return Err(AutoError::BadProject {
                    path: p.clone(),
                    reason: "not a directory; pass a folder holding Go projects".into(),
                });
            }
        }
        return Ok(o.projects.clone());
    }
    let mut roots = Vec::new();
    for r in configured.iter().filter(|r| !r.is_empty()) {
        let p = PathBuf::from(r);
        if p.is_dir() {
            roots.push(p);
        } else {
            warnings.push(format!(
                "the project folder {} of the settings is not a directory; skipped",
                p.display()
            ));
        }
    }
    if policy.scan_code_folders
        && let Some(home) = home
    {
        let mut found = Vec::new();
        for f in CODE_FOLDERS {
            let dir = f.split('/').fold(home.to_path_buf(), |d, c| d.join(c));
            if dir.is_dir() {
                find_go_projects(&dir, CODE_FOLDER_DEPTH, &mut found);
            }
        }
        if found.len() > CODE_FOLDER_MAX_PROJECTS {
            warnings.push(format!(
                "more than {CODE_FOLDER_MAX_PROJECTS} projects in the code folders; add your \
                 project folders in the settings to have them all read"
            ));
            found.truncate(CODE_FOLDER_MAX_PROJECTS);
        }
        for p in found {
            if !roots.iter().any(|r| p.starts_with(r)) {
                roots.push(p);
            }
        }
    }
    Ok(roots)
}

/// Directories holding a go.mod or go.work at most `depth` levels below `dir` (the first one
/// found on a path: what is below it is that project's).
fn find_go_projects(dir: &Path, depth: usize, out: &mut Vec<PathBuf>) {
    if out.len() > CODE_FOLDER_MAX_PROJECTS {
        return;
    }
    if dir.join("go.mod").is_file() || dir.join("go.work").is_file() {
        out.push(dir.to_path_buf());
        return;
    }
    if depth == 0 {
        return;
    }
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut subdirs: Vec<PathBuf> = rd
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_dir()))
        .filter(|e| {
            let n = e.file_name();
            let n = n.to_string_lossy();
            !n.starts_with('.') && !matches!(&*n, "vendor" | "testdata" | "node_modules")
        })
        .map(|e| e.path())
        .collect();
    subdirs.sort();
    for d in subdirs {
        find_go_projects(&d, depth - 1, out);
    }
}

/// The holders of each cache of `report` (the toolchains inside the module cache count as
/// the module cache), as one line each, or the reason the probe failed.
fn holders_by_cache(
    report: &Report,
    probe: &dyn LockProbe,
    cancel: &CancelToken,
) -> Result<BTreeMap<CacheKind, Vec<String>>, String> {
    let found = locks::find_holders_in(report, probe, cancel).map_err(|e| e.to_string())?;
    let mut out: BTreeMap<CacheKind, Vec<String>> = BTreeMap::new();
    for h in &found.holders {
        for c in &h.caches {
            let kind = match c {
                CacheKind::Toolchains => CacheKind::Modcache,
                k => *k,
            };
            let line = locks::describe(h);
            let v = out.entry(kind).or_default();
            if !v.contains(&line) {
                v.push(line);
            }
        }
    }
    Ok(out)
}

/// Applies `policy` to the module cache and the build cache of `report` (see the module
/// documentation for the rules and the steps).
///
/// # Errors
/// [`AutoError::BadPolicy`] for a policy that fails [`AutoPolicy::validate`];
/// [`AutoError::Clean`] when the clean engine refuses the plan or fails as a whole.
pub fn run(
    report: &Report,
    env: &EnvMap,
    policy: &AutoPolicy,
    roots: &[PathBuf],
    opts: &RunOptions,
    cancel: &CancelToken,
) -> Result<AutoRun, AutoError> {
    policy.validate().map_err(AutoError::BadPolicy)?;
    let now = opts.now.unwrap_or_else(clean::unix_now);
    let mut warnings = Vec::new();
    let existing: Vec<_> = [CacheKind::Modcache, CacheKind::Build]
        .iter()
        .filter_map(|k| report.cache(*k).filter(|c| c.exists).cloned())
        .collect();
    let scanned = scan::scan(
        &existing,
        &scan::Options {
            // Reading the build cache's small files would change their access times.
            test_results: false,
            ..scan::Options::default()
        },
        &NoProgress,
        cancel,
    );
    if scanned.cancelled {
        return Err(AutoError::Clean(crate::Error::Cancelled));
    }
    let mut caches: Vec<CacheRun> = Vec::new();
    for c in &existing {
        let bytes = scanned
            .caches
            .iter()
            .find(|s| s.kind == c.kind)
            .map_or(0, |s| s.bytes);
        let space = crate::os::host::disk_space(&c.path);
        let floor = policy
            .free_disk_floor
            .zip(space)
            .map(|(f, (_, total))| f.bytes(total));
        let stored = match c.kind {
            CacheKind::Modcache => policy.modcache_max_bytes,
            _ => policy.build_max_bytes,
        };
        let (budget, tightened) = tightened_budget(bytes, stored, space.map(|s| s.0), floor);
        caches.push(CacheRun {
            kind: c.kind,
            path: crate::os::simplified(c.path.clone()).display().to_string(),
            bytes_before: bytes,
            bytes_after: bytes,
            budget,
            tightened,
            free_bytes: space.map(|s| s.0),
            floor_bytes: floor,
            skipped: None,
            holders: Vec::new(),
        });
    }
    // The projects and the module decisions.
    let mut decisions = Vec::new();
    let mut project_dirs = Vec::new();
    if let Some(mc) = report.cache(CacheKind::Modcache).filter(|c| c.exists) {
        let used = if roots.is_empty() {
            None
        } else {
            let popts = projects::Options {
                go: report.go.as_ref().map(|g| g.path.clone()),
                env: env.clone(),
                ..projects::Options::default()
            };
            match projects::used_versions(roots, &popts, cancel) {
                Ok(u) => Some(u),
                Err(e) => {
                    if let Some(c) = caches.iter_mut().find(|c| c.kind == CacheKind::Modcache) {
                        c.skipped = Some(format!(
                            "the projects could not be read ({e}); no module version is \
                             removed"
                        ));
                    }
                    None
                }
            }
        };
        if let Some(u) = &used {
            project_dirs = u
                .projects
                .iter()
                .map(|p| crate::os::simplified(p.dir.clone()).display().to_string())
                .collect();
            warnings.extend(
                u.warnings
                    .iter()
                    .map(|w| format!("{}: {}", w.path.display(), w.message)),
            );
        }
        let used = used.filter(|u| !u.projects.is_empty());
        let mcrun = caches.iter_mut().find(|c| c.kind == CacheKind::Modcache);
        if used.is_none()
            && let Some(c) = mcrun
            && c.skipped.is_none()
        {
            c.skipped = Some(
                "no Go project (go.mod or go.work) was found in the project folders, so no \
                 module version can be called unused; add your project folders in the \
                 settings or pass --project"
                    .into(),
            );
        }
        let (bytes, budget) = caches
            .iter()
            .find(|c| c.kind == CacheKind::Modcache)
            .map_or((0, None), |c| (c.bytes_before, c.budget));
        let root = mc.path.clone();
        decisions = decide(
            ModcacheState {
                rows: &scanned.modules,
                used: used.as_ref(),
                bytes,
                budget,
                now,
            },
            policy,
            &|r: &ModuleRow| last_use(&root, &r.path, &r.version, r.newest_mtime),
        );
    }
    // Who works in the caches, just before anything is removed.
    let probe: Arc<dyn LockProbe + Send + Sync> = opts
        .probe
        .clone()
        .unwrap_or_else(|| Arc::from(locks::system_probe()));
    // Whether a cache was left alone because some process works in it (or that cannot be
    // told): the run is then not recorded as done for the day.
    let mut busy = false;
    match holders_by_cache(report, probe.as_ref(), cancel) {
        Ok(by_cache) => {
            for c in &mut caches {
                if let Some(h) = by_cache.get(&c.kind) {
                    busy = true;
                    c.holders = h.clone();
                    if c.skipped.is_none() {
                        c.skipped = Some(format!(
                            "{} process(es) hold files in it ({}); it is left alone until \
                             they are done",
                            h.len(),
                            h.join("; ")
                        ));
                    }
                }
            }
        }
        Err(e) => {
            busy = true;
            for c in &mut caches {
                if c.skipped.is_none() {
                    c.skipped = Some(format!(
                        "cannot tell whether a process works in it ({e}); it is left alone"
                    ));
                }
            }
        }
    }
    let skipped = |k: CacheKind| {
        caches
            .iter()
            .find(|c| c.kind == k)
            .is_none_or(|c| c.skipped.is_some())
    };
    let mut targets = Vec::new();
    if !skipped(CacheKind::Modcache) {
        let versions: Vec<ModuleRef> = decisions
            .iter()
            .filter(|d| d.remove)
            .map(|d| ModuleRef::new(d.path.clone(), d.version.clone()))
            .collect();
        if !versions.is_empty() {
            targets.push(Target::ModuleVersions { versions });
        }
    } else {
        for d in &mut decisions {
            d.remove = false;
        }
    }
    if !skipped(CacheKind::Build)
        && let Some(c) = caches.iter().find(|c| c.kind == CacheKind::Build)
        && let Some(max_bytes) = c.budget
        && c.bytes_before > max_bytes
    {
        targets.push(Target::BuildBudget { max_bytes });
    }
    let mut out = AutoRun {
        time: now,
        dry_run: opts.dry_run,
        policy: policy.clone(),
        projects: project_dirs,
        caches,
        decisions,
        plan: None,
        results: Vec::new(),
        bytes_freed: 0,
        warnings,
    };
    if targets.is_empty() {
        // A run that found nothing to remove is recorded too (`auto status` lists it, and the
        // next scheduled run knows the cleanup ran today: schedule::catch_up_skip), unless a
        // cache was left alone for a process working in it: the next trigger tries again.
        if !opts.dry_run
            && !busy
            && let Some(path) = &opts.audit_log
            && let Err(e) = audit::record_automatic(path, now, &[], &[], 0)
        {
            out.warnings.push(format!(
                "cannot write the audit log {}: {e}",
                path.display()
            ));
        }
        return Ok(out);
    }
    let plan = clean::plan(
        report,
        &targets,
        &PlanOptions {
            home: None,
            now: Some(now),
        },
        cancel,
    )?;
    let removed_per_cache = |items: &mut dyn Iterator<Item = (CacheKind, u64)>| {
        let mut m: BTreeMap<CacheKind, u64> = BTreeMap::new();
        for (k, b) in items {
            let k = match k {
                CacheKind::Toolchains => CacheKind::Modcache,
                k => k,
            };
            *m.entry(k).or_default() += b;
        }
        m
    };
    let removed = if opts.dry_run {
        removed_per_cache(&mut plan.items.iter().map(|i| (i.cache, i.bytes)))
    } else {
        let _ = clean::purge_leftovers(report, cancel);
        let exec = clean::execute(report, &plan, &opts.exec, &NoCleanProgress, cancel)?;
        let purge = exec.quarantine.purge(&NoCleanProgress, cancel);
        let (results, freed) = clean::finish(exec.results, &purge);
        if let Some(path) = &opts.audit_log
            && let Err(e) = audit::record_automatic(path, plan.created, &targets, &results, freed)
        {
            out.warnings.push(format!(
                "cannot write the audit log {}: {e}",
                path.display()
            ));
        }
        let m = removed_per_cache(&mut results.iter().filter_map(|r| {
            (r.outcome == Outcome::Removed)
                .then(|| {
                    plan.items
                        .iter()
                        .find(|i| i.path == r.path)
                        .map(|i| (i.cache, r.bytes))
                })
                .flatten()
        }));
        // A version whose removal failed or was skipped stays.
        for d in &mut out.decisions {
            if d.remove
                && !results.iter().any(|r| {
                    r.outcome == Outcome::Removed && r.label == format!("{}@{}", d.path, d.version)
                })
            {
                d.remove = false;
            }
        }
        out.results = results;
        out.bytes_freed = freed;
        m
    };
    for c in &mut out.caches {
        c.bytes_after = c
            .bytes_before
            .saturating_sub(removed.get(&c.kind).copied().unwrap_or(0));
    }
    out.plan = Some(plan);
    Ok(out)
}

#[cfg(test)]
mod tests;
