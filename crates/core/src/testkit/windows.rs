//! Windows side of the test kit.

use std::fs;
use std::os::windows::fs::OpenOptionsExt as _;
use std::path::Path;

/// A handle that can set a file's or directory's times: Windows needs FILE_WRITE_ATTRIBUTES
/// (a read-only handle gets "Access denied") and, for a directory,
/// FILE_FLAG_BACKUP_SEMANTICS.
pub(super) fn times_handle(p: &Path) -> std::io::Result<fs::File> {
    const FILE_WRITE_ATTRIBUTES: u32 = 0x0100;
    const FILE_FLAG_BACKUP_SEMANTICS: u32 = 0x0200_0000;
    fs::OpenOptions::new()
        .access_mode(FILE_WRITE_ATTRIBUTES)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
        .open(p)
}

/// FILE_ATTRIBUTE_READONLY on a file, as Go leaves module files; a directory is left as it is.
pub(super) fn make_readonly(p: &Path) {
    let md = fs::metadata(p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
    if md.is_dir() {
        return;
    }
    let mut perms = md.permissions();
    perms.set_readonly(true);
    fs::set_permissions(p, perms).unwrap_or_else(|e| panic!("{p:?}: {e}"));
}
