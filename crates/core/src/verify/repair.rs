//! Repair: removes exactly the broken module versions through the clean engine (Go's lock and
//! `.partial` protocol, deleted in place), then, when Go is installed, downloads them again
//! with `go mod download mod@ver` and returns the command and its output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde::Serialize;

use super::VerifyReport;
use crate::clean::{
    self, ExecOptions, ItemResult, ModuleRef, NoCleanProgress, PlanOptions, Skipped, Target,
};
use crate::discover::Report;
use crate::env::EnvMap;
use crate::{CancelToken, Result};

/// The re-download step of a repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Download {
    /// The command line, as a user would type it.
    pub command: String,
    /// The directory it ran in.
    pub dir: PathBuf,
    /// Its stdout and stderr.
    pub output: String,
    /// Whether it exited 0.
    pub success: bool,
}

/// What [`repair`] did.
#[derive(Debug, Clone, Serialize)]
pub struct RepairReport {
    /// The versions asked for (`path@version`).
    pub versions: Vec<String>,
    /// The clean results, one per removed (or failed) version.
    pub removed: Vec<ItemResult>,
    /// Versions the clean plan left out, and why.
    pub skipped: Vec<Skipped>,
    /// The re-download, when Go is installed and `download` was asked.
    pub download: Option<Download>,
    /// Why no re-download ran, when it did not.
    pub note: Option<String>,
}

/// The broken versions of a verification: every module row with a broken status, plus, in
/// project mode, versions whose cached go.mod was found corrupted.
pub fn broken_versions(rep: &VerifyReport) -> Vec<ModuleRef> {
    let mut out: Vec<ModuleRef> = rep
        .modules
        .iter()
        .filter(|m| m.status.is_broken())
        .map(|m| ModuleRef::new(&m.path, &m.version))
        .collect();
    if let Some(p) = &rep.project {
        for m in &p.mismatches {
            if m.cause == super::Cause::CacheCorrupted {
                out.push(ModuleRef::new(&m.path, &m.version));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Options of [`repair`].
#[derive(Debug, Clone)]
pub struct RepairOptions {
    /// Planning settings of the clean engine (home directory, ...).
    pub plan: PlanOptions,
    /// Run `go mod download` afterwards (when Go is installed).
    pub download: bool,
    /// Time limit for `go mod download`.
    pub download_timeout: Duration,
}

impl Default for RepairOptions {
    fn default() -> Self {
        Self {
            plan: PlanOptions::default(),
            download: true,
            download_timeout: Duration::from_secs(600),
        }
    }
}

/// Removes `versions` from the module cache (deleted in place, no quarantine: a broken copy is
/// not worth keeping) and re-downloads them with `go mod download` in `project` (so go.sum
/// checks them) or in an empty temporary directory. `env` is the user's environment;
/// `GOTOOLCHAIN=local` and `GOFLAGS=-mod=mod` are added.
///
/// # Errors
/// The clean engine's refusals ([`crate::Error::BadRoot`], ...). A failing download is a
/// result ([`Download::success`] false), not an error.
pub fn repair(
    report: &Report,
    env: &EnvMap,
    versions: &[ModuleRef],
    project: Option<&Path>,
    opts: &RepairOptions,
    cancel: &CancelToken,
) -> Result<RepairReport> {
    let labels: Vec<String> = versions
        .iter()
        .map(|v| format!("{}@{}", v.path, v.version))
        .collect();
    let mut out = RepairReport {
        versions: labels.clone(),
        removed: Vec::new(),
        skipped: Vec::new(),
        download: None,
        note: None,
    };
    if versions.is_empty() {
        out.note = Some("nothing to repair".into());
        return Ok(out);
    }
    let target = Target::ModuleVersions {
        versions: versions.to_vec(),
    };
    let plan = clean::plan(report, &[target], &opts.plan, cancel)?;
    out.skipped = plan.skipped.clone();
    let exec_opts = ExecOptions {
        quarantine: false,
        ..ExecOptions::default()
    };
    let exec = clean::execute(report, &plan, &exec_opts, &NoCleanProgress, cancel)?;
    let purge = exec.quarantine.purge(&NoCleanProgress, cancel);
    out.removed = clean::finish(exec.results, &purge).0;

    if !opts.download {
        out.note = Some("re-download not requested".into());
        return Ok(out);
    }
    let Some(go) = report.go.as_ref().map(|g| g.path.clone()) else {
        out.note = Some(
            "Go is not installed here: the versions were removed; the next go build or go mod \
             download fetches them again"
                .into(),
        );
        return Ok(out);
    };
    let tmp;
    let dir = match project {
        Some(p) => p.to_path_buf(),
        None => {
            tmp =
                std::env::temp_dir().join(format!("gocache-doctor-repair-{}", std::process::id()));
            std::fs::create_dir_all(&tmp).map_err(|e| crate::Error::io(&tmp, e))?;
            tmp.clone()
        }
    };
    let mut args = vec!["mod".to_owned(), "download".to_owned()];
    args.extend(labels.iter().cloned());
    out.download = Some(run_go(&go, &args, &dir, env, opts.download_timeout, cancel));
    if project.is_none() {
        let _ = std::fs::remove_dir(&dir);
    }
    Ok(out)
}

fn run_go(
    go: &Path,
    args: &[String],
    dir: &Path,
    env: &EnvMap,
    timeout: Duration,
    cancel: &CancelToken,
) -> Download {
    let command = format!(
        "GOTOOLCHAIN=local GOFLAGS=-mod=mod {} {}",
        go.display(),
        args.join(" ")
    );
    let fail = |output: String| Download {
        command: command.clone(),
        dir: dir.to_path_buf(),
        output,
        success: false,
    };
    let mut cmd = Command::new(go);
    cmd.args(args)
        .current_dir(dir)
        .env_clear()
        .envs(env.iter())
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "-mod=mod")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => return fail(format!("could not start {}: {e}", go.display())),
    };
    let readers: Vec<_> = [
        child
            .stdout
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
        child
            .stderr
            .take()
            .map(|s| Box::new(s) as Box<dyn Read + Send>),
    ]
    .into_iter()
    .flatten()
    .map(|mut r| {
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            // Bounded: go mod download prints a few lines per module.
            let _ = r.by_ref().take(4 << 20).read_to_end(&mut buf);
            String::from_utf8_lossy(&buf).into_owned()
        })
    })
    .collect();
    let started = Instant::now();
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break Some(s),
            Ok(None) if cancel.is_cancelled() || started.elapsed() > timeout => {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break None,
        }
    };
    let mut output: String = readers.into_iter().filter_map(|h| h.join().ok()).collect();
    let success = status.is_some_and(|s| s.success());
    if status.is_none() {
        output.push_str(if cancel.is_cancelled() {
            "\n(cancelled)"
        } else {
            "\n(timed out)"
        });
    }
    Download {
        command,
        dir: dir.to_path_buf(),
        output,
        success,
    }
}
