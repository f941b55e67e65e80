//! Opt-in start-up probe, for the cold-start benchmark (`bench/startup.sh`).
//!
//! With `GOCACHE_DOCTOR_STARTUP_PROBE=<file>` set, the UI calls the `startup_probe` command once
//! the first cache card has been painted; the app then writes what it measured to `<file>` as
//! JSON and exits. Without the variable the command does nothing.
//!
//! A test hook: the variables are read only in builds with the app's `test-hooks` feature
//! (`cargo build --release -p gocache-doctor-app --features test-hooks`, as `bench/run.sh`
//! does); in a shipped build the command always does nothing and `mark` records nothing.
//!
//! Times are milliseconds since the process was spawned: from `GOCACHE_DOCTOR_STARTUP_T0`
//! (Unix time in nanoseconds, taken by the launcher just before it spawned the app) when set,
//! otherwise from the process start time the OS records (`/proc/self/stat`, 10 ms ticks).

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::error::{CommandError, ErrorCode};

/// The file the probe writes to.
pub const PROBE_VAR: &str = "GOCACHE_DOCTOR_STARTUP_PROBE";
/// The launcher's spawn time, Unix nanoseconds.
pub const T0_VAR: &str = "GOCACHE_DOCTOR_STARTUP_T0";

/// Backend milestones (Unix milliseconds), recorded only while the probe is enabled.
static MARKS: Mutex<Vec<(&'static str, f64)>> = Mutex::new(Vec::new());
static ENABLED: OnceLock<Option<PathBuf>> = OnceLock::new();

fn probe_file() -> Option<&'static PathBuf> {
    ENABLED.get_or_init(probe_file_from_env).as_ref()
}

/// [`PROBE_VAR`] when set and not empty, in a build with the `test-hooks` feature; `None`
/// otherwise (a shipped build never reads it).
fn probe_file_from_env() -> Option<PathBuf> {
    if !cfg!(feature = "test-hooks") {
        return None;
    }
    std::env::var_os(PROBE_VAR)
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
}

/// Unix time in milliseconds (fractional).
fn now_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// Records a backend milestone when the probe is enabled (cheap no-op otherwise).
pub fn mark(name: &'static str) {
    if probe_file().is_some() {
        MARKS
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((name, now_ms()));
    }
}

/// When the process started, in Unix milliseconds, and how that was found.
fn process_start_ms() -> (f64, &'static str) {
    if let Some(t0) = std::env::var(T0_VAR)
        .ok()
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|t| t.is_finite() && *t >= 0.0)
    {
        return (t0 / 1e6, "launcher");
    }
    match proc_start_ms() {
        Some(ms) => (ms, "proc-stat"),
        None => (f64::NAN, "unknown"),
    }
}

/// Process start from `/proc/self/stat` (field 22, clock ticks since boot) and `/proc/uptime`.
fn proc_start_ms() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let uptime = std::fs::read_to_string("/proc/uptime").ok()?;
    let now = now_ms();
    Some(now - process_age_ms(&stat, &uptime)?)
}

/// How long ago the process started, from the texts of `/proc/self/stat` and `/proc/uptime`.
/// Assumes `CLK_TCK` = 100, as on every Linux architecture Tauri supports.
pub(crate) fn process_age_ms(stat: &str, uptime: &str) -> Option<f64> {
    // The command name (field 2) may hold spaces and parentheses: fields resume after the last ')'.
    let rest = &stat[stat.rfind(')')? + 1..];
    // `rest` starts at field 3 (state); starttime is field 22.
    let ticks: f64 = rest.split_whitespace().nth(22 - 3)?.parse().ok()?;
    let up_secs: f64 = uptime.split_whitespace().next()?.parse().ok()?;
    Some((up_secs - ticks / 100.0) * 1000.0)
}

