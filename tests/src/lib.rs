//! Test support for Go Cache Doctor: builds GENUINE Go caches with the real Go toolchain.
//!
//! * [`go_binary`] finds the Go toolchain (`$GO`, then `go` on `PATH`, then the newest
//!   `/usr/lib/go-1.*/bin/go`).
//! * [`fixture::build`] writes a local `file://` GOPROXY full of synthetic modules (mixed-case
//!   paths, several versions, a pre-release, filler files taken from Go's own source), then has
//!   `go mod download`, `go build` and `go test` fill a fresh GOMODCACHE and GOCACHE from it.
//!   The result is exactly what Go produces: read-only directories, `.ziphash`, `.lock`,
//!   `.info`, `.mod`, `list`, a build cache with `00`..`ff`, and `go mod verify` passes.
//! * [`fixture::TempFixture`] owns a temporary directory and removes the (read-only) tree on
//!   drop through [`remove_tree`].
//!
//! * [`root`] is how a test that needs root skips loudly, or fails where root is required (CI).
//! * [`shell`] runs the doctor's fix commands in a sandbox of recording stand-ins and reads
//!   command lines as bash, PowerShell and cmd would (the attack tests of issue #12).
//!
//! The `gocache-argv` binary prints its arguments as JSON (the Windows test of cmd.exe quoting).
//! The `gocache-fixture` binary exposes the same builder to benchmarks and end-to-end tests and
//! prints the JSON summary of docs/contract.md "Fixture builder".
//! The `gocache-hold` binary holds files open (and a working directory) as Windows programs do,
//! for the Windows scenarios of the lock probe, End process and clean.

pub mod fixture;
pub mod root;
pub mod shell;
mod sys;

use std::io;
use std::path::{Path, PathBuf};

/// Finds the Go toolchain to build fixtures with: `$GO` (when set and non-empty), then `go` on
/// `PATH`, then the newest `/usr/lib/go-1.*/bin/go` (Debian's versioned packages).
/// Returns `None` when there is no Go at all.
pub fn go_binary() -> Option<PathBuf> {
    if let Some(go) = std::env::var_os("GO").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(go));
    }
    if let Some(path) = std::env::var_os("PATH") {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(format!("go{}", std::env::consts::EXE_SUFFIX));
            if sys::is_executable_file(&candidate) {
                return Some(candidate);
            }
        }
    }
    newest_versioned_go(Path::new("/usr/lib"))
}

/// The newest `<lib>/go-1.<minor>/bin/go`, compared by the numeric minor version.
fn newest_versioned_go(lib: &Path) -> Option<PathBuf> {
    let mut best: Option<(u32, PathBuf)> = None;
    for entry in std::fs::read_dir(lib).ok()?.flatten() {
        let name = entry.file_name();
        let Some(minor) = name.to_str().and_then(|n| n.strip_prefix("go-1.")) else {
            continue;
        };
        let Ok(minor) = minor.parse::<u32>() else {
            continue;
        };
        let go = entry.path().join("bin").join("go");
        if sys::is_executable_file(&go) && best.as_ref().is_none_or(|(m, _)| minor > *m) {
            best = Some((minor, go));
        }
    }
    best.map(|(_, go)| go)
}

/// Writes an executable script (mode 0755) at `path` without this process ever holding it open
/// for writing: the bytes go to a side file, and `install(1)` copies them into place in a child
/// process.
///
/// Tests run in parallel threads, and a thread that forks a child (to run go, bash, ...) while
/// another thread has a file open for writing hands the child a copy of that descriptor until
/// the child's exec closes it. Executing the file in that window fails with ETXTBSY ("Text file
/// busy"): a recorder that never records, a fake go that never starts. Written by a child that
/// has exited, the script has no writer left anywhere.
///
/// # Panics
/// When the side file cannot be written or `install` fails.
#[cfg(unix)]
pub fn write_script(path: &Path, text: &str) {
    let side = path.with_extension("script-source");
    std::fs::write(&side, text).unwrap_or_else(|e| panic!("{side:?}: {e}"));
    let st = std::process::Command::new("install")
        .args(["-m", "0755"])
        .arg(&side)
        .arg(path)
        .status()
        .unwrap_or_else(|e| panic!("install(1): {e}"));
    assert!(st.success(), "install {side:?} {path:?}: {st}");
    let _ = std::fs::remove_file(&side);
}

