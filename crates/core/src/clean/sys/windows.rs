//! Windows: `LockFileEx` over the whole range as Go's `filelock_windows.go`, the read-only
//! attribute, junctions and directory symlinks, Win32 error codes.
#![allow(unsafe_code, reason = "LockFileEx and UnlockFileEx are Win32 calls")]

use std::fs::{File, Metadata};
use std::io;
use std::os::windows::fs::FileTypeExt;
use std::os::windows::io::AsRawHandle;
use std::path::Path;

use windows_sys::Win32::Foundation::HANDLE;
use windows_sys::Win32::Storage::FileSystem::{
    LOCKFILE_EXCLUSIVE_LOCK, LOCKFILE_FAIL_IMMEDIATELY, LockFileEx, UnlockFileEx,
};
use windows_sys::Win32::System::IO::OVERLAPPED;

use super::{OwnerInfo, Platform, RawKind};

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

    fn owner(_path: &Path) -> Option<OwnerInfo> {
        // Owner SIDs need the security API; not resolved yet (the locks issue adds it).
        None
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
}
