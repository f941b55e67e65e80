//! Environment checks: risky or broken settings and cache states found without any pasted
//! output (`gocache-doctor doctor`, the app's dashboard).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::catalog::{env_finding, private_pattern};
use super::fs::{FsClass, fs_of};
use super::{Context, Finding, owner};
use crate::discover::{CacheKind, Problem, Report, source_label};
use crate::env::Source;
use crate::i18n::Lang;
use crate::os::OsKind;
use crate::os::host::{Host, System as _};

/// What [`check_env`] looks at besides the report.
#[derive(Debug, Clone)]
pub struct EnvChecks {
    /// Module path prefixes the user says are private (`git.corp.example`,
    /// `github.com/acme`); each must be covered by GOPRIVATE or GONOSUMDB.
    pub private: Vec<String>,
    /// Look at the caches on disk (owner, filesystem, file modes).
    pub inspect_disk: bool,
    /// How many module files to sample for the writable-files check.
    pub sample_files: usize,
    /// The language of the explanations.
    pub lang: Lang,
}

impl Default for EnvChecks {
    fn default() -> Self {
        EnvChecks {
            private: Vec::new(),
            inspect_disk: true,
            sample_files: 400,
            lang: Lang::En,
        }
    }
}

/// Public hosts that must never be entirely private.
const PUBLIC_HOSTS: [&str; 8] = [
    "github.com",
    "gitlab.com",
    "bitbucket.org",
    "golang.org",
    "google.golang.org",
    "gopkg.in",
    "go.googlesource.com",
    "gitee.com",
];

/// Checks the discovered environment and the caches on disk; the discovery problems are
/// included (those the doctor knows get its ids and fixes, the others keep theirs).
pub fn check_env(report: &Report, opts: &EnvChecks) -> Vec<Finding> {
    let env = Env {
        report,
        opts,
        ctx: Context::from_report(report).with_lang(opts.lang),
        lang: opts.lang,
    };
    let mut out = Vec::new();
    for check in ENV_CHECKS {
        check(&env, &mut out);
    }
    out.sort_by_key(|f| f.severity as u8);
    out
}

/// What each environment check reads: the report, the options and the catalog's context.
struct Env<'a> {
    report: &'a Report,
    opts: &'a EnvChecks,
    ctx: Context,
    lang: Lang,
}

impl Env<'_> {
    /// A variable that is set to a non-empty value.
    fn var(&self, k: &str) -> Option<&crate::env::Var> {
        self.report.vars.get(k).filter(|v| !v.value.is_empty())
    }

    /// Where a variable's value comes from, in words.
    fn source(&self, k: &str) -> String {
        self.report
            .vars
            .get(k)
            .map_or(self.lang.pick("your settings", "你的设置"), |v| {
                source_words(v.source, self.lang)
            })
            .to_owned()
    }
}

