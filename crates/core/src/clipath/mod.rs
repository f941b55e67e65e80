//! Putting the command-line tool that ships inside the app's installers on `PATH` (issue #18):
//! the app's "Install the command-line tool" action, like VS Code's "Install 'code' command in
//! PATH".
//!
//! Every installer puts `gocache-doctor` next to the app's executable (tauri's
//! `bundle.externalBin`, staged by `scripts/stage-cli.sh`). Whether that is on `PATH` depends on
//! the installer, so each OS has its own way, in one file per OS:
//!
//! * **Linux** (and the other Unix systems but macOS): when the app's directory is on `PATH`
//!   (the .deb: `/usr/bin`) there is nothing to do ([`CliPathOutcome::ByPackage`]). Otherwise (the
//!   AppImage, whose mount path changes on every launch, so a link would break) the CLI is
//!   **copied** to `~/.local/bin/gocache-doctor`.
//! * **macOS**: a **symbolic link** `/usr/local/bin/gocache-doctor` (when that directory is
//!   writable, else `~/.local/bin/gocache-doctor`) to `Contents/MacOS/gocache-doctor` inside the
//!   app bundle, so it follows the app's updates.
//! * **Windows**: the directory holding `gocache-doctor.exe` is added to the user's `Path` in
//!   `HKCU\Environment` (`REG_EXPAND_SZ`, once, no administrator rights) and `WM_SETTINGCHANGE`
//!   is broadcast, so terminals started afterwards see it.
//!
//! A file of that name which this app did not put there is never replaced or removed
//! ([`CliPathError::Conflict`]): "ours" is a link to an app bundle's CLI (macOS) or a copy
//! whose SHA-256 is the one recorded in [`Context::state_dir`] when it was written (Linux).
//! [`uninstall`] undoes [`install`]. The decisions are pure functions here ([`classify_copy`],
//! [`classify_link`], [`plan_install`], [`user_path_with`], [`user_path_without`]) and unit-tested
//! on every OS; the per-OS files only ask the file system or the registry.

#[cfg(not(any(windows, target_os = "macos")))]
mod linux;
#[cfg(target_os = "macos")]
mod macos;
#[cfg(windows)]
mod windows;
// Formatted on every host (the sysinfo trick).
#[cfg(any())]
mod linux;
#[cfg(any())]
mod macos;
#[cfg(any())]
mod windows;

#[cfg(not(any(windows, target_os = "macos")))]
use linux as platform;
#[cfg(target_os = "macos")]
use macos as platform;
#[cfg(windows)]
use windows as platform;

#[cfg(test)]
mod tests;

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use serde::Serialize;

/// The CLI's file name without the executable suffix.
pub const CLI_NAME: &str = "gocache-doctor";

/// What the action needs to know about the running app and the user, taken from the process
/// by [`Context::from_env`] and built by hand in tests.
#[derive(Debug, Clone)]
pub struct Context {
    /// The directory of the app's executable, where the installers put the CLI.
    pub app_dir: PathBuf,
    /// The user's home directory (`~/.local/bin` is under it).
    pub home: Option<PathBuf>,
    /// The `PATH` the app runs with (on Windows the user's registry `Path` is what counts).
    pub path_var: Option<OsString>,
    /// The app runs from an AppImage (`APPIMAGE` is set): its directory is a mount that
    /// changes on every launch, so it never counts as being on `PATH`.
    pub appimage: bool,
    /// Where the record of the copy written on Linux is kept (the app's data directory).
    pub state_dir: PathBuf,
}

impl Context {
    /// The context of the app whose executable is `app_exe`, with the user's home directory,
    /// `PATH` and `APPIMAGE` taken from `env` (the app's environment).
    #[must_use]
    pub fn from_env(app_exe: &Path, env: &crate::env::EnvMap, state_dir: PathBuf) -> Self {
        let app_dir = app_exe
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Self {
            app_dir,
            home: crate::os::current().home_dir(env),
            path_var: env.get("PATH").map(OsString::from),
            appimage: env.get("APPIMAGE").is_some_and(|v| !v.is_empty()),
            state_dir,
        }
    }

    /// The bundled CLI: `gocache-doctor` (`gocache-doctor.exe` on Windows) in [`Self::app_dir`].
    #[must_use]
    pub fn bundled_cli(&self) -> PathBuf {
        self.app_dir
            .join(format!("{CLI_NAME}{}", std::env::consts::EXE_SUFFIX))
    }

