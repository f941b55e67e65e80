//! Windows: `LockFileEx` over the whole range as Go's `filelock_windows.go`, the read-only
//! attribute, junctions and directory symlinks, Win32 error codes.
#![allow(
    unsafe_code,
    reason = "LockFileEx, UnlockFileEx and the security API are Win32 calls"
)]

use std::fs::{File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::FileTypeExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{GetNamedSecurityInfoW, SE_FILE_OBJECT};
use windows_sys::Win32::Security::{
    EqualSid, GetTokenInformation, LookupAccountSidW, OWNER_SECURITY_INFORMATION, PSID,
    SID_NAME_USE, TOKEN_QUERY, TOKEN_USER, TokenUser,
};
use windows_sys::Win32::Storage::FileSystem::{
    LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY, LockFileEx, UnlockFileEx,
};
use windows_sys::Win32::System::IO::OVERLAPPED;
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use rayon::prelude::*;

use super::{Account, OwnerInfo, Platform, RawKind};
use crate::CancelToken;
use crate::clean::remove::{Sink, par_threshold};

/// The Windows implementation of [`Platform`].
pub(crate) struct Sys;

const ERROR_FILE_NOT_FOUND: i32 = 2;
const ERROR_PATH_NOT_FOUND: i32 = 3;
const ERROR_ACCESS_DENIED: i32 = 5;
const ERROR_NOT_SAME_DEVICE: i32 = 17;
const ERROR_WRITE_PROTECT: i32 = 19;
const ERROR_SHARING_VIOLATION: i32 = 32;
const ERROR_LOCK_VIOLATION: i32 = 33;
const ERROR_DIR_NOT_EMPTY: i32 = 145;
const ERROR_FILENAME_EXCED_RANGE: i32 = 206;

impl Platform for Sys {
    fn try_lock_exclusive(file: &File) -> io::Result<bool> {
        // SAFETY: OVERLAPPED is plain old data; all zeroes means offset 0 and no event.
        let mut ov: OVERLAPPED = unsafe { std::mem::zeroed() };
        // SAFETY: the handle is owned by `file`, alive for the call; `ov` is a live local.
        let ok = unsafe {
            LockFileEx(
                file.as_raw_handle() as HANDLE,
                LOCKFILE_EXCLUSIVE_LOCK | LOCKFILE_FAIL_IMMEDIATELY,
                0,
                u32::MAX,
                u32::MAX,
                &mut ov,
            )
        };
        if ok != 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        if e.raw_os_error() == Some(ERROR_LOCK_VIOLATION) {
            Ok(false)
        } else {
            Err(e)
        }
    }

    fn unlock(file: &File) -> io::Result<()> {
        // SAFETY: as in try_lock_exclusive.
        let mut ov: OVERLAPPED = unsafe { std::mem::zeroed() };
        // SAFETY: the handle is owned by `file`, alive for the call; `ov` is a live local.
        let ok = unsafe {
            UnlockFileEx(
                file.as_raw_handle() as HANDLE,
                0,
                u32::MAX,
                u32::MAX,
                &mut ov,
            )
        };
        if ok != 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    fn make_writable(path: &Path, md: &Metadata) -> io::Result<()> {
        if md.file_type().is_symlink() {
            return Ok(());
        }
        let mut perms = md.permissions();
        if perms.readonly() {
            #[allow(
                clippy::permissions_set_readonly_false,
                reason = "on Windows this clears FILE_ATTRIBUTE_READONLY, which is the point"
            )]
            perms.set_readonly(false);
            std::fs::set_permissions(path, perms)?;
        }
        Ok(())
    }

    fn owner(path: &Path) -> Option<OwnerInfo> {
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
        let mut owner: PSID = std::ptr::null_mut();
        let mut sd = std::ptr::null_mut();
        // SAFETY: `wide` is NUL-terminated and outlives the call; the out-pointers are live
        // locals; the group/DACL/SACL outputs are not requested (null).
        let status = unsafe {
            GetNamedSecurityInfoW(
                wide.as_ptr(),
                SE_FILE_OBJECT,
                OWNER_SECURITY_INFORMATION,
                &mut owner,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                &mut sd,
            )
        };
        if status != 0 || owner.is_null() {
            if !sd.is_null() {
                // SAFETY: `sd` was allocated by GetNamedSecurityInfoW with LocalAlloc.
                unsafe { LocalFree(sd) };
            }
            return None;
        }
        let name = account_name(owner);
        let is_current_user = current_user_is(owner);
        // SAFETY: `owner` points into `sd`, which is not used after this; `sd` was allocated
        // by GetNamedSecurityInfoW with LocalAlloc.
        unsafe { LocalFree(sd) };
        Some(OwnerInfo {
            uid: None,
            name,
            is_current_user,
        })
    }

    fn fix_permission_command(root: &Path, _owner: Option<&OwnerInfo>) -> String {
        format!(
            "takeown /F \"{0}\" /R /D Y && icacls \"{0}\" /grant \"%USERNAME%\":F /T",
            root.display()
        )
    }

    fn classify(err: &io::Error) -> RawKind {
        match err.raw_os_error() {
            Some(ERROR_FILE_NOT_FOUND | ERROR_PATH_NOT_FOUND) => RawKind::Vanished,
            Some(ERROR_ACCESS_DENIED) => RawKind::Permission,
            Some(ERROR_SHARING_VIOLATION | ERROR_LOCK_VIOLATION) => RawKind::Locked,
            Some(ERROR_WRITE_PROTECT) => RawKind::ReadOnlyFs,
            Some(ERROR_FILENAME_EXCED_RANGE) => RawKind::PathTooLong,
            Some(ERROR_NOT_SAME_DEVICE) => RawKind::CrossDevice,
            Some(ERROR_DIR_NOT_EMPTY) => RawKind::NotEmpty,
            _ if err.kind() == io::ErrorKind::NotFound => RawKind::Vanished,
            _ => RawKind::Other,
        }
    }

    fn is_ephemeral(err: &io::Error) -> bool {
        // robustio_windows.go: antivirus scanners and closing handles.
        matches!(
            err.raw_os_error(),
            Some(ERROR_ACCESS_DENIED | ERROR_SHARING_VIOLATION | ERROR_DIR_NOT_EMPTY)
        )
    }

    fn mode(_md: &Metadata) -> Option<u32> {
        None
    }

    fn set_mode(_path: &Path, _mode: u32) -> io::Result<()> {
        Ok(())
    }

    fn remove_tree_once(path: &Path, sink: &Sink, cancel: &CancelToken) {
        remove_one(path, sink, cancel);
    }

    fn effective_uid() -> Option<u32> {
        None
    }

    /// Windows has no numeric accounts: the elevated half runs as the account UAC chose and
    /// re-derives its folders from that account's environment (SECURITY.md says so).
    fn account(_uid: u32) -> Option<Account> {
        None
    }

    fn owner_uid(_path: &Path) -> Option<u32> {
        None
    }

    /// Not checked on Windows yet (ACLs); SECURITY.md names the gap.
    fn check_private_chain(_path: &Path, _uid: u32) -> Result<(), String> {
        Ok(())
    }

    /// The request is read from a directory the app created under the user's own profile;
    /// its ACL is not inspected yet (SECURITY.md names the gap).
    fn check_private_file(file: &File, path: &Path) -> Result<Option<u32>, String> {
        let md = file
            .metadata()
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if md.is_file() {
            Ok(None)
        } else {
            Err(format!("{} is not a regular file", path.display()))
        }
    }

    fn open_nofollow(path: &Path) -> io::Result<File> {
        use std::os::windows::fs::OpenOptionsExt;
        // FILE_FLAG_OPEN_REPARSE_POINT: open a link itself, never what it points to.
        std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(0x0020_0000)
            .open(path)
    }

    /// Windows: the elevated process runs as the consenting account; nothing to switch.
    fn as_user<T>(_who: Option<(u32, u32)>, f: impl FnOnce() -> T) -> io::Result<T> {
        Ok(f())
    }

    /// A directory under the user's profile is private through its inherited ACL.
    fn make_private_dir(_path: &Path) -> io::Result<()> {
        Ok(())
    }

    fn create_private(path: &Path) -> io::Result<File> {
        std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
    }

    /// Nothing to give back: files an elevated Windows process creates stay usable by the
    /// user through the folder's inherited ACL.
    fn give_back(
        _root: &Path,
        _rel: &Path,
        _children: bool,
        _uid: u32,
        _gid: u32,
    ) -> io::Result<()> {
        Ok(())
    }

    /// `MoveFileExW` without `MOVEFILE_REPLACE_EXISTING` (nor `MOVEFILE_COPY_ALLOWED`): it
    /// fails with `ERROR_ALREADY_EXISTS`/`ERROR_FILE_EXISTS` when `to` exists.
    fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
        let f = wide(from);
        let t = wide(to);
        // SAFETY: both buffers are NUL-terminated UTF-16 strings alive for the call.
        let ok = unsafe {
            windows_sys::Win32::Storage::FileSystem::MoveFileExW(f.as_ptr(), t.as_ptr(), 0)
        };
        if ok != 0 {
            Ok(())
        } else {
            Err(io::Error::last_os_error())
        }
    }

    fn open_lock_file(path: &Path) -> io::Result<File> {
        use std::os::windows::fs::OpenOptionsExt;
        let file = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .custom_flags(windows_sys::Win32::Storage::FileSystem::FILE_FLAG_OPEN_REPARSE_POINT)
            .open(path)?;
        if file.metadata()?.file_type().is_symlink() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "the lock file is a symbolic link or junction",
            ));
        }
        Ok(file)
    }

    fn same_file(file: &File, path: &Path) -> io::Result<bool> {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT,
        };
        let other = match std::fs::OpenOptions::new()
            .access_mode(0)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
            .open(path)
        {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(false),
            Err(e) => return Err(e),
        };
        Ok(file_id(file)? == file_id(&other)?)
    }

    fn process_alive(pid: u32) -> bool {
        use windows_sys::Win32::System::Threading::{
            GetExitCodeProcess, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
        };
        const STILL_ACTIVE: u32 = 259;
        if pid == 0 {
            return false;
        }
        // SAFETY: OpenProcess takes no pointers; a null result is checked.
        let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if h.is_null() {
            // A process of another user or a protected one exists but cannot be opened.
            return io::Error::last_os_error().raw_os_error() == Some(ERROR_ACCESS_DENIED);
        }
        let mut code = 0_u32;
        // SAFETY: `h` is a process handle opened above; `code` is a live local.
        let ok = unsafe { GetExitCodeProcess(h, &mut code) };
        // SAFETY: `h` was opened above and is closed once.
        unsafe { CloseHandle(h) };
        ok != 0 && code == STILL_ACTIVE
    }

    /// The creation time `GetProcessTimes` reports (100 ns units since 1601).
    fn process_start(pid: u32) -> Option<u64> {
        use windows_sys::Win32::Foundation::FILETIME;
        use windows_sys::Win32::System::Threading::{
            GetProcessTimes, OpenProcess, PROCESS_QUERY_LIMITED_INFORMATION,
        };
        if pid == 0 {
            return None;
        }
        // SAFETY: OpenProcess takes no pointers; a null result is checked.
        let h = unsafe { OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid) };
        if h.is_null() {
            return None;
        }
        let zero = FILETIME {
            dwLowDateTime: 0,
            dwHighDateTime: 0,
        };
        let (mut created, mut exited, mut kernel, mut user) = (zero, zero, zero, zero);
        // SAFETY: `h` is a process handle opened above; the four FILETIMEs are live locals.
        let ok = unsafe { GetProcessTimes(h, &mut created, &mut exited, &mut kernel, &mut user) };
        // SAFETY: `h` was opened above and is closed once.
        unsafe { CloseHandle(h) };
        (ok != 0)
            .then(|| (u64::from(created.dwHighDateTime) << 32) | u64::from(created.dwLowDateTime))
    }

    fn owned_by_current_user(path: &Path, _md: &Metadata) -> bool {
        Self::owner(path).is_some_and(|o| o.is_current_user)
    }

    /// Not read from the ACL: directories inherit their parent's, and a cache's parent is
    /// normally the user's profile. The owner check of each entry carries the trust here.
    fn dir_open_to_others(_md: &Metadata) -> bool {
        false
    }
}

