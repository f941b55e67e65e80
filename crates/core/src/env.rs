//! Resolution of Go's environment variables, exactly as `go env` does it
//! (`cmd/go/internal/cfg`): a non-empty OS variable wins, then the user's GOENV file, then
//! `$GOROOT/go.env`, then the built-in per-OS default. Every value records its [`Source`].
//!
//! An [`EnvMap`] may carry values imported from the user's login shell
//! ([`crate::shellenv`]); those resolve with [`Source::LoginShell`].

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

/// A snapshot of environment variables. Built from the process environment for real use and
/// from literal pairs in tests, so resolution is a pure function of its input.
#[derive(Debug, Clone, Default)]
pub struct EnvMap {
    vars: HashMap<String, String>,
    /// Names (lossily decoded) of variables skipped because their name or value is not valid
    /// UTF-8, sorted.
    not_utf8: Vec<String>,
    /// Names whose current value came from the login shell ([`crate::shellenv::merge`]).
    from_login_shell: BTreeSet<String>,
    /// What the login-shell import did, when it was considered.
    login_shell: Option<crate::shellenv::Report>,
}

/// Variables whose values locate caches or the files Go reads to locate them. When one of these
/// is not valid UTF-8 it is skipped like any other, but discovery then refuses to offer any
/// cache for cleaning: without it, the caches it lists may not be the ones Go uses.
pub const LOCATION_VARS: &[&str] = &[
    "HOME",
    "USERPROFILE",
    "LocalAppData",
    "LOCALAPPDATA",
    "AppData",
    "APPDATA",
    "XDG_CACHE_HOME",
    "XDG_CONFIG_HOME",
    "GOROOT",
    "GOENV",
    "GOPATH",
    "GOMODCACHE",
    "GOCACHE",
    "GOPLSCACHE",
    "GOLANGCI_LINT_CACHE",
    "STATICCHECK_CACHE",
    "GOBIN",
    "TMPDIR",
    "TMP",
    "TEMP",
];

impl EnvMap {
    /// The current process environment, read with [`std::env::vars_os`] so that it never
    /// panics.
    ///
    /// A variable whose name or value is not valid UTF-8 is **skipped** (it is not carried as a
    /// path: every rule downstream works on strings, and a lossy path would name another
    /// directory). Its lossily decoded name is kept in [`EnvMap::not_utf8`], and discovery
    /// reports it as the `env-not-utf8` problem; when it is one of [`LOCATION_VARS`] discovery
    /// also marks every cache as not cleanable.
    pub fn from_process() -> Self {
        Self::from_os_pairs(std::env::vars_os())
    }

    /// An environment from OS strings, skipping (and recording) the pairs that are not valid
    /// UTF-8, as [`EnvMap::from_process`] does.
    pub fn from_os_pairs<I>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (std::ffi::OsString, std::ffi::OsString)>,
    {
        let mut out = Self::default();
        for (k, v) in pairs {
            match (k.into_string(), v.into_string()) {
                (Ok(k), Ok(v)) => {
                    out.vars.insert(k, v);
                }
                (Ok(k), Err(_)) => out.not_utf8.push(k),
                (Err(k), _) => out.not_utf8.push(k.to_string_lossy().into_owned()),
            }
        }
        out.not_utf8.sort();
        out.not_utf8.dedup();
        out
    }

    /// Names (lossily decoded, sorted) of the variables skipped because their name or value is
    /// not valid UTF-8.
    pub fn not_utf8(&self) -> &[String] {
        &self.not_utf8
    }

