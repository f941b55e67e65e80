//! Unix side of the test kit.

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A handle that can set a file's or directory's times: any handle (futimens).
pub(super) fn times_handle(p: &Path) -> std::io::Result<fs::File> {
    fs::File::open(p)
}

/// 0444 for a file, 0555 for a directory.
pub(super) fn make_readonly(p: &Path) {
    let dir = fs::symlink_metadata(p).map(|m| m.is_dir()).unwrap_or(false);
    let mode = if dir { 0o555 } else { 0o444 };
    fs::set_permissions(p, fs::Permissions::from_mode(mode))
        .unwrap_or_else(|e| panic!("{p:?}: {e}"));
}
