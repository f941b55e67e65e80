//! A clean session as the app runs it (issue #3 §3, §5, §6, §8; docs/contract.md "Clean in the
//! app"): plans kept by id, runs with an undo window and a background purge, the history, the
//! module selection and the elevated run. The app's commands only translate IPC to and from
//! this type.
//!
//! Plans live here and the caller holds their ids, so the preview and the execution use one
//! [`Plan`]. [`CleanSession::execute`] quarantines every item and returns at once; a background
//! thread then holds the quarantine for the undo window, purges it (stoppable between items,
//! so Undo works until the purge ends), merges the purge into the results and appends the
//! audit entry ([`audit::record`]). Progress goes to an [`UpdateSink`] the caller gives.

mod elevated;
#[cfg(test)]
mod tests;
mod worker;

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde::Serialize;

use super::elevate::Elevator;
use super::select::{self, Criteria, ModuleSelection, SelectError};
use super::{
    CleanEvent, ExecOptions, ItemResult, Outcome, Plan, PlanOptions, PurgeReport, Target, audit,
};
use crate::discover::{self, Report};
use crate::env::EnvMap;
use crate::{CancelToken, Error};
use worker::{Phase, Run, Worker};

/// How many plans are kept.
pub const KEPT_PLANS: usize = 8;
/// How many finished runs are remembered (to answer `NotUndoable` rather than `UnknownRun`).
const KEPT_RUNS: usize = 64;

/// The variable overriding the undo window, in seconds.
pub const UNDO_SECONDS_VAR: &str = "GOCACHE_DOCTOR_UNDO_SECONDS";
/// The undo window when [`UNDO_SECONDS_VAR`] is unset or unusable.
pub const DEFAULT_UNDO_WINDOW: Duration = Duration::from_secs(10);
/// The longest undo window [`UNDO_SECONDS_VAR`] may ask for (one day): the quarantine holds the
/// cache's space meanwhile, and deadlines are computed by adding it to `Instant::now()`.
pub const MAX_UNDO_WINDOW: Duration = Duration::from_secs(24 * 60 * 60);

/// The undo window for the value of [`UNDO_SECONDS_VAR`]: seconds (fractions allowed), clamped
/// to at most [`MAX_UNDO_WINDOW`]; [`DEFAULT_UNDO_WINDOW`] when unset, not a number, negative,
/// NaN or infinite. Never panics (`Duration::from_secs_f64` does on huge values).
pub fn undo_window_from(value: Option<&str>) -> Duration {
    let Some(secs) = value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
    else {
        return DEFAULT_UNDO_WINDOW;
    };
    if secs >= MAX_UNDO_WINDOW.as_secs_f64() {
        MAX_UNDO_WINDOW
    } else {
        Duration::try_from_secs_f64(secs).unwrap_or(DEFAULT_UNDO_WINDOW)
    }
}

/// Progress and outcome of a clean, as the app sends them on `clean_execute`'s channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CleanUpdate {
    /// An item is being quarantined (or deleted in place).
    ItemStarted {
        /// Index in the plan's items.
        index: usize,
        /// Its label.
        label: String,
    },
    /// An item is gone for Go (or skipped, or failed).
    ItemFinished {
        /// Index in the plan's items.
        index: usize,
        /// How it ended.
        outcome: Outcome,
    },
    /// The undo window ended; the purge starts.
    PurgeStarted {
        /// The run.
        run_id: String,
        /// Items to purge.
        total: usize,
    },
    /// One more item purged.
    Purged {
        /// Items purged so far.
        done: usize,
        /// Items to purge.
        total: usize,
        /// Bytes freed so far.
        bytes: u64,
    },
    /// The run is over: the final results, as appended to the audit log.
    PurgeFinished {
        /// The run.
        run_id: String,
        /// One result per plan item.
        results: Vec<ItemResult>,
        /// Bytes freed.
        bytes_freed: u64,
    },
    /// Undo put the held items back.
    Undone(UndoReply),
}

