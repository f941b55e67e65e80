//! Repair: removes exactly the broken module versions a verification reported, through the
//! clean engine (Go's lock and `.partial` protocol, deleted in place, recorded in the audit
//! log), then, when Go is installed, downloads them again with `go mod download -- mod@ver`
//! and returns the command and its output.
//!
//! What may be repaired is decided here, not by the caller: only ids of versions the given
//! [`VerifyReport`] found broken, with module paths and versions Go accepts; anything else is
//! refused before a file is touched.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use serde::Serialize;

use super::{Msg, VerifyReport};
use crate::CancelToken;
use crate::clean::{
    self, ExecOptions, ItemResult, ModuleRef, NoCleanProgress, PlanOptions, Skipped, Target, audit,
};
use crate::discover::Report;
use crate::env::EnvMap;
use crate::gocmd::{Ending, RunError, run_bounded};
use crate::os::host::{Host, System as _};

/// The re-download step of a repair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Download {
    /// The command line, as a user would type it.
    pub command: String,
    /// The directory it ran in.
    #[serde(serialize_with = "crate::pathser::serialize")]
    pub dir: PathBuf,
    /// Its stdout and stderr.
    pub output: String,
    /// Whether it exited 0.
    pub success: bool,
}

/// What [`repair`] did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct RepairReport {
    /// The versions asked for (`path@version`).
    pub versions: Vec<String>,
    /// The clean results, one per removed (or failed) version.
    pub removed: Vec<ItemResult>,
    /// Versions the clean plan left out, and why.
    pub skipped: Vec<Skipped>,
    /// The re-download, when Go is installed and `download` was asked.
    pub download: Option<Download>,
    /// Why no re-download ran, when it did not (the English of `note_msg`).
    pub note: Option<String>,
    /// `note` as a message, for the app to show in the user's language.
    pub note_msg: Option<Msg>,
    /// Why the audit entry could not be written, when it could not.
    pub audit_error: Option<String>,
}

impl RepairReport {
    /// Sets the note (its message and its English).
    fn set_note(&mut self, id: &str) {
        let msg = Msg::new(id, &[]);
        self.note = Some(msg.english());
        self.note_msg = Some(msg);
    }
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

/// The id of a module version in a [`VerifyReport`]: `path@version` ([`super::ModuleResult::label`]).
pub fn id_of(path: &str, version: &str) -> String {
    format!("{path}@{version}")
}

/// The ids ([`id_of`]) of [`broken_versions`]: what [`repair`] accepts for this report.
pub fn broken_ids(rep: &VerifyReport) -> Vec<String> {
    broken_versions(rep)
        .iter()
        .map(|v| id_of(&v.path, &v.version))
        .collect()
}

/// Why [`repair`] refused to start. Nothing was removed when it returns one of these.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RepairError {
    /// No verification has finished yet, so nothing is known to be broken.
    #[error("nothing to repair: no verification has finished yet (verify first)")]
    NothingVerified,
    /// An id that the verification given did not report as broken (a healthy version, one it
    /// did not examine, or no such version).
    #[error(
        "{0} was not reported broken by the last verification: only versions it found broken \
         are repaired (verify again first)"
    )]
    NotReported(String),
    /// A reported version whose module path or version Go would not accept (a name Go never
    /// writes): it is never passed to a command.
    #[error("{0:?} is not a valid module path and version: refused")]
    InvalidModule(String),
    /// The project to download in is not the project the verification checked.
    #[error(
        "{} is not the project the last verification checked: verify it first",
        .0.display()
    )]
    OtherProject(PathBuf),
    /// The clean engine's refusals ([`crate::Error::BadRoot`], ...).
    #[error(transparent)]
    Core(#[from] crate::Error),
}

impl RepairError {
    /// A short machine-readable code (`NotReported`, `InvalidModule`, or the core error's).
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::NotReported(_) | Self::NothingVerified => crate::ErrorCode::NotReported,
            Self::InvalidModule(_) => crate::ErrorCode::InvalidModule,
            Self::OtherProject(_) => crate::ErrorCode::NotReported,
            Self::Core(e) => e.code(),
        }
    }
}

/// Whether `path` is a module path Go accepts ([`crate::modpath::check_path`], the port of
/// `golang.org/x/mod/module.CheckPath`).
pub fn valid_module_path(path: &str) -> bool {
    crate::modpath::check_path(path).is_ok()
}

/// Whether `version` is a canonical module version ([`crate::modpath::check_version`]:
/// `module.CanonicalVersion(v) == v`, pseudo-versions included).
pub fn valid_module_version(version: &str) -> bool {
    crate::modpath::check_version(version).is_ok()
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
    /// The audit log to append what the repair removed to ([`crate::clean::audit`]); `None`
    /// writes none.
    pub audit_log: Option<PathBuf>,
}

impl Default for RepairOptions {
    fn default() -> Self {
        Self {
            plan: PlanOptions::default(),
            download: true,
            download_timeout: Duration::from_secs(600),
            audit_log: None,
        }
    }
}

