//! Windows (Go's `LockFileEx` lock is std's `File::try_lock`, in [`super`]): the removal walk
//! by handle (junctions and directory symlinks removed as links, the read-only attribute
//! cleared on the handle), Win32 error codes; for the elevated clean the
//! token (user, elevation), security descriptors read on open handles, protected private
//! DACLs, and the registry's ProfileList. The decisions are in [`super::windows_acl`].
#![allow(
    unsafe_code,
    reason = "the security, token, registry and file-handle APIs are Win32 and NT calls"
)]

use std::fs::{File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Foundation::{CloseHandle, HANDLE, LocalFree};
use windows_sys::Win32::Security::Authorization::{
    ConvertStringSecurityDescriptorToSecurityDescriptorW, GetNamedSecurityInfoW, GetSecurityInfo,
    SDDL_REVISION_1, SE_FILE_OBJECT, SetSecurityInfo,
};
use windows_sys::Win32::Security::{
    ACL, DACL_SECURITY_INFORMATION, GetLengthSid, GetSecurityDescriptorDacl, GetTokenInformation,
    LookupAccountSidW, OWNER_SECURITY_INFORMATION, PROTECTED_DACL_SECURITY_INFORMATION,
    PSECURITY_DESCRIPTOR, PSID, SID_NAME_USE, TOKEN_ELEVATION, TOKEN_QUERY, TOKEN_USER,
    TokenElevation, TokenUser,
};
use windows_sys::Win32::System::Threading::{GetCurrentProcess, OpenProcessToken};

use rayon::prelude::*;

use super::windows_acl::{self as acl, Sid};
use super::{Account, OwnerInfo, Platform, RawKind};
use crate::CancelToken;
use crate::clean::remove::{Sink, par_threshold};
use crate::env::EnvMap;

/// The Windows implementation of [`Platform`].
pub(crate) struct Sys;

/// A user as the OS identifies one: the SID on Windows.
pub(crate) type UserId = Sid;

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

    fn perm_facts(_path: &Path, _err: &io::Error) -> Option<crate::eperm::PermFacts> {
        None
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

    /// Elevated (`TokenElevation`): the owner of the request file, read from its security
    /// descriptor on the open handle; not elevated: this process' user
    /// ([`acl::decide_requester`]). `PKEXEC_UID` means nothing here and is ignored.
    fn who_asked(file_owner: Option<Sid>, _pkexec_uid: Option<&str>) -> Result<Sid, String> {
        let me = current_user_sid().ok_or("cannot read this process' user from its token")?;
        acl::decide_requester(&me, is_elevated(), file_owner.as_ref())
    }

    /// The name from `LookupAccountSidW` (the SID when it does not resolve); the home from
    /// `HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\<SID>`'s
    /// `ProfileImagePath`, expanded with the system's own drive and directory
    /// ([`acl::expand_profile_path`]). `None` for an account without a profile.
    fn account(uid: &Sid) -> Option<Account> {
        let raw = profile_image_path(uid)?;
        let home = acl::expand_profile_path(&raw, &windows_dir()?).ok()?;
        let bytes = sid_buffer(uid);
        let name =
            account_name(bytes.as_ptr().cast_mut().cast()).unwrap_or_else(|| uid.to_string());
        Some(Account {
            uid: uid.clone(),
            gid: 0,
            name,
            home: home.into(),
        })
    }

    fn account_env(a: &Account, env: &mut EnvMap) {
        for k in acl::PROFILE_VARS {
            env.remove(k);
        }
        if let Some(h) = a.home.to_str() {
            for (k, v) in acl::profile_env(h) {
                env.set(k, v);
            }
        }
        env.set("USERNAME", a.name.rsplit('\\').next().unwrap_or(&a.name));
    }

    /// Windows neither switches the user nor changes owners: what the elevated process
    /// creates inherits the cache folder's ACL, which gives the user full control.
    fn owner_ids(_a: &Account) -> Option<(u32, u32)> {
        None
    }

    /// From the security descriptor of the entry itself (opened without following a reparse
    /// point).
    fn owner_uid(path: &Path) -> Option<Sid> {
        let f = open_meta(path).ok()?;
        security_of(&f).ok().map(|s| s.owner)
    }

    /// Every directory from the volume root down to `path` (canonical), each opened without
    /// following a reparse point and checked on its handle: not a reparse point, owned by
    /// `uid`, SYSTEM, Administrators or TrustedInstaller, and no ACL entry granting anyone
    /// else the rights to replace what is below ([`acl::check_chain_entry`]).
    fn check_private_chain(path: &Path, uid: &Sid) -> Result<(), String> {
        let canon = std::fs::canonicalize(path)
            .map_err(|e| format!("cannot resolve {}: {e}", path.display()))?;
        let mut cur = Some(canon.as_path());
        while let Some(p) = cur {
            let place = if p.parent().is_none() {
                acl::Place::VolumeRoot
            } else if p == canon.as_path() {
                acl::Place::Root
            } else {
                acl::Place::Ancestor
            };
            let f = open_meta(p).map_err(|e| format!("cannot open {}: {e}", p.display()))?;
            let attrs = attributes(&f).map_err(|e| format!("cannot read {}: {e}", p.display()))?;
            if attrs & acl::ATTR_REPARSE_POINT != 0 {
                return Err(format!(
                    "{} is a symbolic link, junction or other reparse point",
                    p.display()
                ));
            }
            let sec = security_of(&f).map_err(|e| format!("{} {e}", p.display()))?;
            acl::check_chain_entry(uid, &sec, place).map_err(|e| format!("{} {e}", p.display()))?;
            cur = p.parent();
        }
        Ok(())
    }

    /// On the open handle: not a reparse point nor a directory, and no one but its owner,
    /// SYSTEM and Administrators may read, write or delete it or change its ACL; its directory
    /// (opened without following a reparse point): a real directory of the same owner in
    /// which no one else may list, add, delete or rename entries ([`acl::check_request_file`],
    /// [`acl::check_request_dir`]). Returns the owner's SID.
    fn check_private_file(file: &File, path: &Path) -> Result<Option<Sid>, String> {
        let shown = path.display();
        let attrs = attributes(file).map_err(|e| format!("cannot read {shown}: {e}"))?;
        acl::check_attributes(attrs, false).map_err(|e| format!("{shown} {e}"))?;
        let sec = security_of(file).map_err(|e| format!("{shown} {e}"))?;
        acl::check_request_file(&sec)
            .map_err(|e| format!("{shown} {e}; a request must be private to its owner"))?;
        let parent = path
            .parent()
            .ok_or_else(|| format!("{shown} has no directory"))?;
        let pshown = parent.display();
        let d = open_meta(parent).map_err(|e| format!("cannot read {pshown}: {e}"))?;
        let pattrs = attributes(&d).map_err(|e| format!("cannot read {pshown}: {e}"))?;
        acl::check_attributes(pattrs, true).map_err(|e| format!("{pshown} {e}"))?;
        let psec = security_of(&d).map_err(|e| format!("{pshown} {e}"))?;
        acl::check_request_dir(&sec.owner, &psec).map_err(|e| {
            format!("{pshown} {e}; the request's directory must be private to the request's owner")
        })?;
        // The directory checked is the one the request is in now.
        if !Self::same_file(file, path).map_err(|e| format!("cannot read {shown}: {e}"))? {
            return Err(format!("{shown} was replaced while it was being checked"));
        }
        Ok(Some(sec.owner))
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

    /// Opened with `WRITE_DAC` without following a reparse point, then given the protected
    /// DACL of [`acl::private_sddl`] (directory form) on that handle.
    fn make_private_dir(path: &Path) -> io::Result<()> {
        let me = current_user_sid()
            .ok_or_else(|| io::Error::other("cannot read this process' user from its token"))?;
        set_protected_dacl(path, true, &acl::private_sddl(&me, true))
    }

    /// `CreateDirectoryW` with the protected DACL of [`acl::private_sddl`] (directory form)
    /// given at creation. (Wine honours a descriptor given at creation, as the Unix mode, but
    /// not one set afterwards, [`crate::wine::WineGap::FileOwners`].)
    fn create_private_dir(path: &Path) -> io::Result<()> {
        use windows_sys::Win32::Security::SECURITY_ATTRIBUTES;
        use windows_sys::Win32::Storage::FileSystem::CreateDirectoryW;
        let me = current_user_sid()
            .ok_or_else(|| io::Error::other("cannot read this process' user from its token"))?;
        let sd = SecurityDescriptor::from_sddl(&acl::private_sddl(&me, true))?;
        let sa = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: sd.0,
            bInheritHandle: 0,
        };
        let name = wide(path);
        // SAFETY: `name` is NUL-terminated and outlives the call; `sa` and the descriptor it
        // points to (`sd`) are alive for the call.
        if unsafe { CreateDirectoryW(name.as_ptr(), &sa) } == 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    /// `CreateFileW` with `CREATE_NEW` (never replacing, never following a reparse point) and
    /// the protected DACL of [`acl::private_sddl`] given at creation.
    fn create_private(path: &Path) -> io::Result<File> {
        use std::os::windows::io::FromRawHandle;
        use windows_sys::Win32::Foundation::{GENERIC_WRITE, INVALID_HANDLE_VALUE};
        use windows_sys::Win32::Security::SECURITY_ATTRIBUTES;
        use windows_sys::Win32::Storage::FileSystem::{
            CREATE_NEW, CreateFileW, FILE_ATTRIBUTE_NORMAL, FILE_FLAG_OPEN_REPARSE_POINT,
            FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE,
        };
        let me = current_user_sid()
            .ok_or_else(|| io::Error::other("cannot read this process' user from its token"))?;
        let sd = SecurityDescriptor::from_sddl(&acl::private_sddl(&me, false))?;
        let sa = SECURITY_ATTRIBUTES {
            nLength: std::mem::size_of::<SECURITY_ATTRIBUTES>() as u32,
            lpSecurityDescriptor: sd.0,
            bInheritHandle: 0,
        };
        let name = wide(path);
        // SAFETY: `name` is NUL-terminated and outlives the call; `sa` and the descriptor it
        // points to (`sd`) are alive for the call; no template handle.
        let h = unsafe {
            CreateFileW(
                name.as_ptr(),
                GENERIC_WRITE,
                FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                &sa,
                CREATE_NEW,
                FILE_ATTRIBUTE_NORMAL | FILE_FLAG_OPEN_REPARSE_POINT,
                std::ptr::null_mut(),
            )
        };
        if h == INVALID_HANDLE_VALUE {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: `h` is a valid file handle just opened and owned by nobody else.
        Ok(unsafe { File::from_raw_handle(h as _) })
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
        // Never reached: `owner_ids` is `None` on Windows.
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

fn wide_str(s: &str) -> Vec<u16> {
    s.encode_utf16().chain(Some(0)).collect()
}

/// Opens `path` to read its attributes and security descriptor only, never following a
/// reparse point (a directory too: `FILE_FLAG_BACKUP_SEMANTICS`).
fn open_meta(path: &Path) -> io::Result<File> {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES,
        READ_CONTROL,
    };
    std::fs::OpenOptions::new()
        .access_mode(READ_CONTROL | FILE_READ_ATTRIBUTES)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
}

/// `GetFileInformationByHandle`'s attributes of an open file.
fn attributes(file: &File) -> io::Result<u32> {
    Ok(file_info(file)?.dwFileAttributes)
}

/// The SID at `sid` (valid for the call).
///
/// # Safety
/// `sid` must point at a valid SID.
unsafe fn sid_at(sid: PSID) -> Option<Sid> {
    if sid.is_null() {
        return None;
    }
    // SAFETY: the caller guarantees a valid SID; GetLengthSid reads its header only.
    let len = unsafe { GetLengthSid(sid) } as usize;
    // SAFETY: a valid SID is `len` bytes long.
    let bytes = unsafe { std::slice::from_raw_parts(sid.cast::<u8>(), len) };
    Sid::from_bytes(bytes)
}

/// The binary form of `sid`, 4-byte aligned as a `SID` must be, to pass as a `PSID`.
fn sid_buffer(sid: &Sid) -> Vec<u32> {
    let bytes = sid.to_bytes();
    let mut out = vec![0_u32; bytes.len().div_ceil(4)];
    for (i, b) in bytes.iter().enumerate() {
        out[i / 4] |= u32::from(*b) << (8 * (i % 4));
    }
    out
}

/// The owner and DACL of an open file or directory (`GetSecurityInfo` on its handle, which
/// needs `READ_CONTROL`). `Err` reads after the path: "cannot ...".
fn security_of(file: &File) -> Result<acl::Security, String> {
    let mut owner: PSID = std::ptr::null_mut();
    let mut dacl: *mut ACL = std::ptr::null_mut();
    let mut sd = std::ptr::null_mut();
    // SAFETY: the handle is owned by `file`, alive for the call; the out-pointers are live
    // locals; group and SACL are not requested (null).
    let status = unsafe {
        GetSecurityInfo(
            file.as_raw_handle() as HANDLE,
            SE_FILE_OBJECT,
            OWNER_SECURITY_INFORMATION | DACL_SECURITY_INFORMATION,
            &mut owner,
            std::ptr::null_mut(),
            &mut dacl,
            std::ptr::null_mut(),
            &mut sd,
        )
    };
    if status != 0 {
        return Err(format!(
            "cannot read its security descriptor: {}",
            io::Error::from_raw_os_error(status as i32)
        ));
    }
    // SAFETY: on success `owner` is null or points into `sd`.
    let owner = unsafe { sid_at(owner) };
    let entries = if dacl.is_null() {
        None
    } else {
        // SAFETY: a non-null DACL points into `sd` and starts with its ACL header, whose
        // AclSize is the length of the whole list.
        let bytes = unsafe {
            let size = usize::from((*dacl).AclSize);
            std::slice::from_raw_parts(dacl.cast::<u8>(), size)
        };
        Some(acl::parse_acl(bytes))
    };
    // SAFETY: `sd` was allocated by GetSecurityInfo with LocalAlloc; nothing points into it
    // any more (`owner` and `entries` are copies).
    unsafe { LocalFree(sd) };
    Ok(acl::Security {
        owner: owner.ok_or("has no owner")?,
        dacl: entries.transpose()?,
    })
}

/// Opens `path` with `WRITE_DAC` without following a reparse point, checks that it is a
/// directory exactly when `dir` (and no reparse point), and gives it the DACL of `sddl`,
/// protected from inheritance, on that handle.
fn set_protected_dacl(path: &Path, dir: bool, sddl: &str) -> io::Result<()> {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT, FILE_READ_ATTRIBUTES,
        READ_CONTROL, WRITE_DAC,
    };
    let f = std::fs::OpenOptions::new()
        .access_mode(READ_CONTROL | WRITE_DAC | FILE_READ_ATTRIBUTES)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)?;
    acl::check_attributes(attributes(&f)?, dir)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))?;
    let sd = SecurityDescriptor::from_sddl(sddl)?;
    let dacl = sd.dacl()?;
    // SAFETY: the handle is owned by `f` and open with WRITE_DAC; `dacl` points into `sd`,
    // alive for the call; owner, group and SACL are not set (null).
    let status = unsafe {
        SetSecurityInfo(
            f.as_raw_handle() as HANDLE,
            SE_FILE_OBJECT,
            DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
            std::ptr::null_mut(),
            std::ptr::null_mut(),
            dacl,
            std::ptr::null(),
        )
    };
    if status == 0 {
        Ok(())
    } else {
        Err(io::Error::from_raw_os_error(status as i32))
    }
}

