//! Cleaning with administrator rights (issue #3 §5): when another user owns part of a cache,
//! the app starts its own binary elevated as
//! `<exe> --elevated-clean <request.json> --report <report.json>`.
//!
//! * [`invocation`] builds the elevated command per OS, as a program and an argument vector
//!   (no shell in between on our side): Linux `pkexec <exe> ...`; macOS `osascript -e 'do
//!   shell script "<cmd>" with prompt "<why>" with administrator privileges'` (the command is
//!   POSIX-shell quoted, then put in an AppleScript string literal; the prompt
//!   ([`MACOS_PROMPT`]) names the app, else macOS' password dialog says "osascript wants to
//!   make changes"); Windows PowerShell `Start-Process -Verb RunAs
//!   -Wait -FilePath ... -ArgumentList ...` passed with `-EncodedCommand` (UTF-16LE base64), so
//!   no quoting of ours meets Windows' command-line parser twice.
//! * [`run`] is what the elevated process does: read the [`Request`], discover the caches
//!   afresh with the requesting user's environment, [`super::execute`] the plan in place
//!   (`quarantine: false`; the same safety refusals apply, against that user's home), and
//!   write a [`Report`] (`{results, bytes_freed, error}`) to a file that must not exist yet.
//! * [`classify_failure`] tells "the user said no" from "elevation is not available" when the
//!   elevated process left no report.

use std::collections::BTreeMap;
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::sys::{Account, Platform, Sys, UserId};
use super::{ExecOptions, ItemResult, NoCleanProgress, Outcome, Plan, Who};
use crate::CancelToken;
use crate::env::EnvMap;
use crate::os::OsKind;

/// The variable that replaces the elevation program (tests); empty means "run directly".
pub const ELEVATOR_VAR: &str = "GOCACHE_DOCTOR_ELEVATOR";
/// The first argument of an elevated run.
pub const ELEVATED_FLAG: &str = "--elevated-clean";
/// The argument before the report path.
pub const REPORT_FLAG: &str = "--report";

/// What the elevated process is asked to do.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Request {
    /// The plan, exactly as previewed.
    pub plan: Plan,
    /// The requesting user's environment: the caches are discovered with it (an elevated
    /// process has root's or the administrator's own environment).
    pub env: BTreeMap<String, String>,
    /// Seconds to wait for Go's lock of a module version.
    pub lock_timeout_secs: u64,
}

/// The variables a request may carry: Go's cache variables and the per-user base
/// directories they default from. Everything else (HOME, the user's name) the elevated half
/// takes from the account database, and the rest of the environment never leaves the app.
pub const REQUEST_VARS: &[&str] = &[
    "GOMODCACHE",
    "GOCACHE",
    "GOPATH",
    "GOENV",
    "GOROOT",
    "GOPLSCACHE",
    "GOLANGCI_LINT_CACHE",
    "STATICCHECK_CACHE",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    // The home and profile folders: the elevated half replaces them with the requester's
    // own (the account database on Unix, the registry's ProfileList on Windows).
    "USERPROFILE",
    "LOCALAPPDATA",
    "APPDATA",
    "HOME",
];

impl Request {
    /// A request for `plan` with the cache-related part of `env` ([`REQUEST_VARS`]).
    pub fn new(plan: Plan, env: &EnvMap) -> Self {
        Self {
            plan,
            env: env
                .iter()
                .filter(|(k, _)| REQUEST_VARS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
            lock_timeout_secs: 10,
        }
    }
}

/// Makes the directory a request goes into private to its owner (Unix mode 0700), as the
/// elevated half requires.
///
/// # Errors
/// The I/O error.
pub fn make_private_dir(path: &Path) -> std::io::Result<()> {
    Sys::make_private_dir(path)
}

/// Creates the directory a request goes into (its parent must exist; an existing `path` is
/// an error), private to this process' user from its creation (Unix mode 0700; Windows a
/// protected DACL for the user, SYSTEM and Administrators given to `CreateDirectoryW`), as the
/// elevated half requires. Unlike making an existing directory private afterwards
/// ([`make_private_dir`]), there is no moment in which it is open to others.
///
/// # Errors
/// The I/O error.
pub fn create_private_dir(path: &Path) -> std::io::Result<()> {
    super::sys::create_private_dir(path)
}

/// Writes `req` as a file only its owner can read or write (mode 0600, created new, in a
/// directory that must already be private to the user), as the elevated half requires.
///
/// # Errors
/// The I/O error.
pub fn write_request(path: &Path, req: &Request) -> std::io::Result<()> {
    let json = serde_json::to_vec(req).map_err(std::io::Error::other)?;
    let mut f = super::sys::create_private(path)?;
    f.write_all(&json)?;
    f.sync_all()
}

/// What the elevated process writes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Report {
    /// One result per plan item.
    pub results: Vec<ItemResult>,
    /// Bytes freed.
    pub bytes_freed: u64,
    /// Why nothing was done (unreadable request, refused plan); `None` when it ran.
    #[serde(default)]
    pub error: Option<String>,
}

