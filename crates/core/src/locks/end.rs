//! "End process": ask politely (`SIGTERM`), then force (`SIGKILL`) after a timeout; Windows'
//! `TerminateProcess` has no polite step.
//!
//! Only a process that holds files in the caches can be ended, and only the very process the
//! lock scan reported: it is named by its pid **and** its start time ([`ProcessIdentity`]).
//! Just before the first signal, [`end_process`]:
//! 1. opens the process (Linux: a pidfd; Windows: a process handle; macOS has no handle, so the
//!    start time is read again before each signal),
//! 2. compares its start time with the one given ([`EndError::Changed`] when the pid now names
//!    another process),
//! 3. refuses other users' processes ([`EndError::OtherUser`]), root/SYSTEM-owned and
//!    session-critical ones ([`EndError::Protected`]) unless [`EndOptions::allow_elevated`] is set
//!    **and** this process is elevated,
//! 4. probes the cache roots again: the process must still hold something there, with the same
//!    start time ([`EndError::NotAHolder`]),
//! 5. compares the start time once more and signals through the handle it opened in step 1, so
//!    a pid reused in between is never signalled (Linux `pidfd_send_signal`, Windows
//!    `TerminateProcess` on the same handle).
//!
//! Session-critical processes (see [`session_critical`]): Linux `systemd`/`init`, the login
//! and display managers, the X server and compositors, `dbus`, `sshd`; macOS `launchd`,
//! `loginwindow`, `WindowServer`, ...; Windows `csrss`, `wininit`, `winlogon`, `lsass`,
//! `services`, `smss`, `svchost`, `dwm`, and **`explorer`**: ending Explorer takes the desktop
//! and taskbar with it, and a folder window open in the cache is closed in the window itself
//! (the advice says so), so it is refused like the others.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};

use super::{LockProbe, find_holders};
use crate::CancelToken;
use crate::discover::CacheKind;
use crate::os::OsKind;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum EndHow {
    /// It exited after being asked (`SIGTERM`).
    Exited,
    /// It had to be killed (`SIGKILL`, `TerminateProcess`).
    Killed,
    /// It was already gone by the time it was asked.
    AlreadyGone,
}

/// The result of [`end_process`]; also what the audit log records of it
/// ([`crate::clean::audit::Entry::ended`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct EndOutcome {
    /// The process id.
    pub pid: u32,
    /// Its name, as the lock scan that confirmed it a holder saw it (`gopls`, `go.exe`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub name: Option<String>,
    /// How it ended.
    pub how: EndHow,
    /// How long it took.
    pub elapsed_ms: u64,
}

/// One process, as a lock scan reported it: its pid and its start time
/// ([`super::Holder::start_time`]). A pid alone can name another process once the first one
/// has exited; the pair cannot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ProcessIdentity {
    /// Process id.
    pub pid: u32,
    /// Its start time, in the OS' unit ([`super::Holder::start_time`]).
    pub start_time: u64,
}

/// How [`end_process`] goes about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndOptions {
    /// How long to wait after `SIGTERM` before `SIGKILL` (unused on Windows).
    pub timeout: Duration,
    /// Allow ending other users', root/SYSTEM-owned and session-critical processes. Takes
    /// effect only when this process really is elevated (root, or an elevated administrator
    /// token); the CLI sets it with `--force-system`, the app never does.
    pub allow_elevated: bool,
    /// The audit log a process that was ended is recorded in (the History's "Ended …" line);
    /// `None`: not recorded. A failure to write it does not undo or fail the end.
    pub audit_log: Option<std::path::PathBuf>,
}

impl Default for EndOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(3),
            allow_elevated: false,
            audit_log: None,
        }
    }
}

/// Why a process may not be ended although this process could signal it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protection {
    /// It runs as root (Unix) or as SYSTEM, LOCAL SERVICE or NETWORK SERVICE (Windows), or its
    /// owner could not be told.
    SystemOwned,
    /// Ending it ends the user's session or desktop (see [`session_critical`]).
    SessionCritical,
}

