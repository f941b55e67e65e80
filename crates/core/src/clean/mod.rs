//! Cleaning Go's caches safely (issue #3): a [`Plan`] says exactly what will go, [`execute`]
//! carries out that same plan, and a [`Quarantine`] makes it instant for the user and
//! undoable until it is purged.
//!
//! * [`plan`] turns [`Target`]s into [`PlanItem`]s with counts and bytes (sized with
//!   [`crate::scan::scan_dir`]). Nothing is changed. Roots that look wrong (`/`, the home
//!   directory, GOROOT, a project with `go.mod` or `.git`, a GOPATH with `src/`) and paths
//!   outside the discovered cache roots are refused.
//! * [`execute`] moves every item into quarantine with one rename each (a whole cache root is
//!   renamed to a sibling `.gocache-doctor-trash-<id>`, an item inside a root goes to
//!   `<root>/.gocache-doctor-trash/<id>/`), so the cache is gone for Go at once. Module
//!   versions go under Go's own lock with `.partial` in place (spec §2.3-2.4). Where a rename
//!   is impossible (another file system, a Windows sharing violation) the item is deleted in
//!   place and the result says so.
//! * [`Quarantine::purge`] deletes the quarantine in parallel; [`Quarantine::undo`] moves
//!   everything back instead (no-replace renames: what Go wrote meanwhile is kept). Each
//!   quarantine is locked for its lifetime; [`purge_leftovers`] purges what a crash left
//!   behind, and only quarantines no live process holds that belong to the current user.
//! * Every item ends [`Outcome::Removed`], [`Outcome::Skipped`] or [`Outcome::Failed`] with a
//!   [`CauseKind`] and [`CauseDetail`] (owner and fix command for permission errors).
//! * [`audit`] appends one JSON line per clean to a log.
//! * [`select`] picks module versions by criteria (unused, older than, keep latest); the CLI
//!   and the app share it.
//! * [`session`] is the app's clean session: plans by id, runs with an undo window and a
//!   background purge, the history and the elevated run.
//!
//! # Safety rules
//! Symlinks and junctions are never followed: a link is removed, not its target. A
//! process killed at any point leaves a cache Go accepts: module versions keep their
//! `.partial` marker until their extracted tree is fully gone, so Go re-extracts them.

pub mod audit;
mod build;
pub mod elevate;
mod merge;
mod modver;
mod remove;
mod safety;
pub(crate) use safety::is_base_dir;
pub mod select;
use crate::semver;
pub mod session;
mod sys;
mod trash;

#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::discover::{CacheKind, Report};
use crate::env::EnvMap;
use crate::scan::{self, scan_dir};
use crate::{CancelToken, Error, Result, escape};

pub(crate) use build::bytes_since as build_bytes_since;
pub(crate) use modver::version_of_download_file;
pub(crate) use remove::remove_tree;
pub use trash::{INNER_TRASH, Moved, ROOT_TRASH_PREFIX};

/// What the user asked to clean.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Target {
    /// The whole module cache (GOMODCACHE), like `go clean -modcache`.
    Modcache,
    /// Every downloaded toolchain (`golang.org/toolchain@*`) in the module cache.
    Toolchains,
    /// The VCS checkouts in `GOMODCACHE/cache/vcs`.
    Vcs,
    /// The build cache with `go clean -cache` semantics.
    Build,
    /// The test cache with `go clean -testcache` semantics (nothing is deleted).
    Test,
    /// The fuzz cache (`GOCACHE/fuzz`), like `go clean -fuzzcache`.
    Fuzz,
    /// gopls' cache.
    Gopls,
    /// gopls' module index (`os.UserCacheDir()/go/imports`); gopls rebuilds it.
    GoplsIndex,
    /// golangci-lint's cache.
    GolangciLint,
    /// staticcheck's cache.
    Staticcheck,
    /// Every version of one module.
    Module {
        /// The module path (unescaped).
        path: String,
    },
    /// One module version.
    ModuleVersion {
        /// The module path (unescaped).
        path: String,
        /// The version (unescaped).
        version: String,
    },
    /// A list of module versions (e.g. the unused ones found by [`crate::projects`]).
    ModuleVersions {
        /// The versions.
        versions: Vec<ModuleRef>,
    },
    /// Build-cache entries not used for more than `days` days (Go's trim rule is 5).
    BuildOlderThan {
        /// Age in days.
        days: f64,
    },
    /// Build-cache entries removed least recently used first until at most `max_bytes` remain.
    BuildBudget {
        /// The budget in bytes.
        max_bytes: u64,
    },
}

