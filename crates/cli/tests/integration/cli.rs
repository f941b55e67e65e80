//! The `gocache-doctor` binary, run as a user would, against a genuine Go cache built by the
//! real Go toolchain (`gocache_tests::fixture`).

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;

use gocache_tests::fixture::{Spec, TempFixture};
use gocache_tests::{du_bytes, du_disk_bytes};
use serde_json::Value;

use crate::util::{json, ok_json};

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

/// The fixture's environment plus what a fresh shell has, with the fixture's go first on PATH.
fn shell_env(f: &TempFixture) -> Vec<(String, std::ffi::OsString)> {
    let mut env: Vec<(String, std::ffi::OsString)> =
        f.go_env().into_iter().map(|(k, v)| (k, v.into())).collect();
    env.extend(gocache_tests::shell_env(&[f
        .go
        .parent()
        .unwrap_or(Path::new(""))]));
    env
}

/// Runs the CLI with only the fixture's environment (plus PATH), like a fresh shell would.
fn cli(args: &[&str], extra: &[(&str, &str)]) -> Output {
    let f = fixture();
    gocache_tests::output(
        Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
            .args(args)
            .env_clear()
            .envs(shell_env(f))
            .envs(extra.iter().copied()),
    )
    .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
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
    let v = ok_json(&cli(&["env", "--json"], &[]));
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
    let v = ok_json(&cli(
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
    let v = ok_json(&cli(&["scan", "--json"], &[]));
    let m = cache(&v, "modcache");
    assert_eq!(m["bytes"].as_u64(), Some(du_bytes(&f.gomodcache)));
    assert_eq!(m["disk_bytes"].as_u64(), Some(du_disk_bytes(&f.gomodcache)));
    let b = cache(&v, "build");
    assert_eq!(b["bytes"].as_u64(), Some(du_bytes(&f.gocache)));
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
        assert_eq!(r["bytes"].as_u64(), Some(du_bytes(dir)), "{r}");
    }
    let tc = cache(&v, "toolchains");
    assert!(tc["bytes"].as_u64().is_some_and(|n| n > 0), "{tc}");
}

/// `scan` records each completed scan in the size history of $GOCACHE_DOCTOR_DATA_DIR (one
/// line per scan, the figures of its JSON), reports the growth since a point recorded 8 days
/// earlier, and records nothing with `--no-history`.
#[test]
fn scan_appends_to_the_size_history_and_reports_growth() {
    let f = fixture();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let data_dir = data.path().display().to_string();
    let history = data.path().join("size-history.jsonl");
    let lines = || -> Vec<Value> {
        std::fs::read_to_string(&history)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
            .collect()
    };
    let env = [("GOCACHE_DOCTOR_DATA_DIR", data_dir.as_str())];

    let first = ok_json(&cli(&["scan", "--json", "--no-go"], &env));
    let recorded = lines();
    assert_eq!(recorded.len(), 1);
    let m = cache(&first, "modcache");
    let point = recorded[0]["caches"]
        .as_array()
        .unwrap_or_else(|| panic!("no caches: {}", recorded[0]))
        .iter()
        .find(|c| c["kind"] == "modcache")
        .unwrap_or_else(|| panic!("no modcache point: {}", recorded[0]));
    assert_eq!(point["path"], m["path"]);
    assert_eq!(point["bytes"], m["bytes"]);
    assert_eq!(point["bytes"].as_u64(), Some(du_bytes(&f.gomodcache)));
    assert_eq!(
        point["versions"].as_u64(),
        first["modules"].as_array().map(|a| a.len() as u64)
    );
    assert_eq!(recorded[0]["total"]["bytes"], first["total"]["bytes"]);
    // No history before this scan: growth unknown.
    let g = &first["growth"];
    let mg = g
        .as_array()
        .and_then(|a| a.iter().find(|c| c["kind"] == "modcache"))
        .unwrap_or_else(|| panic!("no modcache growth: {first}"));
    assert_eq!(mg["week"], Value::Null, "{g}");
    assert!(data.path().join("last-scan.json").is_file());

    // A point from 8 days ago, 1000 bytes smaller: the week's growth is 1000 bytes.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let mut old = recorded[0].clone();
    old["time"] = (now - 8 * 86_400).into();
    old["caches"] = serde_json::json!([{
        "kind": "modcache",
        "path": m["path"],
        "bytes": m["bytes"].as_u64().unwrap_or(0) - 1000,
        "disk_bytes": 0,
        "files": 0,
    }]);
    let mut text = format!("{old}\n");
    text.push_str(&std::fs::read_to_string(&history).unwrap_or_default());
    // A line cut short by a crash at the end: skipped, the next scan starts a line of its own.
    text.push_str("{\"v\":1,\"time\":17");
    std::fs::write(&history, text).unwrap_or_else(|e| panic!("write: {e}"));

    let second = ok_json(&cli(&["scan", "--json", "--no-go"], &env));
    let mg = second["growth"]
        .as_array()
        .and_then(|a| a.iter().find(|c| c["kind"] == "modcache"))
        .unwrap_or_else(|| panic!("no modcache growth: {second}"));
    assert_eq!(mg["week"].as_i64(), Some(1000), "{mg}");
    assert_eq!(mg["month"], Value::Null, "{mg}");
    assert_eq!(lines().len(), 3, "the cut line was dropped by the rewrite");

    // The human output says it too.
    let out = cli(&["scan", "--no-history", "--no-go"], &env);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains("Growth"),
        "--no-history reads nothing: {text}"
    );
    assert_eq!(lines().len(), 3, "--no-history records nothing");
    let out = cli(&["scan", "--no-go"], &env);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("modcache: +1000 B this week"), "{text}");
    assert_eq!(lines().len(), 4);
}