/// Why a process was not ended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndError {
    /// PID 0 or 1 (Windows also 4): the system itself.
    #[error("refusing to end PID {0}: it is part of the operating system")]
    System(u32),
    /// Go Cache Doctor itself.
    #[error("refusing to end PID {0}: it is Go Cache Doctor itself")]
    ItSelf(u32),
    /// Another user's process, and this one is not elevated (or was not asked to use it).
    #[error(
        "refusing to end PID {pid}: it belongs to another user; run Go Cache Doctor as \
         administrator (root) to end it"
    )]
    OtherUser {
        /// The process id.
        pid: u32,
    },
    /// A root/SYSTEM-owned or session-critical process, without an explicit, elevated request.
    #[error(
        "refusing to end PID {pid} ({name}): {}",
        match reason {
            Protection::SystemOwned => "it runs as a system account",
            Protection::SessionCritical => "ending it would end your session or desktop",
        }
    )]
    Protected {
        /// The process id.
        pid: u32,
        /// Its name.
        name: String,
        /// What protects it.
        reason: Protection,
    },
    /// The process holds nothing in the caches (any more): only holders can be ended.
    #[error(
        "refusing to end PID {0}: it holds no files in the Go caches (refresh the list of \
         holders)"
    )]
    NotAHolder(u32),
    /// The pid now names another process than the one the scan reported (it exited and the
    /// pid was reused), or the start time does not match.
    #[error(
        "refusing to end PID {0}: it is no longer the process that was listed (it exited and \
         the PID was reused); refresh the list of holders"
    )]
    Changed(u32),
    /// No start time was given (or could be read) for the process, so it cannot be told apart
    /// from a process that reuses its pid.
    #[error(
        "refusing to end PID {0}: its start time is unknown, so it cannot be told apart from a \
         process that reuses its PID; refresh the list of holders"
    )]
    Unidentified(u32),
    /// The lock scan that checks the process is a holder failed.
    #[error("checking what PID {pid} holds: {source}")]
    Scan {
        /// The process id.
        pid: u32,
        /// The probe's failure.
        #[source]
        source: crate::Error,
    },
    /// No such process.
    #[error("no process with PID {0}")]
    NotFound(u32),
    /// Still there after the forced end.
    #[error("PID {0} is still running after it was killed")]
    StillRunning(u32),
    /// The OS refused or failed.
    #[error("ending PID {pid}: {source}")]
    Io {
        /// The process id.
        pid: u32,
        /// The OS error.
        #[source]
        source: std::io::Error,
    },
    /// Not available on this OS.
    #[error("ending processes is not supported on this system")]
    Unsupported,
}

impl EndError {
    /// A short machine-readable code for front ends.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::System(_) => crate::ErrorCode::RefusedSystem,
            Self::ItSelf(_) => crate::ErrorCode::RefusedSelf,
            Self::OtherUser { .. } => crate::ErrorCode::RefusedOtherUser,
            Self::Protected { .. } => crate::ErrorCode::RefusedProtected,
            Self::NotAHolder(_) => crate::ErrorCode::NotAHolder,
            Self::Changed(_) => crate::ErrorCode::ProcessChanged,
            Self::Unidentified(_) => crate::ErrorCode::Unidentified,
            Self::Scan { .. } => crate::ErrorCode::ScanFailed,
            Self::NotFound(_) => crate::ErrorCode::NotFound,
            Self::StillRunning(_) => crate::ErrorCode::StillRunning,
            Self::Io { .. } => crate::ErrorCode::Io,
            Self::Unsupported => crate::ErrorCode::Unsupported,
        }
    }
}

/// Whose process it is, relative to the user running Go Cache Doctor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Owner {
    /// The same user (root for root: a container or CI running everything as root).
    Me,
    /// root (when this user is not root), SYSTEM, LOCAL SERVICE, NETWORK SERVICE, or unknown.
    System,
    /// Another ordinary user.
    Other,
}

