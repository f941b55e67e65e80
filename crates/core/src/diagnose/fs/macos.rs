//! macOS: the filesystem of a path from `statfs(2)` (`f_fstypename`, `f_flags`,
//! `f_mntonname`, through rustix); the classification is [`super::macos_fs_class`], unit-tested
//! on every OS.

use std::path::Path;

use super::{FsInfo, macos_fs_class};

/// The filesystem holding `path` (its nearest existing ancestor).
pub(super) fn fs_of(path: &Path) -> Option<FsInfo> {
    let existing = path.ancestors().find(|p| p.exists())?;
    statfs_info(existing)
}

/// `statfs` of `path` as an [`FsInfo`]; `None` when the call fails.
fn statfs_info(path: &Path) -> Option<FsInfo> {
    let st = rustix::fs::statfs(path).ok()?;
    let text = |s: &[libc::c_char]| {
        let bytes: Vec<u8> = s
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    let fstype = text(&st.f_fstypename);
    Some(FsInfo {
        class: macos_fs_class(&fstype, st.f_flags),
        mount_point: text(&st.f_mntonname),
        fstype,
    })
}

// The flags agree with libc's (MNT_REMOVABLE is not in libc).
const _: () = assert!(super::MNT_LOCAL == libc::MNT_LOCAL as u32);
