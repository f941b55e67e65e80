//! Which module versions Go projects still use (issue #3 §1, "unused" cleaning), and the
//! selection helpers of the module view ("select unused", "older than N days", "keep the
//! latest N").
//!
//! * [`used_versions`] finds every project under the roots the user chose ([`find_projects`])
//!   and returns the [`UsedSet`]: the union, over projects, of `go.mod` requirements and
//!   module replacements, every `path version` of `go.sum` / `go.work.sum`, the modules of
//!   `vendor/modules.txt`, the toolchains named by `toolchain`/`go` directives and, when a
//!   `go` binary is given, the build list of `go list -m -json all` (run so that it never
//!   downloads and never writes the project's files). A project where `go list` fails falls
//!   back to its files and gets a [`Warning`].
//! * [`unused`], [`go_mod_only`], [`older_than`] and [`keep_latest`] turn scan rows
//!   ([`crate::scan::ModuleRow`]) into a [`Selection`] the clean engine consumes.
//! * The parsers: [`parse_gomod`], [`parse_gowork`], [`parse_gosum`], [`parse_modules_txt`];
//!   and Go's version order in [`semver`].
//!
//! A `<version>/go.mod` line of `go.sum` means only the module's `go.mod` is needed (the
//! `.mod` and `.info` download files, for the module graph), not its zip or extracted tree:
//! [`Need::GoMod`] versus [`Need::Full`]. [`unused`] never selects a version with any need;
//! [`go_mod_only`] selects the trees of versions that only need their `go.mod`, with
//! [`ModuleVersionRef::keep_mod_files`] set.
//!
//! A file that cannot be parsed makes [`used_versions`] fail ([`ProjectError::Parse`], with
//! the path and line): guessing would risk removing what a project needs.

mod find;
pub(crate) mod golist;
mod gosum;
mod modfile;
mod select;
pub mod semver;
mod vendor;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Serialize;

use crate::CancelToken;
use crate::env::EnvMap;

pub use find::{Found, find_projects};
pub use gosum::{SumLine, parse_gosum};
pub use modfile::{
    GoMod, GoWork, ModVer, Replace, ReplaceTarget, Require, is_directory_path, parse_gomod,
    parse_gowork,
};
pub use select::{ModuleVersionRef, Selection, go_mod_only, keep_latest, older_than, unused};
pub use vendor::{VendoredModule, parse_modules_txt};

/// The module path Go downloads toolchains as.
pub const TOOLCHAIN_MODULE: &str = "golang.org/toolchain";

/// The module Go's telemetry downloads its upload configuration as (`go telemetry on`, and
/// gopls): the go command's own, never a project's.
pub const TELEMETRY_CONFIG_MODULE: &str = "golang.org/x/telemetry/config";

/// Whether the module at `path` is one the go command downloads for itself (toolchains, the
/// telemetry configuration): no project ever names it, so it is never "unused by projects".
pub fn is_gos_own(path: &str) -> bool {
    path == TOOLCHAIN_MODULE || path == TELEMETRY_CONFIG_MODULE
}

/// A syntax error in a project file, before the path is attached.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// Why [`used_versions`] or [`find_projects`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ProjectError {
    /// A project file is malformed.
    #[error("{}:{line}: {message}", path.display())]
    Parse {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A project file exists but cannot be read.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A root is missing or not a directory.
    #[error("{}: {reason}", path.display())]
    BadRoot {
        /// The root as given.
        path: PathBuf,
        /// Why it was rejected.
        reason: String,
    },
    /// Cancelled through the [`CancelToken`].
    #[error("cancelled")]
    Cancelled,
}

impl ProjectError {
    /// A short machine-readable code (`Parse`, `Io`, `BadRoot`, `Cancelled`).
    pub fn code(&self) -> crate::ErrorCode {
        match self {
            Self::Parse { .. } => crate::ErrorCode::Parse,
            Self::Io { .. } => crate::ErrorCode::Io,
            Self::BadRoot { .. } => crate::ErrorCode::BadRoot,
            Self::Cancelled => crate::ErrorCode::Cancelled,
        }
    }
}

