//! The login shell's environment, read the way editors read it (VS Code's `resolveShellEnv`).
//!
//! An app started from Finder, the Dock or a Linux desktop menu gets launchd's or the desktop
//! session's environment, not the one the user's terminal has: `GOMODCACHE`, `GOPATH`,
//! `GOFLAGS`, `PATH`, ... exported in `~/.zshrc`, `~/.bashrc` or `~/.profile` are missing, and
//! `go env` run with that environment cannot correct it. So the app could show and clean other
//! caches than the ones the terminal's `go` uses.
//!
//! [`resolve`] runs the login shell (`$SHELL`, else the user database's shell) as
//! `SHELL -l -i -c '<print the environment between two markers>'` (`-ic` for tcsh and csh), in a
//! new session without a terminal, with a time limit ([`DEFAULT_TIMEOUT`]; the whole process
//! group is killed when it runs out) and a [`CancelToken`]. Whatever the start-up files print
//! before and after the markers is ignored; the environment is printed by `env -0`, so values
//! with newlines survive (an old `env` without `-0` falls back to one variable per line).
//! Only the Go-relevant names of [`IMPORTED_VARS`] are kept: tokens such as `GITHUB_TOKEN` are
//! never imported, and values are redacted ([`crate::redact`]) wherever they are displayed.
//!
//! [`merge`] lays the shell's values over the process environment: every name of
//! [`IMPORTED_VARS`] takes the shell's value (or is removed when the shell unsets it), records
//! [`crate::env::Source::LoginShell`] as its source, and each difference from the process
//! environment is listed in the [`Report`] attached to the merged [`EnvMap`]; discovery turns
//! them into `shell-env-mismatch` warnings.
//!
//! # When the environment is imported ([`decide`])
//! 1. Never on Windows: GUI apps there get the user's environment from the registry.
//! 2. The CLI with `--login-shell-env` ([`Caller::Cli`] `requested`): always.
//! 3. [`MODE_VAR`] (`GOCACHE_DOCTOR_SHELL_ENV`) `on` or `off` forces it either way; `auto` (or
//!    unset) applies the rules below; any other value is reported and treated as `auto`.
//! 4. The CLI: never (it runs in the user's shell already).
//! 5. The app: unless it was started from a terminal. A terminal emulator always sets `TERM`
//!    and desktop launchers (launchd, GNOME, KDE) do not, so the app imports when `TERM` is
//!    unset, empty or `dumb`. (`SHLVL` is no sign: a Linux session started through a
//!    non-interactive login shell has it, yet never read `~/.bashrc`.) An app started by a
//!    shell that is itself resolving ([`RESOLVING_VAR`] set) never imports.

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;
// Formatted on every host (the sysinfo trick).
#[cfg(any())]
mod unix;
#[cfg(any())]
mod windows;

#[cfg(unix)]
use unix as platform;
#[cfg(windows)]
use windows as platform;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::CancelToken;
use crate::env::{EnvMap, GO_VARS, TOOL_VARS};
use crate::os::OsKind;

/// The variable that forces the import: `on`, `off` or `auto` (the default).
pub const MODE_VAR: &str = "GOCACHE_DOCTOR_SHELL_ENV";

/// Set to `1` in the environment of the shell being resolved, so start-up files can skip slow
/// or interactive parts (as `VSCODE_RESOLVING_ENVIRONMENT` does for VS Code), and so an app
/// started from them does not resolve again.
pub const RESOLVING_VAR: &str = "GOCACHE_DOCTOR_RESOLVING_ENVIRONMENT";

/// The variables taken from the login shell: Go's own, those that locate Go's and the tools'
/// caches, and `PATH` (to find `go`). Nothing else is read, so tokens the shell exports
/// (`GITHUB_TOKEN`, ...) never reach Go Cache Doctor.
pub const IMPORTED_VARS: &[&str] = &concat::<IMPORTED_LEN>(&[
    &["PATH"],
    GO_VARS,
    SHELL_ONLY_GO_VARS,
    TOOL_VARS,
    &["XDG_CACHE_HOME", "XDG_CONFIG_HOME"],
]);

