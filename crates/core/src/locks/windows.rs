//! Windows lock probe: which processes hold files under the roots.
//!
//! Three passes, merged per process:
//! 1. Processes (Toolhelp32 snapshot): the image path (`QueryFullProcessImageNameW`) and the
//!    loaded modules (`Module32FirstW`/`NextW`) under a root give [`HoldKind::Exe`] and
//!    [`HoldKind::Mmap`] (a toolchain `go.exe` or a `go run` binary running from the caches).
//! 2. NT handle enumeration, as PowerToys File Locksmith does:
//!    `NtQuerySystemInformation(SystemExtendedHandleInformation)`, then for each file handle of
//!    another process `DuplicateHandle` and, only when `GetFileType` is `FILE_TYPE_DISK`,
//!    `GetFinalPathNameByHandleW`. These calls can hang on pipe handles, so they run on worker
//!    threads under a watchdog ([`pure::run_guarded`]). This finds directory handles too (a
//!    shell or an editor whose working directory is in the cache) as [`HoldKind::OpenFile`].
//! 3. Restart Manager over a bounded set of files (the files the caller named, the files seen
//!    held, then a sample with images first), batched, for friendly application names and for
//!    holders the handle pass could not see; it is attributed file by file only where needed
//!    ([`pure::rm_attribute`]).
//!
//! The OS-independent half (path normalization, layouts, loops) is in [`pure`] and unit-tested
//! on every OS.
#![allow(
    unsafe_code,
    reason = "Toolhelp32, NtQuerySystemInformation, DuplicateHandle, Restart Manager and the \
              token API are Win32/NT calls"
)]
#![cfg_attr(
    not(windows),
    allow(
        dead_code,
        reason = "only the OS-independent half is compiled off Windows, for tests"
    )
)]

mod pure;

#[cfg(windows)]
pub(crate) use sys::{Probe, end};

#[cfg(windows)]
mod sys {
    use std::collections::{BTreeMap, BTreeSet};
    use std::ffi::c_void;
    use std::os::windows::io::AsRawHandle;
    use std::path::PathBuf;
    use std::time::Duration;