/// What of a module version a project needs. Ordered: `GoMod < Full`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Need {
    /// Only its `go.mod` (`cache/download/<path>/@v/<version>.mod` and `.info`).
    GoMod,
    /// Its source: the extracted tree, the zip and every download file.
    Full,
}

/// Where a use was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Via {
    /// A `require` or module `replace` of `go.mod`.
    GoMod,
    /// A line of `go.sum` or `go.work.sum`.
    GoSum,
    /// A module `replace` of `go.work`.
    GoWork,
    /// `vendor/modules.txt`.
    Vendor,
    /// `go list -m -json all`.
    GoList,
    /// A `toolchain` or `go` directive (module [`TOOLCHAIN_MODULE`]).
    Toolchain,
    /// The `GOTOOLCHAIN` environment variable.
    Env,
}

/// One reason a version is used.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Source {
    /// The project (module or workspace directory); empty for [`Via::Env`].
    pub project: PathBuf,
    /// How.
    pub via: Via,
}

/// How one module version is used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Usage {
    /// The strongest need over all sources.
    pub need: Need,
    /// Every project and file that uses it.
    pub sources: BTreeSet<Source>,
}

/// A discovered project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProjectInfo {
    /// Its directory.
    pub dir: PathBuf,
    /// `true` for a `go.work` workspace, `false` for a `go.mod` module.
    pub workspace: bool,
    /// The `module` path (modules only).
    pub module: Option<String>,
    /// Whether `go list -m -json all` answered: `None` when it was not run.
    pub go_list_ok: Option<bool>,
}

/// Something that did not stop [`used_versions`] but limits what it knows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    /// The directory or file concerned.
    pub path: PathBuf,
    /// What happened.
    pub message: String,
}

/// The module versions used by the projects under some roots.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct UsedSet {
    /// Module path -> version -> usage.
    pub versions: BTreeMap<String, BTreeMap<String, Usage>>,
    /// The projects read.
    pub projects: Vec<ProjectInfo>,
    /// Problems that did not stop the scan (unreadable directories, `go list` failures).
    pub warnings: Vec<Warning>,
}

impl UsedSet {
    /// Records a use; the need only ever grows.
    pub fn insert(&mut self, path: &str, version: &str, need: Need, source: Source) {
        let u = self
            .versions
            .entry(path.to_owned())
            .or_default()
            .entry(version.to_owned())
            .or_insert_with(|| Usage {
                need,
                sources: BTreeSet::new(),
            });
        u.need = u.need.max(need);
        u.sources.insert(source);
    }

    /// The usage of `path@version`, if any project uses it.
    pub fn get(&self, path: &str, version: &str) -> Option<&Usage> {
        self.versions.get(path)?.get(version)
    }

    /// The need of `path@version`, if any project uses it.
    pub fn need(&self, path: &str, version: &str) -> Option<Need> {
        self.get(path, version).map(|u| u.need)
    }

    /// Whether any project uses `path@version` in any way.
    pub fn contains(&self, path: &str, version: &str) -> bool {
        self.get(path, version).is_some()
    }

    /// Every used version as `(path, version, usage)`, sorted by path then string.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str, &Usage)> {
        self.versions
            .iter()
            .flat_map(|(p, vs)| vs.iter().map(move |(v, u)| (p.as_str(), v.as_str(), u)))
    }

    /// Number of used versions.
    pub fn len(&self) -> usize {
        self.versions.values().map(BTreeMap::len).sum()
    }

    /// Whether no version is used.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Settings of [`used_versions`].
#[derive(Debug, Clone)]
pub struct Options {
    /// The `go` binary for `go list -m -json all`; `None` reads the files only.
    pub go: Option<PathBuf>,
    /// The environment `go` runs with (it must point at the user's GOMODCACHE). `GOFLAGS`,
    /// `GOPROXY`, `GOSUMDB`, `GOTOOLCHAIN` and `GOWORK` are overridden. Its `GOMODCACHE` and
    /// `GOPATH` entries are also skipped by the walk, and its `GOTOOLCHAIN` counts as used.
    pub env: EnvMap,
    /// Time limit of one `go list`.
    pub go_timeout: Duration,
    /// More directories the walk never enters (module caches).
    pub skip: Vec<PathBuf>,
    /// GOOS of toolchain module versions (`v0.0.1-go1.22.3.<goos>-<goarch>`).
    pub goos: String,
    /// GOARCH of toolchain module versions.
    pub goarch: String,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            go: None,
            env: EnvMap::default(),
            go_timeout: Duration::from_secs(60),
            skip: vec![],
            goos: host_goos().to_owned(),
            goarch: host_goarch().to_owned(),
        }
    }
}

