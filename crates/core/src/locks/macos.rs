//! macOS lock probe through libproc (what `lsof` uses).
//!
//! For every process (`proc_listallpids`, in parallel): `PROC_PIDTBSDINFO` (name, uid; for
//! other users' processes `PROC_PIDT_SHORTBSDINFO`, which answers for them),
//! `proc_pidpath` (exe), `PROC_PIDVNODEPATHINFO` (cwd and root), `PROC_PIDLISTFDS` then
//! `proc_pidfdinfo(PROC_PIDFDVNODEPATHINFO)` for each vnode fd (open files and directories;
//! a regular file with no links left is reported as deleted-open), and the mapped files
//! through `PROC_PIDREGIONPATHINFO2` (asking `PROC_PIDREGIONPATHINFO` where it fails, see
//! [`layout::walk_regions`]). Processes
//! that answer `EPERM` (other users', SIP-protected) are counted as inaccessible. `flock`s are
//! not visible through libproc.
//!
//! The struct layouts libc lacks, their decoding and the path matching are in [`layout`] and
//! unit-tested on every OS.
#![allow(
    unsafe_code,
    reason = "libproc (proc_listallpids, proc_pidinfo, proc_pidfdinfo, proc_pidpath) are C \
              calls (ending a process and user names are in `unix.rs`, shared with Linux)"
)]
#![cfg_attr(
    not(target_os = "macos"),
    allow(
        dead_code,
        reason = "only the OS-independent half is compiled off macOS, for tests"
    )
)]

mod layout;

#[cfg(target_os = "macos")]
pub(crate) use sys::Probe;

/// End process on macOS: no handle on a process exists, so it is named by pid and the start
/// time from `PROC_PIDTBSDINFO`, read again before each signal ([`super::unix::PidRef`]).
#[cfg(target_os = "macos")]
pub(crate) mod end {
    use std::io;

    use super::layout;
    use super::sys::{bsd_info, bsd_name, short_info};
    use crate::locks::end::{OpenError, ProcessRef};
    use crate::locks::unix::{self, PidFacts, PidRef};

    /// libproc facts.
    pub(crate) struct Libproc;

    fn info(pid: u32) -> io::Result<libc::proc_bsdinfo> {
        let p = i32::try_from(pid)
            .map_err(|_| io::Error::new(io::ErrorKind::NotFound, "no such process"))?;
        bsd_info(p).map_err(|e| {
            if e == libc::ESRCH {
                io::Error::new(io::ErrorKind::NotFound, "no such process")
            } else {
                io::Error::from_raw_os_error(e)
            }
        })
    }

    impl PidFacts for Libproc {
        fn start_time(pid: u32) -> io::Result<u64> {
            info(pid).map(|b| layout::start_micros(b.pbi_start_tvsec, b.pbi_start_tvusec))
        }

        fn uid(pid: u32) -> Option<u32> {
            identity(pid).1
        }

        fn name(pid: u32) -> Option<String> {
            Some(identity(pid).0).filter(|n| !n.is_empty())
        }
    }

    /// The start time of `pid` in microseconds (`PROC_PIDTBSDINFO`), `None` when it is gone
    /// or another user's; also what tells a quarantine lock's owner from a reused pid
    /// (`clean/sys/unix.rs`).
    pub(crate) fn start_time(pid: u32) -> Option<u64> {
        Libproc::start_time(pid).ok()
    }

    /// Name and uid, from `PROC_PIDT_SHORTBSDINFO` when `PROC_PIDTBSDINFO` is refused.
    fn identity(pid: u32) -> (String, Option<u32>) {
        let full = info(pid).ok().map(|b| (bsd_name(&b), b.pbi_uid));
        layout::identity(full, || i32::try_from(pid).ok().and_then(short_info))
    }

    /// Whether `pid` is a zombie (exited, not reaped): xnu's `kill(pid, 0)` succeeds on one.
    pub(crate) fn is_zombie(pid: u32) -> bool {
        layout::is_zombie(i32::try_from(pid).ok().and_then(short_info).as_ref())
    }

    /// Opens `pid` by pid and start time.
    pub(crate) fn open(pid: u32) -> Result<Box<dyn ProcessRef>, OpenError> {
        PidRef::<Libproc>::open(pid).map(|r| Box::new(r) as Box<dyn ProcessRef>)
    }

