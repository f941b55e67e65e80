use super::annotate::{self, Level};
use super::*;

#[test]
fn github_messages_cannot_start_a_command_of_their_own() {
    let path = "/w/x\n::error::pwned%0A\r";
    let line = annotate::github_annotation(Level::Warning, path);
    assert_eq!(line, "::warning::/w/x%0A::error::pwned%250A%0D");
    assert_eq!(line.lines().count(), 1);
    assert_eq!(
        annotate::github_annotation(Level::Notice, "a\x1b[0Kb"),
        "::notice::a\\u{1b}[0Kb"
    );
}

#[test]
fn markdown_cells_escape_markup_and_line_breaks() {
    let t = annotate::markdown_table("sizes", &["path"], &[vec!["a|b\n<img>*x*".into()]]);
    assert!(t.contains("| a\\|b &lt;img&gt;\\*x\\* |"), "{t}");
    assert_eq!(t.lines().filter(|l| l.starts_with('|')).count(), 3, "{t}");
}

#[test]
fn gitlab_sections_keep_names_safe() {
    let s = annotate::gitlab_section_start("ci trim;rm -rf", "t\nx", 5);
    assert_eq!(
        s,
        "\x1b[0Ksection_start:5:citrimrm-rf[collapsed=true]\r\x1b[0Kt x"
    );
    assert_eq!(
        annotate::gitlab_section_end("a b", 6),
        "\x1b[0Ksection_end:6:ab\r\x1b[0K"
    );
}

#[test]
fn times_parse_as_unix_seconds_or_rfc3339() {
    assert_eq!(parse_time("1700000000").unwrap(), 1_700_000_000);
    assert_eq!(parse_time("1970-01-01T00:00:00Z").unwrap(), 0);
    assert_eq!(parse_time("2026-12-06T17:00:00Z").unwrap(), 1_796_576_400);
    assert_eq!(
        parse_time("2026-12-06T18:00:00.5+01:00").unwrap(),
        1_796_576_400
    );
    for t in [0, 951_782_400, 1_796_576_400, 4_107_542_399, -86_401] {
        assert_eq!(
            parse_time(&format_time(t)).unwrap(),
            t,
            "{}",
            format_time(t)
        );
    }
    assert_eq!(format_time(1_796_576_400), "2026-12-06T17:00:00Z");
    assert_eq!(format_time(951_782_400), "2000-02-29T00:00:00Z");
    for bad in [
        "",
        "yesterday",
        "2026-13-01T00:00:00Z",
        "2026-12-06T17:00:00",
        "2026-12-06",
    ] {
        assert!(parse_time(bad).is_err(), "{bad}");
    }
}

#[test]
fn the_marker_round_trips_and_bad_markers_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sub").join(MARKER_FILE);
    let now = 1_800_000_000;
    assert!(read_marker(&path, now).unwrap().is_none());
    write_marker(&path, now - 60).unwrap();
    assert_eq!(read_marker(&path, now).unwrap().unwrap().started, now - 60);
    // Written again over the old one.
    write_marker(&path, now - 30).unwrap();
    assert_eq!(read_marker(&path, now).unwrap().unwrap().started, now - 30);
    for (body, why) in [
        ("{\"version\":1,\"started\":1900000000}", "future"),
        ("{\"version\":1,\"started\":1}", "week"),
        ("{\"version\":2,\"started\":1800000000}", "version"),
        (
            "{\"version\":1,\"started\":1800000000,\"x\":1}",
            "not a marker",
        ),
        ("garbage", "not a marker"),
    ] {
        std::fs::write(&path, body).unwrap();
        let e = read_marker(&path, now).unwrap_err().to_string();
        assert!(e.contains(why), "{body}: {e}");
    }
    std::fs::write(&path, vec![b' '; 5000]).unwrap();
    assert!(
        read_marker(&path, now)
            .unwrap_err()
            .to_string()
            .contains("too large")
    );
}

#[cfg(unix)]
#[test]
fn a_symlinked_marker_is_refused_and_replaced_not_written_through() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::write(&victim, "keep").unwrap();
    let path = dir.path().join(MARKER_FILE);
    std::os::unix::fs::symlink(&victim, &path).unwrap();
    let e = read_marker(&path, 1_800_000_000).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    write_marker(&path, 1_800_000_000).unwrap();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
    assert!(std::fs::symlink_metadata(&path).unwrap().is_file());
}

#[cfg(unix)]
#[test]
fn make_writable_stays_inside_the_root_and_skips_links() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mod");
    let outside = dir.path().join("outside");
    std::fs::create_dir_all(root.join("a/b")).unwrap();
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::write(root.join("a/b/f"), "x").unwrap();
    std::os::unix::fs::symlink(&outside, root.join("a/link")).unwrap();
    let ro = std::fs::Permissions::from_mode(0o555);
    for d in [root.join("a/b"), root.join("a"), outside.clone()] {
        std::fs::set_permissions(&d, ro.clone()).unwrap();
    }
    std::fs::set_permissions(root.join("a/b/f"), std::fs::Permissions::from_mode(0o444)).unwrap();
    let w = unix::make_writable(&root, &CancelToken::new());
    assert_eq!(w.failed, 0, "{w:?}");
    assert_eq!(w.changed, 2, "{w:?}");
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&root.join("a")), 0o755);
    assert_eq!(mode(&root.join("a/b")), 0o755);
    assert_eq!(mode(&root.join("a/b/f")), 0o444, "files untouched");
    assert_eq!(mode(&outside), 0o555, "the link's target untouched");
    std::fs::set_permissions(&outside, std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(unix)]
