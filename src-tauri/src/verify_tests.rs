//! Tests of the verify commands on a real module cache: module versions laid out as Go leaves
//! them (a read-only tree, the zip, `.mod`, `.info` and the `.ziphash` of the zip, computed
//! with the core's `h1:` hash), plus a `file://` GOPROXY holding the same zips, so that repair
//! re-downloads with the real Go toolchain. The commands go through the real IPC layer
//! (`tauri::test::mock_builder`) where no events are needed; flows with events call
//! [`VerifySession`] through recording channels (the commands' [`forward`]).

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use gocache_core::clean::elevate::Elevator;
use gocache_core::dirhash;
use gocache_core::env::EnvMap;
use gocache_core::{CancelToken, verify::VerifyEvent};
use serde_json::{Value, json};
use tauri::ipc::{Channel, InvokeResponseBody};

use crate::commands::verify::{RepairUpdate, VerifyOptions, forward};
use crate::state::Config;
use crate::tests::{app_with, invoke, main_window};
use gocache_core::verify::session::VerifySession;

/// A module version of the fixture: module, version, its files as (name, content).
type Version = (
    &'static str,
    &'static str,
    &'static [(&'static str, &'static str)],
);

/// The fixture's versions.
const VERSIONS: [Version; 2] = [
    (
        "example.com/a",
        "v1.0.0",
        &[
            ("go.mod", "module example.com/a\n\ngo 1.21\n"),
            ("a.go", "package a\n\n// A is the answer.\nconst A = 42\n"),
            ("sub/b.go", "package sub\n\nconst B = \"b\"\n"),
        ],
    ),
    (
        "example.com/b",
        "v0.1.0",
        &[
            ("go.mod", "module example.com/b\n\ngo 1.21\n"),
            ("b.go", "package b\n\nfunc B() int { return 7 }\n"),
        ],
    ),
];

