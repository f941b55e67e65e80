//! Per-OS primitives of the cleaner, one file per OS behind the [`Platform`] trait: Go's
//! lock-file primitive (flock on Unix, `LockFileEx` on Windows), the owner of an entry, making
//! an entry writable, removing a link without following it, and classifying OS error codes.

use std::fs::{File, Metadata};
use std::io;
use std::path::Path;

use super::remove::Sink;
use crate::CancelToken;
use crate::env::EnvMap;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;
// The OS-independent half of the Windows checks, unit-tested on every OS.
#[cfg(any(windows, test))]
mod windows_acl;

// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod unix;
#[cfg(any())]
mod windows;

#[cfg(unix)]
pub(crate) use unix::{Sys, UserId};
#[cfg(windows)]
pub(crate) use windows::{Sys, UserId};

/// What an OS error code means for a deletion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum RawKind {
    Permission,
    Locked,
    ReadOnlyFs,
    PathTooLong,
    Vanished,
    CrossDevice,
    NotEmpty,
    Other,
}

/// The owner of a file, as the OS reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct OwnerInfo {
    pub uid: Option<u32>,
    pub name: Option<String>,
    /// Whether the owner is the user running this process.
    pub is_current_user: bool,
}

/// Tries to take Go's exclusive lock on an open lock file without waiting: `Ok(false)` when
/// another process holds it.
///
/// Go's `lockedfile` locks with `flock(LOCK_EX)` on Linux, macOS and the BSDs
/// (`filelock_unix.go`) and `LockFileEx(LOCKFILE_EXCLUSIVE_LOCK)` over the whole file
/// (offset 0, length `u32::MAX`/`u32::MAX`) on Windows (`filelock_windows.go`); std's
/// [`File::try_lock`] is those same calls (with `LOCK_NB` and `LOCKFILE_FAIL_IMMEDIATELY`), so
/// the two exclude each other. Where std has no lock (other Unixes), the error says so.
pub(crate) fn try_lock_exclusive(file: &File) -> io::Result<bool> {
    match file.try_lock() {
        Ok(()) => Ok(true),
        Err(std::fs::TryLockError::WouldBlock) => Ok(false),
        Err(std::fs::TryLockError::Error(e)) => Err(e),
    }
}

/// Releases a lock taken by [`try_lock_exclusive`] (std's [`File::unlock`]: `flock(LOCK_UN)`,
/// `UnlockFile` over the same range).
pub(crate) fn unlock(file: &File) -> io::Result<()> {
    file.unlock()
}