/// Why a process could not be opened.
#[derive(Debug)]
pub(crate) enum OpenError {
    /// No such process.
    Gone,
    /// It exists but this process may not signal or open it.
    NotPermitted,
    /// Anything else.
    Io(io::Error),
}

/// One opened process (Linux: a pidfd; Windows: a process handle; macOS: the pid and the start
/// time read when it was opened, checked again before each signal).
pub(crate) trait ProcessRef {
    /// Its start time now; [`io::ErrorKind::NotFound`] once it is gone.
    fn start_time(&self) -> io::Result<u64>;
    /// Whose process it is.
    fn owner(&self) -> Owner;
    /// Its short name (`comm`, the image name), when readable.
    fn name(&self) -> Option<String>;
    /// Asks it to exit (`SIGTERM`). `Ok(false)` when the OS has no polite way (Windows).
    /// [`io::ErrorKind::NotFound`] when it is already gone.
    fn request_exit(&self) -> io::Result<bool>;
    /// Ends it at once (`SIGKILL`, `TerminateProcess`).
    fn terminate(&self) -> io::Result<()>;
    /// Whether it is gone within `limit`.
    fn wait_gone(&self, limit: Duration) -> bool;
}

/// How long to wait for the forced end to take effect.
const KILL_WAIT: Duration = Duration::from_secs(5);

/// The refusals common to every OS.
fn refuse(pid: u32) -> Result<(), EndError> {
    if pid <= 1 || (crate::os::HOST == OsKind::Windows && pid == 4) {
        return Err(EndError::System(pid));
    }
    if pid == std::process::id() {
        return Err(EndError::ItSelf(pid));
    }
    Ok(())
}

fn ms(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// Session-critical process names per OS, compared case-insensitively (Windows and macOS) with
/// an optional `.exe`. Linux names are also matched when cut to `comm`'s 15 bytes.
const CRITICAL_LINUX: &[&str] = &[
    "systemd",
    "init",
    "systemd-logind",
    "systemd-journald",
    "systemd-udevd",
    "dbus-daemon",
    "dbus-broker",
    "Xorg",
    "Xwayland",
    "gnome-shell",
    "gnome-session-binary",
    "kwin_wayland",
    "kwin_x11",
    "plasmashell",
    "ksmserver",
    "gdm",
    "gdm-session-worker",
    "sddm",
    "lightdm",
    "sshd",
    "login",
    "polkitd",
];
const CRITICAL_MACOS: &[&str] = &[
    "launchd",
    "kernel_task",
    "loginwindow",
    "WindowServer",
    "SystemUIServer",
    "Dock",
    "coreservicesd",
    "opendirectoryd",
    "securityd",
    "logind",
    "sshd",
];
const CRITICAL_WINDOWS: &[&str] = &[
    "System",
    "Registry",
    "smss",
    "csrss",
    "wininit",
    "winlogon",
    "services",
    "lsass",
    "lsaiso",
    "svchost",
    "dwm",
    "fontdrvhost",
    "LogonUI",
    "sihost",
    "explorer",
];

/// The OS a critical-process list is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Os {
    /// Linux.
    Linux,
    /// macOS.
    Macos,
    /// Windows.
    Windows,
}

impl Os {
    /// The OS this was built for (Linux for the other Unixes).
    pub fn current() -> Self {
        match crate::os::HOST {
            OsKind::Windows => Self::Windows,
            OsKind::Macos => Self::Macos,
            OsKind::Linux => Self::Linux,
        }
    }
}

