//! Lock probe for Linux, over procfs: for every process (in parallel), `/proc/<pid>/fd/*`
//! (open files; a ` (deleted)` suffix marks a deleted file still open), `cwd`, `root`, `exe`,
//! `maps` (mapped files), plus `/proc/locks` to tell which process holds a `flock`/`fcntl` lock
//! (Go's `@v/<version>.lock`). Link targets are compared as strings against the roots first;
//! only the few matching descriptors are `stat`ed, and only when `/proc/locks` is not empty.
//! User names come from [`super::unix`]. End process ([`end`]) holds the process through a
//! pidfd (`pidfd_open`, `pidfd_send_signal`, `poll`): the only `unsafe` in this file.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::fs;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use rayon::prelude::*;

use super::unix::UserNames;
use super::{Hold, HoldKind, LockProbe, ProbeResult, ProcessInfo};
use crate::CancelToken;

/// The Linux [`LockProbe`] (procfs).
pub(crate) struct Probe;

/// The start time of a process from its `/proc/<pid>/stat` line: field 22 (`starttime`, clock
/// ticks after boot). The name field (2) is in parentheses and may hold spaces and parentheses
/// itself, so the fields are counted after the last `)`.
pub(crate) fn stat_start_time(stat: &str) -> Option<u64> {
    // After the name: field 3 (state) is the first, so field 22 is the 20th.
    stat_after_name(stat)?.nth(22 - 3)?.parse().ok()
}

/// The fields of a `/proc/<pid>/stat` line after the name (field 3, the state, first).
fn stat_after_name(stat: &str) -> Option<std::str::SplitWhitespace<'_>> {
    Some(stat.get(stat.rfind(')')? + 1..)?.split_whitespace())
}

/// Whether `pid` has exited but not been reaped (state `Z`) or is being torn down (`X`):
/// `Some(false)` for a live process, `None` when `/proc/<pid>/stat` cannot be read (gone, or
/// not visible).
pub(crate) fn is_zombie(pid: u32) -> Option<bool> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let state = stat_after_name(&stat)?.next()?;
    Some(state == "Z" || state == "X")
}

/// The start time of `pid` now (`/proc/<pid>/stat`).
pub(crate) fn start_time(pid: u32) -> io::Result<u64> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat"))?;
    stat_start_time(&stat).ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("/proc/{pid}/stat: no start time"),
        )
    })
}

const DELETED: &[u8] = b" (deleted)";

/// The roots as byte prefixes. Each root is matched as given and, when different, in its
/// canonical form (procfs shows resolved paths); matches are reported under the root as given.
#[derive(Debug)]
struct Roots(Vec<(Vec<u8>, PathBuf)>);

impl Roots {
    fn new(roots: &[PathBuf]) -> Self {
        let mut v = Vec::new();
        for r in roots {
            let given = trim_slash(r.as_os_str().as_bytes()).to_vec();
            if let Ok(canon) = fs::canonicalize(r) {
                let c = trim_slash(canon.as_os_str().as_bytes()).to_vec();
                if c != given {
                    v.push((c, r.clone()));
                }
            }
            v.push((given, r.clone()));
        }
        // Longest prefix first, so a nested root maps through itself.
        v.sort_by_key(|(p, _)| std::cmp::Reverse(p.len()));
        Self(v)
    }

    /// `target` rewritten under the matching root as given, when it is a root or under one.
    fn map(&self, target: &[u8]) -> Option<PathBuf> {
        for (prefix, given) in &self.0 {
            if target.starts_with(prefix)
                && (target.len() == prefix.len() || target[prefix.len()] == b'/')
            {
                let rest = &target[prefix.len()..];
                if rest.is_empty() {
                    return Some(given.clone());
                }
                return Some(given.join(Path::new(OsStr::from_bytes(&rest[1..]))));
            }
        }
        None
    }
}

fn trim_slash(b: &[u8]) -> &[u8] {
    let mut b = b;
    while b.len() > 1 && b.ends_with(b"/") {
        b = &b[..b.len() - 1];
    }
    b
}

