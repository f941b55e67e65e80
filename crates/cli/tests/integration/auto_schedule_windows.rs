//! `gocache-doctor auto install | uninstall | status` on Windows, with the real `schtasks.exe`:
//! install registers the task `GoCacheDoctorAuto` from its XML, uninstall deletes it, a second
//! uninstall finds nothing. Under Wine (`make test-windows`), whose `schtasks /Query` prints
//! nothing, the registered task is read from Wine's task store
//! (`%SystemRoot%\System32\Tasks\GoCacheDoctorAuto`, where Wine's Task Scheduler service keeps
//! it) and `status` must say that it cannot tell; on a real Windows `status` must find the
//! task and its next run. A user's own installed task is left alone: the test then stops. A
//! second scheduled run in a row skips itself.

use std::path::PathBuf;
use std::process::{Command, Output};

use serde_json::Value;

use crate::util::ok_json;

fn cli(data: &std::path::Path, args: &[&str]) -> Output {
    gocache_tests::output(
        Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
            .args(args)
            .env("GOCACHE_DOCTOR_DATA_DIR", data.join("data"))
            .env("GOCACHE_DOCTOR_CONFIG_DIR", data.join("settings")),
    )
    .unwrap()
}

/// Wine's store of the registered task (real Windows keeps it where only administrators read).
fn wine_task_file() -> PathBuf {
    let root = std::env::var("SystemRoot").unwrap_or_else(|_| r"C:\windows".into());
    PathBuf::from(root)
        .join("System32")
        .join("Tasks")
        .join("GoCacheDoctorAuto")
}

#[test]
#[allow(clippy::print_stderr, reason = "explains why the test stops")]
fn install_status_uninstall_with_schtasks() {
    let t = tempfile::tempdir().unwrap();
    let wine = gocache_core::wine::under_wine();
    let st = ok_json(&cli(t.path(), &["auto", "status", "--json"]));
    assert!(
        st["scheduler"].as_str().unwrap().contains("Task Scheduler"),
        "{st}"
    );
    if st["installed"] == true {
        eprintln!("STOPPED: this user's own GoCacheDoctorAuto task exists; it is left alone");
        return;
    }
    if wine {
        assert!(
            !wine_task_file().exists(),
            "a task left from an earlier run"
        );
    }

    let r = ok_json(&cli(t.path(), &["auto", "install", "--json"]));
    assert_eq!(r["mechanism"], "task_scheduler", "{r}");
    assert_eq!(r["entry"], "GoCacheDoctorAuto", "{r}");
    assert_eq!(r["files"], serde_json::json!([]), "{r}");
    let st = ok_json(&cli(t.path(), &["auto", "status", "--json"]));
    if wine {
        // schtasks /Create read our UTF-16 XML: Wine's service stored the task with its
        // description (Wine keeps neither triggers nor actions; the README says so).
        let stored = std::fs::read(wine_task_file()).expect("Wine's task store has the task");
        let stored = String::from_utf8_lossy(&stored);
        assert!(
            stored.contains("<Description>Go Cache Doctor automatic cleanup</Description>"),
            "{stored}"
        );
        assert_eq!(st["installed"], false, "{st}");
        let notes: Vec<&Value> = st["notes"].as_array().unwrap().iter().collect();
        assert!(
            notes.iter().any(|n| n
                .as_str()
                .unwrap()
                .contains("cannot tell whether it is registered")),
            "{st}"
        );
    } else {
        assert_eq!(st["installed"], true, "{st}");
        assert_eq!(st["mechanism"], "task_scheduler", "{st}");
        assert!(st["next_run"].is_string(), "{st}");
    }
    // Installing again replaces the task.
    ok_json(&cli(t.path(), &["auto", "install", "--json"]));

    let u = ok_json(&cli(t.path(), &["auto", "uninstall", "--json"]));
    assert_eq!(u["unregistered"], "GoCacheDoctorAuto", "{u}");
    if wine {
        assert!(!wine_task_file().exists(), "schtasks /Delete removed it");
    }
    let u = ok_json(&cli(t.path(), &["auto", "uninstall", "--json"]));
    assert_eq!(u["unregistered"], Value::Null, "{u}");
    let text = cli(t.path(), &["auto", "uninstall"]);
    assert!(
        String::from_utf8_lossy(&text.stdout).contains("Nothing to remove"),
        "{text:?}"
    );
    let st = ok_json(&cli(t.path(), &["auto", "status", "--json"]));
    assert_eq!(st["installed"], false, "{st}");
}

/// The daily and the logon trigger both run `auto run --scheduled`: the second run in a row
/// does nothing and says why (as on Linux, `auto_schedule.rs`).
#[test]
fn a_second_scheduled_run_within_20_hours_skips_itself() {
    let t = tempfile::tempdir().unwrap();
    let settings = t.path().join("settings");
    std::fs::create_dir_all(&settings).unwrap();
    std::fs::write(
        settings.join("settings.json"),
        r#"{"autopilot": {"enabled": true}}"#,
    )
    .unwrap();
    for d in ["mod", "build"] {
        std::fs::create_dir(t.path().join(d)).unwrap();
    }
    let run = |args: &[&str]| {
        gocache_tests::output(
            Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
                .args(args)
                .env("GOCACHE_DOCTOR_DATA_DIR", t.path().join("data"))
                .env("GOCACHE_DOCTOR_CONFIG_DIR", &settings)
                .env("GOMODCACHE", t.path().join("mod"))
                .env("GOCACHE", t.path().join("build")),
        )
        .unwrap()
    };
    let first = ok_json(&run(&["auto", "run", "--scheduled", "--no-go", "--json"]));
    assert!(first["policy"].is_object(), "the first run ran: {first}");
    let log = t.path().join("data").join("audit.jsonl");
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
    let second = ok_json(&run(&["auto", "run", "--scheduled", "--no-go", "--json"]));
    assert_eq!(second["ran"], false, "{second}");
    let why = second["reason"].as_str().unwrap();
    assert!(why.contains("less than 20 h"), "{why}");
    assert_eq!(std::fs::read_to_string(&log).unwrap().lines().count(), 1);
}
