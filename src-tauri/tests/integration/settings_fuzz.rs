//! Property tests ("fuzzing", issue #12 "Bad input never crashes") of the settings file
//! (`<config dir>/gocache-doctor/settings.json`), which other programs and older or newer
//! versions of the app may have written: any bytes (invalid UTF-8, deep nesting, huge values,
//! wrong types) load without a panic, either as settings or as the defaults with the bad file
//! kept aside; what loads saves and loads back the same.

use gocache_doctor_app::commands::settings::{self, FILE, Settings};
use proptest::prelude::*;

/// Loads `data` as the settings file in a fresh directory and checks what comes back.
fn load_bytes(data: &[u8]) -> Settings {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    std::fs::write(dir.path().join(FILE), data).unwrap_or_else(|e| panic!("write: {e}"));
    let s = settings::load(dir.path()).unwrap_or_else(|e| panic!("load failed: {e:?}"));
    if s.notice.is_some() {
        // Moved aside, byte for byte, and the defaults used.
        let bad = std::fs::read(dir.path().join(format!("{FILE}.bad")))
            .unwrap_or_else(|e| panic!("no .bad file: {e}"));
        assert_eq!(bad, data);
        assert!(!dir.path().join(FILE).exists());
        assert_eq!(
            Settings {
                notice: None,
                ..s.clone()
            },
            Settings::default()
        );
    } else {
        // Saved and loaded back: the same settings.
        let saved = settings::save(dir.path(), s.clone()).unwrap_or_else(|e| panic!("save: {e:?}"));
        let again = settings::load(dir.path()).unwrap_or_else(|e| panic!("reload: {e:?}"));
        assert_eq!(again, saved);
        assert_eq!(again.notice, None);
    }
    s
}

/// JSON-looking text: the settings' own keys and values, other keys, wrong types, nesting.
fn settings_json() -> impl Strategy<Value = String> {
    let key = prop_oneof![
        Just("project_roots"),
        Just("older_than_days"),
        Just("keep_latest"),
        Just("language"),
        Just("theme"),
        Just("confirm_before_clean"),
        Just("welcome_seen"),
        Just("tray_icon"),
        Just("notice"),
        Just("sidebar"),
        Just(""),
    ];
    let value = prop_oneof![
        Just("null".to_owned()),
        Just("true".to_owned()),
        Just("18446744073709551615".to_owned()),
        Just("18446744073709551616".to_owned()),
        Just("-1".to_owned()),
        Just("1e400".to_owned()),
        Just("\"zh-CN\"".to_owned()),
        Just("\"dark\"".to_owned()),
        Just("\"klingon\"".to_owned()),
        Just("[\"/a\", \"/b\\u0000c\", 3]".to_owned()),
        Just("[\"\\ud800\"]".to_owned()),
        Just("{\"x\": [1, {\"y\": null}]}".to_owned()),
        "\"[ -~&&[^\"\\\\]]{0,12}\"",
        "\\PC{0,6}",
    ];
    proptest::collection::vec((key, value), 0..10).prop_map(|kv| {
        let body: Vec<String> = kv
            .into_iter()
            .map(|(k, v)| format!("\"{k}\": {v}"))
            .collect();
        format!("{{{}}}", body.join(", "))
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_bytes_load_without_a_panic(data in proptest::collection::vec(any::<u8>(), 0..512)) {
        load_bytes(&data);
    }

    #[test]
    fn json_like_settings_load_and_round_trip(text in settings_json()) {
        load_bytes(text.as_bytes());
    }
}

#[test]
fn deep_nesting_huge_values_and_invalid_utf8_are_set_aside_or_kept() {
    let deep = format!(
        "{{\"sidebar\": {}{}}}",
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    assert!(load_bytes(deep.as_bytes()).notice.is_some());
    let huge = format!(
        "{{\"project_roots\": [\"{}\"], \"older_than_days\": 18446744073709551615}}",
        "a".repeat(1 << 20)
    );
    let s = load_bytes(huge.as_bytes());
    assert_eq!(s.project_roots.first().map(String::len), Some(1 << 20));
    assert_eq!(s.older_than_days, u64::MAX);
    assert!(
        load_bytes(b"{\"project_roots\": [\"\xff\xfe\"]}")
            .notice
            .is_some()
    );
    // A byte-order mark (some editors add one): either way the invariants of load_bytes hold.
    load_bytes(b"\xef\xbb\xbf{}");
}
