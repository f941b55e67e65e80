//! Linux, macOS and the BSDs (Go's `flock` lock is std's `File::try_lock`, in [`super`]): Unix
//! mode bits, owner names from the user database ([`crate::os::host::unix`]), descriptor-relative
//! removal with rustix.
#![allow(
    unsafe_code,
    reason = "setgroups, setegid and seteuid are libc calls (rustix has no process-wide ones)"
)]

use std::ffi::CStr;
use std::fs::{File, Metadata};
use std::io;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;

use rayon::prelude::*;
use rustix::fs::{AtFlags, CWD, FileType, Mode, OFlags};

use super::{Account, OwnerInfo, Platform, RawKind};
use crate::CancelToken;
use crate::clean::remove::{Sink, par_threshold};
use crate::env::EnvMap;
use crate::os::host::unix::{effective_uid, user_by_uid, user_name};

/// The Unix implementation of [`Platform`].
pub(crate) struct Sys;

/// A user as the OS identifies one: the numeric user id on Unix.
pub(crate) type UserId = u32;

/// The user database's entry for `uid` as an [`Account`]: one with a home directory.
fn account(uid: u32) -> Option<Account> {
    let user = user_by_uid(uid)?;
    Some(Account {
        uid,
        gid: user.gid,
        name: user.name,
        home: user.home?,
    })
}

/// The mode [`Platform::make_writable`] gives a directory whose mode is `now`: its
/// permission bits with `u+rwx`, and no set-user-id, set-group-id or sticky bit.
const fn writable_mode(now: rustix::fs::RawMode) -> rustix::fs::RawMode {
    (now & 0o777) | 0o700
}

fn shell_quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

