//! The error every command returns, serialized for the UI as `{"code": ..., "message": ...}`.

pub use gocache_core::ErrorCode;
use serde::Serialize;

/// A command failure. `code` is stable and machine-readable (the UI branches on it);
/// `message` is for people.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct CommandError {
    /// `Cancelled`, `PermissionDenied`, `NotFound`, `Io`, `BadRoot`, `GoCommand`, `Internal`, ...
    pub code: ErrorCode,
    /// What happened, in words.
    pub message: String,
}

impl CommandError {
    /// An error with an explicit code.
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }
}

impl From<gocache_core::Error> for CommandError {
    fn from(error: gocache_core::Error) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<gocache_core::verify::RepairError> for CommandError {
    fn from(error: gocache_core::verify::RepairError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<gocache_core::clean::session::SessionError> for CommandError {
    fn from(error: gocache_core::clean::session::SessionError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<gocache_core::clean::select::SelectError> for CommandError {
    fn from(error: gocache_core::clean::select::SelectError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<gocache_core::settings::SettingsError> for CommandError {
    fn from(error: gocache_core::settings::SettingsError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<gocache_core::watch::WatchError> for CommandError {
    fn from(error: gocache_core::watch::WatchError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

impl From<tauri::Error> for CommandError {
    fn from(error: tauri::Error) -> Self {
        Self::new(ErrorCode::Internal, format!("internal error: {error}"))
    }
}

impl std::fmt::Display for CommandError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl std::error::Error for CommandError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_to_code_and_message_only() {
        let err = CommandError::from(gocache_core::Error::io(
            "/cache/x",
            std::io::Error::from(std::io::ErrorKind::PermissionDenied),
        ));
        let json = serde_json::to_string(&err).unwrap_or_default();
        assert_eq!(
            json,
            r#"{"code":"PermissionDenied","message":"/cache/x: permission denied"}"#
        );
    }

    #[test]
    fn cancelled_has_its_own_code() {
        let err = CommandError::from(gocache_core::Error::Cancelled);
        let value = serde_json::to_value(&err).unwrap_or_default();
        assert_eq!(
            value,
            serde_json::json!({"code": "Cancelled", "message": "cancelled"})
        );
    }
}
