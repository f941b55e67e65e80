//! `gocache-doctor clean`: plan, confirm, quarantine, purge, report (issue #3 §7).
//!
//! The JSON output is `{"plan": Plan, "results": [ItemResult...], "bytes_freed": N}` with the
//! serde structs of `gocache_core::clean`; `--dry-run` prints the plan with empty results.
//! The exit code is 1 when any item failed, 2 for usage errors and refusals.

use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use gocache_core::CancelToken;
use gocache_core::clean::select::{self, Criteria};
use gocache_core::clean::{
    self, CleanEvent, ExecOptions, ItemResult, ModuleRef, Outcome, Plan, PlanOptions, Target, audit,
};
use gocache_core::discover::{self, Report};
use gocache_core::env::EnvMap;
use serde::Serialize;

use crate::output::human_bytes;

/// What to clean and how.
#[derive(Debug, Args)]
pub struct CleanArgs {
    /// The whole module cache (like `go clean -modcache`). With --older-than or --keep-latest:
    /// only the matching module versions.
    #[arg(long)]
    modcache: bool,
    /// The build cache (like `go clean -cache`: README, trim.txt, testexpire.txt and fuzz/
    /// stay). With --older-than: only entries unused for that many days.
    #[arg(long)]
    build: bool,
    /// The test cache (like `go clean -testcache`: cached test results are ignored).
    #[arg(long)]
    test: bool,
    /// The fuzz cache (like `go clean -fuzzcache`).
    #[arg(long)]
    fuzz: bool,
    /// Downloaded toolchains (golang.org/toolchain@*) in the module cache.
    #[arg(long)]
    toolchains: bool,
    /// VCS checkouts in the module cache (cache/vcs).
    #[arg(long)]
    vcs: bool,
    /// gopls' cache.
    #[arg(long)]
    gopls: bool,
    /// gopls' module index (`go/imports` in the user cache directory); gopls rebuilds it.
    #[arg(long = "gopls-index")]
    gopls_index: bool,
    /// golangci-lint's cache.
    #[arg(long = "golangci-lint")]
    golangci_lint: bool,
    /// staticcheck's cache.
    #[arg(long)]
    staticcheck: bool,
    /// A module (all its versions) or one module version; repeatable.
    #[arg(long = "module", value_name = "PATH[@VERSION]")]
    modules: Vec<String>,
    /// Module versions not used by any project under the --project directories.
    #[arg(long)]
    unused: bool,
    /// A directory holding Go projects, for --unused; repeatable.
    #[arg(long = "project", value_name = "DIR")]
    projects: Vec<PathBuf>,
    /// Only what has not been used for DAYS days (build-cache entries with --build; module
    /// versions with --modcache, --module or --unused).
    #[arg(long, value_name = "DAYS")]
    older_than: Option<u64>,
    /// With --build: trim the build cache to at most SIZE (e.g. `2GiB`, `500MB`, `1048576`),
    /// least recently used entries first.
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    max_size: Option<u64>,
    /// Keep the latest N versions of each module (with --modcache, --module or --unused).
    #[arg(long, value_name = "N")]
    keep_latest: Option<usize>,
    /// Show what would be removed, remove nothing.
    #[arg(long)]
    dry_run: bool,
    /// Do not ask for confirmation.
    #[arg(long)]
    yes: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// Do not run `go env` during discovery.
    #[arg(long)]
    no_go: bool,
    /// Seconds to wait for Go's lock of a module version before giving up on it.
    #[arg(long, value_name = "SECS", default_value_t = 10)]
    lock_timeout: u64,
}

/// Parses a size: bytes, or a number with a unit (`K`/`KB`/`KiB`, `M`, `G`, `T`; decimal units
/// are powers of 1000, `i` units and bare letters powers of 1024, as `du -h` prints them).
pub(crate) fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("{s:?} is not a size (examples: 2GiB, 500MB, 1048576)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kib" => 1024.0,
        "kb" => 1e3,
        "m" | "mib" => 1024.0 * 1024.0,
        "mb" => 1e6,
        "g" | "gib" => 1024.0 * 1024.0 * 1024.0,
        "gb" => 1e9,
        "t" | "tib" => 1024.0_f64.powi(4),
        "tb" => 1e12,
        other => {
            return Err(format!(
                "unknown size unit {other:?} (use B, KB, KiB, MB, MiB, GB, GiB, TB, TiB)"
            ));
        }
    };
    let bytes = (n * mult).round();
    if !(0.0..=1.8e19).contains(&bytes) {
        return Err(format!("{s:?} is out of range"));
    }
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "checked above to be in 0..=1.8e19 (NaN fails the check), below u64::MAX"
    )]
    Ok(bytes as u64)
}