    /// [`Self::bundled_cli`] when it is a file.
    ///
    /// # Errors
    /// `NotBundled` (with its path) when it is not.
    pub fn existing_bundled_cli(&self) -> Result<PathBuf, CliPathError> {
        let cli = self.bundled_cli();
        if cli.is_file() {
            Ok(cli)
        } else {
            Err(CliPathError::NotBundled(cli))
        }
    }
}

/// Maps an I/O error at `path` to [`CliPathError::Io`] (for `map_err`).
pub fn io_at(path: &Path) -> impl FnOnce(std::io::Error) -> CliPathError + '_ {
    move |source| CliPathError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How the CLI is (or would be) put on `PATH`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CliPathMethod {
    /// The installer already put it in a directory on `PATH` (the .deb's `/usr/bin`).
    Package,
    /// A copy in `~/.local/bin` (Linux, the AppImage).
    Copy,
    /// A symbolic link to the app bundle's CLI (macOS).
    Symlink,
    /// Its directory in the user's `Path` in the registry (Windows).
    UserPath,
}

/// What [`status`], [`install`] or [`uninstall`] found or did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CliPathOutcome {
    /// Put on `PATH` now.
    Installed,
    /// An older copy this app made was replaced by the bundled CLI.
    Updated,
    /// It was already there (nothing was changed).
    AlreadyInstalled,
    /// The installer put it on `PATH`; nothing to do or undo.
    ByPackage,
    /// Not on `PATH` ([`status`]) or nothing to remove ([`uninstall`]).
    NotInstalled,
    /// Removed from `PATH` by [`uninstall`].
    Removed,
}

/// The answer of [`status`], [`install`] and [`uninstall`]: what was done, where, and what the
/// user still has to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CliPathReport {
    /// What happened.
    pub outcome: CliPathOutcome,
    /// How the CLI is put on `PATH` on this system.
    pub method: CliPathMethod,
    /// The CLI inside the app (the installer's copy).
    pub cli: PathBuf,
    /// The copy, the link, or the directory added to `Path` (Windows).
    pub location: PathBuf,
    /// Whether the directory of [`Self::location`] is on the app's `PATH` (false: the user has
    /// to add it, e.g. `~/.local/bin` on macOS).
    pub on_path: bool,
    /// Terminals that are already open do not see the change: open a new one.
    pub new_terminal: bool,
}

/// Why the action failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CliPathError {
    /// The app has no CLI next to it (a development build where it was not built).
    #[error("the command-line tool is not next to the app: {0} does not exist")]
    NotBundled(PathBuf),
    /// A file of the CLI's name that this app did not put there; it was left alone.
    #[error("{0} exists and is not the command-line tool this app installed; it was left alone")]
    Conflict(PathBuf),
    /// No home directory to put `~/.local/bin` under.
    #[error("no home directory")]
    NoHome,
    /// A file-system error.
    #[error("{path}: {source}")]
    Io {
        /// The path the operation was about.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// Reading or writing the user's `Path` in the registry (Windows) failed.
    #[error("the user's Path in the registry (HKCU\\Environment): {0}")]
    Registry(String),
}

impl CliPathError {
    /// The machine-readable code: `NotFound` (no CLI next to the app, no home directory),
    /// `Conflict`, `PermissionDenied` or `Io` (the file system), `Internal` (the registry).
    #[must_use]
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::NotBundled(_) | Self::NoHome => crate::ErrorCode::NotFound,
            Self::Conflict(_) => crate::ErrorCode::Conflict,
            Self::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                crate::ErrorCode::PermissionDenied
            }
            Self::Io { .. } => crate::ErrorCode::Io,
            Self::Registry(_) => crate::ErrorCode::Internal,
        }
    }
}

/// Whether the CLI is on `PATH` now, without changing anything.
///
/// # Errors
/// [`CliPathError::NotBundled`] when there is no CLI next to the app; I/O or registry errors.
pub fn status(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    platform::status(ctx)
}

/// Puts the CLI on `PATH` (see the module documentation for how, per OS); already installed
/// is detected and reported, and a file of that name this app did not write is never replaced.
///
/// # Errors
/// [`CliPathError::Conflict`] for an unrelated file in the way; [`CliPathError::NotBundled`];
/// I/O or registry errors.
pub fn install(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    platform::install(ctx)
}

/// Undoes [`install`]: removes the copy or link this app made, or the directory it added to the
/// user's `Path`.
///
/// # Errors
/// [`CliPathError::Conflict`] when the file there is not ours; I/O or registry errors.
pub fn uninstall(ctx: &Context) -> Result<CliPathReport, CliPathError> {
    platform::uninstall(ctx)
}

