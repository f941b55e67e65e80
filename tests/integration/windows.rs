//! Windows scenarios (issue #13), with the real Windows `go.exe` (`$GO`, cross-built by
//! scripts/wine/setup.sh under Wine) as the oracle, run by `make test-windows` under Wine and on
//! the release workflow's Windows runner:
//!
//! 1. discovery equals `go.exe env` for Go's Windows defaults (`%USERPROFILE%`,
//!    `%LocalAppData%`, `%AppData%`), OS variables overriding, and `go env -w`;
//! 2. a module cache `go.exe mod download` made is sized exactly, per module version too;
//! 3. a program holding a cache file open, with its working directory in a module version, is
//!    named by the lock probe and ended by End process;
//! 4. cleaning a read-only module version succeeds and Go accepts the cache after;
//! 5. cleaning a version that program holds fails naming it and what to do, and succeeds once
//!    it is ended (in place, and through the quarantine);
//! 6. verify finds the fresh cache clean and names a modified file.
//!
//! Every path reported must be written the Windows way: no `\\?\` prefix, `\` separators only.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use gocache_core::clean::{
    self, CauseKind, ExecOptions, ItemResult, NoCleanProgress, Outcome, PlanOptions, Target,
};
use gocache_core::discover::{self, Cache, CacheKind, Report};
use gocache_core::env::{EnvMap, Source};
use gocache_core::locks::{
    self, EndError, EndHow, EndOptions, HoldKind, ProcessIdentity, end_process, find_holders,
};
use gocache_core::os::{OsRules, Windows};
use gocache_core::scan;
use gocache_core::verify::{self, Change, FileChange, NoVerifyProgress, Status};
use gocache_core::wine::WineGap;
use gocache_core::{CancelToken, NoProgress, skip_under_wine};
use gocache_tests::du_bytes;
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

use super::go_ok;

fn go() -> PathBuf {
    gocache_tests::go_binary().unwrap_or_else(|| panic!("these scenarios need go.exe ($GO)"))
}