impl From<CleanEvent> for CleanUpdate {
    fn from(e: CleanEvent) -> Self {
        match e {
            CleanEvent::ItemStarted { index, label } => Self::ItemStarted { index, label },
            CleanEvent::ItemFinished { index, outcome } => Self::ItemFinished { index, outcome },
            CleanEvent::Purged { done, total, bytes } => Self::Purged { done, total, bytes },
        }
    }
}

/// Where a session sends its [`CleanUpdate`]s (from the caller's thread and from the purge
/// thread). Best effort: the receiver may be gone.
pub type UpdateSink = Arc<dyn Fn(CleanUpdate) + Send + Sync>;

/// The environment caches are discovered with, asked afresh for every operation.
pub type EnvSource = Arc<dyn Fn() -> EnvMap + Send + Sync>;

/// [`CleanSession::plan`]'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct PlannedClean {
    /// The id [`CleanSession::execute`] takes.
    pub id: String,
    /// What will be removed.
    pub plan: Plan,
}

/// The state of a run as [`CleanSession::execute`] returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum RunState {
    /// In the undo window.
    Holding,
    /// Purging (still undoable for the items not started).
    Purging,
    /// Over.
    Done,
}

/// [`CleanSession::execute`] / [`CleanSession::elevated`]'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CleanRun {
    /// The run, for [`CleanSession::undo`] and [`CleanSession::purge_now`].
    pub run_id: String,
    /// The plan it ran.
    pub plan_id: String,
    /// One result per plan item (quarantined items are `removed`: gone for Go).
    pub results: Vec<ItemResult>,
    /// Bytes held in quarantine, freed by the purge.
    pub quarantined_bytes: u64,
    /// When the undo window ends (Unix ms); `None` when nothing is held.
    pub undo_deadline_ms: Option<u64>,
    /// Where the run is.
    pub state: RunState,
}

/// One entry Undo could not move back.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct UndoFailure {
    /// Where it should have gone back to.
    pub path: PathBuf,
    /// Why it could not.
    pub error: String,
}

/// [`CleanSession::undo`]'s answer (also the `undone` update).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "UndoReport"))]
pub struct UndoReply {
    /// The run.
    pub run_id: String,
    /// Entries moved back.
    pub restored: usize,
    /// Entries Go had re-created meanwhile (their quarantined copy was purged).
    pub superseded: usize,
    /// Items whose purge had already started (they finished purging).
    pub already_purged: usize,
    /// Entries that could not go back (they stay in quarantine, purged at the next start).
    pub failures: Vec<UndoFailure>,
}

/// [`CleanSession::history`]'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "CleanHistory"))]
pub struct History {
    /// Newest first.
    pub entries: Vec<audit::Entry>,
    /// Lines of the log that could not be read.
    pub bad_lines: usize,
}

/// Why a session operation failed. [`SessionError::code`] is the code the app sends.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SessionError {
    /// No kept plan has this id.
    #[error(
        "the preview {0:?} has expired (the app keeps the last {KEPT_PLANS}); open the clean \
         dialog again to see a fresh one"
    )]
    UnknownPlan(String),
    /// No run of this session has this id.
    #[error("there is no clean {0:?} in this session of the app; refresh the view and try again")]
    UnknownRun(String),
    /// The run's purge finished, or it was undone already.
    #[error(
        "clean {0} can no longer be undone: its purge has finished (or it was already undone), \
         so there is nothing left to put back. Go downloads or rebuilds what it needs again."
    )]
    NotUndoable(String),
    /// The elevated run could not start or did not run (the message says why and what to do).
    #[error("{0}")]
    ElevationUnavailable(String),
    /// The user refused the elevation.
    #[error(
        "administrator rights were not granted, so nothing was deleted; retry and enter an \
         administrator's password, or run the fix command shown"
    )]
    ElevationDenied,
    /// The elevated process refused the plan (the caches changed).
    #[error("the elevated clean refused the plan: {0}")]
    ElevatedRefused(String),
    /// The purge thread could not start.
    #[error(
        "cannot start the purge ({0}); the items are in quarantine and are purged at the next \
         start"
    )]
    PurgeThread(#[source] std::io::Error),
    /// Planning, executing or reading the history failed.
    #[error(transparent)]
    Clean(#[from] Error),
    /// Selecting module versions failed.
    #[error(transparent)]
    Select(#[from] SelectError),
}

impl SessionError {
    /// The machine-readable code: `UnknownPlan`, `UnknownRun`, `NotUndoable`,
    /// `ElevationUnavailable`, `ElevationDenied`, `BadRoot` (refused plan), `Internal`, or the
    /// wrapped error's.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::UnknownPlan(_) => crate::ErrorCode::UnknownPlan,
            Self::UnknownRun(_) => crate::ErrorCode::UnknownRun,
            Self::NotUndoable(_) => crate::ErrorCode::NotUndoable,
            Self::ElevationUnavailable(_) => crate::ErrorCode::ElevationUnavailable,
            Self::ElevationDenied => crate::ErrorCode::ElevationDenied,
            Self::ElevatedRefused(_) => crate::ErrorCode::BadRoot,
            Self::PurgeThread(_) => crate::ErrorCode::Internal,
            Self::Clean(e) => e.code(),
            Self::Select(e) => e.code(),
        }
    }
}

