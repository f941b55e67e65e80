//! Command tests: through the real IPC layer with `tauri::test::mock_builder()` (no display),
//! and the scan command body against a real directory tree compared with `du` (on Windows: the
//! sum of file sizes from an independent walk).

use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

use gocache_core::CancelToken;
use gocache_core::env::EnvMap;
use serde_json::Value;
use tauri::ipc::{CallbackFn, Channel, InvokeBody, InvokeResponseBody};
use tauri::test::{INVOKE_KEY, MockRuntime, get_ipc_response, mock_builder};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};

use crate::commands::scan::scan_env;

/// The app as `run()` builds it, with its real config and capabilities, on the mock runtime.
fn app() -> tauri::App<MockRuntime> {
    crate::run_app(mock_builder())
        .build(tauri::generate_context!())
        .unwrap()
}

/// [`app`] with an explicit configuration (fixture environment, temporary directories).
pub(crate) fn app_with(config: crate::state::Config) -> tauri::App<MockRuntime> {
    crate::run_app_with(mock_builder(), config)
        .build(tauri::generate_context!())
        .unwrap()
}

/// The "main" window of tauri.conf.json (config windows are only opened by `App::run`).
pub(crate) fn main_window(app: &tauri::App<MockRuntime>) -> WebviewWindow<MockRuntime> {
    let config = app
        .config()
        .app
        .windows
        .iter()
        .find(|w| w.label == "main")
        .unwrap();
    WebviewWindowBuilder::from_config(app, config)
        .unwrap()
        .build()
        .unwrap()
}

/// The origin Tauri serves the app's own pages from, which its "local" capability URL matches
/// (`Webview::is_local_url`): the `tauri://localhost` custom protocol on Linux and macOS, and
/// wry's `http://tauri.localhost` workaround on Windows (WebView2 has no custom schemes;
/// `useHttpsScheme` is off in tauri.conf.json).
pub(crate) const APP_ORIGIN: &str = if cfg!(windows) {
    "http://tauri.localhost"
} else {
    "tauri://localhost"
};

/// Calls `cmd` over the real IPC layer as the app's own page in `webview` would.
pub(crate) fn invoke(
    webview: &WebviewWindow<MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    let request = InvokeRequest {
        cmd: cmd.into(),
        callback: CallbackFn(0),
        error: CallbackFn(1),
        url: APP_ORIGIN.parse().unwrap(),
        body: InvokeBody::Json(body),
        headers: Default::default(),
        invoke_key: INVOKE_KEY.to_string(),
    };
    get_ipc_response(webview, request).map(|b| b.deserialize::<Value>().unwrap())
}

#[test]
fn env_report_over_ipc_returns_the_discovery_report() {
    let app = app();
    let report = invoke(&main_window(&app), "env_report", serde_json::json!({})).unwrap();
    assert_eq!(report["os"], std::env::consts::OS);
    let caches = report["caches"].as_array().unwrap();
    let modcache = caches.iter().find(|c| c["kind"] == "modcache").unwrap();
    assert!(Path::new(modcache["path"].as_str().unwrap()).is_absolute());
    assert!(report["vars"]["GOMODCACHE"]["source"].is_string());
    assert!(report["problems"].is_array());
}

#[test]
fn scan_cancel_over_ipc_succeeds_with_nothing_running() {
    let app = app();
    let reply = invoke(&main_window(&app), "scan_cancel", serde_json::json!({})).unwrap();
    assert_eq!(reply, Value::Null);
}

#[test]
fn capability_denies_what_it_does_not_grant() {
    let app = app();
    // `core:default` is not granted: the window may not even close itself over IPC.
    let denied = invoke(
        &main_window(&app),
        "plugin:window|close",
        serde_json::json!({}),
    );
    let message = denied.unwrap_err().to_string();
    assert!(
        message.contains("not allowed"),
        "unexpected reply: {message}"
    );
}

#[test]
fn startup_probe_is_granted_and_does_nothing_without_the_variable() {
    // The test process does not set GOCACHE_DOCTOR_STARTUP_PROBE (checked here, so this test
    // cannot pass by writing a probe file and exiting).
    assert!(std::env::var_os(crate::startup::PROBE_VAR).is_none());
    let app = app();
    let reply = invoke(
        &main_window(&app),
        "startup_probe",
        serde_json::json!({"marks": {"painted": 1.0e12}}),
    );
    assert_eq!(reply.unwrap(), Value::Null);
}

