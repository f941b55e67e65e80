//! Unit tests on temporary trees shaped like Go's caches (the real-Go tests are in
//! tests/integration/clean_core.rs).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::*;
use crate::discover::{self, Report};
use crate::env::EnvMap;

struct Tmp {
    _dir: tempfile::TempDir,
    base: PathBuf,
    home: PathBuf,
    modcache: PathBuf,
    gocache: PathBuf,
    gopath: PathBuf,
}

fn tmp() -> Tmp {
    let dir = tempfile::tempdir().unwrap();
    let base = fs::canonicalize(dir.path()).unwrap();
    let home = base.join("home");
    let gopath = home.join("go");
    let modcache = gopath.join("pkg/mod");
    let gocache = home.join(".cache/go-build");
    // As Go leaves them: a module cache has cache/download, a build cache Go's README.
    fs::create_dir_all(modcache.join("cache/download")).unwrap();
    fs::create_dir_all(&gocache).unwrap();
    fs::write(
        gocache.join("README"),
        "This directory holds cached build artifacts from the Go build system.\n",
    )
    .unwrap();
    Tmp {
        _dir: dir,
        base,
        home,
        modcache,
        gocache,
        gopath,
    }
}

fn report_with(t: &Tmp, extra: &[(&str, &Path)]) -> Report {
    let mut env = EnvMap::from_pairs([
        ("HOME", t.home.display().to_string()),
        ("GOPATH", t.gopath.display().to_string()),
        ("GOMODCACHE", t.modcache.display().to_string()),
        ("GOCACHE", t.gocache.display().to_string()),
        ("GOENV", "off".to_owned()),
    ]);
    for (k, v) in extra {
        env.set(*k, v.display().to_string());
    }
    discover::discover(
        &env,
        &discover::Options {
            run_go: false,
            search_install_locations: false,
            ..discover::Options::default()
        },
    )
}

fn popts(t: &Tmp) -> PlanOptions {
    PlanOptions {
        home: Some(t.home.clone()),
        now: None,
    }
}

#[cfg(unix)]
fn chmod(p: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
}

/// Writes a module version as Go leaves it: a read-only extracted tree plus download files.
fn add_version(modcache: &Path, escpath: &str, escver: &str) {
    let dir = modcache.join(format!("{escpath}@{escver}"));
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("go.mod"), format!("module {escpath}\n")).unwrap();
    fs::write(dir.join("sub/a.go"), "package sub\n").unwrap();
    #[cfg(unix)]
    {
        chmod(&dir.join("go.mod"), 0o444);
        chmod(&dir.join("sub/a.go"), 0o444);
        chmod(&dir.join("sub"), 0o555);
        chmod(&dir, 0o555);
    }
    let dl = modcache.join("cache/download").join(escpath).join("@v");
    fs::create_dir_all(&dl).unwrap();
    for ext in ["info", "mod", "zip", "ziphash", "lock"] {
        fs::write(
            dl.join(format!("{escver}.{ext}")),
            format!("{escver} {ext}"),
        )
        .unwrap();
    }
    fs::write(dl.join(format!("{escver}.zip123.tmp")), "tmp").unwrap();
}

/// Every path under `root` with its size and (for files) content, for before/after equality.
fn snapshot(root: &Path) -> BTreeMap<PathBuf, (bool, Vec<u8>, u32)> {
    let mut out = BTreeMap::new();
    fn walk(root: &Path, p: &Path, out: &mut BTreeMap<PathBuf, (bool, Vec<u8>, u32)>) {
        let md = fs::symlink_metadata(p).unwrap();
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            md.permissions().mode()
        };
        #[cfg(not(unix))]
        let mode = 0;
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        if md.is_dir() {
            out.insert(rel, (true, Vec::new(), mode));
            for e in fs::read_dir(p).unwrap() {
                walk(root, &e.unwrap().path(), out);
            }
        } else if md.file_type().is_symlink() {
            let target = fs::read_link(p).unwrap();
            out.insert(
                rel,
                (false, target.to_string_lossy().as_bytes().to_vec(), 0),
            );
        } else {
            out.insert(rel, (false, fs::read(p).unwrap(), mode));
        }
    }
    walk(root, root, &mut out);
    out
}

#[test]
fn module_version_goes_under_go_protocol_and_list_is_rewritten() {
    let t = tmp();
    add_version(&t.modcache, "example.com/!foo", "v1.0.0");
    add_version(&t.modcache, "example.com/!foo", "v1.1.0");
    add_version(&t.modcache, "example.com/!foo", "v1.0.0-!r!c1");
    add_version(&t.modcache, "example.com/!foo/sub", "v0.1.0");
    let dl = t.modcache.join("cache/download/example.com/!foo/@v");
    fs::write(dl.join("list"), "v1.0.0\nv1.1.0\n").unwrap();
    let report = report_with(&t, &[]);
    let target = Target::ModuleVersion {
        path: "example.com/Foo".into(),
        version: "v1.1.0".into(),
    };
    let plan = plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap();
    assert_eq!(plan.items.len(), 1);
    let item = &plan.items[0];
    assert_eq!(item.path, t.modcache.join("example.com/!foo@v1.1.0"));
    // 2 tree files + info, mod, zip, ziphash, tmp.
    assert_eq!(item.files, 7);
    assert!(item.bytes > 0);

    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Removed);
    assert!(!item.path.exists());
    for ext in ["info", "mod", "zip", "ziphash", "zip123.tmp", "partial"] {
        assert!(!dl.join(format!("v1.1.0.{ext}")).exists(), "{ext} left");
    }
    assert!(dl.join("v1.1.0.lock").exists(), "Go's lock files persist");
    // Escaped pre-releases are not canonical, so Go leaves them out of `list` too.
    assert_eq!(fs::read_to_string(dl.join("list")).unwrap(), "v1.0.0\n");
    // Other versions and the nested module are untouched.
    assert!(t.modcache.join("example.com/!foo@v1.0.0/sub/a.go").exists());
    assert!(
        t.modcache
            .join("example.com/!foo/sub@v0.1.0/go.mod")
            .exists()
    );
    let rep = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    assert_eq!(rep.bytes_freed, item.bytes);
    assert!(!t.modcache.join(INNER_TRASH).exists());
}

#[test]
fn all_versions_of_a_module_then_empty_parents_go() {
    let t = tmp();
    add_version(&t.modcache, "example.com/only/mod", "v1.0.0");
    add_version(&t.modcache, "example.com/only/mod", "v2.0.0+incompatible");
    add_version(&t.modcache, "example.com/other", "v1.0.0");
    let report = report_with(&t, &[]);
    let target = Target::Module {
        path: "example.com/only/mod".into(),
    };
    let plan = plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap();
    let labels: Vec<&str> = plan.items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(
        labels,
        [
            "example.com/only/mod@v1.0.0",
            "example.com/only/mod@v2.0.0+incompatible"
        ]
    );
    let exec = execute(
        &report,
        &plan,
        &ExecOptions {
            quarantine: false,
            ..ExecOptions::default()
        },
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(
        exec.results
            .iter()
            .all(|r| r.outcome == Outcome::Removed && r.in_place)
    );
    assert!(exec.quarantine.is_empty());
    assert!(
        !t.modcache.join("example.com/only").exists(),
        "empty parents removed"
    );
    assert!(t.modcache.join("example.com/other@v1.0.0").exists());
    let list = t
        .modcache
        .join("cache/download/example.com/only/mod/@v/list");
    assert_eq!(fs::read_to_string(list).unwrap(), "");
}

#[test]
fn undo_restores_byte_identical_tree_and_modes() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    add_version(&t.modcache, "example.com/b", "v1.0.0");
    fs::create_dir_all(t.modcache.join("cache/vcs/abc")).unwrap();
    fs::write(t.modcache.join("cache/vcs/abc/HEAD"), "ref").unwrap();
    let before = snapshot(&t.modcache);
    let report = report_with(&t, &[]);
    let targets = [
        Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.0.0".into(),
        },
        Target::Vcs,
    ];
    let plan = plan(&report, &targets, &popts(&t), &CancelToken::new()).unwrap();
    assert_eq!(plan.items.len(), 2);
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(
        exec.results
            .iter()
            .all(|r| r.outcome == Outcome::Removed && !r.in_place)
    );
    assert!(!t.modcache.join("example.com/a@v1.0.0").exists());
    assert!(!t.modcache.join("cache/vcs").exists());
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    // The lock file Go would create and `list` (rewritten) are the only differences allowed.
    let mut after = snapshot(&t.modcache);
    after.retain(|p, _| !p.ends_with("list"));
    let mut before = before;
    before.retain(|p, _| !p.ends_with("list"));
    assert_eq!(before, after);
}

