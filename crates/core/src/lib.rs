//! # gocache-core
//!
//! Everything Go Cache Doctor knows about Go's caches, with no user interface and no printing.
//! The CLI (`crates/cli`) and the desktop app (`src-tauri`) are thin shells over this crate.
//!
//! * [`env`]: resolves Go's environment variables exactly as `go env` does (OS environment,
//!   the GOENV file, `$GOROOT/go.env`, per-OS defaults) and records where each value came from.
//! * [`discover`]: turns the resolved environment into the list of caches on this machine
//!   (module cache, toolchains, build cache, gopls and its module index, golangci-lint,
//!   staticcheck, Go's telemetry data, GOBIN) and the
//!   problems found on the way.
//! * [`scan`]: sizes caches with a parallel walk that never follows symlinks and counts hard
//!   links once; breaks the module cache down per module version and the build cache by age.
//! * [`history`]: size history per scan (compacted), growth and charts, the last scan for an
//!   instant dashboard and the module versions new since it.
//! * [`markers`]: what a root of each cache kind must show before anything in it is removed.
//! * [`roots`]: whether a path a front end names is a discovered cache root or inside one
//!   (no `..`, no symlink followed below the root).
//! * [`redact`]: hides credentials (URL user info, GOAUTH commands, netrc tokens) in output.
//! * [`export`]: the module table as CSV (formula-safe) or JSON.
//! * [`escape`]: Go's `!` case-encoding of module paths and versions.
//! * [`modpath`]: Go's validity rules for module paths, import paths and versions.
//! * [`quote`]: quoting values for bash, PowerShell and cmd in the fix commands.
//! * [`eperm`]: why macOS refused with "Operation not permitted" when ownership is not the
//!   reason (file flags, System Integrity Protection, privacy protection).
//! * [`shellenv`]: the login shell's environment (`$SHELL -l -i`), imported into the app when it
//!   was not started from a terminal, with the source of each value and the disagreements.
//! * [`settings`]: what the app remembers (project roots, selection defaults, language,
//!   theme), tolerant of unknown fields and corrupt files.
//! * [`os`]: the per-OS rules (default directories, list separators), one file per OS behind
//!   one trait; inside the crate also what the running OS is asked directly (user ids and names,
//!   allocated sizes, file modes), one file per OS in `os/host/`.
//! * [`progress`] and [`cancel`]: the progress sink and cancellation token every long
//!   operation takes from its caller.
//!
//! ## House rules
//! * Never print; report through return values and [`progress::Progress`].
//! * Typed errors ([`Error`]) carrying the path they are about.
//! * Never follow a symlink out of a cache root.
//! * OS `cfg`s only in per-OS files (`unix.rs`, `linux.rs`, `macos.rs`, `windows.rs`,
//!   `other.rs`), on the `mod`/`use` lines that pick them, and in tests
//!   (`scripts/check-os-cfg.sh`).
#![deny(missing_docs)]

pub mod autopilot;
pub mod cancel;
pub mod ci;
pub mod clean;
pub mod clipath;
pub mod diagnose;
pub mod dirhash;
pub mod discover;
pub mod env;
pub mod eperm;
pub mod error;
pub mod escape;
pub mod export;
pub mod gocmd;
pub mod history;
pub mod i18n;
pub mod locks;
pub mod markers;
pub mod modpath;
pub mod os;
pub mod pathser;
pub mod progress;
pub mod projects;
pub mod quote;
pub mod redact;
pub mod roots;
pub mod scan;
pub mod semver;
pub mod settings;
pub mod shellenv;
#[cfg(any(test, feature = "testkit"))]
pub mod testkit;
pub mod verify;
pub mod watch;
pub mod wine;

mod atomic;
#[cfg(test)]
mod fuzz;

pub use cancel::{CancelSlot, CancelToken};
pub use error::{Error, ErrorCode, Result};
pub use progress::{NoProgress, Progress};
