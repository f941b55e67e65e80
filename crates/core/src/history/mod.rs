//! Size history: every completed scan appends one point (the time, each cache's totals, the
//! report's total) to `size-history.jsonl` in the app's data directory, the one the audit log
//! uses ([`crate::clean::audit::DATA_DIR_VAR`], else `<data dir>/gocache-doctor`). The CLI's
//! `scan` and the app's scan both call [`record`]; the app's dashboard reads [`overview`]:
//! the last completed scan's figures ([`LastScan`], painted before the rescan ends), each
//! cache's growth since about a week and a month ago, and its size over time for a chart.
//!
//! # The history file
//! One JSON object per line, each carrying its format version `v`. Points are appended with one
//! `write` of an `O_APPEND` file; a line cut short by a crash is skipped on reading (so are
//! other lines that do not parse), never the rest. The file is compacted ([`compact`]) after
//! an append when that removes points: full resolution for a week, then the last point of
//! each UTC day, then after a quarter the last point of each week, at most [`MAX_POINTS`]
//! points; a compaction rewrites the file atomically (a temporary file renamed over it).
//! [`record`] holds [`LOCK_FILE`] meanwhile, so the CLI and the app recording at once never
//! drop each other's point.
//! Lines of a newer format (`v` above [`FORMAT`], written by a newer release) are skipped on
//! reading, and a file holding any is never compacted or rewritten: points are only appended
//! to it, so a downgrade loses nothing the newer release wrote.
//!
//! # The last scan
//! `last-scan.json` holds the dashboard's figures of the last complete scan ([`LastScan`]),
//! rewritten atomically after each. `module-keys.bin` holds a 64-bit hash of each
//! `module@version` of that scan (8 bytes per version, sorted), so the next scan can name the
//! versions that are new ([`LastScan::new_modules`]) without keeping 100k strings around.
//! Both are caches of the last scan: one that cannot be read (corrupt, foreign, or from a newer
//! release) is ignored and replaced by the next scan.

mod last;
#[cfg(test)]
mod tests;

pub use last::{LastScan, MAX_NEW_MODULES, module_key};

use std::ffi::OsString;
use std::fs::OpenOptions;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::atomic::while_denied;
use crate::discover::CacheKind;
use crate::scan::{Figures, Report};
use crate::{Error, Result};

/// The format version written in each line (`v`) and in the last-scan files.
pub const FORMAT: u32 = 1;
/// The history file, in the data directory.
pub const HISTORY_FILE: &str = "size-history.jsonl";
/// The lock file [`record`] holds while it writes (`flock` / `LockFileEx`, as Go's own).
pub const LOCK_FILE: &str = ".size-history.lock";
/// Seconds in a day.
pub const DAY: i64 = 86_400;
/// Seconds in a week: points younger than this are kept at full resolution.
pub const WEEK: i64 = 7 * DAY;
/// About a month: [`CacheHistory::month`] compares with the point at or before this long ago.
pub const MONTH: i64 = 30 * DAY;
/// About a quarter: points older than this are kept one per week.
pub const QUARTER: i64 = 91 * DAY;
/// The most points kept from the last week (an app rescanning on every window focus could
/// write hundreds a day): beyond it, points older than a day are thinned to one per hour, then
/// the oldest of the week are dropped.
pub const MAX_RECENT: usize = 1_000;
/// The most points the file keeps (the oldest go first): with daily and weekly points this is
/// decades, and the file stays below about 2 MB.
pub const MAX_POINTS: usize = 2_000;
/// The most points of one cache's chart series ([`CacheHistory::series`]).
pub const MAX_SERIES: usize = 120;
/// How far back the chart series reaches.
pub const SERIES_SPAN: i64 = QUARTER;

