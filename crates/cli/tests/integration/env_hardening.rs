//! Issue #12 §12, §15, §16 through the real `gocache-doctor` binary: credentials in Go's
//! settings and in pasted text never reach the output unless `--show-secrets` is given; a
//! variable that is not UTF-8 does not crash the CLI; `GOPLSCACHE=$HOME/.cache` never makes
//! `clean --gopls` plan to remove `$HOME/.cache`.

#[cfg(unix)]
use std::ffi::OsString;
use std::io::Write as _;
#[cfg(unix)]
use std::os::unix::ffi::OsStringExt as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_gocache-doctor");

/// The secrets planted below; none may appear in redacted output.
const SECRETS: &[&str] = &[
    "s3cr3tTOKEN",
    "proxyUSER",
    "sumPW",
    "goauthTOK",
    "fileTOK",
    "pastedTOK",
    "netrcPW",
    "bearerTOK",
];

/// A `PATH` with a real `go` on it when one is installed (so that `go env` cross-checks run
/// and echo the values back), else a plain one.
fn path_var() -> String {
    let mut dirs: Vec<String> = Vec::new();
    for d in ["/usr/lib/go-1.23/bin", "/usr/local/go/bin"] {
        if Path::new(d).join("go").exists() {
            dirs.push(d.to_owned());
        }
    }
    dirs.extend(["/usr/bin".to_owned(), "/bin".to_owned()]);
    dirs.join(":")
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

/// A home directory whose GOENV file carries a token on a line Go ignores (so discovery's
/// problem message quotes it), with GOPROXY, GOSUMDB and GOAUTH carrying credentials.
fn secret_env(home: &Path) -> Vec<(String, String)> {
    let goenv = home.join("goenv");
    std::fs::write(
        &goenv,
        "goproxy=https://x:fileTOK@file.example/\nGOFLAGS=-mod=mod\n",
    )
    .unwrap_or_else(|e| panic!("write goenv: {e}"));
    vec![
        ("HOME".into(), home.display().to_string()),
        ("PATH".into(), path_var()),
        ("GOENV".into(), goenv.display().to_string()),
        (
            "GOPROXY".into(),
            "https://proxyUSER:s3cr3tTOKEN@proxy.corp.example/,https://goproxy.io|direct".into(),
        ),
        (
            "GOSUMDB".into(),
            "sum.corp.example+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8 https://u:sumPW@sum.corp.example/".into(),
        ),
        ("GOAUTH".into(), "/usr/local/bin/corp-auth --token goauthTOK".into()),
        ("GOPRIVATE".into(), "*.corp.example".into()),
        ("LANG".into(), "C".into()),
    ]
}

fn run(env: &[(String, String)], args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("spawn {BIN}: {e}"));
    if let (Some(text), Some(mut pipe)) = (stdin, child.stdin.take()) {
        pipe.write_all(text.as_bytes())
            .unwrap_or_else(|e| panic!("stdin: {e}"));
    }
    child
        .wait_with_output()
        .unwrap_or_else(|e| panic!("wait: {e}"))
}

fn all_output(o: &Output) -> String {
    format!(
        "{}\n{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn assert_no_secret(what: &str, o: &Output) {
    let text = all_output(o);
    assert_ne!(o.status.code(), Some(101), "{what} panicked:\n{text}");
    assert_ne!(o.status.code(), Some(2), "{what} failed:\n{text}");
    for s in SECRETS {
        assert!(!text.contains(s), "{what} leaked {s}:\n{text}");
    }
}

/// Pasted output of a failing `go` command that quotes a proxy URL with credentials, the
/// GOAUTH setting, a netrc entry and an Authorization header.
const PASTED: &str = "\
$ GOAUTH='corp-auth --token pastedTOK' go mod download example.com/m@v1.0.0
go: example.com/m@v1.0.0: reading https://bob:pastedTOK@goproxy.corp.example/example.com/m/@v/v1.0.0.zip: 404 Not Found
machine goproxy.corp.example login bob password netrcPW
Authorization: Bearer bearerTOK
";

#[test]
fn secrets_never_reach_the_output_unless_asked() {
    let home = tmp();
    let env = secret_env(home.path());
    let runs: &[(&str, &[&str], Option<&str>)] = &[
        ("env", &["env"], None),
        ("env --json", &["env", "--json"], None),
        ("env --no-go", &["env", "--no-go"], None),
        ("doctor", &["doctor", "--no-disk"], None),
        ("doctor --json", &["doctor", "--no-disk", "--json"], None),
        ("diagnose", &["diagnose", "-"], Some(PASTED)),
        (
            "diagnose --json",
            &["diagnose", "--json", "-"],
            Some(PASTED),
        ),
        ("scan --json", &["scan", "--json", "--no-go"], None),
        (
            "clean --gopls --dry-run",
            &["clean", "--gopls", "--dry-run", "--no-go"],
            None,
        ),
    ];
    for (what, args, stdin) in runs {
        let o = run(&env, args, *stdin);
        assert_no_secret(what, &o);
    }
    // The redacted values are still recognisable.
    let o = run(&env, &["env", "--json"], None);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("env --json: {e}\n{}", all_output(&o)));
    assert_eq!(
        v["vars"]["GOPROXY"]["value"],
        "https://***@proxy.corp.example/,https://goproxy.io|direct"
    );
    assert_eq!(v["vars"]["GOPRIVATE"]["value"], "*.corp.example");
    let o = run(&env, &["diagnose", "-"], Some(PASTED));
    assert!(
        all_output(&o).contains("https://***@goproxy.corp.example/"),
        "{}",
        all_output(&o)
    );

    // --show-secrets shows them, in text and JSON, wherever it is placed.
    let o = run(&env, &["--show-secrets", "env"], None);
    assert!(
        all_output(&o).contains("proxyUSER:s3cr3tTOKEN@"),
        "{}",
        all_output(&o)
    );
    assert!(all_output(&o).contains("sumPW"), "{}", all_output(&o));
    let o = run(&env, &["env", "--json", "--show-secrets"], None);
    assert!(all_output(&o).contains("s3cr3tTOKEN"), "{}", all_output(&o));
    assert!(all_output(&o).contains("fileTOK"), "{}", all_output(&o));
    let o = run(&env, &["diagnose", "--show-secrets", "-"], Some(PASTED));
    assert!(all_output(&o).contains("pastedTOK"), "{}", all_output(&o));
}