#[test]
fn env_report_serves_the_prefetched_discovery_first() {
    let app = app();
    let prefetch = tauri::Manager::state::<crate::commands::env::Prefetch>(&app);
    prefetch.start();
    let window = main_window(&app);
    let first = invoke(&window, "env_report", serde_json::json!({})).unwrap();
    // Taken: the next call discovers afresh, over the same environment, with the same result.
    let second = invoke(&window, "env_report", serde_json::json!({})).unwrap();
    assert_eq!(first["caches"], second["caches"]);
    assert_eq!(first["vars"], second["vars"]);
    // The app's environment: the process environment, with the login shell's Go variables
    // when this test runs outside a terminal.
    let direct =
        serde_json::to_value(crate::commands::env::discover(&crate::state::app_env())).unwrap();
    assert_eq!(first["caches"], direct["caches"]);
}

fn write(path: &Path, bytes: usize) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, vec![b'x'; bytes]).unwrap();
}

/// A small module cache and build cache on disk, and an environment pointing at them only.
fn fixture(root: &Path) -> EnvMap {
    let modcache = root.join("gopath").join("pkg").join("mod");
    write(&modcache.join("example.com/a@v1.0.0/a.go"), 1200);
    write(&modcache.join("example.com/a@v1.1.0/a.go"), 1300);
    write(&modcache.join("example.com/!big@v0.1.0/big.go"), 70_000);
    write(
        &modcache.join("cache/download/example.com/a/@v/v1.0.0.zip"),
        900,
    );
    write(&root.join("gocache/00/00aa-a"), 4000);
    write(&root.join("gocache/README"), 10);
    let s = |p: &Path| p.to_string_lossy().into_owned();
    EnvMap::from_pairs([
        ("HOME", s(root)),
        ("GOPATH", s(&root.join("gopath"))),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&root.join("gocache"))),
        ("XDG_CACHE_HOME", s(&root.join("xdg"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ])
}

fn recording_channel() -> (
    Channel<gocache_core::progress::ProgressEvent>,
    Arc<Mutex<Vec<Value>>>,
) {
    recording_channel_of()
}

/// A channel whose messages (as JSON) are kept for the test.
fn recording_channel_of<T: serde::Serialize>() -> (Channel<T>, Arc<Mutex<Vec<Value>>>) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            let value = serde_json::from_str(&json).unwrap_or(Value::Null);
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(value);
        }
        Ok(())
    });
    (channel, events)
}

