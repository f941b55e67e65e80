//! Doctor: turns the pasted output of failing go commands (or of `rm -rf`), or the machine's
//! own settings, into findings with the user's real paths and fixes they can copy or click.
//!
//! * [`diagnose`] recognizes Go's error messages (checksum mismatch, missing go.sum entry,
//!   proxy failures, permission and disk errors, ...; the ids are listed in [`IDS`]) and
//!   extracts the module path, version and file path from the text. Pasted text is not
//!   trusted: a module path or version is checked as Go checks it ([`crate::modpath`]) before it
//!   is used, and every value in a command is quoted for its shell ([`crate::quote`]).
//! * [`check_env`] looks at the discovered environment (and the disk) for risky or broken
//!   settings: `GOSUMDB=off`, too broad `GOPRIVATE`, `-modcacherw`, caches on network
//!   filesystems, a module cache owned by someone else, ...
//!
//! Every explanation and fix comes from one table per id in `catalog.rs`, which holds each
//! explanation in English and Simplified Chinese ([`Context::lang`], [`EnvChecks::lang`]);
//! ids, severities, commands and actions do not depend on the language. Fixes are shell
//! commands for the target OS (bash/zsh on Linux and macOS; PowerShell and cmd on Windows)
//! with the user's paths, or actions the app can run (see [`Action`]).

mod catalog;
mod checks;
pub mod dashboard;
pub mod fs;
mod owner;
mod parse;
mod sums;

use serde::Serialize;

use crate::discover::{Report, Severity};
use crate::i18n::Lang;
use crate::os::OsKind;

pub use catalog::IDS;
pub use checks::{EnvChecks, check_env, problem_finding, problem_finding_in};

/// A shell a command fix is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Shell {
    /// bash and zsh (Linux, macOS).
    Bash,
    /// Windows PowerShell / PowerShell 7.
    Powershell,
    /// Windows `cmd.exe`.
    Cmd,
}

impl Shell {
    /// The shells users of `os` type commands into, most common first.
    pub fn for_os(os: OsKind) -> Vec<Shell> {
        match os {
            OsKind::Linux | OsKind::Macos => vec![Shell::Bash],
            OsKind::Windows => vec![Shell::Powershell, Shell::Cmd],
        }
    }
}

/// Whether a fix is a command to copy or an action the app runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum FixKind {
    /// A shell command for [`Fix::shell`].
    Command,
    /// An app action (docs/contract.md "Diagnose" lists the vocabulary).
    Action,
}

/// The app actions a fix may name (`Fix::text` of an [`FixKind::Action`] fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// `clean-version:<module>@<version>`: remove that version from the module cache.
    CleanVersion {
        /// Module path (unescaped).
        module: String,
        /// Version (unescaped).
        version: String,
    },
    /// `clean-modcache`: clean the whole module cache.
    CleanModcache,
    /// `clean-build`: clean the build cache.
    CleanBuild,
    /// `verify`: verify the module cache.
    Verify,
    /// `fix-ownership`: give the current user back the module cache (elevated).
    FixOwnership,
    /// `show-lockers`: show the processes holding files in the caches.
    ShowLockers,
}

impl Action {
    /// Parses an action string (`clean-version:example.com/m@v1.0.0`, `verify`, ...). The
    /// module path and version of `clean-version` must be valid as Go checks them
    /// ([`crate::modpath::check_path`], [`crate::modpath::check_version`]); anything else is
    /// no action.
    pub fn parse(s: &str) -> Option<Action> {
        if let Some(mv) = s.strip_prefix("clean-version:") {
            let (m, v) = mv.rsplit_once('@')?;
            if crate::modpath::check_path(m).is_err() || crate::modpath::check_version(v).is_err() {
                return None;
            }
            return Some(Action::CleanVersion {
                module: m.to_owned(),
                version: v.to_owned(),
            });
        }
        Some(match s {
            "clean-modcache" => Action::CleanModcache,
            "clean-build" => Action::CleanBuild,
            "verify" => Action::Verify,
            "fix-ownership" => Action::FixOwnership,
            "show-lockers" => Action::ShowLockers,
            _ => return None,
        })
    }
}

/// One way to fix a finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Fix {
    /// A command to copy, or an app action.
    pub kind: FixKind,
    /// The shell of a command; `None` for actions.
    pub shell: Option<Shell>,
    /// The command line, or the action string.
    pub text: String,
}

