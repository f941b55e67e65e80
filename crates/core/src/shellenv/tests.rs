//! Unit tests of the decision, the parsing and the merge. Running real shells is tested in the
//! integration binary (`tests/integration/shellenv.rs`).

use super::*;
use crate::env::Source;

fn env(pairs: &[(&str, &str)]) -> EnvMap {
    EnvMap::from_pairs(pairs.iter().copied())
}

#[test]
fn mode_values() {
    assert_eq!(Mode::parse("on"), Some(Mode::On));
    assert_eq!(Mode::parse(" OFF "), Some(Mode::Off));
    assert_eq!(Mode::parse("auto"), Some(Mode::Auto));
    assert_eq!(Mode::parse(""), Some(Mode::Auto));
    assert_eq!(Mode::parse("yes"), None);
    assert_eq!(Mode::parse("1"), None);
}

#[test]
fn the_app_imports_unless_started_from_a_terminal() {
    let app = Caller::App;
    let d = decide(&env(&[("HOME", "/h")]), app, OsKind::Macos);
    assert!(d.import, "{d:?}");
    assert!(d.reason.contains("no TERM"), "{d:?}");
    let d = decide(&env(&[("TERM", "dumb")]), app, OsKind::Linux);
    assert!(d.import, "{d:?}");
    let d = decide(&env(&[("TERM", "xterm-256color")]), app, OsKind::Macos);
    assert!(!d.import, "{d:?}");
    assert!(d.reason.contains("TERM=xterm-256color"), "{d:?}");
    // SHLVL alone (a session started by a non-interactive login shell) is no terminal.
    let d = decide(&env(&[("SHLVL", "1")]), app, OsKind::Linux);
    assert!(d.import, "{d:?}");
    // Never while a login shell is being resolved (an app started from a start-up file).
    let d = decide(&env(&[(RESOLVING_VAR, "1")]), app, OsKind::Linux);
    assert!(!d.import, "{d:?}");
}

#[test]
fn the_cli_imports_only_when_asked() {
    let plain = Caller::Cli { requested: false };
    let asked = Caller::Cli { requested: true };
    assert!(!decide(&env(&[]), plain, OsKind::Linux).import);
    assert!(decide(&env(&[]), asked, OsKind::Linux).import);
    assert!(decide(&env(&[("TERM", "xterm")]), asked, OsKind::Macos).import);
    // The flag is explicit: it wins over the variable.
    assert!(decide(&env(&[(MODE_VAR, "off")]), asked, OsKind::Linux).import);
}

#[test]
fn the_mode_variable_forces_it_either_way() {
    let plain = Caller::Cli { requested: false };
    let d = decide(&env(&[(MODE_VAR, "on")]), plain, OsKind::Linux);
    assert!(d.import);
    assert_eq!(d.reason, format!("{MODE_VAR}=on"));
    let d = decide(
        &env(&[(MODE_VAR, "on"), ("TERM", "xterm")]),
        Caller::App,
        OsKind::Linux,
    );
    assert!(d.import);
    let d = decide(&env(&[(MODE_VAR, "Off")]), Caller::App, OsKind::Macos);
    assert!(!d.import);
    let d = decide(&env(&[(MODE_VAR, "sometimes")]), Caller::App, OsKind::Macos);
    assert!(d.import, "unknown values mean auto");
    assert_eq!(d.bad_mode.as_deref(), Some("sometimes"));
}

#[test]
fn never_on_windows() {
    let d = decide(&env(&[(MODE_VAR, "on")]), Caller::App, OsKind::Windows);
    assert!(!d.import);
    let d = decide(&env(&[]), Caller::Cli { requested: true }, OsKind::Windows);
    assert!(!d.import);
    assert!(d.reason.contains("registry"));
}

#[test]
fn shell_arguments_follow_vs_code() {
    assert_eq!(
        shell_args(Path::new("/bin/zsh")).ok(),
        Some(&["-l", "-i", "-c"][..])
    );
    assert_eq!(shell_args(Path::new("/bin/tcsh")).ok(), Some(&["-ic"][..]));
    assert_eq!(
        shell_args(Path::new("/usr/local/bin/fish")).ok(),
        Some(&["-l", "-i", "-c"][..])
    );
    for s in ["/usr/bin/nu", "/usr/local/bin/pwsh", "/usr/bin/xonsh"] {
        let e = shell_args(Path::new(s));
        assert!(
            matches!(e, Err(ResolveError::UnsupportedShell { .. })),
            "{s}"
        );
    }
}

