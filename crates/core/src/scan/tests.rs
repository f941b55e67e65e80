//! Scanner tests on real temporary trees, checked against `du` run as a subprocess on Unix,
//! and on Windows (no `du`) against the documented Windows definition computed by an
//! independent walk (see [`du`]).

use std::fs;
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;
use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use super::*;
use crate::NoProgress;
use crate::discover::{Cache, CacheKind};
use crate::env::Source;
use crate::testkit::set_mtime;

/// `du <flag> path` as a number, from the real `du` binary.
#[cfg(unix)]
fn du(flag: &str, path: &Path) -> u64 {
    let out = Command::new("du").arg(flag).arg(path).output();
    let out = match out {
        Ok(o) if o.status.success() => o,
        other => panic!("du {flag} {} failed: {other:?}", path.display()),
    };
    let text = String::from_utf8_lossy(&out.stdout);
    match text.split_whitespace().next().and_then(|n| n.parse().ok()) {
        Some(n) => n,
        None => panic!("cannot parse du output {text:?}"),
    }
}

/// What `du <flag> path` means on Windows, where there is no `du` and a directory has no size
/// of its own (the module documentation, "Platform behavior"): `-sb` is the sum of the
/// apparent sizes of every entry that is not a directory, `-sB1` the same with each size
/// rounded up to a 4 KiB cluster. Computed by a walk of its own (`symlink_metadata` on each
/// path, recursion, never following a link or junction), not the scanner's.
#[cfg(windows)]
fn du(flag: &str, path: &Path) -> u64 {
    fn sum(p: &Path, cluster: bool) -> u64 {
        let md = fs::symlink_metadata(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        if md.file_type().is_dir() {
            let rd = fs::read_dir(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            rd.map(|e| sum(&e.unwrap().path(), cluster)).sum()
        } else if cluster {
            md.len().div_ceil(4096) * 4096
        } else {
            md.len()
        }
    }
    match flag {
        "-sb" => sum(path, false),
        "-sB1" => sum(path, true),
        other => panic!("no Windows meaning for du {other}"),
    }
}

fn write(path: &Path, len: usize) {
    if let Some(p) = path.parent() {
        fs::create_dir_all(p).unwrap();
    }
    fs::write(path, vec![b'x'; len]).unwrap();
}

fn cache(kind: CacheKind, path: &Path) -> Cache {
    Cache {
        kind,
        path: path.to_path_buf(),
        var: "TEST".into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    }
}

fn opts() -> Options {
    Options {
        threads: Some(2),
        ..Options::default()
    }
}

/// A tree with nested dirs, empty files, a sparse-ish mix of sizes, an empty dir.
fn plain_tree(root: &Path) {
    for d in 0..6 {
        for f in 0..7 {
            write(
                &root.join(format!("d{d}/sub{}/f{f}.txt", f % 3)),
                d * 1000 + f * 37,
            );
        }
    }
    fs::create_dir_all(root.join("empty/deeper")).unwrap();
    write(&root.join("zero"), 0);
    write(&root.join("big.bin"), 200_000);
}

#[test]
fn totals_equal_du_on_a_plain_tree() {
    let t = tempfile::tempdir().unwrap();
    plain_tree(t.path());
    let got = scan_dir(t.path(), &opts(), &CancelToken::new()).unwrap();
    assert_eq!(got.bytes, du("-sb", t.path()));
    assert_eq!(got.disk_bytes, du("-sB1", t.path()));
    assert_eq!(got.files, 6 * 7 + 2);
    // root, empty, empty/deeper, d0..d5, and 3 subs in each of them.
    assert_eq!(got.dirs, 1 + 2 + 6 + 6 * 3);
    assert!(!got.cancelled);
    assert!(got.newest_mtime.is_some());
}

#[cfg(unix)]
#[test]
fn symlinks_are_entries_never_followed() {
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("huge.bin"), 1_000_000);
    let t = tempfile::tempdir().unwrap();
    plain_tree(t.path());
    std::os::unix::fs::symlink(outside.path(), t.path().join("d0/link-to-outside")).unwrap();
    std::os::unix::fs::symlink(outside.path().join("huge.bin"), t.path().join("file-link"))
        .unwrap();
    let got = scan_dir(t.path(), &opts(), &CancelToken::new()).unwrap();
    assert_eq!(got.symlinks, 2);
    assert!(
        got.bytes < 1_000_000,
        "followed a symlink: {} bytes",
        got.bytes
    );
    assert_eq!(got.bytes, du("-sb", t.path()));
    assert_eq!(got.disk_bytes, du("-sB1", t.path()));
    // A symlink given as the root is sized itself, like `du -sb link`.
    let link = scan_dir(&t.path().join("file-link"), &opts(), &CancelToken::new()).unwrap();
    assert_eq!(link.symlinks, 1);
    assert_eq!(link.bytes, du("-sb", &t.path().join("file-link")));
}

#[cfg(unix)]
#[test]
fn hard_links_count_once() {
    let t = tempfile::tempdir().unwrap();
    write(&t.path().join("a/original"), 50_000);
    fs::create_dir_all(t.path().join("b/c")).unwrap();
    fs::hard_link(t.path().join("a/original"), t.path().join("b/link1")).unwrap();
    fs::hard_link(t.path().join("a/original"), t.path().join("b/c/link2")).unwrap();
    let got = scan_dir(t.path(), &opts(), &CancelToken::new()).unwrap();
    assert_eq!(got.files, 1);
    assert!(got.bytes < 100_000);
    assert_eq!(got.bytes, du("-sb", t.path()));
    assert_eq!(got.disk_bytes, du("-sB1", t.path()));
}

#[cfg(unix)]
#[test]
#[allow(
    clippy::print_stderr,
    reason = "tells the test runner why an assertion is skipped"
)]
fn unreadable_dir_is_counted_not_fatal() {
    use std::os::unix::fs::PermissionsExt;
    let t = tempfile::tempdir().unwrap();
    plain_tree(t.path());
    let locked = t.path().join("locked");
    write(&locked.join("secret"), 10);
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o000)).unwrap();
    let privileged = fs::read_dir(&locked).is_ok();
    let got = scan_dir(t.path(), &opts(), &CancelToken::new());
    fs::set_permissions(&locked, fs::Permissions::from_mode(0o755)).unwrap();
    let got = got.unwrap();
    if privileged {
        // Running as root (or with CAP_DAC_OVERRIDE): permission bits do not block reads, so
        // there is nothing unreadable to count. Only the non-fatal walk is checked here.
        eprintln!("running privileged: mode 000 does not block reads, unreadable count skipped");
        assert_eq!(got.unreadable, 0);
        assert_eq!(got.bytes, du("-sb", t.path()));
    } else {
        assert_eq!(got.unreadable, 1);
        assert_eq!(
            got.unreadable_paths,
            vec![locked.to_string_lossy().into_owned()]
        );
        // The directory's own size still counts (as du does), its content does not.
        assert!(got.files >= 6 * 7 + 2);
    }
}

