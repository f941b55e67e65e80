//! The one integration-test binary of the `gocache-doctor` CLI: the real binary, run as a user
//! would, against real Go caches, real processes and real shells. Each module below was a test
//! binary of its own; a test's name is its module path (`cargo test -p gocache-doctor --test
//! integration locks::`). Modules marked `#[cfg(unix)]` need Unix-only means and are not built
//! for Windows, where the Windows scenarios of the `gocache-tests` crate cover what they do.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "all test code, but clippy's allow-*-in-tests sees only #[test] functions and \
              #[cfg(test)] modules, not this binary's helpers (fixtures, child processes), where a \
              panic is the test's failure"
)]

// Helpers that several modules share word for word (parsing the CLI's JSON output).
mod util;

// `auto run` (issue #17) on a genuine cache: the settings' policy without flags, flags that
// override it, dry runs, the audit log, bad policies and flags, no project found.
mod auto;
// `auto install | uninstall | status` (issue #17) on Linux with HOME in a temporary
// directory: systemd units verified by systemd-analyze, the crontab fallback through a
// stand-in `crontab`, quoting of a path with a space and `%`, uninstall leaves nothing.
#[cfg(target_os = "linux")]
mod auto_schedule;
// The same on Windows with the real schtasks.exe (under Wine: what Wine's Task Scheduler
// keeps, and that `status` says it cannot tell).
#[cfg(windows)]
mod auto_schedule_windows;
// `clean` against genuine caches built by the real Go toolchain: Go still accepts the cache
// after every clean and after `kill -9` at random points, nothing outside it is touched,
// symlinks are not followed, another user's subtree, concurrent `go mod download`, dry runs,
// the build-cache budget (issue #3 §9). Unix: `cp -a` copies, process-group signals, uids.
#[cfg(unix)]
mod clean;
// `ci prepare | trim | stray` (issue #18): docs/ci.md's example jobs in their order against
// caches of the real go, the real tar for the cache restore and save, as nobody when root.
// Unix: modes, setpriv.
#[cfg(unix)]
mod ci;
// The CLI's commands on a genuine fixture: `env` (JSON, table, a malformed GOENV file),
// `scan` sizes against `du`, `clean` previews, refusals, results and audit log, exit codes
// and another user's subtree; Windows paths written with backslashes.
mod cli;
// `diagnose` and `doctor` in English and Simplified Chinese: LC_ALL > LC_MESSAGES > LANG,
// `--lang`, the Windows display language, JSON that differs only in explanations, and a
// malicious paste that gives only safe fixes.
mod diagnose;
// Secrets in Go's settings and pasted text never reach the output without `--show-secrets`;
// a non-UTF-8 variable does not crash the CLI; `GOPLSCACHE=$HOME/.cache` never plans the
// whole directory (issue #12 §12, §15, §16).
mod env_hardening;
// `completions` and `man` (issue #18): the bash script completes real subcommands in a real
// bash, zsh and fish parse theirs, every man page renders with the real `man -l`. Unix: the
// shells and man.
#[cfg(unix)]
mod gendoc;
// `locks` and `locks --end` against real child processes (this binary started again as the
// ignored `locks::holder` test) holding files or working directories in a module cache:
// listing, ending, start-time checks, refusals for other users' and unrelated processes.
mod locks;
// Odd files in a genuine cache: non-UTF-8 names in `verify`, `scan` and `clean` JSON, and a
// FIFO that neither hangs `verify` nor goes uncounted (issue #12 item 11). Unix: byte names
// and FIFOs.
#[cfg(unix)]
mod odd_files;
// `--login-shell-env` and `GOCACHE_DOCTOR_SHELL_ENV`: Go's variables from a real `bash -l -i`
// only when asked, with their source, and a refusal when the shell cannot be read; on
// Windows the flag keeps the process environment.
mod shell_env;
// `verify` end to end on a genuine cache: JSON shape, exit codes, repair.
mod verify;