impl Platform for Sys {
    fn make_writable(path: &Path, md: &Metadata) -> io::Result<()> {
        if !md.is_dir() {
            // Unix: unlink and rename need write access to the parent only; a file's own
            // mode never matters, so files are never chmod-ed.
            return Ok(());
        }
        let mode = md.permissions().mode();
        if mode & 0o700 == 0o700 {
            return Ok(());
        }
        // By descriptor: the directory opened without following a symlink gets u+rwx on
        // its own rwx bits (group and other keep theirs); set-user-id, set-group-id and
        // sticky are never carried over into the new mode.
        let fd = open_dir_nofollow(CWD, path)?;
        let now = rustix::fs::fstat(&fd)?.st_mode;
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(writable_mode(now)))?;
        Ok(())
    }

    fn owner(path: &Path) -> Option<OwnerInfo> {
        let md = std::fs::symlink_metadata(path).ok()?;
        let uid = md.uid();
        Some(OwnerInfo {
            uid: Some(uid),
            name: user_name(uid),
            is_current_user: uid == effective_uid(),
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

    fn perm_facts(path: &Path, err: &io::Error) -> Option<crate::eperm::PermFacts> {
        crate::eperm::facts(path, err.raw_os_error() == Some(libc::EPERM))
    }

    fn is_ephemeral(err: &io::Error) -> bool {
        // A concurrent writer (another go) can recreate an entry between readdir and rmdir.
        err.raw_os_error() == Some(libc::ENOTEMPTY)
    }

    fn mode(md: &Metadata) -> Option<u32> {
        Some(md.permissions().mode() & 0o7777)
    }

    fn set_mode(path: &Path, mode: u32) -> io::Result<()> {
        let fd = rustix::fs::openat(
            CWD,
            path,
            OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::CLOEXEC | OFlags::NONBLOCK,
            Mode::empty(),
        )?;
        let raw = rustix::fs::RawMode::try_from(mode & 0o3777).unwrap_or(0o700);
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(raw))?;
        Ok(())
    }

    fn remove_tree_once(path: &Path, sink: &Sink, cancel: &CancelToken) {
        let (Some(parent), Some(name)) = (path.parent(), path.file_name()) else {
            return sink.push(
                path,
                io::Error::new(io::ErrorKind::InvalidInput, "refusing to remove `/`"),
            );
        };
        let parent_fd = match open_parent(parent) {
            Ok(fd) => fd,
            Err(e) => return sink.push(path, e),
        };
        remove_at(parent_fd.as_fd(), name, path, sink, cancel);
    }

    fn effective_uid() -> Option<u32> {
        Some(effective_uid())
    }

    fn who_asked(file_owner: Option<u32>, pkexec_uid: Option<&str>) -> Result<u32, String> {
        use crate::clean::elevate::PKEXEC_UID;
        let euid = effective_uid();
        let uid = if euid == 0 {
            match (pkexec_uid, file_owner) {
                (Some(p), _) => p
                    .trim()
                    .parse::<u32>()
                    .map_err(|_| format!("{PKEXEC_UID} is not a user id: {p:?}"))?,
                (None, Some(o)) => o,
                (None, None) => {
                    return Err(
                        "cannot tell who asked for this clean: run through pkexec, or pass the \
                         request as a private file"
                            .into(),
                    );
                }
            }
        } else {
            euid
        };
        if let Some(o) = file_owner
            && o != uid
            && o != 0
        {
            return Err(format!(
                "refusing: the request was written by user {o}, not by the requesting \
                     user {uid}"
            ));
        }
        Ok(uid)
    }

    fn account(uid: &u32) -> Option<Account> {
        account(*uid)
    }

    fn account_env(a: &Account, env: &mut EnvMap) {
        env.remove("HOME");
        if let Some(h) = a.home.to_str() {
            env.set("HOME", h);
        }
        env.set("USER", a.name.clone());
        env.set("LOGNAME", a.name.clone());
    }

    fn owner_ids(a: &Account) -> Option<(u32, u32)> {
        (a.uid != 0).then_some((a.uid, a.gid))
    }

    fn owner_uid(path: &Path) -> Option<u32> {
        std::fs::symlink_metadata(path).ok().map(|m| m.uid())
    }

    fn check_private_chain(path: &Path, uid: &u32) -> Result<(), String> {
        let uid = *uid;
        let canon = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot resolve {}: {e}", path.display()))?;
        let mut below: Option<u32> = None;
        let mut cur = Some(canon.as_path());
        while let Some(p) = cur {
            let md = std::fs::symlink_metadata(p)
                .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            let owner_ok = md.uid() == uid || md.uid() == 0;
            if !owner_ok {
                return Err(format!(
                    "{} belongs to another user (uid {})",
                    p.display(),
                    md.uid()
                ));
            }
            let mode = md.permissions().mode();
            if p != canon.as_path() && mode & 0o022 != 0 {
                let sticky = mode & 0o1000 != 0;
                let child_ok = below.is_some_and(|b| b == uid || b == 0);
                if !(sticky && child_ok) {
                    return Err(format!(
                        "{} can be written by other users (mode {:o}), so they could replace \
                         what is below it",
                        p.display(),
                        mode & 0o7777
                    ));
                }
            }
            below = Some(md.uid());
            cur = p.parent();
        }
        Ok(())
    }

    fn open_nofollow(path: &Path) -> io::Result<File> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC)
            .open(path)
    }

    fn as_user<T>(who: Option<(u32, u32)>, f: impl FnOnce() -> T) -> io::Result<T> {
        let Some((uid, gid)) = who else {
            return Ok(f());
        };
        static SWITCH: std::sync::Mutex<()> = std::sync::Mutex::new(());
        let _one = SWITCH
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let groups = [gid];
        // SAFETY: plain system calls on integers and a live local array of the length passed.
        let set = unsafe {
            libc::setgroups(1, groups.as_ptr()) == 0
                && libc::setegid(gid) == 0
                && libc::seteuid(uid) == 0
        };
        let err = (!set).then(io::Error::last_os_error);
        let out = if err.is_none() { Some(f()) } else { None };
        // SAFETY: as above; back to root (the saved set-user-id), its group and no
        // supplementary group.
        let back = unsafe {
            libc::seteuid(0) == 0
                && libc::setegid(0) == 0
                && libc::setgroups(0, std::ptr::null()) == 0
        };
        if !back {
            // Never go on with half the privileges of either user.
            std::process::abort();
        }
        match (out, err) {
            (Some(v), _) => Ok(v),
            (None, Some(e)) => Err(e),
            (None, None) => Err(io::Error::other("could not switch user")),
        }
    }

    fn make_private_dir(path: &Path) -> io::Result<()> {
        let fd = open_dir_nofollow(CWD, path)?;
        rustix::fs::fchmod(&fd, Mode::RWXU)?;
        Ok(())
    }

    /// `mkdir` with mode 0700, then [`Platform::make_private_dir`] (the umask only takes
    /// bits away; this makes it exactly 0700).
    fn create_private_dir(path: &Path) -> io::Result<()> {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new().mode(0o700).create(path)?;
        Self::make_private_dir(path)
    }

    fn create_private(path: &Path) -> io::Result<File> {
        use std::os::unix::fs::OpenOptionsExt;
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .custom_flags(libc::O_NOFOLLOW | libc::O_CLOEXEC)
            .open(path)
    }

    fn check_private_file(file: &File, path: &Path) -> Result<Option<u32>, String> {
        let md = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !md.is_file() {
            return Err(format!("{} is not a regular file", path.display()));
        }
        if md.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "{} can be read or written by other users (mode {:o}); a request must be 0600",
                path.display(),
                md.permissions().mode() & 0o7777
            ));
        }
        let parent = path
            .parent()
            .ok_or_else(|| format!("{} has no directory", path.display()))?;
        let pmd = std::fs::symlink_metadata(parent)
            .map_err(|e| format!("cannot read {}: {e}", parent.display()))?;
        if !pmd.is_dir() || pmd.uid() != md.uid() || pmd.permissions().mode() & 0o077 != 0 {
            return Err(format!(
                "{} must be a directory of the request's owner that no one else can enter \
                 (0700)",
                parent.display()
            ));
        }
        Ok(Some(md.uid()))
    }

    fn give_back(root: &Path, rel: &Path, children: bool, uid: u32, gid: u32) -> io::Result<()> {
        let (Some(parent), Some(name)) = (root.parent(), root.file_name()) else {
            return Ok(());
        };
        let pfd = open_parent(parent)?;
        let mut fd = open_dir_nofollow(&pfd, name)?;
        chown_fd(&fd, uid, gid)?;
        let comps: Vec<_> = rel.components().collect();
        for (i, c) in comps.iter().enumerate() {
            let std::path::Component::Normal(n) = c else {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "not a plain path",
                ));
            };
            let st = match rustix::fs::statat(&fd, *n, AtFlags::SYMLINK_NOFOLLOW) {
                Ok(st) => st,
                Err(rustix::io::Errno::NOENT) => return Ok(()),
                Err(e) => return Err(e.into()),
            };
            let is_dir = FileType::from_raw_mode(st.st_mode) == FileType::Directory;
            if !is_dir {
                if i + 1 == comps.len() && st.st_uid != uid {
                    rustix::fs::chownat(
                        &fd,
                        *n,
                        Some(rustix::fs::Uid::from_raw(uid)),
                        Some(rustix::fs::Gid::from_raw(gid)),
                        AtFlags::SYMLINK_NOFOLLOW,
                    )?;
                }
                return Ok(());
            }
            fd = open_dir_nofollow(&fd, *n)?;
            chown_fd(&fd, uid, gid)?;
        }
        if children {
            let names: Vec<std::ffi::OsString> = rustix::fs::Dir::read_from(&fd)?
                .filter_map(Result::ok)
                .map(|e| {
                    std::ffi::OsString::from(<OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(
                        e.file_name().to_bytes(),
                    ))
                })
                .filter(|n| n != "." && n != "..")
                .collect();
            for n in names {
                match rustix::fs::statat(&fd, &n, AtFlags::SYMLINK_NOFOLLOW) {
                    Ok(st) if st.st_uid != uid => rustix::fs::chownat(
                        &fd,
                        &n,
                        Some(rustix::fs::Uid::from_raw(uid)),
                        Some(rustix::fs::Gid::from_raw(gid)),
                        AtFlags::SYMLINK_NOFOLLOW,
                    )?,
                    _ => {}
                }
            }
        }
        Ok(())
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
        #[cfg(target_os = "linux")]
        if let Some(zombie) = crate::locks::linux::is_zombie(pid) {
            return !zombie;
        }
        // Signal 0 only checks that the process exists (p > 0, so never a process group).
        let Some(pid) = rustix::process::Pid::from_raw(p) else {
            return false;
        };
        matches!(
            rustix::process::test_kill_process(pid),
            Ok(()) | Err(rustix::io::Errno::PERM)
        )
    }

    fn process_start(pid: u32) -> Option<u64> {
        process_start_time(pid)
    }

    fn owned_by_current_user(_path: &Path, md: &Metadata) -> bool {
        md.uid() == effective_uid()
    }

    fn dir_open_to_others(md: &Metadata) -> bool {
        let mode = md.mode();
        let foreign_owner = md.uid() != effective_uid() && md.uid() != 0;
        let writable_by_others = mode & 0o022 != 0 && mode & 0o1000 == 0;
        foreign_owner || writable_by_others
    }
}

