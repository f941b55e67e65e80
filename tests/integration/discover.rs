//! Discovery must agree with the real `go env` under many environments.

use std::path::{Path, PathBuf};
use std::time::Duration;

use gocache_core::discover::{self, CacheKind, Options};
use gocache_core::env::{EnvMap, GO_VARS, Source};
use gocache_core::gocmd;

fn go() -> PathBuf {
    gocache_tests::go_binary().unwrap_or_else(|| panic!("these tests need a Go toolchain"))
}

fn go_dir() -> String {
    go().parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default()
}

/// The variable naming the directory Go's `os.UserConfigDir` returns (and GOENV's default
/// lives in): `%AppData%` on Windows, `$XDG_CONFIG_HOME` elsewhere.
const CONFIG_HOME: &str = if cfg!(windows) {
    "AppData"
} else {
    "XDG_CONFIG_HOME"
};
/// The same for `os.UserCacheDir` (GOCACHE's default): `%LocalAppData%` or `$XDG_CACHE_HOME`.
const CACHE_HOME: &str = if cfg!(windows) {
    "LocalAppData"
} else {
    "XDG_CACHE_HOME"
};
/// The separator of list variables such as GOPATH.
const LIST_SEP: char = if cfg!(windows) { ';' } else { ':' };

/// A clean environment: a fresh home (`HOME`; on Windows also `%USERPROFILE%` and the
/// `%LocalAppData%` and `%AppData%` folders below it, which Go reads there instead), PATH with
/// Go, and `extra` on top.
fn env_with(home: &Path, path: &str, extra: &[(&str, String)]) -> EnvMap {
    let mut env = EnvMap::from_pairs([
        ("HOME", home.display().to_string()),
        ("PATH", path.to_owned()),
        ("GOTELEMETRY", "off".to_owned()),
    ]);
    if cfg!(windows) {
        let under = |rel: &[&str]| {
            rel.iter()
                .fold(home.to_path_buf(), |p, c| p.join(c))
                .display()
                .to_string()
        };
        env.set("USERPROFILE", under(&[]));
        env.set("LocalAppData", under(&["AppData", "Local"]));
        env.set("AppData", under(&["AppData", "Roaming"]));
    }
    for (k, v) in extra {
        env.set(*k, v.clone());
    }
    env
}

/// Runs our resolution (without asking Go) and `go env -json` in the same environment, and
/// asserts they agree on every variable both know.
fn assert_matches_go(env: &EnvMap) -> discover::Report {
    let opts = Options {
        run_go: false,
        search_install_locations: false,
        ..Options::default()
    };
    let ours = discover::discover(env, &opts);
    let mut go_env = env.clone();
    go_env.set("PATH", go_dir());
    let theirs = gocmd::go_env_json(&go(), &go_env, GO_VARS, Duration::from_secs(30))
        .unwrap_or_else(|e| panic!("go env failed: {e}"));
    let mut compared = 0;
    for name in GO_VARS {
        if *name == "GOTOOLCHAIN" {
            continue; // forced to `local` for the probe
        }
        if *name == "GOROOT" && ours.go.is_none() {
            continue; // without a go binary, GOROOT is unknowable (Go derives it from itself)
        }
        let mine = ours.vars.get(*name).map(|v| v.value.clone());
        let go_says = theirs.get(*name).cloned();
        if *name == "GOBIN" && go_says.as_deref() == Some("") {
            continue;
        }
        assert_eq!(mine, go_says, "{name} differs in env {env:?}");
        compared += 1;
    }
    assert!(compared >= 11, "compared only {compared} variables");
    ours
}

fn tmp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"))
}

#[test]
fn defaults_match_go_env() {
    let t = tmp();
    let env = env_with(t.path(), &go_dir(), &[]);
    let r = assert_matches_go(&env);
    let want = t.path().join("go").join("pkg").join("mod");
    assert_eq!(r.vars["GOMODCACHE"].value, want.display().to_string());
    assert_eq!(r.vars["GOMODCACHE"].source, Source::Default);
    assert_eq!(r.vars["GOPROXY"].source, Source::GoRootEnv);
    assert!(r.go.is_some());
}

#[test]
fn os_variables_match_go_env() {
    let t = tmp();
    let p = |s: &str| t.path().join(s).display().to_string();
    let env = env_with(
        t.path(),
        &go_dir(),
        &[
            ("GOMODCACHE", p("mods")),
            ("GOCACHE", p("build")),
            ("GOFLAGS", "-modcacherw".into()),
            ("GOPRIVATE", "example.com/private".into()),
            ("GOPROXY", "off".into()),
        ],
    );
    let r = assert_matches_go(&env);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::Env);
    assert_eq!(r.vars["GONOSUMDB"].value, "example.com/private");
}