impl Target {
    /// A short label for messages and the audit log.
    pub fn label(&self) -> String {
        match self {
            Self::Modcache => "module cache".into(),
            Self::Toolchains => "toolchains".into(),
            Self::Vcs => "module cache vcs checkouts".into(),
            Self::Build => "build cache".into(),
            Self::Test => "test cache".into(),
            Self::Fuzz => "fuzz cache".into(),
            Self::Gopls => "gopls cache".into(),
            Self::GoplsIndex => "gopls module index".into(),
            Self::GolangciLint => "golangci-lint cache".into(),
            Self::Staticcheck => "staticcheck cache".into(),
            Self::Module { path } => format!("{path} (all versions)"),
            Self::ModuleVersion { path, version } => format!("{path}@{version}"),
            Self::ModuleVersions { versions } => format!("{} module versions", versions.len()),
            Self::BuildOlderThan { days } => format!("build cache entries older than {days} days"),
            Self::BuildBudget { max_bytes } => format!("build cache trimmed to {max_bytes} bytes"),
        }
    }
}

/// A module version by path and version (both unescaped).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ModuleRef {
    /// Module path, e.g. `github.com/BurntSushi/toml`.
    pub path: String,
    /// Version, e.g. `v1.2.0`.
    pub version: String,
    /// Remove only the extracted tree and the zip, keeping `.mod` and `.info` (a project
    /// still needs the version's `go.mod` for its module graph).
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
    pub keep_mod_files: bool,
}

impl ModuleRef {
    /// A whole version.
    pub fn new(path: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            version: version.into(),
            keep_mod_files: false,
        }
    }
}

impl From<&crate::projects::ModuleVersionRef> for ModuleRef {
    fn from(v: &crate::projects::ModuleVersionRef) -> Self {
        Self {
            path: v.path.clone(),
            version: v.version.clone(),
            keep_mod_files: v.keep_mod_files,
        }
    }
}

/// One path of a multi-entry item, with its size.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PlanEntry"))]
pub struct Entry {
    /// The entry.
    #[serde(with = "crate::pathser")]
    #[cfg_attr(feature = "ts", ts(as = "PathBuf"))]
    pub path: PathBuf,
    /// Apparent bytes (`du -sb`).
    pub bytes: u64,
    /// Allocated bytes (`du -sB1`).
    pub disk_bytes: u64,
    /// Regular files.
    pub files: u64,
}

/// How an item is removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "PlanAction"))]
pub enum Action {
    /// The whole cache root goes (renamed to a sibling quarantine, then purged).
    Root,
    /// One tree inside the cache root ([`PlanItem::path`]).
    Tree,
    /// Several entries inside the cache root.
    Entries {
        /// The entries.
        entries: Vec<Entry>,
    },
    /// One module version, under Go's lock (spec §2.3).
    ModuleVersion {
        /// Module path (unescaped).
        module: String,
        /// Version (unescaped).
        version: String,
        /// Module path as stored on disk (`!`-escaped).
        escpath: String,
        /// Version as stored on disk.
        escver: String,
        /// Keep `.mod` and `.info`.
        #[serde(default)]
        #[cfg_attr(feature = "ts", ts(as = "Option<bool>", optional))]
        keep_mod_files: bool,
    },
    /// Write `testexpire.txt` (`go clean -testcache`); nothing is deleted.
    TestExpire,
}

/// Reads a [`CacheKind`] from its [`CacheKind::as_str`] name.
fn kind_de<'de, D: serde::Deserializer<'de>>(d: D) -> std::result::Result<CacheKind, D::Error> {
    let s = String::deserialize(d)?;
    CacheKind::from_name(&s)
        .ok_or_else(|| serde::de::Error::custom(format!("unknown cache kind {s:?}")))
}

/// One thing the plan will remove.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlanItem {
    /// The cache it belongs to.
    #[serde(deserialize_with = "kind_de")]
    pub cache: CacheKind,
    /// That cache's root.
    #[serde(with = "crate::pathser")]
    #[cfg_attr(feature = "ts", ts(as = "PathBuf"))]
    pub root: PathBuf,
    /// What goes (for a module version, its extracted directory).
    #[serde(with = "crate::pathser")]
    #[cfg_attr(feature = "ts", ts(as = "PathBuf"))]
    pub path: PathBuf,
    /// A label for people (`module cache`, `example.com/m@v1.0.0`, ...).
    pub label: String,
    /// How it is removed.
    pub action: Action,
    /// Apparent bytes freed (`du -sb`).
    pub bytes: u64,
    /// Allocated bytes freed (`du -sB1`).
    pub disk_bytes: u64,
    /// Regular files removed.
    pub files: u64,
}

