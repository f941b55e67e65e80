//! Go Cache Doctor desktop app: a thin Tauri 2 shell over `gocache-core`.
//!
//! All logic lives in the core; this crate wires the commands in [`commands`], the managed
//! [`state::ScanSlot`] (cancellation of the running scan) and
//! [`commands::clean::CleanState`] (plans, runs and their undo windows), the
//! [`state::Config`] (directories, undo window, elevation) and the [`error::CommandError`]
//! the UI receives as `{code, message}`.

pub mod commands;
pub mod error;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod startup;
pub mod state;

use tauri::{Manager, Runtime};

/// Registers the app's commands and managed state on `builder`, configured from the process
/// environment ([`state::Config::from_process`]).
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    run_app_with(builder, state::Config::from_process())
}

/// [`run_app`] with an explicit configuration. Shared by [`run`] and the tests, which pass
/// `tauri::test::mock_builder()` and their own directories.
pub fn run_app_with<R: Runtime>(
    builder: tauri::Builder<R>,
    config: state::Config,
) -> tauri::Builder<R> {
    builder
        .plugin(tauri_plugin_dialog::init())
        .manage(state::ScanSlot::default())
        .manage(commands::env::Prefetch::default())
        .manage(commands::clean::CleanState::new(config))
        .manage(commands::verify::VerifyState::default())
        .invoke_handler(tauri::generate_handler![
            commands::env::env_report,
            commands::scan::scan_start,
            commands::scan::scan_cancel,
            startup::startup_probe,
            commands::clean::clean_plan,
            commands::clean::clean_execute,
            commands::clean::clean_undo,
            commands::clean::clean_purge_now,
            commands::clean::clean_cancel,
            commands::clean::clean_elevated,
            commands::clean::clean_history,
            commands::clean::select_modules,
            commands::settings::settings_get,
            commands::settings::settings_set,
            commands::settings::pick_directory,
            commands::settings::system_locale,
            commands::locks::locks_list,
            commands::locks::locks_end,
            commands::verify::verify_start,
            commands::verify::verify_cancel,
            commands::verify::verify_repair,
            commands::doctor::diagnose_text,
            commands::doctor::doctor_checks,
            commands::doctor::guide_context,
        ])
}

/// Starts the app and blocks until its last window closes. Call it first thing in `main`:
/// on Linux it sets WebKitGTK defaults in the environment ([`linux::webkit_defaults`]), which
/// is only sound before other threads start.
///
/// # Panics
/// When the webview cannot start (no display, missing WebKitGTK).
pub fn run() {
    #[cfg(target_os = "linux")]
    linux::webkit_defaults();
    startup::mark("run");
    #[allow(
        clippy::expect_used,
        reason = "nothing to recover to: the app cannot start"
    )]
    run_app(tauri::Builder::default())
        .setup(|app| {
            startup::mark("setup");
            app.state::<commands::env::Prefetch>().start();
            Ok(())
        })
        .on_page_load(|_, payload| {
            startup::mark(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page_load.started",
                tauri::webview::PageLoadEvent::Finished => "page_load.finished",
            });
        })
        .run(tauri::generate_context!())
        .expect("error while running Go Cache Doctor");
}

#[cfg(test)]
mod clean_tests;
#[cfg(test)]
mod doctor_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod verify_tests;
