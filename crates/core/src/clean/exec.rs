//! Carrying out a [`Plan`]: quarantine (or in-place deletion), purge, undo, and the purge of
//! leftovers from a crash.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

use rayon::prelude::*;
use serde::Serialize;

use super::modver::{self, VersionPaths};
use super::remove::{self, remove_tree};
use super::sys::{Platform, Sys};
use super::trash::{self, LockOwner, Marker, Moved, QuarantineLock, TakeError, Trash};
use super::{
    Action, CauseDetail, CauseKind, CleanEvent, CleanProgress, ExecOptions, HolderLookup,
    ItemResult, Outcome, Plan, PlanItem, Who, build, guard_for, merge, safety, unix_now,
};
use crate::discover::{CacheKind, Report};
use crate::{CancelToken, Error, Result};

/// What one item left in quarantine.
#[derive(Debug)]
enum Held {
    /// A whole cache root renamed to a sibling, with its marker file and its lock.
    Root {
        moved: Moved,
        marker: PathBuf,
        lock: QuarantineLock,
        kind: CacheKind,
    },
    /// Entries moved into `<root>/.gocache-doctor-trash/<id>/`.
    Moves { moved: Vec<Moved> },
    /// A module version's tree and download files.
    Version {
        paths: VersionPaths,
        moved: Vec<Moved>,
    },
}

#[derive(Debug)]
struct Part {
    item: usize,
    path: PathBuf,
    bytes: u64,
    held: Held,
}

/// Everything a clean moved aside. Until [`Quarantine::purge`] runs, [`Quarantine::undo`]
/// moves it all back. It holds the lock of each of its quarantine directories for as long as
/// it lives, so that [`purge_leftovers`] (of this or any other process) leaves it alone.
/// Dropping it without purge or undo releases the locks and leaves the quarantine on disk for
/// [`purge_leftovers`].
#[derive(Debug)]
pub struct Quarantine {
    id: String,
    parts: Vec<Part>,
    trash_dirs: Vec<PathBuf>,
    /// The locks of the `trash_dirs` that were created.
    locks: Vec<QuarantineLock>,
    lock_timeout: std::time::Duration,
    /// Names who holds a file the purge cannot delete ([`ExecOptions::holder_lookup`]).
    holder_lookup: Lookup,
}

/// An optional [`HolderLookup`], shown in `Debug` only as whether there is one.
#[derive(Clone, Default)]
struct Lookup(Option<HolderLookup>);

impl std::fmt::Debug for Lookup {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Lookup").field(&self.0.is_some()).finish()
    }
}

/// The result of [`execute`].
#[derive(Debug)]
pub struct Execution {
    /// One result per plan item, in plan order. Quarantined items are
    /// [`Outcome::Removed`]: gone for Go; the purge frees their bytes.
    pub results: Vec<ItemResult>,
    /// What sits in quarantine.
    pub quarantine: Quarantine,
}

/// How the purge of one quarantined item went.
#[derive(Debug, Clone, Serialize)]
pub struct PurgedItem {
    /// Index of the item in the plan.
    pub item: usize,
    /// The item's original path.
    #[serde(with = "crate::pathser")]
    pub path: PathBuf,
    /// Bytes freed (the planned size less what could not be deleted).
    pub bytes: u64,
    /// Why it could not be purged completely (it stays in quarantine for the next start).
    pub cause: Option<CauseKind>,
    /// Details.
    pub detail: Option<CauseDetail>,
}

/// The result of [`Quarantine::purge`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct PurgeReport {
    /// One entry per quarantined item.
    pub items: Vec<PurgedItem>,
    /// Bytes freed in total.
    pub bytes_freed: u64,
}

/// The result of [`Quarantine::undo`].
#[derive(Debug, Clone, Default, Serialize)]
pub struct UndoReport {
    /// Entries moved back. When Go recreated a whole cache root during the undo window, the
    /// entries of the quarantined root that the new one lacked (module versions count their
    /// tree and each download file).
    pub restored: usize,
    /// Entries that could not go back because Go had already put something new in their place
    /// (their quarantined copy was purged; what is there now is kept as is).
    pub superseded: usize,
    /// Entries that failed to move back, with the error (they stay in quarantine).
    pub failures: Vec<(PathBuf, String)>,
}

/// What [`purge_leftovers`] found.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LeftoverReport {
    /// Quarantine directories purged.
    #[serde(with = "crate::pathser::vec")]
    pub purged: Vec<PathBuf>,
    /// Those that could not be purged, with the error.
    pub failed: Vec<(PathBuf, String)>,
    /// Quarantines (or what claims to be one) left alone, with the reason: in use by a running
    /// process, not owned by the current user, a symlink, or a marker in a directory other
    /// users can write to.
    pub skipped: Vec<(PathBuf, String)>,
}

static SEQ: AtomicU64 = AtomicU64::new(0);

fn new_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    format!(
        "{}-{nanos}-{}",
        std::process::id(),
        SEQ.fetch_add(1, Ordering::Relaxed)
    )
}

fn result(item: &PlanItem, outcome: Outcome) -> ItemResult {
    ItemResult {
        path: item.path.clone(),
        label: item.label.clone(),
        outcome,
        cause: None,
        detail: None,
        bytes: if outcome == Outcome::Removed {
            item.bytes
        } else {
            0
        },
        in_place: false,
        note: None,
    }
}