/// The app's data directory: `$GOCACHE_DOCTOR_DATA_DIR` when set and not empty, else
/// `<data dir>/gocache-doctor` (as [`crate::clean::audit::default_path`]). `None` when the OS
/// has no data directory for this user.
pub fn default_dir() -> Option<PathBuf> {
    dir_from(
        std::env::var_os(crate::clean::audit::DATA_DIR_VAR),
        dirs::data_dir(),
    )
}

/// [`default_dir`] from an explicit override value and OS data directory.
pub fn dir_from(data_dir_var: Option<OsString>, os_data_dir: Option<PathBuf>) -> Option<PathBuf> {
    if let Some(d) = data_dir_var.filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(d));
    }
    os_data_dir.map(|d| d.join("gocache-doctor"))
}

/// One cache's figures at one point in time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CachePoint {
    /// The cache kind.
    pub kind: CacheKind,
    /// The cache root, as the scan reported it.
    pub path: String,
    /// Apparent size (`du -sb`).
    pub bytes: u64,
    /// Allocated size (`du -sB1`).
    pub disk_bytes: u64,
    /// Regular files.
    pub files: u64,
    /// Extracted module versions (the module cache only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<u64>,
}

/// One scan, as recorded: a line of the history file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Point {
    /// The format version ([`FORMAT`]).
    pub v: u32,
    /// When the scan ended, Unix seconds.
    pub time: i64,
    /// The caches scanned (those that could not be scanned are left out).
    pub caches: Vec<CachePoint>,
    /// The report's total ([`Report::total`]); `None` when only some caches were scanned
    /// (`scan --kind`).
    #[serde(default)]
    pub total: Option<Figures>,
}

impl Point {
    /// The point of a completed scan `report` that ended at `time`; `all_caches` says whether
    /// every discovered cache was scanned (else the total is left out).
    pub fn of_report(report: &Report, time: i64, all_caches: bool) -> Self {
        let caches = report
            .caches
            .iter()
            .filter(|c| c.error.is_none())
            .map(|c| CachePoint {
                kind: c.kind,
                path: c.path.clone(),
                bytes: c.bytes,
                disk_bytes: c.disk_bytes,
                files: c.files,
                versions: (c.kind == CacheKind::Modcache)
                    .then(|| u64::try_from(report.modules.len()).unwrap_or(u64::MAX)),
            })
            .collect();
        Self {
            v: FORMAT,
            time,
            caches,
            total: all_caches.then_some(report.total),
        }
    }

    fn cache(&self, kind: CacheKind, path: &str) -> Option<&CachePoint> {
        self.caches
            .iter()
            .find(|c| c.kind == kind && c.path == path)
    }
}

/// What [`read`] found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct History {
    /// The points, oldest first.
    pub points: Vec<Point>,
    /// Lines that could not be parsed (e.g. a truncated last line), skipped.
    pub bad_lines: usize,
    /// Lines of a newer format than [`FORMAT`], skipped; while there are any the file is
    /// never rewritten.
    pub newer_lines: usize,
}

/// Just the version of a line, to tell a newer format from a corrupt line.
#[derive(Deserialize)]
struct Version {
    v: u32,
}

/// Reads the history file at `path`; a missing file is an empty history.
///
/// # Errors
/// [`Error::Io`] when the file exists but cannot be read.
pub fn read(path: &Path) -> Result<History> {
    let data = match while_denied(|| std::fs::read(path)) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(History::default()),
        Err(e) => return Err(Error::io(path, e)),
    };
    Ok(parse(&data))
}

/// The history in `data` (the file's bytes).
pub fn parse(data: &[u8]) -> History {
    let mut h = History::default();
    for line in data.split(|&b| b == b'\n') {
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Version>(line) {
            Ok(v) if v.v > FORMAT => h.newer_lines += 1,
            Ok(_) => match serde_json::from_slice::<Point>(line) {
                Ok(p) => h.points.push(p),
                Err(_) => h.bad_lines += 1,
            },
            Err(_) => h.bad_lines += 1,
        }
    }
    // Clocks go back and files get merged: keep the points in time order.
    h.points.sort_by_key(|p| p.time);
    h
}

