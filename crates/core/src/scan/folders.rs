//! The largest folders inside one extracted module version: the module view's treemap, one
//! level below a version (`<GOMODCACHE>/<escpath>@<escver>/<sub>`).

use std::path::{Component, Path, PathBuf};

use serde::Serialize;

use super::{Options, scan_dir};
use crate::{CancelToken, Error, Result, escape, modpath};

/// One entry directly inside the folder asked about: a folder with everything under it, or
/// the loose files of that folder counted together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct FolderSize {
    /// The folder's name (one path element); empty for the loose files.
    pub name: String,
    /// Whether it is a folder (false: the files directly inside the folder asked about).
    pub dir: bool,
    /// Apparent size of everything in it, as `du -sb` counts (directories included).
    pub bytes: u64,
    /// Regular files in it.
    pub files: u64,
}

/// What is inside one folder of a module version, largest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VersionFolders {
    /// Module path, unescaped.
    pub module: String,
    /// Version, unescaped.
    pub version: String,
    /// The folder inside the version, `/`-separated; empty for the version's own directory.
    pub sub: String,
    /// The folder on disk.
    pub dir: String,
    /// Its folders, then its loose files as one entry (when it has any), largest first.
    pub entries: Vec<FolderSize>,
    /// The sum of `entries`' sizes.
    pub bytes: u64,
    /// Entries that could not be read (skipped, counted).
    pub unreadable: u64,
}

/// `sub`'s elements, each one plain file name (no `..`, root, drive, or separator of its own);
/// `None` for an absolute `sub`.
fn sub_elements(sub: &str) -> Option<Vec<&str>> {
    if sub.starts_with(['/', '\\']) {
        return None;
    }
    let mut out = Vec::new();
    for e in sub.split('/').filter(|e| !e.is_empty()) {
        let mut c = Path::new(e).components();
        let plain = matches!((c.next(), c.next()), (Some(Component::Normal(n)), None) if n == e);
        if !plain || e.contains(['\\', ':']) {
            return None;
        }
        out.push(e);
    }
    Some(out)
}

/// `path` is a real directory: not a symlink (or junction), never followed.
fn real_dir(path: &Path) -> Result<()> {
    let md = std::fs::symlink_metadata(path).map_err(|e| Error::io(path, e))?;
    if md.file_type().is_dir() {
        Ok(())
    } else {
        Err(Error::BadRoot {
            path: path.to_path_buf(),
            reason: "not a folder (a symlink or a file)".to_owned(),
        })
    }
}

/// The folders (and loose files) directly inside `sub` of the extracted `module@version` in
/// the module cache `modcache`, each sized with everything under it, largest first.
///
/// `module` and `version` must be what Go accepts (`modpath::check_path`,
/// `modpath::check_version`); `sub` is `/`-separated plain names below the version's
/// directory. No symlink is followed on the way down or below.
///
/// # Errors
/// [`Error::BadEscape`] for a module path or version Go rejects, [`Error::BadRoot`] for a
/// `sub` that leaves the version's directory or a step that is not a real folder,
/// [`Error::Io`] when the folder cannot be read (`NotFound` when the version is not in the
/// cache), [`Error::Cancelled`].
pub fn version_folders(
    modcache: &Path,
    module: &str,
    version: &str,
    sub: &str,
    opts: &Options,
    cancel: &CancelToken,
) -> Result<VersionFolders> {
    if modpath::check_path(module).is_err() || modpath::check_version(version).is_err() {
        return Err(Error::BadEscape(format!("{module}@{version}")));
    }
    let escpath = escape::escape(module)?;
    let escver = escape::escape(version)?;
    let mut dir: PathBuf = modpath::join_slashed(modcache, &format!("{escpath}@{escver}"));
    let Some(elems) = sub_elements(sub) else {
        return Err(Error::BadRoot {
            path: dir.join(sub),
            reason: "not a folder inside the module version".to_owned(),
        });
    };
    real_dir(&dir)?;
    for e in &elems {
        dir.push(e);
        real_dir(&dir)?;
    }
    let mut entries = Vec::new();
    let mut loose = FolderSize {
        name: String::new(),
        dir: false,
        bytes: 0,
        files: 0,
    };
    let mut unreadable = 0;
    for entry in std::fs::read_dir(&dir).map_err(|e| Error::io(&dir, e))? {
        cancel.check()?;
        let Ok(entry) = entry else {
            unreadable += 1;
            continue;
        };
        // `DirEntry::metadata` does not follow a symlink.
        let Ok(md) = entry.metadata() else {
            unreadable += 1;
            continue;
        };
        if md.file_type().is_dir() {
            let t = scan_dir(&entry.path(), opts, cancel)?;
            if t.cancelled {
                return Err(Error::Cancelled);
            }
            unreadable += t.unreadable;
            entries.push(FolderSize {
                name: entry.file_name().to_string_lossy().into_owned(),
                dir: true,
                bytes: t.bytes,
                files: t.files,
            });
        } else {
            loose.bytes += md.len();
            if md.file_type().is_file() {
                loose.files += 1;
            }
        }
    }
    if loose.bytes > 0 || loose.files > 0 {
        entries.push(loose);
    }
    entries.sort_by(|a, b| b.bytes.cmp(&a.bytes).then_with(|| a.name.cmp(&b.name)));
    Ok(VersionFolders {
        module: module.to_owned(),
        version: version.to_owned(),
        sub: elems.join("/"),
        dir: dir.to_string_lossy().into_owned(),
        bytes: entries.iter().map(|e| e.bytes).sum(),
        entries,
        unreadable,
    })
}