/// CRC-32 (IEEE), as zip entries carry it.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A zip with `entries` stored (no compression): what Go's module zips hold, readable by Go
/// and by the core.
fn zip(entries: &[(String, &[u8])]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    let le16 = |v: &mut Vec<u8>, x: u16| v.extend_from_slice(&x.to_le_bytes());
    let le32 = |v: &mut Vec<u8>, x: u32| v.extend_from_slice(&x.to_le_bytes());
    for (name, data) in entries {
        let offset = u32::try_from(out.len()).unwrap();
        let crc = crc32(data);
        let size = u32::try_from(data.len()).unwrap();
        let name_len = u16::try_from(name.len()).unwrap();
        // Local header: version 2.0, no flags, stored, 1980-01-01 00:00.
        le32(&mut out, 0x0403_4b50);
        for x in [20, 0, 0, 0, 0x21] {
            le16(&mut out, x);
        }
        for x in [crc, size, size] {
            le32(&mut out, x);
        }
        le16(&mut out, name_len);
        le16(&mut out, 0);
        out.extend_from_slice(name.as_bytes());
        out.extend_from_slice(data);
        le32(&mut central, 0x0201_4b50);
        for x in [20, 20, 0, 0, 0, 0x21] {
            le16(&mut central, x);
        }
        for x in [crc, size, size] {
            le32(&mut central, x);
        }
        for x in [name_len, 0, 0, 0, 0] {
            le16(&mut central, x);
        }
        le32(&mut central, 0);
        le32(&mut central, offset);
        central.extend_from_slice(name.as_bytes());
    }
    let cd_offset = u32::try_from(out.len()).unwrap();
    let cd_size = u32::try_from(central.len()).unwrap();
    out.extend_from_slice(&central);
    let n = u16::try_from(entries.len()).unwrap();
    le32(&mut out, 0x0605_4b50);
    for x in [0, 0, n, n] {
        le16(&mut out, x);
    }
    le32(&mut out, cd_size);
    le32(&mut out, cd_offset);
    le16(&mut out, 0);
    out
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes a tree writable again (for edits and for the temporary directory's removal).
fn writable(dir: &Path) {
    for e in walk(dir) {
        #[cfg(unix)]
        chmod(&e, if e.is_dir() { 0o755 } else { 0o644 });
        #[cfg(windows)]
        set_readonly(&e, false);
    }
}

/// Sets or clears FILE_ATTRIBUTE_READONLY, which Go's module cache files carry on Windows.
#[cfg(windows)]
fn set_readonly(p: &Path, readonly: bool) {
    let mut perms = fs::symlink_metadata(p).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(readonly);
    fs::set_permissions(p, perms).unwrap();
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if dir.is_dir() {
        for e in fs::read_dir(dir).unwrap() {
            out.extend(walk(&e.unwrap().path()));
        }
    }
    out
}

struct Fx {
    dir: tempfile::TempDir,
    modcache: PathBuf,
    project: PathBuf,
    config: Config,
}

impl Drop for Fx {
    fn drop(&mut self) {
        writable(self.dir.path());
    }
}

impl Fx {
    fn tree(&self, module: &str, version: &str) -> PathBuf {
        self.modcache.join(format!("{module}@{version}"))
    }
}

/// A module cache holding [`VERSIONS`] as `go mod download` leaves them, a `file://` proxy
/// with the same versions, and a project whose go.sum names them.
fn fixture() -> Fx {
    let dir = tempfile::tempdir().unwrap();
    // Without the `\\?\` prefix canonicalize adds on Windows: the paths a user's Go reports
    // (and a GOPROXY file URL Go can parse).
    let base = gocache_core::os::simplified(fs::canonicalize(dir.path()).unwrap());
    let home = base.join("home");
    let gopath = home.join("go");
    let modcache = gopath.join("pkg").join("mod");
    let proxy = base.join("proxy");
    let project = base.join("project");
    fs::create_dir_all(&project).unwrap();
    let mut gosum = String::new();
    let mut requires = String::new();
    for (module, version, files) in VERSIONS {
        let prefix = format!("{module}@{version}/");
        let entries: Vec<(String, &[u8])> = files
            .iter()
            .map(|(n, c)| (format!("{prefix}{n}"), c.as_bytes()))
            .collect();
        let zip = zip(&entries);
        let gomod = files.iter().find(|(n, _)| *n == "go.mod").unwrap().1;
        let info = format!(r#"{{"Version":"{version}","Time":"2024-05-01T10:00:00Z"}}"#);
        for at in [
            proxy.join(module).join("@v"),
            modcache.join("cache/download").join(module).join("@v"),
        ] {
            fs::create_dir_all(&at).unwrap();
            fs::write(at.join(format!("{version}.zip")), &zip).unwrap();
            fs::write(at.join(format!("{version}.mod")), gomod).unwrap();
            fs::write(at.join(format!("{version}.info")), &info).unwrap();
            fs::write(at.join("list"), format!("{version}\n")).unwrap();
        }
        let dl = modcache.join("cache/download").join(module).join("@v");
        let (h1, _) = dirhash::hash_zip(
            &dl.join(format!("{version}.zip")),
            &dirhash::ZipLimits::default(),
            &|_| {},
            &CancelToken::new(),
        )
        .unwrap();
        fs::write(dl.join(format!("{version}.ziphash")), &h1).unwrap();
        fs::write(dl.join(format!("{version}.lock")), "").unwrap();
        let tree = modcache.join(format!("{module}@{version}"));
        for (name, content) in files {
            let p = tree.join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, content).unwrap();
        }
        #[cfg(unix)]
        for p in walk(&tree).into_iter().rev() {
            chmod(&p, if p.is_dir() { 0o555 } else { 0o444 });
        }
        // Go's module cache files carry FILE_ATTRIBUTE_READONLY on Windows.
        #[cfg(windows)]
        for p in walk(&tree).into_iter().filter(|p| p.is_file()) {
            set_readonly(&p, true);
        }
        gosum.push_str(&format!("{module} {version} {h1}\n"));
        gosum.push_str(&format!(
            "{module} {version}/go.mod {}\n",
            dirhash::hash_gomod(gomod.as_bytes())
        ));
        requires.push_str(&format!("\t{module} {version}\n"));
    }
    fs::write(
        project.join("go.mod"),
        format!("module example.com/project\n\ngo 1.21\n\nrequire (\n{requires})\n"),
    )
    .unwrap();
    fs::write(project.join("go.sum"), gosum).unwrap();
    let go = gocache_tests::go_binary()
        .expect("these tests need the Go toolchain (set $GO or put go on PATH)");
    let s = |p: &Path| p.display().to_string();
    let env = EnvMap::from_pairs([
        ("HOME", s(&home)),
        ("GOPATH", s(&gopath)),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&base.join("gocache"))),
        ("XDG_CACHE_HOME", s(&base.join("xdg"))),
        ("XDG_CONFIG_HOME", s(&base.join("xdg-config"))),
        ("GOENV", "off".to_owned()),
        ("GOTOOLCHAIN", "local".to_owned()),
        ("GOPROXY", gocache_tests::fixture::file_url(&proxy)),
        ("GOSUMDB", "off".to_owned()),
        ("PATH", s(go.parent().unwrap())),
    ]);
    let config = Config {
        env: Some(env),
        audit_log: Some(base.join("data/audit.jsonl")),
        data_dir: Some(base.join("data")),
        settings_dir: Some(base.join("config")),
        undo_window: Duration::ZERO,
        elevator: Elevator::Direct,
        exe: None,
        lock_timeout: Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    };
    Fx {
        dir,
        modcache,
        project,
        config,
    }
}

