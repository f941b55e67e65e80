//! Issue #12 item 5, performed for real: End process used to end any process the user could
//! signal. Now only a process holding files in the discovered caches (a real module cache
//! built by the real Go toolchain) is ended, and only the very process the scan listed (pid
//! and start time), checked again just before the signal.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::Duration;

use gocache_core::CancelToken;
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use gocache_core::locks::{
    self, EndError, EndHow, EndOptions, ProcessIdentity, end_process, find_holders,
};
use gocache_tests::fixture::{Fixture, Spec, TempFixture};

/// Children killed (and reaped) when the test ends, pass or fail.
struct Kid(Child);

impl Drop for Kid {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Kid {
    fn alive(&mut self) -> bool {
        self.0.try_wait().unwrap().is_none()
    }
}

fn fixture() -> TempFixture {
    TempFixture::new(&Spec {
        modules: 1,
        versions: 1,
        files_per_version: 2,
        build_cache: false,
        toolchain: false,
    })
    .unwrap_or_else(|e| panic!("fixture: {e}"))
}

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

fn opts() -> EndOptions {
    EndOptions {
        timeout: Duration::from_secs(5),
        allow_elevated: false,
        audit_log: None,
    }
}

/// The start time procfs shows for `pid` (field 22 of `/proc/PID/stat`).
fn proc_start_time(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    stat[stat.rfind(')').unwrap() + 1..]
        .split_whitespace()
        .nth(19)
        .unwrap()
        .parse()
        .unwrap()
}

/// A python3 child that holds Go's `.lock` of a version with `flock` and an open file until it
/// reads a line, then lets go of both and keeps running.
fn locker(lock: &std::path::Path) -> (Kid, ChildStdin, BufReader<ChildStdout>) {
    let script = format!(
        "import fcntl, sys, time\nf = open({:?}, 'r+')\nfcntl.flock(f, fcntl.LOCK_EX)\n\
         print('ready', flush=True)\nsys.stdin.readline()\nf.close()\n\
         print('released', flush=True)\ntime.sleep(600)",
        lock.display().to_string()
    );
    let mut child = Command::new("python3")
        .args(["-c", &script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3");
    let stdin = child.stdin.take().unwrap();
    let mut out = BufReader::new(child.stdout.take().unwrap());
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "ready");
    (Kid(child), stdin, out)
}

#[test]
fn end_process_spares_non_holders_reused_pids_and_former_holders() {
    let fx = fixture();
    let r = report(&fx);
    let roots = locks::holders::cache_roots(&r);
    assert!(roots.iter().any(|(_, p)| *p == fx.gomodcache), "{roots:?}");
    let probe = locks::system_probe();
    let m = fx.regular_modules().next().unwrap().clone();
    let lock = m.download_file(&fx.gomodcache, "lock");

    // 1. A process that holds nothing in the caches, named with its real start time.
    let elsewhere = tempfile::tempdir().unwrap();
    let mut bystander = Kid(Command::new("sleep")
        .arg("600")
        .current_dir(elsewhere.path())
        .spawn()
        .unwrap());
    let by = ProcessIdentity {
        pid: bystander.0.id(),
        start_time: proc_start_time(bystander.0.id()),
    };
    let e = end_process(by, &roots, probe.as_ref(), &opts()).unwrap_err();
    assert!(matches!(e, EndError::NotAHolder(p) if p == by.pid), "{e}");
    // Elevation asked for changes nothing for a non-holder.
    let forced = EndOptions {
        allow_elevated: true,
        ..opts()
    };
    let e = end_process(by, &roots, probe.as_ref(), &forced).unwrap_err();
    assert!(matches!(e, EndError::NotAHolder(_)), "{e}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(bystander.alive(), "a process holding nothing was ended");

    // 2. A real holder is listed with its start time.
    let (mut holder, mut tell, mut out) = locker(&lock);
    let hpid = holder.0.id();
    let scan = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();
    let h = scan
        .holders
        .iter()
        .find(|h| h.pid == hpid)
        .unwrap_or_else(|| panic!("{scan:#?}"));
    assert_eq!(h.start_time, Some(proc_start_time(hpid)));
    assert!(
        h.modules.contains(&format!("{}@{}", m.path, m.version)),
        "{h:?}"
    );
    let listed = ProcessIdentity {
        pid: hpid,
        start_time: h.start_time.unwrap(),
    };
    assert!(!scan.holders.iter().any(|h| h.pid == by.pid));

    // 3. The pid named with another start time (the listed process exited and the pid was
    //    reused by this one): refused, nothing signalled.
    for wrong in [listed.start_time + 1, listed.start_time - 1, 0, u64::MAX] {
        let e = end_process(
            ProcessIdentity {
                pid: hpid,
                start_time: wrong,
            },
            &roots,
            probe.as_ref(),
            &opts(),
        )
        .unwrap_err();
        assert!(matches!(e, EndError::Changed(p) if p == hpid), "{e}");
        assert_eq!(e.code(), "ProcessChanged");
    }
    // The bystander's pid with the holder's start time: refused too.
    let e = end_process(
        ProcessIdentity {
            pid: by.pid,
            start_time: listed.start_time,
        },
        &roots,
        probe.as_ref(),
        &opts(),
    )
    .unwrap_err();
    assert!(matches!(e, EndError::Changed(_)), "{e}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(holder.alive() && bystander.alive());

    // 4. A holder that let go since the scan is no longer ended: checked again at the end.
    writeln!(tell).unwrap();
    tell.flush().unwrap();
    let mut line = String::new();
    out.read_line(&mut line).unwrap();
    assert_eq!(line.trim(), "released");
    let e = end_process(listed, &roots, probe.as_ref(), &opts()).unwrap_err();
    assert!(matches!(e, EndError::NotAHolder(_)), "{e}");
    std::thread::sleep(Duration::from_millis(200));
    assert!(holder.alive(), "a former holder was ended");
    drop(holder);

    // 5. The legitimate case: a holder, named as listed, is ended; the bystander lives on.
    let (mut holder, _tell, _out) = locker(&lock);
    let scan = find_holders(&roots, probe.as_ref(), &CancelToken::new()).unwrap();
    let h = scan
        .holders
        .iter()
        .find(|h| h.pid == holder.0.id())
        .unwrap();
    let id = ProcessIdentity {
        pid: h.pid,
        start_time: h.start_time.unwrap(),
    };
    let done = end_process(id, &roots, probe.as_ref(), &opts()).unwrap();
    assert_eq!((done.pid, done.how), (id.pid, EndHow::Exited));
    assert!(
        holder.0.wait().unwrap().code().is_none(),
        "ended by a signal"
    );
    // Its identity now names nothing.
    let e = end_process(id, &roots, probe.as_ref(), &opts()).unwrap_err();
    assert!(matches!(e, EndError::NotFound(_)), "{e}");
    assert!(bystander.alive());
}
