//! `clean_elevated` end to end with the real app binary: the command starts
//! `gocache-doctor-app --elevated-clean <request> --report <report>` (directly, as with
//! `GOCACHE_DOCTOR_ELEVATOR=` empty, and behind a prefix program, as with pkexec), the binary
//! deletes in place before any window set-up, and the app reads its report back.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use gocache_core::clean::elevate::Elevator;
use gocache_core::clean::{Outcome, Target, audit};
use gocache_core::env::EnvMap;
use gocache_doctor_app::commands::clean::{RunState, sink};
use gocache_doctor_app::state::Config;
use serde_json::Value;
use tauri::ipc::{Channel, InvokeResponseBody};

const APP: &str = env!("CARGO_BIN_EXE_gocache-doctor-app");

struct Fx {
    _dir: tempfile::TempDir,
    modcache: PathBuf,
    config: Config,
}

/// A module cache with two read-only module versions (as Go leaves them), in a directory
/// whose name has a space, a quote and non-ASCII letters.
fn fixture(elevator: Elevator) -> Fx {
    let dir = tempfile::tempdir().unwrap();
    // Without the `\\?\` prefix canonicalize adds on Windows: the paths a user's Go reports.
    let base =
        gocache_core::os::simplified(fs::canonicalize(dir.path()).unwrap()).join("it's a ü dir");
    let home = base.join("home");
    let modcache = home.join("go").join("pkg").join("mod");
    for v in ["v1.0.0", "v1.1.0"] {
        let d = modcache.join(format!("example.com/a@{v}"));
        fs::create_dir_all(&d).unwrap();
        fs::write(d.join("go.mod"), "module example.com/a\n").unwrap();
        fs::write(d.join("a.go"), vec![b'a'; 3000]).unwrap();
        let dl = modcache.join("cache/download/example.com/a/@v");
        fs::create_dir_all(&dl).unwrap();
        for ext in ["info", "mod", "zip", "ziphash"] {
            fs::write(dl.join(format!("{v}.{ext}")), format!("{v} {ext}")).unwrap();
        }
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            for p in [d.join("go.mod"), d.join("a.go")] {
                fs::set_permissions(p, fs::Permissions::from_mode(0o444)).unwrap();
            }
            fs::set_permissions(&d, fs::Permissions::from_mode(0o555)).unwrap();
        }
        // Go's module cache files carry FILE_ATTRIBUTE_READONLY on Windows.
        #[cfg(windows)]
        for p in [d.join("go.mod"), d.join("a.go")] {
            let mut perms = fs::metadata(&p).unwrap().permissions();
            perms.set_readonly(true);
            fs::set_permissions(p, perms).unwrap();
        }
    }
    let s = |p: &Path| p.display().to_string();
    let env = EnvMap::from_pairs([
        ("HOME", s(&home)),
        ("GOPATH", s(&home.join("go"))),
        ("GOMODCACHE", s(&modcache)),
        ("GOCACHE", s(&home.join(".cache").join("go-build"))),
        ("XDG_CACHE_HOME", s(&base.join("xdg"))),
        ("GOENV", "off".to_owned()),
        ("PATH", String::new()),
    ]);
    let config = Config {
        env: Some(env),
        audit_log: Some(base.join("data/audit.jsonl")),
        data_dir: Some(base.join("data")),
        settings_dir: Some(base.join("config")),
        undo_window: Duration::from_secs(3600),
        elevator,
        exe: Some(PathBuf::from(APP)),
        lock_timeout: Duration::from_secs(5),
        revealer: gocache_doctor_app::state::Revealer::recording(),
    };
    Fx {
        _dir: dir,
        modcache,
        config,
    }
}

fn recording() -> (
    Channel<gocache_doctor_app::commands::clean::CleanUpdate>,
    Arc<Mutex<Vec<Value>>>,
) {
    let events = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&events);
    let channel = Channel::new(move |body| {
        if let InvokeResponseBody::Json(json) = body {
            sink.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(serde_json::from_str(&json).unwrap_or(Value::Null));
        }
        Ok(())
    });
    (channel, events)
}