/// What a session works with.
#[derive(Clone)]
pub struct SessionConfig {
    /// The environment caches are discovered with.
    pub env: EnvSource,
    /// The audit log; `None`: nothing is logged.
    pub audit_log: Option<PathBuf>,
    /// How long a clean stays undoable before its purge starts.
    pub undo_window: Duration,
    /// Who elevates [`CleanSession::elevated`].
    pub elevator: Elevator,
    /// The binary started elevated; `None` means `std::env::current_exe()`.
    pub exe: Option<PathBuf>,
    /// How long to wait for Go's lock of a module version.
    pub lock_timeout: Duration,
}

impl std::fmt::Debug for SessionConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionConfig")
            .field("audit_log", &self.audit_log)
            .field("undo_window", &self.undo_window)
            .field("elevator", &self.elevator)
            .field("exe", &self.exe)
            .field("lock_timeout", &self.lock_timeout)
            .finish_non_exhaustive()
    }
}

#[derive(Debug)]
struct Shared {
    config: SessionConfig,
    plans: Mutex<VecDeque<(String, Arc<Plan>)>>,
    runs: Mutex<VecDeque<(String, Arc<Run>)>>,
    executing: Mutex<HashMap<u64, CancelToken>>,
    seq: AtomicU64,
}

/// Kept plans, runs in their undo window or purge, and the running executions' tokens. Cheap
/// to clone (shared).
#[derive(Debug, Clone)]
pub struct CleanSession {
    shared: Arc<Shared>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

fn unix_secs() -> i64 {
    i64::try_from(unix_ms() / 1000).unwrap_or(i64::MAX)
}

/// Appends the audit entry of a run to `log`, if any. The clean itself succeeded; a log that
/// cannot be written must not undo that.
fn record(log: Option<&PathBuf>, targets: &[Target], results: &[ItemResult], bytes_freed: u64) {
    if let Some(path) = log {
        let _ = audit::record(path, unix_secs(), targets, results, bytes_freed);
    }
}

impl CleanSession {
    /// A session with `config` and nothing kept yet.
    pub fn new(config: SessionConfig) -> Self {
        Self {
            shared: Arc::new(Shared {
                config,
                plans: Mutex::new(VecDeque::new()),
                runs: Mutex::new(VecDeque::new()),
                executing: Mutex::new(HashMap::new()),
                seq: AtomicU64::new(0),
            }),
        }
    }

    /// The configuration.
    pub fn config(&self) -> &SessionConfig {
        &self.shared.config
    }

    fn env(&self) -> EnvMap {
        (self.config().env)()
    }