/// Go's name of the OS this program runs on.
pub fn host_goos() -> &'static str {
    match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    }
}

/// Go's name of the CPU architecture this program runs on.
pub fn host_goarch() -> &'static str {
    match std::env::consts::ARCH {
        "x86_64" => "amd64",
        "aarch64" => "arm64",
        "x86" => "386",
        "powerpc64" if cfg!(target_endian = "little") => "ppc64le",
        "powerpc64" => "ppc64",
        "loongarch64" => "loong64",
        other => other,
    }
}

/// The module cache versions of the toolchain `name` (`go1.22.3`): `v0.0.1-go1.22.3.linux-amd64`.
pub fn toolchain_version(name: &str, goos: &str, goarch: &str) -> String {
    format!("v0.0.1-{name}.{goos}-{goarch}")
}

/// Finds the projects under `roots` and returns the module versions they use.
///
/// # Errors
/// [`ProjectError::BadRoot`] for a missing root, [`ProjectError::Parse`] or
/// [`ProjectError::Io`] for a project file that is malformed or unreadable (a missing
/// `go.sum` or `vendor/modules.txt` is fine), [`ProjectError::Cancelled`].
pub fn used_versions(
    roots: &[PathBuf],
    opts: &Options,
    cancel: &CancelToken,
) -> Result<UsedSet, ProjectError> {
    let mut skip = opts.skip.clone();
    if let Some(m) = opts.env.get("GOMODCACHE").filter(|v| !v.is_empty()) {
        skip.push(PathBuf::from(m));
    }
    if let Some(gp) = opts.env.get("GOPATH") {
        skip.extend(
            std::env::split_paths(gp)
                .filter(|p| !p.as_os_str().is_empty())
                .map(|p| p.join("pkg").join("mod")),
        );
    }
    let found = find_projects(roots, &skip, cancel)?;
    let mut used = UsedSet {
        warnings: found.warnings.clone(),
        ..UsedSet::default()
    };
    if let Some(tc) = opts.env.get("GOTOOLCHAIN") {
        let name = tc.split('+').next().unwrap_or_default();
        if name.starts_with("go1") {
            used.insert(
                TOOLCHAIN_MODULE,
                &toolchain_version(name, &opts.goos, &opts.goarch),
                Need::Full,
                Source {
                    project: PathBuf::new(),
                    via: Via::Env,
                },
            );
        }
    }
    let mut modules: Vec<PathBuf> = found.modules.clone();
    for ws in &found.workspaces {
        cancel.check().map_err(|_| ProjectError::Cancelled)?;
        let uses = read_workspace(ws, opts, &mut used)?;
        for u in uses {
            if !modules.contains(&u) && u.join("go.mod").is_file() {
                modules.push(u);
            }
        }
    }
    for m in &modules {
        cancel.check().map_err(|_| ProjectError::Cancelled)?;
        read_module(m, opts, &mut used)?;
    }
    if let Some(go) = &opts.go {
        use rayon::prelude::*;
        let jobs: Vec<(&PathBuf, bool)> = modules
            .iter()
            .map(|m| (m, false))
            .chain(found.workspaces.iter().map(|w| (w, true)))
            .collect();
        let results: Vec<_> = jobs
            .par_iter()
            .map(|(dir, ws)| {
                let r = if *ws {
                    golist::list_workspace(go, &opts.env, dir, opts.go_timeout, cancel)
                } else {
                    golist::list_module(go, &opts.env, dir, opts.go_timeout, cancel)
                };
                (*dir, *ws, r)
            })
            .collect();
        for (dir, ws, r) in results {
            let ok = match r {
                Ok(listed) => {
                    let src = Source {
                        project: dir.clone(),
                        via: Via::GoList,
                    };
                    for l in listed.iter().filter(|l| !l.main) {
                        if let Some(v) = &l.version {
                            used.insert(&l.path, v, Need::Full, src.clone());
                        }
                        if let Some(r) = &l.replace
                            && let Some(v) = &r.version
                        {
                            used.insert(&r.path, v, Need::Full, src.clone());
                        }
                    }
                    true
                }
                Err(golist::ListError::Cancelled) => return Err(ProjectError::Cancelled),
                Err(golist::ListError::Failed(msg)) => {
                    used.warnings.push(Warning {
                        path: dir.clone(),
                        message: format!("{msg}; using go.mod, go.sum and vendor/modules.txt"),
                    });
                    false
                }
            };
            if let Some(p) = used
                .projects
                .iter_mut()
                .find(|p| p.dir == *dir && p.workspace == ws)
            {
                p.go_list_ok = Some(ok);
            }
        }
    }
    Ok(used)
}