/// Go's variables that are imported but not resolved by discovery ([`GO_VARS`] is the one list
/// of those): they matter to the `go` commands run with the merged environment.
const SHELL_ONLY_GO_VARS: &[&str] = &["GOTELEMETRY", "GOAUTH"];

const IMPORTED_LEN: usize = 1 + GO_VARS.len() + SHELL_ONLY_GO_VARS.len() + TOOL_VARS.len() + 2;

/// The lists `parts` one after the other, at compile time (a wrong `N` fails the build).
const fn concat<const N: usize>(parts: &[&[&'static str]]) -> [&'static str; N] {
    let mut out = [""; N];
    let (mut at, mut k) = (0, 0);
    while k < parts.len() {
        let mut j = 0;
        while j < parts[k].len() {
            out[at] = parts[k][j];
            at += 1;
            j += 1;
        }
        k += 1;
    }
    assert!(at == N, "IMPORTED_LEN is not the sum of the lists");
    out
}

/// Imported variables whose differences are not reported: a desktop session's `PATH` always
/// differs from a terminal's, and taking the shell's is the point.
pub const NOT_COMPARED: &[&str] = &["PATH"];

/// How long the login shell may take: start-up files that wait for input or hang are stopped.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// The value of [`MODE_VAR`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The rules of [`decide`].
    Auto,
    /// Always import.
    On,
    /// Never import.
    Off,
}

impl Mode {
    /// `on`, `off` or `auto` (any case, surrounding blanks ignored; empty is `auto`); `None`
    /// for anything else.
    pub fn parse(value: &str) -> Option<Mode> {
        match value.trim().to_ascii_lowercase().as_str() {
            "" | "auto" => Some(Mode::Auto),
            "on" => Some(Mode::On),
            "off" => Some(Mode::Off),
            _ => None,
        }
    }
}

/// Who asks for the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Caller {
    /// The desktop app.
    App,
    /// The command line; `requested` when `--login-shell-env` was given.
    Cli {
        /// Whether `--login-shell-env` was given.
        requested: bool,
    },
}

/// Whether to import the login shell's environment, and why (see the
/// [module documentation](self)).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    /// Whether to run the login shell.
    pub import: bool,
    /// Why, in a few words for people ("started outside a terminal (no TERM)").
    pub reason: String,
    /// A value of [`MODE_VAR`] that is not `on`, `off` or `auto` (treated as `auto`).
    pub bad_mode: Option<String>,
}

/// Decides whether `caller`, running with the environment `env` on `os`, imports the login
/// shell's environment. A pure function of its inputs.
pub fn decide(env: &EnvMap, caller: Caller, os: OsKind) -> Decision {
    let decision = |import: bool, reason: &str, bad_mode: Option<String>| Decision {
        import,
        reason: reason.to_owned(),
        bad_mode,
    };
    if os == OsKind::Windows {
        return decision(
            false,
            "Windows: apps get the user's environment from the registry",
            None,
        );
    }
    if caller == (Caller::Cli { requested: true }) {
        return decision(true, "--login-shell-env", None);
    }
    let raw = env.get(MODE_VAR).cloned().unwrap_or_default();
    let bad_mode = match Mode::parse(&raw) {
        Some(Mode::On) => return decision(true, &format!("{MODE_VAR}=on"), None),
        Some(Mode::Off) => return decision(false, &format!("{MODE_VAR}=off"), None),
        Some(Mode::Auto) => None,
        None => Some(raw),
    };
    match caller {
        Caller::Cli { .. } => decision(
            false,
            "the command line uses the environment of the shell it runs in",
            bad_mode,
        ),
        Caller::App if env.get(RESOLVING_VAR).is_some_and(|v| !v.is_empty()) => decision(
            false,
            "started by a login shell that is being resolved",
            bad_mode,
        ),
        Caller::App => match terminal(env) {
            Some(term) => decision(
                false,
                &format!("started from a terminal (TERM={term}): its environment is the shell's"),
                bad_mode,
            ),
            None => decision(true, "started outside a terminal (no TERM)", bad_mode),
        },
    }
}

