//! Windows (Go's `LockFileEx` lock is std's `File::try_lock`, in [`super`]): the read-only
//! attribute, junctions and directory symlinks, Win32 error codes; for the elevated clean the
//! token (user, elevation), security descriptors read on open handles, protected private
//! DACLs, and the registry's ProfileList. The decisions are in [`super::windows_acl`].
#![allow(
    unsafe_code,
    reason = "the security, token and registry APIs are Win32 calls"
)]

use std::fs::{File, Metadata};
use std::io;
use std::os::windows::ffi::OsStrExt;
use std::os::windows::fs::FileTypeExt;
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
}
