//! Tests of the clean, selection and settings commands through the real IPC layer
//! (`tauri::test::mock_builder`), on real trees shaped like Go's caches (read-only module
//! versions with their download files, a build cache) in temporary directories: the commands
//! translate arguments, answers, channels and error codes right. The session's own behaviour
//! (undo window, purge, Undo, elevation) is tested in `gocache_core::clean::session`. Nothing
//! sets process-wide environment variables: every test has its own [`Config`].

use std::fs;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use gocache_core::clean::elevate::Elevator;
use gocache_core::clean::{Target, audit};
use gocache_core::testkit::{self, Events, event_names, wait_for};
use serde_json::{Value, json};
use tauri::ipc::{Channel, InvokeResponseBody};

use crate::commands::clean::{CleanUpdate, sink};
use crate::state::Config;
use crate::tests::{app_with, invoke, main_window};

struct Fx {
    _dir: tempfile::TempDir,
    home: PathBuf,
    modcache: PathBuf,
    config: Config,
}

fn fixture(undo: Duration) -> Fx {
    let c = testkit::synth_caches();
    let config = Config {
        env: Some(c.env),
        audit_log: Some(c.base.join("data/audit.jsonl")),
        data_dir: Some(c.base.join("data")),
        settings_dir: Some(c.base.join("config")),
        undo_window: undo,
        elevator: Elevator::Direct,
        exe: None,
        lock_timeout: Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    };
    Fx {
        home: c.home,
        modcache: c.modcache,
        config,
        _dir: c.dir,
    }
}

fn recording() -> (Channel<CleanUpdate>, Events) {
    let events: Events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(serde_json::from_str(&json).unwrap_or(Value::Null));
        }
        Ok(())
    });
    (channel, events)
}