fn failed(item: &PlanItem, kind: CauseKind, detail: CauseDetail) -> ItemResult {
    let outcome = if kind == CauseKind::Vanished {
        Outcome::Skipped
    } else {
        Outcome::Failed
    };
    let mut r = result(item, outcome);
    r.cause = Some(kind);
    r.detail = Some(detail);
    r
}

struct Runner<'a> {
    /// An elevated clean's requester (uid, gid): everything but deletions runs as them.
    act_as: Option<(u32, u32)>,
    opts: &'a ExecOptions,
    cancel: &'a CancelToken,
    id: String,
    trashes: HashMap<PathBuf, Trash>,
}

impl Runner<'_> {
    fn trash(&mut self, root: &Path) -> Option<&Trash> {
        if !self.opts.quarantine {
            return None;
        }
        let id = self.id.clone();
        Some(
            self.trashes
                .entry(root.to_path_buf())
                .or_insert_with(|| Trash::new(root, &id)),
        )
    }

    fn with_holder(&self, mut kind_detail: (CauseKind, CauseDetail)) -> (CauseKind, CauseDetail) {
        if kind_detail.0 == CauseKind::Locked
            && let Some(f) = &self.opts.holder_lookup
        {
            kind_detail.1.holder = f(&kind_detail.1.path);
        }
        kind_detail
    }

    fn in_place(&self, item: &PlanItem, path: &Path, note: Option<String>) -> ItemResult {
        let errs = remove_tree(path, self.cancel);
        match remove::failure_of(&errs, &item.root) {
            None => {
                let mut r = result(item, Outcome::Removed);
                r.in_place = true;
                r.note = note;
                r
            }
            Some(f) => {
                let (k, d) = self.with_holder(f);
                let mut r = failed(item, k, d);
                r.in_place = true;
                r.note = note;
                r
            }
        }
    }

    /// The whole cache behind a symlinked cache path: every entry of the target directory
    /// goes (quarantined into the target's own trash, or deleted in place); the directory and
    /// the link stay, so Go finds an empty cache where the link says.
    fn contents(&mut self, idx: usize, item: &PlanItem) -> (ItemResult, Option<Part>) {
        let children: Vec<PathBuf> = match std::fs::read_dir(&item.root) {
            Ok(rd) => rd
                .flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n != trash::INNER_TRASH))
                .collect(),
            Err(e) => {
                let (k, d) = remove::failure(&item.root, &e, &item.root);
                return (failed(item, k, d), None);
            }
        };
        let mut each = item.clone();
        each.action = Action::Entries {
            entries: children
                .iter()
                .map(|p| super::Entry {
                    path: p.clone(),
                    bytes: 0,
                    disk_bytes: 0,
                    files: 0,
                })
                .collect(),
        };
        let (mut r, mut part) = self.moves(idx, &each, &children);
        if r.outcome == Outcome::Removed {
            r.bytes = item.bytes;
            if let Some(p) = part.as_mut() {
                p.bytes = item.bytes;
            }
        }
        r.note.get_or_insert_with(|| {
            "the cache path is a symbolic link: its target was emptied, the link and the \
             directory were kept"
                .into()
        });
        (r, part)
    }

    fn root(&mut self, idx: usize, item: &PlanItem, report: &Report) -> (ItemResult, Option<Part>) {
        if super::is_link_target(report, &item.root) {
            return self.contents(idx, item);
        }
        let root = &item.root;
        if std::fs::symlink_metadata(root).is_err() {
            return (
                failed(
                    item,
                    CauseKind::Vanished,
                    CauseDetail::message(root, "it no longer exists"),
                ),
                None,
            );
        }
        let mut note = None;
        if self.opts.quarantine
            && let (Some(parent), Some(_)) = (root.parent(), root.file_name())
        {
            let trashed = parent.join(format!("{}{}-{idx}", trash::ROOT_TRASH_PREFIX, self.id));
            let marker = trash::marker_path(&trashed);
            let owner = LockOwner::current();
            let m = Marker {
                original: root.clone(),
                trashed: trashed.clone(),
                pid: owner.pid,
                time: unix_now(),
                start: owner.start,
            };
            // The lock first: from the moment the marker exists, the quarantine is ours.
            let lock = QuarantineLock::acquire(&trashed);
            let moved = lock.and_then(|lock| {
                let written = serde_json::to_vec(&m)
                    .map_err(std::io::Error::other)
                    .and_then(|b| std::fs::write(&marker, b));
                match written.and_then(|()| trash::move_to(root, &trashed)) {
                    Ok(moved) => Ok((moved, lock)),
                    Err(e) => {
                        let _ = std::fs::remove_file(&marker);
                        lock.remove();
                        Err(e)
                    }
                }
            });
            match moved {
                Ok((moved, lock)) => {
                    let part = Part {
                        item: idx,
                        path: root.clone(),
                        bytes: item.bytes,
                        held: Held::Root {
                            moved,
                            marker,
                            lock,
                            kind: item.cache,
                        },
                    };
                    return (result(item, Outcome::Removed), Some(part));
                }
                Err(e) => {
                    note = Some(format!(
                        "could not move the cache into quarantine ({e}); deleted in place"
                    ));
                }
            }
        }
        (self.in_place(item, root, note), None)
    }

    fn moves(
        &mut self,
        idx: usize,
        item: &PlanItem,
        paths: &[PathBuf],
    ) -> (ItemResult, Option<Part>) {
        let mut moved = Vec::new();
        let mut note = None;
        let mut freed = 0_u64;
        let mut first_failure = None;
        let sizes: HashMap<&Path, u64> = match &item.action {
            Action::Entries { entries } => entries
                .iter()
                .map(|e| (e.path.as_path(), e.bytes))
                .collect(),
            _ => paths.iter().map(|p| (p.as_path(), item.bytes)).collect(),
        };
        let mut in_place_any = false;
        for p in paths {
            if self.cancel.is_cancelled() {
                first_failure
                    .get_or_insert((CauseKind::Cancelled, CauseDetail::message(p, "cancelled")));
                break;
            }
            if std::fs::symlink_metadata(p).is_err() {
                continue;
            }
            let size = sizes.get(p.as_path()).copied().unwrap_or(0);
            let root = item.root.clone();
            let attempt = self
                .trash(&root)
                .map(|t| t.slot().and_then(|dest| trash::move_to(p, &dest)));
            match attempt {
                Some(Ok(m)) => {
                    moved.push(m);
                    freed += size;
                    continue;
                }
                Some(Err(e)) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Some(Err(e)) => {
                    note.get_or_insert_with(|| {
                        format!("could not move into quarantine ({e}); deleted in place")
                    });
                }
                None => {}
            }
            in_place_any = true;
            let errs = remove_tree(p, self.cancel);
            match remove::failure_of(&errs, &item.root) {
                None => freed += size,
                Some(f) => {
                    first_failure.get_or_insert(self.with_holder(f));
                }
            }
        }
        let mut r = match first_failure {
            None => result(item, Outcome::Removed),
            Some((k, d)) => failed(item, k, d),
        };
        r.bytes = freed;
        r.in_place = in_place_any;
        r.note = note;
        let part = (!moved.is_empty()).then(|| Part {
            item: idx,
            path: item.path.clone(),
            bytes: moved
                .iter()
                .map(|m| sizes.get(m.original.as_path()).copied().unwrap_or(0))
                .sum(),
            held: Held::Moves { moved },
        });
        (r, part)
    }

    fn version(
        &mut self,
        idx: usize,
        item: &PlanItem,
        escpath: &str,
        escver: &str,
        keep_mod_files: bool,
    ) -> (ItemResult, Option<Part>) {
        let paths =
            VersionPaths::new(&item.root, escpath, escver).keeping_mod_files(keep_mod_files);
        let root = item.root.clone();
        let timeout = self.opts.lock_timeout;
        let cancel = self.cancel;
        let act_as = self.act_as;
        if let Some(who) = act_as {
            modver::give_back(&root, &paths, who);
        }
        let trash = self.trash(&root);
        let ctx = modver::Ctx {
            act_as,
            root: &root,
            trash,
            lock_timeout: timeout,
            cancel,
        };
        match modver::remove_version(&paths, &ctx) {
            modver::Done::NotPresent => {
                let mut r = result(item, Outcome::Skipped);
                r.cause = Some(CauseKind::Vanished);
                r.detail = Some(CauseDetail::message(&item.path, "no longer in the cache"));
                (r, None)
            }
            modver::Done::Failed(k, d) => {
                let kd = self.with_holder((k, d));
                (failed(item, kd.0, kd.1), None)
            }
            modver::Done::FailedAfter(k, d, moved) => {
                let kd = self.with_holder((k, d));
                let part = (!moved.is_empty()).then(|| Part {
                    item: idx,
                    path: item.path.clone(),
                    bytes: 0,
                    held: Held::Version { paths, moved },
                });
                (failed(item, kd.0, kd.1), part)
            }
            modver::Done::Removed {
                moved,
                in_place_note,
            } => {
                let mut r = result(item, Outcome::Removed);
                r.in_place = in_place_note.is_some() || !self.opts.quarantine;
                r.note = in_place_note;
                let part = (!moved.is_empty()).then(|| Part {
                    item: idx,
                    path: item.path.clone(),
                    bytes: item.bytes,
                    held: Held::Version { paths, moved },
                });
                (r, part)
            }
        }
    }

    /// An elevated clean gives the requester back the root directory of a tree or entries
    /// item (where a root-owned cache root is what blocked the user).
    fn give_back_root(&self, item: &PlanItem) {
        if let Some((uid, gid)) = self.act_as {
            let _ = Sys::give_back(&item.root, Path::new(""), false, uid, gid);
        }
    }

    fn test_expire(&self, item: &PlanItem) -> ItemResult {
        if let Some((uid, gid)) = self.act_as {
            let _ = Sys::give_back(&item.root, Path::new(""), false, uid, gid);
        }
        let expired = Sys::as_user(self.act_as, || {
            build::expire_tests(&item.root, self.opts.lock_timeout, self.cancel)
        })
        .and_then(|r| r);
        match expired {
            Ok(_) => {
                let mut r = result(item, Outcome::Removed);
                r.note =
                    Some("testexpire.txt updated: every cached test result is now ignored".into());
                r
            }
            Err(e) => {
                let (k, d) = self.with_holder(remove::failure(&item.path, &e, &item.root));
                failed(item, k, d)
            }
        }
    }
}

