//! `settings_get` / `settings_set`: the app's settings ([`gocache_core::settings`]: unknown
//! fields kept, a corrupt file moved aside) in the configured directory; `system_locale`;
//! `pick_directory`, the OS folder picker.

pub use gocache_core::settings::{FILE, Settings, SettingsError, Theme, load, save};
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::Config;

/// The stored settings (defaults when none).
#[tauri::command]
pub fn settings_get(config: State<'_, Config>) -> Result<Settings, CommandError> {
    let dir = config.settings_dir.as_deref().ok_or(SettingsError::NoDir)?;
    Ok(load(dir)?)
}

/// Stores the settings and returns them as stored. The automatic cleanup policy is stored
/// only by `auto_policy_set`: the one stored stays whatever `settings.autopilot` says, so a
/// policy the app could not read is never overwritten by saving another setting.
///
/// The tray icon follows the stored `tray_icon` at once (created, removed, its menu in the
/// language chosen): `tray_status` says how that went.
#[tauri::command]
pub fn settings_set<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    config: State<'_, Config>,
    mut settings: Settings,
) -> Result<Settings, CommandError> {
    let dir = config.settings_dir.as_deref().ok_or(SettingsError::NoDir)?;
    settings.autopilot = None;
    let stored = save(dir, settings)?;
    crate::tray::apply(&app);
    Ok(stored)
}

/// The OS's language as a BCP-47 tag (`zh-CN`, `en-US`), or `None` when the OS does not say.
/// The UI picks its language from it until the user chooses one.
#[tauri::command]
pub fn system_locale() -> Option<String> {
    sys_locale::get_locale()
}

/// The OS folder picker; `None` when the user cancels.
#[tauri::command]
pub async fn pick_directory<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
) -> Result<Option<String>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let picked =
        tauri::async_runtime::spawn_blocking(move || app.dialog().file().blocking_pick_folder())
            .await?;
    match picked {
        None => Ok(None),
        Some(p) => p
            .into_path()
            .map(|p| Some(p.to_string_lossy().into_owned()))
            .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the picked folder: {e}"))),
    }
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<Settings>();
}
