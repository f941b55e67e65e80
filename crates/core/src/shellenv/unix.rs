//! Linux, macOS and the BSDs: the user database's shell ([`crate::os::host::unix`]), and
//! running the shell in a new session (`setsid`) whose process group is killed on timeout or
//! cancellation.
#![allow(unsafe_code, reason = "setsid runs in the child through pre_exec")]

use std::io::Read;
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::{CommandExt as _, ExitStatusExt as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use rustix::event::{PollFd, PollFlags, Timespec, poll};
use rustix::process::{Pid, Signal, kill_process_group};

use super::{RESOLVING_VAR, ResolveError};
use crate::CancelToken;
use crate::env::EnvMap;
use crate::os::host::unix::{real_uid, user_by_uid};

/// At most this much of the shell's stdout is kept (the environment is a few KiB; start-up
/// files may print more): the rest is read and dropped, so the shell never blocks on a full pipe.
const STDOUT_CAP: usize = 16 << 20;
/// The end of stderr kept for error messages.
const STDERR_KEEP: usize = 16 << 10;
/// How often the deadline and the cancellation token are checked.
const TICK: Duration = Duration::from_millis(50);

/// `shell` when it is an absolute path to an existing executable file (symlinks followed).
pub(super) fn checked_shell(shell: &Path) -> Result<PathBuf, ResolveError> {
    let refuse = |reason| ResolveError::BadShell {
        shell: shell.to_string_lossy().into_owned(),
        reason,
    };
    if !shell.is_absolute() {
        return Err(refuse("not an absolute path"));
    }
    let meta = std::fs::metadata(shell).map_err(|_| refuse("no such file"))?;
    if !meta.is_file() {
        return Err(refuse("not a file"));
    }
    if meta.permissions().mode() & 0o111 == 0 {
        return Err(refuse("not executable"));
    }
    Ok(shell.to_path_buf())
}

/// The login shell the user database names for this process's real user (none when the entry
/// has an empty one).
pub(super) fn passwd_shell() -> Option<PathBuf> {
    user_by_uid(real_uid())?
        .shell
        .filter(|s| !s.as_os_str().is_empty())
}

/// What the shell printed and how it ended.
pub(super) struct Output {
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
    pub(super) success: bool,
    pub(super) status: String,
}

/// Runs `shell ARGS... COMMAND` with `env` (plus [`RESOLVING_VAR`]) as its whole environment,
/// in a new session, and collects its output until it exits; kills its process group when
/// `timeout` runs out or `cancel` is cancelled.
pub(super) fn run(
    shell: &Path,
    args: &[&str],
    command: &str,
    env: &EnvMap,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<Output, ResolveError> {
    let io_err = |source| ResolveError::Io {
        shell: shell.to_path_buf(),
        source,
    };
    let mut cmd = Command::new(shell);
    cmd.args(args)
        .arg(command)
        .env_clear()
        .envs(env.iter())
        .env(RESOLVING_VAR, "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: the closure runs in the forked child before exec and only calls setsid, which is
    // async-signal-safe and touches no memory of the parent.
    unsafe {
        cmd.pre_exec(|| {
            rustix::process::setsid()
                .map(drop)
                .map_err(std::io::Error::from)
        });
    }
    let deadline = Instant::now() + timeout;
    let mut child = cmd.spawn().map_err(|source| ResolveError::Spawn {
        shell: shell.to_path_buf(),
        source,
    })?;
    // The child leads its own session, so its process id is its process group's.
    let group = Pid::from_child(&child);
    let stop = |child: &mut Child| {
        let _ = kill_process_group(group, Signal::KILL);
        let _ = child.kill();
        let _ = child.wait();
    };
    let (Some(mut out), Some(mut err)) = (child.stdout.take(), child.stderr.take()) else {
        stop(&mut child);
        return Err(io_err(std::io::Error::other("no pipe to the shell")));
    };
    let mut stdout = Vec::new();
    let mut stderr = Vec::new();
    let mut open = [true, true];
    let mut chunk = vec![0_u8; 64 << 10];
    let mut exited = None;
    loop {
        if cancel.is_cancelled() {
            stop(&mut child);
            return Err(ResolveError::Cancelled);
        }
        let now = Instant::now();
        if now >= deadline {
            stop(&mut child);
            return Err(ResolveError::Timeout {
                shell: shell.to_path_buf(),
                timeout,
            });
        }
        if exited.is_none() {
            exited = child.try_wait().map_err(io_err)?;
        }
        // Once the shell is gone all it wrote is in the pipes: read what is there and stop,
        // even if a background process it started still holds them open.
        let wait = if exited.is_some() {
            Duration::ZERO
        } else {
            TICK.min(deadline - now)
        };
        let ready = {
            let mut fds = Vec::with_capacity(2);
            if open[0] {
                fds.push(PollFd::new(&out, PollFlags::IN));
            }
            if open[1] {
                fds.push(PollFd::new(&err, PollFlags::IN));
            }
            if fds.is_empty() {
                // Both pipes closed before the shell exited: wait for it without spinning.
                if exited.is_none() {
                    std::thread::sleep(wait);
                }
                Vec::new()
            } else {
                let ts = Timespec::try_from(wait).unwrap_or(Timespec {
                    tv_sec: 0,
                    tv_nsec: 50_000_000,
                });
                match poll(&mut fds, Some(&ts)) {
                    Ok(_) | Err(rustix::io::Errno::INTR) => {}
                    Err(e) => {
                        stop(&mut child);
                        return Err(io_err(e.into()));
                    }
                }
                fds.iter().map(|f| !f.revents().is_empty()).collect()
            }
        };
        let mut read_any = false;
        let mut idx = 0;
        for (which, is_open) in open.iter_mut().enumerate() {
            if !*is_open {
                continue;
            }
            let has_data = ready.get(idx).copied().unwrap_or(false);
            idx += 1;
            if !has_data {
                continue;
            }
            let n = if which == 0 {
                out.read(&mut chunk)
            } else {
                err.read(&mut chunk)
            };
            let n = match n {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    stop(&mut child);
                    return Err(io_err(e));
                }
            };
            if n == 0 {
                *is_open = false;
                continue;
            }
            read_any = true;
            let data = chunk.get(..n).unwrap_or_default();
            if which == 0 {
                let room = STDOUT_CAP.saturating_sub(stdout.len());
                stdout.extend_from_slice(data.get(..room.min(n)).unwrap_or_default());
            } else {
                stderr.extend_from_slice(data);
                if stderr.len() > STDERR_KEEP {
                    stderr.drain(..stderr.len() - STDERR_KEEP);
                }
            }
        }
        if let Some(status) = exited
            && (!read_any || !open.iter().any(|o| *o))
        {
            return Ok(Output {
                stdout,
                stderr,
                success: status.success(),
                status: describe(status),
            });
        }
    }
}

fn describe(status: std::process::ExitStatus) -> String {
    match (status.code(), status.signal()) {
        (Some(code), _) => format!("exit status {code}"),
        (None, Some(sig)) => format!("signal {sig}"),
        (None, None) => status.to_string(),
    }
}
