//! Tests of the clean session (moved from the app's tests, issue #14), on real trees shaped
//! like Go's caches (read-only module versions with their download files, a build cache) in
//! temporary directories. Updates are recorded as the JSON the app sends. Nothing sets
//! process-wide environment variables: every test has its own [`SessionConfig`].

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};

use super::{
    CleanSession, DEFAULT_UNDO_WINDOW, MAX_UNDO_WINDOW, SessionConfig, UpdateSink, undo_window_from,
};
use crate::CancelToken;
use crate::clean::elevate::Elevator;
use crate::clean::select::Criteria;
use crate::clean::{Target, audit};
use crate::env::EnvMap;
use crate::testkit::{self, Events, add_module_version, event_names, wait_for};

struct Fx {
    _dir: tempfile::TempDir,
    home: PathBuf,
    modcache: PathBuf,
    gocache: PathBuf,
    env: EnvMap,
    config: SessionConfig,
}

fn fixture(undo: Duration) -> Fx {
    let c = testkit::synth_caches();
    let source = c.env.clone();
    let config = SessionConfig {
        env: Arc::new(move || source.clone()),
        audit_log: Some(c.base.join("data/audit.jsonl")),
        undo_window: undo,
        elevator: Elevator::Direct,
        exe: None,
        lock_timeout: Duration::from_secs(5),
    };
    Fx {
        home: c.home,
        modcache: c.modcache,
        gocache: c.gocache,
        env: c.env,
        config,
        _dir: c.dir,
    }
}

/// Every path under `root` with its kind, content and mode, for before/after equality.
fn listing(root: &Path) -> BTreeMap<PathBuf, (char, Vec<u8>, u32)> {
    fn walk(root: &Path, p: &Path, out: &mut BTreeMap<PathBuf, (char, Vec<u8>, u32)>) {
        let md = fs::symlink_metadata(p).unwrap();
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            md.permissions().mode()
        };
        #[cfg(not(unix))]
        let mode = u32::from(md.permissions().readonly());
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        if md.is_dir() {
            out.insert(rel, ('d', Vec::new(), mode));
            for e in fs::read_dir(p).unwrap() {
                walk(root, &e.unwrap().path(), out);
            }
        } else {
            out.insert(rel, ('f', fs::read(p).unwrap(), mode));
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn recording() -> (UpdateSink, Events) {
    let events: Events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let updates: UpdateSink = Arc::new(move |update| {
        // The JSON the app sends on its channel.
        sink.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(serde_json::to_value(update).unwrap_or(Value::Null));
    });
    (updates, events)
}

fn version(path: &str, v: &str) -> Value {
    json!({"path": path, "version": v})
}

#[test]
fn execute_with_no_undo_window_purges_and_logs() {
    let fx = fixture(Duration::ZERO);
    let state = CleanSession::new(fx.config.clone());
    let targets: Vec<Target> = serde_json::from_value(json!([
        {"target": "module-versions", "versions": [version("example.com/a", "v1.0.0"),
                                                   version("example.com/B", "v0.1.0")]},
        {"target": "build"}
    ]))
    .unwrap();
    let planned = state.plan(&targets).unwrap();
    assert_eq!(planned.plan.items.len(), 3);
    let (channel, events) = recording();
    let run = state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    assert_eq!(run.results.len(), 3);
    assert!(
        run.results
            .iter()
            .all(|r| r.outcome == crate::clean::Outcome::Removed)
    );
    // Gone for Go as soon as execute returns.
    assert!(!fx.modcache.join("example.com/a@v1.0.0").exists());
    assert!(!fx.modcache.join("example.com/!b@v0.1.0").exists());
    assert!(!fx.gocache.join("ab/ab22-d").exists());
    assert!(run.quarantined_bytes > 0);
    assert!(run.undo_deadline_ms.is_some());

    let finished = wait_for(&events, "purgeFinished");
    assert_eq!(finished["run_id"], run.run_id.as_str());
    assert_eq!(finished["bytes_freed"], planned.plan.total_bytes);
    let results = finished["results"].as_array().unwrap();
    assert_eq!(results.len(), 3);
    assert!(
        results.iter().all(|r| r["outcome"] == "removed"),
        "{results:?}"
    );
    let seen = event_names(&events);
    let pos = |n: &str| seen.iter().position(|e| e == n).unwrap();
    assert!(pos("itemStarted") < pos("itemFinished"));
    assert!(pos("itemFinished") < pos("purgeStarted"));
    assert!(pos("purgeStarted") < pos("purged"));
    assert!(pos("purged") < pos("purgeFinished"));
    // The quarantines are purged; what Go keeps stays.
    assert!(!fx.modcache.join(crate::clean::INNER_TRASH).exists());
    assert!(!fx.gocache.join(crate::clean::INNER_TRASH).exists());
    assert!(fx.gocache.join("README").exists());
    assert!(fx.modcache.join("example.com/a@v1.1.0/go.mod").exists());

    let log = audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].bytes_freed, planned.plan.total_bytes);
    assert_eq!(log.entries[0].targets, targets);
    assert_eq!(
        serde_json::to_value(&log.entries[0].outcomes).unwrap(),
        finished["results"]
    );

    // Over: no undo any more.
    let err = state.undo(&run.run_id).unwrap_err();
    assert_eq!(err.code(), "NotUndoable");
}

