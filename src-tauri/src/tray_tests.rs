//! Tests of the tray icon's command and setting through the real IPC layer
//! (`tauri::test::mock_builder`): `tray_status` answers, `settings_set` stores `tray_icon` and
//! applies it (off: no icon, nothing missing said). The icon itself is tested on a real tray
//! host by tests/e2e/tray.test.mjs; its texts in `gocache_core::autopilot::tray`.

use std::time::Duration;

use gocache_core::clean::elevate::Elevator;
use serde_json::json;

use crate::state::Config;
use crate::tests::{app_with, invoke, main_window};

#[test]
fn the_tray_is_off_by_default_and_settings_set_applies_the_switch() {
    let dir = tempfile::tempdir().unwrap();
    let config = Config {
        env: Some(gocache_core::env::EnvMap::default()),
        audit_log: None,
        data_dir: None,
        settings_dir: Some(dir.path().join("config")),
        undo_window: Duration::ZERO,
        elevator: Elevator::Direct,
        exe: None,
        lock_timeout: Duration::from_secs(1),
        revealer: crate::state::Revealer::recording(),
    };
    let app = app_with(config);
    let w = main_window(&app);
    let off = json!({"wanted": false, "shown": false, "missing_package": null, "error": null});
    assert_eq!(invoke(&w, "tray_status", json!({})).unwrap(), off);
    let mut settings = invoke(&w, "settings_get", json!({})).unwrap();
    assert_eq!(settings["tray_icon"], false);
    settings["tray_icon"] = json!(false);
    settings["language"] = json!("zh-CN");
    let stored = invoke(&w, "settings_set", json!({ "settings": settings })).unwrap();
    assert_eq!(
        (stored["tray_icon"].clone(), stored["language"].clone()),
        (json!(false), json!("zh-CN"))
    );
    assert_eq!(invoke(&w, "tray_status", json!({})).unwrap(), off);
    let file = std::fs::read_to_string(dir.path().join("config/settings.json")).unwrap();
    assert!(file.contains(r#""tray_icon": false"#), "{file}");
}
