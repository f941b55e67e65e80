//! The app started outside a terminal reads the login shell's environment (issue #13): the real
//! start-up path (`Config::from_process`, the prefetch, `env_report`, `scan_start`) in a child
//! process whose environment is a desktop session's (no TERM) with `SHELL=/bin/bash` and a HOME
//! whose `.bashrc` exports GOMODCACHE. The process environment cannot be changed safely inside
//! a test, so the test runs itself as that child.
#![cfg(unix)]

use std::path::Path;

use serde_json::{Value, json};

use crate::tests::{app_with, invoke, main_window};

const CHILD_VAR: &str = "GOCACHE_DOCTOR_TEST_SHELL_ENV_CHILD";

fn child_checks() {
    let shell_mod = std::env::var("EXPECT_SHELL_MOD").unwrap();
    let process_mod = std::env::var("GOMODCACHE").unwrap();
    let config = crate::state::Config::from_process();
    assert!(
        config.env.is_none(),
        "a real run reads the app's environment"
    );
    let app = app_with(config);
    tauri::Manager::state::<crate::commands::env::Prefetch>(&app).start();
    let window = main_window(&app);
    let report = invoke(&window, "env_report", json!({})).unwrap();
    assert_eq!(
        report["vars"]["GOMODCACHE"]["value"],
        shell_mod.as_str(),
        "{report}"
    );
    assert_eq!(
        report["vars"]["GOMODCACHE"]["source"], "login-shell",
        "{report}"
    );
    let modcache = report["caches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "modcache")
        .cloned()
        .unwrap_or(Value::Null);
    assert_eq!(modcache["path"], shell_mod.as_str(), "{report}");
    assert_eq!(modcache["source"], "login-shell", "{report}");
    let shell_env = &report["shell_env"];
    assert_eq!(shell_env["attempted"], true, "{report}");
    assert_eq!(shell_env["shell"], "/bin/bash", "{report}");
    assert!(shell_env["error"].is_null(), "{report}");
    let mismatch: Vec<&Value> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["id"] == "shell-env-mismatch")
        .collect();
    assert_eq!(mismatch.len(), 1, "{report}");
    assert_eq!(mismatch[0]["var"], "GOMODCACHE");
    assert_eq!(mismatch[0]["severity"], "warning");
    let message = mismatch[0]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains(&process_mod) && message.contains(&shell_mod),
        "{message}"
    );
    // The token the rc puts in GOPROXY never reaches the UI.
    assert!(!report.to_string().contains("t0kenvalue"), "{report}");

    // The scan sizes the same module cache (the app's environment, not the process's).
    let channel = tauri::ipc::Channel::<Value>::new(|_| Ok(()));
    let scan = invoke(&window, "scan_start", json!({ "onEvent": channel })).unwrap();
    let scanned: Vec<&str> = scan["caches"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|c| c["path"].as_str())
        .collect();
    assert!(scanned.contains(&shell_mod.as_str()), "{scan}");
    assert!(!scanned.contains(&process_mod.as_str()), "{scan}");
    #[allow(clippy::print_stdout, reason = "the parent reads the child's verdict")]
    {
        println!("child-shell-env-ok");
    }
}

fn run_child(home: &Path, extra: &[(&str, &str)]) -> String {
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "shell_env_tests::the_app_started_outside_a_terminal_uses_the_login_shell",
            "--nocapture",
            "--test-threads=1",
        ])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home)
        .env("SHELL", "/bin/bash")
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("GOCACHE_DOCTOR_DATA_DIR", home.join("data"))
        .env(crate::state::CONFIG_DIR_VAR, home.join("config"))
        .env(CHILD_VAR, "1")
        .envs(extra.iter().copied())
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{:?}\n{text}", out.status);
    text
}

#[test]
fn the_app_started_outside_a_terminal_uses_the_login_shell() {
    if std::env::var_os(CHILD_VAR).is_some() {
        child_checks();
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    let shell_mod = dir.path().join("shell-mod");
    let process_mod = dir.path().join("process-mod");
    for d in [
        &home,
        &shell_mod.join("cache/download"),
        &process_mod.join("cache/download"),
    ] {
        std::fs::create_dir_all(d).unwrap();
    }
    std::fs::write(
        home.join(".bashrc"),
        format!(
            "echo 'hello from .bashrc'\nexport GOMODCACHE='{}'\nexport GOPROXY=https://me:t0kenvalue@proxy.example/\n",
            shell_mod.display()
        ),
    )
    .unwrap();
    std::fs::write(home.join(".bash_profile"), ". \"$HOME/.bashrc\"\n").unwrap();
    let (shell_mod, process_mod) = (
        shell_mod.display().to_string(),
        process_mod.display().to_string(),
    );
    let text = run_child(
        &home,
        &[
            ("GOMODCACHE", process_mod.as_str()),
            ("EXPECT_SHELL_MOD", shell_mod.as_str()),
        ],
    );
    assert!(text.contains("child-shell-env-ok"), "{text}");

    // Started from a terminal (TERM set), or with GOCACHE_DOCTOR_SHELL_ENV=off: the process
    // environment is kept, so the same checks fail in the child.
    for extra in [
        ("TERM", "xterm-256color"),
        ("GOCACHE_DOCTOR_SHELL_ENV", "off"),
    ] {
        let exe = std::env::current_exe().unwrap();
        let out = std::process::Command::new(exe)
            .args([
                "--exact",
                "shell_env_tests::the_app_started_outside_a_terminal_uses_the_login_shell",
                "--test-threads=1",
            ])
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", &home)
            .env("SHELL", "/bin/bash")
            .env("GOCACHE_DOCTOR_DATA_DIR", home.join("data"))
            .env(crate::state::CONFIG_DIR_VAR, home.join("config"))
            .env(CHILD_VAR, "1")
            .env("GOMODCACHE", &process_mod)
            .env("EXPECT_SHELL_MOD", &shell_mod)
            .env(extra.0, extra.1)
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(!out.status.success(), "{extra:?}: {text}");
        assert!(!text.contains("child-shell-env-ok"), "{extra:?}: {text}");
        // It fails on the first check: GOMODCACHE is the process's, from the environment.
        assert!(
            text.contains("assertion `left == right` failed")
                && text.contains(&format!("left: String(\"{process_mod}\")")),
            "{extra:?}: {text}"
        );
    }
}
