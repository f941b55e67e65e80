//! `locks_list` and `locks_end`: which processes hold files in the caches, and ending one
//! (issue #5). Thin wrappers over `gocache_core::locks`.
//!
//! `locks_end` takes the pid **and** the start time a `locks_list` report gave for the holder;
//! the core ends it only if, just before the signal, the process with that pid still has that
//! start time and still holds files in the discovered caches (issue #12). The app never ends
//! other users', root/SYSTEM-owned or session-critical processes.

use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::env::EnvMap;
use gocache_core::locks::{self, EndError, EndOptions, EndOutcome, LocksReport};
use tauri::State;

use crate::error::CommandError;
use crate::state::Config;

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

/// Ends the holder `pid` started at `start_time` (both from a `locks_list` report), after
/// checking again that it is that process and that it holds files in the caches discovered
/// for `env` ([`locks::end_listed`]). An ended process is recorded in `audit_log` (the
/// History), when given.
///
/// # Errors
/// `EndError::code()`: `RefusedSystem`, `RefusedSelf`, `RefusedOtherUser`, `RefusedProtected`,
/// `NotAHolder`, `ProcessChanged`, `Unidentified` (no start time given), `ScanFailed`,
/// `NotFound`, `StillRunning`, `Io`, `Unsupported`.
pub fn end_with(
    env: &EnvMap,
    audit_log: Option<std::path::PathBuf>,
    pid: u32,
    start_time: Option<u64>,
    timeout: Duration,
) -> Result<EndOutcome, CommandError> {
    let opts = EndOptions {
        timeout,
        allow_elevated: false,
        audit_log,
    };
    let probe = locks::system_probe();
    let discover = || super::env::discover(env);
    Ok(locks::end_listed(
        pid,
        start_time,
        discover,
        probe.as_ref(),
        &opts,
    )?)
}

/// Every process holding files in the discovered caches. Secrets in the holders' command
/// lines (a token passed as an argument) are redacted.
#[tauri::command]
pub async fn locks_list(
    config: State<'_, Config>,
) -> Result<gocache_core::redact::Redacted<LocksReport>, CommandError> {
    let env = config.env();
    tauri::async_runtime::spawn_blocking(move || list_with(&env))
        .await?
        .map(gocache_core::redact::Redacted)
}

