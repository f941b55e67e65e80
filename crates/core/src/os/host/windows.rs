//! Windows: no numeric user ids (SIDs; the cleaner's `Platform` reads those), no allocation
//! size in the metadata, no mode bits; the display language from the user's preferred UI
//! languages, and Wine detected through ntdll.

use std::fs::{FileType, Metadata, OpenOptions};
use std::os::windows::fs::MetadataExt as _;
use std::path::Path;

use super::{FileStat, System};
use crate::dirhash::Special;

/// A Windows file time (100 ns ticks since 1601-01-01) as nanoseconds since the Unix epoch.
fn filetime_ns(ticks: u64) -> i64 {
    const EPOCH_DIFF_TICKS: i64 = 116_444_736_000_000_000;
    i64::try_from(ticks)
        .unwrap_or(i64::MAX)
        .saturating_sub(EPOCH_DIFF_TICKS)
        .saturating_mul(100)
}

/// The Windows implementation of [`System`].
pub(crate) struct Windows;

impl System for Windows {
    fn effective_uid() -> Option<u32> {
        None
    }

    fn owner_uid(_path: &Path) -> Option<u32> {
        None
    }

    fn user_name(_uid: u32) -> Option<String> {
        None
    }

    /// Windows has no `st_blocks`: the allocated size is estimated as the apparent size
    /// rounded up to 4 KiB clusters (NTFS default), directories count 0. No inode numbers
    /// either, so hard links are not detected (`nlink` is 1).
    fn file_stat(md: &Metadata) -> FileStat {
        let size = if md.is_dir() { 0 } else { md.len() };
        let mtime = md
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        FileStat {
            size,
            disk: size.div_ceil(4096) * 4096,
            mtime,
            dev: 0,
            ino: 0,
            nlink: 1,
            mtime_ns: filetime_ns(md.last_write_time()),
            ctime_ns: filetime_ns(md.creation_time()),
        }
    }

    fn special_kind(_ft: FileType) -> Special {
        Special::Other
    }

    fn open_nonblocking_nofollow(_oo: &mut OpenOptions, _keep_atime: bool) {}

    fn is_executable(_md: &Metadata) -> bool {
        true
    }

    fn display_language() -> Option<String> {
        sys_locale::get_locale()
    }

    fn owner_only(_builder: &mut tempfile::Builder<'_, '_>) {}

    #[allow(unsafe_code, reason = "GetDiskFreeSpaceExW is a Win32 call")]
    fn disk_space(path: &Path) -> Option<(u64, u64)> {
        use std::os::windows::ffi::OsStrExt as _;
        use windows_sys::Win32::Storage::FileSystem::GetDiskFreeSpaceExW;
        let wide: Vec<u16> = path.as_os_str().encode_wide().chain(Some(0)).collect();
        let (mut avail, mut total, mut free) = (0u64, 0u64, 0u64);
        // SAFETY: `wide` is a NUL-terminated UTF-16 string that outlives the call; the three
        // out-pointers point at live u64s.
        let ok = unsafe { GetDiskFreeSpaceExW(wide.as_ptr(), &mut avail, &mut total, &mut free) };
        (ok != 0).then_some((avail, total))
    }

    #[allow(
        unsafe_code,
        reason = "GetModuleHandleW and GetProcAddress are Win32 calls"
    )]
    fn under_wine() -> bool {
        static UNDER: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
        *UNDER.get_or_init(|| {
            use windows_sys::Win32::System::LibraryLoader::{GetModuleHandleW, GetProcAddress};
            let ntdll: Vec<u16> = "ntdll.dll\0".encode_utf16().collect();
            // SAFETY: both names are NUL-terminated; ntdll is loaded in every process and the
            // module handle is not freed by GetModuleHandleW.
            unsafe {
                let module = GetModuleHandleW(ntdll.as_ptr());
                !module.is_null()
                    && GetProcAddress(module, c"wine_get_version".as_ptr().cast()).is_some()
            }
        })
    }
}
