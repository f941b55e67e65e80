//! From raw [`Hold`]s to [`Holder`]s: one per process, with the paths it holds grouped by cache
//! and module version, its classification and advice; plus the clean engine's
//! [`HolderLookup`] hook.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use super::classify::{Category, advice, classify};
use super::{Hold, HoldKind, LockProbe, ProbeResult, ProcessInfo, system_probe};
use crate::CancelToken;
use crate::clean::HolderLookup;
use crate::discover::{CacheKind, Report};
use crate::escape::unescape;
use crate::os::host::{Host, System as _};

/// One path a process holds.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct HeldPath {
    /// The cache it is in (the innermost one: toolchains inside the module cache).
    pub cache: Option<CacheKind>,
    /// For the module cache: `module@version` (unescaped, e.g.
    /// `github.com/BurntSushi/toml@v1.2.0`), or just the module path for `@v/list`.
    pub module: Option<String>,
    /// The path.
    pub path: PathBuf,
    /// How it is held.
    pub kind: HoldKind,
}

/// A process holding files in the caches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Holder {
    /// Process id.
    pub pid: u32,
    /// When the process started, an opaque number in the OS' own unit (Linux: clock ticks
    /// after boot, `/proc/PID/stat` field 22; macOS and Windows: microseconds since the Unix
    /// epoch). Pass it back with the pid to [`super::end_process`] ([`super::ProcessIdentity`]);
    /// `None` when it could not be read.
    pub start_time: Option<u64>,
    /// Short process name.
    pub name: String,
    /// Executable path, when readable.
    pub exe: Option<PathBuf>,
    /// User name, when known.
    pub user: Option<String>,
    /// Numeric user id (Unix).
    pub uid: Option<u32>,
    /// Whether it runs as the user running Go Cache Doctor (ending it needs no elevation).
    pub is_current_user: Option<bool>,
    /// Every way it holds something, sorted.
    pub kinds: Vec<HoldKind>,
    /// The caches it holds files in, sorted.
    pub caches: Vec<CacheKind>,
    /// The module versions (`module@version`) it holds files of, sorted.
    pub modules: Vec<String>,
    /// The paths held, sorted by cache, module, path.
    pub paths: Vec<HeldPath>,
    /// The Go tool it is (`go`, `gopls`, `compile`, `dlv`, `golangci-lint`, ...), if any.
    pub tool: Option<String>,
    /// Go tool, IDE, antivirus or other.
    pub category: Category,
    /// A friendly application name (Windows Restart Manager's, or a known product's).
    pub app_name: Option<String>,
    /// What to do about it.
    pub advice: String,
    /// Its command line, when readable.
    pub cmdline: Vec<String>,
}

/// How many processes hold files in one cache (the badge on a cache card).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CacheHolders {
    /// The cache.
    pub kind: Option<CacheKind>,
    /// Its root.
    pub path: PathBuf,
    /// Distinct processes holding something in it.
    pub holders: usize,
}

/// Everything found under a set of roots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LocksReport {
    /// The holders, Go tools first, then by name and pid.
    pub holders: Vec<Holder>,
    /// Per root: how many holders.
    pub caches: Vec<CacheHolders>,
    /// Processes that could not be inspected (other users', without privileges).
    pub inaccessible: usize,
    /// Non-fatal problems from the probe.
    pub warnings: Vec<String>,
    /// The probe used (`procfs`, `libproc`, ...).
    pub probe: String,
    /// How long the probe took.
    pub elapsed_ms: u64,
}