#[cfg(unix)]
fn os_env(pairs: &[(&str, OsString)]) -> Vec<(OsString, OsString)> {
    pairs
        .iter()
        .map(|(k, v)| (OsString::from(k), v.clone()))
        .collect()
}

#[cfg(unix)]
fn run_os(env: &[(OsString, OsString)], args: &[&str]) -> Output {
    Command::new(BIN)
        .env_clear()
        .envs(env.iter().map(|(k, v)| (k, v)))
        .args(args)
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("spawn {BIN}: {e}"))
}

#[cfg(unix)] // non-UTF-8 bytes (Windows variables are UTF-16; unpaired surrogates differ)
#[test]
fn a_non_utf8_variable_does_not_crash_the_cli() {
    let home = tmp();
    let h = home.path();
    std::fs::create_dir_all(h.join("go/pkg/mod/cache/download"))
        .unwrap_or_else(|e| panic!("mkdir: {e}"));
    let base = vec![
        ("HOME", OsString::from(h)),
        ("PATH", OsString::from(path_var())),
        ("LANG", OsString::from("C")),
    ];
    // A variable Go Cache Doctor does not use.
    let mut pairs = base.clone();
    pairs.push(("BAD", OsString::from_vec(vec![0xff, b'x'])));
    let mut env = os_env(&pairs);
    env.push((OsString::from_vec(vec![b'N', 0xfe]), OsString::from("v")));
    for args in [
        &["env"][..],
        &["env", "--json"],
        &["doctor", "--no-disk"],
        &["scan", "--no-go"],
    ] {
        let o = run_os(&env, args);
        let text = all_output(&o);
        assert!(o.status.success(), "{args:?}: {:?}\n{text}", o.status);
        assert!(!text.contains("panicked"), "{args:?}\n{text}");
    }
    let o = run_os(&env, &["env", "--json"]);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}"));
    let problems = v["problems"].as_array().cloned().unwrap_or_default();
    let named: Vec<&str> = problems
        .iter()
        .filter(|p| p["id"] == "env-not-utf8")
        .filter_map(|p| p["var"].as_str())
        .collect();
    assert_eq!(named, ["BAD", "N\u{fffd}"]);

    // GOMODCACHE itself not UTF-8: reported as an error, and nothing is offered for cleaning
    // (the default module cache under HOME is not the one Go uses).
    let mut pairs = base;
    pairs.push((
        "GOMODCACHE",
        OsString::from_vec(b"/elsewhere/\xffmod".to_vec()),
    ));
    let env = os_env(&pairs);
    let o = run_os(&env, &["env", "--json", "--no-go"]);
    assert!(o.status.success(), "{}", all_output(&o));
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}"));
    let caches = v["caches"].as_array().cloned().unwrap_or_default();
    assert!(!caches.is_empty());
    assert!(caches.iter().all(|c| c["cleanable"] == false), "{v}");
    let o = run_os(&env, &["clean", "--modcache", "--yes", "--no-go"]);
    assert!(!all_output(&o).contains("panicked"), "{}", all_output(&o));
    assert!(
        h.join("go/pkg/mod/cache/download").is_dir(),
        "the default module cache was cleaned: {}",
        all_output(&o)
    );
}

#[test]
fn goplscache_at_the_user_cache_dir_never_plans_the_whole_dir() {
    let home = tmp();
    let h = home.path();
    let cache = h.join(".cache");
    let other: PathBuf = cache.join("mozilla/profile/data");
    std::fs::create_dir_all(&other).unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(other.join("keep"), "x").unwrap_or_else(|e| panic!("write: {e}"));
    std::fs::create_dir_all(cache.join("gopls/0a1b2c3d/ab"))
        .unwrap_or_else(|e| panic!("mkdir: {e}"));
    std::fs::write(cache.join("gopls/0a1b2c3d/ab/abc-analysis"), "x")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let env = vec![
        ("HOME".to_owned(), h.display().to_string()),
        ("PATH".to_owned(), path_var()),
        ("GOPLSCACHE".to_owned(), cache.display().to_string()),
    ];
    let o = run(
        &env,
        &["clean", "--gopls", "--dry-run", "--json", "--no-go"],
        None,
    );
    let text = all_output(&o);
    let v: serde_json::Value =
        serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("json: {e}\n{text}"));
    let paths: Vec<String> = v["plan"]["items"]
        .as_array()
        .or_else(|| v["items"].as_array())
        .cloned()
        .unwrap_or_default()
        .iter()
        .filter_map(|i| i["path"].as_str().map(str::to_owned))
        .collect();
    assert_eq!(paths, [cache.join("gopls").display().to_string()], "{text}");
    // And for real: only gopls' directory goes.
    let o = run(&env, &["clean", "--gopls", "--yes", "--no-go"], None);
    assert!(o.status.success(), "{}", all_output(&o));
    assert!(other.join("keep").is_file());
    assert!(!cache.join("gopls/0a1b2c3d").exists(), "{}", all_output(&o));
}