/// Splits a ` (deleted)` suffix off a procfs link target.
fn split_deleted(target: &[u8]) -> (&[u8], bool) {
    match target.strip_suffix(DELETED) {
        Some(t) => (t, true),
        None => (target, false),
    }
}

/// One line of `/proc/locks`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct LockLine {
    /// `FLOCK`, `POSIX`, `OFDLCK`, `LEASE`, ...
    pub(crate) class: String,
    /// The owner pid; `-1` for open-file-description locks (owned by the description).
    pub(crate) pid: i64,
    /// Device major and minor, inode.
    pub(crate) dev: (u32, u32),
    /// Inode number.
    pub(crate) ino: u64,
}

/// Parses `/proc/locks` (`1: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF`; device numbers in
/// hex, inode in decimal). Waiters (`1: -> FLOCK ...`) are skipped: they hold nothing yet.
pub(crate) fn parse_proc_locks(text: &str) -> Vec<LockLine> {
    text.lines()
        .filter_map(|line| {
            let mut t = line.split_whitespace();
            t.next()?; // "1:"
            let class = t.next()?;
            if class == "->" {
                return None;
            }
            let _mode = t.next()?; // ADVISORY / MANDATORY / ACTIVE / BREAKING
            let _access = t.next()?; // READ / WRITE / UNLCK
            let pid: i64 = t.next()?.parse().ok()?;
            let mut id = t.next()?.split(':');
            let maj = u32::from_str_radix(id.next()?, 16).ok()?;
            let min = u32::from_str_radix(id.next()?, 16).ok()?;
            let ino: u64 = id.next()?.parse().ok()?;
            Some(LockLine {
                class: class.to_owned(),
                pid,
                dev: (maj, min),
                ino,
            })
        })
        .collect()
}

/// glibc's `major`/`minor` of a `dev_t`.
fn dev_parts(dev: u64) -> (u32, u32) {
    let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & 0xffff_f000);
    let minor = (dev & 0xff) | ((dev >> 12) & 0xffff_ff00);
    (
        u32::try_from(major).unwrap_or(u32::MAX),
        u32::try_from(minor).unwrap_or(u32::MAX),
    )
}

/// `(dev, ino)` -> owner pids of the locks on that file.
type LockIndex = HashMap<((u32, u32), u64), Vec<i64>>;

fn lock_index() -> LockIndex {
    let mut idx = LockIndex::new();
    if let Ok(text) = fs::read_to_string("/proc/locks") {
        for l in parse_proc_locks(&text) {
            idx.entry((l.dev, l.ino)).or_default().push(l.pid);
        }
    }
    idx
}

/// The mapped file of one `/proc/<pid>/maps` line: the path field starts at the first `/`
/// (the fields before it hold no `/`).
fn maps_path(line: &[u8]) -> Option<&[u8]> {
    line.iter().position(|&b| b == b'/').map(|i| &line[i..])
}

enum PidScan {
    Gone,
    Inaccessible,
    Found(Vec<Hold>),
}

fn readlink_bytes(p: &Path) -> Option<Vec<u8>> {
    fs::read_link(p)
        .ok()
        .map(|t| t.into_os_string().as_bytes().to_vec())
}

