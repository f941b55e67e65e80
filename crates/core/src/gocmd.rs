//! Finding and asking the `go` command (`go env -json`), with `GOTOOLCHAIN=local` so the probe
//! never downloads or switches toolchains, and a time limit so a hung `go` cannot hang us.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::CancelToken;
use crate::env::EnvMap;
use crate::os::OsRules;
use crate::os::host::{Host, System as _};
use crate::{Error, Result};

/// Finds the `go` binary: `go` on `PATH`, else `$GOROOT/bin/go`, else the usual install
/// locations of this OS ([`OsRules::go_install_candidates`]) when `install_locations` is set.
pub fn find_go(env: &EnvMap, rules: &dyn OsRules, install_locations: bool) -> Option<PathBuf> {
    let exe = format!("go{}", rules.exe_suffix());
    if let Some(path) = env.get("PATH") {
        for dir in path.split(rules.list_separator()).filter(|d| !d.is_empty()) {
            let cand = Path::new(dir).join(&exe);
            if is_executable(&cand) {
                return Some(cand);
            }
        }
    }
    if let Some(goroot) = env.get("GOROOT").filter(|v| !v.is_empty()) {
        let cand = Path::new(goroot).join("bin").join(&exe);
        if is_executable(&cand) {
            return Some(cand);
        }
    }
    if !install_locations {
        return None;
    }
    rules
        .go_install_candidates(env)
        .into_iter()
        .find(|c| is_executable(c))
}

fn is_executable(p: &Path) -> bool {
    match std::fs::metadata(p) {
        Ok(m) if m.is_file() => Host::is_executable(&m),
        _ => false,
    }
}

/// The GOROOT a `go` binary belongs to, as Go's `findGOROOT` derives it: the binary's real
/// path (symlinks resolved) two levels up, when that directory has `pkg/tool`. Written as Go
/// writes it: without the `\\?\` prefix canonicalization adds on Windows (which made `go env
/// GOROOT` look different and gave a spurious `go-env-mismatch`).
pub fn goroot_of(go: &Path) -> Option<PathBuf> {
    let real = crate::os::simplified(std::fs::canonicalize(go).ok()?);
    let root = real.parent()?.parent()?;
    root.join("pkg")
        .join("tool")
        .is_dir()
        .then(|| root.to_path_buf())
}

/// Reads a child's stdout or stderr pipe to its end, at most `limit` bytes (the rest is read and
/// dropped, so the child never blocks on a full pipe).
///
/// Through `read` only, never the pipe's own `read_to_end`: on Windows that one reads the
/// overlapped pipe handle synchronously, and when the read is still pending after its wait the
/// standard library aborts the whole process ("I/O error: operation failed to complete
/// synchronously"). Under Wine this happened to the CLI in CI; `read` waits for its completion
/// routine instead and cannot abort.
pub(crate) fn read_pipe(mut pipe: impl Read, limit: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buf = [0u8; 16 * 1024];
    loop {
        match pipe.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => {
                let keep = n.min(limit.saturating_sub(out.len()));
                out.extend_from_slice(&buf[..keep]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(_) => break,
        }
    }
    out
}

/// How a command run by [`run_bounded`] ended.
#[derive(Debug)]
pub(crate) enum Ending {
    /// It exited by itself, with this status.
    Exited(ExitStatus),
    /// It ran past the time limit and was killed.
    TimedOut,
    /// The cancel token fired and it was killed.
    Cancelled,
}

/// What a command run by [`run_bounded`] printed, and how it ended.
#[derive(Debug)]
pub(crate) struct Bounded {
    pub ending: Ending,
    /// Its standard output, at most the limit.
    pub stdout: Vec<u8>,
    /// Its standard error, at most the limit.
    pub stderr: Vec<u8>,
}

/// Why [`run_bounded`] has no [`Bounded`] to give.
#[derive(Debug)]
pub(crate) enum RunError {
    /// The command could not be started.
    Start(std::io::Error),
    /// Asking whether it had exited failed (it was killed).
    Wait(std::io::Error),
}

/// How long [`run_bounded`] waits for the output of a command it killed: a process the
/// command started (git, for `go mod download`) may still hold the pipes open, and then what
/// was read so far is dropped rather than delaying a cancel.
const AFTER_KILL: Duration = Duration::from_millis(250);

/// Runs `cmd` (stdin closed, stdout and stderr piped) and waits for it, killing it when it
/// runs longer than `timeout` or `cancel` fires. Both pipes are read in threads through
/// [`read_pipe`], never std's `read_to_end` (which can abort the process on Windows); at most
/// `limit` bytes of each are kept. The one way the core runs `go` and reads what it says.
///
/// # Errors
/// [`RunError::Start`] when the command does not start, [`RunError::Wait`] when waiting for
/// it fails.
pub(crate) fn run_bounded(
    cmd: &mut Command,
    limit: usize,
    timeout: Duration,
    cancel: Option<&CancelToken>,
) -> std::result::Result<Bounded, RunError> {
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(RunError::Start)?;
    let (tx, rx) = std::sync::mpsc::channel::<(bool, Vec<u8>)>();
    let pipes: [(bool, Option<Box<dyn Read + Send>>); 2] = [
        (true, child.stdout.take().map(|p| Box::new(p) as _)),
        (false, child.stderr.take().map(|p| Box::new(p) as _)),
    ];
    for (is_stdout, pipe) in pipes {
        if let Some(pipe) = pipe {
            let tx = tx.clone();
            std::thread::spawn(move || {
                let _ = tx.send((is_stdout, read_pipe(pipe, limit)));
            });
        }
    }
    drop(tx);
    let start = Instant::now();
    let ending = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Ending::Exited(status),
            Ok(None) => {
                let stop = if cancel.is_some_and(CancelToken::is_cancelled) {
                    Some(Ending::Cancelled)
                } else if start.elapsed() > timeout {
                    Some(Ending::TimedOut)
                } else {
                    None
                };
                if let Some(ending) = stop {
                    let _ = child.kill();
                    let _ = child.wait();
                    break ending;
                }
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(e) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(RunError::Wait(e));
            }
        }
    };
    let killed_at = (!matches!(ending, Ending::Exited(_))).then(Instant::now);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    loop {
        let got = match killed_at {
            None => rx.recv().ok(),
            Some(t) => rx.recv_timeout(AFTER_KILL.saturating_sub(t.elapsed())).ok(),
        };
        match got {
            Some((true, bytes)) => stdout = bytes,
            Some((false, bytes)) => stderr = bytes,
            None => break,
        }
    }
    Ok(Bounded {
        ending,
        stdout,
        stderr,
    })
}

