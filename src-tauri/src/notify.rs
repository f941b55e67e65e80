//! Desktop notifications (tauri-plugin-notification, sent by the backend: the page has no
//! notification permission). What they say and when is the core's
//! ([`gocache_core::autopilot::notify`]): after Run now freed space, at the start for the
//! daily runs that freed space while the app was closed, and when a completed scan finds a
//! cache over the budget of the stored policy, once per crossing.

use std::sync::{Mutex, PoisonError};

use gocache_core::autopilot::notify::{self, BudgetWatch, Note, freed_note, over_budget_note};
use gocache_core::i18n::Lang;
use gocache_core::scan::Report;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::state::Config;

/// Which caches were over their budget at the last scan (managed state).
#[derive(Debug, Default)]
pub struct Budgets(Mutex<BudgetWatch>);

/// The language of the notifications: the one chosen in the settings, else the OS's.
pub(crate) fn lang(config: &Config) -> Lang {
    config
        .settings_dir
        .as_deref()
        .and_then(|d| gocache_core::settings::load(d).ok())
        .and_then(|s| s.language)
        .or_else(|| sys_locale::get_locale().map(|l| Lang::from_bcp47(&l)))
        .unwrap_or_default()
}

/// Shows `note`, best effort: a desktop without a notification service loses the note, not
/// the run.
pub(crate) fn show<R: Runtime>(app: &AppHandle<R>, note: &Note) {
    let _ = app
        .notification()
        .builder()
        .title(&note.title)
        .body(&note.body)
        .show();
}

/// After an automatic run (Run now): a note when it freed space. The run is told, so the
/// record of what the user was told moves past it ([`at_start`] does not tell it again).
pub fn after_run<R: Runtime>(app: &AppHandle<R>, config: &Config, bytes_freed: u64) {
    if let Some(note) = freed_note(bytes_freed, lang(config)) {
        show(app, &note);
    }
    if let Some(dir) = config.data_dir.as_deref() {
        let seen = notify::read_seen(dir).unwrap_or(0).max(unix_now());
        let _ = notify::write_seen(dir, seen);
    }
}

/// At the app's start: a note of the automatic runs (the daily run of `gocache-doctor auto
/// run --scheduled`) that freed space while the app was closed
/// ([`gocache_core::autopilot::notify::while_away`]). Runs on its own thread: the audit log
/// is read from disk.
pub fn at_start<R: Runtime>(app: &AppHandle<R>) {
    let app = app.clone();
    std::thread::spawn(move || {
        let config = app.state::<Config>().inner().clone();
        let (Some(dir), Some(log)) = (config.data_dir.as_deref(), config.audit_log.as_deref())
        else {
            return;
        };
        let entries = gocache_core::clean::audit::read(log)
            .map(|l| l.entries)
            .unwrap_or_default();
        if let Some(note) = notify::while_away(dir, &entries, unix_now(), lang(&config)) {
            show(&app, &note);
        }
    });
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// After a completed scan: a note for each cache that crossed the budget of the stored
/// policy since the last scan.
pub fn after_scan<R: Runtime>(app: &AppHandle<R>, config: &Config, report: &Report) {
    if report.cancelled {
        return;
    }
    let Some(policy) = config
        .settings_dir
        .as_deref()
        .and_then(|d| gocache_core::settings::load(d).ok())
        .map(|s| s.policy())
    else {
        return;
    };
    let sizes: Vec<_> = report.caches.iter().map(|c| (c.kind, c.bytes)).collect();
    let crossed = {
        let state = app.state::<Budgets>();
        let mut watch = state.0.lock().unwrap_or_else(PoisonError::into_inner);
        watch.check(&sizes, &policy)
    };
    if crossed.is_empty() {
        return;
    }
    let lang = lang(config);
    for (kind, bytes, budget) in crossed {
        show(app, &over_budget_note(kind, bytes, budget, lang));
    }
}