type Events = Arc<Mutex<Vec<Value>>>;

fn recording<T: serde::Serialize>() -> (Channel<T>, Events) {
    let events: Events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(serde_json::from_str(&json).unwrap_or(Value::Null));
        }
        Ok(())
    });
    (channel, events)
}

fn row<'a>(report: &'a Value, module: &str, version: &str) -> &'a Value {
    report["modules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["path"] == module && m["version"] == version)
        .unwrap_or_else(|| panic!("no row for {module}@{version} in {report:#}"))
}

/// Edits a file of a read-only tree, as a user "fixing" a dependency in place would.
fn edit(path: &Path, content: &str) {
    #[cfg(unix)]
    chmod(path, 0o644);
    #[cfg(windows)]
    set_readonly(path, false);
    fs::write(path, content).unwrap();
}

#[test]
fn verify_over_ipc_names_the_edited_file_and_repair_downloads_it_again_with_go() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let start = |n: u32| {
        invoke(
            &w,
            "verify_start",
            json!({"options": {"project": null}, "onEvent": format!("__CHANNEL__:{n}")}),
        )
        .unwrap()
    };

    let clean = start(7001);
    assert_eq!(clean["checked"], 2, "{clean:#}");
    assert_eq!(clean["broken"], 0, "{clean:#}");
    assert_eq!(row(&clean, "example.com/a", "v1.0.0")["status"], "ok");
    assert_eq!(clean["cancelled"], false);
    assert_eq!(clean["modcache"], json!(fx.modcache));

    let a_go = fx.tree("example.com/a", "v1.0.0").join("a.go");
    let original = fs::read(&a_go).unwrap();
    edit(&a_go, "package a\n\nconst A = 41\n");

    let broken = start(7002);
    assert_eq!(broken["broken"], 1, "{broken:#}");
    let a = row(&broken, "example.com/a", "v1.0.0");
    assert_eq!(a["status"], "dir-modified");
    assert_eq!(a["files"], json!([{"name": "a.go", "change": "modified"}]));
    // The edit made the file writable: also reported, under its contract name.
    let findings: Vec<&str> = a["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["status"].as_str())
        .collect();
    assert_eq!(findings, ["dir-modified", "writable-files"], "{a:#}");
    // The most serious first: the broken version leads the report.
    assert_eq!(broken["modules"][0]["path"], "example.com/a");
    assert_eq!(row(&broken, "example.com/b", "v0.1.0")["status"], "ok");

    let repair = invoke(
        &w,
        "verify_repair",
        json!({"ids": ["example.com/a@v1.0.0"], "onEvent": "__CHANNEL__:7003"}),
    )
    .unwrap();
    assert_eq!(repair["versions"], json!(["example.com/a@v1.0.0"]));
    assert_eq!(repair["removed"].as_array().unwrap().len(), 1, "{repair:#}");
    assert_eq!(repair["removed"][0]["outcome"], "removed", "{repair:#}");
    let download = &repair["download"];
    assert_eq!(download["success"], true, "{repair:#}");
    let command = download["command"].as_str().unwrap();
    assert!(
        command.contains("mod download -- example.com/a@v1.0.0"),
        "{command}"
    );
    // What the repair deleted is in the audit log.
    let log = gocache_core::clean::audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    assert_eq!(log.entries.len(), 1, "{log:#?}");
    let entry = &log.entries[0];
    assert_eq!(
        entry.targets,
        [gocache_core::clean::Target::ModuleVersions {
            versions: vec![gocache_core::clean::ModuleRef::new(
                "example.com/a",
                "v1.0.0"
            )]
        }]
    );
    assert_eq!(entry.outcomes.len(), 1);
    assert_eq!(entry.outcomes[0].path, fx.tree("example.com/a", "v1.0.0"));
    assert_eq!(
        entry.outcomes[0].outcome,
        gocache_core::clean::Outcome::Removed
    );

    // Go downloaded and extracted it again: the file is back, and everything verifies.
    assert_eq!(fs::read(&a_go).unwrap(), original);
    let after = start(7004);
    assert_eq!(after["broken"], 0, "{after:#}");
    assert_eq!(row(&after, "example.com/a", "v1.0.0")["status"], "ok");
}

