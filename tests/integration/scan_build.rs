//! The build cache's test-result part (`test_entries`, `test_input_entries`, `test_bytes`)
//! against real `go build` / `go test` runs: the expected numbers come from Go itself
//! (`GODEBUG=gocachetest=1` prints every test-cache key it saves; its `-a` file names the
//! `-d` output).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use gocache_core::discover::{Cache, CacheKind};
use gocache_core::env::Source;
use gocache_core::scan::{BuildReport, Options, scan};
use gocache_core::{CancelToken, NoProgress};
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

/// Scans `gocache` as a build cache and returns its build report (its size checked against
/// `du -sb`, or the sum of file sizes on Windows: [`gocache_tests::du_bytes`]).
fn scan_build(gocache: &Path) -> BuildReport {
    let cache = Cache {
        kind: CacheKind::Build,
        path: gocache.to_path_buf(),
        var: "GOCACHE".into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    };
    let opts = Options {
        threads: Some(2),
        test_results: true,
        ..Options::default()
    };
    let r = scan(&[cache], &opts, &NoProgress, &CancelToken::new());
    assert_eq!(r.caches[0].error, None);
    assert_eq!(r.caches[0].bytes, gocache_tests::du_bytes(gocache));
    r.build
        .unwrap_or_else(|| panic!("no build report for {}", gocache.display()))
}

/// (test_entries, test_input_entries, test_bytes), all present since the scan asked for them.
fn tests_of(b: &BuildReport) -> (u64, u64, u64) {
    match (b.test_entries, b.test_input_entries, b.test_bytes) {
        (Some(e), Some(i), Some(by)) => (e, i, by),
        other => panic!("test results not measured: {other:?}"),
    }
}

/// A `go` command for `fx`'s toolchain and environment, run in `dir` with GOCACHE `gocache`.
fn go(fx: &Fixture, gocache: &Path, dir: &Path, args: &[&str]) -> String {
    let mut cmd = fx.go_command(args);
    cmd.current_dir(dir)
        .env("GOCACHE", gocache)
        .env("GODEBUG", "gocachetest=1");
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{cmd:?} failed:\n{text}");
    text
}

/// A module with two tested packages (`a` reads an environment variable and logs 700 bytes
/// under `-v`, `b` reads another variable) and one package without tests. No imports outside
/// the tests, so `go build` needs nothing but these three packages.
fn write_project(dir: &Path) {
    let files = [
        ("go.mod", "module example.com/scanbuild\n\ngo 1.18\n"),
        ("a/a.go", "package a\n\nfunc A() int { return 1 }\n"),
        (
            "a/a_test.go",
            "package a\n\nimport (\n\t\"os\"\n\t\"strings\"\n\t\"testing\"\n)\n\n\
             func TestA(t *testing.T) {\n\t_ = os.Getenv(\"GCD_SCAN_BUILD_A\")\n\
             \tt.Log(strings.Repeat(\"x\", 700))\n\tif A() != 1 {\n\t\tt.Fatal(A())\n\t}\n}\n",
        ),
        ("b/b.go", "package b\n\nfunc B() int { return 2 }\n"),
        (
            "b/b_test.go",
            "package b\n\nimport (\n\t\"os\"\n\t\"testing\"\n)\n\n\
             func TestB(t *testing.T) {\n\t_ = os.Getenv(\"GCD_SCAN_BUILD_B\")\n\
             \tif B() != 2 {\n\t\tt.Fatal(B())\n\t}\n}\n",
        ),
        ("c/c.go", "package c\n\nfunc C() int { return 3 }\n"),
    ];
    for (name, text) in files {
        let p = dir.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, text).unwrap();
    }
}

/// The `-d` file an action ID's `-a` file points at (`v1 <action> <output> <size> <time>`).
fn output_of(gocache: &Path, action: &str) -> PathBuf {
    let a = gocache.join(&action[..2]).join(format!("{action}-a"));
    let text = std::fs::read_to_string(&a).unwrap_or_else(|e| panic!("{}: {e}", a.display()));
    let out = text.split_whitespace().nth(2).unwrap().to_owned();
    gocache.join(&out[..2]).join(format!("{out}-d"))
}

/// What `go test` saved according to its `testcache: <pkg>: save test ID <log key> => input
/// ID <inputs> => <output key>` lines: (packages, test-log `-d` files, test-output `-d`
/// files).
fn saved(gocache: &Path, log: &str) -> (BTreeSet<String>, BTreeSet<PathBuf>, BTreeSet<PathBuf>) {
    let (mut pkgs, mut logs, mut outputs) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for line in log.lines() {
        let Some(rest) = line.strip_prefix("testcache: ") else {
            continue;
        };
        let Some((pkg, rest)) = rest.split_once(": save test ID ") else {
            continue;
        };
        let parts: Vec<&str> = rest.split(" => ").collect();
        let [log_key, _inputs, out_key] = parts[..] else {
            panic!("unexpected line {line:?}");
        };
        pkgs.insert(pkg.to_owned());
        logs.insert(output_of(gocache, log_key.trim_start_matches("input ID ")));
        outputs.insert(output_of(gocache, out_key));
    }
    (pkgs, logs, outputs)
}