#[derive(Serialize)]
struct JsonOut<'a> {
    plan: &'a Plan,
    results: &'a [ItemResult],
    bytes_freed: u64,
    dry_run: bool,
}

fn module_selection_wanted(a: &CleanArgs) -> bool {
    a.unused
        || ((a.modcache || !a.modules.is_empty())
            && (a.older_than.is_some() || a.keep_latest.is_some()))
}

/// Module versions picked by --unused / --older-than / --keep-latest, within the --module
/// paths when given: [`select::select_modules`], the selection the app uses too (criteria
/// intersect).
fn select_versions(a: &CleanArgs, report: &Report, env: &EnvMap) -> Result<Vec<ModuleRef>, String> {
    let mut criteria = Vec::new();
    if a.unused {
        criteria.push(Criteria::Unused {
            roots: a.projects.clone(),
        });
    }
    if let Some(days) = a.older_than {
        criteria.push(Criteria::OlderThan { days });
    }
    if let Some(n) = a.keep_latest {
        criteria.push(Criteria::KeepLatest { n });
    }
    let only: Vec<String> = a
        .modules
        .iter()
        .filter(|m| !m.contains('@'))
        .cloned()
        .collect();
    let selection = select::select_modules(report, env, &criteria, &only, &CancelToken::new())
        .map_err(|e| e.to_string())?;
    Ok(selection
        .versions
        .into_iter()
        .map(|v| ModuleRef::new(v.path, v.version))
        .collect())
}

fn targets(a: &CleanArgs, report: &Report, env: &EnvMap) -> Result<Vec<Target>, String> {
    if a.unused && a.projects.is_empty() {
        return Err("--unused needs at least one --project DIR".into());
    }
    if !a.projects.is_empty() && !a.unused {
        return Err("--project is only used with --unused".into());
    }
    let module_sel = module_selection_wanted(a);
    if (a.older_than.is_some() || a.keep_latest.is_some()) && !module_sel && !a.build {
        return Err(
            "--older-than needs --build, --modcache, --module or --unused; --keep-latest needs \
             --modcache, --module or --unused"
                .into(),
        );
    }
    let mut t = Vec::new();
    if module_sel {
        let versions = select_versions(a, report, env)?;
        t.push(Target::ModuleVersions { versions });
        // Explicit PATH@VERSION modules are still removed as asked.
        for m in a.modules.iter().filter(|m| m.contains('@')) {
            t.push(module_target(m)?);
        }
    } else {
        if a.modcache {
            t.push(Target::Modcache);
        }
        for m in &a.modules {
            t.push(module_target(m)?);
        }
    }
    if a.max_size.is_some() && !a.build {
        return Err("--max-size needs --build".into());
    }
    if a.build {
        t.push(match (a.older_than, a.max_size) {
            (Some(_), Some(_)) => {
                return Err("--older-than and --max-size cannot be combined; pick one".into());
            }
            (Some(days), None) => Target::BuildOlderThan {
                #[allow(clippy::cast_precision_loss, reason = "days are small")]
                days: days as f64,
            },
            (None, Some(max_bytes)) => Target::BuildBudget { max_bytes },
            (None, None) => Target::Build,
        });
    }
    let simple = [
        (a.test, Target::Test),
        (a.fuzz, Target::Fuzz),
        (a.toolchains, Target::Toolchains),
        (a.vcs, Target::Vcs),
        (a.gopls, Target::Gopls),
        (a.gopls_index, Target::GoplsIndex),
        (a.golangci_lint, Target::GolangciLint),
        (a.staticcheck, Target::Staticcheck),
    ];
    t.extend(simple.into_iter().filter(|(on, _)| *on).map(|(_, t)| t));
    if t.is_empty() {
        return Err(
            "nothing to clean: pass --modcache, --build, --test, --fuzz, --toolchains, --vcs, \
             --gopls, --gopls-index, --golangci-lint, --staticcheck, --module PATH[@VERSION] \
             or --unused"
                .into(),
        );
    }
    Ok(t)
}

fn module_target(m: &str) -> Result<Target, String> {
    match m.split_once('@') {
        Some((p, v)) if !p.is_empty() && !v.is_empty() => Ok(Target::ModuleVersion {
            path: p.to_owned(),
            version: v.to_owned(),
        }),
        Some(_) => Err(format!("--module {m:?}: expected PATH or PATH@VERSION")),
        None if m.is_empty() => Err("--module needs a module path".into()),
        None => Ok(Target::Module { path: m.to_owned() }),
    }
}

