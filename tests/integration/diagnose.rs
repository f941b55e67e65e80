//! Doctor (`gocache_core::diagnose`) against REAL failures: every file of tests/corpus/ (outputs
//! of go commands made to fail on this machine by tests/corpus/capture.sh, plus Windows/macOS
//! and quoted messages with their sources) is classified as its `.expect.json` sidecar says; a
//! few cases are captured again live so the corpus cannot drift from what Go prints; the
//! environment checks run against real environments, real owners and real file modes.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use gocache_core::diagnose::{self, Context, EnvChecks, Finding, FixKind, IDS, Shell};
use gocache_core::discover::{self, Severity};
use gocache_core::env::EnvMap;
use gocache_core::os::OsKind;
use gocache_tests::fixture::{Spec, TempFixture};
use serde_json::Value;

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus")
}

/// A corpus file: its header fields and the captured text.
struct Case {
    name: String,
    header: Vec<(String, String)>,
    text: String,
}

impl Case {
    fn read(path: &Path) -> Case {
        let raw = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
        let (head, text) = raw
            .split_once("# ---\n")
            .unwrap_or_else(|| panic!("{path:?}: no '# ---' header end"));
        let header = head
            .lines()
            .filter_map(|l| l.strip_prefix("# ")?.split_once(": "))
            .map(|(k, v)| (k.to_owned(), v.to_owned()))
            .collect();
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        Case {
            name,
            header,
            text: text.to_owned(),
        }
    }

    fn get(&self, k: &str) -> Option<&str> {
        self.header
            .iter()
            .find(|(hk, _)| hk == k)
            .map(|(_, v)| v.as_str())
    }
}

/// The context a stored case is classified with: its OS, the fixture's module cache for the
/// captured ones, and no disk inspection (the captured paths are gone).
fn context_for(dir: &str, case: &Case) -> Context {
    let os = match dir {
        "windows" => OsKind::Windows,
        "macos" => OsKind::Macos,
        _ => OsKind::Linux,
    };
    let mut ctx = Context::for_os(os);
    if let Some(root) = case.get("root") {
        ctx.gomodcache = Some(format!("{root}/gopath/pkg/mod"));
    }
    ctx
}

fn check_case(dir: &str, case: &Case, expect_path: &Path, ctx: &Context) -> Vec<String> {
    let expect: Value = serde_json::from_str(
        &std::fs::read_to_string(expect_path).unwrap_or_else(|e| panic!("{expect_path:?}: {e}")),
    )
    .unwrap_or_else(|e| panic!("{expect_path:?}: {e}"));
    let want = expect["findings"].as_array().cloned().unwrap_or_default();
    let got = diagnose::diagnose(&case.text, ctx).findings;
    let mut errs = Vec::new();
    let label = format!("{dir}/{}", case.name);
    if got.len() != want.len() {
        errs.push(format!(
            "{label}: {} findings, expected {}: {:?}",
            got.len(),
            want.len(),
            got.iter().map(|f| &f.id).collect::<Vec<_>>()
        ));
        return errs;
    }
    let root = case.get("root").unwrap_or_default();
    for (g, w) in got.iter().zip(&want) {
        let field = |name: &str, v: &Option<String>| {
            let wv = &w[name];
            let ok = match (wv.as_str(), v) {
                (Some("*"), Some(_)) => true,
                (Some(s), Some(v)) => s.replace("{root}", root) == *v,
                (None, None) => wv.is_null(),
                _ => false,
            };
            (!ok).then(|| format!("{label}: {} {name} = {v:?}, expected {wv}", g.id))
        };
        if w["id"].as_str() != Some(g.id.as_str()) {
            errs.push(format!("{label}: id {} expected {}", g.id, w["id"]));
            continue;
        }
        errs.extend(field("variant", &g.variant));
        errs.extend(field("module", &g.module));
        errs.extend(field("version", &g.version));
        errs.extend(field("path", &g.path));
        errs.extend(finding_is_well_formed(&label, g, ctx));
    }
    errs
}

