//! The build cache (GOCACHE): `go clean -cache` and `-testcache` semantics, trimming by age
//! and to a size budget (spec §5).

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rayon::prelude::*;

use super::Entry;
use super::modver::{LockError, lock_file};
use crate::CancelToken;
use crate::os::host::{Host, System as _};
use crate::scan::{self, scan_dir};

/// Whether `name` is one of the `00`..`ff` entry directories.
pub(crate) fn is_hex_dir(name: &str) -> bool {
    name.len() == 2 && name.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn size_of(path: &Path, cancel: &CancelToken) -> (u64, u64, u64) {
    let opts = scan::Options {
        threads: Some(1),
        ..scan::Options::default()
    };
    scan_dir(path, &opts, cancel).map_or((0, 0, 0), |t| (t.bytes, t.disk_bytes, t.files))
}

/// What `go clean -cache` removes: every `[0-9a-f]{2}` directory and `log.txt`; `README`,
/// `trim.txt`, `testexpire.txt` and `fuzz/` stay.
pub(crate) fn clean_entries(root: &Path, cancel: &CancelToken) -> io::Result<Vec<Entry>> {
    let mut paths = Vec::new();
    for e in std::fs::read_dir(root)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if is_hex_dir(&n) || n == "log.txt" {
            paths.push(e.path());
        }
    }
    paths.sort();
    Ok(paths
        .par_iter()
        .map(|p| {
            let (bytes, disk_bytes, files) = size_of(p, cancel);
            Entry {
                path: p.clone(),
                bytes,
                disk_bytes,
                files,
            }
        })
        .collect())
}

/// One cache entry (`<xx>/<hex>-a`, `-d` file or `-d` directory) with its mtime.
struct Aged {
    entry: Entry,
    mtime: i64,
}

fn mtime_secs(md: &std::fs::Metadata) -> i64 {
    md.modified()
        .ok()
        .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn aged_entries(root: &Path, cancel: &CancelToken) -> io::Result<Vec<Aged>> {
    let mut dirs = Vec::new();
    for e in std::fs::read_dir(root)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if is_hex_dir(&n) && e.file_type().is_ok_and(|t| t.is_dir()) {
            dirs.push(e.path());
        }
    }
    let per_dir: Vec<Vec<Aged>> = dirs
        .par_iter()
        .map(|d| {
            let mut out = Vec::new();
            let Ok(rd) = std::fs::read_dir(d) else {
                return out;
            };
            for e in rd.flatten() {
                if cancel.is_cancelled() {
                    break;
                }
                let Ok(md) = std::fs::symlink_metadata(e.path()) else {
                    continue;
                };
                let (bytes, disk_bytes, files) = if md.is_dir() {
                    size_of(&e.path(), cancel)
                } else {
                    (md.len(), disk_of(&md), 1)
                };
                out.push(Aged {
                    entry: Entry {
                        path: e.path(),
                        bytes,
                        disk_bytes,
                        files,
                    },
                    mtime: mtime_secs(&md),
                });
            }
            out
        })
        .collect();
    let mut all: Vec<Aged> = per_dir.into_iter().flatten().collect();
    lift_referenced_outputs(root, &mut all);
    Ok(all)
}

/// The output ID an action entry (`-a` file, 175 bytes: `v1 <action> <output> <size>
/// <time>`, spec §5) references, as the path of its `-d` file under `root`.
fn output_of(root: &Path, action_file: &Path) -> Option<PathBuf> {
    let mut buf = [0u8; 256];
    let n = File::open(action_file).ok()?.read(&mut buf).ok()?;
    let text = std::str::from_utf8(&buf[..n]).ok()?;
    let mut f = text.split_ascii_whitespace();
    if f.next()? != "v1" {
        return None;
    }
    let _action = f.next()?;
    let out = f.next()?;
    if out.len() != 64 || !out.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
        return None;
    }
    Some(root.join(&out[..2]).join(format!("{out}-d")))
}