fn vals(pairs: &[(&'static str, String)]) -> BTreeMap<&'static str, String> {
    pairs.iter().cloned().collect()
}

/// One environment check: adds its findings to the list.
type EnvCheck = fn(&Env, &mut Vec<Finding>);

/// The environment checks, in the order their findings are listed (then sorted by severity,
/// keeping that order within one severity).
const ENV_CHECKS: &[EnvCheck] = &[
    discovery_problems,
    gosumdb_off,
    goprivate_too_broad,
    goprivate_missing,
    modcacherw,
    goproxy_off_or_direct,
    goinsecure,
    |e, out| {
        if e.opts.inspect_disk {
            disk_checks(e.report, e.opts, &e.ctx, out);
        }
    },
    toolchain_in_modcache,
    case_insensitive_fs,
];

/// Discovery's own problems.
fn discovery_problems(e: &Env, out: &mut Vec<Finding>) {
    for p in &e.report.problems {
        out.push(problem_finding_in(e.report, p, e.lang));
    }
}

/// GOSUMDB=off.
fn gosumdb_off(e: &Env, out: &mut Vec<Finding>) {
    if e.var("GOSUMDB").is_none_or(|v| v.value != "off") {
        return;
    }
    let private = e.var("GOPRIVATE").map(|v| v.value.clone());
    let mut v = vals(&[("source", e.source("GOSUMDB"))]);
    if let Some(p) = private.or_else(|| e.opts.private.first().cloned()) {
        v.insert("private", p);
    }
    out.push(env_finding(
        "gosumdb-off",
        None,
        Some("off".into()),
        v,
        &e.ctx,
    ));
}

/// GOPRIVATE / GONOSUMDB / GONOPROXY too broad.
fn goprivate_too_broad(e: &Env, out: &mut Vec<Finding>) {
    for name in ["GOPRIVATE", "GONOSUMDB", "GONOPROXY"] {
        let Some(v) = e.var(name) else { continue };
        let patterns: Vec<&str> = v
            .value
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .collect();
        let broad: Vec<&str> = patterns.iter().copied().filter(|p| too_broad(p)).collect();
        if broad.is_empty() {
            continue;
        }
        let narrowed: Vec<&str> = patterns.iter().copied().filter(|p| !too_broad(p)).collect();
        let mut m = vals(&[
            ("var", name.to_owned()),
            ("value", v.value.clone()),
            ("pattern", broad.join(", ")),
        ]);
        if !narrowed.is_empty() {
            m.insert("narrowed", narrowed.join(","));
        }
        out.push(env_finding(
            "goprivate-too-broad",
            None,
            Some(v.value.clone()),
            m,
            &e.ctx,
        ));
    }
}

/// Private prefixes the user named, not covered.
fn goprivate_missing(e: &Env, out: &mut Vec<Finding>) {
    let covered_by = |module: &str| {
        ["GOPRIVATE", "GONOSUMDB"].iter().any(|k| {
            e.var(k).is_some_and(|v| {
                v.value
                    .split(',')
                    .any(|p| glob_prefix_match(p.trim(), module))
            })
        })
    };
    let missing: Vec<String> = e
        .opts
        .private
        .iter()
        .filter(|p| !p.is_empty() && !covered_by(p))
        .cloned()
        .collect();
    if missing.is_empty() {
        return;
    }
    let mut list: Vec<String> = e
        .var("GOPRIVATE")
        .map(|v| v.value.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    list.extend(
        missing
            .iter()
            .map(|m| private_pattern(m).unwrap_or_else(|| m.clone())),
    );
    list.dedup();
    out.push(env_finding(
        "goprivate-missing",
        None,
        None,
        vals(&[("pattern", missing.join(", ")), ("list", list.join(","))]),
        &e.ctx,
    ));
}

/// GOFLAGS=-modcacherw.
fn modcacherw(e: &Env, out: &mut Vec<Finding>) {
    let Some(v) = e.var("GOFLAGS") else { return };
    let flags: Vec<&str> = v.value.split_whitespace().collect();
    if !flags
        .iter()
        .any(|f| f.trim_start_matches('-') == "modcacherw" || f.starts_with("-modcacherw="))
    {
        return;
    }
    let rest: Vec<&str> = flags
        .iter()
        .copied()
        .filter(|f| !f.trim_start_matches('-').starts_with("modcacherw"))
        .collect();
    let mut m = vals(&[("source", e.source("GOFLAGS"))]);
    // Quoted per shell by the catalog (`go env -w 'GOFLAGS=-a -b'`).
    m.insert("flags", rest.join(" "));
    out.push(env_finding(
        "modcacherw",
        None,
        Some(v.value.clone()),
        m,
        &e.ctx,
    ));
}

/// GOPROXY=off / direct only.
fn goproxy_off_or_direct(e: &Env, out: &mut Vec<Finding>) {
    let Some(v) = e.var("GOPROXY") else { return };
    let entries: Vec<&str> = v
        .value
        .split([',', '|'])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .collect();
    let m = vals(&[("value", v.value.clone()), ("source", e.source("GOPROXY"))]);
    if v.value.trim() == "off" {
        out.push(env_finding(
            "goproxy-off",
            Some("env"),
            Some(v.value.clone()),
            m,
            &e.ctx,
        ));
    } else if !entries.is_empty() && entries.iter().all(|e| *e == "direct") {
        out.push(env_finding(
            "goproxy-direct",
            None,
            Some(v.value.clone()),
            m,
            &e.ctx,
        ));
    }
}

/// GOINSECURE.
fn goinsecure(e: &Env, out: &mut Vec<Finding>) {
    let Some(v) = e.var("GOINSECURE") else { return };
    let m = vals(&[
        ("value", v.value.clone()),
        ("source", e.source("GOINSECURE")),
    ]);
    out.push(env_finding(
        "goinsecure",
        None,
        Some(v.value.clone()),
        m,
        &e.ctx,
    ));
}

/// The go in use lives in the module cache.
fn toolchain_in_modcache(e: &Env, out: &mut Vec<Finding>) {
    let report = e.report;
    let (Some(go), Some(mc)) = (report.go.as_ref(), report.cache(CacheKind::Modcache)) else {
        return;
    };
    let inside = go.path.starts_with(&mc.path)
        || go.goroot.as_ref().is_some_and(|g| g.starts_with(&mc.path));
    if inside {
        let p = go.path.display().to_string();
        out.push(env_finding(
            "toolchain-in-modcache",
            None,
            Some(p.clone()),
            vals(&[("path", p)]),
            &e.ctx,
        ));
    }
}

/// macOS and Windows: module paths differing only in case collide.
fn case_insensitive_fs(e: &Env, out: &mut Vec<Finding>) {
    let os = match e.report.os {
        OsKind::Macos => "macOS",
        OsKind::Windows => "Windows",
        OsKind::Linux => return,
    };
    out.push(env_finding(
        "case-insensitive-fs",
        None,
        None,
        vals(&[("os", os.to_owned())]),
        &e.ctx,
    ));
}

/// The finding [`check_env`] gives for one of discovery's problems: the doctor's id and fixes
/// for those it knows (`gocache-off`, `gocache-relative`, `gocache-undefined`,
/// `gomodcache-relative`), else the problem itself (its id, message as explanation, no fixes).
pub fn problem_finding(report: &Report, p: &Problem) -> Finding {
    problem_finding_in(report, p, Lang::En)
}

/// [`problem_finding`] with the explanation in `lang` (problems the doctor does not know keep
/// discovery's English message).
pub fn problem_finding_in(report: &Report, p: &Problem, lang: Lang) -> Finding {
    let ctx = Context::from_report(report).with_lang(lang);
    let value = p
        .var_name
        .as_deref()
        .and_then(|v| report.vars.get(v))
        .map(|v| v.value.clone());
    let mapped = match p.id.as_str() {
        "gocache-off" => Some(("gocache-off", Some("off"))),
        "gocache-relative" => Some(("gocache-off", Some("relative"))),
        "gocache-undefined" => Some(("gocache-off", Some("undefined"))),
        "gomodcache-relative" => Some(("gomodcache-not-absolute", None)),
        _ => None,
    };
    match mapped {
        Some((id, variant)) => {
            let raw = if p.id == "gocache-relative" {
                // Discovery reports the effective value (`off`); the message has the raw one.
                p.message.split('"').nth(1).map(str::to_owned).or(value)
            } else {
                value
            };
            let mut v = BTreeMap::new();
            if let Some(r) = &raw {
                v.insert("value", r.clone());
            }
            env_finding(id, variant, raw, v, &ctx)
        }
        None => Finding {
            id: p.id.clone(),
            variant: None,
            severity: p.severity,
            module: None,
            version: None,
            path: None,
            explanation: p.message.clone(),
            fixes: Vec::new(),
        },
    }
}

fn disk_checks(report: &Report, opts: &EnvChecks, ctx: &Context, out: &mut Vec<Finding>) {
    for (kind, var, default_name) in [
        (CacheKind::Modcache, "GOMODCACHE", "go-mod"),
        (CacheKind::Build, "GOCACHE", "go-build"),
    ] {
        let Some(c) = report.cache(kind) else {
            continue;
        };
        let Some(info) = fs_of(&c.path) else { continue };
        let id = match info.class {
            FsClass::Network => "cache-on-network-fs",
            FsClass::Removable => "cache-on-removable",
            FsClass::Local => continue,
        };
        let p = c.path.display().to_string();
        let m: BTreeMap<&'static str, String> = [
            ("cache", cache_words(kind, ctx.lang)),
            ("path", p.clone()),
            ("fstype", info.fstype.clone()),
            ("var", var.to_owned()),
            ("default_name", default_name.to_owned()),
        ]
        .into_iter()
        .collect();
        out.push(env_finding(id, None, Some(p), m, ctx));
    }

    let Some(mc) = report.cache(CacheKind::Modcache).filter(|c| c.exists) else {
        return;
    };
    // Ownership: the root and two levels below it.
    if let Some(other) = foreign_entry(&mc.path, 2) {
        let mut m = BTreeMap::new();
        m.insert("path", mc.path.display().to_string());
        // Unix only: Windows has no numeric owners (`owner_uid` is `None` there).
        if let Some(uid) = Host::owner_uid(&other) {
            let name = Host::user_name(uid).unwrap_or_else(|| format!("uid {uid}"));
            m.insert("owner", name);
        }
        out.push(env_finding(
            "modcache-other-owner",
            None,
            Some(other.display().to_string()),
            m,
            ctx,
        ));
    }
    // Writable module files (Go extracts them 0444).
    let (sampled, writable, first) = sample_writable(&mc.path, opts.sample_files);
    if writable > 0 {
        let m: BTreeMap<&'static str, String> = [
            ("count", writable.to_string()),
            ("sampled", sampled.to_string()),
            (
                "path",
                first
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
            ),
        ]
        .into_iter()
        .collect();
        out.push(env_finding(
            "modcache-writable",
            None,
            first.map(|p| p.display().to_string()),
            m,
            ctx,
        ));
    }
}

/// Where a setting came from, in `lang` ([`source_label`] in English).
fn source_words(s: Source, lang: Lang) -> &'static str {
    let zh = match s {
        Source::Env => "环境变量",
        Source::GoEnvFile => "go env -w 配置文件",
        Source::GoRootEnv => "$GOROOT/go.env",
        Source::Default => "Go 的默认值",
        Source::LoginShell => "你的登录 shell",
    };
    lang.pick(source_label(s), zh)
}

/// The name of a cache inside a sentence.
fn cache_words(kind: CacheKind, lang: Lang) -> String {
    match lang {
        Lang::En => kind.title().to_lowercase(),
        Lang::ZhHans => match kind {
            CacheKind::Modcache => "模块缓存",
            CacheKind::Build => "构建缓存",
            CacheKind::Toolchains => "已下载的工具链",
            CacheKind::Gopls => "gopls 缓存",
            CacheKind::GoplsIndex => "gopls 模块索引",
            CacheKind::GolangciLint => "golangci-lint 缓存",
            CacheKind::Staticcheck => "staticcheck 缓存",
            CacheKind::Telemetry => "Go 遥测数据",
            CacheKind::Gobin => "已安装的程序（GOBIN）",
        }
        .to_owned(),
    }
}

/// The first entry at most `depth` levels below `root` (root included) owned by another user.
fn foreign_entry(root: &Path, depth: usize) -> Option<PathBuf> {
    if owner::owned_by_other(root) == Some(true) {
        return Some(root.to_path_buf());
    }
    if depth == 0 {
        return None;
    }
    let rd = std::fs::read_dir(root).ok()?;
    for e in rd.flatten() {
        let p = e.path();
        if e.file_type().is_ok_and(|t| t.is_dir()) {
            if let Some(f) = foreign_entry(&p, depth - 1) {
                return Some(f);
            }
        } else if owner::owned_by_other(&p) == Some(true) {
            return Some(p);
        }
    }
    None
}

/// Samples files of extracted module trees (not `cache/`): (sampled, writable, first writable).
fn sample_writable(root: &Path, limit: usize) -> (usize, usize, Option<PathBuf>) {
    let mut sampled = 0;
    let mut writable = 0;
    let mut first = None;
    let mut stack: Vec<PathBuf> = std::fs::read_dir(root)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n != "cache"))
                .collect()
        })
        .unwrap_or_default();
    while let Some(p) = stack.pop() {
        if sampled >= limit {
            break;
        }
        let Ok(md) = std::fs::symlink_metadata(&p) else {
            continue;
        };
        if md.is_dir() {
            if let Ok(rd) = std::fs::read_dir(&p) {
                stack.extend(rd.flatten().map(|e| e.path()));
            }
        } else if md.is_file() {
            let inside_version = p.strip_prefix(root).ok().is_some_and(|r| {
                r.components()
                    .any(|c| c.as_os_str().to_string_lossy().contains('@'))
            });
            if !inside_version {
                continue;
            }
            sampled += 1;
            if !md.permissions().readonly() {
                writable += 1;
                if first.is_none() {
                    first = Some(p);
                }
            }
        }
    }
    (sampled, writable, first)
}