/// A self-relative security descriptor made from SDDL, freed on drop.
struct SecurityDescriptor(PSECURITY_DESCRIPTOR);

impl SecurityDescriptor {
    fn from_sddl(sddl: &str) -> io::Result<Self> {
        let w = wide_str(sddl);
        let mut sd: PSECURITY_DESCRIPTOR = std::ptr::null_mut();
        // SAFETY: `w` is NUL-terminated and outlives the call; `sd` is a live local; the size
        // output is not wanted (null).
        let ok = unsafe {
            ConvertStringSecurityDescriptorToSecurityDescriptorW(
                w.as_ptr(),
                SDDL_REVISION_1,
                &mut sd,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 || sd.is_null() {
            return Err(io::Error::last_os_error());
        }
        Ok(Self(sd))
    }

    /// The DACL inside the descriptor (valid while `self` is).
    fn dacl(&self) -> io::Result<*const ACL> {
        let (mut present, mut defaulted) = (0, 0);
        let mut dacl: *mut ACL = std::ptr::null_mut();
        // SAFETY: `self.0` is a valid descriptor; the out-pointers are live locals.
        let ok =
            unsafe { GetSecurityDescriptorDacl(self.0, &mut present, &mut dacl, &mut defaulted) };
        if ok == 0 {
            return Err(io::Error::last_os_error());
        }
        if present == 0 || dacl.is_null() {
            return Err(io::Error::other("the private descriptor has no DACL"));
        }
        Ok(dacl)
    }
}

impl Drop for SecurityDescriptor {
    fn drop(&mut self) {
        // SAFETY: allocated by ConvertStringSecurityDescriptorToSecurityDescriptorW with
        // LocalAlloc, freed once.
        unsafe { LocalFree(self.0) };
    }
}

/// A token's information of class `class`, in an 8-byte aligned buffer on the heap: the
/// structures in it point into the buffer itself (`TOKEN_USER.User.Sid`), so it must not move
/// when it is returned (a buffer returned by value left that pointer in a dead stack frame).
fn token_information(class: i32) -> Option<Box<[u64; 32]>> {
    let mut token: HANDLE = std::ptr::null_mut();
    // SAFETY: GetCurrentProcess returns a pseudo-handle; `token` is a live local.
    if unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) } == 0 {
        return None;
    }
    // 256 bytes hold a TOKEN_USER and any SID (at most 68 bytes), or a TOKEN_ELEVATION.
    let mut buf = Box::new([0_u64; 32]);
    let mut len = 0_u32;
    // SAFETY: `token` is open with TOKEN_QUERY; `buf` is a live, 8-byte aligned buffer of the
    // size passed.
    let ok = unsafe {
        GetTokenInformation(
            token,
            class,
            buf.as_mut_ptr().cast(),
            std::mem::size_of_val(&*buf) as u32,
            &mut len,
        )
    };
    // SAFETY: `token` was opened above and is closed once.
    unsafe { CloseHandle(token) };
    (ok != 0).then_some(buf)
}