/// Which program elevates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Elevator {
    /// The OS's own way (pkexec, osascript, UAC).
    Os(OsKind),
    /// A program put in front of the command (`<program> <exe> --elevated-clean ...`).
    Program(OsString),
    /// No elevation: the command runs as is (tests).
    Direct,
}

impl Elevator {
    /// From the value of [`ELEVATOR_VAR`]: unset means the OS's way, empty means direct.
    pub fn from_var(value: Option<OsString>, os: OsKind) -> Self {
        match value {
            None => Self::Os(os),
            Some(v) if v.is_empty() => Self::Direct,
            Some(v) => Self::Program(v),
        }
    }

    /// From the process environment, for the running OS. [`ELEVATOR_VAR`] is read only in
    /// builds with the `test-hooks` feature: a shipped build always uses the OS's way.
    pub fn from_process() -> Self {
        let var = if cfg!(feature = "test-hooks") {
            std::env::var_os(ELEVATOR_VAR)
        } else {
            None
        };
        Self::from_var(var, crate::os::current().kind())
    }
}

/// A program and its arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    /// The program to start.
    pub program: OsString,
    /// Its arguments.
    pub args: Vec<OsString>,
}

impl Invocation {
    /// A [`std::process::Command`] for it.
    pub fn command(&self) -> std::process::Command {
        let mut c = std::process::Command::new(&self.program);
        c.args(&self.args);
        c
    }
}

fn utf8<'a>(p: &'a Path, what: &str) -> Result<&'a str, String> {
    p.to_str()
        .ok_or_else(|| format!("the {what} path {} is not valid Unicode", p.display()))
}

/// The elevated command for `exe --elevated-clean <request> --report <report>`.
///
/// # Errors
/// A message when a path cannot be passed to the OS's elevation program (not Unicode, for
/// macOS and Windows).
pub fn invocation(
    elevator: &Elevator,
    exe: &Path,
    request: &Path,
    report: &Path,
) -> Result<Invocation, String> {
    let inner: Vec<OsString> = vec![
        exe.into(),
        ELEVATED_FLAG.into(),
        request.into(),
        REPORT_FLAG.into(),
        report.into(),
    ];
    match elevator {
        Elevator::Direct => Ok(Invocation {
            program: inner[0].clone(),
            args: inner[1..].to_vec(),
        }),
        Elevator::Program(p) => Ok(Invocation {
            program: p.clone(),
            args: inner,
        }),
        Elevator::Os(OsKind::Linux) => Ok(Invocation {
            program: PKEXEC.into(),
            args: inner,
        }),
        Elevator::Os(OsKind::Macos) => {
            let words = [
                utf8(exe, "program")?,
                ELEVATED_FLAG,
                utf8(request, "request")?,
                REPORT_FLAG,
                utf8(report, "report")?,
            ];
            let cmd = words.map(posix_quote).join(" ");
            let script = format!(
                "do shell script {} with prompt {} with administrator privileges",
                applescript_string(&cmd),
                applescript_string(MACOS_PROMPT)
            );
            Ok(Invocation {
                program: "/usr/bin/osascript".into(),
                args: vec!["-e".into(), script.into()],
            })
        }
        Elevator::Os(OsKind::Windows) => {
            let args = [
                ELEVATED_FLAG,
                utf8(request, "request")?,
                REPORT_FLAG,
                utf8(report, "report")?,
            ];
            let line = args.map(windows_arg).join(" ");
            let script = format!(
                "$ErrorActionPreference = 'Stop'; try {{ $p = Start-Process -Verb RunAs -Wait \
                 -PassThru -FilePath {} -ArgumentList {}; exit $p.ExitCode }} catch {{ exit {} }}",
                powershell_string(utf8(exe, "program")?),
                powershell_string(&line),
                WINDOWS_CANCELLED
            );
            Ok(Invocation {
                program: powershell_exe().into(),
                args: vec![
                    "-NoProfile".into(),
                    "-NonInteractive".into(),
                    "-ExecutionPolicy".into(),
                    "Bypass".into(),
                    "-EncodedCommand".into(),
                    encode_powershell(&script).into(),
                ],
            })
        }
    }
}