#[test]
fn make_writable_drops_set_group_id_and_sticky_and_keeps_group_and_other_read() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mod");
    std::fs::create_dir_all(root.join("g/s")).unwrap();
    let set = |p: &Path, m: u32| {
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    };
    let mode = |p: &Path| std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o7777;
    set(&root.join("g/s"), 0o1555);
    set(&root.join("g"), 0o2555);
    assert_eq!(mode(&root.join("g")), 0o2555, "set-group-id really set");
    assert_eq!(mode(&root.join("g/s")), 0o1555, "sticky really set");
    let w = unix::make_writable(&root, &CancelToken::new());
    assert_eq!((w.failed, w.changed), (0, 2), "{w:?}");
    assert_eq!(mode(&root.join("g")), 0o755);
    assert_eq!(mode(&root.join("g/s")), 0o755);
}

#[test]
fn stray_caches_are_recognised_by_layout() {
    let dir = tempfile::tempdir().unwrap();
    let w = dir.path();
    std::fs::create_dir_all(w.join(".go/pkg/mod/example.com")).unwrap();
    std::fs::create_dir_all(w.join("deep/x/cache/download")).unwrap();
    std::fs::create_dir_all(w.join("b/gocache/0a")).unwrap();
    std::fs::write(w.join("b/gocache/trim.txt"), "1").unwrap();
    std::fs::create_dir_all(w.join("tmp/go-build123/b001")).unwrap();
    std::fs::create_dir_all(w.join("src/00")).unwrap(); // hex dir alone is not a cache
    let mut found: Vec<(String, StrayKind)> = find_stray(w, &CancelToken::new())
        .unwrap()
        .into_iter()
        .map(|s| {
            let rel = s
                .path
                .strip_prefix(w)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, s.kind)
        })
        .collect();
    found.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        found,
        vec![
            (".go/pkg/mod".to_owned(), StrayKind::ModuleCache),
            ("b/gocache".to_owned(), StrayKind::BuildCache),
            ("deep/x".to_owned(), StrayKind::ModuleCache),
            ("tmp/go-build123".to_owned(), StrayKind::GoBuildDir),
        ]
    );
    assert!(find_stray(&w.join("nope"), &CancelToken::new()).is_err());
}

#[cfg(unix)]
#[test]
fn prepare_does_not_follow_a_symlinked_module_cache() {
    use std::os::unix::fs::PermissionsExt as _;
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("real");
    std::fs::create_dir_all(target.join("m@v1")).unwrap();
    std::fs::create_dir_all(target.join("cache/download")).unwrap();
    std::fs::set_permissions(target.join("m@v1"), std::fs::Permissions::from_mode(0o555)).unwrap();
    let link = dir.path().join("gopath/pkg/mod");
    std::fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let mut env = EnvMap::default();
    env.set("GOMODCACHE", link.display().to_string());
    env.set("GOPATH", dir.path().join("gopath").display().to_string());
    env.set("HOME", dir.path().join("home").display().to_string());
    let report = crate::discover::discover(
        &env,
        &crate::discover::Options {
            run_go: false,
            ..crate::discover::Options::default()
        },
    );
    let r = prepare(
        &report,
        &PrepareOptions {
            marker: Some(dir.path().join("data").join(MARKER_FILE)),
            ..PrepareOptions::default()
        },
        &CancelToken::new(),
    )
    .unwrap();
    assert!(r.failed(), "{r:?}");
    assert!(
        r.writable.as_ref().unwrap().failures[0].contains("symlink"),
        "{r:?}"
    );
    let mode = std::fs::metadata(target.join("m@v1"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o555, "the target is untouched");
    std::fs::set_permissions(target.join("m@v1"), std::fs::Permissions::from_mode(0o755)).unwrap();
}

#[cfg(windows)]
#[test]
fn make_writable_clears_the_read_only_attribute_of_files() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("mod");
    std::fs::create_dir_all(root.join("m@v1/sub")).unwrap();
    let f = root.join("m@v1/sub/x.go");
    std::fs::write(&f, "package x\n").unwrap();
    let mut p = std::fs::metadata(&f).unwrap().permissions();
    p.set_readonly(true);
    std::fs::set_permissions(&f, p).unwrap();
    assert!(std::fs::metadata(&f).unwrap().permissions().readonly());
    let w = windows::make_writable(&root, &CancelToken::new());
    assert_eq!((w.changed, w.failed), (1, 0), "{w:?}");
    assert!(!std::fs::metadata(&f).unwrap().permissions().readonly());
    std::fs::write(&f, "package y\n").unwrap();
}