fn scan_pid(pid: u32, roots: &Roots, locks: &LockIndex) -> PidScan {
    let base = PathBuf::from(format!("/proc/{pid}"));
    let mut holds = Vec::new();
    let fd_dir = base.join("fd");
    match fs::read_dir(&fd_dir) {
        Ok(entries) => {
            for e in entries.flatten() {
                let p = e.path();
                let Some(t) = readlink_bytes(&p) else {
                    continue;
                };
                if t.first() != Some(&b'/') {
                    continue; // socket:[..], pipe:[..], anon_inode:..
                }
                let (t, deleted) = split_deleted(&t);
                let Some(path) = roots.map(t) else {
                    continue;
                };
                if !locks.is_empty()
                    && let Ok(md) = fs::metadata(&p)
                {
                    let owners = locks.get(&(dev_parts(md.dev()), md.ino()));
                    if owners.is_some_and(|o| o.iter().any(|&o| o == i64::from(pid) || o < 0)) {
                        holds.push(Hold {
                            pid,
                            path: path.clone(),
                            kind: HoldKind::Flock,
                        });
                    }
                }
                let kind = if deleted {
                    HoldKind::DeletedOpen
                } else {
                    HoldKind::OpenFile
                };
                holds.push(Hold { pid, path, kind });
            }
        }
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => return PidScan::Inaccessible,
        Err(_) => return PidScan::Gone,
    }
    let mut exe_path = None;
    for (name, kind) in [
        ("cwd", HoldKind::Cwd),
        ("root", HoldKind::Root),
        ("exe", HoldKind::Exe),
    ] {
        if let Some(t) = readlink_bytes(&base.join(name)) {
            let (t, _) = split_deleted(&t);
            if let Some(path) = roots.map(t) {
                if kind == HoldKind::Exe {
                    exe_path = Some(path.clone());
                }
                holds.push(Hold { pid, path, kind });
            }
        }
    }
    if let Ok(maps) = fs::read(base.join("maps")) {
        let mut seen: HashSet<&[u8]> = HashSet::new();
        for line in maps.split(|&b| b == b'\n') {
            let Some(t) = maps_path(line) else {
                continue;
            };
            if !seen.insert(t) {
                continue;
            }
            let (t, deleted) = split_deleted(t);
            let Some(path) = roots.map(t) else {
                continue;
            };
            if exe_path.as_ref() == Some(&path) {
                continue; // the image itself: already an Exe hold
            }
            if deleted {
                holds.push(Hold {
                    pid,
                    path: path.clone(),
                    kind: HoldKind::DeletedOpen,
                });
            }
            holds.push(Hold {
                pid,
                path,
                kind: HoldKind::Mmap,
            });
        }
    }
    PidScan::Found(holds)
}

fn read_trimmed(p: &Path) -> Option<String> {
    fs::read_to_string(p)
        .ok()
        .map(|s| s.trim_end_matches('\n').to_owned())
}

/// The effective uid from the `Uid:` line of `/proc/<pid>/status` (real, effective, saved, fs).
pub(crate) fn status_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|rest| rest.split_whitespace().nth(1))
        .and_then(|u| u.parse().ok())
}

/// What procfs tells about `pid`; `None` once it is gone.
pub(crate) fn process_info(pid: u32, users: &UserNames) -> Option<ProcessInfo> {
    let base = PathBuf::from(format!("/proc/{pid}"));
    let status = fs::read_to_string(base.join("status")).ok()?;
    let name = read_trimmed(&base.join("comm")).unwrap_or_default();
    let exe = readlink_bytes(&base.join("exe")).map(|t| {
        let (t, _) = split_deleted(&t);
        PathBuf::from(OsStr::from_bytes(t))
    });
    let uid = status_uid(&status);
    let start_time = start_time(pid).ok();
    let cmdline = fs::read(base.join("cmdline"))
        .map(|b| {
            b.split(|&c| c == 0)
                .filter(|a| !a.is_empty())
                .map(|a| String::from_utf8_lossy(a).into_owned())
                .collect()
        })
        .unwrap_or_default();
    Some(ProcessInfo {
        name,
        exe,
        uid,
        user: uid.and_then(|u| users.get(u)),
        app_name: None,
        cmdline,
        start_time,
    })
}

fn all_pids() -> io::Result<Vec<u32>> {
    let me = std::process::id();
    Ok(fs::read_dir("/proc")?
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<u32>().ok()))
        .filter(|&p| p != me)
        .collect())
}

