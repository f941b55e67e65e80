//! Discovery: from the resolved Go environment to the list of caches on this machine, plus the
//! problems found on the way (relative paths, `GOCACHE=off`, disagreement with `go env`, ...).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::env::{
    EnvFile, EnvMap, GO_VARS, LOCATION_VARS, Source, TOOL_VARS, Var, Vars, parse_env_file,
};
use crate::gocmd;
use crate::os::{OsKind, OsRules, native_path};

/// The kinds of cache Go Cache Doctor knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum CacheKind {
    /// The module cache (GOMODCACHE): extracted modules, `cache/download`, `cache/vcs`, sumdb.
    Modcache,
    /// Toolchains downloaded as `golang.org/toolchain@*` inside the module cache.
    Toolchains,
    /// The build cache (GOCACHE), including its test-cache and fuzz-cache parts.
    Build,
    /// gopls' file cache.
    Gopls,
    /// gopls' index of the module cache (`os.UserCacheDir()/go/imports`); gopls rebuilds it.
    GoplsIndex,
    /// golangci-lint's cache.
    GolangciLint,
    /// staticcheck's cache.
    Staticcheck,
    /// Go's telemetry data (GOTELEMETRYDIR). Listed with its mode for information, never
    /// offered for cleaning.
    Telemetry,
    /// GOBIN: installed binaries. Listed for information, never offered for cleaning.
    Gobin,
}

impl CacheKind {
    /// Every kind, in discovery order.
    pub const ALL: [CacheKind; 9] = [
        CacheKind::Modcache,
        CacheKind::Toolchains,
        CacheKind::Build,
        CacheKind::Gopls,
        CacheKind::GoplsIndex,
        CacheKind::GolangciLint,
        CacheKind::Staticcheck,
        CacheKind::Telemetry,
        CacheKind::Gobin,
    ];

    /// The kind whose [`CacheKind::as_str`] name is `name`.
    pub fn from_name(name: &str) -> Option<CacheKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == name)
    }

    /// The stable name used in JSON and on the command line (`modcache`, `golangci-lint`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Modcache => "modcache",
            Self::Toolchains => "toolchains",
            Self::Build => "build",
            Self::Gopls => "gopls",
            Self::GoplsIndex => "gopls-index",
            Self::GolangciLint => "golangci-lint",
            Self::Staticcheck => "staticcheck",
            Self::Telemetry => "telemetry",
            Self::Gobin => "gobin",
        }
    }

    /// A human title for the kind ("Module cache", ...).
    pub fn title(self) -> &'static str {
        match self {
            Self::Modcache => "Module cache",
            Self::Toolchains => "Downloaded toolchains",
            Self::Build => "Build cache",
            Self::Gopls => "gopls cache",
            Self::GoplsIndex => "gopls module index",
            Self::GolangciLint => "golangci-lint cache",
            Self::Staticcheck => "staticcheck cache",
            Self::Telemetry => "Go telemetry data",
            Self::Gobin => "Installed binaries (GOBIN)",
        }
    }
}

/// One cache found on this machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Cache {
    /// What kind of cache this is.
    pub kind: CacheKind,
    /// Its root directory (absolute).
    pub path: PathBuf,
    /// The variable that located it (`GOMODCACHE`, `GOCACHE`, `GOPLSCACHE`, ...).
    pub var: String,
    /// Where that variable's value came from.
    pub source: Source,
    /// Whether the directory exists now.
    pub exists: bool,
    /// Whether the app may offer to clean it (false for GOBIN).
    pub cleanable: bool,
    /// The cache this one lives inside (toolchains live in the module cache).
    pub parent: Option<CacheKind>,
}

/// How bad a [`Problem`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Severity {
    /// Go itself will fail (e.g. relative GOMODCACHE).
    Error,
    /// Works, but probably not what the user wants.
    Warning,
    /// Worth knowing.
    Info,
}

/// Something wrong or noteworthy found during discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Problem {
    /// Stable identifier (`gocache-off`, `gomodcache-relative`, `go-env-mismatch`, ...).
    pub id: String,
    /// How bad it is.
    pub severity: Severity,
    /// A sentence for people: what is wrong and what to do.
    pub message: String,
    /// The variable concerned, if any.
    #[serde(rename = "var", skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "ts", ts(optional))]
    pub var_name: Option<String>,
}

/// The `go` binary found on this machine, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct GoInfo {
    /// Path of the `go` binary.
    pub path: PathBuf,
    /// `go env GOVERSION`, e.g. `go1.23.5`.
    pub version: Option<String>,
    /// `go env GOROOT`.
    pub goroot: Option<PathBuf>,
}

/// Everything discovery found: the variables, the caches and the problems.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "EnvReport"))]
pub struct Report {
    /// The OS whose rules were applied.
    pub os: OsKind,
    /// The `go` binary, when one was found.
    pub go: Option<GoInfo>,
    /// Resolved variables, by name.
    pub vars: Vars,
    /// Caches, in a stable order (module cache first).
    pub caches: Vec<Cache>,
    /// Problems, most severe first.
    pub problems: Vec<Problem>,
    /// Go's telemetry settings; `None` when there is no user configuration directory (Go then
    /// keeps telemetry off).
    pub telemetry: Option<Telemetry>,
    /// What the login-shell import did ([`crate::shellenv`]); `None` when the environment was
    /// not built by [`crate::shellenv::import`] (tests, literal environments).
    pub shell_env: Option<crate::shellenv::Report>,
}

impl Report {
    /// The first cache of `kind`, if discovered.
    pub fn cache(&self, kind: CacheKind) -> Option<&Cache> {
        self.caches.iter().find(|c| c.kind == kind)
    }
}

/// Go's telemetry mode, as `go telemetry` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum TelemetryMode {
    /// Counters are written locally and uploaded.
    On,
    /// Counters are written locally, never uploaded (Go's default since 1.23).
    Local,
    /// Nothing is collected.
    Off,
}

impl TelemetryMode {
    /// The mode named `s` (`on`, `local`, `off`). Anything else counts as `local`: Go collects
    /// unless the mode is `off`.
    pub fn parse(s: &str) -> TelemetryMode {
        match s.trim() {
            "on" => Self::On,
            "off" => Self::Off,
            _ => Self::Local,
        }
    }

    /// The name `go telemetry` prints.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::On => "on",
            Self::Local => "local",
            Self::Off => "off",
        }
    }
}

/// Go's telemetry settings (`go env GOTELEMETRY GOTELEMETRYDIR`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Telemetry {
    /// GOTELEMETRYDIR: `os.UserConfigDir()/go/telemetry`, holding `mode`, `local/` (counter
    /// files and reports) and `upload/` (uploaded reports).
    pub dir: PathBuf,
    /// The mode (`go env GOTELEMETRY`).
    pub mode: TelemetryMode,
    /// Whether `go env` reported these values (else they were read from the mode file, as
    /// golang.org/x/telemetry does).
    pub from_go: bool,
}

/// How [`discover`] runs.
#[derive(Debug, Clone)]
pub struct Options {
    /// Also run `go env -json` (when a `go` binary is found) and report disagreements.
    pub run_go: bool,
    /// Time limit for the `go env` probe.
    pub go_timeout: Duration,
    /// When `go` is not on `PATH` or in `GOROOT`, also look in the usual install locations
    /// (desktop apps often start with a minimal `PATH`).
    pub search_install_locations: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            run_go: true,
            go_timeout: Duration::from_secs(15),
            search_install_locations: true,
        }
    }
}