/// A requested target (or part of one) that the plan leaves out, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SkippedTarget"))]
pub struct Skipped {
    /// The target's label.
    pub target: String,
    /// The path concerned, if any.
    #[serde(with = "crate::pathser::option")]
    #[cfg_attr(feature = "ts", ts(as = "Option<PathBuf>"))]
    pub path: Option<PathBuf>,
    /// Why (`not-present`, `covered`, `in-use`).
    pub cause: CauseKind,
    /// A sentence for people.
    pub reason: String,
}

/// Exactly what a clean will do. [`execute`] takes this same object, so the preview and the
/// execution cannot disagree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Plan {
    /// When the plan was made, Unix seconds.
    pub created: i64,
    /// The targets it was made from.
    pub targets: Vec<Target>,
    /// What will be removed, in order.
    pub items: Vec<PlanItem>,
    /// What will not, and why.
    pub skipped: Vec<Skipped>,
    /// Things to know before confirming (e.g. the running toolchain lives in the cache).
    pub warnings: Vec<String>,
    /// Sum of the items' bytes.
    pub total_bytes: u64,
    /// Sum of the items' allocated bytes.
    pub total_disk_bytes: u64,
    /// Sum of the items' files.
    pub total_files: u64,
}

impl Plan {
    /// Every path the plan removes or writes, for scoping lock warnings to it: a tree's or a
    /// root's path, each entry of a multi-entry item, `testexpire.txt`, and for a module
    /// version its extracted tree and its files in `cache/download/<module>/@v/` (the lock
    /// file included: a `go` command holding it makes the clean wait). Only the files of a
    /// version that exist now are listed.
    pub fn touched_paths(&self) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for item in &self.items {
            match &item.action {
                Action::Entries { entries } => out.extend(entries.iter().map(|e| e.path.clone())),
                Action::ModuleVersion {
                    escpath, escver, ..
                } => {
                    let paths = modver::VersionPaths::new(&item.root, escpath, escver);
                    out.push(item.path.clone());
                    out.extend(
                        ["zip", "ziphash", "mod", "info", "partial", "lock"]
                            .iter()
                            .map(|e| paths.file(e))
                            .filter(|p| std::fs::symlink_metadata(p).is_ok()),
                    );
                }
                Action::Root | Action::Tree | Action::TestExpire => out.push(item.path.clone()),
            }
        }
        out
    }
}

/// How an item ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Outcome {
    /// Gone (for a quarantined item: gone for Go; the bytes are freed by the purge).
    Removed,
    /// Left alone on purpose ([`ItemResult::cause`] says why).
    Skipped,
    /// Could not be removed ([`ItemResult::cause`] says why); the cache is still consistent.
    Failed,
}

/// The classified cause of a skip or failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CauseKind {
    /// Permission denied: usually another user owns the entries ([`CauseDetail::owner`],
    /// [`CauseDetail::fix`]); on macOS also file flags, SIP or privacy protection
    /// ([`CauseDetail::perm_cause`]).
    Permission,
    /// Another process holds the files (Windows) or Go's lock file.
    Locked,
    /// The file system is read-only.
    ReadOnlyFs,
    /// A path is too long for the OS.
    PathTooLong,
    /// The item disappeared while being removed (not an error).
    Vanished,
    /// The item was not in the cache.
    NotPresent,
    /// Another item of the same plan already covers it.
    Covered,
    /// Left alone because it is in use (e.g. the running toolchain).
    InUse,
    /// The operation was cancelled.
    Cancelled,
    /// Anything else ([`CauseDetail::message`]).
    Other,
}

/// The owner of the entry a permission failure is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Owner {
    /// Numeric user id (Unix).
    pub uid: Option<u32>,
    /// User name, when it can be resolved.
    pub name: Option<String>,
    /// Whether it is the user running the clean.
    pub is_current_user: bool,
}

/// Details of a failure or skip.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CauseDetail {
    /// The entry the error is about.
    #[serde(with = "crate::pathser")]
    #[cfg_attr(feature = "ts", ts(as = "PathBuf"))]
    pub path: PathBuf,
    /// What happened.
    pub message: String,
    /// For permission errors: who owns the offending entry.
    pub owner: Option<Owner>,
    /// For permission errors on macOS: what stands in the way when it is not (only) the owner
    /// (file flags, SIP, privacy protection; [`crate::eperm`]); `None` on other OSes and in
    /// audit lines written before it existed.
    #[serde(default)]
    #[cfg_attr(feature = "ts", ts(optional = nullable))]
    pub perm_cause: Option<crate::eperm::PermCause>,
    /// The exact command (for this OS) or action that fixes it.
    pub fix: Option<String>,
    /// For locked files: the process holding them, when known (hook for the locks issue).
    pub holder: Option<String>,
    /// How many further entries failed the same way or otherwise.
    pub more: u64,
}

