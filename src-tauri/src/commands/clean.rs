//! Cleaning from the app (issue #3 §3, §5, §6, §8; docs/contract.md "Clean in the app").
//!
//! Plans live here and the UI holds their ids, so the preview and the execution use one
//! [`Plan`]. `clean_execute` quarantines every item and returns at once; a background thread
//! then holds the quarantine for the undo window, purges it (stoppable between items, so Undo
//! works until the purge ends), merges the purge into the results and appends the audit entry.
//! Every command is a thin wrapper over a function of [`CleanState`] that the tests call with
//! recording channels.

use std::collections::{HashMap, VecDeque};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use gocache_core::clean::{
    self, CleanEvent, ExecOptions, ItemResult, Outcome, Plan, PlanOptions, PurgeReport, Quarantine,
    Target, audit, elevate,
};
use gocache_core::discover::{self, CacheKind, Report};
use gocache_core::{CancelToken, NoProgress, projects, scan};
use serde::{Deserialize, Serialize};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::{CommandError, ErrorCode};
use crate::state::Config;

/// How many plans are kept.
pub const KEPT_PLANS: usize = 8;
/// How many finished runs are remembered (to answer `NotUndoable` rather than `UnknownRun`).
const KEPT_RUNS: usize = 64;

/// Progress and outcome of a clean, sent on the `on_event` channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", content = "data", rename_all = "camelCase")]
#[cfg_attr(test, derive(ts_rs::TS))]
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

/// `clean_plan`'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct PlannedClean {
    /// The id `clean_execute` takes.
    pub id: String,
    /// What will be removed.
    pub plan: Plan,
}

/// The state of a run as `clean_execute` returns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum RunState {
    /// In the undo window.
    Holding,
    /// Purging (still undoable for the items not started).
    Purging,
    /// Over.
    Done,
}

/// `clean_execute` / `clean_elevated`'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CleanRun {
    /// The run, for `clean_undo` and `clean_purge_now`.
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
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct UndoFailure {
    /// Where it should have gone back to.
    pub path: PathBuf,
    /// Why it could not.
    pub error: String,
}

/// `clean_undo`'s answer (also the `undone` event).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "UndoReport"))]
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

/// `clean_history`'s answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "CleanHistory"))]
pub struct History {
    /// Newest first.
    pub entries: Vec<audit::Entry>,
    /// Lines of the log that could not be read.
    pub bad_lines: usize,
}

/// What `select_modules` selects.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SelectCriteria"))]
pub enum Criteria {
    /// Versions no project under the roots uses.
    Unused {
        /// Directories holding Go projects.
        roots: Vec<PathBuf>,
    },
    /// Versions not modified for `days` days.
    OlderThan {
        /// Age in days.
        days: u64,
    },
    /// All but the latest `n` versions of each module.
    KeepLatest {
        /// Versions kept per module.
        n: usize,
    },
}

/// A selected module version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "SelectedVersion"))]
pub struct Version {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
}

/// `select_modules`' answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS), ts(rename = "Selection"))]
pub struct ModuleSelection {
    /// The versions, sorted by path then version.
    pub versions: Vec<Version>,
    /// Projects read (for `unused`).
    pub projects: usize,
    /// Problems that did not stop the selection.
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Holding,
    Purging,
    Done,
    Undone,
}

#[derive(Debug)]
struct RunInner {
    phase: Phase,
    purge_now: bool,
    undo_requested: bool,
    undo_reply: Option<UndoReply>,
}

/// A run in its undo window or purge; the worker thread owns the quarantine.
#[derive(Debug)]
struct Run {
    inner: Mutex<RunInner>,
    cond: Condvar,
    /// Stops the purge between items (set by Undo).
    stop: CancelToken,
}

impl Run {
    fn new(phase: Phase) -> Self {
        Self {
            inner: Mutex::new(RunInner {
                phase,
                purge_now: false,
                undo_requested: false,
                undo_reply: None,
            }),
            cond: Condvar::new(),
            stop: CancelToken::new(),
        }
    }

