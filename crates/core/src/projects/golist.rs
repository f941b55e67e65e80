//! Asking `go list -m -json all` for a project's build list, without ever downloading
//! (`GOPROXY=off`, `GOTOOLCHAIN=local`) and without ever writing the user's files: a module is
//! listed with `-mod=mod -modfile=<copy of go.mod>` in a temporary directory (Go then also
//! reads and writes the copy's `go.sum`), a workspace with `-mod=readonly`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::Deserialize;

use crate::CancelToken;
use crate::env::EnvMap;

/// One module of `go list -m -json` output (the fields we use).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct Listed {
    pub path: String,
    #[serde(default)]
    pub version: Option<String>,
    #[serde(default)]
    pub main: bool,
    #[serde(default)]
    pub replace: Option<ListedReplace>,
}

/// The `Replace` field of a listed module.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct ListedReplace {
    pub path: String,
    #[serde(default)]
    pub version: Option<String>,
}

/// Why `go list` gave no answer.
#[derive(Debug)]
pub(crate) enum ListError {
    Cancelled,
    Failed(String),
}

/// Parses the concatenated JSON objects `go list -m -json` prints.
pub(crate) fn parse_listing(out: &[u8]) -> Result<Vec<Listed>, String> {
    serde_json::Deserializer::from_slice(out)
        .into_iter::<Listed>()
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("unexpected go list output: {e}"))
}

/// Lists the build list of the module in `dir` (ignoring any go.work).
pub(crate) fn list_module(
    go: &Path,
    env: &EnvMap,
    dir: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<Vec<Listed>, ListError> {
    let tmp = TempDir::new().map_err(|e| ListError::Failed(format!("temporary dir: {e}")))?;
    let modfile = tmp.0.join("go.mod");
    std::fs::copy(dir.join("go.mod"), &modfile)
        .map_err(|e| ListError::Failed(format!("copying go.mod: {e}")))?;
    match std::fs::copy(dir.join("go.sum"), tmp.0.join("go.sum")) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(ListError::Failed(format!("copying go.sum: {e}"))),
    }
    let mut modfile_arg = std::ffi::OsString::from("-modfile=");
    modfile_arg.push(&modfile);
    let mut cmd = command(go, env, dir, "-mod=mod");
    cmd.env("GOWORK", "off")
        .arg("list")
        .arg(modfile_arg)
        .args(["-m", "-json", "all"]);
    run(cmd, go, timeout, cancel)
}

/// Lists the build list of the workspace whose `go.work` is in `dir`.
pub(crate) fn list_workspace(
    go: &Path,
    env: &EnvMap,
    dir: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<Vec<Listed>, ListError> {
    let mut cmd = command(go, env, dir, "-mod=readonly");
    cmd.env("GOWORK", dir.join("go.work"))
        .args(["list", "-m", "-json", "all"]);
    run(cmd, go, timeout, cancel)
}

fn command(go: &Path, env: &EnvMap, dir: &Path, mod_flag: &str) -> Command {
    let mut cmd = Command::new(go);
    cmd.current_dir(dir).env_clear();
    for (k, v) in env.iter() {
        cmd.env(k, v);
    }
    cmd.env("GOFLAGS", mod_flag)
        .env("GOPROXY", "off")
        .env("GOSUMDB", "off")
        .env("GOTOOLCHAIN", "local");
    cmd
}

fn run(
    mut cmd: Command,
    go: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<Vec<Listed>, ListError> {
    use crate::gocmd::{Ending, RunError, run_bounded};
    let out = run_bounded(&mut cmd, usize::MAX, timeout, Some(cancel)).map_err(|e| match e {
        RunError::Start(e) => ListError::Failed(format!("cannot start {}: {e}", go.display())),
        RunError::Wait(e) => ListError::Failed(format!("waiting for go list: {e}")),
    })?;
    match out.ending {
        Ending::Exited(status) if status.success() => {
            parse_listing(&out.stdout).map_err(ListError::Failed)
        }
        Ending::Exited(status) => {
            let msg = String::from_utf8_lossy(&out.stderr);
            let first: String = msg.trim().lines().take(5).collect::<Vec<_>>().join("; ");
            Err(ListError::Failed(format!(
                "go list failed ({status}): {first}"
            )))
        }
        Ending::Cancelled => Err(ListError::Cancelled),
        Ending::TimedOut => Err(ListError::Failed(format!(
            "go list did not finish within {} s",
            timeout.as_secs()
        ))),
    }
}

/// A private temporary directory, removed on drop.
struct TempDir(PathBuf);

impl TempDir {
    fn new() -> std::io::Result<Self> {
        static N: AtomicU64 = AtomicU64::new(0);
        let base = std::env::temp_dir();
        loop {
            let p = base.join(format!(
                "gocache-doctor-golist-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::Relaxed)
            ));
            match std::fs::create_dir(&p) {
                Ok(()) => return Ok(Self(p)),
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(e) => return Err(e),
            }
        }
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_json_stream() {
        let out = br#"{
	"Path": "example.com/app",
	"Main": true,
	"Dir": "/src/app",
	"GoMod": "/src/app/go.mod",
	"GoVersion": "1.22"
}
{
	"Path": "golang.org/x/text",
	"Version": "v0.14.0",
	"Indirect": true,
	"Dir": "/m/golang.org/x/text@v0.14.0"
}
{
	"Path": "example.com/old",
	"Version": "v1.0.0",
	"Replace": {"Path": "example.com/new", "Version": "v1.5.0"}
}
{
	"Path": "example.com/local",
	"Version": "v1.0.0",
	"Replace": {"Path": "../local", "Dir": "/src/local"}
}
"#;
        let l = parse_listing(out).unwrap();
        assert_eq!(l.len(), 4);
        assert!(l[0].main);
        assert_eq!(l[0].version, None);
        assert_eq!(l[1].version.as_deref(), Some("v0.14.0"));
        assert_eq!(
            l[2].replace.as_ref().unwrap().version.as_deref(),
            Some("v1.5.0")
        );
        assert_eq!(l[3].replace.as_ref().unwrap().version, None);
        assert!(parse_listing(b"").unwrap().is_empty());
        assert!(parse_listing(b"{\"Path\": 3}").is_err());
        assert!(parse_listing(b"go: not json").is_err());
    }
}
