//! `gocache_core::projects` against real projects built with the real Go toolchain: the used
//! set matches `go list -m all`, "unused" selects exactly the versions no project needs, and
//! after deleting those every project still builds with `GOPROXY=off` (issue #3 §9).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run_ok;

use gocache_core::discover::{Cache, CacheKind};
use gocache_core::env::{EnvMap, Source};
use gocache_core::projects::{
    self, Need, Options, Selection, UsedSet, Via, parse_modules_txt, used_versions,
};
use gocache_core::scan::{self, ModuleRow};
use gocache_core::{CancelToken, NoProgress};
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

type Mv = (String, String);

/// A go command with the fixture's environment, running in `dir`.
fn go_in(fx: &Fixture, dir: &Path, args: &[&str]) -> Command {
    let mut c = fx.go_command(args);
    c.current_dir(dir);
    c
}

fn opts(fx: &Fixture) -> Options {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let bin = fx.go.parent().map(Path::to_path_buf).unwrap_or_default();
    env.set("PATH", format!("{}:/usr/bin:/bin", bin.display()));
    Options {
        go: Some(fx.go.clone()),
        env,
        ..Options::default()
    }
}

fn used(fx: &Fixture) -> UsedSet {
    let u = used_versions(
        std::slice::from_ref(&fx.root),
        &opts(fx),
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("used_versions: {e}"));
    assert!(u.warnings.is_empty(), "{:?}", u.warnings);
    assert!(
        u.projects.iter().all(|p| p.go_list_ok == Some(true)),
        "{:?}",
        u.projects
    );
    u
}

/// The used versions that are in the fixture's module cache.
fn used_in_cache(u: &UsedSet, fx: &Fixture) -> BTreeSet<Mv> {
    let all: BTreeSet<Mv> = fx.modules.iter().map(mv).collect();
    u.iter()
        .map(|(p, v, _)| (p.to_owned(), v.to_owned()))
        .filter(|k| all.contains(k))
        .collect()
}

fn mv(m: &ModuleVersion) -> Mv {
    (m.path.clone(), m.version.clone())
}

/// `go list -m all` in `dir`, without the main module(s).
fn go_list_all(fx: &Fixture, dir: &Path, gowork_off: bool) -> BTreeSet<Mv> {
    let mut c = go_in(fx, dir, &["list", "-m", "all"]);
    if gowork_off {
        c.env("GOWORK", "off");
    } else {
        c.env("GOFLAGS", "-mod=readonly");
    }
    run_ok(c)
        .lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            Some((f.next()?.to_owned(), f.next()?.to_owned()))
        })
        .collect()
}

fn rows(fx: &Fixture) -> Vec<ModuleRow> {
    let cache = Cache {
        kind: CacheKind::Modcache,
        path: fx.gomodcache.clone(),
        var: "GOMODCACHE".into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    };
    let r = scan::scan(
        &[cache],
        &scan::Options::default(),
        &NoProgress,
        &CancelToken::new(),
    );
    assert_eq!(r.caches[0].error, None);
    r.modules
}

fn names(s: &Selection) -> BTreeSet<Mv> {
    s.versions
        .iter()
        .map(|v| (v.path.clone(), v.version.clone()))
        .collect()
}

/// A module requiring `m` (an older version), importing its package, with go.sum from
/// `go get`.
fn write_project(fx: &Fixture, name: &str, m: &ModuleVersion) -> PathBuf {
    let dir = fx.root.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("go.mod"),
        format!("module example.com/{name}\n\ngo 1.18\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("main.go"),
        format!(
            "package main\n\nimport m \"{}\"\n\nfunc main() {{ println(m.Name() + \"@\" + m.Version()) }}\n",
            m.path
        ),
    )
    .unwrap();
    run_ok(go_in(
        fx,
        &dir,
        &["get", &format!("{}@{}", m.path, m.version)],
    ));
    let gomod = std::fs::read_to_string(dir.join("go.mod")).unwrap();
    assert!(
        gomod.contains(&format!("{} {}", m.path, m.version)),
        "{gomod}"
    );
    dir
}

