//! Verifying from the app (issue #4 §6; docs/contract.md "Verify in the app"): thin commands
//! over `gocache_core::verify`.
//!
//! `verify_start` checks the whole cache (or one project's go.sum against it), streaming
//! [`VerifyEvent`]s (bytes hashed of a total known up front, so the UI shows an ETA);
//! starting a verification cancels the one running. The state keeps the last verification's
//! report: `verify_repair` takes ids (`path@version`) of versions that report found broken,
//! refuses any other, removes them through the clean engine (recorded in the audit log) and
//! downloads them again with `go mod download` (`gocache_core::verify::repair`); the UI then
//! verifies again. Every command is a thin
//! wrapper over a function of [`VerifyState`] that the tests call with recording channels.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use gocache_core::clean::{Outcome, PlanOptions};
use gocache_core::discover::{self, Report};
use gocache_core::verify::{self, RepairOptions, RepairReport, VerifyEvent, VerifyReport};
use gocache_core::{CancelToken, env::EnvMap};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

use crate::commands::clean::CleanState;
use crate::error::{CommandError, ErrorCode};
use crate::state::{Config, ScanSlot};

/// `verify_start`'s options.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct VerifyOptions {
    /// Project mode: compare this project's go.sum with the cache and check only the versions
    /// it names (the build cache is not checked). `None`: the whole module and build cache.
    #[serde(default)]
    pub project: Option<PathBuf>,
}

/// Progress of a repair, sent on `verify_repair`'s channel (`{"event", "data"}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum RepairUpdate {
    /// The broken versions are being removed, then downloaded again.
    RepairStarted {
        /// `path@version` of each version.
        versions: Vec<String>,
        /// Whether `go mod download` will run afterwards (Go was found).
        download: bool,
    },
    /// The repair is over (the answer of `verify_repair` follows).
    RepairFinished {
        /// Versions the clean engine removed.
        removed: usize,
        /// Whether the re-download succeeded (`None` when it did not run).
        download_success: Option<bool>,
    },
}

/// The managed state of verification: the running verification's and repair's tokens, and
/// the last verification's report (what a repair may touch). Cheap to clone (shared).
#[derive(Debug, Default, Clone)]
pub struct VerifyState {
    inner: Arc<Inner>,
}

#[derive(Debug, Default)]
struct Inner {
    verify: ScanSlot,
    repair: Mutex<Option<CancelToken>>,
    /// The report of the latest verification that finished, with its generation.
    last: Mutex<Option<(u64, VerifyReport)>>,
}

fn discover(env: &EnvMap) -> Report {
    // With `go env`: project mode explains mismatches with GOPROXY/GOSUMDB/... as Go sees
    // them, and repair needs the `go` binary.
    discover::discover(env, &discover::Options::default())
}

