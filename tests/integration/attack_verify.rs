//! Attacks on verify, repair and the JSON/audit output (issue #12 items 9 and 11), performed
//! for real on caches built by the real Go toolchain:
//! * a cache directory named like a flag (`-modfile=/tmp/x@v1.0.0`) that verify reports as
//!   broken never reaches `go` (refused before anything is touched), and the labels that do
//!   reach it come after `--`;
//! * the old predictable temp dir (`$TMPDIR/gocache-doctor-repair-<pid>`) planted as a
//!   symlink to a canary directory: the repair runs elsewhere, in a private 0700 directory;
//! * a FIFO and a socket in a module version (and a FIFO in place of a `.ziphash`): verify
//!   finishes, names them, counts them;
//! * file names that are not UTF-8: the plan, the results and the audit entry survive JSON
//!   (with the exact bytes), for a clean in place and through the quarantine, including a
//!   failure on such a file.

use std::ffi::OsString;
use std::os::unix::ffi::OsStringExt;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::clean::{
    self, ExecOptions, ModuleRef, Outcome, Plan, PlanOptions, Target, audit,
};
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use gocache_core::verify::{
    self, Change, NoVerifyProgress, Options, RepairError, RepairOptions, Status, VerifyReport,
};
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

fn small(build_cache: bool) -> TempFixture {
    TempFixture::new(&Spec {
        modules: 3,
        versions: 1,
        files_per_version: 1,
        build_cache,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn env_of(fx: &Fixture) -> EnvMap {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let go_dir = fx.go.parent().map(|p| p.display().to_string());
    env.set(
        "PATH",
        format!("{}:/usr/bin:/bin", go_dir.unwrap_or_default()),
    );
    env
}

fn report(fx: &Fixture) -> Report {
    discover::discover(&env_of(fx), &discover::Options::default())
}

fn verify_all(rep: &Report) -> VerifyReport {
    verify::verify_cache(
        rep,
        &Options::default(),
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("verify: {e}"))
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Every path under `dir` (not following symlinks) with its file content.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Option<Vec<u8>>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(p) = stack.pop() {
        let md = std::fs::symlink_metadata(&p).unwrap();
        if md.is_dir() {
            for e in std::fs::read_dir(&p).unwrap() {
                stack.push(e.unwrap().path());
            }
            out.push((p, None));
        } else if md.is_file() {
            let c = std::fs::read(&p).unwrap();
            out.push((p, Some(c)));
        } else {
            out.push((p, None));
        }
    }
    out.sort();
    out
}

fn opts(fx: &Fixture) -> RepairOptions {
    RepairOptions {
        plan: PlanOptions {
            home: Some(fx.root.join("home")),
            now: None,
        },
        audit_log: Some(fx.root.join("data/audit.jsonl")),
        ..RepairOptions::default()
    }
}

/// A `go` that records its working directory, that directory's mode and its arguments, then
/// runs the real Go.
fn recording_go(fx: &Fixture, log: &Path) -> PathBuf {
    let script = fx.root.join("recording-go");
    gocache_tests::write_script(
        &script,
        &format!(
            "#!/bin/sh\n{{ echo \"cwd=$(pwd -P)\"; echo \"mode=$(stat -c %a .)\"; \
             for a in \"$@\"; do echo \"arg=$a\"; done; }} >> '{}'\nexec '{}' \"$@\"\n",
            log.display(),
            fx.go.display()
        ),
    );
    script
}

#[test]
fn repair_keeps_flag_like_names_from_go_and_runs_in_a_private_temp_dir() {
    let fx = small(false);
    let m: ModuleVersion = fx.regular_modules().next().unwrap().clone();
    let tree = m.extracted_dir(&fx.gomodcache);
    chmod(&tree, 0o755);
    std::fs::write(tree.join("sneaky.go"), "package x\n").unwrap();
    // A directory Go never writes, named so that its label reads as a go flag.
    let evil = fx.gomodcache.join("-modfile=/tmp/x@v1.0.0");
    std::fs::create_dir_all(&evil).unwrap();
    std::fs::write(evil.join("go.mod"), "module evil\n").unwrap();

    let mut rep = report(&fx);
    let r = verify_all(&rep);
    let ids = verify::broken_ids(&r);
    let evil_id = "-modfile=/tmp/x@v1.0.0".to_owned();
    let good_id = format!("{}@{}", m.path, m.version);
    assert!(ids.contains(&evil_id), "{ids:?}");
    assert!(ids.contains(&good_id), "{ids:?}");

    let log = fx.root.join("go-calls.log");
    rep.go.as_mut().expect("go was discovered").path = recording_go(&fx, &log);

    // The old predictable shared temp dir, planted as a link to a canary directory.
    let canary = fx.root.join("canary");
    std::fs::create_dir_all(&canary).unwrap();
    std::fs::write(canary.join("keep.txt"), "canary\n").unwrap();
    let predictable =
        std::env::temp_dir().join(format!("gocache-doctor-repair-{}", std::process::id()));
    let _ = std::fs::remove_file(&predictable);
    std::os::unix::fs::symlink(&canary, &predictable).unwrap();
    let canary_before = snapshot(&canary);

    // The flag-like id, alone or with a good one: refused before anything is touched.
    let cache_before = snapshot(&fx.gomodcache);
    for asked in [
        vec![evil_id.clone()],
        vec![good_id.clone(), evil_id.clone()],
    ] {
        let err = verify::repair(
            &rep,
            &env_of(&fx),
            &r,
            &asked,
            None,
            &opts(&fx),
            &CancelToken::new(),
        )
        .unwrap_err();
        assert!(
            matches!(err, RepairError::InvalidModule(ref l) if *l == evil_id),
            "{err}"
        );
        assert_eq!(snapshot(&fx.gomodcache), cache_before);
        assert!(!log.exists(), "go ran for a refused repair");
    }
    // A healthy version is not repaired either.
    let healthy = fx.regular_modules().nth(1).unwrap();
    let err = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        &[format!("{}@{}", healthy.path, healthy.version)],
        None,
        &opts(&fx),
        &CancelToken::new(),
    )
    .unwrap_err();
    assert!(matches!(err, RepairError::NotReported(_)), "{err}");
    // Nor in a project the verification did not check.
    let err = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        std::slice::from_ref(&good_id),
        Some(&fx.project),
        &opts(&fx),
        &CancelToken::new(),
    )
    .unwrap_err();
    assert!(matches!(err, RepairError::OtherProject(_)), "{err}");
    assert_eq!(snapshot(&fx.gomodcache), cache_before);

    // The good one: repaired; go got `--` before the label, in a private directory.
    let rr = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        std::slice::from_ref(&good_id),
        None,
        &opts(&fx),
        &CancelToken::new(),
    )
    .unwrap();
    let d = rr.download.as_ref().expect("go is installed");
    assert!(d.success, "{}\n{}", d.command, d.output);
    assert!(
        d.command.contains(&format!("mod download -- {good_id}")),
        "{}",
        d.command
    );
    let calls = std::fs::read_to_string(&log).unwrap();
    let args: Vec<&str> = calls
        .lines()
        .filter_map(|l| l.strip_prefix("arg="))
        .collect();
    assert_eq!(args, ["mod", "download", "--", good_id.as_str()], "{calls}");
    let cwd = calls.lines().find_map(|l| l.strip_prefix("cwd=")).unwrap();
    let mode = calls.lines().find_map(|l| l.strip_prefix("mode=")).unwrap();
    assert_eq!(mode, "700", "{calls}");
    assert_ne!(Path::new(cwd), std::fs::canonicalize(&canary).unwrap());
    assert_ne!(Path::new(cwd), predictable);
    assert!(
        !Path::new(cwd).exists(),
        "the private dir is removed afterwards"
    );
    // The canary and the planted link are untouched; the evil directory is still there.
    assert_eq!(snapshot(&canary), canary_before);
    assert_eq!(std::fs::read_link(&predictable).unwrap(), canary);
    std::fs::remove_file(&predictable).unwrap();
    assert!(evil.join("go.mod").is_file());
    assert!(!tree.join("sneaky.go").exists());
    // What it removed is in the audit log.
    let audit = audit::read(&fx.root.join("data/audit.jsonl")).unwrap();
    assert_eq!(audit.entries.len(), 1, "{audit:#?}");
    assert_eq!(
        audit.entries[0].targets,
        [Target::ModuleVersions {
            versions: vec![ModuleRef::new(&m.path, &m.version)]
        }]
    );
    assert_eq!(audit.entries[0].outcomes[0].path, tree);
    assert_eq!(audit.entries[0].outcomes[0].outcome, Outcome::Removed);
}