fn check_item(guard: &safety::Guard, report: &Report, item: &PlanItem) -> Result<()> {
    let known = report
        .caches
        .iter()
        .any(|c| c.cleanable && (c.path == item.root || super::resolve_root(&c.path) == item.root));
    if !known {
        return Err(Error::BadRoot {
            path: item.root.clone(),
            reason: "refusing: not one of the discovered cache roots".into(),
        });
    }
    guard.check_root(item.cache, &item.root, matches!(item.action, Action::Root))?;
    match &item.action {
        Action::Root => {
            if item.path != item.root {
                return Err(Error::BadRoot {
                    path: item.path.clone(),
                    reason: "refusing: a root item must be its cache root".into(),
                });
            }
        }
        Action::Tree | Action::TestExpire | Action::ModuleVersion { .. } => {
            safety::check_inside(&item.root, &item.path)?;
        }
        Action::Entries { entries } => {
            for e in entries {
                safety::check_inside(&item.root, &e.path)?;
            }
        }
    }
    if let Action::ModuleVersion {
        escpath, escver, ..
    } = &item.action
    {
        let p = VersionPaths::new(&item.root, escpath, escver);
        safety::check_inside(&item.root, &p.dir)?;
        safety::check_inside(&item.root, &p.dl_dir)?;
    }
    Ok(())
}

