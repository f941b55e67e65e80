//! macOS: the facts [`super::classify_eperm`] decides on (`lstat`'s `st_flags` and owner,
//! `getxattr` of `com.apple.rootless`, never following a symlink), and clearing flags by
//! descriptor (`fchflags`) for the clean.
#![allow(unsafe_code, reason = "fchflags is a libc call (rustix has none)")]

use std::io;
use std::os::fd::{AsRawFd, BorrowedFd};
use std::os::macos::fs::MetadataExt as _;
use std::os::unix::fs::MetadataExt as _;
use std::path::Path;

use super::{PermFacts, privacy_protected};

/// The facts about a permission failure on `path` (`eperm`: the error was `EPERM`): the flags
/// of `path` and of its directory, whether the user owns `path` (its directory when `path` is
/// gone), SIP's attribute on either, and whether the place is privacy-protected (any home
/// under `/Users`, `$HOME`, `/Volumes`).
pub(crate) fn facts(path: &Path, eperm: bool) -> Option<PermFacts> {
    let md = std::fs::symlink_metadata(path).ok();
    let parent = path.parent().filter(|p| !p.as_os_str().is_empty());
    let pmd = parent.and_then(|p| std::fs::symlink_metadata(p).ok());
    let euid = crate::os::host::unix::effective_uid();
    let owner = md.as_ref().or(pmd.as_ref()).map(|m| m.uid());
    let home = std::env::var_os("HOME").map(std::path::PathBuf::from);
    Some(PermFacts {
        eperm,
        flags: md.as_ref().map_or(0, |m| m.st_flags()),
        parent_flags: pmd.as_ref().map_or(0, |m| m.st_flags()),
        owner_is_user: owner == Some(euid),
        is_root: euid == 0,
        rootless: rootless(path) || parent.is_some_and(rootless),
        privacy_protected: privacy_protected(path, home.as_deref()),
    })
}

/// Whether `path` (not following a symlink) has the `com.apple.rootless` extended attribute
/// that marks what System Integrity Protection guards.
fn rootless(path: &Path) -> bool {
    // rustix's lgetxattr is getxattr(XATTR_NOFOLLOW) on macOS; the query form asks only for
    // the attribute's size.
    rustix::fs::lgetxattr_query(path, c"com.apple.rootless").is_ok()
}

/// Sets the flags of the open entry `fd` to `flags` (`fchflags`): the clean clears the user
/// flags of an entry it opened without following a symlink.
pub(crate) fn set_flags(fd: BorrowedFd<'_>, flags: u32) -> io::Result<()> {
    // SAFETY: the descriptor is borrowed, so open for the call; fchflags touches no memory.
    if unsafe { libc::fchflags(fd.as_raw_fd(), flags) } == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

// The flags agree with libc's (SF_RESTRICTED and SF_NOUNLINK are not in libc).
const _: () = assert!(super::UF_IMMUTABLE == libc::UF_IMMUTABLE);
const _: () = assert!(super::UF_APPEND == libc::UF_APPEND);
const _: () = assert!(super::SF_IMMUTABLE == libc::SF_IMMUTABLE);
const _: () = assert!(super::SF_APPEND == libc::SF_APPEND);