fn go_dir() -> String {
    go().parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// `Path` as Windows spells it: the system directories after Go's.
fn path_var() -> String {
    let system = std::env::var("SystemRoot").unwrap_or_else(|_| r"C:\Windows".to_owned());
    format!(r"{};{system}\system32;{system}", go_dir())
}

/// Asserts `p` is written the Windows way: absolute, no verbatim prefix, `\` only.
fn assert_windows_path(what: &str, p: &str) {
    assert!(
        !p.starts_with(r"\\?\"),
        "{what} has the \\\\?\\ prefix: {p}"
    );
    assert!(!p.contains('/'), "{what} mixes separators: {p}");
    assert!(Windows.is_absolute(p), "{what} is not absolute: {p}");
}

/// The module versions of a small fixture, with its module cache only (no build cache: the
/// scenarios need none, and compiling under Wine is slow).
fn small_fixture(modules: usize, versions: usize) -> TempFixture {
    TempFixture::new(&Spec {
        modules,
        versions,
        files_per_version: 3,
        build_cache: false,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// The fixture's environment as discovery gets it, with `Path` (Windows' spelling).
fn fixture_env(fx: &Fixture) -> EnvMap {
    let mut env = EnvMap::from_pairs(fx.go_env());
    env.set("Path", path_var());
    env
}

/// Discovery in the fixture's environment, with `go env` (so GOROOT is known).
fn report(fx: &Fixture) -> Report {
    discover::discover(&fixture_env(fx), &discover::Options::default())
}

fn target_of(m: &ModuleVersion) -> Target {
    Target::ModuleVersion {
        path: m.path.clone(),
        version: m.version.clone(),
    }
}

fn plan_opts(fx: &Fixture) -> PlanOptions {
    PlanOptions {
        home: Some(fx.root.join("home")),
        now: None,
    }
}

/// Plans and executes `targets` with `opts`, purges the quarantine and returns the results.
fn clean_with(fx: &Fixture, targets: &[Target], opts: &ExecOptions) -> Vec<ItemResult> {
    let r = report(fx);
    let plan = clean::plan(&r, targets, &plan_opts(fx), &CancelToken::new())
        .unwrap_or_else(|e| panic!("plan: {e}"));
    for item in &plan.items {
        assert_windows_path("plan item", &item.path.display().to_string());
    }
    let results = crate::execute_to_end(&r, &plan, opts).0;
    for r in &results {
        assert_windows_path("clean result", &r.path.display().to_string());
        if let Some(d) = &r.detail {
            assert_windows_path("clean failure", &d.path.display().to_string());
        }
    }
    results
}

/// The read-only attribute of every file of `dir` (Go extracts module files read-only).
fn all_files_read_only(dir: &Path) -> bool {
    std::fs::read_dir(dir).unwrap().all(|e| {
        let e = e.unwrap();
        let md = std::fs::symlink_metadata(e.path()).unwrap();
        if md.is_dir() {
            all_files_read_only(&e.path())
        } else {
            md.permissions().readonly()
        }
    })
}

/// The `gocache-hold` program of this crate. Cargo names it by its build-host path, which is
/// a Unix path when the tests are cross-built and run under Wine; the binary then sits in the
/// target directory above this test binary's `deps`.
fn holder_exe() -> PathBuf {
    let named = PathBuf::from(env!("CARGO_BIN_EXE_gocache-hold"));
    if named.is_file() {
        return named;
    }
    let me = std::env::current_exe().unwrap();
    let beside = me
        .parent()
        .and_then(Path::parent)
        .map(|d| d.join("gocache-hold.exe"))
        .unwrap();
    assert!(
        beside.is_file(),
        "gocache-hold.exe not found: {}",
        beside.display()
    );
    beside
}

/// A running `gocache-hold`, ended (and reaped) on drop.
struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
}

impl Holder {
    /// Starts `gocache-hold FILES...` in `cwd` and waits until it holds them.
    fn start(cwd: &Path, files: &[&Path]) -> Self {
        let mut child = Command::new(holder_exe())
            .args(files)
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

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    /// Lets go of everything and waits for the exit.
    fn release(mut self) {
        if let Some(mut s) = self.stdin.take() {
            let _ = writeln!(s);
        }
        let st = self.child.wait().unwrap();
        assert_eq!(st.code(), Some(0));
    }
}

impl Drop for Holder {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn micros_now() -> u64 {
    let d = SystemTime::now().duration_since(UNIX_EPOCH).unwrap();
    u64::try_from(d.as_micros()).unwrap()
}

// ---------------------------------------------------------------------------------------------
// 1. Discovery equals `go.exe env`.

/// A Windows user profile in a temporary folder: `%USERPROFILE%` and the `%LocalAppData%`
/// and `%AppData%` folders below it, as Windows lays them out.
struct Profile {
    dir: tempfile::TempDir,
    home: String,
    local: String,
    roaming: String,
}

impl Profile {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let home = dir.path().join("gopher");
        let local = home.join("AppData").join("Local");
        let roaming = home.join("AppData").join("Roaming");
        for d in [&local, &roaming] {
            std::fs::create_dir_all(d).unwrap();
        }
        let s = |p: &Path| p.display().to_string();
        Profile {
            home: s(&home),
            local: s(&local),
            roaming: s(&roaming),
            dir,
        }
    }

    /// The environment of a Windows session, with the names spelled as Windows spells them
    /// (`USERPROFILE`, `LOCALAPPDATA`, `APPDATA`, `Path`), `go.exe` on `Path`, and nothing of
    /// the test's own Go settings.
    fn env(&self) -> EnvMap {
        let mut env = EnvMap::from_pairs([
            ("USERPROFILE", self.home.clone()),
            ("LOCALAPPDATA", self.local.clone()),
            ("APPDATA", self.roaming.clone()),
            ("Path", path_var()),
            ("GOTELEMETRY", "off".to_owned()),
        ]);
        for k in ["SystemRoot", "windir", "TMP", "TEMP"] {
            if let Ok(v) = std::env::var(k) {
                env.set(k, v);
            }
        }
        env
    }

    fn path(&self, rel: &str) -> String {
        self.dir.path().join(rel).display().to_string()
    }
}

/// The variables compared with `go.exe env`.
const COMPARED: [&str; 6] = [
    "GOMODCACHE",
    "GOCACHE",
    "GOPATH",
    "GOENV",
    "GOROOT",
    "GOTOOLCHAIN",
];

/// `go.exe env -json` with exactly `env`, run in `dir` (the oracle: no code of ours).
fn go_env(env: &EnvMap, dir: &str) -> BTreeMap<String, String> {
    let out = Command::new(go())
        .arg("env")
        .arg("-json")
        .args(COMPARED)
        .arg("GOVERSION")
        .current_dir(dir)
        .env_clear()
        .envs(env.iter())
        .output()
        .unwrap_or_else(|e| panic!("go env: {e}"));
    assert!(
        out.status.success(),
        "go env failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("go env -json: {e}"))
}

/// Discovery (without asking Go, then with) against `go.exe env` in `env`: the compared
/// variables, the caches they locate and the toolchain agree, and every path is a Windows path.
fn assert_discovery_is_go(p: &Profile, env: &EnvMap) -> Report {
    let theirs = go_env(env, &p.home);
    let own = discover::discover(
        env,
        &discover::Options {
            run_go: false,
            search_install_locations: false,
            ..discover::Options::default()
        },
    );
    for name in COMPARED {
        let mine = own.vars.get(name).map(|v| v.value.as_str());
        assert_eq!(
            mine,
            theirs.get(name).map(String::as_str),
            "{name} in {env:?}"
        );
    }
    // The toolchain: found on `Path`, with go.exe's GOROOT and version.
    let r = discover::discover(env, &discover::Options::default());
    let found =
        r.go.as_ref()
            .unwrap_or_else(|| panic!("go.exe not found: {r:?}"));
    assert_eq!(found.path, go());
    assert_eq!(found.version.as_ref(), theirs.get("GOVERSION"));
    assert_eq!(
        found.goroot.as_ref().map(|g| g.display().to_string()),
        theirs.get("GOROOT").cloned()
    );
    let ids: Vec<&str> = r.problems.iter().map(|p| p.id.as_str()).collect();
    assert!(
        !ids.iter().any(|id| id.starts_with("go-env")),
        "{:?}",
        r.problems
    );
    assert_eq!(
        r.cache(CacheKind::Modcache)
            .map(|c| c.path.display().to_string()),
        theirs.get("GOMODCACHE").cloned()
    );
    assert_eq!(
        r.cache(CacheKind::Build)
            .map(|c| c.path.display().to_string()),
        theirs.get("GOCACHE").cloned()
    );
    for name in ["GOMODCACHE", "GOCACHE", "GOENV", "GOROOT"] {
        assert_windows_path(name, &r.vars[name].value);
    }
    for entry in r.vars["GOPATH"].value.split(';') {
        assert_windows_path("GOPATH", entry);
    }
    for c in &r.caches {
        assert_windows_path(c.kind.as_str(), &c.path.display().to_string());
    }
    assert_windows_path("go", &found.path.display().to_string());
    let json = serde_json::to_string(&r).unwrap();
    assert!(!json.contains(r"\\\\?\\"), "{json}");
    r
}

#[test]
fn discovery_equals_go_env_for_windows_defaults_overrides_and_go_env_w() {
    let p = Profile::new();

    // Go's Windows defaults, under the profile folders.
    let env = p.env();
    let r = assert_discovery_is_go(&p, &env);
    for (name, want) in [
        ("GOPATH", format!(r"{}\go", p.home)),
        ("GOMODCACHE", format!(r"{}\go\pkg\mod", p.home)),
        ("GOCACHE", format!(r"{}\go-build", p.local)),
        ("GOENV", format!(r"{}\go\env", p.roaming)),
    ] {
        assert_eq!(r.vars[name].value, want, "{name}");
        assert_eq!(r.vars[name].source, Source::Default, "{name}");
    }

    // OS variables override: a GOPATH list (';'), then GOMODCACHE and GOCACHE themselves.
    let mut env = p.env();
    let (gp1, gp2) = (p.path("gp1"), p.path("gp2"));
    env.set("GOPATH", format!("{gp1};{gp2}"));
    let r = assert_discovery_is_go(&p, &env);
    assert_eq!(r.vars["GOMODCACHE"].value, format!(r"{gp1}\pkg\mod"));
    assert_eq!(r.vars["GOPATH"].source, Source::Env);
    env.set("GOMODCACHE", p.path("mods"));
    env.set("GOCACHE", p.path("build"));
    let r = assert_discovery_is_go(&p, &env);
    assert_eq!(r.vars["GOMODCACHE"].value, p.path("mods"));
    assert_eq!(r.vars["GOCACHE"].value, p.path("build"));
    assert_eq!(r.vars["GOMODCACHE"].source, Source::Env);

    // `go env -w GOMODCACHE=...` writes %AppData%\go\env, which discovery reads.
    let env = p.env();
    let written = p.path("written-by-go");
    let st = Command::new(go())
        .args(["env", "-w", &format!("GOMODCACHE={written}")])
        .current_dir(&p.home)
        .env_clear()
        .envs(env.iter())
        .status()
        .unwrap();
    assert_eq!(st.code(), Some(0));
    let file = Path::new(&p.roaming).join("go").join("env");
    let text = std::fs::read_to_string(&file)
        .unwrap_or_else(|e| panic!("go env -w wrote no {}: {e}", file.display()));
    assert!(text.contains(&format!("GOMODCACHE={written}")), "{text}");
    let r = assert_discovery_is_go(&p, &env);
    assert_eq!(r.vars["GOMODCACHE"].value, written);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::GoEnvFile);
    // The OS variable still wins over the file.
    let mut env = p.env();
    env.set("GOMODCACHE", p.path("mods"));
    let r = assert_discovery_is_go(&p, &env);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::Env);
}

// ---------------------------------------------------------------------------------------------
// 2. Sizes.

/// (files, directories) at or below `dir`, never following a link.
fn count(dir: &Path) -> (u64, u64) {
    let md = std::fs::symlink_metadata(dir).unwrap();
    if !md.is_dir() {
        return (u64::from(md.is_file()), 0);
    }
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| count(&e.unwrap().path()))
        .fold((0, 1), |(f, d), (f2, d2)| (f + f2, d + d2))
}

#[test]
fn a_module_cache_go_downloaded_is_sized_exactly_per_version() {
    let fx = small_fixture(3, 2);
    let cache = Cache {
        kind: CacheKind::Modcache,
        path: fx.gomodcache.clone(),
        var: "GOMODCACHE".into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    };
    let r = scan::scan(
        &[cache],
        &scan::Options::default(),
        &NoProgress,
        &CancelToken::new(),
    );
    let c = &r.caches[0];
    assert_eq!(c.error, None);
    let total = du_bytes(&fx.gomodcache);
    assert!(total > 0);
    assert_eq!(c.bytes, total, "the cache's size");
    assert_eq!((c.files, c.dirs), count(&fx.gomodcache));
    assert_windows_path("cache", &c.path);

    assert_eq!(r.modules.len(), fx.modules.len(), "{:?}", r.modules);
    let mut versions_bytes = 0;
    for m in &fx.modules {
        let row = r
            .modules
            .iter()
            .find(|row| row.path == m.path && row.version == m.version)
            .unwrap_or_else(|| panic!("{}@{} not scanned", m.path, m.version));
        let dir = m.extracted_dir(&fx.gomodcache);
        assert_eq!(row.dir, dir.display().to_string());
        assert_windows_path("module dir", &row.dir);
        assert_eq!(row.bytes, du_bytes(&dir), "{}@{}", m.path, m.version);
        assert_eq!(row.files, count(&dir).0, "{}@{}", m.path, m.version);
        let download: u64 = ["zip", "ziphash", "mod", "info", "lock", "partial"]
            .iter()
            .map(|ext| m.download_file(&fx.gomodcache, ext))
            .filter_map(|f| std::fs::symlink_metadata(f).ok())
            .map(|md| md.len())
            .sum();
        assert!(download > 0);
        assert_eq!(row.download_bytes, download, "{}@{}", m.path, m.version);
        versions_bytes += row.bytes;
    }
    let per_module: u64 = r.module_totals.iter().map(|t| t.bytes).sum();
    assert_eq!(per_module, versions_bytes);
    // The parts add up: the extracted trees (directories weigh nothing on Windows) and
    // `cache\download` (no sumdb: GOSUMDB=off).
    let parts = r.modcache_parts.as_ref().unwrap();
    assert_eq!(parts.extracted_bytes, versions_bytes);
    assert_eq!(
        parts.download_bytes,
        du_bytes(&fx.gomodcache.join("cache").join("download"))
    );
    assert_eq!(
        parts.extracted_bytes
            + parts.download_bytes
            + parts.vcs_bytes
            + parts.sumdb_bytes
            + parts.other_bytes,
        total
    );
}

// ---------------------------------------------------------------------------------------------
// 3. Holders named and ended.

#[test]
fn a_holder_of_an_open_file_and_a_working_directory_is_named_and_ended() {
    let fx = small_fixture(1, 1);
    let m = fx.regular_modules().next().unwrap().clone();
    let module = format!("{}@{}", m.path, m.version);
    let dir = m.extracted_dir(&fx.gomodcache);
    let file = dir.join("go.mod");
    let r = report(&fx);
    let roots = locks::holders::cache_roots(&r);
    assert!(roots.iter().any(|(_, p)| *p == fx.gomodcache), "{roots:?}");
    let probe = locks::system_probe();

    let elsewhere = tempfile::tempdir().unwrap();
    let mut bystander = Holder::start(elsewhere.path(), &[]);
    let before = micros_now();
    let mut holder = Holder::start(&dir, &[&file]);
    let after = micros_now();

    let scan = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();
    assert!(
        !scan.holders.iter().any(|h| h.pid == bystander.pid()),
        "{scan:#?}"
    );
    let h = scan
        .holders
        .iter()
        .find(|h| h.pid == holder.pid())
        .unwrap_or_else(|| panic!("pid {} not named: {scan:#?}", holder.pid()));
    assert!(
        h.name.eq_ignore_ascii_case("gocache-hold.exe"),
        "{}",
        h.name
    );
    let held: BTreeSet<(HoldKind, PathBuf)> =
        h.paths.iter().map(|p| (p.kind, p.path.clone())).collect();
    // The handle pass sees the open file and the working directory (a directory handle).
    assert!(
        held.contains(&(HoldKind::OpenFile, file.clone())),
        "{held:?}"
    );
    assert!(
        held.iter().any(|(_, p)| *p == dir),
        "the working directory is not named: {held:?}"
    );
    assert_eq!(h.modules, std::slice::from_ref(&module));
    assert_eq!(h.caches, [CacheKind::Modcache]);
    for p in &h.paths {
        assert_windows_path("held path", &p.path.display().to_string());
    }
    // Its start time is the creation time, in microseconds since the Unix epoch.
    let start = h
        .start_time
        .unwrap_or_else(|| panic!("no start time: {h:?}"));
    assert!(
        start + 1_000_000 >= before && start <= after,
        "{before} <= {start} <= {after}"
    );
    let id = ProcessIdentity {
        pid: h.pid,
        start_time: start,
    };
    let opts = EndOptions {
        timeout: Duration::from_secs(5),
        allow_elevated: false,
        audit_log: None,
    };

    // Refused: a process holding nothing in the caches (named by the probe of its own
    // working directory, with its real start time), and the holder's pid with another start
    // time.
    let own = [(None, elsewhere.path().to_path_buf())];
    let there = find_holders(&own, probe.as_ref(), &CancelToken::new()).unwrap();
    let b = there
        .holders
        .iter()
        .find(|h| h.pid == bystander.pid())
        .unwrap_or_else(|| panic!("the bystander's working directory: {there:#?}"));
    let by = ProcessIdentity {
        pid: b.pid,
        start_time: b.start_time.unwrap(),
    };
    let e = end_process(by, &roots, probe.as_ref(), &opts).unwrap_err();
    assert!(matches!(e, EndError::NotAHolder(p) if p == by.pid), "{e}");
    let e = end_process(
        ProcessIdentity {
            pid: by.pid,
            start_time: start,
        },
        &roots,
        probe.as_ref(),
        &opts,
    )
    .unwrap_err();
    assert!(matches!(e, EndError::Changed(_)), "{e}");
    for wrong in [start + 1, start - 1, 0] {
        let e = end_process(
            ProcessIdentity {
                pid: id.pid,
                start_time: wrong,
            },
            &roots,
            probe.as_ref(),
            &opts,
        )
        .unwrap_err();
        assert!(matches!(e, EndError::Changed(p) if p == id.pid), "{e}");
    }
    std::thread::sleep(Duration::from_millis(200));
    assert!(holder.alive() && bystander.alive());

    // Ended: TerminateProcess, exit code 1; the bystander lives on.
    let done = end_process(id, &roots, probe.as_ref(), &opts).unwrap();
    assert_eq!((done.pid, done.how), (id.pid, EndHow::Killed));
    assert_eq!(holder.child.wait().unwrap().code(), Some(1));
    let e = end_process(id, &roots, probe.as_ref(), &opts).unwrap_err();
    assert!(matches!(e, EndError::NotFound(_)), "{e}");
    let scan = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();
    assert!(!scan.holders.iter().any(|h| h.pid == id.pid), "{scan:#?}");
    assert!(bystander.alive());
    bystander.release();
}

// ---------------------------------------------------------------------------------------------
// 4 and 5. Clean.

#[test]
fn cleaning_a_read_only_version_succeeds_and_go_accepts_the_cache() {
    let fx = small_fixture(2, 2);
    let m = fx.required_version();
    let dir = m.extracted_dir(&fx.gomodcache);
    assert!(
        all_files_read_only(&dir),
        "Go extracts module files read-only"
    );
    let bytes = du_bytes(&dir);

    let results = clean_with(&fx, &[target_of(&m)], &ExecOptions::default());
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].outcome, Outcome::Removed, "{results:?}");
    assert!(results[0].bytes >= bytes, "{results:?}");
    assert!(!dir.exists(), "{}", dir.display());
    for ext in ["zip", "ziphash", "mod", "info", "partial"] {
        assert!(!m.download_file(&fx.gomodcache, ext).exists(), "{ext} left");
    }
    let list = std::fs::read_to_string(m.download_dir(&fx.gomodcache).join("list")).unwrap();
    assert!(!list.lines().any(|l| l == m.version), "{list}");
    // No quarantine left next to the versions.
    let left: Vec<String> = std::fs::read_dir(&fx.gomodcache)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".gocache-doctor"))
        .collect();
    assert!(left.is_empty(), "{left:?}");

    // Go downloads it again and verifies every module.
    go_ok(&fx, &["mod", "download"]);
    assert!(dir.join("go.mod").is_file());
    let out = go_ok(&fx, &["mod", "verify"]);
    assert!(out.contains("all modules verified"), "{out}");
}

