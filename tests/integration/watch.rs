//! Issue #15 point 7: what the go command changes outside the app reaches the cache watch
//! (the app rescans on its events). Real `go mod download` and `go build` on a real cache.
//!
//! Unix only: on Windows the watch covers the cache roots only (`watch::MODCACHE_DEPTH`,
//! `watch::BUILD_DEPTH`: a watched directory is an open handle there, which would block
//! renames), so these changes, made below the roots, are seen when the window regains focus.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use gocache_core::CancelToken;
use gocache_core::discover::CacheKind;
use gocache_core::watch::{self, WatchEvent, WatchOptions, WatchRoot};
use gocache_tests::fixture::{Spec, TempFixture};

type Seen = Arc<Mutex<Vec<WatchEvent>>>;

/// Waits until an event naming `kind` arrives (at most `within`); every event seen so far.
fn wait_for_kind(seen: &Seen, kind: CacheKind, within: Duration) -> Vec<WatchEvent> {
    let end = Instant::now() + within;
    loop {
        let got = seen.lock().unwrap_or_else(PoisonError::into_inner).clone();
        if got.iter().any(|e| e.kinds.contains(&kind)) || Instant::now() >= end {
            return got;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn run_go(fx: &gocache_tests::fixture::Fixture, args: &[&str]) {
    let out = gocache_tests::output(&mut fx.go_command(args)).unwrap();
    assert!(
        out.status.success(),
        "go {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn go_mod_download_and_go_build_outside_the_app_are_seen_by_the_watch() {
    let tf = TempFixture::new(&Spec {
        modules: 2,
        versions: 2,
        files_per_version: 2,
        build_cache: true,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"));
    let fx = tf.fixture();
    // A version the project does not need, removed so that `go mod download` fetches it again
    // (as after a clean): its directory appears inside a watched owner directory.
    let required = fx.required_version();
    let victim = fx
        .regular_modules()
        .find(|m| !(m.path == required.path && m.version == required.version))
        .expect("a second version")
        .clone();
    let dir = victim.extracted_dir(&fx.gomodcache);
    let chmod = std::process::Command::new("chmod")
        .args(["-R", "u+w"])
        .arg(&dir)
        .status()
        .unwrap();
    assert!(chmod.success());
    std::fs::remove_dir_all(&dir).unwrap();

    // The depths the app watches with (`watch::roots_for`).
    let roots = vec![
        WatchRoot {
            kind: CacheKind::Modcache,
            path: fx.gomodcache.clone(),
            depth: watch::MODCACHE_DEPTH,
        },
        WatchRoot {
            kind: CacheKind::Build,
            path: fx.gocache.clone(),
            depth: watch::BUILD_DEPTH,
        },
    ];
    let seen: Seen = Arc::default();
    let sink = seen.clone();
    let options = WatchOptions {
        debounce: Duration::from_millis(400),
        max_wait: Duration::from_secs(5),
    };
    let w = watch::watch(roots, options, CancelToken::new(), move |e| {
        sink.lock().unwrap_or_else(PoisonError::into_inner).push(e);
    })
    .unwrap();
    std::thread::sleep(Duration::from_millis(300));
    assert!(
        seen.lock()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty(),
        "an event before any change"
    );

    run_go(
        fx,
        &[
            "mod",
            "download",
            &format!("{}@{}", victim.path, victim.version),
        ],
    );
    assert!(
        dir.is_dir(),
        "go mod download did not extract {}",
        dir.display()
    );
    let got = wait_for_kind(&seen, CacheKind::Modcache, Duration::from_secs(15));
    assert!(
        got.iter().any(|e| e.kinds == [CacheKind::Modcache]),
        "no module cache event after go mod download: {got:?}"
    );

    // New code to compile: `go build` writes new entries into the build cache's subdirectories.
    seen.lock().unwrap_or_else(PoisonError::into_inner).clear();
    std::fs::write(
        fx.project.join("extra.go"),
        "package main\n\nconst watchedBuild = \"issue 15 point 7\"\n\nfunc init() { _ = watchedBuild + \"x\" }\n",
    )
    .unwrap();
    run_go(
        fx,
        &[
            "build",
            "-o",
            fx.root.join("out.bin").to_str().unwrap(),
            ".",
        ],
    );
    let got = wait_for_kind(&seen, CacheKind::Build, Duration::from_secs(15));
    assert!(
        got.iter().any(|e| e.kinds.contains(&CacheKind::Build)),
        "no build cache event after go build: {got:?}"
    );
    w.stop();
}
