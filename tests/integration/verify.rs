//! Verify (`gocache_core::verify`, `gocache_core::dirhash`) against genuine caches built by
//! the real Go toolchain: our hashes equal what `go mod download` wrote, every way of breaking
//! a version is named (with the files), the verdicts agree with `go mod verify`, project mode
//! explains go.sum mismatches, and repair leaves a cache `go mod verify` and `go build` accept.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use gocache_core::CancelToken;
use gocache_core::clean::PlanOptions;
use gocache_core::dirhash::{self, ZipLimits};
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use gocache_core::projects::parse_gosum;
use gocache_core::verify::{
    self, Cause, Change, NoVerifyProgress, Options, RepairOptions, Status, VerifyEvent,
    VerifyReport,
};
use gocache_tests::fixture::{Fixture, ModuleVersion, Spec, TempFixture};

fn fixture(build_cache: bool) -> TempFixture {
    let spec = Spec {
        build_cache,
        ..Spec::default()
    };
    TempFixture::new(&spec).unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// A fixture whose go.sum has both lines (zip and go.mod) of every required version:
/// `go mod download` alone records only the go.mod lines; `go mod tidy` adds the others.
fn fixture_with_sums() -> TempFixture {
    let fx = fixture(false);
    let out = fx.go_command(["mod", "tidy"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    fx
}

fn env_of(fx: &Fixture) -> EnvMap {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let go_dir = fx
        .go
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    env.set("PATH", format!("{go_dir}:/usr/bin:/bin"));
    env
}

fn report(fx: &Fixture) -> Report {
    discover::discover(&env_of(fx), &discover::Options::default())
}

fn verify_all(fx: &Fixture) -> VerifyReport {
    verify::verify_cache(
        &report(fx),
        &Options::default(),
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("verify: {e}"))
}

fn row<'a>(r: &'a VerifyReport, m: &ModuleVersion) -> &'a verify::ModuleResult {
    r.modules
        .iter()
        .find(|x| x.path == m.path && x.version == m.version)
        .unwrap_or_else(|| panic!("{}@{} not in the report", m.path, m.version))
}

fn statuses(r: &verify::ModuleResult) -> BTreeSet<Status> {
    r.findings.iter().map(|f| f.status).collect()
}

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// Makes a module tree's directory writable (Go leaves it 0555).
fn writable_dir(dir: &Path) {
    chmod(dir, 0o755);
}

/// The newest version of every regular module (what the project requires, so what
/// `go mod verify` checks), and the older ones.
fn split(fx: &Fixture) -> (Vec<ModuleVersion>, Vec<ModuleVersion>) {
    let mut newest: BTreeMap<String, ModuleVersion> = BTreeMap::new();
    for m in fx.regular_modules() {
        newest.insert(m.path.clone(), m.clone()); // oldest first: the last one wins
    }
    let newest: Vec<ModuleVersion> = newest.into_values().collect();
    let older = fx
        .regular_modules()
        .filter(|m| !newest.contains(m))
        .cloned()
        .collect();
    (newest, older)
}

/// Runs `go mod verify` in the project; returns the error lines per `path version`.
fn go_mod_verify(fx: &Fixture) -> (bool, BTreeMap<(String, String), Vec<String>>) {
    let out = fx
        .go_command(["mod", "verify"])
        .output()
        .unwrap_or_else(|e| panic!("go mod verify: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut errs: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let mut it = line.splitn(3, ' ');
        if let (Some(p), Some(v), Some(rest)) = (it.next(), it.next(), it.next())
            && let Some(v) = v.strip_suffix(':')
        {
            errs.entry((p.to_owned(), v.to_owned()))
                .or_default()
                .push(rest.to_owned());
        }
    }
    (out.status.success(), errs)
}

/// A module's file list: relative names of its extracted tree, sorted.
fn tree_files(dir: &Path) -> Vec<String> {
    dirhash::dir_files(dir)
        .unwrap()
        .into_iter()
        .map(|f| f.rel)
        .collect()
}

/// Rewrites a stored (uncompressed) zip with `name`'s content replaced: still a valid zip,
/// different content.
fn rewrite_zip_entry(zip_path: &Path, rel: &str) {
    let mut data = Vec::new();
    File::open(zip_path)
        .unwrap()
        .read_to_end(&mut data)
        .unwrap();
    let mut src = zip::ZipArchive::new(std::io::Cursor::new(data)).unwrap();
    let mut w = zip::ZipWriter::new(File::create(zip_path).unwrap());
    let o =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for i in 0..src.len() {
        let mut f = src.by_index(i).unwrap();
        let name = f.name().to_owned();
        let mut content = Vec::new();
        f.read_to_end(&mut content).unwrap();
        if name.ends_with(&format!("/{rel}")) {
            content.extend_from_slice(b"\n// tampered\n");
        }
        w.start_file(name, o).unwrap();
        w.write_all(&content).unwrap();
    }
    w.finish().unwrap();
}

#[test]
fn our_hashes_equal_what_go_wrote() {
    let fx = fixture_with_sums();
    let gosum = std::fs::read_to_string(fx.project.join("go.sum")).unwrap();
    let lines = parse_gosum(&gosum).unwrap();
    let c = CancelToken::new();
    let mut compared_gosum = 0;
    for m in fx.regular_modules() {
        let ziphash = std::fs::read_to_string(m.download_file(&fx.gomodcache, "ziphash")).unwrap();
        let (hz, _) = dirhash::hash_zip(
            &m.download_file(&fx.gomodcache, "zip"),
            &ZipLimits::default(),
            &|_| {},
            &c,
        )
        .unwrap();
        assert_eq!(hz, ziphash.trim(), "zip of {}@{}", m.path, m.version);
        let (hd, _) = dirhash::hash_dir(
            &m.extracted_dir(&fx.gomodcache),
            &format!("{}@{}", m.path, m.version),
            &c,
        )
        .unwrap();
        assert_eq!(hd, ziphash.trim(), "tree of {}@{}", m.path, m.version);
        let modf = std::fs::read(m.download_file(&fx.gomodcache, "mod")).unwrap();
        for l in lines
            .iter()
            .filter(|l| l.path == m.path && l.version == m.version)
        {
            let ours = if l.go_mod_only {
                dirhash::hash_gomod(&modf)
            } else {
                hz.clone()
            };
            assert_eq!(ours, l.hash, "go.sum line {}", l.line);
            compared_gosum += 1;
        }
    }
    // Every module's newest version has a zip line and a go.mod line.
    assert_eq!(compared_gosum, 2 * split(&fx).0.len(), "{gosum}");
}

#[test]
fn every_breakage_is_named_and_agrees_with_go_mod_verify() {
    let fx = fixture(false);
    let (newest, older) = split(&fx);
    assert!(newest.len() >= 6 && older.len() >= 6);
    let r0 = verify_all(&fx);
    assert_eq!(r0.broken, 0, "{:#?}", r0.modules);
    assert!(r0.modules.iter().all(|m| m.status == Status::Ok));

    let dir = |m: &ModuleVersion| m.extracted_dir(&fx.gomodcache);
    let dl = |m: &ModuleVersion, ext: &str| m.download_file(&fx.gomodcache, ext);

    // newest[0]: edit a file.
    let edited = tree_files(&dir(&newest[0]))
        .into_iter()
        .find(|n| n.ends_with(".go"))
        .unwrap();
    let p = dir(&newest[0]).join(&edited);
    chmod(&p, 0o644);
    std::fs::OpenOptions::new()
        .append(true)
        .open(&p)
        .unwrap()
        .write_all(b"\n// local edit\n")
        .unwrap();
    // newest[1]: add a file.
    writable_dir(&dir(&newest[1]));
    std::fs::write(dir(&newest[1]).join("extra.txt"), "added").unwrap();
    // newest[2]: delete a file (in a subdirectory).
    let removed = tree_files(&dir(&newest[2]))
        .into_iter()
        .find(|n| n.starts_with("testdata/"))
        .unwrap();
    let rp = dir(&newest[2]).join(&removed);
    writable_dir(rp.parent().unwrap());
    std::fs::remove_file(&rp).unwrap();
    // newest[3]: truncate the zip.
    let z = dl(&newest[3], "zip");
    let len = std::fs::metadata(&z).unwrap().len();
    File::options()
        .write(true)
        .open(&z)
        .unwrap()
        .set_len(len / 2)
        .unwrap();
    // newest[4]: edit the zip (still a valid zip).
    rewrite_zip_entry(&dl(&newest[4], "zip"), "README.md");
    // newest[5]: delete the .ziphash (the zip stays).
    std::fs::remove_file(dl(&newest[5], "ziphash")).unwrap();
    // Older versions (go mod verify does not look at them):
    // older[0]: .partial left by an interrupted extraction.
    std::fs::write(dl(&older[0], "partial"), "").unwrap();
    // older[1]: tmp leftovers, both kinds.
    std::fs::write(
        dl(&older[1], "zip").with_file_name(format!(
            "{}.zip123456.tmp",
            gocache_tests::fixture::escape(&older[1].version)
        )),
        "x",
    )
    .unwrap();
    let old_tmp = dir(&older[1]).with_file_name(format!(
        "{}.tmp-987",
        dir(&older[1]).file_name().unwrap().to_string_lossy()
    ));
    std::fs::create_dir(&old_tmp).unwrap();
    // older[2]: a file made writable, content unchanged.
    let wf = dir(&older[2]).join("go.mod");
    chmod(&wf, 0o644);
    // older[3]: extracted tree removed: download-only.
    gocache_tests::remove_tree(&dir(&older[3])).unwrap();
    // older[4]: `list` names a version with no .mod.
    let list = dl(&older[4], "zip").with_file_name("list");
    let mut lt = std::fs::read_to_string(&list).unwrap();
    lt.push_str("v9.9.9\n");
    std::fs::write(&list, lt).unwrap();
    // older[5]: tree without .ziphash and without zip (Go re-downloads it).
    std::fs::remove_file(dl(&older[5], "ziphash")).unwrap();
    std::fs::remove_file(dl(&older[5], "zip")).unwrap();

    let r = verify_all(&fx);
    let s = |m: &ModuleVersion| row(&r, m).status;

    let r0 = row(&r, &newest[0]);
    assert_eq!(r0.status, Status::DirModified, "{r0:#?}");
    assert_eq!(
        r0.files
            .iter()
            .map(|f| (f.name.as_str(), f.change))
            .collect::<Vec<_>>(),
        [(edited.as_str(), Change::Modified)]
    );
    assert!(statuses(r0).contains(&Status::Writable));
    let r1 = row(&r, &newest[1]);
    assert_eq!(r1.status, Status::DirModified);
    assert_eq!(
        r1.files
            .iter()
            .map(|f| (f.name.as_str(), f.change))
            .collect::<Vec<_>>(),
        [("extra.txt", Change::Added)]
    );
    let r2 = row(&r, &newest[2]);
    assert_eq!(r2.status, Status::DirModified);
    assert_eq!(
        r2.files
            .iter()
            .map(|f| (f.name.as_str(), f.change))
            .collect::<Vec<_>>(),
        [(removed.as_str(), Change::Removed)]
    );
    assert_eq!(s(&newest[3]), Status::ZipModified);
    assert_eq!(s(&newest[4]), Status::ZipModified);
    assert_eq!(statuses(row(&r, &newest[4])), [Status::ZipModified].into());
    assert_eq!(s(&newest[5]), Status::MissingZiphash);
    assert_eq!(s(&older[0]), Status::Partial);
    assert_eq!(s(&older[1]), Status::Leftovers);
    let leftover_msg = &row(&r, &older[1]).findings[0].message;
    assert!(leftover_msg.contains(".zip123456.tmp") && leftover_msg.contains(".tmp-987"));
    assert_eq!(s(&older[2]), Status::Writable);
    assert!(row(&r, &older[2]).findings[0].message.contains("go.mod"));
    assert_eq!(s(&older[3]), Status::DownloadOnly);
    let listed = r
        .modules
        .iter()
        .find(|m| m.path == older[4].path && m.version == "v9.9.9")
        .unwrap();
    assert_eq!(listed.status, Status::ListInconsistent);
    assert_eq!(s(&older[5]), Status::MissingZiphash);
    // Everything else is fine.
    let touched: BTreeSet<(String, String)> = newest
        .iter()
        .chain(&older[..6])
        .map(|m| (m.path.clone(), m.version.clone()))
        .collect();
    for m in &r.modules {
        if !touched.contains(&(m.path.clone(), m.version.clone())) && m.version != "v9.9.9" {
            assert_eq!(m.status, Status::Ok, "{m:#?}");
        }
    }
    assert_eq!(r.broken, 8, "6 newest + partial + missing ziphash");
    assert!(r.anything_broken());

    // Agreement with go mod verify on every version it checks.
    let (ok, go_errs) = go_mod_verify(&fx);
    assert!(!ok, "go mod verify accepted a broken cache");
    for m in &newest {
        let ours = statuses(row(&r, m));
        let theirs = go_errs
            .get(&(m.path.clone(), m.version.clone()))
            .cloned()
            .unwrap_or_default();
        let go_dir = theirs.iter().any(|e| e.contains("dir has been modified"));
        let go_zip = theirs
            .iter()
            .any(|e| e.contains("zip has been modified") || e.contains("zip:"));
        let go_ziphash = theirs.iter().any(|e| e.contains("missing ziphash"));
        assert_eq!(
            go_dir,
            ours.contains(&Status::DirModified),
            "{}@{}: go says {theirs:?}, we say {ours:?}",
            m.path,
            m.version
        );
        assert_eq!(
            go_zip,
            ours.contains(&Status::ZipModified),
            "{theirs:?} vs {ours:?}"
        );
        assert_eq!(
            go_ziphash,
            ours.contains(&Status::MissingZiphash),
            "{theirs:?} vs {ours:?}"
        );
        assert!(
            !theirs.is_empty(),
            "{}@{}: every newest version is broken",
            m.path,
            m.version
        );
    }

    // Repair: remove the broken versions, download again; Go accepts the cache.
    let rep = report(&fx);
    let versions = verify::broken_versions(&r);
    assert_eq!(versions.len(), 8);
    let rr = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        &verify::broken_ids(&r),
        None,
        &RepairOptions {
            plan: PlanOptions {
                home: Some(fx.root.join("home")),
                now: None,
            },
            ..RepairOptions::default()
        },
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(rr.removed.len(), 8, "{rr:#?}");
    let d = rr.download.as_ref().expect("go is installed");
    assert!(d.success, "{}\n{}", d.command, d.output);
    assert!(d.command.contains("go mod download"));
    let (ok, errs) = go_mod_verify(&fx);
    assert!(ok, "{errs:?}");
    let out = fx
        .go_command(["build", "-o", "/dev/null", "./..."])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let after = verify_all(&fx);
    assert_eq!(after.broken, 0, "{:#?}", after.modules);
    for m in newest.iter().chain([&older[0], &older[5]]) {
        assert_eq!(
            row(&after, m).status,
            Status::Ok,
            "{}@{}",
            m.path,
            m.version
        );
    }
}

#[test]
fn project_mode_explains_mismatches() {
    let fx = fixture_with_sums();
    let (newest, _) = split(&fx);
    let gosum_path = fx.project.join("go.sum");
    let text = std::fs::read_to_string(&gosum_path).unwrap();
    // A wrong (well-formed) hash for newest[0]'s zip line and newest[1]'s go.mod line.
    let wrong = dirhash::hash_gomod(b"something else");
    let edited: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [p, v, _] if *p == newest[0].path && *v == newest[0].version => {
                    format!("{p} {v} {wrong}\n")
                }
                [p, v, _]
                    if *p == newest[1].path && *v == format!("{}/go.mod", newest[1].version) =>
                {
                    format!("{p} {v} {wrong}\n")
                }
                _ => format!("{l}\n"),
            }
        })
        .collect();
    assert_ne!(edited, text);
    std::fs::write(&gosum_path, &edited).unwrap();
    // newest[2]: its tree is corrupted in the cache.
    let d2 = newest[2].extracted_dir(&fx.gomodcache);
    writable_dir(&d2);
    std::fs::write(d2.join("planted.go"), "package x\n").unwrap();

    let events = std::sync::Mutex::new(Vec::new());
    let progress = |e: VerifyEvent| events.lock().unwrap().push(e);
    let rep = report(&fx);
    let r = verify::verify_project(
        &rep,
        &fx.project,
        &Options::default(),
        &progress,
        &CancelToken::new(),
    )
    .unwrap();
    let p = r.project.as_ref().unwrap();
    // Only the project's versions were examined.
    assert_eq!(r.checked, newest.len());
    let find = |m: &ModuleVersion, go_mod: bool| {
        p.mismatches
            .iter()
            .find(|x| x.path == m.path && x.version == m.version && x.go_mod == go_mod)
            .unwrap_or_else(|| panic!("no mismatch for {}@{} {go_mod}: {p:#?}", m.path, m.version))
    };
    // The fixture runs with GOSUMDB=off: the settings explanation.
    let m0 = find(&newest[0], false);
    assert_eq!(m0.cause, Cause::Settings, "{m0:#?}");
    assert!(
        m0.evidence.iter().any(|e| e.contains("GOSUMDB=off")),
        "{m0:#?}"
    );
    assert!(m0.evidence.iter().any(|e| e.contains("self-consistent")));
    assert_eq!(m0.gosum_hash, wrong);
    let m1 = find(&newest[1], true);
    assert_eq!(m1.cause, Cause::Settings, "{m1:#?}");
    let m2 = find(&newest[2], false);
    assert_eq!(m2.cause, Cause::CacheCorrupted, "{m2:#?}");
    // The changed files are named (what changed in each is in the module's `files`), in the
    // message the app translates and in its English.
    assert_eq!(m2.explanation_msg.id, "explain.corrupted-files");
    assert!(
        m2.explanation_msg.args["files"].contains("planted.go"),
        "{:?}",
        m2.explanation_msg
    );
    assert_eq!(m2.explanation, m2.explanation_msg.english());
    assert!(
        m2.explanation.contains("Changed files: planted.go"),
        "{}",
        m2.explanation
    );
    assert!(
        m2.evidence
            .iter()
            .any(|e| e.contains("agrees with the .ziphash"))
    );
    assert_eq!(p.mismatches.len(), 3, "{p:#?}");
    assert_eq!(p.matched + 3, p.lines);
    assert!(r.anything_broken());
    let ev = events.into_inner().unwrap();
    match (ev.first(), ev.last()) {
        (
            Some(VerifyEvent::VerifyStarted { total_bytes, .. }),
            Some(VerifyEvent::VerifyFinished { bytes, .. }),
        ) => assert_eq!(total_bytes, bytes, "hashed bytes equal the announced total"),
        other => panic!("events: {other:?}"),
    }

    // The same cache with the checksum database in use: retagged upstream.
    let mut env = env_of(&fx);
    env.set("GOSUMDB", "sum.golang.org");
    env.set("GOPROXY", "https://proxy.golang.org,direct");
    let rep2 = discover::discover(
        &env,
        &discover::Options {
            run_go: false,
            ..discover::Options::default()
        },
    );
    let r2 = verify::verify_project(
        &rep2,
        &fx.project,
        &Options::default(),
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap();
    let p2 = r2.project.unwrap();
    let m0 = p2
        .mismatches
        .iter()
        .find(|x| x.path == newest[0].path && !x.go_mod)
        .unwrap();
    assert_eq!(m0.cause, Cause::Retagged, "{m0:#?}");
    assert!(m0.explanation.contains("retagged"));
    // A private module (GOPRIVATE) is a settings case again.
    env.set("GOPRIVATE", newest[0].path.clone());
    let rep3 = discover::discover(
        &env,
        &discover::Options {
            run_go: false,
            ..discover::Options::default()
        },
    );
    let r3 = verify::verify_project(
        &rep3,
        &fx.project,
        &Options::default(),
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap();
    let m0 = r3
        .project
        .unwrap()
        .mismatches
        .into_iter()
        .find(|x| x.path == newest[0].path && !x.go_mod)
        .unwrap();
    assert_eq!(m0.cause, Cause::Settings);
    assert!(
        m0.evidence.iter().any(|e| e.contains("GOPRIVATE")),
        "{m0:#?}"
    );

    // Repair in project mode fixes the corrupted version (not the go.sum edits).
    std::fs::write(&gosum_path, &text).unwrap();
    let versions = verify::broken_versions(&r);
    assert_eq!(
        versions.iter().map(|v| v.path.as_str()).collect::<Vec<_>>(),
        [newest[2].path.as_str()]
    );
    let rr = verify::repair(
        &rep,
        &env_of(&fx),
        &r,
        &verify::broken_ids(&r),
        Some(&fx.project),
        &RepairOptions {
            plan: PlanOptions {
                home: Some(fx.root.join("home")),
                now: None,
            },
            ..RepairOptions::default()
        },
        &CancelToken::new(),
    )
    .unwrap();
    assert!(rr.download.as_ref().is_some_and(|d| d.success), "{rr:#?}");
    let (ok, errs) = go_mod_verify(&fx);
    assert!(ok, "{errs:?}");
    let out = fx
        .go_command(["build", "-o", "/dev/null", "./..."])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let again = verify::verify_project(
        &rep,
        &fx.project,
        &Options::default(),
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap();
    assert!(!again.anything_broken(), "{:#?}", again.project);
}

#[test]
fn build_cache_damage_is_found() {
    let fx = fixture(true);
    let r0 = verify_all(&fx);
    let b0 = r0.build.clone().unwrap();
    assert!(b0.output_entries > 10 && b0.action_entries > 10, "{b0:?}");
    assert_eq!(
        (b0.corrupt_outputs, b0.malformed_actions),
        (0, 0),
        "{:#?}",
        r0.problems
    );
    // Damage one -d file (same size, so Go would use it) and one -a file.
    let mut d_file = None;
    let mut a_file = None;
    for sub in std::fs::read_dir(&fx.gocache).unwrap().flatten() {
        if !sub.file_type().unwrap().is_dir() {
            continue;
        }
        for e in std::fs::read_dir(sub.path()).unwrap().flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            let len = e.metadata().unwrap().len();
            if n.ends_with("-d") && len > 10 && e.file_type().unwrap().is_file() && d_file.is_none()
            {
                d_file = Some(e.path());
            } else if n.ends_with("-a") && a_file.is_none() {
                a_file = Some(e.path());
            }
        }
    }
    let (d_file, a_file) = (d_file.unwrap(), a_file.unwrap());
    let mut data = std::fs::read(&d_file).unwrap();
    data[0] ^= 0xff;
    std::fs::write(&d_file, &data).unwrap();
    std::fs::write(&a_file, "v1 garbage\n").unwrap();
    let r = verify_all(&fx);
    let b = r.build.clone().unwrap();
    assert_eq!(
        (b.corrupt_outputs, b.malformed_actions),
        (1, 1),
        "{:#?}",
        r.problems
    );
    let corrupt = r
        .problems
        .iter()
        .find(|p| p.id == "build-output-corrupt")
        .unwrap();
    assert_eq!(corrupt.path.as_deref(), Some(d_file.as_path()));
    let malformed = r
        .problems
        .iter()
        .find(|p| p.id == "build-action-malformed")
        .unwrap();
    assert_eq!(malformed.path.as_deref(), Some(a_file.as_path()));
    assert!(r.anything_broken());
    assert_eq!(r.broken, 0, "module cache untouched");
}

#[test]
fn cancel_stops_early() {
    let fx = fixture(false);
    let cancel = CancelToken::new();
    cancel.cancel();
    let r = verify::verify_cache(
        &report(&fx),
        &Options::default(),
        &NoVerifyProgress,
        &cancel,
    )
    .unwrap();
    assert!(r.cancelled);
    assert!(r.modules.len() < fx.modules.len());
}

/// `verify --project` checks what `go mod verify` checks: every module of the build list that
/// is in the cache, also when go.sum holds only its `/go.mod` line (after a plain `go mod
/// download`), and its verdict names the same modules. `project` runs ours with and without
/// the build list (`Options::env`), and with the proxy comparison.
fn verify_project_with(fx: &Fixture, with_go: bool, compare_proxy: bool) -> VerifyReport {
    verify::verify_project(
        &report(fx),
        &fx.project,
        &Options {
            env: with_go.then(|| env_of(fx)),
            compare_proxy,
            ..Options::default()
        },
        &NoVerifyProgress,
        &CancelToken::new(),
    )
    .unwrap_or_else(|e| panic!("verify --project: {e}"))
}

fn broken_set(r: &VerifyReport) -> BTreeSet<(String, String)> {
    r.modules
        .iter()
        .filter(|m| m.status.is_broken())
        .map(|m| (m.path.clone(), m.version.clone()))
        .collect()
}

#[test]
fn project_verdict_agrees_with_go_mod_verify() {
    // 1. After a plain `go mod download`: go.sum holds only the /go.mod lines.
    let fx = fixture(false);
    let (newest, older) = split(&fx);
    let gosum = std::fs::read_to_string(fx.project.join("go.sum")).unwrap();
    assert!(
        parse_gosum(&gosum).unwrap().iter().all(|l| l.go_mod_only),
        "{gosum}"
    );
    let (ok, errs) = go_mod_verify(&fx);
    assert!(ok && errs.is_empty(), "{errs:?}");
    for with_go in [true, false] {
        let r = verify_project_with(&fx, with_go, false);
        assert!(!r.anything_broken(), "{:#?}", r.modules);
        // Every required version was verified (zip and tree), not only go.sum's zip lines.
        assert_eq!(r.checked, newest.len(), "with go: {with_go}");
        let p = r.project.as_ref().unwrap();
        assert_eq!(p.versions_checked, newest.len());
        assert_eq!(
            p.version_set.contains("go list -m all"),
            with_go,
            "{}",
            p.version_set
        );
    }

    // Tamper with versions go.sum names only by their /go.mod line, and with an older one
    // (not in the build list: go mod verify ignores it).
    let dir = |m: &ModuleVersion| m.extracted_dir(&fx.gomodcache);
    let dl = |m: &ModuleVersion, ext: &str| m.download_file(&fx.gomodcache, ext);
    writable_dir(&dir(&newest[0]));
    std::fs::write(dir(&newest[0]).join("planted.go"), "package x\n").unwrap();
    rewrite_zip_entry(&dl(&newest[1], "zip"), "README.md");
    std::fs::remove_file(dl(&newest[2], "ziphash")).unwrap();
    writable_dir(&dir(&older[0]));
    std::fs::write(dir(&older[0]).join("planted.go"), "package x\n").unwrap();

    let (ok, errs) = go_mod_verify(&fx);
    assert!(!ok);
    let named: BTreeSet<(String, String)> = errs.keys().cloned().collect();
    let want: BTreeSet<(String, String)> = newest[..3]
        .iter()
        .map(|m| (m.path.clone(), m.version.clone()))
        .collect();
    assert_eq!(named, want, "go mod verify: {errs:?}");
    let r = verify_project_with(&fx, true, false);
    assert!(r.anything_broken());
    assert_eq!(broken_set(&r), named, "{:#?}", r.modules);
    // Without go, every version go.sum names: here the same set.
    let r = verify_project_with(&fx, false, false);
    assert_eq!(broken_set(&r), named, "{:#?}", r.modules);
    drop(fx);

    // 2. A wrong go.sum zip line for a version that is not in the cache: go mod verify has
    // nothing to check and passes, the build fails. Ours: the cache verdict agrees (nothing
    // broken), the line is a finding, and the proxy comparison shows go.sum is wrong.
    let fx = fixture_with_sums();
    let (newest, _) = split(&fx);
    let gone = &newest[3];
    let gosum_path = fx.project.join("go.sum");
    let text = std::fs::read_to_string(&gosum_path).unwrap();
    let wrong = dirhash::hash_gomod(b"not the zip");
    let mut right = String::new();
    let edited: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [p, v, h] if *p == gone.path && *v == gone.version => {
                    right = (*h).to_owned();
                    format!("{p} {v} {wrong}\n")
                }
                _ => format!("{l}\n"),
            }
        })
        .collect();
    assert!(!right.is_empty());
    std::fs::write(&gosum_path, edited).unwrap();
    let tree = dir_of(&fx, gone);
    make_tree_writable(&tree);
    std::fs::remove_dir_all(&tree).unwrap();
    for ext in ["zip", "ziphash"] {
        std::fs::remove_file(gone.download_file(&fx.gomodcache, ext)).unwrap();
    }
    let (ok, errs) = go_mod_verify(&fx);
    assert!(ok, "{errs:?}");
    let build = fx
        .go_command(["build", "-o", "/dev/null", "./..."])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&build.stderr);
    assert!(!build.status.success());
    assert!(
        stderr.contains(&format!(
            "verifying {}@{}: checksum mismatch",
            gone.path, gone.version
        )),
        "{stderr}"
    );

    let r = verify_project_with(&fx, true, false);
    assert_eq!(r.broken, 0, "the cache verdict agrees with go mod verify");
    let p = r.project.as_ref().unwrap();
    let n = p
        .not_in_cache
        .iter()
        .find(|n| n.path == gone.path && !n.go_mod)
        .unwrap_or_else(|| panic!("{p:#?}"));
    assert_eq!(n.gosum_hash, wrong);
    assert!(n.proxy.is_none() && !p.proxy_compared);
    assert!(p.mismatches.is_empty(), "{p:#?}");

    let r = verify_project_with(&fx, true, true);
    assert_eq!(r.broken, 0);
    assert!(
        r.anything_broken(),
        "a line the proxy contradicts is broken"
    );
    let p = r.project.as_ref().unwrap();
    assert!(p.proxy_compared);
    assert_eq!(p.mismatches.len(), 1, "{p:#?}");
    let m = &p.mismatches[0];
    assert_eq!(
        (&m.path, &m.version, m.go_mod),
        (&gone.path, &gone.version, false)
    );
    let pc = m.proxy.as_ref().unwrap();
    assert_eq!(pc.verdict, verify::ProxyVerdict::Differs);
    assert_eq!(pc.proxy_hash.as_deref(), Some(right.as_str()), "{pc:#?}");
    assert_eq!(m.cache_hash, None);
    assert!(
        m.evidence
            .iter()
            .any(|e| e.contains(&right) && e.contains(&wrong)),
        "{m:#?}"
    );
    // The file:// proxy URL is shown (no credentials in it), GOSUMDB=off is evidence.
    assert!(
        m.evidence.iter().any(|e| e.contains("GOSUMDB=off")),
        "{m:#?}"
    );
    // Every other line the cache cannot confirm matches the proxy.
    assert!(
        p.not_in_cache.iter().all(|n| n
            .proxy
            .as_ref()
            .is_some_and(|x| x.verdict == verify::ProxyVerdict::Same)),
        "{p:#?}"
    );

    // 3. The same through an http:// proxy (the same files served by a real HTTP server): Go's
    // own client is asked (`go mod download -json` in a throw-away cache) and the verdict is
    // the same.
    let server = HttpServer::serve(&fx.proxy);
    let over_http = |url: String| {
        let mut env = env_of(&fx);
        env.set("GOPROXY", url);
        verify::verify_project(
            &discover::discover(&env, &discover::Options::default()),
            &fx.project,
            &Options {
                env: Some(env),
                compare_proxy: true,
                ..Options::default()
            },
            &NoVerifyProgress,
            &CancelToken::new(),
        )
        .unwrap_or_else(|e| panic!("verify --project over http: {e}"))
    };
    let r = over_http(format!("http://127.0.0.1:{}", server.port));
    let p = r.project.as_ref().unwrap();
    assert_eq!(p.mismatches.len(), 1, "{p:#?}");
    let pc = p.mismatches[0].proxy.as_ref().unwrap();
    assert_eq!(pc.verdict, verify::ProxyVerdict::Differs, "{pc:#?}");
    assert_eq!(pc.proxy_hash.as_deref(), Some(right.as_str()), "{pc:#?}");
    assert!(
        pc.proxy.as_deref().is_some_and(|u| u.contains("127.0.0.1")),
        "{pc:#?}"
    );
    assert!(
        p.not_in_cache.iter().all(|n| n
            .proxy
            .as_ref()
            .is_some_and(|x| x.verdict == verify::ProxyVerdict::Same)),
        "{p:#?}"
    );
    assert!(server.requests() > 0, "the HTTP proxy was never asked");
    // With credentials in GOPROXY (Go refuses to send them over plain http, so nothing can be
    // compared): they appear nowhere in the report, settings and notes included.
    let r = over_http(format!(
        "http://alice:s3cr3t-t0ken@127.0.0.1:{}",
        server.port
    ));
    let p = r.project.as_ref().unwrap();
    assert!(
        p.settings
            .iter()
            .any(|s| s.starts_with("GOPROXY=http://***@127.0.0.1")),
        "{p:#?}"
    );
    let text = serde_json::to_string(&r).unwrap();
    assert!(!text.contains("s3cr3t-t0ken"), "{text}");
}

