//! Issue #12 items 8 and 10, performed for real: the leftover purge against live quarantines
//! of another process, forged markers of another user and markers in a directory others can
//! write to; undo after Go refilled what was quarantined (a real `go mod download` from the
//! fixture's file:// proxy). Each test checks byte for byte that nothing was lost.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use gocache_core::CancelToken;
use gocache_core::clean::{
    self, ExecOptions, INNER_TRASH, NoCleanProgress, PlanOptions, ROOT_TRASH_PREFIX, Target,
};
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

use super::{go_ok, run_ok};

fn fixture() -> TempFixture {
    TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn go_path(fx: &Fixture) -> String {
    let go_dir = fx
        .go
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    format!("{go_dir}:/usr/bin:/bin")
}

/// Discovery in the fixture's environment, with `go env`.
fn report(fx: &Fixture) -> Report {
    let mut env = EnvMap::from_pairs(fx.go_env());
    env.set("PATH", go_path(fx));
    discover::discover(&env, &discover::Options::default())
}

fn popts(fx: &Fixture) -> PlanOptions {
    PlanOptions {
        home: Some(fx.root.join("home")),
        now: None,
    }
}

/// Every entry under `root`: kind, content (files and link targets) and mode.
type Snapshot = BTreeMap<PathBuf, (char, Vec<u8>, u32)>;

fn snapshot(root: &Path) -> Snapshot {
    fn walk(root: &Path, p: &Path, out: &mut Snapshot) {
        let md = std::fs::symlink_metadata(p).unwrap();
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        let mode = md.permissions().mode();
        if md.file_type().is_symlink() {
            let t = std::fs::read_link(p).unwrap();
            out.insert(rel, ('l', t.into_os_string().into_encoded_bytes(), 0));
        } else if md.is_dir() {
            out.insert(rel, ('d', Vec::new(), mode));
            for e in std::fs::read_dir(p).unwrap() {
                walk(root, &e.unwrap().path(), out);
            }
        } else {
            out.insert(rel, ('f', std::fs::read(p).unwrap(), mode));
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn trash_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(ROOT_TRASH_PREFIX) || n == INNER_TRASH)
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Another Go Cache Doctor instance holding a clean's quarantine (`gocache-hold-quarantine`).
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Holder {
    fn start(fx: &Fixture, targets: &[Target]) -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_gocache-hold-quarantine"))
            .arg("--home")
            .arg(fx.root.join("home"))
            .arg("--targets")
            .arg(serde_json::to_string(targets).unwrap())
            .env_clear()
            .envs(fx.go_env())
            .env("PATH", go_path(fx))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut h = Holder {
            child,
            stdin,
            stdout,
        };
        let held = h.line();
        assert_eq!(held["held"], true, "{held}");
        h
    }

    fn line(&mut self) -> serde_json::Value {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"))
    }

    fn command(&mut self, cmd: &str) -> serde_json::Value {
        writeln!(self.stdin.as_mut().unwrap(), "{cmd}").unwrap();
        let v = self.line();
        drop(self.stdin.take());
        assert!(self.child.wait().unwrap().success());
        v
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_live_quarantine_of_another_process_survives_the_leftover_purge() {
    let fx = fixture();
    let mod_before = snapshot(&fx.gomodcache);
    let build_before = snapshot(&fx.gocache);
    // Whole module cache (a sibling quarantine) and the build cache's entries (a quarantine
    // inside its root), held by another process in its undo window.
    let mut holder = Holder::start(&fx, &[Target::Modcache, Target::Build]);
    assert!(!fx.gomodcache.exists());
    let parent = fx.gomodcache.parent().unwrap();
    let held_names = trash_names(parent);
    assert_eq!(held_names.len(), 3, "trash, marker, lock: {held_names:?}");
    let inner_before = snapshot(&fx.gocache.join(INNER_TRASH));
    // This process starts and purges leftovers.
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert!(left.failed.is_empty(), "{left:?}");
    assert_eq!(left.skipped.len(), 2, "{left:?}");
    assert!(
        left.skipped.iter().all(|(_, why)| why.contains("in use")),
        "{left:?}"
    );
    assert_eq!(trash_names(parent), held_names);
    assert_eq!(snapshot(&fx.gocache.join(INNER_TRASH)), inner_before);
    // The holder can still undo everything, byte for byte.
    let undo = holder.command("undo");
    assert_eq!(undo["failures"], serde_json::json!([]), "{undo}");
    assert_eq!(undo["superseded"], 0, "{undo}");
    assert_eq!(snapshot(&fx.gomodcache), mod_before);
    assert_eq!(snapshot(&fx.gocache), build_before);
    assert!(trash_names(parent).is_empty());
    go_ok(&fx, &["mod", "verify"]);
}

#[test]
fn a_killed_holder_leaves_a_quarantine_purged_only_from_a_trusted_parent() {
    let fx = fixture();
    let holder = Holder::start(&fx, &[Target::Modcache, Target::Build]);
    drop(holder); // SIGKILL: no purge, no undo; the kernel releases its locks.
    let parent = fx.gomodcache.parent().unwrap().to_path_buf();
    let names = trash_names(&parent);
    assert_eq!(names.len(), 3, "{names:?}");
    let trashed = parent.join(
        names
            .iter()
            .find(|n| !n.ends_with(".json") && !n.ends_with(".lock"))
            .unwrap(),
    );
    let trashed_before = snapshot(&trashed);
    // Other users can write to the directory holding the marker: nothing there is trusted.
    for mode in [0o777, 0o770] {
        std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(mode)).unwrap();
        let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
        assert!(
            !left.purged.iter().any(|p| p.starts_with(&parent)),
            "{left:?}"
        );
        assert!(
            left.skipped
                .iter()
                .any(|(p, why)| p.starts_with(&parent) && why.contains("other users")),
            "{left:?}"
        );
        assert_eq!(trash_names(&parent), names);
        assert_eq!(snapshot(&trashed), trashed_before);
    }
    std::fs::set_permissions(&parent, std::fs::Permissions::from_mode(0o755)).unwrap();
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert!(left.skipped.is_empty(), "{left:?}");
    assert!(left.failed.is_empty(), "{left:?}");
    assert!(left.purged.contains(&trashed), "{left:?}");
    assert!(trash_names(&parent).is_empty());
    assert!(!fx.gocache.join(INNER_TRASH).exists());
    // Go fills the cache again.
    go_ok(&fx, &["mod", "download"]);
    go_ok(&fx, &["mod", "verify"]);
}

fn uid_of(name: &str) -> Option<u32> {
    let out = Command::new("id").arg("-u").arg(name).output().ok()?;
    if !out.status.success() {
        return None;
    }
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// A second real user (`gcd-other`), created with `useradd` when missing. `None` when the
/// test cannot run (not root, or `useradd` failed): skipped and counted, or failed when root is
/// required ([`gocache_tests::root`]).
fn other_user() -> Option<u32> {
    if !gocache_tests::root::require_root("to create and chown to a second user (gcd-other)") {
        return None;
    }
    if let Some(uid) = uid_of("gcd-other") {
        return Some(uid);
    }
    let mut cmd = Command::new("useradd");
    cmd.args(["-M", "-s", "/usr/sbin/nologin", "gcd-other"]);
    let out = cmd.output();
    // Another test may have created it at the same moment.
    let uid = uid_of("gcd-other");
    if uid.is_none() {
        gocache_tests::root::cannot_run(&format!("useradd gcd-other failed: {out:?}"));
    }
    uid
}

fn chown_r(path: &Path, uid: u32) {
    let mut cmd = Command::new("chown");
    cmd.arg("-R").arg(uid.to_string()).arg(path);
    run_ok(cmd);
}

fn canary(dir: &Path) {
    std::fs::create_dir_all(dir.join("sub/deeper")).unwrap();
    std::fs::write(dir.join("precious.txt"), "the other user's data\n").unwrap();
    std::fs::write(dir.join("sub/deeper/key"), [0_u8, 1, 2, 255]).unwrap();
    std::os::unix::fs::symlink("../precious.txt", dir.join("sub/link")).unwrap();
}

fn marker(original: &Path, trashed: &Path) -> String {
    serde_json::json!({
        "original": original,
        "trashed": trashed,
        "pid": 999_999_999_u32,
        "time": 0,
    })
    .to_string()
}

#[test]
fn forged_quarantines_of_another_user_are_never_purged() {
    let Some(other) = other_user() else {
        return;
    };
    let fx = fixture();
    let parent = fx.gomodcache.parent().unwrap().to_path_buf();
    // 1. A marker and trash dir owned by the other user, naming a copy of their data.
    let victim1 = parent.join(format!("{ROOT_TRASH_PREFIX}x"));
    canary(&victim1);
    let marker1 = parent.join(format!("{ROOT_TRASH_PREFIX}x.json"));
    std::fs::write(&marker1, marker(&fx.gomodcache, &victim1)).unwrap();
    chown_r(&victim1, other);
    chown_r(&marker1, other);
    // 2. A marker of ours naming the other user's directory next to it.
    let victim2 = parent.join(format!("{ROOT_TRASH_PREFIX}y"));
    canary(&victim2);
    chown_r(&victim2, other);
    std::fs::write(
        parent.join(format!("{ROOT_TRASH_PREFIX}y.json")),
        marker(&fx.gomodcache, &victim2),
    )
    .unwrap();
    // 3. A directory of the other user inside the build cache's quarantine directory.
    let victim3 = fx.gocache.join(INNER_TRASH).join("1-2-3");
    canary(&victim3);
    chown_r(&victim3, other);
    let before: Vec<Snapshot> = [&victim1, &victim2, &victim3]
        .iter()
        .map(|v| snapshot(v))
        .collect();
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert_eq!(left.skipped.len(), 3, "{left:?}");
    assert!(
        left.skipped
            .iter()
            .all(|(_, why)| why.contains("another user")),
        "{left:?}"
    );
    for (v, b) in [&victim1, &victim2, &victim3].iter().zip(&before) {
        assert_eq!(&snapshot(v), b, "{} changed", v.display());
        assert_eq!(std::fs::symlink_metadata(v).unwrap().uid(), other);
    }
    assert_eq!(std::fs::metadata(&marker1).unwrap().uid(), other);
    // The owner check is what kept them: once they are ours, the same purge takes them.
    for v in [&victim1, &marker1, &victim2, &victim3] {
        chown_r(v, 0);
    }
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert_eq!(left.purged.len(), 3, "{left:?}");
    assert!(trash_names(&parent).is_empty());
}

fn inode(p: &Path) -> u64 {
    std::fs::symlink_metadata(p).unwrap().ino()
}

/// Go's own files that may differ after an undo into a recreated root: lock files (created on
/// use, empty) and the `cache/lock` side lock.
fn without_go_locks(mut s: Snapshot) -> Snapshot {
    s.retain(|p, _| !(p.extension().is_some_and(|e| e == "lock") || p == Path::new("cache/lock")));
    s
}

#[test]
fn undo_after_go_recreated_the_module_cache_merges_and_keeps_the_new_download() {
    let fx = fixture();
    let m = fx.required_version();
    let before = without_go_locks(snapshot(&fx.gomodcache));
    let r = report(&fx);
    let plan = clean::plan(&r, &[Target::Modcache], &popts(&fx), &CancelToken::new()).unwrap();
    let exec = clean::execute(
        &r,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!fx.gomodcache.exists());
    // In the undo window, Go recreates the module cache with one module version.
    go_ok(
        &fx,
        &["mod", "download", &format!("{}@{}", m.path, m.version)],
    );
    let new_dir = m.extracted_dir(&fx.gomodcache);
    let new_zip = m.download_file(&fx.gomodcache, "zip");
    let new_tree = snapshot(&new_dir);
    let (dir_ino, zip_ino) = (inode(&new_dir), inode(&new_zip));
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert!(undo.superseded >= 5, "the new download is kept: {undo:?}");
    assert!(undo.restored > fx.modules.len(), "{undo:?}");
    // Go's new copy was not replaced...
    assert_eq!(inode(&new_dir), dir_ino);
    assert_eq!(inode(&new_zip), zip_ino);
    assert_eq!(snapshot(&new_dir), new_tree);
    // ...and every old version is back, byte for byte, with `list` as Go writes it.
    let after = without_go_locks(snapshot(&fx.gomodcache));
    assert_eq!(after, before);
    assert!(trash_names(fx.gomodcache.parent().unwrap()).is_empty());
    go_ok(&fx, &["mod", "verify"]);
    let mut build = fx.go_command(["build", "./..."]);
    build.env("GOPROXY", "off");
    run_ok(build);
}

#[test]
fn undo_of_a_version_go_downloaded_again_keeps_the_new_copy() {
    let fx = fixture();
    let m = fx.required_version();
    let r = report(&fx);
    let targets = [Target::ModuleVersion {
        path: m.path.clone(),
        version: m.version.clone(),
    }];
    let plan = clean::plan(&r, &targets, &popts(&fx), &CancelToken::new()).unwrap();
    let exec = clean::execute(
        &r,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    let dir = m.extracted_dir(&fx.gomodcache);
    assert!(!dir.exists());
    go_ok(
        &fx,
        &["mod", "download", &format!("{}@{}", m.path, m.version)],
    );
    let new_tree = snapshot(&dir);
    let zip = m.download_file(&fx.gomodcache, "zip");
    let (dir_ino, zip_ino) = (inode(&dir), inode(&zip));
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert_eq!(undo.restored, 0, "{undo:?}");
    assert!(undo.superseded >= 4, "{undo:?}");
    assert_eq!(inode(&dir), dir_ino);
    assert_eq!(inode(&zip), zip_ino);
    assert_eq!(snapshot(&dir), new_tree);
    assert!(!m.download_file(&fx.gomodcache, "partial").exists());
    assert!(!fx.gomodcache.join(INNER_TRASH).exists(), "old copy purged");
    go_ok(&fx, &["mod", "verify"]);
}