#[test]
fn scan_sizes_the_caches_like_du_and_streams_progress() {
    let dir = tempfile::tempdir().unwrap();
    let env = fixture(dir.path());
    let (channel, events) = recording_channel();
    let report = scan_env(
        &env,
        Some(dir.path().join("scan-index")),
        false,
        &CancelToken::new(),
        channel,
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["cancelled"], false);

    let cache = |kind: &str| {
        json["caches"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["kind"] == kind)
    };
    let modcache = cache("modcache").unwrap();
    assert_eq!(
        modcache["bytes"],
        gocache_tests::du_bytes(&dir.path().join("gopath").join("pkg").join("mod"))
    );
    assert_eq!(
        cache("build").unwrap()["bytes"],
        gocache_tests::du_bytes(&dir.path().join("gocache"))
    );

    let versions: Vec<String> = json["modules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            format!(
                "{}@{}",
                m["path"].as_str().unwrap(),
                m["version"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(versions.len(), 3, "{versions:?}");
    // Largest first, with the `!` escape decoded.
    assert_eq!(versions[0], "example.com/Big@v0.1.0");

    let events = events.lock().unwrap_or_else(PoisonError::into_inner);
    let started: Vec<&Value> = events
        .iter()
        .filter(|e| e["event"] == "scanStarted")
        .map(|e| &e["data"]["kind"])
        .collect();
    assert!(started.contains(&&Value::from("modcache")), "{events:?}");
    let finished = events
        .iter()
        .find(|e| e["event"] == "scanFinished" && e["data"]["kind"] == "modcache")
        .unwrap();
    assert_eq!(finished["data"]["bytes"], modcache["bytes"]);
}

#[test]
fn a_cancelled_scan_resolves_as_cancelled() {
    let dir = tempfile::tempdir().unwrap();
    let env = fixture(dir.path());
    let slot = gocache_core::CancelSlot::default();
    let (token, _) = slot.begin();
    assert!(slot.cancel());
    let (channel, _events) = recording_channel();
    let report = scan_env(
        &env,
        Some(dir.path().join("scan-index")),
        false,
        &token,
        channel,
    );
    assert!(report.cancelled);
    assert!(report.modules.is_empty());
}

/// A change made outside the app (a version appearing, as `go mod download` makes it) reaches
/// the UI's channel without any command from it; once the watch is stopped, nothing more
/// arrives. (The command bodies over a recording channel: a channel passed through the mock
/// IPC would post to a webview, not to the test.)
#[test]
fn the_watch_reports_a_change_made_outside_the_app_until_stopped() {
    let dir = tempfile::tempdir().unwrap();
    let env = fixture(dir.path());
    let (channel, events) = recording_channel_of::<gocache_core::watch::WatchEvent>();
    let watch =
        crate::commands::watch::start(&env, gocache_core::watch::WatchOptions::default(), channel)
            .unwrap();

    let count = || events.lock().unwrap_or_else(PoisonError::into_inner).len();
    let modcache = dir.path().join("gopath/pkg/mod");
    write(&modcache.join("example.org/new@v1.0.0/new.go"), 100);
    write(
        &modcache.join("cache/download/example.org/new/@v/v1.0.0.zip"),
        100,
    );
    let end = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while count() == 0 && std::time::Instant::now() < end {
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let got = events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(got, vec![serde_json::json!({ "kinds": ["modcache"] })]);

    watch.stop();
    write(&modcache.join("example.org/other@v1.0.0/o.go"), 100);
    std::thread::sleep(std::time::Duration::from_secs(3));
    assert_eq!(count(), 1);
}

/// `watch_start` and `watch_stop` are registered and allowed (a watch over the fixture's
/// roots starts; stopping twice is fine).
#[test]
fn watch_start_and_stop_over_ipc() {
    let dir = tempfile::tempdir().unwrap();
    let mut config = crate::state::Config::from_process();
    config.env = Some(fixture(dir.path()));
    config.audit_log = None;
    config.settings_dir = Some(dir.path().join("config"));
    let app = app_with(config);
    let window = main_window(&app);
    let channel = Channel::<Value>::new(|_| Ok(()));
    let reply = invoke(
        &window,
        "watch_start",
        serde_json::json!({ "onChange": channel }),
    )
    .unwrap();
    assert_eq!(reply, Value::Null);
    for _ in 0..2 {
        let reply = invoke(&window, "watch_stop", serde_json::json!({})).unwrap();
        assert_eq!(reply, Value::Null);
    }
}

/// `size_history` over IPC: empty before the first scan; after two recorded scans (what
/// `scan_start` does with each completed scan) the last one's figures (equal to `du`), the
/// version that appeared in between named as new, and a two-point chart per cache whose growth
/// is unknown (the history does not reach back a week).
#[test]
fn size_history_serves_the_last_scan_its_new_versions_and_charts() {
    let dir = tempfile::tempdir().unwrap();
    let env = fixture(dir.path());
    let data = dir.path().join("data");
    let config = crate::state::Config {
        env: Some(env.clone()),
        audit_log: Some(data.join("audit.jsonl")),
        data_dir: Some(data.clone()),
        settings_dir: Some(dir.path().join("config")),
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    };
    let app = app_with(config);
    let webview = main_window(&app);
    let empty = invoke(&webview, "size_history", serde_json::json!({})).unwrap();
    assert_eq!(empty["last"], Value::Null);
    assert_eq!(empty["caches"], serde_json::json!([]));

    let scan = |token: &CancelToken| {
        let (channel, _events) = recording_channel();
        let index = Some(gocache_core::scan::index::dir_in(&data));
        let report = scan_env(&env, index, false, token, channel);
        crate::commands::scan::record_scan(Some(&data), &report);
        report
    };
    scan(&CancelToken::new());
    let modcache = dir.path().join("gopath").join("pkg").join("mod");
    write(&modcache.join("example.com/new@v0.0.1/n.go"), 5000);
    // A cancelled scan is not recorded.
    let slot = gocache_core::CancelSlot::default();
    let (token, _) = slot.begin();
    slot.cancel();
    assert!(scan(&token).cancelled);
    // The chart has one point per second (a later scan in the same second replaces the
    // earlier one): let the clock pass a second so this scan is a point of its own.
    let secs = || {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_secs()
    };
    let started = secs();
    while secs() == started {
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let second = scan(&CancelToken::new());

    let v = invoke(&webview, "size_history", serde_json::json!({})).unwrap();
    let last = &v["last"];
    let m = last["caches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "modcache")
        .unwrap();
    assert_eq!(m["bytes"], gocache_tests::du_bytes(&modcache));
    assert_eq!(last["total"]["bytes"], second.total.bytes);
    assert_eq!(last["version_count"], 4);
    assert_eq!(
        last["new_modules"],
        serde_json::json!(["example.com/new@v0.0.1"])
    );
    assert_eq!(
        last["build"]["path"],
        dir.path().join("gocache").display().to_string()
    );
    let h = v["caches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "modcache")
        .unwrap();
    assert_eq!(h["path"], m["path"]);
    assert_eq!(h["series"].as_array().unwrap().len(), 2, "{h}");
    assert_eq!(h["series"][1]["bytes"], m["bytes"]);
    assert_eq!(h["week"], Value::Null);
    assert_eq!(h["month"], Value::Null);
}