impl LockProbe for Probe {
    fn name(&self) -> &'static str {
        "procfs"
    }

    fn probe(&self, roots: &[PathBuf], cancel: &CancelToken) -> crate::Result<ProbeResult> {
        cancel.check()?;
        let pids = all_pids().map_err(|e| crate::Error::io("/proc", e))?;
        let roots = Roots::new(roots);
        let locks = lock_index();
        let inaccessible = AtomicUsize::new(0);
        let found: Vec<Vec<Hold>> = pids
            .par_iter()
            .filter_map(|&pid| {
                if cancel.is_cancelled() {
                    return None;
                }
                match scan_pid(pid, &roots, &locks) {
                    PidScan::Found(h) if !h.is_empty() => Some(h),
                    PidScan::Inaccessible => {
                        inaccessible.fetch_add(1, Ordering::Relaxed);
                        None
                    }
                    PidScan::Found(_) | PidScan::Gone => None,
                }
            })
            .collect();
        cancel.check()?;
        let holds: Vec<Hold> = found.into_iter().flatten().collect();
        let mut pids: Vec<u32> = holds.iter().map(|h| h.pid).collect();
        pids.sort_unstable();
        pids.dedup();
        let users = UserNames::default();
        let processes: Vec<(u32, ProcessInfo)> = pids
            .into_iter()
            .filter_map(|pid| process_info(pid, &users).map(|i| (pid, i)))
            .collect();
        // A process that exited between the two passes is absent.
        let alive: HashSet<u32> = processes.iter().map(|(p, _)| *p).collect();
        Ok(ProbeResult {
            holds: holds
                .into_iter()
                .filter(|h| alive.contains(&h.pid))
                .collect(),
            processes,
            inaccessible: inaccessible.into_inner(),
            warnings: Vec::new(),
        })
    }
}

/// End process on Linux: a pidfd on the process, so that the start-time check and the signals
/// concern one and the same process even if it exits and its pid is reused meanwhile.
#[allow(
    unsafe_code,
    reason = "pidfd_send_signal with signal 0 (the liveness check) is a raw syscall: rustix's \
              Signal cannot be 0"
)]
pub(crate) mod end {
    use std::io;
    use std::os::fd::{AsRawFd, OwnedFd};
    use std::time::{Duration, Instant};

    use super::super::end::{OpenError, Owner, ProcessRef};
    use super::super::unix::{self, PidFacts, PidRef, esrch_as_not_found};
    use super::{read_trimmed, start_time, status_uid};

    /// procfs facts, for the pid-based fallback on kernels without pidfds (before 5.3).
    pub(crate) struct Procfs;

    impl PidFacts for Procfs {
        fn start_time(pid: u32) -> io::Result<u64> {
            start_time(pid)
        }

        fn uid(pid: u32) -> Option<u32> {
            status_uid(&std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?)
        }

        fn name(pid: u32) -> Option<String> {
            read_trimmed(std::path::Path::new(&format!("/proc/{pid}/comm")))
        }
    }

    /// A process held through a pidfd.
    struct PidFd {
        pid: u32,
        fd: OwnedFd,
    }

    impl PidFd {
        /// `pidfd_send_signal(fd, sig, NULL, 0)`; `sig` 0 checks that it is alive and may be
        /// signalled.
        fn send(&self, sig: libc::c_int) -> io::Result<()> {
            // SAFETY: the fd is a live pidfd owned by `self`; a null siginfo and zero flags are
            // the documented plain form (like kill).
            let r = unsafe {
                libc::syscall(
                    libc::SYS_pidfd_send_signal,
                    self.fd.as_raw_fd(),
                    sig,
                    std::ptr::null::<libc::siginfo_t>(),
                    0_u32,
                )
            };
            if r == 0 {
                Ok(())
            } else {
                Err(esrch_as_not_found(io::Error::last_os_error()))
            }
        }

        /// Reads something from procfs about `pid` and confirms afterwards that the pidfd's
        /// process is still alive: while it is, the pid cannot name another process, so what
        /// was read is its own.
        fn read<T>(&self, f: impl FnOnce(u32) -> Option<T>) -> Option<T> {
            let v = f(self.pid)?;
            self.send(0).ok().map(|()| v)
        }
    }