/// One diagnosed problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "DoctorFinding"))]
pub struct Finding {
    /// Stable id (`checksum-mismatch`, `permission-denied`, ...; see [`IDS`]).
    pub id: String,
    /// A finer cause within the id, when the id has several (`permission-denied`:
    /// `read-only-cache` or `other-owner`; `proxy-unreachable`: `dns`, `tls`, ...).
    pub variant: Option<String>,
    /// How bad it is.
    pub severity: Severity,
    /// The module path named by the text (unescaped), or the package path when only a
    /// package is named; `None` when the text names none that Go accepts.
    pub module: Option<String>,
    /// The version named by the text: a valid module version or query, or a revision or
    /// toolchain name of plain characters; `None` otherwise.
    pub version: Option<String>,
    /// The file or directory named by the text (or the variable's value for settings).
    pub path: Option<String>,
    /// What happened and why, in plain language.
    pub explanation: String,
    /// Commands for the target OS's shells and app actions, most direct first.
    pub fixes: Vec<Fix>,
}

/// The result of [`diagnose`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Diagnosis {
    /// Findings in the order their messages appear in the text (at least one).
    pub findings: Vec<Finding>,
}

impl Diagnosis {
    /// Whether any finding has [`Severity::Error`].
    pub fn has_error(&self) -> bool {
        self.findings.iter().any(|f| f.severity == Severity::Error)
    }
}

/// What [`diagnose`] and [`check_env`] know about the user's machine: the target OS and shells,
/// and the real paths and settings to put into fixes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Context {
    /// The OS the fixes are for.
    pub os: OsKind,
    /// The shells to write commands for.
    pub shells: Vec<Shell>,
    /// GOMODCACHE (absolute), when known for this OS.
    pub gomodcache: Option<String>,
    /// GOCACHE (absolute, not `off`), when known.
    pub gocache: Option<String>,
    /// GOPATH, when known.
    pub gopath: Option<String>,
    /// GOROOT, when known.
    pub goroot: Option<String>,
    /// GOPROXY, when known.
    pub goproxy: Option<String>,
    /// GOPRIVATE, when known.
    pub goprivate: Option<String>,
    /// Look at the paths named in the text on this machine (owner, mode) to decide between
    /// causes. Only meaningful when the text comes from this machine.
    pub inspect_disk: bool,
    /// The language of explanations (commands and ids are the same in every language).
    pub lang: Lang,
}

impl Context {
    /// A context for `os` without any known path (fixes fall back to `go env` expressions).
    pub fn for_os(os: OsKind) -> Context {
        Context {
            os,
            shells: Shell::for_os(os),
            gomodcache: None,
            gocache: None,
            gopath: None,
            goroot: None,
            goproxy: None,
            goprivate: None,
            inspect_disk: false,
            lang: Lang::En,
        }
    }

    /// The context of a discovery report: its OS, its real paths and settings, and disk
    /// inspection on.
    pub fn from_report(report: &Report) -> Context {
        let var = |k: &str| {
            report
                .vars
                .get(k)
                .map(|v| v.value.clone())
                .filter(|v| !v.is_empty())
        };
        let cache = |k| report.cache(k).map(|c| c.path.display().to_string());
        Context {
            os: report.os,
            shells: Shell::for_os(report.os),
            gomodcache: cache(crate::discover::CacheKind::Modcache),
            gocache: cache(crate::discover::CacheKind::Build),
            gopath: var("GOPATH"),
            goroot: var("GOROOT").or_else(|| {
                report
                    .go
                    .as_ref()
                    .and_then(|g| g.goroot.as_ref())
                    .map(|p| p.display().to_string())
            }),
            goproxy: var("GOPROXY"),
            goprivate: var("GOPRIVATE"),
            inspect_disk: true,
            lang: Lang::En,
        }
    }

    /// The same context retargeted to `os`: the paths of another OS are dropped (fixes then
    /// use `go env` expressions) and the disk is not inspected.
    pub fn with_os(mut self, os: OsKind) -> Context {
        if os != self.os {
            let settings = (self.goproxy.take(), self.goprivate.take());
            let lang = self.lang;
            self = Context::for_os(os);
            (self.goproxy, self.goprivate) = settings;
            self.lang = lang;
        }
        self
    }

    /// The same context with explanations in `lang`.
    pub fn with_lang(mut self, lang: Lang) -> Context {
        self.lang = lang;
        self
    }
}

/// Diagnoses the output of failing go commands (or of `rm -rf`): one finding per problem
/// recognized, in the order of the text; text that matches nothing gives one
/// `not-recognized` finding with the general checklist.
pub fn diagnose(text: &str, ctx: &Context) -> Diagnosis {
    let mut findings: Vec<Finding> = parse::recognize(text, ctx)
        .into_iter()
        .map(|m| catalog::finding(m, ctx))
        .collect();
    if findings.is_empty() {
        findings.push(catalog::finding(parse::Match::new("not-recognized"), ctx));
    }
    Diagnosis { findings }
}

#[cfg(test)]
mod ci_tests;
#[cfg(test)]
mod tests;