fn elevated_clean_deletes_in_place(elevator: Elevator) {
    let fx = fixture(elevator);
    let state = fx.config.clean_session();
    let planned = state
        .plan(&[Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.0.0".into(),
        }])
        .unwrap();
    assert_eq!(planned.plan.items.len(), 1);
    let (channel, events) = recording();
    let run = state.elevated(&planned.id, &sink(channel)).unwrap();
    assert_eq!(run.state, RunState::Done);
    assert_eq!(run.undo_deadline_ms, None);
    assert_eq!(run.results.len(), 1);
    assert_eq!(
        run.results[0].outcome,
        Outcome::Removed,
        "{:?}",
        run.results
    );
    assert!(run.results[0].in_place, "no quarantine when elevated");
    assert!(!fx.modcache.join("example.com/a@v1.0.0").exists());
    assert!(
        !fx.modcache
            .join("cache/download/example.com/a/@v/v1.0.0.zip")
            .exists()
    );
    assert!(fx.modcache.join("example.com/a@v1.1.0/a.go").exists());
    assert!(!fx.modcache.join(gocache_core::clean::INNER_TRASH).exists());
    let events = events.lock().unwrap_or_else(PoisonError::into_inner);
    let finished = events
        .iter()
        .find(|e| e["event"] == "purgeFinished")
        .unwrap();
    assert_eq!(finished["data"]["bytes_freed"], planned.plan.total_bytes);
    let log = audit::read(fx.config.audit_log.as_ref().unwrap()).unwrap();
    assert_eq!(log.entries.len(), 1);
    assert_eq!(log.entries[0].bytes_freed, planned.plan.total_bytes);
    assert_eq!(state.undo(&run.run_id).unwrap_err().code(), "NotUndoable");
}

#[test]
fn elevated_clean_runs_the_real_binary_directly() {
    elevated_clean_deletes_in_place(Elevator::Direct);
}

/// pkexec's form: a program put in front of the command. Windows elevates differently (the
/// app runs PowerShell's `Start-Process -Verb RunAs`, a UAC prompt; its script is unit-tested
/// in gocache-core), and has no prefix program to stand in; there the binary is run directly
/// ([`elevated_clean_runs_the_real_binary_directly`]).
#[cfg(unix)]
#[test]
fn elevated_clean_runs_the_real_binary_behind_an_elevator_program() {
    // `env` stands in for pkexec: `<elevator> <exe> --elevated-clean ... --report ...`.
    elevated_clean_deletes_in_place(Elevator::Program("env".into()));
}

/// Issue #12 §3: the request the app hands to the elevated half is private (0600 in a 0700
/// directory) and carries none of the app's other environment (tokens, cloud keys). A
/// stand-in for pkexec copies what it is given before running the real binary.
#[cfg(unix)]
#[test]
fn the_request_is_private_and_carries_no_secrets() {
    let spy = tempfile::tempdir().unwrap();
    let script = spy.path().join("spy-pkexec");
    let seen = spy.path().join("seen");
    gocache_tests::write_script(
        &script,
        &format!(
            "#!/bin/sh\nstat -c '%a %U' \"$3\" \"$(dirname \"$3\")\" > '{0}.mode'\ncp \"$3\" '{0}.json'\nexec \"$@\"\n",
            seen.display()
        ),
    );
    let mut fx = fixture(Elevator::Program(script.clone().into_os_string()));
    let mut env = fx.config.env.clone().unwrap();
    env.set("AWS_SECRET_ACCESS_KEY", "aws-leak-123");
    env.set("GOPROXY", "https://bob:proxy-leak-456@proxy.example/");
    env.set("GITHUB_TOKEN", "ghp_leak789");
    fx.config.env = Some(env);
    let state = fx.config.clean_session();
    let planned = state
        .plan(&[Target::ModuleVersion {
            path: "example.com/a".into(),
            version: "v1.0.0".into(),
        }])
        .unwrap();
    let (channel, _events) = recording();
    let run = state.elevated(&planned.id, &sink(channel)).unwrap();
    assert_eq!(
        run.results[0].outcome,
        Outcome::Removed,
        "{:?}",
        run.results
    );
    let modes = fs::read_to_string(seen.with_extension("mode")).unwrap();
    let lines: Vec<&str> = modes.lines().collect();
    assert!(lines[0].starts_with("600 "), "request mode: {modes}");
    assert!(
        lines[1].starts_with("700 "),
        "request directory mode: {modes}"
    );
    let json = fs::read_to_string(seen.with_extension("json")).unwrap();
    assert!(json.contains("GOMODCACHE"), "{json}");
    for secret in ["aws-leak-123", "proxy-leak-456", "ghp_leak789"] {
        assert!(
            !json.contains(secret),
            "{secret} leaked into the request: {json}"
        );
    }
}