/// `module@version` of a path relative to the module cache root: an extracted
/// `<escaped path>@<escaped version>/...` directory, or `cache/download/<escaped path>/@v/<v>.<ext>`
/// (`@v/list` gives the module path alone). `None` elsewhere (`cache/vcs`, sumdb, ...).
pub fn module_of(rel: &Path) -> Option<String> {
    let comps: Vec<&str> = rel
        .components()
        .map(|c| match c {
            Component::Normal(s) => s.to_str(),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    if comps.first() == Some(&"cache") {
        if comps.get(1) != Some(&"download") {
            return None;
        }
        let at = comps.iter().position(|c| *c == "@v")?;
        if at < 3 {
            return None;
        }
        let module = unescape(&comps[2..at].join("/")).ok()?;
        let Some(file) = comps.get(at + 1) else {
            return Some(module);
        };
        if *file == "list" || *file == "list.lock" {
            return Some(module);
        }
        let version = [".ziphash", ".partial", ".lock", ".info", ".mod", ".zip"]
            .iter()
            .find_map(|ext| file.strip_suffix(ext))?;
        let version = unescape(version).ok()?;
        return Some(format!("{module}@{version}"));
    }
    let at = comps.iter().position(|c| c.contains('@'))?;
    let (last, version) = comps[at].split_once('@')?;
    let mut parts: Vec<&str> = comps[..at].to_vec();
    parts.push(last);
    let module = unescape(&parts.join("/")).ok()?;
    let version = unescape(version).ok()?;
    Some(format!("{module}@{version}"))
}

/// The caches of `report` that exist, as `(kind, root)` pairs.
pub fn cache_roots(report: &Report) -> Vec<(Option<CacheKind>, PathBuf)> {
    report
        .caches
        .iter()
        .filter(|c| c.exists)
        .map(|c| (Some(c.kind), c.path.clone()))
        .collect()
}

/// `roots` without those inside another one (the probe matches prefixes).
fn outermost(roots: &[PathBuf]) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = roots.to_vec();
    v.sort();
    v.dedup();
    let mut out: Vec<PathBuf> = Vec::new();
    for r in v {
        if !out.iter().any(|o| r.starts_with(o)) {
            out.push(r);
        }
    }
    out
}

/// Whether `path` belongs to the cache `kind` rooted at `root`. Under the toolchains root
/// (`<GOMODCACHE>/golang.org`) only what is inside a toolchain (`golang.org/toolchain@<version>`)
/// does: that directory also holds every other `golang.org/...` module
/// (`golang.org/x/mod@v0.20.0`), which belongs to the module cache.
fn under_root(path: &Path, kind: Option<CacheKind>, root: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return false;
    };
    kind != Some(CacheKind::Toolchains)
        || rel
            .components()
            .next()
            .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("toolchain@"))
}

/// Groups a probe's raw result per process, attributes each path to the innermost of
/// `roots` (a `golang.org/...` module that is not a toolchain to the module cache, not to the
/// toolchains root it also lies under), classifies each process and writes its advice.
pub fn group(
    result: ProbeResult,
    roots: &[(Option<CacheKind>, PathBuf)],
    probe_name: &str,
    elapsed_ms: u64,
) -> LocksReport {
    let me = Host::effective_uid();
    let infos: HashMap<u32, ProcessInfo> = result.processes.into_iter().collect();
    let mut by_pid: BTreeMap<u32, BTreeSet<HeldPath>> = BTreeMap::new();
    for Hold { pid, path, kind } in result.holds {
        let root = roots
            .iter()
            .filter(|(k, r)| under_root(&path, *k, r))
            .max_by_key(|(_, r)| r.components().count());
        let cache = root.and_then(|(k, _)| *k);
        let module = root.and_then(|(k, r)| {
            let base = match k {
                Some(CacheKind::Modcache) => r.as_path(),
                Some(CacheKind::Toolchains) => r.parent()?,
                _ => return None,
            };
            module_of(path.strip_prefix(base).ok()?)
        });
        by_pid.entry(pid).or_default().insert(HeldPath {
            cache,
            module,
            path,
            kind,
        });
    }
    let mut holders: Vec<Holder> = by_pid
        .into_iter()
        .map(|(pid, paths)| {
            let info = infos.get(&pid).cloned().unwrap_or_default();
            let kinds: Vec<HoldKind> = paths
                .iter()
                .map(|p| p.kind)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let caches: Vec<CacheKind> = paths
                .iter()
                .filter_map(|p| p.cache)
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let modules: Vec<String> = paths
                .iter()
                .filter_map(|p| p.module.clone())
                .collect::<BTreeSet<_>>()
                .into_iter()
                .collect();
            let c = classify(&info.name, info.exe.as_deref(), &info.cmdline);
            Holder {
                pid,
                start_time: info.start_time,
                name: info.name,
                exe: info.exe,
                user: info.user,
                uid: info.uid,
                is_current_user: match (info.uid, me) {
                    (Some(u), Some(me)) => Some(u == me),
                    _ => None,
                },
                advice: advice(&c, &kinds, &caches),
                kinds,
                caches,
                modules,
                paths: paths.into_iter().collect(),
                tool: c.tool.map(str::to_owned),
                category: c.category,
                app_name: info.app_name.or(c.app_name.map(str::to_owned)),
                cmdline: info.cmdline,
            }
        })
        .collect();
    holders.sort_by(|a, b| {
        let rank = |h: &Holder| match h.category {
            Category::GoTool => 0,
            Category::Ide => 1,
            Category::Antivirus => 2,
            Category::Other => 3,
        };
        (rank(a), &a.name, a.pid).cmp(&(rank(b), &b.name, b.pid))
    });
    let caches = roots
        .iter()
        .map(|(kind, path)| CacheHolders {
            kind: *kind,
            path: path.clone(),
            holders: holders
                .iter()
                .filter(|h| h.paths.iter().any(|p| under_root(&p.path, *kind, path)))
                .count(),
        })
        .collect();
    LocksReport {
        holders,
        caches,
        inaccessible: result.inaccessible,
        warnings: result.warnings,
        probe: probe_name.to_owned(),
        elapsed_ms,
    }
}

