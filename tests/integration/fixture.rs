//! The fixture builder must produce caches Go itself accepts: real `go` runs against them.

use std::collections::BTreeSet;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run_ok;

use gocache_tests::fixture::{
    self, Fixture, FixtureError, ModuleVersion, Spec, TOOLCHAIN_MODULE, TOOLCHAIN_VERSION,
    TempFixture,
};

fn go() -> PathBuf {
    gocache_tests::go_binary().unwrap_or_else(|| panic!("these tests need a Go toolchain"))
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if std::fs::symlink_metadata(&path).unwrap().is_dir() {
            walk(&path, out);
        }
        out.push(path);
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path)
        .unwrap()
        .permissions()
        .mode()
}

#[test]
#[allow(
    clippy::print_stderr,
    reason = "reports the fixture build time in test output"
)]
fn default_fixture_is_a_genuine_go_cache() {
    let started = std::time::Instant::now();
    let fx = TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "default fixture built in {:.1} s",
        started.elapsed().as_secs_f64()
    );
    assert_eq!(fx.modules.len(), 6 * 3);
    assert!(fx.modules.iter().all(|m| !m.is_toolchain()));

    check_escaped_module_dirs(&fx);
    check_read_only_trees(&fx);
    check_download_files(&fx);
    check_filler_is_go_source(&fx);
    check_build_cache(&fx);

    let verify = run_ok(fx.go_command(["mod", "verify"]));
    assert!(verify.contains("all modules verified"), "{verify}");

    // Everything the project needs is cached: no proxy at all.
    let mut build = fx.go_command(["build", "-o", "/dev/null", "./..."]);
    build.env("GOPROXY", "off").env("GOFLAGS", "-mod=readonly");
    run_ok(build);
    let mut test = fx.go_command(["test", "./..."]);
    test.env("GOPROXY", "off");
    let out = run_ok(test);
    assert!(
        out.contains("(cached)"),
        "the fixture's go test result must be cached:\n{out}"
    );
}

fn check_escaped_module_dirs(fx: &Fixture) {
    let known = [
        (
            "github.com/Azure/Go-Autorest",
            "v1.0.0",
            "github.com/!azure/!go-!autorest@v1.0.0",
        ),
        (
            "example.com/BurntSushi/Toml",
            "v1.0.0-RC1",
            "example.com/!burnt!sushi/!toml@v1.0.0-!r!c1",
        ),
        (
            "example.com/plain/lowercase",
            "v0.3.0",
            "example.com/plain/lowercase@v0.3.0",
        ),
    ];
    for (path, version, rel) in known {
        let m = ModuleVersion {
            path: path.into(),
            version: version.into(),
        };
        assert!(
            fx.modules.contains(&m),
            "{path}@{version} missing from the summary"
        );
        assert_eq!(m.extracted_dir(&fx.gomodcache), fx.gomodcache.join(rel));
    }
    let mut dirs = BTreeSet::new();
    for m in &fx.modules {
        let esc = |s: &str| gocache_core::escape::escape(s).unwrap();
        let rel = format!("{}@{}", esc(&m.path), esc(&m.version));
        let dir = fx.gomodcache.join(&rel);
        assert!(dir.is_dir(), "{} missing", dir.display());
        assert_eq!(
            m.path.chars().any(|c| c.is_ascii_uppercase()),
            rel.contains('!'),
            "{rel}"
        );
        dirs.insert(rel);
    }
    assert_eq!(dirs.len(), fx.modules.len());
    // Nothing else was extracted: every `@` directory is one of ours.
    let mut all = Vec::new();
    walk(&fx.gomodcache, &mut all);
    let extracted: BTreeSet<String> = all
        .iter()
        .filter_map(|p| p.strip_prefix(&fx.gomodcache).ok())
        .map(|p| p.to_string_lossy().into_owned())
        .filter(|p| !p.starts_with("cache/") && p.matches('@').count() == 1)
        .filter(|p| p.rsplit('/').next().is_some_and(|last| last.contains('@')))
        .collect();
    assert_eq!(extracted, dirs);
}

fn check_read_only_trees(fx: &Fixture) {
    for m in &fx.modules {
        let dir = m.extracted_dir(&fx.gomodcache);
        let mut entries = vec![dir.clone()];
        walk(&dir, &mut entries);
        assert!(
            entries.len() > 5,
            "{}: only {} entries",
            dir.display(),
            entries.len()
        );
        for e in entries {
            assert_eq!(
                mode(&e) & 0o222,
                0,
                "{} is writable ({:o})",
                e.display(),
                mode(&e)
            );
        }
    }
}

