//! Unix: making a module cache writable by descriptor, and the marker's owner check.

use std::ffi::OsStr;
use std::io;
use std::os::fd::{AsFd as _, BorrowedFd, OwnedFd};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use rustix::fs::{Dir, FileType, Mode, OFlags};

use crate::CancelToken;

use super::Writable;

const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// Adds `u+rwx` to every directory of the tree at `root` whose owner lacks it (group and
/// other keep their rwx bits; set-user-id, set-group-id and sticky are dropped from a mode
/// it changes, never carried over). `root` itself
/// is opened with `O_NOFOLLOW`, each directory below it relative to its parent with
/// `O_NOFOLLOW | O_DIRECTORY` and changed with `fchmod` on that descriptor: a symlink is never
/// followed, so the walk never leaves `root`. Files are left alone (their mode never stops a
/// restore from replacing them: `tar` unlinks first).
pub(super) fn make_writable(root: &Path, cancel: &CancelToken) -> Writable {
    let mut w = Writable::default();
    match rustix::fs::open(root, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => walk(&fd, root, &mut w, cancel),
        Err(e) => w.fail(root, e.into()),
    }
    w
}

fn fix_mode(fd: BorrowedFd<'_>, path: &Path, w: &mut Writable) {
    match rustix::fs::fstat(fd) {
        Ok(st) => {
            if st.st_mode & 0o700 != 0o700 {
                let mode = (st.st_mode & 0o777) | 0o700;
                match rustix::fs::fchmod(fd, Mode::from_raw_mode(mode)) {
                    Ok(()) => w.changed += 1,
                    Err(e) => w.fail(path, e.into()),
                }
            }
            w.dirs += 1;
        }
        Err(e) => w.fail(path, e.into()),
    }
}

fn walk(fd: &OwnedFd, path: &Path, w: &mut Writable, cancel: &CancelToken) {
    if cancel.is_cancelled() {
        return;
    }
    fix_mode(fd.as_fd(), path, w);
    let dir = match Dir::read_from(fd) {
        Ok(d) => d,
        Err(e) => return w.fail(path, e.into()),
    };
    for entry in dir {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => return w.fail(path, e.into()),
        };
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        if !matches!(entry.file_type(), FileType::Directory | FileType::Unknown) {
            continue;
        }
        let child_path = path.join(OsStr::from_bytes(name));
        match rustix::fs::openat(fd, entry.file_name(), DIR_FLAGS, Mode::empty()) {
            Ok(child) => walk(&child, &child_path, w, cancel),
            // A symlink (ELOOP), a file (ENOTDIR) or an entry gone meanwhile: not ours to walk.
            Err(rustix::io::Errno::LOOP | rustix::io::Errno::NOTDIR | rustix::io::Errno::NOENT) => {
            }
            Err(e) => w.fail(&child_path, e.into()),
        }
    }
}

/// Whether `md` (of the marker file) belongs to the user running this process.
pub(super) fn owned_by_me(md: &std::fs::Metadata) -> bool {
    md.uid() == rustix::process::geteuid().as_raw()
}

/// Creates `path` for writing, readable and writable only by its owner, failing if it exists.
pub(super) fn create_new_private(path: &Path) -> io::Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt as _;
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
}