/// The user of this process' token.
fn current_user_sid() -> Option<Sid> {
    let buf = token_information(TokenUser)?;
    // SAFETY: on success the buffer starts with a TOKEN_USER whose SID points into the boxed
    // buffer, which has not moved and is alive here.
    unsafe {
        let user = &*buf.as_ptr().cast::<TOKEN_USER>();
        sid_at(user.User.Sid)
    }
}

/// Whether this process' token is elevated (`TokenElevation`).
fn is_elevated() -> bool {
    token_information(TokenElevation).is_some_and(|buf| {
        // SAFETY: on success the buffer starts with a TOKEN_ELEVATION.
        let e = unsafe { &*buf.as_ptr().cast::<TOKEN_ELEVATION>() };
        e.TokenIsElevated != 0
    })
}

/// The Windows directory (`GetSystemWindowsDirectoryW`), not taken from the environment.
fn windows_dir() -> Option<String> {
    use windows_sys::Win32::System::SystemInformation::GetSystemWindowsDirectoryW;
    let mut buf = [0_u16; 512];
    // SAFETY: `buf` is a live buffer of the length passed (in u16 units).
    let n = unsafe { GetSystemWindowsDirectoryW(buf.as_mut_ptr(), buf.len() as u32) } as usize;
    if n == 0 || n >= buf.len() {
        return None;
    }
    String::from_utf16(buf.get(..n)?).ok()
}

/// `ProfileImagePath` of `sid` in the registry's ProfileList, unexpanded.
fn profile_image_path(sid: &Sid) -> Option<String> {
    use windows_sys::Win32::System::Registry::{
        HKEY_LOCAL_MACHINE, RRF_NOEXPAND, RRF_RT_REG_EXPAND_SZ, RRF_RT_REG_SZ, RegGetValueW,
    };
    // `Sid` holds only digits, `-`, `S` and `x`: nothing that changes the key path.
    let key = wide_str(&format!(
        r"SOFTWARE\Microsoft\Windows NT\CurrentVersion\ProfileList\{sid}"
    ));
    let value = wide_str("ProfileImagePath");
    let mut buf = vec![0_u16; 1024];
    let mut bytes = (buf.len() * 2) as u32;
    // SAFETY: `key` and `value` are NUL-terminated and outlive the call; `buf` is a live
    // buffer of `bytes` bytes; the type output is not wanted (null).
    let status = unsafe {
        RegGetValueW(
            HKEY_LOCAL_MACHINE,
            key.as_ptr(),
            value.as_ptr(),
            RRF_RT_REG_SZ | RRF_RT_REG_EXPAND_SZ | RRF_NOEXPAND,
            std::ptr::null_mut(),
            buf.as_mut_ptr().cast(),
            &mut bytes,
        )
    };
    if status != 0 {
        return None;
    }
    let units = buf.get(..(bytes as usize) / 2)?;
    let s = String::from_utf16(units).ok()?;
    Some(s.trim_end_matches('\0').to_owned())
}

/// `GetFileInformationByHandle` of an open file.
fn file_info(
    file: &File,
) -> io::Result<windows_sys::Win32::Storage::FileSystem::BY_HANDLE_FILE_INFORMATION> {
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
    Ok(info)
}

/// The volume serial number and file index of an open file.
fn file_id(file: &File) -> io::Result<(u32, u32, u32)> {
    let info = file_info(file)?;
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
    // SAFETY: the callers pass the owner SID of a security descriptor they still hold.
    let sid = unsafe { sid_at(sid) };
    sid.is_some() && sid == current_user_sid()
}

// The removal walk, by handle (the CVE-2022-21658 class of races closed as std's own
// `remove_dir_all` closes it on Windows).
//
// Every entry is opened relative to the handle of its directory (`NtOpenFile` with
// `OBJECT_ATTRIBUTES.RootDirectory`, as std does), with `FILE_OPEN_REPARSE_POINT`: a symlink or
// junction is opened itself, never what it points to. What the entry is (directory, reparse
// point, file) is read on that handle, a directory is listed on a handle to itself, its
// children are opened relative to it, and every entry is deleted through its own handle
// (`FileDispositionInfoEx`, or `FileDispositionInfo` where that is refused, as by Wine 8.0).
// So the walk never resolves a path below the root: a directory swapped for a junction at any
// moment is met as the junction, which is deleted as a link.
//
// Each handle is also a pin: it is shared for reading and writing only (no
// `FILE_SHARE_DELETE`), so while the walk holds a directory nobody can rename or delete it
// (renaming needs `DELETE` access, which our share mode refuses; the
// `a_directory_the_removal_holds_cannot_be_swapped` test checks it under Wine, where it holds
// too): the path the walk reports for it still names it. A handle is opened with `DELETE`
// access, except for an entry another program holds without `FILE_SHARE_DELETE` (a working
// directory): that one is pinned without it, emptied, and reported as locked.

/// The rights the walk opens every entry with: delete it, read its attributes, clear its
/// read-only attribute, and synchronous I/O on the handle.
const ENTRY_ACCESS: u32 = windows_sys::Win32::Storage::FileSystem::DELETE
    | windows_sys::Win32::Storage::FileSystem::FILE_READ_ATTRIBUTES
    | windows_sys::Win32::Storage::FileSystem::FILE_WRITE_ATTRIBUTES
    | windows_sys::Win32::Storage::FileSystem::SYNCHRONIZE;

/// The share mode of the walk's entry handles: others may read and write, not delete or
/// rename (the pin).
const PIN_SHARE: u32 = windows_sys::Win32::Storage::FileSystem::FILE_SHARE_READ
    | windows_sys::Win32::Storage::FileSystem::FILE_SHARE_WRITE;

const ATTR_DIRECTORY: u32 = windows_sys::Win32::Storage::FileSystem::FILE_ATTRIBUTE_DIRECTORY;
const ATTR_READONLY: u32 = windows_sys::Win32::Storage::FileSystem::FILE_ATTRIBUTE_READONLY;
const ATTR_REPARSE: u32 = windows_sys::Win32::Storage::FileSystem::FILE_ATTRIBUTE_REPARSE_POINT;

const ERROR_INVALID_FUNCTION: i32 = 1;
const ERROR_NO_MORE_FILES: i32 = 18;
const ERROR_NOT_SUPPORTED: i32 = 50;
const ERROR_INVALID_PARAMETER: i32 = 87;

/// Whether an entry of attributes `attrs` and reparse tag `tag` is a directory to enter: a
/// directory that is not a link. A link is a name-surrogate reparse point (a symbolic link or
/// junction: `IsReparseTagNameSurrogate`), removed itself; a directory carrying another
/// reparse point (a cloud-files placeholder, deduplication) holds its own entries and is
/// entered, as `std::fs::symlink_metadata` tells it from a link.
fn is_real_dir(attrs: u32, tag: u32) -> bool {
    const NAME_SURROGATE: u32 = 0x2000_0000;
    attrs & ATTR_DIRECTORY != 0 && !(attrs & ATTR_REPARSE != 0 && tag & NAME_SURROGATE != 0)
}

