//! The one integration-test binary of the desktop app: its Tauri commands and its real binary,
//! driven from outside the library. The library's own unit tests stay beside the code in
//! `src/` (`#[cfg(test)]` modules). A test's name is its module path
//! (`cargo test -p gocache-doctor-app --test integration elevated::`).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "all test code, but clippy's allow-*-in-tests sees only #[test] functions and \
              #[cfg(test)] modules, not this binary's helpers (fixtures, child processes), where a \
              panic is the test's failure"
)]

// `clean_elevated` end to end with the real app binary (`--elevated-clean <request> --report
// <report>`), started directly and behind a prefix program as pkexec would be; the request
// file is private and carries no secrets; refusals are reported. Its `attacks` module (Unix,
// as root with a second real user) attacks the elevated half for real: forged requests,
// other users' caches, symlink swaps, planted lock files, root-owned versions (issue #12).
mod elevated;
// Property tests of the settings file: any bytes load without a panic, either as settings or
// as the defaults with the bad file kept aside, and what loads saves and loads back the same
// (issue #12 "Bad input never crashes").
mod settings_fuzz;
