//! `gocache-doctor locks [PATH] [--json]`: which processes hold files in the caches (issue #5),
//! and `gocache-doctor locks --end PID [--start-time T] [--yes] [--force-system]`.
//!
//! The JSON output is `gocache_core::locks::LocksReport` (`{"holders": [...], "caches": [...],
//! "inaccessible", "warnings", "probe", "elapsed_ms"}`); `--end --json` prints `EndOutcome`
//! (`{"pid", "how", "elapsed_ms"}`).
//!
//! `--end` ends only a process that holds files in the discovered caches: it scans them first,
//! names the holder in the confirmation, and hands its pid and start time (or `--start-time`,
//! from a `locks --json` listing) to the core, which checks both again just before the signal.
//! Exit codes: 0 done, 1 the process could not be ended, 2 usage errors and refusals (PID 1,
//! this process, another user's, a protected one, not a holder, a reused pid).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::Args;
use gocache_core::CancelToken;
use gocache_core::discover::{self, CacheKind, Report};
use gocache_core::locks::{self, EndError, EndOptions, Holder, LocksReport, ProcessIdentity};

/// Which processes hold files in the Go caches.
#[derive(Debug, Args)]
pub struct LocksArgs {
    /// Look only under this path (default: every discovered cache).
    path: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    json: bool,
    /// End this process (SIGTERM, then SIGKILL after --timeout seconds) instead of listing.
    /// Only a process holding files in the discovered caches can be ended.
    #[arg(long, value_name = "PID", conflicts_with = "path")]
    end: Option<u32>,
    /// With --end: the process' start time as `locks --json` listed it (`start_time`); the
    /// process is ended only if it still is that one.
    #[arg(long, value_name = "T", requires = "end")]
    start_time: Option<u64>,
    /// With --end: allow ending another user's, a root/SYSTEM-owned or a session-critical
    /// process; takes effect only when running as root/administrator.
    #[arg(long, requires = "end")]
    force_system: bool,
    /// Do not ask for confirmation before --end.
    #[arg(long)]
    yes: bool,
    /// Seconds to wait after SIGTERM before SIGKILL (--end).
    #[arg(long, value_name = "SECS", default_value_t = 3.0)]
    timeout: f64,
    /// Do not run `go env` during discovery.
    #[arg(long)]
    no_go: bool,
}

/// Runs `gocache-doctor locks`.
pub fn run(a: &LocksArgs) -> Result<ExitCode, String> {
    if let Some(pid) = a.end {
        return end(a, pid);
    }
    let report = discover::discover(
        &crate::env(),
        &discover::Options {
            run_go: !a.no_go,
            ..discover::Options::default()
        },
    );
    let roots = match &a.path {
        Some(p) => {
            let p = std::path::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?;
            if !p.exists() {
                return Err(format!("{}: no such file or directory", p.display()));
            }
            vec![(kind_of(&report, &p), p)]
        }
        None => locks::holders::cache_roots(&report),
    };
    let probe = locks::system_probe();
    let result = locks::find_holders(&roots, probe.as_ref(), &CancelToken::new())
        .map_err(|e| e.to_string())?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&result).map_err(|e| format!("encoding JSON: {e}"))?
        );
    } else {
        print!("{}", report_text(&result));
    }
    Ok(ExitCode::SUCCESS)
}

/// The innermost discovered cache containing `p`.
fn kind_of(report: &Report, p: &std::path::Path) -> Option<CacheKind> {
    report
        .caches
        .iter()
        .filter(|c| p.starts_with(&c.path))
        .max_by_key(|c| c.path.components().count())
        .map(|c| c.kind)
}