    fn next(&self) -> u64 {
        self.shared.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn discover(&self, env: &EnvMap) -> Report {
        discover::discover(env, &discover::Options::default())
    }

    fn plan_by_id(&self, id: &str) -> Result<Arc<Plan>, SessionError> {
        lock(&self.shared.plans)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, p)| Arc::clone(p))
            .ok_or_else(|| SessionError::UnknownPlan(id.to_owned()))
    }

    fn run_by_id(&self, id: &str) -> Result<Arc<Run>, SessionError> {
        lock(&self.shared.runs)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, r)| Arc::clone(r))
            .ok_or_else(|| SessionError::UnknownRun(id.to_owned()))
    }

    fn add_run(&self, id: &str, run: &Arc<Run>) {
        let mut runs = lock(&self.shared.runs);
        runs.push_back((id.to_owned(), Arc::clone(run)));
        while runs.len() > KEPT_RUNS {
            // Forget the oldest finished run; live runs stay reachable for Undo.
            let Some(pos) = runs.iter().position(|(_, r)| r.is_over()) else {
                break;
            };
            runs.remove(pos);
        }
    }

    /// A run that is over at once (nothing held): logged, remembered, announced.
    fn finished_run(
        &self,
        plan_id: &str,
        targets: &[Target],
        results: Vec<ItemResult>,
        bytes_freed: u64,
        sink: &UpdateSink,
    ) -> CleanRun {
        record(
            self.config().audit_log.as_ref(),
            targets,
            &results,
            bytes_freed,
        );
        let run_id = format!("run-{}", self.next());
        self.add_run(&run_id, &Arc::new(Run::new(Phase::Done)));
        sink(CleanUpdate::PurgeFinished {
            run_id: run_id.clone(),
            results: results.clone(),
            bytes_freed,
        });
        CleanRun {
            run_id,
            plan_id: plan_id.to_owned(),
            results,
            quarantined_bytes: 0,
            undo_deadline_ms: None,
            state: RunState::Done,
        }
    }

    /// Plans `targets` against a fresh discovery and keeps the plan.
    ///
    /// # Errors
    /// `BadRoot` when a cache root looks wrong, `BadEscape`, `Io`, as [`super::plan`].
    pub fn plan(&self, targets: &[Target]) -> Result<PlannedClean, SessionError> {
        let env = self.env();
        let report = self.discover(&env);
        let opts = PlanOptions {
            home: crate::os::current().home_dir(&env),
            now: None,
        };
        let plan = super::plan(&report, targets, &opts, &CancelToken::new())?;
        let id = format!("plan-{}", self.next());
        let mut plans = lock(&self.shared.plans);
        plans.push_back((id.clone(), Arc::new(plan.clone())));
        while plans.len() > KEPT_PLANS {
            plans.pop_front();
        }
        Ok(PlannedClean { id, plan })
    }

    /// The processes holding what the kept plan `plan_id` would remove, probed now against a
    /// fresh discovery ([`crate::locks::find_holders_of_plan`]): the clean dialog asks each
    /// time it shows a preview, so it never names holders of other files nor stale ones.
    ///
    /// # Errors
    /// `UnknownPlan`; the probe's failure.
    pub fn plan_holders(&self, plan_id: &str) -> Result<crate::locks::LocksReport, SessionError> {
        let plan = self.plan_by_id(plan_id)?;
        let report = self.discover(&self.env());
        let probe = crate::locks::system_probe();
        Ok(crate::locks::find_holders_of_plan(
            &plan,
            &report,
            probe.as_ref(),
            &CancelToken::new(),
        )?)
    }

    /// Executes the plan `plan_id`: quarantines (or deletes in place) every item, then holds
    /// the quarantine for the undo window on a background thread that purges it afterwards.
    /// `cancel` (or [`CleanSession::cancel`]) stops the execution between items.
    ///
    /// # Errors
    /// `UnknownPlan`; `BadRoot` when the caches changed so that the plan is refused.
    pub fn execute(
        &self,
        plan_id: &str,
        sink: UpdateSink,
        cancel: &CancelToken,
    ) -> Result<CleanRun, SessionError> {
        let plan = self.plan_by_id(plan_id)?;
        let report = self.discover(&self.env());
        let key = self.next();
        lock(&self.shared.executing).insert(key, cancel.clone());
        let events = Arc::clone(&sink);
        let progress = move |e: CleanEvent| events(CleanUpdate::from(e));
        let opts = ExecOptions {
            lock_timeout: self.config().lock_timeout,
            holder_lookup: Some(crate::locks::holder_lookup()),
            ..ExecOptions::default()
        };
        let exec = super::execute(&report, &plan, &opts, &progress, cancel);
        lock(&self.shared.executing).remove(&key);
        let exec = exec?;
        if exec.quarantine.is_empty() {
            let (results, freed) = super::finish(exec.results, &PurgeReport::default());
            return Ok(self.finished_run(plan_id, &plan.targets, results, freed, &sink));
        }
        let run_id = format!("run-{}", self.next());
        let quarantined_bytes = exec.quarantine.bytes();
        let window = self.config().undo_window;
        let zero = window.is_zero();
        let run = Arc::new(Run::new(if zero { Phase::Purging } else { Phase::Holding }));
        self.add_run(&run_id, &run);
        let deadline_ms = unix_ms() + u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let worker = Worker {
            audit_log: self.config().audit_log.clone(),
            run,
            run_id: run_id.clone(),
            targets: plan.targets.clone(),
            results: exec.results.clone(),
            sink,
        };
        let quarantine = exec.quarantine;
        let deadline = Instant::now() + window;
        std::thread::Builder::new()
            .name(format!("clean-{run_id}"))
            .spawn(move || worker.run(quarantine, deadline))
            .map_err(SessionError::PurgeThread)?;
        Ok(CleanRun {
            run_id,
            plan_id: plan_id.to_owned(),
            results: exec.results,
            quarantined_bytes,
            undo_deadline_ms: Some(deadline_ms),
            state: if zero {
                RunState::Purging
            } else {
                RunState::Holding
            },
        })
    }

    /// Stops every running [`CleanSession::execute`]: the items not started come back
    /// `failed`/`cancelled`.
    pub fn cancel(&self) {
        for t in lock(&self.shared.executing).values() {
            t.cancel();
        }
    }

    /// Undoes run `run_id`: during the undo window everything held goes back; during the
    /// purge the items not started go back. Waits until that is done.
    ///
    /// # Errors
    /// `UnknownRun`; `NotUndoable` once the run is done or undone.
    pub fn undo(&self, run_id: &str) -> Result<UndoReply, SessionError> {
        self.run_by_id(run_id)?
            .undo()
            .ok_or_else(|| SessionError::NotUndoable(run_id.to_owned()))
    }

    /// Ends the undo window of `run_id` now (nothing to do once its purge started).
    ///
    /// # Errors
    /// `UnknownRun`.
    pub fn purge_now(&self, run_id: &str) -> Result<(), SessionError> {
        self.run_by_id(run_id)?.purge_now();
        Ok(())
    }

    /// The audit log, newest first, at most `limit` entries.
    ///
    /// # Errors
    /// `Io` when the log exists but cannot be read.
    pub fn history(&self, limit: usize) -> Result<History, SessionError> {
        let Some(path) = &self.config().audit_log else {
            return Ok(History {
                entries: Vec::new(),
                bad_lines: 0,
            });
        };
        let log = audit::read(path)?;
        Ok(History {
            entries: log.entries.into_iter().rev().take(limit).collect(),
            bad_lines: log.bad_lines,
        })
    }

    /// Module versions matching `criteria`, from a fresh discovery and scan of the module
    /// cache ([`select::select_modules`] with this one criterion and no module filter).
    ///
    /// # Errors
    /// `BadRoot`/`Parse`/`Io` from reading the projects (`unused`).
    pub fn select_modules(&self, criteria: &Criteria) -> Result<ModuleSelection, SessionError> {
        let env = self.env();
        let report = self.discover(&env);
        Ok(select::select_modules(
            &report,
            &env,
            std::slice::from_ref(criteria),
            &[],
            &CancelToken::new(),
        )?)
    }
}
