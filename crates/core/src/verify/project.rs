//! Project mode: a project's `go.sum` against the module cache. A disagreement is the
//! "checksum mismatch" users hit; each one gets its likely cause with the evidence:
//! the cache was corrupted (the tree or zip no longer matches its own `.ziphash`), the
//! version was retagged upstream (the cache is self-consistent but differs from go.sum), or
//! the settings let a different download in (GOSUMDB=off, GONOSUMDB/GOPRIVATE, GOPROXY).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::msg::{Msg, source_id};
use super::proxy::{self, GoRunner, ProxyCheck, ProxySettings, ProxyVerdict};
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
    /// go.sum is wrong: the proxy serves the content the cache holds (or, for a version not
    /// in the cache, content whose hash the checksum database also vouches for), and go.sum
    /// holds another hash.
    GosumWrong,
    /// The cache holds other content than the proxy serves and go.sum names: the cached copy
    /// came from elsewhere (another proxy, a direct fetch of a moved tag). Removing this one
    /// version and downloading it again fixes it.
    CacheOther,
}

/// A go.sum line whose version is not in the module cache, so the cache cannot confirm it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct NotInCache {
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
    /// The comparison with the proxy, when asked for ([`super::Options::compare_proxy`]).
    pub proxy: Option<ProxyCheck>,
}

impl NotInCache {
    /// `path@version`, with `/go.mod` for a go.mod line.
    pub fn label(&self) -> String {
        format!(
            "{}@{}{}",
            self.path,
            self.version,
            if self.go_mod { "/go.mod" } else { "" }
        )
    }
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
    /// What the proxy serves for this line, when compared.
    pub proxy: Option<ProxyCheck>,
    /// A paragraph for people: what happened and what to do (the English of
    /// `explanation_msg`).
    pub explanation: String,
    /// The facts behind the cause, one sentence each (the English of `evidence_msgs`).
    pub evidence: Vec<String>,
    /// `explanation` as a message, for the app to show in the user's language.
    pub explanation_msg: Msg,
    /// `evidence` as messages.
    pub evidence_msgs: Vec<Msg>,
}

impl Mismatch {
    /// Sets the explanation (its message and its English).
    fn explain(&mut self, msg: Msg) {
        self.explanation = msg.english();
        self.explanation_msg = msg;
    }

