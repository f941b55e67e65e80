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

    /// Linux: `renameat2(RENAME_NOREPLACE)`; macOS: `renamex_np(RENAME_EXCL)`. Where the file
    /// system does not support the flag (Linux `EINVAL`, e.g. some network and FUSE file
    /// systems; macOS `ENOTSUP`) and on the other Unixes, it falls back to checking with
    /// `lstat` that `to` is absent, then `rename`: a small window remains there in which an
    /// entry created at `to` by another process would be replaced.
    fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
        let f = c_path(from)?;
        let t = c_path(to)?;
        if let Some(r) = rename_noreplace_native(&f, &t) {
            return r;
        }
        match std::fs::symlink_metadata(to) {
            Ok(_) => Err(io::Error::from_raw_os_error(libc::EEXIST)),
            Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::rename(from, to),
            Err(e) => Err(e),
        }
    }

    fn open_lock_file(path: &Path) -> io::Result<File> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW)
            .open(path)
    }

    fn same_file(file: &File, path: &Path) -> io::Result<bool> {
        let a = file.metadata()?;
        match std::fs::symlink_metadata(path) {
            Ok(b) => Ok(a.dev() == b.dev() && a.ino() == b.ino()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    fn process_alive(pid: u32) -> bool {
        let Ok(p) = libc::pid_t::try_from(pid) else {
            return false;
        };
        if p <= 0 {
            return false;
        }
        #[cfg(any(target_os = "linux", target_os = "android"))]
        match std::fs::read_to_string(format!("/proc/{pid}/stat")) {
            Ok(stat) => {
                return !matches!(
                    stat_fields(&stat).and_then(|f| f.first().copied()),
                    Some("Z" | "X")
                );
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return false,
            Err(_) => {}
        }
        // SAFETY: kill with signal 0 only checks that the process exists (p > 0, so never a
        // process group); it touches no memory.
        let r = unsafe { libc::kill(p, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
    }

    fn process_start(pid: u32) -> Option<u64> {
        process_start_time(pid)
    }

    fn owned_by_current_user(_path: &Path, md: &Metadata) -> bool {
        md.uid() == current_uid()
    }

    fn dir_open_to_others(md: &Metadata) -> bool {
        let mode = md.mode();
        let foreign_owner = md.uid() != current_uid() && md.uid() != 0;
        let writable_by_others = mode & 0o022 != 0 && mode & 0o1000 == 0;
        foreign_owner || writable_by_others
    }
}

fn c_path(p: &Path) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// The one-step no-replace rename, or `None` where it is not available (then the caller
/// checks first).
#[cfg(target_os = "linux")]
fn rename_noreplace_native(from: &CStr, to: &CStr) -> Option<io::Result<()>> {
    // SAFETY: both paths are NUL-terminated strings alive for the call; AT_FDCWD makes them
    // relative to the working directory as rename(2) does.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            libc::RENAME_NOREPLACE,
        )
    };
    if r == 0 {
        return Some(Ok(()));
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        // The file system (or an old kernel) does not support the flag.
        Some(libc::EINVAL | libc::ENOSYS) => None,
        _ => Some(Err(e)),
    }
}

/// The one-step no-replace rename, or `None` where it is not available (then the caller
/// checks first).
#[cfg(target_os = "macos")]
fn rename_noreplace_native(from: &CStr, to: &CStr) -> Option<io::Result<()>> {
    // SAFETY: both paths are NUL-terminated strings alive for the call.
    let r = unsafe { libc::renamex_np(from.as_ptr(), to.as_ptr(), libc::RENAME_EXCL) };
    if r == 0 {
        return Some(Ok(()));
    }
    let e = io::Error::last_os_error();
    match e.raw_os_error() {
        Some(libc::ENOTSUP | libc::EINVAL) => None,
        _ => Some(Err(e)),
    }
}

/// The one-step no-replace rename, or `None` where it is not available (then the caller
/// checks first).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn rename_noreplace_native(_from: &CStr, _to: &CStr) -> Option<io::Result<()>> {
    None
}

/// The fields of `/proc/PID/stat` after the command name (state first), which may itself
/// hold spaces and parentheses.
#[cfg(any(target_os = "linux", target_os = "android"))]
fn stat_fields(stat: &str) -> Option<Vec<&str>> {
    let rest = stat.get(stat.rfind(')')? + 1..)?;
    Some(rest.split_whitespace().collect())
}

/// Linux: `starttime` (field 22 of `/proc/PID/stat`, clock ticks after boot).
#[cfg(any(target_os = "linux", target_os = "android"))]
fn process_start_time(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Field 3 (state) is the first after the name, so field 22 is at index 19.
    stat_fields(&stat)?.get(19)?.parse().ok()
}

/// macOS: the start time `proc_pidinfo(PROC_PIDTBSDINFO)` reports, in microseconds.
#[cfg(target_os = "macos")]
fn process_start_time(pid: u32) -> Option<u64> {
    let p = libc::c_int::try_from(pid).ok()?;
    // SAFETY: proc_bsdinfo is plain old data; all zeroes is a valid value to be overwritten.
    let mut info: libc::proc_bsdinfo = unsafe { std::mem::zeroed() };
    let size = libc::c_int::try_from(std::mem::size_of::<libc::proc_bsdinfo>()).ok()?;
    // SAFETY: `info` is a live local of exactly `size` bytes.
    let r =
        unsafe { libc::proc_pidinfo(p, libc::PROC_PIDTBSDINFO, 0, (&raw mut info).cast(), size) };
    (r == size).then(|| {
        info.pbi_start_tvsec
            .saturating_mul(1_000_000)
            .saturating_add(info.pbi_start_tvusec)
    })
}

/// Elsewhere the start time is not read (the lock and the pid's existence decide).
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "macos")))]
fn process_start_time(_pid: u32) -> Option<u64> {
    None
}
