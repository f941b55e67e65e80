//! Linux: the filesystem of a path from `/proc/self/mountinfo` ([`super::mountinfo_lookup`],
//! unit-tested on every OS).

use std::path::Path;

use super::{FsInfo, mountinfo_lookup};

/// The mount holding `path` (its nearest existing ancestor, symlinks resolved).
pub(super) fn fs_of(path: &Path) -> Option<FsInfo> {
    let existing = path.ancestors().find(|p| p.exists())?;
    let real = std::fs::canonicalize(existing).ok()?;
    let info = std::fs::read_to_string("/proc/self/mountinfo").ok()?;
    mountinfo_lookup(&info, &real)
}