/// Cleans the version a `gocache-hold` holds (its `go.mod` open, and with `in_cwd` its
/// working directory in the version) with `opts`, and checks the failure names the holder and
/// what to do; then ends the holder and checks the same clean succeeds and Go accepts the
/// cache.
fn held_version_fails_then_succeeds(opts: &ExecOptions, in_cwd: bool) {
    let fx = small_fixture(1, 1);
    let m = fx.required_version();
    let dir = m.extracted_dir(&fx.gomodcache);
    let file = dir.join("go.mod");
    let elsewhere = tempfile::tempdir().unwrap();
    let cwd = if in_cwd {
        dir.as_path()
    } else {
        elsewhere.path()
    };
    let holder = Holder::start(cwd, &[&file]);
    let pid = holder.pid();

    let results = clean_with(&fx, &[target_of(&m)], opts);
    assert_eq!(results[0].outcome, Outcome::Failed, "{results:?}");
    assert_eq!(results[0].cause, Some(CauseKind::Locked), "{results:?}");
    let detail = results[0].detail.as_ref().unwrap();
    let named = detail.holder.as_deref().unwrap_or_default();
    assert!(
        named.contains("gocache-hold") && named.contains(&format!("pid {pid}")),
        "holder not named: {detail:?}"
    );
    let fix = detail.fix.as_deref().unwrap_or_default();
    assert!(fix.contains("close the program"), "{detail:?}");
    assert!(file.is_file(), "the held file is still there");
    // What could go went; Go's marker stays while the tree is incomplete, so Go extracts the
    // version again instead of using what is left.
    assert!(m.download_file(&fx.gomodcache, "partial").is_file());

    holder.release();
    let results = clean_with(&fx, &[target_of(&m)], opts);
    assert_eq!(results[0].outcome, Outcome::Removed, "{results:?}");
    assert!(!dir.exists());
    go_ok(&fx, &["mod", "download"]);
    let out = go_ok(&fx, &["mod", "verify"]);
    assert!(out.contains("all modules verified"), "{out}");
}