/// Windows: GOMODCACHE and GOCACHE written with `/` (Go accepts `C:/Users/u/go/pkg/mod`) still
/// give paths written with `\` only, in the JSON and in the table; the variables themselves
/// are reported as they are set.
#[cfg(windows)]
#[test]
fn windows_paths_are_written_with_backslashes_whatever_the_variables_use() {
    let f = fixture();
    let slashed = |p: &Path| p.display().to_string().replace('\\', "/");
    let (modcache, gocache) = (slashed(&f.gomodcache), slashed(&f.gocache));
    let extra = [
        ("GOMODCACHE", modcache.as_str()),
        ("GOCACHE", gocache.as_str()),
    ];
    let v = ok_json(&cli(&["env", "--json"], &extra));
    assert_eq!(v["vars"]["GOMODCACHE"]["value"], modcache.as_str());
    assert_eq!(
        cache(&v, "modcache")["path"],
        f.gomodcache.display().to_string()
    );
    assert_eq!(cache(&v, "build")["path"], f.gocache.display().to_string());
    assert_eq!(
        cache(&v, "toolchains")["path"],
        f.gomodcache.join("golang.org").display().to_string()
    );
    let v = ok_json(&cli(&["scan", "--json"], &extra));
    let dirs: BTreeSet<String> = v["modules"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["dir"].as_str().map(str::to_owned))
        .collect();
    let mut on_disk = BTreeSet::new();
    version_dirs(&f.gomodcache, &f.gomodcache.join("cache"), &mut on_disk);
    assert_eq!(dirs, on_disk);
    assert!(dirs.iter().all(|d| !d.contains('/')), "{dirs:?}");
    let out = cli(&["scan"], &extra);
    let text = String::from_utf8_lossy(&out.stdout);
    let root = f.root.display().to_string();
    let lines: Vec<&str> = text.lines().filter(|l| l.contains(&root)).collect();
    assert!(!lines.is_empty(), "{text}");
    assert!(lines.iter().all(|l| !l.contains('/')), "{text}");
}