    fn lock(&self) -> MutexGuard<'_, RunInner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[derive(Debug)]
struct Shared {
    config: Config,
    plans: Mutex<VecDeque<(String, Arc<Plan>)>>,
    runs: Mutex<VecDeque<(String, Arc<Run>)>>,
    executing: Mutex<HashMap<u64, CancelToken>>,
    seq: AtomicU64,
}

/// The managed state of cleaning: kept plans, runs, the running execution's token.
#[derive(Debug, Clone)]
pub struct CleanState {
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

fn not_undoable(run_id: &str) -> CommandError {
    CommandError::new(
        ErrorCode::NotUndoable,
        format!(
            "clean {run_id} can no longer be undone: its purge has finished (or it was already \
             undone), so there is nothing left to put back. Go downloads or rebuilds what it \
             needs again."
        ),
    )
}

fn unknown_run(run_id: &str) -> CommandError {
    CommandError::new(
        ErrorCode::UnknownRun,
        format!(
            "there is no clean {run_id:?} in this session of the app; refresh the view and try \
             again"
        ),
    )
}

impl CleanState {
    /// A state with `config`.
    pub fn new(config: Config) -> Self {
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
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    fn next(&self) -> u64 {
        self.shared.seq.fetch_add(1, Ordering::Relaxed) + 1
    }

    fn discover(&self) -> Report {
        discover::discover(&self.config().env(), &discover::Options::default())
    }

    fn plan_by_id(&self, id: &str) -> Result<Arc<Plan>, CommandError> {
        lock(&self.shared.plans)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, p)| Arc::clone(p))
            .ok_or_else(|| {
                CommandError::new(
                    ErrorCode::UnknownPlan,
                    format!(
                        "the preview {id:?} has expired (the app keeps the last {KEPT_PLANS}); \
                         open the clean dialog again to see a fresh one"
                    ),
                )
            })
    }

