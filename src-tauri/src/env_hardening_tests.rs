//! Issue #12 in the app: credentials in Go's settings and in pasted text never reach the UI
//! (§12; the commands run through the real IPC layer, `tauri::test::mock_builder`, over an
//! explicit environment carrying them), and the start-up survives a variable that is not UTF-8
//! and an absurd undo window (§16, §13).

use std::path::Path;

use gocache_core::env::EnvMap;
use serde_json::{Value, json};

use crate::tests::{app_with, invoke, main_window};

const SECRETS: &[&str] = &[
    "proxyUSER",
    "s3cr3tTOKEN",
    "sumPW",
    "fileTOK",
    "pastedTOK",
    "netrcPW",
];

fn config(root: &Path, env: EnvMap) -> crate::state::Config {
    crate::state::Config {
        env: Some(env),
        audit_log: Some(root.join("data/audit.jsonl")),
        data_dir: Some(root.join("data")),
        settings_dir: Some(root.join("config")),
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    }
}

/// A home with a GOENV file whose ignored line holds a token (discovery quotes such lines),
/// GOPROXY and GOSUMDB with user info, and GOAUTH with a token argument.
fn secret_env(root: &Path) -> EnvMap {
    let s = |p: &Path| p.to_string_lossy().into_owned();
    std::fs::create_dir_all(root.join("home/go/pkg/mod/cache/download")).unwrap();
    let goenv = root.join("goenv");
    std::fs::write(&goenv, "goproxy=https://x:fileTOK@file.example/\n").unwrap();
    EnvMap::from_pairs([
        ("HOME", s(&root.join("home"))),
        ("USER", "gopher".to_owned()),
        ("PATH", String::new()),
        ("GOENV", s(&goenv)),
        (
            "GOPROXY",
            "https://proxyUSER:s3cr3tTOKEN@proxy.corp.example/,direct".to_owned(),
        ),
        (
            "GOSUMDB",
            "sum.corp.example+033de0ae+Ac4zctda0e https://u:sumPW@sum.corp.example".to_owned(),
        ),
        ("GOAUTH", "corp-auth --token pastedTOK".to_owned()),
    ])
}

fn assert_clean(what: &str, v: &Value) {
    let text = v.to_string();
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaked {s}: {text}");
    }
}

#[test]
fn env_report_and_doctor_commands_never_show_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let env = secret_env(dir.path());
    // Without redaction the report does carry them (so the assertions below can fail).
    let raw = serde_json::to_string(&crate::commands::env::discover(&env)).unwrap();
    assert!(
        raw.contains("s3cr3tTOKEN") && raw.contains("fileTOK"),
        "{raw}"
    );

    let app = app_with(config(dir.path(), env));
    let window = main_window(&app);
    let report = invoke(&window, "env_report", json!({})).unwrap();
    assert_clean("env_report", &report);
    assert_eq!(
        report["vars"]["GOPROXY"]["value"],
        "https://***@proxy.corp.example/,direct"
    );
    assert_eq!(report["vars"]["GOPROXY"]["source"], "env");
    assert!(
        report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["id"] == "env-file-line-ignored"),
        "{report}"
    );

    let checks = invoke(&window, "doctor_checks", json!({})).unwrap();
    assert_clean("doctor_checks", &checks);
    let guide = invoke(&window, "guide_context", json!({})).unwrap();
    assert_clean("guide_context", &guide);
    assert_eq!(
        guide["vars"]["GOSUMDB"]["value"],
        "sum.corp.example+033de0ae+Ac4zctda0e https://***@sum.corp.example"
    );

    // Pasted text is echoed back in findings: redacted too.
    let pasted = "go: example.com/m@v1.0.0: reading https://bob:pastedTOK@goproxy.corp.example/example.com/m/@v/v1.0.0.zip: 404 Not Found\n\
                  machine goproxy.corp.example login bob password netrcPW\n";
    let d = invoke(
        &window,
        "diagnose_text",
        json!({"text": pasted, "os": null}),
    )
    .unwrap();
    assert_clean("diagnose_text", &d);
    assert!(
        d.to_string().contains("https://***@goproxy.corp.example/"),
        "{d}"
    );
}

/// Set in the child process of [`the_app_starts_with_a_non_utf8_variable`].
#[cfg(unix)]
const CHILD_VAR: &str = "GOCACHE_DOCTOR_TEST_START_CHILD";

/// Issue #12 §16 and §13: the app's start-up path (configuration from the process
/// environment, the prefetched discovery, the first `env_report`) with a variable that is not
/// UTF-8 and an absurd undo window in its environment. The process environment cannot be
/// changed safely inside a test, so the test runs itself as a child process with that
/// environment; the child does the start-up on the mock runtime (no window) and checks it.
#[cfg(unix)]
#[test]
fn the_app_starts_with_a_non_utf8_variable() {
    if std::env::var_os(CHILD_VAR).is_some() {
        let config = crate::state::Config::from_process();
        assert_eq!(config.undo_window, crate::state::MAX_UNDO_WINDOW);
        let app = crate::run_app_with(tauri::test::mock_builder(), config)
            .build(tauri::generate_context!())
            .unwrap();
        tauri::Manager::state::<crate::commands::env::Prefetch>(&app).start();
        let report = invoke(&main_window(&app), "env_report", json!({})).unwrap();
        let named: Vec<&str> = report["problems"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|p| p["id"] == "env-not-utf8")
            .filter_map(|p| p["var"].as_str())
            .collect();
        assert_eq!(named, ["BAD"], "{report}");
        #[allow(clippy::print_stdout, reason = "the parent reads the child's verdict")]
        {
            println!("child-start-ok");
        }
        return;
    }
    use std::os::unix::ffi::OsStringExt as _;
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir_all(&home).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "env_hardening_tests::the_app_starts_with_a_non_utf8_variable",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("GOCACHE_DOCTOR_DATA_DIR", dir.path().join("data"))
        .env(crate::state::CONFIG_DIR_VAR, dir.path().join("config"))
        .env(crate::state::UNDO_SECONDS_VAR, "1e20")
        .env("BAD", std::ffi::OsString::from_vec(vec![0xff, b'x']))
        .env(CHILD_VAR, "1")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{:?}\n{text}", out.status);
    assert!(text.contains("child-start-ok"), "{text}");
}