/// The `TERM` a terminal emulator set, when the process was started from one.
fn terminal(env: &EnvMap) -> Option<&str> {
    env.get("TERM")
        .map(|t| t.trim())
        .filter(|t| !t.is_empty() && *t != "dumb")
}

/// How [`resolve`] runs the shell.
#[derive(Debug, Clone)]
pub struct Options {
    /// The time limit; the shell's whole process group is killed when it runs out.
    pub timeout: Duration,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            timeout: DEFAULT_TIMEOUT,
        }
    }
}

/// The login shell's environment: what [`resolve`] read.
#[derive(Clone, PartialEq, Eq)]
pub struct ShellEnv {
    /// The shell that was run.
    pub shell: PathBuf,
    /// Its arguments before the command (`-l`, `-i`).
    pub args: Vec<String>,
    /// The variables of [`IMPORTED_VARS`] the shell has, with their values (possibly empty).
    pub vars: BTreeMap<String, String>,
    /// Variables of [`IMPORTED_VARS`] the shell has with a value that is not valid UTF-8.
    pub not_utf8: Vec<String>,
    /// How long the shell took.
    pub elapsed: Duration,
}

impl std::fmt::Debug for ShellEnv {
    /// Names only: the values may hold credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShellEnv")
            .field("shell", &self.shell)
            .field("args", &self.args)
            .field("vars", &self.vars.keys().collect::<Vec<_>>())
            .field("not_utf8", &self.not_utf8)
            .field("elapsed", &self.elapsed)
            .finish()
    }
}

/// Why the login shell's environment could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// Windows: GUI apps get the user's environment from the registry.
    #[error("not applicable on Windows, where apps get the user's environment from the registry")]
    NotApplicable,
    /// `$SHELL` is unset or empty and the user database names no shell.
    #[error("no login shell: SHELL is not set and the user database names none")]
    NoShell,
    /// The shell is not an absolute path to an existing executable file.
    #[error("refused login shell {shell:?}: {reason}")]
    BadShell {
        /// The shell as given (lossily decoded).
        shell: String,
        /// Why it was refused.
        reason: &'static str,
    },
    /// A shell whose command language cannot print the markers (nu, PowerShell, xonsh).
    #[error(
        "{} is not supported: only POSIX-like shells (sh, bash, zsh, ksh, dash), fish, tcsh \
         and csh are",
        .shell.display()
    )]
    UnsupportedShell {
        /// The shell.
        shell: PathBuf,
    },
    /// The shell could not be started.
    #[error("cannot start {}: {source}", .shell.display())]
    Spawn {
        /// The shell.
        shell: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// The shell did not finish in time; its process group was killed.
    #[error(
        "{} did not finish within {:.1} s (a start-up file may wait for input or hang), so it \
         was stopped",
        .shell.display(),
        .timeout.as_secs_f64()
    )]
    Timeout {
        /// The shell.
        shell: PathBuf,
        /// The time limit.
        timeout: Duration,
    },
    /// The shell exited with a failure status (a start-up file ran `exit 1`, a syntax error
    /// ended it, ...).
    #[error("{} exited with {status}{}", .shell.display(), said(.stderr))]
    Exit {
        /// The shell.
        shell: PathBuf,
        /// Its exit status, e.g. `exit status: 1`.
        status: String,
        /// The end of what it printed on stderr (redacted, at most a few hundred characters).
        stderr: String,
    },
    /// The shell succeeded but its output holds no pair of markers (a start-up file replaced
    /// the shell with `exec`, or `-c` was ignored).
    #[error(
        "{} printed no environment between the markers (does a start-up file run `exec` or \
         `exit`?)",
        .shell.display()
    )]
    NoMarkers {
        /// The shell.
        shell: PathBuf,
    },
    /// The caller's [`CancelToken`] was cancelled; the shell's process group was killed.
    #[error("cancelled")]
    Cancelled,
    /// Reading the shell's output or waiting for it failed.
    #[error("reading from {}: {source}", .shell.display())]
    Io {
        /// The shell.
        shell: PathBuf,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
}