/// Runs `go env -json NAMES...` with `env` as the whole environment plus `GOTOOLCHAIN=local`.
///
/// # Errors
/// [`Error::GoCommand`] when `go` cannot start, exits non-zero, exceeds `timeout`, or prints
/// something that is not a JSON object of strings.
pub fn go_env_json(
    go: &Path,
    env: &EnvMap,
    names: &[&str],
    timeout: Duration,
) -> Result<BTreeMap<String, String>> {
    let err = |message: String| Error::GoCommand {
        program: go.to_path_buf(),
        message,
    };
    let mut cmd = Command::new(go);
    cmd.arg("env").arg("-json").args(names);
    cmd.env_clear();
    for (k, v) in env.iter() {
        cmd.env(k, v);
    }
    cmd.env("GOTOOLCHAIN", "local");
    let out = run_bounded(&mut cmd, usize::MAX, timeout, None).map_err(|e| match e {
        RunError::Start(e) => err(format!("cannot start: {e}")),
        RunError::Wait(e) => err(format!("wait failed: {e}")),
    })?;
    match out.ending {
        Ending::Exited(status) if status.success() => {
            serde_json::from_slice(&out.stdout).map_err(|e| err(format!("unexpected output: {e}")))
        }
        Ending::Exited(status) => {
            let msg = String::from_utf8_lossy(&out.stderr);
            Err(err(format!("exited with {status}: {}", msg.trim())))
        }
        Ending::TimedOut | Ending::Cancelled => Err(err(format!(
            "did not answer within {} s",
            timeout.as_secs()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything up to the limit is kept, the rest is read and dropped.
    #[test]
    fn read_pipe_keeps_at_most_the_limit_and_reads_to_the_end() {
        let data: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(read_pipe(data.as_slice(), usize::MAX), data);
        assert_eq!(read_pipe(data.as_slice(), 20_000), data[..20_000]);
        let mut rest = data.as_slice();
        let _ = read_pipe(&mut rest, 5);
        assert!(rest.is_empty(), "{} bytes left unread", rest.len());
    }

    /// What [`child`] is asked to do.
    const CHILD_VAR: &str = "GOCACHE_DOCTOR_RUN_BOUNDED_CHILD";
    /// What [`child`] prints on stdout when asked to talk: more than a pipe holds.
    const LOUD: usize = 300_000;

    /// The child process of the `run_bounded` tests: not a test of its own (it does nothing
    /// unless one of them started it).
    #[test]
    #[ignore = "the child process the run_bounded tests start; not a test"]
    fn child() {
        use std::io::Write as _;
        match std::env::var(CHILD_VAR).as_deref() {
            Ok("talk") => {
                let mut out = std::io::stdout().lock();
                out.write_all(&vec![b'o'; LOUD])
                    .unwrap_or_else(|e| panic!("{e}"));
                out.flush().unwrap_or_else(|e| panic!("{e}"));
                let mut err = std::io::stderr().lock();
                err.write_all(b"child-stderr")
                    .unwrap_or_else(|e| panic!("{e}"));
                err.flush().unwrap_or_else(|e| panic!("{e}"));
                std::process::exit(3);
            }
            Ok("hang") => std::thread::sleep(Duration::from_secs(120)),
            _ => {}
        }
    }

    /// A command that runs [`child`] in this test binary, asked to do `what`.
    fn child_cmd(what: &str) -> Command {
        let exe = std::env::current_exe().unwrap_or_else(|e| panic!("current_exe: {e}"));
        let mut cmd = Command::new(exe);
        cmd.args(["gocmd::tests::child", "--exact", "--ignored", "--nocapture"])
            .env(CHILD_VAR, what);
        cmd
    }

    /// The status and both outputs of a child that exits by itself; the limit keeps the start
    /// of a long output and the child is not blocked by the rest.
    #[test]
    fn run_bounded_reads_both_pipes_and_the_exit_status() {
        let out = run_bounded(
            &mut child_cmd("talk"),
            usize::MAX,
            Duration::from_secs(60),
            None,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        let Ending::Exited(status) = out.ending else {
            panic!("{:?}", out.ending);
        };
        assert_eq!(status.code(), Some(3));
        let os = out.stdout.iter().filter(|&&b| b == b'o').count();
        assert_eq!(os, LOUD, "stdout: {} bytes", out.stdout.len());
        assert!(String::from_utf8_lossy(&out.stderr).contains("child-stderr"));
        let out = run_bounded(&mut child_cmd("talk"), 1000, Duration::from_secs(60), None)
            .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(out.ending, Ending::Exited(s) if s.code() == Some(3)));
        assert_eq!(out.stdout.len(), 1000);
    }

    /// A child past its time limit, or whose run is cancelled, is killed and said to be.
    #[test]
    fn run_bounded_kills_on_timeout_and_on_cancel() {
        let start = Instant::now();
        let out = run_bounded(
            &mut child_cmd("hang"),
            usize::MAX,
            Duration::from_millis(300),
            None,
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        assert!(matches!(out.ending, Ending::TimedOut), "{:?}", out.ending);
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{:?}",
            start.elapsed()
        );
        let cancel = CancelToken::new();
        let canceller = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                cancel.cancel();
            })
        };
        let start = Instant::now();
        let out = run_bounded(
            &mut child_cmd("hang"),
            usize::MAX,
            Duration::from_secs(600),
            Some(&cancel),
        )
        .unwrap_or_else(|e| panic!("{e:?}"));
        canceller.join().unwrap_or_else(|_| panic!("canceller"));
        assert!(matches!(out.ending, Ending::Cancelled), "{:?}", out.ending);
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "{:?}",
            start.elapsed()
        );
    }

    /// A command that does not exist is a start error, not a panic or a hang.
    #[test]
    fn run_bounded_reports_a_command_that_cannot_start() {
        let mut cmd = Command::new("/nonexistent/gocache-doctor-no-such-program");
        let got = run_bounded(&mut cmd, usize::MAX, Duration::from_secs(5), None);
        assert!(matches!(got, Err(RunError::Start(_))), "{got:?}");
    }

    /// A real GOROOT layout on disk: its GOROOT is the directory as written (no `\\?\` prefix on
    /// Windows), and a binary outside a GOROOT has none.
    #[test]
    fn goroot_of_is_the_plain_directory_two_levels_up() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        // The temp dir itself may sit behind a symlink (macOS /var): compare canonical forms,
        // simplified.
        let base = crate::os::simplified(
            std::fs::canonicalize(dir.path()).unwrap_or_else(|e| panic!("canonicalize: {e}")),
        );
        let root = base.join("goroot");
        let go = root
            .join("bin")
            .join(format!("go{}", std::env::consts::EXE_SUFFIX));
        std::fs::create_dir_all(root.join("pkg").join("tool"))
            .unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::create_dir_all(root.join("bin")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(&go, b"").unwrap_or_else(|e| panic!("write: {e}"));
        let got = goroot_of(&go);
        assert_eq!(got.as_deref(), Some(root.as_path()));
        let shown = got.map(|p| p.display().to_string()).unwrap_or_default();
        assert!(!shown.starts_with(r"\\?\"), "{shown}");

        std::fs::remove_dir_all(root.join("pkg")).unwrap_or_else(|e| panic!("rm: {e}"));
        assert_eq!(goroot_of(&go), None);
    }
}
