//! Tests of the doctor commands: through the real IPC layer (`tauri::test::mock_builder`) with
//! real captured go output from tests/corpus, and the command bodies over explicit
//! environments pointing at real directories.

use std::path::{Path, PathBuf};

use gocache_core::env::EnvMap;
use gocache_core::i18n::Lang;
use serde_json::{Value, json};

use crate::commands::doctor::{checks_with, diagnose_with, guide_context_with};
use crate::tests::{app_with, invoke, main_window};

/// The output part of a corpus file (after its `# ---` header).
fn corpus(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/corpus/linux")
        .join(name);
    let text = std::fs::read_to_string(&path).unwrap();
    text.split_once("# ---\n")
        .map(|(_, t)| t.to_owned())
        .unwrap()
}

fn config(root: &Path, env: EnvMap) -> crate::state::Config {
    crate::state::Config {
        env: Some(env),
        audit_log: Some(root.join("data/audit.jsonl")),
        data_dir: Some(root.join("data")),
        settings_dir: Some(root.join("config")),
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    }
}

/// `root` joined with the `/`-separated `rel`, in the OS's own separators (as a user's paths).
fn under(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
}

/// A module cache, a build cache and a home under `root`, and settings `extra` on top. The
/// home is in the OS's variable for it: HOME on Unix, USERPROFILE on Windows (Go's
/// `os.UserHomeDir`).
fn env(root: &Path, extra: &[(&str, &str)]) -> EnvMap {
    let s = |p: PathBuf| p.to_string_lossy().into_owned();
    std::fs::create_dir_all(under(root, "gopath/pkg/mod/example.com/a@v1.0.0")).unwrap();
    std::fs::create_dir_all(root.join("gocache")).unwrap();
    let home_var = if cfg!(windows) { "USERPROFILE" } else { "HOME" };
    let mut env = EnvMap::from_pairs([
        (home_var, s(root.join("home"))),
        ("USER", "gopher".to_owned()),
        ("GOPATH", s(root.join("gopath"))),
        ("GOMODCACHE", s(under(root, "gopath/pkg/mod"))),
        ("GOCACHE", s(root.join("gocache"))),
        ("XDG_CACHE_HOME", s(root.join("xdg"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ]);
    for (k, v) in extra {
        env.set(*k, *v);
    }
    env
}

fn ids(findings: &[gocache_core::diagnose::Finding]) -> Vec<&str> {
    findings.iter().map(|f| f.id.as_str()).collect()
}

#[test]
fn diagnose_text_over_ipc_names_the_module_of_a_real_checksum_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(config(dir.path(), env(dir.path(), &[])));
    let window = main_window(&app);
    let text = corpus("checksum-mismatch-zip.txt");
    let d = invoke(&window, "diagnose_text", json!({"text": text, "os": null})).unwrap();
    let f = &d["findings"][0];
    assert_eq!(f["id"], "checksum-mismatch");
    assert_eq!(f["module"], "example.com/BurntSushi/Toml");
    assert_eq!(f["version"], "v1.0.0");
    // The version is not in this module cache (Go discarded the download), so cleaning it
    // cannot help (issue #15 §3): the advice is to compare go.sum with the proxy and
    // download the one version again, never to wipe the cache.
    assert_eq!(f["variant"], "go-sum-not-cached");
    let fixes = f["fixes"].as_array().unwrap();
    let texts: Vec<&str> = fixes.iter().filter_map(|x| x["text"].as_str()).collect();
    assert!(
        texts.contains(&"gocache-doctor verify --project . --compare-proxy"),
        "{fixes:?}"
    );
    assert!(
        texts.contains(&"go mod download example.com/BurntSushi/Toml@v1.0.0"),
        "{fixes:?}"
    );
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("clean -modcache") || t.starts_with("clean-version:")),
        "{fixes:?}"
    );

    // With a cached copy, removing that one version is offered: the core's
    // diagnose::sums and diagnose tests check those variants on real zips.

    // For Windows: PowerShell and cmd commands, no bash.
    let d = invoke(
        &window,
        "diagnose_text",
        json!({"text": text, "os": "windows"}),
    )
    .unwrap();
    let shells: Vec<&Value> = d["findings"][0]["fixes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["kind"] == "command")
        .map(|x| &x["shell"])
        .collect();
    assert!(shells.contains(&&json!("powershell")), "{shells:?}");
    assert!(shells.contains(&&json!("cmd")), "{shells:?}");
    assert!(!shells.contains(&&json!("bash")), "{shells:?}");

    let err = invoke(
        &window,
        "diagnose_text",
        json!({"text": text, "os": "beos"}),
    )
    .unwrap_err();
    assert_eq!(err["code"], "BadArgument");

    let d = invoke(&window, "diagnose_text", json!({"text": "hello world"})).unwrap();
    assert_eq!(d["findings"][0]["id"], "not-recognized");

    // The UI's language: the same finding, explained in Chinese; the commands are the same.
    let en = invoke(
        &window,
        "diagnose_text",
        json!({"text": text, "lang": "en"}),
    )
    .unwrap();
    let zh = invoke(
        &window,
        "diagnose_text",
        json!({"text": text, "lang": "zh-CN"}),
    )
    .unwrap();
    assert_eq!(en["findings"][0]["id"], zh["findings"][0]["id"]);
    assert_eq!(en["findings"][0]["fixes"], zh["findings"][0]["fixes"]);
    let zh_text = zh["findings"][0]["explanation"].as_str().unwrap();
    assert!(
        zh_text
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{zh_text}"
    );
    assert_ne!(
        en["findings"][0]["explanation"],
        zh["findings"][0]["explanation"]
    );
    let err = invoke(
        &window,
        "diagnose_text",
        json!({"text": text, "lang": "klingon"}),
    )
    .unwrap_err();
    assert!(err.to_string().contains("klingon"), "{err}");
}

#[test]
fn diagnose_uses_the_discovered_module_cache_in_its_commands() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(dir.path(), &[]);
    let modcache = under(dir.path(), "gopath/pkg/mod");
    let local_commands = |f: &gocache_core::diagnose::Finding| -> Vec<String> {
        f.fixes
            .iter()
            .filter(|x| x.shell.is_some())
            .map(|x| x.text.clone())
            .collect()
    };
    // Unix: the real `rm -rf` output, as if captured under this fixture's root; the fix
    // removes the discovered module cache.
    #[cfg(unix)]
    {
        let text = corpus("rm-read-only-cache.txt").replace(
            "/tmp/gocache-corpus/rm-read-only-cache",
            &dir.path().to_string_lossy(),
        );
        let d = diagnose_with(&env, &text, None, Lang::En).unwrap();
        let f = &d.findings[0];
        assert_eq!(f.id, "permission-denied");
        let commands = local_commands(f);
        assert!(
            commands
                .iter()
                .any(|c| c.contains(&*modcache.to_string_lossy())),
            "{commands:?}"
        );
    }
    // Windows has no `rm`: Go itself fails to remove a file of the discovered module cache
    // ("Access is denied": a read-only attribute, an antivirus scan). The finding names the
    // module version from the discovered cache, and the commands are PowerShell and cmd.
    #[cfg(windows)]
    {
        let file = under(&modcache, "example.com/!burnt!sushi/!toml@v1.0.0/go.mod");
        let text = format!("go: remove {}: Access is denied.\n", file.display());
        let d = diagnose_with(&env, &text, None, Lang::En).unwrap();
        let f = &d.findings[0];
        assert_eq!(f.id, "file-locked", "{f:?}");
        assert_eq!(f.module.as_deref(), Some("example.com/BurntSushi/Toml"));
        assert_eq!(f.version.as_deref(), Some("v1.0.0"));
        assert_eq!(f.path.as_deref(), Some(&*file.to_string_lossy()));
        let shells: Vec<_> = f.fixes.iter().filter_map(|x| x.shell).collect();
        assert!(!shells.is_empty(), "{f:?}");
        assert!(
            shells.iter().all(|s| matches!(
                s,
                gocache_core::diagnose::Shell::Powershell | gocache_core::diagnose::Shell::Cmd
            )),
            "{shells:?}"
        );
        assert!(
            local_commands(f)
                .iter()
                .any(|c| c.contains("go clean -modcache")),
            "{f:?}"
        );
    }
    // Another OS: no local path.
    let d = diagnose_with(
        &env,
        &corpus("checksum-mismatch-zip.txt"),
        Some("macos"),
        Lang::En,
    )
    .unwrap();
    assert!(
        d.findings[0]
            .fixes
            .iter()
            .all(|x| !x.text.contains(&*dir.path().to_string_lossy())),
        "{:?}",
        d.findings[0].fixes
    );
}