/// Discovers Go's caches for the environment `env`, with the rules of the running OS.
pub fn discover(env: &EnvMap, opts: &Options) -> Report {
    discover_with(env, crate::os::current(), opts)
}

/// Like [`discover`], with explicit OS rules (so every OS's resolution can be tested anywhere).
pub fn discover_with(env: &EnvMap, rules: &dyn OsRules, opts: &Options) -> Report {
    let mut problems = Vec::new();
    let go_bin = gocmd::find_go(env, rules, opts.search_install_locations);
    let goroot_hint = go_bin.as_deref().and_then(gocmd::goroot_of);
    let mut vars = resolve(env, rules, goroot_hint.as_deref(), &mut problems);
    let mut telemetry = resolve_telemetry(env, rules);

    let mut go = None;
    if let Some(bin) = go_bin {
        let mut info = GoInfo {
            path: bin.clone(),
            version: None,
            goroot: None,
        };
        if opts.run_go {
            let mut names: Vec<&str> = GO_VARS.to_vec();
            names.extend(["GOVERSION", "GOTELEMETRY", "GOTELEMETRYDIR"]);
            match gocmd::go_env_json(&bin, env, &names, opts.go_timeout) {
                Ok(reported) => {
                    info.version = reported.get("GOVERSION").cloned();
                    info.goroot = reported.get("GOROOT").map(PathBuf::from);
                    compare_with_go(&mut vars, &reported, &mut problems);
                    telemetry_from_go(&mut telemetry, &reported);
                }
                Err(e) => problems.push(problem(
                    "go-env-failed",
                    Severity::Warning,
                    format!(
                        "Running `go env` failed ({e}). Go Cache Doctor used its own \
                         resolution of Go's rules; check that this Go installation works."
                    ),
                    None,
                )),
            }
        }
        go = Some(info);
    } else {
        problems.push(problem(
            "go-not-found",
            Severity::Info,
            "No `go` command was found on PATH or in GOROOT. Go Cache Doctor applied Go's own \
             rules to find the caches; install Go or add it to PATH to cross-check them."
                .to_owned(),
            None,
        ));
    }

    let mut caches = find_caches(&vars, rules, &mut problems);
    caches.extend(gopls_index(env, rules));
    caches.extend(telemetry.as_ref().and_then(telemetry_cache));
    caches.sort_by_key(|c| CacheKind::ALL.iter().position(|k| *k == c.kind));
    not_utf8_problems(env, &mut caches, &mut problems);
    shell_env_problems(env, &mut problems);
    problems.sort_by_key(|p| p.severity as u8);
    Report {
        os: rules.kind(),
        go,
        vars: std::mem::take(&mut vars),
        caches,
        problems,
        telemetry,
        shell_env: env.login_shell().cloned(),
    }
}

/// gopls' module index, listed when it exists. gopls (golang/tools `internal/modindex`,
/// `index.go`: `IndexDir`) keeps it in `filepath.Join(os.UserCacheDir(), "go", "imports")`,
/// whatever GOPLSCACHE says: `index-name-<format>-<crc64 of GOMODCACHE>` files, each naming
/// the current `index-<format>-<random>` file of one module cache. The variable shown is the
/// one `os.UserCacheDir()` read.
fn gopls_index(env: &EnvMap, rules: &dyn OsRules) -> Option<Cache> {
    let path = gopls_index_dir(env, rules)?;
    if !path.is_dir() {
        return None;
    }
    let var = rules.user_cache_var(env);
    let source = match env.get(var).filter(|v| !v.is_empty()) {
        Some(_) => env.source_of(var),
        None => Source::Default,
    };
    Some(Cache {
        kind: CacheKind::GoplsIndex,
        exists: true,
        path,
        var: var.to_owned(),
        source,
        cleanable: true,
        parent: None,
    })
}

/// Where gopls keeps its module index: `os.UserCacheDir()/go/imports` (none without a user
/// cache directory).
pub fn gopls_index_dir(env: &EnvMap, rules: &dyn OsRules) -> Option<PathBuf> {
    let dir = rules.user_cache_dir(env).ok()?;
    Some(native_path(
        rules,
        &join(&dir.display().to_string(), "go/imports", rules),
    ))
}

/// Go's telemetry settings by golang.org/x/telemetry's rules (`internal/telemetry/dir.go`):
/// the directory is `os.UserConfigDir()/go/telemetry` (none, and telemetry off, without a
/// configuration directory); the mode is the first word of its `mode` file (`off 2024-09-01`),
/// `local` when the file cannot be read.
fn resolve_telemetry(env: &EnvMap, rules: &dyn OsRules) -> Option<Telemetry> {
    let cfg = rules.user_config_dir(env).ok()?;
    let dir = native_path(
        rules,
        &join(&cfg.display().to_string(), "go/telemetry", rules),
    );
    let mode = std::fs::File::open(dir.join("mode"))
        .and_then(|f| {
            let mut buf = String::new();
            std::io::Read::read_to_string(&mut std::io::Read::take(f, 256), &mut buf)?;
            Ok(buf)
        })
        .map_or(TelemetryMode::Local, |text| {
            TelemetryMode::parse(text.split_whitespace().next().unwrap_or_default())
        });
    Some(Telemetry {
        dir,
        mode,
        from_go: false,
    })
}

/// Takes `go env GOTELEMETRY GOTELEMETRYDIR` when Go reports them (Go 1.23 and later; older
/// versions print empty values for names they do not know).
fn telemetry_from_go(t: &mut Option<Telemetry>, reported: &BTreeMap<String, String>) {
    let get = |k: &str| reported.get(k).filter(|v| !v.is_empty());
    let (Some(dir), Some(mode)) = (get("GOTELEMETRYDIR"), get("GOTELEMETRY")) else {
        return;
    };
    *t = Some(Telemetry {
        dir: PathBuf::from(dir),
        mode: TelemetryMode::parse(mode),
        from_go: true,
    });
}

/// The telemetry directory as a cache, listed when it exists; never cleanable.
fn telemetry_cache(t: &Telemetry) -> Option<Cache> {
    t.dir.is_dir().then(|| Cache {
        kind: CacheKind::Telemetry,
        path: t.dir.clone(),
        var: "GOTELEMETRYDIR".to_owned(),
        source: Source::Default,
        exists: true,
        cleanable: false,
        parent: None,
    })
}

