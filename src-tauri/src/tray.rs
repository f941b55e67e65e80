//! The optional tray icon (menu bar on macOS; issue #17): the total size of the Go caches at
//! the last completed scan, and a menu with "Open Go Cache Doctor", "Clean now" (the stored
//! automatic cleanup policy, through [`crate::commands::auto::run_now`], the engine of the
//! panel's Run now) and "Quit".
//!
//! It follows the `tray_icon` setting: [`apply`] runs at the start, after `settings_set` (the
//! switch, the language) and `auto_policy_set` (whether Clean now runs). Its texts are the
//! core's ([`gocache_core::autopilot::tray`]). The label is the title (the indicator's label on
//! Linux, the menu bar text on macOS) and the tooltip (Windows; Linux indicators have none):
//! both are set everywhere, each OS shows what it has.
//!
//! On Linux the tray needs libayatana-appindicator3 at run time; it is looked for first
//! (`tray_missing_package` of the OS's start-up module), and without it the app runs without
//! a tray and [`tray_status`] names the package. Every tray call runs on the main thread.
//! Closing the window quits the app as before, tray or not.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, PoisonError};

use gocache_core::autopilot::notify::failed_note;
use gocache_core::autopilot::tray::{TrayTexts, clean_now_runs, texts};
use gocache_core::scan::Report;
use gocache_core::settings::Settings;
use serde::Serialize;
use tauri::menu::{Menu, MenuEvent, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

use crate::state::Config;

/// The tray icon's id (on Linux, part of its D-Bus object path).
pub const TRAY_ID: &str = "gocache-doctor";
/// The menu item showing the window.
pub const OPEN_ID: &str = "tray-open";
/// The menu item running the automatic cleanup.
pub const CLEAN_ID: &str = "tray-clean-now";
/// The menu item quitting the app.
pub const QUIT_ID: &str = "tray-quit";
/// The DOM event the page receives to show the Automatic cleanup panel (Clean now with the
/// policy off).
pub const OPEN_AUTO_EVENT: &str = "gocache-doctor:open-auto-cleanup";
/// The DOM event the page receives after the tray's Clean now ran (it rescans and refreshes).
pub const AUTO_RAN_EVENT: &str = "gocache-doctor:auto-ran";

/// The tray's state (managed): the last completed scan's total, whether the icon is shown,
/// what went wrong last, and whether a Clean now is running.
#[derive(Debug, Default)]
pub struct Tray {
    state: Mutex<State>,
    cleaning: AtomicBool,
}

#[derive(Debug, Default)]
struct State {
    total: Option<u64>,
    status: TrayStatus,
}

/// Whether the tray icon is shown, and why not when it is wanted but is not.
#[derive(Debug, Clone, Default, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct TrayStatus {
    /// The `tray_icon` setting.
    pub wanted: bool,
    /// Whether the icon is there now.
    pub shown: bool,
    /// The package to install first (Linux without libayatana-appindicator3); `None` when
    /// nothing is missing.
    pub missing_package: Option<String>,
    /// Why creating the icon failed, as the tray library said.
    pub error: Option<String>,
}

impl Tray {
    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

fn stored_settings(config: &Config) -> Settings {
    config
        .settings_dir
        .as_deref()
        .and_then(|d| gocache_core::settings::load(d).ok())
        .unwrap_or_default()
}

/// The tray's texts now: the stored total, the stored policy, the language of the settings.
fn current_texts<R: Runtime>(app: &AppHandle<R>) -> (bool, TrayTexts) {
    let config = app.state::<Config>().inner().clone();
    let settings = stored_settings(&config);
    let total = app.state::<Tray>().lock().total;
    let lang = crate::notify::lang(&config);
    (settings.tray_icon, texts(total, &settings.policy(), lang))
}

/// Runs `f` on the main thread and waits for its answer (directly when called there).
fn on_main<R: Runtime, T: Send + 'static>(
    app: &AppHandle<R>,
    f: impl FnOnce(&AppHandle<R>) -> T + Send + 'static,
) -> Option<T> {
    let (tx, rx) = std::sync::mpsc::channel();
    let handle = app.clone();
    app.run_on_main_thread(move || {
        let _ = tx.send(f(&handle));
    })
    .ok()?;
    rx.recv().ok()
}

/// Creates, updates or removes the icon as the stored settings say; the status after it.
pub fn apply<R: Runtime>(app: &AppHandle<R>) -> TrayStatus {
    let (wanted, texts) = current_texts(app);
    let missing = crate::platform::tray_missing_package();
    let show = wanted && missing.is_none();
    let outcome = on_main(app, move |app| show_or_remove(app, show, &texts))
        .unwrap_or_else(|| Err("the app's main thread did not answer".into()));
    let status = TrayStatus {
        wanted,
        shown: matches!(outcome, Ok(true)),
        missing_package: missing.filter(|_| wanted).map(str::to_owned),
        error: outcome.err(),
    };
    app.state::<Tray>().lock().status = status.clone();
    status
}

