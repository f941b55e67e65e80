//! Unix helpers shared by the Linux and macOS probes and by [`super::end`]: signals, the
//! effective user id and user names (from [`crate::os::host::unix`]), and [`PidRef`], End
//! process' handle on a process named by pid and start time (macOS, and Linux kernels without
//! pidfds).

use std::collections::HashMap;
use std::io;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::end::{OpenError, Owner, ProcessRef};
pub(crate) use crate::os::host::unix::{effective_uid as current_uid, user_name};

/// The longest an end waits for a process to exit after a signal: a larger `--timeout`
/// (`1e15` seconds) is clamped to this instead of overflowing the clock.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(86_400);

/// Whether a process exists, as far as signals tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Presence {
    /// It exists and this process may signal it.
    Signalable,
    /// It exists but belongs to another user (`EPERM`).
    NotPermitted,
    /// No such process.
    Gone,
}

fn pid_t(pid: u32) -> io::Result<libc::pid_t> {
    // pid 0 and negative values address process groups: never let them through.
    match libc::pid_t::try_from(pid) {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{pid} is not a process id"),
        )),
    }
}

/// Sends `sig` (0 for the existence check, `SIGTERM` or `SIGKILL`) to the single process `pid`
/// (never a group), with rustix's `kill`.
pub(crate) fn signal(pid: u32, sig: libc::c_int) -> io::Result<()> {
    use rustix::process::{Pid, Signal, kill_process, test_kill_process};
    let p =
        Pid::from_raw(pid_t(pid)?).ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
    let r = match sig {
        0 => test_kill_process(p),
        libc::SIGTERM => kill_process(p, Signal::TERM),
        libc::SIGKILL => kill_process(p, Signal::KILL),
        _ => {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!("signal {sig} is not sent"),
            ));
        }
    };
    r.map_err(io::Error::from)
}

/// `ESRCH` (no such process) as [`io::ErrorKind::NotFound`], for [`super::end::ProcessRef`].
pub(crate) fn esrch_as_not_found(e: io::Error) -> io::Error {
    if e.raw_os_error() == Some(libc::ESRCH) {
        io::Error::new(io::ErrorKind::NotFound, e)
    } else {
        e
    }
}

/// Whose process `uid`'s is, for a user running as `me`: the same uid is this user's (root's
/// own processes when running as root: containers, CI), root's is the system's, an unknown owner
/// counts as the system's.
pub(crate) fn owner_of(uid: Option<u32>, me: u32) -> Owner {
    match uid {
        Some(u) if u == me => Owner::Me,
        Some(0) | None => Owner::System,
        Some(_) => Owner::Other,
    }
}

/// Whether this process runs as root.
pub(crate) fn is_root() -> bool {
    current_uid() == 0
}

/// What End process reads about a process by pid (per OS).
pub(crate) trait PidFacts {
    /// The start time of `pid` now.
    fn start_time(pid: u32) -> io::Result<u64>;
    /// The effective uid of `pid`.
    fn uid(pid: u32) -> Option<u32>;
    /// The short name of `pid`.
    fn name(pid: u32) -> Option<String>;
}

/// A process named by its pid and the start time read when it was opened. Unix has no handle
/// on a process short of Linux' pidfd, so before every signal the start time is read again and
/// the signal is not sent when it differs: the pid then names another process.
pub(crate) struct PidRef<F> {
    pid: u32,
    start: u64,
    facts: std::marker::PhantomData<F>,
}

impl<F: PidFacts> PidRef<F> {
    /// Opens `pid`: it must exist and be signalable by this process.
    pub(crate) fn open(pid: u32) -> Result<Self, OpenError> {
        match presence(pid) {
            Presence::Gone => return Err(OpenError::Gone),
            Presence::NotPermitted => return Err(OpenError::NotPermitted),
            Presence::Signalable => {}
        }
        let start = F::start_time(pid).map_err(|e| match e.kind() {
            io::ErrorKind::NotFound => OpenError::Gone,
            _ => OpenError::Io(e),
        })?;
        Ok(Self {
            pid,
            start,
            facts: std::marker::PhantomData,
        })
    }