/// The login-shell import's problems: a failed import (`shell-env-failed`), each variable the
/// process environment had with another value than the login shell (`shell-env-mismatch`;
/// values the process lacked are only shown as [`Source::LoginShell`]), and an unusable
/// `GOCACHE_DOCTOR_SHELL_ENV` (`shell-env-mode-invalid`).
fn shell_env_problems(env: &EnvMap, problems: &mut Vec<Problem>) {
    use crate::shellenv::MODE_VAR;
    let Some(r) = env.login_shell() else {
        return;
    };
    if let Some(bad) = &r.bad_mode {
        problems.push(problem(
            "shell-env-mode-invalid",
            Severity::Warning,
            format!(
                "{MODE_VAR} is {bad:?}, which is not on, off or auto; Go Cache Doctor treats it \
                 as auto ({}). Set it to on, off or auto.",
                r.reason
            ),
            Some(MODE_VAR),
        ));
    }
    let shell = r.shell_command();
    if let Some(e) = &r.error {
        problems.push(problem(
            "shell-env-failed",
            Severity::Warning,
            format!(
                "Go Cache Doctor could not read your login shell's environment ({shell}): {}. \
                 It uses the environment it was started with, which lacks what your shell's \
                 start-up files (~/.zshrc, ~/.bashrc, ~/.profile) export, so the caches shown \
                 may not be the ones go uses in your terminal. Fix the start-up file, or set \
                 {MODE_VAR}=off to stop trying.",
                e.message
            ),
            None,
        ));
    }
    for d in &r.disagreements {
        let Some(started) = &d.process_value else {
            continue;
        };
        let name = &d.name;
        let message = match &d.shell_value {
            Some(theirs) => format!(
                "Your login shell ({shell}) sets {name} to {theirs:?}, but Go Cache Doctor was \
                 started with {started:?}. It uses the login shell's value, as go in your \
                 terminal does; set {MODE_VAR}=off to use the value it was started with."
            ),
            None => format!(
                "Your login shell ({shell}) does not set {name}, but Go Cache Doctor was started \
                 with {started:?}. It leaves {name} unset, as go in your terminal has it; set \
                 {MODE_VAR}=off to use the value it was started with."
            ),
        };
        problems.push(problem(
            "shell-env-mismatch",
            Severity::Warning,
            message,
            Some(name),
        ));
    }
}

/// Reports the variables skipped because they are not valid UTF-8 ([`EnvMap::not_utf8`]). When
/// one of them locates caches ([`LOCATION_VARS`]), the caches listed may not be Go's, so none
/// is offered for cleaning.
fn not_utf8_problems(env: &EnvMap, caches: &mut [Cache], problems: &mut Vec<Problem>) {
    for name in env.not_utf8() {
        let locates = LOCATION_VARS.contains(&name.as_str());
        let (severity, consequence) = if locates {
            (
                Severity::Error,
                " It locates Go's caches, so the caches listed here may not be the ones Go \
                 uses, and none is offered for cleaning until the variable is fixed.",
            )
        } else {
            (Severity::Warning, "")
        };
        problems.push(problem(
            "env-not-utf8",
            severity,
            format!(
                "The environment variable {name:?} is not valid UTF-8 (name or value), so Go \
                 Cache Doctor ignored it.{consequence} Set it to a UTF-8 value or unset it."
            ),
            Some(name),
        ));
        if locates {
            for c in caches.iter_mut() {
                c.cleanable = false;
            }
        }
    }
}

fn problem(id: &str, severity: Severity, message: String, var: Option<&str>) -> Problem {
    Problem {
        id: id.to_owned(),
        severity,
        message,
        var_name: var.map(str::to_owned),
    }
}

/// The layered lookup of `go env`: non-empty OS variable, then the user's env file, then
/// `$GOROOT/go.env`. An empty value in the user file hides go.env's value (as in Go) and
/// yields `None`, so the caller applies the built-in default.
struct Layers<'a> {
    env: &'a EnvMap,
    user: EnvFile,
    goroot: EnvFile,
}

impl Layers<'_> {
    fn lookup(&self, key: &str) -> Option<Var> {
        if let Some(v) = self.env.get(key).filter(|v| !v.is_empty()) {
            return Some(Var {
                value: v.clone(),
                source: self.env.source_of(key),
            });
        }
        if let Some(v) = self.user.values.get(key) {
            return (!v.is_empty()).then(|| Var {
                value: v.clone(),
                source: Source::GoEnvFile,
            });
        }
        self.goroot
            .values
            .get(key)
            .filter(|v| !v.is_empty())
            .map(|v| Var {
                value: v.clone(),
                source: Source::GoRootEnv,
            })
    }

    fn or_default(&self, key: &str, default: impl Into<String>) -> Var {
        self.lookup(key).unwrap_or_else(|| Var {
            value: default.into(),
            source: Source::Default,
        })
    }
}