/// Deletes a version's extracted tree and download files by hand, as the clean engine will.
fn delete_version(fx: &Fixture, v: &projects::ModuleVersionRef) {
    let m = ModuleVersion {
        path: v.path.clone(),
        version: v.version.clone(),
    };
    let dir = m.extracted_dir(&fx.gomodcache);
    assert!(dir.is_dir(), "{}", dir.display());
    gocache_tests::remove_tree(&dir).unwrap(); // chmod u+w on every dir, then remove
    let exts: &[&str] = if v.keep_mod_files {
        &["zip", "ziphash", "lock"]
    } else {
        &["zip", "ziphash", "mod", "info", "lock", "partial"]
    };
    for ext in exts {
        let f = m.download_file(&fx.gomodcache, ext);
        match std::fs::remove_file(&f) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => panic!("{}: {e}", f.display()),
        }
    }
}

#[test]
fn unused_versions_across_projects_workspace_and_vendor() {
    let fx = TempFixture::new(&Spec::default()).unwrap_or_else(|e| panic!("{e}"));
    let newest: BTreeSet<Mv> = fx
        .modules
        .chunks(3)
        .map(|c| mv(c.last().unwrap()))
        .collect();
    let older: BTreeSet<Mv> = fx
        .modules
        .chunks(3)
        .flat_map(|c| c[..2].iter().map(mv))
        .collect();
    assert_eq!(newest.len(), 6);

    // 1. One project (the fixture's root also holds GOMODCACHE, full of go.mod files).
    let u = used(&fx);
    assert_eq!(u.projects.len(), 1, "{:?}", u.projects);
    assert_eq!(u.projects[0].dir, fx.project);
    assert_eq!(go_list_all(&fx, &fx.project, true), newest);
    assert_eq!(used_in_cache(&u, &fx), newest);
    for (p, v) in &newest {
        let usage = u.get(p, v).unwrap();
        assert_eq!(usage.need, Need::Full);
        let vias: BTreeSet<Via> = usage.sources.iter().map(|s| s.via).collect();
        assert_eq!(
            vias,
            BTreeSet::from([Via::GoMod, Via::GoSum, Via::GoList]),
            "{p}@{v}"
        );
    }
    let r = rows(&fx);
    assert_eq!(r.len(), 18);
    let sel = projects::unused(&r, &u);
    assert_eq!(names(&sel), older);
    let expected_bytes: u64 = r
        .iter()
        .filter(|row| older.contains(&(row.path.clone(), row.version.clone())))
        .map(|row| row.bytes + row.download_bytes)
        .sum();
    assert_eq!(sel.bytes, expected_bytes);
    assert!(sel.bytes > 0);
    assert!(projects::go_mod_only(&r, &u).is_empty());

    // 2. A second project requiring an older version makes it used.
    let old_a = fx.modules[0].clone();
    let second = write_project(&fx, "second", &old_a);
    // 3. A vendored project requiring another older version.
    let old_b = fx.modules[9].clone();
    let vendored = write_project(&fx, "vendored", &old_b);
    run_ok(go_in(&fx, &vendored, &["mod", "vendor"]));
    let txt = std::fs::read_to_string(vendored.join("vendor/modules.txt")).unwrap();
    let vm = parse_modules_txt(&txt).unwrap();
    assert_eq!(vm.len(), 1, "{txt}");
    assert_eq!(
        (vm[0].path.as_str(), vm[0].version.as_deref()),
        (old_b.path.as_str(), Some(old_b.version.as_str()))
    );
    assert!(vm[0].explicit);
    assert_eq!(vm[0].packages, std::slice::from_ref(&old_b.path));

    let u = used(&fx);
    assert_eq!(u.projects.len(), 3, "{:?}", u.projects);
    let mut expect_used = newest.clone();
    expect_used.insert(mv(&old_a));
    expect_used.insert(mv(&old_b));
    assert_eq!(used_in_cache(&u, &fx), expect_used);
    assert_eq!(
        go_list_all(&fx, &second, true),
        BTreeSet::from([mv(&old_a)])
    );
    let b = u.get(&old_b.path, &old_b.version).unwrap();
    assert!(
        b.sources
            .iter()
            .any(|s| s.via == Via::Vendor && s.project == vendored),
        "{b:?}"
    );

    // 4. A go.work at the root joining the three.
    run_ok(go_in(
        &fx,
        &fx.root,
        &["work", "init", "./project", "./second", "./vendored"],
    ));
    let u = used(&fx);
    assert_eq!(u.projects.len(), 4, "{:?}", u.projects);
    let ws = u.projects.iter().find(|p| p.workspace).unwrap();
    assert_eq!(ws.dir, fx.root);
    // The workspace's build list is the newest version of everything (MVS).
    let ws_list = go_list_all(&fx, &fx.project, false);
    assert_eq!(ws_list, newest);
    for (p, v) in &ws_list {
        assert!(
            u.get(p, v)
                .unwrap()
                .sources
                .iter()
                .any(|s| s.via == Via::GoList && s.project == fx.root),
            "{p}@{v}"
        );
    }
    assert_eq!(used_in_cache(&u, &fx), expect_used);

    // 5. The acceptance test: remove what is unused, every project still builds offline.
    let r = rows(&fx);
    let sel = projects::unused(&r, &u);
    let expect_unused: BTreeSet<Mv> = older
        .iter()
        .filter(|k| !expect_used.contains(*k))
        .cloned()
        .collect();
    assert_eq!(names(&sel), expect_unused);
    assert_eq!(sel.len(), 10);
    let trees = projects::go_mod_only(&r, &u);
    for v in sel.versions.iter().chain(&trees.versions) {
        delete_version(&fx, v);
    }
    let after = rows(&fx);
    let left: BTreeSet<Mv> = after
        .iter()
        .map(|r| (r.path.clone(), r.version.clone()))
        .collect();
    assert_eq!(left, expect_used);

    for dir in [&fx.project, &second, &vendored] {
        for gowork in ["off", ""] {
            let mut c = go_in(&fx, dir, &["build", "-o", "/dev/null", "./..."]);
            c.env("GOPROXY", "off").env("GOWORK", gowork);
            if gowork.is_empty() {
                c.env("GOFLAGS", "-mod=readonly");
            }
            run_ok(c);
        }
        let mut verify = go_in(&fx, dir, &["mod", "verify"]);
        verify.env("GOPROXY", "off").env("GOWORK", "off");
        assert!(run_ok(verify).contains("all modules verified"));
    }
    let mut c = go_in(&fx, &vendored, &["build", "-o", "/dev/null", "./..."]);
    c.env("GOPROXY", "off")
        .env("GOWORK", "off")
        .env("GOFLAGS", "-mod=vendor");
    run_ok(c);
    // The removed versions really are gone for Go: asking for one offline fails.
    let (p, v) = expect_unused.iter().next().unwrap();
    let out = go_in(&fx, &second, &["mod", "download", &format!("{p}@{v}")])
        .env("GOPROXY", "off")
        .env("GOWORK", "off")
        .output()
        .unwrap();
    assert!(!out.status.success(), "{p}@{v} still downloadable offline");
}

#[test]
fn used_versions_never_writes_the_project() {
    let fx = TempFixture::new(&Spec {
        modules: 2,
        versions: 2,
        files_per_version: 1,
        build_cache: false,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("{e}"));
    // go.sum is missing: `go list -mod=mod` would write one, but only into its copy.
    std::fs::remove_file(fx.project.join("go.sum")).ok();
    let before = std::fs::read(fx.project.join("go.mod")).unwrap();
    let u = used_versions(
        std::slice::from_ref(&fx.project),
        &opts(&fx),
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(fx.project.join("go.mod")).unwrap(), before);
    assert!(!fx.project.join("go.sum").exists());
    let newest: BTreeSet<Mv> = fx.modules.chunks(2).map(|c| mv(&c[1])).collect();
    assert_eq!(used_in_cache(&u, &fx), newest);
    assert!(
        u.warnings.is_empty() && u.projects[0].go_list_ok == Some(true),
        "{u:?}"
    );
}