/// Deleting in place (no quarantine) meets the holder's share mode.
#[test]
fn cleaning_a_held_version_in_place_fails_naming_the_holder_then_succeeds() {
    held_version_fails_then_succeeds(
        &ExecOptions {
            quarantine: false,
            lock_timeout: Duration::from_secs(2),
            holder_lookup: Some(locks::holder_lookup()),
        },
        true,
    );
}

/// The default clean quarantines by renaming the version's directory; Windows (and Wine)
/// refuse to rename a directory that is a process' working directory, so the clean deletes
/// in place and meets the holder.
#[test]
fn cleaning_a_version_that_is_a_working_directory_fails_naming_the_holder_then_succeeds() {
    held_version_fails_then_succeeds(
        &ExecOptions {
            lock_timeout: Duration::from_secs(2),
            holder_lookup: Some(locks::holder_lookup()),
            ..ExecOptions::default()
        },
        true,
    );
}

/// A file open inside the version is enough for Windows to refuse the rename into
/// quarantine; Wine allows it.
#[test]
fn cleaning_a_version_with_a_file_held_open_fails_naming_the_holder_then_succeeds() {
    skip_under_wine!(WineGap::RenameOpenDirectory);
    held_version_fails_then_succeeds(
        &ExecOptions {
            lock_timeout: Duration::from_secs(2),
            holder_lookup: Some(locks::holder_lookup()),
            ..ExecOptions::default()
        },
        false,
    );
}

