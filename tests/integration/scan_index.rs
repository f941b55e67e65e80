//! The scan index and incremental rescans (issue #16) on genuine caches made by the real Go:
//! after Go adds versions, after `go clean -modcache` and our clean remove some, after a
//! version directory is replaced by another of the same name and after the build cache
//! changes, an incremental scan equals `du -sb` and `du -sB1` (on Windows the independent
//! walk of [`gocache_tests::du_bytes`]) and a full scan without index, field for field. A
//! corrupt, foreign or other-version index is ignored and rebuilt; a cancelled scan leaves a
//! usable index.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gocache_core::clean::{self, ExecOptions, PlanOptions, Target};
use gocache_core::discover::{self, Cache, CacheKind};
use gocache_core::env::{EnvMap, Source};
use gocache_core::progress::{Progress, ProgressEvent};
use gocache_core::scan::index::{FORMAT_VERSION, modcache_file};
use gocache_core::scan::{Discard, Options, Report, scan};
use gocache_core::{CancelToken, NoProgress};
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

use super::run_ok;

fn fixture() -> TempFixture {
    let fx = TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("fixture: {e}"));
    // Directories changed within the last 3 s are never stored in the index (a change in the
    // same time-stamp tick would go unseen): let the fixture's age past that, so the first
    // index holds every version and the rescans below really reuse them.
    std::thread::sleep(Duration::from_millis(3_200));
    fx
}

fn cache(kind: CacheKind, path: &Path, var: &str) -> Cache {
    Cache {
        kind,
        path: path.to_path_buf(),
        var: var.into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    }
}

fn caches(fx: &Fixture) -> Vec<Cache> {
    vec![
        cache(CacheKind::Modcache, &fx.gomodcache, "GOMODCACHE"),
        cache(CacheKind::Build, &fx.gocache, "GOCACHE"),
    ]
}

/// Scan options: a fixed `now` (so two scans' age histograms compare), the index in
/// `index_dir` when given.
fn opts(index_dir: Option<&Path>, full: bool) -> Options {
    Options {
        threads: Some(2),
        now: Some(1_900_000_000),
        index_dir: index_dir.map(Path::to_path_buf),
        full,
        ..Options::default()
    }
}

/// The report without what differs between two scans of the same caches.
fn content(r: &Report) -> Report {
    let mut r = r.clone();
    r.elapsed_ms = 0;
    r.index = Default::default();
    r
}

/// Scans incrementally with the index in `dir`, checks the result against du (cache totals
/// and every module row) and against a full scan that uses no index; returns the report.
fn rescan(fx: &Fixture, dir: &Path, what: &str) -> Report {
    let r = scan(
        &caches(fx),
        &opts(Some(dir), false),
        &NoProgress,
        &CancelToken::new(),
    );
    assert!(!r.cancelled, "{what}");
    check_du(fx, &r, what);
    let full = scan(
        &caches(fx),
        &opts(None, false),
        &NoProgress,
        &CancelToken::new(),
    );
    let (mut inc, full) = (content(&r), content(&full));
    // The build cache's newest modification time may lag, by design: Go rewrites an existing
    // action entry in place (same size, new time; `go build` does for one entry or so), which
    // changes no shard directory, so the index keeps that shard's older time
    // (`scan::buildindex`). Never newer than the disk; the rest must be equal.
    let on_disk = build_newest(&full);
    if let Some(c) = inc.caches.iter_mut().find(|c| c.kind == CacheKind::Build) {
        assert!(
            c.newest_mtime <= on_disk,
            "{what}: build cache newest {:?} > {on_disk:?} on disk",
            c.newest_mtime
        );
        c.newest_mtime = on_disk;
    }
    same(&inc, &full, &format!("{what}: incremental vs full"));
    r
}

/// The build cache's newest modification time in `r`.
fn build_newest(r: &Report) -> Option<i64> {
    r.caches
        .iter()
        .find(|c| c.kind == CacheKind::Build)
        .and_then(|c| c.newest_mtime)
}

/// The fields enclosing line `i` of a pretty Debug form: each line above it that opens a
/// block at a smaller indentation, outermost first.
fn where_in(lines: &[&str], i: usize) -> String {
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut at = indent(lines[i]);
    let mut path = Vec::new();
    for l in lines[..i].iter().rev() {
        if indent(l) < at && l.trim_end().ends_with(['{', '[', '(']) {
            at = indent(l);
            path.push(l.trim().trim_end_matches(['{', '[', '(']).trim());
        }
    }
    path.reverse();
    path.join(" > ")
}

