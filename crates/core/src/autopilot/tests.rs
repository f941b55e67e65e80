//! The pure rules of a run: decisions and the free-disk floor.

use std::path::PathBuf;

use super::*;
use crate::projects::{Need, Source, Via};

fn row(path: &str, version: &str, bytes: u64) -> ModuleRow {
    ModuleRow {
        path: path.into(),
        version: version.into(),
        dir: String::new(),
        bytes,
        disk_bytes: bytes,
        files: 1,
        download_bytes: 0,
        newest_mtime: Some(0),
        toolchain: path == projects::TOOLCHAIN_MODULE,
        gos_own: projects::is_gos_own(path).then_some(true),
    }
}

fn used(versions: &[(&str, &str)]) -> UsedSet {
    let mut u = UsedSet::default();
    u.projects.push(projects::ProjectInfo {
        dir: PathBuf::from("/p"),
        workspace: false,
        module: Some("example.com/p".into()),
        go_list_ok: None,
    });
    for (p, v) in versions {
        u.insert(
            p,
            v,
            Need::Full,
            Source {
                project: PathBuf::from("/p"),
                via: Via::GoMod,
            },
        );
    }
    u
}

const DAY: i64 = 86_400;
const NOW: i64 = 1_800_000_000;

/// Last uses by version: v1.0.0 oldest ... each `days` ago as given.
fn ages(days: &'static [(&'static str, &'static str, i64)]) -> impl Fn(&ModuleRow) -> LastUse {
    move |r: &ModuleRow| {
        let d = days
            .iter()
            .find(|(p, v, _)| *p == r.path && *v == r.version)
            .map(|(_, _, d)| *d)
            .unwrap_or(0);
        LastUse {
            time: Some(NOW - d * DAY),
            source: LastUseSource::Atime,
        }
    }
}

fn removed(ds: &[Decision]) -> Vec<String> {
    ds.iter()
        .filter(|d| d.remove)
        .map(|d| format!("{}@{} {:?}", d.path, d.version, d.reason))
        .collect()
}

const LAST: &[(&str, &str, i64)] = &[
    ("a", "v1.0.0", 30),
    ("a", "v1.1.0", 10),
    ("a", "v1.2.0", 1),
    ("b", "v0.1.0", 20),
    ("b", "v0.2.0", 200),
];

fn rows() -> Vec<ModuleRow> {
    vec![
        row("a", "v1.0.0", 100),
        row("a", "v1.1.0", 100),
        row("a", "v1.2.0", 100),
        row("b", "v0.1.0", 100),
        row("b", "v0.2.0", 100),
    ]
}

#[test]
fn a_budget_removes_unused_versions_least_recently_used_first_until_it_fits() {
    let rows = rows();
    let u = used(&[("a", "v1.2.0")]);
    let policy = AutoPolicy {
        unused_days: None,
        ..AutoPolicy::default()
    };
    let st = |budget| ModcacheState {
        rows: &rows,
        used: Some(&u),
        bytes: 500,
        budget: Some(budget),
        now: NOW,
    };
    let d = decide(st(300), &policy, &ages(LAST));
    assert_eq!(
        removed(&d),
        ["b@v0.2.0 OverBudget", "a@v1.0.0 OverBudget"],
        "{d:#?}"
    );
    // In use: never, whatever the budget.
    let d = decide(st(0), &policy, &ages(LAST));
    assert_eq!(removed(&d).len(), 4);
    let inuse = d.iter().find(|d| d.version == "v1.2.0").unwrap();
    assert_eq!(
        (inuse.remove, inuse.reason, inuse.source),
        (false, Reason::InUse, LastUseSource::InUse)
    );
    // Within budget: nothing.
    assert!(removed(&decide(st(500), &policy, &ages(LAST))).is_empty());
}

#[test]
fn unused_days_and_keep_latest() {
    let rows = rows();
    let u = used(&[]);
    let st = ModcacheState {
        rows: &rows,
        used: Some(&u),
        bytes: 500,
        budget: None,
        now: NOW,
    };
    let p = AutoPolicy {
        unused_days: Some(15),
        ..AutoPolicy::default()
    };
    assert_eq!(
        removed(&decide(st, &p, &ages(LAST))),
        [
            "b@v0.2.0 UnusedDays",
            "a@v1.0.0 UnusedDays",
            "b@v0.1.0 UnusedDays"
        ]
    );
    // keep_latest 1 keeps a@v1.2.0 and b@v0.2.0 (the newest by semver, not by use).
    let p = AutoPolicy {
        unused_days: Some(0),
        keep_latest: Some(1),
        ..AutoPolicy::default()
    };
    let d = decide(st, &p, &ages(LAST));
    assert_eq!(
        removed(&d),
        [
            "a@v1.0.0 UnusedDays",
            "b@v0.1.0 UnusedDays",
            "a@v1.1.0 UnusedDays"
        ]
    );
    assert!(
        d.iter()
            .any(|x| x.version == "v0.2.0" && x.reason == Reason::Latest)
    );
    // 0 days: every unused version, also one last used this very second or in the future (a
    // clock ahead of ours); 1 day: one used exactly a day ago goes, one used since stays.
    let edge = |days: u64, last: i64| {
        let p = AutoPolicy {
            unused_days: Some(days),
            ..AutoPolicy::default()
        };
        let at = move |_: &ModuleRow| LastUse {
            time: Some(last),
            source: LastUseSource::Atime,
        };
        removed(&decide(st, &p, &at)).len()
    };
    assert_eq!(edge(0, NOW), 5);
    assert_eq!(edge(0, NOW + 60), 5);
    assert_eq!(edge(1, NOW - DAY), 5);
    assert_eq!(edge(1, NOW - DAY + 1), 0);
}

