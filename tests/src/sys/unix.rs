//! Unix: the execute bits, and `u+rwx` on every directory.

use std::io;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A regular file with any execute bit.
pub(crate) fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// Adds `u+rwx` to `dir` and every directory below it (never following symlinks): Go's module
/// cache directories are `dr-xr-xr-x`, and removing an entry needs write access to its parent.
pub(crate) fn make_tree_writable(dir: &Path) -> io::Result<()> {
    make_dir_writable(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        if entry.file_type()?.is_dir() {
            make_tree_writable(&entry.path())?;
        }
    }
    Ok(())
}

/// Adds `u+rwx` to the directory `dir` itself (so files can be added to it).
pub(crate) fn make_dir_writable(dir: &Path) -> io::Result<()> {
    let mode = std::fs::symlink_metadata(dir)?.permissions().mode();
    if mode & 0o700 != 0o700 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(mode | 0o700))?;
    }
    Ok(())
}

/// The system directories a fixture's `go` finds its helpers in (git is not needed: the proxy
/// is a `file://` URL).
pub(crate) const SYSTEM_PATH: &str = "/usr/local/bin:/usr/bin:/bin";

/// Whether this process runs as root (`id -u` prints 0).
pub(crate) fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// Variables kept from the test's environment when a fixture's `go` runs: none on Unix.
pub(crate) fn kept_env() -> Vec<(String, String)> {
    Vec::new()
}

/// `du -sb PATH`, the number it prints.
pub(crate) fn du_bytes(path: &Path) -> u64 {
    du("-sb", path)
}

/// `du -sB1 PATH` (bytes on disk), the number it prints.
pub(crate) fn du_disk_bytes(path: &Path) -> u64 {
    du("-sB1", path)
}

/// `du FLAG PATH`, the number it prints.
fn du(flag: &str, path: &Path) -> u64 {
    let out = std::process::Command::new("du")
        .arg(flag)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("du {flag} {}: {e}", path.display()));
    assert!(out.status.success(), "du {flag} {} failed", path.display());
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("du {flag} {}: unexpected output", path.display()))
}

/// A child and the processes it starts, to be ended together. Unix: not needed (the harness
/// uses it on Windows only, where killing `go` leaves its tools running); never adopts.
pub(crate) struct ProcessTree;

impl ProcessTree {
    /// `None`: Unix needs no job.
    pub(crate) fn adopt(_child: &std::process::Child) -> Option<Self> {
        None
    }

    /// Nothing to end.
    pub(crate) fn kill(&self) {}
}