fn said(stderr: &str) -> String {
    if stderr.is_empty() {
        String::new()
    } else {
        format!("; it printed: {stderr}")
    }
}

impl ResolveError {
    /// A short machine-readable code (`timeout`, `exit`, `no-markers`, ...).
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotApplicable => "not-applicable",
            Self::NoShell => "no-shell",
            Self::BadShell { .. } => "bad-shell",
            Self::UnsupportedShell { .. } => "unsupported-shell",
            Self::Spawn { .. } => "spawn",
            Self::Timeout { .. } => "timeout",
            Self::Exit { .. } => "exit",
            Self::NoMarkers { .. } => "no-markers",
            Self::Cancelled => "cancelled",
            Self::Io { .. } => "io",
        }
    }

    /// The shell concerned, when one was chosen.
    pub fn shell(&self) -> Option<&Path> {
        match self {
            Self::UnsupportedShell { shell }
            | Self::Spawn { shell, .. }
            | Self::Timeout { shell, .. }
            | Self::Exit { shell, .. }
            | Self::NoMarkers { shell }
            | Self::Io { shell, .. } => Some(shell),
            Self::NotApplicable | Self::NoShell | Self::BadShell { .. } | Self::Cancelled => None,
        }
    }
}

/// The login shell for `env`: `$SHELL` when set and non-empty, else the shell the user
/// database (`getpwuid_r`) names for this user. It must be an absolute path to an existing
/// executable file; anything else is refused, never guessed around.
///
/// # Errors
/// [`ResolveError::NoShell`], [`ResolveError::BadShell`]; [`ResolveError::NotApplicable`]
/// on Windows.
pub fn login_shell(env: &EnvMap) -> Result<PathBuf, ResolveError> {
    if crate::os::HOST == OsKind::Windows {
        return Err(ResolveError::NotApplicable);
    }
    if let Some(shell) = env.get("SHELL").filter(|s| !s.is_empty()) {
        return platform::checked_shell(Path::new(shell));
    }
    let shell = platform::passwd_shell().ok_or(ResolveError::NoShell)?;
    platform::checked_shell(&shell)
}

/// The arguments before `-c`-style command for `shell`, as VS Code passes them: `-ic` for tcsh
/// and csh (tcsh takes `-l` only alone), `-l -i -c` for the others.
///
/// # Errors
/// [`ResolveError::UnsupportedShell`] for nu, PowerShell and xonsh, whose command languages
/// differ.
pub fn shell_args(shell: &Path) -> Result<&'static [&'static str], ResolveError> {
    let name = shell
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let name = name.trim_start_matches('-');
    match name {
        "tcsh" | "csh" => Ok(&["-ic"]),
        "nu" | "pwsh" | "pwsh-preview" | "powershell" | "xonsh" => {
            Err(ResolveError::UnsupportedShell {
                shell: shell.to_path_buf(),
            })
        }
        _ => Ok(&["-l", "-i", "-c"]),
    }
}

/// A marker that cannot occur by chance in what the start-up files print.
fn marker() -> String {
    use sha2::Digest as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    static COUNT: AtomicU64 = AtomicU64::new(0);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    let seed = format!(
        "{}:{now}:{}",
        std::process::id(),
        COUNT.fetch_add(1, Ordering::Relaxed)
    );
    let digest = sha2::Sha256::digest(seed.as_bytes());
    let hex: String = digest.iter().take(12).map(|b| format!("{b:02x}")).collect();
    format!("__GOCACHE_DOCTOR_ENV_{hex}__")
}

/// The command the shell runs: the marker, the environment, the marker. The marker is hex and
/// `env` an absolute path, so the text needs no quoting in any supported shell; `||` works in
/// sh, bash, zsh, fish (3.0+) and tcsh.
fn command(marker: &str, env_program: &str) -> String {
    format!("printf '%s' {marker}; {env_program} -0 || {env_program}; printf '%s' {marker}")
}

