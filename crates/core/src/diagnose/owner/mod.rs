//! Who owns a path, compared with the user running Go Cache Doctor (one file per OS).

use std::path::Path;

#[cfg(unix)]
mod unix;
#[cfg(unix)]
pub(crate) use unix::{current_uid, owner_uid, user_name};

// Make every OS file visible to rustfmt on any host.
#[cfg(any())]
mod unix;

/// The path itself or its nearest existing ancestor.
fn existing(path: &Path) -> Option<&Path> {
    path.ancestors()
        .find(|p| !p.as_os_str().is_empty() && std::fs::symlink_metadata(p).is_ok())
}

/// `Some(true)` when `path` (or its nearest existing ancestor) belongs to another user than
/// the one running this process, `Some(false)` when it is ours, `None` when nothing of it
/// exists or the OS has no such notion here (Windows: ACLs, not owners, decide).
pub(crate) fn owned_by_other(path: &Path) -> Option<bool> {
    #[cfg(unix)]
    {
        let p = existing(path)?;
        Some(owner_uid(p)? != current_uid())
    }
    #[cfg(not(unix))]
    {
        let _ = existing(path);
        None
    }
}
