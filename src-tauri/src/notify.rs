//! Desktop notifications (tauri-plugin-notification, sent by the backend: the page has no
//! notification permission). What they say and when is the core's
//! ([`gocache_core::autopilot::notify`]): after Run now freed space, and when a completed scan
//! finds a cache over the budget of the stored policy, once per crossing.

use std::sync::{Mutex, PoisonError};

use gocache_core::autopilot::notify::{BudgetWatch, Note, freed_note, over_budget_note};
use gocache_core::i18n::Lang;
use gocache_core::scan::Report;
use tauri::{AppHandle, Manager, Runtime};
use tauri_plugin_notification::NotificationExt;

use crate::state::Config;

/// Which caches were over their budget at the last scan (managed state).
#[derive(Debug, Default)]
pub struct Budgets(Mutex<BudgetWatch>);

/// The language of the notifications: the one chosen in the settings, else the OS's.
fn lang(config: &Config) -> Lang {
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
fn show<R: Runtime>(app: &AppHandle<R>, note: &Note) {
    let _ = app
        .notification()
        .builder()
        .title(&note.title)
        .body(&note.body)
        .show();
}

/// After an automatic run: a note when it freed space.
pub fn after_run<R: Runtime>(app: &AppHandle<R>, config: &Config, bytes_freed: u64) {
    if let Some(note) = freed_note(bytes_freed, lang(config)) {
        show(app, &note);
    }
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
