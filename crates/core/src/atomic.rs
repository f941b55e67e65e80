//! Replacing a file whole: the new content goes to a temporary file beside it, which is then
//! renamed over it, so a reader sees the old file or the new one, never a part of either.
//!
//! On Windows such a rename (`MoveFileEx`, as tempfile's `persist` does it) is refused with
//! "Access denied" while any other handle has the file open, and opening a file that is being
//! replaced is refused for a moment too: the app and the CLI read and write the same history,
//! scan indexes and notes. [`while_denied`] asks again for a while before a refusal counts.

use std::io::{self, Write as _};
use std::path::Path;
use std::time::Duration;

/// How many times, and how far apart, [`while_denied`] asks again: about a second in all.
const DENIED_TRIES: u32 = 25;
const DENIED_PAUSE: Duration = Duration::from_millis(40);

/// Runs `op`, asking again for up to a second while it fails with "Access denied"
/// ([`io::ErrorKind::PermissionDenied`]): the Windows refusals described in the module. On Unix
/// a real denial costs that second.
pub(crate) fn while_denied<T>(mut op: impl FnMut() -> io::Result<T>) -> io::Result<T> {
    for _ in 0..DENIED_TRIES {
        match op() {
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                std::thread::sleep(DENIED_PAUSE);
            }
            other => return other,
        }
    }
    op()
}

/// Replaces the file at `path` with `data`: a temporary file named `<prefix>…` in the same
/// directory (created when missing), flushed to disk first when `sync` (for files whose loss
/// would lose the user's data; caches of our own skip it), then renamed over `path`
/// ([`while_denied`]). A temporary file left by a crash keeps the prefix, for whoever cleans up.
///
/// # Errors
/// The I/O error of creating the directory, writing the temporary file or renaming it; the
/// temporary file is removed then.
pub(crate) fn replace(path: &Path, data: &[u8], prefix: &str, sync: bool) -> io::Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::Builder::new().prefix(prefix).tempfile_in(dir)?;
    tmp.write_all(data)?;
    if sync {
        tmp.as_file().sync_all()?;
    }
    let mut tmp = Some(tmp);
    while_denied(|| {
        let Some(t) = tmp.take() else {
            return Err(io::Error::other("the temporary file is gone"));
        };
        t.persist(path).map(drop).map_err(|e| {
            tmp = Some(e.file);
            e.error
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A missing directory is created; an existing file is replaced; no temporary file stays.
    #[test]
    fn replace_creates_replaces_and_leaves_no_temporary_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("sub").join("f");
        replace(&file, b"one", ".t-", false).unwrap_or_else(|e| panic!("{e}"));
        replace(&file, b"two", ".t-", true).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(std::fs::read(&file).unwrap_or_default(), b"two");
        let names: Vec<_> = std::fs::read_dir(dir.path().join("sub"))
            .unwrap_or_else(|e| panic!("{e}"))
            .map(|e| e.map(|e| e.file_name()).unwrap_or_default())
            .collect();
        assert_eq!(names, ["f"]);
    }

    /// A replacement while other handles hold the file open (a reader, an appender), as the
    /// app and the CLI do: it succeeds (on Windows by asking again once they let go), and the
    /// readers see the old or the new content, whole.
    #[test]
    fn replace_while_others_read_and_append() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let file = dir.path().join("f");
        std::fs::write(&file, b"old").unwrap_or_else(|e| panic!("{e}"));
        let stop = std::sync::atomic::AtomicBool::new(false);
        let mut failures = Vec::new();
        std::thread::scope(|s| {
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    if let Ok(d) = while_denied(|| std::fs::read(&file)) {
                        assert!(d.starts_with(b"old") || d.starts_with(b"new"), "{d:?}");
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
            s.spawn(|| {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let open = || {
                        std::fs::OpenOptions::new()
                            .append(true)
                            .create(true)
                            .open(&file)
                    };
                    if let Ok(mut f) = while_denied(open) {
                        let _ = f.write_all(b"+");
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
            });
            for i in 0..50 {
                let data = if i % 2 == 0 { &b"new"[..] } else { &b"old"[..] };
                if let Err(e) = replace(&file, data, ".t-", false) {
                    failures.push(format!("replacement {i}: {e}"));
                }
            }
            stop.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        assert!(failures.is_empty(), "{failures:?}");
    }

    /// A refusal that does not pass is returned after about a second; other errors at once.
    #[test]
    fn while_denied_gives_up_on_a_lasting_denial_and_passes_other_errors() {
        let mut calls = 0;
        let start = std::time::Instant::now();
        let got: io::Result<()> = while_denied(|| {
            calls += 1;
            Err(io::Error::from(io::ErrorKind::PermissionDenied))
        });
        assert!(got.is_err());
        assert_eq!(calls, DENIED_TRIES + 1);
        assert!(start.elapsed() >= DENIED_PAUSE * DENIED_TRIES);
        let mut calls = 0;
        let got: io::Result<()> = while_denied(|| {
            calls += 1;
            Err(io::Error::from(io::ErrorKind::NotFound))
        });
        assert!(got.is_err());
        assert_eq!(calls, 1);
        let mut calls = 0;
        let got = while_denied(|| {
            calls += 1;
            if calls < 3 {
                Err(io::Error::from(io::ErrorKind::PermissionDenied))
            } else {
                Ok(calls)
            }
        });
        assert_eq!(got.ok(), Some(3));
    }
}
