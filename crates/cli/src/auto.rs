//! `gocache-doctor auto run`: applies the automatic cleanup policy of the settings now
//! (issue #17), with flags that override it for this run.
//!
//! The JSON output is [`gocache_core::autopilot::AutoRun`]. Exit code 1 when a removal
//! failed, 2 for a bad policy or usage.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Args, Subcommand};
use gocache_core::CancelToken;
use gocache_core::autopilot::{self, AutoRun, Overrides, RunOptions, schedule};
use gocache_core::clean::{ExecOptions, Outcome, audit};
use gocache_core::discover;
use gocache_core::settings;

use crate::clean::parse_size;
use crate::output::human_bytes;

/// `auto` subcommands.
#[derive(Debug, Subcommand)]
pub enum AutoCommand {
    /// Apply the automatic cleanup policy now: unused module versions (least recently used
    /// first, until the module cache fits its budget; or those unused for --unused-days), the
    /// build cache's budget, unnamed toolchains. A cache some process works in is skipped.
    Run(RunArgs),
    /// Register a daily run of `auto run --scheduled` (and one at login) with the OS
    /// scheduler, for this user, without root: a systemd user timer on Linux (else crontab
    /// lines), a launchd LaunchAgent on macOS, a Task Scheduler task on Windows.
    Install(JsonArg),
    /// Remove everything `auto install` created (unit files, enable link, our crontab lines;
    /// the LaunchAgent; the Task Scheduler task); nothing else. Running it again does nothing.
    Uninstall(JsonArg),
    /// Whether the daily run is installed (how, where), the last automatic runs, the bytes
    /// they freed and the next run.
    Status(JsonArg),
}

/// The `--json` flag of `auto install | uninstall | status`.
#[derive(Debug, Args)]
pub struct JsonArg {
    /// Print JSON.
    #[arg(long)]
    json: bool,
}

/// `auto run` flags: each overrides the policy of the settings for this run.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// Show what would be removed, remove nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// The module cache's budget (e.g. `5GiB`, `500M`, `1048576`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    modcache_max: Option<u64>,
    /// The build cache's budget (e.g. `2GiB`).
    #[arg(long, value_name = "SIZE", value_parser = parse_size)]
    build_max: Option<u64>,
    /// Remove every unused module version not used for N days.
    #[arg(long, value_name = "N")]
    unused_days: Option<u64>,
    /// Always keep the newest N versions of each module.
    #[arg(long, value_name = "N")]
    keep_latest: Option<u64>,
    /// A folder holding Go projects (repeatable); when given, the only project folders.
    #[arg(long = "project", value_name = "DIR")]
    projects: Vec<PathBuf>,
    /// Do not run `go env` during discovery.
    #[arg(long)]
    no_go: bool,
    /// Run as the OS scheduler does (`auto install`): do nothing while the policy of the
    /// settings is off (`autopilot.enabled` is false), or when the last automatic run is less
    /// than 20 hours old (the daily and login triggers run it at most once a day).
    #[arg(long)]
    scheduled: bool,
}

/// Runs `gocache-doctor auto ...`.
pub fn run(cmd: &AutoCommand) -> Result<ExitCode, String> {
    match cmd {
        AutoCommand::Run(a) => run_now(a),
        AutoCommand::Install(a) => install(a.json),
        AutoCommand::Uninstall(a) => uninstall(a.json),
        AutoCommand::Status(a) => status(a.json),
    }
}

fn context() -> Result<schedule::Context, String> {
    schedule::Context::current(&crate::env()).map_err(|e| e.to_string())
}

fn paths(out: &mut String, label: &str, files: &[PathBuf]) {
    for f in files {
        out.push_str(&format!("{label} {}\n", f.display()));
    }
}

/// A note when the policy is off: scheduled runs then do nothing.
fn policy_off_note() -> Option<String> {
    let dir = settings::default_dir().ok()?;
    let stored = settings::load(&dir).ok()?;
    (!stored.policy().enabled).then(|| {
        format!(
            "the policy is off: scheduled runs do nothing until \"autopilot\": {{\"enabled\": \
             true}} is set in {} (or in the app's settings)",
            dir.join(settings::FILE).display()
        )
    })
}