#[test]
fn whole_root_quarantine_then_purge_and_leftovers() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let report = report_with(&t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(plan.items[0].action, Action::Root);
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!t.modcache.exists(), "gone for Go at once");
    let parent = t.modcache.parent().unwrap();
    let names: Vec<String> = fs::read_dir(parent)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "trash dir, its marker and lock: {names:?}");
    assert!(names.iter().all(|n| n.starts_with(ROOT_TRASH_PREFIX)));
    assert_eq!(names.iter().filter(|n| n.ends_with(".json")).count(), 1);
    assert_eq!(names.iter().filter(|n| n.ends_with(".lock")).count(), 1);
    // Simulate a crash: the quarantine is dropped without purge or undo.
    drop(exec);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert_eq!(left.purged.len(), 1, "{left:?}");
    assert_eq!(fs::read_dir(parent).unwrap().count(), 0);
}

#[test]
fn leftovers_without_marker_are_never_touched() {
    let t = tmp();
    let parent = t.modcache.parent().unwrap();
    let stranger = parent.join(format!("{ROOT_TRASH_PREFIX}not-ours"));
    fs::create_dir_all(&stranger).unwrap();
    fs::write(stranger.join("precious"), "x").unwrap();
    let inner = t.gocache.join(INNER_TRASH).join("1-2-3/0");
    fs::create_dir_all(&inner).unwrap();
    let report = report_with(&t, &[]);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert!(stranger.join("precious").exists());
    assert_eq!(left.purged, [t.gocache.join(INNER_TRASH).join("1-2-3")]);
    assert!(!t.gocache.join(INNER_TRASH).exists());
}

#[cfg(unix)]
#[test]
fn symlinks_are_removed_not_followed() {
    let t = tmp();
    let outside = t.base.join("outside");
    fs::create_dir_all(&outside).unwrap();
    fs::write(outside.join("keep.txt"), "keep").unwrap();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let vdir = t.modcache.join("example.com/a@v1.0.0");
    chmod(&vdir, 0o755);
    std::os::unix::fs::symlink(&outside, vdir.join("link-dir")).unwrap();
    std::os::unix::fs::symlink(outside.join("keep.txt"), vdir.join("link-file")).unwrap();
    chmod(&vdir, 0o555);
    chmod(&outside, 0o555);
    let report = report_with(&t, &[]);
    for quarantine in [true, false] {
        let plan = plan(
            &report,
            &[Target::Modcache],
            &popts(&t),
            &CancelToken::new(),
        );
        let Ok(plan) = plan else {
            break;
        };
        if plan.items.is_empty() {
            break;
        }
        let exec = execute(
            &report,
            &plan,
            &ExecOptions {
                quarantine,
                ..ExecOptions::default()
            },
            &NoCleanProgress,
            &CancelToken::new(),
        )
        .unwrap();
        let _ = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    }
    assert!(!t.modcache.exists());
    assert_eq!(
        fs::read_to_string(outside.join("keep.txt")).unwrap(),
        "keep"
    );
    chmod(&outside, 0o755);
}

#[test]
fn a_symlink_inside_a_root_cannot_lead_a_target_out() {
    let t = tmp();
    let outside = t.base.join("outside/mod");
    fs::create_dir_all(outside.join("x@v1.0.0")).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(t.base.join("outside/mod"), t.modcache.join("evil.com")).unwrap();
    #[cfg(unix)]
    {
        let report = report_with(&t, &[]);
        let target = Target::ModuleVersion {
            path: "evil.com/x".into(),
            version: "v1.0.0".into(),
        };
        let err = plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap_err();
        assert!(err.to_string().contains("symlink"), "{err}");
        assert!(outside.join("x@v1.0.0").exists());
    }
    let bad = safety::check_inside(&t.modcache, &t.base.join("elsewhere"));
    assert!(bad.is_err());
    let dotdot = safety::check_inside(&t.modcache, &t.modcache.join("a/../../x"));
    assert!(dotdot.is_err());
}

