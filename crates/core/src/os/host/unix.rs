//! Linux, macOS and the BSDs: user ids through rustix, the user database through nix's
//! `getpwuid_r` ([`user_by_uid`], the one lookup in the crate), and the Unix metadata rules
//! (`st_blocks * 512`, mode bits, file types).

use std::fs::{FileType, Metadata, OpenOptions, Permissions};
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

/// The user database's entry for `uid` (`getpwuid_r` through nix, which grows its buffer on
/// `ERANGE` up to 1 MiB: `/etc/passwd`, NSS, Directory Services), or `None` when it has none,
/// the lookup fails or the entry has no name. An empty home directory counts as none.
pub(crate) fn user_by_uid(uid: u32) -> Option<User> {
    let u = nix::unistd::User::from_uid(nix::unistd::Uid::from_raw(uid)).ok()??;
    if u.name.is_empty() {
        return None;
    }
    Some(User {
        name: u.name,
        uid,
        gid: u.gid.as_raw(),
        home: Some(u.dir).filter(|d| !d.as_os_str().is_empty()),
        shell: Some(u.shell),
    })
}

/// The login name of `uid`, when the user database knows it.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    user_by_uid(uid).map(|u| u.name)
}

/// Linux's `O_NOATIME`: reading a module's download files must not make it look used (the
/// last-use time of a version is their access time). macOS has no such flag.
#[cfg(target_os = "linux")]
const NOATIME: libc::c_int = libc::O_NOATIME;
#[cfg(not(target_os = "linux"))]
const NOATIME: libc::c_int = 0;

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
            mtime_ns: md
                .mtime()
                .saturating_mul(1_000_000_000)
                .saturating_add(md.mtime_nsec()),
            ctime_ns: md
                .ctime()
                .saturating_mul(1_000_000_000)
                .saturating_add(md.ctime_nsec()),
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

    fn open_nonblocking_nofollow(oo: &mut OpenOptions, keep_atime: bool) {
        let noatime = if keep_atime { NOATIME } else { 0 };
        oo.custom_flags(libc::O_NONBLOCK | libc::O_NOFOLLOW | noatime);
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

    fn disk_space(path: &Path) -> Option<(u64, u64)> {
        let st = rustix::fs::statvfs(path).ok()?;
        let unit = st.f_frsize.max(1);
        Some((
            st.f_bavail.saturating_mul(unit),
            st.f_blocks.saturating_mul(unit),
        ))
    }

    fn under_wine() -> bool {
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Reading a file through `dirhash` leaves its access time alone, where a plain read on the
    /// same file system moves it (relatime updates an access time older than the modification
    /// time): a verify must not make every module version look used today.
    #[cfg(target_os = "linux")]
    #[test]
    fn reads_through_dirhash_keep_the_access_time() {
        use std::time::{Duration, SystemTime};
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("v1.0.0.zip");
        let set_old = || {
            let now = SystemTime::now();
            let times = std::fs::FileTimes::new()
                .set_accessed(now - Duration::from_secs(3 * 86_400))
                .set_modified(now - Duration::from_secs(2 * 86_400));
            std::fs::File::options()
                .write(true)
                .open(&f)
                .unwrap()
                .set_times(times)
                .unwrap();
            std::fs::metadata(&f).unwrap().accessed().unwrap()
        };
        std::fs::write(&f, b"zip bytes").unwrap();
        let before = set_old();
        assert_eq!(
            crate::dirhash::read_regular(&f, 1024).unwrap(),
            b"zip bytes"
        );
        assert_eq!(std::fs::metadata(&f).unwrap().accessed().unwrap(), before);
        // The control: a plain read moves it, so the check above can fail.
        let before = set_old();
        std::fs::read(&f).unwrap();
        assert!(
            std::fs::metadata(&f).unwrap().accessed().unwrap() > before,
            "this file system records no access times: the test shows nothing here"
        );
    }

    /// The free and total space agree with `df` (free space moves a little meanwhile).
    #[test]
    fn disk_space_is_what_df_reports() {
        let dir = tempfile::tempdir().unwrap();
        let (avail, total) = Unix::disk_space(dir.path()).unwrap();
        let out = std::process::Command::new("df")
            .args(["-P", "-k"])
            .arg(dir.path())
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let fields: Vec<u64> = text
            .lines()
            .nth(1)
            .unwrap()
            .split_whitespace()
            .filter_map(|f| f.parse().ok())
            .collect();
        let (df_total, df_avail) = (fields[0] * 1024, fields[2] * 1024);
        assert_eq!(total / 1024, df_total / 1024, "{text}");
        assert!(
            avail.abs_diff(df_avail) < 256 << 20,
            "{avail} vs {df_avail}: {text}"
        );
    }

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