/// What the output between the markers holds.
struct Parsed {
    vars: BTreeMap<String, String>,
    not_utf8: Vec<String>,
}

/// Parses the shell's stdout: the part between the first two `marker`s, as `env -0` prints it
/// (`NAME=VALUE` records ended by NUL), or as `env` prints it when it has no `-0` (one record
/// per line; a line that does not start with `NAME=` continues the previous value). Only the
/// names of [`IMPORTED_VARS`] are kept. `None` when the markers are missing.
fn parse_output(stdout: &[u8], marker: &str) -> Option<Parsed> {
    let m = marker.as_bytes();
    let start = find(stdout, m, 0)? + m.len();
    let end = find(stdout, m, start)?;
    let payload = stdout.get(start..end)?;
    let records: Vec<Vec<u8>> = if payload.contains(&0) {
        payload
            .split(|&b| b == 0)
            .filter(|r| !r.is_empty())
            .map(<[u8]>::to_vec)
            .collect()
    } else {
        // Every record ends with a newline: the last one ends the output, not a value.
        let payload = payload.strip_suffix(b"\n").unwrap_or(payload);
        let mut records: Vec<Vec<u8>> = Vec::new();
        for line in payload.split(|&b| b == b'\n') {
            match records.last_mut() {
                Some(last) if !starts_record(line) => {
                    last.push(b'\n');
                    last.extend_from_slice(line);
                }
                _ if line.is_empty() => {}
                _ => records.push(line.to_vec()),
            }
        }
        records
    };
    let mut out = Parsed {
        vars: BTreeMap::new(),
        not_utf8: Vec::new(),
    };
    for rec in records {
        let Some(eq) = rec.iter().position(|&b| b == b'=') else {
            continue;
        };
        let (name, value) = (&rec[..eq], &rec[eq + 1..]);
        let Some(name) = IMPORTED_VARS
            .iter()
            .find(|n| n.as_bytes() == name)
            .map(|n| (*n).to_owned())
        else {
            continue;
        };
        match String::from_utf8(value.to_vec()) {
            Ok(v) => {
                out.not_utf8.retain(|n| *n != name);
                out.vars.insert(name, v);
            }
            Err(_) => {
                out.vars.remove(&name);
                if !out.not_utf8.contains(&name) {
                    out.not_utf8.push(name);
                }
            }
        }
    }
    out.not_utf8.sort();
    Some(out)
}

/// Whether `line` starts an environment record (`NAME=`, NAME a shell identifier).
fn starts_record(line: &[u8]) -> bool {
    let Some(eq) = line.iter().position(|&b| b == b'=') else {
        return false;
    };
    let name = &line[..eq];
    name.first()
        .is_some_and(|b| b.is_ascii_alphabetic() || *b == b'_')
        && name.iter().all(|b| b.is_ascii_alphanumeric() || *b == b'_')
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    hay.get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|i| i + from)
}

/// What interactive shells print on stderr when they run without a terminal, as they always
/// do here: not worth repeating in an error message.
const NO_TTY_NOISE: &[&str] = &[
    "cannot set terminal process group",
    "no job control in this shell",
    "can't set tty pgrp",
];

/// The end of what the shell printed on stderr, for an error message: the last few non-empty
/// lines (without [`NO_TTY_NOISE`]), redacted, at most 400 characters.
fn stderr_tail(stderr: &[u8]) -> String {
    let text = String::from_utf8_lossy(stderr);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !NO_TTY_NOISE.iter().any(|n| l.contains(n)))
        .collect();
    let tail = lines[lines.len().saturating_sub(3)..].join(" / ");
    let tail = crate::redact::text(&tail);
    let count = tail.chars().count();
    if count > 400 {
        let skip = count - 400;
        format!("…{}", tail.chars().skip(skip).collect::<String>())
    } else {
        tail
    }
}