fn check_download_files(fx: &Fixture) {
    let go_sum = std::fs::read_to_string(fx.project.join("go.sum")).unwrap();
    for m in &fx.modules {
        let ziphash = std::fs::read_to_string(m.download_file(&fx.gomodcache, "ziphash")).unwrap();
        assert!(
            ziphash.starts_with("h1:"),
            "{}@{}: {ziphash:?}",
            m.path,
            m.version
        );
        for ext in ["lock", "zip", "mod", "info"] {
            let f = m.download_file(&fx.gomodcache, ext);
            assert!(f.is_file(), "{} missing", f.display());
        }
        let info: serde_json::Value = serde_json::from_slice(
            &std::fs::read(m.download_file(&fx.gomodcache, "info")).unwrap(),
        )
        .unwrap();
        assert_eq!(info["Version"], m.version.as_str());
        let gomod = std::fs::read_to_string(m.download_file(&fx.gomodcache, "mod")).unwrap();
        assert!(
            gomod.starts_with(&format!("module {}\n", m.path)),
            "{gomod}"
        );
        let list = std::fs::read_to_string(m.download_dir(&fx.gomodcache).join("list")).unwrap();
        // Go rebuilds `list` from the `*.mod` names without unescaping them, so versions
        // that need escaping (`v1.0.0-RC1` -> `v1.0.0-!r!c1`) never appear in it.
        let listed = !m.version.chars().any(|c| c.is_ascii_uppercase());
        assert_eq!(
            list.lines().any(|l| l == m.version),
            listed,
            "{} vs {list:?}",
            m.version
        );
        // Versions the project uses are in go.sum with the same hash Go stored in .ziphash.
        let line = format!("{} {} {}", m.path, m.version, ziphash.trim());
        let required = fx.modules.iter().rfind(|o| o.path == m.path) == Some(m);
        assert_eq!(
            go_sum.lines().any(|l| l == line),
            required,
            "{line} vs go.sum:\n{go_sum}"
        );
    }
}

fn check_filler_is_go_source(fx: &Fixture) {
    let goroot = run_ok(fx.go_command(["env", "GOROOT"]));
    let src = Path::new(goroot.trim()).join("src");
    for m in &fx.modules {
        let testdata = m.extracted_dir(&fx.gomodcache).join("testdata");
        let mut files = Vec::new();
        walk(&testdata, &mut files);
        files.retain(|f| f.is_file());
        assert_eq!(
            files.len(),
            Spec::default().files_per_version,
            "{}",
            testdata.display()
        );
        for f in files {
            let rel = f.strip_prefix(&testdata).unwrap();
            assert_eq!(
                std::fs::read(&f).unwrap(),
                std::fs::read(src.join(rel)).unwrap()
            );
        }
    }
}

fn check_build_cache(fx: &Fixture) {
    let (mut actions, mut outputs) = (0, 0);
    for b in 0..=255u8 {
        let dir = fx.gocache.join(format!("{b:02x}"));
        assert!(dir.is_dir(), "{} missing", dir.display());
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            if name.ends_with("-a") {
                actions += 1;
                let bytes = std::fs::read(&path).unwrap();
                assert_eq!(bytes.len(), 175, "{}", path.display());
                assert!(bytes.starts_with(b"v1 "), "{}", path.display());
            } else if name.ends_with("-d") {
                outputs += 1;
                // Output entries are content-addressed: name = sha256(content).
                if outputs <= 20 && path.is_file() {
                    let sum = run_ok({
                        let mut c = Command::new("sha256sum");
                        c.arg(&path);
                        c
                    });
                    assert!(
                        name.starts_with(sum.split(' ').next().unwrap()),
                        "{name}: {sum}"
                    );
                }
            }
        }
    }
    assert!(
        actions > 100 && outputs > 100,
        "{actions} -a and {outputs} -d entries"
    );
}