use std::ffi::OsStr;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Opens a directory relative to `dir` without following a symlink in its last component.
fn open_dir_nofollow(dir: impl AsFd, name: impl rustix::path::Arg) -> io::Result<OwnedFd> {
    Ok(rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::empty(),
    )?)
}

/// Opens `dir` by resolving it once (`canonicalize`, so legitimate links such as macOS'
/// `/var` are followed at this moment only), then walking the canonical path from `/` with
/// `O_NOFOLLOW` on every component: a component swapped for a symlink afterwards makes the
/// open fail instead of leading elsewhere.
pub(crate) fn open_parent(dir: &Path) -> io::Result<OwnedFd> {
    let canon = std::fs::canonicalize(dir)?;
    let mut fd = open_dir_nofollow(CWD, "/")?;
    for c in canon.components() {
        match c {
            std::path::Component::RootDir => {}
            std::path::Component::Normal(n) => fd = open_dir_nofollow(&fd, n)?,
            _ => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("{} is not a canonical path", canon.display()),
                ));
            }
        }
    }
    Ok(fd)
}

/// Makes a directory that cannot be opened (mode 0000) searchable, without following a
/// symlink: Linux opens it `O_PATH | O_NOFOLLOW` and changes the mode through
/// `/proc/self/fd`, which names exactly that inode; elsewhere `fchmodat` with
/// `AT_SYMLINK_NOFOLLOW` (lchmod semantics).
fn chmod_dir_nofollow(dir: BorrowedFd<'_>, name: &OsStr) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        let fd = rustix::fs::openat(
            dir,
            name,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )?;
        let proc_path = format!("/proc/self/fd/{}", std::os::fd::AsRawFd::as_raw_fd(&fd));
        rustix::fs::chmodat(CWD, proc_path.as_str(), Mode::RWXU, AtFlags::empty())?;
        Ok(())
    }
    #[cfg(not(target_os = "linux"))]
    {
        rustix::fs::chmodat(dir, name, Mode::RWXU, AtFlags::SYMLINK_NOFOLLOW)?;
        Ok(())
    }
}

