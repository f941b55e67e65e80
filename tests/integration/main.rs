//! The one cross-crate integration-test binary.
//!
//! The modules marked `#[cfg(unix)]` use Unix-only means (modes, uids, inodes, symlinks,
//! non-UTF-8 names, process groups, flock(1), sleep(1), python3 holders, procfs, a Unix socket,
//! bash recorders, login shells) and are not built for Windows; `windows` holds the Windows
//! scenarios of what they cover, with the real go.exe as the oracle (issue #13).
#[cfg(unix)]
mod attack_diagnose;
mod attack_env;
#[cfg(unix)]
mod attack_locks;
#[cfg(unix)]
mod attack_quarantine;
#[cfg(unix)]
mod attack_verify;
#[cfg(unix)]
mod clean_core;
#[cfg(unix)]
mod diagnose;
mod discover;
#[cfg(unix)]
mod fixture;
#[cfg(unix)]
mod locks;
mod projects;
mod scan_build;
#[cfg(unix)]
mod shellenv;
#[cfg(unix)]
mod verify;
#[cfg(windows)]
mod windows;

use std::process::Command;

/// Runs `cmd`, asserts it succeeded, and returns its stdout and stderr together.
fn run_ok(mut cmd: Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}):\n{text}",
        out.status
    );
    text
}