/// Removes a directory tree that Go made read-only (the module cache's `dr-xr-xr-x`
/// directories, or read-only files on Windows): first makes the tree writable (never following
/// symlinks; `u+rwx` on every directory on Unix, the read-only attribute cleared on Windows),
/// then removes the tree. A missing `path` is not an error.
///
/// # Errors
/// The first I/O error of the chmod walk or of the removal.
pub fn remove_tree(path: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
        Ok(m) if !m.is_dir() => return std::fs::remove_file(path),
        Ok(_) => {}
    }
    sys::make_tree_writable(path)?;
    std::fs::remove_dir_all(path)
}

/// Sets the access and modification times of the file `path`, also when Go made it
/// read-only: the read-only permission is lifted for the change and put back (neither step
/// touches the two times).
///
/// # Errors
/// The I/O error of reading or changing its permissions or times.
pub fn set_file_times(
    path: &Path,
    atime: std::time::SystemTime,
    mtime: std::time::SystemTime,
) -> io::Result<()> {
    let perms = std::fs::metadata(path)?.permissions();
    if perms.readonly() {
        let mut w = perms.clone();
        #[allow(
            clippy::permissions_set_readonly_false,
            reason = "for a moment, on a test's own file, restored below"
        )]
        w.set_readonly(false);
        std::fs::set_permissions(path, w)?;
    }
    let set = std::fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| {
            f.set_times(
                std::fs::FileTimes::new()
                    .set_accessed(atime)
                    .set_modified(mtime),
            )
        });
    std::fs::set_permissions(path, perms)?;
    set
}

/// The apparent size of the tree at `path` in bytes, as an oracle independent of the
/// scanner: on Unix what `du -sb` prints (files, symlinks and directories, hard links once);
/// on Windows, where directories have no size, the sum of the lengths of every file and
/// link below `path` from a plain recursive walk that never follows a link
/// ([`std::fs::symlink_metadata`]).
///
/// # Panics
/// When `du` fails or an entry cannot be read: a test oracle must not guess.
pub fn du_bytes(path: &Path) -> u64 {
    sys::du_bytes(path)
}

/// The bytes the tree at `path` takes on disk, as an oracle independent of the scanner: on
/// Unix what `du -sB1` prints; on Windows [`du_bytes`] with each file rounded up to a 4 KiB
/// cluster (what the scan documents there).
///
/// # Panics
/// When `du` fails or an entry cannot be read: a test oracle must not guess.
pub fn du_disk_bytes(path: &Path) -> u64 {
    sys::du_disk_bytes(path)
}

/// Makes the directory `dir` itself writable so a test can add files to a version Go made
/// read-only (`u+rwx` on Unix; the read-only attribute cleared on Windows).
///
/// # Errors
/// The I/O error of reading or changing its permissions.
pub fn make_dir_writable(dir: &Path) -> io::Result<()> {
    sys::make_dir_writable(dir)
}

/// What a fresh shell on this OS has besides the Go variables, for running a program with a
/// cleared environment: `PATH` = `path_dirs` then the system directories (joined with this
/// OS's list separator), and on Windows also `SystemRoot`, `windir`, `TMP` and `TEMP`, which
/// every Windows session has and Windows programs need.
pub fn shell_env(path_dirs: &[&Path]) -> Vec<(String, std::ffi::OsString)> {
    let mut path = std::ffi::OsString::new();
    for d in path_dirs {
        path.push(d.as_os_str());
        path.push(if cfg!(windows) { ";" } else { ":" });
    }
    path.push(sys::SYSTEM_PATH);
    let mut env: Vec<(String, std::ffi::OsString)> = sys::kept_env()
        .into_iter()
        .map(|(k, v)| (k, v.into()))
        .collect();
    env.push(("PATH".into(), path));
    env
}