/// Builds a small but complete module cache; returns the paths of interest.
struct ModTree {
    toml: PathBuf,
    toolchain: PathBuf,
    toml_download: u64,
    toolchain_download: u64,
}

/// `root` joined with the `/`-separated `rel` one component at a time: the path in this OS's
/// own style, as the scanner reports paths.
fn native(root: &Path, rel: &str) -> PathBuf {
    rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
}

fn mod_tree(root: &Path) -> ModTree {
    let toml = native(root, "github.com/!burnt!sushi/toml@v1.2.0");
    write(&toml.join("decode.go"), 12_345);
    write(&toml.join("internal/tz.go"), 999);
    write(&toml.join("go.mod"), 40);
    let toml_old = root.join("github.com/!burnt!sushi/toml@v1.0.0-!r!c1");
    write(&toml_old.join("decode.go"), 5_000);
    let toolchain = native(root, "golang.org/toolchain@v0.0.1-go1.21.0.linux-amd64");
    write(&toolchain.join("bin/go"), 300_000);
    write(&toolchain.join("src/fmt/print.go"), 30_000);
    write(&root.join("golang.org/x/text@v0.3.2/LICENSE"), 1_500);
    // An invalid escape: upper-case letter in a directory name.
    write(&root.join("example.com/Bad@v1.0.0/x.go"), 10);
    let dl = root.join("cache/download/github.com/!burnt!sushi/toml/@v");
    let mut toml_download = 0;
    for (ext, len) in [
        ("zip", 7000),
        ("ziphash", 47),
        ("mod", 40),
        ("info", 60),
        ("partial", 0),
        ("zip0123456.tmp", 9),
    ] {
        write(&dl.join(format!("v1.2.0.{ext}")), len);
        toml_download += len as u64;
    }
    // Go's lock file stays after a clean of the version: not one of its download files.
    write(&dl.join("v1.2.0.lock"), 3);
    write(&dl.join("v1.0.0-!r!c1.mod"), 40);
    write(&dl.join("list"), 20);
    let tdl = root.join("cache/download/golang.org/toolchain/@v");
    write(&tdl.join("v0.0.1-go1.21.0.linux-amd64.zip"), 90_000);
    write(&tdl.join("v0.0.1-go1.21.0.linux-amd64.ziphash"), 47);
    write(
        &root.join("cache/download/sumdb/sum.golang.org/lookup/x@v1"),
        600,
    );
    write(&root.join("cache/vcs/0123abcd/HEAD"), 23);
    write(&root.join("cache/vcs/0123abcd.info"), 30);
    write(&root.join("cache/lock"), 0);
    ModTree {
        toml,
        toolchain,
        toml_download,
        toolchain_download: 90_047,
    }
}