#[test]
fn the_binary_in_elevated_mode_reports_a_refusal() {
    let fx = fixture(Elevator::Direct);
    let state = fx.config.clean_session();
    let planned = state.plan(&[Target::Modcache]).unwrap();
    // The request's environment names another module cache: the elevated process discovers
    // the caches afresh and refuses a root it did not discover.
    let mut env = fx.config.env.clone().unwrap();
    env.set("GOMODCACHE", "/nonexistent/elsewhere");
    let req = gocache_core::clean::elevate::Request::new(planned.plan.clone(), &env);
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("request");
    gocache_core::clean::elevate::create_private_dir(&dir).unwrap();
    let req_path = dir.join("request.json");
    gocache_core::clean::elevate::write_request(&req_path, &req).unwrap();
    let out = dir.join("report.json");
    let status = std::process::Command::new(APP)
        .arg("--elevated-clean")
        .arg(&req_path)
        .arg("--report")
        .arg(&out)
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
    let rep = gocache_core::clean::elevate::read_report(&out).unwrap();
    assert!(
        rep.error
            .as_deref()
            .is_some_and(|e| e.contains("not one of the discovered cache roots")),
        "{rep:?}"
    );
    assert!(fx.modcache.join("example.com/a@v1.0.0/a.go").exists());
}

/// Issue #12: the elevated half attacked for real, through the real binary, as root with
/// `PKEXEC_UID` naming a second real user (made with useradd), as pkexec would run it.
/// Every test snapshots a canary tree byte for byte and checks nothing outside the cache
/// changed. Run as root (CI is); as another user they say so and check nothing.
#[cfg(unix)]
mod attacks {
    use std::collections::BTreeMap;
    use std::fs;
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use gocache_core::clean::elevate::{Report, Request, read_report};
    use gocache_core::clean::{Action, Plan, PlanItem};
    use gocache_core::discover::CacheKind;
    use gocache_core::env::EnvMap;

    use super::APP;

    static USERS: std::sync::Mutex<()> = std::sync::Mutex::new(());

    /// A real second user (uid, gid), created when missing (`make test`'s set-up makes
    /// them; the lock keeps parallel tests from running useradd at once). `None` when
    /// `useradd` failed (the test cannot run, see [`gocache_tests::root::cannot_run`]).
    fn user(name: &str) -> Option<(u32, u32)> {
        let _g = USERS
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let id = |flag: &str| {
            Command::new("id")
                .args([flag, name])
                .output()
                .ok()
                .filter(|o| o.status.success())
                .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        };
        if id("-u").is_none() {
            let out = Command::new("useradd")
                .args(["-M", "-r", "-s", "/usr/sbin/nologin", name])
                .output();
            if id("-u").is_none() {
                gocache_tests::root::cannot_run(&format!("useradd {name} failed: {out:?}"));
                return None;
            }
        }
        Some((id("-u")?, id("-g")?))
    }

    fn chown_r(p: &Path, uid: u32, gid: u32) {
        let st = Command::new("chown")
            .arg("-R")
            .arg(format!("{uid}:{gid}"))
            .arg(p)
            .status()
            .unwrap();
        assert!(st.success());
    }

    fn chmod(p: &Path, mode: u32) {
        fs::set_permissions(p, fs::Permissions::from_mode(mode)).unwrap();
    }

    type Snap = BTreeMap<PathBuf, (String, u32, u32, Vec<u8>)>;

