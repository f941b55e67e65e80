//! Unix helpers shared by the Linux and macOS probes and by [`super::end`]: signals, the
//! effective user id, user names (`getpwuid_r`).
#![allow(unsafe_code, reason = "kill, geteuid and getpwuid_r are libc calls")]

use std::collections::HashMap;
use std::ffi::CStr;
use std::io;
use std::sync::{Mutex, PoisonError};

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

/// Sends `sig` to the single process `pid` (never a group).
pub(crate) fn signal(pid: u32, sig: libc::c_int) -> io::Result<()> {
    let p = pid_t(pid)?;
    // SAFETY: kill takes plain integers; `p` is positive so it addresses one process only.
    let r = unsafe { libc::kill(p, sig) };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Ends `pid` at once (`SIGKILL`): the Unix counterpart of Windows' `TerminateProcess`.
pub(crate) fn terminate(pid: u32) -> io::Result<()> {
    signal(pid, libc::SIGKILL)
}

/// Asks `pid` to exit (`SIGTERM`).
pub(crate) fn request_exit(pid: u32) -> io::Result<()> {
    signal(pid, libc::SIGTERM)
}

/// Whether `pid` exists (signal 0). A zombie (exited, not yet reaped by its parent) counts as
/// gone on Linux.
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

#[cfg(target_os = "linux")]
fn is_zombie(pid: u32) -> bool {
    // `/proc/<pid>/stat`: "pid (comm) S ...", the state follows the last ')'.
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| {
        s.rfind(')')
            .and_then(|i| s[i + 1..].split_whitespace().next())
            .is_some_and(|state| state == "Z" || state == "X")
    })
}

#[cfg(not(target_os = "linux"))]
fn is_zombie(_pid: u32) -> bool {
    false
}

/// The effective user id of this process.
pub(crate) fn current_uid() -> u32 {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() }
}

/// The name of user `uid`, from the system's user database.
pub(crate) fn user_name(uid: u32) -> Option<String> {
    let mut buf = vec![0_u8; 4096];
    // SAFETY: passwd is plain old data; an all-zero value is valid before getpwuid_r fills it.
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call: `pwd` and `result` are locals, `buf` is a
    // live buffer of the length passed.
    let r = unsafe {
        libc::getpwuid_r(
            uid,
            &mut pwd,
            buf.as_mut_ptr().cast(),
            buf.len(),
            &mut result,
        )
    };
    if r != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`, alive here.
    let name = unsafe { CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
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
    fn this_process_is_present_and_root_is_named() {
        assert_eq!(presence(std::process::id()), Presence::Signalable);
        assert_eq!(user_name(0).as_deref(), Some("root"));
    }
}
