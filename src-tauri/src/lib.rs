//! Go Cache Doctor desktop app: a thin Tauri 2 shell over `gocache-core`.
//!
//! All logic lives in the core; this crate wires the commands in [`commands`], the managed
//! [`state::ScanSlot`] (cancellation of the running scan) and the [`error::CommandError`] the
//! UI receives as `{code, message}`.

pub mod commands;
pub mod error;
pub mod state;

use tauri::Runtime;

/// Registers the app's commands and managed state on `builder`. Shared by [`run`] and the
/// tests, which pass `tauri::test::mock_builder()`.
pub fn run_app<R: Runtime>(builder: tauri::Builder<R>) -> tauri::Builder<R> {
    builder
        .manage(state::ScanSlot::default())
        .invoke_handler(tauri::generate_handler![
            commands::env::env_report,
            commands::scan::scan_start,
            commands::scan::scan_cancel,
        ])
}

/// Starts the app and blocks until its last window closes.
///
/// # Panics
/// When the webview cannot start (no display, missing WebKitGTK).
pub fn run() {
    #[allow(
        clippy::expect_used,
        reason = "nothing to recover to: the app cannot start"
    )]
    run_app(tauri::Builder::default())
        .run(tauri::generate_context!())
        .expect("error while running Go Cache Doctor");
}

#[cfg(test)]
mod tests;
