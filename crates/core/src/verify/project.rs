//! Project mode: a project's `go.sum` against the module cache. A disagreement is the
//! "checksum mismatch" users hit; each one gets its likely cause with the evidence:
//! the cache was corrupted (the tree or zip no longer matches its own `.ziphash`), the
//! version was retagged upstream (the cache is self-consistent but differs from go.sum), or
//! the settings let a different download in (GOSUMDB=off, GONOSUMDB/GOPRIVATE, GOPROXY).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{ModuleResult, Options, Status, VerifyProgress, VerifyReport};
use crate::dirhash;
use crate::discover::{CacheKind, Report};
use crate::modpath::join_slashed;
use crate::projects::parse_gosum;
use crate::{CancelToken, Error, Result, escape};

/// The largest go.mod read (Go's own limit for a module's go.mod, `modfetch`: 16 MiB).
const GOMOD_LIMIT: u64 = 16 << 20;
/// The default GOPROXY (`$GOROOT/go.env`).
const DEFAULT_PROXY: &str = "https://proxy.golang.org,direct";

/// The likely cause of a mismatch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "MismatchCause"))]
pub enum Cause {
    /// The local cache no longer matches what Go checked when it downloaded the version.
    CacheCorrupted,
    /// The cache is self-consistent but its content differs from go.sum, and the checksum
    /// database was in use: the version's content changed upstream (a moved tag) or go.sum
    /// was edited.
    Retagged,
    /// As `Retagged`, but the settings let an unchecked download in (GOSUMDB=off, a
    /// GONOSUMDB/GOPRIVATE match, a non-default GOPROXY).
    Settings,
}

/// One go.sum line the cache disagrees with (or whose cache copy is damaged).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mismatch {
    /// Module path.
    pub path: String,
    /// Version.
    pub version: String,
    /// Whether it is the `/go.mod` line.
    pub go_mod: bool,
    /// Line number in go.sum.
    pub line: usize,
    /// The hash go.sum holds.
    pub gosum_hash: String,
    /// The hash of the cache's copy (`.ziphash`, or the `.mod` file's hash).
    pub cache_hash: Option<String>,
    /// The likely cause.
    pub cause: Cause,
    /// A paragraph for people: what happened and what to do.
    pub explanation: String,
    /// The facts behind the cause, one sentence each.
    pub evidence: Vec<String>,
}

/// The go.sum comparison of [`verify_project`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ProjectReport {
    /// The project directory.
    #[serde(serialize_with = "crate::pathser::serialize")]
    pub dir: PathBuf,
    /// The go.sum read.
    #[serde(serialize_with = "crate::pathser::serialize")]
    pub gosum: PathBuf,
    /// go.sum lines compared.
    pub lines: usize,
    /// Lines that agree with an intact cache copy.
    pub matched: usize,
    /// Lines whose version is not in the cache (`path@version` or `path@version/go.mod`).
    pub not_in_cache: Vec<String>,
    /// Disagreements, in go.sum order.
    pub mismatches: Vec<Mismatch>,
    /// The settings that matter for checksums, as `NAME=value (source)`.
    pub settings: Vec<String>,
}

/// `path.Match` for one glob element: `*` (no `/`), `?`, literal characters; `[...]` classes
/// are compared literally (rare in GOPRIVATE).
fn glob_match(pat: &str, s: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pat.chars().collect(), s.chars().collect());
    let (mut pi, mut ti) = (0usize, 0usize);
    let (mut star, mut mark) = (None, 0usize);
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some(pi);
                mark = ti;
                pi += 1;
            }
            Some(c) if (*c == '?' && t.get(ti) != Some(&'/')) || Some(c) == t.get(ti) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some(sp) if t.get(mark) != Some(&'/') => {
                    pi = sp + 1;
                    mark += 1;
                    ti = mark;
                }
                _ => return false,
            },
        }
    }
    p.get(pi..)
        .is_some_and(|rest| rest.iter().all(|c| *c == '*'))
}