/// Runs the login shell of `env` ([`login_shell`]) with `env` as its whole environment (plus
/// [`RESOLVING_VAR`]`=1`), and reads the variables of [`IMPORTED_VARS`] it ends up with.
///
/// The shell runs in a new session (no controlling terminal, so an interactive shell cannot
/// stop on terminal I/O), with stdin from `/dev/null`. When `opts.timeout` runs out or `cancel`
/// is cancelled, its whole process group is killed (and reaped) before this returns. Processes
/// its start-up files leave running in the background are not waited for.
///
/// # Errors
/// Every [`ResolveError`]; on Windows always [`ResolveError::NotApplicable`].
pub fn resolve(
    env: &EnvMap,
    opts: &Options,
    cancel: &CancelToken,
) -> Result<ShellEnv, ResolveError> {
    let shell = login_shell(env)?;
    let args = shell_args(&shell)?;
    let marker = marker();
    let env_program = if Path::new("/usr/bin/env").is_file() {
        "/usr/bin/env"
    } else {
        "env"
    };
    let cmd = command(&marker, env_program);
    let start = std::time::Instant::now();
    let out = platform::run(&shell, args, &cmd, env, opts.timeout, cancel)?;
    let elapsed = start.elapsed();
    if !out.success {
        return Err(ResolveError::Exit {
            shell,
            status: out.status,
            stderr: stderr_tail(&out.stderr),
        });
    }
    let parsed = parse_output(&out.stdout, &marker).ok_or(ResolveError::NoMarkers {
        shell: shell.clone(),
    })?;
    Ok(ShellEnv {
        shell,
        args: args
            .iter()
            .filter(|a| **a != "-c")
            .map(|a| (*a).to_owned())
            .collect(),
        vars: parsed.vars,
        not_utf8: parsed.not_utf8,
        elapsed,
    })
}

/// What the login-shell import did, attached to the merged [`EnvMap`] and reported by
/// discovery as `shell_env`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShellEnvReport"))]
pub struct Report {
    /// Whether the login shell was run.
    pub attempted: bool,
    /// Why it was (or was not) run ([`Decision::reason`]).
    pub reason: String,
    /// The shell, e.g. `/bin/zsh`, when one was chosen.
    pub shell: Option<String>,
    /// Its arguments (`-l`, `-i`).
    pub args: Vec<String>,
    /// How long it took, in milliseconds.
    pub elapsed_ms: u64,
    /// The variables whose (non-empty) values the environment took from the shell, sorted.
    pub imported: Vec<String>,
    /// The variables on which the process environment and the login shell disagree.
    pub disagreements: Vec<Disagreement>,
    /// Why the import failed, when it did (the process environment is then used unchanged).
    pub error: Option<Failure>,
    /// A value of [`MODE_VAR`] that is not `on`, `off` or `auto`.
    pub bad_mode: Option<String>,
}

impl Report {
    /// The shell with its arguments, e.g. `/bin/zsh -l -i`, for sentences.
    pub fn shell_command(&self) -> String {
        let mut s = self
            .shell
            .clone()
            .unwrap_or_else(|| "the login shell".into());
        for a in &self.args {
            s.push(' ');
            s.push_str(a);
        }
        s
    }
}

/// A variable the process environment and the login shell disagree on. Values are redacted
/// ([`crate::redact::var_value`]): they are for display only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShellEnvDisagreement"))]
pub struct Disagreement {
    /// The variable.
    pub name: String,
    /// Its value in the process environment (`None`: unset or empty).
    pub process_value: Option<String>,
    /// Its value in the login shell (`None`: unset or empty); the value now in use.
    pub shell_value: Option<String>,
}

/// A failed import, for display.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ShellEnvFailure"))]
pub struct Failure {
    /// [`ResolveError::code`].
    pub code: String,
    /// [`ResolveError`]'s message (redacted).
    pub message: String,
}