/// The attributes and reparse tag (0 unless a reparse point) of an open entry
/// (`FileAttributeTagInfo`).
fn attributes_and_tag(f: &File) -> io::Result<(u32, u32)> {
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_ATTRIBUTE_TAG_INFO, FileAttributeTagInfo, GetFileInformationByHandleEx,
    };
    let mut info = FILE_ATTRIBUTE_TAG_INFO {
        FileAttributes: 0,
        ReparseTag: 0,
    };
    // SAFETY: the handle is owned by `f`, alive for the call; `info` is a live local of the
    // size passed.
    let ok = unsafe {
        GetFileInformationByHandleEx(
            f.as_raw_handle() as HANDLE,
            FileAttributeTagInfo,
            (&raw mut info).cast(),
            std::mem::size_of::<FILE_ATTRIBUTE_TAG_INFO>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    let tag = if info.FileAttributes & ATTR_REPARSE != 0 {
        info.ReparseTag
    } else {
        0
    };
    Ok((info.FileAttributes, tag))
}

/// Opens the root of a removal by its path, without following a reparse point at its last
/// component, pinned ([`ENTRY_ACCESS`], [`PIN_SHARE`]). The directories above it are the
/// caller's (a cache root or quarantine the clean checked), resolved as any path is.
fn open_root(path: &Path, access: u32) -> io::Result<Option<File>> {
    use std::os::windows::fs::OpenOptionsExt;
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT,
    };
    match std::fs::OpenOptions::new()
        .access_mode(access)
        .share_mode(PIN_SHARE)
        .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
        .open(path)
    {
        Ok(f) => Ok(Some(f)),
        Err(e) if Sys::classify(&e) == RawKind::Vanished => Ok(None),
        Err(e) => Err(e),
    }
}

/// Opens an entry for the walk with `open` and `access` (which holds `DELETE`). When another
/// handle refuses us `DELETE` (a sharing violation: a program holds the entry without
/// `FILE_SHARE_DELETE`, as a process' working directory is held), it is opened again without
/// `DELETE`, still pinned, and that refusal is returned with it: a directory's entries can
/// still go, the entry itself cannot (the refusal is its error).
fn open_entry(
    open: impl Fn(u32) -> io::Result<Option<File>>,
    access: u32,
) -> io::Result<Option<(File, Option<io::Error>)>> {
    use windows_sys::Win32::Storage::FileSystem::DELETE;
    match open(access) {
        Ok(f) => Ok(f.map(|f| (f, None))),
        Err(e) if e.raw_os_error() == Some(ERROR_SHARING_VIOLATION) => match open(access & !DELETE)
        {
            Ok(f) => Ok(f.map(|f| (f, Some(e)))),
            Err(_) => Err(e),
        },
        Err(e) => Err(e),
    }
}

/// Opens the entry `name` (UTF-16, no NUL; empty: `parent` itself) relative to the open
/// directory `parent` with `NtOpenFile`, never following a reparse point
/// (`FILE_OPEN_REPARSE_POINT`, and `OBJ_DONT_REPARSE` where the system knows it), for
/// synchronous I/O. `Ok(None)`: it is gone, or being deleted by someone else
/// (`STATUS_DELETE_PENDING`, which Win32 would call access denied).
fn open_at(
    parent: &File,
    name: &[u16],
    access: u32,
    share: u32,
    options: u32,
) -> io::Result<Option<File>> {
    use std::os::windows::io::FromRawHandle;
    use std::sync::atomic::{AtomicU32, Ordering};
    use windows_sys::Wdk::Foundation::OBJECT_ATTRIBUTES;
    use windows_sys::Wdk::Storage::FileSystem::{
        FILE_OPEN_REPARSE_POINT, FILE_SYNCHRONOUS_IO_NONALERT, NtOpenFile,
    };
    use windows_sys::Win32::Foundation::{
        OBJ_DONT_REPARSE, RtlNtStatusToDosError, STATUS_DELETE_PENDING, UNICODE_STRING,
    };
    use windows_sys::Win32::System::IO::IO_STATUS_BLOCK;
    /// `OBJ_DONT_REPARSE` until the system refuses it (older Windows: `INVALID_PARAMETER`);
    /// `FILE_OPEN_REPARSE_POINT` alone already opens a link itself.
    static ATTRIBUTES: AtomicU32 = AtomicU32::new(OBJ_DONT_REPARSE);
    const STATUS_INVALID_PARAMETER: i32 = 0xC000_000D_u32 as i32;

    let bytes = u16::try_from(std::mem::size_of_val(name))
        .map_err(|_| io::Error::from_raw_os_error(ERROR_FILENAME_EXCED_RANGE))?;
    let uname = UNICODE_STRING {
        Length: bytes,
        MaximumLength: bytes,
        Buffer: name.as_ptr().cast_mut(),
    };
    let open = |attributes: u32| {
        let object = OBJECT_ATTRIBUTES {
            Length: std::mem::size_of::<OBJECT_ATTRIBUTES>() as u32,
            RootDirectory: parent.as_raw_handle() as HANDLE,
            ObjectName: &uname,
            Attributes: attributes,
            SecurityDescriptor: std::ptr::null(),
            SecurityQualityOfService: std::ptr::null(),
        };
        let mut handle: HANDLE = std::ptr::null_mut();
        // SAFETY: IO_STATUS_BLOCK is plain old data; all zeroes is valid.
        let mut iosb: IO_STATUS_BLOCK = unsafe { std::mem::zeroed() };
        // SAFETY: `object` and the name it points to (`uname`, over `name`) are alive for the
        // call; `parent`'s handle is open; `handle` and `iosb` are live locals.
        let status = unsafe {
            NtOpenFile(
                &mut handle,
                access,
                &object,
                &mut iosb,
                share,
                FILE_OPEN_REPARSE_POINT | FILE_SYNCHRONOUS_IO_NONALERT | options,
            )
        };
        (status, handle)
    };
    let mut attributes = ATTRIBUTES.load(Ordering::Relaxed);
    let (mut status, mut handle) = open(attributes);
    if status == STATUS_INVALID_PARAMETER && attributes != 0 {
        attributes = 0;
        ATTRIBUTES.store(0, Ordering::Relaxed);
        (status, handle) = open(attributes);
    }
    if status >= 0 {
        // SAFETY: on success `handle` is a file handle just opened, owned by nobody else.
        return Ok(Some(unsafe { File::from_raw_handle(handle as _) }));
    }
    if status == STATUS_DELETE_PENDING {
        return Ok(None);
    }
    // SAFETY: a plain conversion of a status code.
    let code = unsafe { RtlNtStatusToDosError(status) } as i32;
    let e = io::Error::from_raw_os_error(code);
    if Sys::classify(&e) == RawKind::Vanished {
        return Ok(None);
    }
    Err(e)
}

/// The entries of the open directory `dir` (a handle with `FILE_LIST_DIRECTORY` for
/// synchronous I/O), without `.` and `..`: each name (UTF-16) and its attributes.
fn list_dir(dir: &File) -> io::Result<Vec<(Vec<u16>, u32)>> {
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_ID_BOTH_DIR_INFO, FileIdBothDirectoryInfo, FileIdBothDirectoryRestartInfo,
        GetFileInformationByHandleEx,
    };
    let name_at = std::mem::offset_of!(FILE_ID_BOTH_DIR_INFO, FileName);
    let attrs_at = std::mem::offset_of!(FILE_ID_BOTH_DIR_INFO, FileAttributes);
    let len_at = std::mem::offset_of!(FILE_ID_BOTH_DIR_INFO, FileNameLength);
    // 16 KiB (about 100 names a call), 8-byte aligned as the records are.
    let mut buf = vec![0_u64; 2048];
    let size = std::mem::size_of_val(buf.as_slice());
    let mut out = Vec::new();
    let mut class = FileIdBothDirectoryRestartInfo;
    loop {
        // SAFETY: the handle is owned by `dir`, alive for the call; `buf` is a live buffer of
        // `size` bytes.
        let ok = unsafe {
            GetFileInformationByHandleEx(
                dir.as_raw_handle() as HANDLE,
                class,
                buf.as_mut_ptr().cast(),
                size as u32,
            )
        };
        if ok == 0 {
            let e = io::Error::last_os_error();
            if e.raw_os_error() == Some(ERROR_NO_MORE_FILES) {
                return Ok(out);
            }
            return Err(e);
        }
        class = FileIdBothDirectoryInfo;
        // SAFETY: `buf` is `size` bytes of initialised memory; read as bytes.
        let bytes: &[u8] = unsafe { std::slice::from_raw_parts(buf.as_ptr().cast(), size) };
        let u32_at = |at: usize| -> io::Result<u32> {
            bytes
                .get(at..at + 4)
                .and_then(|b| b.try_into().ok())
                .map(u32::from_ne_bytes)
                .ok_or_else(|| io::Error::other("a directory record overruns the buffer"))
        };
        let mut at = 0;
        loop {
            let next = u32_at(at)? as usize;
            let attrs = u32_at(at + attrs_at)?;
            let len = u32_at(at + len_at)? as usize;
            let name: Vec<u16> = bytes
                .get(at + name_at..at + name_at + len)
                .ok_or_else(|| io::Error::other("a directory record overruns the buffer"))?
                .chunks_exact(2)
                .map(|c| u16::from_ne_bytes([c[0], c[1]]))
                .collect();
            let dot = u16::from(b'.');
            if name != [dot] && name != [dot, dot] {
                out.push((name, attrs));
            }
            if next == 0 {
                break;
            }
            at += next;
        }
    }
}

