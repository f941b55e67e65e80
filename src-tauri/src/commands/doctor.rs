//! The doctor in the app (issue #6 §1-§3; docs/contract.md "Doctor in the app"): thin commands
//! over `gocache_core::diagnose`.
//!
//! `diagnose_text` explains pasted output with the fixes written for this machine (or another
//! OS), `doctor_checks` runs the environment checks for the dashboard, and `guide_context` gives
//! the guidance pages the user's real values. Each command is a thin wrapper over a `*_with`
//! function of an explicit environment (the app's configured one, `Config::env`), which the
//! tests call. Their answers are redacted at this boundary ([`gocache_core::redact`]): pasted
//! text and Go's settings may carry credentials, and the UI only displays them.

use std::path::PathBuf;

use gocache_core::diagnose::{self, Context, Diagnosis, EnvChecks, Finding};
use gocache_core::discover::{Cache, GoInfo, Report};
use gocache_core::env::{EnvMap, Vars};
use gocache_core::i18n::Lang;
use gocache_core::os::{self, OsKind};
use gocache_core::redact::Redacted;
use serde::Serialize;
use tauri::State;

use crate::commands::clean::CleanState;
use crate::error::{CommandError, ErrorCode};

/// `doctor_checks`' answer.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct Checks {
    /// The checks' own findings (risky settings, cache states), without those of `discovery`.
    pub findings: Vec<Finding>,
    /// The findings that stand for discovery's problems (the dashboard already lists the
    /// problems themselves): the problem's id and the doctor's finding with its fixes.
    pub discovery: Vec<DiscoveryFinding>,
}

/// A discovery problem and the doctor's finding for it.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct DiscoveryFinding {
    /// The discovery problem's id (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
    pub problem: String,
    /// The doctor's finding for it (`gomodcache-not-absolute` for `gomodcache-relative`, ...).
    pub finding: Finding,
}

/// `guide_context`'s answer: what the guidance pages fill in for the current OS.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
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

fn parse_os(os: Option<&str>) -> Result<Option<OsKind>, CommandError> {
    match os {
        None | Some("") => Ok(None),
        Some("linux") => Ok(Some(OsKind::Linux)),
        Some("macos") => Ok(Some(OsKind::Macos)),
        Some("windows") => Ok(Some(OsKind::Windows)),
        Some(other) => Err(CommandError::new(
            ErrorCode::BadArgument,
            format!("unknown OS {other:?}: use linux, macos or windows"),
        )),
    }
}

/// Diagnoses `text` with the context of a fresh discovery over `env`, retargeted to `os`
/// (`linux` | `macos` | `windows`) when given, with the explanations in `lang`.
///
/// # Errors
/// `BadArgument` for another `os` value.
pub fn diagnose_with(
    env: &EnvMap,
    text: &str,
    os: Option<&str>,
    lang: Lang,
) -> Result<Diagnosis, CommandError> {
    let os = parse_os(os)?;
    let report = super::env::discover(env);
    let mut ctx = Context::from_report(&report).with_lang(lang);
    if let Some(os) = os {
        ctx = ctx.with_os(os);
    }
    Ok(diagnose::diagnose(text, &ctx))
}

/// The environment checks of a fresh discovery over `env`, split into the checks' own findings
/// and those standing for discovery's problems, explained in `lang`.
pub fn checks_with(env: &EnvMap, lang: Lang) -> Checks {
    checks_of(&super::env::discover(env), lang)
}

/// [`checks_with`] over a discovery report.
pub fn checks_of(report: &Report, lang: Lang) -> Checks {
    let discovery: Vec<DiscoveryFinding> = report
        .problems
        .iter()
        .map(|p| DiscoveryFinding {
            problem: p.id.clone(),
            finding: diagnose::problem_finding_in(report, p, lang),
        })
        .collect();
    let checks = EnvChecks {
        lang,
        ..EnvChecks::default()
    };
    let mut findings = diagnose::check_env(report, &checks);
    // `check_env` includes one finding per discovery problem: the dashboard lists those already.
    findings.retain(|f| !discovery.iter().any(|d| d.finding == *f));
    Checks {
        findings,
        discovery,
    }
}

/// The guidance pages' values from a fresh discovery over `env`.
pub fn guide_context_with(env: &EnvMap) -> GuideContext {
    let report = super::env::discover(env);
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

/// Diagnoses pasted output of failing go commands (or `rm -rf`): findings with this machine's
/// paths, or for `os` (`linux` | `macos` | `windows`) with that OS's shells and no local paths;
/// explained in `lang` (`en` | `zh-CN`, the UI's language; English when absent).
#[tauri::command]
pub async fn diagnose_text(
    clean: State<'_, CleanState>,
    text: String,
    os: Option<String>,
    lang: Option<Lang>,
) -> Result<Redacted<Diagnosis>, CommandError> {
    let env = clean.config().env();
    let lang = lang.unwrap_or_default();
    tauri::async_runtime::spawn_blocking(move || diagnose_with(&env, &text, os.as_deref(), lang))
        .await?
        .map(Redacted)
}

/// The environment checks of the app's environment (the dashboard's panel), explained in
/// `lang` (English when absent).
#[tauri::command]
pub async fn doctor_checks(
    clean: State<'_, CleanState>,
    lang: Option<Lang>,
) -> Result<Redacted<Checks>, CommandError> {
    let env = clean.config().env();
    let lang = lang.unwrap_or_default();
    Ok(Redacted(
        tauri::async_runtime::spawn_blocking(move || checks_with(&env, lang)).await?,
    ))
}

/// What the guidance pages show for this machine: OS, variables with sources, caches, Go, home
/// and user.
#[tauri::command]
pub async fn guide_context(
    clean: State<'_, CleanState>,
) -> Result<Redacted<GuideContext>, CommandError> {
    let env = clean.config().env();
    Ok(Redacted(
        tauri::async_runtime::spawn_blocking(move || guide_context_with(&env)).await?,
    ))
}