    impl ProcessRef for PidFd {
        fn start_time(&self) -> io::Result<u64> {
            let t = start_time(self.pid).map_err(|e| {
                if e.kind() == io::ErrorKind::NotFound {
                    e
                } else {
                    io::Error::new(io::ErrorKind::NotFound, e)
                }
            });
            // Alive afterwards (an exited process is NotFound whatever /proc showed).
            self.send(0)?;
            t
        }

        fn owner(&self) -> Owner {
            unix::owner_of(self.read(Procfs::uid), unix::current_uid())
        }

        fn name(&self) -> Option<String> {
            self.read(Procfs::name)
        }

        fn request_exit(&self) -> io::Result<bool> {
            self.send(libc::SIGTERM).map(|()| true)
        }

        fn terminate(&self) -> io::Result<()> {
            self.send(libc::SIGKILL)
        }

        fn wait_gone(&self, limit: Duration) -> bool {
            // A pidfd polls readable once the process has exited (a zombie counts).
            let until = Instant::now() + limit.min(super::super::unix::MAX_WAIT);
            loop {
                let left = until.saturating_duration_since(Instant::now());
                let timeout = rustix::event::Timespec {
                    tv_sec: i64::try_from(left.as_secs()).unwrap_or(i64::MAX),
                    tv_nsec: left.subsec_nanos().into(),
                };
                let mut fds = [rustix::event::PollFd::new(
                    &self.fd,
                    rustix::event::PollFlags::IN,
                )];
                match rustix::event::poll(&mut fds, Some(&timeout)) {
                    Ok(n) => return n > 0,
                    Err(rustix::io::Errno::INTR) => {}
                    Err(_) => return false,
                }
            }
        }
    }

    /// Opens `pid` as a pidfd (or, on kernels without pidfds, by pid and start time).
    pub(crate) fn open(pid: u32) -> Result<Box<dyn ProcessRef>, OpenError> {
        let p = libc::pid_t::try_from(pid)
            .ok()
            .filter(|&p| p > 0)
            .ok_or(OpenError::Gone)?;
        let pid_ref = rustix::process::Pid::from_raw(p).ok_or(OpenError::Gone)?;
        let fd = match rustix::process::pidfd_open(pid_ref, rustix::process::PidfdFlags::empty()) {
            Ok(fd) => fd,
            Err(rustix::io::Errno::SRCH) => return Err(OpenError::Gone),
            // Kernels before 5.3: by pid and start time.
            Err(rustix::io::Errno::NOSYS) => {
                return PidRef::<Procfs>::open(pid).map(|r| Box::new(r) as Box<dyn ProcessRef>);
            }
            Err(e) => return Err(OpenError::Io(e.into())),
        };
        let r = PidFd { pid, fd };
        match r.send(0) {
            Ok(()) => Ok(Box::new(r)),
            Err(e) if e.raw_os_error() == Some(libc::EPERM) => Err(OpenError::NotPermitted),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Err(OpenError::Gone),
            Err(e) => Err(OpenError::Io(e)),
        }
    }