#[test]
fn wrong_looking_roots_are_refused() {
    let t = tmp();
    let plan_for = |extra: &[(&str, &Path)], target: Target| {
        let report = report_with(&t, extra);
        plan(&report, &[target], &popts(&t), &CancelToken::new())
    };
    // A file-system root of the host (`/` is not absolute on Windows).
    let root = Path::new(if cfg!(windows) { r"C:\" } else { "/" });
    let e = plan_for(&[("GOMODCACHE", root)], Target::Modcache).unwrap_err();
    assert!(e.to_string().contains("file-system root"), "{e}");
    let e = plan_for(&[("GOMODCACHE", &t.home)], Target::Modcache).unwrap_err();
    assert!(e.to_string().contains("home directory"), "{e}");
    let goroot = t.base.join("goroot");
    fs::create_dir_all(goroot.join("src")).unwrap();
    let e = plan_for(&[("GOROOT", &goroot), ("GOCACHE", &goroot)], Target::Build).unwrap_err();
    assert!(e.to_string().contains("GOROOT"), "{e}");
    // The running toolchain downloaded into the module cache: allowed, with a warning.
    let tc = t
        .modcache
        .join("golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64");
    fs::create_dir_all(tc.join("src")).unwrap();
    let p = plan_for(&[("GOROOT", &tc)], Target::Modcache).unwrap();
    assert_eq!(p.items.len(), 1);
    assert!(
        p.warnings[0].contains("running Go toolchain"),
        "{:?}",
        p.warnings
    );
    let p = plan_for(&[("GOROOT", &tc)], Target::Toolchains).unwrap();
    assert!(p.items.is_empty());
    assert_eq!(p.skipped[0].cause, CauseKind::InUse);
    let project = t.base.join("project");
    fs::create_dir_all(&project).unwrap();
    fs::write(project.join("go.mod"), "module p\n").unwrap();
    let e = plan_for(&[("GOCACHE", &project)], Target::Build).unwrap_err();
    assert!(e.to_string().contains("go.mod"), "{e}");
    let repo = t.base.join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let e = plan_for(&[("GOMODCACHE", &repo)], Target::Modcache).unwrap_err();
    assert!(e.to_string().contains(".git"), "{e}");
    fs::create_dir_all(t.gopath.join("src")).unwrap();
    let e = plan_for(&[("GOMODCACHE", &t.gopath)], Target::Modcache).unwrap_err();
    assert!(e.to_string().contains("src/"), "{e}");
    assert!(project.join("go.mod").exists() && goroot.join("src").exists());
}

fn touch_old(p: &Path, age_secs: u64) {
    let f = fs::File::options().write(true).open(p).unwrap();
    let t = std::time::SystemTime::now() - Duration::from_secs(age_secs);
    f.set_modified(t).unwrap();
}

fn build_cache(t: &Tmp) {
    for (d, name, age) in [
        ("00", "00aa-a", 0),
        ("00", "00bb-d", 10 * 86_400),
        ("ff", "ffcc-d", 3 * 86_400),
    ] {
        let dir = t.gocache.join(d);
        fs::create_dir_all(&dir).unwrap();
        fs::write(dir.join(name), vec![b'x'; 1000]).unwrap();
        touch_old(&dir.join(name), age);
    }
    fs::create_dir_all(t.gocache.join("fuzz/example.com/p/FuzzX")).unwrap();
    fs::write(t.gocache.join("fuzz/example.com/p/FuzzX/abc"), "corpus").unwrap();
    // Go's README is already there (tmp()); its other top-level files:
    for f in ["trim.txt", "testexpire.txt", "log.txt"] {
        fs::write(t.gocache.join(f), "1\n").unwrap();
    }
}

fn run(t: &Tmp, targets: &[Target]) -> (Plan, Vec<ItemResult>) {
    let report = report_with(t, &[]);
    let plan = plan(&report, targets, &popts(t), &CancelToken::new()).unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    let purge = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    let (results, _) = finish(exec.results, &purge);
    (plan, results)
}

#[test]
fn build_cache_clean_keeps_what_go_clean_keeps() {
    let t = tmp();
    build_cache(&t);
    let (plan, results) = run(&t, &[Target::Build, Target::Test]);
    assert_eq!(
        plan.items.len(),
        1,
        "test cache is covered by the build clean"
    );
    assert_eq!(plan.items[0].files, 4, "3 entries + log.txt");
    assert_eq!(results[0].outcome, Outcome::Removed);
    let mut left: Vec<String> = fs::read_dir(&t.gocache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    left.sort();
    assert_eq!(left, ["README", "fuzz", "testexpire.txt", "trim.txt"]);
}

#[test]
fn build_trim_by_age_and_budget() {
    let t = tmp();
    build_cache(&t);
    let (plan, _) = run(&t, &[Target::BuildOlderThan { days: 5.0 }]);
    assert_eq!(plan.items[0].files, 1);
    assert!(!t.gocache.join("00/00bb-d").exists());
    assert!(t.gocache.join("00/00aa-a").exists() && t.gocache.join("ff/ffcc-d").exists());
    // Budget 1500 bytes: the oldest remaining entry (3 days) goes, the newest stays.
    let (plan, _) = run(&t, &[Target::BuildBudget { max_bytes: 1500 }]);
    assert_eq!(plan.items[0].bytes, 1000);
    assert!(!t.gocache.join("ff/ffcc-d").exists());
    assert!(t.gocache.join("00/00aa-a").exists());
    let (_, _) = run(&t, &[Target::Fuzz]);
    assert!(!t.gocache.join("fuzz").exists());
    assert!(t.gocache.join("README").exists());
}

#[test]
fn an_output_referenced_by_a_recent_action_entry_is_not_trimmed() {
    // Go does not touch an output it writes again with the same content: the action entry
    // is new, its output old. Trimming by the output's own mtime loses the result.
    let t = tmp();
    let out_id = format!("ab{}", "1".repeat(62));
    let unref_id = format!("ab{}", "2".repeat(62));
    let dir = t.gocache.join("ab");
    fs::create_dir_all(&dir).unwrap();
    let action = dir.join(format!("ab{}-a", "3".repeat(62)));
    fs::write(
        &action,
        format!("v1 ab{} {out_id} {:>20} {:>20}\n", "3".repeat(62), 500, 1),
    )
    .unwrap();
    for id in [&out_id, &unref_id] {
        let d = dir.join(format!("{id}-d"));
        fs::write(&d, vec![b'x'; 500]).unwrap();
        touch_old(&d, 10 * 86_400);
    }
    let (plan, _) = run(&t, &[Target::BuildOlderThan { days: 5.0 }]);
    assert_eq!(plan.items[0].files, 1, "{plan:?}");
    assert!(dir.join(format!("{out_id}-d")).exists());
    assert!(!dir.join(format!("{unref_id}-d")).exists());
    // A budget takes the unreferenced old output before the recent entry's output.
    fs::write(dir.join(format!("{unref_id}-d")), vec![b'x'; 500]).unwrap();
    touch_old(&dir.join(format!("{unref_id}-d")), 10 * 86_400);
    let (_, _) = run(&t, &[Target::BuildBudget { max_bytes: 1000 }]);
    assert!(dir.join(format!("{out_id}-d")).exists());
    assert!(!dir.join(format!("{unref_id}-d")).exists());
}

#[test]
fn testexpire_only_moves_forward_and_respects_the_lock() {
    let t = tmp();
    let file = t.gocache.join("testexpire.txt");
    let (_, results) = run(&t, &[Target::Test]);
    assert_eq!(results[0].outcome, Outcome::Removed);
    let text = fs::read_to_string(&file).unwrap();
    assert!(text.ends_with('\n'));
    let v: i64 = text.trim().parse().unwrap();
    assert!(v > 1_700_000_000_000_000_000);
    // A value in the future is kept.
    fs::write(&file, "9000000000000000000\n").unwrap();
    run(&t, &[Target::Test]);
    assert_eq!(fs::read_to_string(&file).unwrap(), "9000000000000000000\n");
    // Held by another open file description: waits, then fails as locked.
    let held = modver::lock_file(&file, Duration::ZERO, &CancelToken::new()).unwrap();
    let err = build::expire_tests(&t.gocache, Duration::from_millis(100), &CancelToken::new())
        .unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::WouldBlock);
    drop(held);
    assert!(
        build::expire_tests(&t.gocache, Duration::from_millis(100), &CancelToken::new()).is_ok()
    );
}

#[test]
fn a_held_version_lock_fails_cleanly_then_retry_works() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let lock = t
        .modcache
        .join("cache/download/example.com/a/@v/v1.0.0.lock");
    let held = modver::lock_file(&lock, Duration::ZERO, &CancelToken::new()).unwrap();
    let report = report_with(&t, &[]);
    let target = Target::ModuleVersion {
        path: "example.com/a".into(),
        version: "v1.0.0".into(),
    };
    let plan = plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap();
    let opts = ExecOptions {
        lock_timeout: Duration::from_millis(150),
        ..ExecOptions::default()
    };
    let exec = execute(&report, &plan, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Failed);
    assert_eq!(exec.results[0].cause, Some(CauseKind::Locked));
    assert!(t.modcache.join("example.com/a@v1.0.0/go.mod").exists());
    assert!(
        !t.modcache
            .join("cache/download/example.com/a/@v/v1.0.0.partial")
            .exists()
    );
    drop(held);
    let exec = execute(&report, &plan, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Removed);
    assert!(!t.modcache.join("example.com/a@v1.0.0").exists());
}

#[test]
fn keep_mod_files_keeps_the_module_graph_files() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let report = report_with(&t, &[]);
    let target = Target::ModuleVersions {
        versions: vec![ModuleRef {
            keep_mod_files: true,
            ..ModuleRef::new("example.com/a", "v1.0.0")
        }],
    };
    run(&t, &[target]);
    let dl = t.modcache.join("cache/download/example.com/a/@v");
    assert!(!t.modcache.join("example.com/a@v1.0.0").exists());
    assert!(!dl.join("v1.0.0.zip").exists() && !dl.join("v1.0.0.ziphash").exists());
    assert!(dl.join("v1.0.0.mod").exists() && dl.join("v1.0.0.info").exists());
    assert_eq!(fs::read_to_string(dl.join("list")).unwrap(), "v1.0.0\n");
    drop(report);
}

#[test]
fn execute_refuses_a_tampered_plan() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let report = report_with(&t, &[]);
    let mut p = plan(
        &report,
        &[Target::Modcache],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    let json = serde_json::to_string(&p).unwrap();
    let back: Plan = serde_json::from_str(&json).unwrap();
    assert_eq!(back, p, "plans round-trip through JSON");
    p.items[0].root = t.home.clone();
    p.items[0].path = t.home.clone();
    let e = execute(
        &report,
        &p,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    );
    assert!(e.is_err());
    assert!(t.home.exists() && t.modcache.exists());
}