#[test]
fn undo_during_the_window_restores_a_byte_identical_tree() {
    let fx = fixture(Duration::from_secs(3600));
    let before = listing(&fx.home);
    let state = CleanSession::new(fx.config.clone());
    let targets = [Target::Modcache, Target::Build];
    let planned = state.plan(&targets).unwrap();
    let (channel, events) = recording();
    let run = state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    assert_eq!(
        serde_json::to_value(run.state).unwrap(),
        "holding",
        "{run:?}"
    );
    assert!(
        !fx.modcache.exists(),
        "the whole module cache is gone for Go"
    );
    assert!(!fx.gocache.join("00/0011-a").exists());
    let deadline = run.undo_deadline_ms.unwrap();
    let now_ms = SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis();
    assert!(u128::from(deadline) > now_ms + 3_000_000);

    let reply = state.undo(&run.run_id).unwrap();
    assert!(reply.failures.is_empty(), "{reply:?}");
    assert_eq!(reply.already_purged, 0);
    // The module cache root, and the two build-cache entries.
    assert_eq!(reply.restored, 3);
    assert_eq!(listing(&fx.home), before, "every file back, byte-identical");
    let undone = wait_for(&events, "undone");
    assert_eq!(undone["run_id"], run.run_id.as_str());
    assert_eq!(undone["restored"], 3);
    assert!(!event_names(&events).contains(&"purgeStarted".to_owned()));

    let log = audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].bytes_freed, 0);
    assert!(log.entries[0].outcomes.iter().all(|r| {
        r.outcome == crate::clean::Outcome::Skipped && r.note.as_deref() == Some("restored by Undo")
    }));
    assert_eq!(state.undo(&run.run_id).unwrap_err().code(), "NotUndoable");
    assert_eq!(state.undo("run-999").unwrap_err().code(), "UnknownRun");
}