    /// Every entry below `dir`: type, mode, owner and content (a link's target).
    fn snapshot(dir: &Path) -> Snap {
        let mut out = BTreeMap::new();
        let mut stack = vec![dir.to_path_buf()];
        while let Some(p) = stack.pop() {
            let md = fs::symlink_metadata(&p).unwrap();
            let (kind, data) = if md.file_type().is_symlink() {
                (
                    "link",
                    fs::read_link(&p)
                        .unwrap()
                        .into_os_string()
                        .into_encoded_bytes(),
                )
            } else if md.is_dir() {
                for e in fs::read_dir(&p).unwrap() {
                    stack.push(e.unwrap().path());
                }
                ("dir", Vec::new())
            } else {
                ("file", fs::read(&p).unwrap())
            };
            out.insert(p, (kind.to_owned(), md.mode(), md.uid(), data));
        }
        out
    }

    /// A canary tree outside every cache: files, a read-only directory, a set-group-id
    /// directory, a private file.
    fn canary(base: &Path) -> PathBuf {
        let c = base.join("canary");
        fs::create_dir_all(c.join("sub/ro")).unwrap();
        fs::write(c.join("secret.txt"), "keep me").unwrap();
        chmod(&c.join("secret.txt"), 0o640);
        fs::write(c.join("sub/ro/file"), "read-only").unwrap();
        chmod(&c.join("sub/ro"), 0o555);
        chmod(&c.join("sub"), 0o2755);
        c
    }

    /// A module cache as Go makes it: cache/download, one read-only version.
    fn modcache(at: &Path) -> PathBuf {
        let v = at.join("example.com/a@v1.0.0");
        fs::create_dir_all(v.join("sub")).unwrap();
        fs::write(v.join("a.go"), "package a\n").unwrap();
        fs::write(v.join("sub/b.go"), "package sub\n").unwrap();
        let dl = at.join("cache/download/example.com/a/@v");
        fs::create_dir_all(&dl).unwrap();
        for ext in ["info", "mod", "zip", "ziphash"] {
            fs::write(dl.join(format!("v1.0.0.{ext}")), ext).unwrap();
        }
        chmod(&v.join("sub"), 0o555);
        chmod(&v, 0o555);
        at.to_path_buf()
    }

    fn item(root: &Path, path: &Path, action: Action) -> PlanItem {
        PlanItem {
            cache: CacheKind::Modcache,
            root: root.to_path_buf(),
            path: path.to_path_buf(),
            label: "forged".into(),
            action,
            bytes: 0,
            disk_bytes: 0,
            files: 0,
        }
    }

    fn plan_of(items: Vec<PlanItem>) -> Plan {
        Plan {
            created: 0,
            targets: Vec::new(),
            items,
            skipped: Vec::new(),
            warnings: Vec::new(),
            total_bytes: 0,
            total_disk_bytes: 0,
            total_files: 0,
        }
    }

    /// Writes `req` as `owner`'s private request (0600 in a 0700 directory of theirs).
    fn request_file(base: &Path, req: &Request, owner: (u32, u32)) -> PathBuf {
        let dir = base.join(format!("req-{}", owner.0));
        fs::create_dir_all(&dir).unwrap();
        chmod(&dir, 0o700);
        let p = dir.join(format!("request-{}.json", req.plan.items.len()));
        let _ = fs::remove_file(&p);
        gocache_core::clean::elevate::write_request(&p, req).unwrap();
        chown_r(&dir, owner.0, owner.1);
        p
    }

    /// Runs the real binary as pkexec would: root, with PKEXEC_UID of `uid`.
    fn elevated(req: &Path, uid: u32) -> (Option<i32>, Report) {
        let out = req.with_extension(format!("report-{}", std::process::id()));
        let _ = fs::remove_file(&out);
        let st = Command::new(APP)
            .arg("--elevated-clean")
            .arg(req)
            .arg("--report")
            .arg(&out)
            .env("PKEXEC_UID", uid.to_string())
            .env_remove("DISPLAY")
            .env_remove("WAYLAND_DISPLAY")
            .status()
            .unwrap();
        let rep = read_report(&out).unwrap();
        let _ = fs::remove_file(&out);
        (st.code(), rep)
    }