impl CauseDetail {
    /// A detail with only a path and a message.
    pub fn message(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            message: message.into(),
            owner: None,
            perm_cause: None,
            fix: None,
            holder: None,
            more: 0,
        }
    }
}

/// The result of one plan item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ItemResult {
    /// The item's path ([`PlanItem::path`]).
    #[serde(with = "crate::pathser")]
    #[cfg_attr(feature = "ts", ts(as = "PathBuf"))]
    pub path: PathBuf,
    /// The item's label.
    pub label: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Why it was skipped or failed; `None` when removed.
    pub cause: Option<CauseKind>,
    /// Details of the cause.
    pub detail: Option<CauseDetail>,
    /// Bytes freed (or, before the purge, bytes that will be freed).
    pub bytes: u64,
    /// Whether it was deleted in place because it could not be quarantined.
    pub in_place: bool,
    /// A note for people (why it was deleted in place, ...).
    pub note: Option<String>,
}

/// Progress of a clean.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
pub enum CleanEvent {
    /// An item is being removed (or quarantined).
    ItemStarted {
        /// Index in [`Plan::items`].
        index: usize,
        /// Its label.
        label: String,
    },
    /// An item is done.
    ItemFinished {
        /// Index in [`Plan::items`].
        index: usize,
        /// How it ended.
        outcome: Outcome,
    },
    /// The purge finished one more quarantined item.
    Purged {
        /// Items purged so far.
        done: usize,
        /// Items to purge.
        total: usize,
        /// Bytes freed so far.
        bytes: u64,
    },
}

/// A sink for [`CleanEvent`]s (thread-safe; the purge calls it from worker threads).
pub trait CleanProgress: Send + Sync {
    /// Receives one event.
    fn emit(&self, event: CleanEvent);
}

impl<F> CleanProgress for F
where
    F: Fn(CleanEvent) + Send + Sync,
{
    fn emit(&self, event: CleanEvent) {
        self(event)
    }
}

/// A [`CleanProgress`] that drops every event.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoCleanProgress;

impl CleanProgress for NoCleanProgress {
    fn emit(&self, _event: CleanEvent) {}
}

/// Planning settings.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    /// The user's home directory (never cleaned); `None` reads it from the process
    /// environment with the OS rules.
    pub home: Option<PathBuf>,
    /// The time ages are measured against, Unix seconds; `None` means now.
    pub now: Option<i64>,
}

/// Names the process holding a path (see [`ExecOptions::holder_lookup`]).
pub type HolderLookup = std::sync::Arc<dyn Fn(&Path) -> Option<String> + Send + Sync>;

/// Execution settings.
#[derive(Clone)]
pub struct ExecOptions {
    /// Move items into quarantine first (instant, undoable); `false` deletes in place.
    pub quarantine: bool,
    /// How long to wait for Go's lock of a module version (or `testexpire.txt`).
    pub lock_timeout: Duration,
    /// Names the process holding a locked path (hook for the locks issue), for the items the
    /// execution could not remove and for the quarantined files the purge could not delete;
    /// `None` leaves [`CauseDetail::holder`] empty.
    pub holder_lookup: Option<HolderLookup>,
}

impl std::fmt::Debug for ExecOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExecOptions")
            .field("quarantine", &self.quarantine)
            .field("lock_timeout", &self.lock_timeout)
            .field("holder_lookup", &self.holder_lookup.is_some())
            .finish()
    }
}

impl Default for ExecOptions {
    fn default() -> Self {
        Self {
            quarantine: true,
            lock_timeout: Duration::from_secs(10),
            holder_lookup: None,
        }
    }
}

/// The current time in Unix seconds (0 before 1970), as plans and the audit log record it.
pub(crate) fn unix_now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Who a clean runs for: the environment the refusals are computed from and, for an
/// elevated clean, the account that asked.
#[derive(Debug, Clone)]
pub(crate) struct Who {
    pub env: EnvMap,
    pub account: Option<sys::Account>,
}

impl Who {
    /// The requester's (uid, gid) that every step but the deletions runs as: set only for an
    /// elevated clean (this process is root) on behalf of another user.
    pub fn act_as(&self) -> Option<(u32, u32)> {
        use sys::Platform;
        self.account
            .as_ref()
            .and_then(sys::Sys::owner_ids)
            .filter(|_| sys::Sys::effective_uid() == Some(0))
    }
}