/// Whether ending a process named `name` on `os` would end the user's session or the system
/// (`systemd`, `loginwindow`, `WindowServer`, `csrss.exe`, `explorer.exe`, ...).
pub fn session_critical(os: Os, name: &str) -> bool {
    let name = name.trim();
    match os {
        Os::Linux => CRITICAL_LINUX.iter().any(|c| {
            // `comm` is cut to 15 bytes: `gnome-session-b`.
            name == *c
                || (name.len() == 15 && c.len() > 15 && c.as_bytes()[..15] == *name.as_bytes())
        }),
        Os::Macos => CRITICAL_MACOS.iter().any(|c| c.eq_ignore_ascii_case(name)),
        Os::Windows => {
            let bare = name
                .len()
                .checked_sub(4)
                .filter(|&i| name.is_char_boundary(i) && name[i..].eq_ignore_ascii_case(".exe"))
                .map_or(name, |i| &name[..i]);
            CRITICAL_WINDOWS
                .iter()
                .any(|c| c.eq_ignore_ascii_case(bare))
        }
    }
}

/// Whether `owner` and `name` may be ended: the pure part of the checks of [`end_process`].
pub(crate) fn check_owner_and_name(
    pid: u32,
    owner: Owner,
    name: Option<&str>,
    os: Os,
    elevated_on_purpose: bool,
) -> Result<(), EndError> {
    if elevated_on_purpose {
        return Ok(());
    }
    let name_s = name.unwrap_or("?").to_owned();
    match owner {
        Owner::Other => return Err(EndError::OtherUser { pid }),
        Owner::System => {
            return Err(EndError::Protected {
                pid,
                name: name_s,
                reason: Protection::SystemOwned,
            });
        }
        Owner::Me => {}
    }
    if name.is_some_and(|n| session_critical(os, n)) {
        return Err(EndError::Protected {
            pid,
            name: name_s,
            reason: Protection::SessionCritical,
        });
    }
    Ok(())
}

fn open(pid: u32) -> Result<Box<dyn ProcessRef>, EndError> {
    sys::open(pid).map_err(|e| match e {
        OpenError::Gone => EndError::NotFound(pid),
        OpenError::NotPermitted => EndError::OtherUser { pid },
        OpenError::Io(source) => EndError::Io { pid, source },
    })
}

fn start_time_of(p: &dyn ProcessRef, pid: u32) -> Result<u64, EndError> {
    p.start_time().map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => EndError::NotFound(pid),
        _ => EndError::Io { pid, source: e },
    })
}

/// The refusals that need no start time: PID 0/1 (and 4 on Windows), this process, no such
/// process, another user's process; plus root/SYSTEM-owned and session-critical ones when
/// `opts` does not allow them (or this process is not elevated). For a front end that has
/// only a pid and must say why before it scans.
///
/// # Errors
/// [`EndError::System`], [`EndError::ItSelf`], [`EndError::NotFound`], [`EndError::OtherUser`],
/// [`EndError::Protected`], [`EndError::Io`], [`EndError::Unsupported`].
pub fn preflight(pid: u32, opts: &EndOptions) -> Result<(), EndError> {
    refuse(pid)?;
    let p = open(pid)?;
    let elevated = opts.allow_elevated && sys::is_elevated();
    check_owner_and_name(pid, p.owner(), p.name().as_deref(), Os::current(), elevated)
}