#[cfg(unix)]
#[test]
fn causes_are_classified_with_owner_and_fix() {
    let path = Path::new("/");
    let e = std::io::Error::from_raw_os_error(libc::EACCES);
    let (k, d) = remove::failure(path, &e, Path::new("/home/u/go/pkg/mod"));
    assert_eq!(k, CauseKind::Permission);
    let owner = d.owner.unwrap();
    assert_eq!(owner.uid, Some(0));
    assert_eq!(owner.name.as_deref(), Some("root"));
    let fix = d.fix.unwrap();
    // As root (the CI machine), "/" is ours: chmod; for another owner it is chown.
    if owner.is_current_user {
        assert_eq!(fix, "chmod -R u+rwX '/home/u/go/pkg/mod'");
    } else {
        assert_eq!(fix, "sudo chown -R \"$(id -un)\" '/home/u/go/pkg/mod'");
    }
    let cases = [
        (libc::EROFS, CauseKind::ReadOnlyFs),
        (libc::ENAMETOOLONG, CauseKind::PathTooLong),
        (libc::ENOENT, CauseKind::Vanished),
        (libc::EIO, CauseKind::Other),
    ];
    for (code, want) in cases {
        let e = std::io::Error::from_raw_os_error(code);
        assert_eq!(remove::failure(path, &e, path).0, want, "errno {code}");
    }
}

/// Linux: "Operation not permitted" keeps the ownership explanation and fix; no cause
/// beyond the owner is reported (macOS' file flags, SIP and privacy protection do not exist).
#[cfg(target_os = "linux")]
#[test]
fn linux_eperm_keeps_the_ownership_fix() {
    let e = std::io::Error::from_raw_os_error(libc::EPERM);
    let (k, d) = remove::failure(Path::new("/"), &e, Path::new("/home/u/go/pkg/mod"));
    assert_eq!(k, CauseKind::Permission);
    assert_eq!(d.perm_cause, None);
    let fix = d.fix.unwrap_or_default();
    assert!(
        fix == "chmod -R u+rwX '/home/u/go/pkg/mod'"
            || fix == "sudo chown -R \"$(id -un)\" '/home/u/go/pkg/mod'",
        "{fix}"
    );
}

/// Linux with a real immutable file (`chattr +i`, which makes unlink fail with EPERM even for
/// root): the removal reports the ownership cause and command as before, and no macOS cause.
/// Skipped where `chattr` cannot set the flag (not root, a file system without it).
#[cfg(target_os = "linux")]
#[test]
fn linux_immutable_file_keeps_the_ownership_explanation() {
    let t = tmp();
    let root = t.modcache.join("example.com/m@v1.0.0");
    fs::create_dir_all(&root).unwrap();
    let locked = root.join("go.mod");
    fs::write(&locked, "module example.com/m\n").unwrap();
    let chattr = |flag: &str| {
        std::process::Command::new("chattr")
            .arg(flag)
            .arg(&locked)
            .status()
            .is_ok_and(|s| s.success())
    };
    if !chattr("+i") {
        return;
    }
    let errs = remove::remove_tree(&root, &CancelToken::new());
    let failure = remove::failure_of(&errs, &t.modcache);
    assert!(chattr("-i"), "could not clear the flag again");
    let (k, d) = failure.unwrap_or_else(|| panic!("the immutable file was removed"));
    assert_eq!(k, CauseKind::Permission);
    assert_eq!(d.path, locked);
    assert_eq!(d.perm_cause, None);
    assert!(
        d.fix
            .as_deref()
            .is_some_and(|f| f.starts_with("chmod -R u+rwX '") || f.starts_with("sudo chown -R ")),
        "{:?}",
        d.fix
    );
    assert!(locked.exists());
}

/// The clean report's cause and fix for a permission failure, from the facts macOS gives
/// (issue #13): chflags on the cache root for user flags, advice for SIP and privacy
/// protection, the ownership command otherwise (and where the OS has no facts).
#[test]
fn permission_fix_per_cause() {
    use crate::eperm::{self, PermCause, PermFacts};
    let root = Path::new("/Users/ann/Library/Caches/go build");
    let path = root.join("00/0a1b-d");
    assert_eq!(remove::permission_fix(None, &path, root), (None, None));
    let facts = |flags, privacy_protected| PermFacts {
        eperm: true,
        flags,
        owner_is_user: true,
        privacy_protected,
        ..PermFacts::default()
    };
    assert_eq!(
        remove::permission_fix(Some(facts(eperm::UF_IMMUTABLE, true)), &path, root),
        (
            Some(PermCause::UserImmutable),
            Some("chflags -R nouchg '/Users/ann/Library/Caches/go build'".to_owned())
        )
    );
    assert_eq!(
        remove::permission_fix(Some(facts(0, true)), &path, root),
        (
            Some(PermCause::PrivacyDenied),
            Some(eperm::PRIVACY_ADVICE.to_owned())
        )
    );
    assert_eq!(
        remove::permission_fix(Some(facts(eperm::SF_RESTRICTED, true)), &path, root),
        (
            Some(PermCause::SipRestricted),
            Some(eperm::SIP_ADVICE.to_owned())
        )
    );
    assert_eq!(
        remove::permission_fix(Some(facts(0, false)), &path, root),
        (Some(PermCause::Ownership), None)
    );
    // The report carries the cause; audit lines written before it existed still read.
    let mut d = CauseDetail::message(&path, "Operation not permitted (os error 1)");
    d.perm_cause = Some(PermCause::UserImmutable);
    let json = serde_json::to_value(&d).unwrap_or_default();
    assert_eq!(json["perm_cause"], "user-immutable");
    let mut old = json.clone();
    if let Some(o) = old.as_object_mut() {
        o.remove("perm_cause");
    }
    let back: CauseDetail = serde_json::from_value(old).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.perm_cause, None);
}

