//! Linux, macOS and the BSDs: user ids through rustix, the user database through the crate's
//! one `getpwuid_r` call ([`user_by_uid`]), and the Unix metadata rules (`st_blocks * 512`,
//! mode bits, file types).
#![allow(unsafe_code, reason = "getpwuid_r is a libc call")]

use std::ffi::{CStr, OsStr};
use std::fs::{FileType, Metadata, OpenOptions, Permissions};
use std::mem::MaybeUninit;
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::fs::{FileTypeExt as _, MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

use super::{FileStat, System};
use crate::dirhash::Special;

/// The Unix implementation of [`System`].
pub(crate) struct Unix;

/// A user's entry in the user database (`struct passwd`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct User {
    /// The login name (`pw_name`; invalid UTF-8 replaced).
    pub name: String,
    /// The user id (`pw_uid`).
    pub uid: u32,
    /// The primary group id (`pw_gid`).
    pub gid: u32,
    /// The home directory (`pw_dir`), when the entry has one.
    pub home: Option<PathBuf>,
    /// The login shell (`pw_shell`), when the entry has one (it may be empty).
    pub shell: Option<PathBuf>,
}

/// The effective user id of this process (`geteuid`).
pub(crate) fn effective_uid() -> u32 {
    rustix::process::geteuid().as_raw()
}

/// The real user id of this process (`getuid`): who started it, also under set-user-id.
pub(crate) fn real_uid() -> u32 {
    rustix::process::getuid().as_raw()
}

/// The first buffer for [`user_by_uid`]'s strings: enough for any ordinary entry.
const PASSWD_BUF_START: usize = 4096;
/// The buffer is doubled on `ERANGE` up to this size (1 MiB), then the lookup gives up.
const PASSWD_BUF_MAX: usize = 1 << 20;

/// The user database's entry for `uid` (`getpwuid_r`: `/etc/passwd`, NSS, Directory
/// Services), or `None` when it has none or the lookup fails.
pub(crate) fn user_by_uid(uid: u32) -> Option<User> {
    user_by_uid_from(uid, PASSWD_BUF_START)
}

/// [`user_by_uid`] starting with a buffer of `start` bytes.
fn user_by_uid_from(uid: u32, start: usize) -> Option<User> {
    let mut pwd = MaybeUninit::<libc::passwd>::uninit();
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    let mut buf = vec![0_u8; start.max(1)];
    loop {
        // SAFETY: every pointer is valid for the call: `pwd` and `result` are live locals
        // getpwuid_r writes through, and `buf` is a live, writable buffer of the length passed
        // (getpwuid_r fails with ERANGE rather than write past it).
        let rc = unsafe {
            libc::getpwuid_r(
                uid,
                pwd.as_mut_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
                &raw mut result,
            )
        };
        match rc {
            0 => break,
            libc::EINTR => {}
            // The entry's strings do not fit: a larger buffer, and the whole call again.
            libc::ERANGE if buf.len() < PASSWD_BUF_MAX => buf.resize(buf.len() * 2, 0),
            _ => return None,
        }
    }
    if result.is_null() {
        return None; // no such user
    }
    // SAFETY: getpwuid_r returned 0 with a non-null `result`, so `result` points at `pwd`, which
    // it filled in, and each non-null string field of it points at a NUL-terminated string
    // inside `buf`. `buf` is neither dropped nor written until after the strings are copied
    // here.
    let (name, gid, home, shell) = unsafe {
        let p = &*result;
        let bytes =
            |s: *const libc::c_char| (!s.is_null()).then(|| CStr::from_ptr(s).to_bytes().to_vec());
        (
            bytes(p.pw_name)?,
            p.pw_gid,
            bytes(p.pw_dir),
            bytes(p.pw_shell),
        )
    };
    let path = |b: Vec<u8>| PathBuf::from(OsStr::from_bytes(&b));
    Some(User {
        name: String::from_utf8_lossy(&name).into_owned(),
        uid,
        gid,
        home: home.map(path),
        shell: shell.map(path),
    })
}

/// The login name of `uid`, when the user database knows it.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    user_by_uid(uid).map(|u| u.name)
}

impl System for Unix {
    fn effective_uid() -> Option<u32> {
        Some(effective_uid())
    }