    use rayon::prelude::*;
    use windows_sys::Wdk::System::SystemInformation::NtQuerySystemInformation;
    use windows_sys::Win32::Foundation::{
        CloseHandle, DUPLICATE_SAME_ACCESS, DuplicateHandle, ERROR_INSUFFICIENT_BUFFER,
        ERROR_MORE_DATA, FILETIME, GetLastError, HANDLE, INVALID_HANDLE_VALUE, LocalFree,
        STATUS_INFO_LENGTH_MISMATCH,
    };
    use windows_sys::Win32::Security::Authorization::ConvertSidToStringSidW;
    use windows_sys::Win32::Security::{
        GetTokenInformation, LookupAccountSidW, SID_NAME_USE, TOKEN_QUERY, TOKEN_USER, TokenUser,
    };
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_NAME_NORMALIZED, FILE_TYPE_DISK, GetFileType, GetFinalPathNameByHandleW,
        GetLogicalDrives, QueryDosDeviceW, VOLUME_NAME_DOS, VOLUME_NAME_NT,
    };
    use windows_sys::Win32::System::Diagnostics::ToolHelp::{
        CreateToolhelp32Snapshot, MODULEENTRY32W, Module32FirstW, Module32NextW, PROCESSENTRY32W,
        Process32FirstW, Process32NextW, TH32CS_SNAPMODULE, TH32CS_SNAPMODULE32,
        TH32CS_SNAPPROCESS,
    };
    use windows_sys::Win32::System::RestartManager::{
        CCH_RM_SESSION_KEY, RM_PROCESS_INFO, RmEndSession, RmGetList, RmRegisterResources,
        RmStartSession,
    };
    use windows_sys::Win32::System::Threading::{
        GetCurrentProcess, GetCurrentProcessId, GetProcessTimes, OpenProcess, OpenProcessToken,
        PROCESS_DUP_HANDLE, PROCESS_QUERY_LIMITED_INFORMATION, QueryFullProcessImageNameW,
    };

    use super::pure::{
        self, Fill, SYSTEM_EXTENDED_HANDLE_INFORMATION, WinRoots, fill_growing, utf16_to_string,
    };
    use crate::CancelToken;
    use crate::locks::{Hold, HoldKind, LockProbe, ProbeResult, ProcessInfo};

    /// A handle query that does not answer in this time is abandoned (File Locksmith: 200 ms).
    const QUERY_TIMEOUT: Duration = Duration::from_millis(200);
    /// After this many abandoned queries the handle pass stops (each one leaves a thread).
    const MAX_HUNG: usize = 8;
    /// Restart Manager: at most this many files registered, this many per session.
    const RM_MAX_FILES: usize = 1024;
    const RM_CHUNK: usize = 64;
    /// The sampling walk for Restart Manager: entries looked at, files kept.
    const SAMPLE_VISIT: usize = 20_000;
    const SAMPLE_PICK: usize = 256;

    /// The Windows [`LockProbe`].
    pub(crate) struct Probe;

    /// An owned Win32 handle, closed on drop.
    struct Owned(HANDLE);

    impl Owned {
        fn new(h: HANDLE) -> Option<Self> {
            (!h.is_null() && h != INVALID_HANDLE_VALUE).then_some(Self(h))
        }
    }

    impl Drop for Owned {
        fn drop(&mut self) {
            // SAFETY: the handle was returned open by the API and is closed exactly once here.
            unsafe { CloseHandle(self.0) };
        }
    }

    /// What the passes found, keyed for deduplication.
    #[derive(Default)]
    struct Acc {
        holds: BTreeSet<(u32, String, HoldKind)>,
        info: BTreeMap<u32, ProcessInfo>,
        inaccessible: BTreeSet<u32>,
        warnings: Vec<String>,
    }

    fn wide(s: &str) -> Vec<u16> {
        s.encode_utf16().chain(Some(0)).collect()
    }

    fn last_error() -> u32 {
        // SAFETY: reads the calling thread's last-error value; no preconditions.
        unsafe { GetLastError() }
    }

    impl LockProbe for Probe {
        fn name(&self) -> &'static str {
            "restart-manager+nt-handles"
        }

        fn probe(&self, roots: &[PathBuf], cancel: &CancelToken) -> crate::Result<ProbeResult> {
            cancel.check()?;
            let devices = dos_devices();
            let root_strs: Vec<String> = roots
                .iter()
                .map(|r| r.to_string_lossy().into_owned())
                .collect();
            let matcher = WinRoots::new(
                &root_strs,
                |r| {
                    std::fs::canonicalize(r)
                        .ok()
                        .map(|p| p.to_string_lossy().into_owned())
                },
                &devices,
            );
            let mut acc = Acc::default();
            if matcher.is_empty() {
                return Ok(ProbeResult::default());
            }
            process_pass(&matcher, &devices, &mut acc);
            cancel.check()?;
            handle_pass(&matcher, &devices, cancel, &mut acc)?;
            cancel.check()?;
            rm_pass(roots, &matcher, &devices, &mut acc);
            cancel.check()?;

            let pids: BTreeSet<u32> = acc.holds.iter().map(|h| h.0).collect();
            let mut processes = Vec::with_capacity(pids.len());
            for pid in pids {
                let mut info = acc.info.remove(&pid).unwrap_or_default();
                if info.exe.is_none() {
                    info.exe = image_path(pid).map(PathBuf::from);
                }
                if info.name.is_empty()
                    && let Some(exe) = &info.exe
                {
                    info.name = exe
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                }
                if let Some(h) = open_query(pid) {
                    info.user = token_user(h.0).and_then(|u| u.name);
                    info.start_time = creation_micros(h.0);
                }
                processes.push((pid, info));
            }
            Ok(ProbeResult {
                holds: acc
                    .holds
                    .into_iter()
                    .map(|(pid, path, kind)| Hold {
                        pid,
                        path: PathBuf::from(path),
                        kind,
                    })
                    .collect(),
                processes,
                inaccessible: acc.inaccessible.len(),
                warnings: acc.warnings,
            })
        }
    }

    /// `pid` opened for limited query.
    fn open_query(pid: u32) -> Option<Owned> {
        // SAFETY: plain call; a null result is checked by Owned::new.
        Owned::new(unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) })
    }

    /// The creation time of the process `h` (opened with at least limited query access), in
    /// microseconds since the Unix epoch.
    fn creation_micros(h: HANDLE) -> Option<u64> {
        let mut t = [FILETIME::default(); 4];
        let [c, e, k, u] = &mut t;
        // SAFETY: `h` is an open process handle; the four FILETIMEs are live locals.
        if unsafe { GetProcessTimes(h, c, e, k, u) } == 0 {
            return None;
        }
        let ft = (u64::from(t[0].dwHighDateTime) << 32) | u64::from(t[0].dwLowDateTime);
        Some(pure::filetime_to_unix_micros(ft))
    }

    /// End process on Windows: one handle opened with terminate, query and synchronize access
    /// first; the start time is read (`GetProcessTimes`), the owner checked and the process
    /// terminated (`TerminateProcess`) all through that same handle, so a pid reused meanwhile
    /// is never reached.
    pub(crate) mod end {
        use std::io;
        use std::time::Duration;

        use windows_sys::Win32::Foundation::{
            ERROR_ACCESS_DENIED, ERROR_INVALID_PARAMETER, WAIT_OBJECT_0,
        };
        use windows_sys::Win32::Security::GetTokenInformation;
        use windows_sys::Win32::Security::{TOKEN_ELEVATION, TOKEN_QUERY, TokenElevation};
        use windows_sys::Win32::System::Threading::{
            GetCurrentProcess, OpenProcess, OpenProcessToken, PROCESS_QUERY_LIMITED_INFORMATION,
            PROCESS_SYNCHRONIZE, PROCESS_TERMINATE, TerminateProcess, WaitForSingleObject,
        };

        use super::{Owned, creation_micros, image_path_of, last_error, token_user};
        use crate::locks::end::{OpenError, Owner, ProcessRef};
        use crate::locks::windows::pure;

        struct Handle {
            h: Owned,
        }

        impl Handle {
            /// Whether the process has exited (its handle is signalled).
            fn exited(&self) -> bool {
                // SAFETY: `h` is an open process handle with SYNCHRONIZE access.
                unsafe { WaitForSingleObject(self.h.0, 0) == WAIT_OBJECT_0 }
            }

            fn gone() -> io::Error {
                io::Error::new(io::ErrorKind::NotFound, "the process has exited")
            }
        }

        impl ProcessRef for Handle {
            fn start_time(&self) -> io::Result<u64> {
                if self.exited() {
                    return Err(Self::gone());
                }
                creation_micros(self.h.0).ok_or_else(io::Error::last_os_error)
            }

            fn owner(&self) -> Owner {
                // SAFETY: plain call; the pseudo handle needs no closing.
                let me = token_user(unsafe { GetCurrentProcess() }).map(|u| u.sid);
                let target = token_user(self.h.0).map(|u| u.sid);
                pure::owner_of_sid(target.as_deref(), me.as_deref())
            }

            fn name(&self) -> Option<String> {
                let p = image_path_of(self.h.0)?;
                std::path::Path::new(&p)
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
            }

            fn request_exit(&self) -> io::Result<bool> {
                // No polite step on Windows: `terminate` follows.
                Ok(false)
            }

            fn terminate(&self) -> io::Result<()> {
                // SAFETY: `h` is an open process handle with PROCESS_TERMINATE access.
                if unsafe { TerminateProcess(self.h.0, 1) } != 0 {
                    return Ok(());
                }
                if self.exited() {
                    Err(Self::gone())
                } else {
                    Err(io::Error::last_os_error())
                }
            }

            fn wait_gone(&self, limit: Duration) -> bool {
                let ms = u32::try_from(limit.as_millis()).unwrap_or(u32::MAX - 1);
                // SAFETY: `h` is an open process handle with SYNCHRONIZE access.
                unsafe { WaitForSingleObject(self.h.0, ms) == WAIT_OBJECT_0 }
            }
        }

        /// Opens `pid` with terminate, limited query and synchronize access.
        pub(crate) fn open(pid: u32) -> Result<Box<dyn ProcessRef>, OpenError> {
            let access =
                PROCESS_TERMINATE | PROCESS_QUERY_LIMITED_INFORMATION | PROCESS_SYNCHRONIZE;
            // SAFETY: plain call; a null result is checked by Owned::new.
            let Some(h) = Owned::new(unsafe { OpenProcess(access, 0, pid) }) else {
                return Err(match last_error() {
                    ERROR_ACCESS_DENIED => OpenError::NotPermitted,
                    ERROR_INVALID_PARAMETER => OpenError::Gone,
                    _ => OpenError::Io(io::Error::last_os_error()),
                });
            };
            let r = Handle { h };
            if r.exited() {
                return Err(OpenError::Gone);
            }
            Ok(Box::new(r))
        }

        /// Whether this process runs with an elevated (administrator) token.
        pub(crate) fn is_elevated() -> bool {
            let mut token = std::ptr::null_mut();
            // SAFETY: the pseudo handle of this process; `token` is a live local.
            if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
                return false;
            }
            let Some(token) = Owned::new(token) else {
                return false;
            };
            let mut e = TOKEN_ELEVATION { TokenIsElevated: 0 };
            let mut len = 0u32;
            // SAFETY: `e` is a live TOKEN_ELEVATION of the size passed; `len` is a live local.
            let ok = unsafe {
                GetTokenInformation(
                    token.0,
                    TokenElevation,
                    (&raw mut e).cast(),
                    size_of::<TOKEN_ELEVATION>() as u32,
                    &mut len,
                )
            };
            ok != 0 && e.TokenIsElevated != 0
        }
    }

    /// `("\Device\HarddiskVolume3", "C:")` for every drive letter in use.
    fn dos_devices() -> Vec<(String, String)> {
        // SAFETY: no arguments; returns a bit mask.
        let mask = unsafe { GetLogicalDrives() };
        let mut out = Vec::new();
        for (i, letter) in ('A'..='Z').enumerate() {
            if mask & (1 << i) == 0 {
                continue;
            }
            let drive = format!("{letter}:");
            let name = wide(&drive);
            let mut buf = [0u16; 1024];
            // SAFETY: `name` is NUL-terminated; `buf` is a live local of the length passed.
            let n = unsafe { QueryDosDeviceW(name.as_ptr(), buf.as_mut_ptr(), buf.len() as u32) };
            if n > 0 {
                out.push((utf16_to_string(&buf), drive));
            }
        }
        out
    }

    /// The full image path of `pid`, when it can be opened for limited query.
    fn image_path(pid: u32) -> Option<String> {
        image_path_of(open_query(pid)?.0)
    }

    /// The full image path of the process `h` (opened with at least limited query access).
    fn image_path_of(h: HANDLE) -> Option<String> {
        let buf = fill_growing(0u16, 512, 1 << 16, |buf| {
            let mut size = buf.len() as u32;
            // SAFETY: `buf` is writable for `size` u16s; `size` is a live local.
            let ok = unsafe { QueryFullProcessImageNameW(h, 0, buf.as_mut_ptr(), &mut size) };
            if ok != 0 {
                Fill::Done(size as usize)
            } else if last_error() == ERROR_INSUFFICIENT_BUFFER {
                Fill::Grow(0)
            } else {
                Fill::Fail(i64::from(last_error()))
            }
        })
        .ok()?;
        Some(String::from_utf16_lossy(&buf))
    }

    /// The module paths of `pid` (its exe first), or `None` when it cannot be snapshotted.
    fn module_paths(pid: u32) -> Option<Vec<String>> {
        let mut snap = None;
        // The snapshot fails with ERROR_BAD_LENGTH while the module list changes: retry.
        for _ in 0..4 {
            // SAFETY: plain call; INVALID_HANDLE_VALUE is checked by Owned::new.
            snap = Owned::new(unsafe {
                CreateToolhelp32Snapshot(TH32CS_SNAPMODULE | TH32CS_SNAPMODULE32, pid)
            });
            if snap.is_some() || last_error() != 24 {
                break;
            }
        }
        let snap = snap?;
        let mut out = Vec::new();
        let mut me = MODULEENTRY32W {
            dwSize: size_of::<MODULEENTRY32W>() as u32,
            ..MODULEENTRY32W::default()
        };
        // SAFETY: `snap` is a module snapshot; `me` is a live entry with dwSize set.
        let mut ok = unsafe { Module32FirstW(snap.0, &mut me) };
        while ok != 0 {
            out.push(utf16_to_string(&me.szExePath));
            // SAFETY: as above.
            ok = unsafe { Module32NextW(snap.0, &mut me) };
        }
        Some(out)
    }

    /// Pass 1: image paths and loaded modules of every process.
    fn process_pass(matcher: &WinRoots, devices: &[(String, String)], acc: &mut Acc) {
        // SAFETY: plain call; INVALID_HANDLE_VALUE is checked by Owned::new.
        let Some(snap) = Owned::new(unsafe { CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0) })
        else {
            acc.warnings.push(format!(
                "could not list processes (Toolhelp32 error {})",
                last_error()
            ));
            return;
        };
        let mut procs = Vec::new();
        let mut pe = PROCESSENTRY32W {
            dwSize: size_of::<PROCESSENTRY32W>() as u32,
            ..PROCESSENTRY32W::default()
        };
        // SAFETY: `snap` is a process snapshot; `pe` is a live entry with dwSize set.
        let mut ok = unsafe { Process32FirstW(snap.0, &mut pe) };
        while ok != 0 {
            procs.push((pe.th32ProcessID, utf16_to_string(&pe.szExeFile)));
            // SAFETY: as above.
            ok = unsafe { Process32NextW(snap.0, &mut pe) };
        }
        drop(snap);
        // SAFETY: no preconditions.
        let me = unsafe { GetCurrentProcessId() };
        type Seen = (u32, String, Option<String>, Vec<(String, HoldKind)>);
        let seen: Vec<Seen> = procs
            .into_par_iter()
            .filter(|(pid, _)| *pid != 0 && *pid != me)
            .map(|(pid, name)| {
                let exe = image_path(pid);
                let mut holds = Vec::new();
                if let Some(p) = exe.as_deref().and_then(|e| matcher.rebase(e, devices)) {
                    holds.push((p, HoldKind::Exe));
                }
                for m in module_paths(pid).unwrap_or_default() {
                    if exe.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(&m)) {
                        continue;
                    }
                    if let Some(p) = matcher.rebase(&m, devices) {
                        holds.push((p, HoldKind::Mmap));
                    }
                }
                (pid, name, exe, holds)
            })
            .collect();
        // Processes whose image cannot be read are counted by the handle pass, which is the
        // one that needs access to them.
        for (pid, name, exe, holds) in seen {
            let info = acc.info.entry(pid).or_default();
            info.name = name;
            info.exe = exe.map(PathBuf::from);
            for (path, kind) in holds {
                acc.holds.insert((pid, path, kind));
            }
        }
    }

    /// One file handle of another process to look at: the handle's value there, and that
    /// process (opened with `PROCESS_DUP_HANDLE`, shared by all its handles' queries).
    struct Dup {
        pid: u32,
        process: std::sync::Arc<ProcessHandle>,
        handle: usize,
    }

    /// A process handle that the query threads share; closed when the last query that can use
    /// it is done (a hung query keeps it open, which holds no file).
    struct ProcessHandle(Owned);

    // SAFETY: a process handle may be used from any thread; it is only passed to
    // DuplicateHandle here and closed once, by `Owned`'s drop, when the last `Arc` goes.
    unsafe impl Send for ProcessHandle {}
    // SAFETY: as above: DuplicateHandle only reads the handle value.
    unsafe impl Sync for ProcessHandle {}

    /// Duplicates `d`'s handle into this process, reads its path and closes the duplicate at
    /// once. Duplicating when each handle is examined, not all of them up front, keeps each
    /// duplicate open for microseconds: while a duplicate is open the file object stays open
    /// even if its owner closes it, and a `go` renaming or deleting that file meanwhile would
    /// fail with a sharing violation.
    fn query_dup(d: &Dup) -> (u32, Option<String>) {
        // SAFETY: returns a pseudo-handle; no preconditions.
        let this = unsafe { GetCurrentProcess() };
        let mut dup: HANDLE = std::ptr::null_mut();
        // SAFETY: `d.process` is open with PROCESS_DUP_HANDLE for as long as `d` lives; `h` is
        // a handle value of that process (if it was closed meanwhile the call fails); `dup`
        // is a live local.
        let ok = unsafe {
            DuplicateHandle(
                d.process.0.0,
                d.handle as HANDLE,
                this,
                &mut dup,
                0,
                0,
                DUPLICATE_SAME_ACCESS,
            )
        };
        if ok == 0 || dup.is_null() {
            return (d.pid, None);
        }
        let path = handle_path(dup);
        // SAFETY: the duplicate belongs to this process and to this call only.
        unsafe { CloseHandle(dup) };
        (d.pid, path)
    }

    /// The path of a disk-file handle, `None` for pipes, consoles and failures.
    fn handle_path(h: HANDLE) -> Option<String> {
        // SAFETY: `h` is a handle owned by this process (a duplicate); may block on a pipe,
        // which is why this runs under the watchdog.
        if unsafe { GetFileType(h) } != FILE_TYPE_DISK {
            return None;
        }
        for flags in [VOLUME_NAME_DOS, VOLUME_NAME_NT] {
            let got = fill_growing(0u16, 512, 1 << 16, |buf| {
                // SAFETY: `buf` is writable for the length passed.
                let n = unsafe {
                    GetFinalPathNameByHandleW(
                        h,
                        buf.as_mut_ptr(),
                        buf.len() as u32,
                        FILE_NAME_NORMALIZED | flags,
                    )
                } as usize;
                if n == 0 {
                    Fill::Fail(i64::from(last_error()))
                } else if n < buf.len() {
                    Fill::Done(n)
                } else {
                    Fill::Grow(n)
                }
            });
            if let Ok(buf) = got {
                return Some(String::from_utf16_lossy(&buf));
            }
        }
        None
    }

    /// Pass 2: every file and directory handle of every other process.
    fn handle_pass(
        matcher: &WinRoots,
        devices: &[(String, String)],
        cancel: &CancelToken,
        acc: &mut Acc,
    ) -> crate::Result<()> {
        // A file handle of our own, to learn the per-boot object type index of "File".
        let probe_file = std::env::current_exe().and_then(std::fs::File::open);
        let Ok(probe_file) = probe_file else {
            acc.warnings
                .push("handle enumeration skipped: cannot open own executable".into());
            return Ok(());
        };
        let table = fill_growing(0u8, 4 << 20, 1 << 30, |buf| {
            let mut ret = 0u32;
            // SAFETY: `buf` is writable for the length passed; `ret` is a live local.
            let st = unsafe {
                NtQuerySystemInformation(
                    SYSTEM_EXTENDED_HANDLE_INFORMATION,
                    buf.as_mut_ptr().cast::<c_void>(),
                    u32::try_from(buf.len()).unwrap_or(u32::MAX),
                    &mut ret,
                )
            };
            if st == STATUS_INFO_LENGTH_MISMATCH {
                Fill::Grow(ret as usize + (1 << 20))
            } else if st < 0 {
                Fill::Fail(i64::from(st))
            } else {
                Fill::Done(buf.len())
            }
        });
        let table = match table {
            Ok(t) => t,
            Err(e) => {
                acc.warnings
                    .push(format!("handle enumeration failed: {e:?}"));
                return Ok(());
            }
        };
        let Some(entries) = pure::decode_handle_table(&table, size_of::<usize>()) else {
            acc.warnings
                .push("handle enumeration returned a truncated table".into());
            return Ok(());
        };
        drop(table);
        // SAFETY: no preconditions.
        let me = unsafe { GetCurrentProcessId() } as usize;
        let own = probe_file.as_raw_handle() as usize;
        let Some(file_type) = pure::file_type_index(&entries, me, own) else {
            acc.warnings
                .push("handle enumeration: could not identify file handles".into());
            return Ok(());
        };
        drop(probe_file);
        let by_pid = pure::file_handles_by_pid(&entries, file_type, me);
        drop(entries);

        let mut items = Vec::new();
        for (pid, handles) in by_pid {
            cancel.check()?;
            let Ok(pid) = u32::try_from(pid) else {
                continue;
            };
            // SAFETY: plain call; a null result is checked by Owned::new.
            let Some(proc_h) = Owned::new(unsafe { OpenProcess(PROCESS_DUP_HANDLE, 0, pid) })
            else {
                acc.inaccessible.insert(pid);
                continue;
            };
            let process = std::sync::Arc::new(ProcessHandle(proc_h));
            for h in handles {
                items.push(Dup {
                    pid,
                    process: std::sync::Arc::clone(&process),
                    handle: h,
                });
            }
        }
        let report = pure::run_guarded(
            items,
            2,
            QUERY_TIMEOUT,
            MAX_HUNG,
            cancel,
            query_dup,
            // Never started: nothing was duplicated; the process handle closes with the item.
            |_: &Dup| {},
        );
        if report.cancelled {
            return Err(crate::Error::Cancelled);
        }
        if !report.hung.is_empty() {
            acc.warnings.push(format!(
                "{} handle queries did not answer within {} ms and were skipped{}",
                report.hung.len(),
                QUERY_TIMEOUT.as_millis(),
                if report.skipped > 0 {
                    format!("; {} handles were not examined", report.skipped)
                } else {
                    String::new()
                }
            ));
        }
        for (_, (pid, path)) in report.results {
            if let Some(p) = path.and_then(|p| matcher.rebase(&p, devices)) {
                acc.holds.insert((pid, p, HoldKind::OpenFile));
            }
        }
        Ok(())
    }

    /// One `RM_PROCESS_INFO`, reduced.
    struct RmEntry {
        pid: u32,
        label: Option<String>,
    }

    /// Ends a Restart Manager session on drop.
    struct Session(u32);

    impl Drop for Session {
        fn drop(&mut self) {
            // SAFETY: the session was started by RmStartSession and is ended once here.
            unsafe { RmEndSession(self.0) };
        }
    }

    /// One Restart Manager session over `files`: who holds any of them.
    fn rm_session(files: &[String]) -> Result<Vec<RmEntry>, u32> {
        let mut handle = 0u32;
        let mut key = [0u16; CCH_RM_SESSION_KEY as usize + 1];
        // SAFETY: `handle` and `key` (CCH_RM_SESSION_KEY + 1 wide chars) are live locals.
        let r = unsafe { RmStartSession(&mut handle, 0, key.as_mut_ptr()) };
        if r != 0 {
            return Err(r);
        }
        let session = Session(handle);
        let wides: Vec<Vec<u16>> = files.iter().map(|f| wide(f)).collect();
        let ptrs: Vec<*const u16> = wides.iter().map(|w| w.as_ptr()).collect();
        // SAFETY: `ptrs` holds `ptrs.len()` NUL-terminated strings alive in `wides`; no
        // applications or services are registered (null arrays with count 0).
        let r = unsafe {
            RmRegisterResources(
                session.0,
                ptrs.len() as u32,
                ptrs.as_ptr(),
                0,
                std::ptr::null(),
                0,
                std::ptr::null(),
            )
        };
        if r != 0 {
            return Err(r);
        }
        let list = fill_growing(RM_PROCESS_INFO::default(), 8, 1 << 16, |buf| {
            let mut needed = 0u32;
            let mut count = buf.len() as u32;
            let mut reasons = 0u32;
            // SAFETY: `buf` holds `count` RM_PROCESS_INFO; the out-parameters are live locals.
            let r = unsafe {
                RmGetList(
                    session.0,
                    &mut needed,
                    &mut count,
                    buf.as_mut_ptr(),
                    &mut reasons,
                )
            };
            match r {
                0 => Fill::Done(count as usize),
                ERROR_MORE_DATA => Fill::Grow(needed as usize),
                e => Fill::Fail(i64::from(e)),
            }
        })
        .map_err(|e| match e {
            pure::GrowError::Os(c) => u32::try_from(c).unwrap_or(u32::MAX),
            pure::GrowError::TooLarge(_) => ERROR_MORE_DATA,
        })?;
        Ok(list
            .iter()
            .map(|p| RmEntry {
                pid: p.Process.dwProcessId,
                label: pure::rm_app_label(&p.strAppName, &p.strServiceShortName),
            })
            .collect())
    }

    /// Pass 3: Restart Manager over the named files, the files seen held and a sample.
    fn rm_pass(roots: &[PathBuf], matcher: &WinRoots, devices: &[(String, String)], acc: &mut Acc) {
        let is_file = |p: &str| std::fs::metadata(p).is_ok_and(|m| m.is_file());
        let named: Vec<String> = roots
            .iter()
            .map(|r| r.to_string_lossy().into_owned())
            .filter(|r| is_file(r))
            .collect();
        let mut held: Vec<String> = acc.holds.iter().map(|h| h.1.clone()).collect();
        held.sort();
        held.dedup();
        held.retain(|p| is_file(p));
        let dirs: Vec<PathBuf> = roots.iter().filter(|r| r.is_dir()).cloned().collect();
        let sample: Vec<String> = pure::sample_files(&dirs, SAMPLE_VISIT, SAMPLE_PICK)
            .into_iter()
            .map(|p| p.to_string_lossy().into_owned())
            .collect();
        let files = pure::choose_rm_files(&named, &held, &sample, RM_MAX_FILES);
        if files.is_empty() {
            return;
        }
        // SAFETY: no preconditions.
        let me = unsafe { GetCurrentProcessId() };
        match pure::rm_attribute(&files, RM_CHUNK, rm_session) {
            Err(code) => acc
                .warnings
                .push(format!("Restart Manager failed (error {code})")),
            Ok(found) => {
                for (file, entry) in found {
                    if entry.pid == me || entry.pid == 0 {
                        continue;
                    }
                    let info = acc.info.entry(entry.pid).or_default();
                    if entry.label.is_some() {
                        info.app_name = entry.label;
                    }
                    if let Some(path) = matcher.rebase(&file, devices) {
                        let known = acc.holds.iter().any(|h| h.0 == entry.pid && h.1 == path);
                        if !known {
                            acc.holds.insert((entry.pid, path, HoldKind::OpenFile));
                        }
                    }
                }
            }
        }
    }

    /// The user a process token belongs to.
    struct TokenUserInfo {
        /// The user's SID as a string (`S-1-5-21-...`).
        sid: String,
        /// `DOMAIN\user`, when the SID resolves.
        name: Option<String>,
    }

    /// The user owning the process `proc_h` (opened with at least limited query access).
    fn token_user(proc_h: HANDLE) -> Option<TokenUserInfo> {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: `proc_h` is open with limited query access; `token` is a live local.
        if unsafe { OpenProcessToken(proc_h, TOKEN_QUERY, &mut token) } == 0 {
            return None;
        }
        let token = Owned::new(token)?;
        // u64 elements keep the TOKEN_USER buffer aligned.
        let buf = fill_growing(0u64, 16, 1 << 12, |buf| {
            let bytes = u32::try_from(buf.len() * 8).unwrap_or(u32::MAX);
            let mut needed = 0u32;
            // SAFETY: `buf` is writable for `bytes` bytes; `needed` is a live local.
            let ok = unsafe {
                GetTokenInformation(
                    token.0,
                    TokenUser,
                    buf.as_mut_ptr().cast(),
                    bytes,
                    &mut needed,
                )
            };
            if ok != 0 {
                Fill::Done(buf.len())
            } else if last_error() == ERROR_INSUFFICIENT_BUFFER {
                Fill::Grow((needed as usize).div_ceil(8))
            } else {
                Fill::Fail(i64::from(last_error()))
            }
        })
        .ok()?;
        // SAFETY: GetTokenInformation(TokenUser) wrote a TOKEN_USER at the start of `buf`,
        // which is 8-byte aligned and outlives the read.
        let sid = unsafe { (*buf.as_ptr().cast::<TOKEN_USER>()).User.Sid };
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: `sid` points into `buf`, alive here; `text` receives a LocalAlloc'd string.
        if unsafe { ConvertSidToStringSidW(sid, &mut text) } == 0 || text.is_null() {
            return None;
        }
        // SAFETY: on success `text` is a NUL-terminated UTF-16 string.
        let len = (0..).take_while(|&i| unsafe { *text.add(i) } != 0).count();
        // SAFETY: `text` holds `len` valid u16s before the NUL.
        let sid_text = String::from_utf16_lossy(unsafe { std::slice::from_raw_parts(text, len) });
        // SAFETY: `text` was allocated by ConvertSidToStringSidW with LocalAlloc; freed once.
        unsafe { LocalFree(text.cast()) };
        let mut name = [0u16; 256];
        let mut domain = [0u16; 256];
        let (mut nlen, mut dlen) = (name.len() as u32, domain.len() as u32);
        let mut use_: SID_NAME_USE = 0;
        // SAFETY: `sid` points into `buf`, alive here; the buffers and lengths are live locals.
        let ok = unsafe {
            LookupAccountSidW(
                std::ptr::null(),
                sid,
                name.as_mut_ptr(),
                &mut nlen,
                domain.as_mut_ptr(),
                &mut dlen,
                &mut use_,
            )
        };
        if ok == 0 {
            return Some(TokenUserInfo {
                sid: sid_text,
                name: None,
            });
        }
        let (n, d) = (utf16_to_string(&name), utf16_to_string(&domain));
        Some(TokenUserInfo {
            sid: sid_text,
            name: Some(if d.is_empty() { n } else { format!("{d}\\{n}") }),
        })
    }
}