/// Runs `f` on a thread and waits at most `limit` for its answer: a hang fails the test
/// instead of blocking it forever.
fn within<T: Send + 'static>(limit: Duration, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("did not finish within {limit:?} ({e}): it hangs"))
}

fn mkfifo(p: &Path) {
    let st = Command::new("mkfifo").arg(p).status().unwrap();
    assert!(st.success(), "mkfifo {}", p.display());
}

#[test]
fn fifos_and_sockets_in_the_module_cache_do_not_hang_verify_and_are_counted() {
    let fx = small(false);
    let mut mods = fx.regular_modules();
    let m = mods.next().unwrap().clone();
    let other = mods.next().unwrap().clone();
    let tree = m.extracted_dir(&fx.gomodcache);
    chmod(&tree, 0o755);
    mkfifo(&tree.join("pipe"));
    // A socket: bound at a short path (sun_path is 108 bytes), then moved into the tree.
    let short = tempfile::Builder::new().prefix("s").tempdir().unwrap();
    let listener = std::os::unix::net::UnixListener::bind(short.path().join("s")).unwrap();
    std::fs::rename(short.path().join("s"), tree.join("sock")).unwrap();
    // A FIFO where another version's .ziphash should be.
    let ziphash = other.download_file(&fx.gomodcache, "ziphash");
    let dl = ziphash.parent().unwrap().to_path_buf();
    chmod(&dl, 0o755);
    std::fs::remove_file(&ziphash).unwrap();
    mkfifo(&ziphash);

    let rep = report(&fx);
    let r = within(Duration::from_secs(120), move || verify_all(&rep));
    drop(listener);
    let row = r
        .modules
        .iter()
        .find(|x| x.path == m.path && x.version == m.version)
        .unwrap();
    assert_eq!(row.status, Status::DirModified, "{row:#?}");
    let added: Vec<&str> = row
        .files
        .iter()
        .filter(|f| f.change == Change::Added)
        .map(|f| f.name.as_str())
        .collect();
    assert_eq!(added, ["pipe", "sock"], "{row:#?}");
    let o = r
        .modules
        .iter()
        .find(|x| x.path == other.path && x.version == other.version)
        .unwrap();
    assert!(o.status.is_broken(), "{o:#?}");
    assert!(
        o.findings
            .iter()
            .any(|f| f.message.contains("not a regular file")),
        "{o:#?}"
    );
    assert_eq!(r.special_files, 3, "{:#?}", r.problems);
    let mut special: Vec<PathBuf> = r
        .problems
        .iter()
        .filter(|p| p.id == "special-file")
        .filter_map(|p| p.path.clone())
        .collect();
    special.sort();
    let mut want = vec![tree.join("pipe"), tree.join("sock"), ziphash.clone()];
    want.sort();
    assert_eq!(special, want);
    // The JSON carries the count.
    let v = serde_json::to_value(&r).unwrap();
    assert_eq!(v["special_files"], 3);
    // Repair of both: the cache is whole again.
    let rep = report(&fx);
    let rr = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        &verify::broken_ids(&r),
        None,
        &opts(&fx),
        &CancelToken::new(),
    )
    .unwrap();
    assert!(rr.download.as_ref().is_some_and(|d| d.success), "{rr:#?}");
    let again = within(Duration::from_secs(120), move || verify_all(&rep));
    assert_eq!(again.special_files, 0, "{:#?}", again.problems);
    assert_eq!(again.broken, 0, "{:#?}", again.modules);
}

