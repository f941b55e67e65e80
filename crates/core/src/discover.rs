//! Discovery: from the resolved Go environment to the list of caches on this machine, plus the
//! problems found on the way (relative paths, `GOCACHE=off`, disagreement with `go env`, ...).

use std::path::PathBuf;

use serde::Serialize;

use crate::env::{Source, Vars};
use crate::os::OsKind;

/// The kinds of cache Go Cache Doctor knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CacheKind {
    /// The module cache (GOMODCACHE): extracted modules, `cache/download`, `cache/vcs`, sumdb.
    Modcache,
    /// Toolchains downloaded as `golang.org/toolchain@*` inside the module cache.
    Toolchains,
    /// The build cache (GOCACHE), including its test-cache and fuzz-cache parts.
    Build,
    /// gopls' file cache.
    Gopls,
    /// golangci-lint's cache.
    GolangciLint,
    /// staticcheck's cache.
    Staticcheck,
    /// GOBIN: installed binaries. Listed for information, never offered for cleaning.
    Gobin,
}

impl CacheKind {
    /// The stable name used in JSON and on the command line (`modcache`, `golangci-lint`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Modcache => "modcache",
            Self::Toolchains => "toolchains",
            Self::Build => "build",
            Self::Gopls => "gopls",
            Self::GolangciLint => "golangci-lint",
            Self::Staticcheck => "staticcheck",
            Self::Gobin => "gobin",
        }
    }

    /// A human title for the kind ("Module cache", ...).
    pub fn title(self) -> &'static str {
        match self {
            Self::Modcache => "Module cache",
            Self::Toolchains => "Downloaded toolchains",
            Self::Build => "Build cache",
            Self::Gopls => "gopls cache",
            Self::GolangciLint => "golangci-lint cache",
            Self::Staticcheck => "staticcheck cache",
            Self::Gobin => "Installed binaries (GOBIN)",
        }
    }
}

/// One cache found on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cache {
    /// What kind of cache this is.
    pub kind: CacheKind,
    /// Its root directory (absolute).
    pub path: PathBuf,
    /// The variable that located it (`GOMODCACHE`, `GOCACHE`, `GOPLSCACHE`, ...).
    pub var: String,
    /// Where that variable's value came from.
    pub source: Source,
    /// Whether the directory exists now.
    pub exists: bool,
    /// Whether the app may offer to clean it (false for GOBIN).
    pub cleanable: bool,
    /// The cache this one lives inside (toolchains live in the module cache).
    pub parent: Option<CacheKind>,
}

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Go itself will fail (e.g. relative GOMODCACHE).
    Error,
    /// Works, but probably not what the user wants.
    Warning,
    /// Worth knowing.
    Info,
}

/// Something wrong or noteworthy found during discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Stable identifier (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// A sentence for people: what is wrong and what to do.
    pub message: String,
    /// The variable concerned, if any.
    #[serde(rename = "var", skip_serializing_if = "Option::is_none")]
    pub var_name: Option<String>,
}

/// The `go` binary found on this machine, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GoInfo {
    /// Path of the `go` binary.
    pub path: PathBuf,
    /// `go env GOVERSION`, e.g. `go1.23.5`.
    pub version: Option<String>,
    /// `go env GOROOT`.
    pub goroot: Option<PathBuf>,
}

/// Everything discovery found: the variables, the caches and the problems.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// The OS whose rules were applied.
    pub os: OsKind,
    /// The `go` binary, when one was found.
    pub go: Option<GoInfo>,
    /// Resolved variables, by name.
    pub vars: Vars,
    /// Caches, in a stable order (module cache first).
    pub caches: Vec<Cache>,
    /// Problems, most severe first.
    pub problems: Vec<Problem>,
}

impl Report {
    /// The first cache of `kind`, if discovered.
    pub fn cache(&self, kind: CacheKind) -> Option<&Cache> {
        self.caches.iter().find(|c| c.kind == kind)
    }
}