/// The first scan writes the index in the data directory, the next one is incremental and
/// `--full` walks everything: all three equal du and report the same module rows.
#[test]
fn scan_writes_its_index_and_rescans_and_full_scans_agree_with_du() {
    let f = fixture();
    let data = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let dir = data.path().to_string_lossy().into_owned();
    let extra = [("GOCACHE_DOCTOR_DATA_DIR", dir.as_str())];
    let mut rows = vec![];
    for args in [
        &["scan", "--json", "--no-go"][..],
        &["scan", "--json", "--no-go"],
        &["scan", "--json", "--no-go", "--full"],
    ] {
        let v = ok_json(&cli(args, &extra));
        let m = cache(&v, "modcache");
        assert_eq!(
            m["bytes"].as_u64(),
            Some(du_bytes(&f.gomodcache)),
            "{args:?}"
        );
        assert_eq!(
            m["disk_bytes"].as_u64(),
            Some(du_disk_bytes(&f.gomodcache)),
            "{args:?}"
        );
        rows.push(v["modules"].clone());
        let mut index: Vec<_> = std::fs::read_dir(data.path().join("scan-index"))
            .unwrap_or_else(|e| panic!("no scan index after {args:?}: {e}"))
            .filter_map(Result::ok)
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .collect();
        index.sort();
        // One index per cache: the build cache's and the module cache's, nothing else (on
        // Windows the build cache has no index: it is walked in full there, see the README).
        let wanted: &[&str] = if cfg!(windows) {
            &["modcache-"]
        } else {
            &["build-", "modcache-"]
        };
        assert!(
            index.len() == wanted.len()
                && index.iter().zip(wanted).all(|(n, w)| n.starts_with(w))
                && index.iter().all(|n| n.ends_with(".idx")),
            "{index:?}"
        );
    }
    assert_eq!(rows[0], rows[1]);
    assert_eq!(rows[0], rows[2]);
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
    let v = ok_json(&cli(&["scan", "--json", "--kind", "build"], &[]));
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

// ---- `clean` (issue #3 §7). Each test builds its own fixture: cleaning is destructive. ----

/// Runs the CLI against `fx` with the audit log in `<root>/data`.
fn clean_cli(fx: &TempFixture, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .arg("clean")
        .args(args)
        .env_clear()
        .envs(shell_env(fx))
        .env("GOCACHE_DOCTOR_DATA_DIR", fx.root.join("data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
}

fn own_fixture() -> TempFixture {
    TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn go_in(fx: &TempFixture, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let mut cmd = fx.go_command(args);
    cmd.envs(extra.iter().copied());
    cmd.output().unwrap_or_else(|e| panic!("go: {e}"))
}

#[test]
fn clean_dry_run_previews_exactly_and_changes_nothing() {
    let fx = own_fixture();
    let before = du_bytes(&fx.gomodcache);
    let v = ok_json(&clean_cli(&fx, &["--modcache", "--dry-run", "--json"]));
    let items = v["plan"]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["action"]["kind"], "root");
    assert_eq!(items[0]["path"], fx.gomodcache.display().to_string());
    assert_eq!(items[0]["bytes"], before);
    assert_eq!(v["plan"]["total_bytes"], before);
    assert_eq!(v["results"], serde_json::json!([]));
    assert_eq!(v["bytes_freed"], 0);
    assert_eq!(du_bytes(&fx.gomodcache), before);
    assert!(
        !fx.root.join("data/audit.jsonl").exists(),
        "a dry run is not audited"
    );
}

#[test]
fn clean_refuses_without_yes_when_stdin_is_not_a_terminal() {
    let fx = own_fixture();
    let before = du_bytes(&fx.gomodcache);
    let out = clean_cli(&fx, &["--modcache"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--yes"), "{err}");
    assert_eq!(du_bytes(&fx.gomodcache), before);
}

#[test]
fn clean_module_version_json_results_and_audit_log() {
    let fx = own_fixture();
    let m = fx.regular_modules().last().unwrap().clone();
    let arg = format!("{}@{}", m.path, m.version);
    let v = ok_json(&clean_cli(&fx, &["--module", &arg, "--yes", "--json"]));
    let planned = v["plan"]["total_bytes"].as_u64().unwrap();
    assert!(planned > 0);
    let r = &v["results"][0];
    assert_eq!(r["outcome"], "removed");
    assert_eq!(r["cause"], serde_json::Value::Null);
    assert_eq!(r["bytes"], planned);
    assert_eq!(
        r["path"],
        m.extracted_dir(&fx.gomodcache).display().to_string()
    );
    assert_eq!(v["bytes_freed"], planned);
    assert!(!m.extracted_dir(&fx.gomodcache).exists());
    let log = std::fs::read_to_string(fx.root.join("data/audit.jsonl")).unwrap();
    let lines: Vec<Value> = log
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["bytes_freed"], planned);
    assert_eq!(lines[0]["outcomes"][0]["outcome"], "removed");
    let verify = go_in(&fx, &["mod", "verify"], &[]);
    assert!(verify.status.success());
}

#[test]
fn clean_unused_keeps_every_project_buildable_offline() {
    let fx = own_fixture();
    let v = ok_json(&clean_cli(
        &fx,
        &[
            "--unused",
            "--project",
            &fx.project.display().to_string(),
            "--yes",
            "--json",
        ],
    ));
    let removed: BTreeSet<String> = v["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["outcome"] == "removed")
        .map(|r| r["path"].as_str().unwrap().to_owned())
        .collect();
    // The project requires the newest version of each module: the older ones go.
    let mut newest = std::collections::BTreeMap::new();
    for m in fx.regular_modules() {
        newest.insert(m.path.clone(), m.clone());
    }
    for m in fx.regular_modules() {
        let dir = m.extracted_dir(&fx.gomodcache).display().to_string();
        let is_newest = newest.get(&m.path) == Some(m);
        assert_eq!(removed.contains(&dir), !is_newest, "{dir}");
        assert_eq!(Path::new(&dir).exists(), is_newest, "{dir}");
    }
    let build = go_in(&fx, &["build", "./..."], &[("GOPROXY", "off")]);
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );
    assert!(go_in(&fx, &["mod", "verify"], &[]).status.success());
}

#[cfg(unix)] // the holder is flock(1) in its own process group, ended with kill(1)
#[test]
fn clean_exits_non_zero_when_an_item_fails() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::CommandExt;
    let fx = own_fixture();
    let m = fx.regular_modules().next().unwrap().clone();
    let lock = m.download_file(&fx.gomodcache, "lock");
    let mut holder = Command::new("flock")
        .process_group(0)
        .arg("-x")
        .arg(&lock)
        .args(["-c", "echo locked; exec sleep 60"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let arg = format!("{}@{}", m.path, m.version);
    let out = clean_cli(
        &fx,
        &["--module", &arg, "--yes", "--json", "--lock-timeout", "0"],
    );
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--"])
        .arg(format!("-{}", holder.id()))
        .status();
    let _ = holder.wait();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["results"][0]["outcome"], "failed");
    assert_eq!(v["results"][0]["cause"], "locked");
    assert_eq!(v["bytes_freed"], 0);
    assert!(m.extracted_dir(&fx.gomodcache).exists());
}

/// Runs `gocache-doctor clean ARGS` as the unprivileged `uid` (setpriv), against `fx`.
#[cfg(unix)]
fn clean_cli_as(fx: &TempFixture, uid: u32, args: &[&str]) -> Output {
    let go_dir = fx
        .go
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    Command::new("setpriv")
        .arg(format!("--reuid={uid}"))
        .arg(format!("--regid={uid}"))
        .arg("--clear-groups")
        .arg(env!("CARGO_BIN_EXE_gocache-doctor"))
        .arg("clean")
        .args(args)
        .env_clear()
        .envs(fx.go_env())
        .env("PATH", format!("{go_dir}:/usr/bin:/bin"))
        .env("GOCACHE_DOCTOR_DATA_DIR", fx.root.join("data"))
        .output()
        .unwrap_or_else(|e| panic!("cannot run setpriv: {e}"))
}

#[cfg(unix)]
fn chown(owner: &str, path: &Path) {
    let st = Command::new("chown")
        .args(["-R", owner])
        .arg(path)
        .status()
        .unwrap();
    assert!(st.success(), "chown {owner} {}", path.display());
}

// Unix only: the fixture is given to two users with chown(1), the CLI runs as one of them
// through setpriv(1) and the fix is `sudo chown`. On Windows another account's files need a
// second account and the take-ownership privilege, and Wine has no other users at all
// (WineGap::FileOwners).
#[cfg(unix)]
#[test]
fn clean_reports_another_users_subtree_as_permission_with_owner_and_fix() {
    if !gocache_tests::root::require_root("to give the fixture to two different users") {
        return;
    }
    let fx = own_fixture();
    chown("12345:12345", &fx.root);
    let m = fx.regular_modules().next().unwrap().clone();
    let foreign = m.extracted_dir(&fx.gomodcache);
    chown("65534:65534", &foreign);
    let arg = format!("{}@{}", m.path, m.version);

    // One version owned by `nobody`: failed, with the owner and the fix; the version intact.
    let out = clean_cli_as(&fx, 12345, &["--module", &arg, "--yes", "--json"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["outcome"], "failed");
    assert_eq!(r["cause"], "permission");
    assert_eq!(r["detail"]["owner"]["uid"], 65534);
    assert_eq!(r["detail"]["owner"]["name"], "nobody");
    let fix = r["detail"]["fix"].as_str().unwrap();
    assert!(fix.starts_with("sudo chown -R \"$(id -un)\" "), "{fix}");
    assert!(foreign.join("go.mod").exists());
    assert!(
        !m.download_file(&fx.gomodcache, "partial").exists(),
        "left intact"
    );
    assert!(m.download_file(&fx.gomodcache, "zip").exists());

    // The whole module cache: gone for Go, everything else freed, the foreign subtree reported
    // and kept in quarantine.
    let before = du_bytes(&fx.gomodcache);
    let out = clean_cli_as(&fx, 12345, &["--modcache", "--yes", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let r = &v["results"][0];
    assert_eq!(r["cause"], "permission");
    assert_eq!(r["detail"]["owner"]["name"], "nobody");
    let freed = v["bytes_freed"].as_u64().unwrap();
    assert!(freed > 0 && freed < before, "{freed} of {before}");
    assert!(!fx.gomodcache.exists());
    let pkg = fx.gomodcache.parent().unwrap();
    let trash: Vec<_> = std::fs::read_dir(pkg)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(trash.len(), 1, "{trash:?}");

    // After the fix, the next run purges the leftover quarantine.
    chown("12345:12345", &trash[0]);
    let out = clean_cli_as(&fx, 12345, &["--test", "--yes"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(std::fs::read_dir(pkg).unwrap().count(), 0);
}

/// The `path@version`s a dry-run `clean --json` of the CLI selected (its module-versions target).
fn cli_selected(args: &[&str]) -> Vec<String> {
    let mut all = vec!["clean", "--dry-run", "--json"];
    all.extend_from_slice(args);
    let v = ok_json(&cli(&all, &[]));
    v["plan"]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"] == "module-versions")
        .unwrap_or_else(|| panic!("no module-versions target in {v:#}"))["versions"]
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
        .collect()
}

/// Issue #14: the CLI and the app select the same module versions for the same criteria. The
/// app's side is its clean session's `select_modules` (what the `select_modules` command
/// forwards to), over the same environment; several CLI criteria are the intersection of the
/// app's single selections, and `--module PATH` keeps only that module's versions.
#[test]
fn the_cli_and_the_app_select_the_same_module_versions() {
    use gocache_core::clean::select::Criteria;
    use gocache_core::clean::session::{CleanSession, SessionConfig};

    let f = fixture();
    let env = gocache_core::env::EnvMap::from_pairs(
        shell_env(f)
            .into_iter()
            .map(|(k, v)| (k, v.to_string_lossy().into_owned())),
    );
    let session = CleanSession::new(SessionConfig {
        env: std::sync::Arc::new(move || env.clone()),
        audit_log: None,
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(10),
    });
    let app = |c: Criteria| -> BTreeSet<String> {
        session
            .select_modules(&c)
            .unwrap_or_else(|e| panic!("{c:?}: {e}"))
            .versions
            .iter()
            .map(|v| format!("{}@{}", v.path, v.version))
            .collect()
    };
    let set = |v: Vec<String>| v.into_iter().collect::<BTreeSet<String>>();
    let project = f.project.display().to_string();
    // Ages are whole seconds: a fixture written this second is not yet "older than 0 days".
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let keep1 = app(Criteria::KeepLatest { n: 1 });
    let unused = app(Criteria::Unused {
        roots: vec![f.project.clone()],
    });
    let old = app(Criteria::OlderThan { days: 0 });
    // Meaningful criteria: each selects something.
    assert!(!keep1.is_empty(), "keep-latest 1 selected nothing");
    assert!(!unused.is_empty(), "unused selected nothing");
    assert!(!old.is_empty(), "older than 0 days selected nothing");
    assert_eq!(
        set(cli_selected(&["--modcache", "--keep-latest", "1"])),
        keep1
    );
    assert_eq!(
        set(cli_selected(&["--unused", "--project", &project])),
        unused
    );
    assert_eq!(set(cli_selected(&["--modcache", "--older-than", "0"])), old);
    let both: BTreeSet<String> = keep1.intersection(&unused).cloned().collect();
    assert_eq!(
        set(cli_selected(&[
            "--unused",
            "--project",
            &project,
            "--keep-latest",
            "1"
        ])),
        both
    );
    let one = f.modules[0].path.clone();
    let only: BTreeSet<String> = keep1
        .iter()
        .filter(|v| v.starts_with(&format!("{one}@")))
        .cloned()
        .collect();
    assert!(!only.is_empty());
    assert_eq!(
        set(cli_selected(&["--module", &one, "--keep-latest", "1"])),
        only
    );
}

/// gopls' module index and Go's telemetry data through the CLI: `env --json` lists both (the
/// telemetry with the mode `go env` reports), `scan --json` sizes the index like du and repeats
/// the telemetry mode, `clean --gopls-index` empties the index and leaves the telemetry data.
#[test]
fn gopls_index_and_telemetry_through_the_cli() {
    let t = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let xcache = t.path().join("xcache");
    let xconfig = t.path().join("xconfig");
    // The layout gopls writes (golang/tools internal/modindex/index.go, writeIndex).
    let index = xcache.join("go").join("imports");
    std::fs::create_dir_all(&index).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(
        index.join("index-0-31337"),
        "0\n/m\n2024-09-11 18:55:09\n:a,b.c/a,b.c/a@v1.0.0,v1.0.0\nF F 0\n",
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::write(index.join("index-name-0-0011223344556677"), "index-0-31337")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let telemetry = xconfig.join("go").join("telemetry");
    std::fs::create_dir_all(telemetry.join("local")).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(telemetry.join("mode"), "off 2024-09-01").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(
        telemetry
            .join("local")
            .join("go@go1.23.5-go1.23.5-linux-amd64-2024-09-01.v1.count"),
        [7u8; 4096],
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let (xc, xf) = (xcache.display().to_string(), xconfig.display().to_string());
    let mut extra = vec![
        ("XDG_CACHE_HOME", xc.as_str()),
        ("XDG_CONFIG_HOME", xf.as_str()),
    ];
    if cfg!(windows) {
        extra.extend([("LocalAppData", xc.as_str()), ("AppData", xf.as_str())]);
    }

    let v = ok_json(&cli(&["env", "--json"], &extra));
    let gi = cache(&v, "gopls-index");
    assert_eq!(gi["path"], index.display().to_string());
    assert_eq!(gi["cleanable"], true);
    let tc = cache(&v, "telemetry");
    assert_eq!(tc["path"], telemetry.display().to_string());
    assert_eq!(tc["cleanable"], false);
    // `go env GOTELEMETRY` read the mode file the same way.
    assert_eq!(v["telemetry"]["mode"], "off", "{v}");
    assert_eq!(v["telemetry"]["from_go"], true, "{v}");
    let text = cli(&["env"], &extra);
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(text.contains("Go telemetry: mode off"), "{text}");

    let v = ok_json(&cli(
        &[
            "scan",
            "--json",
            "--no-history",
            "--kind",
            "gopls-index",
            "--kind",
            "telemetry",
        ],
        &extra,
    ));
    assert_eq!(
        cache(&v, "gopls-index")["bytes"].as_u64(),
        Some(du_bytes(&index))
    );
    assert_eq!(
        cache(&v, "telemetry")["bytes"].as_u64(),
        Some(du_bytes(&telemetry))
    );
    assert_eq!(v["telemetry"]["mode"], "off");

    let before = du_bytes(&telemetry);
    let v = ok_json(&cli(&["clean", "--gopls-index", "--yes", "--json"], &extra));
    assert_eq!(v["results"][0]["outcome"], "removed", "{v}");
    let left = std::fs::read_dir(&index)
        .unwrap_or_else(|e| panic!("the index directory must stay: {e}"))
        .count();
    assert_eq!(left, 0);
    assert_eq!(du_bytes(&telemetry), before);
}

/// The paths under `root` that `text` names, whichever separator they use after the root: from
/// the root to the next whitespace, quote or comma (the fixture's paths have none).
fn paths_in_text(text: &str, root: &str, out: &mut Vec<String>) {
    let norm = text.replace('\\', "/");
    let r = root.replace('\\', "/");
    let mut from = 0;
    while let Some(i) = norm[from..].find(&r).map(|i| i + from) {
        let end = text[i..]
            .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | ')'))
            .map_or(text.len(), |e| i + e);
        out.push(text[i..end].to_owned());
        from = end.max(i + 1);
    }
}

/// Every path under `root` that the strings of `v` (recursively) name.
fn paths_under(v: &Value, root: &str, out: &mut Vec<String>) {
    match v {
        Value::String(s) => paths_in_text(s, root, out),
        Value::Array(a) => a.iter().for_each(|x| paths_under(x, root, out)),
        Value::Object(o) => o.values().for_each(|x| paths_under(x, root, out)),
        _ => {}
    }
}

/// One path style per OS in clean, verify and locks, JSON and text (issue #13): every path
/// under the cache is written with this OS's separator only, even when GOMODCACHE itself is
/// set with `/` on Windows (Go accepts `C:/Users/u/go/pkg/mod`). Works on its own fixture,
/// since it cleans a version.
#[test]
fn clean_verify_and_locks_write_one_path_style() {
    let fx = gocache_tests::fixture::TempFixture::new(&Spec {
        modules: 2,
        versions: 2,
        files_per_version: 2,
        build_cache: false,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"));
    let f = fx.fixture();
    let wrong = if cfg!(windows) { '/' } else { '\\' };
    let modcache = if cfg!(windows) {
        f.gomodcache.display().to_string().replace('\\', "/")
    } else {
        f.gomodcache.display().to_string()
    };
    let mut env = shell_env(&fx);
    env.push(("GOMODCACHE".to_owned(), modcache.into()));
    let run = |args: &[&str]| {
        gocache_tests::output(
            Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
                .args(args)
                .env_clear()
                .envs(env.iter().map(|(k, v)| (k, v))),
        )
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
    };
    let root = f.gomodcache.display().to_string();
    let check = |what: &str, v: &Value, min: usize| {
        let mut found = Vec::new();
        paths_under(v, &root, &mut found);
        assert!(found.len() >= min, "{what}: {found:?} in {v}");
        for p in &found {
            assert!(!p.contains(wrong), "{what} mixes separators: {p}");
        }
    };

    // An added file: verify names it.
    let m = f
        .regular_modules()
        .next()
        .unwrap_or_else(|| panic!("no module"));
    let dir = m.extracted_dir(&f.gomodcache);
    gocache_tests::make_dir_writable(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("sneaky.go"), "package x\n").unwrap_or_else(|e| panic!("{e}"));
    let v = json(&run(&["verify", "--json"]));
    check("verify --json", &v, 1);
    let text = String::from_utf8_lossy(&run(&["verify"]).stdout).into_owned();
    let mut named = Vec::new();
    paths_in_text(&text, &root, &mut named);
    assert!(
        !named.is_empty(),
        "verify names no path under {root}: {text}"
    );
    assert!(
        named.iter().all(|p| !p.contains(wrong)),
        "{named:?} in {text}"
    );

    let v = ok_json(&run(&["locks", "--json", "--no-go"]));
    check("locks --json", &v, 1);

    let target = format!("{}@{}", m.path, m.version);
    let v = json(&run(&["clean", "--module", &target, "--dry-run", "--json"]));
    check("clean --dry-run --json", &v, 1);
    let v = json(&run(&["clean", "--module", &target, "--yes", "--json"]));
    check("clean --json", &v, 1);
    assert!(
        !dir.exists(),
        "{} still exists after the clean: {v}",
        dir.display()
    );
}
