//! The `gocache-doctor` binary, run as a user would, against a genuine Go cache built by the
//! real Go toolchain (`gocache_tests::fixture`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use gocache_tests::fixture::{Spec, TempFixture};
use serde_json::Value;

fn fixture() -> &'static TempFixture {
    static F: OnceLock<TempFixture> = OnceLock::new();
    F.get_or_init(|| {
        let spec = Spec {
            toolchain: true,
            ..Spec::default()
        };
        TempFixture::new(&spec).unwrap_or_else(|e| panic!("fixture: {e}"))
    })
}

/// Runs the CLI with only the fixture's environment (plus PATH), like a fresh shell would.
fn cli(args: &[&str], extra: &[(&str, &str)]) -> Output {
    let f = fixture();
    let go_dir =
        f.go.parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
    Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(args)
        .env_clear()
        .envs(f.go_env())
        .env("PATH", format!("{go_dir}:/usr/bin:/bin"))
        .envs(extra.iter().copied())
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
}

fn json(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

fn du(flag: &str, path: &Path) -> u64 {
    let out = Command::new("du")
        .arg(flag)
        .arg(path)
        .output()
        .unwrap_or_else(|e| panic!("du: {e}"));
    let text = String::from_utf8_lossy(&out.stdout);
    let first = text.split_whitespace().next().unwrap_or_default();
    first
        .parse()
        .unwrap_or_else(|e| panic!("du output {text:?}: {e}"))
}

fn cache<'a>(v: &'a Value, kind: &str) -> &'a Value {
    let caches = v["caches"]
        .as_array()
        .unwrap_or_else(|| panic!("no caches array: {v}"));
    caches
        .iter()
        .find(|c| c["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} cache in {v}"))
}

#[test]
fn env_json_reports_the_fixture_caches_and_their_sources() {
    let f = fixture();
    let v = json(&cli(&["env", "--json"], &[]));
    assert_eq!(
        v["vars"]["GOMODCACHE"]["value"],
        f.gomodcache.display().to_string()
    );
    assert_eq!(v["vars"]["GOMODCACHE"]["source"], "env");
    assert_eq!(
        v["vars"]["GOCACHE"]["value"],
        f.gocache.display().to_string()
    );
    assert_eq!(v["vars"]["GOPROXY"]["source"], "env");
    assert!(
        v["go"]["version"]
            .as_str()
            .is_some_and(|s| s.starts_with("go1.")),
        "{v}"
    );
    let m = cache(&v, "modcache");
    assert_eq!(m["exists"], true);
    assert_eq!(m["path"], f.gomodcache.display().to_string());
    assert_eq!(cache(&v, "toolchains")["parent"], "modcache");
    assert_eq!(cache(&v, "build")["exists"], true);
    let problems = v["problems"]
        .as_array()
        .unwrap_or_else(|| panic!("no problems array"));
    assert!(
        !problems.iter().any(|p| p["id"] == "go-env-mismatch"),
        "{problems:?}"
    );
}

#[test]
fn env_human_output_is_a_table_with_problems() {
    let out = cli(&["env"], &[("GOCACHE", "off")]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("VARIABLE"), "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("GOCACHE "))
        .unwrap_or_default();
    assert!(
        line.contains("the environment") && line.ends_with("off"),
        "{line:?}"
    );
    assert!(
        text.contains("GOCACHE=off disables the build cache"),
        "{text}"
    );
}

#[test]
fn env_survives_a_malformed_goenv_file() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let file = dir.path().join("env");
    std::fs::write(&file, b"GOFLAGS=-mod=mod\n\xff\xfe garbage\nlowercase=1\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let file = file.display().to_string();
    let v = json(&cli(
        &["env", "--json"],
        &[("GOENV", &file), ("GOFLAGS", "")],
    ));
    assert_eq!(v["vars"]["GOFLAGS"]["value"], "-mod=mod");
    assert_eq!(v["vars"]["GOFLAGS"]["source"], "goenv-file");
    let ignored = v["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|p| p["id"] == "env-file-line-ignored")
                .count()
        })
        .unwrap_or(0);
    assert_eq!(ignored, 2, "{v}");
}