/// Go's `module.MatchPrefixPatterns`: a comma-separated list of globs, each matched against
/// the leading path elements of `target` (as many as the pattern has).
pub(crate) fn match_prefix_patterns(globs: &str, target: &str) -> Option<String> {
    for g in globs.split(',').map(str::trim).filter(|g| !g.is_empty()) {
        let n = g.split('/').count();
        let prefix: Vec<&str> = target.split('/').take(n).collect();
        if prefix.len() == n && glob_match(g, &prefix.join("/")) {
            return Some(g.to_owned());
        }
    }
    None
}

fn var(report: &Report, name: &str) -> Option<(String, String)> {
    report.vars.get(name).map(|v| {
        (
            v.value.clone(),
            crate::discover::source_label(v.source).to_owned(),
        )
    })
}

/// The settings evidence for `module` (empty when the defaults applied).
fn settings_evidence(report: &Report, module: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some((v, src)) = var(report, "GOSUMDB")
        && v == "off"
    {
        out.push(format!(
            "GOSUMDB=off ({src}): downloads are not checked against the checksum \
                 database, so a changed or tampered version is accepted into the cache"
        ));
    }
    for name in ["GONOSUMDB", "GOPRIVATE"] {
        // An unset GONOSUMDB defaults to GOPRIVATE: name the variable the user set.
        let defaulted = report
            .vars
            .get(name)
            .is_some_and(|v| v.source == crate::env::Source::Default);
        if name == "GONOSUMDB" && defaulted {
            continue;
        }
        if let Some((v, src)) = var(report, name)
            && let Some(g) = match_prefix_patterns(&v, module)
        {
            out.push(format!(
                "{module} matches {name} pattern {g:?} ({src}): it is never checked \
                     against the checksum database"
            ));
            break;
        }
    }
    if let Some((v, src)) = var(report, "GOPROXY")
        && v != DEFAULT_PROXY
        && !v.is_empty()
    {
        out.push(format!(
            "GOPROXY={v} ({src}): another proxy, or a direct fetch from the origin, can \
                 serve different content for the same version than the one go.sum was \
                 written from"
        ));
    }
    out
}

fn settings_list(report: &Report) -> Vec<String> {
    [
        "GOPROXY",
        "GOSUMDB",
        "GOPRIVATE",
        "GONOSUMDB",
        "GONOPROXY",
        "GOFLAGS",
    ]
    .iter()
    .filter_map(|n| var(report, n).map(|(v, s)| format!("{n}={v} ({s})")))
    .collect()
}

fn fix_corrupt(label: &str) -> String {
    format!(
        "Repair removes {label} from the cache and downloads it again (gocache-doctor verify \
         --repair, or the Repair button)."
    )
}

