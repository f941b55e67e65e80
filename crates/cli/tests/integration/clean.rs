//! `gocache-doctor clean`, run as a user would (the real binary, real processes), against
//! genuine Go caches built by the real Go toolchain from a local `file://` GOPROXY
//! (`gocache_tests::fixture`). Issue #3 §9: after every clean (and after a `kill -9` at any
//! point of one) Go must still accept the cache (`go mod verify`, `go build`), nothing outside
//! the cache may be touched, and failures must be reported with their cause.
//!
//! One fixture is built per run of the test binary; every test works on its own `cp -a` copy of its
//! module cache and project (the proxy and the build cache are shared: Go's build cache is safe
//! for concurrent use, and the proxy is only read).
//!
//! Unix only: the copies are made with `cp -a`, interrupted with signals to process groups and
//! compared by mode, uid and inode. The Windows clean is checked by the Windows scenarios.
#![allow(clippy::print_stderr, reason = "tests log seeds and timings")]

use std::collections::{BTreeMap, BTreeSet};
use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _};
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use gocache_tests::fixture::{self, Fixture, ModuleVersion, Spec};
use serde_json::Value;

/// Where fixtures and their copies live: `$GOCACHE_TEST_SCRATCH` when set, else `/dev/shm`
/// when it has room (tmpfs: a `cp -a` of the fixture takes 0.3 s there against 3 s on a busy
/// ext4 disk; renames, permissions, ownership and `flock` behave the same), else cargo's
/// per-target temp dir.
fn scratch() -> PathBuf {
    if let Some(dir) = std::env::var_os("GOCACHE_TEST_SCRATCH").filter(|v| !v.is_empty()) {
        return PathBuf::from(dir);
    }
    let shm = Path::new("/dev/shm");
    let avail = Command::new("df")
        .args(["--output=avail", "-B1"])
        .arg(shm)
        .output()
        .ok()
        .and_then(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .nth(1)
                .and_then(|l| l.trim().parse::<u64>().ok())
        });
    if avail.is_some_and(|a| a > 2 << 30) {
        shm.to_path_buf()
    } else {
        PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
    }
}

/// This test process's directory under [`scratch`]: `gocache-clean-tests-<pid>`. Directories
/// of dead test processes are removed first, and a watchdog (`sh`, in its own session)
/// removes this one when the process exits, since statics are never dropped.
fn work_dir() -> &'static Path {
    static W: OnceLock<PathBuf> = OnceLock::new();
    W.get_or_init(|| {
        let scratch = scratch();
        const PREFIX: &str = "gocache-clean-tests-";
        for e in std::fs::read_dir(&scratch).into_iter().flatten().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix(PREFIX)
                && !Path::new("/proc").join(pid).exists()
            {
                let _ = gocache_tests::remove_tree(&e.path());
            }
        }
        let dir = scratch.join(format!("{PREFIX}{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let _ = Command::new("sh")
            .args([
                "-c",
                "while kill -0 \"$1\" 2>/dev/null; do sleep 1; done; \
                 chmod -R u+rwx \"$2\" 2>/dev/null; rm -rf \"$2\"",
                "watchdog",
                &std::process::id().to_string(),
            ])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn();
        dir
    })
}

/// The shared fixture: 8 modules x 2 versions, 100 filler files each (about 1,800 files in
/// the extracted trees, 40 MB with the zips), so that a clean takes long enough to be
/// interrupted at many different points.
fn base() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let spec = Spec {
            modules: 8,
            versions: 2,
            files_per_version: 100,
            build_cache: true,
            toolchain: false,
        };
        fixture::build(&spec, &work_dir().join("base")).unwrap_or_else(|e| panic!("fixture: {e}"))
    })
}

/// A private copy of the base fixture's GOPATH (module cache) and project, with its own HOME
/// and XDG dirs. Removed (read-only dirs included) on drop.
struct Copy {
    root: PathBuf,
    _dir: tempfile::TempDir,
}

impl Copy {
    fn new() -> Copy {
        let f = base();
        let dir = tempfile::Builder::new()
            .prefix("copy-")
            .tempdir_in(work_dir())
            .unwrap_or_else(|e| panic!("tempdir: {e}"));
        let root = dir.path().to_path_buf();
        run(Command::new("cp")
            .arg("-a")
            .arg(&f.gopath)
            .arg(&f.project)
            .arg(&root));
        for d in ["home", "xdg-cache", "xdg-config", "xdg-data"] {
            std::fs::create_dir(root.join(d)).unwrap_or_else(|e| panic!("mkdir {d}: {e}"));
        }
        Copy { root, _dir: dir }
    }