#[test]
fn module_cache_breakdown_matches_du() {
    let t = tempfile::tempdir().unwrap();
    let mt = mod_tree(t.path());
    let caches = [
        cache(CacheKind::Modcache, t.path()),
        cache(CacheKind::Toolchains, t.path()),
    ];
    let r = scan(&caches, &opts(), &NoProgress, &CancelToken::new());
    assert!(!r.cancelled);
    let mc = &r.caches[0];
    assert_eq!(mc.kind, CacheKind::Modcache);
    assert_eq!(mc.error, None);
    assert_eq!(mc.bytes, du("-sb", t.path()));
    assert_eq!(mc.disk_bytes, du("-sB1", t.path()));
    // The bad escape is reported, not fatal.
    assert_eq!(mc.unreadable, 1);
    assert_eq!(
        mc.unreadable_paths,
        [native(t.path(), "example.com/Bad@v1.0.0").to_string_lossy()]
    );

    assert_eq!(r.modules.len(), 5);
    let row = |p: &str, v: &str| {
        r.modules
            .iter()
            .find(|m| m.path == p && m.version == v)
            .unwrap_or_else(|| panic!("no row {p}@{v} in {:?}", r.modules))
    };
    let toml = row("github.com/BurntSushi/toml", "v1.2.0");
    assert_eq!(toml.bytes, du("-sb", &mt.toml));
    assert_eq!(toml.disk_bytes, du("-sB1", &mt.toml));
    assert_eq!(toml.files, 3);
    assert_eq!(toml.download_bytes, mt.toml_download);
    assert_eq!(toml.dir, mt.toml.to_string_lossy());
    assert!(!toml.toolchain);
    let rc = row("github.com/BurntSushi/toml", "v1.0.0-RC1");
    assert_eq!(rc.download_bytes, 40);
    let tc = row("golang.org/toolchain", "v0.0.1-go1.21.0.linux-amd64");
    assert!(tc.toolchain);
    assert_eq!(tc.bytes, du("-sb", &mt.toolchain));
    assert_eq!(tc.download_bytes, mt.toolchain_download);
    assert_eq!(row("golang.org/x/text", "v0.3.2").download_bytes, 0);

    let total = r
        .module_totals
        .iter()
        .find(|m| m.path == "github.com/BurntSushi/toml")
        .unwrap();
    assert_eq!(total.versions, 2);
    assert_eq!(total.bytes, toml.bytes + rc.bytes);
    assert_eq!(
        total.download_bytes,
        toml.download_bytes + rc.download_bytes
    );

    let parts = r.modcache_parts.clone().unwrap();
    let sum = parts.extracted_bytes
        + parts.download_bytes
        + parts.vcs_bytes
        + parts.sumdb_bytes
        + parts.other_bytes;
    assert_eq!(sum, mc.bytes);
    let disk = parts.extracted_disk_bytes
        + parts.download_disk_bytes
        + parts.vcs_disk_bytes
        + parts.sumdb_disk_bytes
        + parts.other_disk_bytes;
    assert_eq!(disk, mc.disk_bytes);
    let files = parts.extracted_files
        + parts.download_files
        + parts.vcs_files
        + parts.sumdb_files
        + parts.other_files;
    assert_eq!(files, mc.files);
    // Extracted is the module rows, nothing more: the module view's total.
    let rows = |f: fn(&ModuleRow) -> u64| r.modules.iter().map(f).sum::<u64>();
    assert_eq!(parts.extracted_bytes, rows(|m| m.bytes));
    assert_eq!(parts.extracted_disk_bytes, rows(|m| m.disk_bytes));
    assert_eq!(parts.extracted_files, rows(|m| m.files));
    assert_eq!(parts.vcs_files, 2);
    assert_eq!(parts.vcs_bytes, du("-sb", &t.path().join("cache/vcs")));
    assert_eq!(
        parts.sumdb_bytes,
        du("-sb", &t.path().join("cache/download/sumdb"))
    );
    assert_eq!(
        parts.download_bytes,
        du("-sb", &t.path().join("cache/download")) - parts.sumdb_bytes
    );
    // The directories holding the trees (`github.com/`, ...) and the root are "other" (with
    // `cache/` itself and `cache/lock`), so the rest of the cache is exactly the rows.
    // Windows gives directories no size, so there "other" holds no bytes here.
    if cfg!(unix) {
        assert!(parts.other_bytes > 0);
    }

    // The toolchains entry is derived from the toolchain rows, not walked again.
    let tcs = r
        .caches
        .iter()
        .find(|c| c.kind == CacheKind::Toolchains)
        .unwrap();
    assert_eq!(tcs.bytes, tc.bytes + tc.download_bytes);
    let tc_dl = t.path().join("cache/download/golang.org/toolchain/@v");
    let tc_dl_disk: u64 = ["zip", "ziphash"]
        .iter()
        .map(|e| {
            du(
                "-sB1",
                &tc_dl.join(format!("v0.0.1-go1.21.0.linux-amd64.{e}")),
            )
        })
        .sum();
    assert_eq!(tcs.disk_bytes, tc.disk_bytes + tc_dl_disk);
    assert_eq!(tcs.files, tc.files + 2);
    assert_eq!(tcs.inside, Some(CacheKind::Modcache));
    // The total counts the toolchains once, in the module cache.
    assert_eq!(
        r.total,
        Figures {
            bytes: mc.bytes,
            disk_bytes: mc.disk_bytes,
            files: mc.files
        }
    );
    assert_eq!(r.build, None);
}

#[cfg(unix)]
#[test]
fn module_rows_equal_du_with_hard_links_across_versions() {
    let t = tempfile::tempdir().unwrap();
    let a = t.path().join("example.com/m@v1.0.0");
    let b = t.path().join("example.com/m@v1.0.1");
    write(&a.join("shared.go"), 40_000);
    fs::create_dir_all(&b).unwrap();
    fs::hard_link(a.join("shared.go"), b.join("shared.go")).unwrap();
    let r = scan(
        &[cache(CacheKind::Modcache, t.path())],
        &opts(),
        &NoProgress,
        &CancelToken::new(),
    );
    assert_eq!(r.caches[0].bytes, du("-sb", t.path()));
    for (dir, version) in [(&a, "v1.0.0"), (&b, "v1.0.1")] {
        let m = r.modules.iter().find(|m| m.version == version).unwrap();
        assert_eq!(m.bytes, du("-sb", dir), "{version}");
        assert_eq!(m.disk_bytes, du("-sB1", dir), "{version}");
    }
}