    /// Whether this process is elevated (root).
    pub(crate) fn is_elevated() -> bool {
        unix::is_root()
    }
}

#[cfg(target_os = "macos")]
mod sys {
    use std::ffi::c_void;
    use std::path::PathBuf;

    use rayon::prelude::*;

    use super::layout::{self, MacRoots};
    use crate::CancelToken;
    use crate::locks::unix::UserNames;
    use crate::locks::{Hold, HoldKind, LockProbe, ProbeResult, ProcessInfo};

    // The layouts in `layout` agree with the structs libc does define.
    const _: () = assert!(size_of::<libc::vnode_info>() == layout::VNODE_INFO_SIZE);
    const _: () = assert!(size_of::<libc::vnode_info_path>() == layout::VNODE_INFO_PATH_SIZE);
    const _: () = assert!(size_of::<libc::proc_vnodepathinfo>() == layout::PROC_VNODEPATHINFO_SIZE);
    const _: () = assert!(size_of::<libc::proc_fdinfo>() == layout::PROC_FDINFO_SIZE);
    const _: () = assert!(size_of::<libc::proc_bsdshortinfo>() == layout::PROC_BSDSHORTINFO_SIZE);
    const _: () = assert!(libc::PROC_PIDT_SHORTBSDINFO == layout::PROC_PIDT_SHORTBSDINFO);
    const _: () = assert!(libc::SZOMB == layout::SZOMB);

    /// Regions walked per process at most.
    const MAX_REGIONS: usize = 100_000;

    /// The macOS [`LockProbe`].
    pub(crate) struct Probe;

    fn errno() -> i32 {
        std::io::Error::last_os_error().raw_os_error().unwrap_or(0)
    }

    /// Sets this thread's `errno` to 0, so that a libproc call's 0 can be told apart.
    fn clear_errno() {
        // SAFETY: `__error` returns this thread's errno location, always valid to write.
        unsafe { *libc::__error() = 0 };
    }

    /// Every pid, or the errno.
    fn all_pids() -> Result<Vec<i32>, std::io::Error> {
        clear_errno();
        // SAFETY: a null buffer asks for the count only.
        let n = unsafe { libc::proc_listallpids(std::ptr::null_mut(), 0) };
        let n = layout::pid_count_answer(n, errno()).map_err(std::io::Error::from_raw_os_error)?;
        let mut cap = n + 64;
        loop {
            let mut buf = vec![0i32; cap];
            let bytes = libc::c_int::try_from(cap * size_of::<i32>()).unwrap_or(libc::c_int::MAX);
            clear_errno();
            // SAFETY: `buf` is writable for `bytes` bytes.
            let got = unsafe { libc::proc_listallpids(buf.as_mut_ptr().cast::<c_void>(), bytes) };
            let got = layout::pid_count_answer(got, errno())
                .map_err(std::io::Error::from_raw_os_error)?;
            if got < cap || cap > (1 << 22) {
                buf.truncate(got.min(cap));
                return Ok(buf);
            }
            cap *= 2;
        }
    }

    /// `proc_pidinfo` into a byte buffer; the number of bytes written, or the errno.
    fn pidinfo(pid: i32, flavor: i32, arg: u64, buf: &mut [u8]) -> Result<usize, i32> {
        let len = libc::c_int::try_from(buf.len()).unwrap_or(libc::c_int::MAX);
        // An empty buffer is passed as NULL: libproc then answers the size it would need.
        let ptr = if buf.is_empty() {
            std::ptr::null_mut()
        } else {
            buf.as_mut_ptr().cast()
        };
        clear_errno();
        // SAFETY: `ptr` is NULL or writable for `len` bytes; the kernel copies out at most that.
        let r = unsafe { libc::proc_pidinfo(pid, flavor, arg, ptr, len) };
        layout::pidinfo_answer(r, errno())
    }

    /// `PROC_PIDT_SHORTBSDINFO` of `pid`: answers for other users' processes and zombies.
    pub(super) fn short_info(pid: i32) -> Option<layout::ShortInfo> {
        let mut buf = vec![0u8; layout::PROC_BSDSHORTINFO_SIZE];
        match pidinfo(pid, layout::PROC_PIDT_SHORTBSDINFO, 0, &mut buf) {
            Ok(n) if n == buf.len() => layout::decode_short_info(&buf),
            _ => None,
        }
    }

