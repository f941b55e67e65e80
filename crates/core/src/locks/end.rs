//! "End process": ask politely (`SIGTERM`), then force (`SIGKILL`) after a timeout; Windows'
//! `TerminateProcess` has no polite step. Refused for PID 0/1, for this process and for other
//! users' processes without elevation, each with its own error.

use std::time::{Duration, Instant};

use serde::Serialize;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndHow {
    /// It exited after being asked (`SIGTERM`).
    Exited,
    /// It had to be killed (`SIGKILL`, `TerminateProcess`).
    Killed,
    /// It was already gone by the time it was asked.
    AlreadyGone,
}

/// The result of [`end_process`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EndOutcome {
    /// The process id.
    pub pid: u32,
    /// How it ended.
    pub how: EndHow,
    /// How long it took.
    pub elapsed_ms: u64,
}

/// Why a process was not ended.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EndError {
    /// PID 0 or 1: the system itself.
    #[error("refusing to end PID {0}: it is part of the operating system")]
    System(u32),
    /// Go Cache Doctor itself.
    #[error("refusing to end PID {0}: it is Go Cache Doctor itself")]
    ItSelf(u32),
    /// Another user's process, and this one is not elevated.
    #[error(
        "refusing to end PID {pid}: it belongs to another user; run Go Cache Doctor as \
         administrator (root) to end it"
    )]
    OtherUser {
        /// The process id.
        pid: u32,
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
    pub fn code(&self) -> &'static str {
        match self {
            Self::System(_) => "RefusedSystem",
            Self::ItSelf(_) => "RefusedSelf",
            Self::OtherUser { .. } => "RefusedOtherUser",
            Self::NotFound(_) => "NotFound",
            Self::StillRunning(_) => "StillRunning",
            Self::Io { .. } => "Io",
            Self::Unsupported => "Unsupported",
        }
    }
}

/// The refusals common to every OS.
fn refuse(pid: u32) -> Result<(), EndError> {
    if pid <= 1 {
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

/// Ends process `pid`: `SIGTERM`, then `SIGKILL` when it is still running after `timeout`
/// (Windows: `TerminateProcess` at once).
///
/// # Errors
/// [`EndError::System`] for PID 0 and 1, [`EndError::ItSelf`] for this process,
/// [`EndError::OtherUser`] for another user's process without elevation,
/// [`EndError::NotFound`], [`EndError::StillRunning`], [`EndError::Io`].
#[cfg(unix)]
pub fn end_process(pid: u32, timeout: Duration) -> Result<EndOutcome, EndError> {
    #[cfg(target_os = "linux")]
    use super::linux::terminate;
    #[cfg(not(target_os = "linux"))]
    use super::unix::terminate;

    /// How long to wait for the forced end to take effect.
    const KILL_WAIT: Duration = Duration::from_secs(5);
    use super::unix::{Presence, presence, request_exit};

    refuse(pid)?;
    let start = Instant::now();
    match presence(pid) {
        Presence::Gone => return Err(EndError::NotFound(pid)),
        Presence::NotPermitted => return Err(EndError::OtherUser { pid }),
        Presence::Signalable => {}
    }
    let io = |source| EndError::Io { pid, source };
    let gone_within = |limit: Duration| {
        let until = Instant::now() + limit;
        loop {
            if presence(pid) == Presence::Gone {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    };
    if let Err(e) = request_exit(pid) {
        if e.raw_os_error() == Some(libc::ESRCH) {
            return Ok(EndOutcome {
                pid,
                how: EndHow::AlreadyGone,
                elapsed_ms: ms(start),
            });
        }
        return Err(io(e));
    }
    if gone_within(timeout) {
        return Ok(EndOutcome {
            pid,
            how: EndHow::Exited,
            elapsed_ms: ms(start),
        });
    }
    match terminate(pid) {
        Ok(()) => {}
        Err(e) if e.raw_os_error() == Some(libc::ESRCH) => {}
        Err(e) => return Err(io(e)),
    }
    if gone_within(KILL_WAIT) {
        Ok(EndOutcome {
            pid,
            how: EndHow::Killed,
            elapsed_ms: ms(start),
        })
    } else {
        Err(EndError::StillRunning(pid))
    }
}

/// Ends process `pid` with `TerminateProcess` (no polite step on Windows; `timeout` unused).
///
/// # Errors
/// [`EndError::System`] for PID 0 and 1 (and 4, the System process), [`EndError::ItSelf`] for
/// this process, [`EndError::OtherUser`] when access is denied, [`EndError::NotFound`],
/// [`EndError::Io`].
#[cfg(windows)]
pub fn end_process(pid: u32, _timeout: Duration) -> Result<EndOutcome, EndError> {
    refuse(pid)?;
    if pid == 4 {
        return Err(EndError::System(pid));
    }
    let start = Instant::now();
    match super::windows::terminate(pid) {
        Ok(()) => Ok(EndOutcome {
            pid,
            how: EndHow::Killed,
            elapsed_ms: ms(start),
        }),
        Err(e) => Err(match e.kind() {
            std::io::ErrorKind::PermissionDenied => EndError::OtherUser { pid },
            std::io::ErrorKind::NotFound | std::io::ErrorKind::InvalidInput => {
                EndError::NotFound(pid)
            }
            _ => EndError::Io { pid, source: e },
        }),
    }
}

/// Ending processes is not available here.
///
/// # Errors
/// Always [`EndError::Unsupported`] (after the common refusals).
#[cfg(not(any(unix, windows)))]
pub fn end_process(pid: u32, _timeout: Duration) -> Result<EndOutcome, EndError> {
    refuse(pid)?;
    Err(EndError::Unsupported)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn system_and_self_are_refused_before_anything_is_sent() {
        assert!(matches!(
            end_process(1, Duration::ZERO),
            Err(EndError::System(1))
        ));
        assert!(matches!(
            end_process(0, Duration::ZERO),
            Err(EndError::System(0))
        ));
        let me = std::process::id();
        assert!(matches!(
            end_process(me, Duration::ZERO),
            Err(EndError::ItSelf(p)) if p == me
        ));
        assert_eq!(EndError::OtherUser { pid: 5 }.code(), "RefusedOtherUser");
    }

    #[cfg(unix)]
    #[test]
    fn a_pid_that_does_not_exist_is_not_found() {
        // Above Linux's pid_max (4194304) and macOS' 99999.
        assert!(matches!(
            end_process(4_999_999, Duration::ZERO),
            Err(EndError::NotFound(4_999_999))
        ));
    }
}