/// The first file named `name` at or below `dir`.
fn find_named(dir: &Path, name: &str) -> Option<PathBuf> {
    for e in std::fs::read_dir(dir).ok()?.flatten() {
        let p = e.path();
        if e.file_type().ok()?.is_dir() {
            if let Some(f) = find_named(&p, name) {
                return Some(f);
            }
        } else if e.file_name() == name {
            return Some(p);
        }
    }
    None
}

/// A file of a quarantined version opened before the purge (as an indexer or an antivirus
/// scanner opens what just moved): the purge fails naming the holder and what to do, the
/// version stays gone for Go (which downloads it again meanwhile), and once the holder is gone
/// the next start's purge of leftovers deletes the rest.
#[test]
fn a_purge_that_meets_a_held_file_names_the_holder_and_the_next_start_finishes_it() {
    let fx = small_fixture(1, 1);
    let m = fx.required_version();
    let r = report(&fx);
    let plan = clean::plan(&r, &[target_of(&m)], &plan_opts(&fx), &CancelToken::new())
        .unwrap_or_else(|e| panic!("plan: {e}"));
    let opts = ExecOptions {
        holder_lookup: Some(locks::holder_lookup()),
        ..ExecOptions::default()
    };
    let exec = clean::execute(&r, &plan, &opts, &NoCleanProgress, &CancelToken::new())
        .unwrap_or_else(|e| panic!("execute: {e}"));
    assert_eq!(
        exec.results[0].outcome,
        Outcome::Removed,
        "{:?}",
        exec.results
    );
    assert!(!m.extracted_dir(&fx.gomodcache).exists(), "gone for Go");
    let trash = fx.gomodcache.join(clean::INNER_TRASH);
    let moved =
        find_named(&trash, "go.mod").unwrap_or_else(|| panic!("no go.mod in {}", trash.display()));
    let elsewhere = tempfile::tempdir().unwrap();
    let holder = Holder::start(elsewhere.path(), &[&moved]);
    let pid = holder.pid();

    let purge = exec.quarantine.purge(&NoCleanProgress, &CancelToken::new());
    let results = clean::finish(exec.results, &purge).0;
    assert_eq!(results[0].outcome, Outcome::Failed, "{results:?}");
    assert_eq!(results[0].cause, Some(CauseKind::Locked), "{results:?}");
    let detail = results[0].detail.as_ref().unwrap();
    assert_eq!(detail.path, moved);
    assert_windows_path("purge failure", &detail.path.display().to_string());
    let named = detail.holder.as_deref().unwrap_or_default();
    assert!(
        named.contains("gocache-hold") && named.contains(&format!("pid {pid}")),
        "holder not named: {detail:?}"
    );
    assert!(
        detail
            .fix
            .as_deref()
            .is_some_and(|f| f.contains("close the program")),
        "{detail:?}"
    );
    assert!(
        results[0]
            .note
            .as_deref()
            .is_some_and(|n| n.contains("retried at the next start")),
        "{results:?}"
    );
    assert!(moved.is_file());
    go_ok(&fx, &["mod", "download"]);
    let out = go_ok(&fx, &["mod", "verify"]);
    assert!(out.contains("all modules verified"), "{out}");

    holder.release();
    let left = clean::purge_leftovers(&report(&fx), &CancelToken::new());
    assert!(left.failed.is_empty(), "{left:?}");
    assert_eq!(left.purged.len(), 1, "{left:?}");
    assert!(!moved.exists());
    let out = go_ok(&fx, &["mod", "verify"]);
    assert!(out.contains("all modules verified"), "{out}");
}

