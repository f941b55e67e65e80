//! Go Cache Doctor desktop app: a thin Tauri 2 shell over `gocache-core`.
//!
//! All logic lives in the core; this crate wires the commands in [`commands`], the managed
//! [`state::ScanSlot`] (cancellation of the running scan) and the [`error::CommandError`] the
//! UI receives as `{code, message}`.

pub mod commands;
pub mod error;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod startup;
pub mod state;

use tauri::{Manager, Runtime};

/// Registers the app's commands and managed state on `builder`. Shared by [`run`] and the
/// tests, which pass `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .manage(state::ScanSlot::default())
        .manage(commands::env::Prefetch::default())
        .invoke_handler(tauri::generate_handler![
            commands::env::env_report,
            commands::scan::scan_start,
            commands::scan::scan_cancel,
            startup::startup_probe,
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
mod tests;
