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
    /// Whether the app shows its tray icon (menu bar on macOS) with the total size of the Go
    /// caches and "Clean now" (off by default; absent in files written before it existed).
    #[serde(default)]
    pub tray_icon: bool,
    /// The automatic cleanup policy (`gocache-doctor auto run`; off by default); `None` when
    /// the file has none (the defaults apply: [`Settings::policy`]). A save without it keeps
    /// the stored one, so a writer that does not know the policy never resets it. A value this
    /// version cannot read is kept as it is in the file and reported when the policy is used
    /// ([`AutoPolicy::invalid`]), instead of making the whole file corrupt. The app reads it
    /// here and stores it only through its own command (its `settings_set` keeps the stored
    /// one), so saving another setting never overwrites a policy the app could not read.
    #[cfg_attr(feature = "ts", ts(optional))]
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "policy_or_invalid",
        serialize_with = "policy_as_read"
    )]
    pub autopilot: Option<AutoPolicy>,
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
            tray_icon: false,
            autopilot: None,
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

/// The variable that overrides the settings directory (tests, portable installs).
pub const CONFIG_DIR_VAR: &str = "GOCACHE_DOCTOR_CONFIG_DIR";

/// The settings directory of this user: `$GOCACHE_DOCTOR_CONFIG_DIR` when set and not empty,
/// else `<config dir>/gocache-doctor` (`~/.config` on Linux, `~/Library/Application Support` on
/// macOS, `%APPDATA%` on Windows).
///
/// # Errors
/// [`SettingsError::NoDir`] when the OS has no configuration directory.
pub fn default_dir() -> Result<PathBuf, SettingsError> {
    std::env::var_os(CONFIG_DIR_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("gocache-doctor")))
        .ok_or(SettingsError::NoDir)
}

/// The largest byte budget or floor accepted (1 EiB): more is a typo, not a disk.
pub const MAX_BYTES: u64 = 1 << 60;
/// The largest `unused_days` accepted (100 years).
pub const MAX_DAYS: u64 = 36_500;
/// The largest `keep_latest` accepted.
pub const MAX_KEEP: u64 = 10_000;

/// The automatic cleanup policy (issue #17), shared by the app and `gocache-doctor auto run`.
/// Every field has a default, so settings files written before it existed still load.
///
/// What a run removes (see `crate::autopilot` for the exact rules): module versions no project
/// uses (never one a project's go.mod, go.sum, go.work or vendor/modules.txt names), not among
/// the newest `keep_latest` of their module, either unused for `unused_days` or, least recently
/// used first, until the module cache fits `modcache_max_bytes`; build-cache entries least
/// recently used first until it fits `build_max_bytes`; with `remove_unnamed_toolchains`, the
/// downloaded toolchains no project names.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct AutoPolicy {
    /// Whether the scheduled run applies the policy (off by default). `auto run` applies it
    /// when asked whatever this says.
    #[serde(default)]
    pub enabled: bool,
    /// The module cache's budget in bytes; `None`: no budget.
    #[serde(default)]
    pub modcache_max_bytes: Option<u64>,
    /// Unused module versions not used for this many days go (default 90, like Cargo's three
    /// months for downloaded data); `None`: no age rule.
    #[serde(default = "default_unused_days")]
    pub unused_days: Option<u64>,
    /// The newest N versions of each module (Go's semver order) are always kept; `None`: none
    /// kept for that reason.
    #[serde(default)]
    pub keep_latest: Option<u64>,
    /// The build cache's budget in bytes (least recently used entries go first, by Go's own
    /// mtime semantics); `None`: no budget (Go trims entries unused for 5 days itself).
    #[serde(default)]
    pub build_max_bytes: Option<u64>,
    /// Remove downloaded toolchains (`golang.org/toolchain@*`) that no project names in a
    /// `toolchain` or `go` line and `GOTOOLCHAIN` does not name.
    #[serde(default)]
    pub remove_unnamed_toolchains: bool,
    /// When the free space of a cache's file system is below this floor, that cache's budget
    /// tightens by the shortfall; `None`: no floor.
    #[serde(default)]
    pub free_disk_floor: Option<DiskFloor>,
    /// Also look for go.mod files under the usual code folders (`~/go/src`, `~/src`,
    /// `~/code`, `~/projects`, `~/dev`, `~/work`) besides [`Settings::project_roots`].
    #[serde(default = "yes")]
    pub scan_code_folders: bool,
    /// Why the stored policy could not be read (never stored; the stored value is kept as it
    /// is until the policy is saved again). A policy with this set removes nothing.
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub invalid: Option<String>,
    /// The stored value when it could not be read (written back unchanged).
    #[serde(skip)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub raw: Option<Value>,
    /// Fields of the policy this version does not know, kept as they are.
    #[serde(flatten)]
    #[cfg_attr(feature = "ts", ts(skip))]
    pub other: Map<String, Value>,
}