/// Reads a file as UTF-8; `Ok(None)` when it does not exist.
fn read_text(path: &Path) -> Result<Option<String>, ProjectError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(source) => {
            return Err(ProjectError::Io {
                path: path.to_path_buf(),
                source,
            });
        }
    };
    String::from_utf8(bytes).map(Some).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        let line = e.as_bytes()[..at].iter().filter(|&&b| b == b'\n').count() + 1;
        ProjectError::Parse {
            path: path.to_path_buf(),
            line,
            message: "not valid UTF-8".into(),
        }
    })
}

fn with_path<T>(path: &Path, r: Result<T, ParseError>) -> Result<T, ProjectError> {
    r.map_err(|e| ProjectError::Parse {
        path: path.to_path_buf(),
        line: e.line,
        message: e.message,
    })
}

/// Toolchain names a `toolchain` or `go` directive can make Go switch to.
fn toolchain_names(toolchain: Option<&str>, go: Option<&str>) -> Vec<String> {
    let mut names = vec![];
    if let Some(t) = toolchain.filter(|t| t.starts_with("go1")) {
        names.push(t.to_owned());
    }
    if let Some(g) = go {
        let parts: Vec<&str> = g.split('.').collect();
        let minor = parts
            .get(1)
            .and_then(|m| m.split(|c: char| !c.is_ascii_digit()).next())
            .and_then(|m| m.parse::<u32>().ok());
        // Toolchains are modules since Go 1.21.
        if parts.first() == Some(&"1") && minor.is_some_and(|m| m >= 21) {
            names.push(format!("go{g}"));
            if parts.len() == 2 && parts[1].bytes().all(|b| b.is_ascii_digit()) {
                names.push(format!("go{g}.0"));
            }
        }
    }
    names
}

fn add_toolchains(used: &mut UsedSet, dir: &Path, names: &[String], opts: &Options) {
    for n in names {
        used.insert(
            TOOLCHAIN_MODULE,
            &toolchain_version(n, &opts.goos, &opts.goarch),
            Need::Full,
            Source {
                project: dir.to_path_buf(),
                via: Via::Toolchain,
            },
        );
    }
}

fn add_replaces(used: &mut UsedSet, dir: &Path, replaces: &[Replace], via: Via) {
    for r in replaces {
        if let ReplaceTarget::Module { path, version } = &r.new {
            used.insert(
                path,
                version,
                Need::Full,
                Source {
                    project: dir.to_path_buf(),
                    via,
                },
            );
        }
    }
}

fn add_sums(used: &mut UsedSet, dir: &Path, file: &Path) -> Result<(), ProjectError> {
    if let Some(text) = read_text(file)? {
        for l in with_path(file, parse_gosum(&text))? {
            let need = if l.go_mod_only {
                Need::GoMod
            } else {
                Need::Full
            };
            used.insert(
                &l.path,
                &l.version,
                need,
                Source {
                    project: dir.to_path_buf(),
                    via: Via::GoSum,
                },
            );
        }
    }
    Ok(())
}