fn read_env_file(path: &Path, what: &str, problems: &mut Vec<Problem>) -> EnvFile {
    match std::fs::read(path) {
        Ok(data) => {
            let parsed = parse_env_file(&data);
            for l in &parsed.ignored {
                problems.push(problem(
                    "env-file-line-ignored",
                    Severity::Warning,
                    format!(
                        "Line {} of {what} {} is ignored by Go (not KEY=VALUE with an upper-case \
                         key): {:?}. Fix or delete the line.",
                        l.line,
                        path.display(),
                        l.text
                    ),
                    None,
                ));
            }
            parsed
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => EnvFile::default(),
        Err(e) => {
            problems.push(problem(
                "env-file-unreadable",
                Severity::Warning,
                format!(
                    "Cannot read {what} {}: {e}. Go also cannot read it, so its settings are \
                     not in effect; check the file's owner and permissions.",
                    path.display()
                ),
                Some("GOENV"),
            ));
            EnvFile::default()
        }
    }
}

/// Resolves every variable in [`GO_VARS`] and [`TOOL_VARS`] as `go env` does, one function
/// per variable (or per kind of variable); the order matters only for the problems, which
/// follow Go's: GOENV's file, GOROOT's `go.env`, GOPATH, GOMODCACHE, GOCACHE.
fn resolve(
    env: &EnvMap,
    rules: &dyn OsRules,
    goroot_hint: Option<&Path>,
    problems: &mut Vec<Problem>,
) -> Vars {
    let cache_dir = rules.user_cache_dir(env);
    let goenv = resolve_goenv(env, rules);
    let user = user_env_file(&goenv, problems);
    let goroot = resolve_goroot(env, goroot_hint);
    let layers = Layers {
        env,
        user,
        goroot: goroot_env_file(&goroot, problems),
    };
    let gopath = resolve_gopath(&layers, rules, &goroot, problems);
    let gomodcache = resolve_gomodcache(&layers, rules, &gopath, problems);
    let gocache = resolve_gocache(&layers, rules, &cache_dir, problems);

    let mut vars = Vars::new();
    for (name, default) in PLAIN_DEFAULTS {
        vars.insert((*name).to_owned(), layers.or_default(name, *default));
    }
    // GONOPROXY and GONOSUMDB default to GOPRIVATE.
    let goprivate = layers.or_default("GOPRIVATE", "");
    for name in ["GONOPROXY", "GONOSUMDB"] {
        vars.insert(
            name.to_owned(),
            layers.or_default(name, goprivate.value.clone()),
        );
    }
    vars.insert("GOPRIVATE".into(), goprivate);
    vars.insert("GOROOT".into(), goroot);
    // `go env GOENV` prints an empty value for GOENV=off.
    let goenv = if goenv.value == "off" {
        Var {
            value: String::new(),
            ..goenv
        }
    } else {
        goenv
    };
    vars.insert("GOENV".into(), goenv);
    vars.insert("GOPATH".into(), gopath);
    vars.insert("GOMODCACHE".into(), gomodcache);
    vars.insert("GOCACHE".into(), gocache);

    vars.insert("GOPLSCACHE".to_owned(), gopls_dir(env, rules, &cache_dir));
    // golangci-lint's and staticcheck's caches: the variable is the cache itself, else the
    // user cache dir.
    for (var, sub) in TOOL_VARS
        .iter()
        .zip(["gopls", "golangci-lint", "staticcheck"])
        .filter(|(var, _)| **var != "GOPLSCACHE")
    {
        let v = os_env_or(env, var, || {
            cache_dir
                .as_ref()
                .map(|d| join(&d.display().to_string(), sub, rules))
                .unwrap_or_default()
        });
        vars.insert((*var).to_owned(), v);
    }
    vars
}

/// The variables resolved from the layers with a fixed default.
const PLAIN_DEFAULTS: &[(&str, &str)] = &[
    ("GOBIN", ""),
    ("GOFLAGS", ""),
    ("GOPROXY", "https://proxy.golang.org,direct"),
    ("GOSUMDB", "sum.golang.org"),
    ("GOINSECURE", ""),
    ("GOTOOLCHAIN", "auto"),
];

/// A variable only the OS environment sets: its non-empty value there, else `default()`.
fn os_env_or(env: &EnvMap, name: &str, default: impl FnOnce() -> String) -> Var {
    match env.get(name).filter(|v| !v.is_empty()) {
        Some(v) => Var {
            value: v.clone(),
            source: env.source_of(name),
        },
        None => Var {
            value: default(),
            source: Source::Default,
        },
    }
}

/// GOENV: only the OS environment sets it; the default is `<user config dir>/go/env`.
fn resolve_goenv(env: &EnvMap, rules: &dyn OsRules) -> Var {
    os_env_or(env, "GOENV", || {
        rules
            .user_config_dir(env)
            .as_ref()
            .map(|d| join(&d.display().to_string(), "go/env", rules))
            .unwrap_or_default()
    })
}

/// The `go env -w` file GOENV names (none for `off` or an empty value).
fn user_env_file(goenv: &Var, problems: &mut Vec<Problem>) -> EnvFile {
    if goenv.value == "off" {
        problems.push(problem(
            "goenv-off",
            Severity::Info,
            "GOENV=off: Go ignores the `go env -w` settings file.".to_owned(),
            Some("GOENV"),
        ));
        EnvFile::default()
    } else if goenv.value.is_empty() {
        EnvFile::default()
    } else {
        read_env_file(Path::new(&goenv.value), "the GOENV file", problems)
    }
}

/// GOROOT: OS environment, else where the go binary lives (GOROOT cannot be set with -w,
/// but Go does consult a GOROOT line of the user file to find go.env).
fn resolve_goroot(env: &EnvMap, goroot_hint: Option<&Path>) -> Var {
    os_env_or(env, "GOROOT", || {
        goroot_hint
            .map(|p| p.display().to_string())
            .unwrap_or_default()
    })
}

/// `$GOROOT/go.env`, the toolchain's own defaults.
fn goroot_env_file(goroot: &Var, problems: &mut Vec<Problem>) -> EnvFile {
    if goroot.value.is_empty() {
        EnvFile::default()
    } else {
        read_env_file(
            &Path::new(&goroot.value).join("go.env"),
            "$GOROOT/go.env",
            problems,
        )
    }
}

/// GOPATH: default $HOME/go, or "" when that is GOROOT.
fn resolve_gopath(
    layers: &Layers<'_>,
    rules: &dyn OsRules,
    goroot: &Var,
    problems: &mut Vec<Problem>,
) -> Var {
    let default_gopath = rules
        .home_dir(layers.env)
        .map(|h| join(&h.display().to_string(), "go", rules))
        .filter(|g| goroot.value.is_empty() || Path::new(&goroot.value) != Path::new(g))
        .unwrap_or_default();
    let gopath = layers.or_default("GOPATH", default_gopath);
    let entries: Vec<&str> = gopath.value.split(rules.list_separator()).collect();
    check_gopath(&gopath, &entries, &goroot.value, rules, problems);
    gopath
}

/// GOMODCACHE: default `pkg/mod` in GOPATH's first entry (none when that is not absolute).
fn resolve_gomodcache(
    layers: &Layers<'_>,
    rules: &dyn OsRules,
    gopath: &Var,
    problems: &mut Vec<Problem>,
) -> Var {
    let first = gopath
        .value
        .split(rules.list_separator())
        .next()
        .unwrap_or_default();
    let default = if first.is_empty() || !rules.is_absolute(first) {
        String::new()
    } else {
        join(first, "pkg/mod", rules)
    };
    let gomodcache = layers.or_default("GOMODCACHE", default);
    if gomodcache.value.is_empty() {
        problems.push(problem(
            "gomodcache-unset",
            Severity::Error,
            "Neither GOMODCACHE nor GOPATH is set, so Go has no module cache and module \
             downloads fail. Set GOPATH (or GOMODCACHE) to an absolute directory, e.g. \
             `go env -w GOPATH=$HOME/go`."
                .to_owned(),
            Some("GOMODCACHE"),
        ));
    } else if !rules.is_absolute(&gomodcache.value) {
        problems.push(problem(
            "gomodcache-relative",
            Severity::Error,
            format!(
                "GOMODCACHE is the relative path {:?}; Go rejects it (\"GOMODCACHE entry is \
                 relative; must be absolute path\"). Set an absolute path.",
                gomodcache.value
            ),
            Some("GOMODCACHE"),
        ));
    }
    gomodcache
}

/// GOCACHE: default `<user cache dir>/go-build`; `off` (as Go treats it) when set to `off`, to
/// a relative path, or when there is no user cache dir.
fn resolve_gocache(
    layers: &Layers<'_>,
    rules: &dyn OsRules,
    cache_dir: &Result<PathBuf, String>,
    problems: &mut Vec<Problem>,
) -> Var {
    match layers.lookup("GOCACHE") {
        Some(v) if v.value == "off" => {
            problems.push(problem(
                "gocache-off",
                Severity::Error,
                "GOCACHE=off disables the build cache; since Go 1.12 every build then fails \
                 with \"build cache is disabled by GOCACHE=off, but required\". Unset GOCACHE."
                    .to_owned(),
                Some("GOCACHE"),
            ));
            v
        }
        Some(v) if !rules.is_absolute(&v.value) => {
            problems.push(problem(
                "gocache-relative",
                Severity::Error,
                format!(
                    "GOCACHE is the relative path {:?}, so Go treats the build cache as off \
                     (\"GOCACHE is not an absolute path\") and builds fail. Set an absolute \
                     path or unset it.",
                    v.value
                ),
                Some("GOCACHE"),
            ));
            Var {
                value: "off".to_owned(),
                source: v.source,
            }
        }
        Some(v) => v,
        None => match cache_dir {
            Ok(d) => Var {
                value: join(&d.display().to_string(), "go-build", rules),
                source: Source::Default,
            },
            Err(e) => {
                problems.push(problem(
                    "gocache-undefined",
                    Severity::Error,
                    format!(
                        "GOCACHE is not defined and {e}, so Go has no build cache. Set GOCACHE."
                    ),
                    Some("GOCACHE"),
                ));
                Var {
                    value: "off".to_owned(),
                    source: Source::Default,
                }
            }
        },
    }
}

/// gopls' cache directory as gopls resolves it (golang/tools
/// `gopls/internal/filecache/filecache.go`, `getCacheDir`): `userDir` is `$GOPLSCACHE`, else
/// `os.UserCacheDir()`, else `os.TempDir()`; the cache is `userDir/gopls` (never `userDir`
/// itself, which is often `~/.cache` holding other programs' data). When `userDir/gopls` cannot
/// be created gopls falls back to `os.TempDir()/gopls`; the one case of that we can tell
/// without writing is `userDir/gopls` existing as something other than a directory.
///
/// The resolved `GOPLSCACHE` value is therefore the `gopls` directory itself, with the source
/// of `$GOPLSCACHE` (or the default).
fn gopls_dir(env: &EnvMap, rules: &dyn OsRules, cache_dir: &Result<PathBuf, String>) -> Var {
    let (user_dir, source) = match env.get("GOPLSCACHE").filter(|v| !v.is_empty()) {
        Some(v) => (v.clone(), env.source_of("GOPLSCACHE")),
        None => (
            match cache_dir {
                Ok(d) => d.display().to_string(),
                Err(_) => rules.temp_dir(env).display().to_string(),
            },
            Source::Default,
        ),
    };
    let mut dir = join(&user_dir, "gopls", rules);
    let blocked = std::fs::metadata(&dir).is_ok_and(|m| !m.is_dir());
    if blocked {
        dir = join(&rules.temp_dir(env).display().to_string(), "gopls", rules);
    }
    Var { value: dir, source }
}

/// `base` joined with the `/`-separated `rel` by the target OS's rules (never the host's).
fn join(base: &str, rel: &str, rules: &dyn OsRules) -> String {
    crate::os::join_path(rules, base, rel)
}

fn check_gopath(
    gopath: &Var,
    entries: &[&str],
    goroot: &str,
    rules: &dyn OsRules,
    problems: &mut Vec<Problem>,
) {
    let first = entries.first().copied().unwrap_or_default();
    if gopath.value.is_empty() {
        problems.push(problem(
            "gopath-empty",
            Severity::Warning,
            "GOPATH is empty (Go leaves it empty when $HOME/go is GOROOT or there is no home \
             directory), so there is no default module cache. Set GOPATH to an absolute \
             directory outside GOROOT."
                .to_owned(),
            Some("GOPATH"),
        ));
        return;
    }
    if entries.len() > 1 {
        problems.push(problem(
            "gopath-list",
            Severity::Info,
            format!(
                "GOPATH lists {} directories; Go puts the module cache and installed binaries \
                 in the first one ({first:?}).",
                entries.len()
            ),
            Some("GOPATH"),
        ));
    }
    if first.is_empty() {
        problems.push(problem(
            "gopath-first-empty",
            Severity::Error,
            "The first entry of GOPATH is empty, so Go has no default module cache. Remove the \
             leading list separator from GOPATH."
                .to_owned(),
            Some("GOPATH"),
        ));
    }
    for e in entries.iter().filter(|e| !e.is_empty()) {
        if e.starts_with('~') {
            problems.push(problem(
                "gopath-tilde",
                Severity::Error,
                format!(
                    "GOPATH entry {e:?} starts with ~, which Go does not expand. Use the full \
                     path of your home directory."
                ),
                Some("GOPATH"),
            ));
        } else if !rules.is_absolute(e) {
            problems.push(problem(
                "gopath-relative",
                Severity::Error,
                format!(
                    "GOPATH entry {e:?} is relative; Go requires absolute paths (\"GOPATH entry \
                     is relative; must be absolute path\")."
                ),
                Some("GOPATH"),
            ));
        }
    }
    if !goroot.is_empty() && entries.iter().any(|e| Path::new(e) == Path::new(goroot)) {
        problems.push(problem(
            "gopath-is-goroot",
            Severity::Warning,
            format!(
                "GOPATH is set to GOROOT ({goroot}), which has no effect. Use another directory."
            ),
            Some("GOPATH"),
        ));
    }
}

/// Compares our resolution with what `go env` reported; Go's answer wins for the paths that
/// locate caches, and every difference is reported.
fn compare_with_go(
    vars: &mut Vars,
    reported: &BTreeMap<String, String>,
    problems: &mut Vec<Problem>,
) {
    for (name, ours) in vars.iter_mut() {
        // GOTOOLCHAIN is forced to `local` for the probe; GOBIN is printed raw by Go < 1.27
        // and effective by 1.27+.
        if name == "GOTOOLCHAIN" || TOOL_VARS.contains(&name.as_str()) {
            continue;
        }
        let Some(theirs) = reported.get(name) else {
            continue;
        };
        if name == "GOBIN" && theirs.is_empty() {
            continue;
        }
        if theirs != &ours.value {
            problems.push(problem(
                "go-env-mismatch",
                Severity::Warning,
                format!(
                    "`go env {name}` says {theirs:?} but Go's rules give {:?} (from {}). \
                     Go Cache Doctor uses Go's answer.",
                    ours.value,
                    source_label(ours.source)
                ),
                Some(name),
            ));
            ours.value = theirs.clone();
        }
    }
}

/// A human label for a [`Source`].
pub fn source_label(s: Source) -> &'static str {
    match s {
        Source::Env => "the environment",
        Source::GoEnvFile => "the go env -w file",
        Source::GoRootEnv => "$GOROOT/go.env",
        Source::Default => "Go's default",
        Source::LoginShell => "your login shell",
    }
}