/// Removes the entry `name` of the open directory `dir` (`path` names it for errors).
fn remove_at(dir: BorrowedFd<'_>, name: &OsStr, path: &Path, sink: &Sink, cancel: &CancelToken) {
    if cancel.is_cancelled() {
        return;
    }
    let st = match rustix::fs::statat(dir, name, AtFlags::SYMLINK_NOFOLLOW) {
        Ok(st) => st,
        Err(e) => return sink.push(path, e.into()),
    };
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
        #[cfg(target_os = "macos")]
        unflag_entry(dir, name, &st);
        return unlink(dir, name, path, AtFlags::empty(), sink);
    }
    let fd = match open_dir_nofollow(dir, name) {
        Ok(fd) => fd,
        Err(e) if e.raw_os_error() == Some(libc::EACCES) => {
            match chmod_dir_nofollow(dir, name).and_then(|()| open_dir_nofollow(dir, name)) {
                Ok(fd) => fd,
                Err(e) => return sink.push(path, e),
            }
        }
        // Swapped for a symlink or a file since the stat: remove that entry itself.
        Err(e) if matches!(e.raw_os_error(), Some(libc::ELOOP | libc::ENOTDIR)) => {
            return unlink(dir, name, path, AtFlags::empty(), sink);
        }
        Err(e) => return sink.push(path, e),
    };
    match rustix::fs::fstat(&fd) {
        Ok(now) => {
            // macOS: a user-immutable directory can neither change mode nor lose entries.
            #[cfg(target_os = "macos")]
            unflag(fd.as_fd(), &now);
            if now.st_mode & 0o700 != 0o700 {
                // Exactly u+rwx on this directory (we delete it next): no other bit carried.
                if let Err(e) = rustix::fs::fchmod(&fd, Mode::RWXU) {
                    sink.push(path, e.into());
                }
            }
        }
        Err(e) => sink.push(path, e.into()),
    }
    let mut names = Vec::new();
    match rustix::fs::Dir::read_from(&fd) {
        Ok(d) => {
            for e in d {
                match e {
                    Ok(e) => {
                        let n = e.file_name().to_bytes();
                        if n != b"." && n != b".." {
                            names.push(std::ffi::OsString::from(
                                <OsStr as std::os::unix::ffi::OsStrExt>::from_bytes(n),
                            ));
                        }
                    }
                    Err(e) => {
                        sink.push(path, e.into());
                        break;
                    }
                }
            }
        }
        Err(e) => return sink.push(path, e.into()),
    }
    let child = |n: &std::ffi::OsString| remove_at(fd.as_fd(), n, &path.join(n), sink, cancel);
    if names.len() >= par_threshold() {
        names.par_iter().for_each(child);
    } else {
        names.iter().for_each(child);
    }
    drop(fd);
    if cancel.is_cancelled() {
        return;
    }
    unlink(dir, name, path, AtFlags::REMOVEDIR, sink);
}