#[test]
fn a_second_instance_launching_in_the_undo_window_leaves_the_quarantine_alone() {
    let fx = fixture(Duration::from_secs(3600));
    let before = listing(&fx.home);
    let state = CleanSession::new(fx.config.clone());
    let planned = state.plan(&[Target::Modcache, Target::Build]).unwrap();
    let (channel, _events) = recording();
    let run = state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    assert!(!fx.modcache.exists());
    let held = listing(&fx.home);
    // What another app instance does at launch (commands/env.rs): discover, purge leftovers.
    let report = crate::discover::discover(&fx.env, &crate::discover::Options::default());
    let left = crate::clean::purge_leftovers(&report, &crate::CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert_eq!(left.skipped.len(), 2, "{left:?}");
    assert_eq!(listing(&fx.home), held, "the quarantine is untouched");
    let reply = state.undo(&run.run_id).unwrap();
    assert!(reply.failures.is_empty(), "{reply:?}");
    assert_eq!(reply.restored, 3);
    assert_eq!(listing(&fx.home), before, "every file back, byte-identical");
}

#[test]
fn undo_racing_the_purge_leaves_each_item_whole_or_gone() {
    let fx = fixture(Duration::ZERO);
    for i in 0..12 {
        add_module_version(&fx.modcache, &format!("example.com/m{i}"), "v1.0.0", 1);
    }
    let before = listing(&fx.modcache);
    let state = CleanSession::new(fx.config.clone());
    let versions: Vec<Value> = (0..12)
        .map(|i| version(&format!("example.com/m{i}"), "v1.0.0"))
        .collect();
    let targets: Vec<Target> =
        serde_json::from_value(json!([{"target": "module-versions", "versions": versions}]))
            .unwrap();
    let planned = state.plan(&targets).unwrap();
    let (channel, events) = recording();
    let run = state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    // The purge starts at once; Undo stops it between items.
    match state.undo(&run.run_id) {
        Ok(reply) => {
            assert!(reply.failures.is_empty());
            let after = listing(&fx.modcache);
            let mut restored = 0;
            for i in 0..12 {
                let rel = PathBuf::from(format!("example.com/m{i}@v1.0.0"));
                let part = |l: &BTreeMap<PathBuf, (char, Vec<u8>, u32)>| {
                    l.iter()
                        .filter(|(p, _)| p.starts_with(&rel))
                        .map(|(p, v)| (p.clone(), v.clone()))
                        .collect::<Vec<_>>()
                };
                if after.contains_key(&rel) {
                    assert_eq!(part(&after), part(&before), "m{i} restored whole");
                    restored += 1;
                }
            }
            assert_eq!(restored + reply.already_purged, 12, "{reply:?}");
            let last = event_names(&events);
            assert!(
                last.contains(&"undone".to_owned()) || last.contains(&"purgeFinished".to_owned())
            );
        }
        // The purge was faster than the call.
        Err(e) => assert_eq!(e.code(), "NotUndoable"),
    }
}

#[test]
fn purge_now_ends_the_window() {
    let fx = fixture(Duration::from_secs(3600));
    let state = CleanSession::new(fx.config.clone());
    let planned = state
        .plan(&[Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.1.0".into(),
        }])
        .unwrap();
    let (channel, events) = recording();
    let run = state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    state.purge_now(&run.run_id).unwrap();
    let done = wait_for(&events, "purgeFinished");
    assert_eq!(done["bytes_freed"], planned.plan.total_bytes);
    assert!(!fx.modcache.join(crate::clean::INNER_TRASH).exists());
    assert_eq!(state.purge_now("nope").unwrap_err().code(), "UnknownRun");
}

#[test]
fn elevation_errors_name_the_problem() {
    let fx = fixture(Duration::ZERO);
    let mut config = fx.config.clone();
    config.elevator = Elevator::Program("/nonexistent/elevator".into());
    let state = CleanSession::new(config);
    let planned = state.plan(&[Target::Build]).unwrap();
    let (channel, _events) = recording();
    let err = state.elevated(&planned.id, &channel).unwrap_err();
    assert_eq!(err.code(), "ElevationUnavailable");
    assert!(err.to_string().contains("/nonexistent/elevator"), "{err}");
    // An elevator that exits without running anything: no report.
    let mut config = fx.config.clone();
    config.elevator = Elevator::Program("false".into());
    let state = CleanSession::new(config);
    let planned = state.plan(&[Target::Build]).unwrap();
    let (channel, _events) = recording();
    let err = state.elevated(&planned.id, &channel).unwrap_err();
    assert_eq!(err.code(), "ElevationUnavailable");
    assert!(fx.gocache.join("ab/ab22-d").exists(), "nothing deleted");
    assert_eq!(
        state.elevated("plan-0", &recording().0).unwrap_err().code(),
        "UnknownPlan"
    );
}

#[test]
fn a_build_cache_budget_plans_the_least_recently_used_entries_and_removes_them() {
    let fx = fixture(Duration::ZERO);
    // The big entry was last used ten days ago, the small one now.
    let old = std::time::SystemTime::now() - Duration::from_secs(10 * 86_400);
    fs::File::options()
        .write(true)
        .open(fx.gocache.join("ab/ab22-d"))
        .unwrap()
        .set_modified(old)
        .unwrap();
    let state = CleanSession::new(fx.config.clone());
    // The UI's "Trim to" sends the budget in bytes: 200 bytes keeps the 175-byte entry.
    let targets: Vec<Target> =
        serde_json::from_value(json!([{"target": "build-budget", "max_bytes": 200}])).unwrap();
    let planned = state.plan(&targets).unwrap();
    assert_eq!(planned.plan.total_bytes, 5000, "{:?}", planned.plan.items);
    let (channel, events) = recording();
    state
        .execute(&planned.id, channel, &CancelToken::new())
        .unwrap();
    wait_for(&events, "purgeFinished");
    assert!(!fx.gocache.join("ab/ab22-d").exists());
    assert!(fx.gocache.join("00/0011-a").exists());
    assert!(fx.gocache.join("README").exists());
    // A budget above what is there plans nothing.
    let targets: Vec<Target> =
        serde_json::from_value(json!([{"target": "build-budget", "max_bytes": 1_000_000}]))
            .unwrap();
    assert_eq!(state.plan(&targets).unwrap().plan.total_bytes, 0);
}

