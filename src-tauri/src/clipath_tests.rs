//! Settings' "Install the command-line tool" through the real IPC layer
//! (`tauri::test::mock_builder`): the app's executable (`Config::exe`), environment and data
//! directory reach `gocache_core::clipath`. On Linux for real in a temp HOME, as from an
//! AppImage: status, install (a working copy in ~/.local/bin), uninstall, and a foreign file
//! in the way answered with `Conflict` and left alone. (The per-OS logic is tested in the
//! core, the Windows registry under Wine.)

#[cfg(all(unix, not(target_os = "macos")))]
#[test]
fn install_status_and_uninstall_through_ipc_from_an_appimage() {
    use std::os::unix::fs::PermissionsExt;
    use std::time::Duration;

    use gocache_core::clean::elevate::Elevator;
    use serde_json::json;

    use crate::state::Config;
    use crate::tests::{app_with, invoke, main_window};

    let tmp = tempfile::tempdir().unwrap();
    let app_dir = tmp.path().join(".mount_GoCach1/usr/bin");
    let home = tmp.path().join("home");
    std::fs::create_dir_all(&app_dir).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    let cli = app_dir.join("gocache-doctor");
    std::fs::write(&cli, "#!/bin/sh\necho gocache-doctor 0.1.0\n").unwrap();
    std::fs::set_permissions(&cli, std::fs::Permissions::from_mode(0o755)).unwrap();
    let env = gocache_core::env::EnvMap::from_pairs([
        ("HOME", home.to_str().unwrap()),
        ("PATH", "/usr/bin:/bin"),
        ("APPIMAGE", tmp.path().join("Go.AppImage").to_str().unwrap()),
    ]);
    let config = Config {
        env: Some(env),
        audit_log: None,
        data_dir: Some(tmp.path().join("data")),
        settings_dir: Some(tmp.path().join("config")),
        undo_window: Duration::ZERO,
        elevator: Elevator::Direct,
        exe: Some(app_dir.join("gocache-doctor-app")),
        lock_timeout: Duration::from_secs(1),
        revealer: crate::state::Revealer::recording(),
    };
    let app = app_with(config);
    let w = main_window(&app);
    let dest = home.join(".local/bin/gocache-doctor");
    let report = |outcome: &str| {
        json!({
            "outcome": outcome,
            "method": "copy",
            "cli": cli.to_str().unwrap(),
            "location": dest.to_str().unwrap(),
            "on_path": false,
            // ~/.local/bin is not on this PATH: it must be added, then a new terminal opened.
            "new_terminal": true,
        })
    };

    let status = invoke(&w, "cli_path_status", json!({})).unwrap();
    assert_eq!(status, report("notInstalled"));
    assert_eq!(
        invoke(&w, "cli_path_install", json!({})).unwrap(),
        report("installed")
    );
    let out = std::process::Command::new(&dest).output().unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "gocache-doctor 0.1.0"
    );
    assert_eq!(
        invoke(&w, "cli_path_status", json!({})).unwrap()["outcome"],
        "alreadyInstalled"
    );
    let removed = invoke(&w, "cli_path_uninstall", json!({})).unwrap();
    assert_eq!(removed["outcome"], "removed");
    assert!(!dest.exists());

    // Someone else's gocache-doctor there: refused with Conflict, untouched.
    std::fs::write(&dest, "not ours").unwrap();
    let err = invoke(&w, "cli_path_install", json!({})).unwrap_err();
    assert_eq!(err["code"], "Conflict", "{err}");
    assert!(
        err["message"].as_str().unwrap().contains("left alone"),
        "{err}"
    );
    assert_eq!(std::fs::read_to_string(&dest).unwrap(), "not ours");
}