#[test]
fn build_cache_entries_and_ages() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let now = SystemTime::now();
    let now_secs = now
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let hour = Duration::from_secs(3600);
    let day = Duration::from_secs(86_400);
    let hex = |i: u32| format!("{i:064x}");
    // (name, size, age): two fresh, one 1.5 days, one 3 days, one 5 days (not yet trimmable,
    // Go waits 5 days + 1 h), two older than 5 days + 1 h.
    let ages = [
        hour,
        hour * 2,
        day + day / 2,
        day * 3,
        day * 5,
        day * 5 + hour * 2,
        day * 30,
    ];
    for (i, age) in ages.iter().enumerate() {
        let kind = if i % 2 == 0 { "a" } else { "d" };
        let p = root.join(format!("{:02x}/{}-{kind}", i, hex(i as u32)));
        write(&p, if kind == "a" { 175 } else { 1000 + i });
        set_mtime(&p, now - *age);
    }
    // A `-d` directory holding an executable (go run / go tool), 6 days old.
    let exe_dir = root.join(format!("ff/{}-d", hex(99)));
    write(&exe_dir.join("tool"), 5_000);
    set_mtime(&exe_dir, now - day * 6);
    // Things that are not entries.
    fs::create_dir_all(root.join("0a")).unwrap();
    write(&root.join("README"), 100);
    write(&root.join("00/not-an-entry"), 7);
    fs::write(root.join("trim.txt"), format!("{}", now_secs - 3600)).unwrap();
    fs::write(root.join("testexpire.txt"), "1764460000123456789\n").unwrap();
    write(&root.join("fuzz/example.com/m/FuzzX/0123456789abcdef"), 64);
    write(&root.join("fuzz/example.com/m/FuzzX/fedcba9876543210"), 32);

    let o = Options {
        now: Some(now_secs),
        test_results: false,
        ..opts()
    };
    let r = scan(
        &[cache(CacheKind::Build, root)],
        &o,
        &NoProgress,
        &CancelToken::new(),
    );
    assert_eq!(r.caches[0].bytes, du("-sb", root));
    assert_eq!(r.caches[0].disk_bytes, du("-sB1", root));
    let b = r.build.clone().unwrap();
    assert_eq!(b.entries, 8);
    assert_eq!(b.action_entries, 4);
    assert_eq!(b.output_entries, 4);
    let counts: Vec<u64> = b.age_histogram.iter().map(|h| h.entries).collect();
    assert_eq!(counts, vec![2, 1, 2, 3]);
    let exe_bytes = du("-sb", &exe_dir);
    // The executable `go run` / `go tool` cached is its own part.
    assert_eq!((b.exe_entries, b.exe_bytes), (1, exe_bytes));
    assert_eq!(b.trimmable_entries, 3);
    assert_eq!(b.trimmable_bytes, 1005 + 175 + exe_bytes);
    assert_eq!(b.age_histogram[3].max_age_days, None);
    assert_eq!(b.fuzz_files, 2);
    assert_eq!(b.fuzz_bytes, du("-sb", &root.join("fuzz")));
    assert_eq!(b.last_trim, Some(now_secs - 3600));
    assert_eq!(b.testexpire, Some(1_764_460_000));
    assert_eq!(r.modcache_parts, None);
    // Test results are only looked for when asked (they are by default).
    assert!(Options::default().test_results);
    assert_eq!(
        (b.test_entries, b.test_input_entries, b.test_bytes),
        (None, None, None)
    );
    let o = Options {
        test_results: true,
        ..o
    };
    let r = scan(
        &[cache(CacheKind::Build, root)],
        &o,
        &NoProgress,
        &CancelToken::new(),
    );
    let b = r.build.unwrap();
    assert_eq!(
        (b.test_entries, b.test_input_entries, b.test_bytes),
        (Some(0), Some(0), Some(0))
    );
}

