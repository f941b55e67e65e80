//! Selecting module versions from scan rows: unused by any project, older than N days, all
//! but the latest N of each module.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Need, UsedSet, semver};
use crate::scan::ModuleRow;

/// One module version to remove.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ModuleVersionRef {
    /// Module path, unescaped.
    pub path: String,
    /// Version, unescaped.
    pub version: String,
    /// Remove only the extracted tree and the zip (`.zip`, `.ziphash`), keeping the `.mod`
    /// and `.info` download files some project still needs for its module graph. `false`:
    /// remove the version entirely.
    pub keep_mod_files: bool,
}

impl ModuleVersionRef {
    /// A whole version (`keep_mod_files: false`).
    pub fn new(path: impl Into<String>, version: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            version: version.into(),
            keep_mod_files: false,
        }
    }
}

/// Module versions to remove, sorted by path then version order, and the bytes they hold.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Selection {
    /// The versions.
    pub versions: Vec<ModuleVersionRef>,
    /// Bytes freed: for a whole version the row's `bytes + download_bytes`; with
    /// `keep_mod_files` only the extracted tree's `bytes` (the zip's share of
    /// `download_bytes` is not known from the row, so this is a lower bound).
    pub bytes: u64,
}

impl Selection {
    /// Builds a selection from rows, each with its `keep_mod_files` flag.
    pub fn from_rows<'a>(rows: impl IntoIterator<Item = (&'a ModuleRow, bool)>) -> Self {
        let mut picked: Vec<(&ModuleRow, bool)> = rows.into_iter().collect();
        picked.sort_by(|(a, _), (b, _)| {
            a.path
                .cmp(&b.path)
                .then_with(|| semver::sort_cmp(&a.version, &b.version))
        });
        picked.dedup_by(|(a, _), (b, _)| a.path == b.path && a.version == b.version);
        let bytes = picked
            .iter()
            .map(|(r, keep)| {
                if *keep {
                    r.bytes
                } else {
                    r.bytes + r.download_bytes
                }
            })
            .sum();
        Self {
            versions: picked
                .into_iter()
                .map(|(r, keep)| ModuleVersionRef {
                    path: r.path.clone(),
                    version: r.version.clone(),
                    keep_mod_files: keep,
                })
                .collect(),
            bytes,
        }
    }

    /// Whether `path@version` is selected.
    pub fn contains(&self, path: &str, version: &str) -> bool {
        self.versions
            .iter()
            .any(|v| v.path == path && v.version == version)
    }

    /// Number of versions.
    pub fn len(&self) -> usize {
        self.versions.len()
    }

    /// Whether nothing is selected.
    pub fn is_empty(&self) -> bool {
        self.versions.is_empty()
    }
}

/// Versions no project uses at all (neither their source nor their `go.mod`).
pub fn unused(rows: &[ModuleRow], used: &UsedSet) -> Selection {
    Selection::from_rows(
        rows.iter()
            // The go command's own downloads are never a project's: not "unused by projects".
            .filter(|r| !super::is_gos_own(&r.path) && !used.contains(&r.path, &r.version))
            .map(|r| (r, false)),
    )
}

/// Versions projects use only for their `go.mod` ([`Need::GoMod`]): their extracted trees and
/// zips can go, with [`ModuleVersionRef::keep_mod_files`] set.
pub fn go_mod_only(rows: &[ModuleRow], used: &UsedSet) -> Selection {
    Selection::from_rows(
        rows.iter()
            .filter(|r| used.need(&r.path, &r.version) == Some(Need::GoMod))
            .map(|r| (r, true)),
    )
}

/// Versions whose newest file is older than `days` days before `now` (Unix seconds). Rows
/// without a modification time are never selected.
pub fn older_than(rows: &[ModuleRow], days: u64, now: i64) -> Selection {
    let age = i64::try_from(days.saturating_mul(86_400)).unwrap_or(i64::MAX);
    let cutoff = now.saturating_sub(age);
    Selection::from_rows(
        rows.iter()
            .filter(|r| r.newest_mtime.is_some_and(|m| m < cutoff))
            .map(|r| (r, false)),
    )
}

/// All but the newest `n` versions of each module (Go's semver order; pre-releases and
/// pseudo-versions sort below their release). `n == 0` selects everything.
pub fn keep_latest(rows: &[ModuleRow], n: usize) -> Selection {
    let mut by_path: BTreeMap<&str, Vec<&ModuleRow>> = BTreeMap::new();
    for r in rows {
        by_path.entry(&r.path).or_default().push(r);
    }
    Selection::from_rows(by_path.into_values().flat_map(|mut vs| {
        vs.sort_by(|a, b| semver::sort_cmp(&b.version, &a.version));
        vs.dedup_by(|a, b| a.version == b.version);
        vs.into_iter().skip(n).map(|r| (r, false))
    }))
}

#[cfg(test)]
mod tests {
    use super::super::{Source, Via};
    use super::*;
    use std::path::PathBuf;