/// Whether a GOPRIVATE-style pattern matches public modules: `*`, a bare top-level domain
/// (`com`, `*.com`), or a whole public code host (`github.com`).
pub(crate) fn too_broad(p: &str) -> bool {
    let p = p.trim().trim_end_matches('/');
    if p.is_empty() {
        return false;
    }
    if p == "*" || p.chars().all(|c| c == '*' || c == '.' || c == '/') {
        return true;
    }
    let first = p.split('/').next().unwrap_or(p);
    let single = !p.contains('/');
    if single && !first.trim_start_matches("*.").contains('.') {
        return true; // "com", "*.com", "io"
    }
    single && PUBLIC_HOSTS.contains(&first)
}

/// Go's `module.MatchPrefixPatterns` for one pattern: the pattern's path elements glob-match
/// the module path's leading elements.
pub(crate) fn glob_prefix_match(pattern: &str, module: &str) -> bool {
    let pattern = pattern.trim_end_matches('/');
    if pattern.is_empty() {
        return false;
    }
    let pe: Vec<&str> = pattern.split('/').collect();
    let me: Vec<&str> = module.split('/').collect();
    if me.len() < pe.len() {
        return false;
    }
    pe.iter()
        .zip(&me)
        .all(|(p, m)| glob(p.as_bytes(), m.as_bytes()))
}