#[test]
fn markers_are_unique_and_the_command_needs_no_quoting() {
    let (a, b) = (marker(), marker());
    assert_ne!(a, b);
    assert!(
        a.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
        "{a}"
    );
    let c = command(&a, "/usr/bin/env");
    assert_eq!(
        c,
        format!("printf '%s' {a}; /usr/bin/env -0 || /usr/bin/env; printf '%s' {a}")
    );
}

fn out(m: &str, payload: &[u8]) -> Vec<u8> {
    let mut v = b"Welcome back!\nnoise\0with NUL\n".to_vec();
    v.extend_from_slice(m.as_bytes());
    v.extend_from_slice(payload);
    v.extend_from_slice(m.as_bytes());
    v.extend_from_slice(b"bye\n");
    v
}

#[test]
fn nul_separated_output_between_markers() {
    let m = marker();
    let payload =
        b"GOMODCACHE=/m/\xe6\xa8\xa1\0GOFLAGS=-mod=mod\nsecond line\0GITHUB_TOKEN=ghp_secret\0GOPRIVATE=\0GOCACHE=a=b\0";
    let p = parse_output(&out(&m, payload), &m).unwrap_or_else(|| panic!("no markers"));
    assert_eq!(p.vars.get("GOMODCACHE").map(String::as_str), Some("/m/模"));
    assert_eq!(
        p.vars.get("GOFLAGS").map(String::as_str),
        Some("-mod=mod\nsecond line")
    );
    assert_eq!(p.vars.get("GOPRIVATE").map(String::as_str), Some(""));
    assert_eq!(p.vars.get("GOCACHE").map(String::as_str), Some("a=b"));
    // Only Go-relevant names are read.
    assert!(!p.vars.contains_key("GITHUB_TOKEN"));
    assert!(p.not_utf8.is_empty());
}

#[test]
fn newline_output_of_an_env_without_dash_zero() {
    let m = marker();
    let payload = b"HOME=/h\nGOFLAGS=-a\n  continued\nGOMODCACHE=/m\n";
    let p = parse_output(&out(&m, payload), &m).unwrap_or_else(|| panic!("no markers"));
    assert_eq!(
        p.vars.get("GOFLAGS").map(String::as_str),
        Some("-a\n  continued")
    );
    assert_eq!(p.vars.get("GOMODCACHE").map(String::as_str), Some("/m"));
    assert!(!p.vars.contains_key("HOME"));
}

#[test]
fn not_utf8_values_and_missing_markers() {
    let m = marker();
    let p = parse_output(&out(&m, b"GOCACHE=/c\xff\0GOPATH=/p\0"), &m)
        .unwrap_or_else(|| panic!("no markers"));
    assert_eq!(p.not_utf8, ["GOCACHE"]);
    assert!(!p.vars.contains_key("GOCACHE"));
    assert_eq!(p.vars.get("GOPATH").map(String::as_str), Some("/p"));

    assert!(parse_output(b"no markers here", &m).is_none());
    let one = format!("noise {m} GOPATH=/p\0");
    assert!(parse_output(one.as_bytes(), &m).is_none());
    // Another run's marker is not ours.
    assert!(parse_output(&out(&marker(), b"GOPATH=/p\0"), &m).is_none());
}

fn shell_env(vars: &[(&str, &str)]) -> ShellEnv {
    ShellEnv {
        shell: PathBuf::from("/bin/zsh"),
        args: vec!["-l".into(), "-i".into()],
        vars: vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        not_utf8: Vec::new(),
        elapsed: Duration::from_millis(120),
    }
}