impl VerifyState {
    /// Verifies the discovered caches (or, with `options.project`, that project's go.sum),
    /// sending progress to `on_event`. Cancels a verification already running; a cancelled
    /// run answers with `cancelled: true` and what was checked so far.
    ///
    /// # Errors
    /// `Io`/`PermissionDenied` when the module cache root cannot be listed; project mode:
    /// `Io` (no go.sum), `BadRoot` (malformed go.sum, no module cache).
    pub fn start(
        &self,
        config: &Config,
        options: &VerifyOptions,
        on_event: Channel<VerifyEvent>,
    ) -> Result<VerifyReport, CommandError> {
        let (token, generation) = self.inner.verify.begin();
        let result = verify_with(config, options, &token, on_event);
        self.inner.verify.finish(generation);
        if let Ok(rep) = &result {
            let mut last = self
                .inner
                .last
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
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
        if let Some(t) = self
            .inner
            .repair
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
        {
            t.cancel();
        }
    }

    /// Repairs the versions `ids` (`path@version`) of the last verification's report: each
    /// must be a version that report found broken; they are removed (through the clean engine,
    /// in place, recorded in the audit log) and downloaded again with `go mod download` (in
    /// `project`, which must be the project the verification checked, so its go.sum checks
    /// them; `None`: a private temporary directory).
    ///
    /// # Errors
    /// `NotReported` when no verification finished yet, when `project` is not the project
    /// the last verification checked, or for an id it did not report broken (nothing is
    /// touched); `InvalidModule`; the clean engine's refusals (`BadRoot`, `BadEscape`, ...).
    /// A failed download is part of the answer, not an error.
    pub fn repair(
        &self,
        config: &Config,
        ids: &[String],
        project: Option<&Path>,
        on_event: &Channel<RepairUpdate>,
    ) -> Result<RepairReport, CommandError> {
        let verified = self
            .inner
            .last
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .as_ref()
            .map(|(_, r)| r.clone())
            .ok_or_else(|| {
                CommandError::new(
                    ErrorCode::NotReported,
                    "nothing to repair: no verification has finished yet (verify first)",
                )
            })?;
        // Refused before anything is discovered, announced or removed (the core checks
        // again).
        let verified_project = verified.project.as_ref().map(|p| p.dir.as_path());
        if let Some(p) = project.filter(|p| Some(*p) != verified_project) {
            return Err(verify::RepairError::OtherProject(p.to_path_buf()).into());
        }
        let broken = verify::broken_ids(&verified);
        if let Some(id) = ids.iter().find(|id| !broken.contains(id)) {
            return Err(verify::RepairError::NotReported(id.clone()).into());
        }
        let env = config.env();
        let report = discover(&env);
        let token = CancelToken::new();
        *self.repair_slot() = Some(token.clone());
        let _ = on_event.send(RepairUpdate::RepairStarted {
            versions: ids.to_vec(),
            download: report.go.is_some(),
        });
        let opts = RepairOptions {
            plan: PlanOptions {
                home: gocache_core::os::current().home_dir(&env),
                now: None,
            },
            audit_log: config.audit_log.clone(),
            ..RepairOptions::default()
        };
        let result = verify::repair(&report, &env, &verified, ids, project, &opts, &token);
        *self.repair_slot() = None;
        let rep = result?;
        let _ = on_event.send(RepairUpdate::RepairFinished {
            removed: rep
                .removed
                .iter()
                .filter(|r| r.outcome == Outcome::Removed)
                .count(),
            download_success: rep.download.as_ref().map(|d| d.success),
        });
        Ok(rep)
    }

    fn repair_slot(&self) -> MutexGuard<'_, Option<CancelToken>> {
        self.inner
            .repair
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

/// Discovery then verification over `config`'s environment.
fn verify_with(
    config: &Config,
    options: &VerifyOptions,
    cancel: &CancelToken,
    on_event: Channel<VerifyEvent>,
) -> Result<VerifyReport, CommandError> {
    let report = discover(&config.env());
    let progress = move |event: VerifyEvent| {
        // The window may be gone; progress is best effort.
        let _ = on_event.send(event);
    };
    let opts = verify::Options {
        build: options.project.is_none(),
        ..verify::Options::default()
    };
    Ok(match &options.project {
        Some(dir) => verify::verify_project(&report, dir, &opts, &progress, cancel)?,
        None => verify::verify_cache(&report, &opts, &progress, cancel)?,
    })
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(f).await?
}

/// Verifies the caches (or a project's go.sum against them); cancels a verification running.
#[tauri::command]
pub async fn verify_start(
    state: State<'_, VerifyState>,
    clean: State<'_, CleanState>,
    options: Option<VerifyOptions>,
    on_event: Channel<VerifyEvent>,
) -> Result<gocache_core::redact::Redacted<VerifyReport>, CommandError> {
    // One configuration (environment, directories) per app: the clean state holds it.
    let config = clean.config().clone();
    let s = state.inner().clone();
    let options = options.unwrap_or_default();
    blocking(move || s.start(&config, &options, on_event))
        .await
        .map(gocache_core::redact::Redacted)
}

/// Cancels the running verification (and repair), if any.
#[tauri::command]
pub fn verify_cancel(state: State<'_, VerifyState>) {
    state.cancel();
}

/// Removes the given broken versions of the last verification (ids `path@version`) and
/// downloads them again (see [`VerifyState::repair`]).
#[tauri::command]
pub async fn verify_repair(
    state: State<'_, VerifyState>,
    clean: State<'_, CleanState>,
    ids: Vec<String>,
    project: Option<PathBuf>,
    on_event: Channel<RepairUpdate>,
) -> Result<gocache_core::redact::Redacted<RepairReport>, CommandError> {
    // `go mod download`'s output can name the proxy with its credentials: redacted.
    let config = clean.config().clone();
    let s = state.inner().clone();
    blocking(move || s.repair(&config, &ids, project.as_deref(), &on_event))
        .await
        .map(gocache_core::redact::Redacted)
}