    /// Adds a fact to the evidence (its message and its English).
    fn add_evidence(&mut self, msg: Msg) {
        self.evidence.push(msg.english());
        self.evidence_msgs.push(msg);
    }
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
    /// Lines whose version is not in the cache: the cache cannot confirm them (Go downloads
    /// the version when a build needs it, and fails if the proxy serves other content).
    pub not_in_cache: Vec<NotInCache>,
    /// Module versions whose zip and tree were verified as `go mod verify` does (the build
    /// list, and every version with a zip line in go.sum), when in the cache.
    pub versions_checked: usize,
    /// Where the set of versions came from: `go list -m all` (the build list `go mod verify`
    /// checks), or why every version go.sum names was checked instead (the English of
    /// `version_set_msg`).
    pub version_set: String,
    /// `version_set` as a message.
    pub version_set_msg: Msg,
    /// Whether the lines the cache cannot confirm were compared with the proxy.
    pub proxy_compared: bool,
    /// Disagreements, in go.sum order.
    pub mismatches: Vec<Mismatch>,
    /// The settings that matter for checksums, as `NAME=value (source)` (the English of
    /// `settings_msgs`).
    pub settings: Vec<String>,
    /// `settings` as messages.
    pub settings_msgs: Vec<Msg>,
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

/// A variable's value and where it came from (a `source.<id>` message).
fn var_src(report: &Report, name: &str) -> Option<(String, String)> {
    report
        .vars
        .get(name)
        .map(|v| (v.value.clone(), source_id(v.source).to_owned()))
}

/// The settings evidence for `module` (empty when the defaults applied).
fn settings_evidence(report: &Report, module: &str) -> Vec<Msg> {
    let mut out = Vec::new();
    if let Some((v, src)) = var_src(report, "GOSUMDB")
        && v == "off"
    {
        out.push(Msg::new("evidence.gosumdb-off", &[("source", src)]));
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
        if let Some((v, src)) = var_src(report, name)
            && let Some(g) = match_prefix_patterns(&v, module)
        {
            out.push(Msg::new(
                "evidence.nosumdb",
                &[
                    ("module", module.to_owned()),
                    ("name", name.to_owned()),
                    ("pattern", g),
                    ("source", src),
                ],
            ));
            break;
        }
    }
    if let Some((v, src)) = var_src(report, "GOPROXY")
        && v != DEFAULT_PROXY
        && !v.is_empty()
    {
        out.push(Msg::new(
            "evidence.goproxy",
            &[
                ("value", crate::redact::var_value("GOPROXY", &v)),
                ("source", src),
            ],
        ));
    }
    out
}

fn settings_list(report: &Report) -> Vec<Msg> {
    [
        "GOPROXY",
        "GOSUMDB",
        "GOPRIVATE",
        "GONOSUMDB",
        "GONOPROXY",
        "GOFLAGS",
    ]
    .iter()
    .filter_map(|n| {
        var_src(report, n).map(|(v, s)| {
            Msg::new(
                "setting",
                &[
                    ("name", (*n).to_owned()),
                    ("value", crate::redact::var_value(n, &v)),
                    ("source", s),
                ],
            )
        })
    })
    .collect()
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
    let runner = opts
        .env
        .as_ref()
        .zip(report.go.as_ref())
        .map(|(env, g)| GoRunner {
            go: g.path.clone(),
            env: env.clone(),
        });
    let (build_list, version_set_msg) = build_list(runner.as_ref(), project, cancel);
    // What `go mod verify` checks (the build list), plus every version whose zip line go.sum
    // holds; without the build list, every version go.sum names (a superset of it: Go
    // refuses to load a module graph whose go.mod files go.sum does not vouch for).
    let mut full: BTreeSet<(String, String)> = lines
        .iter()
        .filter(|l| !l.go_mod_only || build_list.is_none())
        .map(|l| (l.path.clone(), l.version.clone()))
        .collect();
    full.extend(build_list.into_iter().flatten());
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
        versions_checked: rep.checked,
        version_set: version_set_msg.english(),
        version_set_msg,
        proxy_compared: false,
        mismatches: Vec::new(),
        settings: Vec::new(),
        settings_msgs: settings_list(report),
    };
    pr.settings = pr.settings_msgs.iter().map(Msg::english).collect();
    let missing = |l: &crate::projects::SumLine| NotInCache {
        path: l.path.clone(),
        version: l.version.clone(),
        go_mod: l.go_mod_only,
        line: l.line,
        gosum_hash: l.hash.clone(),
        proxy: None,
    };
    for l in &lines {
        let label = format!("{}@{}", l.path, l.version);
        let (Ok(escpath), Ok(escver)) = (escape::escape(&l.path), escape::escape(&l.version))
        else {
            continue;
        };
        let dl = join_slashed(&root, &format!("cache/download/{escpath}/@v"));
        let mk = |cause, cache_hash, explanation: Msg, evidence: Vec<Msg>| Mismatch {
            path: l.path.clone(),
            version: l.version.clone(),
            go_mod: l.go_mod_only,
            line: l.line,
            gosum_hash: l.hash.clone(),
            cache_hash,
            cause,
            proxy: None,
            explanation: explanation.english(),
            evidence: evidence.iter().map(Msg::english).collect(),
            explanation_msg: explanation,
            evidence_msgs: evidence,
        };
        if l.go_mod_only {
            let modf = dl.join(format!("{escver}.mod"));
            // Only a regular file is read (a FIFO would block), at most Go's go.mod limit.
            let Ok(content) = dirhash::read_regular(&modf, GOMOD_LIMIT) else {
                pr.not_in_cache.push(missing(l));
                continue;
            };
            let h = dirhash::hash_gomod(&content);
            if h == l.hash {
                pr.matched += 1;
                continue;
            }
            let mut evidence = vec![Msg::new(
                "evidence.gomod-hash",
                &[
                    ("line", l.line.to_string()),
                    ("label", label.clone()),
                    ("gosum", l.hash.clone()),
                    ("file", modf.display().to_string()),
                    ("hash", h.clone()),
                ],
            )];
            let tree_gomod = join_slashed(&root, &format!("{escpath}@{escver}/go.mod"));
            let tree = dirhash::read_regular(&tree_gomod, GOMOD_LIMIT).ok();
            let m = match tree {
                Some(t) if t != content => {
                    evidence.push(Msg::new(
                        "evidence.cache-disagrees",
                        &[
                            ("file", modf.display().to_string()),
                            ("tree", tree_gomod.display().to_string()),
                        ],
                    ));
                    mk(
                        Cause::CacheCorrupted,
                        Some(h),
                        Msg::new("explain.gomod-modified", &[("label", label.clone())]),
                        evidence,
                    )
                }
                other => {
                    if other.is_some() {
                        evidence.push(Msg::new(
                            "evidence.gomod-consistent",
                            &[("tree", tree_gomod.display().to_string())],
                        ));
                    }
                    classify_foreign(report, &l.path, &label, Some(h), evidence, &mk)
                }
            };
            pr.mismatches.push(m);
            continue;
        }
        let Some(m) = by.get(&(l.path.clone(), l.version.clone())) else {
            pr.not_in_cache.push(missing(l));
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
            let mut evidence: Vec<Msg> = corrupt.iter().map(|f| finding_msg(f)).collect();
            if m.ziphash.as_deref() == Some(l.hash.as_str()) {
                evidence.push(Msg::new(
                    "evidence.ziphash-agrees",
                    &[("line", l.line.to_string()), ("label", label.clone())],
                ));
            }
            let files: Vec<&str> = m.files.iter().take(10).map(|f| f.name.as_str()).collect();
            let explanation = if files.is_empty() {
                Msg::new("explain.corrupted", &[("label", label.clone())])
            } else {
                Msg::new(
                    "explain.corrupted-files",
                    &[("label", label.clone()), ("files", files.join(", "))],
                )
            };
            pr.mismatches.push(mk(
                Cause::CacheCorrupted,
                m.ziphash.clone(),
                explanation,
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
                    Msg::new(
                        "explain.incomplete",
                        &[
                            ("label", label.clone()),
                            ("status", m.status.as_str().to_owned()),
                        ],
                    ),
                    m.findings.iter().map(finding_msg).collect(),
                ));
            } else {
                pr.not_in_cache.push(missing(l));
            }
            continue;
        };
        if *zh == l.hash {
            pr.matched += 1;
            continue;
        }
        let evidence = vec![
            Msg::new(
                "evidence.zip-hash",
                &[
                    ("line", l.line.to_string()),
                    ("label", label.clone()),
                    ("gosum", l.hash.clone()),
                    ("hash", zh.clone()),
                ],
            ),
            Msg::new("evidence.zip-consistent", &[]),
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
    if opts.compare_proxy {
        compare_with_proxy(report, runner.as_ref(), &mut pr, cancel);
    }
    rep.project = Some(pr);
    Ok(rep)
}

/// The build list of the module in `project` (`go list -m all`, offline, never writing the
/// project's files), or why it is not known.
fn build_list(
    runner: Option<&GoRunner>,
    project: &Path,
    cancel: &CancelToken,
) -> (Option<BTreeSet<(String, String)>>, Msg) {
    use crate::projects::golist;
    let Some(r) = runner else {
        return (None, Msg::new("set.no-go", &[]));
    };
    if !project.join("go.mod").is_file() {
        return (None, Msg::new("set.no-gomod", &[]));
    }
    match golist::list_module(
        &r.go,
        &r.env,
        project,
        std::time::Duration::from_secs(60),
        cancel,
    ) {
        Ok(listed) => {
            let mut set = BTreeSet::new();
            for l in listed.iter().filter(|l| !l.main) {
                if let Some(v) = &l.version {
                    set.insert((l.path.clone(), v.clone()));
                }
                if let Some(rp) = &l.replace
                    && let Some(v) = &rp.version
                {
                    set.insert((rp.path.clone(), v.clone()));
                }
            }
            (Some(set), Msg::new("set.build-list", &[]))
        }
        Err(golist::ListError::Cancelled) => (None, Msg::new("set.cancelled", &[])),
        Err(golist::ListError::Failed(m)) => (
            None,
            Msg::new("set.unknown", &[("error", crate::redact::text(&m))]),
        ),
    }
}

/// Compares the lines the cache cannot confirm, and the mismatches of an intact cache, with
/// what the proxy serves; a line the proxy contradicts becomes a mismatch.
fn compare_with_proxy(
    report: &Report,
    runner: Option<&GoRunner>,
    pr: &mut ProjectReport,
    cancel: &CancelToken,
) {
    let settings = ProxySettings::from_report(report);
    pr.proxy_compared = true;
    for n in &mut pr.not_in_cache {
        if cancel.is_cancelled() {
            return;
        }
        n.proxy = Some(proxy::compare(
            &settings,
            runner,
            &n.path,
            &n.version,
            n.go_mod,
            &n.gosum_hash,
            cancel,
        ));
    }
    let (differs, rest): (Vec<NotInCache>, Vec<NotInCache>) = std::mem::take(&mut pr.not_in_cache)
        .into_iter()
        .partition(|n| {
            n.proxy
                .as_ref()
                .is_some_and(|p| p.verdict == ProxyVerdict::Differs)
        });
    pr.not_in_cache = rest;
    for n in differs {
        let Some(pc) = n.proxy.clone() else { continue };
        let label = n.label();
        let mut evidence = vec![
            Msg::new("evidence.not-in-cache", &[("label", label.clone())]),
            pc.note_msg.clone(),
        ];
        let (cause, explanation) = if pc.sumdb_checked {
            evidence.push(Msg::new("evidence.sumdb-vouches", &[]));
            (
                Cause::GosumWrong,
                Msg::new(
                    "explain.gosum-wrong-sumdb",
                    &[
                        ("line", n.line.to_string()),
                        ("label", label.clone()),
                        ("module", n.path.clone()),
                        ("version", n.version.clone()),
                    ],
                ),
            )
        } else {
            evidence.extend(settings_evidence(report, &n.path));
            (
                Cause::Retagged,
                Msg::new(
                    "explain.proxy-differs",
                    &[("line", n.line.to_string()), ("label", label.clone())],
                ),
            )
        };
        pr.mismatches.push(Mismatch {
            path: n.path,
            version: n.version,
            go_mod: n.go_mod,
            line: n.line,
            gosum_hash: n.gosum_hash,
            cache_hash: None,
            cause,
            proxy: Some(pc),
            explanation: explanation.english(),
            evidence: evidence.iter().map(Msg::english).collect(),
            explanation_msg: explanation,
            evidence_msgs: evidence,
        });
    }
    for m in &mut pr.mismatches {
        if cancel.is_cancelled() {
            return;
        }
        if m.proxy.is_some() || !matches!(m.cause, Cause::Retagged | Cause::Settings) {
            continue;
        }
        let Some(cache) = m.cache_hash.clone() else {
            continue;
        };
        let pc = proxy::compare(
            &settings,
            runner,
            &m.path,
            &m.version,
            m.go_mod,
            &m.gosum_hash,
            cancel,
        );
        let label = format!(
            "{}@{}{}",
            m.path,
            m.version,
            if m.go_mod { "/go.mod" } else { "" }
        );
        m.add_evidence(pc.note_msg.clone());
        match pc.proxy_hash.as_deref() {
            Some(h) if h == m.gosum_hash => {
                m.cause = Cause::CacheOther;
                let msg = Msg::new(
                    "explain.cache-other",
                    &[
                        ("label", label),
                        ("hash", h.to_owned()),
                        ("cache", cache),
                        ("module", m.path.clone()),
                        ("version", m.version.clone()),
                    ],
                );
                m.explain(msg);
            }
            Some(h) if h == cache => {
                m.cause = Cause::GosumWrong;
                let msg = Msg::new(
                    if pc.sumdb_checked {
                        "explain.gosum-wrong-cache-sumdb"
                    } else {
                        "explain.gosum-wrong-cache"
                    },
                    &[
                        ("line", m.line.to_string()),
                        ("label", label),
                        ("hash", h.to_owned()),
                        ("gosum", m.gosum_hash.clone()),
                        ("module", m.path.clone()),
                        ("version", m.version.clone()),
                    ],
                );
                m.explain(msg);
            }
            _ => {}
        }
        m.proxy = Some(pc);
    }
}

/// A self-consistent cache that differs from go.sum: retagged upstream, or settings.
fn classify_foreign(
    report: &Report,
    module: &str,
    label: &str,
    cache_hash: Option<String>,
    mut evidence: Vec<Msg>,
    mk: &dyn Fn(Cause, Option<String>, Msg, Vec<Msg>) -> Mismatch,
) -> Mismatch {
    let settings = settings_evidence(report, module);
    if settings.is_empty() {
        evidence.push(Msg::new("evidence.sumdb-in-use", &[]));
        mk(
            Cause::Retagged,
            cache_hash,
            Msg::new(
                "explain.retagged",
                &[("label", label.to_owned()), ("module", module.to_owned())],
            ),
            evidence,
        )
    } else {
        evidence.extend(settings);
        mk(
            Cause::Settings,
            cache_hash,
            Msg::new("explain.settings", &[("label", label.to_owned())]),
            evidence,
        )
    }
}

/// A module finding as evidence: its sentence (the verify of the version wrote it), with its
/// status for the app to name in the user's language.
fn finding_msg(f: &super::Finding) -> Msg {
    Msg::new(
        "evidence.finding",
        &[
            ("status", f.status.as_str().to_owned()),
            ("message", f.message.clone()),
        ],
    )
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
