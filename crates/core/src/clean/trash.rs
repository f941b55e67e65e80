//! Quarantine directories ("trash"): where targets are moved with one rename, so they are
//! gone for Go at once, before the slow purge.
//!
//! * Items inside a cache root go to `<root>/.gocache-doctor-trash/<id>/<n>`. Go never reads
//!   it: module paths cannot start with a dot, and the build cache only reads its `00`..`ff`
//!   directories. Entries are numbered, so no `@` appears in the quarantine's top names.
//! * A whole cache root is renamed to the sibling `<parent>/.gocache-doctor-trash-<id>`, after
//!   writing the marker `<parent>/.gocache-doctor-trash-<id>.json` naming the original path;
//!   only trash dirs with a marker are ever purged as leftovers.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

use super::sys::{Platform, Sys};

/// The name of the quarantine directory inside a cache root.
pub const INNER_TRASH: &str = ".gocache-doctor-trash";
/// The prefix of a renamed whole cache root (and of its marker file).
pub const ROOT_TRASH_PREFIX: &str = ".gocache-doctor-trash-";

/// A numbered quarantine directory inside one cache root, created on first use.
#[derive(Debug)]
pub(crate) struct Trash {
    pub dir: PathBuf,
    next: AtomicU64,
}

impl Trash {
    pub fn new(root: &Path, id: &str) -> Self {
        Self {
            dir: root.join(INNER_TRASH).join(id),
            next: AtomicU64::new(0),
        }
    }

    /// A fresh, not yet existing path in the quarantine.
    pub fn slot(&self) -> io::Result<PathBuf> {
        std::fs::create_dir_all(&self.dir)?;
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok(self.dir.join(n.to_string()))
    }
}

/// One entry moved into quarantine, with what is needed to move it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Moved {
    /// Where it was.
    pub original: PathBuf,
    /// Where it is now.
    pub trashed: PathBuf,
    /// The directory's mode bits before they were made writable for the move (Unix).
    pub mode: Option<u32>,
}

/// Renames `path` to `dest` (never following a symlink). A directory changing parent needs
/// write permission on itself on Unix, so it gets `u+rwx` first; its old mode is returned so
/// an undo can restore it.
pub(crate) fn move_to(path: &Path, dest: &Path) -> io::Result<Moved> {
    let md = std::fs::symlink_metadata(path)?;
    let mut mode = None;
    if md.is_dir() && path.parent() != dest.parent() {
        let before = Sys::mode(&md);
        Sys::make_writable(path, &md)?;
        mode = before;
    }
    if let Err(e) = std::fs::rename(path, dest) {
        if let Some(m) = mode {
            let _ = Sys::set_mode(path, m);
        }
        return Err(e);
    }
    Ok(Moved {
        original: path.to_path_buf(),
        trashed: dest.to_path_buf(),
        mode,
    })
}

/// Moves a quarantined entry back, unless something new already took its place (then the
/// quarantined copy stays for the purge). Returns whether it was restored.
pub(crate) fn move_back(m: &Moved) -> io::Result<bool> {
    match std::fs::symlink_metadata(&m.original) {
        Ok(_) => return Ok(false),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(e),
    }
    if let Some(parent) = m.original.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::rename(&m.trashed, &m.original)?;
    if let Some(mode) = m.mode {
        Sys::set_mode(&m.original, mode)?;
    }
    Ok(true)
}

/// The marker written next to a renamed cache root.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Marker {
    pub original: PathBuf,
    pub trashed: PathBuf,
    pub pid: u32,
    pub time: i64,
}

/// The marker path of a sibling trash dir.
pub(crate) fn marker_path(trashed: &Path) -> PathBuf {
    let mut s = trashed.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}
