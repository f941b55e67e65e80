//! The app's commands: IPC glue that runs `gocache-core` on a blocking thread.

pub mod about;
pub mod auto;
pub mod clean;
pub mod clipath;
pub mod doctor;
pub mod env;
pub mod files;
pub mod locks;
pub mod scan;
pub mod settings;
pub mod verify;
pub mod watch;

use crate::error::CommandError;

/// Runs `f` on Tauri's blocking pool (the core's calls block: file systems, `go env`).
pub(crate) async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, CommandError> + Send + 'static,
) -> Result<T, CommandError> {
    tauri::async_runtime::spawn_blocking(f).await?
}
