//! Go Cache Doctor desktop app: a thin Tauri 2 shell over `gocache-core`.
//!
//! All logic lives in the core; this crate wires the commands in [`commands`], the managed
//! [`gocache_core::CancelSlot`] (cancellation of the running scan),
//! [`gocache_core::verify::session::VerifySession`] (the running verification, the last report),
//! [`gocache_core::clean::session::CleanSession`] (plans, runs and their undo windows), the
//! [`state::Config`] (directories, undo window, elevation) and the [`error::CommandError`]
//! the UI receives as `{code, message}`.

pub mod commands;
pub mod error;
#[cfg(target_os = "linux")]
pub mod linux;
pub mod notify;
#[cfg(not(target_os = "linux"))]
mod other;
pub mod startup;
pub mod state;
pub mod tray;

use tauri::{Manager, Runtime};

// The start-up settings of the OS this is built for (Linux: WebKitGTK and D-Bus; others: none).
#[cfg(target_os = "linux")]
use linux as platform;
#[cfg(not(target_os = "linux"))]
use other as platform;

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
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_notification::init())
        .manage(notify::Budgets::default())
        .manage(tray::Tray::default())
        .manage(gocache_core::CancelSlot::default())
        .manage(commands::watch::WatchSlot::default())
        .manage(commands::auto::PreviewSlot::default())
        .manage(commands::files::ExportSlot::default())
        .manage(commands::env::Prefetch::default())
        .manage(config.clean_session())
        .manage(config)
        .manage(gocache_core::verify::session::VerifySession::default())
        .invoke_handler(tauri::generate_handler![
            commands::env::env_report,
            commands::scan::scan_start,
            commands::scan::scan_cancel,
            commands::scan::size_history,
            commands::watch::watch_start,
            commands::watch::watch_stop,
            commands::scan::module_folders,
            startup::startup_probe,
            commands::clean::clean_plan,
            commands::clean::clean_holders,
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
            commands::clipath::cli_path_status,
            commands::clipath::cli_path_install,
            commands::clipath::cli_path_uninstall,
            commands::locks::locks_list,
            commands::locks::locks_end,
            commands::verify::verify_start,
            commands::verify::verify_cancel,
            commands::verify::verify_repair,
            commands::doctor::diagnose_text,
            commands::doctor::doctor_checks,
            commands::doctor::guide_context,
            commands::about::app_info,
            commands::about::open_link,
            commands::files::reveal_path,
            commands::files::export_modules,
            commands::files::reveal_export,
            commands::auto::auto_policy_set,
            commands::auto::auto_preview,
            commands::auto::auto_preview_cancel,
            commands::auto::auto_run_now,
            commands::auto::auto_schedule_status,
            commands::auto::auto_schedule_install,
            commands::auto::auto_schedule_uninstall,
            tray::tray_status,
        ])
}

/// Starts the app and blocks until its last window closes. Call it first thing in `main`:
/// on Linux it sets WebKitGTK defaults in the environment ([`linux::webkit_defaults`]), which
/// is only sound before other threads start.
///
/// # Errors
/// When Tauri cannot build or run the app (the runtime, the window or its webview fails to
/// start): there is nothing to recover to, and `main` reports the error and exits with a
/// failure status.
///
/// # Panics
/// On Linux without a display: tao, under Tauri, panics while initialising GTK.
pub fn run() -> Result<(), tauri::Error> {
    platform::webkit_defaults();
    startup::mark("run");
    // Single instance first (the plugin's own rule): a second launch exits and brings this
    // window forward instead. Then the window's size and position, restored and saved.
    let mut builder = tauri::Builder::default();
    let single = platform::single_instance_usable();
    if single {
        builder = builder.plugin(tauri_plugin_single_instance::init(|app, _args, _cwd| {
            focus_main(app);
        }));
    }
    let builder = builder.plugin(
        tauri_plugin_window_state::Builder::default()
            .with_state_flags(window_state_flags())
            .build(),
    );
    run_app(builder)
        .on_window_event(|window, event| {
            if matches!(
                event,
                tauri::WindowEvent::Resized(_) | tauri::WindowEvent::Moved(_)
            ) {
                save_window_state_soon(window.app_handle());
            }
        })
        .setup(|app| {
            startup::mark("setup");
            app.state::<commands::env::Prefetch>().start();
            notify::at_start(app.handle());
            // One handler for the tray's menu, whether the icon comes and goes.
            app.on_menu_event(|app, event| tray::on_menu_event(app, &event));
            tray::at_start(app.handle());
            Ok(())
        })
        .on_page_load(|_, payload| {
            startup::mark(match payload.event() {
                tauri::webview::PageLoadEvent::Started => "page_load.started",
                tauri::webview::PageLoadEvent::Finished => "page_load.finished",
            });
        })
        .run(tauri::generate_context!())
}

/// What the app remembers of its window: size, position and maximized state (not visibility,
/// so a window closed while hidden still opens visible).
fn window_state_flags() -> tauri_plugin_window_state::StateFlags {
    use tauri_plugin_window_state::StateFlags;
    StateFlags::SIZE | StateFlags::POSITION | StateFlags::MAXIMIZED
}

/// Saves the window's size and position half a second after the last move or resize, so
/// they are remembered even when the app does not get to close normally (killed, logged out,
/// crashed); the plugin itself saves only on close.
fn save_window_state_soon<R: Runtime>(app: &tauri::AppHandle<R>) {
    use std::sync::atomic::{AtomicU64, Ordering};
    use tauri_plugin_window_state::AppHandleExt;
    static GENERATION: AtomicU64 = AtomicU64::new(0);
    let mine = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    let app = app.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(500));
        if GENERATION.load(Ordering::SeqCst) == mine {
            let _ = app.save_window_state(window_state_flags());
        }
    });
}

/// The DOM event the page receives when the user launched the app again (the page shows a
/// short notice; no event permission is needed for a DOM event).
pub const SECOND_INSTANCE_EVENT: &str = "gocache-doctor:second-instance";

/// Brings the main window forward (un-minimized, shown, focused) and tells the page.
fn focus_main<R: Runtime>(app: &tauri::AppHandle<R>) {
    if let Some(w) = show_main(app) {
        let _ = w.eval(format!(
            "window.dispatchEvent(new CustomEvent({SECOND_INSTANCE_EVENT:?}))"
        ));
    }
}

/// Brings the main window forward (un-minimized, shown, focused); the window, if there is one.
pub(crate) fn show_main<R: Runtime>(app: &tauri::AppHandle<R>) -> Option<tauri::WebviewWindow<R>> {
    let w = app.get_webview_window("main")?;
    let _ = w.unminimize();
    let _ = w.show();
    let _ = w.set_focus();
    Some(w)
}

#[cfg(test)]
mod acl_tests;
#[cfg(test)]
mod auto_tests;
#[cfg(test)]
mod bindings_tests;
#[cfg(test)]
mod clean_tests;
#[cfg(test)]
mod clipath_tests;
#[cfg(test)]
mod csp_tests;
#[cfg(test)]
mod doctor_tests;
#[cfg(test)]
mod env_hardening_tests;
#[cfg(test)]
mod files_tests;
// Unix only (the file's own `#![cfg(unix)]`); a plain `#[cfg(test)]` here because clippy's
// `allow-*-in-tests` recognises a test module only by that.
#[cfg(test)]
mod shell_env_tests;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod tray_tests;
#[cfg(test)]
mod verify_tests;
