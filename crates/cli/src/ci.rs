//! `gocache-doctor ci prepare | trim | stray`: the steps of a CI job around a cache restore
//! and save (issue #18), over [`gocache_core::ci`]. Plain text or `--json`; on GitHub Actions
//! (`GITHUB_ACTIONS=true`) annotations and a `$GITHUB_STEP_SUMMARY` table, on GitLab CI
//! (`GITLAB_CI=true`) a collapsible section. Exit code 1 when a removal failed, 2 for bad
//! input.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use gocache_core::CancelToken;
use gocache_core::ci::annotate::{self, Level};
use gocache_core::ci::{self, PrepareOptions, StrayKind, TrimOptions};
use gocache_core::clean::Outcome;
use gocache_core::discover;

use crate::clean::parse_size;
use crate::output::human_bytes;

/// `ci` subcommands.
#[derive(Debug, Subcommand)]
pub enum CiCommand {
    /// At the job's start, before the cache restore: make an existing module cache writable
    /// (Go leaves it read-only, and `tar` restoring over it fails) or remove it with --remove,
    /// and record the job's start for `ci trim`.
    Prepare(PrepareArgs),
    /// Before the cache save: keep the build-cache entries used since `ci prepare` (or
    /// --since) and the module versions the projects name; remove the rest.
    Trim(TrimArgs),
    /// Find module and build caches inside a workspace (`.go/pkg/mod`, `go-build*`, ...) with
    /// their sizes; remove them, read-only directories included, with --yes.
    Stray(StrayArgs),
}

/// Flags every `ci` subcommand has.
#[derive(Debug, Args)]
pub struct Common {
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Do not run `go env` during discovery.
    #[arg(long)]
    no_go: bool,
    /// The job marker file (default: ci-job.json in $GOCACHE_DOCTOR_DATA_DIR or the user's
    /// data directory).
    #[arg(long, value_name = "FILE")]
    marker: Option<PathBuf>,
}

/// `ci prepare` flags.
#[derive(Debug, Args)]
pub struct PrepareArgs {
    #[command(flatten)]
    common: Common,
    /// Remove the module cache (through the clean engine) instead of making it writable.
    #[arg(long)]
    remove: bool,
}

/// `ci trim` flags.
#[derive(Debug, Args)]
pub struct TrimArgs {
    #[command(flatten)]
    common: Common,
    /// Keep the build-cache entries used since TIME (Unix seconds or RFC 3339) instead of
    /// the time `ci prepare` recorded.
    #[arg(long, value_name = "TIME")]
    since: Option<String>,
    /// A project folder whose module versions are kept (repeatable; default: the current
    /// directory).
    #[arg(long = "project", value_name = "DIR")]
    projects: Vec<PathBuf>,
    /// Keep every module version (trim only the build cache).
    #[arg(long, conflicts_with = "projects")]
    keep_modules: bool,
    /// A ceiling for the build cache (e.g. `2GiB`): least recently used entries beyond it go
    /// too, never those used since the job started.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_size: Option<u64>,
    /// Show what would go, remove nothing.
    #[arg(long)]
    dry_run: bool,
}

/// `ci stray` flags.
#[derive(Debug, Args)]
pub struct StrayArgs {
    /// The workspace to search.
    dir: PathBuf,
    /// Remove what was found.
    #[arg(long)]
    yes: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// Runs `gocache-doctor ci ...`.
pub fn run(cmd: &CiCommand) -> Result<ExitCode, String> {
    match cmd {
        CiCommand::Prepare(a) => prepare(a),
        CiCommand::Trim(a) => trim(a),
        CiCommand::Stray(a) => stray(a),
    }
}

/// Which CI system this runs in, from its own variables.
struct Ci {
    github: bool,
    gitlab: bool,
}

impl Ci {
    fn detect() -> Self {
        let is_true = |k: &str| std::env::var(k).is_ok_and(|v| v == "true");
        Self {
            github: is_true("GITHUB_ACTIONS"),
            gitlab: is_true("GITLAB_CI"),
        }
    }

    fn section_start(&self, name: &str, title: &str) {
        if self.gitlab {
            println!("{}", annotate::gitlab_section_start(name, title, now()));
        }
    }

    fn section_end(&self, name: &str) {
        if self.gitlab {
            println!("{}", annotate::gitlab_section_end(name, now()));
        }
    }

    fn annotate(&self, level: Level, msg: &str) {
        if self.github {
            println!("{}", annotate::github_annotation(level, &crate::shown(msg)));
        }
    }