/// Repairs the versions `ids` ([`id_of`]) of `verified`, which must all be broken versions of
/// that report ([`broken_ids`]), with valid module paths and versions: removes them from the
/// module cache (deleted in place, no quarantine: a broken copy is not worth keeping), appends
/// what was removed to [`RepairOptions::audit_log`], and re-downloads them with
/// `go mod download -- <path@version>...` in `project` (so its go.sum checks them; it must be
/// the project `verified` checked) or, with `None`, in a fresh private temporary directory. `env` is the user's environment;
/// `GOTOOLCHAIN=local` and `GOFLAGS=-mod=mod` are added.
///
/// # Errors
/// [`RepairError::NotReported`], [`RepairError::InvalidModule`] and
/// [`RepairError::OtherProject`] before anything is touched; the clean engine's refusals. A failing download is a result
/// ([`Download::success`] false), not an error.
pub fn repair(
    report: &Report,
    env: &EnvMap,
    verified: &VerifyReport,
    ids: &[String],
    project: Option<&Path>,
    opts: &RepairOptions,
    cancel: &CancelToken,
) -> std::result::Result<RepairReport, RepairError> {
    if let Some(p) = project
        && verified.project.as_ref().map(|v| v.dir.as_path()) != Some(p)
    {
        return Err(RepairError::OtherProject(p.to_path_buf()));
    }
    let broken = broken_versions(verified);
    let mut versions: Vec<ModuleRef> = Vec::new();
    for id in ids {
        let Some(v) = broken.iter().find(|v| id_of(&v.path, &v.version) == *id) else {
            return Err(RepairError::NotReported(id.clone()));
        };
        if !valid_module_path(&v.path) || !valid_module_version(&v.version) {
            return Err(RepairError::InvalidModule(id.clone()));
        }
        if !versions.contains(v) {
            versions.push(v.clone());
        }
    }
    let labels: Vec<String> = versions
        .iter()
        .map(|v| id_of(&v.path, &v.version))
        .collect();
    let mut out = RepairReport {
        versions: labels.clone(),
        removed: Vec::new(),
        skipped: Vec::new(),
        download: None,
        note: None,
        note_msg: None,
        audit_error: None,
    };
    if versions.is_empty() {
        out.set_note("repair.nothing");
        return Ok(out);
    }
    let target = Target::ModuleVersions {
        versions: versions.clone(),
    };
    let plan = clean::plan(report, std::slice::from_ref(&target), &opts.plan, cancel)?;
    out.skipped = plan.skipped.clone();
    let exec_opts = ExecOptions {
        quarantine: false,
        ..ExecOptions::default()
    };
    let exec = clean::execute(report, &plan, &exec_opts, &NoCleanProgress, cancel)?;
    let purge = exec.quarantine.purge(&NoCleanProgress, cancel);
    let (removed, freed) = clean::finish(exec.results, &purge);
    out.removed = removed;
    if let (Some(log), false) = (&opts.audit_log, plan.items.is_empty()) {
        let targets = [target];
        if let Err(e) = audit::record(log, plan.created, &targets, &out.removed, freed) {
            out.audit_error = Some(e.to_string());
        }
    }

    if !opts.download {
        out.set_note("repair.no-download");
        return Ok(out);
    }
    let Some(go) = report.go.as_ref().map(|g| g.path.clone()) else {
        out.set_note("repair.no-go");
        return Ok(out);
    };
    // A fresh directory only this user can enter (0700, unpredictable name), removed after:
    // nobody can plant a go.mod in it or swap it for a link.
    let tmp;
    let dir = match project {
        Some(p) => p.to_path_buf(),
        None => {
            let mut builder = tempfile::Builder::new();
            builder.prefix("gocache-doctor-repair-");
            Host::owner_only(&mut builder);
            tmp = builder
                .tempdir()
                .map_err(|e| crate::Error::io(std::env::temp_dir(), e))?;
            tmp.path().to_path_buf()
        }
    };
    // `--` ends go's flags: nothing after it is read as one (the labels are validated anyway).
    let mut args = vec!["mod".to_owned(), "download".to_owned(), "--".to_owned()];
    args.extend(labels.iter().cloned());
    out.download = Some(run_go(&go, &args, &dir, env, opts.download_timeout, cancel));
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
        .env("GOFLAGS", "-mod=mod");
    // Bounded: go mod download prints a few lines per module.
    let out = match run_bounded(&mut cmd, 4 << 20, timeout, Some(cancel)) {
        Ok(out) => out,
        Err(RunError::Start(e)) => return fail(format!("could not start {}: {e}", go.display())),
        Err(RunError::Wait(e)) => return fail(format!("waiting for {}: {e}", go.display())),
    };
    let mut output = String::from_utf8_lossy(&out.stdout).into_owned();
    output.push_str(&String::from_utf8_lossy(&out.stderr));
    let success = matches!(out.ending, Ending::Exited(s) if s.success());
    match out.ending {
        Ending::Exited(_) => {}
        Ending::Cancelled => output.push_str("\n(cancelled)"),
        Ending::TimedOut => output.push_str("\n(timed out)"),
    }
    Download {
        command,
        dir: dir.to_path_buf(),
        output,
        success,
    }
}
