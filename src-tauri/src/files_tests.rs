//! `reveal_path` over the real IPC layer: the page's path is checked against the caches the
//! backend discovers, and the attacks (outside, `..`, a symlink inside a cache) are refused
//! before the file manager is asked anything.

use std::path::{Path, PathBuf};

use gocache_core::env::EnvMap;
use serde_json::{Value, json};

use crate::tests::{app_with, invoke, main_window};

/// A module cache and a build cache in `root`, and the app's configuration over them.
fn config(root: &Path) -> (crate::state::Config, PathBuf) {
    let modcache = root.join("gopath").join("pkg").join("mod");
    std::fs::create_dir_all(modcache.join("example.com").join("a@v1.0.0")).unwrap();
    std::fs::write(modcache.join("example.com/a@v1.0.0/a.go"), "package a\n").unwrap();
    std::fs::create_dir_all(root.join("gocache")).unwrap();
    std::fs::create_dir_all(root.join("private")).unwrap();
    std::fs::write(root.join("private").join("id_ed25519"), "secret").unwrap();
    let s = |p: &Path| p.to_string_lossy().into_owned();
    let env = EnvMap::from_pairs([
        ("HOME", s(root)),
        ("GOPATH", s(&root.join("gopath"))),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&root.join("gocache"))),
        ("XDG_CACHE_HOME", s(&root.join("xdg"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ]);
    let config = crate::state::Config {
        env: Some(env),
        audit_log: None,
        data_dir: None,
        settings_dir: Some(root.join("config")),
        undo_window: std::time::Duration::ZERO,
        elevator: gocache_core::clean::elevate::Elevator::Direct,
        exe: None,
        lock_timeout: std::time::Duration::from_secs(5),
        revealer: crate::state::Revealer::recording(),
    };
    (config, modcache)
}

fn code(reply: Result<Value, Value>) -> String {
    reply.unwrap_err()["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[test]
fn reveal_path_refuses_paths_outside_the_discovered_caches() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let (config, modcache) = config(&root);
    let revealer = config.revealer.clone();
    let app = app_with(config);
    let w = main_window(&app);
    let reveal = |p: &Path| invoke(&w, "reveal_path", json!({ "path": p }));

    let outside = root.join("private").join("id_ed25519");
    assert_eq!(code(reveal(&outside)), "BadArgument");
    let dotdot = modcache.join("..").join("..").join("..").join("private");
    assert_eq!(code(reveal(&dotdot)), "BadArgument");
    assert_eq!(code(reveal(Path::new("private"))), "BadArgument");
    assert_eq!(
        code(reveal(&modcache.join("example.com/gone@v1.0.0"))),
        "NotFound"
    );

    // Inside the cache, the check passes and the file manager is asked to show the real path
    // (recorded, not started, in the app's unit tests).
    for p in [modcache.clone(), modcache.join("example.com/a@v1.0.0")] {
        reveal(&p).unwrap_or_else(|e| panic!("{p:?}: {e}"));
        let shown = revealer.recorded();
        let real = std::fs::canonicalize(&p).unwrap();
        assert!(shown.contains(&real), "{real:?} not in {shown:?}");
    }
}

#[cfg(unix)]
#[test]
fn reveal_path_does_not_follow_a_symlink_out_of_a_cache() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::fs::canonicalize(dir.path()).unwrap();
    let (config, modcache) = config(&root);
    std::os::unix::fs::symlink(
        root.join("private"),
        modcache.join("example.com/evil@v1.0.0"),
    )
    .unwrap();
    let app = app_with(config);
    let w = main_window(&app);
    let via = modcache.join("example.com/evil@v1.0.0/id_ed25519");
    let reply = invoke(&w, "reveal_path", json!({ "path": via }));
    let e = reply.unwrap_err();
    assert_eq!(e["code"], "BadArgument", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("symbolic link"),
        "{e}"
    );
}

#[test]
fn write_export_writes_the_rows_and_reveal_export_knows_only_its_own_file() {
    use gocache_core::export::{ExportRow, Format};
    let dir = tempfile::tempdir().unwrap();
    let rows = vec![ExportRow {
        module: "example.com/=1+1".to_owned(),
        version: "@v1.0.0".to_owned(),
        files: 1,
        bytes: 2,
        disk_bytes: 4096,
        download_bytes: 3,
        newest_mtime: None,
        toolchain: false,
        verify: None,
    }];
    let csv = dir.path().join("out.csv");
    crate::commands::files::write_export(&csv, &rows, Format::Csv, None).unwrap();
    let text = std::fs::read_to_string(&csv).unwrap();
    assert!(
        text.ends_with("example.com/=1+1,'@v1.0.0,1,2,4096,3,,false,\r\n"),
        "{text}"
    );
    let json = dir.path().join("out.json");
    crate::commands::files::write_export(&json, &rows, Format::Json, Some("=1")).unwrap();
    let doc: gocache_core::export::Document =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(doc.versions, rows);
    assert_eq!(doc.filter.as_deref(), Some("=1"));
    // A directory that does not exist: an I/O error with the path, not a panic.
    let e = crate::commands::files::write_export(
        &dir.path().join("missing").join("x.csv"),
        &rows,
        Format::Csv,
        None,
    )
    .unwrap_err();
    assert_eq!(e.code, gocache_core::ErrorCode::NotFound, "{e}");

    // Before any export there is nothing to show (the page cannot name a file).
    let (config, _) = config(&std::fs::canonicalize(dir.path()).unwrap());
    let app = app_with(config);
    let e = invoke(&main_window(&app), "reveal_export", json!({})).unwrap_err();
    assert_eq!(e["code"], "NotFound", "{e}");
}