/// Test-cache `-d` files in the exact formats `go test` writes (see `saveOutput` in
/// `cmd/go/internal/test/test.go`), next to look-alikes that are not test results.
#[test]
fn test_results_are_classified_by_content() {
    let t = tempfile::tempdir().unwrap();
    let root = t.path();
    let mut n = 0u32;
    let mut put = |suffix: &str, content: &[u8]| -> PathBuf {
        n += 1;
        let p = root.join(format!("{:02x}/{n:064x}-{suffix}", n % 256));
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(&p, content).unwrap();
        p
    };
    let verbose: Vec<u8> = (0..200)
        .flat_map(|i| {
            format!("=== RUN   TestCase{i}\n--- PASS: TestCase{i} (0.00s)\n").into_bytes()
        })
        .chain(b"PASS\nok  \texample.com/m/verbose\t0.120s\n".to_vec())
        .collect();
    assert!(verbose.len() > 4096 && (verbose.len() as u64) < build::TEST_PEEK_MAX);
    let big_log: Vec<u8> = b"# test log\n"
        .iter()
        .copied()
        .chain((0..300).flat_map(|i| format!("open /src/testdata/f{i}.txt\n").into_bytes()))
        .collect();
    let mut huge = b"=== RUN   TestHuge\n".repeat(4000);
    huge.extend_from_slice(b"ok  \texample.com/m/huge\t9.000s\n");
    assert!(huge.len() as u64 > build::TEST_PEEK_MAX);
    let mut archive = b"!<arch>\n__.PKGDEF       0           0     0     644     12\n".to_vec();
    archive.extend_from_slice(&[b'z'; 600]);
    archive.extend_from_slice(b"\nok  \tlooks\tlike a result\n");

    let outputs = [
        put("d", b"ok  \texample.com/m/a\t0.010s\n"),
        put("d", b"ok  \texample.com/m/b\t(cached) [no tests to run]\n"),
        put(
            "d",
            b"PASS\nok  \texample.com/m/c\t0.003s\tcoverage: 80.0% of statements\n",
        ),
        put("d", &verbose),
    ];
    let logs = [
        put("d", b"# test log\n"),
        put("d", b"# test log\ngetenv HOME\nstat /etc/hosts\n"),
        put("d", &big_log),
    ];
    // Not test files: compiled archive, srcfiles list, failed output (never cached by Go), an
    // `ok` line without its newline, too large to peek, too small, an action file.
    for content in [
        &archive[..],
        b"./a.go\n./a_test.go\n",
        b"--- FAIL: TestX (0.00s)\nFAIL\nFAIL\texample.com/m/x\t0.010s\n",
        b"ok  \texample.com/m/a\t0.010s",
        &huge,
        b"ok  \tx\n",
        b"",
    ] {
        put("d", content);
    }
    put(
        "a",
        format!("v1 {:064x} {:064x} {:20} {:20}\n", 1, 2, 30, 0).as_bytes(),
    );
    // A second name of a test output counts once.
    #[cfg(unix)]
    {
        fs::create_dir_all(root.join("ff")).unwrap();
        fs::hard_link(&outputs[0], root.join(format!("ff/{:064x}-d", 0xfff))).unwrap();
    }

    let r = scan(
        &[cache(CacheKind::Build, root)],
        &Options {
            test_results: true,
            ..opts()
        },
        &NoProgress,
        &CancelToken::new(),
    );
    let b = r.build.unwrap();
    let size = |p: &PathBuf| fs::metadata(p).unwrap().len();
    assert_eq!(b.test_entries, Some(outputs.len() as u64));
    assert_eq!(b.test_input_entries, Some(logs.len() as u64));
    assert_eq!(
        b.test_bytes,
        Some(outputs.iter().chain(&logs).map(size).sum::<u64>())
    );
    assert_eq!(b.action_entries, 1);
    assert_eq!(r.caches[0].bytes, du("-sb", root));
}

#[test]
fn test_bytes_classifier_edges() {
    use build::{TestFile, classify_test_bytes as c};
    assert_eq!(c(b"# test log\n", None, true), Some(TestFile::InputLog));
    // Go rejects a log without the final newline.
    assert_eq!(c(b"# test log\ngetenv X", None, true), None);
    // Only the head of a long log was read: the magic decides.
    assert_eq!(
        c(b"# test log\ngetenv X", None, false),
        Some(TestFile::InputLog)
    );
    assert_eq!(c(b"ok  \tp\t1s\n", None, true), Some(TestFile::Output));
    assert_eq!(c(b"ok  \tp\n", None, true), None);
    // A long file whose tail was not read cannot be an output.
    assert_eq!(c(b"=== RUN", None, false), None);
    assert_eq!(
        c(b"=== RUN", Some(b"PASS\nok  \tp\t1s\n"), false),
        Some(TestFile::Output)
    );
    // The tail window cut the last line: not trusted.
    assert_eq!(c(b"=== RUN", Some(b"ok  \tp\t1s\n"), false), None);
}

#[test]
fn cancelling_stops_the_walk() {
    let t = tempfile::tempdir().unwrap();
    for d in 0..300 {
        for f in 0..5 {
            write(&t.path().join(format!("m{d}@v1.0.0/p/f{f}")), 10);
        }
    }
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let progress = move |e: ProgressEvent| {
        if matches!(e, ProgressEvent::ScanProgress { .. }) {
            c2.cancel();
        }
    };
    let caches = [
        cache(CacheKind::Modcache, t.path()),
        cache(CacheKind::Gopls, t.path()),
    ];
    let r = scan(&caches, &opts(), &progress, &cancel);
    assert!(r.cancelled);
    // Only the first cache was started, and it stopped after a few directories.
    assert_eq!(r.caches.len(), 1);
    assert!(
        r.caches[0].files < 300,
        "walked on after cancel: {} files",
        r.caches[0].files
    );

    let pre = CancelToken::new();
    pre.cancel();
    let d = scan_dir(t.path(), &opts(), &pre).unwrap();
    assert!(d.cancelled);
    assert_eq!(d.files, 0);
}

#[test]
fn progress_events_in_order_and_errors_per_cache() {
    let t = tempfile::tempdir().unwrap();
    plain_tree(t.path());
    let missing = t.path().join("does-not-exist");
    let events = Mutex::new(Vec::new());
    let progress = |e: ProgressEvent| events.lock().unwrap().push(e);
    let caches = [
        cache(CacheKind::Build, &missing),
        cache(CacheKind::Gopls, t.path()),
    ];
    let r = scan(&caches, &opts(), &progress, &CancelToken::new());
    assert!(
        r.caches[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("does-not-exist"))
    );
    assert_eq!(r.caches[1].error, None);
    assert_eq!(r.caches[1].bytes, du("-sb", t.path()));
    assert_eq!(r.caches[1].disk_bytes, du("-sB1", t.path()));
    let events = events.into_inner().unwrap();
    let names: Vec<&str> = events
        .iter()
        .map(|e| match e {
            ProgressEvent::ScanStarted { kind, .. } => kind.as_str(),
            ProgressEvent::ScanProgress { .. } => "progress",
            ProgressEvent::ScanFinished { kind, .. } => kind.as_str(),
        })
        .collect();
    assert_eq!(names.first(), Some(&"build"));
    assert_eq!(names.last(), Some(&"gopls"));
    assert!(names.contains(&"progress"), "{names:?}");
    match events.last() {
        Some(ProgressEvent::ScanFinished { bytes, files, .. }) => {
            assert_eq!(*bytes, r.caches[1].bytes);
            assert_eq!(*files, r.caches[1].files);
        }
        other => panic!("last event {other:?}"),
    }
    let json = serde_json::to_value(&r).unwrap();
    assert_eq!(json["caches"][1]["kind"], "gopls");
    assert!(json["modcache_parts"].is_null());
}

