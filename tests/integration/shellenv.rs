//! The login shell's environment, read from real shells (`bash -l -i`, `zsh -l -i`) with
//! start-up files in a temporary HOME: what comes back, with which source, what discovery
//! makes of it, and what happens when the start-up files hang, fail or print noise.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use gocache_core::CancelToken;
use gocache_core::discover::{self, CacheKind, Options as DiscoverOptions};
use gocache_core::env::{EnvMap, Source};
use gocache_core::os::OsKind;
use gocache_core::redact::Redacted;
use gocache_core::shellenv::{self, Caller, Options, ResolveError};

/// A temporary HOME whose `.bashrc` is `rc` (and `.bash_profile` sources it, since `bash -l`
/// reads only the profile).
struct Home {
    dir: tempfile::TempDir,
}

impl Home {
    fn bash(rc: &str) -> Home {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        write(&dir.path().join(".bashrc"), rc);
        write(
            &dir.path().join(".bash_profile"),
            "# bash -l reads this, not .bashrc\n. \"$HOME/.bashrc\"\n",
        );
        Home { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    /// An environment like a desktop session's: no TERM, a short PATH, `SHELL=shell`.
    fn env(&self, shell: &str, extra: &[(&str, &str)]) -> EnvMap {
        let mut env = EnvMap::from_pairs([
            ("HOME", self.path().display().to_string()),
            ("SHELL", shell.to_owned()),
            ("PATH", "/usr/bin:/bin".to_owned()),
            ("LANG", "C.UTF-8".to_owned()),
        ]);
        for (k, v) in extra {
            env.set(*k, *v);
        }
        env
    }

    fn read_pid(&self, name: &str) -> u32 {
        let text = std::fs::read_to_string(self.path().join(name))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        text.trim()
            .parse()
            .unwrap_or_else(|e| panic!("{name} {text:?}: {e}"))
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

fn quick() -> Options {
    Options {
        timeout: Duration::from_secs(20),
    }
}

/// Whether process `pid` no longer runs (gone, or a zombie waiting for its reaper).
fn not_running(pid: u32) -> bool {
    let out = Command::new("ps")
        .args(["-o", "stat=", "-p", &pid.to_string()])
        .output()
        .unwrap_or_else(|e| panic!("ps: {e}"));
    let stat = String::from_utf8_lossy(&out.stdout);
    stat.trim().is_empty() || stat.trim().starts_with('Z')
}

fn wait_not_running(pid: u32) -> bool {
    let until = Instant::now() + Duration::from_secs(5);
    while Instant::now() < until {
        if not_running(pid) {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    not_running(pid)
}

fn no_go() -> DiscoverOptions {
    DiscoverOptions {
        run_go: false,
        search_install_locations: false,
        ..DiscoverOptions::default()
    }
}

/// The case: GOMODCACHE exported in `.bashrc`, noise on stdout and stderr, and the
/// app started with another GOMODCACHE. The login shell's value wins, with its source, and
/// discovery finds that module cache and reports the disagreement.
#[test]
fn bash_rc_exports_reach_discovery_with_the_login_shell_source() {
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let shell_mod = work.path().join("shell-mod");
    std::fs::create_dir_all(shell_mod.join("cache/download"))
        .unwrap_or_else(|e| panic!("mkdir: {e}"));
    let process_mod = work.path().join("process-mod");
    let home = Home::bash(&format!(
        "echo 'Welcome to bash, here is some noise'\n\
         echo 'noise on stderr' >&2\n\
         export GOMODCACHE='{}'\n\
         export GOPROXY='https://deploy:s3cr3t-t0ken@proxy.example.com/,direct'\n\
         export GITHUB_TOKEN=ghp_doNotImportMe\n\
         unset GOFLAGS\n\
         echo 'more noise after the exports'\n",
        shell_mod.display()
    ));
    let process = home.env(
        "/bin/bash",
        &[
            ("GOMODCACHE", &process_mod.display().to_string()),
            ("GOFLAGS", "-mod=mod"),
        ],
    );

    let decision = shellenv::decide(&process, Caller::App, OsKind::Linux);
    assert!(decision.import, "no TERM: a desktop launch ({decision:?})");
    let merged = shellenv::import(process, &decision, &quick(), &CancelToken::new());
    assert_eq!(
        merged.get("GOMODCACHE").map(String::as_str),
        Some(shell_mod.to_str().unwrap_or_default())
    );
    assert!(merged.is_from_login_shell("GOMODCACHE"));
    assert_eq!(merged.get("GOFLAGS"), None, "the rc unsets it");
    assert_eq!(merged.get("GITHUB_TOKEN"), None, "only Go's names are read");
    let r = merged.login_shell().unwrap_or_else(|| panic!("no report"));
    assert!(r.error.is_none(), "{r:?}");
    assert_eq!(r.shell.as_deref(), Some("/bin/bash"));
    assert_eq!(r.args, ["-l", "-i"]);

    let report = discover::discover(&merged, &no_go());
    let modcache = report
        .cache(CacheKind::Modcache)
        .unwrap_or_else(|| panic!("no module cache: {report:?}"));
    assert_eq!(modcache.path, shell_mod);
    assert_eq!(modcache.source, Source::LoginShell);
    assert!(modcache.exists);
    assert_eq!(
        report.vars.get("GOMODCACHE").map(|v| v.source),
        Some(Source::LoginShell)
    );
    let mismatch: Vec<_> = report
        .problems
        .iter()
        .filter(|p| p.id == "shell-env-mismatch")
        .collect();
    let vars: Vec<_> = mismatch
        .iter()
        .filter_map(|p| p.var_name.as_deref())
        .collect();
    assert_eq!(vars, ["GOMODCACHE", "GOFLAGS"], "{mismatch:?}");
    let gomodcache = mismatch
        .first()
        .map(|p| p.message.clone())
        .unwrap_or_default();
    assert!(
        gomodcache.contains(&process_mod.display().to_string())
            && gomodcache.contains(&shell_mod.display().to_string())
            && gomodcache.contains("uses the login shell's value"),
        "{gomodcache}"
    );
    // GOPROXY was not in the process environment: filled, not a warning, but listed.
    let d = report
        .shell_env
        .as_ref()
        .map(|s| s.disagreements.clone())
        .unwrap_or_default();
    assert!(
        d.iter()
            .any(|d| d.name == "GOPROXY" && d.process_value.is_none())
    );

    // No credential in what the app and the CLI show.
    let shown = serde_json::to_string(&Redacted(&report)).unwrap_or_default();
    assert!(!shown.contains("s3cr3t"), "{shown}");
    assert!(!shown.contains("ghp_"), "{shown}");
    assert!(shown.contains("\"source\":\"login-shell\""), "{shown}");
}

/// Go sees what the terminal sees: `go env` run with the merged environment agrees with it.
#[test]
fn go_env_agrees_with_the_merged_environment() {
    let Some(go) = gocache_tests::go_binary() else {
        panic!("this test needs a Go toolchain on PATH or in $GO");
    };
    let go_dir = go.parent().map(Path::to_path_buf).unwrap_or_default();
    let work = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let gopath = work.path().join("gopath");
    let home = Home::bash(&format!(
        "export PATH='{}':\"$PATH\"\nexport GOPATH='{}'\nexport GOTOOLCHAIN=local GOTELEMETRY=off\n",
        go_dir.display(),
        gopath.display()
    ));
    let process = home.env("/bin/bash", &[]);
    let decision = shellenv::decide(&process, Caller::Cli { requested: true }, OsKind::Linux);
    let merged = shellenv::import(process, &decision, &quick(), &CancelToken::new());
    let report = discover::discover(
        &merged,
        &DiscoverOptions {
            search_install_locations: false,
            ..DiscoverOptions::default()
        },
    );
    assert_eq!(
        report.go.as_ref().map(|g| g.path.clone()),
        Some(go_dir.join("go")),
        "go found on the login shell's PATH"
    );
    assert_eq!(
        report.vars.get("GOMODCACHE").map(|v| v.value.clone()),
        Some(gopath.join("pkg/mod").display().to_string())
    );
    assert_eq!(
        report.vars.get("GOPATH").map(|v| v.source),
        Some(Source::LoginShell)
    );
    let ids: Vec<&str> = report.problems.iter().map(|p| p.id.as_str()).collect();
    assert!(!ids.contains(&"go-env-mismatch"), "{:?}", report.problems);
    assert!(!ids.contains(&"go-env-failed"), "{:?}", report.problems);
}

/// Values with a newline and non-ASCII characters survive (`env -0`).
#[test]
fn newlines_and_non_ascii_survive() {
    let home = Home::bash(
        "export GOFLAGS=\"-mod=mod\n-tags=a,b\"\n\
         export GOMODCACHE='/tmp/模块 缓存/ü'\n\
         export GOPRIVATE='例子.com/*,git.example/x'\n",
    );
    let shell = shellenv::resolve(&home.env("/bin/bash", &[]), &quick(), &CancelToken::new())
        .unwrap_or_else(|e| panic!("resolve: {e}"));
    let get = |k: &str| shell.vars.get(k).map(String::as_str);
    assert_eq!(get("GOFLAGS"), Some("-mod=mod\n-tags=a,b"));
    assert_eq!(get("GOMODCACHE"), Some("/tmp/模块 缓存/ü"));
    assert_eq!(get("GOPRIVATE"), Some("例子.com/*,git.example/x"));
    assert!(shell.not_utf8.is_empty());
    assert_eq!(get("HOME"), None, "HOME is not imported");
}

/// A start-up file that never finishes: a timeout error within the limit, and neither the
/// shell nor what it started in its process group is left running.
#[test]
fn a_hanging_rc_times_out_and_leaves_no_process() {
    let home = Home::bash(
        "echo $$ > \"$HOME/shell.pid\"\n\
         sleep 600 &\n\
         echo $! > \"$HOME/sleep.pid\"\n\
         wait\n",
    );
    let limit = Duration::from_millis(1500);
    let start = Instant::now();
    let result = shellenv::resolve(
        &home.env("/bin/bash", &[]),
        &Options { timeout: limit },
        &CancelToken::new(),
    );
    let took = start.elapsed();
    match result {
        Err(ResolveError::Timeout { shell, timeout }) => {
            assert_eq!(shell, PathBuf::from("/bin/bash"));
            assert_eq!(timeout, limit);
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    assert!(took >= limit, "{took:?}");
    assert!(took < limit + Duration::from_secs(2), "{took:?}");
    let (shell_pid, sleep_pid) = (home.read_pid("shell.pid"), home.read_pid("sleep.pid"));
    assert!(
        wait_not_running(shell_pid),
        "the shell {shell_pid} still runs"
    );
    assert!(
        wait_not_running(sleep_pid),
        "its sleep {sleep_pid} still runs"
    );

    // The same through `import`: the process environment is kept, the failure reported.
    let process = home.env("/bin/bash", &[("GOMODCACHE", "/process/mod")]);
    let decision = shellenv::decide(&process, Caller::App, OsKind::Linux);
    let env = shellenv::import(
        process,
        &decision,
        &Options { timeout: limit },
        &CancelToken::new(),
    );
    assert_eq!(
        env.get("GOMODCACHE").map(String::as_str),
        Some("/process/mod")
    );
    let code = env
        .login_shell()
        .and_then(|r| r.error.as_ref())
        .map(|e| e.code.clone());
    assert_eq!(code.as_deref(), Some("timeout"));
    assert!(wait_not_running(home.read_pid("sleep.pid")));
}

/// Cancelling stops the shell at once and leaves nothing running.
#[test]
fn cancelling_kills_the_shell() {
    let home = Home::bash("echo $$ > \"$HOME/shell.pid\"\nsleep 600\n");
    let cancel = CancelToken::new();
    let canceller = {
        let cancel = cancel.clone();
        let pid_file = home.path().join("shell.pid");
        std::thread::spawn(move || {
            while !pid_file.exists() {
                std::thread::sleep(Duration::from_millis(10));
            }
            cancel.cancel();
        })
    };
    let start = Instant::now();
    let result = shellenv::resolve(&home.env("/bin/bash", &[]), &quick(), &cancel);
    assert!(matches!(result, Err(ResolveError::Cancelled)), "{result:?}");
    assert!(start.elapsed() < Duration::from_secs(10));
    let _ = canceller.join();
    assert!(wait_not_running(home.read_pid("shell.pid")));
}

/// A start-up file that exits 1: a clear error naming the status and what it printed, and the
/// process environment kept as it was.
#[test]
fn an_rc_that_exits_1_is_a_clear_error_and_keeps_the_environment() {
    let home = Home::bash(
        "echo 'loading my settings' \n\
         echo 'error: ~/.config/secret-tool https://me:hunter2@vault.example/ not found' >&2\n\
         exit 1\n",
    );
    let process = home.env("/bin/bash", &[("GOMODCACHE", "/process/mod")]);
    match shellenv::resolve(&process, &quick(), &CancelToken::new()) {
        Err(e @ ResolveError::Exit { .. }) => {
            let text = e.to_string();
            assert!(
                text.starts_with("/bin/bash exited with exit status 1"),
                "{text}"
            );
            assert!(text.contains("secret-tool"), "{text}");
            assert!(!text.contains("hunter2"), "{text}");
            assert!(!text.contains("no job control"), "bash's own noise: {text}");
        }
        other => panic!("expected an exit error, got {other:?}"),
    }
    let decision = shellenv::decide(&process, Caller::App, OsKind::Linux);
    let env = shellenv::import(process.clone(), &decision, &quick(), &CancelToken::new());
    assert_eq!(env.get("GOMODCACHE"), process.get("GOMODCACHE"));
    assert_eq!(env.get("PATH"), process.get("PATH"));
    assert!(!env.is_from_login_shell("GOMODCACHE"));
    let report = discover::discover(&env, &no_go());
    let failed = report
        .problems
        .iter()
        .find(|p| p.id == "shell-env-failed")
        .unwrap_or_else(|| panic!("no shell-env-failed: {:?}", report.problems));
    assert!(
        failed.message.contains("exit status 1"),
        "{}",
        failed.message
    );
    assert_eq!(
        report
            .vars
            .get("GOMODCACHE")
            .map(|v| (v.value.as_str(), v.source)),
        Some(("/process/mod", Source::Env))
    );
}

/// A SHELL that is not an absolute path to an existing executable is refused, never run.
#[test]
fn bad_shells_are_refused() {
    let home = Home::bash("touch \"$HOME/ran\"\n");
    for shell in [
        "bash",
        "bin/bash",
        "/nonexistent/bin/bash",
        "/etc/passwd",
        "/tmp",
    ] {
        let process = home.env(shell, &[("GOMODCACHE", "/process/mod")]);
        let result = shellenv::resolve(&process, &quick(), &CancelToken::new());
        assert!(
            matches!(result, Err(ResolveError::BadShell { .. })),
            "{shell}: {result:?}"
        );
        let decision = shellenv::decide(&process, Caller::App, OsKind::Linux);
        let env = shellenv::import(process.clone(), &decision, &quick(), &CancelToken::new());
        assert_eq!(env.get("GOMODCACHE"), process.get("GOMODCACHE"));
        let code = env
            .login_shell()
            .and_then(|r| r.error.as_ref())
            .map(|e| e.code.clone());
        assert_eq!(code.as_deref(), Some("bad-shell"), "{shell}");
    }
    assert!(!home.path().join("ran").exists());
}

/// zsh reads `.zshenv`, `.zprofile`, `.zshrc` and `.zlogin` for `-l -i`; what the last sets
/// wins, and its noise is ignored.
#[test]
fn zsh_login_interactive_start_up_files() {
    let home = Home::bash("");
    let zsh = ["/usr/bin/zsh", "/bin/zsh"]
        .into_iter()
        .find(|p| Path::new(p).is_file())
        .unwrap_or_else(|| panic!("this test needs zsh (scripts/setup.sh installs it)"));
    write(&home.path().join(".zshenv"), "export GOPATH=/from/zshenv\n");
    write(
        &home.path().join(".zprofile"),
        "export GOMODCACHE=/from/zprofile\n",
    );
    write(
        &home.path().join(".zshrc"),
        "print 'zsh noise'\nprint -u2 'zsh err'\nexport GOMODCACHE=/from/zshrc\nexport GOFLAGS=$'-a\\n-b'\n",
    );
    write(
        &home.path().join(".zlogin"),
        "export GOCACHE=/from/zlogin\n",
    );
    let shell = shellenv::resolve(&home.env(zsh, &[]), &quick(), &CancelToken::new())
        .unwrap_or_else(|e| panic!("resolve: {e}"));
    let get = |k: &str| shell.vars.get(k).map(String::as_str);
    assert_eq!(get("GOPATH"), Some("/from/zshenv"));
    assert_eq!(get("GOMODCACHE"), Some("/from/zshrc"));
    assert_eq!(get("GOCACHE"), Some("/from/zlogin"));
    assert_eq!(get("GOFLAGS"), Some("-a\n-b"));
    assert_eq!(shell.args, ["-l", "-i"]);
}

/// A start-up file that sends the shell's output elsewhere: the shell succeeds, but prints no
/// markers to read, which is its own error (and nothing spins meanwhile: both pipes close
/// before the shell exits).
#[test]
fn an_rc_that_redirects_the_output_gives_no_markers() {
    let home = Home::bash("exec >/dev/null 2>&1\nsleep 0.3\n");
    let start = Instant::now();
    match shellenv::resolve(&home.env("/bin/bash", &[]), &quick(), &CancelToken::new()) {
        Err(ResolveError::NoMarkers { shell }) => assert_eq!(shell, PathBuf::from("/bin/bash")),
        other => panic!("expected no markers, got {other:?}"),
    }
    assert!(start.elapsed() < Duration::from_secs(10));
}
