//! `scan_start` / `scan_cancel`: size every existing cache, streaming progress to the UI; each
//! completed scan is recorded in the size history. `size_history`: the last scan, growth and
//! charts, for the dashboard to paint before the rescan ends.

use gocache_core::ErrorCode;
use gocache_core::discover::CacheKind;
use gocache_core::env::EnvMap;
use gocache_core::history::Overview as SizeHistory;
use gocache_core::progress::ProgressEvent;
use gocache_core::scan::{Options, Report, VersionFolders, version_folders};
use gocache_core::{CancelSlot, CancelToken};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandError;
use crate::state::Config;

/// Re-discovers the caches (over the app's environment, `Config::env`), then scans every
/// existing one: incrementally from the scan index unless `full` ("Deep rescan": walk
/// everything and rewrite the index). Cancels a scan already running.
/// A cancelled scan resolves with `cancelled: true` and partial totals; a completed one is
/// recorded in the size history of `Config::data_dir` ([`record_scan`]) and checked against
/// the budgets of the automatic cleanup policy ([`crate::notify::after_scan`]).
#[tauri::command]
pub async fn scan_start<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    slot: State<'_, CancelSlot>,
    config: State<'_, Config>,
    on_event: Channel<ProgressEvent>,
    full: Option<bool>,
) -> Result<Report, CommandError> {
    crate::startup::mark("scan_start");
    let (token, generation) = slot.begin();
    let config = config.inner().clone();
    let full = full.unwrap_or(false);
    let result = tauri::async_runtime::spawn_blocking(move || {
        let index_dir = config
            .data_dir
            .as_deref()
            .map(gocache_core::scan::index::dir_in);
        let report = scan_env(&config.env(), index_dir, full, &token, on_event);
        record_scan(config.data_dir.as_deref(), &report);
        crate::notify::after_scan(&app, &config, &report);
        crate::tray::after_scan(&app, &report);
        report
    })
    .await;
    slot.finish(generation);
    Ok(result?)
}

/// Cancels the running scan, if any.
#[tauri::command]
pub fn scan_cancel(slot: State<'_, CancelSlot>) {
    slot.cancel();
}

/// Records a completed `report` (every discovered cache) in the size history of `data_dir`,
/// best effort: a history that cannot be written costs the charts a point, not the scan.
pub fn record_scan(data_dir: Option<&std::path::Path>, report: &Report) {
    if let Some(dir) = data_dir {
        let _ = gocache_core::history::record(dir, report, unix_now(), true);
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// The last completed scan (its dashboard figures, with the module versions it found new),
/// each cache's growth since about a week and a month ago and its size over the last quarter
/// (`gocache_core::history::overview`). Empty without a data directory or before the first
/// scan.
#[tauri::command]
pub async fn size_history(config: State<'_, Config>) -> Result<SizeHistory, CommandError> {
    let dir = config.data_dir.clone();
    super::blocking(move || match dir {
        Some(d) => Ok(gocache_core::history::overview(&d, unix_now())?),
        None => Ok(SizeHistory::default()),
    })
    .await
}

/// Discovery then scan over an explicit environment, sending progress to `on_event`; with the
/// scan index in `index_dir` (`scan-index/` in `Config::data_dir` for the app; walking
/// everything when `full`, no index at all when `None`).
///
/// Per-cache failures and unreadable entries are part of the report, not errors.
pub fn scan_env(
    env: &EnvMap,
    index_dir: Option<std::path::PathBuf>,
    full: bool,
    cancel: &CancelToken,
    on_event: Channel<ProgressEvent>,
) -> Report {
    // Only the cache roots are needed here: skip the `go env` cross-check (`env_report` does it).
    let options = gocache_core::discover::Options {
        run_go: false,
        ..Default::default()
    };
    let discovered = gocache_core::discover::discover(env, &options);
    let progress = move |event: ProgressEvent| {
        // The window may be gone; progress is best effort.
        let _ = on_event.send(event);
    };
    let opts = Options {
        index_dir,
        full,
        ..Options::default()
    };
    gocache_core::scan::scan(&discovered.caches, &opts, &progress, cancel)
}

/// The folders (and loose files) inside one extracted module version, or one of its
/// sub-folders (`sub`, `/`-separated), largest first: the module view's treemap below a
/// version. The module cache is the one the app's environment locates.
#[tauri::command]
pub async fn module_folders(
    config: State<'_, Config>,
    module: String,
    version: String,
    sub: String,
) -> Result<VersionFolders, CommandError> {
    let config = config.inner().clone();
    super::blocking(move || {
        let options = gocache_core::discover::Options {
            run_go: false,
            ..Default::default()
        };
        let discovered = gocache_core::discover::discover(&config.env(), &options);
        let Some(modcache) = discovered.cache(CacheKind::Modcache) else {
            return Err(CommandError::new(
                ErrorCode::NotFound,
                "the module cache was not found",
            ));
        };
        Ok(version_folders(
            &modcache.path,
            &module,
            &version,
            &sub,
            &Options::default(),
            &CancelToken::new(),
        )?)
    })
    .await
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::scan::Report>();
    v.visit::<gocache_core::progress::ProgressEvent>();
    v.visit::<VersionFolders>();
    v.visit::<SizeHistory>();
}