fn find_caches(vars: &Vars, rules: &dyn OsRules, problems: &mut Vec<Problem>) -> Vec<Cache> {
    let mut caches = Vec::new();
    let get = |k: &str| vars.get(k).cloned();
    let mk = |kind, path: PathBuf, var: &str, source, cleanable, parent| Cache {
        exists: path.is_dir(),
        kind,
        path,
        var: var.to_owned(),
        source,
        cleanable,
        parent,
    };

    if let Some(m) = get("GOMODCACHE").filter(|v| rules.is_absolute(&v.value)) {
        let root = native_path(rules, &m.value);
        caches.push(mk(
            CacheKind::Modcache,
            root.clone(),
            "GOMODCACHE",
            m.source,
            true,
            None,
        ));
        let tc = root.join("golang.org");
        if has_toolchains(&tc) {
            caches.push(mk(
                CacheKind::Toolchains,
                tc,
                "GOMODCACHE",
                m.source,
                true,
                Some(CacheKind::Modcache),
            ));
        }
        if let Ok(meta) = std::fs::symlink_metadata(&root) {
            if meta.file_type().is_symlink() {
                problems.push(problem(
                    "gomodcache-symlink",
                    Severity::Info,
                    format!(
                        "The module cache {} is a symbolic link; Go Cache Doctor sizes and cleans \
                         what it points to, never anything outside it.",
                        root.display()
                    ),
                    Some("GOMODCACHE"),
                ));
            } else if !meta.is_dir() {
                problems.push(problem(
                    "gomodcache-not-dir",
                    Severity::Error,
                    format!(
                        "GOMODCACHE {} exists but is not a directory; Go cannot use it. Move \
                         the file away or point GOMODCACHE elsewhere.",
                        root.display()
                    ),
                    Some("GOMODCACHE"),
                ));
            }
        }
    }
    if let Some(c) = get("GOCACHE").filter(|v| v.value != "off" && rules.is_absolute(&v.value)) {
        caches.push(mk(
            CacheKind::Build,
            native_path(rules, &c.value),
            "GOCACHE",
            c.source,
            true,
            None,
        ));
    }
    for (var, kind) in TOOL_VARS.iter().zip([
        CacheKind::Gopls,
        CacheKind::GolangciLint,
        CacheKind::Staticcheck,
    ]) {
        if let Some(v) = get(var).filter(|v| rules.is_absolute(&v.value)) {
            let c = mk(
                kind,
                native_path(rules, &v.value),
                var,
                v.source,
                true,
                None,
            );
            if c.exists {
                caches.push(c);
            }
        }
    }
    // GOBIN: the effective directory (GOBIN, else GOPATH[0]/bin), listed only when present.
    let gobin = get("GOBIN").filter(|v| !v.value.is_empty()).or_else(|| {
        let gp = get("GOPATH")?;
        let first = gp.value.split(rules.list_separator()).next()?.to_owned();
        (!first.is_empty() && rules.is_absolute(&first)).then(|| Var {
            value: join(&first, "bin", rules),
            source: gp.source,
        })
    });
    if let Some(b) = gobin.filter(|v| rules.is_absolute(&v.value)) {
        let c = mk(
            CacheKind::Gobin,
            native_path(rules, &b.value),
            "GOBIN",
            b.source,
            false,
            None,
        );
        if c.exists {
            caches.push(c);
        }
    }
    caches
}