#[test]
fn pending_quarantine_counts_in_totals_but_not_as_modules() {
    let t = tempfile::tempdir().unwrap();
    mod_tree(t.path());
    let trash = t
        .path()
        .join(".gocache-doctor-trash/1234/example.com/m@v1.0.0");
    write(&trash.join("big.go"), 50_000);
    let r = scan(
        &[cache(CacheKind::Modcache, t.path())],
        &opts(),
        &NoProgress,
        &CancelToken::new(),
    );
    assert_eq!(r.caches[0].bytes, du("-sb", t.path()));
    assert_eq!(r.modules.len(), 5, "{:?}", r.modules);
    assert!(
        !r.modules
            .iter()
            .any(|m| m.dir.contains(".gocache-doctor-trash"))
    );
    let parts = r.modcache_parts.unwrap();
    assert!(parts.other_bytes >= du("-sb", &t.path().join(".gocache-doctor-trash")));
}

/// An extracted version `example.com/Big@v1.2.0` (escaped `!big`) with folders of known sizes.
fn version_tree(modcache: &Path) -> PathBuf {
    let v = modcache.join("example.com/!big@v1.2.0");
    write(&v.join("go.mod"), 30);
    write(&v.join("README.md"), 70);
    write(&v.join("internal/a/x.go"), 5_000);
    write(&v.join("internal/b/y.go"), 3_000);
    write(&v.join("testdata/big.bin"), 50_000);
    write(&v.join("cmd/tool/main.go"), 900);
    v
}

#[test]
fn version_folders_are_sized_like_du_largest_first() {
    let t = tempfile::tempdir().unwrap();
    let v = version_tree(t.path());
    let cancel = CancelToken::new();
    let got = version_folders(t.path(), "example.com/Big", "v1.2.0", "", &opts(), &cancel).unwrap();
    let names: Vec<&str> = got.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["testdata", "internal", "cmd", ""]);
    for e in got.entries.iter().filter(|e| e.dir) {
        assert_eq!(e.bytes, du("-sb", &v.join(&e.name)), "{}", e.name);
    }
    let loose = got.entries.last().unwrap();
    assert_eq!((loose.dir, loose.bytes, loose.files), (false, 100, 2));
    assert_eq!(got.entries[1].files, 2);
    assert_eq!(got.bytes, got.entries.iter().map(|e| e.bytes).sum::<u64>());
    assert_eq!(got.sub, "");

    // One level further down, by a `/`-separated sub-folder.
    let inner = version_folders(
        t.path(),
        "example.com/Big",
        "v1.2.0",
        "internal/",
        &opts(),
        &cancel,
    )
    .unwrap();
    assert_eq!(inner.sub, "internal");
    let names: Vec<&str> = inner.entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a", "b"]);
    assert_eq!(inner.entries[0].bytes, du("-sb", &v.join("internal/a")));
}

#[test]
fn version_folders_refuse_bad_input_and_leaving_the_version() {
    let t = tempfile::tempdir().unwrap();
    version_tree(t.path());
    write(&t.path().join("secret/file"), 10);
    let cancel = CancelToken::new();
    let call = |m: &str, v: &str, sub: &str| version_folders(t.path(), m, v, sub, &opts(), &cancel);
    // Not a module path or version Go accepts.
    for (m, v) in [
        ("../secret", "v1.2.0"),
        ("example.com/Big", "../../secret"),
        ("/etc", "v1.0.0"),
        ("example.com/Big", "1.2.0"),
    ] {
        let e = call(m, v, "").unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::BadEscape, "{m}@{v}: {e}");
    }
    // A sub-folder that climbs out, is absolute, or is a file.
    for sub in ["..", "internal/../../..", "/etc", "go.mod"] {
        let e = call("example.com/Big", "v1.2.0", sub).unwrap_err();
        assert_eq!(e.code(), crate::error::ErrorCode::BadRoot, "{sub}: {e}");
    }
    // A version that is not in the cache.
    let e = call("example.com/Big", "v9.9.9", "").unwrap_err();
    assert_eq!(e.code(), crate::error::ErrorCode::NotFound, "{e}");
    // Cancelled before it starts.
    let stop = CancelToken::new();
    stop.cancel();
    let e = version_folders(t.path(), "example.com/Big", "v1.2.0", "", &opts(), &stop).unwrap_err();
    assert_eq!(e.code(), crate::error::ErrorCode::Cancelled);
}

