//! The lock probe (`gocache_core::locks`) against real child processes holding files in a
//! genuine module cache built by the real Go toolchain: an open file, a working directory, a
//! mapping, Go's `.lock` held with `flock`, a deleted file still open. Results are checked
//! against `lsof` and `fuser` for the same processes and paths. End process on real children.

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::clean::{self, CauseKind, ExecOptions, NoCleanProgress, Outcome, PlanOptions};
use gocache_core::discover::{self, CacheKind, Report};
use gocache_core::env::EnvMap;
use gocache_core::locks::{
    self, EndError, EndHow, EndOptions, HoldKind, Holder, LocksReport, ProcessIdentity,
    end_process, find_holders,
};
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

fn small_fixture() -> TempFixture {
    TempFixture::new(&Spec {
        modules: 2,
        versions: 1,
        files_per_version: 2,
        build_cache: false,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

/// Children killed (and reaped) when the test ends, pass or fail.
struct Children(Vec<Child>);

impl Children {
    fn add(&mut self, c: Child) -> u32 {
        let pid = c.id();
        self.0.push(c);
        pid
    }
}

impl Drop for Children {
    fn drop(&mut self) {
        for c in &mut self.0 {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

fn sleeper() -> Command {
    let mut c = Command::new("sleep");
    c.arg("120").stdout(Stdio::null());
    c
}

/// Runs a python3 script that prints `ready` once it holds what it should.
fn python(script: &str) -> Child {
    let mut child = Command::new("python3")
        .args(["-c", script])
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready", "python3 helper did not start");
    child
}

fn py_str(p: &Path) -> String {
    format!("{:?}", p.display().to_string())
}

fn holder(r: &LocksReport, pid: u32) -> &Holder {
    r.holders
        .iter()
        .find(|h| h.pid == pid)
        .unwrap_or_else(|| panic!("pid {pid} not among the holders: {r:#?}"))
}

fn held(h: &Holder) -> BTreeSet<(String, PathBuf)> {
    h.paths
        .iter()
        .map(|p| (p.kind.as_str().to_owned(), p.path.clone()))
        .collect()
}

/// `(pid, lsof-style kind, path)` under `root` for `pids`, from `lsof -F pfln`: `fd` for
/// numbered descriptors, `cwd`, `mem`, `txt`, `rtd`, plus `lock` when lsof shows a lock.
fn lsof_view(pids: &[u32], root: &Path) -> BTreeSet<(u32, String, PathBuf)> {
    let list: Vec<String> = pids.iter().map(u32::to_string).collect();
    let out = Command::new("lsof")
        .args(["-w", "-n", "-F", "pfln", "-p", &list.join(",")])
        .output()
        .expect("lsof");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut set = BTreeSet::new();
    let (mut pid, mut fd, mut lock) = (0_u32, String::new(), String::new());
    for line in text.lines() {
        let (tag, val) = line.split_at(1);
        match tag {
            "p" => pid = val.parse().unwrap(),
            "f" => {
                fd = val.to_owned();
                lock.clear();
            }
            "l" => lock = val.trim().to_owned(),
            "n" => {
                let path = PathBuf::from(val.strip_suffix(" (deleted)").unwrap_or(val));
                if !path.starts_with(root) {
                    continue;
                }
                let kind = if fd.chars().all(|c| c.is_ascii_digit()) {
                    "fd"
                } else {
                    fd.as_str()
                };
                set.insert((pid, kind.to_owned(), path.clone()));
                if !lock.is_empty() {
                    set.insert((pid, "lock".to_owned(), path));
                }
            }
            _ => {}
        }
    }
    set
}

/// The same view from our report.
fn our_view(r: &LocksReport, pids: &[u32]) -> BTreeSet<(u32, String, PathBuf)> {
    r.holders
        .iter()
        .filter(|h| pids.contains(&h.pid))
        .flat_map(|h| {
            h.paths.iter().map(move |p| {
                let kind = match p.kind {
                    HoldKind::OpenFile | HoldKind::DeletedOpen => "fd",
                    HoldKind::Cwd => "cwd",
                    HoldKind::Mmap => "mem",
                    HoldKind::Exe => "txt",
                    HoldKind::Root => "rtd",
                    HoldKind::Flock => "lock",
                };
                (h.pid, kind.to_owned(), p.path.clone())
            })
        })
        .collect()
}

/// `fuser -v PATH...`: path -> {(pid, access letters)} (`f` open, `c` cwd, `m` mmap, ...).
fn fuser_view(paths: &[&Path]) -> BTreeMap<PathBuf, BTreeSet<(u32, String)>> {
    // fuser writes the pids to stdout and the rest to stderr: read both as one stream.
    let out = Command::new("sh")
        .args(["-c", "exec fuser -v \"$@\" 2>&1", "sh"])
        .args(paths)
        .output()
        .expect("fuser (psmisc)");
    let text = String::from_utf8_lossy(&out.stdout);
    let mut map: BTreeMap<PathBuf, BTreeSet<(u32, String)>> = BTreeMap::new();
    let mut current: Option<PathBuf> = None;
    for line in text.lines() {
        let mut rest = line.trim_start();
        if let Some(p) = paths.iter().find(|p| {
            rest.strip_prefix(&*p.to_string_lossy())
                .is_some_and(|r| r.starts_with(':'))
        }) {
            current = Some(p.to_path_buf());
            rest = &rest[p.to_string_lossy().len() + 1..];
        }
        let Some(cur) = &current else { continue };
        let toks: Vec<&str> = rest.split_whitespace().collect();
        for w in toks.windows(2) {
            if let Ok(pid) = w[0].parse::<u32>() {
                let access: String = w[1].chars().filter(|c| *c != '.').collect();
                map.entry(cur.clone()).or_default().insert((pid, access));
            }
        }
    }
    map
}

#[test]
fn every_kind_of_holder_is_found_and_agrees_with_lsof_and_fuser() {
    let fx = small_fixture();
    let m = fx.regular_modules().next().unwrap().clone();
    let module = format!("{}@{}", m.path, m.version);
    let version_dir = m.extracted_dir(&fx.gomodcache);
    let go_mod = version_dir.join("go.mod");
    let zip = m.download_file(&fx.gomodcache, "zip");
    let lock = m.download_file(&fx.gomodcache, "lock");
    let doomed = fx.gomodcache.join("cache").join("held-then-deleted.tmp");
    std::fs::write(&doomed, vec![7_u8; 4096]).unwrap();

    let mut kids = Children(Vec::new());
    let open = kids.add(
        sleeper()
            .stdin(File::open(&go_mod).unwrap())
            .spawn()
            .unwrap(),
    );
    let cwd = kids.add(sleeper().current_dir(&version_dir).spawn().unwrap());
    let mmap = kids.add(python(&format!(
        "import mmap, os, time\nf = open({}, 'rb')\nm = mmap.mmap(f.fileno(), 0, \
         access=mmap.ACCESS_READ)\nf.close()\nprint('ready', flush=True)\ntime.sleep(120)",
        py_str(&zip)
    )));
    let flock = kids.add(python(&format!(
        "import fcntl, time\nf = open({}, 'r+')\nfcntl.flock(f, fcntl.LOCK_EX)\n\
         print('ready', flush=True)\ntime.sleep(120)",
        py_str(&lock)
    )));
    let deleted = kids.add(
        sleeper()
            .stdin(File::open(&doomed).unwrap())
            .spawn()
            .unwrap(),
    );
    std::fs::remove_file(&doomed).unwrap();
    let pids = [open, cwd, mmap, flock, deleted];

    let roots = [(Some(CacheKind::Modcache), fx.gomodcache.clone())];
    let probe = locks::system_probe();
    let r = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();

    let s = |k: &str, p: &Path| (k.to_owned(), p.to_path_buf());
    assert_eq!(
        held(holder(&r, open)),
        BTreeSet::from([s("open-file", &go_mod)])
    );
    assert_eq!(
        held(holder(&r, cwd)),
        BTreeSet::from([s("cwd", &version_dir)])
    );
    // Python's mmap object keeps a duplicate of the descriptor: both show.
    assert_eq!(
        held(holder(&r, mmap)),
        BTreeSet::from([s("mmap", &zip), s("open-file", &zip)])
    );
    assert_eq!(
        held(holder(&r, flock)),
        BTreeSet::from([s("open-file", &lock), s("flock", &lock)])
    );
    assert_eq!(
        held(holder(&r, deleted)),
        BTreeSet::from([s("deleted-open", &doomed)])
    );
    for pid in [open, cwd, mmap, flock] {
        let h = holder(&r, pid);
        assert_eq!(h.modules, vec![module.clone()], "pid {pid}");
        assert_eq!(h.caches, vec![CacheKind::Modcache]);
        assert!(h.user.is_some() && h.uid.is_some(), "{h:?}");
    }
    assert_eq!(holder(&r, open).name, "sleep");
    assert!(holder(&r, deleted).advice.contains("disk space"));
    assert!(holder(&r, deleted).modules.is_empty());
    assert_eq!(r.caches[0].holders, r.holders.len());
    assert!(r.holders.len() >= pids.len());

    // lsof sees exactly the same holds for these processes.
    assert_eq!(our_view(&r, &pids), lsof_view(&pids, &fx.gomodcache));

    // fuser agrees path by path (it cannot name a deleted file).
    let fu = fuser_view(&[&go_mod, &version_dir, &zip, &lock]);
    let of = |p: &Path| -> BTreeSet<(u32, String)> {
        fu.get(p)
            .map(|s| {
                s.iter()
                    .filter(|(pid, _)| pids.contains(pid))
                    .cloned()
                    .collect()
            })
            .unwrap_or_default()
    };
    assert_eq!(of(&go_mod), BTreeSet::from([(open, "f".to_owned())]));
    assert_eq!(of(&version_dir), BTreeSet::from([(cwd, "c".to_owned())]));
    assert_eq!(of(&zip), BTreeSet::from([(mmap, "fm".to_owned())]));
    // `F`: open for writing (`r+`).
    assert_eq!(of(&lock), BTreeSet::from([(flock, "F".to_owned())]));
}

/// Discovery in the fixture's environment (as the clean tests do).
fn report(fx: &Fixture) -> Report {
    let mut env = EnvMap::from_pairs(fx.go_env());
    let go_dir = fx
        .go
        .parent()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    env.set("PATH", format!("{go_dir}:/usr/bin:/bin"));
    discover::discover(&env, &discover::Options::default())
}

#[test]
fn a_clean_blocked_by_a_lock_names_the_holder_and_plan_holders_are_per_target() {
    let fx = small_fixture();
    let mut mods = fx.regular_modules();
    let m = mods.next().unwrap().clone();
    let other = mods.next().unwrap().clone();
    let lock = m.download_file(&fx.gomodcache, "lock");
    let mut kids = Children(Vec::new());
    let locker = kids.add(python(&format!(
        "import fcntl, time\nf = open({}, 'r+')\nfcntl.flock(f, fcntl.LOCK_EX)\n\
         print('ready', flush=True)\ntime.sleep(120)",
        py_str(&lock)
    )));
    let bystander = kids.add(
        sleeper()
            .current_dir(other.extracted_dir(&fx.gomodcache))
            .spawn()
            .unwrap(),
    );
    let r = report(&fx);
    let target = clean::Target::ModuleVersion {
        path: m.path.clone(),
        version: m.version.clone(),
    };
    let plan = clean::plan(
        &r,
        std::slice::from_ref(&target),
        &PlanOptions {
            home: Some(fx.root.join("home")),
            now: None,
        },
        &CancelToken::new(),
    )
    .unwrap();

    // Before the clean: the plan's holders are the locker only, not the bystander.
    let targets: Vec<PathBuf> = plan
        .items
        .iter()
        .map(|i| i.path.clone())
        .chain([lock.clone()])
        .collect();
    let probe = locks::system_probe();
    let before = locks::find_holders_of(&targets, &r, probe.as_ref(), &CancelToken::new()).unwrap();
    let pids: Vec<u32> = before.holders.iter().map(|h| h.pid).collect();
    assert!(pids.contains(&locker), "{before:#?}");
    assert!(!pids.contains(&bystander), "{before:#?}");

    // The clean fails on Go's lock and names who holds it.
    let opts = ExecOptions {
        lock_timeout: Duration::from_millis(300),
        holder_lookup: Some(locks::holder_lookup()),
        ..ExecOptions::default()
    };
    let exec = clean::execute(&r, &plan, &opts, &NoCleanProgress, &CancelToken::new()).unwrap();
    assert_eq!(exec.results[0].outcome, Outcome::Failed);
    assert_eq!(exec.results[0].cause, Some(CauseKind::Locked));
    let holder = exec.results[0]
        .detail
        .as_ref()
        .and_then(|d| d.holder.clone())
        .unwrap_or_default();
    assert!(
        holder.contains(&format!("pid {locker}")) && holder.contains("flock"),
        "{holder:?}"
    );
}

#[test]
fn end_process_terminates_a_child_and_kills_one_that_ignores_sigterm() {
    // Only holders can be ended: both children work in a module cache directory.
    let dir = tempfile::tempdir().unwrap();
    let version = dir.path().join("example.com/!a@v1.0.0");
    std::fs::create_dir_all(&version).unwrap();
    let roots = [(Some(CacheKind::Modcache), dir.path().to_path_buf())];
    let probe = locks::system_probe();
    let identity = |pid: u32| {
        let r = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();
        ProcessIdentity {
            pid,
            start_time: holder(&r, pid).start_time.unwrap(),
        }
    };
    // Every end is recorded in the audit log (the History); refusals are not.
    let data = tempfile::tempdir().unwrap();
    let log = data.path().join("audit.jsonl");
    let opts = |timeout| EndOptions {
        timeout,
        allow_elevated: false,
        audit_log: Some(log.clone()),
    };
    let mut kids = Children(Vec::new());
    let polite = kids.add(sleeper().current_dir(&version).spawn().unwrap());
    let polite_id = identity(polite);
    let out = end_process(
        polite_id,
        &roots,
        probe.as_ref(),
        &opts(Duration::from_secs(5)),
    )
    .unwrap();
    assert_eq!((out.pid, out.how), (polite, EndHow::Exited));
    assert_eq!(kids.0[0].wait().unwrap().signal(), Some(libc_sigterm()));

    // `trap '' TERM` makes SIGTERM ignored, and `exec` keeps it ignored in sleep.
    let mut stubborn = Command::new("sh")
        .args(["-c", "trap '' TERM; echo ready; exec sleep 120"])
        .current_dir(&version)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(stubborn.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    assert_eq!(line.trim(), "ready");
    let pid = kids.add(stubborn);
    let out = end_process(
        identity(pid),
        &roots,
        probe.as_ref(),
        &opts(Duration::from_millis(300)),
    )
    .unwrap();
    assert_eq!(out.how, EndHow::Killed);
    assert!(out.elapsed_ms >= 300, "{out:?}");
    assert_eq!(kids.0[1].wait().unwrap().signal(), Some(9));

    // Refusals: the system and this process itself; a finished child is not found.
    let any = |pid| ProcessIdentity { pid, start_time: 1 };
    assert!(matches!(
        end_process(any(1), &roots, probe.as_ref(), &opts(Duration::ZERO)),
        Err(EndError::System(1))
    ));
    let me = std::process::id();
    assert!(matches!(
        end_process(any(me), &roots, probe.as_ref(), &opts(Duration::ZERO)),
        Err(EndError::ItSelf(_))
    ));
    assert!(matches!(
        end_process(polite_id, &roots, probe.as_ref(), &opts(Duration::ZERO)),
        Err(EndError::NotFound(_))
    ));
    let recorded = gocache_core::clean::audit::read(&log).unwrap();
    let ended: Vec<_> = recorded
        .entries
        .iter()
        .map(|e| {
            assert!(e.targets.is_empty() && e.outcomes.is_empty() && e.bytes_freed == 0);
            let o = e.ended.as_ref().expect("an ended-process entry");
            (o.pid, o.how, o.name.clone())
        })
        .collect();
    assert_eq!(
        ended,
        [
            (polite, EndHow::Exited, Some("sleep".to_owned())),
            (pid, EndHow::Killed, Some("sleep".to_owned())),
        ],
        "{recorded:?}"
    );
}

const fn libc_sigterm() -> i32 {
    15
}