/// Every finding explains itself, errors come with fixes, commands are for the context's
/// shells only, and a named module version gets the one-click clean where it applies.
fn finding_is_well_formed(label: &str, f: &Finding, ctx: &Context) -> Vec<String> {
    let mut errs = Vec::new();
    if f.explanation.len() < 40 || f.explanation.contains('{') && !f.explanation.contains("${") {
        errs.push(format!(
            "{label}: {} bad explanation {:?}",
            f.id, f.explanation
        ));
    }
    if f.severity == Severity::Error && f.fixes.is_empty() {
        errs.push(format!("{label}: {} has no fix", f.id));
    }
    for x in &f.fixes {
        match x.kind {
            FixKind::Command => {
                if !x.shell.is_some_and(|s| ctx.shells.contains(&s)) {
                    errs.push(format!("{label}: {} fix for shell {:?}", f.id, x.shell));
                }
            }
            FixKind::Action => {
                if diagnose::Action::parse(&x.text).is_none() {
                    errs.push(format!("{label}: {} bad action {:?}", f.id, x.text));
                }
            }
        }
    }
    if let (Some(m), Some(v), "checksum-mismatch" | "dir-modified") =
        (&f.module, &f.version, f.id.as_str())
    {
        let want = format!("clean-version:{m}@{v}");
        if !f.fixes.iter().any(|x| x.text == want) {
            errs.push(format!("{label}: {} lacks {want}", f.id));
        }
    }
    errs
}

fn corpus_cases(dir: &str) -> Vec<(Case, PathBuf)> {
    let d = corpus_dir().join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
        .unwrap_or_else(|e| panic!("{d:?}: {e}"))
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let expect = p.with_extension("expect.json");
            (Case::read(&p), expect)
        })
        .collect()
}

#[test]
fn every_corpus_file_is_classified_as_its_sidecar_says() {
    let mut errs = Vec::new();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut counted = 0;
    for dir in ["linux", "windows", "macos", "quoted"] {
        for (case, expect) in corpus_cases(dir) {
            let ctx = context_for(dir, &case);
            errs.extend(check_case(dir, &case, &expect, &ctx));
            if dir != "linux" {
                assert!(
                    case.get("source").is_some_and(|s| s.len() > 10),
                    "{dir}/{}: no source cited",
                    case.name
                );
            } else {
                assert!(case.get("command").is_some() && case.get("captured").is_some());
            }
            for f in diagnose::diagnose(&case.text, &ctx).findings {
                seen.insert(f.id);
            }
            counted += 1;
        }
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
    assert!(counted >= 35, "only {counted} corpus cases");
    // Every id of pasted output has at least one real case.
    for id in IDS.iter().take_while(|i| **i != "gosumdb-off") {
        assert!(seen.contains(*id), "no corpus case for {id}");
    }
}

/// Captures some cases again with the real Go toolchain, in a fresh root, and checks them
/// against the stored sidecars: what Go prints today must still be diagnosed the same way.
#[test]
fn live_capture_matches_the_corpus() {
    let out = tempfile::tempdir().unwrap();
    let roots = tempfile::tempdir().unwrap();
    let mut cases = vec![
        "checksum-mismatch-zip",
        "missing-go-sum-entry",
        "proxy-closed-port",
        "goproxy-off",
        "gocache-off",
        "gomodcache-relative",
        "dir-modified",
        "vendor-inconsistent",
        "toolchain-missing",
    ];
    if gocache_tests::root::require_root("for the cases of another owner, setpriv and a tmpfs") {
        // chown, setpriv as nobody and a tmpfs need root.
        cases.extend([
            "rm-read-only-cache",
            "tar-restore-read-only",
            "go-clean-other-owner",
            "disk-full",
        ]);
    }
    let go = gocache_tests::go_binary().expect("no Go toolchain");
    let status = Command::new(corpus_dir().join("capture.sh"))
        .args(["--out", &out.path().display().to_string()])
        .args(["--root", &roots.path().join("r").display().to_string()])
        .args(["--only", &cases.join(",")])
        .env("FIXTURE_BIN", env!("CARGO_BIN_EXE_gocache-fixture"))
        .env("GO", &go)
        .status()
        .unwrap();
    assert!(status.success(), "capture.sh failed");
    let mut errs = Vec::new();
    for name in &cases {
        let fresh = Case::read(&out.path().join(format!("{name}.txt")));
        assert_ne!(
            fresh.get("exit"),
            Some("0"),
            "{name}: the command did not fail"
        );
        let expect = corpus_dir()
            .join("linux")
            .join(format!("{name}.expect.json"));
        errs.extend(check_case(
            "live",
            &fresh,
            &expect,
            &context_for("linux", &fresh),
        ));
    }
    assert!(errs.is_empty(), "{}", errs.join("\n"));
}

/// With the disk inspected, the real owner of the path decides between a read-only cache
/// (ours: Go's 0555 directories) and a cache owned by another user.
#[test]
fn permission_cause_follows_the_real_owner() {
    let tmp = tempfile::tempdir().unwrap();
    let modcache = tmp.path().join("gopath/pkg/mod");
    let dir = modcache.join("example.com/m@v1.0.0");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("f.go"), "package m\n").unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let mut ctx = Context::for_os(OsKind::Linux);
    ctx.gomodcache = Some(modcache.display().to_string());
    ctx.inspect_disk = true;
    // Go's message while downloading into a directory it cannot write.
    let text = format!("go: open {}/f.go: permission denied\n", dir.display());
    let f = diagnose::diagnose(&text, &ctx).findings.remove(0);
    assert_eq!(f.id, "permission-denied");
    assert_eq!(
        f.variant.as_deref(),
        Some("read-only-cache"),
        "our own tree"
    );
    assert_eq!(f.module.as_deref(), Some("example.com/m"));
    if gocache_tests::root::require_root("to give the cache to another user (nobody)") {
        let st = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(tmp.path().join("gopath"))
            .status()
            .unwrap();
        assert!(st.success());
        let f = diagnose::diagnose(&text, &ctx).findings.remove(0);
        assert_eq!(f.variant.as_deref(), Some("other-owner"));
        let chown = format!("sudo chown -R \"$(id -un)\" '{}'", modcache.display());
        assert!(
            f.fixes
                .iter()
                .any(|x| x.text == chown && x.shell == Some(Shell::Bash)),
            "{:#?}",
            f.fixes
        );
        assert!(f.fixes.iter().any(|x| x.text == "fix-ownership"));
    }
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}