#[cfg(unix)]
#[test]
fn version_folders_never_follow_a_symlink() {
    let outside = tempfile::tempdir().unwrap();
    write(&outside.path().join("huge.bin"), 1_000_000);
    let t = tempfile::tempdir().unwrap();
    let v = version_tree(t.path());
    std::os::unix::fs::symlink(outside.path(), v.join("link")).unwrap();
    let cancel = CancelToken::new();
    let got = version_folders(t.path(), "example.com/Big", "v1.2.0", "", &opts(), &cancel).unwrap();
    // The link counts as a loose entry with its own size, not the 1 MB behind it.
    assert!(got.bytes < 100_000, "{}", got.bytes);
    assert!(got.entries.iter().all(|e| e.name != "link"));
    let e = version_folders(
        t.path(),
        "example.com/Big",
        "v1.2.0",
        "link",
        &opts(),
        &cancel,
    )
    .unwrap_err();
    assert_eq!(e.code(), crate::error::ErrorCode::BadRoot);
}

/// The report without what differs between two scans of the same tree.
fn content(r: &Report) -> Report {
    let mut r = r.clone();
    r.elapsed_ms = 0;
    r.index = Default::default();
    r
}

/// Incremental scans with the index in `index` equal a full scan without index (and `du`)
/// after each change; returns the incremental report.
fn incremental(root: &Path, index: &Path, what: &str) -> Report {
    let caches = [
        cache(CacheKind::Modcache, root),
        cache(CacheKind::Toolchains, root),
    ];
    let o = Options {
        index_dir: Some(index.to_path_buf()),
        ..opts()
    };
    let r = scan(&caches, &o, &NoProgress, &CancelToken::new());
    let full = scan(&caches, &opts(), &NoProgress, &CancelToken::new());
    assert_eq!(content(&r), content(&full), "{what}");
    assert_eq!(r.caches[0].bytes, du("-sb", root), "{what}");
    assert_eq!(r.caches[0].disk_bytes, du("-sB1", root), "{what}");
    r
}

#[test]
fn incremental_scans_equal_full_scans_after_changes() {
    let t = tempfile::tempdir().unwrap();
    let ix = tempfile::tempdir().unwrap();
    let root = t.path();
    mod_tree(root);
    // Hard links across two versions (counted once overall: never stored), and Go's
    // temporary extraction directory (never stored).
    let a = native(root, "example.com/h@v1.0.0");
    write(&a.join("shared.go"), 40_000);
    let b = native(root, "example.com/h@v1.0.1");
    fs::create_dir_all(&b).unwrap();
    fs::hard_link(a.join("shared.go"), b.join("shared.go")).unwrap();
    write(&native(root, "example.com/t@v1.0.0.tmp-123/x.go"), 77);
    let tdl = native(root, "cache/download/golang.org/toolchain/@v");
    write(&tdl.join("list"), 28);
    std::thread::sleep(std::time::Duration::from_millis(3_200));

    let first = incremental(root, ix.path(), "first");
    assert!(first.index.written && !first.index.loaded);
    let again = incremental(root, ix.path(), "unchanged");
    assert!(again.index.loaded, "{:?}", again.index);
    // The five plain versions come from the index.
    assert!(again.index.reused_versions >= 5, "{:?}", again.index);
    assert!(again.index.walked_versions >= 1, "{:?}", again.index);
    // toml's @v holds a download in progress (`.partial`, `.tmp`): walked every time.
    assert_eq!(
        (
            again.index.reused_download_dirs,
            again.index.walked_download_dirs
        ),
        (1, 1),
        "{:?}",
        again.index
    );

    // Go's own sequence: a new `.mod` renamed into @v (the directory changes), then `list`
    // rewritten in place (`writeDiskCache`, then `rewriteVersionList`).
    let tmp = tdl.join("v0.0.1-go1.22.0.linux-amd64.mod123456.tmp");
    fs::write(&tmp, "module golang.org/toolchain\n").unwrap();
    fs::rename(&tmp, tdl.join("v0.0.1-go1.22.0.linux-amd64.mod")).unwrap();
    fs::write(
        tdl.join("list"),
        "v0.0.1-go1.21.0.linux-amd64\nv0.0.1-go1.22.0.linux-amd64\n",
    )
    .unwrap();
    let r = incremental(root, ix.path(), "a .mod added and list rewritten");
    assert_eq!(r.index.walked_download_dirs, 2, "{:?}", r.index);
    let dl = native(root, "cache/download/github.com/!burnt!sushi/toml/@v");

    // A version removed, one added, a download file added, a version replaced.
    fs::remove_dir_all(native(root, "github.com/!burnt!sushi/toml@v1.0.0-!r!c1")).unwrap();
    write(&native(root, "golang.org/x/text@v0.3.8/LICENSE"), 1_600);
    write(&dl.join("v1.3.0.mod"), 41);
    let text = native(root, "golang.org/x/text@v0.3.2");
    let staging = native(root, "golang.org/x/text@v0.3.2.new");
    write(&staging.join("LICENSE"), 2_000);
    fs::remove_dir_all(&text).unwrap();
    fs::rename(&staging, &text).unwrap();
    let r = incremental(root, ix.path(), "versions changed");
    assert!(r.index.walked_versions >= 2, "{:?}", r.index);
    let row = r
        .modules
        .iter()
        .find(|m| m.dir == text.to_string_lossy())
        .unwrap();
    assert_eq!(row.bytes, du("-sb", &text));

    // Deep rescan: everything walked, the index rewritten.
    let full = scan(
        &[cache(CacheKind::Modcache, root)],
        &Options {
            index_dir: Some(ix.path().to_path_buf()),
            full: true,
            ..opts()
        },
        &NoProgress,
        &CancelToken::new(),
    );
    assert!(!full.index.loaded && full.index.written);
    assert_eq!(full.index.reused_versions, 0);
}