/// Compares the go.sum of `project` with the module cache and verifies the versions it
/// names (their zips and trees, like `go mod verify` in that project).
///
/// # Errors
/// [`Error::Io`] when go.sum cannot be read; [`Error::BadRoot`] when it is malformed or no
/// module cache was discovered.
pub fn verify_project(
    report: &Report,
    project: &Path,
    opts: &Options,
    progress: &dyn VerifyProgress,
    cancel: &CancelToken,
) -> Result<VerifyReport> {
    let gosum = project.join("go.sum");
    let text = std::fs::read_to_string(&gosum).map_err(|e| Error::io(&gosum, e))?;
    let lines = parse_gosum(&text).map_err(|e| Error::BadRoot {
        path: gosum.clone(),
        reason: format!("line {}: {}", e.line, e.message),
    })?;
    let root = report
        .cache(CacheKind::Modcache)
        .map(|c| c.path.clone())
        .ok_or_else(|| Error::BadRoot {
            path: project.to_path_buf(),
            reason: "no module cache was discovered".into(),
        })?;
    // Versions whose tree/zip go.sum vouches for: verify them fully.
    let full: BTreeSet<(String, String)> = lines
        .iter()
        .filter(|l| !l.go_mod_only)
        .map(|l| (l.path.clone(), l.version.clone()))
        .collect();
    let mut rep = if root.is_dir() {
        super::run(Some(&root), None, Some(&full), opts, progress, cancel)?
    } else {
        super::run(None, None, None, opts, progress, cancel)?
    };
    let by: BTreeMap<(String, String), &ModuleResult> = rep
        .modules
        .iter()
        .map(|m| ((m.path.clone(), m.version.clone()), m))
        .collect();
    let mut pr = ProjectReport {
        dir: project.to_path_buf(),
        gosum,
        lines: lines.len(),
        matched: 0,
        not_in_cache: Vec::new(),
        mismatches: Vec::new(),
        settings: settings_list(report),
    };
    for l in &lines {
        let label = format!("{}@{}", l.path, l.version);
        let (Ok(escpath), Ok(escver)) = (escape::escape(&l.path), escape::escape(&l.version))
        else {
            continue;
        };
        let dl = join_slashed(&root, &format!("cache/download/{escpath}/@v"));
        let mk = |cause, cache_hash, explanation: String, evidence| Mismatch {
            path: l.path.clone(),
            version: l.version.clone(),
            go_mod: l.go_mod_only,
            line: l.line,
            gosum_hash: l.hash.clone(),
            cache_hash,
            cause,
            explanation,
            evidence,
        };
        if l.go_mod_only {
            let modf = dl.join(format!("{escver}.mod"));
            // Only a regular file is read (a FIFO would block), at most Go's go.mod limit.
            let Ok(content) = dirhash::read_regular(&modf, GOMOD_LIMIT) else {
                pr.not_in_cache.push(format!("{label}/go.mod"));
                continue;
            };
            let h = dirhash::hash_gomod(&content);
            if h == l.hash {
                pr.matched += 1;
                continue;
            }
            let mut evidence = vec![format!(
                "go.sum line {} says {label}/go.mod is {}, but {} hashes to {h}",
                l.line,
                l.hash,
                modf.display()
            )];
            let tree_gomod = join_slashed(&root, &format!("{escpath}@{escver}/go.mod"));
            let tree = dirhash::read_regular(&tree_gomod, GOMOD_LIMIT).ok();
            let m = match tree {
                Some(t) if t != content => {
                    evidence.push(format!(
                        "the cache disagrees with itself: {} differs from the extracted {}",
                        modf.display(),
                        tree_gomod.display()
                    ));
                    mk(
                        Cause::CacheCorrupted,
                        Some(h),
                        format!(
                            "The cached go.mod of {label} was modified after Go downloaded \
                             it. {}",
                            fix_corrupt(&label)
                        ),
                        evidence,
                    )
                }
                other => {
                    if other.is_some() {
                        evidence.push(format!(
                            "the cache is self-consistent: the extracted {} is identical",
                            tree_gomod.display()
                        ));
                    }
                    classify_foreign(report, &l.path, &label, Some(h), evidence, &mk)
                }
            };
            pr.mismatches.push(m);
            continue;
        }
        let Some(m) = by.get(&(l.path.clone(), l.version.clone())) else {
            pr.not_in_cache.push(label);
            continue;
        };
        let corrupt: Vec<&super::Finding> = m
            .findings
            .iter()
            .filter(|f| {
                matches!(
                    f.status,
                    Status::DirModified | Status::ZipModified | Status::ZiphashInvalid
                )
            })
            .collect();
        if !corrupt.is_empty() {
            let mut evidence: Vec<String> = corrupt.iter().map(|f| f.message.clone()).collect();
            if m.ziphash.as_deref() == Some(l.hash.as_str()) {
                evidence.push(format!(
                    "go.sum line {} agrees with the .ziphash Go wrote when it downloaded and \
                     checked {label}: the download was right, the cache changed afterwards",
                    l.line
                ));
            }
            let files: Vec<String> = m
                .files
                .iter()
                .take(10)
                .map(|f| format!("{} ({})", f.name, f.change.as_str()))
                .collect();
            let what = if files.is_empty() {
                String::new()
            } else {
                format!(" Changed files: {}.", files.join(", "))
            };
            pr.mismatches.push(mk(
                Cause::CacheCorrupted,
                m.ziphash.clone(),
                format!(
                    "The local module cache copy of {label} was corrupted: it no longer \
                     matches the hash Go recorded when it downloaded it, so builds see \
                     \"checksum mismatch\" / go mod verify says it has been modified.{what} {}",
                    fix_corrupt(&label)
                ),
                evidence,
            ));
            continue;
        }
        let Some(zh) = &m.ziphash else {
            // Partial or missing .ziphash: Go downloads again; nothing to compare.
            if m.status.is_broken() {
                pr.mismatches.push(mk(
                    Cause::CacheCorrupted,
                    None,
                    format!(
                        "The cache copy of {label} is incomplete ({}): Go will download it \
                         again. {}",
                        m.status.as_str(),
                        fix_corrupt(&label)
                    ),
                    m.findings.iter().map(|f| f.message.clone()).collect(),
                ));
            } else {
                pr.not_in_cache.push(label);
            }
            continue;
        };
        if *zh == l.hash {
            pr.matched += 1;
            continue;
        }
        let evidence = vec![
            format!(
                "go.sum line {} says {label} is {}, but the cache holds {zh} (its .ziphash)",
                l.line, l.hash
            ),
            "the cache is self-consistent: its zip and extracted files still match that \
             .ziphash"
                .to_owned(),
        ];
        pr.mismatches.push(classify_foreign(
            report,
            &l.path,
            &label,
            Some(zh.clone()),
            evidence,
            &mk,
        ));
    }
    rep.project = Some(pr);
    Ok(rep)
}

