//! Parallel removal of a tree that never follows symlinks or junctions, makes read-only
//! directories writable (`u+rwx`, never 0777) on the way, ignores entries that vanish, and
//! classifies what it could not remove.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rayon::prelude::*;

use super::sys::{Platform, RawKind, Sys};
use super::{CauseDetail, CauseKind, Owner};
use crate::CancelToken;

/// At most this many failed paths are kept per removal (all are counted).
const MAX_ERRORS: usize = 32;
/// Children of one directory are removed in parallel from this many entries on.
const PAR_THRESHOLD: usize = 8;
/// How long ephemeral errors are retried, as Go's robustio does.
const RETRY_FOR: Duration = Duration::from_millis(2000);

/// The entries a removal could not remove.
#[derive(Debug, Default)]
pub(crate) struct Errors {
    pub first: Vec<(PathBuf, io::Error)>,
    pub count: u64,
    pub cancelled: bool,
    /// Whether anything at all was removed (false: the tree is exactly as before).
    pub removed_any: bool,
}

impl Errors {
    pub fn is_empty(&self) -> bool {
        self.count == 0 && !self.cancelled
    }
}

struct Sink {
    errs: Mutex<Errors>,
    removed: std::sync::atomic::AtomicBool,
}

impl Sink {
    fn push(&self, path: &Path, e: io::Error) {
        if Sys::classify(&e) == RawKind::Vanished {
            return;
        }
        if let Ok(mut g) = self.errs.lock() {
            g.count += 1;
            if g.first.len() < MAX_ERRORS {
                g.first.push((path.to_path_buf(), e));
            }
        }
    }
}

/// Removes `path` (a file, a symlink or a whole directory tree) in parallel. A missing
/// `path` is a success. Ephemeral errors (Windows sharing violations, a concurrent writer)
/// are retried for about 2 s.
pub(crate) fn remove_tree(path: &Path, cancel: &CancelToken) -> Errors {
    let started = Instant::now();
    let mut delay = Duration::from_millis(10);
    let mut removed_any = false;
    loop {
        let sink = Sink {
            errs: Mutex::new(Errors::default()),
            removed: std::sync::atomic::AtomicBool::new(false),
        };
        remove_one(path, &sink, cancel);
        removed_any |= sink.removed.load(std::sync::atomic::Ordering::Relaxed);
        let mut errs = sink.errs.into_inner().unwrap_or_default();
        errs.cancelled = cancel.is_cancelled();
        errs.removed_any = removed_any;
        let retry = !errs.cancelled
            && errs.count > 0
            && errs.first.iter().all(|(_, e)| Sys::is_ephemeral(e))
            && started.elapsed() < RETRY_FOR;
        if !retry {
            return errs;
        }
        std::thread::sleep(delay);
        delay = (delay * 2).min(Duration::from_millis(250));
    }
}

fn remove_one(path: &Path, sink: &Sink, cancel: &CancelToken) {
    if cancel.is_cancelled() {
        return;
    }
    let md = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return sink.push(path, e),
    };
    if !md.is_dir() {
        match Sys::remove_entry(path, &md) {
            Ok(()) => sink
                .removed
                .store(true, std::sync::atomic::Ordering::Relaxed),
            Err(e) => sink.push(path, e),
        }
        return;
    }
    if let Err(e) = Sys::make_writable(path, &md) {
        sink.push(path, e);
    }
    let children: Vec<PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd
            .filter_map(|e| match e {
                Ok(e) => Some(e.path()),
                Err(err) => {
                    sink.push(path, err);
                    None
                }
            })
            .collect(),
        Err(e) => return sink.push(path, e),
    };
    if children.len() >= PAR_THRESHOLD {
        children
            .par_iter()
            .for_each(|c| remove_one(c, sink, cancel));
    } else {
        for c in &children {
            remove_one(c, sink, cancel);
        }
    }
    if cancel.is_cancelled() {
        return;
    }
    let removed = std::fs::remove_dir(path);
    if removed.is_ok() {
        sink.removed
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }
    if let Err(e) = removed {
        // The children's failures already explain a non-empty directory.
        let children_failed = sink.errs.lock().map(|g| g.count > 0).unwrap_or(false);
        if !(children_failed && Sys::classify(&e) == RawKind::NotEmpty) {
            sink.push(path, e);
        }
    }
}

/// Maps an OS error to the cause shown to the user.
pub(crate) fn cause_kind(e: &io::Error) -> CauseKind {
    match Sys::classify(e) {
        RawKind::Permission => CauseKind::Permission,
        RawKind::Locked => CauseKind::Locked,
        RawKind::ReadOnlyFs => CauseKind::ReadOnlyFs,
        RawKind::PathTooLong => CauseKind::PathTooLong,
        RawKind::Vanished => CauseKind::Vanished,
        RawKind::CrossDevice | RawKind::NotEmpty | RawKind::Other => CauseKind::Other,
    }
}

/// The classified failure for an error on `path`, with the owner and fix command for
/// permission errors. `fix_root` is the directory the fix command should cover.
pub(crate) fn failure(path: &Path, e: &io::Error, fix_root: &Path) -> (CauseKind, CauseDetail) {
    let kind = cause_kind(e);
    let mut detail = CauseDetail {
        path: path.to_path_buf(),
        message: e.to_string(),
        owner: None,
        fix: None,
        holder: None,
        more: 0,
    };
    match kind {
        CauseKind::Permission => {
            // unlink/rmdir/rename fail because of the directory that holds the entry: report
            // whichever of the entry and its parent belongs to someone else.
            let candidates = [Some(path), path.parent()];
            let owner = candidates
                .into_iter()
                .flatten()
                .filter_map(Sys::owner)
                .find(|o| !o.is_current_user)
                .or_else(|| Sys::owner(path));
            detail.fix = Some(Sys::fix_permission_command(fix_root, owner.as_ref()));
            detail.owner = owner.map(|o| Owner {
                uid: o.uid,
                name: o.name,
                is_current_user: o.is_current_user,
            });
        }
        CauseKind::ReadOnlyFs => {
            detail.fix = Some(
                "the file system is mounted read-only; remount it read-write (or clean from \
                 the machine that owns it)"
                    .to_owned(),
            );
        }
        CauseKind::PathTooLong => {
            detail.fix = Some(
                "enable long paths (Windows: LongPathsEnabled) or move the cache to a shorter \
                 path"
                    .to_owned(),
            );
        }
        CauseKind::Locked => {
            detail.fix = Some("close the program using these files, then retry".to_owned());
        }
        _ => {}
    }
    (kind, detail)
}

/// The failure to report for a removal's errors (`None` when it succeeded).
pub(crate) fn failure_of(errs: &Errors, fix_root: &Path) -> Option<(CauseKind, CauseDetail)> {
    if errs.cancelled && errs.count == 0 {
        return Some((
            CauseKind::Cancelled,
            CauseDetail::message(fix_root, "cancelled before the removal finished"),
        ));
    }
    let (path, e) = errs.first.first()?;
    let (kind, mut detail) = failure(path, e, fix_root);
    detail.more = errs.count.saturating_sub(1);
    Some((kind, detail))
}
