//! Selecting module versions to clean (issue #14): the one function the CLI
//! (`--unused`/`--older-than`/`--keep-latest`, `--module`) and the app (`select_modules`) share.
//!
//! Several criteria **intersect**: a version is selected when every criterion selects it
//! (`--unused --older-than 90` is "unused and older than 90 days"). A non-empty module filter
//! keeps only the versions of those module paths. The app sends one criterion per call and no
//! filter; the CLI may send several and its `--module PATH` arguments.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::discover::{CacheKind, Report};
use crate::env::EnvMap;
use crate::projects::{self, ProjectError};
use crate::{CancelToken, NoProgress, scan};

/// One way of selecting module versions.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SelectCriteria"))]
pub enum Criteria {
    /// Versions no project under the roots uses.
    Unused {
        /// Directories holding Go projects.
        roots: Vec<PathBuf>,
    },
    /// Versions not modified for `days` days.
    OlderThan {
        /// Age in days.
        days: u64,
    },
    /// All but the latest `n` versions of each module.
    KeepLatest {
        /// Versions kept per module.
        n: usize,
    },
}

/// A selected module version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "SelectedVersion"))]
pub struct Version {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
}

/// What [`select_modules`] selected.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "Selection"))]
pub struct ModuleSelection {
    /// The versions, sorted by path then version.
    pub versions: Vec<Version>,
    /// Projects read (for `unused`).
    pub projects: usize,
    /// Their directories (for `unused`), as the app offers them to Verify's project field.
    pub project_dirs: Vec<String>,
    /// Problems that did not stop the selection.
    pub warnings: Vec<String>,
}

/// Why [`select_modules`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SelectError {
    /// `unused` without any project folder.
    #[error("choose at least one project folder to find the unused versions")]
    NoRoots,
    /// The projects could not be read.
    #[error("reading the projects: {0}")]
    Projects(#[source] ProjectError),
}

impl SelectError {
    /// A short machine-readable code: `BadRoot` for [`SelectError::NoRoots`], else the
    /// project error's (`Parse`, `Io`, `BadRoot`, `Cancelled`).
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::NoRoots => crate::ErrorCode::BadRoot,
            Self::Projects(e) => e.code(),
        }
    }
}

/// The module versions of `report`'s module cache (scanned afresh) that every one of
/// `criteria` selects, restricted to the module paths in `modules` when it is not empty.
/// No criteria select nothing; no module cache selects nothing, with a warning.
///
/// # Errors
/// [`SelectError::NoRoots`] for `unused` without roots (when there is a module cache); [`SelectError::Projects`] when the
/// projects under the roots cannot be read.
pub fn select_modules(
    report: &Report,
    env: &EnvMap,
    criteria: &[Criteria],
    modules: &[String],
    cancel: &CancelToken,
) -> Result<ModuleSelection, SelectError> {
    let mut out = ModuleSelection {
        versions: Vec::new(),
        projects: 0,
        project_dirs: Vec::new(),
        warnings: Vec::new(),
    };
    let Some(mc) = report.cache(CacheKind::Modcache).filter(|c| c.exists) else {
        out.warnings.push("no module cache was found".into());
        return Ok(out);
    };
    if criteria
        .iter()
        .any(|c| matches!(c, Criteria::Unused { roots } if roots.is_empty()))
    {
        return Err(SelectError::NoRoots);
    }
    let scanned = scan::scan(
        std::slice::from_ref(mc),
        &scan::Options::default(),
        &NoProgress,
        cancel,
    );
    let only: BTreeSet<&str> = modules.iter().map(String::as_str).collect();
    let rows: Vec<scan::ModuleRow> = scanned
        .modules
        .into_iter()
        .filter(|r| only.is_empty() || only.contains(r.path.as_str()))
        .collect();
    let mut sets = Vec::with_capacity(criteria.len());
    for c in criteria {
        sets.push(match c {
            Criteria::Unused { roots } => {
                let opts = projects::Options {
                    go: report.go.as_ref().map(|g| g.path.clone()),
                    env: env.clone(),
                    ..projects::Options::default()
                };
                let used =
                    projects::used_versions(roots, &opts, cancel).map_err(SelectError::Projects)?;
                out.projects = used.projects.len();
                out.project_dirs = used
                    .projects
                    .iter()
                    .map(|p| p.dir.to_string_lossy().into_owned())
                    .collect();
                out.warnings.extend(
                    used.warnings
                        .iter()
                        .map(|w| format!("{}: {}", w.path.display(), w.message)),
                );
                if used.projects.is_empty() {
                    out.warnings.push(
                        "no Go project (go.mod or go.work) was found under the chosen folders; \
                         every version counts as unused"
                            .into(),
                    );
                }
                projects::unused(&rows, &used)
            }
            Criteria::OlderThan { days } => projects::older_than(&rows, *days, super::unix_now()),
            Criteria::KeepLatest { n } => projects::keep_latest(&rows, *n),
        });
    }
    let Some((first, rest)) = sets.split_first() else {
        return Ok(out);
    };
    out.versions = first
        .versions
        .iter()
        .filter(|v| rest.iter().all(|s| s.contains(&v.path, &v.version)))
        .map(|v| Version {
            path: v.path.clone(),
            version: v.version.clone(),
        })
        .collect();
    Ok(out)
}
