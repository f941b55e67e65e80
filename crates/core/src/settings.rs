//! What the app remembers (project roots for "unused", the module-selection defaults, the
//! language, the theme) in `<config dir>/gocache-doctor/settings.json`.
//!
//! Unknown fields of the file are kept (a newer version of the app may have written them). A
//! file that cannot be read as settings is renamed to `settings.json.bad` and the defaults are
//! returned with a `notice` saying so.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::i18n::Lang;

/// Why the settings could not be read or stored.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SettingsError {
    /// The OS has no configuration directory and none was configured.
    #[error(
        "this system has no configuration directory for the app; set GOCACHE_DOCTOR_CONFIG_DIR \
         to a writable directory"
    )]
    NoDir,
    /// The file or directory cannot be read or written (the message says what to do).
    #[error("{0}")]
    Unusable(String),
    /// The settings could not be encoded.
    #[error("{0}")]
    Encode(String),
}

impl SettingsError {
    /// The machine-readable code: `BadSettings`, or `Internal` for an encoding failure.
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::NoDir | Self::Unusable(_) => crate::ErrorCode::BadSettings,
            Self::Encode(_) => crate::ErrorCode::Internal,
        }
    }
}

/// The file name inside the settings directory.
pub const FILE: &str = "settings.json";

/// The app's settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    #[cfg_attr(feature = "ts", ts(skip))]
    pub other: Map<String, Value>,
}

/// The colour theme.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// Reads the settings in `dir`: defaults when there is no file; defaults with a notice when
/// the file is corrupt (it is renamed to `settings.json.bad`).
///
/// # Errors
/// `BadSettings` when the file exists but cannot be read, or a corrupt file cannot be moved
/// aside.
pub fn load(dir: &Path) -> Result<Settings, SettingsError> {
    let path = dir.join(FILE);
    let data = match std::fs::read(&path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Settings::default()),
        Err(e) => {
            return Err(SettingsError::Unusable(format!(
                "cannot read {}: {e}; check its permissions or remove it",
                path.display()
            )));
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
                SettingsError::Unusable(format!(
                    "{} is corrupt ({e}) and cannot be moved aside ({re}); remove it",
                    path.display()
                ))
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
pub fn save(dir: &Path, settings: Settings) -> Result<Settings, SettingsError> {
    let mut merged = settings;
    merged.notice = None;
    if let Ok(old) = load(dir) {
        for (k, v) in old.other {
            merged.other.entry(k).or_insert(v);
        }
    }
    let mut value =
        serde_json::to_value(&merged).map_err(|e| SettingsError::Encode(e.to_string()))?;
    if let Some(obj) = value.as_object_mut() {
        obj.remove("notice");
    }
    let json =
        serde_json::to_vec_pretty(&value).map_err(|e| SettingsError::Encode(e.to_string()))?;
    let write_err = |e: std::io::Error| {
        SettingsError::Unusable(format!(
            "cannot save the settings in {}: {e}; check that the directory is writable",
            dir.display()
        ))
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_fields_survive_a_save_and_a_corrupt_file_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(load(dir.path()).unwrap(), Settings::default());
        std::fs::write(
            dir.path().join(FILE),
            r#"{"keep_latest": 3, "sidebar": "left"}"#,
        )
        .unwrap();
        let stored = save(
            dir.path(),
            Settings {
                keep_latest: 2,
                notice: Some("never stored".into()),
                ..Settings::default()
            },
        )
        .unwrap();
        assert_eq!(stored.other.get("sidebar"), Some(&Value::from("left")));
        let back = load(dir.path()).unwrap();
        assert_eq!((back.keep_latest, back.notice), (2, None));
        std::fs::write(dir.path().join(FILE), b"{\"keep_latest\": ").unwrap();
        let got = load(dir.path()).unwrap();
        assert_eq!(got.keep_latest, default_keep_latest());
        assert!(got.notice.unwrap().contains("settings.json.bad"));
        assert!(dir.path().join("settings.json.bad").exists());
        assert!(!dir.path().join(FILE).exists());
    }
}