    /// Whether `pid` still names the process opened.
    fn same(&self) -> bool {
        presence(self.pid) != Presence::Gone
            && F::start_time(self.pid).is_ok_and(|t| t == self.start)
    }

    fn send(&self, sig: libc::c_int) -> io::Result<()> {
        if !self.same() {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("process {} is gone", self.pid),
            ));
        }
        signal(self.pid, sig).map_err(esrch_as_not_found)
    }
}

impl<F: PidFacts> ProcessRef for PidRef<F> {
    fn start_time(&self) -> io::Result<u64> {
        if presence(self.pid) == Presence::Gone {
            return Err(io::Error::new(
                io::ErrorKind::NotFound,
                format!("process {} is gone", self.pid),
            ));
        }
        F::start_time(self.pid)
    }

    fn owner(&self) -> Owner {
        owner_of(F::uid(self.pid), current_uid())
    }

    fn name(&self) -> Option<String> {
        F::name(self.pid)
    }

    fn request_exit(&self) -> io::Result<bool> {
        self.send(libc::SIGTERM).map(|()| true)
    }

    fn terminate(&self) -> io::Result<()> {
        self.send(libc::SIGKILL)
    }

    fn wait_gone(&self, limit: Duration) -> bool {
        let until = Instant::now() + limit.min(MAX_WAIT);
        loop {
            if !self.same() {
                return true;
            }
            if Instant::now() >= until {
                return false;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// Whether `pid` exists (signal 0). A zombie (exited, not yet reaped by its parent) counts as
/// gone (Linux and macOS).
pub(crate) fn presence(pid: u32) -> Presence {
    match signal(pid, 0) {
        Ok(()) => {
            if is_zombie(pid) {
                Presence::Gone
            } else {
                Presence::Signalable
            }
        }
        Err(e) if e.raw_os_error() == Some(libc::EPERM) => Presence::NotPermitted,
        Err(_) => Presence::Gone,
    }
}

/// Linux: the state in `/proc/<pid>/stat` is `Z` or `X`.
#[cfg(target_os = "linux")]
fn is_zombie(pid: u32) -> bool {
    super::linux::is_zombie(pid).unwrap_or(false)
}

/// macOS: `PROC_PIDT_SHORTBSDINFO`'s status is `SZOMB` (xnu's `kill()` succeeds on a zombie).
#[cfg(target_os = "macos")]
fn is_zombie(pid: u32) -> bool {
    super::macos::end::is_zombie(pid)
}

#[cfg(not(any(target_os = "linux", target_os = "macos")))]
fn is_zombie(_pid: u32) -> bool {
    false
}

/// [`user_name`] with a cache: a probe asks for the same few users many times.
#[derive(Debug, Default)]
pub(crate) struct UserNames(Mutex<HashMap<u32, Option<String>>>);

impl UserNames {
    /// The name of `uid`, looked up once.
    pub(crate) fn get(&self, uid: u32) -> Option<String> {
        let mut map = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(uid).or_insert_with(|| user_name(uid)).clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_addressing_pids_are_rejected() {
        assert!(signal(0, 0).is_err());
        assert!(signal(u32::MAX, 0).is_err());
        assert_eq!(
            signal(0, 0).map_err(|e| e.kind()),
            Err(io::ErrorKind::InvalidInput)
        );
    }

    #[test]
    fn owners_relative_to_the_user() {
        assert_eq!(owner_of(Some(1000), 1000), Owner::Me);
        assert_eq!(
            owner_of(Some(0), 0),
            Owner::Me,
            "root's own processes, as root"
        );
        assert_eq!(owner_of(Some(0), 1000), Owner::System);
        assert_eq!(owner_of(None, 1000), Owner::System);
        assert_eq!(owner_of(Some(1001), 1000), Owner::Other);
        assert_eq!(owner_of(Some(1001), 0), Owner::Other);
    }

    #[test]
    fn this_process_is_present_and_root_is_named() {
        assert_eq!(presence(std::process::id()), Presence::Signalable);
        assert_eq!(user_name(0).as_deref(), Some("root"));
    }
}