/// Carries out `plan`: every item is moved into quarantine (or, with
/// [`ExecOptions::quarantine`] off or when a rename is impossible, deleted in place). The
/// safety checks of [`super::plan`] are repeated first, against `report`.
///
/// # Errors
/// [`Error::BadRoot`] when an item's root is not a discovered, sane cache root or an item lies
/// outside it; nothing is touched then. Per-item problems are results, not errors.
pub fn execute(
    report: &Report,
    plan: &Plan,
    opts: &ExecOptions,
    progress: &dyn CleanProgress,
    cancel: &CancelToken,
) -> Result<Execution> {
    execute_for(report, plan, opts, None, progress, cancel)
}

/// [`execute`] for a given requester (an elevated process runs for another user, whose
/// environment and account the safety checks use); `None` uses this process's environment.
pub(super) fn execute_for(
    report: &Report,
    plan: &Plan,
    opts: &ExecOptions,
    who: Option<&Who>,
    progress: &dyn CleanProgress,
    cancel: &CancelToken,
) -> Result<Execution> {
    let guard = guard_for(report, None, who);
    for item in &plan.items {
        check_item(&guard, report, item)?;
    }
    let act_as = who.and_then(Who::act_as);
    let mut run = Runner {
        act_as,
        opts,
        cancel,
        id: new_id(),
        trashes: HashMap::new(),
    };
    let mut results = Vec::with_capacity(plan.items.len());
    let mut parts = Vec::new();
    for (idx, item) in plan.items.iter().enumerate() {
        progress.emit(CleanEvent::ItemStarted {
            index: idx,
            label: item.label.clone(),
        });
        let (r, part) = if cancel.is_cancelled() {
            (
                failed(
                    item,
                    CauseKind::Cancelled,
                    CauseDetail::message(&item.path, "cancelled before this item"),
                ),
                None,
            )
        } else {
            match &item.action {
                Action::Root => run.root(idx, item, report),
                Action::Tree => {
                    run.give_back_root(item);
                    run.moves(idx, item, std::slice::from_ref(&item.path))
                }
                Action::Entries { entries } => {
                    run.give_back_root(item);
                    let paths: Vec<PathBuf> = entries.iter().map(|e| e.path.clone()).collect();
                    run.moves(idx, item, &paths)
                }
                Action::ModuleVersion {
                    escpath,
                    escver,
                    keep_mod_files,
                    ..
                } => run.version(idx, item, escpath, escver, *keep_mod_files),
                Action::TestExpire => (run.test_expire(item), None),
            }
        };
        progress.emit(CleanEvent::ItemFinished {
            index: idx,
            outcome: r.outcome,
        });
        results.push(r);
        parts.extend(part);
    }
    let mut trash_dirs = Vec::new();
    let mut locks = Vec::new();
    for t in run.trashes.into_values() {
        trash_dirs.push(t.dir.clone());
        locks.extend(t.into_lock());
    }
    Ok(Execution {
        results,
        quarantine: Quarantine {
            id: run.id,
            parts,
            trash_dirs,
            locks,
            lock_timeout: opts.lock_timeout,
            holder_lookup: Lookup(opts.holder_lookup.clone()),
        },
    })
}