/// On the main thread: the icon with `texts` when `show`, else none. Whether it is shown.
fn show_or_remove<R: Runtime>(
    app: &AppHandle<R>,
    show: bool,
    texts: &TrayTexts,
) -> Result<bool, String> {
    let existing = app.tray_by_id(TRAY_ID);
    if !show {
        // Hidden, not dropped: on Linux a dropped indicator only turns Passive and stays on
        // the bus under its id (a new one could not take it); hidden, it is Passive too,
        // which trays do not show, and it comes back as it was. Windows and macOS remove it.
        if let Some(tray) = existing {
            tray.set_visible(false).map_err(|e| e.to_string())?;
        }
        return Ok(false);
    }
    let menu = menu(app, texts).map_err(|e| e.to_string())?;
    if let Some(tray) = existing {
        tray.set_menu(Some(menu)).map_err(|e| e.to_string())?;
        set_label(&tray, texts);
        tray.set_visible(true).map_err(|e| e.to_string())?;
        return Ok(true);
    }
    let mut builder = TrayIconBuilder::with_id(TRAY_ID)
        .menu(&menu)
        .show_menu_on_left_click(true)
        .tooltip(&texts.tooltip);
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    if let Some(label) = &texts.label {
        builder = builder.title(label);
    }
    builder.build(app).map_err(|e| e.to_string())?;
    Ok(true)
}

fn menu<R: Runtime>(app: &AppHandle<R>, texts: &TrayTexts) -> tauri::Result<Menu<R>> {
    Menu::with_items(
        app,
        &[
            &MenuItem::with_id(app, OPEN_ID, &texts.open, true, None::<&str>)?,
            &MenuItem::with_id(app, CLEAN_ID, &texts.clean_now, true, None::<&str>)?,
            &PredefinedMenuItem::separator(app)?,
            &MenuItem::with_id(app, QUIT_ID, &texts.quit, true, None::<&str>)?,
        ],
    )
}

fn set_label<R: Runtime>(tray: &tauri::tray::TrayIcon<R>, texts: &TrayTexts) {
    let _ = tray.set_title(texts.label.as_deref());
    let _ = tray.set_tooltip(Some(&texts.tooltip));
}

/// Remembers the total of a completed `report` and shows it on the icon, if there is one.
pub fn after_scan<R: Runtime>(app: &AppHandle<R>, report: &Report) {
    if report.cancelled {
        return;
    }
    let shown = {
        let tray = app.state::<Tray>();
        let mut state = tray.lock();
        state.total = Some(report.total.bytes);
        state.status.shown
    };
    if shown {
        update_label(app);
    }
}

fn update_label<R: Runtime>(app: &AppHandle<R>) {
    let (_, texts) = current_texts(app);
    let _ = app.run_on_main_thread({
        let app = app.clone();
        move || {
            if let Some(tray) = app.tray_by_id(TRAY_ID) {
                set_label(&tray, &texts);
            }
        }
    });
}

/// At the start, on its own thread: the last completed scan's total from the size history,
/// then the icon when the setting is on.
pub fn at_start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        let config = app.state::<Config>().inner().clone();
        if let Some(dir) = config.data_dir.as_deref() {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
            if let Ok(overview) = gocache_core::history::overview(dir, now) {
                let last = overview.last.map(|l| l.total.bytes);
                let tray = app.state::<Tray>();
                let mut state = tray.lock();
                // A scan that completed meanwhile is newer.
                if state.total.is_none() {
                    state.total = last;
                }
            }
        }
        apply(&app);
    });
}

/// The tray menu's items (registered once for the app: Tauri keeps every menu handler).
pub fn on_menu_event<R: Runtime>(app: &AppHandle<R>, event: &MenuEvent) {
    match event.id().as_ref() {
        OPEN_ID => {
            crate::show_main(app);
        }
        CLEAN_ID => clean_now(app),
        QUIT_ID => app.exit(0),
        _ => {}
    }
}

/// "Clean now": the stored policy through the Run now engine, on its own thread (one at a
/// time; a click meanwhile is ignored); with the policy off, the Automatic cleanup panel.
fn clean_now<R: Runtime>(app: &AppHandle<R>) {
    let config = app.state::<Config>().inner().clone();
    if !clean_now_runs(&stored_settings(&config).policy()) {
        dispatch(app, OPEN_AUTO_EVENT, true);
        return;
    }
    if app.state::<Tray>().cleaning.swap(true, Ordering::SeqCst) {
        return;
    }
    let app = app.clone();
    std::thread::spawn(move || {
        let outcome = crate::commands::auto::run_now(&app, &config);
        app.state::<Tray>().cleaning.store(false, Ordering::SeqCst);
        match outcome {
            Ok(_) => dispatch(&app, AUTO_RAN_EVENT, false),
            Err(e) => {
                let lang = crate::notify::lang(&config);
                crate::notify::show(&app, &failed_note(&e.message, lang));
            }
        }
    });
}

/// Tells the page `event` (a DOM event on `window`), showing the window first when `show`.
fn dispatch<R: Runtime>(app: &AppHandle<R>, event: &'static str, show: bool) {
    let app = app.clone();
    let _ = app.clone().run_on_main_thread(move || {
        let window = if show {
            crate::show_main(&app)
        } else {
            app.get_webview_window("main")
        };
        if let Some(w) = window {
            let _ = w.eval(format!("window.dispatchEvent(new CustomEvent({event:?}))"));
        }
    });
}

/// Whether the tray icon is shown, and why not (the setting's explanation in the UI).
#[tauri::command]
pub fn tray_status(tray: tauri::State<'_, Tray>) -> TrayStatus {
    tray.lock().status.clone()
}

/// The types this module's commands answer (the roots of the generated TypeScript bindings).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<TrayStatus>();
}
