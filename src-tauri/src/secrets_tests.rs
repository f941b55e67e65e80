//! Issue #12 §12 in the app: credentials in Go's settings and in pasted text never reach the
//! UI. The commands run through the real IPC layer (`tauri::test::mock_builder`) over an
//! explicit environment carrying them.

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
        settings_dir: Some(root.join("config")),
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(5),
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