/// Appends `point` as one line to the history file at `path` (parent directories are
/// created), on a fresh line when a previous writer died mid-line. Holds the history's lock
/// meanwhile, as [`record`] does, so the append never meets another recorder's compaction
/// renaming a new file over this one (where the lock cannot be taken, it appends anyway).
///
/// # Errors
/// [`Error::Io`] when the file cannot be created or written.
pub fn append(path: &Path, point: &Point) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let lock = lock(dir);
    let appended = append_unlocked(path, point);
    drop(lock);
    appended
}

/// The history's lock in `dir` (held until the file is dropped), when it can be taken: the
/// recorders of the CLI and the app take turns with it.
fn lock(dir: &Path) -> Option<std::fs::File> {
    OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.join(LOCK_FILE))
        .ok()
        .filter(|f| f.lock().is_ok())
}

/// [`append`] for a caller that holds the lock already, or could not take it.
fn append_unlocked(path: &Path, point: &Point) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| Error::io(parent, e))?;
    }
    let mut line = serde_json::to_vec(point).map_err(|e| Error::io(path, e.into()))?;
    line.push(b'\n');
    let mut f = open_append(path).map_err(|e| Error::io(path, e))?;
    let len = f.metadata().map(|m| m.len()).unwrap_or(0);
    if len > 0 && !ends_with_newline(path) {
        line.insert(0, b'\n');
    }
    f.write_all(&line).map_err(|e| Error::io(path, e))
}

/// Opens the history for appending ([`while_denied`]: on Windows a file that a compaction is
/// renaming over refuses to open for a moment).
fn open_append(path: &Path) -> std::io::Result<std::fs::File> {
    while_denied(|| OpenOptions::new().create(true).append(true).open(path))
}

fn ends_with_newline(path: &Path) -> bool {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return true;
    };
    let mut b = [0_u8; 1];
    f.seek(SeekFrom::End(-1)).is_ok() && f.read_exact(&mut b).is_ok() && b[0] == b'\n'
}

/// Which points of a compaction share a slot (only the last of a slot is kept).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// Kept as it is (younger than a week).
    Own(usize),
    /// One per hour (the recent week, when it holds more than [`MAX_RECENT`] points).
    Hour(i64),
    /// One per UTC day.
    Day(i64),
    /// One per week (since the Unix epoch).
    Week(i64),
}

/// The points of `points` (oldest first) a history keeps at time `now`: every point of the
/// last week ([`WEEK`], and of the UTC day it starts in), the last point of each UTC day that
/// ended more than a week ago, the last point of each week (counted from the Unix epoch) that
/// ended more than a quarter ([`QUARTER`]) ago, at most [`MAX_RECENT`] of the last week and
/// [`MAX_POINTS`] in all. The last point of each day and week always survives, so compacting
/// again later keeps what compacting once does.
pub fn compact(points: &[Point], now: i64) -> Vec<Point> {
    let recent = points.iter().filter(|p| now - p.time <= WEEK).count();
    let thin = recent > MAX_RECENT;
    // A day (week, hour) is thinned only once it lies wholly beyond its boundary, so a slot is
    // never split between two resolutions and compacting later keeps what compacting once does.
    let ended_by = |slot_len: i64, t: i64, boundary: i64| {
        (t.div_euclid(slot_len) + 1).saturating_mul(slot_len) <= now.saturating_sub(boundary)
    };
    let slot = |i: usize, p: &Point| {
        if ended_by(WEEK, p.time, QUARTER) {
            Slot::Week(p.time.div_euclid(WEEK))
        } else if ended_by(DAY, p.time, WEEK) {
            Slot::Day(p.time.div_euclid(DAY))
        } else if thin && ended_by(3_600, p.time, DAY) {
            Slot::Hour(p.time.div_euclid(3_600))
        } else {
            Slot::Own(i)
        }
    };
    let mut kept: Vec<Point> = Vec::with_capacity(points.len());
    for (i, p) in points.iter().enumerate() {
        let next = points.get(i + 1).map(|n| slot(i + 1, n));
        if next != Some(slot(i, p)) {
            kept.push(p.clone());
        }
    }
    // Still too many in the last week: drop its oldest.
    let recent_kept = kept.iter().filter(|p| now - p.time <= WEEK).count();
    if recent_kept > MAX_RECENT {
        let mut drop = recent_kept - MAX_RECENT;
        kept.retain(|p| {
            if drop > 0 && now - p.time <= WEEK {
                drop -= 1;
                false
            } else {
                true
            }
        });
    }
    if kept.len() > MAX_POINTS {
        kept.drain(..kept.len() - MAX_POINTS);
    }
    kept
}