/// Asserts two reports are equal, naming the lines of their pretty forms that differ (the
/// whole reports are thousands of lines).
fn same(a: &Report, b: &Report, what: &str) {
    if a == b {
        return;
    }
    let (x, y) = (format!("{a:#?}"), format!("{b:#?}"));
    let lines: Vec<&str> = x.lines().collect();
    let diff: Vec<String> = lines
        .iter()
        .zip(y.lines())
        .enumerate()
        .filter(|(_, (l, r))| *l != r)
        .take(40)
        .map(|(i, (l, r))| format!("{} {} | {}", where_in(&lines, i), l.trim(), r.trim()))
        .collect();
    // The first difference on the panic's first line: CI's digest keeps only that line.
    panic!(
        "{what}: the reports differ, first at {} ({} and {} lines in all); every difference:\n{}",
        diff.first().map_or("the line count", String::as_str),
        x.lines().count(),
        y.lines().count(),
        diff.join("\n")
    );
}

fn check_du(fx: &Fixture, r: &Report, what: &str) {
    for (kind, root) in [
        (CacheKind::Modcache, &fx.gomodcache),
        (CacheKind::Build, &fx.gocache),
    ] {
        let c = r.caches.iter().find(|c| c.kind == kind).unwrap();
        assert_eq!(c.error, None, "{what}");
        assert_eq!(
            c.bytes,
            gocache_tests::du_bytes(root),
            "{what}: {kind:?} bytes"
        );
        assert_eq!(
            c.disk_bytes,
            gocache_tests::du_disk_bytes(root),
            "{what}: {kind:?} disk bytes"
        );
    }
    for m in &r.modules {
        let dir = PathBuf::from(&m.dir);
        assert_eq!(m.bytes, gocache_tests::du_bytes(&dir), "{what}: {}", m.dir);
        assert_eq!(
            m.disk_bytes,
            gocache_tests::du_disk_bytes(&dir),
            "{what}: {}",
            m.dir
        );
    }
}

/// Removes `versions` with our clean (plan, execute, purge).
fn clean_versions(fx: &Fixture, versions: &[&ModuleVersion]) {
    let env = EnvMap::from_pairs(fx.go_env());
    let d = discover::discover(
        &env,
        &discover::Options {
            run_go: false,
            ..discover::Options::default()
        },
    );
    let targets: Vec<Target> = versions
        .iter()
        .map(|m| Target::ModuleVersion {
            path: m.path.clone(),
            version: m.version.clone(),
        })
        .collect();
    let popts = PlanOptions {
        home: Some(fx.root.join("home")),
        now: None,
    };
    let plan = clean::plan(&d, &targets, &popts, &CancelToken::new()).unwrap();
    let results = crate::execute_to_end(&d, &plan, &ExecOptions::default()).0;
    assert_eq!(results.len(), versions.len());
    for m in versions {
        assert!(!m.extracted_dir(&fx.gomodcache).exists(), "{m:?}");
    }
}

fn download(fx: &Fixture, versions: &[&ModuleVersion]) {
    let mut args = vec!["mod".to_owned(), "download".to_owned()];
    args.extend(versions.iter().map(|m| format!("{}@{}", m.path, m.version)));
    run_ok(fx.go_command(&args));
}

/// Copies the tree `from` to `to` (which must not exist), keeping file modes.
fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

