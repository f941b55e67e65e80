//! Odd files in a genuine cache, through the real CLI (issue #12 item 11): a file name that is
//! not UTF-8 does not break `verify --json`, `scan --json` or `clean --json` (the clean used
//! to delete, then fail to print and to log), and a FIFO in a module version does not hang
//! `verify` and is counted in both outputs.
//!
//! Unix only: non-UTF-8 byte names and FIFOs are Unix file system features.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::mpsc;
use std::time::Duration;

use gocache_core::clean::audit;
use gocache_tests::fixture::{Fixture, Spec, TempFixture};
use serde_json::Value;

use crate::util::json;

fn cli(fx: &Fixture, args: &[&str]) -> Output {
    let go_dir = fx.go.parent().unwrap().display().to_string();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gocache-doctor"));
    cmd.args(args)
        .env_clear()
        .envs(fx.go_env())
        .env("PATH", format!("{go_dir}:/usr/bin:/bin"))
        .env("GOCACHE_DOCTOR_DATA_DIR", fx.root.join("data"));
    // A hang fails the test instead of blocking it (a FIFO used to block verify forever).
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(cmd.output());
    });
    rx.recv_timeout(Duration::from_secs(180))
        .unwrap_or_else(|e| panic!("gocache-doctor {args:?} did not finish ({e}): it hangs"))
        .unwrap()
}

fn fixture() -> TempFixture {
    TempFixture::new(&Spec {
        modules: 2,
        versions: 1,
        files_per_version: 1,
        build_cache: true,
        toolchain: false,
    })
    .unwrap()
}

fn bad_name(prefix: &str) -> OsString {
    let mut b = prefix.as_bytes().to_vec();
    b.extend_from_slice(b"bad\xff.go");
    OsString::from_vec(b)
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[test]
fn verify_scan_and_clean_json_carry_non_utf8_names_and_verify_counts_a_fifo() {
    let fx = fixture();
    let m = fx.regular_modules().next().unwrap().clone();
    let tree = m.extracted_dir(&fx.gomodcache);
    chmod(&tree, 0o755);
    let bad = tree.join(bad_name(""));
    std::fs::write(&bad, "package x\n").unwrap();
    let st = Command::new("mkfifo")
        .arg(tree.join("pipe"))
        .status()
        .unwrap();
    assert!(st.success());
    // A version directory Go could never have written, with such a name: it is a problem
    // with a path in the verify report.
    let odd_dir = fx.gomodcache.join(bad_name("example.com/"));
    std::fs::create_dir_all(fx.gomodcache.join("example.com")).unwrap();
    let mut odd = odd_dir.into_os_string();
    odd.push("@v1.0.0");
    std::fs::create_dir_all(&odd).unwrap();

    let out = cli(&fx, &["verify", "--json", "--no-build"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["special_files"], 1, "{v:#}");
    let row = v["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == m.path.as_str())
        .unwrap();
    assert_eq!(row["status"], "dir-modified", "{row:#}");
    let names: Vec<&str> = row["files"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["name"].as_str())
        .collect();
    assert!(names.contains(&"pipe"), "{row:#}");
    assert!(names.contains(&"bad\u{fffd}.go"), "{row:#}");
    let problems = v["problems"].as_array().unwrap();
    let bad_escape = problems.iter().find(|p| p["id"] == "bad-escape").unwrap();
    assert!(
        bad_escape["path"]["lossy"]
            .as_str()
            .unwrap()
            .ends_with("example.com/bad\u{fffd}.go@v1.0.0"),
        "{bad_escape:#}"
    );
    assert!(bad_escape["path"]["unix_bytes_hex"].is_string());
    assert!(problems.iter().any(|p| p["id"] == "special-file"));

    let human = cli(&fx, &["verify", "--no-build"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("Skipped 1 special file(s)"), "{text}");

    let scan = cli(&fx, &["scan", "--json"]);
    assert_eq!(
        scan.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&scan.stderr)
    );
    let _ = json(&scan);

    // A build-cache entry with such a name, then a real clean of it and of the version.
    let sub = fx.gocache.join("00");
    std::fs::create_dir_all(&sub).unwrap();
    let bad_entry = sub.join(bad_name("e-"));
    std::fs::write(&bad_entry, "x").unwrap();
    let module_arg = format!("{}@{}", m.path, m.version);
    let out = cli(
        &fx,
        &[
            "clean",
            "--build",
            "--max-size",
            "0",
            "--module",
            &module_arg,
            "--yes",
            "--json",
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = json(&out);
    assert_eq!(v["dry_run"], false);
    let entries: Vec<&Value> = v["plan"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["action"]["entries"].as_array())
        .flatten()
        .collect();
    assert!(
        entries.iter().any(|e| e["path"]["lossy"]
            .as_str()
            .is_some_and(|p| p.ends_with("00/e-bad\u{fffd}.go"))),
        "{v:#}"
    );
    assert!(!bad.exists() && !bad_entry.exists());
    // The audit entry was written and reads back.
    let log = audit::read(&fx.root.join("data/audit.jsonl")).unwrap();
    assert_eq!(log.bad_lines, 0);
    assert_eq!(log.entries.len(), 1, "{log:#?}");
    assert_eq!(
        log.entries[0].outcomes.len(),
        v["results"].as_array().unwrap().len()
    );
}
