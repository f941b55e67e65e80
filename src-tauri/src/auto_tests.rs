//! Tests of the automatic cleanup commands (`commands/auto.rs`) through the real IPC layer
//! (`tauri::test::mock_builder`), on real trees shaped like Go's caches in temporary
//! directories: the policy reaches the settings file the CLI reads (and a bad one does not),
//! `settings_set` never overwrites it, the preview is the core's dry run (nothing removed) and
//! Run now removes what it listed, with an automatic audit entry. The rules themselves are
//! tested in `gocache_core::autopilot`.

use std::fs;
use std::path::PathBuf;
use std::time::Duration;

use gocache_core::clean::audit;
use gocache_core::clean::elevate::Elevator;
use gocache_core::testkit::{self, SynthCaches};
use serde_json::{Value, json};

use crate::state::Config;
use crate::tests::{app_with, invoke, main_window};

struct Fx {
    caches: SynthCaches,
    config: Config,
    /// A folder with one project, which requires `example.com/a v1.2.0` only.
    projects: PathBuf,
}

fn fixture() -> Fx {
    let caches = testkit::synth_caches();
    let projects = caches.base.join("code");
    let app = projects.join("app");
    fs::create_dir_all(&app).unwrap();
    fs::write(
        app.join("go.mod"),
        "module example.com/app\n\ngo 1.21\n\nrequire example.com/a v1.2.0\n",
    )
    .unwrap();
    // The user's home as each OS names it: the schedule's context needs it (`USERPROFILE` on
    // Windows, which the synthetic environment, made of Unix names, lacks).
    let mut env = caches.env.clone();
    if let Some(home) = caches.env.get("HOME").cloned() {
        env.set("USERPROFILE", home);
    }
    let config = Config {
        env: Some(env),
        audit_log: Some(caches.base.join("data/audit.jsonl")),
        data_dir: Some(caches.base.join("data")),
        settings_dir: Some(caches.base.join("config")),
        undo_window: Duration::from_secs(1),
        elevator: Elevator::Direct,
        exe: None,
        lock_timeout: Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    };
    Fx {
        caches,
        config,
        projects,
    }
}

/// A policy with an age rule of `unused_days` and a module cache budget of `budget` bytes.
fn policy(unused_days: Option<u64>, budget: Option<u64>) -> Value {
    json!({
        "enabled": true,
        "modcache_max_bytes": budget,
        "unused_days": unused_days,
        "keep_latest": null,
        "build_max_bytes": null,
        "remove_unnamed_toolchains": false,
        "free_disk_floor": { "percent": 10.0 },
        "scan_code_folders": false,
    })
}

/// A budget of one byte: every unused version goes, least recently used first (the synthetic
/// versions' access times may be as new as this second, so no age rule would take them).
fn all_unused() -> Value {
    let mut p = policy(None, Some(1));
    p["free_disk_floor"] = Value::Null;
    p
}

fn stored(fx: &Fx) -> Value {
    let dir = fx.config.settings_dir.as_ref().unwrap();
    serde_json::from_slice(&fs::read(dir.join("settings.json")).unwrap()).unwrap()
}

#[test]
fn the_policy_is_stored_for_the_cli_a_bad_one_changes_nothing_and_settings_set_keeps_it() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let s = invoke(
        &w,
        "auto_policy_set",
        json!({ "policy": policy(Some(30), None) }),
    )
    .unwrap();
    assert_eq!(s["autopilot"]["unused_days"], 30);
    let file = stored(&fx);
    assert_eq!(file["autopilot"]["unused_days"], 30);
    assert_eq!(
        file["autopilot"]["free_disk_floor"],
        json!({ "percent": 10.0 })
    );
    // What the CLI reads.
    let read = gocache_core::settings::load(fx.config.settings_dir.as_ref().unwrap()).unwrap();
    assert!(read.policy().enabled);

    // Out of range: refused with the core's sentence, the file unchanged.
    let path = fx
        .config
        .settings_dir
        .as_ref()
        .unwrap()
        .join("settings.json");
    let before = fs::read(&path).unwrap();
    let err = invoke(
        &w,
        "auto_policy_set",
        json!({ "policy": policy(Some(99_999), None) }),
    )
    .unwrap_err();
    assert_eq!(err["code"], "BadSettings", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("unused_days"),
        "{err}"
    );
    assert_eq!(fs::read(&path).unwrap(), before);

    // Another setting saved with a different (or stale) policy in it keeps the stored one.
    let mut settings = invoke(&w, "settings_get", json!({})).unwrap();
    settings["theme"] = json!("dark");
    settings["autopilot"]["enabled"] = json!(false);
    invoke(&w, "settings_set", json!({ "settings": settings })).unwrap();
    let file = stored(&fx);
    assert_eq!(file["theme"], "dark");
    assert_eq!(file["autopilot"]["enabled"], true);
}

