//! Windows: not applicable. GUI apps get the user's environment from the registry
//! (`HKCU\Environment`, set by `setx` and the Settings app), so there is no login shell to ask.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::ResolveError;
use crate::CancelToken;
use crate::env::EnvMap;

/// Always [`ResolveError::NotApplicable`].
pub(super) fn checked_shell(_shell: &Path) -> Result<PathBuf, ResolveError> {
    Err(ResolveError::NotApplicable)
}

/// No user database shell on Windows.
pub(super) fn passwd_shell() -> Option<PathBuf> {
    None
}

/// What the shell printed and how it ended (never built on Windows).
pub(super) struct Output {
    pub(super) stdout: Vec<u8>,
    pub(super) stderr: Vec<u8>,
    pub(super) success: bool,
    pub(super) status: String,
}

/// Always [`ResolveError::NotApplicable`].
pub(super) fn run(
    _shell: &Path,
    _args: &[&str],
    _command: &str,
    _env: &EnvMap,
    _timeout: Duration,
    _cancel: &CancelToken,
) -> Result<Output, ResolveError> {
    Err(ResolveError::NotApplicable)
}
