//! `settings_get` / `settings_set`: what the app remembers (project roots for "unused", the
//! module-selection defaults) in `<config dir>/gocache-doctor/settings.json`, and
//! `pick_directory`, the OS folder picker.
//!
//! Unknown fields of the file are kept (a newer version of the app may have written them). A
//! file that cannot be read as settings is renamed to `settings.json.bad` and the defaults are
//! returned with a `notice` saying so.

use std::path::{Path, PathBuf};

use gocache_core::i18n::Lang;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use tauri::State;

use crate::commands::clean::CleanState;
use crate::error::{CommandError, ErrorCode};

/// The file name inside the settings directory.
pub const FILE: &str = "settings.json";

/// The app's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Settings {
    /// Directories holding the user's Go projects ("select unused").
    #[serde(default)]
    pub project_roots: Vec<String>,
    /// "Select older than" default, in days.
    #[serde(default = "default_older_than_days")]
    pub older_than_days: u64,
    /// "Keep latest N" default.
    #[serde(default = "default_keep_latest")]
    pub keep_latest: u64,
    /// The UI language the user chose (`en`, `zh-CN`); `None` follows the OS.
    #[serde(default, deserialize_with = "language_or_none")]
    pub language: Option<Lang>,
    /// The colour theme: follow the OS, or always light or dark.
    #[serde(default, deserialize_with = "theme_or_system")]
    pub theme: Theme,
    /// Whether a clean asks for confirmation (with its preview) before it runs. When off, the
    /// preview is still computed and the undo window still applies.
    #[serde(default = "yes")]
    pub confirm_before_clean: bool,
    /// Whether the first-run welcome screen was seen (it is shown once).
    #[serde(default)]
    pub welcome_seen: bool,
    /// Something the user should know about the settings file (never stored).
    #[serde(default)]
    pub notice: Option<String>,
    /// Fields this version does not know, kept as they are.
    #[serde(flatten)]
    #[cfg_attr(test, ts(skip))]
    pub other: Map<String, Value>,
}

/// The colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(ts_rs::TS))]
pub enum Theme {
    /// The OS's light or dark preference.
    #[default]
    System,
    /// Always light.
    Light,
    /// Always dark.
    Dark,
}

fn yes() -> bool {
    true
}

/// A theme this version does not know reads as `system`.
fn theme_or_system<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Theme, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok())
        .unwrap_or_default())
}

fn default_older_than_days() -> u64 {
    90
}

fn default_keep_latest() -> u64 {
    1
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            project_roots: Vec::new(),
            older_than_days: default_older_than_days(),
            keep_latest: default_keep_latest(),
            language: None,
            theme: Theme::System,
            confirm_before_clean: true,
            welcome_seen: false,
            notice: None,
            other: Map::new(),
        }
    }
}

/// A language tag the app does not know (say, written by a newer version) reads as "follow the
/// OS" instead of making the whole file corrupt.
fn language_or_none<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Lang>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    Ok(v.and_then(|v| serde_json::from_value(v).ok()))
}

fn no_dir() -> CommandError {
    CommandError::new(
        ErrorCode::BadSettings,
        "this system has no configuration directory for the app; set GOCACHE_DOCTOR_CONFIG_DIR \
         to a writable directory",
    )
}

/// Reads the settings in `dir`: defaults when there is no file; defaults with a notice when
/// the file is corrupt (it is renamed to `settings.json.bad`).
///
/// # Errors
/// `BadSettings` when the file exists but cannot be read, or a corrupt file cannot be moved
/// aside.
pub fn load(dir: &Path) -> Result<Settings, CommandError> {
    let path = dir.join(FILE);
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
        Err(e) => {
            return Err(CommandError::new(
                ErrorCode::BadSettings,
                format!(
                    "cannot read {}: {e}; check its permissions or remove it",
                    path.display()
                ),
            ));
        }
    };
    match serde_json::from_slice::<Settings>(&data) {
        Ok(mut s) => {
            s.notice = None;
            Ok(s)
        }
        Err(e) => {
            let bad = bad_path(&path);
            std::fs::rename(&path, &bad).map_err(|re| {
                CommandError::new(
                    ErrorCode::BadSettings,
                    format!(
                        "{} is corrupt ({e}) and cannot be moved aside ({re}); remove it",
                        path.display()
                    ),
                )
            })?;
            Ok(Settings {
                notice: Some(format!(
                    "The settings file was unreadable ({e}); it was kept as {} and the defaults \
                     are used.",
                    bad.display()
                )),
                ..Settings::default()
            })
        }
    }
}

fn bad_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".bad");
    PathBuf::from(s)
}

/// Stores `settings` in `dir` (atomically: a temporary file renamed over the old one).
/// Fields of the file that `settings` does not carry are kept. Returns what was stored.
///
/// # Errors
/// `BadSettings` when the directory or file cannot be written.
pub fn save(dir: &Path, settings: Settings) -> Result<Settings, CommandError> {
    let mut merged = settings;
    merged.notice = None;
    if let Ok(old) = load(dir) {
        for (k, v) in old.other {
            merged.other.entry(k).or_insert(v);
        }
    }
    let mut value = serde_json::to_value(&merged)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
    if let Some(obj) = value.as_object_mut() {
        obj.remove("notice");
    }
    let json = serde_json::to_vec_pretty(&value)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
    let write_err = |e: std::io::Error| {
        CommandError::new(
            ErrorCode::BadSettings,
            format!(
                "cannot save the settings in {}: {e}; check that the directory is writable",
                dir.display()
            ),
        )
    };
    std::fs::create_dir_all(dir).map_err(write_err)?;
    let tmp = dir.join(format!(".{FILE}.{}.tmp", std::process::id()));
    std::fs::write(&tmp, json).map_err(write_err)?;
    std::fs::rename(&tmp, dir.join(FILE)).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        write_err(e)
    })?;
    Ok(merged)
}

/// The stored settings (defaults when none).
#[tauri::command]
pub fn settings_get(state: State<'_, CleanState>) -> Result<Settings, CommandError> {
    let dir = state.config().settings_dir.clone().ok_or_else(no_dir)?;
    load(&dir)
}

/// Stores the settings and returns them as stored.
#[tauri::command]
pub fn settings_set(
    state: State<'_, CleanState>,
    settings: Settings,
) -> Result<Settings, CommandError> {
    let dir = state.config().settings_dir.clone().ok_or_else(no_dir)?;
    save(&dir, settings)
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