    fn run_by_id(&self, id: &str) -> Result<Arc<Run>, CommandError> {
        lock(&self.shared.runs)
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, r)| Arc::clone(r))
            .ok_or_else(|| unknown_run(id))
    }

    fn add_run(&self, id: &str, run: &Arc<Run>) {
        let mut runs = lock(&self.shared.runs);
        runs.push_back((id.to_owned(), Arc::clone(run)));
        while runs.len() > KEPT_RUNS {
            // Forget the oldest finished run; live runs stay reachable for Undo.
            let Some(pos) = runs
                .iter()
                .position(|(_, r)| matches!(r.lock().phase, Phase::Done | Phase::Undone))
            else {
                break;
            };
            runs.remove(pos);
        }
    }

    fn audit(&self, targets: &[Target], results: &[ItemResult], bytes_freed: u64) {
        if let Some(path) = &self.config().audit_log {
            let entry = audit::Entry {
                time: unix_secs(),
                targets: targets.to_vec(),
                bytes_freed,
                outcomes: results.to_vec(),
            };
            // The clean itself succeeded; a log that cannot be written must not undo that.
            let _ = audit::append(path, &entry);
        }
    }

    /// Plans `targets` against a fresh discovery and keeps the plan.
    ///
    /// # Errors
    /// `BadRoot` when a cache root looks wrong, `BadEscape`, `Io`, as [`clean::plan`].
    pub fn plan(&self, targets: &[Target]) -> Result<PlannedClean, CommandError> {
        let env = self.config().env();
        let report = discover::discover(&env, &discover::Options::default());
        let opts = PlanOptions {
            home: gocache_core::os::current().home_dir(&env),
            now: None,
        };
        let plan = clean::plan(&report, targets, &opts, &CancelToken::new())?;
        let id = format!("plan-{}", self.next());
        let mut plans = lock(&self.shared.plans);
        plans.push_back((id.clone(), Arc::new(plan.clone())));
        while plans.len() > KEPT_PLANS {
            plans.pop_front();
        }
        Ok(PlannedClean { id, plan })
    }

    /// Executes the plan `plan_id`: quarantines (or deletes in place) every item, then holds
    /// the quarantine for the undo window on a background thread that purges it afterwards.
    ///
    /// # Errors
    /// `UnknownPlan`; `BadRoot` when the caches changed so that the plan is refused.
    pub fn execute(
        &self,
        plan_id: &str,
        on_event: Channel<CleanUpdate>,
    ) -> Result<CleanRun, CommandError> {
        let plan = self.plan_by_id(plan_id)?;
        let report = self.discover();
        let token = CancelToken::new();
        let key = self.next();
        lock(&self.shared.executing).insert(key, token.clone());
        let events = on_event.clone();
        let progress = move |e: CleanEvent| {
            let update = match e {
                CleanEvent::ItemStarted { index, label } => {
                    CleanUpdate::ItemStarted { index, label }
                }
                CleanEvent::ItemFinished { index, outcome } => {
                    CleanUpdate::ItemFinished { index, outcome }
                }
                CleanEvent::Purged { done, total, bytes } => {
                    CleanUpdate::Purged { done, total, bytes }
                }
            };
            // The window may be gone; progress is best effort.
            let _ = events.send(update);
        };
        let opts = ExecOptions {
            lock_timeout: self.config().lock_timeout,
            holder_lookup: Some(gocache_core::locks::holder_lookup()),
            ..ExecOptions::default()
        };
        let exec = clean::execute(&report, &plan, &opts, &progress, &token);
        lock(&self.shared.executing).remove(&key);
        let exec = exec?;
        let run_id = format!("run-{}", self.next());
        let quarantined_bytes = exec.quarantine.bytes();
        if exec.quarantine.is_empty() {
            let (results, freed) = clean::finish(exec.results, &PurgeReport::default());
            self.audit(&plan.targets, &results, freed);
            self.add_run(&run_id, &Arc::new(Run::new(Phase::Done)));
            let _ = on_event.send(CleanUpdate::PurgeFinished {
                run_id: run_id.clone(),
                results: results.clone(),
                bytes_freed: freed,
            });
            return Ok(CleanRun {
                run_id,
                plan_id: plan_id.to_owned(),
                results,
                quarantined_bytes: 0,
                undo_deadline_ms: None,
                state: RunState::Done,
            });
        }
        let window = self.config().undo_window;
        let zero = window.is_zero();
        let run = Arc::new(Run::new(if zero { Phase::Purging } else { Phase::Holding }));
        self.add_run(&run_id, &run);
        let deadline_ms = unix_ms() + u64::try_from(window.as_millis()).unwrap_or(u64::MAX);
        let worker = Worker {
            state: self.clone(),
            run: Arc::clone(&run),
            run_id: run_id.clone(),
            targets: plan.targets.clone(),
            results: exec.results.clone(),
            channel: on_event,
        };
        let quarantine = exec.quarantine;
        let deadline = Instant::now() + window;
        std::thread::Builder::new()
            .name(format!("clean-{run_id}"))
            .spawn(move || worker.run(quarantine, deadline))
            .map_err(|e| {
                CommandError::new(
                    ErrorCode::Internal,
                    format!(
                        "cannot start the purge ({e}); the items are in quarantine and are \
                         purged at the next start"
                    ),
                )
            })?;
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

    /// Stops every running `execute`: the items not started come back `failed`/`cancelled`.
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
    pub fn undo(&self, run_id: &str) -> Result<UndoReply, CommandError> {
        let run = self.run_by_id(run_id)?;
        let mut g = run.lock();
        if matches!(g.phase, Phase::Done | Phase::Undone) {
            return Err(not_undoable(run_id));
        }
        if g.undo_requested {
            // A second Undo while the first is running: the same answer.
            while g.undo_reply.is_none() {
                g = run.cond.wait(g).unwrap_or_else(PoisonError::into_inner);
            }
            return g.undo_reply.clone().ok_or_else(|| not_undoable(run_id));
        }
        g.undo_requested = true;
        run.stop.cancel();
        run.cond.notify_all();
        while g.undo_reply.is_none() {
            g = run.cond.wait(g).unwrap_or_else(PoisonError::into_inner);
        }
        g.undo_reply.clone().ok_or_else(|| not_undoable(run_id))
    }

    /// Ends the undo window of `run_id` now (nothing to do once its purge started).
    ///
    /// # Errors
    /// `UnknownRun`.
    pub fn purge_now(&self, run_id: &str) -> Result<(), CommandError> {
        let run = self.run_by_id(run_id)?;
        run.lock().purge_now = true;
        run.cond.notify_all();
        Ok(())
    }

    /// The audit log, newest first, at most `limit` entries.
    ///
    /// # Errors
    /// `Io` when the log exists but cannot be read.
    pub fn history(&self, limit: usize) -> Result<History, CommandError> {
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

    /// Module versions matching `criteria`, from a fresh scan of the module cache.
    ///
    /// # Errors
    /// `BadRoot`/`Parse`/`Io` from reading the projects (`unused`).
    pub fn select_modules(&self, criteria: &Criteria) -> Result<ModuleSelection, CommandError> {
        let env = self.config().env();
        let report = discover::discover(&env, &discover::Options::default());
        let Some(mc) = report.cache(CacheKind::Modcache).filter(|c| c.exists) else {
            return Ok(ModuleSelection {
                versions: Vec::new(),
                projects: 0,
                warnings: vec!["no module cache was found".into()],
            });
        };
        let cancel = CancelToken::new();
        let scanned = scan::scan(
            std::slice::from_ref(mc),
            &scan::Options::default(),
            &NoProgress,
            &cancel,
        );
        let rows = scanned.modules;
        let mut projects_read = 0;
        let mut warnings = Vec::new();
        let selection = match criteria {
            Criteria::Unused { roots } => {
                if roots.is_empty() {
                    return Err(CommandError::new(
                        ErrorCode::BadRoot,
                        "choose at least one project folder to find the unused versions",
                    ));
                }
                let opts = projects::Options {
                    go: report.go.as_ref().map(|g| g.path.clone()),
                    env: env.clone(),
                    ..projects::Options::default()
                };
                let used = projects::used_versions(roots, &opts, &cancel).map_err(|e| {
                    CommandError::new(e.code(), format!("reading the projects: {e}"))
                })?;
                projects_read = used.projects.len();
                warnings.extend(
                    used.warnings
                        .iter()
                        .map(|w| format!("{}: {}", w.path.display(), w.message)),
                );
                if used.projects.is_empty() {
                    warnings.push(
                        "no Go project (go.mod or go.work) was found under the chosen folders; \
                         every version counts as unused"
                            .into(),
                    );
                }
                projects::unused(&rows, &used)
            }
            Criteria::OlderThan { days } => projects::older_than(&rows, *days, unix_secs()),
            Criteria::KeepLatest { n } => projects::keep_latest(&rows, *n),
        };
        Ok(ModuleSelection {
            versions: selection
                .versions
                .into_iter()
                .map(|v| Version {
                    path: v.path,
                    version: v.version,
                })
                .collect(),
            projects: projects_read,
            warnings,
        })
    }

    /// Runs plan `plan_id` with administrator rights: the app's own binary, elevated, deletes
    /// in place (no undo) and reports back through a file.
    ///
    /// # Errors
    /// `UnknownPlan`; `ElevationUnavailable` (no elevation program, no polkit agent, ...);
    /// `ElevationDenied` (the user refused); `BadRoot` when the elevated process refused the
    /// plan.
    pub fn elevated(
        &self,
        plan_id: &str,
        on_event: Channel<CleanUpdate>,
    ) -> Result<CleanRun, CommandError> {
        let plan = self.plan_by_id(plan_id)?;
        let unavailable = |m: String| CommandError::new(ErrorCode::ElevationUnavailable, m);
        let tmp = tempfile::Builder::new()
            .prefix("gocache-doctor-elevated-")
            .tempdir()
            .map_err(|e| unavailable(format!("cannot create a temporary directory: {e}")))?;
        // The request's own directory is private from its creation (0700; on Windows a
        // protected DACL given to CreateDirectoryW), never opened up in between.
        let dir = tmp.path().join("request");
        elevate::create_private_dir(&dir)
            .map_err(|e| unavailable(format!("cannot create {}: {e}", dir.display())))?;
        let request = dir.join("request.json");
        let report = dir.join("report.json");
        // A request only its user can have written: 0600 in the 0700 directory, with the
        // cache variables only (the elevated half takes nothing else from it).
        let mut req = elevate::Request::new((*plan).clone(), &self.config().env());
        req.lock_timeout_secs = self.config().lock_timeout.as_secs();
        elevate::write_request(&request, &req)
            .map_err(|e| unavailable(format!("cannot write {}: {e}", request.display())))?;
        let exe = match &self.config().exe {
            Some(p) => p.clone(),
            None => std::env::current_exe()
                .map_err(|e| unavailable(format!("cannot find the app's own binary: {e}")))?,
        };
        let elevator = &self.config().elevator;
        let inv = elevate::invocation(elevator, &exe, &request, &report).map_err(unavailable)?;
        let output = inv.command().output().map_err(|e| {
            unavailable(format!(
                "cannot start {}: {e}. {}",
                inv.program.to_string_lossy(),
                elevation_hint()
            ))
        })?;
        let stderr = String::from_utf8_lossy(&output.stderr);
        let out = match elevate::read_report(&report) {
            Ok(out) => out,
            Err(_) => {
                let code = output.status.code();
                let why = match code {
                    Some(c) => format!("exit code {c}"),
                    None => "killed".into(),
                };
                let detail = stderr.trim();
                return Err(match elevate::classify_failure(elevator, code, &stderr) {
                    elevate::Failure::Denied => CommandError::new(
                        ErrorCode::ElevationDenied,
                        "administrator rights were not granted, so nothing was deleted; \
                             retry and enter an administrator's password, or run the fix \
                             command shown"
                            .to_owned(),
                    ),
                    elevate::Failure::Unavailable => unavailable(format!(
                        "the elevated clean did not run ({why}{}{detail}). {}",
                        if detail.is_empty() { "" } else { ": " },
                        elevation_hint()
                    )),
                });
            }
        };
        if let Some(e) = out.error {
            return Err(CommandError::new(
                ErrorCode::BadRoot,
                format!("the elevated clean refused the plan: {e}"),
            ));
        }
        self.audit(&plan.targets, &out.results, out.bytes_freed);
        let run_id = format!("run-{}", self.next());
        self.add_run(&run_id, &Arc::new(Run::new(Phase::Done)));
        let _ = on_event.send(CleanUpdate::PurgeFinished {
            run_id: run_id.clone(),
            results: out.results.clone(),
            bytes_freed: out.bytes_freed,
        });
        Ok(CleanRun {
            run_id,
            plan_id: plan_id.to_owned(),
            results: out.results,
            quarantined_bytes: 0,
            undo_deadline_ms: None,
            state: RunState::Done,
        })
    }
}

fn elevation_hint() -> &'static str {
    if cfg!(target_os = "linux") {
        "Elevation needs pkexec and a polkit agent (install the `pkexec` package); otherwise \
         run the fix command shown in a terminal."
    } else {
        "Run the fix command shown in a terminal instead."
    }
}