/// Deletes the quarantine directory `dir` (`<root>/.gocache-doctor-trash/<id>`), then its lock
/// file (still holding the lock), then `<root>/.gocache-doctor-trash` when this was its last
/// quarantine. On failure the lock file stays (the lock is released when `lock` is dropped).
fn remove_trash_dir(
    dir: &Path,
    lock: Option<QuarantineLock>,
    cancel: &CancelToken,
) -> Option<String> {
    let errs = if std::fs::symlink_metadata(dir).is_ok() {
        remove_tree(dir, cancel)
    } else {
        remove::Errors::default()
    };
    if errs.is_empty() {
        if let Some(l) = lock {
            l.remove();
        }
        // `<root>/.gocache-doctor-trash` itself, when this was its last quarantine.
        if let Some(parent) = dir.parent()
            && parent.file_name().is_some_and(|n| n == trash::INNER_TRASH)
        {
            let _ = std::fs::remove_dir(parent);
        }
        None
    } else {
        errs.first
            .first()
            .map(|(p, e)| format!("{}: {e}", p.display()))
            .or_else(|| Some("cancelled".into()))
    }
}

/// [`remove_trash_dir`] for every quarantine directory, each with its lock.
fn remove_trash_dirs(dirs: &[PathBuf], mut locks: Vec<QuarantineLock>, cancel: &CancelToken) {
    for d in dirs {
        let lp = trash::lock_path(d);
        let lock = locks
            .iter()
            .position(|l| l.path() == lp)
            .map(|i| locks.swap_remove(i));
        if lock.is_some() || std::fs::symlink_metadata(d).is_ok() {
            let _ = remove_trash_dir(d, lock, cancel);
        }
    }
}

/// Deletes one quarantined item; what cannot be deleted stays and is reported.
fn purge_part(part: Part, cancel: &CancelToken) -> PurgedItem {
    let targets: Vec<&Path> = match &part.held {
        Held::Root { moved, .. } => vec![moved.trashed.as_path()],
        Held::Moves { moved } | Held::Version { moved, .. } => {
            moved.iter().map(|m| m.trashed.as_path()).collect()
        }
    };
    let mut failure = None;
    let mut left = 0_u64;
    for t in targets {
        let errs = remove_tree(t, cancel);
        if let Some(f) = remove::failure_of(&errs, t) {
            failure.get_or_insert(f);
            let opts = crate::scan::Options::default();
            left += crate::scan::scan_dir(t, &opts, cancel).map_or(0, |d| d.bytes);
        }
    }
    let bytes = part.bytes.saturating_sub(left);
    if let (Held::Root { marker, lock, .. }, None) = (part.held, &failure) {
        let _ = std::fs::remove_file(&marker);
        lock.remove();
    }
    let (cause, detail) = failure.map_or((None, None), |(k, d)| (Some(k), Some(d)));
    PurgedItem {
        item: part.item,
        path: part.path,
        bytes,
        cause,
        detail,
    }
}

impl Quarantine {
    /// The quarantine's id (part of its directory names).
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Whether nothing is held (everything was deleted in place, skipped or failed).
    pub fn is_empty(&self) -> bool {
        self.parts.is_empty()
    }

    /// The bytes the purge will free.
    pub fn bytes(&self) -> u64 {
        self.parts.iter().map(|p| p.bytes).sum()
    }