/// Ends the process `target` names, provided it still holds something under `roots` (the
/// discovered caches, probed again now with `probe`) and its start time still matches:
/// `SIGTERM`, then `SIGKILL` when it is still running after `opts.timeout` (Windows:
/// `TerminateProcess` at once). See the module documentation for every check.
///
/// # Errors
/// [`EndError::System`] for PID 0 and 1 (Windows 4), [`EndError::ItSelf`] for this process,
/// [`EndError::NotFound`], [`EndError::Changed`] when the start time differs,
/// [`EndError::OtherUser`], [`EndError::Protected`], [`EndError::NotAHolder`],
/// [`EndError::Scan`], [`EndError::StillRunning`], [`EndError::Io`],
/// [`EndError::Unsupported`].
pub fn end_process(
    target: ProcessIdentity,
    roots: &[(Option<CacheKind>, PathBuf)],
    probe: &dyn LockProbe,
    opts: &EndOptions,
) -> Result<EndOutcome, EndError> {
    let pid = target.pid;
    refuse(pid)?;
    let start = Instant::now();
    let p = open(pid)?;
    if start_time_of(p.as_ref(), pid)? != target.start_time {
        return Err(EndError::Changed(pid));
    }
    let elevated = opts.allow_elevated && sys::is_elevated();
    check_owner_and_name(pid, p.owner(), p.name().as_deref(), Os::current(), elevated)?;
    let report = find_holders(roots, probe, &CancelToken::new())
        .map_err(|source| EndError::Scan { pid, source })?;
    let Some(holder) = report.holders.iter().find(|h| h.pid == pid) else {
        return Err(EndError::NotAHolder(pid));
    };
    if holder.start_time != Some(target.start_time) {
        // The scan saw another process under this pid (or could not tell which one).
        return Err(EndError::Changed(pid));
    }
    // The last check, on the very handle the signals go through.
    if start_time_of(p.as_ref(), pid)? != target.start_time {
        return Err(EndError::Changed(pid));
    }
    let name = Some(holder.name.clone()).filter(|n| !n.is_empty());
    let outcome = signal(p.as_ref(), pid, name, opts.timeout, start)?;
    if let Some(log) = &opts.audit_log {
        // The process is gone either way: a log that cannot be written loses only the line.
        let _ = crate::clean::audit::record_ended(log, crate::clean::unix_now(), &outcome);
    }
    Ok(outcome)
}

fn signal(
    p: &dyn ProcessRef,
    pid: u32,
    name: Option<String>,
    timeout: Duration,
    start: Instant,
) -> Result<EndOutcome, EndError> {
    let io = |source| EndError::Io { pid, source };
    let outcome = |how| EndOutcome {
        pid,
        name: name.clone(),
        how,
        elapsed_ms: ms(start),
    };
    match p.request_exit() {
        Ok(true) => {
            if p.wait_gone(timeout) {
                return Ok(outcome(EndHow::Exited));
            }
        }
        Ok(false) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(outcome(EndHow::AlreadyGone)),
        Err(e) => return Err(io(e)),
    }
    match p.terminate() {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(io(e)),
    }
    if p.wait_gone(KILL_WAIT) {
        Ok(outcome(EndHow::Killed))
    } else {
        Err(EndError::StillRunning(pid))
    }
}

#[cfg(target_os = "linux")]
use super::linux::end as sys;
#[cfg(target_os = "macos")]
use super::macos::end as sys;
#[cfg(not(any(target_os = "linux", target_os = "macos", windows)))]
use super::other::end as sys;
#[cfg(windows)]
use super::windows::end as sys;

#[cfg(test)]
mod tests {
    use super::*;

    fn no_roots() -> Vec<(Option<CacheKind>, PathBuf)> {
        Vec::new()
    }

    fn id(pid: u32) -> ProcessIdentity {
        ProcessIdentity { pid, start_time: 1 }
    }

    #[test]
    fn system_and_self_are_refused_before_anything_is_sent() {
        let probe = crate::locks::system_probe();
        let opts = EndOptions::default();
        assert!(matches!(
            end_process(id(1), &no_roots(), probe.as_ref(), &opts),
            Err(EndError::System(1))
        ));
        assert!(matches!(
            end_process(id(0), &no_roots(), probe.as_ref(), &opts),
            Err(EndError::System(0))
        ));
        let me = std::process::id();
        assert!(matches!(
            end_process(id(me), &no_roots(), probe.as_ref(), &opts),
            Err(EndError::ItSelf(p)) if p == me
        ));
        assert!(matches!(preflight(1, &opts), Err(EndError::System(1))));
        assert!(matches!(preflight(me, &opts), Err(EndError::ItSelf(_))));
        assert_eq!(EndError::OtherUser { pid: 5 }.code(), "RefusedOtherUser");
        assert_eq!(EndError::NotAHolder(5).code(), "NotAHolder");
        assert_eq!(EndError::Changed(5).code(), "ProcessChanged");
        assert_eq!(EndError::Unidentified(5).code(), "Unidentified");
    }