#[test]
fn progress_counts_bytes_up_to_the_total_and_cancel_stops_the_run() {
    let fx = fixture();
    let state = VerifySession::default();
    // One file added, one removed: both named.
    let tree = fx.tree("example.com/a", "v1.0.0");
    #[cfg(unix)]
    chmod(&tree.join("sub"), 0o755);
    #[cfg(windows)]
    set_readonly(&tree.join("sub/b.go"), false);
    fs::remove_file(tree.join("sub/b.go")).unwrap();
    fs::write(tree.join("sub/new.go"), "package sub\n").unwrap();

    let (channel, events) = recording::<VerifyEvent>();
    let report = state
        .start(
            &fx.config.env(),
            &VerifyOptions::default(),
            &forward(channel),
        )
        .unwrap();
    let report = serde_json::to_value(&report).unwrap();
    let a = row(&report, "example.com/a", "v1.0.0");
    assert_eq!(a["status"], "dir-modified");
    assert_eq!(
        a["files"],
        json!([{"name": "sub/b.go", "change": "removed"}, {"name": "sub/new.go", "change": "added"}])
    );
    let events = events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    let first = events.first().unwrap();
    assert_eq!(first["event"], "verifyStarted", "{events:?}");
    assert_eq!(first["data"]["versions"], 2);
    let total = first["data"]["total_bytes"].as_u64().unwrap();
    // Each version's zip and tree are read once: at least every zip's bytes.
    let zips: u64 = walk(&fx.modcache.join("cache/download"))
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "zip"))
        .map(|p| fs::metadata(p).unwrap().len())
        .sum();
    assert!(total > zips, "total {total} <= zips {zips}");
    let last = events.last().unwrap();
    assert_eq!(last["event"], "verifyFinished", "{events:?}");
    assert_eq!(last["data"]["bytes"], report["bytes_hashed"]);
    assert_eq!(last["data"]["bytes"].as_u64().unwrap(), total);
    assert_eq!(last["data"]["cancelled"], false);

    // verify_cancel during a run (sent as soon as the run announces its work).
    let canceller = state.clone();
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body
            && json.contains("verifyStarted")
        {
            canceller.cancel();
        }
        Ok(())
    });
    let cancelled = state
        .start(
            &fx.config.env(),
            &VerifyOptions::default(),
            &forward(channel),
        )
        .unwrap();
    assert!(cancelled.cancelled);
    assert!(cancelled.bytes_hashed < total, "{}", cancelled.bytes_hashed);
}