/// What [`record`] did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The history file was compacted (rewritten).
    pub compacted: bool,
    /// The history file holds lines of a newer format: the point was appended, the file was
    /// not compacted.
    pub newer_format: bool,
    /// Module versions new since the previous complete scan (0 without one).
    pub new_modules: usize,
}

/// Records the completed scan `report`, ended at `time` (Unix seconds), in the data directory
/// `dir`: appends its point to the history (compacting it when that removes points) and, when
/// `all_caches` (every discovered cache was scanned), stores it as the last scan with the
/// module versions new since the previous one. A cancelled scan records nothing.
///
/// # Errors
/// [`Error::Io`] when a file cannot be written (or the history cannot be read back for its
/// compaction). The history is appended first: a failure later leaves it intact.
pub fn record(dir: &Path, report: &Report, time: i64, all_caches: bool) -> Result<Recorded> {
    let mut out = Recorded::default();
    if report.cancelled {
        return Ok(out);
    }
    let path = dir.join(HISTORY_FILE);
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    // The CLI and the app may record at once: one at a time, so a compaction never drops the
    // other's point. Where the lock cannot be taken, the point is only appended: the file is
    // rewritten (compacted) only under the lock, by a later record.
    let lock = lock(dir);
    append_unlocked(&path, &Point::of_report(report, time, all_caches))?;
    let history = read(&path)?;
    if history.newer_lines > 0 {
        out.newer_format = true;
    } else if lock.is_some() {
        let kept = compact(&history.points, time);
        if kept.len() < history.points.len() || history.bad_lines > 0 {
            write_points(&path, &kept)?;
            out.compacted = true;
        }
    }
    if all_caches {
        out.new_modules = last::store(dir, report, time)?;
    }
    drop(lock);
    Ok(out)
}

/// Replaces the history file at `path` with `points`, atomically.
fn write_points(path: &Path, points: &[Point]) -> Result<()> {
    let mut data = Vec::new();
    for p in points {
        serde_json::to_writer(&mut data, p).map_err(|e| Error::io(path, e.into()))?;
        data.push(b'\n');
    }
    write_atomic(path, &data)
}

/// Writes `data` to a temporary file next to `path`, synced, then renames it over `path`
/// ([`crate::atomic::replace`]).
pub(crate) fn write_atomic(path: &Path, data: &[u8]) -> Result<()> {
    crate::atomic::replace(path, data, ".gocache-doctor-", true).map_err(|e| Error::io(path, e))
}

/// One point of a cache's chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct SizePoint {
    /// When, Unix seconds.
    pub time: i64,
    /// Apparent size then.
    pub bytes: u64,
}

/// One cache's history: its growth and its chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CacheHistory {
    /// The cache kind.
    pub kind: CacheKind,
    /// The cache root.
    pub path: String,
    /// Bytes gained (negative: lost) from the point at or before a week ago ([`WEEK`]) to the
    /// latest point; `None` when the history does not reach back that far, or has nothing
    /// newer than that.
    pub week: Option<i64>,
    /// The same from about a month ago ([`MONTH`]).
    pub month: Option<i64>,
    /// The size over the last quarter, oldest first, at most [`MAX_SERIES`] points.
    pub series: Vec<SizePoint>,
}

