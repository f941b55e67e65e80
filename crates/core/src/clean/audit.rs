//! The audit log: one JSON line per clean (time, targets, bytes freed, outcomes), appended to a
//! file the caller chooses (the app's data dir). The reader tolerates a truncated last line
//! (a crash mid-append) and skips lines it cannot parse.

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::{ItemResult, Target};
use crate::{Error, Result};

/// The variable that overrides the directory of the audit log.
pub const DATA_DIR_VAR: &str = "GOCACHE_DOCTOR_DATA_DIR";

/// The audit log of this user: `$GOCACHE_DOCTOR_DATA_DIR/audit.jsonl` when the variable is set
/// and not empty, else `<data dir>/gocache-doctor/audit.jsonl` (`~/.local/share` on Linux,
/// `~/Library/Application Support` on macOS, `%APPDATA%` on Windows). `None` when the OS has no
/// data directory for this user.
pub fn default_path() -> Option<PathBuf> {
    path_from(std::env::var_os(DATA_DIR_VAR), dirs::data_dir())
}

/// [`default_path`] from an explicit override value and OS data directory.
pub fn path_from(data_dir_var: Option<OsString>, os_data_dir: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(d) = data_dir_var.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d).join("audit.jsonl"));
    }
    os_data_dir.map(|d| d.join("gocache-doctor").join("audit.jsonl"))
}

/// One clean, as recorded.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AuditEntry"))]
pub struct Entry {
    /// When it ran, Unix seconds.
    pub time: i64,
    /// What was asked.
    pub targets: Vec<Target>,
    /// Bytes freed.
    pub bytes_freed: u64,
    /// One result per plan item.
    pub outcomes: Vec<ItemResult>,
    /// Set on the entry of a process the user ended (Processes view, `locks --end`) instead of
    /// a clean: `targets` and `outcomes` are then empty and `bytes_freed` is 0. Absent from
    /// clean entries, so older readers see an empty clean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub ended: Option<crate::locks::EndOutcome>,
    /// `Some(true)` on the entry of a clean that `auto run` made (issue #17), so History and
    /// `auto status` can tell automatic runs apart. Absent from other entries, so older lines
    /// load and older readers see a plain clean.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub automatic: Option<bool>,
}

/// What [`read`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Log {
    /// The entries, oldest first.
    pub entries: Vec<Entry>,
    /// Lines that could not be parsed (e.g. a truncated last line).
    pub bad_lines: usize,
}

/// Appends `entry` as one line to `path` (parent directories are created). The line is
/// written with a single `write` of an `O_APPEND` file, so concurrent writers do not
/// interleave.
///
/// # Errors
/// [`Error::Io`] when the file cannot be created or written.
pub fn append(path: &Path, entry: &Entry) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut line = serde_json::to_vec(entry).map_err(|e| Error::io(path, e.into()))?;
    line.push(b'\n');
    let mut f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    // A previous writer may have died mid-line: start on a fresh line so only that line is lost.
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 && !ends_with_newline(path) {
        line.insert(0, b'\n');
    }
    f.write_all(&line).map_err(|e| Error::io(path, e))
}

/// The one audit writer of the CLI, the app and repair: appends the entry of a clean that ran
/// at `time` (Unix seconds) for `targets`, ended with `outcomes` and freed `bytes_freed`.
///
/// # Errors
/// As [`append`]. A clean that succeeded stays done when its entry cannot be written: callers
/// report the error (the CLI warns, repair returns it) or drop it (the app).
pub fn record(
    path: &Path,
    time: i64,
    targets: &[Target],
    outcomes: &[ItemResult],
    bytes_freed: u64,
) -> Result<()> {
    append(
        path,
        &Entry {
            time,
            targets: targets.to_vec(),
            bytes_freed,
            outcomes: outcomes.to_vec(),
            ended: None,
            automatic: None,
        },
    )
}

/// As [`record`], for a clean made by `auto run`: the entry is marked
/// [`Entry::automatic`].
///
/// # Errors
/// As [`append`].
pub fn record_automatic(
    path: &Path,
    time: i64,
    targets: &[Target],
    outcomes: &[ItemResult],
    bytes_freed: u64,
) -> Result<()> {
    append(
        path,
        &Entry {
            time,
            targets: targets.to_vec(),
            bytes_freed,
            outcomes: outcomes.to_vec(),
            ended: None,
            automatic: Some(true),
        },
    )
}

/// Appends the entry of a process that was ended at `time` (Unix seconds).
///
/// # Errors
/// As [`append`].
pub fn record_ended(path: &Path, time: i64, outcome: &crate::locks::EndOutcome) -> Result<()> {
    append(
        path,
        &Entry {
            time,
            targets: vec![],
            bytes_freed: 0,
            outcomes: vec![],
            ended: Some(outcome.clone()),
            automatic: None,
        },
    )
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return true;
    };
    let mut b = [0_u8; 1];
    f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut b).is_ok() && b[0] == b'\n'
}

/// Reads the log; a missing file is an empty log.
///
/// # Errors
/// [`Error::Io`] when the file exists but cannot be read.
pub fn read(path: &Path) -> Result<Log> {
    let data = match std::fs::read(path) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Log::default()),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut log = Log::default();
    for line in data.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Entry>(line) {
            Ok(e) => log.entries.push(e),
            Err(_) => log.bad_lines += 1,
        }
    }
    Ok(log)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_prefers_a_non_empty_override() {
        let os = Some(PathBuf::from("/home/u/.local/share"));
        assert_eq!(
            path_from(Some("/tmp/d".into()), os.clone()),
            Some(PathBuf::from("/tmp/d/audit.jsonl"))
        );
        assert_eq!(
            path_from(Some(OsString::new()), os.clone()),
            Some(PathBuf::from(
                "/home/u/.local/share/gocache-doctor/audit.jsonl"
            ))
        );
        assert_eq!(
            path_from(None, os),
            Some(PathBuf::from(
                "/home/u/.local/share/gocache-doctor/audit.jsonl"
            ))
        );
        assert_eq!(path_from(None, None), None);
    }
}