    /// The plan item indices held in quarantine (one per held item, in plan order).
    pub fn items(&self) -> Vec<usize> {
        let mut v: Vec<usize> = self.parts.iter().map(|p| p.item).collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Deletes everything in quarantine, items in parallel and each tree in parallel.
    /// What cannot be deleted stays in quarantine and is reported (and retried by
    /// [`purge_leftovers`]). `cancel` stops the deletion even in the middle of an item (what
    /// is left stays in quarantine for [`purge_leftovers`]); to stop between items, so that
    /// the rest can be restored, use [`Quarantine::purge_until`].
    pub fn purge(self, progress: &dyn CleanProgress, cancel: &CancelToken) -> PurgeReport {
        self.purge_with(progress, None, cancel).0
    }

    /// Like [`Quarantine::purge`], but stoppable between items: each item checks `stop`
    /// before it starts, never in the middle (a half-deleted module version must not be
    /// restored). Returns the report of the items purged and the quarantine of the items
    /// not started, which [`Quarantine::undo`] can still restore (or a later purge delete).
    pub fn purge_until(
        self,
        progress: &dyn CleanProgress,
        stop: &CancelToken,
    ) -> (PurgeReport, Quarantine) {
        self.purge_with(progress, Some(stop), &CancelToken::new())
    }

    fn purge_with(
        self,
        progress: &dyn CleanProgress,
        stop: Option<&CancelToken>,
        cancel: &CancelToken,
    ) -> (PurgeReport, Quarantine) {
        let Self {
            id,
            parts,
            trash_dirs,
            locks,
            lock_timeout,
            holder_lookup,
        } = self;
        let total = parts.len();
        let done = AtomicUsize::new(0);
        let freed = AtomicU64::new(0);
        // In the removal pool: its threads have the stack nested removals need.
        let outcomes: Vec<std::result::Result<PurgedItem, Box<Part>>> =
            super::remove::in_removal_pool(|| {
                parts
                    .into_par_iter()
                    .map(|part| {
                        if stop.is_some_and(CancelToken::is_cancelled) {
                            return Err(Box::new(part));
                        }
                        let item = purge_part(part, cancel);
                        let b = freed.fetch_add(item.bytes, Ordering::Relaxed) + item.bytes;
                        let d = done.fetch_add(1, Ordering::Relaxed) + 1;
                        progress.emit(CleanEvent::Purged {
                            done: d,
                            total,
                            bytes: b,
                        });
                        Ok(item)
                    })
                    .collect()
            });
        let mut items = Vec::new();
        let mut rest = Vec::new();
        for o in outcomes {
            match o {
                Ok(i) => items.push(i),
                Err(p) => rest.push(*p),
            }
        }
        // A file another process holds (Windows): name the process, as an execution failure
        // does.
        if let Some(lookup) = &holder_lookup.0 {
            for i in &mut items {
                if let (Some(CauseKind::Locked), Some(d)) = (i.cause, i.detail.as_mut()) {
                    d.holder = lookup(&d.path);
                }
            }
        }
        let locks = if rest.is_empty() {
            remove_trash_dirs(&trash_dirs, locks, cancel);
            Vec::new()
        } else {
            locks
        };
        let report = PurgeReport {
            bytes_freed: items.iter().map(|i| i.bytes).sum(),
            items,
        };
        let remaining = Quarantine {
            id,
            parts: rest,
            trash_dirs,
            locks,
            lock_timeout,
            holder_lookup,
        };
        (report, remaining)
    }

    /// Purges on a background thread; join the handle for the report.
    pub fn purge_in_background(self) -> std::thread::JoinHandle<PurgeReport> {
        std::thread::spawn(move || self.purge(&super::NoCleanProgress, &CancelToken::new()))
    }

    /// Moves everything back where it was (module versions under Go's lock, with
    /// `.partial` while it happens), each entry with a no-replace rename: an entry whose
    /// place Go has filled again meanwhile is never replaced; its quarantined copy is purged.
    /// When Go recreated a whole cache root, what the new root lacks is merged back into it
    /// entry by entry (module versions under Go's lock) and only the rest is purged.
    pub fn undo(self, cancel: &CancelToken) -> UndoReport {
        let mut rep = UndoReport::default();
        let Self {
            parts,
            trash_dirs,
            locks,
            lock_timeout,
            ..
        } = self;
        // Last in, first out.
        for part in parts.into_iter().rev() {
            match part.held {
                Held::Root {
                    moved,
                    marker,
                    lock,
                    kind,
                } => match trash::move_back(&moved) {
                    Ok(true) => {
                        rep.restored += 1;
                        let _ = std::fs::remove_file(&marker);
                        lock.remove();
                    }
                    Ok(false)
                        if !std::fs::symlink_metadata(&moved.original)
                            .is_ok_and(|m| m.is_dir()) =>
                    {
                        // Something other than a directory (a link, a file) took the root's
                        // place: nothing is merged into it; the old copy is purged.
                        rep.superseded += 1;
                        if remove_tree(&moved.trashed, cancel).is_empty() {
                            let _ = std::fs::remove_file(&marker);
                            lock.remove();
                        }
                    }
                    Ok(false) => {
                        // Go recreated the root: give it back what it lacks.
                        let m = merge::merge_root(
                            kind,
                            &moved.trashed,
                            &moved.original,
                            lock_timeout,
                            cancel,
                        );
                        rep.restored += m.restored;
                        rep.superseded += m.superseded;
                        if m.failures.is_empty() {
                            if remove_tree(&moved.trashed, cancel).is_empty() {
                                let _ = std::fs::remove_file(&marker);
                                lock.remove();
                            }
                        } else {
                            // The rest stays in quarantine for the next start.
                            rep.failures.extend(m.failures);
                        }
                    }
                    Err(e) => rep.failures.push((moved.original.clone(), e.to_string())),
                },
                Held::Moves { moved } => {
                    for m in moved.iter().rev() {
                        match trash::move_back(m) {
                            Ok(true) => rep.restored += 1,
                            Ok(false) => {
                                rep.superseded += 1;
                                let _ = remove_tree(&m.trashed, cancel);
                            }
                            Err(e) => rep.failures.push((m.original.clone(), e.to_string())),
                        }
                    }
                }
                Held::Version { paths, moved } => {
                    match modver::restore_version(&paths, &moved, lock_timeout, cancel) {
                        Ok(n) => {
                            rep.restored += n;
                            for m in &moved {
                                if std::fs::symlink_metadata(&m.trashed).is_ok() {
                                    rep.superseded += 1;
                                    let _ = remove_tree(&m.trashed, cancel);
                                }
                            }
                        }
                        Err(e) => rep.failures.push((part.path.clone(), e.to_string())),
                    }
                }
            }
        }
        if rep.failures.is_empty() {
            remove_trash_dirs(&trash_dirs, locks, cancel);
        }
        rep
    }
}

/// Merges the purge into the execution's results: an item whose quarantined copy could not be
/// purged becomes [`Outcome::Failed`] (it is gone for Go, but its bytes are not freed yet).
/// Returns the final results and the bytes freed.
pub fn finish(mut results: Vec<ItemResult>, purge: &PurgeReport) -> (Vec<ItemResult>, u64) {
    for p in &purge.items {
        if let (Some(r), Some(kind)) = (results.get_mut(p.item), p.cause) {
            r.outcome = Outcome::Failed;
            r.cause = Some(kind);
            r.detail = p.detail.clone();
            r.bytes = p.bytes;
            r.note = Some(
                "gone for Go, but its quarantine could not be purged; it is retried at the next \
                 start"
                    .into(),
            );
        }
    }
    let freed = results
        .iter()
        .filter(|r| r.outcome != Outcome::Skipped)
        .map(|r| r.bytes)
        .sum();
    (results, freed)
}

/// Purges quarantines left by a crashed or killed clean: every
/// `<root>/.gocache-doctor-trash/<id>/` inside the discovered cache roots, and every sibling
/// `.gocache-doctor-trash-<id>` of a root that has its `.json` marker (no directory without a
/// marker is touched), and the lone lock file `.gocache-doctor-trash-<id>.lock` of a clean
/// killed after taking the lock and before writing the marker (removed under the same rules,
/// without being listed).
///
/// A quarantine is purged only when all of these hold (otherwise it is left alone and listed
/// in [`LeftoverReport::skipped`]):
/// * its lock (`<dir>.lock`, see [`Quarantine`]) is free: no live quarantine of this or
///   another process; the lock is then held until the purge ends;
/// * the process recorded as its owner (pid and start time) is gone;
/// * it belongs to the current user: the quarantine directory (a real directory, never a
///   symlink), its marker and its lock file are owned by the user running this, and the
///   directory holding them cannot be written to by other users (Unix: not group- or
///   world-writable unless sticky, owned by the user or root);
/// * a marker names the trash directory right next to it (it is untrusted data: nothing else
///   it says is followed).
pub fn purge_leftovers(report: &Report, cancel: &CancelToken) -> LeftoverReport {
    let mut rep = LeftoverReport::default();
    let mut parents = Vec::new();
    for c in report.caches.iter().filter(|c| c.cleanable) {
        purge_inner_leftovers(&c.path.join(trash::INNER_TRASH), &mut rep, cancel);
        if let Some(p) = c.path.parent()
            && !parents.iter().any(|x: &PathBuf| x == p)
        {
            parents.push(p.to_path_buf());
        }
    }
    for parent in parents {
        let Ok(rd) = std::fs::read_dir(&parent) else {
            continue;
        };
        let names: Vec<String> = rd
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|name| name.starts_with(trash::ROOT_TRASH_PREFIX))
            .collect();
        let mut markers: Vec<PathBuf> = names
            .iter()
            .filter(|name| name.ends_with(".json"))
            .map(|name| parent.join(name))
            .collect();
        let mut orphan_locks: Vec<PathBuf> = names
            .iter()
            .filter_map(|name| name.strip_suffix(".lock"))
            .filter(|id| {
                !names
                    .iter()
                    .any(|n| n.as_str() == *id || *n == format!("{id}.json"))
            })
            .map(|id| parent.join(id))
            .collect();
        if markers.is_empty() && orphan_locks.is_empty() {
            continue;
        }
        markers.sort();
        orphan_locks.sort();
        if let Err(why) = trusted_parent(&parent) {
            for m in markers {
                rep.skipped.push((m, why.clone()));
            }
            continue;
        }
        for marker in markers {
            purge_root_leftover(&marker, &mut rep, cancel);
        }
        for dir in orphan_locks {
            remove_orphan_lock(&dir);
        }
    }
    rep
}