/// Reads `dir/go.work` and `go.work.sum`; returns the `use` directories (absolute).
fn read_workspace(
    dir: &Path,
    opts: &Options,
    used: &mut UsedSet,
) -> Result<Vec<PathBuf>, ProjectError> {
    let file = dir.join("go.work");
    let Some(text) = read_text(&file)? else {
        return Ok(vec![]);
    };
    let w = with_path(&file, parse_gowork(&text))?;
    add_toolchains(
        used,
        dir,
        &toolchain_names(w.toolchain.as_deref(), w.go.as_deref()),
        opts,
    );
    add_replaces(used, dir, &w.replaces, Via::GoWork);
    add_sums(used, dir, &dir.join("go.work.sum"))?;
    used.projects.push(ProjectInfo {
        dir: dir.to_path_buf(),
        workspace: true,
        module: None,
        go_list_ok: None,
    });
    Ok(w.uses
        .iter()
        .map(|u| {
            let p = dir.join(u);
            find::canonical(&p).unwrap_or(p)
        })
        .collect())
}

/// Reads `dir/go.mod`, `go.sum` and `vendor/modules.txt`.
fn read_module(dir: &Path, opts: &Options, used: &mut UsedSet) -> Result<(), ProjectError> {
    let file = dir.join("go.mod");
    let Some(text) = read_text(&file)? else {
        return Ok(());
    };
    let m = with_path(&file, parse_gomod(&text))?;
    let src = |via| Source {
        project: dir.to_path_buf(),
        via,
    };
    for r in &m.requires {
        used.insert(&r.path, &r.version, Need::Full, src(Via::GoMod));
    }
    add_replaces(used, dir, &m.replaces, Via::GoMod);
    add_toolchains(
        used,
        dir,
        &toolchain_names(m.toolchain.as_deref(), m.go.as_deref()),
        opts,
    );
    add_sums(used, dir, &dir.join("go.sum"))?;
    let vfile = dir.join("vendor").join("modules.txt");
    if let Some(text) = read_text(&vfile)? {
        for v in with_path(&vfile, parse_modules_txt(&text))? {
            if let Some(ver) = &v.version {
                used.insert(&v.path, ver, Need::Full, src(Via::Vendor));
            }
            if let Some((p, ver)) = &v.replacement {
                used.insert(p, ver, Need::Full, src(Via::Vendor));
            }
        }
    }
    used.projects.push(ProjectInfo {
        dir: dir.to_path_buf(),
        workspace: false,
        module: m.module,
        go_list_ok: None,
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(p: &Path, s: impl AsRef<[u8]>) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, s).unwrap();
    }

    #[test]
    fn toolchain_names_from_directives() {
        assert_eq!(
            toolchain_names(Some("go1.22.4"), Some("1.18")),
            ["go1.22.4"]
        );
        assert_eq!(toolchain_names(None, Some("1.22.1")), ["go1.22.1"]);
        assert_eq!(toolchain_names(None, Some("1.21")), ["go1.21", "go1.21.0"]);
        assert_eq!(toolchain_names(None, Some("1.23rc1")), ["go1.23rc1"]);
        assert!(toolchain_names(Some("default"), Some("1.20")).is_empty());
        assert_eq!(
            toolchain_version("go1.22.4", "linux", "amd64"),
            "v0.0.1-go1.22.4.linux-amd64"
        );
    }

    #[test]
    fn union_of_files_without_go() {
        let tmp = tempfile::tempdir().unwrap();
        let r = find::canonical(tmp.path()).unwrap();
        write(
            &r.join("a/go.mod"),
            "module a\ngo 1.22.0\ntoolchain go1.22.4\nrequire (\n\tx.com/x v1.0.0\n\ty.com/y v0.1.0 // indirect\n)\n\
             replace z.com/z => z.com/zfork v2.0.0+incompatible\nreplace w.com/w => ../w\n",
        );
        write(
            &r.join("a/go.sum"),
            "x.com/x v1.0.0 h1:a=\nx.com/x v1.0.0/go.mod h1:b=\nq.com/q v0.9.0/go.mod h1:c=\n",
        );
        write(
            &r.join("a/vendor/modules.txt"),
            "# v.com/v v3.0.0\n## explicit\nv.com/v\n",
        );
        write(&r.join("b/go.mod"), "module b\n\nrequire q.com/q v0.8.0\n");
        write(
            &r.join("go.work"),
            "go 1.22.0\nuse (\n\t./a\n\t./b\n\t../outside\n)\nreplace k.com/k => k.com/k2 v1.1.0\n",
        );
        write(&r.join("go.work.sum"), "s.com/s v1.0.0/go.mod h1:d=\n");
        let opts = Options {
            goos: "linux".into(),
            goarch: "amd64".into(),
            env: EnvMap::from_pairs([("GOTOOLCHAIN", "go1.23.1+auto")]),
            ..Options::default()
        };
        let used = used_versions(std::slice::from_ref(&r), &opts, &CancelToken::new()).unwrap();
        let a = r.join("a");
        assert_eq!(used.need("x.com/x", "v1.0.0"), Some(Need::Full));
        assert_eq!(used.need("y.com/y", "v0.1.0"), Some(Need::Full));
        assert_eq!(used.need("q.com/q", "v0.9.0"), Some(Need::GoMod));
        assert_eq!(used.need("q.com/q", "v0.8.0"), Some(Need::Full));
        assert_eq!(
            used.need("z.com/zfork", "v2.0.0+incompatible"),
            Some(Need::Full)
        );
        assert!(!used.contains("z.com/z", "v2.0.0+incompatible"));
        assert!(used.versions.keys().all(|p| !p.starts_with("w.com")));
        assert_eq!(used.need("v.com/v", "v3.0.0"), Some(Need::Full));
        assert_eq!(used.need("k.com/k2", "v1.1.0"), Some(Need::Full));
        assert_eq!(used.need("s.com/s", "v1.0.0"), Some(Need::GoMod));
        for v in [
            "v0.0.1-go1.22.4.linux-amd64",
            "v0.0.1-go1.22.0.linux-amd64",
            "v0.0.1-go1.23.1.linux-amd64",
        ] {
            assert!(used.contains(TOOLCHAIN_MODULE, v), "{v}");
        }
        let x = used.get("x.com/x", "v1.0.0").unwrap();
        let vias: Vec<Via> = x.sources.iter().map(|s| s.via).collect();
        assert_eq!(vias, [Via::GoMod, Via::GoSum]);
        assert!(x.sources.iter().all(|s| s.project == a));
        assert_eq!(used.projects.len(), 3);
        assert!(used.projects.iter().all(|p| p.go_list_ok.is_none()));
        assert_eq!(used.len(), 11);
    }

    #[test]
    fn malformed_files_fail_with_path_and_line() {
        let tmp = tempfile::tempdir().unwrap();
        let r = find::canonical(tmp.path()).unwrap();
        write(&r.join("m/go.mod"), "module m\n");
        write(&r.join("m/go.sum"), "a v1 h1:x\nbroken line\n");
        let e = used_versions(
            std::slice::from_ref(&r),
            &Options::default(),
            &CancelToken::new(),
        )
        .unwrap_err();
        match e {
            ProjectError::Parse {
                path,
                line,
                message,
            } => {
                assert_eq!(path, r.join("m/go.sum"));
                assert_eq!(line, 2);
                assert!(message.contains("malformed go.sum"));
            }
            other => panic!("{other:?}"),
        }
        write(&r.join("m/go.sum"), "");
        write(&r.join("m/go.mod"), b"module m\n\xff\n");
        let e = used_versions(
            std::slice::from_ref(&r),
            &Options::default(),
            &CancelToken::new(),
        )
        .unwrap_err();
        assert!(matches!(e, ProjectError::Parse { line: 2, .. }), "{e:?}");
        assert_eq!(e.code(), "Parse");
    }

    #[test]
    fn failing_go_list_falls_back_with_a_warning() {
        let tmp = tempfile::tempdir().unwrap();
        let r = find::canonical(tmp.path()).unwrap();
        write(&r.join("m/go.mod"), "module m\nrequire x.com/x v1.0.0\n");
        let opts = Options {
            go: Some(r.join("no-such-go")),
            ..Options::default()
        };
        let used = used_versions(std::slice::from_ref(&r), &opts, &CancelToken::new()).unwrap();
        assert!(used.contains("x.com/x", "v1.0.0"));
        assert_eq!(used.warnings.len(), 1);
        assert_eq!(used.warnings[0].path, r.join("m"));
        assert!(used.warnings[0].message.contains("cannot start"));
        assert_eq!(used.projects[0].go_list_ok, Some(false));
    }
}