#[test]
fn incremental_rescans_equal_du_after_go_and_clean_change_the_cache() {
    let fx = fixture();
    let index = tempfile::tempdir().unwrap();
    let dir = index.path();
    let versions: Vec<&ModuleVersion> = fx.regular_modules().collect();
    let n = versions.len() as u64;
    let modules = {
        let mut p: Vec<&str> = versions.iter().map(|m| m.path.as_str()).collect();
        p.dedup();
        p.len() as u64
    };

    // No index yet: everything walked, the index written.
    let first = rescan(&fx, dir, "first scan");
    assert!(
        !first.index.loaded && first.index.written,
        "{:?}",
        first.index
    );
    assert_eq!(first.index.walked_versions, n);
    assert!(modcache_file(dir, &fx.gomodcache).is_file());

    // Unchanged: every version and every @v directory from the index, nothing rewritten.
    let again = rescan(&fx, dir, "unchanged");
    assert!(again.index.loaded, "{:?}", again.index);
    assert_eq!(
        (again.index.reused_versions, again.index.walked_versions),
        (n, 0)
    );
    assert_eq!(
        (
            again.index.reused_download_dirs,
            again.index.walked_download_dirs
        ),
        (modules, 0)
    );
    assert!(!again.index.written);
    // The build cache's shards too (not on Windows, where the build cache has no index).
    let build_index = gocache_core::os::HOST != gocache_core::os::OsKind::Windows;
    if build_index {
        assert!(again.index.build_loaded, "{:?}", again.index);
        assert_eq!(again.index.walked_build_shards, 0, "{:?}", again.index);
        assert!(again.index.reused_build_shards > 0, "{:?}", again.index);
        assert!(!again.index.build_written, "{:?}", again.index);
    } else {
        assert!(!again.index.build_loaded && !again.index.build_written);
    }

    // Our clean removes two versions of one module and one of another.
    let removed = [versions[0], versions[1], versions[4]];
    clean_versions(&fx, &removed);
    let r = rescan(&fx, dir, "after our clean");
    assert_eq!(r.modules.len() as u64, n - 3);
    assert_eq!(r.index.walked_versions, 0, "{:?}", r.index);
    assert!(r.index.walked_download_dirs >= 2, "{:?}", r.index);

    // Go downloads them again (new directories, new files in @v and a rewritten `list`).
    download(&fx, &removed);
    let r = rescan(&fx, dir, "after go mod download");
    assert_eq!(r.modules.len() as u64, n);
    assert_eq!(
        (r.index.reused_versions, r.index.walked_versions),
        (n - 3, 3),
        "{:?}",
        r.index
    );

    // A version directory replaced by another of the same name (another inode, one more
    // file), the way an extraction renames a finished tree into place.
    let target = versions[2].extracted_dir(&fx.gomodcache);
    let mut staging = target.clone().into_os_string();
    staging.push(".replacement");
    let staging = PathBuf::from(staging);
    copy_tree(&target, &staging);
    std::fs::write(staging.join("EXTRA.txt"), vec![b'x'; 12_345]).unwrap();
    let mut old = target.clone().into_os_string();
    old.push(".old");
    let old = PathBuf::from(old);
    std::fs::rename(&target, &old).unwrap();
    std::fs::rename(&staging, &target).unwrap();
    gocache_tests::remove_tree(&old).unwrap();
    let r = rescan(&fx, dir, "after a version was replaced");
    let row = r
        .modules
        .iter()
        .find(|m| m.path == versions[2].path && m.version == versions[2].version)
        .unwrap();
    assert_eq!(
        row.bytes,
        first
            .modules
            .iter()
            .find(|m| m.dir == row.dir)
            .unwrap()
            .bytes
            + 12_345
    );
    assert!(r.index.walked_versions >= 1, "{:?}", r.index);

    // The build cache changes: `go build` of a new package adds entries.
    let pkg = fx.project.join("extra");
    std::fs::create_dir_all(&pkg).unwrap();
    std::fs::write(
        pkg.join("extra.go"),
        "package extra\n\nfunc Extra() int { return 42 }\n",
    )
    .unwrap();
    let before = first.build.as_ref().unwrap().entries;
    let started = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    run_ok(fx.go_command(["build", "./..."]));
    let r = rescan(&fx, dir, "after go build");
    assert!(r.build.as_ref().unwrap().entries > before);
    // The entries the build added are seen, with their times, though most shards were reused.
    let newest = build_newest(&r).unwrap();
    assert!(newest >= started as i64, "{newest} < {started}");
    // Only the shards Go wrote into were walked.
    if build_index {
        assert!(
            r.index.walked_build_shards > 0 && r.index.reused_build_shards > 0,
            "{:?}",
            r.index
        );
    }

    // `go clean -cache` empties the build cache; a build fills it again.
    run_ok(fx.go_command(["clean", "-cache"]));
    let r = rescan(&fx, dir, "after go clean -cache");
    assert_eq!(r.build.as_ref().unwrap().entries, 0);
    run_ok(fx.go_command(["build", "./..."]));
    let r = rescan(&fx, dir, "after go build into the emptied cache");
    assert!(r.build.as_ref().unwrap().entries > 0);

    // `go clean -modcache` removes everything (the root included); then Go fills it again.
    run_ok(fx.go_command(["clean", "-modcache"]));
    assert!(!fx.gomodcache.exists());
    let all: Vec<&ModuleVersion> = fx.regular_modules().collect();
    download(&fx, &all);
    let r = rescan(&fx, dir, "after downloading everything again");
    assert_eq!(r.modules.len() as u64, n);

    // `scan --full` walks everything and rewrites the index.
    let full = scan(
        &caches(&fx),
        &opts(Some(dir), true),
        &NoProgress,
        &CancelToken::new(),
    );
    assert!(!full.index.loaded && full.index.written, "{:?}", full.index);
    assert_eq!(full.index.walked_versions, n);
    same(
        &content(&full),
        &content(&r),
        "scan --full against the last incremental scan",
    );
}