fn env_of(fx: &gocache_tests::fixture::Fixture, extra: &[(&str, &str)]) -> EnvMap {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let go_dir = fx.go.parent().unwrap().display().to_string();
    env.set("PATH", format!("{go_dir}:/usr/bin:/bin"));
    for (k, v) in extra {
        env.set(*k, *v);
    }
    env
}

fn ids(f: &[Finding]) -> BTreeSet<&str> {
    f.iter().map(|f| f.id.as_str()).collect()
}

fn find<'a>(f: &'a [Finding], id: &str) -> &'a Finding {
    f.iter()
        .find(|f| f.id == id)
        .unwrap_or_else(|| panic!("no {id} in {:?}", ids(f)))
}

#[test]
fn environment_checks_on_real_environments() {
    let fx = TempFixture::new(&Spec {
        modules: 2,
        versions: 1,
        files_per_version: 1,
        build_cache: false,
        toolchain: false,
    })
    .unwrap();
    let opts = EnvChecks {
        private: vec!["git.corp.example/team".into()],
        ..EnvChecks::default()
    };

    // A clean fixture (GOSUMDB=off is part of it).
    let report = discover::discover(&env_of(&fx, &[]), &discover::Options::default());
    let clean = diagnose::check_env(&report, &EnvChecks::default());
    // GOENV=off is part of the fixture too (an info from discovery).
    assert_eq!(
        ids(&clean),
        BTreeSet::from(["gosumdb-off", "goenv-off"]),
        "{clean:#?}"
    );

    // Risky settings.
    let env = env_of(
        &fx,
        &[
            ("GOPRIVATE", "com,github.com/acme"),
            ("GOFLAGS", "-mod=mod -modcacherw"),
            ("GOINSECURE", "insecure.example"),
            ("GOPROXY", "direct"),
        ],
    );
    let report = discover::discover(&env, &discover::Options::default());
    let found = diagnose::check_env(&report, &opts);
    for id in [
        "gosumdb-off",
        "goprivate-too-broad",
        "goprivate-missing",
        "modcacherw",
        "goinsecure",
        "goproxy-direct",
    ] {
        find(&found, id);
    }
    let broad = find(&found, "goprivate-too-broad");
    assert!(broad.explanation.contains("com"));
    assert!(
        broad
            .fixes
            .iter()
            .any(|f| f.text == "go env -w GOPRIVATE=github.com/acme")
    );
    let missing = find(&found, "goprivate-missing");
    assert!(
        missing
            .fixes
            .iter()
            .any(|f| f.text == "go env -w GOPRIVATE=com,github.com/acme,git.corp.example")
    );
    assert!(
        find(&found, "modcacherw")
            .fixes
            .iter()
            .any(|f| f.text == "go env -w GOFLAGS=-mod=mod")
    );
    // A value with a space is quoted as one word for the shell (it was `GOFLAGS="..."` in
    // every shell before the values were quoted per shell, issue #12).
    let env2 = env_of(&fx, &[("GOFLAGS", "-mod=mod -trimpath -modcacherw")]);
    let found2 = diagnose::check_env(
        &discover::discover(&env2, &discover::Options::default()),
        &opts,
    );
    assert!(
        find(&found2, "modcacherw")
            .fixes
            .iter()
            .any(|f| f.text == "go env -w 'GOFLAGS=-mod=mod -trimpath'"),
        "{:#?}",
        find(&found2, "modcacherw").fixes
    );

    // Broken settings come from discovery, with the doctor's fixes.
    let report = discover::discover(
        &env_of(&fx, &[("GOCACHE", "off"), ("GOMODCACHE", "rel/mod")]),
        &discover::Options::default(),
    );
    let found = diagnose::check_env(&report, &EnvChecks::default());
    let off = find(&found, "gocache-off");
    assert_eq!(off.variant.as_deref(), Some("off"));
    assert!(off.fixes.iter().any(|f| f.text == "go env -u GOCACHE"));
    let rel = find(&found, "gomodcache-not-absolute");
    assert_eq!(rel.path.as_deref(), Some("rel/mod"));
    assert_eq!(found.first().map(|f| f.severity), Some(Severity::Error));

    // A module file left writable (Go extracts 0444), found by sampling the real cache.
    let m = fx.regular_modules().next().unwrap().clone();
    let file = m.extracted_dir(&fx.gomodcache).join("go.mod");
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let report = discover::discover(&env_of(&fx, &[]), &discover::Options::default());
    let found = diagnose::check_env(&report, &EnvChecks::default());
    assert_eq!(
        find(&found, "modcache-writable").path.as_deref(),
        Some(file.display().to_string().as_str())
    );
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();

    // The go in use inside the module cache (a toolchain wrapper on PATH).
    let tc = fx
        .gomodcache
        .join("golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64/bin");
    std::fs::create_dir_all(&tc).unwrap();
    gocache_tests::write_script(
        &tc.join("go"),
        &format!("#!/bin/sh\nexec {} \"$@\"\n", fx.go.display()),
    );
    let mut env = env_of(&fx, &[]);
    env.set("PATH", format!("{}:/usr/bin:/bin", tc.display()));
    let report = discover::discover(&env, &discover::Options::default());
    let found = diagnose::check_env(&report, &EnvChecks::default());
    assert_eq!(
        find(&found, "toolchain-in-modcache").path.as_deref(),
        Some(tc.join("go").display().to_string().as_str())
    );

    // Real ownership: the cache given to another user (as `sudo go mod download` leaves it).
    if gocache_tests::root::require_root("to give the module cache to another user (nobody)") {
        let st = Command::new("chown")
            .args(["-R", "nobody"])
            .arg(&fx.gomodcache)
            .status()
            .unwrap();
        assert!(st.success());
        let report = discover::discover(&env_of(&fx, &[]), &discover::Options::default());
        let found = diagnose::check_env(&report, &EnvChecks::default());
        let other = find(&found, "modcache-other-owner");
        assert_eq!(other.severity, Severity::Error);
        assert!(
            other.explanation.contains("nobody"),
            "{}",
            other.explanation
        );
        assert!(other.fixes.iter().any(|f| f.text == "fix-ownership"));
        let st = Command::new("chown")
            .args(["-R", "root"])
            .arg(&fx.gomodcache)
            .status()
            .unwrap();
        assert!(st.success());
    }
}

/// The filesystem lookup reads the real /proc/self/mountinfo.
#[test]
fn filesystem_of_a_real_path() {
    let tmp = tempfile::tempdir().unwrap();
    let info = diagnose::fs::fs_of(&tmp.path().join("not/yet/created")).expect("a mount");
    assert!(!info.fstype.is_empty());
    assert!(tmp.path().starts_with(&info.mount_point));
    let root = diagnose::fs::fs_of(Path::new("/")).expect("root mount");
    assert_eq!(root.mount_point, "/");
}