fn plan_text(plan: &Plan) -> String {
    let mut out = String::new();
    if plan.items.is_empty() {
        out.push_str("Nothing to remove.\n");
    }
    for i in &plan.items {
        out.push_str(&format!(
            "  {:>10}  {:>8} files  {}  ({})\n",
            human_bytes(i.bytes),
            i.files,
            i.label,
            i.path.display()
        ));
    }
    for s in &plan.skipped {
        out.push_str(&format!("  skipped: {}: {}\n", s.target, s.reason));
    }
    for w in &plan.warnings {
        out.push_str(&format!("  warning: {w}\n"));
    }
    out.push_str(&format!(
        "Total: {} item(s), {} files, {}\n",
        plan.items.len(),
        plan.total_files,
        human_bytes(plan.total_bytes)
    ));
    out
}

fn results_text(results: &[ItemResult], freed: u64) -> String {
    let mut out = String::new();
    for r in results {
        let what = match r.outcome {
            Outcome::Removed => "removed",
            Outcome::Skipped => "skipped",
            Outcome::Failed => "FAILED ",
        };
        out.push_str(&format!(
            "  {what}  {:>10}  {}\n",
            human_bytes(r.bytes),
            r.label
        ));
        if let (Some(cause), Some(d)) = (r.cause, &r.detail) {
            let c = serde_json::to_value(cause)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default();
            out.push_str(&format!(
                "           {c}: {} ({})\n",
                d.message,
                d.path.display()
            ));
            // macOS: what stands in the way when it is not (only) the owner.
            if let Some(c) = d
                .perm_cause
                .filter(|c| *c != gocache_core::eperm::PermCause::Ownership)
            {
                out.push_str(&format!("           why: {}\n", c.summary()));
            }
            if let Some(o) = &d.owner {
                let name = o.name.clone().unwrap_or_else(|| "?".into());
                let uid = o.uid.map(|u| format!(" (uid {u})")).unwrap_or_default();
                out.push_str(&format!("           owner: {name}{uid}\n"));
            }
            if let Some(holder) = &d.holder {
                out.push_str(&format!("           held by: {holder}\n"));
            }
            if let Some(fix) = &d.fix {
                out.push_str(&format!("           fix: {fix}\n"));
            }
        }
        if let Some(n) = &r.note {
            out.push_str(&format!("           note: {n}\n"));
        }
    }
    out.push_str(&format!("Freed {}\n", human_bytes(freed)));
    out
}

