//! Test support shared by the core's unit tests and the app's tests (cargo feature
//! `testkit`; never in a shipped binary): synthetic trees shaped like Go's caches, written
//! with the marks Go leaves (read-only module files, old modification times).
//!
//! The fixture builder of the `gocache-tests` crate makes **real** caches with a real Go
//! toolchain; these synthetic ones are for unit tests of the clean session that need exact,
//! chosen ages and sizes and must run without Go.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::missing_panics_doc,
    reason = "test support: a failure to write the fixture is the test's failure"
)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use serde_json::Value;

use crate::env::EnvMap;

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;
// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod unix;
#[cfg(any())]
mod windows;

#[cfg(unix)]
use unix as sys;
#[cfg(windows)]
use windows as sys;

/// Sets the modification time of a file or directory to `t`.
pub fn set_mtime(p: &Path, t: SystemTime) {
    sys::times_handle(p)
        .unwrap_or_else(|e| panic!("{p:?}: {e}"))
        .set_modified(t)
        .unwrap_or_else(|e| panic!("{p:?}: {e}"));
}

/// Sets the modification time of a file or directory to `days` days ago.
pub fn set_age(p: &Path, days: u64) {
    set_mtime(p, SystemTime::now() - Duration::from_secs(days * 86_400));
}

/// Makes a module file or directory read-only the way Go leaves it: mode 0444 for a file and
/// 0555 for a directory on Unix; FILE_ATTRIBUTE_READONLY on a file on Windows (directories
/// keep their attributes there).
pub fn make_readonly(p: &Path) {
    sys::make_readonly(p);
}

/// Writes a module version as Go leaves it, last modified `age_days` ago: the extracted tree
/// `<escpath>@<escver>/{go.mod, sub/a.go}` (read-only) and the download files
/// `cache/download/<escpath>/@v/<escver>.{info,mod,zip,ziphash,lock}`.
pub fn add_module_version(modcache: &Path, escpath: &str, escver: &str, age_days: u64) {
    let dir = modcache.join(format!("{escpath}@{escver}"));
    fs::create_dir_all(dir.join("sub")).unwrap();
    fs::write(dir.join("go.mod"), format!("module {escpath}\n")).unwrap();
    fs::write(dir.join("sub/a.go"), format!("package sub // {escver}\n")).unwrap();
    for f in ["go.mod", "sub/a.go", "sub", ""] {
        set_age(&dir.join(f), age_days);
    }
    for f in ["go.mod", "sub/a.go", "sub", ""] {
        make_readonly(&dir.join(f));
    }
    let dl = modcache.join("cache/download").join(escpath).join("@v");
    fs::create_dir_all(&dl).unwrap();
    for ext in ["info", "mod", "zip", "ziphash", "lock"] {
        let f = dl.join(format!("{escver}.{ext}"));
        fs::write(&f, format!("{escpath} {escver} {ext}")).unwrap();
        set_age(&f, age_days);
    }
}

/// A home directory with a module cache and a build cache in a temporary directory, and the
/// environment that names them (`GOENV=off`, an empty `PATH`: no `go` is run).
#[derive(Debug)]
pub struct SynthCaches {
    /// The temporary directory; everything is removed when this is dropped.
    pub dir: tempfile::TempDir,
    /// Its canonical path, without Windows' `\\?\` prefix (the paths a user's Go reports).
    pub base: PathBuf,
    /// `<base>/home`, the user's home.
    pub home: PathBuf,
    /// `<home>/go/pkg/mod`: `example.com/a` v1.0.0, v1.1.0 and v1.2.0 (200, 100 and 1 days
    /// old) and `example.com/!b` v0.1.0 (1 day old), each as [`add_module_version`] writes it.
    pub modcache: PathBuf,
    /// `<home>/.cache/go-build`: `README`, `trim.txt` and two entries (175 and 5000 bytes).
    pub gocache: PathBuf,
    /// `HOME`, `GOPATH`, `GOMODCACHE`, `GOCACHE`, `XDG_CACHE_HOME`, `XDG_CONFIG_HOME`,
    /// `GOENV=off` and an empty `PATH`, written in the OS's separators as a user's are.
    pub env: EnvMap,
}

/// Writes the caches [`SynthCaches`] describes.
pub fn synth_caches() -> SynthCaches {
    let dir = tempfile::tempdir().unwrap();
    let base = crate::os::simplified(fs::canonicalize(dir.path()).unwrap());
    let home = base.join("home");
    let gopath = home.join("go");
    let modcache = gopath.join("pkg").join("mod");
    let gocache = home.join(".cache").join("go-build");
    add_module_version(&modcache, "example.com/a", "v1.0.0", 200);
    add_module_version(&modcache, "example.com/a", "v1.1.0", 100);
    add_module_version(&modcache, "example.com/a", "v1.2.0", 1);
    add_module_version(&modcache, "example.com/!b", "v0.1.0", 1);
    fs::create_dir_all(gocache.join("00")).unwrap();
    fs::create_dir_all(gocache.join("ab")).unwrap();
    fs::write(
        gocache.join("README"),
        "This directory holds cached build artifacts from the Go build system.\n",
    )
    .unwrap();
    fs::write(gocache.join("trim.txt"), "1700000000\n").unwrap();
    fs::write(gocache.join("00/0011-a"), vec![b'a'; 175]).unwrap();
    fs::write(gocache.join("ab/ab22-d"), vec![b'd'; 5000]).unwrap();
    let s = |p: &Path| p.display().to_string();
    let env = EnvMap::from_pairs([
        ("HOME", s(&home)),
        ("GOPATH", s(&gopath)),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&gocache)),
        ("XDG_CACHE_HOME", s(&base.join("xdg"))),
        ("XDG_CONFIG_HOME", s(&base.join("xdg-config"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ]);
    SynthCaches {
        dir,
        base,
        home,
        modcache,
        gocache,
        env,
    }
}

/// Updates recorded as the JSON the app sends on a channel (`{"event", "data"}`).
pub type Events = Arc<Mutex<Vec<Value>>>;

/// Waits (at most a minute) for an event named `name` in `events`; returns its data.
pub fn wait_for(events: &Events, name: &str) -> Value {
    let start = Instant::now();
    loop {
        if let Some(e) = events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|e| e["event"] == name)
        {
            return e["data"].clone();
        }
        assert!(
            start.elapsed() < Duration::from_secs(60),
            "no {name} event: {:?}",
            events.lock().unwrap_or_else(PoisonError::into_inner)
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The names of the events recorded so far, in order.
pub fn event_names(events: &Events) -> Vec<String> {
    events
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .iter()
        .map(|e| e["event"].as_str().unwrap_or_default().to_owned())
        .collect()
}