/// macOS: clears the user flags (`uchg`, `uappnd`) of the open entry `fd` whose `lstat` is
/// `st`, which would make its deletion (and, for a directory, its entries') fail with `EPERM`
/// for everyone, when [`crate::eperm::may_clear_user_flags`] allows it: the entry belongs to
/// the user running the clean (or the clean runs as root) and has no system flag. Only the
/// removal walk calls it, on what it deletes inside a cache root or a quarantine. A failure is
/// left to the deletion to report (as [`crate::eperm::PermCause::UserImmutable`]).
#[cfg(target_os = "macos")]
fn unflag(fd: BorrowedFd<'_>, st: &rustix::fs::Stat) {
    if crate::eperm::may_clear_user_flags(st.st_flags, st.st_uid, effective_uid()) {
        let _ = crate::eperm::macos::set_flags(fd, st.st_flags & !crate::eperm::USER_FLAGS);
    }
}

/// macOS: [`unflag`] for the entry `name` of `dir` that is not a directory (`st`: its
/// `lstat`), opened by descriptor without following a symlink (`O_SYMLINK` opens a link
/// itself) and checked to be the entry `st` describes. Entries without a user flag are not
/// opened.
#[cfg(target_os = "macos")]
fn unflag_entry(dir: BorrowedFd<'_>, name: &OsStr, st: &rustix::fs::Stat) {
    if st.st_flags & crate::eperm::USER_FLAGS == 0 {
        return;
    }
    let Ok(fd) = rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::SYMLINK | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    ) else {
        return;
    };
    match rustix::fs::fstat(&fd) {
        Ok(now) if now.st_dev == st.st_dev && now.st_ino == st.st_ino => unflag(fd.as_fd(), &now),
        _ => {}
    }
}