#[test]
fn checks_split_discovery_problems_from_the_doctors_own_findings() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(
        dir.path(),
        &[
            ("GOSUMDB", "off"),
            ("GOFLAGS", "-modcacherw"),
            ("GOCACHE", "off"),
        ],
    );
    let checks = checks_with(&env, Lang::En);
    let own = ids(&checks.findings);
    assert!(own.contains(&"gosumdb-off"), "{own:?}");
    assert!(own.contains(&"modcacherw"), "{own:?}");
    // GOCACHE=off is discovery's problem: it comes with the doctor's fixes, not twice.
    assert!(!own.contains(&"gocache-off"), "{own:?}");
    let off = checks
        .discovery
        .iter()
        .find(|d| d.problem == "gocache-off")
        .unwrap();
    assert_eq!(off.finding.id, "gocache-off");
    assert!(!off.finding.fixes.is_empty());
    let gosumdb = checks
        .findings
        .iter()
        .find(|f| f.id == "gosumdb-off")
        .unwrap();
    assert!(gosumdb.fixes.iter().any(|f| f.text.contains("GOSUMDB")));

    // A clean environment: no doctor finding about settings.
    let clean = checks_with(&env_clean(dir.path()), Lang::En);
    let own = ids(&clean.findings);
    for id in ["gosumdb-off", "modcacherw", "goproxy-off", "goinsecure"] {
        assert!(!own.contains(&id), "{own:?}");
    }
    assert!(clean.discovery.iter().all(|d| d.problem != "gocache-off"));
}

