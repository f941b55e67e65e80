//! `clean_elevated` end to end with the real app binary: the command starts
//! `gocache-doctor-app --elevated-clean <request> --report <report>` (directly, as with
//! `GOCACHE_DOCTOR_ELEVATOR=` empty, and behind a prefix program, as with pkexec), the binary
//! deletes in place before any window set-up, and the app reads its report back.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use gocache_core::clean::elevate::Elevator;
use gocache_core::clean::{Outcome, Target, audit};
use gocache_core::env::EnvMap;
use gocache_doctor_app::commands::clean::{CleanState, RunState};
use gocache_doctor_app::state::Config;
use serde_json::Value;
use tauri::ipc::{Channel, InvokeResponseBody};

const APP: &str = env!("CARGO_BIN_EXE_gocache-doctor-app");

struct Fx {
    _dir: tempfile::TempDir,
    modcache: PathBuf,
    config: Config,
}

/// A module cache with two read-only module versions (as Go leaves them), in a directory
/// whose name has a space, a quote and non-ASCII letters.
fn fixture(elevator: Elevator) -> Fx {
    let dir = tempfile::tempdir().unwrap();
    let base = fs::canonicalize(dir.path()).unwrap().join("it's a ü dir");
    let home = base.join("home");
    let modcache = home.join("go/pkg/mod");
    for v in ["v1.0.0", "v1.1.0"] {
        let d = modcache.join(format!("example.com/a@{v}"));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("go.mod"), "module example.com/a\n").unwrap();
        fs::write(d.join("a.go"), vec![b'a'; 3000]).unwrap();
        let dl = modcache.join("cache/download/example.com/a/@v");
        fs::create_dir_all(&dl).unwrap();
        for ext in ["info", "mod", "zip", "ziphash"] {
            fs::write(dl.join(format!("{v}.{ext}")), format!("{v} {ext}")).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [d.join("go.mod"), d.join("a.go")] {
                fs::set_permissions(p, fs::Permissions::from_mode(0o444)).unwrap();
            }
            fs::set_permissions(&d, fs::Permissions::from_mode(0o555)).unwrap();
        }
    }
    let s = |p: &Path| p.display().to_string();
    let env = EnvMap::from_pairs([
        ("HOME", s(&home)),
        ("GOPATH", s(&home.join("go"))),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&home.join(".cache/go-build"))),
        ("XDG_CACHE_HOME", s(&base.join("xdg"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ]);
    let config = Config {
        env: Some(env),
        audit_log: Some(base.join("data/audit.jsonl")),
        settings_dir: Some(base.join("config")),
        undo_window: Duration::from_secs(3600),
        elevator,
        exe: Some(PathBuf::from(APP)),
        lock_timeout: Duration::from_secs(5),
    };
    Fx {
        _dir: dir,
        modcache,
        config,
    }
}

fn recording() -> (
    Channel<gocache_doctor_app::commands::clean::CleanUpdate>,
    Arc<Mutex<Vec<Value>>>,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
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

fn elevated_clean_deletes_in_place(elevator: Elevator) {
    let fx = fixture(elevator);
    let state = CleanState::new(fx.config.clone());
    let planned = state
        .plan(&[Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.0.0".into(),
        }])
        .unwrap();
    assert_eq!(planned.plan.items.len(), 1);
    let (channel, events) = recording();
    let run = state.elevated(&planned.id, channel).unwrap();
    assert_eq!(run.state, RunState::Done);
    assert_eq!(run.undo_deadline_ms, None);
    assert_eq!(run.results.len(), 1);
    assert_eq!(
        run.results[0].outcome,
        Outcome::Removed,
        "{:?}",
        run.results
    );
    assert!(run.results[0].in_place, "no quarantine when elevated");
    assert!(!fx.modcache.join("example.com/a@v1.0.0").exists());
    assert!(
        !fx.modcache
            .join("cache/download/example.com/a/@v/v1.0.0.zip")
            .exists()
    );
    assert!(fx.modcache.join("example.com/a@v1.1.0/a.go").exists());
    assert!(!fx.modcache.join(gocache_core::clean::INNER_TRASH).exists());
    let events = events.lock().unwrap_or_else(PoisonError::into_inner);
    let finished = events
        .iter()
        .find(|e| e["event"] == "purgeFinished")
        .unwrap();
    assert_eq!(finished["data"]["bytes_freed"], planned.plan.total_bytes);
    let log = audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].bytes_freed, planned.plan.total_bytes);
    assert_eq!(state.undo(&run.run_id).unwrap_err().code, "NotUndoable");
}

#[test]
fn elevated_clean_runs_the_real_binary_directly() {
    elevated_clean_deletes_in_place(Elevator::Direct);
}

#[test]
fn elevated_clean_runs_the_real_binary_behind_an_elevator_program() {
    // `env` stands in for pkexec: `<elevator> <exe> --elevated-clean ... --report ...`.
    elevated_clean_deletes_in_place(Elevator::Program("env".into()));
}

#[test]
fn the_binary_in_elevated_mode_reports_a_refusal() {
    let fx = fixture(Elevator::Direct);
    let state = CleanState::new(fx.config.clone());
    let planned = state.plan(&[Target::Modcache]).unwrap();
    // The request's environment names another module cache: the elevated process discovers
    // the caches afresh and refuses a root it did not discover.
    let mut env = fx.config.env.clone().unwrap();
    env.set("GOMODCACHE", "/nonexistent/elsewhere");
    let req = gocache_core::clean::elevate::Request::new(planned.plan.clone(), &env);
    let dir = tempfile::tempdir().unwrap();
    let req_path = dir.path().join("request.json");
    fs::write(&req_path, serde_json::to_vec(&req).unwrap()).unwrap();
    let out = dir.path().join("report.json");
    let status = std::process::Command::new(APP)
        .arg("--elevated-clean")
        .arg(&req_path)
        .arg("--report")
        .arg(&out)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let rep = gocache_core::clean::elevate::read_report(&out).unwrap();
    assert!(
        rep.error
            .as_deref()
            .is_some_and(|e| e.contains("not one of the discovered cache roots")),
        "{rep:?}"
    );
    assert!(fx.modcache.join("example.com/a@v1.0.0/a.go").exists());
}
