//! `gocache-doctor locks` run as a user would, against real child processes holding files in
//! a module-cache tree, and `locks --end` on real children.
//!
//! The holders are this test binary started again to run only [`holder`] (a real process of
//! the OS under test, Windows included, where Unix programs such as `sleep` cannot be waited
//! for): it opens the file `GOCACHE_TEST_HOLD_OPEN` names, if any, prints a line and sleeps,
//! with the working directory it was started in.

use std::io::{BufRead as _, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::{Value, json};

struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Every test's set-up: a home directory holding a module cache with one version,
/// `example.com/Foo@v1.2.0` with its `go.mod`, and the CLI pointed at them.
struct Tree {
    /// The home directory (`HOME`), holding the caches; removed on drop.
    dir: tempfile::TempDir,
    /// The module cache (`GOMODCACHE`).
    modcache: PathBuf,
    /// The version's directory.
    version: PathBuf,
}

impl Tree {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let modcache = dir.path().join("mod");
        let version = modcache.join("example.com").join("!foo@v1.2.0");
        std::fs::create_dir_all(&version).unwrap();
        std::fs::write(version.join("go.mod"), "module example.com/Foo\n").unwrap();
        Self {
            dir,
            modcache,
            version,
        }
    }

    /// Runs the CLI with `args` on this tree, with no terminal.
    fn cli(&self, args: &[&str]) -> Output {
        let home = self.dir.path();
        gocache_tests::output(
            Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
                .args(args)
                .env_clear()
                .envs(gocache_tests::shell_env(&[]))
                .env("HOME", home)
                .env("GOENV", "off")
                .env("GOMODCACHE", &self.modcache)
                .env("GOCACHE", home.join("gocache"))
                .stdin(Stdio::null()),
        )
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
    }

    /// Starts a [`holder`] whose working directory is the version's directory; returns it and
    /// its pid as the CLI's `--end` takes it.
    fn hold_version(&self) -> (Kid, String) {
        let kid = hold(&self.version, None);
        let pid = kid.0.id().to_string();
        (kid, pid)
    }
}

/// What [`holder`] prints once it holds what it was asked to.
const READY: &str = "gocache-test-holder-ready";

/// The holder process the tests start: not a test of its own (it does nothing when not started
/// by [`hold`]).
#[test]
#[ignore = "the holder process the other tests start; not a test"]
fn holder() {
    if std::env::var_os("GOCACHE_TEST_HOLDER").is_none() {
        return;
    }
    let _file = std::env::var_os("GOCACHE_TEST_HOLD_OPEN")
        .map(|p| std::fs::File::open(p).unwrap_or_else(|e| panic!("holder: open: {e}")));
    let mut out = std::io::stdout();
    writeln!(out, "\n{READY}").unwrap();
    out.flush().unwrap();
    std::thread::sleep(Duration::from_secs(120));
}

/// The name libtest knows [`holder`] by in this binary: its module path without the crate
/// (`locks::holder`), which `--exact` must match whole.
fn holder_test_name() -> String {
    let module = module_path!()
        .split_once("::")
        .map_or(module_path!(), |(_crate, module)| module);
    format!("{module}::holder")
}

/// Starts [`holder`] with the working directory `cwd`, holding `open` open when given, and
/// returns once it holds them.
fn hold(cwd: &Path, open: Option<&Path>) -> Kid {
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    cmd.args([
        holder_test_name().as_str(),
        "--exact",
        "--ignored",
        "--nocapture",
        "--test-threads=1",
    ])
    .current_dir(cwd)
    .env("GOCACHE_TEST_HOLDER", "1")
    .stdin(Stdio::null())
    .stdout(Stdio::piped());
    if let Some(f) = open {
        cmd.env("GOCACHE_TEST_HOLD_OPEN", f);
    }
    let mut kid = Kid(cmd.spawn().unwrap());
    let stdout = kid.0.stdout.take().unwrap();
    let ready = BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
        .any(|l| l.trim() == READY);
    assert!(ready, "the holder did not start");
    kid
}

/// The holder with process id `pid` in `locks --json` output `v`.
fn holder_entry(v: &Value, pid: u32) -> Value {
    v["holders"]
        .as_array()
        .unwrap()
        .iter()
        .find(|h| h["pid"] == pid)
        .cloned()
        .unwrap_or_else(|| panic!("{pid} missing in {v:#}"))
}

/// The CLI at `args` as the user nobody (setpriv(1), as root), with a bare environment on `tree`.
#[cfg(unix)]
fn cli_as_nobody(tree: &Tree, args: &[&str]) -> Output {
    Command::new("setpriv")
        .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", tree.dir.path())
        .env("GOENV", "off")
        .env("GOMODCACHE", &tree.modcache)
        .output()
        .unwrap()
}