fn bad_name(prefix: &[u8]) -> OsString {
    let mut b = prefix.to_vec();
    b.extend_from_slice(b"bad\xff.go");
    OsString::from_vec(b)
}

/// Makes `path` immutable (`chattr +i`, root only) until dropped: deleting it fails, even as
/// root. `None` when that is not possible here.
struct Immutable(PathBuf);

impl Immutable {
    fn set(path: &Path) -> Option<Self> {
        let ok = Command::new("chattr")
            .arg("+i")
            .arg(path)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Self(path.to_path_buf()))
    }
}

impl Drop for Immutable {
    fn drop(&mut self) {
        let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
    }
}

fn clean_round(fx: &Fixture, targets: &[Target], quarantine: bool) -> (Plan, audit::Entry) {
    let rep = report(fx);
    let popts = PlanOptions {
        home: Some(fx.root.join("home")),
        now: None,
    };
    let cancel = CancelToken::new();
    let plan = clean::plan(&rep, targets, &popts, &cancel).unwrap();
    // The plan (with its non-UTF-8 entry paths) goes through JSON and back exactly.
    let json = serde_json::to_string(&plan).unwrap();
    assert_eq!(serde_json::from_str::<Plan>(&json).unwrap(), plan);
    let exec_opts = ExecOptions {
        quarantine,
        lock_timeout: Duration::from_secs(5),
        ..ExecOptions::default()
    };
    let (results, freed) = crate::execute_to_end(&rep, &plan, &exec_opts);
    let entry = audit::Entry {
        time: plan.created,
        targets: targets.to_vec(),
        bytes_freed: freed,
        outcomes: results,
        ended: None,
        automatic: None,
    };
    audit::append(&fx.root.join("data/audit.jsonl"), &entry).unwrap();
    (plan, entry)
}

