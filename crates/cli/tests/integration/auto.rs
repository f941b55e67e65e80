//! `gocache-doctor auto run` on a genuine cache: the policy of the settings file
//! (`GOCACHE_DOCTOR_CONFIG_DIR`) is used when no flag is given, flags override it, `--dry-run`
//! removes nothing, the text names each decision's last-use source, the run is in the audit
//! log, and a bad policy is a clear error that leaves the settings file as it was.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use gocache_tests::fixture::{ModuleVersion, Spec, TempFixture};
use serde_json::Value;

use crate::util::ok_json;

fn fixture() -> TempFixture {
    TempFixture::new(&Spec {
        modules: 2,
        versions: 3,
        files_per_version: 2,
        build_cache: true,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn cli(f: &TempFixture, config: &Path, data: &Path, args: &[&str]) -> Output {
    let mut env: Vec<(String, std::ffi::OsString)> =
        f.go_env().into_iter().map(|(k, v)| (k, v.into())).collect();
    env.extend(gocache_tests::shell_env(&[f
        .go
        .parent()
        .unwrap_or(Path::new(""))]));
    gocache_tests::output(
        Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
            .args(args)
            .env_clear()
            .envs(env)
            .env("GOCACHE_DOCTOR_CONFIG_DIR", config)
            .env("GOCACHE_DOCTOR_DATA_DIR", data),
    )
    .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
}

fn unused(f: &TempFixture) -> Vec<ModuleVersion> {
    let all: Vec<&ModuleVersion> = f.regular_modules().collect();
    all.iter()
        .filter(|m| {
            all.iter()
                .rfind(|o| o.path == m.path)
                .is_some_and(|n| n.version != m.version)
        })
        .map(|m| (*m).clone())
        .collect()
}

fn removed(v: &Value) -> BTreeSet<String> {
    v["decisions"]
        .as_array()
        .unwrap_or_else(|| panic!("no decisions: {v}"))
        .iter()
        .filter(|d| d["remove"] == true)
        .map(|d| {
            format!(
                "{}@{}",
                d["path"].as_str().unwrap(),
                d["version"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn the_settings_policy_runs_without_flags_and_flags_override_it() {
    let f = fixture();
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (c, d) = (config.path(), data.path());
    let unused: BTreeSet<String> = unused(&f)
        .iter()
        .map(|m| format!("{}@{}", m.path, m.version))
        .collect();
    assert_eq!(unused.len(), 4);
    let settings = serde_json::json!({
        "project_roots": [f.project.display().to_string()],
        "sidebar": "left",
        "autopilot": {"enabled": true, "modcache_max_bytes": 1, "unused_days": null, "future": 7},
    });
    std::fs::write(c.join("settings.json"), settings.to_string()).unwrap();

    // Flags override: --unused-days 10000 with no budget removes nothing.
    let v = ok_json(&cli(
        &f,
        c,
        d,
        &[
            "auto",
            "run",
            "--dry-run",
            "--json",
            "--modcache-max",
            "1TiB",
            "--unused-days",
            "10000",
        ],
    ));
    assert!(removed(&v).is_empty(), "{v}");
    assert_eq!(v["policy"]["modcache_max_bytes"], 1u64 << 40);
    assert_eq!(v["policy"]["unused_days"], 10000);

    // The settings' budget of 1 byte: every unused version, nothing in use; dry run first.
    let v = ok_json(&cli(&f, c, d, &["auto", "run", "--dry-run", "--json"]));
    assert_eq!(removed(&v), unused, "{v}");
    assert_eq!(v["dry_run"], true);
    assert_eq!(v["projects"].as_array().map(Vec::len), Some(1), "{v}");
    for m in f.regular_modules() {
        assert!(
            m.extracted_dir(&f.gomodcache).is_dir(),
            "dry run removed {m:?}"
        );
    }
    let text = cli(&f, c, d, &["auto", "run", "--dry-run"]);
    assert!(text.status.success());
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Would remove 4 module version(s)"), "{text}");
    assert!(
        text.contains("(atime)") || text.contains("(mtime)"),
        "no last-use source: {text}"
    );
    assert!(text.contains("Would free"), "{text}");

    let v = ok_json(&cli(&f, c, d, &["auto", "run", "--json"]));
    assert_eq!(removed(&v), unused, "{v}");
    assert!(v["bytes_freed"].as_u64().unwrap_or(0) > 0, "{v}");
    for m in f.regular_modules() {
        let gone = unused.contains(&format!("{}@{}", m.path, m.version));
        assert_eq!(!m.extracted_dir(&f.gomodcache).exists(), gone, "{m:?}");
    }
    let log = std::fs::read_to_string(d.join("audit.jsonl")).unwrap();
    assert_eq!(log.lines().count(), 1, "{log}");
    let entry: Value = serde_json::from_str(log.trim()).unwrap();
    assert_eq!(entry["targets"][0]["target"], "module-versions", "{entry}");
    // Marked as an automatic run, for History and `auto status`.
    assert_eq!(entry["automatic"], true, "{entry}");
    // The settings file is untouched (unknown fields and all).
    let back: Value =
        serde_json::from_slice(&std::fs::read(c.join("settings.json")).unwrap()).unwrap();
    assert_eq!(back, settings);

    let mut build = f.go_command(["build", "./..."]);
    build.env("GOPROXY", "off").env("GOFLAGS", "-mod=mod");
    let out = gocache_tests::output(&mut build).unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn a_bad_policy_or_flag_is_a_clear_error_and_changes_nothing() {
    let f = fixture();
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let (c, d) = (config.path(), data.path());
    let stored = r#"{"autopilot": {"enabled": true, "unused_days": -3}}"#;
    std::fs::write(c.join("settings.json"), stored).unwrap();
    let out = cli(&f, c, d, &["auto", "run", "--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("autopilot") && err.contains("-3"), "{err}");
    assert_eq!(
        std::fs::read_to_string(c.join("settings.json")).unwrap(),
        stored
    );
    std::fs::remove_file(c.join("settings.json")).unwrap();
    for args in [
        &["auto", "run", "--modcache-max", "-1G"][..],
        &["auto", "run", "--unused-days", "99999999"][..],
        &["auto", "run", "--project", "/no/such/dir/anywhere"][..],
    ] {
        let out = cli(&f, c, d, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.trim().is_empty(), "{args:?}");
    }
    for m in f.regular_modules() {
        assert!(m.extracted_dir(&f.gomodcache).is_dir());
    }
    assert!(!d.join("audit.jsonl").exists());
}

#[test]
fn without_any_project_no_module_version_is_removed() {
    let f = fixture();
    let config = tempfile::tempdir().unwrap();
    let data = tempfile::tempdir().unwrap();
    let v = ok_json(&cli(
        &f,
        config.path(),
        data.path(),
        &["auto", "run", "--json", "--modcache-max", "0"],
    ));
    assert!(removed(&v).is_empty(), "{v}");
    let mc = v["caches"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "modcache")
        .unwrap()
        .clone();
    assert!(
        mc["skipped"]
            .as_str()
            .is_some_and(|s| s.contains("no Go project")),
        "{mc}"
    );
}