#[test]
fn project_mode_explains_a_go_sum_mismatch_and_repair_reports_its_events() {
    let fx = fixture();
    let state = VerifySession::default();
    // go.sum claims another hash for example.com/b: the cache is intact, so with GOSUMDB=off
    // (the fixture's settings) the explanation is "settings".
    let gosum = fs::read_to_string(fx.project.join("go.sum")).unwrap();
    let wrong = "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";
    let edited: String = gosum
        .lines()
        .map(|l| {
            if l.starts_with("example.com/b v0.1.0 h1:") {
                format!("example.com/b v0.1.0 {wrong}\n")
            } else {
                format!("{l}\n")
            }
        })
        .collect();
    fs::write(fx.project.join("go.sum"), edited).unwrap();
    let (channel, _) = recording::<VerifyEvent>();
    let opts = VerifyOptions {
        project: Some(fx.project.clone()),
        ..VerifyOptions::default()
    };
    let report = state
        .start(&fx.config.env(), &opts, &forward(channel))
        .unwrap();
    let project = report.project.as_ref().unwrap();
    assert_eq!(project.mismatches.len(), 1, "{project:#?}");
    let m = &project.mismatches[0];
    assert_eq!(
        (m.path.as_str(), m.version.as_str()),
        ("example.com/b", "v0.1.0")
    );
    assert_eq!(m.gosum_hash, wrong);
    assert_eq!(
        serde_json::to_value(m.cause).unwrap(),
        json!("settings"),
        "{m:#?}"
    );
    assert!(
        project
            .settings
            .iter()
            .any(|s| s.starts_with("GOSUMDB=off"))
    );
    assert!(report.build.is_none(), "project mode skips the build cache");

    // Repair removes the version and Go downloads it again from the proxy; the events say so.
    // A stray file in the old tree shows that the tree is a fresh one afterwards.
    let tree = fx.tree("example.com/b", "v0.1.0");
    #[cfg(unix)]
    chmod(&tree, 0o755);
    fs::write(tree.join("stray.go"), "package b\n").unwrap();
    // Repair takes only what the last verification reported broken: verify again.
    let (channel, _) = recording::<VerifyEvent>();
    let report = state
        .start(&fx.config.env(), &opts, &forward(channel))
        .unwrap();
    let b = report
        .modules
        .iter()
        .find(|m| m.path == "example.com/b")
        .unwrap();
    assert_eq!(
        b.status,
        gocache_core::verify::Status::DirModified,
        "{b:#?}"
    );
    let (channel, events) = recording::<RepairUpdate>();
    let rep = state
        .repair(
            &fx.config.env(),
            fx.config.audit_log.clone(),
            &["example.com/b@v0.1.0".to_owned()],
            None,
            &forward(channel),
        )
        .unwrap();
    assert_eq!(rep.removed.len(), 1);
    assert_eq!(
        rep.removed[0].outcome,
        gocache_core::clean::Outcome::Removed
    );
    let download = rep.download.as_ref().unwrap();
    assert!(download.success, "{}", download.output);
    let events = events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .clone();
    assert_eq!(
        events,
        vec![
            json!({"event": "repairStarted", "data": {"versions": ["example.com/b@v0.1.0"], "download": true}}),
            json!({"event": "repairFinished", "data": {"removed": 1, "download_success": true}}),
        ]
    );
    assert!(tree.join("b.go").is_file());
    assert!(!tree.join("stray.go").exists());
}