#[test]
fn toolchains_only_when_asked_and_unnamed_and_nothing_without_projects() {
    let tc = projects::TOOLCHAIN_MODULE;
    let rows = vec![
        row(tc, "v0.0.1-go1.22.0.linux-amd64", 1000),
        row(tc, "v0.0.1-go1.23.0.linux-amd64", 1000),
        row("a", "v1.0.0", 10),
    ];
    let u = used(&[(tc, "v0.0.1-go1.23.0.linux-amd64")]);
    let st = ModcacheState {
        rows: &rows,
        used: Some(&u),
        bytes: 2010,
        budget: Some(0),
        now: NOW,
    };
    let off = AutoPolicy::default();
    assert_eq!(
        removed(&decide(st, &off, &ages(&[]))),
        ["a@v1.0.0 OverBudget"]
    );
    let on = AutoPolicy {
        remove_unnamed_toolchains: true,
        ..AutoPolicy::default()
    };
    assert_eq!(
        removed(&decide(st, &on, &ages(&[]))),
        [
            "a@v1.0.0 OverBudget".to_owned(),
            format!("{tc}@v0.0.1-go1.22.0.linux-amd64 UnnamedToolchain"),
        ]
    );
    let none = decide(ModcacheState { used: None, ..st }, &on, &ages(&[]));
    assert!(removed(&none).is_empty());
    assert!(none.iter().all(|d| d.reason == Reason::NoProjects));
    // Go's telemetry configuration is the go command's own: kept even over the budget.
    let rows = vec![
        row(projects::TELEMETRY_CONFIG_MODULE, "v0.40.0", 5000),
        row("a", "v1.0.0", 10),
    ];
    let st = ModcacheState {
        rows: &rows,
        bytes: 5010,
        ..st
    };
    let ds = decide(st, &on, &ages(&[]));
    assert_eq!(removed(&ds), ["a@v1.0.0 OverBudget"]);
    assert!(
        ds.iter()
            .any(|d| d.path == projects::TELEMETRY_CONFIG_MODULE
                && d.reason == Reason::GosOwn
                && !d.remove)
    );
}

#[test]
fn the_free_disk_floor_tightens_by_the_shortfall() {
    // Enough free space: the budget stays.
    assert_eq!(
        tightened_budget(1000, Some(800), Some(500), Some(100)),
        (Some(800), false)
    );
    // 50 below the floor: size - 50.
    assert_eq!(
        tightened_budget(1000, Some(990), Some(50), Some(100)),
        (Some(950), true)
    );
    assert_eq!(
        tightened_budget(1000, Some(900), Some(50), Some(100)),
        (Some(900), true)
    );
    assert_eq!(
        tightened_budget(1000, None, Some(50), Some(100)),
        (Some(950), true)
    );
    assert_eq!(
        tightened_budget(10, None, Some(0), Some(100)),
        (Some(0), true)
    );
    assert_eq!(tightened_budget(1000, None, None, Some(100)), (None, false));
}

#[test]
fn overrides_replace_stored_values_and_bad_values_are_errors() {
    let stored = AutoPolicy::default();
    let p = effective_policy(
        &stored,
        &Overrides {
            modcache_max_bytes: Some(5),
            unused_days: Some(3),
            ..Overrides::default()
        },
    )
    .unwrap();
    assert_eq!(
        (p.modcache_max_bytes, p.unused_days, p.keep_latest),
        (Some(5), Some(3), None)
    );
    let e = effective_policy(
        &stored,
        &Overrides {
            unused_days: Some(u64::MAX),
            ..Overrides::default()
        },
    )
    .unwrap_err();
    assert!(e.to_string().contains("unused_days"), "{e}");
    assert_eq!(e.code(), crate::ErrorCode::BadSettings);
}

#[test]
fn code_folders_are_searched_to_a_bounded_depth() {
    let home = tempfile::tempdir().unwrap();
    let h = home.path();
    let mk = |rel: &str, file: &str| {
        let d = rel.split('/').fold(h.to_path_buf(), |d, c| d.join(c));
        std::fs::create_dir_all(&d).unwrap();
        std::fs::write(d.join(file), "module x\n").unwrap();
        d
    };
    let a = mk("src/a", "go.mod");
    let w = mk("code/team/ws", "go.work");
    mk("src/a/sub", "go.mod"); // inside a: a's project
    mk("work/1/2/3/4/5/deep", "go.mod"); // too deep
    mk("projects/.hidden/x", "go.mod");
    mk("dev/vendor/x", "go.mod");
    let configured = h.join("mine");
    std::fs::create_dir_all(&configured).unwrap();
    let mut warnings = Vec::new();
    let roots = project_roots(
        &[
            configured.display().to_string(),
            h.join("gone").display().to_string(),
        ],
        &Overrides::default(),
        &AutoPolicy::default(),
        Some(h),
        &mut warnings,
    )
    .unwrap();
    assert_eq!(roots, vec![configured.clone(), a, w]);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let off = AutoPolicy {
        scan_code_folders: false,
        ..AutoPolicy::default()
    };
    let roots = project_roots(&[], &Overrides::default(), &off, Some(h), &mut warnings).unwrap();
    assert!(roots.is_empty());
    let given = Overrides {
        projects: vec![h.join("gone")],
        ..Overrides::default()
    };
    let e = project_roots(&[], &given, &off, Some(h), &mut warnings).unwrap_err();
    assert_eq!(e.code(), crate::ErrorCode::BadRoot);
}

#[test]
fn the_free_space_of_a_file_system_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let (avail, total) = crate::os::host::disk_space(dir.path()).unwrap();
    assert!(total > 0 && avail <= total, "{avail} of {total}");
    assert_eq!(
        crate::os::host::disk_space(&dir.path().join("missing")),
        None
    );
}