fn has_toolchains(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .any(|e| e.file_name().to_string_lossy().starts_with("toolchain@"))
        })
        .unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::os::{Linux, MacOs, Windows};

    fn no_go() -> Options {
        Options {
            run_go: false,
            search_install_locations: false,
            ..Options::default()
        }
    }

    fn val<'a>(r: &'a Report, k: &str) -> (&'a str, Source) {
        let v = r.vars.get(k).map(|v| (v.value.as_str(), v.source));
        v.unwrap_or(("<missing>", Source::Default))
    }

    fn has(r: &Report, id: &str) -> bool {
        r.problems.iter().any(|p| p.id == id)
    }

    #[test]
    fn linux_defaults() {
        let env = EnvMap::from_pairs([("HOME", "/home/u"), ("PATH", "/nonexistent")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOPATH"), ("/home/u/go", Source::Default));
        assert_eq!(
            val(&r, "GOMODCACHE"),
            ("/home/u/go/pkg/mod", Source::Default)
        );
        assert_eq!(
            val(&r, "GOCACHE"),
            ("/home/u/.cache/go-build", Source::Default)
        );
        assert_eq!(
            val(&r, "GOENV"),
            ("/home/u/.config/go/env", Source::Default)
        );
        assert_eq!(
            val(&r, "GOPLSCACHE"),
            ("/home/u/.cache/gopls", Source::Default)
        );
        assert_eq!(r.caches.first().map(|c| c.kind), Some(CacheKind::Modcache));
        assert!(r.cache(CacheKind::Build).is_some());
        assert!(r.go.is_none());
        assert!(has(&r, "go-not-found"));
    }

    #[test]
    fn macos_and_windows_defaults() {
        let env = EnvMap::from_pairs([("HOME", "/Users/u")]);
        let r = discover_with(&env, &MacOs, &no_go());
        assert_eq!(val(&r, "GOCACHE").0, "/Users/u/Library/Caches/go-build");
        assert_eq!(
            val(&r, "GOENV").0,
            "/Users/u/Library/Application Support/go/env"
        );
        assert_eq!(val(&r, "GOMODCACHE").0, "/Users/u/go/pkg/mod");

        let env = EnvMap::from_pairs([
            ("USERPROFILE", r"C:\Users\u"),
            ("HOME", "/ignored"),
            ("LocalAppData", r"C:\Users\u\AppData\Local"),
            ("AppData", r"C:\Users\u\AppData\Roaming"),
            ("GOPATH", r"C:\go1;D:\go2"),
        ]);
        let r = discover_with(&env, &Windows, &no_go());
        assert_eq!(val(&r, "GOMODCACHE").0, r"C:\go1\pkg\mod");
        assert!(
            val(&r, "GOCACHE")
                .0
                .starts_with(r"C:\Users\u\AppData\Local")
        );
        assert!(has(&r, "gopath-list"));
    }

    #[test]
    fn empty_os_variable_counts_as_unset() {
        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOMODCACHE", ""), ("GOCACHE", "")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOMODCACHE"), ("/h/go/pkg/mod", Source::Default));
        assert_eq!(val(&r, "GOCACHE"), ("/h/.cache/go-build", Source::Default));
    }

    #[test]
    fn goenv_file_then_goroot_go_env() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let goenv = dir.path().join("env");
        std::fs::write(
            &goenv,
            "GOMODCACHE=/from/file\nGOPROXY=\nbad line\nGOFLAGS=-modcacherw\n",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
        let goroot = dir.path().join("goroot");
        std::fs::create_dir_all(&goroot).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(
            goroot.join("go.env"),
            "GOPROXY=https://goroot.example\nGOSUMDB=sum.x\n",
        )
        .unwrap_or_else(|e| panic!("write: {e}"));
        let env = EnvMap::from_pairs([
            ("HOME", "/h".to_owned()),
            ("GOENV", goenv.display().to_string()),
            ("GOROOT", goroot.display().to_string()),
            ("GOFLAGS", "-mod=mod".to_owned()),
        ]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOMODCACHE"), ("/from/file", Source::GoEnvFile));
        assert_eq!(val(&r, "GOFLAGS"), ("-mod=mod", Source::Env));
        // An empty value in the user file hides go.env's value: the built-in default applies.
        assert_eq!(
            val(&r, "GOPROXY"),
            ("https://proxy.golang.org,direct", Source::Default)
        );
        assert_eq!(val(&r, "GOSUMDB"), ("sum.x", Source::GoRootEnv));
        assert!(has(&r, "env-file-line-ignored"));

        let mut off = env.clone();
        off.set("GOENV", "off");
        let r = discover_with(&off, &Linux, &no_go());
        assert_eq!(val(&r, "GOMODCACHE"), ("/h/go/pkg/mod", Source::Default));
        assert_eq!(
            val(&r, "GOPROXY"),
            ("https://goroot.example", Source::GoRootEnv)
        );
    }

    #[test]
    fn unreadable_goenv_is_a_problem_not_a_crash() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        // A directory where the file should be: read fails with something other than NotFound.
        let env = EnvMap::from_pairs([
            ("HOME", "/h".to_owned()),
            ("GOENV", dir.path().display().to_string()),
        ]);
        let r = discover_with(&env, &Linux, &no_go());
        assert!(has(&r, "env-file-unreadable"));
        assert_eq!(val(&r, "GOMODCACHE").0, "/h/go/pkg/mod");
    }

    #[test]
    fn bad_values_are_problems() {
        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOCACHE", "off")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOCACHE").0, "off");
        assert!(has(&r, "gocache-off"));
        assert!(r.cache(CacheKind::Build).is_none());

        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOCACHE", "rel/dir")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOCACHE").0, "off");
        assert!(has(&r, "gocache-relative"));

        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOMODCACHE", "rel")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert!(has(&r, "gomodcache-relative"));
        assert!(r.cache(CacheKind::Modcache).is_none());

        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOPATH", ":/b")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOMODCACHE").0, "");
        assert!(has(&r, "gopath-first-empty"));
        assert!(has(&r, "gomodcache-unset"));

        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOPATH", "~/go")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert!(has(&r, "gopath-tilde"));

        let env = EnvMap::from_pairs([("PATH", "/nonexistent")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOPATH").0, "");
        assert_eq!(val(&r, "GOCACHE").0, "off");
        assert_eq!(val(&r, "GOENV").0, "");
        assert!(has(&r, "gopath-empty"));
        assert!(has(&r, "gocache-undefined"));
        // Errors sort first.
        assert_eq!(
            r.problems.first().map(|p| p.severity),
            Some(Severity::Error)
        );
    }

    #[test]
    fn gopath_default_is_empty_when_it_is_goroot() {
        let env = EnvMap::from_pairs([("HOME", "/h"), ("GOROOT", "/h/go")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOPATH").0, "");
    }

    /// The host OS's rules with `h` as the home directory, and the user cache directory
    /// relative to `h` (`/`-separated): for tests that look at a real disk.
    fn host_home(h: &Path) -> (EnvMap, &'static dyn OsRules, &'static str) {
        let home = h.display().to_string();
        let rules = crate::os::current();
        match rules.kind() {
            OsKind::Windows => {
                let local = crate::os::join_path(rules, &home, "AppData/Local");
                let roaming = crate::os::join_path(rules, &home, "AppData/Roaming");
                let env = EnvMap::from_pairs([
                    ("USERPROFILE", home),
                    ("LocalAppData", local),
                    ("AppData", roaming),
                ]);
                (env, rules, "AppData/Local")
            }
            OsKind::Macos => (
                EnvMap::from_pairs([("HOME", home)]),
                rules,
                "Library/Caches",
            ),
            OsKind::Linux => (EnvMap::from_pairs([("HOME", home)]), rules, ".cache"),
        }
    }

    #[test]
    fn toolchains_and_tool_caches_found_on_disk() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let h = dir.path();
        let mk = |p: &str| {
            std::fs::create_dir_all(h.join(p)).unwrap_or_else(|e| panic!("mkdir {p}: {e}"))
        };
        // A real disk: the host's rules (Linux rules cannot read `C:\\...` as absolute).
        let (env, rules, cache) = host_home(h);
        mk("go/pkg/mod/golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64");
        mk(&format!("{cache}/gopls"));
        mk("go/bin");
        let r = discover_with(&env, rules, &no_go());
        let kinds: Vec<CacheKind> = r.caches.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                CacheKind::Modcache,
                CacheKind::Toolchains,
                CacheKind::Build,
                CacheKind::Gopls,
                CacheKind::Gobin
            ]
        );
        let gobin = r.cache(CacheKind::Gobin).map(|c| c.cleanable);
        assert_eq!(gobin, Some(false));
        assert_eq!(
            r.cache(CacheKind::Toolchains).and_then(|c| c.parent),
            Some(CacheKind::Modcache)
        );
        assert_eq!(r.cache(CacheKind::Build).map(|c| c.exists), Some(false));
    }

    #[test]
    fn goplscache_names_the_parent_of_the_gopls_cache() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let h = dir.path();
        let cache = h.join(".cache");
        std::fs::create_dir_all(cache.join("gopls").join("0a1b2c3d"))
            .unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::create_dir_all(cache.join("mozilla")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        // GOPLSCACHE=$HOME/.cache: gopls uses $HOME/.cache/gopls, never $HOME/.cache itself.
        // A real disk: the host's rules.
        let (mut env, rules, _) = host_home(h);
        env.set("GOPLSCACHE", cache.display().to_string());
        let r = discover_with(&env, rules, &no_go());
        let gopls = r.cache(CacheKind::Gopls).map(|c| c.path.clone());
        assert_eq!(gopls, Some(cache.join("gopls")));
        assert_eq!(
            val(&r, "GOPLSCACHE"),
            (
                cache.join("gopls").display().to_string().as_str(),
                Source::Env
            )
        );

        // No user cache dir (no HOME, no XDG_CACHE_HOME): os.TempDir()/gopls.
        let env = EnvMap::from_pairs([("TMPDIR", "/t")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOPLSCACHE"), ("/t/gopls", Source::Default));
        let env = EnvMap::from_pairs([("PATH", "/nonexistent")]);
        let r = discover_with(&env, &Linux, &no_go());
        assert_eq!(val(&r, "GOPLSCACHE"), ("/tmp/gopls", Source::Default));
        let env = EnvMap::from_pairs([("TMP", r"D:\tmp")]);
        let r = discover_with(&env, &Windows, &no_go());
        assert_eq!(val(&r, "GOPLSCACHE"), (r"D:\tmp\gopls", Source::Default));
        let env = EnvMap::from_pairs([("GOPLSCACHE", r"E:\c\")]);
        let r = discover_with(&env, &Windows, &no_go());
        assert_eq!(val(&r, "GOPLSCACHE"), (r"E:\c\gopls", Source::Env));

        // `userDir/gopls` is a file: gopls cannot create its directory and uses the temp dir.
        let blocked = h.join("blocked");
        std::fs::create_dir_all(&blocked).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(blocked.join("gopls"), b"x").unwrap_or_else(|e| panic!("write: {e}"));
        let rules = crate::os::current();
        let tmp = if rules.kind() == OsKind::Windows {
            r"D:\t"
        } else {
            "/t"
        };
        let env = EnvMap::from_pairs([
            ("GOPLSCACHE", blocked.display().to_string()),
            ("TMPDIR", tmp.to_owned()),
            ("TMP", tmp.to_owned()),
        ]);
        let r = discover_with(&env, rules, &no_go());
        let want = crate::os::join_path(rules, tmp, "gopls");
        assert_eq!(val(&r, "GOPLSCACHE"), (want.as_str(), Source::Env));
    }

    #[test]
    fn gopls_index_and_telemetry_locations_on_each_os() {
        // os.UserCacheDir()/go/imports and os.UserConfigDir()/go/telemetry by each OS's rules.
        let linux = EnvMap::from_pairs([("HOME", "/home/u")]);
        let dir = |env: &EnvMap, rules: &dyn OsRules| {
            let d = gopls_index_dir(env, rules).map(|p| p.display().to_string());
            let t = resolve_telemetry(env, rules).map(|t| t.dir.display().to_string());
            (d, t, rules.user_cache_var(env))
        };
        assert_eq!(
            dir(&linux, &Linux),
            (
                Some("/home/u/.cache/go/imports".into()),
                Some("/home/u/.config/go/telemetry".into()),
                "HOME"
            )
        );
        let xdg = EnvMap::from_pairs([
            ("HOME", "/home/u"),
            ("XDG_CACHE_HOME", "/x/cache"),
            ("XDG_CONFIG_HOME", "/x/cfg"),
        ]);
        assert_eq!(
            dir(&xdg, &Linux),
            (
                Some("/x/cache/go/imports".into()),
                Some("/x/cfg/go/telemetry".into()),
                "XDG_CACHE_HOME"
            )
        );
        let mac = EnvMap::from_pairs([("HOME", "/Users/u")]);
        assert_eq!(
            dir(&mac, &MacOs),
            (
                Some("/Users/u/Library/Caches/go/imports".into()),
                Some("/Users/u/Library/Application Support/go/telemetry".into()),
                "HOME"
            )
        );
        let win = EnvMap::from_pairs([
            ("USERPROFILE", r"C:\Users\u"),
            ("LocalAppData", r"C:\Users\u\AppData\Local"),
            ("AppData", r"C:\Users\u\AppData\Roaming"),
        ]);
        assert_eq!(
            dir(&win, &Windows),
            (
                Some(r"C:\Users\u\AppData\Local\go\imports".into()),
                Some(r"C:\Users\u\AppData\Roaming\go\telemetry".into()),
                "LocalAppData"
            )
        );
        let upper = EnvMap::from_pairs([("LOCALAPPDATA", r"D:\L")]);
        // Variable names are case-insensitive on a Windows host, so either spelling is the one
        // found there; elsewhere it is the one set.
        assert!(
            Windows
                .user_cache_var(&upper)
                .eq_ignore_ascii_case("LOCALAPPDATA")
        );
        // No user directories: no index, and telemetry is off for Go (no directory at all).
        let none = EnvMap::from_pairs([("PATH", "/nonexistent")]);
        assert_eq!(dir(&none, &Linux), (None, None, "HOME"));
        let r = discover_with(&none, &Linux, &no_go());
        assert!(r.telemetry.is_none());
    }

    #[test]
    fn telemetry_mode_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let (env, rules, _) = host_home(dir.path());
        let t = resolve_telemetry(&env, rules).unwrap_or_else(|| panic!("no telemetry dir"));
        // No mode file: golang.org/x/telemetry's default, local.
        assert_eq!(t.mode, TelemetryMode::Local);
        assert!(!t.from_go);
        std::fs::create_dir_all(&t.dir).unwrap_or_else(|e| panic!("mkdir: {e}"));
        for (text, want) in [
            ("off 2024-09-01", TelemetryMode::Off),
            ("on 2024-09-01\n", TelemetryMode::On),
            ("local", TelemetryMode::Local),
            ("off", TelemetryMode::Off),
            ("bogus", TelemetryMode::Local),
        ] {
            std::fs::write(t.dir.join("mode"), text).unwrap_or_else(|e| panic!("write: {e}"));
            let got = resolve_telemetry(&env, rules).map(|t| t.mode);
            assert_eq!(got, Some(want), "mode file {text:?}");
        }
        let mut reported = BTreeMap::new();
        let mut t2 = Some(t.clone());
        // Go older than 1.23 prints empty values: the mode file's reading stays.
        reported.insert("GOTELEMETRY".to_owned(), String::new());
        telemetry_from_go(&mut t2, &reported);
        assert_eq!(t2.as_ref().map(|t| t.from_go), Some(false));
        reported.insert("GOTELEMETRY".to_owned(), "on".to_owned());
        reported.insert(
            "GOTELEMETRYDIR".to_owned(),
            "/elsewhere/telemetry".to_owned(),
        );
        telemetry_from_go(&mut t2, &reported);
        assert_eq!(
            t2,
            Some(Telemetry {
                dir: PathBuf::from("/elsewhere/telemetry"),
                mode: TelemetryMode::On,
                from_go: true,
            })
        );
    }

    #[test]
    fn gopls_index_and_telemetry_found_on_disk() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let h = dir.path();
        let (env, rules, cache) = host_home(h);
        let r = discover_with(&env, rules, &no_go());
        assert!(r.cache(CacheKind::GoplsIndex).is_none());
        assert!(r.cache(CacheKind::Telemetry).is_none());
        assert_eq!(
            r.telemetry.as_ref().map(|t| t.mode),
            Some(TelemetryMode::Local)
        );

        // What gopls writes (golang/tools internal/modindex/index.go, writeIndex).
        let index = h.join(cache).join("go").join("imports");
        std::fs::create_dir_all(&index).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(index.join("index-name-0-0123456789abcdef"), "index-0-42")
            .unwrap_or_else(|e| panic!("write: {e}"));
        std::fs::write(index.join("index-0-42"), "0\n/m\n2024-09-11 18:55:09\n")
            .unwrap_or_else(|e| panic!("write: {e}"));
        let tel = resolve_telemetry(&env, rules).map(|t| t.dir);
        let tel = tel.unwrap_or_else(|| panic!("no telemetry dir"));
        std::fs::create_dir_all(tel.join("local")).unwrap_or_else(|e| panic!("mkdir: {e}"));
        std::fs::write(tel.join("mode"), "off 2024-09-01").unwrap_or_else(|e| panic!("write: {e}"));

        let r = discover_with(&env, rules, &no_go());
        let kinds: Vec<CacheKind> = r.caches.iter().map(|c| c.kind).collect();
        assert_eq!(
            kinds,
            vec![
                CacheKind::Modcache,
                CacheKind::Build,
                CacheKind::GoplsIndex,
                CacheKind::Telemetry
            ]
        );
        let gi = r.cache(CacheKind::GoplsIndex).cloned();
        let gi = gi.unwrap_or_else(|| panic!("no gopls index"));
        assert_eq!(gi.path, index);
        assert!(gi.cleanable && gi.exists);
        assert_eq!(gi.var, rules.user_cache_var(&env));
        let t = r.cache(CacheKind::Telemetry).cloned();
        let t = t.unwrap_or_else(|| panic!("no telemetry"));
        assert_eq!((t.path.as_path(), t.cleanable), (tel.as_path(), false));
        assert_eq!(t.var, "GOTELEMETRYDIR");
        assert_eq!(r.telemetry.map(|t| t.mode), Some(TelemetryMode::Off));
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_variables_are_problems_and_block_cleaning_when_they_locate_caches() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt as _;
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        let h = dir.path();
        std::fs::create_dir_all(h.join("go/pkg/mod/cache/download"))
            .unwrap_or_else(|e| panic!("mkdir: {e}"));
        let base = || {
            vec![
                (OsString::from("HOME"), OsString::from(h)),
                (OsString::from("PATH"), OsString::from("/nonexistent")),
            ]
        };
        let mut pairs = base();
        pairs.push((OsString::from("BAD"), OsString::from_vec(vec![0xff])));
        let r = discover_with(&EnvMap::from_os_pairs(pairs), &Linux, &no_go());
        let p = r.problems.iter().find(|p| p.id == "env-not-utf8");
        assert_eq!(p.map(|p| p.severity), Some(Severity::Warning));
        assert_eq!(p.and_then(|p| p.var_name.as_deref()), Some("BAD"));
        assert_eq!(
            r.cache(CacheKind::Modcache).map(|c| c.cleanable),
            Some(true)
        );

        let mut pairs = base();
        pairs.push((
            OsString::from("GOMODCACHE"),
            OsString::from_vec(b"/elsewhere/\xff".to_vec()),
        ));
        let r = discover_with(&EnvMap::from_os_pairs(pairs), &Linux, &no_go());
        let p = r.problems.iter().find(|p| p.id == "env-not-utf8");
        assert_eq!(p.map(|p| p.severity), Some(Severity::Error));
        assert!(!r.caches.is_empty());
        assert!(r.caches.iter().all(|c| !c.cleanable));
    }

    #[test]
    fn report_json_shape() {
        let env = EnvMap::from_pairs([("HOME", "/h")]);
        let r = discover_with(&env, &Linux, &no_go());
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(v["os"], "linux");
        assert_eq!(v["vars"]["GOMODCACHE"]["value"], "/h/go/pkg/mod");
        assert_eq!(v["vars"]["GOMODCACHE"]["source"], "default");
        assert_eq!(v["caches"][0]["kind"], "modcache");
        assert!(v["problems"].is_array());
        assert!(v["go"].is_null());
    }
}
