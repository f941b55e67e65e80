//! Linux, macOS and the BSDs: `flock(LOCK_EX)` as Go's `filelock_unix.go`, Unix mode bits,
//! `getpwuid_r` for owner names.
#![allow(unsafe_code, reason = "flock, geteuid and getpwuid_r are libc calls")]

use std::ffi::CStr;
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::io::AsRawFd;
use std::path::Path;

use super::{OwnerInfo, Platform, RawKind};

/// The Unix implementation of [`Platform`].
pub(crate) struct Sys;

fn flock(file: &File, op: libc::c_int) -> io::Result<()> {
    loop {
        // SAFETY: the descriptor is owned by `file`, which outlives the call; flock does not
        // touch memory.
        let r = unsafe { libc::flock(file.as_raw_fd(), op) };
        if r == 0 {
            return Ok(());
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() != Some(libc::EINTR) {
            return Err(e);
        }
    }
}

fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0_u8; 4096];
    // SAFETY: passwd is plain old data; an all-zero value is valid before getpwuid_r fills it.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: `pwd` and `result` are locals, `buf` is a
    // live buffer of the length passed.
    let r = unsafe {
        libc::getpwuid_r(
            uid,
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if r != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`, alive here.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

impl Platform for Sys {
    fn try_lock_exclusive(file: &File) -> io::Result<bool> {
        match flock(file, libc::LOCK_EX | libc::LOCK_NB) {
            Ok(()) => Ok(true),
            Err(e) if e.raw_os_error() == Some(libc::EWOULDBLOCK) => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn unlock(file: &File) -> io::Result<()> {
        flock(file, libc::LOCK_UN)
    }

    fn make_writable(path: &Path, md: &Metadata) -> io::Result<()> {
        if md.file_type().is_symlink() {
            return Ok(());
        }
        let mode = md.permissions().mode() & 0o7777;
        let want = if md.is_dir() { 0o700 } else { 0o200 };
        if mode & want == want {
            return Ok(());
        }
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode | want))
    }

    fn remove_entry(path: &Path, _md: &Metadata) -> io::Result<()> {
        // unlink removes a symlink itself; a file's own mode does not matter on Unix.
        std::fs::remove_file(path)
    }

    fn owner(path: &Path) -> Option<OwnerInfo> {
        let md = std::fs::symlink_metadata(path).ok()?;
        let uid = md.uid();
        Some(OwnerInfo {
            uid: Some(uid),
            name: user_name(uid),
            is_current_user: uid == current_uid(),
        })
    }

    fn fix_permission_command(root: &Path, owner: Option<&OwnerInfo>) -> String {
        match owner {
            Some(o) if o.is_current_user => format!("chmod -R u+rwX {}", shell_quote(root)),
            _ => format!("sudo chown -R \"$(id -un)\" {}", shell_quote(root)),
        }
    }

    fn classify(err: &io::Error) -> RawKind {
        if err.kind() == io::ErrorKind::NotFound {
            return RawKind::Vanished;
        }
        match err.raw_os_error() {
            Some(libc::EACCES | libc::EPERM) => RawKind::Permission,
            Some(libc::EROFS) => RawKind::ReadOnlyFs,
            Some(libc::ENAMETOOLONG) => RawKind::PathTooLong,
            Some(libc::ENOENT) => RawKind::Vanished,
            Some(libc::EXDEV) => RawKind::CrossDevice,
            Some(libc::EBUSY | libc::ETXTBSY | libc::EWOULDBLOCK) => RawKind::Locked,
            Some(libc::ENOTEMPTY | libc::EEXIST) => RawKind::NotEmpty,
            _ => RawKind::Other,
        }
    }

    fn is_ephemeral(err: &io::Error) -> bool {
        // A concurrent writer (another go) can recreate an entry between readdir and rmdir.
        err.raw_os_error() == Some(libc::ENOTEMPTY)
    }

    fn mode(md: &Metadata) -> Option<u32> {
        Some(md.permissions().mode() & 0o7777)
    }

    fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
    }
}