/// Runs `locks --end PID`.
fn end(a: &LocksArgs, pid: u32) -> Result<ExitCode, String> {
    let timeout = Duration::try_from_secs_f64(a.timeout)
        .map_err(|_| format!("--timeout {}: not a number of seconds", a.timeout))?;
    let opts = EndOptions {
        timeout,
        allow_elevated: a.force_system,
        // An ended process is a line in the History, like a clean.
        audit_log: gocache_core::clean::audit::default_path(),
    };
    // Who it is first (PID 1, this process, gone, another user's, protected), then whether it
    // holds anything in the caches.
    locks::preflight(pid, &opts).map_err(|e| e.to_string())?;
    let report = discover::discover(
        &crate::env(),
        &discover::Options {
            run_go: !a.no_go,
            ..discover::Options::default()
        },
    );
    let roots = locks::holders::cache_roots(&report);
    let probe = locks::system_probe();
    let scan = locks::find_holders(&roots, probe.as_ref(), &CancelToken::new())
        .map_err(|e| e.to_string())?;
    let Some(holder) = scan.holders.iter().find(|h| h.pid == pid) else {
        return Err(EndError::NotAHolder(pid).to_string());
    };
    let start_time = match (a.start_time, holder.start_time) {
        (Some(given), Some(now)) if given != now => {
            return Err(EndError::Changed(pid).to_string());
        }
        (_, Some(now)) => now,
        (_, None) => return Err(EndError::Unidentified(pid).to_string()),
    };
    let who = locks::describe(holder);
    if !a.yes {
        if !std::io::stdin().is_terminal() {
            return Err(
                "refusing to end a process without confirmation: stdin is not a terminal; pass \
                 --yes"
                    .into(),
            );
        }
        eprint!("End {who}? [y/N] ");
        let _ = std::io::stderr().flush();
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .map_err(|e| format!("reading the answer: {e}"))?;
        if !matches!(line.trim(), "y" | "Y" | "yes" | "Yes" | "YES") {
            eprintln!("Nothing ended.");
            return Ok(ExitCode::from(2));
        }
    }
    let target = ProcessIdentity { pid, start_time };
    match locks::end_process(target, &roots, probe.as_ref(), &opts) {
        Ok(out) => {
            if a.json {
                println!(
                    "{}",
                    serde_json::to_string_pretty(&out)
                        .map_err(|e| format!("encoding JSON: {e}"))?
                );
            } else {
                let how = match out.how {
                    locks::EndHow::Exited => "exited",
                    locks::EndHow::Killed => "was killed",
                    locks::EndHow::AlreadyGone => "was already gone",
                };
                println!("Process {pid} {how} ({} ms).", out.elapsed_ms);
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(
            e @ (EndError::System(_)
            | EndError::ItSelf(_)
            | EndError::OtherUser { .. }
            | EndError::Protected { .. }
            | EndError::NotAHolder(_)
            | EndError::Changed(_)
            | EndError::NotFound(_)),
        ) => Err(e.to_string()),
        Err(e) => {
            eprintln!("gocache-doctor: {e}");
            Ok(ExitCode::FAILURE)
        }
    }
}

/// Left-aligned columns.
fn table(rows: &[Vec<String>]) -> String {
    let cols = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..cols)
        .map(|c| {
            rows.iter()
                .filter_map(|r| r.get(c))
                .map(|s| s.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for r in rows {
        let mut line = String::new();
        for (i, cell) in r.iter().enumerate() {
            let w = widths.get(i).copied().unwrap_or(0);
            let _ = write!(line, "{cell:<w$}  ");
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn what(h: &Holder) -> String {
    h.tool
        .clone()
        .or_else(|| h.app_name.clone())
        .unwrap_or_else(|| "-".into())
}

/// The holders as an aligned table, then per holder what it holds (grouped by module version)
/// and the advice.
pub fn holders_text(r: &LocksReport) -> String {
    let mut out = String::new();
    let mut rows = vec![vec![
        "PID".to_owned(),
        "USER".into(),
        "NAME".into(),
        "WHAT".into(),
        "KINDS".into(),
        "CACHES".into(),
    ]];
    for h in &r.holders {
        rows.push(vec![
            h.pid.to_string(),
            h.user
                .clone()
                .or_else(|| h.uid.map(|u| u.to_string()))
                .unwrap_or_else(|| "?".into()),
            h.name.clone(),
            what(h),
            h.kinds
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(","),
            h.caches
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(","),
        ]);
    }
    out.push_str(&table(&rows));
    for h in &r.holders {
        let _ = writeln!(out, "\n{} (pid {}):", h.name, h.pid);
        // Module versions first (one line each), then up to 5 other paths.
        let mut by_module: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        let mut others = Vec::new();
        for p in &h.paths {
            match &p.module {
                Some(m) => by_module.entry(m).or_default().push(p.kind.as_str()),
                None => others.push(p),
            }
        }
        for (m, mut kinds) in by_module {
            kinds.sort_unstable();
            kinds.dedup();
            let _ = writeln!(out, "  {m}  ({})", kinds.join(", "));
        }
        for p in others.iter().take(5) {
            let _ = writeln!(out, "  {}  ({})", p.path.display(), p.kind.as_str());
        }
        if others.len() > 5 {
            let _ = writeln!(out, "  ... and {} more paths", others.len() - 5);
        }
        let _ = writeln!(out, "  advice: {}", h.advice);
    }
    out
}

fn report_text(r: &LocksReport) -> String {
    let mut out = String::new();
    if r.holders.is_empty() {
        out.push_str("No process holds files in the caches.\n");
    } else {
        out.push_str(&holders_text(r));
    }
    if r.inaccessible > 0 {
        let _ = writeln!(
            out,
            "\n{} process(es) of other users could not be inspected; run as root to see them.",
            r.inaccessible
        );
    }
    for w in &r.warnings {
        let _ = writeln!(out, "warning: {w}");
    }
    let _ = writeln!(out, "({} probe, {} ms)", r.probe, r.elapsed_ms);
    out
}

/// The holders of a clean plan's items (one quick probe), as text for the confirmation
/// prompt; `None` when nobody holds anything there (or the probe failed).
pub fn plan_holders_text(report: &Report, plan: &gocache_core::clean::Plan) -> Option<String> {
    let probe = locks::system_probe();
    let r = locks::find_holders_of_plan(plan, report, probe.as_ref(), &CancelToken::new()).ok()?;
    if r.holders.is_empty() {
        return None;
    }
    Some(format!(
        "Processes holding files in what would be removed ({}):\n{}\n",
        r.holders.len(),
        holders_text(&r)
    ))
}