/// A build cache whose shards change between incremental scans: each incremental scan (with
/// the index) equals a full scan without it, and `du`; unchanged shards come from the index,
/// changed ones are walked; a damaged index is ignored and rewritten.
#[test]
fn incremental_build_cache_scans_equal_full_scans_after_changes() {
    if crate::os::HOST == crate::os::OsKind::Windows {
        // No build-cache index on Windows (see `scan_build`): nothing to test here.
        return;
    }
    let t = tempfile::tempdir().unwrap();
    let ix = tempfile::tempdir().unwrap();
    let root = t.path();
    let now = SystemTime::now();
    let day = Duration::from_secs(86_400);
    let hex = |i: u32| format!("{i:064x}");
    let entry =
        |shard: u32, i: u32, kind: &str| root.join(format!("{shard:02x}/{}-{kind}", hex(i)));
    for shard in 0..12u32 {
        for i in 0..5u32 {
            let p = entry(shard, shard * 10 + i, if i % 2 == 0 { "a" } else { "d" });
            write(&p, 100 + (shard * 37 + i * 11) as usize);
            set_mtime(&p, now - day * (i + shard % 7));
        }
    }
    // A cached test result and a test-inputs log (counted from the index too).
    fs::write(entry(3, 900, "d"), "ok  \texample.com/m\t0.012s\n").unwrap();
    fs::write(entry(3, 901, "d"), "# test log\ngetenv HOME\n").unwrap();
    // A `-d` directory (a cached executable): its shard is walked every time.
    write(&entry(11, 999, "d").join("tool"), 3_000);
    write(&root.join("fuzz/example.com/m/FuzzX/0123"), 64);
    write(&root.join("README"), 10);
    std::thread::sleep(Duration::from_millis(3_200));

    let caches = [cache(CacheKind::Build, root)];
    let indexed = Options {
        index_dir: Some(ix.path().to_path_buf()),
        ..opts()
    };
    let check = |what: &str| -> Report {
        let r = scan(&caches, &indexed, &NoProgress, &CancelToken::new());
        let full = scan(&caches, &opts(), &NoProgress, &CancelToken::new());
        assert_eq!(content(&r), content(&full), "{what}");
        assert_eq!(r.caches[0].bytes, du("-sb", root), "{what}");
        assert_eq!(r.caches[0].disk_bytes, du("-sB1", root), "{what}");
        r
    };
    let first = check("first");
    assert!(
        first.index.build_written && !first.index.build_loaded,
        "{:?}",
        first.index
    );
    assert_eq!(first.index.walked_build_shards, 12);
    let again = check("unchanged");
    assert!(again.index.build_loaded, "{:?}", again.index);
    assert_eq!(
        (
            again.index.reused_build_shards,
            again.index.walked_build_shards
        ),
        (11, 1),
        "{:?}",
        again.index
    );
    assert!(
        !again.index.build_written,
        "nothing changed: {:?}",
        again.index
    );
    let b = again.build.as_ref().unwrap();
    assert_eq!((b.test_entries, b.test_input_entries), (Some(1), Some(1)));

    // Go adds an entry to one shard, trims one from another, creates a new shard; a fuzz
    // input appears.
    write(&entry(2, 500, "a"), 175);
    fs::remove_file(entry(5, 51, "d")).unwrap();
    write(&entry(0x2c, 501, "d"), 4_321);
    write(&root.join("fuzz/example.com/m/FuzzX/4567"), 99);
    let r = check("entries added and removed");
    // Shards 02, 05 and 2c changed (and 0b is walked every time); 2c is too new to be stored.
    assert_eq!(
        (r.index.reused_build_shards, r.index.walked_build_shards),
        (9, 4),
        "{:?}",
        r.index
    );
    assert!(r.index.build_written);

    // `go clean -cache` empties the shards: nothing is taken from the index.
    for shard in [0u32, 1] {
        fs::remove_dir_all(root.join(format!("{shard:02x}"))).unwrap();
    }
    let r = check("shards removed");
    assert_eq!(r.index.reused_build_shards, 7, "{:?}", r.index);

    // The documented limit: Go bumps an entry's time when it uses it, which changes no
    // directory, so the incremental scan keeps the age it had; a deep rescan sees it.
    std::thread::sleep(Duration::from_millis(3_200));
    let _ = check("settled");
    let old = entry(4, 44, "a");
    set_mtime(&old, now);
    let inc = scan(&caches, &indexed, &NoProgress, &CancelToken::new());
    let deep = scan(
        &caches,
        &Options {
            full: true,
            ..indexed.clone()
        },
        &NoProgress,
        &CancelToken::new(),
    );
    let fresh = |r: &Report| r.build.as_ref().unwrap().age_histogram[0].entries;
    assert_eq!(fresh(&deep), fresh(&inc) + 1);
    assert_eq!(inc.caches[0].bytes, deep.caches[0].bytes);
    assert!(!deep.index.build_loaded && deep.index.build_written);

    // A damaged index is ignored (and said so), then rewritten.
    let file = buildindex::build_file(ix.path(), root);
    fs::write(&file, b"GCDBCIDXgarbage").unwrap();
    let r = check("damaged index");
    assert!(
        r.index.build_discarded.is_some() && r.index.build_written,
        "{:?}",
        r.index
    );
    assert!(check("after the rewrite").index.build_loaded);
}