fn confirm(plan: &Plan) -> Result<bool, String> {
    if !std::io::stdin().is_terminal() {
        return Err(
            "refusing to delete without confirmation: stdin is not a terminal; pass --yes \
             (or --dry-run to preview)"
                .into(),
        );
    }
    eprint!("{}", plan_text(plan));
    eprint!("Delete these? [y/N] ");
    let _ = std::io::stderr().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|e| format!("reading the answer: {e}"))?;
    Ok(matches!(line.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

/// Runs `gocache-doctor clean`.
pub fn run(a: &CleanArgs) -> Result<ExitCode, String> {
    let env = crate::env();
    let report = discover::discover(
        &env,
        &discover::Options {
            run_go: !a.no_go,
            ..discover::Options::default()
        },
    );
    let cancel = CancelToken::new();
    if !a.dry_run {
        let left = clean::purge_leftovers(&report, &cancel);
        if !a.json {
            for p in &left.purged {
                eprintln!("purged a leftover quarantine: {}", p.display());
            }
            for (p, why) in &left.skipped {
                eprintln!("left a quarantine alone: {} ({why})", p.display());
            }
        }
    }
    let targets = targets(a, &report, &env)?;
    let plan = clean::plan(&report, &targets, &PlanOptions::default(), &cancel)
        .map_err(|e| e.to_string())?;
    if a.dry_run {
        if a.json {
            println!(
                "{}",
                to_json(&JsonOut {
                    plan: &plan,
                    results: &[],
                    bytes_freed: 0,
                    dry_run: true
                })?
            );
        } else {
            print!("Would remove:\n{}", plan_text(&plan));
            if let Some(text) = crate::locks::plan_holders_text(&report, &plan) {
                print!("{text}");
            }
        }
        return Ok(ExitCode::SUCCESS);
    }
    if !a.yes
        && !plan.items.is_empty()
        && std::io::stdin().is_terminal()
        && let Some(text) = crate::locks::plan_holders_text(&report, &plan)
    {
        eprint!("{text}");
    }
    if !a.yes && !plan.items.is_empty() && !confirm(&plan)? {
        eprintln!("Nothing removed.");
        return Ok(ExitCode::from(2));
    }
    let show = std::io::stderr().is_terminal() && !a.json;
    let progress = move |e: CleanEvent| {
        if show {
            match e {
                CleanEvent::ItemStarted { index, label } => {
                    eprint!("\r\x1b[2K[{}] {label}", index + 1);
                }
                CleanEvent::Purged { done, total, bytes } => {
                    eprint!(
                        "\r\x1b[2Kpurging {done}/{total}, {} freed",
                        human_bytes(bytes)
                    );
                }
                CleanEvent::ItemFinished { .. } => {}
            }
        }
    };
    let opts = ExecOptions {
        lock_timeout: Duration::from_secs(a.lock_timeout),
        holder_lookup: Some(gocache_core::locks::holder_lookup()),
        ..ExecOptions::default()
    };
    let exec =
        clean::execute(&report, &plan, &opts, &progress, &cancel).map_err(|e| e.to_string())?;
    let purge = exec.quarantine.purge(&progress, &cancel);
    if show {
        eprint!("\r\x1b[2K");
    }
    let (results, freed) = clean::finish(exec.results, &purge);
    if let Some(path) = audit::default_path()
        && let Err(e) = audit::record(&path, plan.created, &targets, &results, freed)
    {
        eprintln!("gocache-doctor: warning: cannot write the audit log: {e}");
    }
    if a.json {
        println!(
            "{}",
            to_json(&JsonOut {
                plan: &plan,
                results: &results,
                bytes_freed: freed,
                dry_run: false
            })?
        );
    } else {
        print!("{}", results_text(&results, freed));
    }
    Ok(if results.iter().any(|r| r.outcome == Outcome::Failed) {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn to_json<T: Serialize>(v: &T) -> Result<String, String> {
    serde_json::to_string_pretty(v).map_err(|e| format!("cannot encode JSON: {e}"))
}

#[cfg(test)]
mod tests {
    use super::{ItemResult, Outcome, parse_size, results_text};
    use gocache_core::clean::{CauseDetail, CauseKind};
    use gocache_core::eperm::PermCause;
    use std::path::Path;

    /// A macOS permission failure says which cause applies; an ownership one (every other OS)
    /// prints as before.
    #[test]
    fn permission_failures_say_why() {
        let path = Path::new("/Users/ann/go/pkg/mod/example.com/m@v1.0.0");
        let failed = |cause: Option<PermCause>, fix: &str| {
            let mut d = CauseDetail::message(path, "Operation not permitted (os error 1)");
            d.perm_cause = cause;
            d.fix = Some(fix.to_owned());
            ItemResult {
                path: path.to_path_buf(),
                label: "example.com/m@v1.0.0".into(),
                outcome: Outcome::Failed,
                cause: Some(CauseKind::Permission),
                detail: Some(d),
                bytes: 0,
                in_place: false,
                note: None,
            }
        };
        let text = results_text(
            &[failed(
                Some(PermCause::UserImmutable),
                "chflags -R nouchg '/Users/ann/go/pkg/mod'",
            )],
            0,
        );
        assert!(
            text.contains("why: the user immutable or append-only flag (uchg/uappnd)"),
            "{text}"
        );
        assert!(
            text.contains("fix: chflags -R nouchg '/Users/ann/go/pkg/mod'"),
            "{text}"
        );
        let text = results_text(&[failed(Some(PermCause::PrivacyDenied), "x")], 0);
        assert!(text.contains("why: macOS privacy protection"), "{text}");
        for cause in [None, Some(PermCause::Ownership)] {
            let text = results_text(&[failed(cause, "chmod -R u+rwX '/x'")], 0);
            assert!(!text.contains("why:"), "{text}");
        }
    }

    #[test]
    fn sizes_parse_like_du_prints_them() {
        assert_eq!(parse_size("1048576"), Ok(1_048_576));
        assert_eq!(parse_size("2GiB"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("2G"), Ok(2 * 1024 * 1024 * 1024));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("1.5 KiB"), Ok(1536));
        assert_eq!(parse_size("0"), Ok(0));
        assert!(parse_size("").is_err());
        assert!(parse_size("12 parsecs").is_err());
        assert!(parse_size("-1G").is_err());
        assert!(parse_size("1e30").is_err());
    }
}
