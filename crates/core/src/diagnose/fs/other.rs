//! Windows and the OSes without a lookup of their own: only UNC paths (`\\server\share\...`)
//! are known, as network paths ([`super::windows_drive_class`], unit-tested on every OS).

use std::path::Path;

use super::{FsClass, FsInfo, windows_drive_class};

/// A network [`FsInfo`] for a UNC `path`; `None` for anything else.
pub(super) fn fs_of(path: &Path) -> Option<FsInfo> {
    let s = path.to_string_lossy();
    (windows_drive_class(&s, None) == FsClass::Network).then(|| FsInfo {
        fstype: "UNC".to_owned(),
        mount_point: s.into_owned(),
        class: FsClass::Network,
    })
}
