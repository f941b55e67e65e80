//! Finding and asking the `go` command (`go env -json`), with `GOTOOLCHAIN=local` so the probe
//! never downloads or switches toolchains, and a time limit so a hung `go` cannot hang us.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
    cmd.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().map_err(|e| err(format!("cannot start: {e}")))?;
    let stdout = child.stdout.take();
    let stderr = child.stderr.take();
    let out_reader =
        std::thread::spawn(move || stdout.map(|o| read_pipe(o, usize::MAX)).unwrap_or_default());
    let err_reader =
        std::thread::spawn(move || stderr.map(|o| read_pipe(o, usize::MAX)).unwrap_or_default());
    let start = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(st)) => break st,
            Ok(None) if start.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(err(format!(
                    "did not answer within {} s",
                    timeout.as_secs()
                )));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(err(format!("wait failed: {e}"))),
        }
    };
    let out = out_reader.join().unwrap_or_default();
    let errb = err_reader.join().unwrap_or_default();
    if !status.success() {
        let msg = String::from_utf8_lossy(&errb);
        return Err(err(format!("exited with {status}: {}", msg.trim())));
    }
    serde_json::from_slice(&out).map_err(|e| err(format!("unexpected output: {e}")))
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
