//! `reveal_path`: "Show in file manager" for a cache or a module version. The page names a
//! path; the backend checks it against the caches it discovers itself
//! ([`gocache_core::roots::resolve_within`]) before the OS file manager is asked to show it.

use std::path::{Path, PathBuf};

use gocache_core::ErrorCode;
use tauri::State;

use crate::error::CommandError;
use crate::state::Config;

impl From<gocache_core::roots::RootsError> for CommandError {
    fn from(error: gocache_core::roots::RootsError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

/// The cache roots discovered over the app's environment, as configured.
pub fn discovered_roots(config: &Config) -> Vec<PathBuf> {
    let options = gocache_core::discover::Options {
        run_go: false,
        ..Default::default()
    };
    gocache_core::discover::discover(&config.env(), &options)
        .caches
        .into_iter()
        .map(|c| c.path)
        .collect()
}

/// The real location of `path` when it is a discovered cache root or inside one.
///
/// # Errors
/// The refusal of [`gocache_core::roots::resolve_within`] (`BadArgument`, `NotFound`, ...).
pub fn checked_path(config: &Config, path: &str) -> Result<PathBuf, CommandError> {
    Ok(gocache_core::roots::resolve_within(
        &discovered_roots(config),
        Path::new(path),
    )?)
}

/// Shows `path` (a cache root or something inside one) selected in the OS file manager.
///
/// # Errors
/// `BadArgument` for a path outside the discovered caches (or with `..`, or through a symlink
/// inside a cache), `NotFound` when it no longer exists, `Unsupported` when no file manager
/// could show it.
#[tauri::command]
pub async fn reveal_path(config: State<'_, Config>, path: String) -> Result<(), CommandError> {
    let config = config.inner().clone();
    super::blocking(move || {
        let real = checked_path(&config, &path)?;
        config.revealer.reveal(&real).map_err(|e| {
            CommandError::new(
                ErrorCode::Unsupported,
                format!("no file manager could show {}: {e}", real.display()),
            )
        })
    })
    .await
}

/// The file the last export wrote (what `reveal_export` may show; the page never names it).
#[derive(Default)]
pub struct ExportSlot(std::sync::Mutex<Option<PathBuf>>);

impl ExportSlot {
    fn set(&self, path: PathBuf) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(path);
    }
    fn get(&self) -> Option<PathBuf> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

/// Writes `rows` (the module view's rows: every version of the current scan, or those
/// `filter` kept) as `format` to `path`.
///
/// # Errors
/// `Io`/`PermissionDenied` when the file cannot be written.
pub fn write_export(
    path: &Path,
    rows: &[gocache_core::export::ExportRow],
    format: gocache_core::export::Format,
    filter: Option<&str>,
) -> Result<(), CommandError> {
    let text = gocache_core::export::render(rows, format, filter, unix_now())
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
    std::fs::write(path, text).map_err(|e| gocache_core::Error::io(path, e).into())
}

/// Asks where to save (the OS save dialog, a timestamped name suggested), then writes the
/// module table there. Answers the path written, or `None` when the user cancelled.
///
/// # Errors
/// `Io`/`PermissionDenied` when the file cannot be written.
#[tauri::command]
pub async fn export_modules<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    slot: State<'_, ExportSlot>,
    rows: Vec<gocache_core::export::ExportRow>,
    format: gocache_core::export::Format,
    filter: Option<String>,
) -> Result<Option<String>, CommandError> {
    use tauri_plugin_dialog::DialogExt;
    let name = gocache_core::export::file_name(format, unix_now());
    let picked = tauri::async_runtime::spawn_blocking(move || {
        let ext = format.extension();
        let dialog = app
            .dialog()
            .file()
            .set_file_name(&name)
            .add_filter(ext.to_uppercase(), &[ext]);
        match dirs::download_dir() {
            Some(d) => dialog.set_directory(d),
            None => dialog,
        }
        .blocking_save_file()
    })
    .await?;
    let Some(picked) = picked else {
        return Ok(None);
    };
    let path = picked
        .into_path()
        .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the chosen file: {e}")))?;
    let written = path.clone();
    super::blocking(move || write_export(&written, &rows, format, filter.as_deref())).await?;
    slot.set(path.clone());
    Ok(Some(path.to_string_lossy().into_owned()))
}

/// Shows the file the last export wrote in the OS file manager.
///
/// # Errors
/// `NotFound` before any export (or when the file is gone), `Unsupported` when no file
/// manager could show it.
#[tauri::command]
pub async fn reveal_export(
    config: State<'_, Config>,
    slot: State<'_, ExportSlot>,
) -> Result<(), CommandError> {
    let revealer = config.revealer.clone();
    let path = slot
        .get()
        .ok_or_else(|| CommandError::new(ErrorCode::NotFound, "nothing was exported yet"))?;
    super::blocking(move || {
        if std::fs::symlink_metadata(&path).is_err() {
            return Err(CommandError::new(
                ErrorCode::NotFound,
                format!("{} no longer exists", path.display()),
            ));
        }
        revealer.reveal(&path).map_err(|e| {
            CommandError::new(
                ErrorCode::Unsupported,
                format!("no file manager could show {}: {e}", path.display()),
            )
        })
    })
    .await
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::export::ExportRow>();
    v.visit::<gocache_core::export::Format>();
}
