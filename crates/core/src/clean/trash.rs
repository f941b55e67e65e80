//! Quarantine directories ("trash"): where targets are moved with one rename, so they are
//! gone for Go at once, before the slow purge.
//!
//! * Items inside a cache root go to `<root>/.gocache-doctor-trash/<id>/<n>`. Go never reads
//!   it: module paths cannot start with a dot, and the build cache only reads its `00`..`ff`
//!   directories. Entries are numbered, so no `@` appears in the quarantine's top names.
//! * A whole cache root is renamed to the sibling `<parent>/.gocache-doctor-trash-<id>`, after
//!   writing the marker `<parent>/.gocache-doctor-trash-<id>.json` naming the original path;
//!   only trash dirs with a marker are ever purged as leftovers.
//! * Each quarantine directory `D` (`<root>/.gocache-doctor-trash/<id>` and each sibling
//!   `<parent>/.gocache-doctor-trash-<id>-<n>`) has a lock file `D.lock` next to it, held
//!   (Go's lock primitive: `flock`, `LockFileEx`) by the process that owns the quarantine for
//!   as long as it exists, and holding that process' pid and start time. The purge of
//!   leftovers touches only quarantines whose lock it can take.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, PoisonError};

use serde::{Deserialize, Serialize};

use super::sys::{Platform, Sys};

/// The name of the quarantine directory inside a cache root.
pub const INNER_TRASH: &str = ".gocache-doctor-trash";
/// The prefix of a renamed whole cache root (and of its marker file).
pub const ROOT_TRASH_PREFIX: &str = ".gocache-doctor-trash-";

/// A numbered quarantine directory inside one cache root, created (with its lock taken) on
/// first use.
#[derive(Debug)]
pub(crate) struct Trash {
    pub dir: PathBuf,
    next: AtomicU64,
    lock: Mutex<Option<QuarantineLock>>,
}

impl Trash {
    pub fn new(root: &Path, id: &str) -> Self {
        Self {
            dir: root.join(INNER_TRASH).join(id),
            next: AtomicU64::new(0),
            lock: Mutex::new(None),
        }
    }

    /// A fresh, not yet existing path in the quarantine.
    pub fn slot(&self) -> io::Result<PathBuf> {
        {
            let mut lock = self.lock.lock().unwrap_or_else(PoisonError::into_inner);
            // A leftover purge of another process may remove the empty
            // `.gocache-doctor-trash` between our mkdir and our open: try again.
            let mut tries = 0;
            while lock.is_none() {
                if let Some(parent) = self.dir.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                match QuarantineLock::acquire(&self.dir) {
                    Ok(l) => *lock = Some(l),
                    Err(e) if e.kind() == io::ErrorKind::NotFound && tries < 3 => tries += 1,
                    Err(e) => return Err(e),
                }
            }
        }
        std::fs::create_dir_all(&self.dir)?;
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        Ok(self.dir.join(n.to_string()))
    }

    /// The lock of this quarantine, when it was created.
    pub fn into_lock(self) -> Option<QuarantineLock> {
        self.lock
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// The process that owns a quarantine, as recorded in its lock file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct LockOwner {
    pub pid: u32,
    /// The process' start time ([`Platform::process_start`]), to tell a reused pid apart.
    #[serde(default)]
    pub start: Option<u64>,
}

impl LockOwner {
    /// This process.
    pub fn current() -> Self {
        let pid = std::process::id();
        Self {
            pid,
            start: Sys::process_start(pid),
        }
    }

    /// Whether the owner is gone: not running any more, or its pid now names another
    /// process. Called only once the quarantine's lock was taken, so a quarantine of this very
    /// process whose lock is free was dropped without purge or undo: gone too.
    pub fn is_gone(&self) -> bool {
        if self.pid == std::process::id() || !Sys::process_alive(self.pid) {
            return true;
        }
        match (self.start, Sys::process_start(self.pid)) {
            (Some(then), Some(now)) => then != now,
            _ => false,
        }
    }
}

/// The path of the lock file of quarantine directory `dir`: `<dir>.lock`.
pub(crate) fn lock_path(dir: &Path) -> PathBuf {
    let mut s = dir.as_os_str().to_owned();
    s.push(".lock");
    PathBuf::from(s)
}

/// The exclusive lock on a quarantine's lock file; released when dropped (or when the
/// process dies, however it dies).
#[derive(Debug)]
pub(crate) struct QuarantineLock {
    path: PathBuf,
    file: File,
}

/// Why [`QuarantineLock::try_take`] did not take a lock.
#[derive(Debug)]
pub(crate) enum TakeError {
    /// Another process (or another quarantine of this one) holds it.
    Held,
    /// The lock file was replaced or removed while it was being locked.
    Moved,
    Io(io::Error),
}

impl QuarantineLock {
    /// Takes the lock of the quarantine directory `dir` that this process is about to create
    /// and records this process as its owner. Fails if another process holds it.
    pub fn acquire(dir: &Path) -> io::Result<Self> {
        // A concurrent purge of leftovers may unlink the file between our open and our lock;
        // then the lock protects nothing and we start again.
        for _ in 0..8 {
            match Self::try_take(dir) {
                Ok(l) => {
                    l.write_owner(&LockOwner::current())?;
                    return Ok(l);
                }
                Err(TakeError::Moved) => {}
                Err(TakeError::Held) => {
                    return Err(io::Error::new(
                        io::ErrorKind::WouldBlock,
                        format!("{} is held by another process", lock_path(dir).display()),
                    ));
                }
                Err(TakeError::Io(e)) => return Err(e),
            }
        }
        Err(io::Error::other(format!(
            "{} keeps being replaced",
            lock_path(dir).display()
        )))
    }