/// Every process holding something under `roots` (each with the cache it is, when known).
///
/// # Errors
/// [`crate::Error::Cancelled`], or the probe's own failure (the OS facility is unavailable).
pub fn find_holders(
    roots: &[(Option<CacheKind>, PathBuf)],
    probe: &dyn LockProbe,
    cancel: &CancelToken,
) -> crate::Result<LocksReport> {
    let start = Instant::now();
    let paths: Vec<PathBuf> = roots.iter().map(|(_, p)| p.clone()).collect();
    if paths.is_empty() {
        cancel.check()?;
        return Ok(LocksReport {
            probe: probe.name().to_owned(),
            ..LocksReport::default()
        });
    }
    let result = probe.probe(&outermost(&paths), cancel)?;
    Ok(group(result, roots, probe.name(), elapsed(start)))
}

/// [`find_holders`] over every existing cache of a discovery report.
///
/// # Errors
/// As [`find_holders`].
pub fn find_holders_in(
    report: &Report,
    probe: &dyn LockProbe,
    cancel: &CancelToken,
) -> crate::Result<LocksReport> {
    find_holders(&cache_roots(report), probe, cancel)
}

/// The holders of `targets` (paths inside the caches of `report`, e.g. a clean plan's items):
/// one probe of the targets (or, for many targets, of their caches), then only the paths at or
/// under a target are kept.
///
/// # Errors
/// As [`find_holders`].
pub fn find_holders_of(
    targets: &[PathBuf],
    report: &Report,
    probe: &dyn LockProbe,
    cancel: &CancelToken,
) -> crate::Result<LocksReport> {
    let start = Instant::now();
    let caches = cache_roots(report);
    let wanted: BTreeSet<&Path> = targets.iter().map(PathBuf::as_path).collect();
    let probe_roots = if targets.len() <= 64 {
        outermost(targets)
    } else {
        let containing: Vec<PathBuf> = caches
            .iter()
            .filter(|(_, r)| targets.iter().any(|t| t.starts_with(r)))
            .map(|(_, r)| r.clone())
            .collect();
        outermost(&containing)
    };
    if probe_roots.is_empty() {
        return Ok(LocksReport {
            probe: probe.name().to_owned(),
            ..LocksReport::default()
        });
    }
    let mut result = probe.probe(&probe_roots, cancel)?;
    result
        .holds
        .retain(|h| h.path.ancestors().any(|a| wanted.contains(a)));
    let mut roots = caches;
    if roots.is_empty() {
        roots = probe_roots.into_iter().map(|p| (None, p)).collect();
    }
    Ok(group(result, &roots, probe.name(), elapsed(start)))
}

