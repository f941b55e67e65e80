//! The clean engine (`gocache_core::clean`) against genuine caches built by the real Go
//! toolchain: after each clean, real `go build`, `go test` and `go mod verify` must accept the
//! cache.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::clean::{
    self, CauseKind, ExecOptions, INNER_TRASH, NoCleanProgress, Outcome, Plan, PlanOptions,
    ROOT_TRASH_PREFIX, Target,
};
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

use super::{go_ok, go_ok_env};

fn fixture() -> TempFixture {
    TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// Discovery in the fixture's environment, with `go env` (so GOROOT is known).
fn report(fx: &Fixture) -> Report {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let go_dir = fx
        .go
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    env.set("PATH", format!("{go_dir}:/usr/bin:/bin"));
    discover::discover(&env, &discover::Options::default())
}

fn popts(fx: &Fixture) -> PlanOptions {
    PlanOptions {
        home: Some(fx.root.join("home")),
        now: None,
    }
}

fn plan(fx: &Fixture, r: &Report, targets: &[Target]) -> Plan {
    clean::plan(r, targets, &popts(fx), &CancelToken::new()).unwrap_or_else(|e| panic!("{e}"))
}

/// Plans, executes and purges; returns the final results.
fn clean_all(fx: &Fixture, targets: &[Target]) -> Vec<clean::ItemResult> {
    let r = report(fx);
    let p = plan(fx, &r, targets);
    crate::execute_to_end(&r, &p, &ExecOptions::default()).0
}

/// Relative path -> (is dir, size, mode) of every entry, never following symlinks.
fn listing(root: &Path) -> BTreeMap<PathBuf, (bool, u64, u32)> {
    use std::os::unix::fs::PermissionsExt;
    fn walk(root: &Path, p: &Path, out: &mut BTreeMap<PathBuf, (bool, u64, u32)>) {
        let md = std::fs::symlink_metadata(p).unwrap();
        let rel = p.strip_prefix(root).unwrap().to_path_buf();
        out.insert(rel, (md.is_dir(), md.len(), md.permissions().mode()));
        if md.is_dir() {
            for e in std::fs::read_dir(p).unwrap() {
                walk(root, &e.unwrap().path(), out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn trash_siblings(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with(ROOT_TRASH_PREFIX) || n == INNER_TRASH)
                .collect()
        })
        .unwrap_or_default()
}

/// One definition of each figure (issue #15 §4) on a cache the real Go wrote: the scan's parts
/// add up to the module cache, its extracted part is the module rows, and what a plan says it
/// removes equals the scan's figure for the same thing (each version, the whole cache).
#[test]
fn scan_figures_and_plan_figures_agree_on_a_real_cache() {
    let fx = fixture();
    let r = report(&fx);
    let scanned = gocache_core::scan::scan(
        &r.caches,
        &gocache_core::scan::Options::default(),
        &gocache_core::NoProgress,
        &CancelToken::new(),
    );
    let mc = scanned
        .caches
        .iter()
        .find(|c| c.kind == discover::CacheKind::Modcache)
        .unwrap_or_else(|| panic!("no module cache in {:?}", scanned.caches));
    let parts = scanned.modcache_parts.clone().unwrap();
    assert_eq!(
        parts.extracted_bytes
            + parts.download_bytes
            + parts.vcs_bytes
            + parts.sumdb_bytes
            + parts.other_bytes,
        mc.bytes
    );
    assert_eq!(
        parts.extracted_files
            + parts.download_files
            + parts.vcs_files
            + parts.sumdb_files
            + parts.other_files,
        mc.files
    );
    assert_eq!(
        parts.extracted_bytes,
        scanned.modules.iter().map(|m| m.bytes).sum::<u64>()
    );
    assert!(!scanned.modules.is_empty());
    for m in &scanned.modules {
        let p = plan(
            &fx,
            &r,
            &[Target::ModuleVersion {
                path: m.path.clone(),
                version: m.version.clone(),
            }],
        );
        assert_eq!(
            p.total_bytes,
            m.bytes + m.download_bytes,
            "{}@{}",
            m.path,
            m.version
        );
    }
    let p = plan(&fx, &r, &[Target::Modcache]);
    assert_eq!(
        (p.total_bytes, p.total_disk_bytes, p.total_files),
        (mc.bytes, mc.disk_bytes, mc.files)
    );
    let counted: u64 = scanned
        .caches
        .iter()
        .filter(|c| c.inside.is_none())
        .map(|c| c.files)
        .sum();
    assert_eq!(scanned.total.files, counted);
}

#[test]
fn removed_version_is_downloaded_again_by_go_build_and_verifies() {
    let fx = fixture();
    let m = fx.required_version();
    let results = clean_all(
        &fx,
        &[Target::ModuleVersion {
            path: m.path.clone(),
            version: m.version.clone(),
        }],
    );
    assert_eq!(results[0].outcome, Outcome::Removed, "{results:?}");
    assert!(results[0].bytes > 0);
    assert!(!m.extracted_dir(&fx.gomodcache).exists());
    for ext in ["zip", "ziphash", "mod", "info", "partial"] {
        assert!(!m.download_file(&fx.gomodcache, ext).exists(), "{ext} left");
    }
    let list = std::fs::read_to_string(m.download_dir(&fx.gomodcache).join("list")).unwrap();
    assert!(!list.lines().any(|l| l == m.version), "{list}");
    assert!(trash_siblings(&fx.gomodcache).is_empty());
    let out = go_ok(&fx, &["build", "./..."]);
    assert!(
        out.contains(&format!("go: downloading {} {}", m.path, m.version)),
        "{out}"
    );
    assert!(m.extracted_dir(&fx.gomodcache).join("go.mod").exists());
    let verify = go_ok(&fx, &["mod", "verify"]);
    assert!(verify.contains("all modules verified"), "{verify}");
}

#[test]
fn a_version_locked_by_another_process_fails_cleanly_and_retry_works() {
    let fx = fixture();
    let m = fx.required_version();
    let lock = m.download_file(&fx.gomodcache, "lock");
    // Its own process group, so killing the group also ends the `sleep` that inherits the
    // locked descriptor.
    let mut holder = Command::new("flock")
        .process_group(0)
        .arg("-x")
        .arg(&lock)
        .args(["-c", "echo locked; sleep 60"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("flock(1) from util-linux");
    let mut line = String::new();
    BufReader::new(holder.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "locked");
    let r = report(&fx);
    let target = Target::ModuleVersion {
        path: m.path.clone(),
        version: m.version.clone(),
    };
    let p = plan(&fx, &r, std::slice::from_ref(&target));
    let opts = ExecOptions {
        lock_timeout: Duration::from_millis(300),
        ..ExecOptions::default()
    };
    let exec = clean::execute(&r, &p, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--"])
        .arg(format!("-{}", holder.id()))
        .status();
    let _ = holder.wait();
    assert_eq!(exec.results[0].outcome, Outcome::Failed);
    assert_eq!(exec.results[0].cause, Some(CauseKind::Locked));
    assert!(exec.quarantine.is_empty());
    assert!(m.extracted_dir(&fx.gomodcache).join("go.mod").exists());
    assert!(!m.download_file(&fx.gomodcache, "partial").exists());
    go_ok(&fx, &["mod", "verify"]);
    go_ok_env(&fx, &["build", "./..."], &[("GOPROXY", "off")]);
    // The lock is free now: the same plan goes through.
    let exec = clean::execute(&r, &p, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Removed);
    let _ = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    assert!(!m.extracted_dir(&fx.gomodcache).exists());
    go_ok(&fx, &["mod", "verify"]);
}

#[test]
fn symlinks_inside_the_cache_pointing_outside_survive() {
    use std::os::unix::fs::PermissionsExt;
    let fx = fixture();
    let outside = fx.root.join("outside");
    std::fs::create_dir_all(outside.join("dir")).unwrap();
    std::fs::write(outside.join("dir/precious.txt"), "keep me").unwrap();
    std::fs::write(outside.join("file.txt"), "keep me too").unwrap();
    // One link at the top of the cache, two inside a read-only extracted module.
    std::os::unix::fs::symlink(&outside, fx.gomodcache.join("link-to-outside")).unwrap();
    let m = fx.required_version();
    let dir = m.extracted_dir(&fx.gomodcache);
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::os::unix::fs::symlink(outside.join("dir"), dir.join("dirlink")).unwrap();
    std::os::unix::fs::symlink(outside.join("file.txt"), dir.join("filelink")).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(mode)).unwrap();
    let before = listing(&outside);
    let results = clean_all(&fx, &[Target::Modcache]);
    assert_eq!(results[0].outcome, Outcome::Removed, "{results:?}");
    assert!(!fx.gomodcache.exists());
    assert_eq!(listing(&outside), before);
    assert_eq!(
        std::fs::read_to_string(outside.join("dir/precious.txt")).unwrap(),
        "keep me"
    );
}

#[test]
fn whole_modcache_quarantine_is_instant_undo_restores_it_and_purge_leaves_nothing() {
    let fx = fixture();
    let before_bytes = gocache_tests::du_bytes(&fx.gomodcache);
    let before = listing(&fx.gomodcache);
    let r = report(&fx);
    let p = plan(&fx, &r, &[Target::Modcache]);
    assert_eq!(p.total_bytes, before_bytes, "the plan sizes like du -sb");
    let exec = clean::execute(
        &r,
        &p,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Removed);
    assert!(!exec.results[0].in_place);
    assert!(!fx.gomodcache.exists(), "gone for Go");
    let undo = exec.quarantine.undo(&CancelToken::new());
    assert!(undo.failures.is_empty(), "{undo:?}");
    assert_eq!(undo.restored, 1);
    assert_eq!(gocache_tests::du_bytes(&fx.gomodcache), before_bytes);
    assert_eq!(
        listing(&fx.gomodcache),
        before,
        "same entries, sizes and modes"
    );
    let pkg = fx.gomodcache.parent().unwrap();
    assert!(trash_siblings(pkg).is_empty());
    go_ok_env(&fx, &["build", "./..."], &[("GOPROXY", "off")]);
    go_ok(&fx, &["mod", "verify"]);

    let results = clean_all(&fx, &[Target::Modcache]);
    assert_eq!(results[0].outcome, Outcome::Removed);
    assert_eq!(results[0].bytes, before_bytes);
    assert!(!fx.gomodcache.exists());
    assert!(trash_siblings(pkg).is_empty(), "{:?}", trash_siblings(pkg));
    assert_eq!(
        std::fs::read_dir(pkg).unwrap().count(),
        0,
        "nothing left in GOPATH/pkg"
    );
    // Go starts from scratch and succeeds.
    go_ok(&fx, &["build", "./..."]);
    go_ok(&fx, &["mod", "verify"]);
}

#[test]
fn a_crashed_clean_leaves_quarantines_that_the_next_start_purges() {
    let fx = fixture();
    let m = fx.required_version();
    let r = report(&fx);
    let targets = [
        Target::ModuleVersion {
            path: m.path.clone(),
            version: m.version.clone(),
        },
        Target::Build,
    ];
    let p = plan(&fx, &r, &targets);
    let exec = clean::execute(
        &r,
        &p,
        &ExecOptions::default(),
        &NoCleanProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(exec.results.iter().all(|x| x.outcome == Outcome::Removed));
    // The process "dies": no purge, no undo.
    drop(exec);
    assert_eq!(trash_siblings(&fx.gomodcache), [INNER_TRASH]);
    assert_eq!(trash_siblings(&fx.gocache), [INNER_TRASH]);
    // Go is not confused by the quarantine meanwhile.
    go_ok(&fx, &["build", "./..."]);
    go_ok(&fx, &["mod", "verify"]);
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert_eq!(left.purged.len(), 2, "{left:?}");
    assert!(left.failed.is_empty());
    assert!(trash_siblings(&fx.gomodcache).is_empty());
    assert!(trash_siblings(&fx.gocache).is_empty());
    go_ok(&fx, &["mod", "verify"]);
}

#[test]
fn build_cache_clean_keeps_go_clean_files_and_go_build_still_works() {
    let fx = fixture();
    go_ok(&fx, &["clean", "-testcache"]);
    let fuzz = fx.gocache.join("fuzz/example.com/p/FuzzX");
    std::fs::create_dir_all(&fuzz).unwrap();
    std::fs::write(fuzz.join("0123456789abcdef"), "go test fuzz v1\n").unwrap();
    let keep = ["README", "trim.txt", "testexpire.txt", "fuzz"];
    let kept_before: Vec<_> = keep.iter().map(|k| listing(&fx.gocache.join(k))).collect();
    let results = clean_all(&fx, &[Target::Build]);
    assert_eq!(results[0].outcome, Outcome::Removed);
    let mut names: Vec<String> = std::fs::read_dir(&fx.gocache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["README", "fuzz", "testexpire.txt", "trim.txt"]);
    let kept_after: Vec<_> = keep.iter().map(|k| listing(&fx.gocache.join(k))).collect();
    assert_eq!(kept_before, kept_after);
    let out = go_ok_env(&fx, &["build", "-x", "./..."], &[("GOPROXY", "off")]);
    assert!(
        out.contains("compile"),
        "the build cache was really emptied:\n{out}"
    );
}

#[test]
fn test_cache_clean_makes_go_test_run_again() {
    let fx = fixture();
    let cached = go_ok(&fx, &["test", "./..."]);
    assert!(cached.contains("(cached)"), "precondition: {cached}");
    let results = clean_all(&fx, &[Target::Test]);
    assert_eq!(results[0].outcome, Outcome::Removed);
    let text = std::fs::read_to_string(fx.gocache.join("testexpire.txt")).unwrap();
    assert!(text.ends_with('\n'));
    let nanos: u128 = text.trim().parse().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos();
    assert!(
        nanos <= now && now - nanos < 60_000_000_000,
        "{nanos} vs {now}"
    );
    let rerun = go_ok(&fx, &["test", "./..."]);
    assert!(!rerun.contains("(cached)"), "{rerun}");
    assert!(rerun.contains("ok"), "{rerun}");
}

#[test]
fn roots_that_are_not_caches_are_refused_with_real_go_env() {
    let fx = fixture();
    let goroot = report(&fx)
        .go
        .and_then(|g| g.goroot)
        .expect("go env GOROOT");
    let project = fx.project.clone();
    let home = fx.root.join("home");
    let cases: [(&str, &Path, Target, &str); 4] = [
        (
            "GOMODCACHE",
            Path::new("/"),
            Target::Modcache,
            "file-system root",
        ),
        ("GOMODCACHE", &home, Target::Modcache, "home directory"),
        ("GOCACHE", &goroot, Target::Build, "GOROOT"),
        ("GOCACHE", &project, Target::Build, "go.mod"),
    ];
    for (var, value, target, why) in cases {
        let mut env = EnvMap::from_pairs(fx.go_env());
        let go_dir = fx
            .go
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        env.set("PATH", format!("{go_dir}:/usr/bin:/bin"));
        env.set(var, value.display().to_string());
        let r = discover::discover(&env, &discover::Options::default());
        let err = clean::plan(&r, &[target], &popts(&fx), &CancelToken::new()).expect_err(why);
        assert!(
            err.to_string().contains(why),
            "{var}={}: {err}",
            value.display()
        );
    }
    assert!(project.join("go.mod").exists());
    assert!(goroot.join("src").is_dir());
}