/// Gives each output (`-d`) the newest mtime of the action entries (`-a`) that reference it.
/// Go does not touch an output it writes again with the same content, so the output of an
/// action entry just written or used can keep an old mtime: trimmed by its own mtime it would
/// leave that entry pointing at nothing (a test result lost: "bad checksum").
fn lift_referenced_outputs(root: &Path, all: &mut [Aged]) {
    let refs: Vec<(PathBuf, i64)> = all
        .par_iter()
        .filter(|a| {
            a.entry
                .path
                .file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.ends_with("-a"))
        })
        .filter_map(|a| output_of(root, &a.entry.path).map(|d| (d, a.mtime)))
        .collect();
    let mut newest: std::collections::HashMap<PathBuf, i64> =
        std::collections::HashMap::with_capacity(refs.len());
    for (d, t) in refs {
        let e = newest.entry(d).or_insert(t);
        *e = (*e).max(t);
    }
    for a in all.iter_mut() {
        if let Some(&t) = newest.get(&a.entry.path) {
            a.mtime = a.mtime.max(t);
        }
    }
}

/// The disk a file takes, by the OS's rule (`st_blocks * 512` on Unix).
fn disk_of(md: &std::fs::Metadata) -> u64 {
    Host::file_stat(md).disk
}

/// Entries whose mtime is before `cutoff` (Unix seconds), as Go's `Trim` decides (Go keeps
/// an entry's mtime fresh, within an hour, whenever it is used).
pub(crate) fn older_than(root: &Path, cutoff: i64, cancel: &CancelToken) -> io::Result<Vec<Entry>> {
    let mut v: Vec<Aged> = aged_entries(root, cancel)?
        .into_iter()
        .filter(|a| a.mtime < cutoff)
        .collect();
    v.sort_by(|a, b| {
        a.mtime
            .cmp(&b.mtime)
            .then_with(|| a.entry.path.cmp(&b.entry.path))
    });
    Ok(v.into_iter().map(|a| a.entry).collect())
}

/// Bytes of the entries whose mtime (an output's lifted to its newest referencing action
/// entry's, as [`older_than`] and [`over_budget`] see it) is at or after `cutoff`: what a
/// trim at `cutoff` keeps.
pub(crate) fn bytes_since(root: &Path, cutoff: i64, cancel: &CancelToken) -> io::Result<u64> {
    Ok(aged_entries(root, cancel)?
        .iter()
        .filter(|a| a.mtime >= cutoff)
        .map(|a| a.entry.bytes)
        .sum())
}

/// The least recently used entries (oldest mtime first) to remove so that the entries left
/// total at most `max_bytes`.
pub(crate) fn over_budget(
    root: &Path,
    max_bytes: u64,
    cancel: &CancelToken,
) -> io::Result<Vec<Entry>> {
    let mut v = aged_entries(root, cancel)?;
    v.sort_by(|a, b| {
        a.mtime
            .cmp(&b.mtime)
            .then_with(|| a.entry.path.cmp(&b.entry.path))
    });
    let mut total: u64 = v.iter().map(|a| a.entry.bytes).sum();
    let mut out = Vec::new();
    for a in v {
        if total <= max_bytes {
            break;
        }
        total = total.saturating_sub(a.entry.bytes);
        out.push(a.entry);
    }
    Ok(out)
}

/// The file `go clean -testcache` writes.
pub(crate) fn testexpire_path(root: &Path) -> PathBuf {
    root.join("testexpire.txt")
}

/// `go clean -testcache`: under a lock of `testexpire.txt` itself (`lockedfile.Edit`), write
/// the current Unix time in nanoseconds and `\n`, only if greater than the value there.
/// Returns the value now in the file.
pub(crate) fn expire_tests(
    root: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> io::Result<i64> {
    let path = testexpire_path(root);
    let guard = match lock_file(&path, timeout, cancel) {
        Ok(g) => g,
        Err(LockError::Io(e)) => return Err(e),
        Err(LockError::Busy) => {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("{} is locked by another go command", path.display()),
            ));
        }
        Err(LockError::Cancelled) => {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
    };
    let f: &File = guard.file();
    let mut buf = String::new();
    let mut r = f;
    r.seek(SeekFrom::Start(0))?;
    r.read_to_string(&mut buf)?;
    let prev: i64 = buf.trim().parse().unwrap_or(0);
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    if now <= prev {
        return Ok(prev);
    }
    f.set_len(0)?;
    let mut w = f;
    w.seek(SeekFrom::Start(0))?;
    w.write_all(format!("{now}\n").as_bytes())?;
    Ok(now)
}