    /// Appends `markdown` to `$GITHUB_STEP_SUMMARY` on GitHub Actions.
    fn summary(&self, markdown: &str) {
        if !self.github {
            return;
        }
        let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
            return;
        };
        let res = std::fs::OpenOptions::new()
            .append(true)
            .create(true)
            .open(&path)
            .and_then(|mut f| f.write_all(crate::shown(markdown).as_bytes()));
        if let Err(e) = res {
            eprintln!("gocache-doctor: cannot write the step summary: {e}");
        }
    }
}

fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
}

fn report(no_go: bool) -> discover::Report {
    discover::discover(&crate::env(), &crate::discover_opts(no_go))
}

fn failures(results: &[gocache_core::clean::ItemResult]) -> Vec<String> {
    results
        .iter()
        .filter(|r| r.outcome == Outcome::Failed)
        .map(|r| {
            let why = r
                .detail
                .as_ref()
                .map_or_else(String::new, |d| format!(": {}", d.message));
            format!("{}{why}", r.path.display())
        })
        .collect()
}

/// `s` with control characters (line breaks, carriage returns, escape sequences) written as
/// `\n`, `\r`, `\u{1b}`. Paths come from the disk: in a CI log, a line starting with `::` is a
/// GitHub workflow command and an escape sequence can forge a GitLab section.
fn safe(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

/// `println!` of one line of plain output, its control characters escaped ([`safe`]).
macro_rules! say {
    ($($t:tt)*) => { println!("{}", safe(&format!($($t)*))) };
}

fn prepare(a: &PrepareArgs) -> Result<ExitCode, String> {
    let ci = Ci::detect();
    let report = report(a.common.no_go);
    let opts = PrepareOptions {
        remove: a.remove,
        marker: a.common.marker.clone(),
        now: None,
    };
    let r = ci::prepare(&report, &opts, &CancelToken::new()).map_err(|e| e.to_string())?;
    if a.common.json {
        println!("{}", crate::to_json(&r)?);
    } else {
        ci.section_start("gocache_doctor_prepare", "gocache-doctor ci prepare");
        match (&r.modcache, r.existed) {
            (Some(p), true) if a.remove => say!(
                "Module cache {} removed ({} freed).",
                p.display(),
                human_bytes(r.bytes_freed)
            ),
            (Some(p), true) => {
                let w = r.writable.clone().unwrap_or_default();
                say!(
                    "Module cache {} ({}): {} directories made writable.",
                    p.display(),
                    human_bytes(r.bytes),
                    w.changed
                );
                for f in &w.failures {
                    say!("  cannot make writable: {f}");
                    ci.annotate(Level::Warning, &format!("cannot make writable: {f}"));
                }
            }
            (Some(p), false) => say!("No module cache at {} yet: nothing to do.", p.display()),
            (None, _) => say!("No module cache was found."),
        }
        for f in failures(&r.removed) {
            say!("  not removed: {f}");
            ci.annotate(Level::Warning, &format!("not removed: {f}"));
        }
        say!(
            "Job start recorded in {} ({}).",
            r.marker.display(),
            ci::format_time(r.started)
        );
        ci.section_end("gocache_doctor_prepare");
    }
    if let Some(p) = &r.modcache {
        let what = if a.remove { "removed" } else { "writable" };
        ci.summary(&annotate::markdown_table(
            "gocache-doctor ci prepare",
            &["module cache", "size", "result"],
            &[vec![
                p.display().to_string(),
                human_bytes(r.bytes),
                if r.existed {
                    what.into()
                } else {
                    "absent".into()
                },
            ]],
        ));
    }
    Ok(if r.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn trim(a: &TrimArgs) -> Result<ExitCode, String> {
    let ci = Ci::detect();
    let since = a
        .since
        .as_deref()
        .map(ci::parse_time)
        .transpose()
        .map_err(|e| e.to_string())?;
    let projects = if a.keep_modules {
        Vec::new()
    } else if a.projects.is_empty() {
        vec![std::env::current_dir().map_err(|e| format!("current directory: {e}"))?]
    } else {
        a.projects.clone()
    };
    for p in &projects {
        if !p.is_dir() {
            return Err(format!("{}: not a directory", p.display()));
        }
    }
    let report = report(a.common.no_go);
    let opts = TrimOptions {
        since,
        marker: a.common.marker.clone(),
        projects,
        max_size: a.max_size,
        dry_run: a.dry_run,
        now: None,
    };
    let r =
        ci::trim(&report, &crate::env(), &opts, &CancelToken::new()).map_err(|e| e.to_string())?;
    if a.common.json {
        println!("{}", crate::to_json(&r)?);
    } else {
        ci.section_start("gocache_doctor_trim", "gocache-doctor ci trim");
        say!(
            "Keeping build-cache entries used since {} ({}; modified since {}, as Go renews \
             an entry's mtime at most once an hour).",
            ci::format_time(r.since),
            if r.since_from == "marker" {
                "from ci prepare"
            } else {
                "--since"
            },
            ci::format_time(r.cutoff)
        );
        let verb = if r.dry_run {
            "Would remove"
        } else {
            "Removing"
        };
        say!(
            "{verb} {} build-cache entries and {} module versions ({}).",
            r.build_entries,
            r.modules.len(),
            human_bytes(r.planned_bytes)
        );
        say!(
            "Module cache: {} -> {}",
            human_bytes(r.before.modcache),
            human_bytes(r.after.modcache)
        );
        say!(
            "Build cache:  {} -> {}",
            human_bytes(r.before.build),
            human_bytes(r.after.build)
        );
        for w in &r.warnings {
            say!("warning: {w}");
            ci.annotate(Level::Warning, w);
        }
        for f in failures(&r.results) {
            say!("  not removed: {f}");
            ci.annotate(Level::Warning, &format!("not removed: {f}"));
        }
        ci.annotate(
            Level::Notice,
            &format!(
                "gocache-doctor ci trim: module cache {} -> {}, build cache {} -> {}",
                human_bytes(r.before.modcache),
                human_bytes(r.after.modcache),
                human_bytes(r.before.build),
                human_bytes(r.after.build)
            ),
        );
        ci.section_end("gocache_doctor_trim");
    }
    ci.summary(&annotate::markdown_table(
        "gocache-doctor ci trim",
        &["cache", "before", "after"],
        &[
            vec![
                "module cache".into(),
                human_bytes(r.before.modcache),
                human_bytes(r.after.modcache),
            ],
            vec![
                "build cache".into(),
                human_bytes(r.before.build),
                human_bytes(r.after.build),
            ],
        ],
    ));
    Ok(if r.failed() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn kind_word(k: StrayKind) -> &'static str {
    match k {
        StrayKind::ModuleCache => "module cache",
        StrayKind::BuildCache => "build cache",
        StrayKind::GoBuildDir => "go-build directory",
    }
}

#[derive(serde::Serialize)]
struct StrayJson<'a> {
    found: &'a [ci::Stray],
    removed: &'a [ci::StrayRemoval],
}

fn stray(a: &StrayArgs) -> Result<ExitCode, String> {
    let ci = Ci::detect();
    let cancel = CancelToken::new();
    let dir = std::path::absolute(&a.dir).map_err(|e| format!("{}: {e}", a.dir.display()))?;
    let found = ci::find_stray(&dir, &cancel).map_err(|e| e.to_string())?;
    let removed = if a.yes {
        ci::remove_stray(&dir, &found, &cancel)
    } else {
        Vec::new()
    };
    let failed = removed.iter().any(|r| !r.removed);
    if a.json {
        println!(
            "{}",
            crate::to_json(&StrayJson {
                found: &found,
                removed: &removed
            })?
        );
    } else {
        ci.section_start("gocache_doctor_stray", "gocache-doctor ci stray");
        if found.is_empty() {
            say!("No Go cache inside {}.", dir.display());
        }
        for s in &found {
            say!(
                "{:>10}  {:<18}  {}",
                human_bytes(s.bytes),
                kind_word(s.kind),
                s.path.display()
            );
            if !a.yes {
                ci.annotate(
                    Level::Warning,
                    &format!(
                        "a Go {} ({}) inside the workspace: {}",
                        kind_word(s.kind),
                        human_bytes(s.bytes),
                        s.path.display()
                    ),
                );
            }
        }
        for r in &removed {
            if r.removed {
                say!("removed {}", r.path.display());
            } else {
                say!("not removed: {}: {}", r.path.display(), r.errors.join("; "));
                ci.annotate(
                    Level::Warning,
                    &format!("not removed: {}: {}", r.path.display(), r.errors.join("; ")),
                );
            }
        }
        if !found.is_empty() && !a.yes {
            say!("Run again with --yes to remove them.");
        }
        ci.section_end("gocache_doctor_stray");
    }
    if !found.is_empty() {
        let rows: Vec<Vec<String>> = found
            .iter()
            .map(|s| {
                let state = removed
                    .iter()
                    .find(|r| r.path == s.path)
                    .map_or(
                        "found",
                        |r| if r.removed { "removed" } else { "not removed" },
                    );
                vec![
                    s.path.display().to_string(),
                    kind_word(s.kind).into(),
                    human_bytes(s.bytes),
                    state.into(),
                ]
            })
            .collect();
        ci.summary(&annotate::markdown_table(
            "gocache-doctor ci stray",
            &["path", "kind", "size", "result"],
            &rows,
        ));
    }
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