    /// An environment made of the given pairs only.
    pub fn from_pairs<I, K, V>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        Self {
            vars: pairs
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            ..Self::default()
        }
    }

    /// The raw value of `key`, empty or not. On Windows names are case-insensitive, as the
    /// OS treats them (the system's `Path` is `PATH`, `APPDATA` is `AppData`); an exact match
    /// wins.
    pub fn get(&self, key: &str) -> Option<&String> {
        self.vars.get(key).or_else(|| {
            NAMES_IGNORE_CASE
                .then(|| {
                    self.vars
                        .iter()
                        .find(|(k, _)| same_name(k, key))
                        .map(|(_, v)| v)
                })
                .flatten()
        })
    }

    /// Sets `key` (used by callers that layer overrides on a snapshot). The value no longer
    /// counts as the login shell's. On Windows this replaces the variable whatever the case it
    /// was stored with, so a child process never gets both `Path` and `PATH`.
    pub fn set(&mut self, key: impl Into<String>, value: impl Into<String>) {
        let key = key.into();
        self.not_utf8.retain(|k| !same_name(k, &key));
        self.vars.retain(|k, _| !same_name(k, &key));
        self.from_login_shell.remove(&key);
        self.vars.insert(key, value.into());
    }

    /// Removes `key` (on Windows, whatever its case).
    pub fn remove(&mut self, key: &str) {
        self.from_login_shell.remove(key);
        self.vars.retain(|k, _| !same_name(k, key));
    }

    /// Whether the value of `key` came from the login shell ([`crate::shellenv::merge`]).
    pub fn is_from_login_shell(&self, key: &str) -> bool {
        self.from_login_shell.contains(key)
    }

    /// Where a non-empty value of `key` came from: [`Source::LoginShell`] or [`Source::Env`].
    pub fn source_of(&self, key: &str) -> Source {
        if self.is_from_login_shell(key) {
            Source::LoginShell
        } else {
            Source::Env
        }
    }

    /// What the login-shell import did, when [`crate::shellenv::import`] considered it.
    pub fn login_shell(&self) -> Option<&crate::shellenv::Report> {
        self.login_shell.as_ref()
    }

    /// Records that the value of `key` came from the login shell.
    pub(crate) fn mark_login_shell(&mut self, key: &str) {
        self.from_login_shell.insert(key.to_owned());
    }

    /// The names whose values came from the login shell, sorted.
    pub(crate) fn login_shell_names(&self) -> Vec<String> {
        self.from_login_shell.iter().cloned().collect()
    }

    /// Attaches the login-shell import's report.
    pub(crate) fn set_login_shell_report(&mut self, report: crate::shellenv::Report) {
        self.login_shell = Some(report);
    }

    /// Records an unusable `GOCACHE_DOCTOR_SHELL_ENV` value in the attached report.
    pub(crate) fn set_bad_mode(&mut self, value: String) {
        if let Some(r) = self.login_shell.as_mut() {
            r.bad_mode = Some(value);
        }
    }

    /// Records `key` as skipped for a value that is not valid UTF-8.
    pub(crate) fn mark_not_utf8(&mut self, key: &str) {
        if !self.not_utf8.iter().any(|k| k == key) {
            self.not_utf8.push(key.to_owned());
            self.not_utf8.sort();
        }
    }

    /// All pairs, for passing to a child process.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &String)> {
        self.vars.iter()
    }
}

/// Whether variable names are case-insensitive: on Windows, as the OS treats them.
const NAMES_IGNORE_CASE: bool = matches!(crate::os::HOST, crate::os::OsKind::Windows);

/// Whether `a` and `b` name the same variable on this OS.
fn same_name(a: &str, b: &str) -> bool {
    a == b || (NAMES_IGNORE_CASE && a.eq_ignore_ascii_case(b))
}

/// Where a resolved value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
    /// A non-empty variable of the user's login shell (`$SHELL -l -i`), imported because the
    /// process was not started from a terminal ([`crate::shellenv`]).
    #[serde(rename = "login-shell")]
    LoginShell,
}

/// One resolved variable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Var {
    /// The effective value (may be empty, e.g. GOPATH when `~/go` is GOROOT).
    pub value: String,
    /// Where it came from.
    pub source: Source,
}

/// All resolved variables by name, sorted.
pub type Vars = BTreeMap<String, Var>;

/// The Go variables Go Cache Doctor resolves (the ones `go env` knows), in display order.
pub const GO_VARS: &[&str] = &[
    "GOROOT",
    "GOENV",
    "GOPATH",
    "GOMODCACHE",
    "GOCACHE",
    "GOBIN",
    "GOFLAGS",
    "GOPROXY",
    "GOSUMDB",
    "GOPRIVATE",
    "GONOPROXY",
    "GONOSUMDB",
    "GOINSECURE",
    "GOTOOLCHAIN",
];

/// Variables of other Go tools' caches; only the OS environment sets them.
///
/// `GOLANGCI_LINT_CACHE` and `STATICCHECK_CACHE` name the cache itself. `GOPLSCACHE` names the
/// directory gopls puts its `gopls` cache directory in; its resolved value
/// ([`crate::discover`]) is that `gopls` directory (`$GOPLSCACHE/gopls`).
pub const TOOL_VARS: &[&str] = &["GOPLSCACHE", "GOLANGCI_LINT_CACHE", "STATICCHECK_CACHE"];

/// One line of an env file that Go ignores, reported so the user can fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IgnoredLine {
    /// 1-based line number.
    pub line: usize,
    /// The line's text (lossily decoded).
    pub text: String,
}

/// The parsed contents of a Go env file (`GOENV` or `$GOROOT/go.env`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    /// `KEY=VALUE` pairs in file order; a later duplicate wins, as in Go.
    pub values: BTreeMap<String, String>,
    /// Non-empty, non-comment lines that Go ignores.
    pub ignored: Vec<IgnoredLine>,
}

