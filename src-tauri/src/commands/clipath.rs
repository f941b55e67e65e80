//! `cli_path_status` / `cli_path_install` / `cli_path_uninstall`: Settings' "Install the
//! command-line tool" (issue #18), which puts the `gocache-doctor` that the installers ship
//! next to the app on `PATH` ([`gocache_core::clipath`]: a copy in `~/.local/bin` from the
//! AppImage, a link on macOS, the user's `Path` on Windows; nothing to do from the .deb).

pub use gocache_core::clipath::{
    CliPathError, CliPathMethod, CliPathOutcome, CliPathReport, Context,
};
use tauri::State;

use crate::error::{CommandError, ErrorCode};
use crate::state::Config;

impl From<CliPathError> for CommandError {
    fn from(error: CliPathError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

/// The context of this app: its executable (`Config::exe`, else the running one), its
/// environment and its data directory (where the copy's record is kept).
fn context(config: &Config) -> Result<Context, CommandError> {
    let exe = match &config.exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe()
            .map_err(|e| CommandError::new(ErrorCode::Internal, format!("the app's path: {e}")))?,
    };
    let state_dir = config.data_dir.clone().ok_or_else(|| {
        CommandError::new(
            ErrorCode::NotFound,
            "no data directory for the app".to_owned(),
        )
    })?;
    Ok(Context::from_env(&exe, &config.env(), state_dir))
}

/// Whether the command-line tool is on `PATH`, and how it would be put there.
#[tauri::command]
pub async fn cli_path_status(config: State<'_, Config>) -> Result<CliPathReport, CommandError> {
    let config = config.inner().clone();
    super::blocking(move || Ok(gocache_core::clipath::status(&context(&config)?)?)).await
}

/// Puts the command-line tool on `PATH`; never replaces a file it did not make.
#[tauri::command]
pub async fn cli_path_install(config: State<'_, Config>) -> Result<CliPathReport, CommandError> {
    let config = config.inner().clone();
    super::blocking(move || Ok(gocache_core::clipath::install(&context(&config)?)?)).await
}

/// Undoes [`cli_path_install`].
#[tauri::command]
pub async fn cli_path_uninstall(config: State<'_, Config>) -> Result<CliPathReport, CommandError> {
    let config = config.inner().clone();
    super::blocking(move || Ok(gocache_core::clipath::uninstall(&context(&config)?)?)).await
}

/// The types this module's commands answer (the roots of the generated TypeScript bindings).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<CliPathReport>();
}
