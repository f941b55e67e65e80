//! Who owns a path, compared with the user running Go Cache Doctor.

use std::path::Path;

use crate::os::host::{Host, System as _};

/// The path itself or its nearest existing ancestor.
fn existing(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_ok())
}

/// `Some(true)` when `path` (or its nearest existing ancestor) belongs to another user than
/// the one running this process, `Some(false)` when it is ours, `None` when nothing of it
/// exists or the OS has no such notion here (Windows: ACLs, not owners, decide).
pub(crate) fn owned_by_other(path: &Path) -> Option<bool> {
    let p = existing(path)?;
    Some(Host::owner_uid(p)? != Host::effective_uid()?)
}
