//! Cleaning from the app (issue #3 §3, §5, §6, §8; docs/contract.md "Clean in the app"): IPC
//! glue over [`CleanSession`], which owns the plans, the runs with their undo window and purge,
//! the history, the module selection and the elevated run. The commands only forward
//! arguments, turn the `on_event` channel into the session's [`UpdateSink`] and map errors.

use std::sync::Arc;

use gocache_core::CancelToken;
use gocache_core::clean::Target;
use gocache_core::clean::elevate;
pub use gocache_core::clean::select::{Criteria, ModuleSelection, Version};
pub use gocache_core::clean::session::{
    CleanRun, CleanSession, CleanUpdate, History, KEPT_PLANS, PlannedClean, RunState, UndoFailure,
    UndoReply, UpdateSink,
};
use tauri::State;
use tauri::ipc::Channel;

use super::blocking;
use crate::error::CommandError;

/// The session's sink for a channel: every update is sent; the window may be gone, so
/// sending is best effort.
pub fn sink(channel: Channel<CleanUpdate>) -> UpdateSink {
    Arc::new(move |update| {
        let _ = channel.send(update);
    })
}

/// Plans a clean of `targets` against a fresh discovery; nothing is deleted.
#[tauri::command]
pub async fn clean_plan(
    state: State<'_, CleanSession>,
    targets: Vec<Target>,
) -> Result<PlannedClean, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.plan(&targets)?)).await
}

/// The processes holding what the kept plan `plan_id` would remove, probed now (see
/// [`CleanSession::plan_holders`]). Secrets in the holders' command lines are redacted.
#[tauri::command]
pub async fn clean_holders(
    state: State<'_, CleanSession>,
    plan_id: String,
) -> Result<gocache_core::redact::Redacted<gocache_core::locks::LocksReport>, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(gocache_core::redact::Redacted(s.plan_holders(&plan_id)?))).await
}

/// Executes a kept plan (see [`CleanSession::execute`]); `clean_cancel` stops it.
#[tauri::command]
pub async fn clean_execute(
    state: State<'_, CleanSession>,
    plan_id: String,
    on_event: Channel<CleanUpdate>,
) -> Result<CleanRun, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.execute(&plan_id, sink(on_event), &CancelToken::new())?)).await
}

/// Undoes a run until its purge ends.
#[tauri::command]
pub async fn clean_undo(
    state: State<'_, CleanSession>,
    run_id: String,
) -> Result<UndoReply, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.undo(&run_id)?)).await
}

/// Ends a run's undo window now.
#[tauri::command]
pub fn clean_purge_now(state: State<'_, CleanSession>, run_id: String) -> Result<(), CommandError> {
    Ok(state.purge_now(&run_id)?)
}

/// Stops a running `clean_execute`.
#[tauri::command]
pub fn clean_cancel(state: State<'_, CleanSession>) {
    state.cancel();
}

/// Runs a kept plan with administrator rights, in place.
#[tauri::command]
pub async fn clean_elevated(
    state: State<'_, CleanSession>,
    plan_id: String,
    on_event: Channel<CleanUpdate>,
) -> Result<CleanRun, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.elevated(&plan_id, &sink(on_event))?)).await
}

/// The audit log, newest first.
#[tauri::command]
pub async fn clean_history(
    state: State<'_, CleanSession>,
    limit: usize,
) -> Result<History, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.history(limit)?)).await
}

/// Module versions matching `criteria` (the selection the CLI uses too).
#[tauri::command]
pub async fn select_modules(
    state: State<'_, CleanSession>,
    criteria: Criteria,
) -> Result<ModuleSelection, CommandError> {
    let s = state.inner().clone();
    blocking(move || Ok(s.select_modules(&criteria)?)).await
}

/// Elevated mode of the app's binary: `--elevated-clean <request> --report <report>` (see
/// [`elevate::run`]). Returns the exit code, or `None` when `args` are not that.
pub fn elevated_main(args: &[std::ffi::OsString]) -> Option<i32> {
    let (request, report) = elevate::parse_args(args)?;
    Some(elevate::run(&request, &report))
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::clean::Target>();
    v.visit::<PlannedClean>();
    v.visit::<CleanRun>();
    v.visit::<CleanUpdate>();
    v.visit::<UndoReply>();
    v.visit::<History>();
    v.visit::<Criteria>();
    v.visit::<ModuleSelection>();
}