/// [`Command::output`](std::process::Command::output), tried again when Wine fails to start
/// the process.
///
/// Under Wine, `CreateProcess` now and then fails with ERROR_INTERNAL_ERROR (1359, "Internal
/// error") when many test threads start processes at once (seen once in CI starting
/// `go.exe test`); Windows itself does not fail that way. Such a start is tried again, up to 5
/// times, 200 ms apart.
///
/// On Windows, a `go` command that failed with "Sharing violation" (or that could not start
/// one of its own tools: "Internal error.", the same Wine failure) is run again too (up to 3
/// times, 1 s apart): the tests that look for the programs holding files (the automatic
/// cleanup's and `locks`' holder scans, as Process Explorer does) duplicate every process's
/// file handles, including those of the `go` commands of tests running at the same time, and a
/// rename or removal Go makes while a duplicate is open fails (seen in CI as `go: rename
/// ....zip.tmp ....zip: Sharing violation.` and `go: remove ...\gocache\a1: Sharing
/// violation.`, when the scan duplicated all handles up front and held them for the whole
/// pass; each duplicate now lives only while its path is read, so this is a safety net). And on Windows a `go` command still running after [`GO_TIME_LIMIT`] is
/// killed and run once more (a hung `vet.exe` under Wine). The fixture's `go` commands are
/// idempotent. Every other result is returned at once.
///
/// # Errors
/// The error of the last start.
pub fn output(cmd: &mut std::process::Command) -> std::io::Result<std::process::Output> {
    const ERROR_INTERNAL_ERROR: i32 = 1359;
    let is_go = std::path::Path::new(cmd.get_program())
        .file_stem()
        .is_some_and(|s| s.eq_ignore_ascii_case("go"));
    let mut tries = 0;
    let mut shared = 0;
    let mut hung = 0;
    loop {
        let result = if cfg!(windows) && is_go {
            output_within(cmd, GO_TIME_LIMIT)
        } else {
            cmd.output()
        };
        match result {
            Err(e) if e.kind() == std::io::ErrorKind::TimedOut && hung < 1 => {
                hung += 1;
            }
            Err(e)
                if cfg!(windows) && e.raw_os_error() == Some(ERROR_INTERNAL_ERROR) && tries < 5 =>
            {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(200));
            }
            Ok(out)
                if cfg!(windows)
                    && is_go
                    && !out.status.success()
                    && shared < 3
                    && wine_flake(&String::from_utf8_lossy(&out.stderr)) =>
            {
                shared += 1;
                std::thread::sleep(std::time::Duration::from_secs(1));
            }
            other => return other,
        }
    }
}

/// Whether a failed `go` command's stderr shows one of the transient failures [`output`] runs
/// again: a "Sharing violation", or Wine's ERROR_INTERNAL_ERROR hitting a process `go` itself
/// started (`fork/exec ...\\compile.exe: Internal error.`, seen in CI).
fn wine_flake(stderr: &str) -> bool {
    stderr.contains("Sharing violation")
        || (stderr.contains("fork/exec") && stderr.contains("Internal error."))
}

/// How long a `go` command of the tests may run on Windows before it counts as hung: under
/// Wine, a `vet.exe` that `go test` started once never ended (CI, 16 minutes at no CPU).
const GO_TIME_LIMIT: std::time::Duration = std::time::Duration::from_secs(240);