fn install(json: bool) -> Result<ExitCode, String> {
    let mut r = schedule::install(&context()?).map_err(|e| e.to_string())?;
    r.notes.extend(policy_off_note());
    if json {
        println!("{}", crate::to_json(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = format!("Installed: {}\n", mechanism_words(r.mechanism));
    if let Some(e) = &r.entry {
        out.push_str(&format!("  registered: {e}\n"));
    }
    paths(&mut out, "  wrote", &r.files);
    for l in &r.cron_lines {
        out.push_str(&format!("  crontab line: {l}\n"));
    }
    out.push_str(&format!("Runs: {}\n", r.schedule));
    print!("{out}");
    for n in &r.notes {
        eprintln!("gocache-doctor: {n}");
    }
    Ok(ExitCode::SUCCESS)
}

fn uninstall(json: bool) -> Result<ExitCode, String> {
    let r = schedule::uninstall(&context()?).map_err(|e| e.to_string())?;
    if json {
        println!("{}", crate::to_json(&r)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = String::new();
    if r.removed.is_empty() && !r.cron_line_removed && r.unregistered.is_none() {
        out.push_str("Nothing to remove: the daily run is not installed.\n");
    }
    if let Some(e) = &r.unregistered {
        out.push_str(&format!("Unregistered {e}\n"));
    }
    paths(&mut out, "Removed", &r.removed);
    if r.cron_line_removed {
        out.push_str("Removed the crontab lines.\n");
    }
    print!("{out}");
    for n in &r.notes {
        eprintln!("gocache-doctor: {n}");
    }
    Ok(ExitCode::SUCCESS)
}

fn mechanism_words(m: schedule::Mechanism) -> &'static str {
    match m {
        schedule::Mechanism::SystemdUser => "systemd user timer",
        schedule::Mechanism::Cron => "crontab line",
        schedule::Mechanism::FilesOnly => "unit files only (nothing triggers them)",
        schedule::Mechanism::LaunchAgent => "launchd LaunchAgent",
        schedule::Mechanism::TaskScheduler => "Task Scheduler task",
    }
}

fn status(json: bool) -> Result<ExitCode, String> {
    let mut st = schedule::status(&context()?).map_err(|e| e.to_string())?;
    if st.installed {
        st.notes.extend(policy_off_note());
    }
    if json {
        println!("{}", crate::to_json(&st)?);
        return Ok(ExitCode::SUCCESS);
    }
    let mut out = match st.mechanism {
        Some(m) => format!("Installed: {}\n", mechanism_words(m)),
        None => format!(
            "Not installed (`gocache-doctor auto install` registers a daily run with {}).\n",
            st.scheduler
        ),
    };
    if let Some(e) = &st.entry {
        out.push_str(&format!("  registered: {e}\n"));
    }
    paths(&mut out, "  file", &st.files);
    for l in &st.cron_lines {
        out.push_str(&format!("  crontab line: {l}\n"));
    }
    out.push_str(&format!("Runs: {}\n", st.schedule));
    out.push_str(&format!(
        "Next run: {}\n",
        st.next_run.as_deref().unwrap_or("none")
    ));
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    if st.last_runs.is_empty() {
        out.push_str("No automatic run recorded yet.\n");
    } else {
        out.push_str(&format!(
            "Automatic runs freed {} in total; the last ones:\n",
            human_bytes(st.total_freed)
        ));
        for r in &st.last_runs {
            out.push_str(&format!(
                "  {}: freed {}\n",
                days_ago(now, Some(r.time)),
                human_bytes(r.bytes_freed)
            ));
        }
    }
    print!("{out}");
    for n in &st.notes {
        eprintln!("gocache-doctor: {n}");
    }
    Ok(ExitCode::SUCCESS)
}

fn run_now(a: &RunArgs) -> Result<ExitCode, String> {
    let env = crate::env();
    let dir = settings::default_dir().map_err(|e| e.to_string())?;
    let stored = settings::load(&dir).map_err(|e| e.to_string())?;
    if let Some(n) = &stored.notice {
        eprintln!("gocache-doctor: {n}");
    }
    if a.scheduled && !stored.policy().enabled {
        let msg = format!(
            "the automatic cleanup policy is off (\"autopilot\": {{\"enabled\": false}} in {}): \
             the scheduled run does nothing",
            dir.join(settings::FILE).display()
        );
        if a.json {
            println!(
                "{}",
                crate::to_json(&serde_json::json!({ "ran": false, "reason": msg }))?
            );
        } else {
            println!("{msg}");
        }
        return Ok(ExitCode::SUCCESS);
    }
    if a.scheduled
        && let Some(log) = audit::default_path()
    {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
        // An unreadable log does not stop the run: the clean engine reports it when it writes.
        let entries = audit::read(&log).map(|l| l.entries).unwrap_or_default();
        if let Some(reason) = schedule::catch_up_skip(&entries, now) {
            if a.json {
                println!(
                    "{}",
                    crate::to_json(&serde_json::json!({ "ran": false, "reason": reason }))?
                );
            } else {
                println!("Skipped: {reason}");
            }
            return Ok(ExitCode::SUCCESS);
        }
    }
    let overrides = Overrides {
        modcache_max_bytes: a.modcache_max,
        build_max_bytes: a.build_max,
        unused_days: a.unused_days,
        keep_latest: a.keep_latest,
        projects: a.projects.clone(),
    };
    let policy = autopilot::effective_policy(&stored.policy(), &overrides)
        .map_err(|e| format!("{e} (settings: {})", dir.join(settings::FILE).display()))?;
    let mut warnings = Vec::new();
    let home = gocache_core::os::current().home_dir(&env);
    let roots = autopilot::project_roots(
        &stored.project_roots,
        &overrides,
        &policy,
        home.as_deref(),
        &mut warnings,
    )
    .map_err(|e| format!("--project {e}"))?;
    let report = discover::discover(
        &env,
        &discover::Options {
            run_go: !a.no_go,
            ..discover::Options::default()
        },
    );
    let opts = RunOptions {
        dry_run: a.dry_run,
        exec: ExecOptions {
            lock_timeout: Duration::from_secs(10),
            holder_lookup: Some(gocache_core::locks::holder_lookup()),
            ..ExecOptions::default()
        },
        audit_log: audit::default_path(),
        ..RunOptions::default()
    };
    let mut result = autopilot::run(&report, &env, &policy, &roots, &opts, &CancelToken::new())
        .map_err(|e| e.to_string())?;
    warnings.append(&mut result.warnings);
    result.warnings = warnings;
    if a.json {
        println!("{}", crate::to_json(&result)?);
    } else {
        print!("{}", text(&result));
    }
    Ok(
        if result.results.iter().any(|r| r.outcome == Outcome::Failed) {
            ExitCode::FAILURE
        } else {
            ExitCode::SUCCESS
        },
    )
}

fn size_opt(b: Option<u64>) -> String {
    b.map_or_else(|| "none".into(), human_bytes)
}

fn days_ago(now: i64, t: Option<i64>) -> String {
    match t {
        None => "unknown".into(),
        Some(t) => {
            let d = (now - t).max(0) / 86_400;
            if d == 0 {
                "today".into()
            } else {
                format!("{d} day(s) ago")
            }
        }
    }
}

/// The plain-text report of a run.
fn text(r: &AutoRun) -> String {
    let mut out = String::new();
    let p = &r.policy;
    out.push_str(&format!(
        "Policy: module cache budget {}, unused for {} day(s), keep latest {}, build cache \
         budget {}, unnamed toolchains {}\n",
        size_opt(p.modcache_max_bytes),
        p.unused_days.map_or_else(|| "-".into(), |d| d.to_string()),
        p.keep_latest.map_or_else(|| "-".into(), |d| d.to_string()),
        size_opt(p.build_max_bytes),
        if p.remove_unnamed_toolchains {
            "removed"
        } else {
            "kept"
        },
    ));
    out.push_str(&format!("Projects read: {}\n", r.projects.len()));
    let verb = if r.dry_run { "Would remove" } else { "Removed" };
    let removed: Vec<_> = r.decisions.iter().filter(|d| d.remove).collect();
    if removed.is_empty() {
        out.push_str("No module version to remove.\n");
    } else {
        out.push_str(&format!("{verb} {} module version(s):\n", removed.len()));
        for d in &removed {
            out.push_str(&format!(
                "  {:>10}  {}@{}  last used {} ({}), {}\n",
                human_bytes(d.bytes),
                d.path,
                d.version,
                days_ago(r.time, d.last_use),
                d.source.as_str(),
                reason_text(d.reason),
            ));
        }
    }
    let in_use = r
        .decisions
        .iter()
        .filter(|d| d.reason == autopilot::Reason::InUse)
        .count();
    let kept = r.decisions.iter().filter(|d| !d.remove).count();
    out.push_str(&format!(
        "Kept {kept} module version(s) ({in_use} in use).\n"
    ));
    for c in &r.caches {
        let budget = c.budget.map_or_else(String::new, |b| {
            format!(
                ", budget {}{}",
                human_bytes(b),
                if c.tightened {
                    " (tightened: free space below the floor)"
                } else {
                    ""
                }
            )
        });
        out.push_str(&format!(
            "{} ({}): {} before, {} after{budget}\n",
            c.kind.as_str(),
            c.path,
            human_bytes(c.bytes_before),
            human_bytes(c.bytes_after)
        ));
        if let Some(s) = &c.skipped {
            out.push_str(&format!("  skipped: {s}\n"));
        }
    }
    for res in r.results.iter().filter(|x| x.outcome != Outcome::Removed) {
        let why = res.detail.as_ref().map_or("", |d| d.message.as_str());
        out.push_str(&format!("  not removed: {}: {why}\n", res.label));
    }
    for w in &r.warnings {
        out.push_str(&format!("warning: {w}\n"));
    }
    if r.dry_run {
        let would: u64 = r.plan.as_ref().map_or(0, |p| p.total_bytes);
        out.push_str(&format!("Would free {} (dry run)\n", human_bytes(would)));
    } else {
        out.push_str(&format!("Freed {}\n", human_bytes(r.bytes_freed)));
    }
    out
}

fn reason_text(r: autopilot::Reason) -> &'static str {
    use autopilot::Reason;
    match r {
        Reason::UnusedDays => "unused for longer than the age limit",
        Reason::OverBudget => "least recently used while over the budget",
        Reason::UnnamedToolchain => "a toolchain no project names",
        Reason::InUse => "in use",
        Reason::Latest => "among the latest of its module",
        Reason::Recent => "used recently",
        Reason::Toolchain => "a toolchain",
        Reason::NoProjects => "no project found",
        Reason::GosOwn => "the go command's own (telemetry configuration)",
    }
}
