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
    pub fn code(&self) -> &'static str {
        match self {
            Self::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => "PermissionDenied",
                std::io::ErrorKind::NotFound => "NotFound",
                _ => "Io",
            },
            Self::Cancelled => "Cancelled",
            Self::BadRoot { .. } => "BadRoot",
            Self::GoCommand { .. } => "GoCommand",
            Self::BadEscape(_) => "BadEscape",
        }
    }
}