#[test]
fn merge_takes_the_shells_values_and_lists_the_differences() {
    let process = env(&[
        ("HOME", "/h"),
        ("PATH", "/usr/bin:/bin"),
        ("GOMODCACHE", "/process/mod"),
        ("GOFLAGS", "-mod=mod"),
        ("GOCACHE", "/same"),
        ("GITHUB_TOKEN", "process-token"),
    ]);
    let shell = shell_env(&[
        ("PATH", "/opt/go/bin:/usr/bin:/bin"),
        ("GOMODCACHE", "/shell/mod"),
        ("GOCACHE", "/same"),
        ("GOPATH", "/shell/gopath"),
        ("GOPROXY", "https://user:tok@proxy.example/"),
        ("GOPRIVATE", ""),
    ]);
    let merged = merge(&process, &shell, "test");
    let get = |k: &str| merged.get(k).map(String::as_str);
    assert_eq!(get("GOMODCACHE"), Some("/shell/mod"));
    assert_eq!(get("GOPATH"), Some("/shell/gopath"));
    assert_eq!(get("PATH"), Some("/opt/go/bin:/usr/bin:/bin"));
    // Unset by the shell's start-up files: unset for the app too.
    assert_eq!(get("GOFLAGS"), None);
    // Not imported: kept from the process, never read from the shell.
    assert_eq!(get("HOME"), Some("/h"));
    assert_eq!(get("GITHUB_TOKEN"), Some("process-token"));
    assert_eq!(get("GOPRIVATE"), Some(""));
    assert_eq!(merged.source_of("GOMODCACHE"), Source::LoginShell);
    assert_eq!(merged.source_of("GOCACHE"), Source::LoginShell);
    assert_eq!(merged.source_of("HOME"), Source::Env);
    assert!(
        !merged.is_from_login_shell("GOPRIVATE"),
        "empty counts as unset"
    );

    let r = merged.login_shell().unwrap_or_else(|| panic!("no report"));
    assert!(r.attempted);
    assert_eq!(r.shell_command(), "/bin/zsh -l -i");
    assert_eq!(r.elapsed_ms, 120);
    assert_eq!(
        r.imported,
        ["GOCACHE", "GOMODCACHE", "GOPATH", "GOPROXY", "PATH"]
    );
    let names: Vec<&str> = r.disagreements.iter().map(|d| d.name.as_str()).collect();
    // PATH is imported but not compared; GOCACHE agrees; GOPRIVATE is empty on both sides.
    assert_eq!(names, ["GOPATH", "GOMODCACHE", "GOFLAGS", "GOPROXY"]);
    let d = |n: &str| {
        r.disagreements
            .iter()
            .find(|d| d.name == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    assert_eq!(
        d("GOMODCACHE").process_value.as_deref(),
        Some("/process/mod")
    );
    assert_eq!(d("GOMODCACHE").shell_value.as_deref(), Some("/shell/mod"));
    assert_eq!(d("GOFLAGS").shell_value, None);
    assert_eq!(d("GOPATH").process_value, None);
    // Credentials never reach the report.
    assert_eq!(
        d("GOPROXY").shell_value.as_deref(),
        Some("https://***@proxy.example/")
    );
    let json = serde_json::to_string(r).unwrap_or_default();
    assert!(!json.contains("tok@"), "{json}");

    // A later override is no longer the login shell's.
    let mut merged = merged;
    merged.set("GOMODCACHE", "/mine");
    assert_eq!(merged.source_of("GOMODCACHE"), Source::Env);
}

#[cfg(unix)]
#[test]
fn merge_and_non_utf8_values() {
    use std::ffi::OsString;
    use std::os::unix::ffi::OsStringExt as _;
    let process = EnvMap::from_os_pairs([
        (
            OsString::from("GOMODCACHE"),
            OsString::from_vec(b"/m\xff".to_vec()),
        ),
        (
            OsString::from("GOCACHE"),
            OsString::from_vec(b"/c\xff".to_vec()),
        ),
        (OsString::from("GOPATH"), OsString::from("/p")),
    ]);
    let mut shell = shell_env(&[("GOCACHE", "/fixed")]);
    shell.not_utf8 = vec!["GOPATH".into()];
    let merged = merge(&process, &shell, "test");
    // Never passed to the shell and not set by it: still unknown, still reported.
    assert!(merged.not_utf8().iter().any(|n| n == "GOMODCACHE"));
    // Set by the shell: fixed.
    assert_eq!(merged.get("GOCACHE").map(String::as_str), Some("/fixed"));
    assert!(!merged.not_utf8().iter().any(|n| n == "GOCACHE"));
    // Not UTF-8 in the shell: skipped and reported like the process's own.
    assert_eq!(merged.get("GOPATH"), None);
    assert!(merged.not_utf8().iter().any(|n| n == "GOPATH"));
}

#[test]
fn import_without_a_decision_to_import_keeps_the_environment_and_says_why() {
    let process = env(&[("GOMODCACHE", "/m"), (MODE_VAR, "maybe")]);
    let decision = decide(&process, Caller::Cli { requested: false }, OsKind::Linux);
    let out = import(
        process.clone(),
        &decision,
        &Options::default(),
        &CancelToken::new(),
    );
    assert_eq!(out.get("GOMODCACHE"), process.get("GOMODCACHE"));
    let r = out.login_shell().unwrap_or_else(|| panic!("no report"));
    assert!(!r.attempted);
    assert_eq!(r.bad_mode.as_deref(), Some("maybe"));
    assert!(r.error.is_none());
}

#[cfg(unix)]
#[test]
fn shells_that_are_not_absolute_existing_executables_are_refused() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let not_exec = dir.path().join("sh");
    std::fs::write(&not_exec, "#!/bin/sh\n").unwrap_or_else(|e| panic!("write: {e}"));
    let cases = [
        ("bash".to_owned(), "not an absolute path"),
        ("./bin/bash".to_owned(), "not an absolute path"),
        ("/nonexistent/bin/zsh".to_owned(), "no such file"),
        (dir.path().display().to_string(), "not a file"),
        (not_exec.display().to_string(), "not executable"),
    ];
    for (shell, why) in cases {
        let e = login_shell(&env(&[("SHELL", &shell)]));
        match e {
            Err(ResolveError::BadShell { shell: s, reason }) => {
                assert_eq!((s.as_str(), reason), (shell.as_str(), why));
            }
            other => panic!("{shell}: {other:?}"),
        }
    }
    // Unset or empty SHELL: the user database's shell, which must pass the same checks.
    match login_shell(&env(&[("SHELL", "")])) {
        Ok(p) => assert!(p.is_absolute(), "{}", p.display()),
        Err(e) => assert!(
            matches!(e, ResolveError::NoShell | ResolveError::BadShell { .. }),
            "{e:?}"
        ),
    }
}

#[test]
fn errors_have_codes_and_clear_messages() {
    let e = ResolveError::Exit {
        shell: PathBuf::from("/bin/bash"),
        status: "exit status 1".into(),
        stderr: "oops".into(),
    };
    assert_eq!(e.code(), "exit");
    assert_eq!(
        e.to_string(),
        "/bin/bash exited with exit status 1; it printed: oops"
    );
    let e = ResolveError::Timeout {
        shell: PathBuf::from("/bin/zsh"),
        timeout: Duration::from_millis(1500),
    };
    assert!(e.to_string().contains("within 1.5 s"), "{e}");
    assert_eq!(e.shell(), Some(Path::new("/bin/zsh")));
    assert_eq!(
        stderr_tail(b"a\n\nb\nc https://u:p@h/\nd\n"),
        "b / c https://***@h/ / d"
    );
}

#[test]
fn the_imported_variables_are_path_gos_own_the_tools_and_xdg_each_once() {
    assert_eq!(
        IMPORTED_VARS,
        [
            "PATH",
            "GOROOT",
            "GOENV",
            "GOPATH",
            "GOMODCACHE",
            "GOCACHE",
            "GOBIN",
            "GOFLAGS",
            "GOPROXY",
            "GOSUMDB",
            "GOPRIVATE",
            "GONOPROXY",
            "GONOSUMDB",
            "GOINSECURE",
            "GOTOOLCHAIN",
            "GOTELEMETRY",
            "GOAUTH",
            "GOPLSCACHE",
            "GOLANGCI_LINT_CACHE",
            "STATICCHECK_CACHE",
            "XDG_CACHE_HOME",
            "XDG_CONFIG_HOME",
        ]
    );
    for name in crate::env::GO_VARS.iter().chain(crate::env::TOOL_VARS) {
        assert!(IMPORTED_VARS.contains(name), "{name} not imported");
    }
}