/// Every file of `dir` with its content (a snapshot to compare before and after an attack).
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out: Vec<(PathBuf, Option<Vec<u8>>)> = walk(dir)
        .into_iter()
        .map(|p| {
            let content = p.is_file().then(|| fs::read(&p).unwrap());
            (p, content)
        })
        .collect();
    out.sort();
    out
}

/// The attack of issue #12 item 9: the page asks the app to "repair" a healthy version (or
/// sends free module refs, or a version of another project). Nothing is removed: repair only
/// takes ids of versions the last verification reported broken.
#[test]
fn repair_refuses_versions_the_last_verification_did_not_report_and_free_refs() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    let before = snapshot(&fx.modcache);
    let repair = |n: u32, args: Value| {
        let mut args = args;
        args["onEvent"] = json!(format!("__CHANNEL__:{n}"));
        invoke(&w, "verify_repair", args)
    };

    // No verification yet: nothing may be repaired.
    let err = repair(7200, json!({"ids": ["example.com/b@v0.1.0"]})).unwrap_err();
    assert_eq!(err["code"], "NotReported", "{err}");
    assert_eq!(snapshot(&fx.modcache), before);

    // Break a; verify: a is broken, b healthy.
    let a_go = fx.tree("example.com/a", "v1.0.0").join("a.go");
    edit(
        &a_go,
        "package a

const A = 41
",
    );
    let before = snapshot(&fx.modcache);
    let report = invoke(
        &w,
        "verify_start",
        json!({"options": {"project": null}, "onEvent": "__CHANNEL__:7201"}),
    )
    .unwrap();
    assert_eq!(report["broken"], 1, "{report:#}");
    assert_eq!(row(&report, "example.com/b", "v0.1.0")["status"], "ok");

    // The healthy version, alone or next to the broken one: refused, nothing touched.
    for ids in [
        json!(["example.com/b@v0.1.0"]),
        json!(["example.com/a@v1.0.0", "example.com/b@v0.1.0"]),
        json!(["example.com/nope@v1.0.0"]),
        json!(["-modfile=/tmp/x"]),
    ] {
        let err = repair(7202, json!({"ids": ids})).unwrap_err();
        assert_eq!(err["code"], "NotReported", "{ids}: {err}");
        assert_eq!(snapshot(&fx.modcache), before, "{ids}");
    }
    // Free module refs (the old argument) are not accepted at all.
    let err = repair(
        7203,
        json!({"versions": [{"path": "example.com/b", "version": "v0.1.0"}]}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("ids"), "{err}");
    assert_eq!(snapshot(&fx.modcache), before);
    // A project the verification did not check (go would run there): refused.
    let err = repair(
        7204,
        json!({"ids": ["example.com/a@v1.0.0"], "project": fx.project}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "NotReported", "{err}");
    assert_eq!(snapshot(&fx.modcache), before);
    assert!(
        gocache_core::clean::audit::read(fx.config.audit_log.as_ref().unwrap())
            .unwrap()
            .entries
            .is_empty()
    );

    // The reported version is repaired; the healthy one was never touched.
    let b_tree = snapshot(&fx.tree("example.com/b", "v0.1.0"));
    let done = repair(7205, json!({"ids": ["example.com/a@v1.0.0"]})).unwrap();
    assert_eq!(done["removed"][0]["outcome"], "removed", "{done:#}");
    assert_eq!(snapshot(&fx.tree("example.com/b", "v0.1.0")), b_tree);
}

#[test]
fn verify_cancel_over_ipc_with_nothing_running_and_a_bad_project_is_an_error() {
    let fx = fixture();
    let app = app_with(fx.config.clone());
    let w = main_window(&app);
    assert_eq!(invoke(&w, "verify_cancel", json!({})).unwrap(), Value::Null);
    let missing = fx.project.join("nope");
    let err = invoke(
        &w,
        "verify_start",
        json!({"options": {"project": missing}, "onEvent": "__CHANNEL__:7100"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "NotFound", "{err}");
    assert!(err["message"].as_str().unwrap().contains("go.sum"), "{err}");
}