/// The bytes `kind` at `path` gained from the latest point at or before `now - ago` to its
/// latest point. `None` when no point of it is that old, or its latest point is.
pub fn growth(points: &[Point], kind: CacheKind, path: &str, now: i64, ago: i64) -> Option<i64> {
    let at = now.checked_sub(ago)?;
    let mut base = None;
    let mut latest = None;
    for p in points {
        if let Some(c) = p.cache(kind, path) {
            if p.time <= at {
                base = Some(c.bytes);
            }
            latest = Some((p.time, c.bytes));
        }
    }
    let (latest_time, latest) = latest?;
    if latest_time <= at {
        return None;
    }
    let delta = i128::from(latest) - i128::from(base?);
    i64::try_from(delta).ok()
}

/// The size of `kind` at `path` since `now - SERIES_SPAN`, oldest first, at most
/// [`MAX_SERIES`] points (the last of each of equal time slices when there are more), one
/// per second (two scans recorded in the same second: the later one).
pub fn series(points: &[Point], kind: CacheKind, path: &str, now: i64) -> Vec<SizePoint> {
    let from = now.saturating_sub(SERIES_SPAN);
    let mut all: Vec<SizePoint> = points
        .iter()
        .filter(|p| p.time >= from)
        .filter_map(|p| {
            p.cache(kind, path).map(|c| SizePoint {
                time: p.time,
                bytes: c.bytes,
            })
        })
        .collect();
    all.reverse();
    all.dedup_by_key(|p| p.time);
    all.reverse();
    if all.len() <= MAX_SERIES {
        return all;
    }
    let (first, last) = (all[0].time, all[all.len() - 1].time);
    let width = ((last - first) / MAX_SERIES as i64).max(1);
    let slice = |p: &SizePoint| ((p.time - first) / width).min(MAX_SERIES as i64 - 1);
    let mut out: Vec<SizePoint> = Vec::with_capacity(MAX_SERIES);
    for (i, p) in all.iter().enumerate() {
        if all.get(i + 1).map(slice) != Some(slice(p)) {
            out.push(*p);
        }
    }
    out
}

/// What the dashboard shows before (and after) a scan: the last complete scan, and each of
/// its caches' growth and chart.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SizeHistory"))]
pub struct Overview {
    /// The last complete scan; `None` before the first (or when its file is unusable).
    pub last: Option<LastScan>,
    /// One entry per cache of the last scan (or, without one, of the latest point).
    pub caches: Vec<CacheHistory>,
    /// Lines of the history file that could not be read (skipped).
    pub bad_lines: usize,
    /// Lines of a newer release's format (skipped; the file is then only appended to).
    pub newer_lines: usize,
}

/// The [`Overview`] of the data directory `dir` at time `now`.
///
/// # Errors
/// [`Error::Io`] when the history file exists but cannot be read. An unusable last-scan file
/// is `last: None`.
pub fn overview(dir: &Path, now: i64) -> Result<Overview> {
    let history = read(&dir.join(HISTORY_FILE))?;
    let last = last::load(dir);
    let keys: Vec<(CacheKind, String)> = match &last {
        Some(l) => l.caches.iter().map(|c| (c.kind, c.path.clone())).collect(),
        None => history
            .points
            .last()
            .map(|p| p.caches.iter().map(|c| (c.kind, c.path.clone())).collect())
            .unwrap_or_default(),
    };
    let caches = keys
        .into_iter()
        .map(|(kind, path)| CacheHistory {
            week: growth(&history.points, kind, &path, now, WEEK),
            month: growth(&history.points, kind, &path, now, MONTH),
            series: series(&history.points, kind, &path, now),
            kind,
            path,
        })
        .collect();
    Ok(Overview {
        last,
        caches,
        bad_lines: history.bad_lines,
        newer_lines: history.newer_lines,
    })
}