// ---------------------------------------------------------------------------------------------
// 6. Verify.

#[test]
fn verify_finds_the_fresh_cache_clean_and_names_a_modified_file() {
    let fx = small_fixture(2, 2);
    let opts = verify::Options {
        build: false,
        ..verify::Options::default()
    };
    let run = || {
        verify::verify_cache(&report(&fx), &opts, &NoVerifyProgress, &CancelToken::new())
            .unwrap_or_else(|e| panic!("verify: {e}"))
    };
    let fresh = run();
    assert_eq!(fresh.checked, fx.modules.len());
    assert_eq!(fresh.broken, 0, "{:?}", fresh.modules);
    assert!(
        fresh.modules.iter().all(|r| r.status == Status::Ok),
        "{:?}",
        fresh.modules
    );
    assert!(!fresh.anything_broken());
    let shown = fresh
        .modcache
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    assert_windows_path("verified cache", &shown);

    // Modify one file of the version the project requires (clearing Go's read-only
    // attribute, as an editor would).
    let m = fx.required_version();
    let dir = m.extracted_dir(&fx.gomodcache);
    let readme = dir.join("README.md");
    let mut perms = std::fs::metadata(&readme).unwrap().permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&readme, perms).unwrap();
    std::fs::OpenOptions::new()
        .append(true)
        .open(&readme)
        .unwrap()
        .write_all(b"edited\n")
        .unwrap();

    let after = run();
    assert_eq!(after.broken, 1, "{:?}", after.modules);
    let row = after
        .modules
        .iter()
        .find(|r| r.path == m.path && r.version == m.version)
        .unwrap();
    assert_eq!(row.status, Status::DirModified, "{row:?}");
    assert_eq!(
        row.files,
        [FileChange {
            name: "README.md".into(),
            change: Change::Modified,
        }]
    );
    assert_eq!(row.dir.as_deref(), Some(dir.as_path()));
    assert!(after.anything_broken());
    // go.exe agrees.
    let out = fx.go_command(["mod", "verify"]).output().unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!("{} {}: dir has been modified", m.path, m.version)),
        "{text}"
    );
    let others: BTreeSet<String> = after
        .modules
        .iter()
        .filter(|r| r.status != Status::Ok)
        .map(|r| r.label())
        .collect();
    assert_eq!(
        others,
        BTreeSet::from([format!("{}@{}", m.path, m.version)])
    );
}

