//! Helpers that several modules share word for word.

use std::process::Output;

use serde_json::Value;

/// Parses the CLI's JSON stdout, whatever its exit code; panics with stdout and stderr when
/// it is not JSON.
pub fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// Parses the JSON stdout of a CLI run that must have exited 0; panics with its stderr when it
/// did not, and with its stdout when that is not JSON.
pub fn ok_json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}