/// Gives the open entry `f` the attributes `attrs` (`FileBasicInfo`; the times unchanged).
fn set_attributes(f: &File, attrs: u32) -> io::Result<()> {
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_ATTRIBUTE_NORMAL, FILE_BASIC_INFO, FileBasicInfo, SetFileInformationByHandle,
    };
    let info = FILE_BASIC_INFO {
        CreationTime: 0,
        LastAccessTime: 0,
        LastWriteTime: 0,
        ChangeTime: 0,
        FileAttributes: if attrs == 0 {
            FILE_ATTRIBUTE_NORMAL
        } else {
            attrs
        },
    };
    // SAFETY: the handle is owned by `f` (open with FILE_WRITE_ATTRIBUTES); `info` is a live
    // local of the size passed.
    let ok = unsafe {
        SetFileInformationByHandle(
            f.as_raw_handle() as HANDLE,
            FileBasicInfo,
            (&raw const info).cast(),
            std::mem::size_of::<FILE_BASIC_INFO>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Deletes the open entry `f` (attributes `attrs`) through its handle: marked for deletion
/// with POSIX semantics (its name goes when the handle closes, even if someone else holds it
/// open) ignoring the read-only attribute (`FileDispositionInfoEx`); where that is not
/// supported (older Windows, FAT, Wine), the read-only attribute is cleared on the handle and
/// it is marked with `FileDispositionInfo`. The deletion happens when `f` is dropped.
fn delete_open(f: &File, attrs: u32) -> io::Result<()> {
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_DISPOSITION_FLAG_DELETE, FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
        FILE_DISPOSITION_FLAG_POSIX_SEMANTICS, FILE_DISPOSITION_INFO, FILE_DISPOSITION_INFO_EX,
        FileDispositionInfo, FileDispositionInfoEx, SetFileInformationByHandle,
    };
    let h = f.as_raw_handle() as HANDLE;
    let ex = FILE_DISPOSITION_INFO_EX {
        Flags: FILE_DISPOSITION_FLAG_DELETE
            | FILE_DISPOSITION_FLAG_POSIX_SEMANTICS
            | FILE_DISPOSITION_FLAG_IGNORE_READONLY_ATTRIBUTE,
    };
    // SAFETY: the handle is owned by `f` (open with DELETE); `ex` is a live local of the size
    // passed.
    let ok = unsafe {
        SetFileInformationByHandle(
            h,
            FileDispositionInfoEx,
            (&raw const ex).cast(),
            std::mem::size_of::<FILE_DISPOSITION_INFO_EX>() as u32,
        )
    };
    if ok != 0 {
        return Ok(());
    }
    let e = io::Error::last_os_error();
    if !matches!(
        e.raw_os_error(),
        Some(ERROR_INVALID_PARAMETER | ERROR_INVALID_FUNCTION | ERROR_NOT_SUPPORTED)
    ) {
        return Err(e);
    }
    if attrs & ATTR_READONLY != 0 {
        set_attributes(f, attrs & !ATTR_READONLY)?;
    }
    let info = FILE_DISPOSITION_INFO { DeleteFile: true };
    // SAFETY: as above, with a FILE_DISPOSITION_INFO.
    let ok = unsafe {
        SetFileInformationByHandle(
            h,
            FileDispositionInfo,
            (&raw const info).cast(),
            std::mem::size_of::<FILE_DISPOSITION_INFO>() as u32,
        )
    };
    if ok == 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// The removal of one tree ([`Platform::remove_tree_once`]): the root opened by its path
/// ([`open_root`]), everything below by handle ([`remove_open`]).
fn remove_one(path: &Path, sink: &Sink, cancel: &CancelToken) {
    if cancel.is_cancelled() {
        return;
    }
    match open_entry(|access| open_root(path, access), ENTRY_ACCESS) {
        Ok(Some((f, held))) => remove_open(f, false, held, path, sink, cancel),
        Ok(None) => {}
        Err(e) => sink.push(path, e),
    }
}

/// Removes the entry `name` of the open directory `parent` (`path` names it for errors),
/// opened relative to `parent` ([`open_at`]). `listed` is its attributes in `parent`'s
/// listing: a directory is opened with `FILE_LIST_DIRECTORY` as well, so it is listed on the
/// same handle (what it is, is read on the handle: [`remove_open`]).
fn remove_at(
    parent: &File,
    name: &[u16],
    listed: u32,
    path: &Path,
    sink: &Sink,
    cancel: &CancelToken,
) {
    use windows_sys::Win32::Storage::FileSystem::FILE_LIST_DIRECTORY;
    if cancel.is_cancelled() {
        return;
    }
    let dir = listed & ATTR_DIRECTORY != 0;
    let access = if dir {
        ENTRY_ACCESS | FILE_LIST_DIRECTORY
    } else {
        ENTRY_ACCESS
    };
    match open_entry(|access| open_at(parent, name, access, PIN_SHARE, 0), access) {
        Ok(Some((f, held))) => remove_open(f, dir, held, path, sink, cancel),
        Ok(None) => {}
        Err(e) => sink.push(path, e),
    }
}

/// Removes the open entry `f` (`path` names it; `can_list`: it was opened with
/// `FILE_LIST_DIRECTORY`; `held`: it was opened without `DELETE`, refused by another handle,
/// and this is that refusal). What it is comes from its handle: a file, symlink or junction is
/// deleted through the handle (a link itself: it was opened with `FILE_OPEN_REPARSE_POINT`);
/// a directory loses its read-only attribute, is listed, its children are removed relative
/// to it (in parallel from [`par_threshold`] entries on), and it is deleted through the handle.
fn remove_open(
    f: File,
    can_list: bool,
    held: Option<io::Error>,
    path: &Path,
    sink: &Sink,
    cancel: &CancelToken,
) {
    use std::os::windows::ffi::OsStringExt;
    use windows_sys::Wdk::Storage::FileSystem::FILE_DIRECTORY_FILE;
    use windows_sys::Win32::Storage::FileSystem::{
        FILE_LIST_DIRECTORY, FILE_SHARE_DELETE, FILE_SHARE_READ, FILE_SHARE_WRITE, SYNCHRONIZE,
    };
    let (mut attrs, tag) = match attributes_and_tag(&f) {
        Ok(a) => a,
        Err(e) => return sink.push(path, e),
    };
    if !is_real_dir(attrs, tag) {
        if let Some(e) = held {
            return sink.push(path, e);
        }
        match delete_open(&f, attrs) {
            Ok(()) => sink.removed(),
            Err(e) => sink.push(path, e),
        }
        return;
    }
    // Go's module cache makes its directories read-only; a read-only directory cannot be
    // deleted (and, under Wine, loses its Unix write bit, so its entries cannot either).
    if attrs & ATTR_READONLY != 0 {
        match set_attributes(&f, attrs & !ATTR_READONLY) {
            Ok(()) => attrs &= !ATTR_READONLY,
            Err(e) => sink.push(path, e),
        }
    }
    #[cfg(test)]
    tests::hook::pinned(path);
    let listing = if can_list {
        None
    } else {
        // The directory itself again (an empty name relative to its own handle), to list it.
        let all = FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE;
        let access = FILE_LIST_DIRECTORY | SYNCHRONIZE;
        match open_at(&f, &[], access, all, FILE_DIRECTORY_FILE) {
            Ok(Some(l)) => Some(l),
            Ok(None) => return,
            Err(e) => return sink.push(path, e),
        }
    };
    let children = match list_dir(listing.as_ref().unwrap_or(&f)) {
        Ok(c) => c,
        Err(e) => return sink.push(path, e),
    };
    drop(listing);
    let child = |(name, listed): &(Vec<u16>, u32)| {
        let p = path.join(std::ffi::OsString::from_wide(name));
        remove_at(&f, name, *listed, &p, sink, cancel);
    };
    if children.len() >= par_threshold() {
        children.par_iter().for_each(child);
    } else {
        children.iter().for_each(child);
    }
    if cancel.is_cancelled() {
        return;
    }
    if let Some(e) = held {
        return sink.push(path, e);
    }
    match delete_open(&f, attrs) {
        Ok(()) => sink.removed(),
        Err(e) => {
            // The children's failures already explain a non-empty directory.
            if !(sink.any_failed() && Sys::classify(&e) == RawKind::NotEmpty) {
                sink.push(path, e);
            }
        }
    }
}

/// Run on Windows only (compile-checked on Linux with clippy for x86_64-pc-windows-msvc; issue
/// #13 runs them under Wine and on real runners): the real ACL calls on real files in a
/// temporary directory of the user's profile.
///
/// Under Wine (8.0) the owner of every file is the token's user, as here, and a DACL is read
/// back as made from the Unix mode bits (the owner and SYSTEM, plus Everyone for the "other"
/// bits); a DACL set on an existing file or folder (`SetSecurityInfo`) is accepted and changes
/// nothing, while one given at creation becomes the mode. The tests of what such a later DACL
/// does are skipped there ([`WineGap::FileOwners`]); the decisions behind them are unit-tested
/// on every OS in `windows_acl`.
#[cfg(test)]
mod tests {
    use super::*;
    use crate::skip_under_wine;
    use crate::wine::WineGap;
    use windows_sys::Win32::Security::Authorization::ConvertSidToStringSidW;

    fn me() -> Sid {
        current_user_sid().unwrap()
    }

    /// A private request directory in the user's temporary directory (private from its
    /// creation, [`Platform::create_private_dir`]), with a private request in it.
    fn private_request() -> (tempfile::TempDir, std::path::PathBuf) {
        use std::io::Write;
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path().join("requests");
        Sys::create_private_dir(&dir).unwrap();
        let req = dir.join("request.json");
        let mut f = Sys::create_private(&req).unwrap();
        f.write_all(b"{}").unwrap();
        drop(f);
        (tmp, req)
    }

    fn check(req: &Path) -> Result<Option<Sid>, String> {
        let f = Sys::open_nofollow(req).map_err(|e| e.to_string())?;
        Sys::check_private_file(&f, req)
    }

    /// The token's user as `ConvertSidToStringSidW` spells it, read into this test's own
    /// buffer and converted while that buffer is alive.
    fn token_user_reference() -> String {
        let mut token: HANDLE = std::ptr::null_mut();
        // SAFETY: a pseudo-handle and a live local.
        let opened = unsafe { OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &mut token) };
        assert_ne!(opened, 0);
        let mut buf = vec![0_u64; 64];
        let mut len = 0_u32;
        // SAFETY: `token` is open with TOKEN_QUERY; `buf` is live, 8-byte aligned, of the
        // size passed.
        let ok = unsafe {
            GetTokenInformation(
                token,
                TokenUser,
                buf.as_mut_ptr().cast(),
                (buf.len() * 8) as u32,
                &mut len,
            )
        };
        // SAFETY: opened above, closed once.
        unsafe { CloseHandle(token) };
        assert_ne!(ok, 0);
        let mut text: *mut u16 = std::ptr::null_mut();
        // SAFETY: `buf` starts with a TOKEN_USER whose SID points into `buf`, alive here;
        // `text` is a live local, freed below with LocalFree as documented.
        unsafe {
            let user = &*buf.as_ptr().cast::<TOKEN_USER>();
            assert_ne!(ConvertSidToStringSidW(user.User.Sid, &mut text), 0);
            let n = (0..).take_while(|&i| *text.add(i) != 0).count();
            let s = String::from_utf16(std::slice::from_raw_parts(text, n)).unwrap();
            LocalFree(text.cast());
            s
        }
    }

    /// The token's user was read through a pointer into a buffer returned by value, which
    /// pointed into a dead stack frame: Wine showed `S-1-5-21-0-<garbage>-1-1000` for
    /// `S-1-5-21-0-0-0-1000`, so every file of the user looked like another user's.
    #[test]
    fn the_token_user_is_the_one_windows_names() {
        let reference = token_user_reference();
        for _ in 0..3 {
            assert_eq!(me().as_str(), reference);
        }
        // A file this process creates belongs to its user (or, for an elevated token whose
        // default owner is Administrators, to them).
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("mine");
        std::fs::write(&f, "x").unwrap();
        let owner = Sys::owner_uid(&f).unwrap();
        assert!(owner == me() || owner.is_administration(), "{owner}");
        if owner == me() {
            assert!(Sys::owner(&f).unwrap().is_current_user);
        }
    }

    #[test]
    fn a_private_request_names_its_writer() {
        let (_dir, req) = private_request();
        assert_eq!(check(&req), Ok(Some(me())));
        // The file was created new: a second create fails and leaves it alone.
        assert!(Sys::create_private(&req).is_err());
        assert_eq!(std::fs::read(&req).unwrap(), b"{}");
        assert_eq!(Sys::who_asked(Some(me()), None), Ok(me()));
    }

    /// An existing folder others may change is made private ([`Platform::make_private_dir`]),
    /// and a request in it then passes.
    #[test]
    fn make_private_dir_closes_an_open_folder() {
        skip_under_wine!(WineGap::FileOwners);
        let (_tmp, req) = private_request();
        let dir = req.parent().unwrap();
        let open = format!("D:P(A;OICI;FA;;;{})(A;OICI;0x1301bf;;;AU)", me());
        set_protected_dacl(dir, true, &open).unwrap();
        let e = check(&req).unwrap_err();
        assert!(e.contains("directory must be private"), "{e}");
        Sys::make_private_dir(dir).unwrap();
        assert_eq!(check(&req), Ok(Some(me())));
    }

    #[test]
    fn a_request_others_can_write_or_read_is_refused() {
        skip_under_wine!(WineGap::FileOwners);
        for ace in [
            "(A;;FA;;;WD)",
            "(A;;0x2;;;AU)",
            "(A;;FR;;;BU)",
            "(A;;SD;;;WD)",
        ] {
            let (_dir, req) = private_request();
            let sddl = format!("D:P(A;;FA;;;{}){ace}", me());
            set_protected_dacl(&req, false, &sddl).unwrap();
            let e = check(&req).unwrap_err();
            assert!(e.contains("a request must be private"), "{ace}: {e}");
        }
    }

    #[test]
    fn a_request_in_a_directory_others_can_change_is_refused() {
        skip_under_wine!(WineGap::FileOwners);
        for ace in [
            "(A;;0x4;;;AU)",
            "(A;;0x2;;;WD)",
            "(A;;0x40;;;BU)",
            "(A;;FR;;;WD)",
        ] {
            let (_dir, req) = private_request();
            let sddl = format!("D:P(A;OICI;FA;;;{}){ace}", me());
            set_protected_dacl(req.parent().unwrap(), true, &sddl).unwrap();
            let e = check(&req).unwrap_err();
            assert!(e.contains("directory must be private"), "{ace}: {e}");
        }
    }

    #[test]
    fn the_users_own_profile_chain_passes_and_an_open_folder_fails() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir(&cache).unwrap();
        Sys::check_private_chain(&cache, &me()).unwrap();
        // The rest gives a folder a DACL after its creation, which Wine ignores.
        skip_under_wine!(WineGap::FileOwners);
        // A folder above the cache that Authenticated Users may modify (as one made directly
        // under C:\ inherits).
        let sddl = format!("D:P(A;OICI;FA;;;{})(A;OICI;0x1301bf;;;AU)", me());
        set_protected_dacl(dir.path(), true, &sddl).unwrap();
        let e = Sys::check_private_chain(&cache, &me()).unwrap_err();
        assert!(e.contains("Authenticated Users"), "{e}");
    }

    #[test]
    fn the_account_comes_from_the_registry() {
        let a = Sys::account(&me()).unwrap();
        assert_eq!(a.uid, me());
        let profile = std::env::var("USERPROFILE").unwrap();
        assert!(
            a.home.to_string_lossy().eq_ignore_ascii_case(&profile),
            "{} vs {profile}",
            a.home.display()
        );
        let mut env =
            EnvMap::from_pairs([("LOCALAPPDATA", r"C:\elsewhere"), ("HOME", r"C:\elsewhere")]);
        Sys::account_env(&a, &mut env);
        assert_eq!(env.get("HOME"), None);
        assert_eq!(
            env.get("LOCALAPPDATA").map(String::as_str),
            Some(format!(r"{}\AppData\Local", a.home.display()).as_str())
        );
    }

    /// The removal walk's test hook: code a test runs while the walk holds a directory
    /// open (after opening it, before listing it).
    pub(crate) mod hook {
        use std::path::{Path, PathBuf};
        use std::sync::{Arc, Mutex, PoisonError};

        type Hook = Arc<dyn Fn(&Path) + Send + Sync>;

        /// The hooks, each for one directory path (tests run in parallel).
        static HOOKS: Mutex<Vec<(PathBuf, Hook)>> = Mutex::new(Vec::new());

        /// Called by the walk with each directory it holds.
        pub(crate) fn pinned(path: &Path) {
            let due: Vec<Hook> = HOOKS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .iter()
                .filter(|(p, _)| p == path)
                .map(|(_, h)| Arc::clone(h))
                .collect();
            for h in due {
                h(path);
            }
        }

        /// Runs `f` whenever the walk holds `path`, until the guard is dropped.
        pub(crate) fn on_pinned(path: &Path, f: impl Fn(&Path) + Send + Sync + 'static) -> Guard {
            HOOKS
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((path.to_path_buf(), Arc::new(f)));
            Guard(path.to_path_buf())
        }

        /// Removes its hook on drop.
        pub(crate) struct Guard(PathBuf);

        impl Drop for Guard {
            fn drop(&mut self) {
                HOOKS
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .retain(|(p, _)| p != &self.0);
            }
        }
    }

    /// A directory outside the tree a removal gets, with files whose bytes are checked after.
    struct Canary {
        dir: std::path::PathBuf,
        files: Vec<(std::path::PathBuf, Vec<u8>)>,
    }

    impl Canary {
        fn new(dir: &Path) -> Self {
            std::fs::create_dir_all(dir.join("deeper")).unwrap();
            let mut files = Vec::new();
            for (i, rel) in ["precious.txt", "deeper/also.bin", "ro.txt"]
                .iter()
                .enumerate()
            {
                let p = dir.join(rel);
                let bytes: Vec<u8> = (0..1000_u32).map(|b| (b * 7 + i as u32) as u8).collect();
                std::fs::write(&p, &bytes).unwrap();
                files.push((p, bytes));
            }
            set_read_only(&dir.join("ro.txt"), true);
            Self {
                dir: dir.to_path_buf(),
                files,
            }
        }

        /// Every file still there, byte for byte, and nothing else gone.
        fn assert_intact(&self) {
            for (p, bytes) in &self.files {
                let now = std::fs::read(p)
                    .unwrap_or_else(|e| panic!("canary {} is gone: {e}", p.display()));
                assert_eq!(&now, bytes, "canary {} changed", p.display());
            }
            assert!(self.dir.join("deeper").is_dir());
        }
    }

    fn set_read_only(p: &Path, ro: bool) {
        let mut perms = std::fs::symlink_metadata(p).unwrap().permissions();
        #[allow(
            clippy::permissions_set_readonly_false,
            reason = "the attribute, both ways"
        )]
        perms.set_readonly(ro);
        std::fs::set_permissions(p, perms).unwrap();
    }

    fn attrs_of(p: &Path) -> u32 {
        use std::os::windows::fs::MetadataExt;
        std::fs::symlink_metadata(p).unwrap().file_attributes()
    }

    /// Makes `link` a directory junction (a mount point) to the directory `target`, as
    /// `mklink /J` does: an empty directory given the reparse point with
    /// `FSCTL_SET_REPARSE_POINT`.
    fn junction(link: &Path, target: &Path) -> io::Result<()> {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_FLAG_OPEN_REPARSE_POINT,
        };
        use windows_sys::Win32::System::IO::DeviceIoControl;
        const FSCTL_SET_REPARSE_POINT: u32 = 0x0009_00A4;
        const IO_REPARSE_TAG_MOUNT_POINT: u32 = 0xA000_0003;
        let target = std::path::absolute(target)?;
        let print: Vec<u16> = target.as_os_str().encode_wide().collect();
        let subst: Vec<u16> = r"\??\"
            .encode_utf16()
            .chain(print.iter().copied())
            .collect();
        // Mount-point buffer: the tag, the data length, a reserved word, then the substitute
        // and print names' offsets and lengths (bytes) and both names, each NUL-terminated.
        let mut names: Vec<u16> = subst.clone();
        names.push(0);
        names.extend(&print);
        names.push(0);
        let data_len = 8 + names.len() * 2;
        let mut buf: Vec<u8> = Vec::new();
        buf.extend(IO_REPARSE_TAG_MOUNT_POINT.to_le_bytes());
        buf.extend((data_len as u16).to_le_bytes());
        buf.extend(0_u16.to_le_bytes());
        for v in [0, subst.len() * 2, (subst.len() + 1) * 2, print.len() * 2] {
            buf.extend((v as u16).to_le_bytes());
        }
        for u in names {
            buf.extend(u.to_le_bytes());
        }
        std::fs::create_dir(link)?;
        let f = std::fs::OpenOptions::new()
            .write(true)
            .custom_flags(FILE_FLAG_BACKUP_SEMANTICS | FILE_FLAG_OPEN_REPARSE_POINT)
            .open(link)?;
        let mut returned = 0_u32;
        // SAFETY: the handle is owned by `f`; `buf` is a live buffer of the length passed; no
        // output buffer; no overlapped I/O.
        let ok = unsafe {
            DeviceIoControl(
                f.as_raw_handle() as HANDLE,
                FSCTL_SET_REPARSE_POINT,
                buf.as_ptr().cast(),
                buf.len() as u32,
                std::ptr::null_mut(),
                0,
                &mut returned,
                std::ptr::null_mut(),
            )
        };
        if ok == 0 {
            let e = io::Error::last_os_error();
            drop(f);
            let _ = std::fs::remove_dir(link);
            return Err(e);
        }
        Ok(())
    }

    /// Links (name-surrogate reparse points: junctions, symbolic links) are removed as links;
    /// a directory carrying another reparse point is entered, as a plain directory is.
    #[test]
    fn links_are_told_from_directories_by_attributes_and_tag() {
        const MOUNT_POINT: u32 = 0xA000_0003;
        const SYMLINK: u32 = 0xA000_000C;
        const CLOUD: u32 = 0x9000_601A;
        assert!(is_real_dir(ATTR_DIRECTORY, 0));
        assert!(is_real_dir(ATTR_DIRECTORY | ATTR_READONLY, 0));
        assert!(!is_real_dir(ATTR_DIRECTORY | ATTR_REPARSE, MOUNT_POINT));
        assert!(!is_real_dir(ATTR_DIRECTORY | ATTR_REPARSE, SYMLINK));
        assert!(is_real_dir(ATTR_DIRECTORY | ATTR_REPARSE, CLOUD));
        assert!(!is_real_dir(ATTR_REPARSE, SYMLINK));
        assert!(!is_real_dir(0x20, 0));
    }

    /// A tree of read-only files (Go's module cache makes them so), wide enough for the
    /// parallel walk: removed entirely, and nothing outside it touched; then the same with
    /// read-only directories, which Wine cannot make ([`WineGap::ReadOnlyDirectories`]).
    #[test]
    fn removal_by_handle_deletes_read_only_trees_and_nothing_outside() {
        let tmp = tempfile::tempdir().unwrap();
        let canary = Canary::new(&tmp.path().join("canary"));
        let remove = |tree: &Path| {
            let errs = crate::clean::remove::remove_tree(tree, &CancelToken::new());
            assert!(errs.is_empty(), "{:?}", errs.first);
            assert!(errs.removed_any);
            assert!(
                std::fs::symlink_metadata(tree).is_err(),
                "{} is still there",
                tree.display()
            );
            canary.assert_intact();
        };
        let make = |tree: &Path, ro_dirs: bool| {
            for d in 0..3 {
                let dir = tree.join(format!("mod{d}@v1.0.{d}")).join("pkg");
                std::fs::create_dir_all(&dir).unwrap();
                for f in 0..12 {
                    let p = dir.join(format!("f{f}.go"));
                    std::fs::write(&p, format!("package p // {f}")).unwrap();
                    set_read_only(&p, true);
                    assert_ne!(attrs_of(&p) & ATTR_READONLY, 0);
                }
                if ro_dirs {
                    set_read_only(&dir, true);
                    set_read_only(dir.parent().unwrap(), true);
                    assert_ne!(attrs_of(&dir) & ATTR_READONLY, 0);
                }
            }
            let lone = tree.join("lone.txt");
            std::fs::write(&lone, "x").unwrap();
            set_read_only(&lone, true);
            if ro_dirs {
                set_read_only(tree, true);
            }
        };
        let tree = tmp.path().join("tree");
        make(&tree, false);
        remove(&tree);

        // A read-only file as the root itself; a missing root is a success.
        let file = tmp.path().join("single.txt");
        std::fs::write(&file, "y").unwrap();
        set_read_only(&file, true);
        remove(&file);
        let errs = crate::clean::remove::remove_tree(&file, &CancelToken::new());
        assert!(errs.is_empty() && !errs.removed_any, "{:?}", errs.first);

        skip_under_wine!(WineGap::ReadOnlyDirectories);
        let tree = tmp.path().join("tree-ro");
        make(&tree, true);
        remove(&tree);
    }

    /// A junction and a directory symlink in the tree, both to a canary directory outside it,
    /// a file symlink to a canary file, and a junction as the removal's root: each removed as
    /// a link, the canary intact. Wine 8.0 makes neither junctions nor symlinks
    /// ([`WineGap::ReparsePoints`]).
    #[test]
    fn links_in_a_removed_tree_are_removed_as_links() {
        skip_under_wine!(WineGap::ReparsePoints);
        let tmp = tempfile::tempdir().unwrap();
        let canary = Canary::new(&tmp.path().join("canary"));
        let tree = tmp.path().join("tree");
        std::fs::create_dir_all(tree.join("sub")).unwrap();
        std::fs::write(tree.join("sub/file"), "x").unwrap();
        let j = tree.join("sub/junction");
        junction(&j, &canary.dir).unwrap();
        // The junction is real: a reparse point that leads to the canary's files.
        assert_ne!(attrs_of(&j) & ATTR_REPARSE, 0);
        assert!(j.join("precious.txt").is_file());
        let s = tree.join("dirlink");
        match std::os::windows::fs::symlink_dir(&canary.dir, &s) {
            Ok(()) => {
                assert_ne!(attrs_of(&s) & ATTR_REPARSE, 0);
                assert!(s.join("precious.txt").is_file());
                let f = tree.join("sub/filelink");
                std::os::windows::fs::symlink_file(&canary.files[0].0, &f).unwrap();
                assert_eq!(std::fs::read(&f).unwrap(), canary.files[0].1);
            }
            // Windows without Developer Mode lets only administrators make symlinks: the
            // junction is checked alone then.
            Err(e) if e.raw_os_error() == Some(1314) => {}
            Err(e) => panic!("symlink_dir: {e}"),
        }
        set_read_only(&tree.join("sub"), true);

        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert!(errs.is_empty(), "{:?}", errs.first);
        assert!(!tree.exists(), "the tree is still there");
        canary.assert_intact();

        // The root itself a junction: the link goes, the canary stays.
        let root = tmp.path().join("rootlink");
        junction(&root, &canary.dir).unwrap();
        let errs = crate::clean::remove::remove_tree(&root, &CancelToken::new());
        assert!(errs.is_empty(), "{:?}", errs.first);
        assert!(
            std::fs::symlink_metadata(&root).is_err(),
            "the link is still there"
        );
        canary.assert_intact();
    }

    /// While the walk holds a directory, it cannot be renamed away (the first step of swapping
    /// it for a junction or another directory): neither the root nor one below it. Were the
    /// rename to succeed, the test makes the swap a path-based walk would fall for (a junction
    /// to the canary, or the canary directory itself, in its place) and fails.
    #[test]
    fn a_directory_the_removal_holds_cannot_be_swapped() {
        use std::sync::{Arc, Mutex};
        let tmp = tempfile::tempdir().unwrap();
        let canary = Canary::new(&tmp.path().join("canary"));
        let tree = tmp.path().join("tree");
        let a = tree.join("a");
        std::fs::create_dir_all(a.join("inner")).unwrap();
        for f in 0..3 {
            std::fs::write(a.join(format!("f{f}")), "x").unwrap();
        }
        std::fs::write(a.join("inner/g"), "x").unwrap();

        type Tried = Arc<Mutex<Vec<(std::path::PathBuf, io::Result<()>)>>>;
        let tried: Tried = Arc::default();
        let guards: Vec<hook::Guard> = [tree.clone(), a.clone()]
            .into_iter()
            .map(|dir| {
                let tried = Arc::clone(&tried);
                let target = canary.dir.clone();
                hook::on_pinned(&dir, move |held| {
                    let away = held.with_extension("moved");
                    // From another thread, as another program would.
                    let from = held.to_path_buf();
                    let to = away.clone();
                    let r = std::thread::spawn(move || std::fs::rename(&from, &to))
                        .join()
                        .unwrap();
                    if r.is_ok() {
                        // The attack: the path now leads to the canary (a junction, or where
                        // none can be made, the canary directory itself moved there).
                        if junction(held, &target).is_err() {
                            let _ = std::fs::rename(&target, held);
                        }
                    }
                    tried.lock().unwrap().push((held.to_path_buf(), r));
                })
            })
            .collect();
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        drop(guards);
        let tried = std::mem::take(&mut *tried.lock().unwrap());
        let held: Vec<_> = tried.iter().map(|(p, _)| p.clone()).collect();
        assert!(
            held.contains(&tree) && held.contains(&a),
            "hook not run: {held:?}"
        );
        for (p, r) in &tried {
            let e = r
                .as_ref()
                .expect_err(&format!("{} was renamed while held", p.display()));
            assert!(
                matches!(
                    e.raw_os_error(),
                    Some(ERROR_SHARING_VIOLATION | ERROR_ACCESS_DENIED)
                ),
                "{}: {e}",
                p.display()
            );
        }
        canary.assert_intact();
        assert!(errs.is_empty(), "{:?}", errs.first);
        assert!(!tree.exists());
    }

    /// A file another handle holds without `FILE_SHARE_DELETE` fails as locked, on its own
    /// path; once released, the next removal finishes.
    #[test]
    fn a_held_file_fails_as_locked_with_its_path() {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::FILE_SHARE_READ;
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        std::fs::create_dir_all(tree.join("d")).unwrap();
        let held = tree.join("d").join("held.txt");
        std::fs::write(&held, "x").unwrap();
        std::fs::write(tree.join("other.txt"), "y").unwrap();
        let f = std::fs::OpenOptions::new()
            .read(true)
            .share_mode(FILE_SHARE_READ)
            .open(&held)
            .unwrap();
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert_eq!(errs.count, 1, "{:?}", errs.first);
        let (p, e) = &errs.first[0];
        assert_eq!(p, &held);
        assert_eq!(Sys::classify(e), RawKind::Locked, "{e}");
        assert!(!tree.join("other.txt").exists());
        drop(f);
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert!(errs.is_empty(), "{:?}", errs.first);
        assert!(!tree.exists());
    }

    /// A directory another handle holds without `FILE_SHARE_DELETE` (as a process' working
    /// directory is held): what is in it goes, it fails as locked on its own path, and the
    /// removal after its release finishes.
    #[test]
    fn a_held_directory_is_emptied_and_fails_as_locked() {
        use std::os::windows::fs::OpenOptionsExt;
        use windows_sys::Win32::Storage::FileSystem::{
            FILE_FLAG_BACKUP_SEMANTICS, FILE_LIST_DIRECTORY, FILE_SHARE_READ, FILE_SHARE_WRITE,
        };
        let tmp = tempfile::tempdir().unwrap();
        let tree = tmp.path().join("tree");
        let held = tree.join("held");
        std::fs::create_dir_all(held.join("sub")).unwrap();
        std::fs::write(held.join("a.txt"), "x").unwrap();
        std::fs::write(held.join("sub/b.txt"), "x").unwrap();
        std::fs::write(tree.join("other.txt"), "y").unwrap();
        let hold = |p: &Path| {
            std::fs::OpenOptions::new()
                .access_mode(FILE_LIST_DIRECTORY)
                .share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE)
                .custom_flags(FILE_FLAG_BACKUP_SEMANTICS)
                .open(p)
                .unwrap()
        };
        let h = hold(&held);
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert_eq!(errs.count, 1, "{:?}", errs.first);
        let (p, e) = &errs.first[0];
        assert_eq!(p, &held);
        assert_eq!(Sys::classify(e), RawKind::Locked, "{e}");
        assert!(errs.removed_any);
        let left: Vec<_> = std::fs::read_dir(&held).unwrap().collect();
        assert!(left.is_empty(), "{left:?}");
        assert!(!tree.join("other.txt").exists());
        drop(h);

        // The root itself held.
        std::fs::write(held.join("c.txt"), "z").unwrap();
        let h = hold(&tree);
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert_eq!(errs.count, 1, "{:?}", errs.first);
        assert_eq!(errs.first[0].0, tree);
        assert_eq!(Sys::classify(&errs.first[0].1), RawKind::Locked);
        assert_eq!(std::fs::read_dir(&tree).unwrap().count(), 0);
        drop(h);
        let errs = crate::clean::remove::remove_tree(&tree, &CancelToken::new());
        assert!(errs.is_empty(), "{:?}", errs.first);
        assert!(!tree.exists());
    }
}