    fn env(pairs: &[(&str, &Path)]) -> EnvMap {
        EnvMap::from_pairs(
            pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.display().to_string())),
        )
    }

    struct Lab {
        _dir: tempfile::TempDir,
        base: PathBuf,
        me: (u32, u32),
        other: (u32, u32),
    }

    /// The users and directory of the elevated-half attacks; `None` when they cannot run (not
    /// root, or a user could not be created): skipped and counted, or failed where root is
    /// required ([`gocache_tests::root`]).
    fn lab() -> Option<Lab> {
        if !gocache_tests::root::require_root("for the elevated half and a second user") {
            return None;
        }
        let me = user("gcd-user")?;
        let other = user("gcd-other")?;
        let dir = tempfile::tempdir().unwrap();
        let base = fs::canonicalize(dir.path()).unwrap();
        chmod(&base, 0o755);
        Some(Lab {
            _dir: dir,
            base,
            me,
            other,
        })
    }

    #[test]
    fn a_forged_request_for_a_directory_that_is_no_go_cache_deletes_nothing() {
        let Some(l) = lab() else { return };
        // The issue's reproduction: {plan: Root <dir>, env: {GOMODCACHE: <dir>, HOME:
        // /nonexistent}} for a directory of the user's that is no Go cache.
        let victim = canary(&l.base.join("victim"));
        chown_r(&l.base.join("victim"), l.me.0, l.me.1);
        let before = snapshot(&l.base);
        let req = Request {
            plan: plan_of(vec![item(&victim, &victim, Action::Root)]),
            env: [
                ("GOMODCACHE".to_owned(), victim.display().to_string()),
                ("HOME".to_owned(), "/nonexistent".to_owned()),
            ]
            .into(),
            lock_timeout_secs: 1,
        };
        let rf = request_file(&l.base.join("r"), &req, l.me);
        let (code, rep) = elevated(&rf, l.me.0);
        assert_eq!(code, Some(2), "{rep:?}");
        let err = rep.error.unwrap_or_default();
        assert!(err.contains("does not look like a module cache"), "{err}");
        let mut after = snapshot(&l.base);
        after.retain(|p, _| !p.starts_with(l.base.join("r")));
        let mut before = before;
        before.retain(|p, _| !p.starts_with(l.base.join("r")));
        assert_eq!(after, before, "the victim tree changed");
    }

    #[test]
    fn another_users_cache_and_a_cache_under_a_world_writable_dir_are_refused() {
        let Some(l) = lab() else { return };
        // A genuine-looking module cache of another user, outside the requester's home.
        let theirs = modcache(&l.base.join("theirs/mod"));
        chown_r(&l.base.join("theirs"), l.other.0, l.other.1);
        // The requester's own cache, below a directory anyone may write (not sticky).
        let open = l.base.join("open");
        let mine = modcache(&open.join("mine/mod"));
        chown_r(&open.join("mine"), l.me.0, l.me.1);
        chmod(&open, 0o777);
        let before = snapshot(&l.base);
        for (cache, why) in [
            (&theirs, "neither inside the home"),
            (&mine, "can be written by other users"),
        ] {
            let v = cache.join("example.com/a@v1.0.0");
            let req = Request {
                plan: plan_of(vec![
                    item(cache, &v, module_version_action()),
                    item(cache, cache, Action::Root),
                ]),
                env: [("GOMODCACHE".to_owned(), cache.display().to_string())].into(),
                lock_timeout_secs: 1,
            };
            let rf = request_file(&l.base.join("r"), &req, l.me);
            let (code, rep) = elevated(&rf, l.me.0);
            assert_eq!(code, Some(2), "{rep:?}");
            assert!(rep.error.as_deref().unwrap_or("").contains(why), "{rep:?}");
        }
        let strip = |mut s: Snap| {
            s.retain(|p, _| !p.starts_with(l.base.join("r")));
            s
        };
        assert_eq!(strip(snapshot(&l.base)), strip(before));
    }

    fn module_version_action() -> Action {
        Action::ModuleVersion {
            module: "example.com/a".into(),
            version: "v1.0.0".into(),
            escpath: "example.com/a".into(),
            escver: "v1.0.0".into(),
            keep_mod_files: false,
        }
    }

    #[test]
    fn a_request_another_user_could_have_written_is_refused() {
        let Some(l) = lab() else { return };
        let home = l.base.join("home");
        let cache = modcache(&home.join("go/pkg/mod"));
        chown_r(&home, l.me.0, l.me.1);
        let before = snapshot(&home);
        let req = Request {
            plan: plan_of(vec![item(&cache, &cache, Action::Root)]),
            env: [("GOMODCACHE".to_owned(), cache.display().to_string())].into(),
            lock_timeout_secs: 1,
        };
        // Written by another user for the requester.
        let rf = request_file(&l.base.join("r1"), &req, l.other);
        let (code, rep) = elevated(&rf, l.me.0);
        assert_eq!(code, Some(2), "{rep:?}");
        assert!(
            rep.error
                .as_deref()
                .unwrap_or("")
                .contains("written by user"),
            "{rep:?}"
        );
        // Readable by others (0644).
        let rf = request_file(&l.base.join("r2"), &req, l.me);
        chmod(&rf, 0o644);
        let (code, rep) = elevated(&rf, l.me.0);
        assert_eq!(code, Some(2), "{rep:?}");
        assert!(
            rep.error.as_deref().unwrap_or("").contains("0600"),
            "{rep:?}"
        );
        // A symlink to the requester's own private request is not followed.
        let rf = request_file(&l.base.join("r3"), &req, l.me);
        let link = l.base.join("r3/link.json");
        std::os::unix::fs::symlink(&rf, &link).unwrap();
        let (code, rep) = elevated(&link, l.me.0);
        assert_eq!(code, Some(2), "{rep:?}");
        // In a directory others can enter.
        chmod(rf.parent().unwrap(), 0o755);
        let (code, rep) = elevated(&rf, l.me.0);
        assert_eq!(code, Some(2), "{rep:?}");
        assert!(
            rep.error.as_deref().unwrap_or("").contains("0700"),
            "{rep:?}"
        );
        assert_eq!(snapshot(&home), before);
    }

    #[test]
    fn swapping_directories_for_symlinks_during_an_elevated_clean_never_reaches_outside() {
        let Some(l) = lab() else { return };
        let outside = canary(&l.base.join("outside"));
        let before = snapshot(&outside);
        for round in 0..8 {
            let home = l.base.join(format!("home{round}"));
            let cache = modcache(&home.join("go/pkg/mod"));
            // Many directories, each a chance for the attacker to swap.
            for i in 0..60 {
                let d = cache.join(format!("example.com/m{i}@v1.0.0/d/e"));
                fs::create_dir_all(&d).unwrap();
                fs::write(d.join("f.go"), "package e\n").unwrap();
                chmod(&d, 0o555);
            }
            // A link planted inside the cache from the start.
            std::os::unix::fs::symlink(&outside, cache.join("example.com/evil")).unwrap();
            chown_r(&home, l.me.0, l.me.1);
            let req = Request {
                plan: plan_of(vec![item(&cache, &cache, Action::Root)]),
                env: [("GOMODCACHE".to_owned(), cache.display().to_string())].into(),
                lock_timeout_secs: 1,
            };
            let rf = request_file(&l.base.join(format!("r{round}")), &req, l.me);
            // The attacker (any program of the user's) swaps directories for links to the
            // canary while root deletes.
            let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
            let attacker = {
                let (stop, cache, outside) = (stop.clone(), cache.clone(), outside.clone());
                std::thread::spawn(move || {
                    let mut n = 0_u64;
                    while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                        let i = n % 60;
                        let d = cache.join(format!("example.com/m{i}@v1.0.0/d"));
                        let aside = cache.join(format!("example.com/aside{n}"));
                        if fs::rename(&d, &aside).is_ok() {
                            let _ = std::os::unix::fs::symlink(&outside, &d);
                        }
                        n += 1;
                    }
                    n
                })
            };
            let (code, rep) = elevated(&rf, l.me.0);
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
            let swaps = attacker.join().unwrap();
            assert!(swaps > 0);
            assert!(code == Some(0) || code == Some(1), "{code:?} {rep:?}");
            assert_eq!(snapshot(&outside), before, "round {round}: outside changed");
        }
    }

    #[test]
    fn links_planted_as_go_lock_and_list_files_do_not_make_root_write_elsewhere() {
        let Some(l) = lab() else { return };
        let outside = canary(&l.base.join("outside"));
        let before = snapshot(&outside);
        let home = l.base.join("home");
        let cache = modcache(&home.join("go/pkg/mod"));
        let dl = cache.join("cache/download/example.com/a/@v");
        // Root opening these read-write (O_CREAT, truncate) through the links would clobber
        // the canary; the elevated half opens them as the user, who may not.
        std::os::unix::fs::symlink(outside.join("secret.txt"), dl.join("list")).unwrap();
        std::os::unix::fs::symlink(outside.join("sub/ro/file"), dl.join("v1.0.0.lock")).unwrap();
        std::os::unix::fs::symlink(outside.join("new-file"), dl.join("v1.0.0.partial")).unwrap();
        chown_r(&home, l.me.0, l.me.1);
        let req = Request {
            plan: plan_of(vec![item(
                &cache,
                &cache.join("example.com/a@v1.0.0"),
                module_version_action(),
            )]),
            env: [("GOMODCACHE".to_owned(), cache.display().to_string())].into(),
            lock_timeout_secs: 1,
        };
        let rf = request_file(&l.base.join("r"), &req, l.me);
        let (code, rep) = elevated(&rf, l.me.0);
        assert!(code == Some(0) || code == Some(1), "{code:?} {rep:?}");
        assert_eq!(
            snapshot(&outside),
            before,
            "root wrote through a planted link"
        );
    }

    #[test]
    fn an_elevated_clean_of_a_root_owned_version_leaves_the_cache_to_its_user() {
        let Some(l) = lab() else { return };
        let home = l.base.join("home");
        let cache = modcache(&home.join("go/pkg/mod"));
        let dl = cache.join("cache/download/example.com/a/@v");
        fs::write(dl.join("v1.1.0.mod"), "module example.com/a\n").unwrap();
        // Another module keeps example.com/ in place after the clean.
        fs::create_dir_all(cache.join("example.com/b@v1.0.0")).unwrap();
        chown_r(&home, l.me.0, l.me.1);
        // `sudo go mod download` left this module's download directory and tree to root.
        chown_r(&cache.join("cache/download/example.com"), 0, 0);
        chown_r(&cache.join("example.com"), 0, 0);
        let req = Request {
            plan: plan_of(vec![item(
                &cache,
                &cache.join("example.com/a@v1.0.0"),
                module_version_action(),
            )]),
            env: [("GOMODCACHE".to_owned(), cache.display().to_string())].into(),
            lock_timeout_secs: 2,
        };
        let rf = request_file(&l.base.join("r"), &req, l.me);
        let (code, rep) = elevated(&rf, l.me.0);
        assert_eq!(code, Some(0), "{rep:?}");
        assert!(!cache.join("example.com/a@v1.0.0").exists());
        assert!(!dl.join("v1.0.0.zip").exists());
        // What the clean left or created belongs to the user again, so their own go can
        // lock and download this module: the chain, the lock file, list.
        for p in [
            cache.clone(),
            cache.join("cache/download/example.com"),
            cache.join("cache/download/example.com/a"),
            dl.clone(),
            dl.join("v1.0.0.lock"),
            dl.join("list"),
            cache.join("example.com"),
        ] {
            let md = fs::symlink_metadata(&p).unwrap();
            assert_eq!(
                md.uid(),
                l.me.0,
                "{} is still owned by {}",
                p.display(),
                md.uid()
            );
        }
        // As the user: take the version's lock and write its files, as go mod download does.
        let st = Command::new("setpriv")
            .args([
                format!("--reuid={}", l.me.0),
                format!("--regid={}", l.me.1),
                "--clear-groups".to_owned(),
                "sh".to_owned(),
                "-c".to_owned(),
                "flock \"$1/v1.0.0.lock\" true && echo m > \"$1/v1.0.0.mod\" && mkdir \"$2\""
                    .to_owned(),
                "sh".to_owned(),
                dl.display().to_string(),
                cache.join("example.com/a@v1.0.0").display().to_string(),
            ])
            .status()
            .unwrap();
        assert!(st.success(), "the user could not fill the cache again");
        let _ = env(&[]);
    }

    /// The legitimate case, from the app: a real module cache made by the real go command
    /// belongs to the user, but one module was downloaded by `sudo go` and is root's. The
    /// app's Clean as administrator (its real code: plan, private request, the real binary
    /// behind a stand-in for pkexec that sets PKEXEC_UID as pkexec does) removes the
    /// version, and the user's own `go mod download` fills it again, then `go mod verify`
    /// passes.
    #[test]
    fn the_app_cleans_a_version_sudo_go_left_and_the_users_go_downloads_it_again() {
        use gocache_core::clean::Target;
        use gocache_core::clean::elevate::Elevator;
        use gocache_doctor_app::commands::clean::sink;
        use gocache_doctor_app::state::Config;

        let Some(l) = lab() else { return };
        let fx = gocache_tests::fixture::TempFixture::new(&gocache_tests::fixture::Spec {
            modules: 2,
            versions: 2,
            files_per_version: 2,
            build_cache: false,
            toolchain: false,
        })
        .unwrap();
        chown_r(&fx.root, l.me.0, l.me.1);
        chmod(&fx.root, 0o755);
        let m = fx.regular_modules().next().unwrap().clone();
        // What `sudo go mod download` leaves: root's tree, download directory and lock.
        chown_r(&m.extracted_dir(&fx.gomodcache), 0, 0);
        chown_r(&m.download_dir(&fx.gomodcache), 0, 0);
        let script = l.base.join("fake-pkexec");
        gocache_tests::write_script(
            &script,
            &format!("#!/bin/sh\nPKEXEC_UID={} exec \"$@\"\n", l.me.0),
        );
        let env = EnvMap::from_pairs(fx.go_env());
        let config = Config {
            env: Some(env),
            audit_log: Some(l.base.join("data/audit.jsonl")),
            data_dir: Some(l.base.join("data")),
            settings_dir: Some(l.base.join("config")),
            undo_window: std::time::Duration::from_secs(3600),
            elevator: Elevator::Program(script.into_os_string()),
            exe: Some(PathBuf::from(APP)),
            lock_timeout: std::time::Duration::from_secs(5),
            revealer: gocache_doctor_app::state::Revealer::recording(),
        };
        let state = config.clean_session();
        let planned = state
            .plan(&[Target::ModuleVersion {
                path: m.path.clone(),
                version: m.version.clone(),
            }])
            .unwrap();
        assert_eq!(planned.plan.items.len(), 1, "{:?}", planned.plan);
        let (channel, _events) = super::recording();
        let run = state.elevated(&planned.id, &sink(channel)).unwrap();
        assert_eq!(
            run.results[0].outcome,
            gocache_core::clean::Outcome::Removed,
            "{:?}",
            run.results
        );
        assert!(!m.extracted_dir(&fx.gomodcache).exists());
        let go_as_user = |args: &[&str]| {
            let out = Command::new("setpriv")
                .arg(format!("--reuid={}", l.me.0))
                .arg(format!("--regid={}", l.me.1))
                .arg("--clear-groups")
                .arg(&fx.go)
                .args(args)
                .env_clear()
                .envs(fx.go_env())
                .env("PATH", "/usr/bin:/bin")
                .current_dir(&fx.project)
                .output()
                .unwrap();
            assert!(
                out.status.success(),
                "go {args:?} as the user: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        };
        go_as_user(&["mod", "download", &format!("{}@{}", m.path, m.version)]);
        let md = fs::metadata(m.extracted_dir(&fx.gomodcache)).unwrap();
        assert_eq!(md.uid(), l.me.0, "go downloaded it again as the user");
        go_as_user(&["mod", "verify"]);
    }
}