#[test]
fn the_preview_removes_nothing_and_run_now_removes_what_it_listed() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let mc = &fx.caches.modcache;
    let dirs = [
        mc.join("example.com/a@v1.0.0"),
        mc.join("example.com/a@v1.1.0"),
        mc.join("example.com/!b@v0.1.0"),
    ];
    let used = mc.join("example.com/a@v1.2.0");
    let mut settings = invoke(&w, "settings_get", json!({})).unwrap();
    settings["project_roots"] = json!([fx.projects.display().to_string()]);
    invoke(&w, "settings_set", json!({ "settings": settings })).unwrap();

    // The preview of a policy not stored yet: the core's dry run.
    let run = invoke(&w, "auto_preview", json!({ "policy": all_unused() })).unwrap();
    assert_eq!(run["dry_run"], true);
    let removed: Vec<String> = run["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["remove"] == true)
        .map(|d| {
            assert_eq!(d["reason"], "over-budget", "{d}");
            assert!(
                matches!(d["source"].as_str(), Some("atime" | "mtime")),
                "{d}"
            );
            format!(
                "{}@{}",
                d["path"].as_str().unwrap(),
                d["version"].as_str().unwrap()
            )
        })
        .collect();
    let mut want = vec![
        "example.com/B@v0.1.0".to_owned(),
        "example.com/a@v1.0.0".to_owned(),
        "example.com/a@v1.1.0".to_owned(),
    ];
    let mut got = removed.clone();
    got.sort();
    want.sort();
    assert_eq!(got, want, "{run}");
    let in_use = run["decisions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["version"] == "v1.2.0")
        .unwrap();
    assert_eq!(in_use["reason"], "in-use");
    assert_eq!(in_use["source"], "in-use");
    for d in dirs.iter().chain([&used]) {
        assert!(d.is_dir(), "the preview removed {}", d.display());
    }
    // Nothing stored yet: the preview did not save the policy.
    assert!(stored(&fx).get("autopilot").is_none());

    // Run now applies the stored policy.
    invoke(&w, "auto_policy_set", json!({ "policy": all_unused() })).unwrap();
    let run = invoke(&w, "auto_run_now", json!({})).unwrap();
    assert_eq!(run["dry_run"], false);
    assert!(run["bytes_freed"].as_u64().unwrap() > 0, "{run}");
    for d in &dirs {
        assert!(!d.exists(), "still there: {}", d.display());
    }
    assert!(used.is_dir(), "the version the project uses was removed");
    let log = audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    let last = log.entries.last().unwrap();
    assert_eq!(last.automatic, Some(true));
    assert_eq!(last.bytes_freed, run["bytes_freed"].as_u64().unwrap());

    // History's command sees it, marked automatic.
    let h = invoke(&w, "clean_history", json!({ "limit": 10 })).unwrap();
    assert_eq!(h["entries"][0]["automatic"], true, "{h}");
}

#[test]
fn the_schedule_status_answers_and_the_preview_can_be_cancelled_with_nothing_running() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    invoke(&w, "auto_preview_cancel", json!({})).unwrap();
    let st = invoke(&w, "auto_schedule_status", json!({})).unwrap();
    assert!(st["installed"].is_boolean(), "{st}");
    assert!(st["total_freed"].is_u64(), "{st}");
}