/// Parses an env file exactly as Go's `readEnvFile` does: lines split on `\n`; a line is used
/// when its first byte is `A`-`Z` and it has an `=`; the key is before the first `=` and the
/// value is everything after it, untrimmed (a trailing `\r` is kept, as Go keeps it).
pub fn parse_env_file(data: &[u8]) -> EnvFile {
    let mut out = EnvFile::default();
    for (i, raw) in data.split(|&b| b == b'\n').enumerate() {
        let text = String::from_utf8_lossy(raw);
        let first = raw.first().copied();
        match (first, raw.iter().position(|&b| b == b'=')) {
            (Some(b'A'..=b'Z'), Some(eq)) => {
                let key = String::from_utf8_lossy(&raw[..eq]).into_owned();
                let val = String::from_utf8_lossy(&raw[eq + 1..]).into_owned();
                out.values.insert(key, val);
            }
            _ => {
                let trimmed = text.trim();
                if !trimmed.is_empty() && !trimmed.starts_with('#') {
                    out.ignored.push(IgnoredLine {
                        line: i + 1,
                        text: text.into_owned(),
                    });
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_file_parsing_follows_go() {
        let f = parse_env_file(
            b"GOPROXY=https://p.example,direct\n# comment\n\nlower=x\nNOEQUALS\nGOFLAGS=-mod=mod =x\nGOPRIVATE=\nGOSUMDB=a\nGOSUMDB=b\r\n",
        );
        assert_eq!(
            f.values.get("GOPROXY").map(String::as_str),
            Some("https://p.example,direct")
        );
        assert_eq!(
            f.values.get("GOFLAGS").map(String::as_str),
            Some("-mod=mod =x")
        );
        assert_eq!(f.values.get("GOPRIVATE").map(String::as_str), Some(""));
        assert_eq!(f.values.get("GOSUMDB").map(String::as_str), Some("b\r"));
        assert!(!f.values.contains_key("lower"));
        let lines: Vec<usize> = f.ignored.iter().map(|l| l.line).collect();
        assert_eq!(lines, vec![4, 5]);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_variables_are_skipped_and_named() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt as _;
        let env = EnvMap::from_os_pairs([
            (OsString::from("HOME"), OsString::from("/h")),
            (OsString::from("BAD"), OsString::from_vec(vec![0xff, b'x'])),
            (OsString::from_vec(vec![b'N', 0xfe]), OsString::from("v")),
            (
                OsString::from("GOMODCACHE"),
                OsString::from_vec(b"/m\xff".to_vec()),
            ),
        ]);
        assert_eq!(env.get("HOME").map(String::as_str), Some("/h"));
        assert!(env.get("BAD").is_none());
        assert_eq!(env.not_utf8(), ["BAD", "GOMODCACHE", "N\u{fffd}"]);
        let mut env = env;
        env.set("BAD", "fixed");
        assert_eq!(env.not_utf8(), ["GOMODCACHE", "N\u{fffd}"]);
    }

    /// Windows variable names are case-insensitive (the system's `Path` is what `PATH` reads);
    /// elsewhere `Path` and `PATH` are two variables.
    #[test]
    fn names_ignore_case_on_windows_only() {
        let mut env = EnvMap::from_pairs([("Path", r"C:\Go\bin"), ("HOME", "/h")]);
        if cfg!(windows) {
            assert_eq!(env.get("PATH").map(String::as_str), Some(r"C:\Go\bin"));
            env.set("PATH", r"D:\go\bin");
            assert_eq!(env.get("Path").map(String::as_str), Some(r"D:\go\bin"));
            assert_eq!(
                env.iter()
                    .filter(|(k, _)| k.eq_ignore_ascii_case("path"))
                    .count(),
                1
            );
            env.remove("path");
            assert_eq!(env.get("Path"), None);
        } else {
            assert_eq!(env.get("PATH"), None);
            env.set("PATH", "/usr/bin");
            assert_eq!(env.get("Path").map(String::as_str), Some(r"C:\Go\bin"));
            env.remove("path");
            assert_eq!(env.iter().count(), 3);
        }
        assert_eq!(
            env.get("home").map(String::as_str),
            cfg!(windows).then_some("/h")
        );
    }

    #[test]
    fn binary_garbage_does_not_panic() {
        let f = parse_env_file(&[0xff, 0xfe, b'\n', b'G', b'=', 0xff]);
        assert_eq!(f.values.len(), 1);
        assert_eq!(f.ignored.len(), 1);
    }
}