/// The background half of a run: the undo window, then the purge.
struct Worker {
    state: CleanState,
    run: Arc<Run>,
    run_id: String,
    targets: Vec<Target>,
    results: Vec<ItemResult>,
    channel: Channel<CleanUpdate>,
}

impl Worker {
    fn run(self, quarantine: Quarantine, deadline: Instant) {
        let mut g = self.run.lock();
        while !g.undo_requested && !g.purge_now {
            let now = Instant::now();
            if now >= deadline {
                break;
            }
            g = self
                .run
                .cond
                .wait_timeout(g, deadline - now)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
        if g.undo_requested {
            drop(g);
            self.undo(quarantine, &PurgeReport::default());
            return;
        }
        g.phase = Phase::Purging;
        drop(g);
        let total = quarantine.items().len();
        let _ = self.channel.send(CleanUpdate::PurgeStarted {
            run_id: self.run_id.clone(),
            total,
        });
        let events = self.channel.clone();
        let progress = move |e: CleanEvent| {
            if let CleanEvent::Purged { done, total, bytes } = e {
                let _ = events.send(CleanUpdate::Purged { done, total, bytes });
            }
        };
        let (purged, rest) = quarantine.purge_until(&progress, &self.run.stop);
        if !rest.is_empty() {
            self.undo(rest, &purged);
            return;
        }
        let (results, freed) = clean::finish(self.results.clone(), &purged);
        self.state.audit(&self.targets, &results, freed);
        // The event goes out before the run is marked done, so a caller that Undo or the
        // window's end wakes has it already.
        let _ = self.channel.send(CleanUpdate::PurgeFinished {
            run_id: self.run_id.clone(),
            results,
            bytes_freed: freed,
        });
        let mut g = self.run.lock();
        g.phase = Phase::Done;
        if g.undo_requested {
            // Undo came while the last items were purging: nothing was left to put back.
            g.undo_reply = Some(UndoReply {
                run_id: self.run_id.clone(),
                restored: 0,
                superseded: 0,
                already_purged: purged.items.len(),
                failures: Vec::new(),
            });
        }
        self.run.cond.notify_all();
    }

    /// Puts `held` back; `purged` is what the purge already deleted.
    fn undo(&self, held: Quarantine, purged: &PurgeReport) {
        let items = held.items();
        let rep = held.undo(&CancelToken::new());
        let failures: Vec<UndoFailure> = rep
            .failures
            .iter()
            .map(|(path, error)| UndoFailure {
                path: path.clone(),
                error: error.clone(),
            })
            .collect();
        let (mut results, _) = clean::finish(self.results.clone(), purged);
        for i in items {
            let Some(r) = results.get_mut(i) else {
                continue;
            };
            let failed = failures.iter().find(|f| f.path.starts_with(&r.path));
            match failed {
                Some(f) => {
                    r.note = Some(format!(
                        "Undo could not put it back ({}); it stays in quarantine and is purged \
                         at the next start",
                        f.error
                    ));
                }
                None => {
                    r.outcome = Outcome::Skipped;
                    r.cause = None;
                    r.detail = None;
                    r.bytes = 0;
                    r.note = Some("restored by Undo".into());
                }
            }
        }
        let freed = results
            .iter()
            .filter(|r| r.outcome == Outcome::Removed)
            .map(|r| r.bytes)
            .sum();
        self.state.audit(&self.targets, &results, freed);
        let reply = UndoReply {
            run_id: self.run_id.clone(),
            restored: rep.restored,
            superseded: rep.superseded,
            already_purged: purged.items.len(),
            failures,
        };
        // The event first: `CleanState::undo` returns as soon as the reply is set.
        let _ = self.channel.send(CleanUpdate::Undone(reply.clone()));
        let mut g = self.run.lock();
        g.phase = Phase::Undone;
        g.undo_reply = Some(reply);
        self.run.cond.notify_all();
    }
}

async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(f).await?
}

