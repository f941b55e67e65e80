//! Windows: executables are files (found by their `.exe` name), and Go's read-only module
//! cache is made of files with FILE_ATTRIBUTE_READONLY, which refuse deletion until cleared.

use std::io;
use std::path::Path;

/// A regular file (Windows has no execute bit; callers look for `go.exe`).
pub(crate) fn is_executable_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| m.is_file())
}

/// Clears the read-only attribute of `dir` and of every file and directory below it (never
/// following symlinks or junctions).
pub(crate) fn make_tree_writable(dir: &Path) -> io::Result<()> {
    clear_readonly(dir)?;
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        let kind = entry.file_type()?;
        if kind.is_dir() {
            make_tree_writable(&entry.path())?;
        } else if kind.is_file() {
            clear_readonly(&entry.path())?;
        }
    }
    Ok(())
}

/// Clears the read-only attribute of the directory `dir` itself (Windows lets files be added
/// to a read-only directory anyway; the attribute only blocks removing it).
pub(crate) fn make_dir_writable(dir: &Path) -> io::Result<()> {
    clear_readonly(dir)
}

fn clear_readonly(path: &Path) -> io::Result<()> {
    let mut perms = std::fs::symlink_metadata(path)?.permissions();
    if perms.readonly() {
        // On Windows this clears FILE_ATTRIBUTE_READONLY only (no Unix mode bits to widen).
        #[allow(clippy::permissions_set_readonly_false)]
        perms.set_readonly(false);
        std::fs::set_permissions(path, perms)?;
    }
    Ok(())
}

/// The system directories a fixture's `go.exe` may need.
pub(crate) const SYSTEM_PATH: &str = r"C:\windows\system32;C:\windows";

/// Whether this process runs as root: never on Windows (the root-only tests are Unix
/// scenarios; an elevated Windows process is no Unix root).
pub(crate) const fn is_root() -> bool {
    false
}

/// Variables kept from the test's environment when a fixture's `go.exe` runs: Windows programs
/// need SystemRoot, and Go's os.TempDir wants TMP/TEMP.
pub(crate) fn kept_env() -> Vec<(String, String)> {
    ["SystemRoot", "windir", "TMP", "TEMP"]
        .iter()
        .filter_map(|k| std::env::var(k).ok().map(|v| ((*k).to_owned(), v)))
        .collect()
}

/// The sum of the lengths of every non-directory entry at or below `path`, never following a
/// link or junction (Windows directories have no size of their own).
pub(crate) fn du_bytes(path: &Path) -> u64 {
    walk(path, &|len| len)
}

/// [`du_bytes`] with each length rounded up to a 4 KiB cluster: the disk usage the scan
/// documents for Windows.
pub(crate) fn du_disk_bytes(path: &Path) -> u64 {
    walk(path, &|len| len.div_ceil(4096) * 4096)
}

/// The sum of `size(length)` over every non-directory entry at or below `path`, never following
/// a link or junction.
fn walk(path: &Path, size: &dyn Fn(u64) -> u64) -> u64 {
    let md = std::fs::symlink_metadata(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if !md.is_dir() {
        return size(md.len());
    }
    std::fs::read_dir(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|e| {
            walk(
                &e.unwrap_or_else(|e| panic!("{}: {e}", path.display()))
                    .path(),
                size,
            )
        })
        .sum()
}

/// A child and every process it starts afterwards, in one job object, so that a `go` killed
/// for running too long takes its `compile.exe` or `vet.exe` along (killing `go.exe` alone
/// left a hung `compile.exe` under Wine, which kept `make test-windows` from ending cleanly).
/// A process the child started before [`ProcessTree::adopt`] is not in the job; `go` starts
/// its tools much later.
pub(crate) struct ProcessTree(windows_sys::Win32::Foundation::HANDLE);

impl ProcessTree {
    /// Puts `child` in a new job; `None` when the job cannot be made or joined.
    #[allow(unsafe_code, reason = "CreateJobObjectW and AssignProcessToJobObject")]
    pub(crate) fn adopt(child: &std::process::Child) -> Option<Self> {
        use std::os::windows::io::AsRawHandle;
        use windows_sys::Win32::System::JobObjects::{AssignProcessToJobObject, CreateJobObjectW};
        // SAFETY: no security attributes and no name (null pointers are allowed).
        let job = unsafe { CreateJobObjectW(std::ptr::null(), std::ptr::null()) };
        if job.is_null() {
            return None;
        }
        let tree = ProcessTree(job);
        // SAFETY: `job` is the job made above; the child's handle is open while `child` lives.
        let ok = unsafe { AssignProcessToJobObject(job, child.as_raw_handle()) };
        (ok != 0).then_some(tree)
    }

    /// Ends every process in the job.
    #[allow(unsafe_code, reason = "TerminateJobObject")]
    pub(crate) fn kill(&self) {
        // SAFETY: `self.0` is a job handle owned by `self`.
        unsafe { windows_sys::Win32::System::JobObjects::TerminateJobObject(self.0, 1) };
    }
}

impl Drop for ProcessTree {
    #[allow(unsafe_code, reason = "CloseHandle")]
    fn drop(&mut self) {
        // SAFETY: the job handle is owned by `self` and closed once, here.
        unsafe { windows_sys::Win32::Foundation::CloseHandle(self.0) };
    }
}
