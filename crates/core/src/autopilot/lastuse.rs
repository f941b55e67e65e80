//! When a module version was last used, which Go does not record.
//!
//! A version some project names is in use now ([`LastUseSource::InUse`]). Otherwise its last
//! use is read from its download files `cache/download/<module>/@v/<version>.{mod,info,zip}`,
//! which the go command reads whenever it loads the module graph or the source: for each file
//! the access time when it is later than the modification time (the file system records
//! accesses: Linux's default `relatime` does, at least once a day), else the modification time
//! (a `noatime` mount, or a file never read since it was written); the newest over the files.
//! The result says which of the two it came from. A version without download files falls back
//! to the newest modification time of its extracted tree.

use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

use crate::escape::escape;

/// Where a last-use time comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum LastUseSource {
    /// A project names the version: it is in use now.
    InUse,
    /// The access time of a download file (later than its modification time).
    Atime,
    /// Modification times (the file system records no later access).
    Mtime,
}

impl LastUseSource {
    /// The name used in the output (`in-use`, `atime`, `mtime`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::InUse => "in-use",
            Self::Atime => "atime",
            Self::Mtime => "mtime",
        }
    }
}

/// The last use of one module version.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastUse {
    /// Unix seconds; `None` when in use or when no time could be read.
    pub time: Option<i64>,
    /// Where it comes from.
    pub source: LastUseSource,
}

fn unix(t: SystemTime) -> Option<i64> {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => i64::try_from(d.as_secs()).ok(),
        Err(e) => i64::try_from(e.duration().as_secs()).ok().map(|s| -s),
    }
}

/// The last use of a file from its access and modification times: the access time when it is
/// later, else the modification time.
pub fn file_last_use(atime: Option<i64>, mtime: Option<i64>) -> Option<(i64, LastUseSource)> {
    match (atime, mtime) {
        (Some(a), Some(m)) if a > m => Some((a, LastUseSource::Atime)),
        (_, Some(m)) => Some((m, LastUseSource::Mtime)),
        (Some(a), None) => Some((a, LastUseSource::Atime)),
        (None, None) => None,
    }
}

/// The last use of `path@version` (unescaped) in the module cache `gomodcache` from its
/// download files (see the module documentation); `fallback_mtime` (the extracted tree's
/// newest modification time) when it has none.
pub fn last_use(
    gomodcache: &Path,
    path: &str,
    version: &str,
    fallback_mtime: Option<i64>,
) -> LastUse {
    let mut best: Option<(i64, LastUseSource)> = None;
    if let (Ok(ep), Ok(ev)) = (escape(path), escape(version)) {
        let dir = ep
            .split('/')
            .fold(gomodcache.join("cache").join("download"), |d, c| d.join(c))
            .join("@v");
        for ext in ["mod", "info", "zip"] {
            let Ok(md) = std::fs::symlink_metadata(dir.join(format!("{ev}.{ext}"))) else {
                continue;
            };
            let a = md.accessed().ok().and_then(unix);
            let m = md.modified().ok().and_then(unix);
            if let Some(t) = file_last_use(a, m)
                && best.is_none_or(|b| t.0 > b.0)
            {
                best = Some(t);
            }
        }
    }
    match best {
        Some((time, source)) => LastUse {
            time: Some(time),
            source,
        },
        None => LastUse {
            time: fallback_mtime,
            source: LastUseSource::Mtime,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs::{File, FileTimes};
    use std::time::Duration;

    fn at(secs: i64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(u64::try_from(secs).unwrap())
    }

    fn set(path: &Path, atime: i64, mtime: i64) {
        let f = File::options().write(true).open(path).unwrap();
        f.set_times(
            FileTimes::new()
                .set_accessed(at(atime))
                .set_modified(at(mtime)),
        )
        .unwrap();
    }

    #[test]
    fn atime_counts_only_when_later_than_mtime() {
        assert_eq!(
            file_last_use(Some(20), Some(10)),
            Some((20, LastUseSource::Atime))
        );
        assert_eq!(
            file_last_use(Some(5), Some(10)),
            Some((10, LastUseSource::Mtime))
        );
        assert_eq!(
            file_last_use(Some(10), Some(10)),
            Some((10, LastUseSource::Mtime))
        );
        assert_eq!(file_last_use(None, None), None);
    }

    #[test]
    fn the_newest_download_file_wins_and_says_its_source() {
        let dir = tempfile::tempdir().unwrap();
        let v = dir
            .path()
            .join("cache")
            .join("download")
            .join("example.com")
            .join("!big")
            .join("@v");
        std::fs::create_dir_all(&v).unwrap();
        for ext in ["mod", "info", "zip"] {
            std::fs::write(v.join(format!("v1.0.0-!r!c1.{ext}")), ext).unwrap();
        }
        let base = 1_700_000_000;
        set(&v.join("v1.0.0-!r!c1.mod"), base + 50, base);
        set(&v.join("v1.0.0-!r!c1.info"), base, base);
        set(&v.join("v1.0.0-!r!c1.zip"), base + 10, base);
        let got = last_use(dir.path(), "example.com/Big", "v1.0.0-RC1", None);
        assert_eq!(
            got,
            LastUse {
                time: Some(base + 50),
                source: LastUseSource::Atime
            }
        );
        // A noatime-like file system: every access time older than the modification time.
        for ext in ["mod", "info", "zip"] {
            set(
                &v.join(format!("v1.0.0-!r!c1.{ext}")),
                base - 1000,
                base + 7,
            );
        }
        let got = last_use(dir.path(), "example.com/Big", "v1.0.0-RC1", None);
        assert_eq!(
            got,
            LastUse {
                time: Some(base + 7),
                source: LastUseSource::Mtime
            }
        );
        let none = last_use(dir.path(), "example.com/none", "v1.0.0", Some(42));
        assert_eq!(
            none,
            LastUse {
                time: Some(42),
                source: LastUseSource::Mtime
            }
        );
    }
}