    /// Whether this process is elevated (root).
    pub(crate) fn is_elevated() -> bool {
        unix::is_root()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proc_locks_lines_parse_and_waiters_are_skipped() {
        let text = "1: FLOCK  ADVISORY  WRITE 4242 08:01:1234567 0 EOF\n\
                    1: -> FLOCK  ADVISORY  WRITE 4243 08:01:1234567 0 EOF\n\
                    2: POSIX  ADVISORY  READ 17 fd:1a:99 0 100\n\
                    3: OFDLCK ADVISORY  WRITE -1 00:2e:77 0 EOF\n\
                    garbage\n";
        let l = parse_proc_locks(text);
        assert_eq!(l.len(), 3);
        assert_eq!(
            l[0],
            LockLine {
                class: "FLOCK".into(),
                pid: 4242,
                dev: (8, 1),
                ino: 1_234_567
            }
        );
        assert_eq!(l[1].dev, (0xfd, 0x1a));
        assert_eq!(l[1].class, "POSIX");
        assert_eq!(l[2].pid, -1);
        assert_eq!(l[2].dev, (0, 0x2e));
    }

    #[test]
    fn roots_match_whole_components_and_map_back() {
        let roots = Roots::new(&[PathBuf::from("/nonexistent/gomod/")]);
        assert_eq!(
            roots.map(b"/nonexistent/gomod/a@v1/x.go"),
            Some(PathBuf::from("/nonexistent/gomod/a@v1/x.go"))
        );
        assert_eq!(
            roots.map(b"/nonexistent/gomod"),
            Some(PathBuf::from("/nonexistent/gomod/"))
        );
        assert_eq!(roots.map(b"/nonexistent/gomodx/a"), None);
        assert_eq!(roots.map(b"/nonexistent"), None);
    }

    #[test]
    fn canonical_roots_are_reported_as_given() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real");
        fs::create_dir(&real).unwrap();
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let roots = Roots::new(std::slice::from_ref(&link));
        let canon = fs::canonicalize(&real).unwrap().join("f");
        assert_eq!(
            roots.map(canon.as_os_str().as_bytes()),
            Some(link.join("f"))
        );
    }

    #[test]
    fn deleted_suffix_and_maps_paths() {
        assert_eq!(split_deleted(b"/a/b (deleted)"), (&b"/a/b"[..], true));
        assert_eq!(split_deleted(b"/a/b"), (&b"/a/b"[..], false));
        let line = b"7f1c0000-7f1c2000 r--s 00000000 08:01 393 /c/mod/x@v1/d.bin (deleted)";
        assert_eq!(maps_path(line), Some(&b"/c/mod/x@v1/d.bin (deleted)"[..]));
        assert_eq!(maps_path(b"7ffd-7ffe rw-p 00000000 00:00 0 [stack]"), None);
    }

    #[test]
    fn start_time_is_field_22_even_with_spaces_and_parens_in_the_name() {
        // Field 22 is 98765; the name `(a) b)` holds a space and parentheses.
        let fields = "S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 98765 20 21 22";
        assert_eq!(
            stat_start_time(&format!("42 ((a) b)) {fields}\n")),
            Some(98765)
        );
        assert_eq!(
            stat_start_time(&format!("42 (sleep) {fields}")),
            Some(98765)
        );
        assert_eq!(
            stat_start_time(&format!("42 (x 1 2 3) {fields}")),
            Some(98765)
        );
        assert_eq!(stat_start_time("42 (short) S 1 2"), None);
        assert_eq!(stat_start_time("no parens at all"), None);
        assert_eq!(
            stat_start_time("42 (a) S 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 x 20"),
            None
        );
        // This process: a real stat line, and a start time that does not change.
        let me = std::process::id();
        let t = start_time(me).unwrap();
        assert!(t > 0);
        assert_eq!(start_time(me).unwrap(), t);
        assert!(start_time(4_999_999).is_err());
    }

    #[test]
    fn status_uid_is_the_effective_one_and_dev_parts_split() {
        let status = "Name:\tsleep\nUid:\t1000\t1001\t1000\t1000\nGid:\t1\n";
        assert_eq!(status_uid(status), Some(1001));
        assert_eq!(status_uid("Name:\tx\n"), None);
        // makedev(8, 1) and makedev(259, 65536) in glibc's encoding.
        assert_eq!(dev_parts(0x801), (8, 1));
        let makedev = |maj: u64, min: u64| {
            ((maj & 0xfff) << 8) | ((maj & !0xfff) << 32) | (min & 0xff) | ((min & !0xff) << 12)
        };
        assert_eq!(dev_parts(makedev(259, 65536)), (259, 65536));
        assert_eq!(dev_parts(makedev(4096, 3)), (4096, 3));
    }
}