#[test]
fn audit_log_appends_and_tolerates_a_truncated_line() {
    let t = tmp();
    let log = t.base.join("data/audit.jsonl");
    let entry = |n: u64| audit::Entry {
        time: 1_700_000_000,
        targets: vec![Target::Build],
        bytes_freed: n,
        outcomes: vec![],
        ended: None,
        automatic: None,
    };
    audit::append(&log, &entry(1)).unwrap();
    audit::append(&log, &entry(2)).unwrap();
    // A crash mid-write leaves half a line.
    let mut data = fs::read(&log).unwrap();
    data.extend_from_slice(br#"{"time":17000,"targ"#);
    fs::write(&log, &data).unwrap();
    let read = audit::read(&log).unwrap();
    assert_eq!(read.entries, [entry(1), entry(2)]);
    assert_eq!(read.bad_lines, 1);
    // The next append starts on a fresh line, so only the torn line is lost.
    audit::append(&log, &entry(3)).unwrap();
    let read = audit::read(&log).unwrap();
    assert_eq!(read.entries, [entry(1), entry(2), entry(3)]);
    assert_eq!(read.bad_lines, 1);
    assert_eq!(
        audit::read(&t.base.join("none")).unwrap(),
        audit::Log::default()
    );
}

type Snapshot = BTreeMap<PathBuf, (bool, Vec<u8>, u32)>;

/// Quarantines `n` module versions of `example.com/m<i>`; returns the plan and the snapshot of
/// the module cache before.
fn quarantined_versions(t: &Tmp, n: usize) -> (Plan, Execution, Snapshot) {
    for i in 0..n {
        add_version(&t.modcache, &format!("example.com/m{i}"), "v1.0.0");
    }
    let before = snapshot(&t.modcache);
    let report = report_with(t, &[]);
    let targets: Vec<Target> = (0..n)
        .map(|i| Target::ModuleVersion {
            path: format!("example.com/m{i}"),
            version: "v1.0.0".into(),
        })
        .collect();
    let plan = plan(&report, &targets, &popts(t), &CancelToken::new()).unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    (plan, exec, before)
}

#[test]
fn purge_until_stops_between_items_and_the_rest_is_restored() {
    let t = tmp();
    // More items than worker threads, so some are still waiting when the first one ends.
    let n = 4 * rayon::current_num_threads() + 4;
    let (plan, exec, before) = quarantined_versions(&t, n);
    assert_eq!(exec.quarantine.items(), (0..n).collect::<Vec<_>>());
    for item in &plan.items {
        assert!(!item.path.exists());
    }
    let stop = CancelToken::new();
    let stopper = stop.clone();
    let progress = move |e: CleanEvent| {
        if matches!(e, CleanEvent::Purged { .. }) {
            stopper.cancel();
        }
    };
    let (rep, rest) = exec.quarantine.purge_until(&progress, &stop);
    let purged: Vec<usize> = rep.items.iter().map(|p| p.item).collect();
    let held = rest.items();
    assert!(!purged.is_empty(), "the first item was purged");
    assert!(
        purged.len() <= rayon::current_num_threads(),
        "items started after the stop: {purged:?}"
    );
    assert_eq!(
        purged.len() + held.len(),
        n,
        "every item purged or still held"
    );
    assert!(purged.iter().all(|i| !held.contains(i)));
    assert_eq!(
        rep.bytes_freed,
        purged.iter().map(|&i| plan.items[i].bytes).sum::<u64>()
    );
    assert!(rep.items.iter().all(|p| p.cause.is_none()));

    let undo = rest.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert_eq!(undo.superseded, 0);
    assert!(undo.restored >= held.len());
    // The restored versions are byte-identical (content and modes); the purged ones are gone.
    let after = snapshot(&t.modcache);
    for (i, item) in plan.items.iter().enumerate() {
        let rel = item.path.strip_prefix(&t.modcache).unwrap();
        let esc = rel.to_string_lossy().replace("@v1.0.0", "");
        let dl = PathBuf::from("cache/download").join(&esc).join("@v");
        let under = |snap: &Snapshot| {
            snap.iter()
                .filter(|(p, _)| {
                    p.starts_with(rel)
                        || (p.starts_with(&dl)
                            && !p.ends_with("list")
                            && !p.ends_with("v1.0.0.lock"))
                })
                .map(|(p, v)| (p.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        if purged.contains(&i) {
            assert!(!item.path.exists(), "{} purged", item.path.display());
            assert!(
                !t.modcache.join(&dl).join("v1.0.0.zip").exists(),
                "{} download purged",
                item.label
            );
        } else {
            assert_eq!(under(&after), under(&before), "{} restored", item.label);
            assert!(!under(&after).is_empty());
        }
    }
    assert!(
        !t.modcache.join(INNER_TRASH).exists(),
        "an emptied quarantine goes"
    );
}

#[test]
fn purge_until_with_stop_already_set_purges_nothing() {
    let t = tmp();
    let (_plan, exec, before) = quarantined_versions(&t, 3);
    let stop = CancelToken::new();
    stop.cancel();
    let (rep, rest) = exec.quarantine.purge_until(&NoCleanProgress, &stop);
    assert!(rep.items.is_empty());
    assert_eq!(rep.bytes_freed, 0);
    assert_eq!(rest.items(), [0, 1, 2]);
    let undo = rest.undo(&CancelToken::new());
    assert!(undo.failures.is_empty());
    let strip = |s: Snapshot| {
        s.into_iter()
            .filter(|(p, _)| !p.ends_with("list"))
            .collect::<BTreeMap<_, _>>()
    };
    assert_eq!(strip(snapshot(&t.modcache)), strip(before));
}

/// A directory only its owner may enter, as the app makes for a request: mode 0700 on Unix;
/// on Windows a protected DACL for the user, SYSTEM and Administrators given at its creation
/// (which Wine honours too, unlike one set afterwards; see `sys::create_private_dir`).
fn private_dir(p: &Path) {
    #[cfg(unix)]
    {
        fs::create_dir_all(p).unwrap();
        chmod(p, 0o700);
    }
    #[cfg(windows)]
    {
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        super::sys::create_private_dir(p).unwrap();
    }
}

fn env_of(t: &Tmp) -> EnvMap {
    EnvMap::from_pairs([
        ("HOME", t.home.display().to_string()),
        ("GOPATH", t.gopath.display().to_string()),
        ("GOMODCACHE", t.modcache.display().to_string()),
        ("GOCACHE", t.gocache.display().to_string()),
        ("GOENV", "off".to_owned()),
    ])
}

#[test]
fn elevated_runner_executes_the_request_in_place_and_writes_the_report() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    add_version(&t.modcache, "example.com/b", "v1.0.0");
    let report = report_with(&t, &[]);
    let target = Target::ModuleVersion {
        path: "example.com/a".into(),
        version: "v1.0.0".into(),
    };
    let plan = plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap();
    let req = elevate::Request::new(plan.clone(), &env_of(&t));
    let req_path = t.base.join("request dir ü/req.json");
    private_dir(req_path.parent().unwrap());
    elevate::write_request(&req_path, &req).unwrap();
    let out = t.base.join("request dir ü/report.json");
    assert_eq!(elevate::run(&req_path, &out), 0);
    let rep = elevate::read_report(&out).unwrap();
    assert_eq!(rep.error, None);
    assert_eq!(rep.results.len(), 1);
    assert_eq!(rep.results[0].outcome, Outcome::Removed);
    assert!(rep.results[0].in_place, "no quarantine when elevated");
    assert_eq!(rep.bytes_freed, plan.items[0].bytes);
    assert!(!t.modcache.join("example.com/a@v1.0.0").exists());
    assert!(!t.modcache.join(INNER_TRASH).exists());
    assert!(t.modcache.join("example.com/b@v1.0.0/go.mod").exists());
    // The report file is never overwritten (nor a symlink planted there followed).
    assert_eq!(elevate::run(&req_path, &out), 3);
}

#[test]
fn elevated_runner_refuses_what_execute_refuses() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let report = report_with(&t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    // The requester's environment names another module cache: the plan's root is not one of
    // the caches discovered for it.
    let mut env = env_of(&t);
    env.set("GOMODCACHE", t.base.join("elsewhere").display().to_string());
    let req_path = t.base.join("req/req.json");
    private_dir(req_path.parent().unwrap());
    elevate::write_request(&req_path, &elevate::Request::new(plan, &env)).unwrap();
    let out = t.base.join("out.json");
    assert_eq!(elevate::run(&req_path, &out), 2);
    let rep = elevate::read_report(&out).unwrap();
    assert!(
        rep.error
            .as_deref()
            .is_some_and(|e| e.contains("not one of the discovered cache roots")),
        "{:?}",
        rep.error
    );
    assert!(rep.results.is_empty());
    assert!(t.modcache.join("example.com/a@v1.0.0/go.mod").exists());
    // An unreadable request is an error in the report too.
    let out2 = t.base.join("out2.json");
    assert_eq!(elevate::run(&t.base.join("missing.json"), &out2), 2);
    assert!(elevate::read_report(&out2).unwrap().error.is_some());
}

/// Issue #12 §7: a module cache moved to a bigger disk and linked back. The clean acts on the
/// target, keeps the link and the directory, reports the target's bytes, and undo restores.
#[cfg(unix)]
#[test]
fn a_symlinked_root_is_emptied_through_its_link_and_the_link_is_kept() {
    let t = tmp();
    let big = t.base.join("bigdisk/mod");
    fs::create_dir_all(big.join("cache/download")).unwrap();
    add_version(&big, "example.com/a", "v1.0.0");
    add_version(&big, "example.com/b", "v1.2.0");
    fs::remove_dir_all(&t.modcache).unwrap();
    std::os::unix::fs::symlink(&big, &t.modcache).unwrap();
    let report = report_with(&t, &[]);
    let target_bytes =
        crate::scan::scan_dir(&big, &crate::scan::Options::default(), &CancelToken::new())
            .unwrap()
            .bytes;
    assert!(target_bytes > 0);
    for quarantine in [true, false] {
        let before = snapshot(&big);
        let plan = plan(
            &report,
            &[Target::Modcache],
            &popts(&t),
            &CancelToken::new(),
        )
        .unwrap();
        assert_eq!(plan.items.len(), 1);
        assert_eq!(plan.items[0].root, big, "acts on the target");
        assert_eq!(plan.items[0].bytes, target_bytes, "the target's bytes");
        let opts = ExecOptions {
            quarantine,
            ..ExecOptions::default()
        };
        let exec = execute(&report, &plan, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
        assert_eq!(
            exec.results[0].outcome,
            Outcome::Removed,
            "{:?}",
            exec.results
        );
        let link = fs::symlink_metadata(&t.modcache).unwrap();
        assert!(link.file_type().is_symlink(), "the link is kept");
        assert!(big.is_dir(), "the target directory is kept");
        let visible: Vec<_> = fs::read_dir(&big)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .filter(|n| n != INNER_TRASH)
            .collect();
        assert!(visible.is_empty(), "gone for Go: {visible:?}");
        if quarantine {
            let undo = exec.quarantine.undo(&CancelToken::new());
            assert!(undo.failures.is_empty(), "{undo:?}");
            assert_eq!(snapshot(&big), before, "undo restores the target");
            // Then clean for real.
            let exec =
                execute(&report, &plan, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
            let purge = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
            assert_eq!(purge.bytes_freed, target_bytes);
            assert_eq!(fs::read_dir(&big).unwrap().count(), 0, "purged, trash too");
            assert!(
                fs::symlink_metadata(&t.modcache)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            fs::create_dir_all(big.join("cache/download")).unwrap();
            add_version(&big, "example.com/a", "v1.0.0");
            add_version(&big, "example.com/b", "v1.2.0");
        } else {
            assert_eq!(exec.results[0].bytes, target_bytes);
            assert!(exec.results[0].in_place);
        }
    }
    assert_eq!(fs::read_dir(&big).unwrap().count(), 0);
}

// ---- Quarantine locks, the leftover purge's trust checks, no-replace undo (issue #12) ----

fn parent_names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// A whole module cache and a build-cache subtree quarantined, not purged.
fn quarantined_root_and_fuzz(t: &Tmp) -> (Report, Execution) {
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    add_version(&t.modcache, "example.com/b", "v1.2.0");
    build_cache(t);
    let report = report_with(t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache, Target::Fuzz],
        &popts(t),
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(plan.items.len(), 2);
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!t.modcache.exists());
    assert!(!t.gocache.join("fuzz").exists());
    (report, exec)
}

#[cfg(unix)]
#[test]
fn make_writable_never_carries_set_group_id_or_sticky_over() {
    use std::os::unix::fs::PermissionsExt as _;

    use super::sys::{Platform, Sys};
    let t = tmp();
    let mode = |p: &Path| fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777;
    for (before, after) in [
        (0o2555, 0o755),
        (0o1555, 0o755),
        (0o3550, 0o750),
        (0o2505, 0o705),
        (0o3000, 0o700),
    ] {
        let d = t.base.join(format!("d{before:o}"));
        fs::create_dir(&d).unwrap();
        chmod(&d, before);
        // The kernel keeps set-group-id only for a member of the group: it is really set.
        assert_eq!(mode(&d), before, "{}", d.display());
        Sys::make_writable(&d, &fs::symlink_metadata(&d).unwrap()).unwrap();
        assert_eq!(
            mode(&d),
            after,
            "{before:o}: special bits dropped, u+rwx added"
        );
    }
    // A directory the owner can already write to is left as it is.
    let d = t.base.join("kept");
    fs::create_dir(&d).unwrap();
    chmod(&d, 0o2775);
    Sys::make_writable(&d, &fs::symlink_metadata(&d).unwrap()).unwrap();
    assert_eq!(mode(&d), 0o2775);
}

#[test]
fn rename_noreplace_never_replaces_a_file_or_an_empty_dir() {
    use super::sys::{Platform, Sys};
    let t = tmp();
    let a = t.base.join("a");
    let b = t.base.join("b");
    fs::write(&a, "old").unwrap();
    fs::write(&b, "new").unwrap();
    let e = Sys::rename_noreplace(&a, &b).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
    assert_eq!(fs::read(&a).unwrap(), b"old");
    assert_eq!(fs::read(&b).unwrap(), b"new");
    let d = t.base.join("d");
    let empty = t.base.join("empty");
    fs::create_dir(&d).unwrap();
    fs::write(d.join("f"), "x").unwrap();
    fs::create_dir(&empty).unwrap();
    // A plain rename(2) would replace the empty directory.
    let e = Sys::rename_noreplace(&d, &empty).unwrap_err();
    assert_eq!(e.kind(), std::io::ErrorKind::AlreadyExists, "{e}");
    assert!(d.join("f").exists());
    assert_eq!(fs::read_dir(&empty).unwrap().count(), 0);
    Sys::rename_noreplace(&a, &t.base.join("c")).unwrap();
    assert!(!a.exists());
    assert_eq!(fs::read(t.base.join("c")).unwrap(), b"old");
}

#[test]
fn a_held_quarantine_survives_the_leftover_purge_and_undo_restores_it() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    build_cache(&t);
    let mod_before = snapshot(&t.modcache);
    let build_before = snapshot(&t.gocache);
    let report = report_with(&t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache, Target::Fuzz],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!t.modcache.exists());
    // "Another instance" starts and purges leftovers while this one is in its undo window.
    let report = report_with(&t, &[]);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert!(left.failed.is_empty(), "{left:?}");
    assert_eq!(left.skipped.len(), 2, "{left:?}");
    assert!(
        left.skipped
            .iter()
            .all(|(_, why)| why.contains("in use by a running")),
        "{left:?}"
    );
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert_eq!(undo.superseded, 0);
    assert_eq!(snapshot(&t.modcache), mod_before);
    assert_eq!(snapshot(&t.gocache), build_before);
    assert_eq!(parent_names(t.modcache.parent().unwrap()), ["mod"]);
}

#[test]
fn a_dropped_quarantine_is_purged_with_its_lock_files() {
    let t = tmp();
    let (report, exec) = quarantined_root_and_fuzz(&t);
    drop(exec);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert_eq!(left.purged.len(), 2, "{left:?}");
    assert!(left.skipped.is_empty(), "{left:?}");
    assert!(parent_names(t.modcache.parent().unwrap()).is_empty());
    assert!(!t.gocache.join(INNER_TRASH).exists());
}

#[cfg(unix)]
#[test]
fn a_marker_in_a_directory_others_can_write_to_is_not_trusted() {
    let t = tmp();
    let (report, exec) = quarantined_root_and_fuzz(&t);
    drop(exec);
    let parent = t.modcache.parent().unwrap().to_path_buf();
    let names = parent_names(&parent);
    let mut purged = Vec::new();
    for mode in [0o777, 0o775] {
        chmod(&parent, mode);
        let left = purge_leftovers(&report, &CancelToken::new());
        purged.extend(left.purged.clone());
        assert_eq!(left.skipped.len(), 1, "{left:?}");
        assert!(left.skipped[0].1.contains("other users"), "{left:?}");
        assert_eq!(parent_names(&parent), names, "nothing touched at {mode:o}");
    }
    // The build cache's quarantine (inside its root) was not concerned.
    assert_eq!(purged, [t.gocache.join(INNER_TRASH).join(exec_id(&names))]);
    // Sticky (like /tmp): others cannot rename or remove our entries; ours are trusted.
    chmod(&parent, 0o1777);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert_eq!(left.purged.len(), 1, "{left:?}");
    assert!(parent_names(&parent).is_empty());
}

/// The quarantine id in the names of a sibling trash (`.gocache-doctor-trash-<id>-<n>`).
#[cfg(unix)]
fn exec_id(names: &[String]) -> String {
    let n = names.iter().find(|n| n.ends_with(".json")).unwrap();
    let rest = n
        .strip_prefix(ROOT_TRASH_PREFIX)
        .unwrap()
        .strip_suffix(".json")
        .unwrap();
    rest.rsplit_once('-').unwrap().0.to_owned()
}

#[cfg(unix)]
#[test]
fn a_forged_marker_naming_a_symlink_or_another_dir_is_not_followed() {
    let t = tmp();
    let canary = t.base.join("canary");
    fs::create_dir_all(canary.join("sub")).unwrap();
    fs::write(canary.join("sub/precious"), "keep").unwrap();
    let canary_before = snapshot(&canary);
    let parent = t.modcache.parent().unwrap();
    // 1. The trash dir next to the marker is a symlink to the canary.
    let link = parent.join(format!("{ROOT_TRASH_PREFIX}link"));
    std::os::unix::fs::symlink(&canary, &link).unwrap();
    let m1 = serde_json::json!({
        "original": t.modcache, "trashed": link, "pid": 999_999_999_u32, "time": 0
    });
    fs::write(trash::marker_path(&link), m1.to_string()).unwrap();
    // 2. The marker names the canary itself.
    let other = parent.join(format!("{ROOT_TRASH_PREFIX}other"));
    let m2 = serde_json::json!({
        "original": t.modcache, "trashed": canary, "pid": 999_999_999_u32, "time": 0
    });
    fs::write(trash::marker_path(&other), m2.to_string()).unwrap();
    // 3. The inner trash is a symlink to the canary.
    std::os::unix::fs::symlink(&canary, t.gocache.join(INNER_TRASH)).unwrap();
    let report = report_with(&t, &[]);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert_eq!(left.skipped.len(), 3, "{left:?}");
    assert_eq!(snapshot(&canary), canary_before);
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(target_os = "linux")]
#[test]
fn a_free_quarantine_whose_recorded_owner_still_runs_is_left_alone() {
    // A quarantine (of an older version, without a lock file) whose marker names a live
    // process: the lock is free, but its owner has not finished with it.
    let t = tmp();
    let parent = t.modcache.parent().unwrap();
    let trashed = parent.join(format!("{ROOT_TRASH_PREFIX}1-2-0"));
    fs::create_dir_all(trashed.join("example.com/a@v1.0.0")).unwrap();
    fs::write(trashed.join("example.com/a@v1.0.0/go.mod"), "module a\n").unwrap();
    let mut child = std::process::Command::new("sleep")
        .arg("60")
        .spawn()
        .unwrap();
    let marker = serde_json::json!({
        "original": t.modcache, "trashed": trashed, "pid": child.id(), "time": 0
    });
    fs::write(trash::marker_path(&trashed), marker.to_string()).unwrap();
    let report = report_with(&t, &[]);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert!(left.purged.is_empty(), "{left:?}");
    assert!(left.skipped[0].1.contains("still runs"), "{left:?}");
    assert!(trashed.join("example.com/a@v1.0.0/go.mod").exists());
    child.kill().unwrap();
    child.wait().unwrap();
    let left = purge_leftovers(&report, &CancelToken::new());
    assert_eq!(left.purged, std::slice::from_ref(&trashed), "{left:?}");
    assert!(parent_names(parent).iter().all(|n| n == "mod"));
}

#[test]
fn undo_keeps_an_entry_go_recreated_meanwhile() {
    let t = tmp();
    build_cache(&t);
    let report = report_with(&t, &[]);
    let plan = plan(&report, &[Target::Fuzz], &popts(&t), &CancelToken::new()).unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    let fuzz = t.gocache.join("fuzz");
    assert!(!fuzz.exists());
    // Go writes a new fuzz corpus in the undo window.
    fs::create_dir_all(fuzz.join("example.com/q")).unwrap();
    fs::write(fuzz.join("example.com/q/new"), "new corpus").unwrap();
    let new_before = snapshot(&fuzz);
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert_eq!(undo.restored, 0);
    assert_eq!(undo.superseded, 1);
    assert_eq!(snapshot(&fuzz), new_before, "the new entry is kept as is");
    assert!(
        !t.gocache.join(INNER_TRASH).exists(),
        "the old copy is purged"
    );
}

#[test]
fn undo_after_go_recreated_the_module_cache_restores_what_is_missing() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    add_version(&t.modcache, "example.com/b", "v1.2.0");
    fs::create_dir_all(t.modcache.join("cache/vcs/abc")).unwrap();
    fs::write(t.modcache.join("cache/vcs/abc/HEAD"), "old ref").unwrap();
    fs::write(t.modcache.join("cache/vcs/abc.info"), "git3:x").unwrap();
    let old_b = snapshot(&t.modcache.join("example.com/b@v1.2.0"));
    let old_b_zip = fs::read(
        t.modcache
            .join("cache/download/example.com/b/@v/v1.2.0.zip"),
    )
    .unwrap();
    let report = report_with(&t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!t.modcache.exists());
    // Go recreates the cache in the undo window: a@v1.0.0 again (its own bytes), a new c.
    let new_a = t.modcache.join("example.com/a@v1.0.0");
    fs::create_dir_all(&new_a).unwrap();
    fs::write(new_a.join("go.mod"), "module new a\n").unwrap();
    let dl_a = t.modcache.join("cache/download/example.com/a/@v");
    fs::create_dir_all(&dl_a).unwrap();
    for ext in ["info", "mod", "zip", "ziphash"] {
        fs::write(dl_a.join(format!("v1.0.0.{ext}")), format!("new {ext}")).unwrap();
    }
    fs::write(dl_a.join("list"), "v1.0.0\n").unwrap();
    add_version(&t.modcache, "example.com/c", "v0.1.0");
    fs::create_dir_all(t.modcache.join("cache/vcs/abc")).unwrap();
    fs::write(t.modcache.join("cache/vcs/abc/HEAD"), "new ref").unwrap();
    let new_a_before = snapshot(&new_a);
    let new_c_before = snapshot(&t.modcache.join("example.com/c@v0.1.0"));
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    // a: tree + 4 files superseded; vcs HEAD superseded; b: tree + 4 files restored,
    // vcs abc.info restored.
    assert_eq!(undo.restored, 6, "{undo:?}");
    assert_eq!(undo.superseded, 6, "{undo:?}");
    assert_eq!(snapshot(&new_a), new_a_before, "Go's new copy is kept");
    assert_eq!(fs::read(dl_a.join("v1.0.0.zip")).unwrap(), b"new zip");
    assert_eq!(
        snapshot(&t.modcache.join("example.com/c@v0.1.0")),
        new_c_before
    );
    assert_eq!(
        snapshot(&t.modcache.join("example.com/b@v1.2.0")),
        old_b,
        "the missing version is back, byte-identical with its modes"
    );
    let dl_b = t.modcache.join("cache/download/example.com/b/@v");
    assert_eq!(fs::read(dl_b.join("v1.2.0.zip")).unwrap(), old_b_zip);
    assert_eq!(fs::read_to_string(dl_b.join("list")).unwrap(), "v1.2.0\n");
    assert!(!dl_b.join("v1.2.0.partial").exists());
    assert_eq!(
        fs::read(t.modcache.join("cache/vcs/abc/HEAD")).unwrap(),
        b"new ref"
    );
    assert_eq!(
        fs::read(t.modcache.join("cache/vcs/abc.info")).unwrap(),
        b"git3:x"
    );
    assert_eq!(parent_names(t.modcache.parent().unwrap()), ["mod"]);
}

#[cfg(unix)]
#[test]
fn undo_never_merges_into_a_link_that_took_the_roots_place() {
    let t = tmp();
    add_version(&t.modcache, "example.com/a", "v1.0.0");
    let canary = t.base.join("canary");
    fs::create_dir_all(&canary).unwrap();
    fs::write(canary.join("precious"), "keep").unwrap();
    let canary_before = snapshot(&canary);
    let report = report_with(&t, &[]);
    let plan = plan(
        &report,
        &[Target::Modcache],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    let exec = execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    std::os::unix::fs::symlink(&canary, &t.modcache).unwrap();
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{:?}", undo.failures);
    assert_eq!((undo.restored, undo.superseded), (0, 1));
    assert_eq!(snapshot(&canary), canary_before);
    assert!(
        fs::symlink_metadata(&t.modcache)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(parent_names(t.modcache.parent().unwrap()), ["mod"]);
}

/// One definition of each figure (issue #15 §4): what a plan says it removes for a part equals
/// what the scan reports for that part: a module version (tree plus download files, not the
/// `.lock` that stays), the toolchains, the VCS checkouts, the fuzz cache and whole caches.
#[test]
fn plan_figures_equal_the_scan_figures_of_each_part() {
    let t = tmp();
    add_version(&t.modcache, "example.com/m", "v1.0.0");
    add_version(&t.modcache, "example.com/m", "v1.1.0");
    add_version(
        &t.modcache,
        "golang.org/toolchain",
        "v0.0.1-go1.23.0.linux-amd64",
    );
    // An interrupted extraction's mark belongs to the version; list and locks do not.
    fs::write(
        t.modcache
            .join("cache/download/example.com/m/@v/v1.1.0.partial"),
        "",
    )
    .unwrap();
    fs::write(
        t.modcache.join("cache/download/example.com/m/@v/list"),
        "v1.0.0\nv1.1.0\n",
    )
    .unwrap();
    fs::create_dir_all(t.modcache.join("cache/vcs/abc/objects")).unwrap();
    fs::write(t.modcache.join("cache/vcs/abc/HEAD"), "ref: main\n").unwrap();
    fs::write(t.modcache.join("cache/vcs/abc.info"), "{}").unwrap();
    fs::create_dir_all(t.gocache.join("fuzz/example.com/m/FuzzX")).unwrap();
    fs::write(
        t.gocache.join("fuzz/example.com/m/FuzzX/seed1"),
        "go test fuzz v1\n",
    )
    .unwrap();
    let report = report_with(&t, &[]);
    let scanned = scan::scan(
        &report.caches,
        &scan::Options::default(),
        &crate::NoProgress,
        &CancelToken::new(),
    );
    let cache = |k: CacheKind| {
        scanned
            .caches
            .iter()
            .find(|c| c.kind == k)
            .unwrap_or_else(|| panic!("no {k:?} in {:?}", scanned.caches))
    };
    let plan_of =
        |target: Target| plan(&report, &[target], &popts(&t), &CancelToken::new()).unwrap();
    let figures = |p: &Plan| (p.total_bytes, p.total_disk_bytes, p.total_files);

    // One version: its row (tree plus its download files).
    let row = scanned
        .modules
        .iter()
        .find(|m| m.path == "example.com/m" && m.version == "v1.1.0")
        .unwrap();
    let p = plan_of(Target::ModuleVersion {
        path: "example.com/m".into(),
        version: "v1.1.0".into(),
    });
    assert_eq!(p.total_bytes, row.bytes + row.download_bytes);
    // info, mod, zip, ziphash, the tmp file and .partial: 6 download files, 2 in the tree.
    assert_eq!(p.total_files, 8);

    // The toolchains: the toolchains card.
    let tc = cache(CacheKind::Toolchains);
    let p = plan_of(Target::Toolchains);
    assert_eq!(figures(&p), (tc.bytes, tc.disk_bytes, tc.files));

    // The VCS checkouts: the module cache's vcs part.
    let parts = scanned.modcache_parts.clone().unwrap();
    let p = plan_of(Target::Vcs);
    assert_eq!(
        figures(&p),
        (parts.vcs_bytes, parts.vcs_disk_bytes, parts.vcs_files)
    );

    // The fuzz cache: the build report's fuzz figures.
    let b = scanned.build.clone().unwrap();
    let p = plan_of(Target::Fuzz);
    assert_eq!((p.total_bytes, p.total_files), (b.fuzz_bytes, b.fuzz_files));

    // Whole caches.
    let mc = cache(CacheKind::Modcache);
    let p = plan_of(Target::Modcache);
    assert_eq!(figures(&p), (mc.bytes, mc.disk_bytes, mc.files));

    // The total counts the toolchains once (inside the module cache).
    let bc = cache(CacheKind::Build);
    assert_eq!(tc.inside, Some(CacheKind::Modcache));
    assert_eq!(scanned.total.files, mc.files + bc.files);
    assert_eq!(scanned.total.bytes, mc.bytes + bc.bytes);
}

/// A plan's lock warnings are scoped to what it removes: the touched paths of a version are
/// its tree and its own files in `@v`, never another version's.
#[test]
fn touched_paths_are_the_plans_own_files() {
    let t = tmp();
    add_version(&t.modcache, "example.com/m", "v1.0.0");
    add_version(&t.modcache, "example.com/m", "v1.1.0");
    let report = report_with(&t, &[]);
    let p = plan(
        &report,
        &[Target::ModuleVersion {
            path: "example.com/m".into(),
            version: "v1.1.0".into(),
        }],
        &popts(&t),
        &CancelToken::new(),
    )
    .unwrap();
    let touched = p.touched_paths();
    let dl = t.modcache.join("cache/download/example.com/m/@v");
    assert!(touched.contains(&t.modcache.join("example.com/m@v1.1.0")));
    assert!(touched.contains(&dl.join("v1.1.0.zip")));
    assert!(touched.contains(&dl.join("v1.1.0.lock")));
    assert!(
        touched
            .iter()
            .all(|p| !p.to_string_lossy().contains("v1.0.0")),
        "{touched:?}"
    );
}

#[test]
fn a_lone_lock_file_of_a_clean_killed_before_its_marker_is_purged_unless_held() {
    // A whole-root clean takes `<trash>.lock` before it writes `<trash>.json`; killed in
    // between, it leaves the lock file alone next to the cache.
    let t = tmp();
    let parent = t.modcache.parent().unwrap();
    let dead = parent.join(format!("{ROOT_TRASH_PREFIX}1-2-0"));
    let dead_lock = trash::lock_path(&dead);
    fs::write(&dead_lock, r#"{"pid":999999999,"start":null}"#).unwrap();
    let empty = parent.join(format!("{ROOT_TRASH_PREFIX}1-2-1"));
    fs::write(trash::lock_path(&empty), "").unwrap();
    // A clean of another instance that holds its lock and is about to write its marker.
    let live = parent.join(format!("{ROOT_TRASH_PREFIX}3-4-0"));
    let held = trash::QuarantineLock::acquire(&live).unwrap();
    // A lock file next to a quarantine directory without a marker: not ours to judge.
    let stranger = parent.join(format!("{ROOT_TRASH_PREFIX}5-6-0"));
    fs::create_dir_all(&stranger).unwrap();
    fs::write(trash::lock_path(&stranger), "").unwrap();
    let report = report_with(&t, &[]);
    let left = purge_leftovers(&report, &CancelToken::new());
    assert!(
        left.purged.is_empty() && left.skipped.is_empty(),
        "{left:?}"
    );
    assert_eq!(
        parent_names(parent),
        [
            format!("{ROOT_TRASH_PREFIX}3-4-0.lock"),
            format!("{ROOT_TRASH_PREFIX}5-6-0"),
            format!("{ROOT_TRASH_PREFIX}5-6-0.lock"),
            "mod".to_owned(),
        ]
    );
    // Once its owner let go (and is this process, so "gone" for a free lock), it goes too.
    drop(held);
    purge_leftovers(&report, &CancelToken::new());
    assert!(!trash::lock_path(&live).exists());
    assert!(stranger.exists() && trash::lock_path(&stranger).exists());
    // The same inside a root's own quarantine directory (no markers there).
    let inner = t.gocache.join(INNER_TRASH);
    fs::create_dir_all(&inner).unwrap();
    fs::write(
        trash::lock_path(&inner.join("7-8-9")),
        r#"{"pid":999999999,"start":null}"#,
    )
    .unwrap();
    purge_leftovers(&report, &CancelToken::new());
    assert!(
        !inner.exists(),
        "the lone lock and the emptied directory go"
    );
}