/// What is at the place the CLI would go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Existing {
    /// Nothing.
    Missing,
    /// Already the bundled CLI (the same bytes, or a link to it).
    Current,
    /// An earlier install by this app (an older copy, or a link to another app bundle's CLI).
    Ours,
    /// Anything else: never touched.
    Unrelated,
}

/// What [`install`] does about an [`Existing`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plan {
    /// Write it (nothing there).
    Create,
    /// Replace our earlier install.
    Replace,
    /// Nothing to do.
    Keep,
    /// Refuse: an unrelated file.
    Refuse,
}

/// The decision of [`install`] for what is in the way.
#[must_use]
pub fn plan_install(existing: Existing) -> Plan {
    match existing {
        Existing::Missing => Plan::Create,
        Existing::Ours => Plan::Replace,
        Existing::Current => Plan::Keep,
        Existing::Unrelated => Plan::Refuse,
    }
}

/// Classifies a regular file at the copy's place (Linux): `current` its bytes equal the bundled
/// CLI's, `recorded` its SHA-256 is the one recorded when this app wrote it. A symbolic link
/// or anything not a regular file is [`Existing::Unrelated`].
#[must_use]
pub fn classify_copy(exists: bool, regular_file: bool, current: bool, recorded: bool) -> Existing {
    match (exists, regular_file) {
        (false, _) => Existing::Missing,
        (true, false) => Existing::Unrelated,
        (true, true) if current => Existing::Current,
        (true, true) if recorded => Existing::Ours,
        _ => Existing::Unrelated,
    }
}

/// Classifies what is at the link's place (macOS): `link` is the target of a symbolic link
/// (`None` when there is no link: `exists` tells whether something else is there). A link to
/// `cli` is current; a link to another `*.app/Contents/MacOS/gocache-doctor` (the app moved or
/// an older copy) is ours; anything else is unrelated.
#[must_use]
pub fn classify_link(exists: bool, link: Option<&Path>, cli: &Path) -> Existing {
    match link {
        None if !exists => Existing::Missing,
        None => Existing::Unrelated,
        Some(target) if target == cli => Existing::Current,
        Some(target) if is_bundle_cli(target) => Existing::Ours,
        Some(_) => Existing::Unrelated,
    }
}

/// `…/NAME.app/Contents/MacOS/gocache-doctor`.
fn is_bundle_cli(p: &Path) -> bool {
    let parts: Vec<_> = p.components().rev().take(4).collect();
    let name = |i: usize| parts.get(i).map(|c| c.as_os_str().to_string_lossy());
    name(0).as_deref() == Some(CLI_NAME)
        && name(1).as_deref() == Some("MacOS")
        && name(2).as_deref() == Some("Contents")
        && name(3).is_some_and(|n| n.ends_with(".app"))
}

/// Whether `dir` is one of the entries of a `PATH` value (this OS's separator).
#[must_use]
pub fn dir_on_path(path_var: Option<&OsString>, dir: &Path) -> bool {
    path_var
        .is_some_and(|v| std::env::split_paths(v).any(|e| !e.as_os_str().is_empty() && e == dir))
}

/// One entry of a Windows `Path` equals `dir`: case-insensitively, ignoring surrounding
/// spaces and quotes and a trailing backslash.
fn same_windows_entry(entry: &str, dir: &str) -> bool {
    let norm = |s: &str| {
        s.trim()
            .trim_matches('"')
            .trim_end_matches(['\\', '/'])
            .to_lowercase()
    };
    let e = norm(entry);
    !e.is_empty() && e == norm(dir)
}

/// The user's Windows `Path` value with `dir` appended, or `None` when it is already in it.
/// Other entries, their order and spelling are kept.
#[must_use]
pub fn user_path_with(value: &str, dir: &str) -> Option<String> {
    if value.split(';').any(|e| same_windows_entry(e, dir)) {
        return None;
    }
    let trimmed = value.trim_end_matches(';');
    Some(if trimmed.is_empty() {
        dir.to_owned()
    } else {
        format!("{trimmed};{dir}")
    })
}

/// The user's Windows `Path` value without `dir` (every spelling of it), or `None` when it is
/// not in it.
#[must_use]
pub fn user_path_without(value: &str, dir: &str) -> Option<String> {
    let entries: Vec<&str> = value.split(';').collect();
    if !entries.iter().any(|e| same_windows_entry(e, dir)) {
        return None;
    }
    let kept: Vec<&str> = entries
        .into_iter()
        .filter(|e| !same_windows_entry(e, dir))
        .collect();
    Some(kept.join(";"))
}