/// Whether the clean engine would touch `root` as `kind`'s whole cache (the refusals of
/// [`plan`]: `/`, the home directory or above it, GOROOT, a project, a GOPATH with `src/`, a
/// symlinked root), for steps that change a cache without removing it (`ci prepare`).
///
/// # Errors
/// [`Error::BadRoot`] naming the reason.
pub(crate) fn check_cache_root(report: &Report, kind: CacheKind, root: &Path) -> Result<()> {
    guard_for(report, None, None).check_root(kind, root, true)
}

fn guard_for(report: &Report, home: Option<&PathBuf>, who: Option<&Who>) -> safety::Guard {
    let env = who.map_or_else(EnvMap::from_process, |w| w.env.clone());
    let home = home
        .cloned()
        .or_else(|| who.and_then(|w| w.account.as_ref().map(|a| a.home.clone())))
        .or_else(|| crate::os::current().home_dir(&env));
    let mut never = safety::never_roots(&env);
    if let Some(h) = &home {
        never.push(h.clone());
    }
    let mut goroot = Vec::new();
    if let Some(g) = report.go.as_ref().and_then(|g| g.goroot.clone()) {
        goroot.push(g);
    }
    if let Some(v) = report.vars.get("GOROOT").filter(|v| !v.value.is_empty()) {
        let p = PathBuf::from(&v.value);
        if !goroot.contains(&p) {
            goroot.push(p);
        }
    }
    let sep = match report.os {
        crate::os::OsKind::Windows => ';',
        _ => ':',
    };
    let gopaths = report
        .vars
        .get("GOPATH")
        .map(|v| {
            v.value
                .split(sep)
                .filter(|s| !s.is_empty())
                .map(PathBuf::from)
                .collect()
        })
        .unwrap_or_default();
    safety::Guard {
        home,
        goroot,
        gopaths,
        never,
        requester: who.and_then(|w| w.account.clone()),
    }
}

/// A cache path that is a symlink (a cache moved to a bigger disk and linked back) resolved
/// once to what it points to; any other path as it is.
pub(crate) fn resolve_root(p: &Path) -> PathBuf {
    match std::fs::symlink_metadata(p) {
        Ok(m) if m.file_type().is_symlink() => {
            std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf())
        }
        _ => p.to_path_buf(),
    }
}

/// Whether `root` is the resolved target of a discovered cache path that is a symlink: its
/// whole-root clean empties the directory and keeps it (and the link), so Go finds its cache
/// where the link says.
pub(crate) fn is_link_target(report: &Report, root: &Path) -> bool {
    report
        .caches
        .iter()
        .any(|c| c.cleanable && c.path != root && resolve_root(&c.path) == root)
}

fn cache_root(report: &Report, kind: CacheKind) -> Option<PathBuf> {
    report
        .cache(kind)
        .filter(|c| c.cleanable)
        .map(|c| c.path.clone())
}

struct Planner<'a> {
    report: &'a Report,
    guard: safety::Guard,
    now: i64,
    cancel: &'a CancelToken,
    items: Vec<PlanItem>,
    skipped: Vec<Skipped>,
    warnings: Vec<String>,
    /// Versions still to size: (item index, paths).
    versions: Vec<(usize, modver::VersionPaths)>,
}

