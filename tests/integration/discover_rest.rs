//! gopls' module index and Go's telemetry data (issue #18, "Discovery of the rest"), with the
//! real `go` command: where discovery finds them, that the scan sizes them like `du`, that the
//! index is cleaned through the clean engine, and that no clean touches the telemetry data.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use gocache_core::CancelToken;
use gocache_core::clean::{self, ExecOptions, Outcome, PlanOptions, Target};
use gocache_core::discover::{self, CacheKind, Options, Report, TelemetryMode};
use gocache_core::env::EnvMap;

fn go() -> PathBuf {
    gocache_tests::go_binary().unwrap_or_else(|| panic!("these tests need a Go toolchain"))
}

/// A fresh home under `t` with its own XDG cache and configuration directories (so
/// `os.UserCacheDir()` and `os.UserConfigDir()`, hence gopls' index and GOTELEMETRYDIR, are
/// inside it), GOCACHE and GOPATH below it, and Go on PATH.
struct Home {
    _t: tempfile::TempDir,
    home: PathBuf,
    env: EnvMap,
}

impl Home {
    fn new() -> Self {
        let t = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let home = t.path().join("home");
        std::fs::create_dir_all(home.join("proj")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let go_dir = go().parent().map(Path::to_path_buf).unwrap_or_default();
        let s = |p: PathBuf| p.display().to_string();
        let env = EnvMap::from_pairs([
            ("HOME", s(home.clone())),
            ("PATH", s(go_dir)),
            ("XDG_CACHE_HOME", s(home.join("xcache"))),
            ("XDG_CONFIG_HOME", s(home.join("xconfig"))),
            ("GOPATH", s(home.join("gopath"))),
            ("GOTOOLCHAIN", "local".to_owned()),
            ("GOFLAGS", "-modcacherw".to_owned()),
            ("GOPROXY", "off".to_owned()),
            ("CGO_ENABLED", "0".to_owned()),
        ]);
        Self { _t: t, home, env }
    }

    fn telemetry_dir(&self) -> PathBuf {
        self.home.join("xconfig").join("go").join("telemetry")
    }

    fn index_dir(&self) -> PathBuf {
        self.home.join("xcache").join("go").join("imports")
    }

    /// The real `go` with this home's environment only.
    fn go(&self, args: &[&str]) -> String {
        let mut cmd = Command::new(go());
        cmd.args(args)
            .current_dir(self.home.join("proj"))
            .env_clear()
            .envs(self.env.iter());
        super::run_ok(cmd)
    }

    fn discover(&self, run_go: bool) -> Report {
        discover::discover(
            &self.env,
            &Options {
                run_go,
                search_install_locations: false,
                ..Options::default()
            },
        )
    }

    /// A module to build, so that `go build` has something to count.
    fn project(&self) {
        let p = self.home.join("proj");
        std::fs::write(p.join("go.mod"), "module example.com/p\n\ngo 1.21\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        std::fs::write(p.join("main.go"), "package main\n\nfunc main() {}\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
    }

    /// The layout gopls writes (golang/tools `internal/modindex/index.go`: `writeIndex` puts
    /// an `index-<CurrentVersion>-*` file made by `os.CreateTemp` in `IndexDir()` =
    /// `os.UserCacheDir()/go/imports`, then writes its name into
    /// `index-name-<CurrentVersion>-<crc64(GOMODCACHE) %016x>`; the index is a text file whose
    /// 3 header lines are the format version, GOMODCACHE and the time it is valid from).
    fn gopls_index(&self) {
        let d = self.index_dir();
        std::fs::create_dir_all(&d).unwrap_or_else(|e| panic!("mkdir: {e}"));
        let modcache = self.home.join("gopath").join("pkg").join("mod");
        let mut index = format!("0\n{}\n2024-09-11 18:55:09\n", modcache.display());
        for i in 0..200 {
            index.push_str(&format!(
                ":yaml{i},gopkg.in/yaml{i}.v1,gopkg.in/yaml{i}.v1@v1.0.0,v1.0.0\n\
                 Getter T\nMarshal F 2 in interface{{}}\nUnmarshal F 1 in []byte out interface{{}}\n"
            ));
        }
        std::fs::write(d.join("index-0-2875433160"), &index).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(
            d.join("index-0-1200000001"),
            "0\n/old\n2024-09-10 10:00:00\n",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
        std::fs::write(
            d.join("index-name-0-9a3b4c5d6e7f8091"),
            "index-0-2875433160",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
    }
}

/// Relative path -> size of every file under `root`.
fn files(root: &Path) -> BTreeMap<PathBuf, u64> {
    fn walk(root: &Path, p: &Path, out: &mut BTreeMap<PathBuf, u64>) {
        let md = std::fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if md.is_dir() {
            for e in std::fs::read_dir(p).unwrap_or_else(|e| panic!("{e}")) {
                walk(root, &e.unwrap_or_else(|e| panic!("{e}")).path(), out);
            }
        } else {
            let rel = p.strip_prefix(root).unwrap_or(p).to_path_buf();
            out.insert(rel, md.len());
        }
    }
    let mut out = BTreeMap::new();
    walk(root, root, &mut out);
    out
}

fn scan(r: &Report) -> gocache_core::scan::Report {
    gocache_core::scan::scan(
        &r.caches,
        &gocache_core::scan::Options::default(),
        &gocache_core::NoProgress,
        &CancelToken::new(),
    )
}

#[test]
fn telemetry_is_found_where_go_says_with_its_mode_and_size() {
    let h = Home::new();
    h.project();
    // `go telemetry local` writes the mode file; every go command then writes counters in
    // local/ (x/telemetry's counter files).
    h.go(&["telemetry", "local"]);
    h.go(&[
        "build",
        "-o",
        h.home.join("p.bin").to_str().unwrap_or("p.bin"),
        ".",
    ]);
    let go_dir = h.go(&["env", "GOTELEMETRYDIR"]);
    assert_eq!(go_dir.trim(), h.telemetry_dir().display().to_string());
    let local = files(&h.telemetry_dir().join("local"));
    assert!(
        local
            .keys()
            .any(|p| p.to_string_lossy().ends_with(".count")),
        "go wrote no counter file: {local:?}"
    );

    for run_go in [true, false] {
        let r = h.discover(run_go);
        let t = r
            .telemetry
            .clone()
            .unwrap_or_else(|| panic!("no telemetry"));
        assert_eq!(
            (t.dir.as_path(), t.from_go),
            (h.telemetry_dir().as_path(), run_go)
        );
        assert_eq!(t.mode, TelemetryMode::Local);
        let c = r.cache(CacheKind::Telemetry).cloned();
        let c = c.unwrap_or_else(|| panic!("telemetry not listed: {:?}", r.caches));
        assert_eq!(c.path, h.telemetry_dir());
        assert!(c.exists && !c.cleanable);
        assert!(
            !r.problems.iter().any(|p| p.id == "go-env-mismatch"),
            "{:?}",
            r.problems
        );
    }
    let r = h.discover(true);
    let scanned = scan(&r);
    let sc = scanned
        .caches
        .iter()
        .find(|c| c.kind == CacheKind::Telemetry);
    let sc = sc.unwrap_or_else(|| panic!("telemetry not scanned"));
    assert_eq!(sc.bytes, gocache_tests::du_bytes(&h.telemetry_dir()));
    assert_eq!(
        sc.disk_bytes,
        gocache_tests::du_disk_bytes(&h.telemetry_dir())
    );

    // `go telemetry off`: Go and our reading of the mode file both say off.
    h.go(&["telemetry", "off"]);
    assert_eq!(h.go(&["telemetry"]).trim(), "off");
    for run_go in [true, false] {
        let mode = h.discover(run_go).telemetry.map(|t| t.mode);
        assert_eq!(mode, Some(TelemetryMode::Off), "run_go {run_go}");
    }
    h.go(&["telemetry", "on"]);
    for run_go in [true, false] {
        let mode = h.discover(run_go).telemetry.map(|t| t.mode);
        assert_eq!(mode, Some(TelemetryMode::On), "run_go {run_go}");
    }
}

#[test]
fn gopls_index_is_sized_like_du_and_cleaned_by_the_engine() {
    let h = Home::new();
    h.gopls_index();
    let r = h.discover(true);
    let c = r.cache(CacheKind::GoplsIndex).cloned();
    let c = c.unwrap_or_else(|| panic!("no gopls index in {:?}", r.caches));
    assert_eq!(c.path, h.index_dir());
    assert_eq!((c.var.as_str(), c.cleanable), ("XDG_CACHE_HOME", true));

    let scanned = scan(&r);
    let sc = scanned
        .caches
        .iter()
        .find(|c| c.kind == CacheKind::GoplsIndex);
    let sc = sc.unwrap_or_else(|| panic!("index not scanned"));
    assert_eq!(sc.bytes, gocache_tests::du_bytes(&h.index_dir()));
    assert_eq!(sc.disk_bytes, gocache_tests::du_disk_bytes(&h.index_dir()));
    assert_eq!(sc.files, 3);

    let popts = PlanOptions {
        home: Some(h.home.clone()),
        now: None,
    };
    let plan = clean::plan(&r, &[Target::GoplsIndex], &popts, &CancelToken::new())
        .unwrap_or_else(|e| panic!("plan: {e}"));
    let file_bytes: u64 = files(&h.index_dir()).values().sum();
    assert_eq!((plan.total_bytes, plan.total_files), (file_bytes, 3));
    let (results, freed) = crate::execute_to_end(&r, &plan, &ExecOptions::default());
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Removed),
        "{results:?}"
    );
    assert_eq!(freed, file_bytes);
    // The directory stays (gopls creates its files, not the directory), empty.
    let left: Vec<_> = std::fs::read_dir(h.index_dir())
        .unwrap_or_else(|e| panic!("index dir gone: {e}"))
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Something gopls never writes there: the whole plan is refused, nothing is removed.
    h.gopls_index();
    std::fs::write(h.index_dir().join("notes.txt"), "mine").unwrap_or_else(|e| panic!("{e}"));
    let r = h.discover(false);
    let refused = clean::plan(&r, &[Target::GoplsIndex], &popts, &CancelToken::new());
    assert!(
        matches!(refused, Err(gocache_core::Error::BadRoot { .. })),
        "{refused:?}"
    );
    assert_eq!(files(&h.index_dir()).len(), 4);
}

#[test]
fn no_clean_touches_the_telemetry_data() {
    let h = Home::new();
    h.project();
    h.go(&["telemetry", "local"]);
    h.go(&[
        "build",
        "-o",
        h.home.join("p.bin").to_str().unwrap_or("p.bin"),
        ".",
    ]);
    h.gopls_index();
    let before = files(&h.telemetry_dir());
    assert!(!before.is_empty());
    let r = h.discover(true);
    assert_eq!(
        r.cache(CacheKind::Telemetry).map(|c| c.cleanable),
        Some(false)
    );
    // Every whole-cache target at once (the CLI and the app have no other way to name a
    // cache): the build cache and gopls' index go, the telemetry data stays as it was.
    let all = [
        Target::Modcache,
        Target::Toolchains,
        Target::Vcs,
        Target::Build,
        Target::Test,
        Target::Fuzz,
        Target::Gopls,
        Target::GoplsIndex,
        Target::GolangciLint,
        Target::Staticcheck,
    ];
    let popts = PlanOptions {
        home: Some(h.home.clone()),
        now: None,
    };
    let plan =
        clean::plan(&r, &all, &popts, &CancelToken::new()).unwrap_or_else(|e| panic!("plan: {e}"));
    assert!(plan.items.iter().all(|i| i.cache != CacheKind::Telemetry));
    assert!(
        plan.items
            .iter()
            .all(|i| !i.path.starts_with(h.telemetry_dir())),
        "{:?}",
        plan.items
    );
    assert!(plan.items.iter().any(|i| i.cache == CacheKind::GoplsIndex));
    let (results, _) = crate::execute_to_end(&r, &plan, &ExecOptions::default());
    assert!(
        results.iter().all(|r| r.outcome == Outcome::Removed),
        "{results:?}"
    );
    assert_eq!(files(&h.telemetry_dir()), before);
    // The marker check refuses the telemetry directory as a root of any clean.
    assert!(gocache_core::markers::looks_like(CacheKind::Telemetry, &h.telemetry_dir()).is_err());
}