    fn gopath(&self) -> PathBuf {
        self.root.join("gopath")
    }

    fn gomodcache(&self) -> PathBuf {
        self.root.join("gopath/pkg/mod")
    }

    fn project(&self) -> PathBuf {
        self.root.join("project")
    }

    /// The environment `go` and the CLI run with: only this copy's module cache, the shared
    /// proxy and build cache.
    fn env(&self) -> Vec<(String, String)> {
        let f = base();
        let p = |rel: &str| self.root.join(rel).display().to_string();
        let go_dir =
            f.go.parent()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
        vec![
            ("PATH".into(), format!("{go_dir}:/usr/bin:/bin")),
            ("GOPATH".into(), p("gopath")),
            ("GOMODCACHE".into(), p("gopath/pkg/mod")),
            ("GOCACHE".into(), f.gocache.display().to_string()),
            ("GOPROXY".into(), format!("file://{}", f.proxy.display())),
            ("GOSUMDB".into(), "off".into()),
            ("GOFLAGS".into(), "-mod=mod".into()),
            ("GOTOOLCHAIN".into(), "local".into()),
            ("GOENV".into(), "off".into()),
            ("GOTELEMETRY".into(), "off".into()),
            ("CGO_ENABLED".into(), "0".into()),
            ("HOME".into(), p("home")),
            ("XDG_CACHE_HOME".into(), p("xdg-cache")),
            ("XDG_CONFIG_HOME".into(), p("xdg-config")),
            ("XDG_DATA_HOME".into(), p("xdg-data")),
        ]
    }

