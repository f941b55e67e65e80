//! The OS this binary runs on, asked directly: user ids and names, how much disk a file takes,
//! file types and modes, the display language. One file per OS behind the [`System`] trait
//! (`unix.rs` for Linux, macOS and the BSDs; `windows.rs`), [`Host`] being the one built here.
//!
//! Unlike the rules of the parent module (pure, compiled everywhere), this is the place for the
//! system calls, so only the running OS's file is compiled. Unix-only callers (the Unix halves
//! of the cleaner, the lock probes, the login shell) also use [`unix`]'s own functions:
//! [`unix::user_by_uid`] (the one `getpwuid_r` in the crate, through nix), [`unix::effective_uid`],
//! [`unix::real_uid`].

use std::fs::{FileType, Metadata, OpenOptions};
use std::path::Path;

use crate::dirhash::Special;

#[cfg(unix)]
pub(crate) mod unix;
#[cfg(windows)]
mod windows;
// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod unix;
#[cfg(any())]
mod windows;

#[cfg(unix)]
pub(crate) use unix::Unix as Host;
#[cfg(windows)]
pub(crate) use windows::Windows as Host;

/// The `lstat` facts about one entry that differ in how each OS reports them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct FileStat {
    /// Apparent size (`st_size`; 0 for a directory on Windows).
    pub size: u64,
    /// Allocated size: `st_blocks * 512` on Unix; on Windows, which reports none, the
    /// apparent size rounded up to 4 KiB clusters (NTFS's default).
    pub disk: u64,
    /// Modification time, Unix seconds.
    pub mtime: i64,
    /// Device and inode number (0 on Windows, where hard links are not detected).
    pub dev: u64,
    /// See `dev`.
    pub ino: u64,
    /// Number of names of the file (1 on Windows).
    pub nlink: u64,
    /// Modification time in nanoseconds since the Unix epoch, as precise as the file system
    /// keeps it (part of a directory's identity in the scan index).
    pub mtime_ns: i64,
    /// Change time in nanoseconds since the Unix epoch (`st_ctime`: bumped by any change of
    /// the inode, renames and `chmod` included). On Windows, which has no change time in the
    /// metadata, the creation time: a directory put in place of another has a new one.
    pub ctime_ns: i64,
}

/// What the crate asks of the OS it runs on, outside the per-feature traits (the cleaner's
/// `Platform`, the lock probes, the login shell).
///
/// # Platform behavior
/// Windows identifies users by SIDs, not numeric ids: the id functions answer `None` there.
pub(crate) trait System {
    /// The effective user id of this process (`geteuid`); `None` on Windows.
    fn effective_uid() -> Option<u32>;
    /// The numeric owner of `path`, not following a final symlink; `None` when it cannot be
    /// read, and on Windows.
    fn owner_uid(path: &Path) -> Option<u32>;
    /// The login name of user `uid` from the user database; `None` when it has no entry, and
    /// on Windows.
    fn user_name(uid: u32) -> Option<String>;
    /// Sizes, time and identity of an entry from its (not followed) metadata.
    fn file_stat(md: &Metadata) -> FileStat;
    /// The kind of a file that is neither regular, a directory nor a symlink (Windows knows no
    /// FIFOs, sockets or devices in a directory tree: [`Special::Other`]).
    fn special_kind(ft: FileType) -> Special;
    /// Makes `oo` open without blocking and without following a symlink in the last component
    /// (`O_NONBLOCK | O_NOFOLLOW`); nothing on Windows, where opening a file never blocks on
    /// a missing writer. With `keep_atime`, also without updating the file's access time
    /// (Linux's `O_NOATIME`, which only the file's owner or root may ask for: the open then
    /// fails with `EPERM`); nothing more elsewhere.
    fn open_nonblocking_nofollow(oo: &mut OpenOptions, keep_atime: bool);
    /// Whether a file's mode lets someone execute it (any `x` bit); always true on Windows,
    /// which has no such bit.
    fn is_executable(md: &Metadata) -> bool;
    /// The OS display language as a BCP-47 tag: on Windows the first of the user's preferred
    /// UI languages; `None` on Unix, where the locale variables are the user's choice.
    fn display_language() -> Option<String>;
    /// Makes the temporary directory `builder` creates accessible to this user only (0700 on
    /// Unix; Windows' temporary directories are private to the user already).
    fn owner_only(builder: &mut tempfile::Builder<'_, '_>);
    /// Whether this process runs under Wine (ntdll exports `wine_get_version`); false off
    /// Windows.
    fn under_wine() -> bool;
    /// The space of the file system holding `path`: `(available to this user, total)` in
    /// bytes (`statvfs`'s `f_bavail` and `f_blocks` times `f_frsize`; Windows'
    /// `GetDiskFreeSpaceExW`). `None` when it cannot be read.
    fn disk_space(path: &Path) -> Option<(u64, u64)>;
}

/// [`System::disk_space`] of the running OS.
pub(crate) fn disk_space(path: &Path) -> Option<(u64, u64)> {
    Host::disk_space(path)
}
