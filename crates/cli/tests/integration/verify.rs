//! `gocache-doctor verify` end to end on a genuine cache: JSON shape, exit codes, repair.

use std::process::{Command, Output};

use crate::util::json;
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

fn cli(fx: &Fixture, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(args)
        .env_clear()
        .envs(fx.go_env())
        .envs(gocache_tests::shell_env(&[fx.go.parent().unwrap()]))
        .env("GOCACHE_DOCTOR_DATA_DIR", fx.root.join("data"))
        .output()
        .unwrap()
}

#[test]
fn verify_reports_exits_and_repairs() {
    let spec = Spec {
        build_cache: false,
        ..Spec::default()
    };
    let fx = TempFixture::new(&spec).unwrap();
    let ok = cli(&fx, &["verify", "--json"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let v = json(&ok);
    assert_eq!(v["checked"].as_u64(), Some(fx.modules.len() as u64));
    assert!(
        v["modules"]
            .as_array()
            .unwrap()
            .iter()
            .all(|m| m["status"] == "ok")
    );

    // Add a file to one version's tree.
    let m = fx.regular_modules().next().unwrap().clone();
    let dir = m.extracted_dir(&fx.gomodcache);
    gocache_tests::make_dir_writable(&dir).unwrap();
    std::fs::write(dir.join("sneaky.go"), "package x\n").unwrap();

    let bad = cli(&fx, &["verify", "--json"]);
    assert_eq!(bad.status.code(), Some(1));
    let v = json(&bad);
    let row = v["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["path"] == m.path.as_str() && r["version"] == m.version.as_str())
        .unwrap()
        .clone();
    assert_eq!(row["status"], "dir-modified");
    assert_eq!(row["files"][0]["name"], "sneaky.go");
    assert_eq!(row["files"][0]["change"], "added");
    assert!(v["problems"].is_array());

    let human = cli(&fx, &["verify"]);
    assert_eq!(human.status.code(), Some(1));
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("dir-modified") && text.contains("sneaky.go (added)"),
        "{text}"
    );

    let fixed = cli(&fx, &["verify", "--repair", "--json"]);
    let v = json(&fixed);
    assert_eq!(fixed.status.code(), Some(0), "{v:#}");
    assert_eq!(v["broken"], 0);
    assert_eq!(v["repair"]["removed"][0]["outcome"], "removed");
    assert_eq!(v["repair"]["download"]["success"], true, "{v:#}");
    assert!(!dir.join("sneaky.go").exists());
    // The repair's removal is in the audit log; go got the label after `--`.
    let log = gocache_core::clean::audit::read(&fx.root.join("data/audit.jsonl")).unwrap();
    assert_eq!(log.entries.len(), 1, "{log:#?}");
    assert_eq!(log.entries[0].outcomes[0].path, dir);
    let command = v["repair"]["download"]["command"].as_str().unwrap();
    assert!(
        command.contains(&format!("mod download -- {}@{}", m.path, m.version)),
        "{command}"
    );
}

/// `verify --project` after a plain `go mod download` (go.sum holds only /go.mod lines):
/// a tampered required version fails like `go mod verify`; a wrong go.sum line for a version
/// not in the cache is reported, and `--compare-proxy` shows the proxy's hash and exits 1.
#[test]
fn verify_project_checks_what_go_mod_verify_checks() {
    let spec = Spec {
        build_cache: false,
        ..Spec::default()
    };
    let fx = TempFixture::new(&spec).unwrap();
    let project = fx.project.display().to_string();
    let ok = cli(&fx, &["verify", "--project", &project, "--json"]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let req = fx.required_version();
    let dir = req.extracted_dir(&fx.gomodcache);
    gocache_tests::make_dir_writable(&dir).unwrap();
    std::fs::write(dir.join("sneaky.go"), "package x\n").unwrap();
    let go = fx.go_command(["mod", "verify"]).output().unwrap();
    assert!(!go.status.success());
    let bad = cli(&fx, &["verify", "--project", &project]);
    assert_eq!(bad.status.code(), Some(1));
    let text = String::from_utf8_lossy(&bad.stdout);
    assert!(
        text.contains("dir-modified") && text.contains(&req.path),
        "{text}"
    );
    std::fs::remove_file(dir.join("sneaky.go")).unwrap();

    // A wrong go.sum line for a version that is not downloaded.
    let wrong = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let gosum = fx.project.join("go.sum");
    let mut text = std::fs::read_to_string(&gosum).unwrap();
    let absent = "v9.9.9";
    text.push_str(&format!("{} {absent} {wrong}\n", req.path));
    std::fs::write(&gosum, text).unwrap();
    let out = cli(&fx, &["verify", "--project", &project]);
    let human = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{human}");
    assert!(
        human.contains("cannot confirm") && human.contains("--compare-proxy"),
        "{human}"
    );
    let out = cli(
        &fx,
        &["verify", "--project", &project, "--compare-proxy", "--json"],
    );
    let v = json(&out);
    let n = &v["project"]["not_in_cache"][0];
    assert_eq!(n["version"], absent, "{v:#}");
    // The file:// proxy does not have it.
    assert_eq!(n["proxy"]["verdict"], "not-found", "{v:#}");
}
