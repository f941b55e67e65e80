//! What the app's doctor shows (issue #6 §1-§3; docs/contract.md "Doctor in the app"): a
//! diagnosis retargeted to an OS the user names, the dashboard's environment checks without
//! the findings that stand for discovery's problems (the dashboard lists those already), and
//! the values the guidance pages fill in.

use std::path::PathBuf;

use serde::Serialize;

use super::{Context, Diagnosis, EnvChecks, Finding};
use crate::discover::{Cache, GoInfo, Report};
use crate::env::{EnvMap, Vars};
use crate::i18n::Lang;
use crate::os::{self, OsKind};

/// An OS name the doctor does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown OS {0:?}: use linux, macos or windows")]
pub struct UnknownOs(pub String);

impl UnknownOs {
    /// The machine-readable code: `BadArgument`.
    pub fn code(&self) -> crate::ErrorCode {
        crate::ErrorCode::BadArgument
    }
}

/// `doctor_checks`' answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Checks {
    /// The checks' own findings (risky settings, cache states), without those of `discovery`.
    pub findings: Vec<Finding>,
    /// The findings that stand for discovery's problems (the dashboard already lists the
    /// problems themselves): the problem's id and the doctor's finding with its fixes.
    pub discovery: Vec<DiscoveryFinding>,
}

/// A discovery problem and the doctor's finding for it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct DiscoveryFinding {
    /// The discovery problem's id (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
    pub problem: String,
    /// The doctor's finding for it (`gomodcache-not-absolute` for `gomodcache-relative`, ...).
    pub finding: Finding,
}

/// `guide_context`'s answer: what the guidance pages fill in for the current OS.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GuideContext {
    /// This machine's OS.
    pub os: OsKind,
    /// The `go` binary, when found.
    pub go: Option<GoInfo>,
    /// The resolved variables with their sources (as `env_report`).
    pub vars: Vars,
    /// The discovered caches.
    pub caches: Vec<Cache>,
    /// The user's home directory (`$HOME`, `%USERPROFILE%`).
    pub home: Option<PathBuf>,
    /// The user's login name (`$USER`, `%USERNAME%`).
    pub user: Option<String>,
}

/// The OS named `os` (`linux` | `macos` | `windows`); `None` for none or an empty name.
///
/// # Errors
/// [`UnknownOs`] for another name.
pub fn parse_os(os: Option<&str>) -> Result<Option<OsKind>, UnknownOs> {
    match os {
        None | Some("") => Ok(None),
        Some("linux") => Ok(Some(OsKind::Linux)),
        Some("macos") => Ok(Some(OsKind::Macos)),
        Some("windows") => Ok(Some(OsKind::Windows)),
        Some(other) => Err(UnknownOs(other.to_owned())),
    }
}

/// Diagnoses `text` with the context of `report`, retargeted to `os` (`linux` | `macos` |
/// `windows`) when given, with the explanations in `lang`.
///
/// # Errors
/// [`UnknownOs`] for another `os` value.
pub fn diagnose_for(
    report: &Report,
    text: &str,
    os: Option<&str>,
    lang: Lang,
) -> Result<Diagnosis, UnknownOs> {
    let os = parse_os(os)?;
    let mut ctx = Context::from_report(report).with_lang(lang);
    if let Some(os) = os {
        ctx = ctx.with_os(os);
    }
    Ok(super::diagnose(text, &ctx))
}

/// The environment checks of `report`, split into the checks' own findings and those standing
/// for discovery's problems, explained in `lang`.
pub fn checks_of(report: &Report, lang: Lang) -> Checks {
    let discovery: Vec<DiscoveryFinding> = report
        .problems
        .iter()
        .map(|p| DiscoveryFinding {
            problem: p.id.clone(),
            finding: super::problem_finding_in(report, p, lang),
        })
        .collect();
    let checks = EnvChecks {
        lang,
        ..EnvChecks::default()
    };
    let mut findings = super::check_env(report, &checks);
    // `check_env` includes one finding per discovery problem: the dashboard lists those already.
    findings.retain(|f| !discovery.iter().any(|d| d.finding == *f));
    Checks {
        findings,
        discovery,
    }
}

/// The guidance pages' values from `report`, discovered over `env`.
pub fn guide_context(report: Report, env: &EnvMap) -> GuideContext {
    let user = ["USER", "USERNAME", "LOGNAME"]
        .iter()
        .find_map(|k| env.get(k).filter(|v| !v.is_empty()).cloned());
    GuideContext {
        os: report.os,
        home: os::current().home_dir(env),
        user,
        go: report.go,
        vars: report.vars,
        caches: report.caches,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn os_names_are_the_three_the_ui_sends_and_nothing_else() {
        assert_eq!(parse_os(None), Ok(None));
        assert_eq!(parse_os(Some("")), Ok(None));
        assert_eq!(parse_os(Some("linux")), Ok(Some(OsKind::Linux)));
        assert_eq!(parse_os(Some("macos")), Ok(Some(OsKind::Macos)));
        assert_eq!(parse_os(Some("windows")), Ok(Some(OsKind::Windows)));
        let err = parse_os(Some("Windows")).unwrap_err();
        assert_eq!(err.code(), "BadArgument");
        assert_eq!(
            err.to_string(),
            "unknown OS \"Windows\": use linux, macos or windows"
        );
    }
}