/// The lock file of a quarantine `dir` that has neither its directory nor its marker: a clean
/// killed between taking the lock and writing the marker (a sibling quarantine: the lock comes
/// first) or moving anything in (one inside a root, which has no marker). Removed, silently,
/// when it is the user's, free and its recorded owner is gone (a clean that is about to go on
/// holds the lock, and is left alone); the names are looked at again once the lock is held, so
/// a directory or marker made meanwhile keeps it.
fn remove_orphan_lock(dir: &Path) {
    let lock_file = trash::lock_path(dir);
    if trusted_entry(&lock_file, false).is_err() {
        return;
    }
    let Ok(lock) = take_leftover(dir, None) else {
        return;
    };
    let marker = trash::marker_path(dir);
    if std::fs::symlink_metadata(dir).is_err() && std::fs::symlink_metadata(&marker).is_err() {
        lock.remove();
    }
}

/// Whether the directory holding quarantines can be trusted: a real directory (after
/// resolving links to it) that other users cannot write to.
fn trusted_parent(dir: &Path) -> std::result::Result<(), String> {
    let md = std::fs::metadata(dir).map_err(|e| e.to_string())?;
    if !md.is_dir() {
        return Err("not a directory".into());
    }
    if Sys::dir_open_to_others(&md) {
        return Err(format!(
            "not trusted: {} can be written to by other users",
            dir.display()
        ));
    }
    Ok(())
}

/// Whether `path` is an entry of the current user of the expected type (never a symlink).
fn trusted_entry(path: &Path, want_dir: bool) -> std::result::Result<(), String> {
    let md = std::fs::symlink_metadata(path).map_err(|e| e.to_string())?;
    if md.file_type().is_symlink() {
        return Err("not trusted: a symbolic link".into());
    }
    if want_dir != md.is_dir() {
        return Err(if want_dir {
            "not trusted: not a directory".into()
        } else {
            "not trusted: not a regular file".into()
        });
    }
    if !Sys::owned_by_current_user(path, &md) {
        return Err("not trusted: owned by another user".into());
    }
    Ok(())
}