/// Whether `name` is the holder's name as the OS lists it: the test binary's file name (on
/// Unix the kernel's short name, which may be cut: 15 bytes of `comm` on Linux).
fn is_holder_name(name: &str) -> bool {
    let exe = std::env::current_exe().unwrap();
    let full = exe.file_name().unwrap().to_string_lossy().into_owned();
    if cfg!(windows) {
        name == full
    } else {
        full.starts_with(name) && name.len() >= full.len().min(15)
    }
}

/// What a working directory in the cache is listed as: `cwd` on Unix; on Windows the process'
/// handle to that directory, an open file like any other.
const CWD_KIND: &str = if cfg!(windows) { "open-file" } else { "cwd" };

/// How `locks --end` ends a process: asked to exit on Unix (`SIGTERM`); killed on Windows
/// (`TerminateProcess`, which has no polite step).
const END_HOW: &str = if cfg!(windows) { "killed" } else { "exited" };

/// Whether `status` is that of a process ended by `locks --end`: by a signal on Unix, with
/// `TerminateProcess`'s exit code 1 on Windows.
fn ended_by_end(status: std::process::ExitStatus) -> bool {
    if cfg!(windows) {
        status.code() == Some(1)
    } else {
        status.code().is_none()
    }
}

#[test]
fn locks_json_and_table_name_a_child_in_the_module_cache() {
    let tree = Tree::new();
    let (modcache, version) = (&tree.modcache, &tree.version);
    let (cwd, _) = tree.hold_version();
    let elsewhere = tempfile::tempdir().unwrap();
    let reader = hold(elsewhere.path(), Some(&version.join("go.mod")));
    let out = tree.cli(&["locks", "--json", "--no-go"]);
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let h = holder_entry(&v, cwd.0.id());
    let name = h["name"].as_str().unwrap_or_default().to_owned();
    assert!(is_holder_name(&name), "{h:#}");
    assert_eq!(h["kinds"], json!([CWD_KIND]));
    assert_eq!(h["tool"], Value::Null);
    assert_eq!(h["category"], "other");
    assert_eq!(h["modules"], json!(["example.com/Foo@v1.2.0"]));
    assert_eq!(
        h["paths"],
        json!([{"cache": "modcache", "module": "example.com/Foo@v1.2.0",
                "path": version.display().to_string(), "kind": CWD_KIND}])
    );
    assert_eq!(
        h["exe"].as_str().map(PathBuf::from),
        Some(std::env::current_exe().unwrap())
    );
    assert!(h["user"].is_string());
    let r = holder_entry(&v, reader.0.id());
    assert_eq!(r["kinds"], json!(["open-file"]));
    assert_eq!(
        r["paths"],
        json!([{"cache": "modcache", "module": "example.com/Foo@v1.2.0",
                "path": version.join("go.mod").display().to_string(), "kind": "open-file"}])
    );
    let card = &v["caches"][0];
    assert_eq!(
        (card["kind"].as_str(), card["holders"].as_u64()),
        (Some("modcache"), Some(2))
    );

    // The table: a header, one row per holder, module versions and advice below.
    let out = tree.cli(&["locks", modcache.to_str().unwrap(), "--no-go"]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8_lossy(&out.stdout);
    let header = text.lines().next().unwrap();
    assert!(
        header.starts_with("PID") && header.contains("KINDS"),
        "{text}"
    );
    let row = text
        .lines()
        .find(|l| l.starts_with(&format!("{} ", cwd.0.id())))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(row.contains(&name) && row.contains(CWD_KIND), "{row}");
    assert!(
        text.contains(&format!("example.com/Foo@v1.2.0  ({CWD_KIND})")),
        "{text}"
    );
    assert!(text.contains("advice: "), "{text}");
}

#[test]
fn locks_end_ends_a_child_and_refuses_pid_1_and_unconfirmed_ends() {
    let tree = Tree::new();
    let (mut kid, pid) = tree.hold_version();
    // No terminal and no --yes: refused, nothing ended.
    let out = tree.cli(&["locks", "--end", &pid]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(kid.0.try_wait().unwrap().is_none());
    // A huge --timeout is clamped to a day before it is added to the clock (never an overflow).
    let out = tree.cli(&[
        "locks",
        "--end",
        &pid,
        "--yes",
        "--json",
        "--timeout",
        "1e15",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["how"], END_HOW);
    assert_eq!(v["pid"], kid.0.id());
    let status = kid.0.wait().unwrap();
    assert!(ended_by_end(status), "{status:?}");
    let out = tree.cli(&["locks", "--end", "1", "--yes"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("operating system"));
}

#[cfg(unix)] // another user: setpriv(1) as root; Wine has no other users
#[test]
fn another_users_process_is_refused_without_privileges() {
    if !gocache_tests::root::require_root("to start the CLI as another user (nobody)") {
        return;
    }
    let tree = Tree::new();
    let (mut kid, pid) = tree.hold_version();
    // Everything the CLI touches must be reachable for nobody.
    let out = cli_as_nobody(&tree, &["locks", "--end", &pid, "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another user"),
        "{out:?}"
    );
    assert!(kid.0.try_wait().unwrap().is_none(), "still running");
    // --force-system does not help a user who is not elevated.
    let out = cli_as_nobody(&tree, &["locks", "--end", &pid, "--yes", "--force-system"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(kid.0.try_wait().unwrap().is_none(), "still running");
}

#[cfg(target_os = "linux")] // another user: setpriv(1) as root, its uid read from /proc
#[test]
fn root_ends_another_users_holder_only_with_force_system() {
    if !gocache_tests::root::require_root("to start a holder as another user (nobody)") {
        return;
    }
    let tree = Tree::new();
    // A holder running as nobody, its working directory in the module cache.
    let mut kid = Kid(Command::new("setpriv")
        .args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            "sleep",
            "120",
        ])
        .current_dir(&tree.version)
        .spawn()
        .unwrap());
    let pid = kid.0.id().to_string();
    // setpriv execs sleep: wait until the pid runs as nobody.
    for _ in 0..100 {
        let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
        if status
            .lines()
            .any(|l| l.starts_with("Uid:") && l.contains("65534"))
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = tree.cli(&["locks", "--end", &pid, "--yes", "--no-go"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("another user"),
        "{out:?}"
    );
    assert!(alive(&mut kid));
    let out = tree.cli(&[
        "locks",
        "--end",
        &pid,
        "--yes",
        "--no-go",
        "--force-system",
        "--json",
    ]);
    assert!(out.status.success(), "{out:?}");
    assert!(kid.0.wait().unwrap().code().is_none(), "ended by a signal");
}

fn alive(kid: &mut Kid) -> bool {
    kid.0.try_wait().unwrap().is_none()
}

#[test]
fn locks_end_refuses_a_process_that_holds_nothing_in_the_caches() {
    // The attack: `locks --end PID` used to end any process the user could signal.
    let tree = Tree::new();
    let elsewhere = tempfile::tempdir().unwrap();
    let mut bystander = hold(elsewhere.path(), None);
    let pid = bystander.0.id().to_string();
    let out = tree.cli(&["locks", "--end", &pid, "--yes", "--no-go"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("holds no files in the Go caches"), "{err}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert!(alive(&mut bystander), "a non-holder was ended");
    // Not with a made-up start time either, nor with --force-system.
    let out = tree.cli(&[
        "locks",
        "--end",
        &pid,
        "--start-time",
        "1",
        "--force-system",
        "--yes",
        "--no-go",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(alive(&mut bystander), "a non-holder was ended");
}

#[test]
fn locks_end_takes_the_listed_start_time_and_refuses_a_wrong_one() {
    let tree = Tree::new();
    let (mut kid, pid) = tree.hold_version();
    let out = tree.cli(&["locks", "--json", "--no-go"]);
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let me = holder_entry(&v, kid.0.id());
    let start = me["start_time"]
        .as_u64()
        .unwrap_or_else(|| panic!("{me:#}"));
    // A start time that is not the process' own (the pid was reused): refused, still running.
    let wrong = (start + 1).to_string();
    let out = tree.cli(&[
        "locks",
        "--end",
        &pid,
        "--start-time",
        &wrong,
        "--yes",
        "--no-go",
    ]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("no longer the process"),
        "{out:?}"
    );
    assert!(alive(&mut kid), "ended with a wrong start time");
    // The listed one: ended.
    let out = tree.cli(&[
        "locks",
        "--end",
        &pid,
        "--start-time",
        &start.to_string(),
        "--yes",
        "--json",
        "--no-go",
    ]);
    assert!(out.status.success(), "{out:?}");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["how"], END_HOW);
    let status = kid.0.wait().unwrap();
    assert!(ended_by_end(status), "{status:?}");
}

#[test]
fn end_flags_need_end_and_end_takes_no_path() {
    let tree = Tree::new();
    let out = tree.cli(&["locks", "--start-time", "5"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
    let v = tree.version.display().to_string();
    let out = tree.cli(&["locks", &v, "--end", "5", "--yes"]);
    assert_eq!(out.status.code(), Some(2), "{out:?}");
}
