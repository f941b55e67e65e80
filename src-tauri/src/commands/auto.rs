//! The automatic cleanup policy (issue #17) in the app: `auto_policy_set` stores it in the
//! settings the CLI reads, `auto_preview` / `auto_preview_cancel` give the core's dry run of
//! the policy being edited, `auto_run_now` applies the stored policy through the same engine
//! as `gocache-doctor auto run` (audit log entry marked automatic), and
//! `auto_schedule_status` / `_install` / `_uninstall` wrap the core's daily schedule.
//!
//! Every rule (what goes, what stays, why) is the core's [`gocache_core::autopilot`]; these
//! commands only gather the inputs the CLI gathers too.

use gocache_core::autopilot::{self, AutoRun, Overrides, RunOptions, schedule};
use gocache_core::clean::ExecOptions;
use gocache_core::redact::Redacted;
use gocache_core::settings::{self, AutoPolicy, Settings, SettingsError};
use gocache_core::{CancelSlot, CancelToken, ErrorCode};
use tauri::State;

use super::blocking;
use crate::error::CommandError;
use crate::state::Config;

/// The cancel slot of the running preview (a newer preview cancels the older one).
#[derive(Debug, Default)]
pub struct PreviewSlot(pub CancelSlot);

impl From<autopilot::AutoError> for CommandError {
    fn from(e: autopilot::AutoError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

impl From<schedule::ScheduleError> for CommandError {
    fn from(e: schedule::ScheduleError) -> Self {
        Self::new(e.code(), e.to_string())
    }
}

/// Applies `policy` (dry run or not) with the project folders of the stored settings, as
/// `gocache-doctor auto run` does.
///
/// # Errors
/// A bad policy, unreadable settings, or the clean engine refusing as a whole.
pub fn apply(
    config: &Config,
    policy: &AutoPolicy,
    dry_run: bool,
    cancel: &CancelToken,
) -> Result<AutoRun, CommandError> {
    let dir = config.settings_dir.as_deref().ok_or(SettingsError::NoDir)?;
    let stored = settings::load(dir)?;
    let env = config.env();
    let policy = autopilot::effective_policy(policy, &Overrides::default())?;
    let mut warnings = Vec::new();
    let home = gocache_core::os::current().home_dir(&env);
    let roots = autopilot::project_roots(
        &stored.project_roots,
        &Overrides::default(),
        &policy,
        home.as_deref(),
        &mut warnings,
    )?;
    let report = gocache_core::discover::discover(&env, &Default::default());
    let opts = RunOptions {
        dry_run,
        exec: ExecOptions {
            lock_timeout: config.lock_timeout,
            holder_lookup: Some(gocache_core::locks::holder_lookup()),
            ..ExecOptions::default()
        },
        audit_log: config.audit_log.clone(),
        ..RunOptions::default()
    };
    let mut run = autopilot::run(&report, &env, &policy, &roots, &opts, cancel)?;
    warnings.append(&mut run.warnings);
    run.warnings = warnings;
    Ok(run)
}

/// Stores `policy` as the automatic cleanup policy of the settings (the file the CLI
/// reads) and returns the settings as stored. A policy out of range is refused with a
/// sentence naming the field; the stored file is then unchanged.
#[tauri::command]
pub async fn auto_policy_set<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    config: State<'_, Config>,
    policy: AutoPolicy,
) -> Result<Settings, CommandError> {
    let config = config.inner().clone();
    blocking(move || {
        policy
            .validate()
            .map_err(|m| CommandError::new(ErrorCode::BadSettings, m))?;
        let dir = config.settings_dir.as_deref().ok_or(SettingsError::NoDir)?;
        let mut s = settings::load(dir)?;
        s.autopilot = Some(AutoPolicy {
            invalid: None,
            raw: None,
            ..policy
        });
        let stored = settings::save(dir, s)?;
        // "Clean now" of the tray says whether it runs the policy.
        crate::tray::apply(&app);
        Ok(stored)
    })
    .await
}

/// The core's dry run of `policy` (the one being edited, not yet stored): what would be
/// removed now, with bytes and the last-use source of each decision, and what is skipped
/// and why. Starting a preview cancels the one running.
#[tauri::command]
pub async fn auto_preview(
    config: State<'_, Config>,
    slot: State<'_, PreviewSlot>,
    policy: AutoPolicy,
) -> Result<Redacted<AutoRun>, CommandError> {
    let config = config.inner().clone();
    let (cancel, generation) = slot.0.begin();
    let out = blocking(move || apply(&config, &policy, true, &cancel).map(Redacted)).await;
    slot.0.finish(generation);
    out
}

/// Cancels the running preview, if any.
#[tauri::command]
pub fn auto_preview_cancel(slot: State<'_, PreviewSlot>) {
    slot.0.cancel();
}

/// Applies the stored policy now ("Run now"), as `gocache-doctor auto run` does: the clean
/// engine, Go's locks, the audit log entry marked automatic. A run that freed space shows a
/// desktop notification.
#[tauri::command]
pub async fn auto_run_now<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    config: State<'_, Config>,
) -> Result<Redacted<AutoRun>, CommandError> {
    let config = config.inner().clone();
    blocking(move || run_now(&app, &config).map(Redacted)).await
}

