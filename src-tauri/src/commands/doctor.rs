//! The doctor in the app (issue #6 §1-§3; docs/contract.md "Doctor in the app"): IPC glue over
//! [`gocache_core::diagnose::dashboard`].
//!
//! `diagnose_text` explains pasted output with the fixes written for this machine (or another
//! OS), `doctor_checks` runs the environment checks for the dashboard, and `guide_context` gives
//! the guidance pages the user's real values. Each command forwards to a `*_with` function of
//! an explicit environment (the app's configured one, `Config::env`), which the tests call.
//! Their answers are redacted at this boundary ([`gocache_core::redact`]): pasted text and Go's
//! settings may carry credentials, and the UI only displays them.

use gocache_core::diagnose::Diagnosis;
use gocache_core::diagnose::dashboard;
pub use gocache_core::diagnose::dashboard::{Checks, DiscoveryFinding, GuideContext, checks_of};
use gocache_core::env::EnvMap;
use gocache_core::i18n::Lang;
use gocache_core::redact::Redacted;
use tauri::State;

use super::env::discover;
use crate::error::CommandError;
use crate::state::Config;

/// [`dashboard::diagnose_for`] a fresh discovery over `env`.
///
/// # Errors
/// `BadArgument` for an `os` other than `linux`, `macos`, `windows`.
pub fn diagnose_with(
    env: &EnvMap,
    text: &str,
    os: Option<&str>,
    lang: Lang,
) -> Result<Diagnosis, CommandError> {
    dashboard::diagnose_for(&discover(env), text, os, lang)
        .map_err(|e| CommandError::new(e.code(), e.to_string()))
}

/// [`checks_of`] a fresh discovery over `env`.
pub fn checks_with(env: &EnvMap, lang: Lang) -> Checks {
    checks_of(&discover(env), lang)
}

/// [`dashboard::guide_context`] of a fresh discovery over `env`.
pub fn guide_context_with(env: &EnvMap) -> GuideContext {
    dashboard::guide_context(discover(env), env)
}

/// Diagnoses pasted output of failing go commands (or `rm -rf`): findings with this machine's
/// paths, or for `os` (`linux` | `macos` | `windows`) with that OS's shells and no local paths;
/// explained in `lang` (`en` | `zh-CN`, the UI's language; English when absent).
#[tauri::command]
pub async fn diagnose_text(
    config: State<'_, Config>,
    text: String,
    os: Option<String>,
    lang: Option<Lang>,
) -> Result<Redacted<Diagnosis>, CommandError> {
    let env = config.env();
    let lang = lang.unwrap_or_default();
    tauri::async_runtime::spawn_blocking(move || diagnose_with(&env, &text, os.as_deref(), lang))
        .await?
        .map(Redacted)
}

/// The environment checks of the app's environment (the dashboard's panel), explained in
/// `lang` (English when absent).
#[tauri::command]
pub async fn doctor_checks(
    config: State<'_, Config>,
    lang: Option<Lang>,
) -> Result<Redacted<Checks>, CommandError> {
    let env = config.env();
    let lang = lang.unwrap_or_default();
    Ok(Redacted(
        tauri::async_runtime::spawn_blocking(move || checks_with(&env, lang)).await?,
    ))
}

/// What the guidance pages show for this machine: OS, variables with sources, caches, Go, home
/// and user.
#[tauri::command]
pub async fn guide_context(
    config: State<'_, Config>,
) -> Result<Redacted<GuideContext>, CommandError> {
    let env = config.env();
    Ok(Redacted(
        tauri::async_runtime::spawn_blocking(move || guide_context_with(&env)).await?,
    ))
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::i18n::Lang>();
    v.visit::<gocache_core::diagnose::Diagnosis>();
    v.visit::<Checks>();
    v.visit::<GuideContext>();
}