/// The per-OS operations of the cleaner.
pub(crate) trait Platform {
    /// Gives the current user write (and, for directories, search) access to `path`,
    /// never following a symlink. Directories get at most `u+rwx` added (never 0777).
    fn make_writable(path: &Path, md: &Metadata) -> io::Result<()>;
    /// The owner of `path` (not following symlinks).
    fn owner(path: &Path) -> Option<OwnerInfo>;
    /// The shell command that gives the current user back `root`, for a permission failure.
    fn fix_permission_command(root: &Path, owner: Option<&OwnerInfo>) -> String;
    /// Classifies an OS error.
    fn classify(err: &io::Error) -> RawKind;
    /// What the OS tells beyond the owner about the permission failure `err` on `path`, for
    /// [`crate::eperm::classify_eperm`]: macOS the file flags, SIP's attribute and privacy
    /// locations; `None` elsewhere (the ownership explanation stands).
    fn perm_facts(path: &Path, err: &io::Error) -> Option<crate::eperm::PermFacts>;
    /// Whether an error may go away by itself (antivirus, a closing handle) and is worth
    /// retrying for a short while, as Go's robustio does.
    fn is_ephemeral(err: &io::Error) -> bool;
    /// The mode bits to restore after an undo (`None` where the OS has none).
    fn mode(md: &Metadata) -> Option<u32>;
    /// Restores mode bits saved with [`Platform::mode`] (never set-user-id).
    fn set_mode(path: &Path, mode: u32) -> io::Result<()>;
    /// One attempt at removing `path` and everything below it, in parallel, never following a
    /// symlink or junction; failures go to `sink` (see [`super::remove::remove_tree`]).
    fn remove_tree_once(path: &Path, sink: &Sink, cancel: &CancelToken);
    /// The effective user id of this process (`None` where the OS has none: Windows).
    fn effective_uid() -> Option<u32>;
    /// Who asked for an elevated clean, from the OS: on Unix, when this process runs as root,
    /// `PKEXEC_UID` (set by pkexec) or else the owner of the request file, and this process'
    /// user otherwise; on Windows, when the token is elevated, the owner of the request file
    /// (this process' user when the administration owns it), and this process' user
    /// otherwise. A request file owned by another user than the one found (and not by the
    /// administrator) is refused, and so is a request without a way to tell who asked.
    ///
    /// # Errors
    /// The refusal.
    fn who_asked(file_owner: Option<UserId>, pkexec_uid: Option<&str>) -> Result<UserId, String>;
    /// The account database's entry for `uid` (Windows: the name from `LookupAccountSidW`, the
    /// home from the registry's ProfileList).
    fn account(uid: &UserId) -> Option<Account>;
    /// Puts the variables the OS's account gives into `env`, replacing the request's: Unix
    /// `HOME`, `USER`, `LOGNAME`; Windows `USERPROFILE`, `LOCALAPPDATA`, `APPDATA` (and no
    /// `HOME`).
    fn account_env(a: &Account, env: &mut EnvMap);
    /// The user and group ids an elevated clean switches to ([`Platform::as_user`]) and gives
    /// entries back to ([`Platform::give_back`]) for `a`: `None` for the administrator itself,
    /// and on Windows, where neither happens.
    fn owner_ids(a: &Account) -> Option<(u32, u32)>;
    /// The owner of `path` (not following a symlink).
    fn owner_uid(path: &Path) -> Option<UserId>;
    /// Checks that no other user than `uid` (and the administrator) could rename or replace
    /// `path` or any of its ancestors: each must be owned by `uid` or root, and a directory
    /// writable by group or others is accepted only with the sticky bit when the entry
    /// below it is owned by `uid` or root (Windows: the ACL rules of `windows_acl`). `Err`
    /// says which directory fails.
    fn check_private_chain(path: &Path, uid: &UserId) -> Result<(), String>;
    /// Checks that the request file just opened (`file`, named `path`) could only have been
    /// written by its owner: a regular file, not a link, no group or other permission bits,
    /// in a directory owned by the same user with no group or other bits (Windows: no one
    /// but the owner, SYSTEM and Administrators may write it or its directory's entries).
    /// Returns the owner.
    fn check_private_file(file: &File, path: &Path) -> Result<Option<UserId>, String>;
    /// Gives `uid`/`gid` every directory from `root` down to `root/rel` and `root/rel` itself
    /// (whichever exist), walking by descriptor without following a symlink; with
    /// `children`, the entries directly inside `root/rel` too. Entries already owned by `uid`
    /// are left alone.
    fn give_back(root: &Path, rel: &Path, children: bool, uid: u32, gid: u32) -> io::Result<()>;
    /// Opens an existing file for reading without following a symlink in its last component
    /// and without blocking on a FIFO.
    fn open_nofollow(path: &Path) -> io::Result<File>;
    /// Creates a new file that only its owner may read or write (Unix mode 0600; Windows a
    /// protected DACL giving full control to this process' user, SYSTEM and Administrators
    /// only), never following a symlink and failing when the path exists.
    fn create_private(path: &Path) -> io::Result<File>;
    /// Makes an existing directory private to its owner (Unix mode 0700; Windows a protected
    /// DACL giving full control to this process' user, SYSTEM and Administrators only,
    /// inherited by what is created in it), not following a symlink or junction.
    fn make_private_dir(path: &Path) -> io::Result<()>;
    /// Creates a new directory (its parent must exist; an existing `path` is an error) that is
    /// private to this process' user from its creation (Unix mode 0700; Windows the protected
    /// DACL of [`Platform::make_private_dir`] given to `CreateDirectoryW`), so there is no
    /// moment in which others could enter it.
    fn create_private_dir(path: &Path) -> io::Result<()>;
    /// Runs `f` with the effective user and group `who` (an elevated clean does everything
    /// but the deletions themselves as the user who asked, so that a link planted in the
    /// user's cache gains nothing, and what it creates belongs to that user), then returns to
    /// the administrator. `None` runs `f` as is. Not for concurrent use: the switch applies to
    /// the whole process.
    ///
    /// # Errors
    /// When the switch itself fails; `f` has not run then.
    fn as_user<T>(who: Option<(u32, u32)>, f: impl FnOnce() -> T) -> io::Result<T>;
    /// Renames `from` to `to` only when nothing is at `to`, in one step where the OS can:
    /// an error of kind [`io::ErrorKind::AlreadyExists`] when something is there (a file, a
    /// link, even an empty directory); it is never replaced.
    fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()>;
    /// Opens (creating it, private to the user) the lock file of a quarantine, never following
    /// a symlink or junction at `path`.
    fn open_lock_file(path: &Path) -> io::Result<File>;
    /// Whether the open `file` is the file `path` names now (not following a symlink): a
    /// lock taken on a file that was unlinked or replaced meanwhile protects nothing.
    fn same_file(file: &File, path: &Path) -> io::Result<bool>;
    /// Whether process `pid` exists (a zombie does not count where the OS tells).
    fn process_alive(pid: u32) -> bool;
    /// When process `pid` started, in an OS-specific unit (compared only with itself, to
    /// tell a reused pid apart); `None` when unknown.
    fn process_start(pid: u32) -> Option<u64>;
    /// Whether `md` (not following symlinks) belongs to the user running this process.
    fn owned_by_current_user(path: &Path, md: &Metadata) -> bool;
    /// Whether users other than the current one (and the administrator) could create,
    /// rename or delete entries in the directory `md` describes, so that what sits in it
    /// cannot be trusted to be ours.
    fn dir_open_to_others(md: &Metadata) -> bool;
}

/// [`Platform::create_private`] for this OS.
pub(crate) fn create_private(path: &Path) -> io::Result<File> {
    Sys::create_private(path)
}

/// [`Platform::create_private_dir`] for this OS.
pub(crate) fn create_private_dir(path: &Path) -> io::Result<()> {
    Sys::create_private_dir(path)
}

/// A user account from the OS's account database.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Account {
    /// The user: its uid on Unix, its SID on Windows.
    pub uid: UserId,
    /// Its primary group (Unix; 0 on Windows, which has none to switch to).
    pub gid: u32,
    pub name: String,
    pub home: std::path::PathBuf,
}