/// What macOS' administrator password dialog says (AppleScript `do shell script ... with
/// prompt`): without it the dialog names osascript, not this app.
pub const MACOS_PROMPT: &str =
    "Go Cache Doctor needs administrator rights to clean the Go cache files another user owns.";

/// pkexec by its absolute path (never looked up through `PATH`, which another program
/// could have changed).
pub const PKEXEC: &str = "/usr/bin/pkexec";

/// Windows PowerShell by its absolute path: `%SystemRoot%\System32\WindowsPowerShell\v1.0`
/// (`C:\Windows` when SystemRoot is unset or not an absolute drive path).
pub fn powershell_exe() -> String {
    let root = std::env::var("SystemRoot")
        .ok()
        .filter(|r| r.len() >= 3 && r.as_bytes()[1] == b':' && r.as_bytes()[2] == b'\\')
        .unwrap_or_else(|| r"C:\Windows".to_owned());
    format!(
        r"{}\System32\WindowsPowerShell\v1.0\powershell.exe",
        root.trim_end_matches('\\')
    )
}

/// The exit code of the PowerShell wrapper when UAC was refused (`ERROR_CANCELLED`).
pub const WINDOWS_CANCELLED: i32 = 1223;

/// One word for a POSIX shell: single-quoted, with `'` written as `'\''`.
pub fn posix_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// An AppleScript string literal: in double quotes, with `\` and `"` escaped.
pub fn applescript_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        if c == '\\' || c == '"' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// A PowerShell single-quoted string: every quote character PowerShell accepts (`'` and the
/// typographic U+2018..U+201B) is doubled.
pub fn powershell_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// One argument of a Windows command line, quoted for `CommandLineToArgvW` (and the MSVC C
/// runtime): backslashes are literal except before a `"`.
pub fn windows_arg(s: &str) -> String {
    if !s.is_empty() && !s.contains([' ', '\t', '\n', '\u{b}', '"']) {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    let mut backslashes = 0_usize;
    for c in s.chars() {
        match c {
            '\\' => backslashes += 1,
            '"' => {
                out.push_str(&"\\".repeat(2 * backslashes + 1));
                out.push('"');
                backslashes = 0;
            }
            _ => {
                out.push_str(&"\\".repeat(backslashes));
                out.push(c);
                backslashes = 0;
            }
        }
    }
    out.push_str(&"\\".repeat(2 * backslashes));
    out.push('"');
    out
}

/// `-EncodedCommand`'s form: UTF-16LE, then base64.
pub fn encode_powershell(script: &str) -> String {
    let bytes: Vec<u8> = script.encode_utf16().flat_map(u16::to_le_bytes).collect();
    base64(&bytes)
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(char::from(T[((n >> shift) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// Why an elevated run left no report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The user refused (dismissed the password prompt or UAC).
    Denied,
    /// Elevation cannot work here (no polkit agent, not authorized, program missing).
    Unavailable,
}

/// Classifies an elevated run that wrote no report, from its exit code and error output.
pub fn classify_failure(elevator: &Elevator, code: Option<i32>, stderr: &str) -> Failure {
    match elevator {
        // pkexec: 126 = the dialog was dismissed, 127 = not authorized or no agent.
        Elevator::Os(OsKind::Linux) if code == Some(126) => Failure::Denied,
        Elevator::Os(OsKind::Linux) => Failure::Unavailable,
        // osascript: "User canceled. (-128)".
        Elevator::Os(OsKind::Macos) if stderr.contains("-128") => Failure::Denied,
        Elevator::Os(OsKind::Macos) => Failure::Unavailable,
        Elevator::Os(OsKind::Windows) if code == Some(WINDOWS_CANCELLED) => Failure::Denied,
        Elevator::Os(OsKind::Windows) => Failure::Unavailable,
        Elevator::Program(_) | Elevator::Direct => Failure::Unavailable,
    }
}

/// Parses the elevated process's arguments (after the program name):
/// `--elevated-clean <request> --report <report>`, either of which may be `-` (standard input,
/// standard output). `None` when they are not that.
pub fn parse_args(args: &[OsString]) -> Option<(PathBuf, PathBuf)> {
    match args {
        [flag, request, report_flag, report]
            if flag == ELEVATED_FLAG && report_flag == REPORT_FLAG =>
        {
            Some((PathBuf::from(request), PathBuf::from(report)))
        }
        _ => None,
    }
}

/// The variable pkexec sets to the real user id of the process that ran it.
pub const PKEXEC_UID: &str = "PKEXEC_UID";

/// Runs an elevated clean: reads the request at `request` (`-`: standard input), works out
/// who asked from the OS (not from the request), executes the plan in place against a fresh
/// discovery with that user's account and the request's cache variables only, gives back to
/// that user what the clean left or created, and writes the [`Report`] to `report` (`-`:
/// standard output; a file must not exist yet: it is created with `O_EXCL`, so a planted
/// symlink is never followed). Returns the process exit code: 0 when nothing failed, 1 when
/// an item failed, 2 when the request could not be read or was refused (the report's
/// `error` says why), 3 when the report could not be written.
///
/// What is checked (SECURITY.md):
/// * the requester: when this process runs as root, `PKEXEC_UID` (set by pkexec itself) or,
///   without it, the owner of the request file; a request file must be a regular file, not a
///   link, mode 0600, in a directory of the same owner with mode 0700, checked on the opened
///   descriptor; a request written by another user than the requester is refused;
/// * the environment: HOME and the user name come from the account database; of the
///   request's variables only [`REQUEST_VARS`] are used;
/// * every root: a discovered cache of that user, showing its kind's markers, inside the
///   user's home or owned by the user, with no ancestor another user could write.
///
/// On Windows the requester is the request file's owner when the token is elevated, the
/// request file and its directory are checked by their DACLs, the profile folders come from
/// the registry, and the ancestors are checked by their owners and DACLs (SECURITY.md, "On
/// Windows").
pub fn run(request: &Path, report: &Path) -> i32 {
    let pkexec = std::env::var(PKEXEC_UID).ok();
    let out = match execute_request(request, pkexec.as_deref()) {
        Ok(r) => r,
        Err(e) => Report {
            error: Some(e),
            ..Report::default()
        },
    };
    let code = if out.error.is_some() {
        2
    } else if out.results.iter().any(|r| r.outcome == Outcome::Failed) {
        1
    } else {
        0
    };
    match write_report(report, &out) {
        Ok(()) => code,
        Err(_) => 3,
    }
}

fn read_request(path: &Path) -> Result<(Request, Option<UserId>), String> {
    use std::io::Read;
    let mut data = Vec::new();
    let owner = if path == Path::new("-") {
        std::io::stdin()
            .take(64 << 20)
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read the request from standard input: {e}"))?;
        None
    } else {
        let f = Sys::open_nofollow(path)
            .map_err(|e| format!("cannot open the request {}: {e}", path.display()))?;
        let owner = Sys::check_private_file(&f, path)?;
        f.take(64 << 20)
            .read_to_end(&mut data)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        owner
    };
    let req: Request = serde_json::from_slice(&data)
        .map_err(|e| format!("{} is not a clean request: {e}", path.display()))?;
    Ok((req, owner))
}

/// Who asked, from the OS ([`Platform::who_asked`]), and that user's account.
fn requester(
    file_owner: Option<UserId>,
    pkexec_uid: Option<&str>,
) -> Result<Option<Account>, String> {
    let uid = Sys::who_asked(file_owner, pkexec_uid)?;
    Sys::account(&uid)
        .map(Some)
        .ok_or_else(|| format!("user {uid} is not in the account database"))
}

/// The environment of the requester: the request's [`REQUEST_VARS`], with the account's own
/// variables (HOME, USER and LOGNAME from the account database; on Windows the profile
/// folders from the registry) instead of the request's ([`Platform::account_env`]).
fn requester_env(req: &Request, account: Option<&Account>) -> EnvMap {
    let mut env = EnvMap::from_pairs(
        req.env
            .iter()
            .filter(|(k, _)| REQUEST_VARS.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), v.clone())),
    );
    if let Some(a) = account {
        Sys::account_env(a, &mut env);
    }
    env
}

fn execute_request(path: &Path, pkexec_uid: Option<&str>) -> Result<Report, String> {
    let (req, owner) = read_request(path)?;
    let account = requester(owner, pkexec_uid)?;
    let who = Who {
        env: requester_env(&req, account.as_ref()),
        account,
    };
    let act_as = who.act_as();
    // Discovery reads the user's files (GOENV, go.env): as that user, so a link planted there
    // reads nothing the user could not.
    let report = Sys::as_user(act_as, || {
        crate::discover::discover(
            &who.env,
            &crate::discover::Options {
                // Never run the requester's `go` binary with administrator rights.
                run_go: false,
                ..crate::discover::Options::default()
            },
        )
    })
    .map_err(|e| format!("cannot act as user {:?}: {e}", act_as.map(|a| a.0)))?;
    let opts = ExecOptions {
        quarantine: false,
        lock_timeout: Duration::from_secs(req.lock_timeout_secs.min(600)),
        ..ExecOptions::default()
    };
    let exec = super::exec::execute_for(
        &report,
        &req.plan,
        &opts,
        Some(&who),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .map_err(|e| e.to_string())?;
    // In place: nothing is held, but a rename fallback never happens either.
    let purge = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    // What the clean leaves is the requester's already: the execution gave each item's chain
    // back before it ran and did everything but the deletions as the requester.
    let (results, bytes_freed) = super::finish(exec.results, &purge);
    Ok(Report {
        results,
        bytes_freed,
        error: None,
    })
}

fn write_report(path: &Path, report: &Report) -> std::io::Result<()> {
    let json = serde_json::to_vec(report).map_err(std::io::Error::other)?;
    if path == Path::new("-") {
        let mut out = std::io::stdout().lock();
        out.write_all(&json)?;
        return out.flush();
    }
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    f.write_all(&json)?;
    f.sync_all()
}

/// Reads the report an elevated run wrote.
///
/// # Errors
/// A message when it is missing or not a report.
pub fn read_report(path: &Path) -> Result<Report, String> {
    let data = std::fs::read(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_slice(&data).map_err(|e| format!("{} is not a report: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn as_strs(i: &Invocation) -> Vec<String> {
        i.args
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect()
    }

    /// Undoes [`posix_quote`]d words joined by spaces, as `sh` would (single quotes and
    /// unquoted `\'` only, which is all the quoting produces).
    fn sh_words(s: &str) -> Vec<String> {
        let mut words = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut chars = s.chars();
        while let Some(c) = chars.next() {
            match c {
                '\'' => {
                    in_word = true;
                    for q in chars.by_ref() {
                        if q == '\'' {
                            break;
                        }
                        cur.push(q);
                    }
                }
                '\\' => {
                    in_word = true;
                    cur.extend(chars.next());
                }
                ' ' => {
                    if in_word {
                        words.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                _ => {
                    in_word = true;
                    cur.push(c);
                }
            }
        }
        if in_word {
            words.push(cur);
        }
        words
    }

    /// Reads an AppleScript string literal back.
    fn applescript_unquote(s: &str) -> String {
        let inner = s
            .strip_prefix('"')
            .and_then(|s| s.strip_suffix('"'))
            .unwrap();
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            if c == '\\' {
                out.extend(chars.next());
            } else {
                assert_ne!(c, '"', "unescaped quote in {s}");
                out.push(c);
            }
        }
        out
    }

    /// `CommandLineToArgvW`'s rules (argument part, not the program name).
    fn windows_split(line: &str) -> Vec<String> {
        let mut args = Vec::new();
        let mut cur = String::new();
        let mut in_arg = false;
        let mut quoted = false;
        let chars: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '\\' {
                let mut n = 0;
                while i < chars.len() && chars[i] == '\\' {
                    n += 1;
                    i += 1;
                }
                in_arg = true;
                if i < chars.len() && chars[i] == '"' {
                    cur.push_str(&"\\".repeat(n / 2));
                    if n % 2 == 1 {
                        cur.push('"');
                        i += 1;
                    }
                } else {
                    cur.push_str(&"\\".repeat(n));
                }
                continue;
            }
            if c == '"' {
                in_arg = true;
                quoted = !quoted;
            } else if (c == ' ' || c == '\t') && !quoted {
                if in_arg {
                    args.push(std::mem::take(&mut cur));
                    in_arg = false;
                }
            } else {
                in_arg = true;
                cur.push(c);
            }
            i += 1;
        }
        if in_arg {
            args.push(cur);
        }
        args
    }

    fn powershell_unquote(s: &str) -> String {
        let inner = s
            .strip_prefix('\'')
            .and_then(|s| s.strip_suffix('\''))
            .unwrap();
        let mut out = String::new();
        let mut chars = inner.chars().peekable();
        while let Some(c) = chars.next() {
            if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
                assert!(chars.next_if(|n| *n == c).is_some(), "lone quote in {s}");
            }
            out.push(c);
        }
        out
    }

    fn decode_powershell(b64: &str) -> String {
        let t = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut bits = 0_u32;
        let mut n = 0;
        let mut bytes = Vec::new();
        for c in b64.bytes().filter(|c| *c != b'=') {
            let v = u32::try_from(t.iter().position(|x| *x == c).unwrap()).unwrap();
            bits = (bits << 6) | v;
            n += 6;
            if n >= 8 {
                n -= 8;
                bytes.push(u8::try_from((bits >> n) & 0xff).unwrap());
            }
        }
        let units: Vec<u16> = bytes
            .chunks(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        String::from_utf16(&units).unwrap()
    }

    const NASTY: [&str; 5] = [
        "/Applications/Go Cache Doctor.app/Contents/MacOS/gocache-doctor-app",
        "/tmp/it's \"quoted\" $HOME `x` \\back\\",
        "/tmp/Ünïcødé 日本語 ‘curly’/plan.json",
        "C:\\Program Files\\Go Cache Doctor\\",
        "",
    ];

    #[test]
    fn posix_quoting_round_trips() {
        for s in NASTY {
            assert_eq!(sh_words(&posix_quote(s)), [s]);
        }
        assert_eq!(posix_quote("a'b"), r"'a'\''b'");
    }

    #[test]
    fn applescript_round_trips() {
        for s in NASTY {
            assert_eq!(applescript_unquote(&applescript_string(s)), s);
        }
        assert_eq!(applescript_string(r#"a"b\c"#), r#""a\"b\\c""#);
    }

    #[test]
    fn windows_args_round_trip() {
        for s in NASTY {
            let line = [windows_arg(s), windows_arg("x y")].join(" ");
            assert_eq!(windows_split(&line), [s, "x y"], "{line}");
        }
        assert_eq!(windows_arg("plain"), "plain");
        assert_eq!(windows_arg(r"C:\a b\"), r#""C:\a b\\""#);
        assert_eq!(windows_arg(r#"a\"b"#), r#""a\\\"b""#);
    }

    #[test]
    fn powershell_strings_round_trip() {
        for s in NASTY {
            assert_eq!(powershell_unquote(&powershell_string(s)), s);
        }
        assert_eq!(powershell_string("it's"), "'it''s'");
        assert_eq!(powershell_string("‘x’"), "'‘‘x’’'");
    }

    #[test]
    fn base64_matches_known_vectors() {
        for (raw, enc) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(raw.as_bytes()), enc);
        }
        // PowerShell's documented example: `dir "c:\program files" `.
        assert_eq!(
            encode_powershell("dir \"c:\\program files\" "),
            "ZABpAHIAIAAiAGMAOgBcAHAAcgBvAGcAcgBhAG0AIABmAGkAbABlAHMAIgAgAA=="
        );
    }

    #[test]
    fn linux_uses_pkexec_with_plain_arguments() {
        let inv = invocation(
            &Elevator::Os(OsKind::Linux),
            Path::new(NASTY[0]),
            Path::new(NASTY[1]),
            Path::new(NASTY[2]),
        )
        .unwrap();
        assert_eq!(inv.program, PKEXEC);
        assert_eq!(
            as_strs(&inv),
            [NASTY[0], ELEVATED_FLAG, NASTY[1], REPORT_FLAG, NASTY[2]]
        );
    }

    #[test]
    fn macos_script_runs_exactly_the_command() {
        let inv = invocation(
            &Elevator::Os(OsKind::Macos),
            Path::new(NASTY[0]),
            Path::new(NASTY[1]),
            Path::new(NASTY[2]),
        )
        .unwrap();
        assert_eq!(inv.program, "/usr/bin/osascript");
        let args = as_strs(&inv);
        assert_eq!(args[0], "-e");
        let script = &args[1];
        let literals = script
            .strip_prefix("do shell script ")
            .and_then(|s| s.strip_suffix(" with administrator privileges"))
            .unwrap();
        // The command literal ends at its first unescaped quote; the prompt follows.
        let mut end = 1;
        let bytes = literals.as_bytes();
        while bytes[end] != b'"' {
            end += if bytes[end] == b'\\' { 2 } else { 1 };
        }
        let (literal, rest) = literals.split_at(end + 1);
        let prompt = rest.strip_prefix(" with prompt ").unwrap();
        assert_eq!(applescript_unquote(prompt), MACOS_PROMPT);
        assert!(MACOS_PROMPT.starts_with("Go Cache Doctor needs administrator rights to clean"));
        let cmd = applescript_unquote(literal);
        assert_eq!(
            sh_words(&cmd),
            [NASTY[0], ELEVATED_FLAG, NASTY[1], REPORT_FLAG, NASTY[2]]
        );
    }

    #[test]
    fn windows_script_starts_the_exe_with_runas() {
        let exe = r"C:\Program Files\Go Cache Doctor\gocache-doctor-app.exe";
        let request = r"C:\Users\Zoë O'Brien\AppData\Local\Temp\x y\request.json";
        let report = "C:\\Users\\Zoë O'Brien\\AppData\\Local\\Temp\\x y\\‘r’ \"1\".json";
        let inv = invocation(
            &Elevator::Os(OsKind::Windows),
            Path::new(exe),
            Path::new(request),
            Path::new(report),
        )
        .unwrap();
        assert!(
            inv.program
                .to_string_lossy()
                .ends_with(r"\System32\WindowsPowerShell\v1.0\powershell.exe"),
            "{:?}",
            inv.program
        );
        let args = as_strs(&inv);
        assert_eq!(args[args.len() - 2], "-EncodedCommand");
        let script = decode_powershell(&args[args.len() - 1]);
        let (before, rest) = script.split_once("-FilePath ").unwrap();
        assert!(
            before.contains("Start-Process -Verb RunAs -Wait -PassThru"),
            "{script}"
        );
        let (file, rest) = rest.split_once(" -ArgumentList ").unwrap();
        assert_eq!(powershell_unquote(file), exe);
        let (list, tail) = rest.split_once("; exit $p.ExitCode").unwrap();
        assert_eq!(
            windows_split(&powershell_unquote(list)),
            [ELEVATED_FLAG, request, REPORT_FLAG, report]
        );
        assert!(tail.contains(&format!("exit {WINDOWS_CANCELLED}")));
    }

    #[test]
    fn elevator_from_the_variable() {
        assert_eq!(
            Elevator::from_var(None, OsKind::Linux),
            Elevator::Os(OsKind::Linux)
        );
        assert_eq!(
            Elevator::from_var(Some(OsString::new()), OsKind::Linux),
            Elevator::Direct
        );
        assert_eq!(
            Elevator::from_var(Some("sudo".into()), OsKind::Macos),
            Elevator::Program("sudo".into())
        );
        let direct = invocation(
            &Elevator::Direct,
            Path::new("/bin/app"),
            Path::new("/r q"),
            Path::new("/o"),
        )
        .unwrap();
        assert_eq!(direct.program, "/bin/app");
        assert_eq!(as_strs(&direct), [ELEVATED_FLAG, "/r q", REPORT_FLAG, "/o"]);
        assert_eq!(
            parse_args(&direct.args),
            Some((PathBuf::from("/r q"), PathBuf::from("/o")))
        );
        assert_eq!(parse_args(&direct.args[..3]), None);
    }

    /// Issue #12 §13: the test hook that replaces pkexec is read only in builds with the
    /// `test-hooks` feature. The test re-runs itself in a child process with the variable set
    /// (setting it in this process would race other tests).
    #[test]
    fn the_elevator_variable_is_ignored_without_the_test_hooks_feature() {
        if std::env::var_os("GOCACHE_DOCTOR_TEST_CHILD").is_some() {
            let expect = if cfg!(feature = "test-hooks") {
                Elevator::Program("/bin/false".into())
            } else {
                Elevator::Os(crate::os::current().kind())
            };
            assert_eq!(Elevator::from_process(), expect);
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "clean::elevate::tests::the_elevator_variable_is_ignored_without_the_test_hooks_feature",
            ])
            .env("GOCACHE_DOCTOR_TEST_CHILD", "1")
            .env(ELEVATOR_VAR, "/bin/false")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran the test: {text}");
    }

    /// The app's request folder: private from its creation (0700 on Unix; on Windows the
    /// DACL given at creation, which Wine honours too), never an existing one, and a request
    /// written in it passes the elevated half's own checks.
    #[test]
    fn a_request_directory_is_private_from_its_creation_and_never_reused() {
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("request-dir");
        create_private_dir(&dir).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
            assert_eq!(mode & 0o7777, 0o700, "{mode:o}");
        }
        let again = create_private_dir(&dir).unwrap_err();
        assert_eq!(again.kind(), std::io::ErrorKind::AlreadyExists, "{again}");
        let req = dir.join("request.json");
        let plan = Plan {
            created: 0,
            targets: Vec::new(),
            items: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            total_bytes: 0,
            total_disk_bytes: 0,
            total_files: 0,
        };
        let env = EnvMap::from_pairs([("GOMODCACHE", "/home/u/go/pkg/mod")]);
        write_request(&req, &Request::new(plan, &env)).unwrap();
        let (read, owner) = read_request(&req).unwrap();
        assert_eq!(read.env.get("GOMODCACHE").unwrap(), "/home/u/go/pkg/mod");
        assert!(owner.is_some());
    }

    #[test]
    fn requests_carry_only_the_cache_variables() {
        let env = EnvMap::from_pairs([
            ("GOMODCACHE", "/home/u/go/pkg/mod"),
            ("GOPROXY", "https://u:tok@proxy.example/"),
            ("AWS_SECRET_ACCESS_KEY", "leak-me"),
            ("GITHUB_TOKEN", "ghp_leak"),
            ("PATH", "/usr/bin"),
        ]);
        let plan = Plan {
            created: 0,
            targets: Vec::new(),
            items: Vec::new(),
            skipped: Vec::new(),
            warnings: Vec::new(),
            total_bytes: 0,
            total_disk_bytes: 0,
            total_files: 0,
        };
        let req = Request::new(plan, &env);
        assert_eq!(
            req.env.keys().collect::<Vec<_>>(),
            ["GOMODCACHE"],
            "{:?}",
            req.env
        );
        let json = serde_json::to_string(&req).unwrap();
        for secret in ["u:tok@", "leak-me", "ghp_leak"] {
            assert!(!json.contains(secret), "{json}");
        }
    }

    #[test]
    fn failures_are_classified() {
        let linux = Elevator::Os(OsKind::Linux);
        assert_eq!(classify_failure(&linux, Some(126), ""), Failure::Denied);
        assert_eq!(
            classify_failure(&linux, Some(127), ""),
            Failure::Unavailable
        );
        let mac = Elevator::Os(OsKind::Macos);
        assert_eq!(
            classify_failure(&mac, Some(1), "execution error: User canceled. (-128)"),
            Failure::Denied
        );
        assert_eq!(
            classify_failure(&mac, Some(1), "boom"),
            Failure::Unavailable
        );
        let win = Elevator::Os(OsKind::Windows);
        assert_eq!(classify_failure(&win, Some(1223), ""), Failure::Denied);
        assert_eq!(
            classify_failure(&Elevator::Direct, Some(1), ""),
            Failure::Unavailable
        );
    }
}