/// Ends the holder `pid` that started at `start_time` (SIGTERM, then SIGKILL after 3 s;
/// TerminateProcess on Windows); see [`end_with`] for the refusals.
#[tauri::command]
pub async fn locks_end(
    pid: u32,
    start_time: Option<u64>,
    config: State<'_, Config>,
) -> Result<EndOutcome, CommandError> {
    let env = config.env();
    let log = config.audit_log.clone();
    tauri::async_runtime::spawn_blocking(move || end_with(&env, log, pid, start_time, END_TIMEOUT))
        .await?
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<gocache_core::locks::LocksReport>();
    v.visit::<gocache_core::locks::EndOutcome>();
}

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use serde_json::json;

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

    /// A module cache tree in a tempdir, the environment that discovers it, and a version
    /// directory inside it.
    fn cache_env() -> (tempfile::TempDir, EnvMap, std::path::PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        let modcache = dir.path().join("mod");
        let version = modcache.join("example.com/!a@v1.0.0");
        std::fs::create_dir_all(&version).unwrap();
        std::fs::write(version.join("go.mod"), "module example.com/A\n").unwrap();
        let env = EnvMap::from_pairs([
            ("GOMODCACHE", modcache.display().to_string()),
            ("GOCACHE", dir.path().join("build").display().to_string()),
            ("HOME", dir.path().display().to_string()),
            ("GOENV", "off".to_owned()),
            ("PATH", "/nonexistent".to_owned()),
        ]);
        (dir, env, version)
    }

    fn app_for(env: &EnvMap) -> tauri::App<tauri::test::MockRuntime> {
        let mut config = crate::state::Config::from_process();
        config.env = Some(env.clone());
        // The History of the test's own home, never the user's.
        config.audit_log = env
            .get("HOME")
            .map(|h| std::path::Path::new(h).join("audit.jsonl"));
        app_with(config)
    }

    /// Kills and reaps the child on drop.
    struct Kid(std::process::Child);

    impl Drop for Kid {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }

    /// Set in a child the locks_end test starts as a holder on Windows (no `sleep` there).
    const HOLDER_CHILD_VAR: &str = "GOCACHE_DOCTOR_TEST_HOLDER_CHILD";

    /// A real child process whose working directory is `dir` (which makes it a holder of
    /// what is in it), running for a minute unless ended: `sleep 60` on Unix; on Windows this
    /// test executable again, running [`locks_end_over_ipc_refuses_pid_1_and_ends_a_real_child`]
    /// in its holder role.
    fn holder_in(dir: &std::path::Path) -> Kid {
        #[cfg(unix)]
        let mut cmd = {
            let mut c = Command::new("sleep");
            c.arg("60");
            c
        };
        #[cfg(not(unix))]
        let mut cmd = {
            let mut c = Command::new(std::env::current_exe().unwrap());
            c.args([
                "--exact",
                "commands::locks::tests::locks_end_over_ipc_refuses_pid_1_and_ends_a_real_child",
                "--test-threads=1",
            ])
            .env(HOLDER_CHILD_VAR, "1");
            c
        };
        Kid(cmd
            .current_dir(dir)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap())
    }

    fn alive(kid: &mut Kid) -> bool {
        kid.0.try_wait().unwrap().is_none()
    }

    /// The `start_time` a `locks_list` over IPC reports for `pid`.
    fn listed_start_time(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, pid: u32) -> u64 {
        let r = invoke(w, "locks_list", json!({})).unwrap();
        let h = r["holders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|h| h["pid"] == pid)
            .unwrap_or_else(|| panic!("{pid} not listed in {r:#}"));
        h["start_time"]
            .as_u64()
            .unwrap_or_else(|| panic!("no start time in {h:#}"))
    }

    /// Issue #12 §12: a holder whose command line carries a token (`https://user:token@host`)
    /// is listed, but the token never reaches the page.
    #[cfg(target_os = "linux")]
    #[test]
    fn locks_list_over_ipc_redacts_secrets_in_command_lines() {
        let (_dir, env, version) = cache_env();
        let app = app_for(&env);
        let w = main_window(&app);
        let child = Kid(Command::new("sh")
            .args([
                "-c",
                "sleep 60",
                "https://alice:s3cr3t-t0ken@goproxy.example.com/",
            ])
            .current_dir(&version)
            .stdout(Stdio::null())
            .spawn()
            .unwrap());
        let pid = child.0.id();
        let r = invoke(&w, "locks_list", json!({})).unwrap();
        let listed = r["holders"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["pid"] == pid);
        assert!(listed, "{r:#}");
        let text = r.to_string();
        assert!(text.contains("goproxy.example.com"), "{text}");
        assert!(!text.contains("s3cr3t-t0ken"), "{text}");
    }

    #[test]
    fn locks_end_over_ipc_refuses_pid_1_and_ends_a_real_child() {
        if std::env::var_os(HOLDER_CHILD_VAR).is_some() {
            // The holder role (see `holder_in`): wait to be ended.
            std::thread::sleep(Duration::from_secs(60));
            return;
        }
        let (_dir, env, version) = cache_env();
        let app = app_for(&env);
        let w = main_window(&app);
        let err = invoke(&w, "locks_end", json!({"pid": 1})).unwrap_err();
        assert_eq!(err["code"], "RefusedSystem");
        let err = invoke(&w, "locks_end", json!({"pid": 1, "startTime": 1})).unwrap_err();
        assert_eq!(err["code"], "RefusedSystem");
        let err = invoke(&w, "locks_end", json!({"pid": std::process::id()})).unwrap_err();
        assert_eq!(err["code"], "RefusedSelf");
        let mut child = holder_in(&version);
        let pid = child.0.id();
        // Without the start time from the list: refused, still running.
        let err = invoke(&w, "locks_end", json!({"pid": pid})).unwrap_err();
        assert_eq!(err["code"], "Unidentified");
        assert!(alive(&mut child));
        let start = listed_start_time(&w, pid);
        let out = invoke(&w, "locks_end", json!({"pid": pid, "startTime": start})).unwrap();
        assert_eq!(out["pid"], pid);
        // Asked with SIGTERM on Unix; Windows has no polite step (TerminateProcess, exit 1).
        assert_eq!(out["how"], if cfg!(windows) { "killed" } else { "exited" });
        let status = child.0.wait().unwrap();
        #[cfg(windows)]
        assert_eq!(status.code(), Some(1), "{status:?}");
        assert!(
            !status.success(),
            "the holder exited by itself instead of being ended: {status:?}"
        );
        // The History has it: one line, an ended process and no clean (the refusals above
        // are not recorded).
        let h = invoke(&w, "clean_history", json!({"limit": 10})).unwrap();
        let entries = h["entries"].as_array().unwrap();
        assert_eq!(entries.len(), 1, "{h:#}");
        assert_eq!(entries[0]["ended"]["pid"], pid, "{h:#}");
        assert_eq!(entries[0]["ended"]["how"], out["how"], "{h:#}");
        assert!(entries[0]["ended"]["name"].is_string(), "{h:#}");
        assert_eq!(entries[0]["bytes_freed"], 0, "{h:#}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn locks_end_refuses_a_non_holder_and_a_reused_pid() {
        let (_dir, env, version) = cache_env();
        let app = app_for(&env);
        let w = main_window(&app);
        // The attack: a process that holds nothing in the caches, with its real start time.
        let elsewhere = tempfile::tempdir().unwrap();
        let mut bystander = Kid(Command::new("sleep")
            .arg("600")
            .current_dir(elsewhere.path())
            .spawn()
            .unwrap());
        let pid = bystander.0.id();
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
        let real_start: u64 = stat[stat.rfind(')').unwrap() + 1..]
            .split_whitespace()
            .nth(19)
            .unwrap()
            .parse()
            .unwrap();
        let err = invoke(
            &w,
            "locks_end",
            json!({"pid": pid, "startTime": real_start}),
        )
        .unwrap_err();
        assert_eq!(err["code"], "NotAHolder", "{err}");
        std::thread::sleep(Duration::from_millis(200));
        assert!(alive(&mut bystander), "a non-holder was ended");

        // A holder named with another start time (its pid was reused): refused.
        let mut holder = Kid(Command::new("sleep")
            .arg("600")
            .current_dir(&version)
            .spawn()
            .unwrap());
        let hpid = holder.0.id();
        let start = listed_start_time(&w, hpid);
        for wrong in [start + 1, start.saturating_sub(1), 0] {
            let err =
                invoke(&w, "locks_end", json!({"pid": hpid, "startTime": wrong})).unwrap_err();
            assert_eq!(err["code"], "ProcessChanged", "{err}");
        }
        std::thread::sleep(Duration::from_millis(200));
        assert!(
            alive(&mut holder),
            "a holder was ended with a wrong start time"
        );
        // The same call through the command function.
        let err = end_with(&env, None, hpid, Some(start + 7), Duration::ZERO).unwrap_err();
        assert_eq!(err.code, "ProcessChanged");
        assert!(alive(&mut holder));
        let out = end_with(&env, None, hpid, Some(start), Duration::from_secs(5)).unwrap();
        assert_eq!(out.how, locks::EndHow::Exited);
        assert!(
            holder.0.wait().unwrap().code().is_none(),
            "ended by a signal"
        );
        assert!(alive(&mut bystander));
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
        let value: serde_json::Value = serde_json::to_value(r.unwrap()).unwrap();
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
