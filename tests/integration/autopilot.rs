//! Autopilot (`gocache_core::autopilot`, issue #17) on genuine caches made by the real go
//! command: only versions no project uses go, least recently used first until the module
//! cache fits its budget, or those unused for N days; the last use comes from the download
//! files' access times, or their modification times when the access times are older (a
//! noatime-like file system); a dry run removes nothing; a process holding files in the cache
//! makes the run skip it; the project still builds offline and `go mod verify` passes after.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gocache_core::CancelToken;
use gocache_core::autopilot::{self, AutoRun, LastUseSource, Reason, RunOptions};
use gocache_core::clean::Outcome;
use gocache_core::discover::{self, CacheKind, Report};
use gocache_core::env::EnvMap;
use gocache_core::scan;
use gocache_core::settings::AutoPolicy;
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

use super::go_ok;

const DAY: u64 = 86_400;

fn fixture() -> TempFixture {
    TempFixture::new(&Spec {
        modules: 3,
        versions: 3,
        files_per_version: 3,
        build_cache: true,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

fn env(fx: &Fixture) -> EnvMap {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let path = std::env::join_paths(fx.go.parent()).unwrap();
    env.set("PATH", path.to_string_lossy().into_owned());
    env
}

fn report(fx: &Fixture) -> Report {
    discover::discover(&env(fx), &discover::Options::default())
}

/// The versions the project does not require (all but the newest of each module).
fn unused(fx: &Fixture) -> Vec<ModuleVersion> {
    let all: Vec<&ModuleVersion> = fx.regular_modules().collect();
    all.iter()
        .filter(|m| {
            all.iter()
                .rfind(|o| o.path == m.path)
                .is_some_and(|newest| newest.version != m.version)
        })
        .map(|m| (*m).clone())
        .collect()
}

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

fn at(secs: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(secs)
}

/// Sets the times of the version's `.mod`, `.info` and `.zip` download files.
fn set_times(fx: &Fixture, m: &ModuleVersion, atime: u64, mtime: u64) {
    for ext in ["mod", "info", "zip"] {
        let f = m.download_file(&fx.gomodcache, ext);
        gocache_tests::set_file_times(&f, at(atime), at(mtime))
            .unwrap_or_else(|e| panic!("{}: {e}", f.display()));
    }
}

fn run(fx: &Fixture, policy: &AutoPolicy, dry_run: bool) -> AutoRun {
    let report = report(fx);
    let opts = RunOptions {
        dry_run,
        ..RunOptions::default()
    };
    autopilot::run(
        &report,
        &env(fx),
        policy,
        std::slice::from_ref(&fx.project),
        &opts,
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("auto run: {e}"))
}

fn removed(r: &AutoRun) -> Vec<(String, String)> {
    r.decisions
        .iter()
        .filter(|d| d.remove)
        .map(|d| (d.path.clone(), d.version.clone()))
        .collect()
}

fn key(m: &ModuleVersion) -> (String, String) {
    (m.path.clone(), m.version.clone())
}

/// `(path, version)` with its bytes.
type Sized = ((String, String), u64);

/// The module cache's bytes and each version's (extracted tree plus download files), as the
/// scanner sees them.
fn sizes(fx: &Fixture) -> (u64, Vec<Sized>) {
    let report = report(fx);
    let mc = report.cache(CacheKind::Modcache).unwrap().clone();
    let s = scan::scan(
        &[mc],
        &scan::Options::default(),
        &gocache_core::NoProgress,
        &CancelToken::new(),
    );
    let total = s.caches[0].bytes;
    let rows = s
        .modules
        .iter()
        .map(|r| {
            (
                (r.path.clone(), r.version.clone()),
                r.bytes + r.download_bytes,
            )
        })
        .collect();
    (total, rows)
}

/// The project builds with the network off, and `go mod verify` passes.
fn builds_offline(fx: &Fixture) {
    let mut cmd = fx.go_command(["build", "./..."]);
    cmd.env("GOPROXY", "off").env("GOFLAGS", "-mod=mod");
    let out = gocache_tests::output(&mut cmd).unwrap();
    assert!(
        out.status.success(),
        "offline build failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = go_ok(fx, &["mod", "verify"]);
    assert!(text.contains("all modules verified"), "{text}");
}

fn cache(r: &AutoRun, kind: CacheKind) -> &autopilot::CacheRun {
    r.caches.iter().find(|c| c.kind == kind).unwrap()
}

#[test]
fn a_budget_removes_unused_versions_least_recently_used_first_until_it_fits() {
    let fx = fixture();
    let unused = unused(&fx);
    assert_eq!(unused.len(), 6);
    let now = now();
    // Read (atime) 3, 6, 1, 5, 2 and 4 days ago; written 30 days ago.
    let ages = [3, 6, 1, 5, 2, 4];
    for (m, age) in unused.iter().zip(ages) {
        set_times(&fx, m, now - age * DAY, now - 30 * DAY);
    }
    let (total, rows) = sizes(&fx);
    let size_of = |m: &ModuleVersion| rows.iter().find(|(k, _)| *k == key(m)).unwrap().1;
    // The three least recently used: 6, 5 and 4 days ago.
    let lru = [&unused[1], &unused[3], &unused[5]];
    let lru_bytes: u64 = lru.iter().map(|m| size_of(m)).sum();
    let policy = AutoPolicy {
        modcache_max_bytes: Some(total - lru_bytes),
        unused_days: None,
        ..AutoPolicy::default()
    };
    let r = run(&fx, &policy, false);
    let want: Vec<_> = lru.iter().map(|m| key(m)).collect();
    assert_eq!(removed(&r), want, "{:#?}", r.decisions);
    for (d, age) in r.decisions.iter().zip([6, 5, 4]) {
        assert_eq!(d.reason, Reason::OverBudget);
        assert_eq!(d.source, LastUseSource::Atime);
        let lu = d.last_use.unwrap();
        let expect = i64::try_from(now - age * DAY).unwrap();
        assert!((lu - expect).abs() <= 1, "{d:?}");
    }
    let in_use: BTreeSet<_> = r
        .decisions
        .iter()
        .filter(|d| d.reason == Reason::InUse)
        .map(|d| (d.path.clone(), d.version.clone()))
        .collect();
    let required: BTreeSet<_> = fx
        .regular_modules()
        .filter(|m| !unused.contains(m))
        .map(key)
        .collect();
    assert_eq!(in_use, required);
    assert!(
        r.results.iter().all(|x| x.outcome == Outcome::Removed),
        "{:#?}",
        r.results
    );
    for m in &unused {
        let gone = lru.contains(&m);
        assert_eq!(
            !m.extracted_dir(&fx.gomodcache).exists(),
            gone,
            "{m:?} gone: {gone}"
        );
        assert_eq!(!m.download_file(&fx.gomodcache, "zip").exists(), gone);
    }
    let mc = cache(&r, CacheKind::Modcache);
    assert_eq!(mc.bytes_before, total);
    assert!(mc.bytes_after <= total - lru_bytes, "{mc:?}");
    assert!(mc.skipped.is_none(), "{mc:?}");
    let (after, _) = sizes(&fx);
    assert!(
        after <= total - lru_bytes,
        "{after} > {}",
        total - lru_bytes
    );
    builds_offline(&fx);
}

#[test]
fn unused_days_with_the_mtime_fallback_and_a_dry_run_that_removes_nothing() {
    let fx = fixture();
    let unused = unused(&fx);
    let now = now();
    // A noatime-like file system: every access time older than the modification time. Two
    // versions were last written 100 days ago, the others yesterday.
    for (i, m) in unused.iter().enumerate() {
        let mtime = if i < 2 { now - 100 * DAY } else { now - DAY };
        set_times(&fx, m, now - 200 * DAY, mtime);
    }
    let policy = AutoPolicy {
        unused_days: Some(30),
        // The build cache's budget: least recently used entries go until 1 KiB is left.
        build_max_bytes: Some(1024),
        ..AutoPolicy::default()
    };
    let dry = run(&fx, &policy, true);
    let want: BTreeSet<_> = unused[..2].iter().map(key).collect();
    assert_eq!(
        removed(&dry).into_iter().collect::<BTreeSet<_>>(),
        want,
        "{:#?}",
        dry.decisions
    );
    for d in dry.decisions.iter().filter(|d| d.remove) {
        assert_eq!(
            (d.reason, d.source),
            (Reason::UnusedDays, LastUseSource::Mtime)
        );
        let expect = i64::try_from(now - 100 * DAY).unwrap();
        assert!((d.last_use.unwrap() - expect).abs() <= 1, "{d:?}");
    }
    assert!(dry.results.is_empty() && dry.bytes_freed == 0);
    let plan = dry.plan.as_ref().unwrap();
    let of = |k: CacheKind| plan.items.iter().filter(|i| i.cache == k).count();
    assert_eq!(of(CacheKind::Modcache), 2, "{plan:#?}");
    assert!(of(CacheKind::Build) > 0, "{plan:#?}");
    for m in &unused {
        assert!(
            m.extracted_dir(&fx.gomodcache).is_dir(),
            "dry run removed {m:?}"
        );
    }
    let mc = cache(&dry, CacheKind::Modcache);
    assert!(mc.bytes_after < mc.bytes_before, "{mc:?}");
    let build = cache(&dry, CacheKind::Build);
    assert_eq!(build.budget, Some(1024));
    assert!(build.bytes_after < build.bytes_before, "{build:?}");
    let build_before = gocache_tests::du_bytes(&fx.gocache);

    // A free-disk floor of 99.9% (this disk has less free): the shortfall exceeds the module
    // cache, so its budget tightens to 0 and every unused version would go; in-use ones stay.
    let floor = AutoPolicy {
        unused_days: None,
        free_disk_floor: Some(gocache_core::settings::DiskFloor::Percent(99.9)),
        ..AutoPolicy::default()
    };
    let tight = run(&fx, &floor, true);
    let mc = cache(&tight, CacheKind::Modcache);
    assert!(mc.tightened && mc.budget == Some(0), "{mc:?}");
    assert!(mc.free_bytes < mc.floor_bytes, "{mc:?}");
    assert_eq!(
        removed(&tight).into_iter().collect::<BTreeSet<_>>(),
        unused.iter().map(key).collect::<BTreeSet<_>>()
    );
    assert!(
        tight
            .decisions
            .iter()
            .filter(|d| d.remove)
            .all(|d| d.reason == Reason::OverBudget)
    );

    let r = run(&fx, &policy, false);
    assert_eq!(removed(&r).into_iter().collect::<BTreeSet<_>>(), want);
    for (i, m) in unused.iter().enumerate() {
        assert_eq!(m.extracted_dir(&fx.gomodcache).exists(), i >= 2, "{m:?}");
    }
    assert!(r.bytes_freed > 0);
    let build_after = gocache_tests::du_bytes(&fx.gocache);
    assert!(
        build_after < build_before,
        "{build_after} >= {build_before}"
    );
    builds_offline(&fx);
}

/// `gocache-hold`, started with its working directory in a version directory and one of its
/// files open; ended on drop.
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Holder {
    fn start(cwd: &Path, file: &Path) -> Self {
        let mut child = Command::new(PathBuf::from(env!("CARGO_BIN_EXE_gocache-hold")))
            .arg(file)
            .current_dir(cwd)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| panic!("gocache-hold: {e}"));
        let stdin = child.stdin.take();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        assert_eq!(line.trim(), "ready", "gocache-hold did not start");
        Holder { child, stdin }
    }

    fn release(mut self) {
        if let Some(mut s) = self.stdin.take() {
            let _ = writeln!(s);
        }
        let _ = self.child.wait();
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[test]
fn a_process_holding_files_in_the_module_cache_makes_the_run_skip_it() {
    gocache_core::skip_under_wine!(gocache_core::wine::WineGap::RestartManager);
    let fx = fixture();
    let unused = unused(&fx);
    let dir = unused[0].extracted_dir(&fx.gomodcache);
    let holder = Holder::start(&dir, &dir.join("go.mod"));
    let policy = AutoPolicy {
        modcache_max_bytes: Some(0),
        unused_days: None,
        ..AutoPolicy::default()
    };
    let r = run(&fx, &policy, false);
    let mc = cache(&r, CacheKind::Modcache);
    let why = mc.skipped.as_deref().unwrap_or_default();
    assert!(why.contains("hold files in it"), "{mc:?}");
    assert!(
        mc.holders.iter().any(|h| h.contains("gocache-hold")),
        "{mc:?}"
    );
    assert!(removed(&r).is_empty() && r.results.is_empty(), "{r:#?}");
    for m in &unused {
        assert!(m.extracted_dir(&fx.gomodcache).is_dir());
    }
    holder.release();
    let r = run(&fx, &policy, false);
    assert!(cache(&r, CacheKind::Modcache).skipped.is_none());
    assert_eq!(
        removed(&r).into_iter().collect::<BTreeSet<_>>(),
        unused.iter().map(key).collect::<BTreeSet<_>>()
    );
    builds_offline(&fx);
}
