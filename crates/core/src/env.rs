//! Resolution of Go's environment variables, exactly as `go env` does it
//! (`cmd/go/internal/cfg`): a non-empty OS variable wins, then the user's GOENV file, then
//! `$GOROOT/go.env`, then the built-in per-OS default. Every value records its [`Source`].

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

/// A snapshot of environment variables. Built from the process environment for real use and
/// from literal pairs in tests, so resolution is a pure function of its input.
#[derive(Debug, Clone, Default)]
pub struct EnvMap {
    vars: HashMap<String, String>,
    process: bool,
}

impl EnvMap {
    /// The current process environment (variables that are not valid UTF-8 are skipped).
    pub fn from_process() -> Self {
        Self { vars: std::env::vars().collect(), process: true }
    }

    /// An environment made of the given pairs only.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self { vars: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect(), process: false }
    }

    /// The raw value of `key`, empty or not.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.vars.get(key)
    }

    /// Sets `key` (used by callers that layer overrides on a snapshot).
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        self.vars.insert(key.into(), value.into());
    }

    /// Removes `key`.
    pub fn remove(&mut self, key: &str) {
        self.vars.remove(key);
    }

    /// Whether this snapshot is the real process environment (so OS fall-backs such as the
    /// passwd home directory may be consulted).
    pub fn is_process_env(&self) -> bool {
        self.process
    }

    /// All pairs, for passing to a child process.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.vars.iter()
    }
}

/// Where a resolved value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Source {
    /// A non-empty OS environment variable.
    #[serde(rename = "env")]
    Env,
    /// The user's GOENV file (`go env -w`).
    #[serde(rename = "goenv-file")]
    GoEnvFile,
    /// `$GOROOT/go.env`.
    #[serde(rename = "goroot-go.env")]
    GoRootEnv,
    /// Go's built-in default for this OS.
    #[serde(rename = "default")]
    Default,
}

/// One resolved variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Var {
    /// The effective value (may be empty, e.g. GOPATH when `~/go` is GOROOT).
    pub value: String,
    /// Where it came from.
    pub source: Source,
}

/// All resolved variables by name, sorted.
pub type Vars = BTreeMap<String, Var>;