fn chown_fd(fd: &OwnedFd, uid: u32, gid: u32) -> io::Result<()> {
    if rustix::fs::fstat(fd)?.st_uid != uid {
        rustix::fs::fchown(
            fd,
            Some(rustix::fs::Uid::from_raw(uid)),
            Some(rustix::fs::Gid::from_raw(gid)),
        )?;
    }
    Ok(())
}

fn unlink(dir: BorrowedFd<'_>, name: &OsStr, path: &Path, flags: AtFlags, sink: &Sink) {
    match rustix::fs::unlinkat(dir, name, flags) {
        Ok(()) => sink.removed(),
        Err(e) => {
            let e: io::Error = e.into();
            // The children's failures already explain a non-empty directory.
            if !(flags.contains(AtFlags::REMOVEDIR)
                && sink.any_failed()
                && Sys::classify(&e) == RawKind::NotEmpty)
            {
                sink.push(path, e);
            }
        }
    }
}

fn c_path(p: &Path) -> io::Result<std::ffi::CString> {
    use std::os::unix::ffi::OsStrExt;
    std::ffi::CString::new(p.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path contains a NUL byte"))
}

/// The one-step no-replace rename, or `None` where it is not available (then the caller
/// checks first): rustix's `renameat_with(NOREPLACE)` is `renameat2(RENAME_NOREPLACE)` on
/// Linux and `renameatx_np(RENAME_EXCL)` on macOS.
#[cfg(any(target_os = "linux", target_os = "macos"))]
fn rename_noreplace_native(from: &CStr, to: &CStr) -> Option<io::Result<()>> {
    use rustix::io::Errno;
    match rustix::fs::renameat_with(CWD, from, CWD, to, rustix::fs::RenameFlags::NOREPLACE) {
        Ok(()) => Some(Ok(())),
        // The file system (or an old kernel) does not support the flag (Linux `EINVAL`,
        // `ENOSYS`; macOS `ENOTSUP`, and `ENOSYS` before 10.12).
        Err(Errno::INVAL | Errno::NOSYS) => None,
        #[cfg(target_os = "macos")]
        Err(Errno::NOTSUP) => None,
        Err(e) => Some(Err(e.into())),
    }
}

/// The one-step no-replace rename, or `None` where it is not available (then the caller
/// checks first).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn rename_noreplace_native(_from: &CStr, _to: &CStr) -> Option<io::Result<()>> {
    None
}

/// Linux: `starttime` (field 22 of `/proc/PID/stat`, clock ticks after boot), as the lock
/// probe reads it ([`crate::locks::linux::start_time`]).
#[cfg(target_os = "linux")]
fn process_start_time(pid: u32) -> Option<u64> {
    crate::locks::linux::start_time(pid).ok()
}

/// macOS: the start time `proc_pidinfo(PROC_PIDTBSDINFO)` reports, in microseconds (the lock
/// probe's reading, [`crate::locks::macos::end::start_time`]).
#[cfg(target_os = "macos")]
fn process_start_time(pid: u32) -> Option<u64> {
    crate::locks::macos::end::start_time(pid)
}

/// Elsewhere the start time is not read (the lock and the pid's existence decide).
#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn process_start_time(_pid: u32) -> Option<u64> {
    None
}