/// Issue #12: the cmd.exe form of a fix command (the diagnose fixes quote their placeholders
/// with [`gocache_core::quote`]) run by a real `cmd.exe` delivers each hostile value to the
/// program verbatim, as one argument, and runs nothing else. The values cmd cannot quote
/// (`%`, `!`, `^`, `"`) are refused, so the fix is left out; for `%` and `"` the test shows
/// what naive double quoting would do in the same cmd (expand the variable; end the quoting
/// and run a second command). The line is given to `cmd /d /s /c "<line>"`, which runs
/// `<line>` exactly as typed at the prompt.
#[test]
fn cmd_quoted_values_reach_the_program_verbatim_through_a_real_cmd() {
    use std::os::windows::process::CommandExt as _;

    use gocache_core::diagnose::Shell;
    use gocache_core::quote;

    let work = tempfile::tempdir().unwrap();
    let argv = env!("CARGO_BIN_EXE_gocache-argv");
    let program = quote::quote(argv, Shell::Cmd).unwrap();
    let run = |line: &str| {
        Command::new("cmd")
            .raw_arg(format!("/d /s /c \"{line}\""))
            .current_dir(work.path())
            .output()
            .unwrap()
    };
    let cmd = |line: &str| {
        let out = run(line);
        assert!(out.status.success(), "{line}: {out:?}");
        let text = String::from_utf8_lossy(&out.stdout).trim().to_owned();
        serde_json::from_str::<Vec<String>>(&text)
            .unwrap_or_else(|e| panic!("{line}: stdout {text:?} is not the argument list: {e}"))
    };
    let files = || -> Vec<String> {
        std::fs::read_dir(work.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    };

    let delivered = [
        "a&b",
        "a|b",
        "a && b || c",
        "x & echo pwned>pwned.txt",
        "x | echo pwned>pwned.txt",
        "a>pwned.txt",
        "a<b",
        "(a) b",
        "a b",
        "a;b,c=d",
        "'single' `back` $x",
        "@echo",
        r"C:\some dir\",
        "example.com/m@v1.0.0",
    ];
    for s in delivered {
        let w = quote::word(s, Shell::Cmd).unwrap_or_else(|e| panic!("{s:?}: {e}"));
        let got = cmd(&format!("{program} {w}"));
        assert_eq!(got, [s], "{s:?} written {w}");
        assert!(files().is_empty(), "{s:?} ran something: {:?}", files());
        // Twice in one line, quoted the same way: still two arguments, nothing else.
        let got = cmd(&format!("{program} {w} {w}"));
        assert_eq!(got, [s, s], "{s:?} written {w}");
        assert!(files().is_empty(), "{s:?} ran something: {:?}", files());
    }

    for s in [
        "%PATH%",
        "!PATH!",
        "^&",
        "a^b",
        "x\" & echo pwned>pwned.txt & \"",
        "\"",
    ] {
        assert!(
            quote::word(s, Shell::Cmd).is_err(),
            "{s:?} is quoted for cmd"
        );
        assert!(
            quote::quote(s, Shell::Cmd).is_err(),
            "{s:?} is quoted for cmd"
        );
    }
    // Why: in double quotes cmd still expands %VAR%, and a `"` in the value ends the quoting.
    let naive = |s: &str| format!("{program} \"{s}\"");
    let got = cmd(&naive("%PATH%"));
    assert_ne!(got, ["%PATH%"], "cmd did not expand %PATH% inside quotes");
    assert_eq!(got.len(), 1, "{got:?}");
    let out = run(&naive("x\" & echo pwned>pwned.txt & \""));
    assert_eq!(
        files(),
        ["pwned.txt"],
        "the naive form ran the second command: {out:?}"
    );
    // And this cmd does act on `&` outside quotes: the quoting above is what kept it inert.
    let out = run(&format!("{program} x & echo pwned>pwned2.txt"));
    assert!(files().contains(&"pwned2.txt".to_owned()), "{out:?}");
}

/// The harness's time limit for `go` ends the whole process tree: `cmd.exe` (the child) has
/// started `gocache-hold` (the grandchild), which holds a file without `FILE_SHARE_DELETE`;
/// when the limit kills the child, the grandchild goes too (a job object), so the file can be
/// renamed at once. Killing the child alone left a hung `compile.exe` under Wine once.
#[test]
fn the_time_limit_ends_the_grandchildren_too() {
    let dir = tempfile::tempdir().unwrap();
    let held = dir.path().join("held.txt");
    std::fs::write(&held, "x").unwrap();
    let line = format!(
        "\"{}\" --wait-secs 120 \"{}\"",
        holder_exe().display(),
        held.display()
    );
    let mut cmd = Command::new("cmd.exe");
    // cmd's own quoting: /s strips the outer quotes and keeps the inner ones.
    std::os::windows::process::CommandExt::raw_arg(&mut cmd, format!("/d /s /c \"{line}\""));
    let started = std::time::Instant::now();
    // cmd /c waits for the grandchild: a timeout (not an early exit, which would be an Ok
    // here) means gocache-hold was running and holding the file when the limit struck.
    let err = gocache_tests::output_within(&mut cmd, Duration::from_secs(8)).unwrap_err();
    assert_eq!(err.kind(), std::io::ErrorKind::TimedOut, "{err}");
    // The grandchild is gone: the file is free within a few seconds, long before its 120 s.
    let moved = held.with_extension("moved");
    let free = (0..100).any(|_| {
        let ok = std::fs::rename(&held, &moved).is_ok();
        if !ok {
            std::thread::sleep(Duration::from_millis(100));
        }
        ok
    });
    assert!(
        free,
        "the file is still held {:?} after the limit: the grandchild outlived its parent",
        started.elapsed()
    );
}