#[test]
fn a_corrupt_or_foreign_index_is_ignored_and_rebuilt() {
    let fx = fixture();
    let index = tempfile::tempdir().unwrap();
    let dir = index.path();
    let file = modcache_file(dir, &fx.gomodcache);
    let first = rescan(&fx, dir, "first scan");
    assert!(first.index.written);
    let good = std::fs::read(&file).unwrap();
    let n = first.modules.len() as u64;

    // A version is removed behind the index's back, then the index is damaged: a trusted
    // damaged index would still show it, or wrong totals.
    run_ok(fx.go_command(["clean", "-modcache"]));
    let some: Vec<&ModuleVersion> = fx.regular_modules().skip(2).collect();
    download(&fx, &some);

    let mut garbage = b"GCDSCIDX".to_vec();
    garbage.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    garbage.extend_from_slice(&[0xff; 200]);
    let mut other_version = good.clone();
    other_version[8..12].copy_from_slice(&(FORMAT_VERSION + 1).to_le_bytes());
    let mut flipped = good.clone();
    let last = flipped.len() - 9;
    flipped[last] ^= 0x55;
    let cases: Vec<(&str, Vec<u8>, Discard)> = vec![
        (
            "truncated",
            good[..good.len() / 2].to_vec(),
            Discard::Truncated,
        ),
        ("empty", vec![], Discard::Truncated),
        (
            "not an index",
            b"{\"json\": true}\n".to_vec(),
            Discard::NotAnIndex,
        ),
        ("garbage after the header", garbage, Discard::Truncated),
        ("one byte flipped", flipped, Discard::Corrupt),
        (
            "another format version",
            other_version,
            Discard::OtherVersion(FORMAT_VERSION + 1),
        ),
    ];
    for (what, bytes, why) in cases {
        std::fs::write(&file, &bytes).unwrap();
        let r = rescan(&fx, dir, what);
        assert_eq!(r.index.discarded, Some(why), "{what}");
        assert!(!r.index.loaded && r.index.written, "{what}: {:?}", r.index);
        assert_eq!(r.modules.len() as u64, n - 2, "{what}");
        // Rebuilt: the next scan uses it.
        let next = rescan(&fx, dir, what);
        assert!(next.index.loaded, "{what}: {:?}", next.index);
    }

    // The index of another cache root, put in this root's place.
    let other = tempfile::tempdir().unwrap();
    let other_root = other.path().join("mod");
    std::fs::create_dir(&other_root).unwrap();
    let r = scan(
        &[cache(CacheKind::Modcache, &other_root, "GOMODCACHE")],
        &opts(Some(dir), false),
        &NoProgress,
        &CancelToken::new(),
    );
    assert!(r.index.written);
    std::fs::copy(modcache_file(dir, &other_root), &file).unwrap();
    let r = rescan(&fx, dir, "another root's index");
    assert_eq!(r.index.discarded, Some(Discard::OtherRoot));
    assert!(r.index.written);
}

/// Cancels the scan at its first progress report of the module cache.
struct CancelAtFirstProgress<'a>(&'a CancelToken);

impl Progress for CancelAtFirstProgress<'_> {
    fn emit(&self, e: ProgressEvent) {
        if let ProgressEvent::ScanProgress { kind, .. } = e
            && kind == "modcache"
        {
            self.0.cancel();
        }
    }
}

#[test]
fn a_cancelled_scan_leaves_a_usable_index() {
    let fx = fixture();
    let index = tempfile::tempdir().unwrap();
    let dir = index.path();
    let file = modcache_file(dir, &fx.gomodcache);
    rescan(&fx, dir, "first scan");
    let before = std::fs::read(&file).unwrap();

    // The cache changes (versions removed and downloaded again: new identities), then a scan
    // is cancelled in the middle of the module cache.
    let versions: Vec<&ModuleVersion> = fx.regular_modules().collect();
    let changed = [versions[0], versions[3], versions[7]];
    clean_versions(&fx, &changed);
    download(&fx, &changed);
    let token = CancelToken::new();
    let r = scan(
        &caches(&fx),
        &opts(Some(dir), false),
        &CancelAtFirstProgress(&token),
        &token,
    );
    assert!(r.cancelled);
    assert!(!r.index.written, "{:?}", r.index);
    assert_eq!(
        std::fs::read(&file).unwrap(),
        before,
        "a cancelled scan wrote the index"
    );

    // The next scan uses the old index and is exact.
    let r = rescan(&fx, dir, "after a cancelled scan");
    assert!(r.index.loaded);
    assert_eq!(r.index.walked_versions, 3, "{:?}", r.index);
    assert_eq!(r.modules.len(), versions.len());
}

#[test]
fn where_in_names_the_enclosing_fields() {
    let text = "Report {\n    caches: [\n        CacheReport {\n            bytes: 1,\n        },\n    ],\n    build: Some(\n        BuildReport {\n            entries: 3,\n        },\n    ),\n}";
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(where_in(&lines, 3), "Report > caches: > CacheReport");
    assert_eq!(where_in(&lines, 8), "Report > build: Some > BuildReport");
}