fn wide(p: &Path) -> Vec<u16> {
    p.as_os_str().encode_wide().chain(Some(0)).collect()
}

/// The volume serial number and file index of an open file.
fn file_id(file: &File) -> io::Result<(u32, u32, u32)> {
    use windows_sys::Win32::Storage::FileSystem::{
        BY_HANDLE_FILE_INFORMATION, GetFileInformationByHandle,
    };
    // SAFETY: BY_HANDLE_FILE_INFORMATION is plain old data; all zeroes is valid.
    let mut info: BY_HANDLE_FILE_INFORMATION = unsafe { std::mem::zeroed() };
    // SAFETY: the handle is owned by `file`, alive for the call; `info` is a live local.
    let ok = unsafe { GetFileInformationByHandle(file.as_raw_handle() as HANDLE, &mut info) };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok((
        info.dwVolumeSerialNumber,
        info.nFileIndexHigh,
        info.nFileIndexLow,
    ))
}

/// `DOMAIN\user` for a SID (`None` when it does not resolve, e.g. a deleted account).
fn account_name(sid: PSID) -> Option<String> {
    let mut name = [0_u16; 256];
    let mut domain = [0_u16; 256];
    let mut name_len = name.len() as u32;
    let mut domain_len = domain.len() as u32;
    let mut use_: SID_NAME_USE = 0;
    // SAFETY: `sid` is a valid SID for the call (owned by the caller's security descriptor);
    // the buffers and their lengths (in u16 units) are live locals.
    let ok = unsafe {
        LookupAccountSidW(
            std::ptr::null(),
            sid,
            name.as_mut_ptr(),
            &mut name_len,
            domain.as_mut_ptr(),
            &mut domain_len,
            &mut use_,
        )
    };
    if ok == 0 {
        return None;
    }
    let name = String::from_utf16_lossy(name.get(..name_len as usize)?);
    let domain = String::from_utf16_lossy(domain.get(..domain_len as usize)?);
    Some(if domain.is_empty() {
        name
    } else {
        format!("{domain}\\{name}")
    })
}