/// The free-disk floor: an amount of bytes or a percentage of the file system's size.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum DiskFloor {
    /// At least this many bytes free.
    Bytes(u64),
    /// At least this percentage (0 < p < 100) of the file system free.
    Percent(f64),
}

impl DiskFloor {
    /// The floor in bytes on a file system of `total` bytes.
    pub fn bytes(self, total: u64) -> u64 {
        match self {
            Self::Bytes(b) => b,
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_precision_loss,
                reason = "a validated percentage (0..100) of a size: the result is below `total`"
            )]
            Self::Percent(p) => ((total as f64) * p / 100.0) as u64,
        }
    }
}

fn default_unused_days() -> Option<u64> {
    Some(90)
}

impl Default for AutoPolicy {
    fn default() -> Self {
        Self {
            enabled: false,
            modcache_max_bytes: None,
            unused_days: default_unused_days(),
            keep_latest: None,
            build_max_bytes: None,
            remove_unnamed_toolchains: false,
            free_disk_floor: None,
            scan_code_folders: true,
            invalid: None,
            raw: None,
            other: Map::new(),
        }
    }
}

impl AutoPolicy {
    /// Checks the values: the stored value was readable, budgets and the floor at most
    /// [`MAX_BYTES`], `unused_days` at most [`MAX_DAYS`], `keep_latest` at most [`MAX_KEEP`], a
    /// percentage floor strictly between 0 and 100.
    ///
    /// # Errors
    /// A sentence naming the field, the value and what is accepted.
    pub fn validate(&self) -> Result<(), String> {
        if let Some(why) = &self.invalid {
            return Err(why.clone());
        }
        for (name, v) in [
            ("modcache_max_bytes", self.modcache_max_bytes),
            ("build_max_bytes", self.build_max_bytes),
            (
                "free_disk_floor",
                match self.free_disk_floor {
                    Some(DiskFloor::Bytes(b)) => Some(b),
                    _ => None,
                },
            ),
        ] {
            if let Some(b) = v
                && b > MAX_BYTES
            {
                return Err(format!(
                    "autopilot.{name} is {b} bytes, more than any disk (at most {MAX_BYTES})"
                ));
            }
        }
        if let Some(d) = self.unused_days
            && d > MAX_DAYS
        {
            return Err(format!(
                "autopilot.unused_days is {d}; use at most {MAX_DAYS} days, or no age rule"
            ));
        }
        if let Some(k) = self.keep_latest
            && k > MAX_KEEP
        {
            return Err(format!(
                "autopilot.keep_latest is {k}; use at most {MAX_KEEP}, or none"
            ));
        }
        if let Some(DiskFloor::Percent(p)) = self.free_disk_floor
            && !(p > 0.0 && p < 100.0)
        {
            return Err(format!(
                "autopilot.free_disk_floor is {p}%; a percentage floor must be above 0 and below 100"
            ));
        }
        Ok(())
    }
}

/// Reads the policy; a value that does not fit keeps its raw form with the reason, so the rest
/// of the settings still load and nothing of the file is lost.
fn policy_or_invalid<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<AutoPolicy>, D::Error> {
    let v = Option::<Value>::deserialize(d)?;
    let Some(v) = v.filter(|v| !v.is_null()) else {
        return Ok(None);
    };
    Ok(Some(
        match serde_json::from_value::<AutoPolicy>(v.clone()) {
            Ok(p) => p,
            Err(e) => AutoPolicy {
                invalid: Some(format!(
                    "the automatic cleanup policy in the settings cannot be read ({e}); fix the                  \"autopilot\" entry of {FILE} or save the policy again"
                )),
                raw: Some(v),
                ..AutoPolicy::default()
            },
        },
    ))
}

/// Writes the policy, or the unreadable value it was read from, unchanged.
fn policy_as_read<S: serde::Serializer>(p: &Option<AutoPolicy>, s: S) -> Result<S::Ok, S::Error> {
    match p {
        Some(AutoPolicy { raw: Some(raw), .. }) => raw.serialize(s),
        p => p.serialize(s),
    }
}