impl Planner<'_> {
    fn skip(&mut self, t: &Target, path: Option<&Path>, cause: CauseKind, reason: String) {
        self.skipped.push(Skipped {
            target: t.label(),
            path: path.map(Path::to_path_buf),
            cause,
            reason,
        });
    }

    /// The root of `kind`, checked; `None` (with a skip) when absent.
    fn root(&mut self, t: &Target, kind: CacheKind, whole: bool) -> Result<Option<PathBuf>> {
        let Some(root) = cache_root(self.report, kind) else {
            self.skip(
                t,
                None,
                CauseKind::NotPresent,
                format!("no {} was discovered", kind.title().to_lowercase()),
            );
            return Ok(None);
        };
        self.guard.check_root(kind, &root, whole)?;
        if std::fs::symlink_metadata(&root).is_err() {
            self.skip(
                t,
                Some(&root),
                CauseKind::NotPresent,
                format!("{} does not exist", root.display()),
            );
            return Ok(None);
        }
        // A symlinked root is resolved once; everything is planned on (and sized from) its
        // target, which must pass the same checks.
        let resolved = resolve_root(&root);
        if resolved != root {
            self.guard.check_root(kind, &resolved, whole)?;
        }
        Ok(Some(resolved))
    }

    fn sized(
        &self,
        cache: CacheKind,
        root: &Path,
        path: &Path,
        label: String,
        action: Action,
    ) -> Result<PlanItem> {
        let t = scan_dir(path, &scan::Options::default(), self.cancel)?;
        Ok(PlanItem {
            cache,
            root: root.to_path_buf(),
            path: path.to_path_buf(),
            label,
            action,
            bytes: t.bytes,
            disk_bytes: t.disk_bytes,
            files: t.files,
        })
    }

    fn whole_root(&mut self, t: &Target, kind: CacheKind) -> Result<()> {
        let Some(root) = self.root(t, kind, true)? else {
            return Ok(());
        };
        let item = self.sized(kind, &root, &root, kind.title().to_owned(), Action::Root)?;
        self.items.push(item);
        Ok(())
    }

    fn subtree(&mut self, t: &Target, kind: CacheKind, rel: &str) -> Result<()> {
        let Some(root) = self.root(t, kind, false)? else {
            return Ok(());
        };
        let path = crate::modpath::join_slashed(&root, rel);
        safety::check_inside(&root, &path)?;
        if std::fs::symlink_metadata(&path).is_err() {
            self.skip(
                t,
                Some(&path),
                CauseKind::NotPresent,
                format!("{} does not exist", path.display()),
            );
            return Ok(());
        }
        let item = self.sized(kind, &root, &path, t.label(), Action::Tree)?;
        self.items.push(item);
        Ok(())
    }

    /// Every entry of the root, the root itself kept: gopls' module index, whose directory
    /// gopls does not create again (golang/tools `internal/modindex/index.go`: `writeIndex`
    /// calls `os.CreateTemp` in `IndexDir()` without creating it). The root must pass the
    /// markers of a whole-root clean.
    fn root_contents(&mut self, t: &Target, kind: CacheKind) -> Result<()> {
        let Some(root) = self.root(t, kind, true)? else {
            return Ok(());
        };
        let rd = std::fs::read_dir(&root).map_err(|e| Error::io(&root, e))?;
        let mut entries = Vec::new();
        for e in rd {
            let e = e.map_err(|e| Error::io(&root, e))?;
            let name = e.file_name();
            if name.to_string_lossy().starts_with(ROOT_TRASH_PREFIX) || name == INNER_TRASH {
                continue;
            }
            let path = e.path();
            let s = scan_dir(&path, &scan::Options::default(), self.cancel)?;
            entries.push(Entry {
                path,
                bytes: s.bytes,
                disk_bytes: s.disk_bytes,
                files: s.files,
            });
        }
        entries.sort_by(|a, b| a.path.cmp(&b.path));
        self.entries_of(t, kind, root, entries)
    }

    fn entries(&mut self, t: &Target, root: PathBuf, entries: Vec<Entry>) -> Result<()> {
        self.entries_of(t, CacheKind::Build, root, entries)
    }

    fn entries_of(
        &mut self,
        t: &Target,
        cache: CacheKind,
        root: PathBuf,
        entries: Vec<Entry>,
    ) -> Result<()> {
        for e in &entries {
            safety::check_inside(&root, &e.path)?;
        }
        if entries.is_empty() {
            self.skip(
                t,
                Some(&root),
                CauseKind::NotPresent,
                "nothing to remove".into(),
            );
            return Ok(());
        }
        let item = PlanItem {
            cache,
            path: root.clone(),
            root,
            label: t.label(),
            bytes: entries.iter().map(|e| e.bytes).sum(),
            disk_bytes: entries.iter().map(|e| e.disk_bytes).sum(),
            files: entries.iter().map(|e| e.files).sum(),
            action: Action::Entries { entries },
        };
        self.items.push(item);
        Ok(())
    }

    fn version(&mut self, t: &Target, m: &ModuleRef) -> Result<()> {
        let kind = if m.path == "golang.org/toolchain" {
            CacheKind::Toolchains
        } else {
            CacheKind::Modcache
        };
        let Some(root) = self.root(t, CacheKind::Modcache, false)? else {
            return Ok(());
        };
        let escpath = escape::escape(&m.path)?;
        let escver = escape::escape(&m.version)?;
        let paths =
            modver::VersionPaths::new(&root, &escpath, &escver).keeping_mod_files(m.keep_mod_files);
        safety::check_inside(&root, &paths.dir)?;
        safety::check_inside(&root, &paths.dl_dir)?;
        if !paths.present() {
            self.skip(
                t,
                Some(&paths.dir),
                CauseKind::NotPresent,
                format!("{}@{} is not in the module cache", m.path, m.version),
            );
            return Ok(());
        }
        if let Some(g) = self.guard.goroot.iter().find(|g| g.starts_with(&paths.dir)) {
            self.skip(
                t,
                Some(&paths.dir),
                CauseKind::InUse,
                format!("it is the running toolchain (GOROOT {})", g.display()),
            );
            return Ok(());
        }
        if self.items.iter().any(|i| i.path == paths.dir) {
            return Ok(());
        }
        self.items.push(PlanItem {
            cache: kind,
            root: root.clone(),
            path: paths.dir.clone(),
            label: format!("{}@{}", m.path, m.version),
            action: Action::ModuleVersion {
                module: m.path.clone(),
                version: m.version.clone(),
                escpath,
                escver,
                keep_mod_files: m.keep_mod_files,
            },
            bytes: 0,
            disk_bytes: 0,
            files: 0,
        });
        self.versions.push((self.items.len() - 1, paths));
        Ok(())
    }

    fn module(&mut self, t: &Target, path: &str) -> Result<()> {
        let Some(root) = cache_root(self.report, CacheKind::Modcache) else {
            self.skip(
                t,
                None,
                CauseKind::NotPresent,
                "no module cache was discovered".into(),
            );
            return Ok(());
        };
        let root = resolve_root(&root);
        let escpath = escape::escape(path)?;
        let mut versions: Vec<String> = modver::versions_in_cache(&root, &escpath)
            .into_iter()
            .filter_map(|v| escape::unescape(&v).ok())
            .collect();
        semver::sort(&mut versions);
        if versions.is_empty() {
            self.skip(
                t,
                Some(&crate::modpath::join_slashed(&root, &escpath)),
                CauseKind::NotPresent,
                format!("no version of {path} is in the module cache"),
            );
        }
        for v in versions {
            self.version(t, &ModuleRef::new(path, v))?;
        }
        Ok(())
    }

    fn target(&mut self, t: &Target) -> Result<()> {
        match t {
            Target::Modcache => self.whole_root(t, CacheKind::Modcache),
            Target::Gopls => self.whole_root(t, CacheKind::Gopls),
            Target::GoplsIndex => self.root_contents(t, CacheKind::GoplsIndex),
            Target::GolangciLint => self.whole_root(t, CacheKind::GolangciLint),
            Target::Staticcheck => self.whole_root(t, CacheKind::Staticcheck),
            Target::Toolchains => self.module(t, "golang.org/toolchain"),
            Target::Vcs => self.subtree(t, CacheKind::Modcache, "cache/vcs"),
            Target::Fuzz => self.subtree(t, CacheKind::Build, "fuzz"),
            Target::Module { path } => self.module(t, path),
            Target::ModuleVersion { path, version } => {
                self.version(t, &ModuleRef::new(path.clone(), version.clone()))
            }
            Target::ModuleVersions { versions } => {
                for m in versions {
                    self.version(t, m)?;
                }
                Ok(())
            }
            Target::Build => {
                let Some(root) = self.root(t, CacheKind::Build, false)? else {
                    return Ok(());
                };
                let entries =
                    build::clean_entries(&root, self.cancel).map_err(|e| Error::io(&root, e))?;
                self.entries(t, root, entries)
            }
            Target::BuildOlderThan { days } => {
                let Some(root) = self.root(t, CacheKind::Build, false)? else {
                    return Ok(());
                };
                #[allow(clippy::cast_possible_truncation, reason = "days are small")]
                let cutoff = self.now - (days * 86_400.0) as i64;
                let entries = build::older_than(&root, cutoff, self.cancel)
                    .map_err(|e| Error::io(&root, e))?;
                self.entries(t, root, entries)
            }
            Target::BuildBudget { max_bytes } => {
                let Some(root) = self.root(t, CacheKind::Build, false)? else {
                    return Ok(());
                };
                let entries = build::over_budget(&root, *max_bytes, self.cancel)
                    .map_err(|e| Error::io(&root, e))?;
                self.entries(t, root, entries)
            }
            Target::Test => {
                let Some(root) = self.root(t, CacheKind::Build, false)? else {
                    return Ok(());
                };
                self.items.push(PlanItem {
                    cache: CacheKind::Build,
                    path: build::testexpire_path(&root),
                    root,
                    label: t.label(),
                    action: Action::TestExpire,
                    bytes: 0,
                    disk_bytes: 0,
                    files: 0,
                });
                Ok(())
            }
        }
    }

    /// Drops items covered by another item (inside a removed root or tree), and the test
    /// cache when the whole build cache goes (as `go clean -cache -testcache` does).
    fn dedupe(&mut self) {
        let covers: Vec<(PathBuf, bool)> = self
            .items
            .iter()
            .filter(|i| matches!(i.action, Action::Root | Action::Tree))
            .map(|i| (i.path.clone(), matches!(i.action, Action::Root)))
            .collect();
        let build_clean = self
            .items
            .iter()
            .any(|i| i.cache == CacheKind::Build && i.label == Target::Build.label());
        let mut kept = Vec::new();
        let mut dropped = Vec::new();
        for (idx, item) in std::mem::take(&mut self.items).into_iter().enumerate() {
            let covered = covers
                .iter()
                .any(|(p, _)| item.path != *p && item.path.starts_with(p))
                || (build_clean && matches!(item.action, Action::TestExpire))
                || (build_clean
                    && item.cache == CacheKind::Build
                    && matches!(item.action, Action::Entries { .. })
                    && item.label != Target::Build.label());
            if covered {
                dropped.push(item);
            } else {
                kept.push((idx, item));
            }
        }
        for item in dropped {
            self.skipped.push(Skipped {
                target: item.label.clone(),
                path: Some(item.path.clone()),
                cause: CauseKind::Covered,
                reason: "already covered by another item of this clean".into(),
            });
        }
        let mut remap = std::collections::HashMap::new();
        for (new, (old, item)) in kept.into_iter().enumerate() {
            remap.insert(old, new);
            self.items.push(item);
        }
        self.versions = std::mem::take(&mut self.versions)
            .into_iter()
            .filter_map(|(i, p)| remap.get(&i).map(|n| (*n, p)))
            .collect();
    }

    fn size_versions(&mut self) {
        let cancel = self.cancel;
        let sizes: Vec<(usize, u64, u64, u64)> = self
            .versions
            .par_iter()
            .map(|(i, p)| {
                let opts = scan::Options {
                    threads: Some(1),
                    ..scan::Options::default()
                };
                let mut t = scan::DirTotals::default();
                for f in p.sized_paths() {
                    if let Ok(s) = scan_dir(&f, &opts, cancel) {
                        t.bytes += s.bytes;
                        t.disk_bytes += s.disk_bytes;
                        t.files += s.files;
                    }
                }
                (*i, t.bytes, t.disk_bytes, t.files)
            })
            .collect();
        for (i, b, d, f) in sizes {
            if let Some(item) = self.items.get_mut(i) {
                item.bytes = b;
                item.disk_bytes = d;
                item.files = f;
            }
        }
    }
}

