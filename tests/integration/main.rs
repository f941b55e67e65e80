//! The one cross-crate integration-test binary.
// Runs the doctor's bash fixes in `shell::Sandbox` (bash recorders): Unix only.
#[cfg(unix)]
mod attack_diagnose;
mod attack_env;
mod attack_locks;
mod attack_quarantine;
mod attack_verify;
mod clean_core;
mod diagnose;
mod discover;
mod fixture;
mod locks;
mod projects;
mod scan_build;
mod verify;

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