    /// What one process holds under the roots.
    struct Scan {
        pid: u32,
        info: ProcessInfo,
        holds: Vec<(PathBuf, HoldKind)>,
        denied: bool,
    }

    /// `PROC_PIDTBSDINFO` of `pid` (name, uid, start time), or the errno.
    pub(super) fn bsd_info(pid: i32) -> Result<libc::proc_bsdinfo, i32> {
        // SAFETY: proc_bsdinfo is plain old data; all zeroes is a valid value.
        let mut bsd: libc::proc_bsdinfo = unsafe { std::mem::zeroed() };
        let bsd_len = size_of::<libc::proc_bsdinfo>() as libc::c_int;
        clear_errno();
        // SAFETY: `bsd` is a live, writable proc_bsdinfo of `bsd_len` bytes.
        let r = unsafe {
            libc::proc_pidinfo(
                pid,
                libc::PROC_PIDTBSDINFO,
                0,
                (&raw mut bsd).cast::<c_void>(),
                bsd_len,
            )
        };
        if r == bsd_len {
            Ok(bsd)
        } else {
            Err(layout::pidinfo_answer(r, errno())
                .err()
                .unwrap_or(libc::EIO))
        }
    }

    /// The name in a `proc_bsdinfo` (`pbi_name`, else `pbi_comm`).
    pub(super) fn bsd_name(bsd: &libc::proc_bsdinfo) -> String {
        let bytes = |s: &[libc::c_char]| s.iter().map(|&c| c as u8).collect::<Vec<u8>>();
        let name = layout::c_name(&bytes(&bsd.pbi_name));
        if name.is_empty() {
            layout::c_name(&bytes(&bsd.pbi_comm))
        } else {
            name
        }
    }

