//! Parallel removal of a tree that never follows symlinks or junctions, makes read-only
//! directories writable (`u+rwx`, never 0777) on the way (and, on macOS, clears the user's
//! `uchg`/`uappnd` flags), ignores entries that vanish, and classifies what it could not
//! remove.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::sys::{Platform, RawKind, Sys};
use super::{CauseDetail, CauseKind, Owner};
use crate::CancelToken;
use crate::eperm::{self, PermCause, PermFacts};

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

/// Where a removal collects its failures; shared by the worker threads of one removal.
pub(crate) struct Sink {
    errs: Mutex<Errors>,
    removed: std::sync::atomic::AtomicBool,
}

impl Sink {
    fn new() -> Self {
        Self {
            errs: Mutex::new(Errors::default()),
            removed: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Records a failure on `path` (an entry that vanished meanwhile is not one).
    pub(crate) fn push(&self, path: &Path, e: io::Error) {
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

    /// Records that an entry was removed.
    pub(crate) fn removed(&self) {
        self.removed
            .store(true, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether an entry failed already (a directory that is not empty then needs no error
    /// of its own).
    pub(crate) fn any_failed(&self) -> bool {
        self.errs.lock().map(|g| g.count > 0).unwrap_or(false)
    }
}

/// Children of one directory are removed in parallel from this many entries on.
pub(crate) const fn par_threshold() -> usize {
    PAR_THRESHOLD
}

/// Removes `path` (a file, a symlink or a whole directory tree) in parallel. A missing
/// `path` is a success. Ephemeral errors (Windows sharing violations, a concurrent writer)
/// are retried for about 2 s.
///
/// On Unix the walk is done by file descriptor ([`Platform::remove_tree_once`]): the parent
/// of `path` is opened by walking its canonical path from `/` without following any symlink,
/// every directory below it is opened with `O_NOFOLLOW | O_DIRECTORY` relative to its parent,
/// made searchable with `fchmod(0700)` on that descriptor when it is not, and its entries are
/// removed with `unlinkat`. A directory swapped for a symlink at any moment makes the walk
/// remove the link, never what it points to. On macOS the user flags (`uchg`, `uappnd`) of an
/// entry the user owns (any entry when running as root) are cleared with `fchflags` on its
/// descriptor before it is deleted ([`crate::eperm::may_clear_user_flags`]).
///
/// On Windows the walk is done by handle: every entry below `path` is opened relative to its
/// directory's handle (`NtOpenFile`) without following a reparse point, what it is is read on
/// that handle (a symlink or junction is deleted as a link, never entered), a directory is held
/// without `FILE_SHARE_DELETE` (nobody can rename it away) while it is listed and emptied, and
/// every entry is deleted through its own handle, its read-only attribute ignored or cleared
/// on that handle.
pub(crate) fn remove_tree(path: &Path, cancel: &CancelToken) -> Errors {
    let started = Instant::now();
    let mut delay = Duration::from_millis(10);
    let mut removed_any = false;
    loop {
        let sink = Sink::new();
        in_removal_pool(|| Sys::remove_tree_once(path, &sink, cancel));
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

/// Stack of a removal thread. The removal recurses once per directory level, and a rayon
/// worker waiting for its share of a large directory runs other removals (stolen work) on its
/// own stack: with several versions purged at once, rayon's default 2 MiB overflowed in a debug
/// build (a CI run of the automatic cleanup's test).
const REMOVAL_STACK: usize = 64 << 20;

/// The thread pool removals run in (one per process, created on first use; its stacks are
/// reserved address space, touched only as deep as a removal goes).
fn removal_pool() -> Option<&'static rayon::ThreadPool> {
    static POOL: std::sync::OnceLock<Option<rayon::ThreadPool>> = std::sync::OnceLock::new();
    POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .stack_size(REMOVAL_STACK)
            .thread_name(|i| format!("gocache-remove-{i}"))
            .build()
            .ok()
    })
    .as_ref()
}

/// Runs `f` in the removal pool, so the parallel iterators inside it use that pool's threads
/// (directly when already on one of them; on the calling thread if the pool could not start).
pub(crate) fn in_removal_pool<T: Send>(f: impl FnOnce() -> T + Send) -> T {
    match removal_pool() {
        Some(pool) => pool.install(f),
        None => f(),
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
///
/// On macOS a permission failure is classified further ([`crate::eperm::classify_eperm`] on
/// [`Platform::perm_facts`]): file flags, SIP and privacy protection get their own cause
/// ([`CauseDetail::perm_cause`]) and fix (`chflags`, advice) instead of `chmod`/`chown`.
pub(crate) fn failure(path: &Path, e: &io::Error, fix_root: &Path) -> (CauseKind, CauseDetail) {
    let kind = cause_kind(e);
    let mut detail = CauseDetail {
        path: path.to_path_buf(),
        message: e.to_string(),
        owner: None,
        perm_cause: None,
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
            let (cause, fix) = permission_fix(Sys::perm_facts(path, e), path, fix_root);
            detail.perm_cause = cause;
            detail.fix =
                Some(fix.unwrap_or_else(|| Sys::fix_permission_command(fix_root, owner.as_ref())));
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

/// The cause beyond ownership of a permission failure on `path` from the OS' facts (`None`:
/// the OS has none to tell, Linux and Windows), and its fix when it is not the ownership
/// command (`None`: that command).
pub(crate) fn permission_fix(
    facts: Option<PermFacts>,
    path: &Path,
    fix_root: &Path,
) -> (Option<PermCause>, Option<String>) {
    let Some(f) = facts else {
        return (None, None);
    };
    let cause = eperm::classify_eperm(&f);
    (Some(cause), eperm::clean_fix(cause, &f, path, fix_root))
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