/// Plans a clean of `targets` against a fresh discovery; nothing is deleted.
#[tauri::command]
pub async fn clean_plan(
    state: State<'_, CleanState>,
    targets: Vec<Target>,
) -> Result<PlannedClean, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.plan(&targets)).await
}

/// Executes a kept plan (see [`CleanState::execute`]).
#[tauri::command]
pub async fn clean_execute(
    state: State<'_, CleanState>,
    plan_id: String,
    on_event: Channel<CleanUpdate>,
) -> Result<CleanRun, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.execute(&plan_id, on_event)).await
}

/// Undoes a run until its purge ends.
#[tauri::command]
pub async fn clean_undo(
    state: State<'_, CleanState>,
    run_id: String,
) -> Result<UndoReply, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.undo(&run_id)).await
}

/// Ends a run's undo window now.
#[tauri::command]
pub fn clean_purge_now(state: State<'_, CleanState>, run_id: String) -> Result<(), CommandError> {
    state.purge_now(&run_id)
}

/// Stops a running `clean_execute`.
#[tauri::command]
pub fn clean_cancel(state: State<'_, CleanState>) {
    state.cancel();
}

/// Runs a kept plan with administrator rights, in place.
#[tauri::command]
pub async fn clean_elevated(
    state: State<'_, CleanState>,
    plan_id: String,
    on_event: Channel<CleanUpdate>,
) -> Result<CleanRun, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.elevated(&plan_id, on_event)).await
}

/// The audit log, newest first.
#[tauri::command]
pub async fn clean_history(
    state: State<'_, CleanState>,
    limit: usize,
) -> Result<History, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.history(limit)).await
}

/// Module versions matching `criteria`.
#[tauri::command]
pub async fn select_modules(
    state: State<'_, CleanState>,
    criteria: Criteria,
) -> Result<ModuleSelection, CommandError> {
    let s = state.inner().clone();
    blocking(move || s.select_modules(&criteria)).await
}

/// Elevated mode of the app's binary: `--elevated-clean <request> --report <report>` (see
/// [`elevate::run`]). Returns the exit code, or `None` when `args` are not that.
pub fn elevated_main(args: &[std::ffi::OsString]) -> Option<i32> {
    let (request, report) = elevate::parse_args(args)?;
    Some(elevate::run(&request, &report))
}
