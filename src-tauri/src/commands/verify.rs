//! Verifying from the app (issue #4 §6; docs/contract.md "Verify in the app"): IPC glue over
//! [`VerifySession`], which runs one verification at a time, keeps the last report and refuses
//! a repair of anything that report did not find broken.

use std::path::PathBuf;

use gocache_core::redact::Redacted;
use gocache_core::verify::session::VerifySession;
pub use gocache_core::verify::session::{RepairUpdate, VerifyOptions};
use gocache_core::verify::{RepairReport, VerifyEvent, VerifyReport};
use serde::Serialize;
use tauri::State;
use tauri::ipc::Channel;

use super::blocking;
use crate::error::CommandError;
use crate::state::Config;

/// Sends what the core reports on `channel`; the window may be gone, so best effort.
pub fn forward<T: Serialize + Clone + Send + Sync + 'static>(
    channel: Channel<T>,
) -> impl Fn(T) + Send + Sync {
    move |event| {
        let _ = channel.send(event);
    }
}

/// Verifies the caches (or a project's go.sum against them); cancels a verification running.
#[tauri::command]
pub async fn verify_start(
    state: State<'_, VerifySession>,
    config: State<'_, Config>,
    options: Option<VerifyOptions>,
    on_event: Channel<VerifyEvent>,
) -> Result<Redacted<VerifyReport>, CommandError> {
    let (s, env) = (state.inner().clone(), config.env());
    let options = options.unwrap_or_default();
    blocking(move || Ok(Redacted(s.start(&env, &options, &forward(on_event))?))).await
}

/// Cancels the running verification (and repair), if any.
#[tauri::command]
pub fn verify_cancel(state: State<'_, VerifySession>) {
    state.cancel();
}

/// Removes the given broken versions of the last verification (ids `path@version`) and
/// downloads them again (see [`VerifySession::repair`]). `go mod download`'s output can name
/// the proxy with its credentials: the answer is redacted.
#[tauri::command]
pub async fn verify_repair(
    state: State<'_, VerifySession>,
    config: State<'_, Config>,
    ids: Vec<String>,
    project: Option<PathBuf>,
    on_event: Channel<RepairUpdate>,
) -> Result<Redacted<RepairReport>, CommandError> {
    let (s, env, log) = (
        state.inner().clone(),
        config.env(),
        config.audit_log.clone(),
    );
    let send = forward(on_event);
    blocking(move || {
        Ok(Redacted(s.repair(
            &env,
            log,
            &ids,
            project.as_deref(),
            &send,
        )?))
    })
    .await
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<VerifyOptions>();
    v.visit::<gocache_core::verify::VerifyReport>();
    v.visit::<gocache_core::verify::VerifyEvent>();
    v.visit::<gocache_core::verify::RepairReport>();
    v.visit::<RepairUpdate>();
}
