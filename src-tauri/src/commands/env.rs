//! `env_report`: what `go env` would say, which caches exist, and what looks wrong.

use std::sync::{Mutex, PoisonError};
use std::thread::JoinHandle;

use gocache_core::discover::{Options, Report};
use gocache_core::env::EnvMap;
use gocache_core::redact::Redacted;
use tauri::State;

use crate::error::CommandError;
use crate::state::Config;

/// Discovery started at launch, while the webview loads, so that the UI's first `env_report`
/// does not wait for `go env` (~25 ms). Taken by the first call; later calls discover afresh.
#[derive(Debug, Default)]
pub struct Prefetch {
    handle: Mutex<Option<JoinHandle<Report>>>,
}

impl Prefetch {
    /// Starts discovery over the app's environment ([`crate::state::app_env`]: this is where
    /// the login shell's environment is read, once) on a background thread.
    pub fn start(&self) {
        let spawned = std::thread::Builder::new()
            .name("env-prefetch".into())
            .spawn(|| {
                let report = discover(&crate::state::app_env());
                purge_leftovers_in_background(report.clone());
                report
            });
        // No thread: the first `env_report` discovers by itself.
        if let Ok(handle) = spawned {
            *self.handle.lock().unwrap_or_else(PoisonError::into_inner) = Some(handle);
        }
    }

    fn take(&self) -> Option<JoinHandle<Report>> {
        self.handle
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }
}

/// Resolves Go's environment from the app's own environment (the configured one,
/// `Config::env`, which in a real run is the process environment with the login shell's Go
/// variables when the app was not started from a terminal) and discovers the caches.
/// Credentials in the answer (GOPROXY/GOSUMDB user info, ...) are redacted
/// ([`gocache_core::redact`]): the UI only displays them.
#[tauri::command]
pub async fn env_report(
    prefetch: State<'_, Prefetch>,
    config: State<'_, Config>,
) -> Result<Redacted<Report>, CommandError> {
    crate::startup::mark("env_report.start");
    let prefetched = prefetch.take();
    let config = config.inner().clone();
    let report = tauri::async_runtime::spawn_blocking(move || {
        prefetched
            .and_then(|handle| handle.join().ok())
            .unwrap_or_else(|| discover(&config.env()))
    })
    .await?;
    crate::startup::mark("env_report.end");
    Ok(Redacted(report))
}

/// Discovery over an explicit environment (the command uses the process environment),
/// including the `go env` cross-check.
pub fn discover(env: &EnvMap) -> Report {
    gocache_core::discover::discover(env, &Options::default())
}

/// A clean interrupted by a crash or a kill leaves its quarantine behind (already gone for Go);
/// purge it at launch, off the UI's path.
fn purge_leftovers_in_background(report: Report) {
    let _ = std::thread::Builder::new()
        .name("purge-leftovers".into())
        .spawn(move || {
            gocache_core::clean::purge_leftovers(&report, &gocache_core::CancelToken::new())
        });
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::discover::Report>();
}