    fn scan(pid: i32, roots: &MacRoots) -> Option<Scan> {
        let mut info = ProcessInfo::default();
        let full = match bsd_info(pid) {
            Ok(bsd) => {
                info.start_time = Some(layout::start_micros(
                    bsd.pbi_start_tvsec,
                    bsd.pbi_start_tvusec,
                ));
                Some((bsd_name(&bsd), bsd.pbi_uid))
            }
            Err(e) if e == libc::ESRCH => return None,
            // EPERM for other users' processes: the short info answers for them.
            Err(_) => None,
        };
        (info.name, info.uid) = layout::identity(full, || short_info(pid));
        let mut holds = Vec::new();
        let mut path_buf = vec![0u8; libc::PROC_PIDPATHINFO_MAXSIZE as usize];
        // SAFETY: `path_buf` is writable for the size passed.
        let n =
            unsafe { libc::proc_pidpath(pid, path_buf.as_mut_ptr().cast(), path_buf.len() as u32) };
        if n > 0 {
            info.exe = layout::c_path(&path_buf[..usize::try_from(n).unwrap_or(0)]);
            if let Some(p) = info.exe.as_deref().and_then(|e| roots.rebase(e)) {
                holds.push((p, HoldKind::Exe));
            }
        }
        if info.name.is_empty()
            && let Some(exe) = &info.exe
        {
            info.name = exe
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
        }

        let mut denied = false;
        let mut vp = vec![0u8; layout::PROC_VNODEPATHINFO_SIZE];
        match pidinfo(pid, libc::PROC_PIDVNODEPATHINFO, 0, &mut vp) {
            Ok(n) if n == vp.len() => {
                let (cwd, root) = layout::decode_cwd_root(&vp);
                if let Some(p) = cwd.as_deref().and_then(|c| roots.rebase(c)) {
                    holds.push((p, HoldKind::Cwd));
                }
                if let Some(p) = root.as_deref().and_then(|c| roots.rebase(c)) {
                    holds.push((p, HoldKind::Root));
                }
            }
            Err(e) if e == libc::EPERM => denied = true,
            _ => {}
        }

        // Open files: size first, then the list (grown if it filled the buffer).
        let mut fds = Vec::new();
        let mut cap = match pidinfo(pid, libc::PROC_PIDLISTFDS, 0, &mut []) {
            Ok(n) => n + 32 * layout::PROC_FDINFO_SIZE,
            Err(e) => {
                denied |= e == libc::EPERM;
                0
            }
        };
        while cap > 0 {
            let mut buf = vec![0u8; cap];
            match pidinfo(pid, libc::PROC_PIDLISTFDS, 0, &mut buf) {
                Ok(n) if n < cap || cap >= (64 << 20) => {
                    fds = layout::decode_fdinfos(&buf[..n.min(cap)]);
                    break;
                }
                Ok(_) => cap *= 2,
                Err(e) => {
                    denied |= e == libc::EPERM;
                    break;
                }
            }
        }
        let mut fdbuf = vec![0u8; layout::VNODE_FDINFOWITHPATH_SIZE];
        let fd_len = fdbuf.len() as libc::c_int;
        for (fd, ty) in fds {
            if ty != layout::PROX_FDTYPE_VNODE {
                continue;
            }
            // SAFETY: `fdbuf` is writable for `fd_len` bytes.
            let r = unsafe {
                libc::proc_pidfdinfo(
                    pid,
                    fd,
                    layout::PROC_PIDFDVNODEPATHINFO,
                    fdbuf.as_mut_ptr().cast(),
                    fd_len,
                )
            };
            if r != fd_len {
                continue;
            }
            if let Some(v) = layout::decode_fd_vnode(&fdbuf)
                && let Some(p) = roots.rebase(&v.path)
            {
                let kind = if v.unlinked {
                    HoldKind::DeletedOpen
                } else {
                    HoldKind::OpenFile
                };
                holds.push((p, kind));
            }
        }

        // Mapped files.
        let mut rbuf = vec![0u8; layout::PROC_REGIONWITHPATHINFO_SIZE];
        let mut flavor = layout::PROC_PIDREGIONPATHINFO2;
        if let Err(e) = pidinfo(pid, flavor, 0, &mut rbuf)
            && e == libc::EINVAL
        {
            flavor = layout::PROC_PIDREGIONPATHINFO;
        }
        let mut any_buf = vec![0u8; layout::PROC_REGIONWITHPATHINFO_SIZE];
        let mapped = layout::walk_regions(
            MAX_REGIONS,
            |addr| match pidinfo(pid, flavor, addr, &mut rbuf) {
                Ok(n) if n == rbuf.len() => layout::decode_region(&rbuf),
                _ => None,
            },
            |addr| {
                if flavor == layout::PROC_PIDREGIONPATHINFO {
                    return None;
                }
                match pidinfo(pid, layout::PROC_PIDREGIONPATHINFO, addr, &mut any_buf) {
                    Ok(n) if n == any_buf.len() => layout::decode_region(&any_buf),
                    _ => None,
                }
            },
        );
        for m in mapped {
            if info.exe.as_deref() == Some(m.as_path()) {
                continue;
            }
            if let Some(p) = roots.rebase(&m) {
                holds.push((p, HoldKind::Mmap));
            }
        }
        holds.sort();
        holds.dedup();
        Some(Scan {
            pid: u32::try_from(pid).ok()?,
            info,
            holds,
            denied,
        })
    }

    impl LockProbe for Probe {
        fn name(&self) -> &'static str {
            "libproc"
        }

        fn probe(&self, roots: &[PathBuf], cancel: &CancelToken) -> crate::Result<ProbeResult> {
            cancel.check()?;
            let matcher = MacRoots::new(roots, |r| std::fs::canonicalize(r).ok());
            if matcher.is_empty() {
                return Ok(ProbeResult::default());
            }
            let pids = all_pids().map_err(|e| crate::Error::io("proc_listallpids", e))?;
            let me = i32::try_from(std::process::id()).unwrap_or(-1);
            let scans: Vec<Scan> = pids
                .into_par_iter()
                .filter(|&p| p > 0 && p != me)
                .filter_map(|p| {
                    if cancel.is_cancelled() {
                        None
                    } else {
                        scan(p, &matcher)
                    }
                })
                .collect();
            cancel.check()?;
            let mut out = ProbeResult::default();
            let users = UserNames::default();
            for s in scans {
                if s.denied {
                    out.inaccessible += 1;
                }
                if s.holds.is_empty() {
                    continue;
                }
                out.holds
                    .extend(s.holds.into_iter().map(|(path, kind)| Hold {
                        pid: s.pid,
                        path,
                        kind,
                    }));
                let mut info = s.info;
                info.user = info.uid.and_then(|u| users.get(u));
                out.processes.push((s.pid, info));
            }
            Ok(out)
        }
    }
}
