//! `locks_list` and `locks_end`: which processes hold files in the caches, and ending one
//! (issue #5). Thin wrappers over `gocache_core::locks`.

use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::env::EnvMap;
use gocache_core::locks::{self, EndError, EndOutcome, LocksReport};

use crate::error::CommandError;

/// How long `locks_end` waits after SIGTERM before SIGKILL.
const END_TIMEOUT: Duration = Duration::from_secs(3);

impl From<EndError> for CommandError {
    fn from(error: EndError) -> Self {
        Self::new(error.code(), error.to_string())
    }
}

/// The holders of every discovered cache, for the environment `env`.
///
/// # Errors
/// The probe's failure (procfs unavailable, ...).
pub fn list_with(env: &EnvMap) -> Result<LocksReport, CommandError> {
    let report = super::env::discover(env);
    let probe = locks::system_probe();
    Ok(locks::find_holders_in(
        &report,
        probe.as_ref(),
        &CancelToken::new(),
    )?)
}

/// Every process holding files in the discovered caches.
#[tauri::command]
pub async fn locks_list() -> Result<LocksReport, CommandError> {
    tauri::async_runtime::spawn_blocking(|| list_with(&EnvMap::from_process())).await?
}

/// Ends process `pid` (SIGTERM, then SIGKILL after 3 s; TerminateProcess on Windows). Errors
/// `RefusedSystem` (PID 0/1), `RefusedSelf`, `RefusedOtherUser`, `NotFound`, `StillRunning`.
#[tauri::command]
pub async fn locks_end(pid: u32) -> Result<EndOutcome, CommandError> {
    tauri::async_runtime::spawn_blocking(move || locks::end_process(pid, END_TIMEOUT))
        .await?
        .map_err(CommandError::from)
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use serde_json::{Value, json};

    use super::*;
    use crate::tests::{app_with, invoke, main_window};

    fn app() -> tauri::App<tauri::test::MockRuntime> {
        app_with(crate::state::Config::from_process())
    }

    #[test]
    fn locks_list_over_ipc_returns_a_report() {
        let app = app();
        let r = invoke(&main_window(&app), "locks_list", json!({})).unwrap();
        assert!(r["holders"].is_array());
        assert!(r["caches"].is_array());
        #[cfg(target_os = "linux")]
        assert_eq!(r["probe"], "procfs");
    }

    #[test]
    fn locks_end_over_ipc_refuses_pid_1_and_ends_a_real_child() {
        let app = app();
        let w = main_window(&app);
        let err = invoke(&w, "locks_end", json!({"pid": 1})).unwrap_err();
        assert_eq!(err["code"], "RefusedSystem");
        let err = invoke(&w, "locks_end", json!({"pid": std::process::id()})).unwrap_err();
        assert_eq!(err["code"], "RefusedSelf");
        let mut child = Command::new("sleep")
            .arg("60")
            .stdout(Stdio::null())
            .spawn()
            .unwrap();
        let out = invoke(&w, "locks_end", json!({"pid": child.id()})).unwrap();
        assert_eq!(out["pid"], child.id());
        assert_eq!(out["how"], "exited");
        let status = child.wait().unwrap();
        assert!(!status.success(), "sleep 60 ended early by a signal");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn list_finds_a_child_whose_cwd_is_in_the_module_cache() {
        let dir = tempfile::tempdir().unwrap();
        let modcache = dir.path().join("mod");
        let version = modcache.join("example.com/!a@v1.0.0");
        std::fs::create_dir_all(&version).unwrap();
        let mut child = Command::new("sleep")
            .arg("60")
            .current_dir(&version)
            .spawn()
            .unwrap();
        let env = EnvMap::from_pairs([
            ("GOMODCACHE", modcache.display().to_string()),
            ("GOCACHE", dir.path().join("build").display().to_string()),
            ("HOME", dir.path().display().to_string()),
            ("GOENV", "off".to_owned()),
            ("PATH", "/nonexistent".to_owned()),
        ]);
        let r = list_with(&env);
        let _ = child.kill();
        let _ = child.wait();
        let value: Value = serde_json::to_value(r.unwrap()).unwrap();
        let holders = value["holders"].as_array().unwrap();
        let me = holders
            .iter()
            .find(|h| h["pid"] == child.id())
            .unwrap_or_else(|| panic!("child not found in {value:#}"));
        assert_eq!(me["kinds"], json!(["cwd"]));
        assert_eq!(me["caches"], json!(["modcache"]));
        assert_eq!(me["modules"], json!(["example.com/A@v1.0.0"]));
        let card = value["caches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == "modcache")
            .unwrap();
        assert_eq!(card["holders"], 1);
    }
}