/// A self-consistent cache that differs from go.sum: retagged upstream, or settings.
fn classify_foreign(
    report: &Report,
    module: &str,
    label: &str,
    cache_hash: Option<String>,
    mut evidence: Vec<String>,
    mk: &dyn Fn(Cause, Option<String>, String, Vec<String>) -> Mismatch,
) -> Mismatch {
    let settings = settings_evidence(report, module);
    if settings.is_empty() {
        evidence.push(
            "the checksum database was in use (GOSUMDB default, no GONOSUMDB/GOPRIVATE match, \
             default GOPROXY), so the cached copy was checked when it was downloaded"
                .to_owned(),
        );
        mk(
            Cause::Retagged,
            cache_hash,
            format!(
                "{label} in the cache is intact but is not the content go.sum was written for: \
                 the version was most likely retagged upstream (its tag moved to another \
                 commit), or go.sum was edited. Check go.sum's history; if the new content is \
                 trusted, remove the go.sum lines of {module} and run go mod tidy, otherwise \
                 pin another version."
            ),
            evidence,
        )
    } else {
        evidence.extend(settings);
        mk(
            Cause::Settings,
            cache_hash,
            format!(
                "{label} in the cache is intact but is not the content go.sum was written for, \
                 and this machine's settings let an unchecked download in (see the evidence): \
                 the version was probably served differently (another proxy, a direct fetch \
                 of a moved tag, a private mirror). Compare GOPROXY/GOSUMDB/GOPRIVATE with the \
                 machine that wrote go.sum."
            ),
            evidence,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_patterns_follow_go() {
        assert!(match_prefix_patterns("*.corp.example.com", "git.corp.example.com/x/y").is_some());
        assert!(match_prefix_patterns("example.com/priv", "example.com/priv/sub").is_some());
        assert!(match_prefix_patterns("example.com/priv", "example.com/private").is_none());
        assert!(match_prefix_patterns("example.com/*", "example.com/a/b").is_some());
        assert!(match_prefix_patterns("a.com,example.com", "example.com/x").is_some());
        assert!(match_prefix_patterns("", "example.com/x").is_none());
        assert!(match_prefix_patterns("example.com/x/y/z", "example.com/x").is_none());
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a*", "a/b"));
    }
}