/// Takes the lock of quarantine directory `dir` for a leftover purge and checks that the
/// lock file is the user's and the owner process is gone (`fallback_pid`: the marker's, for
/// quarantines of versions that did not record their owner in the lock file).
fn take_leftover(
    dir: &Path,
    fallback: Option<LockOwner>,
) -> std::result::Result<QuarantineLock, String> {
    // A lock seen held may only be a copy of the descriptor in a child that another thread
    // of its owner is starting (fork keeps it until exec closes it): look again a few times
    // over half a second before calling it in use. A running Go Cache Doctor holds it for as
    // long as the quarantine exists.
    let mut tries = 0;
    let taken = loop {
        match QuarantineLock::try_take(dir) {
            Err(TakeError::Held) if tries < 10 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            other => break other,
        }
    };
    let lock = match taken {
        Ok(l) => l,
        Err(TakeError::Held) => return Err("in use by a running Go Cache Doctor".into()),
        Err(TakeError::Moved) => return Err("its lock file changed while being locked".into()),
        Err(TakeError::Io(e)) => return Err(format!("cannot lock it: {e}")),
    };
    trusted_entry(lock.path(), false)?;
    if let Some(owner) = lock.owner().or(fallback)
        && !owner.is_gone()
    {
        return Err(format!("its owner process {} still runs", owner.pid));
    }
    Ok(lock)
}

/// The quarantines in `<root>/.gocache-doctor-trash`.
fn purge_inner_leftovers(inner: &Path, rep: &mut LeftoverReport, cancel: &CancelToken) {
    let Ok(md) = std::fs::symlink_metadata(inner) else {
        return;
    };
    if let Err(why) = trusted_entry(inner, true) {
        rep.skipped.push((inner.to_path_buf(), why));
        return;
    }
    if Sys::dir_open_to_others(&md) {
        rep.skipped.push((
            inner.to_path_buf(),
            "not trusted: other users can write to it".into(),
        ));
        return;
    }
    let Ok(rd) = std::fs::read_dir(inner) else {
        return;
    };
    let mut names: Vec<String> = rd
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in &names {
        let path = inner.join(name);
        if let Some(id) = name.strip_suffix(".lock") {
            // A lock file whose quarantine is gone (a crash right after taking it).
            let dir = inner.join(id);
            if std::fs::symlink_metadata(&dir).is_err() {
                remove_orphan_lock(&dir);
            }
            continue;
        }
        if let Err(why) = trusted_entry(&path, true) {
            rep.skipped.push((path, why));
            continue;
        }
        let lock = match take_leftover(&path, None) {
            Ok(l) => l,
            Err(why) => {
                rep.skipped.push((path, why));
                continue;
            }
        };
        let errs = remove_tree(&path, cancel);
        if errs.is_empty() {
            lock.remove();
            rep.purged.push(path);
        } else {
            rep.failed.push((path, describe(&errs)));
        }
    }
    let _ = std::fs::remove_dir(inner);
}

/// One sibling quarantine of a whole cache root, found by its marker.
fn purge_root_leftover(marker: &Path, rep: &mut LeftoverReport, cancel: &CancelToken) {
    if let Err(why) = trusted_entry(marker, false) {
        rep.skipped.push((marker.to_path_buf(), why));
        return;
    }
    let m = match std::fs::read(marker)
        .map_err(|e| e.to_string())
        .and_then(|b| serde_json::from_slice::<Marker>(&b).map_err(|e| e.to_string()))
    {
        Ok(m) => m,
        Err(e) => {
            rep.skipped
                .push((marker.to_path_buf(), format!("unreadable marker: {e}")));
            return;
        }
    };
    // The marker must name the trash dir next to it, with our prefix.
    let expected = marker.with_extension("");
    if m.trashed != expected {
        rep.skipped.push((
            marker.to_path_buf(),
            "not trusted: the marker names another directory".into(),
        ));
        return;
    }
    let trashed = expected;
    let present = std::fs::symlink_metadata(&trashed).is_ok();
    if present && let Err(why) = trusted_entry(&trashed, true) {
        rep.skipped.push((trashed, why));
        return;
    }
    let fallback = LockOwner {
        pid: m.pid,
        start: m.start,
    };
    let lock = match take_leftover(&trashed, Some(fallback)) {
        Ok(l) => l,
        Err(why) => {
            rep.skipped.push((trashed, why));
            return;
        }
    };
    if !present {
        // A marker whose quarantine never came to be (or was purged before the marker).
        let _ = std::fs::remove_file(marker);
        lock.remove();
        return;
    }
    let errs = remove_tree(&trashed, cancel);
    if errs.is_empty() {
        let _ = std::fs::remove_file(marker);
        lock.remove();
        rep.purged.push(trashed);
    } else {
        rep.failed.push((trashed, describe(&errs)));
    }
}

fn describe(errs: &remove::Errors) -> String {
    errs.first.first().map_or_else(
        || "cancelled".into(),
        |(p, e)| format!("{}: {e}", p.display()),
    )
}