fn size(paths: &BTreeSet<PathBuf>) -> u64 {
    paths
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum()
}

#[test]
fn test_results_in_a_real_build_cache() {
    let fx = TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("{e}"));
    let work = tempfile::tempdir().unwrap();
    let project = work.path().join("project");
    write_project(&project);

    // The fixture ran `go test ./...` in its project: at least that result is cached.
    let base = scan_build(&fx.gocache);
    assert!(tests_of(&base).0 >= 1, "{base:?}");
    assert!(tests_of(&base).1 >= 1, "{base:?}");
    assert!(
        tests_of(&base).2 > 0 && tests_of(&base).2 < base.bytes,
        "{base:?}"
    );
    assert!(tests_of(&base).0 + tests_of(&base).1 <= base.output_entries);

    // A fresh GOCACHE holding only `go build` output: real entries, no test results.
    let fresh = work.path().join("fresh-gocache");
    go(&fx, &fresh, &project, &["build", "./..."]);
    let built = scan_build(&fresh);
    assert!(built.output_entries >= 3, "{built:?}");
    assert_eq!(
        (tests_of(&built).0, tests_of(&built).1, tests_of(&built).2),
        (0, 0, 0),
        "{built:?}"
    );

    // `go test` of the two tested packages (in the fixture's GOCACHE, where the standard
    // library is already compiled): two new results and two new (distinct) input logs.
    let log = go(&fx, &fx.gocache, &project, &["test", "./..."]);
    let (pkgs, logs, outputs) = saved(&fx.gocache, &log);
    let want: BTreeSet<String> = ["example.com/scanbuild/a", "example.com/scanbuild/b"]
        .map(String::from)
        .into();
    assert_eq!(pkgs, want, "{log}");
    assert_eq!((logs.len(), outputs.len()), (2, 2), "{log}");
    let tested = scan_build(&fx.gocache);
    assert_eq!(tests_of(&tested).0, tests_of(&base).0 + 2, "{tested:?}");
    assert_eq!(tests_of(&tested).1, tests_of(&base).1 + 2);
    assert_eq!(
        tests_of(&tested).2,
        tests_of(&base).2 + size(&logs) + size(&outputs)
    );

    // Replayed from the cache, or not cacheable (`-count=1`): nothing new is stored.
    let again = go(&fx, &fx.gocache, &project, &["test", "./..."]);
    assert!(again.contains("(cached)"), "{again}");
    let uncached = go(&fx, &fx.gocache, &project, &["test", "-count=1", "./..."]);
    assert!(!uncached.contains("(cached)"), "{uncached}");
    for (what, r) in [
        ("cached", scan_build(&fx.gocache)),
        ("-count=1", scan_build(&fx.gocache)),
    ] {
        assert_eq!(
            (tests_of(&r).0, tests_of(&r).1, tests_of(&r).2),
            (
                tests_of(&tested).0,
                tests_of(&tested).1,
                tests_of(&tested).2
            ),
            "after {what}"
        );
    }

    // `-v` is cacheable and changes the test ID: two new outputs, `a`'s over 512 bytes (read
    // from its end); the input logs have the same content as before, so none is new.
    let verbose = go(&fx, &fx.gocache, &project, &["test", "-v", "./..."]);
    let (_, vlogs, voutputs) = saved(&fx.gocache, &verbose);
    assert_eq!(voutputs.len(), 2, "{verbose}");
    assert!(vlogs.is_subset(&logs), "{verbose}");
    assert!(
        voutputs
            .iter()
            .any(|p| std::fs::metadata(p).unwrap().len() > 512),
        "{voutputs:?}"
    );
    let v = scan_build(&fx.gocache);
    assert_eq!(tests_of(&v).0, tests_of(&tested).0 + 2, "{v:?}");
    assert_eq!(tests_of(&v).1, tests_of(&tested).1);
    assert_eq!(tests_of(&v).2, tests_of(&tested).2 + size(&voutputs));

    // `go clean -testcache` deletes nothing: it only writes testexpire.txt, and the stale
    // results stay on disk until the 5-day trim.
    go(&fx, &fx.gocache, &project, &["clean", "-testcache"]);
    let expired = scan_build(&fx.gocache);
    assert!(expired.testexpire.is_some(), "{expired:?}");
    assert_eq!(
        (tests_of(&expired).0, tests_of(&expired).2),
        (tests_of(&v).0, tests_of(&v).2)
    );

    // `go clean -cache` removes every entry, test results included.
    go(&fx, &fx.gocache, &project, &["clean", "-cache"]);
    let cleaned = scan_build(&fx.gocache);
    assert_eq!(
        (cleaned.entries, tests_of(&cleaned).0, tests_of(&cleaned).1),
        (0, 0, 0)
    );
}