fn entry_paths(plan: &Plan) -> Vec<PathBuf> {
    plan.items
        .iter()
        .flat_map(|i| match &i.action {
            clean::Action::Entries { entries } => entries.iter().map(|e| e.path.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

#[test]
fn non_utf8_names_survive_the_plan_the_results_and_the_audit_log() {
    let fx = small(true);
    let mods: Vec<ModuleVersion> = fx.regular_modules().cloned().collect();
    let log = fx.root.join("data/audit.jsonl");
    let mut written = Vec::new();
    for (round, quarantine) in [(0usize, false), (1, true)] {
        let m = &mods[round];
        let tree = m.extracted_dir(&fx.gomodcache);
        chmod(&tree, 0o755);
        let bad = tree.join(bad_name(b""));
        std::fs::write(&bad, "package x\n").unwrap();
        // A build-cache entry with such a name: its path is in the plan.
        let sub = fx.gocache.join(format!("0{round}"));
        std::fs::create_dir_all(&sub).unwrap();
        let bad_entry = sub.join(bad_name(b"e-"));
        std::fs::write(&bad_entry, "x").unwrap();
        let targets = [
            Target::ModuleVersion {
                path: m.path.clone(),
                version: m.version.clone(),
            },
            Target::BuildBudget { max_bytes: 0 },
        ];
        let (plan, entry) = clean_round(&fx, &targets, quarantine);
        assert!(entry_paths(&plan).contains(&bad_entry), "{plan:#?}");
        assert!(
            entry.outcomes.iter().all(|o| o.outcome == Outcome::Removed),
            "{entry:#?}"
        );
        assert!(!bad.exists() && !bad_entry.exists());
        assert!(!tree.exists());
        written.push(entry);
    }

    // A failure on such a file (immutable, so even root cannot delete it): its path is in
    // the result's detail, and the audit entry is still written and read back exactly.
    let m = &mods[2];
    let tree = m.extracted_dir(&fx.gomodcache);
    chmod(&tree, 0o755);
    let bad = tree.join(bad_name(b""));
    std::fs::write(&bad, "package x\n").unwrap();
    if let Some(guard) = Immutable::set(&bad) {
        let targets = [Target::ModuleVersion {
            path: m.path.clone(),
            version: m.version.clone(),
        }];
        let (_, entry) = clean_round(&fx, &targets, false);
        drop(guard);
        let failed = &entry.outcomes[0];
        assert_eq!(failed.outcome, Outcome::Failed, "{entry:#?}");
        let detail = failed.detail.as_ref().unwrap();
        assert!(
            detail.path.as_os_str().as_encoded_bytes().contains(&0xff),
            "{detail:#?}"
        );
        // The same result as JSON: the exact bytes, and a readable lossy form.
        let v = serde_json::to_value(failed).unwrap();
        assert!(
            v["detail"]["path"]["lossy"]
                .as_str()
                .unwrap()
                .contains("bad\u{fffd}.go"),
            "{v:#}"
        );
        written.push(entry);
    } else {
        // Only root can make a file immutable; as root (CI) it must work.
        use std::os::unix::fs::MetadataExt;
        let uid = std::fs::metadata("/proc/self").unwrap().uid();
        assert_ne!(
            uid, 0,
            "chattr +i failed as root: the failure case must run here"
        );
    }
    let read = audit::read(&log).unwrap();
    assert_eq!(read.bad_lines, 0);
    assert_eq!(read.entries, written);
}