/// A real HTTP server (`python3 -m http.server`) serving `dir` on 127.0.0.1, stopped on drop.
struct HttpServer {
    child: std::process::Child,
    port: u16,
    log: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl HttpServer {
    fn serve(dir: &Path) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let logs = tempfile::tempdir().unwrap();
        let log = logs.path().join("http.log");
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--directory",
            ])
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(File::create(&log).unwrap())
            .spawn()
            .unwrap();
        let mut child = child;
        // Generous: Python starts slowly on a loaded CI machine.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Some(status) = child.try_wait().unwrap() {
                panic!(
                    "http.server exited ({status}): {}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                );
            }
            assert!(
                std::time::Instant::now() < deadline,
                "http.server did not start: {}",
                std::fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        Self {
            child,
            port,
            log,
            _dir: logs,
        }
    }

    /// Requests logged so far (one `"GET ...` line each).
    fn requests(&self) -> usize {
        std::fs::read_to_string(&self.log)
            .unwrap_or_default()
            .matches("\"GET ")
            .count()
    }
}

impl Drop for HttpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// With the proxy comparison, an intact cache that disagrees with go.sum is told apart: the
/// proxy serves the cache's content (go.sum is wrong) or go.sum's (the cache holds another copy:
/// one version to clean and download again).
#[test]
fn proxy_comparison_tells_a_wrong_gosum_from_another_cached_copy() {
    let fx = fixture_with_sums();
    let (newest, _) = split(&fx);
    let (wrong_line, other_copy) = (&newest[0], &newest[1]);
    // The proxy now serves other content for `other_copy` (a moved tag), and go.sum records it.
    let proxy_zip = gocache_tests::fixture::native_join(
        &fx.proxy,
        &format!(
            "{}/@v/{}.zip",
            gocache_tests::fixture::escape(&other_copy.path),
            other_copy.version
        ),
    );
    rewrite_zip_entry(&proxy_zip, "README.md");
    let (moved, _) = dirhash::hash_zip(
        &proxy_zip,
        &ZipLimits::default(),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    let gosum_path = fx.project.join("go.sum");
    let text = std::fs::read_to_string(&gosum_path).unwrap();
    let wrong = dirhash::hash_gomod(b"not the zip");
    let edited: String = text
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            match f.as_slice() {
                [p, v, _] if *p == wrong_line.path && *v == wrong_line.version => {
                    format!("{p} {v} {wrong}\n")
                }
                [p, v, _] if *p == other_copy.path && *v == other_copy.version => {
                    format!("{p} {v} {moved}\n")
                }
                _ => format!("{l}\n"),
            }
        })
        .collect();
    std::fs::write(&gosum_path, edited).unwrap();
    let r = verify_project_with(&fx, false, true);
    assert_eq!(r.broken, 0, "the cache itself is intact");
    let p = r.project.as_ref().unwrap();
    let find = |m: &ModuleVersion| {
        p.mismatches
            .iter()
            .find(|x| x.path == m.path && x.version == m.version && !x.go_mod)
            .unwrap_or_else(|| panic!("{p:#?}"))
    };
    let a = find(wrong_line);
    assert_eq!(a.cause, Cause::GosumWrong, "{a:#?}");
    assert_eq!(a.proxy.as_ref().unwrap().proxy_hash, a.cache_hash);
    assert!(a.explanation.contains("go.sum line"), "{}", a.explanation);
    let b = find(other_copy);
    assert_eq!(b.cause, Cause::CacheOther, "{b:#?}");
    assert_eq!(
        b.proxy.as_ref().unwrap().proxy_hash.as_deref(),
        Some(moved.as_str())
    );
    assert!(
        b.explanation.contains(&format!(
            "gocache-doctor clean --module {}@{}",
            other_copy.path, other_copy.version
        )),
        "{}",
        b.explanation
    );
    assert_eq!(p.mismatches.len(), 2, "{p:#?}");
}

fn dir_of(fx: &Fixture, m: &ModuleVersion) -> std::path::PathBuf {
    m.extracted_dir(&fx.gomodcache)
}

/// Makes every directory of a module tree writable, so it can be removed.
fn make_tree_writable(tree: &Path) {
    chmod(tree, 0o755);
    for e in std::fs::read_dir(tree).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_dir() {
            make_tree_writable(&e.path());
        }
    }
}
