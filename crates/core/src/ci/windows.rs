//! Windows: a module cache's read-only attribute is on its files (directories' attribute does
//! not stop creating entries), so a restore over it needs the files' attribute cleared.

use std::io;
use std::path::Path;

use crate::CancelToken;

use super::Writable;

/// Clears the read-only attribute of every file in the tree at `root`. Symlinks and junctions
/// are not followed (walkdir's default) and their targets never changed.
pub(super) fn make_writable(root: &Path, cancel: &CancelToken) -> Writable {
    let mut w = Writable::default();
    for entry in walkdir::WalkDir::new(root).follow_links(false) {
        if cancel.is_cancelled() {
            break;
        }
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e
                    .path()
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|| root.to_path_buf());
                w.fail(&p, io::Error::other(e.to_string()));
                continue;
            }
        };
        let ft = entry.file_type();
        if ft.is_dir() {
            w.dirs += 1;
            continue;
        }
        if !ft.is_file() {
            continue;
        }
        let Ok(md) = entry.metadata() else { continue };
        let mut perm = md.permissions();
        if perm.readonly() {
            #[allow(
                clippy::permissions_set_readonly_false,
                reason = "clearing the attribute is the point"
            )]
            perm.set_readonly(false);
            match std::fs::set_permissions(entry.path(), perm) {
                Ok(()) => w.changed += 1,
                Err(e) => w.fail(entry.path(), e),
            }
        }
    }
    w
}

/// Windows: the data directory is the user's own profile; any regular file there is taken.
pub(super) fn owned_by_me(_md: &std::fs::Metadata) -> bool {
    true
}

/// Creates `path` for writing, failing if it exists.
pub(super) fn create_new_private(path: &Path) -> io::Result<std::fs::File> {
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
}
