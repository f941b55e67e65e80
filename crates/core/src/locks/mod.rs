//! Which processes hold files in the Go caches (issue #5): open files, working directories,
//! mapped files, running executables, Go's `flock`s, and deleted files still open.
//!
//! One [`LockProbe`] per OS, each in its own file (`linux.rs`, `macos.rs`, `windows.rs`, and
//! `other.rs` for the rest), reports raw [`Hold`]s under the given roots; the OS-independent
//! code here groups them per process into [`Holder`]s, classifies the tool (go, gopls, an IDE,
//! antivirus) and attaches per-tool advice. `unsafe` lives only in the OS files.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::CancelToken;

/// How a process holds a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum HoldKind {
    /// An open file or directory handle.
    OpenFile,
    /// The process' current working directory.
    Cwd,
    /// The process' root directory (Linux `chroot`).
    Root,
    /// The process' executable image.
    Exe,
    /// A memory-mapped file (a shared library, a DLL, Go's mmapped cache files).
    Mmap,
    /// A file lock (`flock`/`fcntl`/`LockFileEx`), e.g. `go` holding a version's `.lock`.
    Flock,
    /// A file deleted from the cache but still open: its space is freed only when the
    /// process closes it or exits.
    DeletedOpen,
}

impl HoldKind {
    /// The stable name used in JSON (`open-file`, `cwd`, `deleted-open`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenFile => "open-file",
            Self::Cwd => "cwd",
            Self::Root => "root",
            Self::Exe => "exe",
            Self::Mmap => "mmap",
            Self::Flock => "flock",
            Self::DeletedOpen => "deleted-open",
        }
    }
}

/// One raw observation from a [`LockProbe`]: process `pid` holds `path` as `kind`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hold {
    /// Process id.
    pub pid: u32,
    /// The path held (for [`HoldKind::DeletedOpen`]: the path it had, without " (deleted)").
    pub path: PathBuf,
    /// How it is held.
    pub kind: HoldKind,
}

/// What a probe knows about a process.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProcessInfo {
    /// Short name (`comm` on Linux, the image name on Windows).
    pub name: String,
    /// Full path of the executable, when readable.
    pub exe: Option<PathBuf>,
    /// Numeric user id (Unix).
    pub uid: Option<u32>,
    /// User name (`DOMAIN\user` on Windows).
    pub user: Option<String>,
    /// The friendly application name (Windows Restart Manager's `strAppName`).
    pub app_name: Option<String>,
    /// Command line, when readable (for tool classification, e.g. `code --type=utility`).
    pub cmdline: Vec<String>,
    /// When the process started, in the OS' own unit (see [`Holder::start_time`]): with the
    /// pid it identifies the process, so End process never reaches a process that reused the
    /// pid.
    pub start_time: Option<u64>,
}

/// What a probe found under the roots.
#[derive(Debug, Clone, Default)]
pub struct ProbeResult {
    /// Every hold found.
    pub holds: Vec<Hold>,
    /// Information on every process that appears in `holds`.
    pub processes: Vec<(u32, ProcessInfo)>,
    /// Processes that could not be inspected (other users' without privileges), counted.
    pub inaccessible: usize,
    /// Non-fatal problems (a query that timed out, an API that failed), in plain words.
    pub warnings: Vec<String>,
}

/// The per-OS way of finding holders. Implementations never follow symlinks out of the roots
/// when matching paths, skip this process itself, and treat a process that exits during the
/// probe as absent.
pub trait LockProbe {
    /// A short name for diagnostics (`"procfs"`, `"libproc"`, `"restart-manager+nt-handles"`).
    fn name(&self) -> &'static str;

    /// Every hold on a path equal to or under one of `roots`.
    ///
    /// # Errors
    /// [`crate::Error::Cancelled`]; [`crate::Error::Io`] when the OS facility itself is
    /// unavailable (per-process failures are counted in [`ProbeResult::inaccessible`]).
    fn probe(&self, roots: &[PathBuf], cancel: &CancelToken) -> crate::Result<ProbeResult>;
}

/// Whether `path` is `root` or lies under it (component-wise, no symlink resolution).
pub fn is_under(path: &Path, root: &Path) -> bool {
    path.starts_with(root)
}

pub mod classify;
pub mod end;
pub mod holders;
pub mod listed;

pub use classify::{Category, Classification, advice, classify};
pub use end::{
    EndError, EndHow, EndOptions, EndOutcome, Os, ProcessIdentity, Protection, end_process,
    preflight, session_critical,
};
pub use holders::{
    CacheHolders, HeldPath, Holder, LocksReport, describe, find_holders, find_holders_in,
    find_holders_of, find_holders_of_plan, holder_lookup, holder_lookup_with, module_of,
};
pub use listed::end_listed;

#[cfg(unix)]
mod unix;

#[cfg(target_os = "linux")]
pub(crate) mod linux;
// macOS and Windows are also compiled for Linux test runs: their pure parsing and matching
// logic is unit-tested there (the FFI inside is gated on the real OS).
#[cfg(any(target_os = "macos", test))]
pub(crate) mod macos;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
mod other;
#[cfg(any(windows, test))]
mod windows;

// Make every OS file visible to rustfmt on any host.
#[cfg(any())]
mod linux;
#[cfg(any())]
mod other;
#[cfg(any())]
mod unix;

#[cfg(target_os = "linux")]
use linux::Probe as SystemProbe;
#[cfg(target_os = "macos")]
use macos::Probe as SystemProbe;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
use other::Probe as SystemProbe;
#[cfg(windows)]
use windows::Probe as SystemProbe;

/// The probe of the OS this was built for.
pub fn system_probe() -> Box<dyn LockProbe + Send + Sync> {
    Box::new(SystemProbe)
}