/// What the probe writes.
#[derive(Debug, Serialize)]
struct ProbeReport {
    /// Milliseconds from spawn to the first cache card painted (the UI's mark `painted`).
    painted_ms: f64,
    /// `launcher` (GOCACHE_DOCTOR_STARTUP_T0), `proc-stat` or `unknown`.
    t0_source: &'static str,
    /// Every milestone, backend and UI, in milliseconds since spawn.
    marks: BTreeMap<String, f64>,
}

/// Called by the UI once the first cache card is painted, with its own milestones (Unix
/// milliseconds: `performance.timeOrigin + performance.now()`). Writes the probe file and exits
/// the app when the probe is enabled; does nothing otherwise.
#[tauri::command]
pub fn startup_probe<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    marks: BTreeMap<String, f64>,
) -> Result<(), CommandError> {
    let Some(file) = probe_file() else {
        return Ok(());
    };
    let (t0, t0_source) = process_start_ms();
    let mut all: BTreeMap<String, f64> = MARKS
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|(name, at)| (format!("app.{name}"), round(at - t0)))
        .collect();
    all.extend(
        marks
            .iter()
            .map(|(name, at)| (format!("ui.{name}"), round(at - t0))),
    );
    let report = ProbeReport {
        painted_ms: marks.get("painted").map_or(f64::NAN, |at| round(at - t0)),
        t0_source,
        marks: all,
    };
    let json = serde_json::to_string_pretty(&report)
        .map_err(|e| CommandError::new(ErrorCode::Internal, e.to_string()))?;
    std::fs::write(file, json).map_err(|e| {
        CommandError::new(
            ErrorCode::Io,
            format!("cannot write {}: {e}", file.display()),
        )
    })?;
    app.exit(0);
    Ok(())
}

fn round(ms: f64) -> f64 {
    (ms * 10.0).round() / 10.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_age_from_proc_texts() {
        // A command name with spaces and a parenthesis, starttime 12345 ticks = 123.45 s.
        let stat = "4242 (my (app) x) S 1 4242 4242 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 3 0 \
                    12345 1000 200 18446744073709551615";
        let age = process_age_ms(stat, "124.00 200.00\n").unwrap();
        assert!((age - 550.0).abs() < 1e-6, "{age}");
        assert_eq!(process_age_ms("garbage", "1.0 1.0"), None);
    }

    /// Issue #12: the start-up probe is a test hook, read only in builds with the
    /// `test-hooks` feature. The test re-runs itself in a child process with the variable set
    /// (setting it in this process would race other tests).
    #[test]
    fn the_probe_variable_is_ignored_without_the_test_hooks_feature() {
        const CHILD: &str = "GOCACHE_DOCTOR_TEST_CHILD";
        let name = "startup::tests::the_probe_variable_is_ignored_without_the_test_hooks_feature";
        if std::env::var_os(CHILD).is_some() {
            let expect = cfg!(feature = "test-hooks").then(|| PathBuf::from("/probe.json"));
            assert_eq!(probe_file_from_env(), expect);
            assert_eq!(probe_file(), expect.as_ref());
            mark("child");
            let marks = MARKS.lock().unwrap_or_else(PoisonError::into_inner).len();
            assert_eq!(
                marks,
                usize::from(cfg!(feature = "test-hooks")),
                "marks recorded"
            );
            return;
        }
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", name, "--test-threads=1"])
            .env(CHILD, "1")
            .env(PROBE_VAR, "/probe.json")
            .env(T0_VAR, "1")
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(out.status.success(), "{text}");
        assert!(text.contains("1 passed"), "the child ran the test: {text}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn this_process_started_in_the_past() {
        let start = proc_start_ms().unwrap();
        let now = now_ms();
        // The test binary started before now, and not before the machine booted.
        assert!(start <= now + 20.0, "start {start} now {now}");
        let uptime: f64 = std::fs::read_to_string("/proc/uptime")
            .unwrap()
            .split_whitespace()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(now - start <= uptime * 1000.0 + 20.0);
    }
}