#[test]
fn scan_json_matches_du_and_the_module_dirs_on_disk() {
    let f = fixture();
    let v = json(&cli(&["scan", "--json"], &[]));
    let m = cache(&v, "modcache");
    assert_eq!(m["bytes"].as_u64(), Some(du("-sb", &f.gomodcache)));
    assert_eq!(m["disk_bytes"].as_u64(), Some(du("-sB1", &f.gomodcache)));
    let b = cache(&v, "build");
    assert_eq!(b["bytes"].as_u64(), Some(du("-sb", &f.gocache)));
    assert!(
        v["build"]["entries"].as_u64().is_some_and(|n| n > 0),
        "{}",
        v["build"]
    );

    let rows: BTreeSet<(String, String)> = v["modules"]
        .as_array()
        .unwrap_or_else(|| panic!("no modules"))
        .iter()
        .map(|r| {
            (
                r["path"].as_str().unwrap_or("").into(),
                r["version"].as_str().unwrap_or("").into(),
            )
        })
        .collect();
    let expected: BTreeSet<(String, String)> = f
        .modules
        .iter()
        .map(|m| (m.path.clone(), m.version.clone()))
        .collect();
    assert_eq!(rows, expected);
    // ... and exactly the module@version directories on disk (escaped names, unescaped here).
    let dirs: BTreeSet<String> = v["modules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["dir"].as_str().map(str::to_owned))
        .collect();
    let mut on_disk = BTreeSet::new();
    version_dirs(&f.gomodcache, &f.gomodcache.join("cache"), &mut on_disk);
    assert_eq!(dirs, on_disk);
    assert!(
        rows.iter()
            .any(|(p, _)| p.chars().any(|c| c.is_ascii_uppercase())),
        "no mixed case"
    );
    for r in v["modules"].as_array().into_iter().flatten() {
        let dir = Path::new(r["dir"].as_str().unwrap_or_default());
        assert_eq!(r["bytes"].as_u64(), Some(du("-sb", dir)), "{r}");
    }
    let tc = cache(&v, "toolchains");
    assert!(tc["bytes"].as_u64().is_some_and(|n| n > 0), "{tc}");
}

#[test]
fn scan_human_output_lists_the_largest_modules() {
    let out = cli(&["scan", "--top", "3"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.lines().next().is_some_and(|l| l.starts_with("CACHE")),
        "{text}"
    );
    let after: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Largest modules"))
        .skip(2)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(after.len(), 3, "{text}");
    assert!(text.contains("MiB") || text.contains("KiB"), "{text}");
}

#[test]
fn scan_rejects_an_unknown_kind() {
    let out = cli(&["scan", "--kind", "bogus"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown cache kind \"bogus\""));
}

#[test]
fn scan_of_one_kind_only() {
    let v = json(&cli(&["scan", "--json", "--kind", "build"], &[]));
    let kinds: Vec<&str> = v["caches"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|c| c["kind"].as_str())
        .collect();
    assert_eq!(kinds, vec!["build"]);
    assert!(v["modules"].as_array().is_some_and(Vec::is_empty));
}

/// Every `module@version` directory under `dir`, not descending into them or into `skip`
/// (the module cache's own `cache/` directory).
fn version_dirs(dir: &Path, skip: &Path, out: &mut BTreeSet<String>) {
    let entries = std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    for e in entries.flatten() {
        let p = e.path();
        if !e.file_type().is_ok_and(|t| t.is_dir()) || p == skip {
            continue;
        }
        if e.file_name().to_string_lossy().contains('@') {
            out.insert(p.display().to_string());
        } else {
            version_dirs(&p, skip, out);
        }
    }
}