/// Whether `sid` is the user of this process' token.
fn current_user_is(sid: PSID) -> bool {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle; `token` is a live local.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return false;
    }
    // TOKEN_USER plus the SID it points to; 256 bytes hold any SID (at most 68 bytes).
    let mut buf = [0_u64; 32];
    let mut len = 0_u32;
    // SAFETY: `token` is open with TOKEN_QUERY; `buf` is a live, 8-byte aligned buffer of the
    // size passed.
    let ok = unsafe {
        GetTokenInformation(
            token,
            TokenUser,
            buf.as_mut_ptr().cast(),
            std::mem::size_of_val(&buf) as u32,
            &mut len,
        )
    };
    // SAFETY: `token` was opened above and is closed once.
    unsafe { CloseHandle(token) };
    if ok == 0 {
        return false;
    }
    // SAFETY: on success the buffer starts with a TOKEN_USER whose SID points into `buf`.
    let user = unsafe { &*buf.as_ptr().cast::<TOKEN_USER>() };
    // SAFETY: both SIDs are valid for the call.
    unsafe { EqualSid(user.User.Sid, sid) != 0 }
}

impl Sys {
    /// Removes a non-directory entry; a directory symlink or junction is removed itself,
    /// never its target. Read-only files are handled.
    fn remove_entry(path: &Path, md: &Metadata) -> io::Result<()> {
        let ft = md.file_type();
        if ft.is_symlink_dir() {
            // A directory symlink or junction: RemoveDirectoryW removes the link only.
            return std::fs::remove_dir(path);
        }
        match std::fs::remove_file(path) {
            Err(e) if e.raw_os_error() == Some(ERROR_ACCESS_DENIED) && !ft.is_symlink() => {
                Self::make_writable(path, md)?;
                std::fs::remove_file(path)
            }
            r => r,
        }
    }
}

