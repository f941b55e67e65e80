//! Verification as the app runs it (issue #4 §6; docs/contract.md "Verify in the app"): one
//! verification at a time (starting one cancels the one running), and the last finished
//! report, which is all a repair may touch. The app's commands only translate IPC to and from
//! [`VerifySession`].
//!
//! [`VerifySession::repair`] takes ids (`path@version`) of versions the last report found
//! broken, refuses any other (and a project other than the one verified) before anything is
//! discovered, announced or removed, then removes them through the clean engine (recorded in
//! the audit log) and downloads them again ([`super::repair`]).

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use serde::{Deserialize, Serialize};

use super::{RepairError, RepairOptions, RepairReport, VerifyEvent, VerifyReport};
use crate::clean::{Outcome, PlanOptions};
use crate::discover::{self, Report};
use crate::env::EnvMap;
use crate::{CancelSlot, CancelToken, Result};

/// [`VerifySession::start`]'s options (the app's `verify_start` argument).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct VerifyOptions {
    /// Project mode: compare this project's go.sum with the cache and check only the versions
    /// it names (the build cache is not checked). `None`: the whole module and build cache.
    #[serde(default)]
    pub project: Option<PathBuf>,
    /// Project mode: also compare the go.sum lines the cache cannot confirm with what the
    /// proxy serves (GOPROXY; the network for an `http(s)` proxy).
    #[serde(default)]
    pub compare_proxy: bool,
}

/// Progress of a repair (`{"event", "data"}` on the app's `verify_repair` channel).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RepairUpdate {
    /// The broken versions are being removed, then downloaded again.
    RepairStarted {
        /// `path@version` of each version.
        versions: Vec<String>,
        /// Whether `go mod download` will run afterwards (Go was found).
        download: bool,
    },
    /// The repair is over (the answer of the repair follows).
    RepairFinished {
        /// Versions the clean engine removed.
        removed: usize,
        /// Whether the re-download succeeded (`None` when it did not run).
        download_success: Option<bool>,
    },
}

/// The running verification's and repair's tokens and the last verification's report. Cheap
/// to clone (shared).
#[derive(Debug, Default, Clone)]
pub struct VerifySession {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    verify: CancelSlot,
    repair: Mutex<Option<CancelToken>>,
    /// The report of the latest verification that finished, with its generation.
    last: Mutex<Option<(u64, VerifyReport)>>,
}

/// Discovery with `go env`: project mode explains mismatches with GOPROXY/GOSUMDB/... as Go
/// sees them, and repair needs the `go` binary.
fn discover(env: &EnvMap) -> Report {
    discover::discover(env, &discover::Options::default())
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

impl VerifySession {
    /// Verifies the caches discovered over `env` (or, with `options.project`, that project's
    /// go.sum), sending progress to `progress`. Cancels a verification already running; a
    /// cancelled run answers with `cancelled: true` and what was checked so far. The report
    /// is kept for [`VerifySession::repair`] unless a newer verification finished first.
    ///
    /// # Errors
    /// `Io`/`PermissionDenied` when the module cache root cannot be listed; project mode:
    /// `Io` (no go.sum), `BadRoot` (malformed go.sum, no module cache).
    pub fn start(
        &self,
        env: &EnvMap,
        options: &VerifyOptions,
        progress: &(dyn Fn(VerifyEvent) + Send + Sync),
    ) -> Result<VerifyReport> {
        let (token, generation) = self.inner.verify.begin();
        let result = verify_with(env, options, &token, progress);
        self.inner.verify.finish(generation);
        if let Ok(rep) = &result {
            let mut last = lock(&self.inner.last);
            // A run that was superseded and finishes late does not replace a newer report.
            if last.as_ref().is_none_or(|(g, _)| *g < generation) {
                *last = Some((generation, rep.clone()));
            }
        }
        result
    }

    /// Cancels the running verification and repair, if any.
    pub fn cancel(&self) {
        self.inner.verify.cancel();
        if let Some(t) = lock(&self.inner.repair).as_ref() {
            t.cancel();
        }
    }

    /// Repairs the versions `ids` (`path@version`) of the last verification's report: each
    /// must be a version that report found broken; they are removed (through the clean engine,
    /// in place, recorded in `audit_log`) and downloaded again with `go mod download` (in
    /// `project`, which must be the project the verification checked, so its go.sum checks
    /// them; `None`: a private temporary directory).
    ///
    /// # Errors
    /// [`RepairError::NothingVerified`] when no verification finished yet;
    /// [`RepairError::OtherProject`] when `project` is not the project the last verification
    /// checked; [`RepairError::NotReported`] for an id it did not report broken (nothing is
    /// touched); `InvalidModule`; the clean engine's refusals (`BadRoot`, `BadEscape`, ...).
    /// A failed download is part of the answer, not an error.
    pub fn repair(
        &self,
        env: &EnvMap,
        audit_log: Option<PathBuf>,
        ids: &[String],
        project: Option<&Path>,
        on_update: &(dyn Fn(RepairUpdate) + Send + Sync),
    ) -> std::result::Result<RepairReport, RepairError> {
        let verified = lock(&self.inner.last)
            .as_ref()
            .map(|(_, r)| r.clone())
            .ok_or(RepairError::NothingVerified)?;
        // Refused before anything is discovered, announced or removed (the core checks
        // again).
        let verified_project = verified.project.as_ref().map(|p| p.dir.as_path());
        if let Some(p) = project.filter(|p| Some(*p) != verified_project) {
            return Err(RepairError::OtherProject(p.to_path_buf()));
        }
        let broken = super::broken_ids(&verified);
        if let Some(id) = ids.iter().find(|id| !broken.contains(id)) {
            return Err(RepairError::NotReported(id.clone()));
        }
        let report = discover(env);
        let token = CancelToken::new();
        *lock(&self.inner.repair) = Some(token.clone());
        on_update(RepairUpdate::RepairStarted {
            versions: ids.to_vec(),
            download: report.go.is_some(),
        });
        let opts = RepairOptions {
            plan: PlanOptions {
                home: crate::os::current().home_dir(env),
                now: None,
            },
            audit_log,
            ..RepairOptions::default()
        };
        let result = super::repair(&report, env, &verified, ids, project, &opts, &token);
        *lock(&self.inner.repair) = None;
        let rep = result?;
        on_update(RepairUpdate::RepairFinished {
            removed: rep
                .removed
                .iter()
                .filter(|r| r.outcome == Outcome::Removed)
                .count(),
            download_success: rep.download.as_ref().map(|d| d.success),
        });
        Ok(rep)
    }
}

/// Discovery then verification over `env`.
fn verify_with(
    env: &EnvMap,
    options: &VerifyOptions,
    cancel: &CancelToken,
    progress: &(dyn Fn(VerifyEvent) + Send + Sync),
) -> Result<VerifyReport> {
    let report = discover(env);
    let progress = |event: VerifyEvent| progress(event);
    let opts = super::Options {
        build: options.project.is_none(),
        env: Some(env.clone()),
        compare_proxy: options.compare_proxy,
        ..super::Options::default()
    };
    match &options.project {
        Some(dir) => super::verify_project(&report, dir, &opts, &progress, cancel),
        None => super::verify_cache(&report, &opts, &progress, cancel),
    }
}