#[test]
fn goenv_file_matches_go_env() {
    let t = tmp();
    let file = t.path().join("custom-env");
    let mods = t.path().join("file-mods").display().to_string();
    std::fs::write(
        &file,
        format!("GOMODCACHE={mods}\nGOPROXY=https://goproxy.example\n# note\nGOSUMDB=off\n"),
    )
    .unwrap_or_else(|e| panic!("write: {e}"));
    let env = env_with(
        t.path(),
        &go_dir(),
        &[("GOENV", file.display().to_string())],
    );
    let r = assert_matches_go(&env);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::GoEnvFile);
    assert_eq!(r.vars["GOMODCACHE"].value, mods);

    // The default GOENV location (XDG_CONFIG_HOME/go/env, %AppData%\go\env), written by
    // `go env -w` itself.
    let t2 = tmp();
    let cfg = t2.path().join("cfg");
    let mut env = env_with(
        t2.path(),
        &go_dir(),
        &[(CONFIG_HOME, cfg.display().to_string())],
    );
    let mut go_env = env.clone();
    go_env.set("PATH", go_dir());
    let gomodcache = t2.path().join("written-by-go").display().to_string();
    let status = std::process::Command::new(go())
        .args(["env", "-w", &format!("GOMODCACHE={gomodcache}")])
        .env_clear()
        .envs(go_env.iter())
        .status()
        .unwrap_or_else(|e| panic!("go env -w: {e}"));
    assert!(status.success());
    assert!(
        cfg.join("go").join("env").is_file(),
        "go env -w wrote no file"
    );
    let r = assert_matches_go(&env);
    assert_eq!(r.vars["GOMODCACHE"].value, gomodcache);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::GoEnvFile);
    // GOENV=off ignores that file.
    env.set("GOENV", "off");
    let r = assert_matches_go(&env);
    assert_eq!(r.vars["GOMODCACHE"].source, Source::Default);
}

#[test]
fn empty_variables_gopath_list_and_gocache_off_match_go_env() {
    let t = tmp();
    let a = t.path().join("a").display().to_string();
    let b = t.path().join("b").display().to_string();
    let cases: Vec<Vec<(&str, String)>> = vec![
        vec![
            ("GOMODCACHE", String::new()),
            ("GOCACHE", String::new()),
            ("GOPATH", String::new()),
        ],
        vec![("GOPATH", format!("{a}{LIST_SEP}{b}"))],
        vec![("GOPATH", format!("{LIST_SEP}{b}"))],
        vec![("GOCACHE", "off".into())],
        vec![("GOCACHE", "relative/dir".into())],
        vec![("GOMODCACHE", "relative".into())],
        vec![(CACHE_HOME, t.path().join("xdg").display().to_string())],
    ];
    for extra in cases {
        let env = env_with(t.path(), &go_dir(), &extra);
        let r = assert_matches_go(&env);
        if extra.iter().any(|(k, v)| *k == "GOCACHE" && !v.is_empty()) {
            assert_eq!(r.vars["GOCACHE"].value, "off");
            assert!(r.cache(CacheKind::Build).is_none());
            assert!(
                r.problems
                    .iter()
                    .any(|p| p.var_name.as_deref() == Some("GOCACHE"))
            );
        }
    }
}

#[test]
fn no_go_on_path_still_resolves_like_go() {
    let t = tmp();
    let env = env_with(t.path(), "/nonexistent", &[]);
    let r = assert_matches_go(&env);
    assert!(r.go.is_none());
    assert!(r.problems.iter().any(|p| p.id == "go-not-found"));
    assert_eq!(
        r.cache(CacheKind::Modcache).map(|c| c.path.clone()),
        Some(t.path().join("go/pkg/mod"))
    );
}

#[test]
fn go_outside_path_is_found_in_install_locations() {
    // Debian's /usr/lib/go-1.* is one of the usual install locations on Linux.
    if !go().starts_with("/usr/lib") {
        return;
    }
    let t = tmp();
    let env = env_with(t.path(), "/nonexistent", &[]);
    let r = discover::discover(&env, &Options::default());
    let found = r.go.as_ref().map(|g| g.path.clone());
    assert!(
        found
            .as_ref()
            .is_some_and(|p| p.to_string_lossy().starts_with("/usr/lib/go-1.")),
        "{found:?}"
    );
    assert!(
        !r.problems.iter().any(|p| p.id.starts_with("go-env")),
        "{:?}",
        r.problems
    );
}

#[test]
fn cross_check_with_go_reports_no_mismatch_and_the_version() {
    let t = tmp();
    let env = env_with(
        t.path(),
        &go_dir(),
        &[("GOPATH", t.path().join("gp").display().to_string())],
    );
    let r = discover::discover(&env, &Options::default());
    let go = r.go.as_ref().unwrap_or_else(|| panic!("go not found"));
    assert!(
        go.version.as_deref().is_some_and(|v| v.starts_with("go1.")),
        "{go:?}"
    );
    assert!(
        !r.problems.iter().any(|p| p.id.starts_with("go-env")),
        "{:?}",
        r.problems
    );
}

#[test]
fn relative_gopath_makes_go_fail_and_is_reported() {
    let t = tmp();
    let env = env_with(t.path(), &go_dir(), &[("GOPATH", "relative".into())]);
    let r = discover::discover(&env, &Options::default());
    let ids: Vec<&str> = r.problems.iter().map(|p| p.id.as_str()).collect();
    assert!(ids.contains(&"gopath-relative"), "{ids:?}");
    assert!(ids.contains(&"go-env-failed"), "{ids:?}");
}