#[test]
fn ipc_plan_execute_history_and_errors() {
    let fx = fixture(Duration::ZERO);
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let planned = invoke(
        &w,
        "clean_plan",
        json!({"targets": [{"target": "module", "path": "example.com/a"}]}),
    )
    .unwrap();
    let id = planned["id"].as_str().unwrap().to_owned();
    assert_eq!(planned["plan"]["items"].as_array().unwrap().len(), 3);
    let run = invoke(
        &w,
        "clean_execute",
        json!({"planId": id, "onEvent": "__CHANNEL__:4242"}),
    )
    .unwrap();
    assert_eq!(run["plan_id"], id.as_str());
    assert!(!fx.modcache.join("example.com/a@v1.0.0").exists());
    // The purge ends (its events go to a webview that is not there); then the log has it.
    let start = Instant::now();
    let history = loop {
        let h = invoke(&w, "clean_history", json!({"limit": 10})).unwrap();
        if !h["entries"].as_array().unwrap().is_empty() {
            break h;
        }
        assert!(start.elapsed() < Duration::from_secs(60));
        std::thread::sleep(Duration::from_millis(20));
    };
    assert_eq!(history["bad_lines"], 0);
    assert_eq!(
        history["entries"][0]["bytes_freed"],
        planned["plan"]["total_bytes"]
    );
    let err = invoke(&w, "clean_undo", json!({"runId": run["run_id"]})).unwrap_err();
    assert_eq!(err["code"], "NotUndoable", "{err}");
    let err = invoke(
        &w,
        "clean_execute",
        json!({"planId": "plan-0", "onEvent": "__CHANNEL__:4243"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "UnknownPlan");
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("open the clean dialog again")
    );
    let err = invoke(&w, "clean_undo", json!({"runId": "run-x"})).unwrap_err();
    assert_eq!(err["code"], "UnknownRun");
    let err = invoke(&w, "clean_purge_now", json!({"runId": "run-x"})).unwrap_err();
    assert_eq!(err["code"], "UnknownRun");
    assert_eq!(invoke(&w, "clean_cancel", json!({})).unwrap(), Value::Null);
    // Only the last 8 plans are kept.
    for _ in 0..gocache_core::clean::session::KEPT_PLANS {
        invoke(&w, "clean_plan", json!({"targets": [{"target": "test"}]})).unwrap();
    }
    let err = invoke(
        &w,
        "clean_execute",
        json!({"planId": id, "onEvent": "__CHANNEL__:4244"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "UnknownPlan");
    // A refused root is an error, not a plan.
    let err = invoke(&w, "clean_plan", json!({"targets": [{"target": "bogus"}]})).unwrap_err();
    assert!(err.to_string().contains("bogus"), "{err}");
}

#[test]
fn history_is_newest_first_and_counts_bad_lines() {
    let fx = fixture(Duration::ZERO);
    let log = fx.config.audit_log.clone().unwrap();
    for (t, b) in [(1, 10), (2, 20), (3, 30)] {
        audit::append(
            &log,
            &audit::Entry {
                time: t,
                targets: vec![Target::Build],
                bytes_freed: b,
                outcomes: vec![],
                ended: None,
                automatic: None,
            },
        )
        .unwrap();
    }
    let mut f = fs::OpenOptions::new().append(true).open(&log).unwrap();
    std::io::Write::write_all(&mut f, b"{\"time\": 4, \"targ").unwrap();
    let app = app_with(fx.config.clone());
    let h = invoke(&main_window(&app), "clean_history", json!({"limit": 2})).unwrap();
    let times: Vec<i64> = h["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["time"].as_i64().unwrap())
        .collect();
    assert_eq!(times, [3, 2]);
    assert_eq!(h["bad_lines"], 1);
}

fn selected(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, criteria: Value) -> Vec<String> {
    let r = invoke(w, "select_modules", json!({"criteria": criteria})).unwrap();
    r["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}@{}",
                v["path"].as_str().unwrap(),
                v["version"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn select_modules_keep_latest_older_than_and_unused() {
    let fx = fixture(Duration::ZERO);
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    assert_eq!(
        selected(&w, json!({"kind": "keep-latest", "n": 1})),
        ["example.com/a@v1.0.0", "example.com/a@v1.1.0"]
    );
    assert_eq!(
        selected(&w, json!({"kind": "keep-latest", "n": 2})),
        ["example.com/a@v1.0.0"]
    );
    assert_eq!(
        selected(&w, json!({"kind": "older-than", "days": 150})),
        ["example.com/a@v1.0.0"]
    );
    assert_eq!(
        selected(&w, json!({"kind": "older-than", "days": 50})),
        ["example.com/a@v1.0.0", "example.com/a@v1.1.0"]
    );
    // A project that needs a@v1.2.0 and B@v0.1.0.
    let proj = fx.home.join("src").join("p");
    fs::create_dir_all(&proj).unwrap();
    fs::write(
        proj.join("go.mod"),
        "module p\n\ngo 1.21\n\nrequire (\n\texample.com/a v1.2.0\n\texample.com/B v0.1.0\n)\n",
    )
    .unwrap();
    let r = invoke(
        &w,
        "select_modules",
        json!({"criteria": {"kind": "unused", "roots": [fx.home.join("src")]}}),
    )
    .unwrap();
    assert_eq!(r["projects"], 1, "{r}");
    // The project's folder, for Verify's project field.
    assert_eq!(r["project_dirs"], json!([proj.to_string_lossy()]), "{r}");
    let got: Vec<String> = r["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            format!(
                "{}@{}",
                v["path"].as_str().unwrap(),
                v["version"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(got, ["example.com/a@v1.0.0", "example.com/a@v1.1.0"]);
    let err = invoke(
        &w,
        "select_modules",
        json!({"criteria": {"kind": "unused", "roots": []}}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "BadRoot");
}

#[test]
fn settings_round_trip_keep_unknown_fields_and_survive_corruption() {
    let fx = fixture(Duration::ZERO);
    let dir = fx.config.settings_dir.clone().unwrap();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let defaults = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(
        defaults,
        json!({"project_roots": [], "older_than_days": 90, "keep_latest": 1, "language": null,
               "theme": "system", "confirm_before_clean": true, "welcome_seen": false,
               "tray_icon": false, "notice": null})
    );
    // A field from a newer version of the app survives a save that does not know it.
    fs::create_dir_all(&dir).unwrap();
    fs::write(
        dir.join("settings.json"),
        r#"{"project_roots": ["/old"], "older_than_days": 30, "keep_latest": 3, "sidebar": "left"}"#,
    )
    .unwrap();
    let stored = invoke(
        &w,
        "settings_set",
        json!({"settings": {"project_roots": ["/src/ü", "/b"], "older_than_days": 7,
                            "keep_latest": 2, "notice": "ignored"}}),
    )
    .unwrap();
    assert_eq!(stored["notice"], Value::Null);
    assert_eq!(stored["sidebar"], "left");
    let back = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(back, stored);
    assert_eq!(back["project_roots"], json!(["/src/ü", "/b"]));
    let on_disk: Value =
        serde_json::from_slice(&fs::read(dir.join("settings.json")).unwrap()).unwrap();
    assert_eq!(on_disk["sidebar"], "left");
    assert!(on_disk.get("notice").is_none());

    fs::write(dir.join("settings.json"), b"{\"project_roots\": [\"/x\"").unwrap();
    let got = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(got["project_roots"], json!([]));
    assert!(
        got["notice"]
            .as_str()
            .unwrap()
            .contains("settings.json.bad"),
        "{got}"
    );
    assert!(!dir.join("settings.json").exists());
    assert_eq!(
        fs::read(dir.join("settings.json.bad")).unwrap(),
        b"{\"project_roots\": [\"/x\""
    );
    // The next read is clean: defaults, no notice.
    assert_eq!(invoke(&w, "settings_get", json!({})).unwrap(), defaults);

    // The language: a known tag round-trips; one this version does not know (a newer app's)
    // reads as "follow the OS" without making the file corrupt.
    let mut zh = defaults.clone();
    zh["language"] = json!("zh-CN");
    let stored = invoke(&w, "settings_set", json!({ "settings": zh })).unwrap();
    assert_eq!(stored["language"], "zh-CN");
    assert_eq!(
        invoke(&w, "settings_get", json!({})).unwrap()["language"],
        "zh-CN"
    );
    fs::write(
        dir.join("settings.json"),
        r#"{"project_roots": ["/k"], "language": "fr-FR"}"#,
    )
    .unwrap();
    let got = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(got["language"], Value::Null);
    assert_eq!(got["project_roots"], json!(["/k"]));
    assert_eq!(got["notice"], Value::Null);

    // Theme, confirmation and the welcome screen round-trip; an unknown theme reads as system,
    // a wrongly typed flag makes the file corrupt (moved aside, defaults, a notice).
    let mut prefs = defaults.clone();
    prefs["theme"] = json!("dark");
    prefs["confirm_before_clean"] = json!(false);
    prefs["welcome_seen"] = json!(true);
    let stored = invoke(&w, "settings_set", json!({ "settings": prefs })).unwrap();
    assert_eq!(
        invoke(&w, "settings_get", json!({})).unwrap(),
        stored,
        "{stored}"
    );
    assert_eq!(stored["theme"], "dark");
    assert_eq!(stored["confirm_before_clean"], false);
    assert_eq!(stored["welcome_seen"], true);
    fs::write(dir.join("settings.json"), r#"{"theme": "sepia"}"#).unwrap();
    assert_eq!(
        invoke(&w, "settings_get", json!({})).unwrap()["theme"],
        "system"
    );
    fs::write(dir.join("settings.json"), r#"{"welcome_seen": "yes"}"#).unwrap();
    let got = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(got["welcome_seen"], false);
    assert!(got["notice"].as_str().unwrap().contains(".bad"), "{got}");
}

/// The channel `clean_execute` gets carries the session's updates as the UI reads them
/// (`{"event", "data"}`, in order), and the session's errors keep their codes.
#[test]
fn the_channel_carries_the_session_updates_in_order() {
    let fx = fixture(Duration::ZERO);
    let session = fx.config.clean_session();
    let planned = session
        .plan(&[Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.1.0".into(),
        }])
        .unwrap();
    let (channel, events) = recording();
    let run = session
        .execute(
            &planned.id,
            sink(channel),
            &gocache_core::CancelToken::new(),
        )
        .unwrap();
    let done = wait_for(&events, "purgeFinished");
    assert_eq!(done["run_id"], run.run_id.as_str());
    assert_eq!(done["bytes_freed"], planned.plan.total_bytes);
    let seen = event_names(&events);
    let pos = |n: &str| seen.iter().position(|e| e == n).unwrap();
    assert!(pos("itemStarted") < pos("itemFinished"), "{seen:?}");
    assert!(pos("itemFinished") < pos("purgeStarted"), "{seen:?}");
    assert!(pos("purgeStarted") < pos("purged"), "{seen:?}");
    assert!(pos("purged") < pos("purgeFinished"), "{seen:?}");
    let err = crate::error::CommandError::from(session.undo(&run.run_id).unwrap_err());
    assert_eq!(err.code, "NotUndoable");
    assert!(!fx.modcache.join("example.com/a@v1.1.0").exists());
}

/// `clean_holders` names the processes holding what the previewed plan removes, and only
/// them (issue #15 §5): a real process working inside one version is named for that version's
/// plan, not for another version's; an unknown plan is `UnknownPlan`.
#[cfg(unix)]
#[test]
fn ipc_clean_holders_are_scoped_to_the_plan() {
    let fx = fixture(Duration::ZERO);
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let held = fx.modcache.join("example.com").join("a@v1.0.0");
    let mut child = std::process::Command::new("sleep")
        .arg("60")
        .current_dir(&held)
        .spawn()
        .unwrap();
    let pid = child.id();
    let holders_of = |version: &str| -> Vec<u64> {
        let planned = invoke(
            &w,
            "clean_plan",
            json!({"targets": [{"target": "module-version", "path": "example.com/a", "version": version}]}),
        )
        .unwrap();
        let r = invoke(&w, "clean_holders", json!({"planId": planned["id"]})).unwrap();
        r["holders"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["pid"].as_u64().unwrap())
            .collect()
    };
    // The probe may run before the child has changed directory: wait for it to be seen.
    let start = Instant::now();
    while !holders_of("v1.0.0").contains(&u64::from(pid)) {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "pid {pid} never seen"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    assert!(!holders_of("v1.1.0").contains(&u64::from(pid)));
    let err = invoke(&w, "clean_holders", json!({"planId": "plan-0"})).unwrap_err();
    assert_eq!(err["code"], "UnknownPlan", "{err}");
    let _ = child.kill();
    let _ = child.wait();
}
