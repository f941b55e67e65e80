//! The one cross-crate integration-test binary.
//!
//! The modules marked `#[cfg(unix)]` use Unix-only means (modes, uids, inodes, symlinks,
//! non-UTF-8 names, process groups, flock(1), sleep(1), python3 holders, procfs, a Unix socket,
//! bash recorders, login shells) and are not built for Windows; `windows` holds the Windows
//! scenarios of what they cover, with the real go.exe as the oracle (issue #13). A test's name
//! is its module path (`cargo test -p gocache-tests --test integration verify::`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "all test code, but clippy's allow-*-in-tests sees only #[test] functions and \
              #[cfg(test)] modules, not this binary's helpers (fixtures, child processes), where a \
              panic is the test's failure"
)]

// Attacks through pasted `go` output (issue #12 item 6): shell code in a module path, version
// or file path; every bash fix runs in a sandbox of recording stand-ins, the PowerShell and
// cmd fixes are read back with reference splitters.
#[cfg(unix)]
mod attack_diagnose;
// Autopilot (issue #17) on genuine caches: only unused versions go, least recently used first
// until under the budget, or those unused for N days (atime, or mtime on a noatime-like file
// system); a dry run removes nothing; a holder in the cache makes the run skip it; the project
// still builds offline.
mod autopilot;
// Misdirected cache variables (issue #12 §15): the per-kind markers hold for caches the real
// Go made and refuse the directories around them (`$HOME/.cache`, `$GOPATH/pkg`, a project).
mod attack_env;
// End process (issue #12 item 5): only a process holding files in the discovered caches, and
// only the very process listed (pid and start time), checked again before the signal.
#[cfg(unix)]
mod attack_locks;
// The quarantine (issue #12 items 8 and 10): the leftover purge against live quarantines,
// forged markers and world-writable directories; undo after Go refilled the version.
#[cfg(unix)]
mod attack_quarantine;
// Verify, repair and the JSON/audit output (issue #12 items 9 and 11): flag-like directory
// names, a planted repair temp dir, FIFOs and sockets, non-UTF-8 file names.
#[cfg(unix)]
mod attack_verify;
// The clean engine (`gocache_core::clean`) on genuine caches: real `go build`, `go test` and
// `go mod verify` accept the cache after each clean.
#[cfg(unix)]
mod clean_core;
// Doctor (`gocache_core::diagnose`) against the real failures of tests/corpus/, some captured
// again live, and the environment checks against real environments, owners and modes.
#[cfg(unix)]
mod diagnose;
// Discovery agrees with the real `go env` under many environments.
mod discover;
// gopls' module index and Go's telemetry data with the real go: found where Go says, sized
// like du, the index cleaned by the engine, the telemetry data never (issue #18).
#[cfg(unix)]
mod discover_rest;
// The fixture builder makes caches Go itself accepts.
#[cfg(unix)]
mod fixture;
// The lock probe (`gocache_core::locks`) against real children holding files in a genuine
// module cache (open file, cwd, mapping, flock, deleted file), checked against lsof and fuser;
// End process on real children.
#[cfg(unix)]
mod locks;
// `gocache_core::projects` on real projects: the used set is `go list -m all`, "unused" is
// exactly what no project needs, and every project builds with `GOPROXY=off` after (issue #3).
mod projects;
// The build cache's test-result part against real `go build` / `go test` runs, with Go's own
// `GODEBUG=gocachetest=1` keys as the expected numbers.
mod scan_build;
// The scan index (issue #16): incremental rescans equal du after Go, our clean and a replaced
// version change the caches; a corrupt, foreign or other-version index is rebuilt; a cancelled
// scan leaves a usable one.
mod scan_index;
// The login shell's environment from real `bash -l -i` and `zsh -l -i`: values, sources,
// what discovery makes of them, and start-up files that hang, fail or print noise.
#[cfg(unix)]
mod shellenv;
// Verify (`gocache_core::verify`, `dirhash`) on genuine caches: hashes equal Go's, every kind
// of breakage named, verdicts agree with `go mod verify`, repair leaves a cache Go accepts.
#[cfg(unix)]
mod verify;
// The Windows scenarios (issue #13) with the real go.exe as the oracle: discovery, sizes, the
// lock probe and End process, cleaning read-only and held versions, verify; Windows paths.
#[cfg(windows)]
mod windows;
// The cache watch sees what the go command changes outside the app (issue #15 point 7).
#[cfg(unix)]
mod watch;

use std::process::Command;

use gocache_tests::fixture::Fixture;

/// Runs the fixture's `go` with `args`; returns its stdout and stderr, asserting it succeeded.
fn go_ok(fx: &Fixture, args: &[&str]) -> String {
    run_ok(fx.go_command(args))
}

/// [`go_ok`] with the variables `extra` set on top of the fixture's environment.
#[cfg(unix)]
fn go_ok_env(fx: &Fixture, args: &[&str], extra: &[(&str, &str)]) -> String {
    let mut cmd = fx.go_command(args);
    cmd.envs(extra.iter().copied());
    run_ok(cmd)
}

/// Runs `cmd`, asserts it succeeded, and returns its stdout and stderr together.
fn run_ok(mut cmd: Command) -> String {
    // Through the helper that retries a start Wine fails with ERROR_INTERNAL_ERROR.
    let out = gocache_tests::output(&mut cmd).unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
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

/// Executes `plan` (made over `report`) with `opts` as the app and the CLI do: the items are
/// moved aside, the quarantine is purged, and the results are final. Returns them with the
/// bytes freed. Panics when the clean cannot start.
fn execute_to_end(
    report: &gocache_core::discover::Report,
    plan: &gocache_core::clean::Plan,
    opts: &gocache_core::clean::ExecOptions,
) -> (Vec<gocache_core::clean::ItemResult>, u64) {
    use gocache_core::CancelToken;
    use gocache_core::clean::{self, NoCleanProgress};
    let cancel = CancelToken::new();
    let exec = clean::execute(report, plan, opts, &NoCleanProgress, &cancel)
        .unwrap_or_else(|e| panic!("execute: {e}"));
    let purge = exec.quarantine.purge(&NoCleanProgress, &cancel);
    clean::finish(exec.results, &purge)
}