/// `path.Match` for one element: `*` any run, `?` one byte.
fn glob(p: &[u8], s: &[u8]) -> bool {
    match (p.first(), s.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            let rest = p.get(1..).unwrap_or_default();
            (0..=s.len()).any(|i| glob(rest, s.get(i..).unwrap_or_default()))
        }
        (Some(b'?'), Some(_)) => glob(
            p.get(1..).unwrap_or_default(),
            s.get(1..).unwrap_or_default(),
        ),
        (Some(a), Some(b)) if a == b => glob(
            p.get(1..).unwrap_or_default(),
            s.get(1..).unwrap_or_default(),
        ),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn broad_patterns() {
        for p in ["*", "com", "*.com", "github.com", "io", "golang.org"] {
            assert!(too_broad(p), "{p}");
        }
        for p in [
            "github.com/acme",
            "git.corp.example",
            "*.corp.example",
            "gitlab.com/team/*",
        ] {
            assert!(!too_broad(p), "{p}");
        }
    }

    #[test]
    fn prefix_globs() {
        assert!(glob_prefix_match("github.com/acme", "github.com/acme/x/y"));
        assert!(glob_prefix_match("*.corp.example", "git.corp.example/a"));
        assert!(!glob_prefix_match("github.com/acme", "github.com/acmex/y"));
        assert!(!glob_prefix_match("github.com/acme/x", "github.com/acme"));
        assert!(glob_prefix_match("*", "anything/at/all"));
    }
}