/// Plans a clean: lists exactly what each target removes, with counts and bytes. Changes
/// nothing on disk.
///
/// # Errors
/// [`Error::BadRoot`] when a cache root looks wrong or a target lies outside the discovered
/// roots (the whole plan is refused); [`Error::BadEscape`] for an invalid module path or
/// version; [`Error::Io`] when a root cannot be listed; [`Error::Cancelled`].
pub fn plan(
    report: &Report,
    targets: &[Target],
    opts: &PlanOptions,
    cancel: &CancelToken,
) -> Result<Plan> {
    let mut p = Planner {
        report,
        guard: guard_for(report, opts.home.as_ref(), None),
        now: opts.now.unwrap_or_else(unix_now),
        cancel,
        items: Vec::new(),
        skipped: Vec::new(),
        warnings: Vec::new(),
        versions: Vec::new(),
    };
    for t in targets {
        cancel.check()?;
        p.target(t)?;
    }
    p.dedupe();
    p.size_versions();
    cancel.check()?;
    if let Some(mc) = cache_root(report, CacheKind::Modcache) {
        let removes_modcache = p.items.iter().any(|i| i.path == resolve_root(&mc));
        if removes_modcache && let Some(g) = p.guard.goroot.iter().find(|g| g.starts_with(&mc)) {
            p.warnings.push(format!(
                "the running Go toolchain ({}) lives in the module cache; go will download \
                     it again on next use",
                g.display()
            ));
        }
    }
    Ok(Plan {
        created: p.now,
        targets: targets.to_vec(),
        total_bytes: p.items.iter().map(|i| i.bytes).sum(),
        total_disk_bytes: p.items.iter().map(|i| i.disk_bytes).sum(),
        total_files: p.items.iter().map(|i| i.files).sum(),
        items: p.items,
        skipped: p.skipped,
        warnings: p.warnings,
    })
}

mod exec;
pub use exec::{
    Execution, LeftoverReport, PurgeReport, PurgedItem, Quarantine, UndoReport, execute, finish,
    purge_leftovers,
};
