//! The core's error type.

use std::path::PathBuf;

/// Result alias used across the core.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the core. Variants carry the path they are about.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An I/O error on a specific path.
    #[error("{path}: {source}")]
    Io {
        /// The path the operation was about.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The operation was cancelled through its [`crate::CancelToken`].
    #[error("cancelled")]
    Cancelled,
    /// A path that should be a cache root is not usable (missing, not a directory, relative).
    #[error("{path}: {reason}")]
    BadRoot {
        /// The offending path.
        path: PathBuf,
        /// Why it was rejected.
        reason: String,
    },
    /// Running or parsing the output of the `go` command failed.
    #[error("go command {program}: {message}")]
    GoCommand {
        /// The program that was run.
        program: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// A module path or version is not valid in Go's `!` escaping.
    #[error("invalid escaped module path or version {0:?}")]
    BadEscape(String),
}

impl Error {
    /// Wraps an [`std::io::Error`] with the path it concerns.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }

    /// A short machine-readable code for front ends that branch on the kind of error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => ErrorCode::PermissionDenied,
                std::io::ErrorKind::NotFound => ErrorCode::NotFound,
                _ => ErrorCode::Io,
            },
            Self::Cancelled => ErrorCode::Cancelled,
            Self::BadRoot { .. } => ErrorCode::BadRoot,
            Self::GoCommand { .. } => ErrorCode::GoCommand,
            Self::BadEscape(_) => ErrorCode::BadEscape,
        }
    }
}

/// Every machine-readable error code a front end can receive, serialized as the variant's name
/// (`"PermissionDenied"`): the `code` of the app's command errors (`{"code", "message"}`), which
/// the UI branches on through the generated TypeScript union `ErrorCode`
/// (ui/src/lib/bindings), so a code misspelt on either side fails to compile.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum ErrorCode {
    /// An I/O error other than the two below.
    Io,
    /// The OS refused access to a path.
    PermissionDenied,
    /// A path, process or item does not exist (any more).
    NotFound,
    /// The operation was cancelled.
    Cancelled,
    /// A cache root or project folder is not usable, or a plan was refused.
    BadRoot,
    /// Running or reading the `go` command failed.
    GoCommand,
    /// A module path or version is not valid in Go's `!` escaping.
    BadEscape,
    /// A `go.mod`, `go.work` or `go.sum` could not be parsed.
    Parse,
    /// A repair asked for versions the last verification did not report broken (or there was
    /// none, or it checked another project).
    NotReported,
    /// A module path or version Go would not accept.
    InvalidModule,
    /// Ending a system process was refused.
    RefusedSystem,
    /// Ending Go Cache Doctor itself was refused.
    RefusedSelf,
    /// Ending another user's process was refused.
    RefusedOtherUser,
    /// Ending a protected (session-critical) process was refused.
    RefusedProtected,
    /// The process no longer holds files in the caches.
    NotAHolder,
    /// The pid now names another process than the one listed.
    ProcessChanged,
    /// The process could not be identified (no start time).
    Unidentified,
    /// Finding the holders failed.
    ScanFailed,
    /// The process did not exit in time.
    StillRunning,
    /// Not available on this OS.
    Unsupported,
    /// A command argument the backend does not accept (an unknown OS or link name).
    BadArgument,
    /// The app's settings file cannot be read or written.
    BadSettings,
    /// The user did not grant administrator rights: nothing was deleted.
    ElevationDenied,
    /// Running with administrator rights is not possible here.
    ElevationUnavailable,
    /// A failure inside the app (a bug or a broken runtime).
    Internal,
    /// A clean can no longer be undone (its purge finished).
    NotUndoable,
    /// The preview (plan) id is unknown or expired.
    UnknownPlan,
    /// The clean run id is unknown.
    UnknownRun,
    /// A file is in the way that this app did not make; it was left alone.
    Conflict,
}

/// The code as sent to front ends: the variant's name, like serde writes it.
impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// `code == "NotFound"`, for tests and callers that hold the code as text.
impl PartialEq<&str> for ErrorCode {
    fn eq(&self, other: &&str) -> bool {
        let name = format!("{self:?}");
        name == *other
    }
}

#[cfg(test)]
mod tests {
    use super::ErrorCode;

    #[test]
    fn error_codes_serialize_as_their_names() {
        for (code, name) in [
            (ErrorCode::PermissionDenied, "PermissionDenied"),
            (ErrorCode::UnknownRun, "UnknownRun"),
            (ErrorCode::Io, "Io"),
        ] {
            let json = serde_json::to_string(&code).unwrap_or_default();
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(code.to_string(), name);
            assert_eq!(code, name);
        }
    }
}