    fn row(path: &str, version: &str, bytes: u64, mtime: Option<i64>) -> ModuleRow {
        ModuleRow {
            path: path.into(),
            version: version.into(),
            dir: format!("/m/{path}@{version}"),
            bytes,
            disk_bytes: bytes,
            files: 1,
            download_bytes: 10,
            newest_mtime: mtime,
            toolchain: path == super::super::TOOLCHAIN_MODULE,
            gos_own: super::super::is_gos_own(path).then_some(true),
        }
    }

    fn rows() -> Vec<ModuleRow> {
        vec![
            row("a.com/a", "v1.10.0", 100, Some(1_000_000)),
            row("a.com/a", "v1.9.0", 200, Some(900_000)),
            row("a.com/a", "v1.10.0-rc.1", 300, Some(800_000)),
            row("a.com/a", "v0.0.0-20200101000000-abcdefabcdef", 400, None),
            row("b.com/b", "v2.0.0+incompatible", 500, Some(1_000_000)),
            row("b.com/b", "v2.1.0+incompatible", 600, Some(100)),
        ]
    }

    fn names(s: &Selection) -> Vec<String> {
        s.versions
            .iter()
            .map(|v| {
                format!(
                    "{}@{}{}",
                    v.path,
                    v.version,
                    if v.keep_mod_files { "(mod)" } else { "" }
                )
            })
            .collect()
    }

    #[test]
    fn keep_latest_uses_semver_order() {
        let r = rows();
        let s = keep_latest(&r, 1);
        assert_eq!(
            names(&s),
            [
                "a.com/a@v0.0.0-20200101000000-abcdefabcdef",
                "a.com/a@v1.9.0",
                "a.com/a@v1.10.0-rc.1",
                "b.com/b@v2.0.0+incompatible",
            ]
        );
        assert_eq!(s.bytes, 400 + 200 + 300 + 500 + 4 * 10);
        assert_eq!(
            names(&keep_latest(&r, 2)),
            [
                "a.com/a@v0.0.0-20200101000000-abcdefabcdef",
                "a.com/a@v1.9.0",
            ]
        );
        assert!(keep_latest(&r, 10).is_empty());
        assert_eq!(keep_latest(&r, 0).len(), 6);
    }

    #[test]
    fn older_than_uses_newest_mtime() {
        let r = rows();
        // cutoff = 1_000_000 - 2 days = 827_200: 800_000 and 100 are older; None never.
        let s = older_than(&r, 2, 1_000_000);
        assert_eq!(
            names(&s),
            ["a.com/a@v1.10.0-rc.1", "b.com/b@v2.1.0+incompatible"]
        );
        assert_eq!(s.bytes, 300 + 600 + 20);
        assert!(older_than(&r, 0, 0).is_empty());
        assert_eq!(older_than(&r, u64::MAX, i64::MAX).len(), 0);
        assert_eq!(older_than(&r, 0, 2_000_000).len(), 5);
    }

    #[test]
    fn unused_and_go_mod_only() {
        let r = rows();
        let mut used = UsedSet::default();
        let src = Source {
            project: PathBuf::from("/p"),
            via: Via::GoSum,
        };
        used.insert("a.com/a", "v1.10.0", Need::Full, src.clone());
        used.insert("a.com/a", "v1.9.0", Need::GoMod, src.clone());
        used.insert("b.com/b", "v2.0.0+incompatible", Need::GoMod, src.clone());
        used.insert("b.com/b", "v2.0.0+incompatible", Need::Full, src.clone());
        used.insert("c.com/c", "v1.0.0", Need::Full, src);
        let s = unused(&r, &used);
        assert_eq!(
            names(&s),
            [
                "a.com/a@v0.0.0-20200101000000-abcdefabcdef",
                "a.com/a@v1.10.0-rc.1",
                "b.com/b@v2.1.0+incompatible",
            ]
        );
        assert!(s.contains("a.com/a", "v1.10.0-rc.1"));
        assert!(!s.contains("a.com/a", "v1.10.0"));
        let m = go_mod_only(&r, &used);
        assert_eq!(names(&m), ["a.com/a@v1.9.0(mod)"]);
        assert_eq!(m.bytes, 200);
        assert!(unused(&r, &UsedSet::default()).len() == 6);
        // The go command's own downloads are never "unused by projects".
        let own = vec![
            row(
                super::super::TOOLCHAIN_MODULE,
                "v0.0.1-go1.23.0.linux-amd64",
                1,
                None,
            ),
            row(super::super::TELEMETRY_CONFIG_MODULE, "v0.40.0", 1, None),
            row("d.com/d", "v1.0.0", 1, None),
        ];
        assert_eq!(
            own.iter().map(|r| r.gos_own).collect::<Vec<_>>(),
            [Some(true), Some(true), None]
        );
        assert_eq!(
            names(&unused(&own, &UsedSet::default())),
            ["d.com/d@v1.0.0"]
        );
    }
}
