//! `env_report`: what `go env` would say, which caches exist, and what looks wrong.

use gocache_core::discover::{Options, Report};
use gocache_core::env::EnvMap;

use crate::error::CommandError;

/// Resolves Go's environment from the app's own environment and discovers the caches.
#[tauri::command]
pub async fn env_report() -> Result<Report, CommandError> {
    let report = tauri::async_runtime::spawn_blocking(|| discover(&EnvMap::from_process())).await?;
    Ok(report)
}

/// Discovery over an explicit environment (the command uses the process environment),
/// including the `go env` cross-check.
pub fn discover(env: &EnvMap) -> Report {
    gocache_core::discover::discover(env, &Options::default())
}