/// The process environment with the login shell's variables laid over it: each name of
/// [`IMPORTED_VARS`] takes the shell's value, or is removed when the shell does not have it
/// (its start-up files unset it, so the terminal does not have it either). A name the process
/// has with a non-UTF-8 value (never passed to the shell) keeps that state unless the shell
/// set it. The result records the source of each value and carries a [`Report`] listing the
/// differences (except [`NOT_COMPARED`]).
pub fn merge(process: &EnvMap, shell: &ShellEnv, reason: &str) -> EnvMap {
    let mut merged = process.clone();
    let mut disagreements = Vec::new();
    let norm = |v: Option<&String>| v.filter(|v| !v.is_empty()).cloned();
    for name in IMPORTED_VARS {
        let name = *name;
        let theirs = shell.vars.get(name);
        if shell.not_utf8.iter().any(|n| n == name) {
            merged.remove(name);
            merged.mark_not_utf8(name);
            continue;
        }
        let process_unknown = process.not_utf8().iter().any(|n| n == name);
        if process_unknown && theirs.is_none() {
            continue;
        }
        let ours = norm(process.get(name));
        let shells = norm(theirs);
        match theirs {
            Some(v) => {
                merged.set(name, v.clone());
                if !v.is_empty() {
                    merged.mark_login_shell(name);
                }
            }
            None => merged.remove(name),
        }
        if (ours != shells || process_unknown) && !NOT_COMPARED.contains(&name) {
            disagreements.push(Disagreement {
                name: name.to_owned(),
                process_value: ours.map(|v| crate::redact::var_value(name, &v)),
                shell_value: shells.map(|v| crate::redact::var_value(name, &v)),
            });
        }
    }
    let report = Report {
        attempted: true,
        reason: reason.to_owned(),
        shell: Some(shell.shell.display().to_string()),
        args: shell.args.clone(),
        elapsed_ms: u64::try_from(shell.elapsed.as_millis()).unwrap_or(u64::MAX),
        imported: merged.login_shell_names(),
        disagreements,
        error: None,
        bad_mode: None,
    };
    merged.set_login_shell_report(report);
    merged
}

/// Applies `decision` to the process environment `process`: when it says to import, runs the
/// login shell ([`resolve`]) and returns the [`merge`]d environment; when the shell fails, the
/// process environment unchanged with the failure in its [`Report`]. Either way the result
/// carries a [`Report`] ([`EnvMap::login_shell`]).
pub fn import(
    process: EnvMap,
    decision: &Decision,
    opts: &Options,
    cancel: &CancelToken,
) -> EnvMap {
    let mut env = if decision.import {
        match resolve(&process, opts, cancel) {
            Ok(shell) => merge(&process, &shell, &decision.reason),
            Err(e) => {
                let mut env = process;
                let shell = e
                    .shell()
                    .map(|s| s.display().to_string())
                    .or_else(|| env.get("SHELL").cloned().filter(|s| !s.is_empty()));
                let report = Report {
                    attempted: true,
                    reason: decision.reason.clone(),
                    shell,
                    args: Vec::new(),
                    elapsed_ms: 0,
                    imported: Vec::new(),
                    disagreements: Vec::new(),
                    error: Some(Failure {
                        code: e.code().to_owned(),
                        message: crate::redact::text(&e.to_string()),
                    }),
                    bad_mode: None,
                };
                env.set_login_shell_report(report);
                env
            }
        }
    } else {
        let mut env = process;
        env.set_login_shell_report(Report {
            attempted: false,
            reason: decision.reason.clone(),
            shell: None,
            args: Vec::new(),
            elapsed_ms: 0,
            imported: Vec::new(),
            disagreements: Vec::new(),
            error: None,
            bad_mode: None,
        });
        env
    };
    if let Some(bad) = &decision.bad_mode {
        env.set_bad_mode(bad.clone());
    }
    env
}

/// The environment `caller` works with: the process environment ([`EnvMap::from_process`]),
/// with the login shell's variables when [`decide`] says so (default [`Options`], never
/// cancelled). The app calls it once at start; the CLI once per run.
pub fn environment(caller: Caller) -> EnvMap {
    let process = EnvMap::from_process();
    let decision = decide(&process, caller, crate::os::current().kind());
    import(process, &decision, &Options::default(), &CancelToken::new())
}

#[cfg(test)]
mod tests;
