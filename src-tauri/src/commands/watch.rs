//! `watch_start` / `watch_stop`: watch the discovered cache roots (`gocache_core::watch`) and
//! tell the UI, through a channel, when something outside the app changed them.

use std::sync::{Mutex, PoisonError};

use gocache_core::CancelToken;
use gocache_core::watch::{CacheWatch, WatchEvent, WatchOptions};
use tauri::State;
use tauri::ipc::Channel;

use crate::error::CommandError;
use crate::state::Config;

/// The app's one watch; starting a new one (the roots may have moved) ends the previous.
#[derive(Debug, Default)]
pub struct WatchSlot(Mutex<Option<CacheWatch>>);

impl WatchSlot {
    /// Replaces the running watch (if any) with `watch`.
    pub fn replace(&self, watch: Option<CacheWatch>) {
        let old = std::mem::replace(
            &mut *self.0.lock().unwrap_or_else(PoisonError::into_inner),
            watch,
        );
        // Dropped outside the lock: it joins its thread.
        drop(old);
    }
}

/// Discovers the caches (over the app's environment) and watches their roots, sending one
/// [`WatchEvent`] per debounced burst of changes to `on_change`. Ends a watch already running.
#[tauri::command]
pub async fn watch_start(
    slot: State<'_, WatchSlot>,
    config: State<'_, Config>,
    on_change: Channel<WatchEvent>,
) -> Result<(), CommandError> {
    let config = config.inner().clone();
    let watch =
        super::blocking(move || Ok(start(&config.env(), WatchOptions::default(), on_change)?))
            .await?;
    slot.replace(Some(watch));
    Ok(())
}

/// Ends the watch, if any.
#[tauri::command]
pub fn watch_stop(slot: State<'_, WatchSlot>) {
    slot.replace(None);
}

/// Discovery, then a watch of every discovered root sending to `on_change`.
///
/// # Errors
/// When the OS's watch facility cannot be opened.
pub fn start(
    env: &gocache_core::env::EnvMap,
    options: WatchOptions,
    on_change: Channel<WatchEvent>,
) -> Result<CacheWatch, gocache_core::watch::WatchError> {
    let discover = gocache_core::discover::Options {
        run_go: false,
        ..Default::default()
    };
    let caches = gocache_core::discover::discover(env, &discover).caches;
    gocache_core::watch::watch(
        gocache_core::watch::roots_for(&caches, env),
        options,
        CancelToken::new(),
        move |event| {
            // The window may be gone; the next focus rescans anyway.
            let _ = on_change.send(event);
        },
    )
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<WatchEvent>();
}