/// Applies the stored policy now: the one engine of the panel's Run now and the tray's Clean
/// now. A run that freed space shows a desktop notification. Blocks until the run ends.
///
/// # Errors
/// As [`apply`].
pub fn run_now<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    config: &Config,
) -> Result<AutoRun, CommandError> {
    let dir = config.settings_dir.as_deref().ok_or(SettingsError::NoDir)?;
    let policy = settings::load(dir)?.policy();
    let run = apply(config, &policy, false, &CancelToken::new())?;
    crate::notify::after_run(app, config, run.bytes_freed);
    Ok(run)
}

/// The schedule's context: this user's, running the command-line tool beside the app (or on
/// `PATH`), since the scheduled run is `gocache-doctor auto run --scheduled`.
fn schedule_context(config: &Config) -> Result<schedule::Context, CommandError> {
    let env = config.env();
    let mut ctx = schedule::Context::current(&env)?;
    let app = match &config.exe {
        Some(e) => e.clone(),
        None => std::env::current_exe().map_err(|e| {
            CommandError::new(ErrorCode::Internal, format!("the app's own path: {e}"))
        })?,
    };
    let path_var = env.get("PATH").map(std::ffi::OsString::from);
    ctx.exe = schedule::find_cli(&app, path_var.as_deref())?;
    ctx.audit_log.clone_from(&config.audit_log);
    Ok(ctx)
}

/// Whether the daily run is installed (how, its files, the next run) and what the
/// automatic runs of the audit log freed.
#[tauri::command]
pub async fn auto_schedule_status(
    config: State<'_, Config>,
) -> Result<Redacted<schedule::Status>, CommandError> {
    let config = config.inner().clone();
    blocking(move || {
        let env = config.env();
        // Reading the status needs no executable: a missing tool is reported by install.
        let mut ctx = schedule::Context::current(&env)?;
        ctx.audit_log.clone_from(&config.audit_log);
        Ok(Redacted(schedule::status(&ctx)?))
    })
    .await
}

/// Registers the daily run (and one at login) for this user.
#[tauri::command]
pub async fn auto_schedule_install(
    config: State<'_, Config>,
) -> Result<Redacted<schedule::InstallReport>, CommandError> {
    let config = config.inner().clone();
    blocking(move || Ok(Redacted(schedule::install(&schedule_context(&config)?)?))).await
}

/// Removes everything the install created; nothing else.
#[tauri::command]
pub async fn auto_schedule_uninstall(
    config: State<'_, Config>,
) -> Result<Redacted<schedule::UninstallReport>, CommandError> {
    let config = config.inner().clone();
    blocking(move || {
        let env = config.env();
        let mut ctx = schedule::Context::current(&env)?;
        ctx.audit_log.clone_from(&config.audit_log);
        Ok(Redacted(schedule::uninstall(&ctx)?))
    })
    .await
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<AutoPolicy>();
    v.visit::<AutoRun>();
    v.visit::<schedule::Status>();
    v.visit::<schedule::InstallReport>();
    v.visit::<schedule::UninstallReport>();
}