    fn owner_uid(path: &Path) -> Option<u32> {
        std::fs::symlink_metadata(path).ok().map(|m| m.uid())
    }

    fn user_name(uid: u32) -> Option<String> {
        user_name(uid)
    }

    fn file_stat(md: &Metadata) -> FileStat {
        FileStat {
            size: md.size(),
            disk: md.blocks().saturating_mul(512),
            mtime: md.mtime(),
            dev: md.dev(),
            ino: md.ino(),
            nlink: md.nlink(),
        }
    }

    fn special_kind(ft: FileType) -> Special {
        if ft.is_fifo() {
            Special::Fifo
        } else if ft.is_socket() {
            Special::Socket
        } else if ft.is_block_device() || ft.is_char_device() {
            Special::Device
        } else {
            Special::Other
        }
    }

    fn open_nonblocking_nofollow(oo: &mut OpenOptions) {
        oo.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW);
    }

    fn is_executable(md: &Metadata) -> bool {
        md.permissions().mode() & 0o111 != 0
    }

    fn display_language() -> Option<String> {
        None
    }

    fn owner_only(builder: &mut tempfile::Builder<'_, '_>) {
        builder.permissions(Permissions::from_mode(0o700));
    }

    fn under_wine() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn root_is_uid_0_with_a_home() {
        let root = user_by_uid(0).expect("every Unix has root");
        assert_eq!(root.name, "root");
        assert_eq!((root.uid, root.gid), (0, 0));
        assert!(root.home.is_some_and(|h| h.is_absolute()));
    }

    #[test]
    fn this_process_user_is_in_the_database() {
        let me = user_by_uid(effective_uid()).expect("the running user has an entry");
        assert_eq!(me.uid, effective_uid());
        assert!(!me.name.is_empty());
        assert_eq!(Unix::user_name(me.uid), Some(me.name));
        assert_eq!(Unix::effective_uid(), Some(effective_uid()));
    }

    #[test]
    fn a_buffer_too_small_for_the_entry_is_grown() {
        // One byte cannot hold root's strings: getpwuid_r answers ERANGE until it can.
        let grown = user_by_uid_from(0, 1).expect("found after growing the buffer");
        assert_eq!(Some(grown), user_by_uid(0));
    }

    #[test]
    fn an_unknown_uid_has_no_entry() {
        // Far above any allocated uid, below the (uid_t)-1 that means "no change".
        assert_eq!(user_by_uid(u32::MAX - 7), None);
    }

    #[test]
    fn owner_uid_is_st_uid_and_does_not_follow_a_link() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, "x").unwrap();
        assert_eq!(Unix::owner_uid(&f), Some(effective_uid()));
        std::os::unix::fs::symlink("/nonexistent/target", d.path().join("l")).unwrap();
        assert_eq!(Unix::owner_uid(&d.path().join("l")), Some(effective_uid()));
        assert_eq!(Unix::owner_uid(&d.path().join("missing")), None);
    }

    #[test]
    fn disk_usage_is_st_blocks_times_512() {
        let d = tempfile::tempdir().unwrap();
        let f = d.path().join("f");
        std::fs::write(&f, vec![1_u8; 10_000]).unwrap();
        let md = std::fs::symlink_metadata(&f).unwrap();
        let st = Unix::file_stat(&md);
        assert_eq!(st.size, 10_000);
        assert_eq!(st.disk, md.blocks() * 512);
        assert_eq!((st.dev, st.ino, st.nlink), (md.dev(), md.ino(), 1));
        std::fs::hard_link(&f, d.path().join("g")).unwrap();
        assert_eq!(
            Unix::file_stat(&std::fs::symlink_metadata(&f).unwrap()).nlink,
            2
        );
        // A sparse file: 1 GiB long, next to nothing allocated.
        let sparse = d.path().join("sparse");
        std::fs::File::create(&sparse)
            .unwrap()
            .set_len(1 << 30)
            .unwrap();
        let st = Unix::file_stat(&std::fs::symlink_metadata(&sparse).unwrap());
        assert_eq!(st.size, 1 << 30);
        assert!(st.disk < 1 << 20, "{st:?}");
    }
}