    /// Takes the lock of quarantine directory `dir` without waiting, creating the lock file
    /// if needed; checks afterwards that the locked file is the one `<dir>.lock` names.
    pub fn try_take(dir: &Path) -> Result<Self, TakeError> {
        let path = lock_path(dir);
        let file = Sys::open_lock_file(&path).map_err(TakeError::Io)?;
        match super::sys::try_lock_exclusive(&file) {
            Ok(true) => {}
            Ok(false) => return Err(TakeError::Held),
            Err(e) => return Err(TakeError::Io(e)),
        }
        match Sys::same_file(&file, &path) {
            Ok(true) => Ok(Self { path, file }),
            Ok(false) => Err(TakeError::Moved),
            Err(e) => Err(TakeError::Io(e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The owner recorded in the lock file (`None` when empty or unreadable: a quarantine of
    /// a version without owner records, or one whose owner died before writing it).
    pub fn owner(&self) -> Option<LockOwner> {
        let mut f = &self.file;
        let mut buf = Vec::new();
        f.seek(SeekFrom::Start(0)).ok()?;
        f.take(4096).read_to_end(&mut buf).ok()?;
        serde_json::from_slice(&buf).ok()
    }

    fn write_owner(&self, owner: &LockOwner) -> io::Result<()> {
        let bytes = serde_json::to_vec(owner).map_err(io::Error::other)?;
        let mut f = &self.file;
        self.file.set_len(0)?;
        f.seek(SeekFrom::Start(0))?;
        f.write_all(&bytes)
    }

    /// Removes the lock file while still holding the lock (so no other process can take it
    /// in between and believe the quarantine still exists), then releases it.
    pub fn remove(self) {
        let _ = std::fs::remove_file(&self.path);
        drop(self);
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
    if let Err(e) = Sys::rename_noreplace(path, dest) {
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

/// Moves a quarantined entry back with a no-replace rename, unless something new already
/// took its place (then the quarantined copy stays for the purge; even an entry created at
/// the last moment is never replaced). Returns whether it was restored.
pub(crate) fn move_back(m: &Moved) -> io::Result<bool> {
    if std::fs::symlink_metadata(&m.original).is_ok() {
        return Ok(false);
    }
    if let Some(parent) = m.original.parent() {
        std::fs::create_dir_all(parent)?;
    }
    match Sys::rename_noreplace(&m.trashed, &m.original) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => return Ok(false),
        Err(e) => return Err(e),
    }
    if let Some(mode) = m.mode {
        Sys::set_mode(&m.original, mode)?;
    }
    Ok(true)
}

/// Prepares moving `from` (an entry of a quarantined tree) to `to` with [`move_back`]: a
/// directory gets `u+rwx` for the rename (its mode is restored once moved).
pub(crate) fn prepare_back(from: &Path, to: &Path) -> io::Result<Moved> {
    let md = std::fs::symlink_metadata(from)?;
    let mut mode = None;
    if md.is_dir() {
        mode = Sys::mode(&md);
        Sys::make_writable(from, &md)?;
    }
    Ok(Moved {
        original: to.to_path_buf(),
        trashed: from.to_path_buf(),
        mode,
    })
}

/// The marker written next to a renamed cache root.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct Marker {
    pub original: PathBuf,
    pub trashed: PathBuf,
    pub pid: u32,
    pub time: i64,
    /// The start time of process `pid` ([`Platform::process_start`]).
    #[serde(default)]
    pub start: Option<u64>,
}

/// The marker path of a sibling trash dir.
pub(crate) fn marker_path(trashed: &Path) -> PathBuf {
    let mut s = trashed.as_os_str().to_owned();
    s.push(".json");
    PathBuf::from(s)
}