    #[cfg(unix)]
    #[test]
    fn a_pid_that_does_not_exist_is_not_found() {
        let probe = crate::locks::system_probe();
        // Above Linux's pid_max (4194304) and macOS' 99999.
        assert!(matches!(
            end_process(
                id(4_999_999),
                &no_roots(),
                probe.as_ref(),
                &EndOptions::default()
            ),
            Err(EndError::NotFound(4_999_999))
        ));
        assert!(matches!(
            preflight(4_999_999, &EndOptions::default()),
            Err(EndError::NotFound(4_999_999))
        ));
    }

    #[test]
    fn critical_processes_per_os() {
        for n in [
            "systemd",
            "init",
            "Xorg",
            "gnome-shell",
            "gnome-session-b",
            "sshd",
        ] {
            assert!(session_critical(Os::Linux, n), "{n}");
        }
        for n in [
            "go",
            "gopls",
            "sleep",
            "System",
            "Systemd",
            "gnome-session-x",
            "bash",
        ] {
            assert!(!session_critical(Os::Linux, n), "{n}");
        }
        for n in [
            "launchd",
            "loginwindow",
            "WindowServer",
            "windowserver",
            "Dock",
        ] {
            assert!(session_critical(Os::Macos, n), "{n}");
        }
        for n in ["go", "Finder", "Code Helper", "mds_stores"] {
            assert!(!session_critical(Os::Macos, n), "{n}");
        }
        for n in [
            "csrss.exe",
            "CSRSS.EXE",
            "wininit.exe",
            "winlogon.exe",
            "lsass.exe",
            "services.exe",
            "smss.exe",
            "explorer.exe",
            "Explorer.EXE",
            "svchost.exe",
            "dwm.exe",
            "System",
            "lsass",
        ] {
            assert!(session_critical(Os::Windows, n), "{n}");
        }
        for n in [
            "go.exe",
            "gopls.exe",
            "Code.exe",
            "MsMpEng.exe",
            ".exe",
            "",
            "explorer.exe.exe",
        ] {
            assert!(!session_critical(Os::Windows, n), "{n}");
        }
    }

    #[test]
    fn owner_and_name_checks_and_the_elevated_override() {
        let ok = |owner, name: Option<&str>, os, elevated| {
            check_owner_and_name(42, owner, name, os, elevated)
        };
        assert!(ok(Owner::Me, Some("go"), Os::Linux, false).is_ok());
        assert!(ok(Owner::Me, None, Os::Windows, false).is_ok());
        assert!(matches!(
            ok(Owner::Other, Some("go"), Os::Linux, false),
            Err(EndError::OtherUser { pid: 42 })
        ));
        assert!(matches!(
            ok(Owner::System, Some("go.exe"), Os::Windows, false),
            Err(EndError::Protected {
                reason: Protection::SystemOwned,
                ..
            })
        ));
        let e = ok(Owner::Me, Some("explorer.exe"), Os::Windows, false).unwrap_err();
        assert!(matches!(
            e,
            EndError::Protected {
                reason: Protection::SessionCritical,
                ..
            }
        ));
        assert_eq!(e.code(), "RefusedProtected");
        assert!(e.to_string().contains("explorer.exe"), "{e}");
        assert!(ok(Owner::Me, Some("loginwindow"), Os::Macos, false).is_err());
        // Elevated on purpose: everything above may be ended.
        for (o, n, os) in [
            (Owner::Other, "go", Os::Linux),
            (Owner::System, "svchost.exe", Os::Windows),
            (Owner::Me, "WindowServer", Os::Macos),
        ] {
            assert!(ok(o, Some(n), os, true).is_ok(), "{n}");
        }
    }
}