fn env_clean(root: &Path) -> EnvMap {
    env(root, &[])
}

#[test]
fn doctor_checks_and_guide_context_over_ipc_use_the_apps_environment() {
    let dir = tempfile::tempdir().unwrap();
    let app = app_with(config(dir.path(), env(dir.path(), &[("GOSUMDB", "off")])));
    let window = main_window(&app);
    let checks = invoke(&window, "doctor_checks", json!({})).unwrap();
    let own: Vec<&Value> = checks["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["id"])
        .collect();
    assert!(own.contains(&&json!("gosumdb-off")), "{own:?}");
    assert!(checks["discovery"].is_array());
    let ctx = invoke(&window, "guide_context", json!({})).unwrap();
    assert_eq!(ctx["os"], std::env::consts::OS);
    assert_eq!(ctx["user"], "gopher");
    assert_eq!(
        ctx["vars"]["GOMODCACHE"]["value"],
        json!(under(dir.path(), "gopath/pkg/mod"))
    );
    assert_eq!(ctx["vars"]["GOMODCACHE"]["source"], "env");
}

#[test]
fn guide_context_gives_the_real_values_and_their_sources() {
    let dir = tempfile::tempdir().unwrap();
    let env = env(dir.path(), &[("GOPROXY", "https://goproxy.example,direct")]);
    let ctx = guide_context_with(&env);
    assert_eq!(ctx.user.as_deref(), Some("gopher"));
    assert_eq!(ctx.home, Some(dir.path().join("home")));
    let proxy = &ctx.vars["GOPROXY"];
    assert_eq!(proxy.value, "https://goproxy.example,direct");
    let v = serde_json::to_value(&ctx).unwrap();
    assert_eq!(v["vars"]["GOPROXY"]["source"], "env");
    assert_eq!(v["vars"]["GOINSECURE"]["source"], "default");
    assert_eq!(
        v["caches"][0]["path"],
        json!(under(dir.path(), "gopath/pkg/mod"))
    );
}

/// Issue #12 item 6 through the IPC layer: the paste of the issue, a version with shell code
/// and a path with shell code. No fix carries the module's shell code, the invalid module is
/// shown marked and is no finding's module, and every bash fix runs as written in a sandbox of
/// recording stand-ins (`gocache_tests::shell`) with the real `touch` behind them.
#[cfg(unix)] // The recording sandbox runs bash fixes.
#[test]
fn diagnose_text_over_ipc_keeps_pasted_shell_code_out_of_the_fixes() {
    use gocache_tests::shell::{Sandbox, expected_bash_calls};

    let dir = tempfile::tempdir().unwrap();
    let app = app_with(config(dir.path(), env(dir.path(), &[])));
    let window = main_window(&app);
    let text = "go: example.com/m;touch${IFS}x@v1.0.0: reading https://goproxy.example/example.com/m;touch${IFS}x/@v/v1.0.0.zip: 404 Not Found\n\
                verifying example.com/ok@v1.0.0`touch${IFS}y`: checksum mismatch\n\
                go: unlinkat /tmp/q'$(touch z)'/go/pkg/mod/cache/lock: permission denied\n";
    let sb = Sandbox::new();
    for os in ["linux", "windows"] {
        let d = invoke(&window, "diagnose_text", json!({"text": text, "os": os})).unwrap();
        let findings = d["findings"].as_array().unwrap();
        assert_eq!(findings[0]["id"], "proxy-gone", "{d:#}");
        assert!(findings[0]["module"].is_null(), "{d:#}");
        assert!(
            findings[0]["explanation"]
                .as_str()
                .unwrap()
                .contains("not a valid module path"),
            "{d:#}"
        );
        assert_eq!(findings[1]["module"], "example.com/ok", "{d:#}");
        assert!(findings[1]["version"].is_null(), "{d:#}");
        let mut carried = false;
        for f in findings {
            for x in f["fixes"].as_array().unwrap() {
                let t = x["text"].as_str().unwrap();
                assert!(!t.contains("touch${IFS}"), "{t}");
                assert!(!t.starts_with("clean-version:example.com/ok"), "{t}");
                if x["shell"] == "bash" {
                    let want = expected_bash_calls(t).unwrap_or_else(|| panic!("{t:?}"));
                    let ran = sb.run_bash(t);
                    assert_eq!(ran.calls, want, "{t:?}");
                    // The module cache the text names (chown, or chmod and rm, as the owner
                    // on disk says) arrives as one literal argument.
                    if ran.calls.iter().any(|c| {
                        c.last().map(String::as_str) == Some("/tmp/q'$(touch z)'/go/pkg/mod")
                    }) {
                        carried = true;
                    }
                }
            }
        }
        if os == "linux" {
            assert!(carried, "{d:#}");
        }
    }
    assert!(sb.work_entries().is_empty(), "{:?}", sb.work_entries());
}