    /// `go ARGS` in `dir` with this copy's environment.
    fn go_in(&self, dir: &Path, args: &[&str]) -> Output {
        Command::new(&base().go)
            .args(args)
            .current_dir(dir)
            .env_clear()
            .envs(self.env())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("cannot run go: {e}"))
    }

    /// `go ARGS` in the project; panics with its output unless it succeeds.
    fn go_ok(&self, args: &[&str], why: &str) {
        let out = self.go_in(&self.project(), args);
        assert!(
            out.status.success(),
            "{why}: `go {}` failed ({}):\n{}{}",
            args.join(" "),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    /// The CLI, as a command ready to run (stdin closed: no terminal).
    fn cli_command(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gocache-doctor"));
        cmd.args(args)
            .current_dir(&self.root)
            .env_clear()
            .envs(self.env())
            .stdin(Stdio::null());
        cmd
    }

    fn cli(&self, args: &[&str]) -> Output {
        gocache_tests::output(&mut self.cli_command(args))
            .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
    }

    /// Go accepts the cache: `go mod verify` (what is there is intact), `go build` (which
    /// re-downloads from the file:// proxy whatever is missing), `go mod verify` again.
    fn assert_go_accepts(&self, why: &str) {
        self.go_ok(&["mod", "verify"], why);
        self.go_ok(&["build", "-o", "/dev/null", "./..."], why);
        self.go_ok(&["mod", "verify"], why);
    }

    /// `go mod verify` over every module version of the fixture (not only the project's):
    /// one throw-away project per version index, each requiring that version of every module.
    fn verify_every_version(&self, why: &str) {
        let mut by_path: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        for m in base().regular_modules() {
            by_path.entry(&m.path).or_default().push(&m.version);
        }
        let most = by_path.values().map(Vec::len).max().unwrap_or(0);
        for k in 0..most {
            let dir = self.root.join(format!("verify{k}"));
            let _ = std::fs::create_dir(&dir);
            let mut gomod = format!("module example.com/verify{k}\n\ngo 1.18\n\nrequire (\n");
            for (path, versions) in &by_path {
                if let Some(v) = versions.get(k) {
                    gomod.push_str(&format!("\t{path} {v}\n"));
                }
            }
            gomod.push_str(")\n");
            std::fs::write(dir.join("go.mod"), gomod).unwrap_or_else(|e| panic!("go.mod: {e}"));
            let out = self.go_in(&dir, &["mod", "verify"]);
            assert!(
                out.status.success(),
                "{why}: go mod verify of version set {k} failed:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}

impl Drop for Copy {
    fn drop(&mut self) {
        let _ = gocache_tests::remove_tree(&self.root);
    }
}

fn run(cmd: &mut Command) -> Output {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed ({}): {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// Parses the CLI's JSON output; panics with its stderr when it is not JSON.
fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}), exit {}:\nstdout: {}\nstderr: {}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

/// The JSON of a clean that must have succeeded.
fn clean_ok(out: &Output) -> Value {
    assert!(
        out.status.success(),
        "clean failed ({}):\nstdout: {}\nstderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    json(out)
}

fn results(v: &Value) -> &Vec<Value> {
    v["results"]
        .as_array()
        .unwrap_or_else(|| panic!("no results array: {v}"))
}

/// `du -sbc PATHS...`: the total apparent size, directories and symlinks included.
fn du_total(paths: &[PathBuf]) -> u64 {
    let out = run(Command::new("du").arg("-sbc").args(paths));
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text.lines().last().unwrap_or_default();
    last.split_whitespace()
        .next()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|e| panic!("du output {text:?}: {e}"))
}

/// Every entry under `dir` (symlinks not followed): relative path -> (type, size, mode,
/// symlink target). Missing `dir` gives an empty map.
fn listing(dir: &Path) -> BTreeMap<PathBuf, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, String>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for e in entries.flatten() {
            let path = e.path();
            let Ok(m) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            let rel = path.strip_prefix(root).unwrap_or(&path).to_path_buf();
            let kind = if m.is_dir() {
                "d"
            } else if m.file_type().is_symlink() {
                "l"
            } else {
                "f"
            };
            let target = std::fs::read_link(&path)
                .map(|t| t.display().to_string())
                .unwrap_or_default();
            let size = if m.is_dir() { 0 } else { m.len() };
            out.insert(
                rel,
                format!("{kind} {size} {:o} {} {target}", m.mode(), m.uid()),
            );
            if m.is_dir() {
                walk(root, &path, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

/// The files of one module version that a clean must remove: its extracted tree and its
/// `cache/download/.../@v/<v>.{info,mod,zip,ziphash}`.
fn version_paths(m: &ModuleVersion, gomodcache: &Path) -> Vec<PathBuf> {
    let mut paths = vec![m.extracted_dir(gomodcache)];
    for ext in ["info", "mod", "zip", "ziphash"] {
        paths.push(m.download_file(gomodcache, ext));
    }
    paths
}

/// The newest version of every module: what the project requires.
fn newest_versions() -> Vec<ModuleVersion> {
    let mut newest: BTreeMap<String, ModuleVersion> = BTreeMap::new();
    for m in base().regular_modules() {
        newest.insert(m.path.clone(), m.clone()); // oldest first, so the last one wins
    }
    newest.into_values().collect()
}

fn module_arg(m: &ModuleVersion) -> String {
    format!("{}@{}", m.path, m.version)
}

// ---------------------------------------------------------------------------------------------

#[test]
fn removing_one_version_lets_go_download_it_again() {
    let c = Copy::new();
    let gmc = c.gomodcache();
    let newest = newest_versions();
    let target = &newest[0];
    let paths = version_paths(target, &gmc);
    for p in &paths {
        assert!(p.exists(), "fixture lacks {}", p.display());
    }
    let bytes = du_total(&paths);
    let before = listing(&gmc);

    let v = clean_ok(&c.cli(&["clean", "--module", &module_arg(target), "--yes", "--json"]));
    for p in &paths {
        assert!(!p.exists(), "{} still exists after the clean", p.display());
    }
    assert_eq!(v["bytes_freed"].as_u64(), Some(bytes), "{v}");
    assert!(results(&v).iter().all(|r| r["outcome"] == "removed"), "{v}");
    // Nothing else in the cache changed (the version's lock file, `list` and the now-empty
    // parents may go or change; every other entry must be exactly as before).
    let after = listing(&gmc);
    let escaped_dir = target
        .download_dir(&gmc)
        .strip_prefix(&gmc)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    let extracted = target
        .extracted_dir(&gmc)
        .strip_prefix(&gmc)
        .map(Path::to_path_buf)
        .unwrap_or_default();
    for (rel, entry) in &before {
        if rel.starts_with(&extracted) || rel.starts_with(&escaped_dir) {
            continue;
        }
        assert_eq!(after.get(rel), Some(entry), "{} changed", rel.display());
    }
    for other in base().regular_modules().filter(|m| *m != target) {
        assert!(other.extracted_dir(&gmc).is_dir(), "{other:?} lost");
        assert!(other.download_file(&gmc, "zip").is_file(), "{other:?} lost");
    }

    c.assert_go_accepts("after removing one version");
    assert!(
        target.extracted_dir(&gmc).is_dir() && target.download_file(&gmc, "ziphash").is_file(),
        "go build did not download {} again",
        module_arg(target)
    );
}

#[test]
fn unused_clean_keeps_what_the_project_needs_offline() {
    let c = Copy::new();
    let gmc = c.gomodcache();
    let project = c.project().display().to_string();
    let v = clean_ok(&c.cli(&[
        "clean",
        "--unused",
        "--project",
        &project,
        "--yes",
        "--json",
    ]));
    let newest = newest_versions();
    for m in base().regular_modules() {
        let kept = newest.contains(m);
        assert_eq!(
            m.extracted_dir(&gmc).is_dir(),
            kept,
            "{} (used: {kept}) after --unused: {v}",
            module_arg(m)
        );
    }
    let out = Command::new(&base().go)
        .args(["build", "-o", "/dev/null", "./..."])
        .current_dir(c.project())
        .env_clear()
        .envs(c.env())
        .env("GOPROXY", "off")
        .output()
        .unwrap_or_else(|e| panic!("go: {e}"));
    assert!(
        out.status.success(),
        "offline build after --unused failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    c.go_ok(&["mod", "verify"], "after --unused");
}

/// A tiny xorshift generator: the seed is printed so a failing run can be repeated with
/// `CLEAN_KILL_SEED=<seed>`.
struct Rng(u64);

impl Rng {
    fn new() -> Rng {
        let seed = std::env::var("CLEAN_KILL_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map(|d| d.as_nanos() as u64)
                    .unwrap_or(1)
                    | 1
            });
        eprintln!("kill trials: CLEAN_KILL_SEED={seed}");
        Rng(seed)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        if n == 0 { 0 } else { self.0 % n }
    }
}

/// Kills the whole process group of `child` (it was started as a group leader) with SIGKILL.
fn kill_group(child: &std::process::Child) {
    let _ = Command::new("kill")
        .args(["-KILL", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
}

fn clean_args(modcache: bool) -> Vec<String> {
    let mut args = vec!["clean".to_string()];
    if modcache {
        args.push("--modcache".into());
    } else {
        for m in newest_versions() {
            args.push("--module".into());
            args.push(module_arg(&m));
        }
    }
    args.extend(["--yes".to_string(), "--json".to_string()]);
    args
}

#[test]
fn kill_9_at_random_points_leaves_a_cache_go_accepts() {
    const TRIALS: usize = 20;
    let mut rng = Rng::new();
    // The full duration of each kind of clean, measured on a copy.
    let mut full = [Duration::ZERO; 2];
    for (i, modcache) in [true, false].into_iter().enumerate() {
        let c = Copy::new();
        let args = clean_args(modcache);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let started = Instant::now();
        clean_ok(&c.cli(&args));
        full[i] = started.elapsed();
    }
    eprintln!("kill trials: a full clean takes {full:?} (--modcache, --module)");
    // Even trials clean --modcache, odd ones --module (every version the project needs).
    let delays: Vec<Duration> = (0..TRIALS)
        .map(|t| {
            let max = full[t % 2].as_micros() as u64;
            Duration::from_micros(rng.below(max + 1))
        })
        .collect();
    let next = AtomicUsize::new(0);
    let trial = |t: usize| {
        let modcache = t.is_multiple_of(2);
        let c = Copy::new();
        let args = clean_args(modcache);
        let mut child = c
            .cli_command(&args.iter().map(String::as_str).collect::<Vec<_>>())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("spawn: {e}"));
        std::thread::sleep(delays[t]);
        kill_group(&child);
        let status = child.wait().unwrap_or_else(|e| panic!("wait: {e}"));
        let why = format!(
            "trial {t} ({}, killed after {:?}, {status})",
            if modcache { "--modcache" } else { "--module" },
            delays[t]
        );
        c.assert_go_accepts(&why);
        // The next clean purges whatever quarantine the killed one left behind.
        clean_ok(&c.cli(&["clean", "--modcache", "--yes", "--json"]));
        let left: Vec<PathBuf> = listing(&c.gopath())
            .into_iter()
            .filter(|(_, e)| !e.starts_with('d'))
            .map(|(rel, _)| rel)
            .collect();
        assert!(
            left.is_empty(),
            "{why}: left after the next clean: {left:#?}"
        );
        eprintln!("{why}: ok");
    };
    // Two workers: each trial is mostly go re-downloading and building.
    std::thread::scope(|s| {
        for _ in 0..2 {
            s.spawn(|| {
                loop {
                    let t = next.fetch_add(1, Ordering::Relaxed);
                    if t >= TRIALS {
                        break;
                    }
                    trial(t);
                }
            });
        }
    });
}

#[test]
fn symlinks_out_of_the_cache_are_not_followed() {
    let c = Copy::new();
    let gmc = c.gomodcache();
    let outside = c.root.join("outside");
    let sub = outside.join("sub");
    std::fs::create_dir_all(&sub).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(outside.join("secret.txt"), "keep me\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(sub.join("inner.txt"), "keep me too\n").unwrap_or_else(|e| panic!("{e}"));
    // Read-only, like a module dir, so a clean that followed the links would chmod them.
    let ro = |p: &Path, mode: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode))
            .unwrap_or_else(|e| panic!("chmod {}: {e}", p.display()));
    };
    ro(&outside.join("secret.txt"), 0o444);
    ro(&sub.join("inner.txt"), 0o444);
    ro(&sub, 0o555);
    let before = listing(&outside);

    let module_dir = newest_versions()[0].extracted_dir(&gmc);
    let mode = std::fs::metadata(&module_dir)
        .map(|m| m.mode() & 0o7777)
        .unwrap_or(0o555);
    ro(&module_dir, 0o755);
    for dir in [&module_dir, &gmc] {
        std::os::unix::fs::symlink(outside.join("secret.txt"), dir.join("link-to-file"))
            .unwrap_or_else(|e| panic!("symlink: {e}"));
        std::os::unix::fs::symlink(&sub, dir.join("link-to-dir"))
            .unwrap_or_else(|e| panic!("symlink: {e}"));
    }
    ro(&module_dir, mode);

    let v = clean_ok(&c.cli(&["clean", "--modcache", "--yes", "--json"]));
    assert!(
        !module_dir.exists() && !gmc.join("link-to-dir").exists(),
        "cache still there: {v}"
    );
    assert_eq!(listing(&outside), before, "the outside tree changed");
    assert_eq!(
        std::fs::read_to_string(outside.join("secret.txt")).ok(),
        Some("keep me\n".into())
    );
    assert_eq!(
        std::fs::read_to_string(sub.join("inner.txt")).ok(),
        Some("keep me too\n".into())
    );
}

/// The uid/gid the permission test runs the CLI as.
const NOBODY: u32 = 65534;

#[test]
fn a_subtree_owned_by_another_user_is_reported_not_fatal() {
    if !gocache_tests::root::require_root("to chown the fixture to another user") {
        return;
    }
    if !Path::new("/usr/bin/setpriv").exists() {
        gocache_tests::root::cannot_run("setpriv (util-linux) is not installed");
        return;
    }
    let c = Copy::new();
    let gmc = c.gomodcache();
    // The CLI and go run as nobody: they need their own writable build cache and a binary
    // they can execute.
    std::fs::create_dir(c.root.join("gocache")).unwrap_or_else(|e| panic!("{e}"));
    std::fs::create_dir(c.root.join("bin")).unwrap_or_else(|e| panic!("{e}"));
    let bin = c.root.join("bin/gocache-doctor");
    std::fs::copy(env!("CARGO_BIN_EXE_gocache-doctor"), &bin).unwrap_or_else(|e| panic!("{e}"));
    let outside = c.root.join("outside");
    std::fs::create_dir(&outside).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(outside.join("keep.txt"), "not cache\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&c.root, std::fs::Permissions::from_mode(0o755))
        .unwrap_or_else(|e| panic!("{e}"));
    let ids = format!("{NOBODY}:{NOBODY}");
    run(Command::new("chown").args(["-R", &ids]).arg(&c.root));
    let foreign = newest_versions()[0].extracted_dir(&gmc);
    run(Command::new("chown").args(["-R", "0:0"]).arg(&foreign));
    // The root-owned files: the only ones allowed to survive (by inode: a clean may have
    // moved them into a quarantine dir).
    let foreign_inodes: BTreeSet<u64> = listing(&foreign)
        .keys()
        .filter_map(|rel| std::fs::symlink_metadata(foreign.join(rel)).ok())
        .filter(|m| !m.is_dir())
        .map(|m| m.ino())
        .collect();
    assert!(foreign_inodes.len() > 10, "fixture too small");
    let project_before = listing(&c.project());
    let outside_before = listing(&outside);

    let mut env = c.env();
    for (k, v) in &mut env {
        if k == "GOCACHE" {
            *v = c.root.join("gocache").display().to_string();
        }
    }
    let as_nobody = |args: &[&str]| -> Output {
        Command::new("/usr/bin/setpriv")
            .arg(format!("--reuid={NOBODY}"))
            .arg(format!("--regid={NOBODY}"))
            .arg("--clear-groups")
            .arg("--")
            .arg(&bin)
            .args(args)
            .current_dir(&c.root)
            .env_clear()
            .envs(env.iter().cloned())
            .stdin(Stdio::null())
            .output()
            .unwrap_or_else(|e| panic!("setpriv: {e}"))
    };
    let out = as_nobody(&["clean", "--modcache", "--yes", "--json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code().is_some_and(|c| c != 0 && c != 101) && !stderr.contains("panicked"),
        "expected a clean failure exit, got {} / {stderr}",
        out.status
    );
    let v = json(&out);
    let failed: Vec<&Value> = results(&v)
        .iter()
        .filter(|r| r["outcome"] == "failed")
        .collect();
    assert!(!failed.is_empty(), "no failed result: {v}");
    let text = failed
        .iter()
        .map(|r| r.to_string())
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        text.contains("permission"),
        "cause is not permission: {text}"
    );
    assert!(text.contains("root"), "owner root not named: {text}");
    assert!(text.contains("chown"), "no chown fix command: {text}");

    // Everything else that could go is gone: every file left anywhere in GOPATH (including a
    // quarantine dir) is one of root's.
    let mut left = Vec::new();
    for (rel, _) in listing(&c.gopath()) {
        let path = c.gopath().join(&rel);
        if let Ok(m) = std::fs::symlink_metadata(&path) {
            let name = rel.file_name().map(|n| n.to_string_lossy().into_owned());
            // The marker naming a quarantine that still holds root's files stays with it, and
            // so does its lock file.
            let marker_of_kept_trash = name.as_deref().is_some_and(|n| {
                n.starts_with(".gocache-doctor-trash-")
                    && (n.ends_with(".json") || n.ends_with(".lock"))
                    && path.with_extension("").is_dir()
            });
            if !m.is_dir() && !foreign_inodes.contains(&m.ino()) && !marker_of_kept_trash {
                left.push(path);
            }
        }
    }
    assert!(left.is_empty(), "left behind although removable: {left:#?}");
    assert_eq!(listing(&c.project()), project_before, "project changed");
    assert_eq!(listing(&outside), outside_before, "outside dir changed");

    // After the fix the clean command says, a retry removes the rest.
    run(Command::new("chown").args(["-R", &ids]).arg(&c.root));
    let out = as_nobody(&["clean", "--modcache", "--yes", "--json"]);
    assert!(
        out.status.success(),
        "retry after chown failed ({}): {}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let files_left: Vec<PathBuf> = listing(&c.gopath())
        .into_iter()
        .filter(|(_, e)| !e.starts_with('d'))
        .map(|(rel, _)| rel)
        .collect();
    assert!(
        files_left.is_empty(),
        "files left after the retry: {files_left:#?}"
    );
}

#[test]
fn concurrent_go_mod_download_leaves_no_corrupted_version() {
    let c = Copy::new();
    let all: Vec<String> = base().regular_modules().map(module_arg).collect();
    for modcache in [true, false, true, false] {
        let stop = AtomicBool::new(false);
        let downloads = AtomicUsize::new(0);
        std::thread::scope(|s| {
            s.spawn(|| {
                while !stop.load(Ordering::Relaxed) {
                    let mut args = vec!["mod", "download"];
                    args.extend(all.iter().map(String::as_str));
                    // Failures while the cache vanishes under it are fine; corruption is not.
                    let _ = c.go_in(&c.project(), &args);
                    downloads.fetch_add(1, Ordering::Relaxed);
                }
            });
            std::thread::sleep(Duration::from_millis(150));
            let args = clean_args(modcache);
            let out = c.cli(&args.iter().map(String::as_str).collect::<Vec<_>>());
            stop.store(true, Ordering::Relaxed);
            // A clean racing go may report failures, but must exit normally.
            assert!(
                out.status.code().is_some_and(|c| c != 101),
                "clean crashed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        });
        assert!(downloads.load(Ordering::Relaxed) > 0);
        // Whatever go considers complete must be intact.
        c.verify_every_version(if modcache {
            "after --modcache during go mod download"
        } else {
            "after --module during go mod download"
        });
    }
    // And everything can be fetched again, then verifies.
    let mut args = vec!["mod", "download"];
    args.extend(all.iter().map(String::as_str));
    c.go_ok(&args, "final download");
    c.verify_every_version("after the final download");
    c.assert_go_accepts("after the concurrent runs");
}

#[test]
fn dry_run_changes_nothing_and_its_plan_matches_the_real_clean() {
    let c = Copy::new();
    let gmc = c.gomodcache();
    let disk = || (listing(&c.gopath()), listing(&c.project()));
    let before = disk();
    let m = newest_versions()[1].clone();
    let cases: [(Vec<String>, Vec<PathBuf>); 2] = [
        (
            vec!["--module".into(), module_arg(&m)],
            version_paths(&m, &gmc),
        ),
        (vec!["--modcache".into()], vec![gmc.clone()]),
    ];
    for (what, paths) in cases {
        let mut args: Vec<&str> = vec!["clean"];
        args.extend(what.iter().map(String::as_str));
        let state = disk();
        let expected = du_total(&paths);

        let mut dry = args.clone();
        dry.extend(["--dry-run", "--json"]);
        let v = clean_ok(&c.cli(&dry));
        assert_eq!(disk(), state, "--dry-run {what:?} changed the disk");
        assert_eq!(plan_bytes(&v["plan"]), expected, "{what:?} plan: {v}");
        assert_eq!(v["bytes_freed"].as_u64().unwrap_or(0), 0, "{v}");

        // No --yes, no terminal: refuse, delete nothing.
        let mut no_yes = args.clone();
        no_yes.push("--json");
        let out = c.cli(&no_yes);
        assert!(
            !out.status.success(),
            "clean without --yes and without a terminal did not refuse: {}",
            String::from_utf8_lossy(&out.stdout)
        );
        assert_eq!(disk(), state, "refused clean changed the disk");

        let mut real = args.clone();
        real.extend(["--yes", "--json"]);
        let v = clean_ok(&c.cli(&real));
        assert_eq!(v["bytes_freed"].as_u64(), Some(expected), "{v}");
        assert_eq!(plan_bytes(&v["plan"]), expected, "{v}");
        for p in &paths {
            assert!(!p.exists(), "{} survived", p.display());
        }
    }
    assert_ne!(disk(), before);
}

/// The total bytes of a plan.
fn plan_bytes(plan: &Value) -> u64 {
    plan["total_bytes"]
        .as_u64()
        .unwrap_or_else(|| panic!("no plan bytes: {plan}"))
}

#[test]
fn listing_sees_modes_and_sizes() {
    // The no-change assertions rely on this helper noticing a chmod and a size change.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let f = dir.path().join("f");
    std::fs::write(&f, "a").unwrap_or_else(|e| panic!("{e}"));
    let a = listing(dir.path());
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o400))
        .unwrap_or_else(|e| panic!("{e}"));
    let b = listing(dir.path());
    assert_ne!(a, b);
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o600))
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&f, "ab").unwrap_or_else(|e| panic!("{e}"));
    std::fs::set_permissions(&f, std::fs::Permissions::from_mode(0o400))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(listing(dir.path()), b);
}

/// Build-cache entries (`<2 hex>/<64 hex>-a|-d` files) of `gocache`, with their size and mtime.
fn build_entries(gocache: &Path) -> Vec<(PathBuf, u64, std::time::SystemTime)> {
    let mut out = Vec::new();
    for shard in std::fs::read_dir(gocache)
        .unwrap_or_else(|e| panic!("{e}"))
        .flatten()
    {
        let name = shard.file_name().to_string_lossy().into_owned();
        if name.len() != 2 || !shard.path().is_dir() {
            continue;
        }
        for e in std::fs::read_dir(shard.path())
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let n = e.file_name().to_string_lossy().into_owned();
            if n.len() == 66 && (n.ends_with("-a") || n.ends_with("-d")) {
                let md = e.metadata().unwrap_or_else(|e| panic!("{e}"));
                if md.is_file() {
                    out.push((
                        e.path(),
                        md.len(),
                        md.modified().unwrap_or_else(|e| panic!("{e}")),
                    ));
                }
            }
        }
    }
    out
}

#[test]
fn build_budget_removes_least_recently_used_entries_first() {
    let copy = Copy::new();
    let gocache = copy.root.join("gocache");
    run(Command::new("cp")
        .arg("-a")
        .arg(&base().gocache)
        .arg(&gocache));
    // Entries in shards 00-7f were last used ten days ago, the others just now.
    let entries = build_entries(&gocache);
    assert!(
        entries.len() > 20,
        "the fixture build cache has too few entries"
    );
    let in_old_shard = |p: &Path| {
        p.parent()
            .and_then(|s| s.file_name())
            .is_some_and(|s| *s.to_string_lossy() < *"80")
    };
    // An output (`-d`) counts as used as recently as the newest action entry (`-a`, 175 bytes:
    // `v1 <action> <output> <size> <time>`) pointing at it: an old output of a fresh entry
    // stays (Go does not touch an output it writes again with the same content).
    let fresh_outputs: BTreeSet<String> = entries
        .iter()
        .filter(|(p, _, _)| !in_old_shard(p) && p.to_string_lossy().ends_with("-a"))
        .filter_map(|(p, _, _)| {
            let text = std::fs::read_to_string(p).ok()?;
            Some(format!("{}-d", text.split_whitespace().nth(2)?))
        })
        .collect();
    let is_old = |p: &Path| {
        in_old_shard(p)
            && !p
                .file_name()
                .is_some_and(|n| fresh_outputs.contains(&*n.to_string_lossy()))
    };
    for (p, _, _) in entries.iter().filter(|(p, _, _)| in_old_shard(p)) {
        run(Command::new("touch")
            .args(["-m", "-d", "10 days ago"])
            .arg(p));
    }
    let fresh_bytes: u64 = entries
        .iter()
        .filter(|(p, _, _)| !is_old(p))
        .map(|e| e.1)
        .sum();
    let old: Vec<&PathBuf> = entries
        .iter()
        .filter(|(p, _, _)| is_old(p))
        .map(|e| &e.0)
        .collect();
    assert!(!old.is_empty() && fresh_bytes > 0);

    let budget = fresh_bytes.to_string();
    let gocache_s = gocache.display().to_string();
    let out = copy
        .cli_command(&[
            "clean",
            "--build",
            "--max-size",
            &budget,
            "--yes",
            "--json",
            "--no-go",
        ])
        .env("GOCACHE", &gocache_s)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"));
    let v = clean_ok(&out);
    assert!(results(&v).iter().all(|r| r["outcome"] == "removed"), "{v}");
    // Exactly the old entries went: removing them is what brings the cache under the budget.
    for p in &old {
        assert!(!p.exists(), "old entry survived: {}", p.display());
    }
    let left = build_entries(&gocache);
    assert_eq!(left.iter().map(|e| e.1).sum::<u64>(), fresh_bytes);
    assert_eq!(left.len(), entries.len() - old.len());
    // Go still uses the trimmed cache.
    let build = Command::new(&base().go)
        .args(["build", "-o", "/dev/null", "./..."])
        .current_dir(copy.project())
        .env_clear()
        .envs(copy.env())
        .env("GOCACHE", &gocache_s)
        .output()
        .unwrap_or_else(|e| panic!("cannot run go: {e}"));
    assert!(
        build.status.success(),
        "{}",
        String::from_utf8_lossy(&build.stderr)
    );

    // Bad sizes are usage errors (exit 2) that touch nothing.
    let before_bad = build_entries(&gocache).len();
    let bad = copy
        .cli_command(&["clean", "--build", "--max-size", "12 parsecs", "--yes"])
        .env("GOCACHE", &gocache_s)
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        bad.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert_eq!(build_entries(&gocache).len(), before_bad);
}