#[test]
fn toolchain_fixture_without_build_cache_is_removed_on_drop() {
    let spec = Spec {
        modules: 2,
        versions: 1,
        files_per_version: 3,
        build_cache: false,
        toolchain: true,
    };
    let fx = TempFixture::new(&spec).unwrap_or_else(|e| panic!("{e}"));
    let root = fx.root.clone();
    let last = fx.modules.last().unwrap();
    assert_eq!(
        (last.path.as_str(), last.version.as_str()),
        (TOOLCHAIN_MODULE, TOOLCHAIN_VERSION)
    );
    assert!(last.is_toolchain());
    let tc = fx
        .gomodcache
        .join("golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64");
    assert!(tc.join("bin/go").is_file() && tc.join("VERSION").is_file());
    assert_eq!(mode(&tc) & 0o222, 0, "toolchain dir must be read-only");
    let zh = std::fs::read_to_string(last.download_file(&fx.gomodcache, "ziphash")).unwrap();
    assert!(zh.starts_with("h1:"));
    assert!(!fx.gocache.exists(), "no build cache was asked for");
    assert!(
        fx.gomodcache
            .join("github.com/!azure/!go-!autorest@v1.0.0")
            .is_dir()
    );

    let env = fx.go_env();
    let get = |k: &str| env.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(get("GOMODCACHE"), Some(fx.gomodcache.display().to_string()));
    assert_eq!(
        get("GOPROXY"),
        Some(format!("file://{}", fx.proxy.display()))
    );
    assert_eq!(get("HOME"), Some(root.join("home").display().to_string()));
    // go itself sees the fixture's locations.
    let seen = run_ok(fx.go_command(["env", "GOMODCACHE", "GOCACHE", "GOPATH"]));
    let want = format!(
        "{}\n{}\n{}\n",
        fx.gomodcache.display(),
        fx.gocache.display(),
        fx.gopath.display()
    );
    assert_eq!(seen, want);

    drop(fx);
    assert!(!root.exists(), "{} survived the drop", root.display());
}

#[test]
fn proxy_is_deterministic() {
    let goroot = run_ok({
        let mut c = Command::new(go());
        c.args(["env", "GOROOT"])
            .env("GOTOOLCHAIN", "local")
            .env("GOTELEMETRY", "off");
        c
    });
    let spec = Spec {
        modules: 4,
        versions: 2,
        files_per_version: 7,
        ..Spec::default()
    };
    let plans = fixture::plan(&spec).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    for dir in [&a, &b] {
        fixture::write_proxy(&plans, &spec, Path::new(goroot.trim()), dir).unwrap();
    }
    let (mut fa, mut fb) = (Vec::new(), Vec::new());
    walk(&a, &mut fa);
    walk(&b, &mut fb);
    fa.sort();
    fb.sort();
    assert_eq!(fa.len(), fb.len());
    // 4 modules: @v/list + 2 x (info, mod, zip)
    assert_eq!(fa.iter().filter(|p| p.is_file()).count(), 4 * (1 + 2 * 3));
    assert!(
        a.join("example.com/!burnt!sushi/!toml/@v/v1.0.0-!r!c1.zip")
            .is_file()
    );
    for (x, y) in fa.iter().zip(&fb) {
        assert_eq!(x.strip_prefix(&a).unwrap(), y.strip_prefix(&b).unwrap());
        if x.is_file() {
            assert_eq!(
                std::fs::read(x).unwrap(),
                std::fs::read(y).unwrap(),
                "{}",
                x.display()
            );
        }
    }
}

#[test]
fn build_errors_are_reported() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("occupied"), "x").unwrap();
    let err = fixture::build(&Spec::default(), tmp.path()).unwrap_err();
    assert!(matches!(err, FixtureError::NotEmpty(_)), "{err}");

    // A failing go: its stderr is in the error.
    let fake = tmp.path().join("fake-go");
    gocache_tests::write_script(&fake, "#!/bin/sh\necho 'fake go: exploded' >&2\nexit 3\n");
    let err = fixture::build_with(&fake, &Spec::default(), &tmp.path().join("dest")).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, FixtureError::Go { .. }), "{msg}");
    assert!(
        msg.contains("fake go: exploded") && msg.contains("env GOROOT"),
        "{msg}"
    );
}

#[test]
fn fixture_binary_prints_the_contract_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("out");
    let out = Command::new(env!("CARGO_BIN_EXE_gocache-fixture"))
        .args(["--out", out_dir.to_str().unwrap()])
        .args([
            "--modules",
            "3",
            "--versions",
            "2",
            "--files",
            "2",
            "--no-build-cache",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let keys: BTreeSet<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        keys,
        BTreeSet::from([
            "gomodcache",
            "gocache",
            "gopath",
            "proxy",
            "project",
            "modules"
        ])
    );
    let root = out_dir.canonicalize().unwrap();
    assert_eq!(
        json["gomodcache"],
        root.join("gopath/pkg/mod").to_str().unwrap()
    );
    let modules: Vec<ModuleVersion> = serde_json::from_value(json["modules"].clone()).unwrap();
    assert_eq!(modules.len(), 3 * 2);
    for m in &modules {
        assert!(
            m.extracted_dir(&root.join("gopath/pkg/mod")).is_dir(),
            "{m:?}"
        );
    }
    gocache_tests::remove_tree(&out_dir).unwrap();
    assert!(!out_dir.exists());
}