impl Settings {
    /// The automatic cleanup policy: the stored one, or the defaults (off).
    pub fn policy(&self) -> AutoPolicy {
        self.autopilot.clone().unwrap_or_default()
    }
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
        if merged.autopilot.is_none() {
            merged.autopilot = old.autopilot;
        }
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

    #[test]
    fn the_tray_icon_is_off_in_an_old_file_and_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(FILE),
            r#"{"keep_latest": 3, "welcome_seen": true}"#,
        )
        .unwrap();
        let s = load(dir.path()).unwrap();
        assert!(!s.tray_icon);
        assert!(s.welcome_seen);
        save(
            dir.path(),
            Settings {
                tray_icon: true,
                ..s
            },
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains(r#""tray_icon": true"#), "{text}");
        assert!(load(dir.path()).unwrap().tray_icon);
    }

    #[test]
    fn an_old_file_gets_the_default_policy_and_a_policy_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE), r#"{"keep_latest": 3}"#).unwrap();
        let s = load(dir.path()).unwrap();
        assert_eq!(s.autopilot, None);
        assert_eq!(s.policy(), AutoPolicy::default());
        assert!(!s.policy().enabled);
        assert_eq!(s.policy().unused_days, Some(90));
        let policy = AutoPolicy {
            enabled: true,
            modcache_max_bytes: Some(5 << 30),
            unused_days: None,
            keep_latest: Some(2),
            free_disk_floor: Some(DiskFloor::Percent(10.0)),
            ..AutoPolicy::default()
        };
        save(
            dir.path(),
            Settings {
                autopilot: Some(policy.clone()),
                ..s
            },
        )
        .unwrap();
        let text = std::fs::read_to_string(dir.path().join(FILE)).unwrap();
        assert!(text.contains(r#""percent": 10.0"#), "{text}");
        assert_eq!(load(dir.path()).unwrap().policy(), policy);
        // A writer that does not know the policy (no `autopilot`) keeps the stored one.
        save(dir.path(), Settings::default()).unwrap();
        assert_eq!(load(dir.path()).unwrap().policy(), policy);
        assert_eq!(policy.validate(), Ok(()));
        assert_eq!(DiskFloor::Percent(10.0).bytes(1000), 100);
        assert_eq!(DiskFloor::Bytes(7).bytes(1000), 7);
    }

    #[test]
    fn a_bad_policy_is_an_error_and_is_kept_in_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let stored = r#"{"theme": "dark", "autopilot": {"enabled": true, "unused_days": -5}}"#;
        std::fs::write(dir.path().join(FILE), stored).unwrap();
        let s = load(dir.path()).unwrap();
        assert_eq!(s.theme, Theme::Dark, "the rest of the file still loads");
        assert!(!s.policy().enabled);
        let err = s.policy().validate().unwrap_err();
        assert!(err.contains("-5") && err.contains("autopilot"), "{err}");
        save(dir.path(), s).unwrap();
        let back: Value =
            serde_json::from_slice(&std::fs::read(dir.path().join(FILE)).unwrap()).unwrap();
        assert_eq!(back["autopilot"]["unused_days"], Value::from(-5));
        assert!(!dir.path().join("settings.json.bad").exists());
        for (p, what) in [
            (
                AutoPolicy {
                    modcache_max_bytes: Some(u64::MAX),
                    ..AutoPolicy::default()
                },
                "modcache_max_bytes",
            ),
            (
                AutoPolicy {
                    unused_days: Some(1_000_000),
                    ..AutoPolicy::default()
                },
                "unused_days",
            ),
            (
                AutoPolicy {
                    keep_latest: Some(1 << 40),
                    ..AutoPolicy::default()
                },
                "keep_latest",
            ),
            (
                AutoPolicy {
                    free_disk_floor: Some(DiskFloor::Percent(150.0)),
                    ..AutoPolicy::default()
                },
                "free_disk_floor",
            ),
            (
                AutoPolicy {
                    free_disk_floor: Some(DiskFloor::Percent(f64::NAN)),
                    ..AutoPolicy::default()
                },
                "free_disk_floor",
            ),
        ] {
            let e = p.validate().unwrap_err();
            assert!(e.contains(what), "{e}");
        }
    }
}