/// The holders of what `plan` would remove ([`crate::clean::Plan::touched_paths`]): the clean
/// dialog's and the CLI's warning, scoped to the plan (a process holding another module's
/// files is not named).
///
/// # Errors
/// As [`find_holders`].
pub fn find_holders_of_plan(
    plan: &crate::clean::Plan,
    report: &Report,
    probe: &dyn LockProbe,
    cancel: &CancelToken,
) -> crate::Result<LocksReport> {
    find_holders_of(&plan.touched_paths(), report, probe, cancel)
}

fn elapsed(start: Instant) -> u64 {
    u64::try_from(start.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// One line naming a holder: `go (pid 4242, user alice): flock, open-file`.
pub fn describe(h: &Holder) -> String {
    let kinds: Vec<&str> = h.kinds.iter().map(|k| k.as_str()).collect();
    let who = match (&h.tool, &h.app_name) {
        (Some(t), _) if *t != h.name => format!("{} [{t}]", h.name),
        (None, Some(app)) if !app.eq_ignore_ascii_case(&h.name) => format!("{} [{app}]", h.name),
        _ => h.name.clone(),
    };
    let user = h
        .user
        .clone()
        .or_else(|| h.uid.map(|u| format!("uid {u}")))
        .map(|u| format!(", user {u}"))
        .unwrap_or_default();
    format!("{who} (pid {}{user}): {}", h.pid, kinds.join(", "))
}

/// A [`HolderLookup`] for the clean engine over `probe`: probes the failing path when asked
/// and names its holders (lock holders first), or `None` when nobody holds it.
pub fn holder_lookup_with(probe: Arc<dyn LockProbe + Send + Sync>) -> HolderLookup {
    Arc::new(move |path: &Path| {
        let roots = [(None, path.to_path_buf())];
        let report = find_holders(&roots, probe.as_ref(), &CancelToken::new()).ok()?;
        let mut holders = report.holders;
        holders.sort_by_key(|h| !h.kinds.contains(&HoldKind::Flock));
        let names: Vec<String> = holders.iter().map(describe).collect();
        (!names.is_empty()).then(|| names.join("; "))
    })
}

/// [`holder_lookup_with`] over this OS' [`system_probe`].
pub fn holder_lookup() -> HolderLookup {
    holder_lookup_with(Arc::from(system_probe()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn module_of_extracted_download_and_toolchain_paths() {
        let m = |s: &str| module_of(Path::new(s));
        assert_eq!(
            m("github.com/!burnt!sushi/toml@v1.2.0/decode.go").as_deref(),
            Some("github.com/BurntSushi/toml@v1.2.0")
        );
        assert_eq!(
            m("github.com/!burnt!sushi/toml@v1.2.0").as_deref(),
            Some("github.com/BurntSushi/toml@v1.2.0")
        );
        assert_eq!(
            m("cache/download/github.com/!burnt!sushi/toml/@v/v1.2.0.lock").as_deref(),
            Some("github.com/BurntSushi/toml@v1.2.0")
        );
        assert_eq!(
            m("cache/download/example.com/a/@v/v0.0.0-2024!x.ziphash").as_deref(),
            Some("example.com/a@v0.0.0-2024X")
        );
        assert_eq!(
            m("cache/download/example.com/a/@v/list").as_deref(),
            Some("example.com/a")
        );
        assert_eq!(
            m("golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64/bin/go").as_deref(),
            Some("golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64")
        );
        assert_eq!(m("cache/vcs/abc/HEAD"), None);
        assert_eq!(m("cache/download/sumdb/sum.golang.org/lookup/x"), None);
        assert_eq!(m("README"), None);
        assert_eq!(m("bad/!!x@v1"), None);
    }

    fn hold(pid: u32, path: &str, kind: HoldKind) -> Hold {
        Hold {
            pid,
            path: PathBuf::from(path),
            kind,
        }
    }

    #[test]
    fn grouping_per_process_with_caches_modules_and_classification() {
        let info = |name: &str, exe: &str| ProcessInfo {
            name: name.into(),
            exe: Some(PathBuf::from(exe)),
            uid: Some(1000),
            user: Some("u".into()),
            app_name: None,
            cmdline: vec![exe.into()],
            start_time: Some(42),
        };
        let result = ProbeResult {
            holds: vec![
                hold(
                    7,
                    "/m/cache/download/x.org/a/@v/v1.0.0.lock",
                    HoldKind::Flock,
                ),
                hold(
                    7,
                    "/m/cache/download/x.org/a/@v/v1.0.0.lock",
                    HoldKind::OpenFile,
                ),
                hold(
                    7,
                    "/m/cache/download/x.org/a/@v/v1.0.0.lock",
                    HoldKind::OpenFile,
                ),
                hold(9, "/b/00/abc-d", HoldKind::Mmap),
                hold(
                    9,
                    "/m/golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64/bin/go",
                    HoldKind::Exe,
                ),
                hold(3, "/m/x.org/!a@v1.0.0", HoldKind::Cwd),
                // Under the toolchains root, but a module, not a toolchain.
                hold(3, "/m/golang.org/x/mod@v0.20.0/go.mod", HoldKind::OpenFile),
            ],
            processes: vec![
                (7, info("go", "/usr/lib/go/bin/go")),
                (
                    9,
                    info(
                        "go",
                        "/m/golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64/bin/go",
                    ),
                ),
                (3, info("bash", "/usr/bin/bash")),
            ],
            inaccessible: 2,
            warnings: vec![],
        };
        let roots = vec![
            (Some(CacheKind::Modcache), PathBuf::from("/m")),
            (Some(CacheKind::Toolchains), PathBuf::from("/m/golang.org")),
            (Some(CacheKind::Build), PathBuf::from("/b")),
        ];
        let r = group(result, &roots, "test", 1);
        assert_eq!(r.inaccessible, 2);
        let pids: Vec<u32> = r.holders.iter().map(|h| h.pid).collect();
        assert_eq!(pids, vec![7, 9, 3], "go tools first, then by name and pid");
        let go = &r.holders[0];
        assert_eq!(go.kinds, vec![HoldKind::OpenFile, HoldKind::Flock]);
        assert_eq!(go.paths.len(), 2, "duplicate holds merge");
        assert_eq!(go.modules, vec!["x.org/a@v1.0.0".to_owned()]);
        assert_eq!(go.tool.as_deref(), Some("go"));
        assert_eq!(
            go.start_time,
            Some(42),
            "the start time is carried to the holder"
        );
        assert!(go.advice.contains("lock"));
        let tc = &r.holders[1];
        assert_eq!(tc.caches, vec![CacheKind::Toolchains, CacheKind::Build]);
        assert_eq!(
            tc.modules,
            vec!["golang.org/toolchain@v0.0.1-go1.22.0.linux-amd64".to_owned()]
        );
        let sh = &r.holders[2];
        assert_eq!(
            sh.modules,
            vec![
                "golang.org/x/mod@v0.20.0".to_owned(),
                "x.org/A@v1.0.0".to_owned()
            ]
        );
        assert_eq!(sh.caches, vec![CacheKind::Modcache], "{sh:?}");
        assert_eq!(sh.category, Category::Other);
        let counts: Vec<usize> = r.caches.iter().map(|c| c.holders).collect();
        assert_eq!(counts, vec![3, 1, 1]);
        assert_eq!(
            describe(go),
            "go (pid 7, user u): open-file, flock",
            "kinds in declaration order"
        );
    }

    #[test]
    fn outermost_drops_nested_roots() {
        let r = outermost(&[
            PathBuf::from("/m/golang.org"),
            PathBuf::from("/m"),
            PathBuf::from("/b"),
            PathBuf::from("/m"),
        ]);
        assert_eq!(r, vec![PathBuf::from("/b"), PathBuf::from("/m")]);
    }
}