/// [`Command::output`](std::process::Command::output) that kills the process, and on Windows
/// every process it started (a job object), and fails with [`std::io::ErrorKind::TimedOut`]
/// when it runs longer than `limit`.
///
/// # Errors
/// The spawn's error, or `TimedOut`.
pub fn output_within(
    cmd: &mut std::process::Command,
    limit: std::time::Duration,
) -> std::io::Result<std::process::Output> {
    use std::io::{Read as _, Seek as _};
    // Into files, not pipes: a thread reading a child's pipe aborts under Wine ("operation
    // failed to complete synchronously"), and a file is read once the process is gone.
    let mut out = tempfile::tempfile()?;
    let mut err = tempfile::tempfile()?;
    let mut child = cmd
        .stdin(std::process::Stdio::null())
        .stdout(out.try_clone()?)
        .stderr(err.try_clone()?)
        .spawn()?;
    let tree = sys::ProcessTree::adopt(&child);
    let start = std::time::Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if start.elapsed() > limit {
            if let Some(t) = &tree {
                t.kill();
            }
            let _ = child.kill();
            let _ = child.wait();
            #[allow(
                clippy::print_stderr,
                reason = "the log says when a command was killed"
            )]
            {
                eprintln!(
                    "output_within: {cmd:?} ran longer than {} s: killed{}",
                    limit.as_secs(),
                    if tree.is_some() {
                        " with every process it started"
                    } else {
                        ""
                    }
                );
            }
            return Err(std::io::Error::new(
                std::io::ErrorKind::TimedOut,
                format!(
                    "{cmd:?} ran longer than {} s and was killed",
                    limit.as_secs()
                ),
            ));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let read = |f: &mut std::fs::File| -> std::io::Result<Vec<u8>> {
        let mut buf = Vec::new();
        f.seek(std::io::SeekFrom::Start(0))?;
        f.read_to_end(&mut buf)?;
        Ok(buf)
    };
    Ok(std::process::Output {
        status,
        stdout: read(&mut out)?,
        stderr: read(&mut err)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn newest_versioned_go_compares_minor_numerically() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        for minor in ["9", "23", "19", "x"] {
            let bin = tmp.path().join(format!("go-1.{minor}/bin"));
            std::fs::create_dir_all(&bin).unwrap();
            std::fs::write(bin.join("go"), "#!/bin/sh\n").unwrap();
            std::fs::set_permissions(bin.join("go"), std::fs::Permissions::from_mode(0o755))
                .unwrap();
        }
        assert_eq!(
            newest_versioned_go(tmp.path()),
            Some(tmp.path().join("go-1.23/bin/go"))
        );
    }

    #[cfg(unix)]
    #[test]
    fn remove_tree_removes_read_only_dirs() {
        use std::os::unix::fs::PermissionsExt;
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("t");
        let deep = root.join("a@v1.0.0/b/c");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("f.go"), "package c\n").unwrap();
        for d in [
            deep.as_path(),
            &root.join("a@v1.0.0/b"),
            &root.join("a@v1.0.0"),
        ] {
            std::fs::set_permissions(d, std::fs::Permissions::from_mode(0o555)).unwrap();
        }
        remove_tree(&root).unwrap();
        assert!(!root.exists());
        remove_tree(&root).unwrap(); // missing is fine
    }

    /// Go's module cache on Windows is made of read-only files (FILE_ATTRIBUTE_READONLY),
    /// which refuse deletion until the attribute is cleared.
    #[test]
    fn remove_tree_removes_read_only_files() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().join("t");
        let deep = root.join("a@v1.0.0").join("b");
        std::fs::create_dir_all(&deep).unwrap();
        let f = deep.join("f.go");
        std::fs::write(&f, "package b\n").unwrap();
        let mut perms = std::fs::metadata(&f).unwrap().permissions();
        perms.set_readonly(true);
        std::fs::set_permissions(&f, perms).unwrap();
        assert!(std::fs::metadata(&f).unwrap().permissions().readonly());
        remove_tree(&root).unwrap();
        assert!(!root.exists());
    }
}