/// The path-based walk: `symlink_metadata` never follows a junction or symlink, and
/// [`Sys::remove_entry`] removes a reparse point itself.
fn remove_one(path: &Path, sink: &Sink, cancel: &CancelToken) {
    if cancel.is_cancelled() {
        return;
    }
    let md = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) => return sink.push(path, e),
    };
    if !md.is_dir() || md.file_type().is_symlink_dir() {
        match Sys::remove_entry(path, &md) {
            Ok(()) => sink.removed(),
            Err(e) => sink.push(path, e),
        }
        return;
    }
    if let Err(e) = Sys::make_writable(path, &md) {
        sink.push(path, e);
    }
    let children: Vec<std::path::PathBuf> = match std::fs::read_dir(path) {
        Ok(rd) => rd
            .filter_map(|e| match e {
                Ok(e) => Some(e.path()),
                Err(err) => {
                    sink.push(path, err);
                    None
                }
            })
            .collect(),
        Err(e) => return sink.push(path, e),
    };
    if children.len() >= par_threshold() {
        children
            .par_iter()
            .for_each(|c| remove_one(c, sink, cancel));
    } else {
        for c in &children {
            remove_one(c, sink, cancel);
        }
    }
    if cancel.is_cancelled() {
        return;
    }
    match std::fs::remove_dir(path) {
        Ok(()) => sink.removed(),
        Err(e) => {
            // The children's failures already explain a non-empty directory.
            if !(sink.any_failed() && Sys::classify(&e) == RawKind::NotEmpty) {
                sink.push(path, e);
            }
        }
    }
}