fn select(fx: &Fx, criteria: &[Criteria], modules: &[&str]) -> Vec<String> {
    let report = crate::discover::discover(&fx.env, &crate::discover::Options::default());
    let modules: Vec<String> = modules.iter().map(|m| (*m).to_owned()).collect();
    crate::clean::select::select_modules(&report, &fx.env, criteria, &modules, &CancelToken::new())
        .unwrap()
        .versions
        .iter()
        .map(|v| format!("{}@{}", v.path, v.version))
        .collect()
}

/// The CLI's semantics, now the app's too (issue #14): several criteria intersect, and a module
/// filter keeps only those modules' versions.
#[test]
fn several_criteria_intersect_and_a_module_filter_narrows_the_selection() {
    let fx = fixture(Duration::ZERO);
    let keep1 = Criteria::KeepLatest { n: 1 };
    let older150 = Criteria::OlderThan { days: 150 };
    assert_eq!(
        select(&fx, std::slice::from_ref(&keep1), &[]),
        ["example.com/a@v1.0.0", "example.com/a@v1.1.0"]
    );
    assert_eq!(
        select(&fx, &[keep1.clone(), older150.clone()], &[]),
        ["example.com/a@v1.0.0"]
    );
    assert_eq!(
        select(&fx, &[older150, keep1], &[]),
        ["example.com/a@v1.0.0"]
    );
    let all = Criteria::KeepLatest { n: 0 };
    assert_eq!(
        select(&fx, std::slice::from_ref(&all), &[]),
        [
            "example.com/B@v0.1.0",
            "example.com/a@v1.0.0",
            "example.com/a@v1.1.0",
            "example.com/a@v1.2.0"
        ]
    );
    assert_eq!(
        select(&fx, std::slice::from_ref(&all), &["example.com/B"]),
        ["example.com/B@v0.1.0"]
    );
    assert!(
        select(&fx, &[], &[]).is_empty(),
        "no criteria select nothing"
    );
    // The session's selection (the app's `select_modules`) is the same function.
    let session = CleanSession::new(fx.config.clone());
    let from_session: Vec<String> = session
        .select_modules(&Criteria::OlderThan { days: 50 })
        .unwrap()
        .versions
        .iter()
        .map(|v| format!("{}@{}", v.path, v.version))
        .collect();
    assert_eq!(
        from_session,
        select(&fx, &[Criteria::OlderThan { days: 50 }], &[])
    );
    let err = session
        .select_modules(&Criteria::Unused { roots: Vec::new() })
        .unwrap_err();
    assert_eq!(err.code(), "BadRoot");
}

#[test]
fn undo_window_values_are_clamped_never_panic() {
    assert_eq!(undo_window_from(None), DEFAULT_UNDO_WINDOW);
    assert_eq!(undo_window_from(Some("0")), Duration::ZERO);
    assert_eq!(undo_window_from(Some(" 2.5 ")), Duration::from_millis(2500));
    assert_eq!(undo_window_from(Some("86400")), MAX_UNDO_WINDOW);
    for huge in ["1e20", "1e300", "18446744073709551616", "86401"] {
        assert_eq!(undo_window_from(Some(huge)), MAX_UNDO_WINDOW, "{huge}");
    }
    for bad in [
        "-1", "-0.5", "NaN", "nan", "inf", "-inf", "infinity", "abc", "", "1s",
    ] {
        assert_eq!(undo_window_from(Some(bad)), DEFAULT_UNDO_WINDOW, "{bad}");
    }
    // The largest window still makes a deadline.
    let deadline = std::time::Instant::now().checked_add(undo_window_from(Some("1e20")));
    assert!(deadline.is_some());
}
