//! `gocache-doctor verify`: whole-cache (or one project's) integrity check, with repair.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use gocache_core::CancelToken;
use gocache_core::discover::{self, Severity};
use gocache_core::verify::{
    self, Cause, RepairOptions, RepairReport, Status, VerifyEvent, VerifyReport,
};
use serde::Serialize;

use crate::output::human_bytes;

/// Arguments of `verify`.
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// Compare this project's go.sum with the cache and check only the versions it names
    /// (explains "checksum mismatch").
    #[arg(long, value_name = "DIR")]
    project: Option<PathBuf>,
    /// With --project: compare the go.sum lines the cache cannot confirm (versions not
    /// downloaded) and the mismatches with what the proxy in GOPROXY serves (over the network
    /// for an https proxy; never for GOPROXY=off, direct or GONOPROXY/GOPRIVATE modules).
    #[arg(long, requires = "project")]
    compare_proxy: bool,
    /// Remove the broken versions (through the clean engine) and download them again with
    /// `go mod download`, then verify again.
    #[arg(long)]
    repair: bool,
    /// Print JSON instead of tables.
    #[arg(long)]
    json: bool,
    /// Skip the build cache.
    #[arg(long)]
    no_build: bool,
    /// Do not run `go env` to cross-check discovery.
    #[arg(long)]
    no_go: bool,
}

/// The JSON output: the (final) report, plus the repair when one ran.
#[derive(Serialize)]
struct Out<'a> {
    #[serde(flatten)]
    report: &'a VerifyReport,
    repair: Option<&'a RepairReport>,
}

fn verify_once(
    args: &VerifyArgs,
    report: &discover::Report,
    show_progress: bool,
) -> Result<VerifyReport, String> {
    let progress = move |e: VerifyEvent| {
        if let VerifyEvent::VerifyProgress {
            bytes,
            total_bytes,
            versions_done,
            versions,
            ..
        } = e
            && show_progress
        {
            let pct = bytes
                .saturating_mul(100)
                .checked_div(total_bytes)
                .unwrap_or(100);
            eprint!(
                "\r\x1b[2Kverifying: {} of {} ({pct}%), {versions_done}/{versions} versions",
                human_bytes(bytes),
                human_bytes(total_bytes)
            );
        }
    };
    let opts = verify::Options {
        build: !args.no_build && args.project.is_none(),
        env: (!args.no_go).then(crate::env),
        compare_proxy: args.compare_proxy,
        ..verify::Options::default()
    };
    let cancel = CancelToken::new();
    let r = match &args.project {
        Some(p) => verify::verify_project(report, p, &opts, &progress, &cancel),
        None => verify::verify_cache(report, &opts, &progress, &cancel),
    };
    if show_progress {
        eprint!("\r\x1b[2K");
    }
    r.map_err(|e| e.to_string())
}

/// Runs `verify`. Exit code 1 when anything is broken (after a repair: still broken).
pub fn run(args: &VerifyArgs) -> Result<ExitCode, String> {
    let env = crate::env();
    let report = discover::discover(
        &env,
        &discover::Options {
            run_go: !args.no_go,
            ..discover::Options::default()
        },
    );
    let show_progress = !args.json && std::io::stderr().is_terminal();
    let first = verify_once(args, &report, show_progress)?;
    let mut repair = None;
    let mut before = None;
    let fin = if args.repair && first.anything_broken() {
        // Only what this run found broken; the project is the one this run verified.
        let ids = verify::broken_ids(&first);
        let rr = verify::repair(
            &report,
            &env,
            &first,
            &ids,
            args.project.as_deref(),
            &RepairOptions {
                audit_log: gocache_core::clean::audit::default_path(),
                ..RepairOptions::default()
            },
            &CancelToken::new(),
        )
        .map_err(|e| format!("repair: {e}"))?;
        if let Some(e) = &rr.audit_error {
            eprintln!("gocache-doctor: warning: cannot write the audit log: {e}");
        }
        repair = Some(rr);
        before = Some(first);
        verify_once(args, &report, show_progress)?
    } else {
        first
    };
    if args.json {
        let out = Out {
            report: &fin,
            repair: repair.as_ref(),
        };
        let s =
            serde_json::to_string_pretty(&out).map_err(|e| format!("cannot encode JSON: {e}"))?;
        println!("{s}");
    } else {
        if let (Some(b), Some(r)) = (&before, &repair) {
            print!("{}", human(b));
            print!("{}", human_repair(r));
            println!("\nAfter repair:");
        }
        print!("{}", human(&fin));
    }
    Ok(if fin.anything_broken() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Left-aligned columns (the last one unpadded), like the scan tables.
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
            if i + 1 == r.len() {
                line.push_str(cell);
            } else {
                let _ = write!(line, "{cell:<w$}  ");
            }
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

fn sev(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

fn human(r: &VerifyReport) -> String {
    let mut out = String::new();
    let shown: Vec<_> = r
        .modules
        .iter()
        .filter(|m| m.status != Status::Ok && m.status != Status::DownloadOnly)
        .collect();
    if !shown.is_empty() {
        let mut rows = vec![vec![
            "SEVERITY".to_owned(),
            "STATUS".to_owned(),
            "MODULE".to_owned(),
            "VERSION".to_owned(),
            "FILES".to_owned(),
        ]];
        for m in &shown {
            let files: Vec<String> = m
                .files
                .iter()
                .take(6)
                .map(|f| format!("{} ({})", f.name, f.change.as_str()))
                .collect();
            let more = if m.files.len() > 6 { ", ..." } else { "" };
            rows.push(vec![
                sev(m.status.severity()).to_owned(),
                m.status.as_str().to_owned(),
                m.path.clone(),
                m.version.clone(),
                format!("{}{more}", files.join(", ")),
            ]);
        }
        out.push_str(&table(&rows));
        out.push('\n');
        for m in &shown {
            for f in &m.findings {
                let _ = writeln!(out, "{}: {}", m.label(), f.message);
            }
        }
        out.push('\n');
    }
    let download_only = r
        .modules
        .iter()
        .filter(|m| m.status == Status::DownloadOnly)
        .count();
    if !r.problems.is_empty() {
        let mut rows = vec![vec![
            "SEVERITY".to_owned(),
            "PROBLEM".to_owned(),
            "PATH".to_owned(),
            "DETAIL".to_owned(),
        ]];
        for p in r.problems.iter().take(50) {
            rows.push(vec![
                sev(p.severity).to_owned(),
                p.id.clone(),
                p.path
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default(),
                p.message.clone(),
            ]);
        }
        out.push_str(&table(&rows));
        if r.problems.len() > 50 {
            let _ = writeln!(out, "... and {} more (see --json)", r.problems.len() - 50);
        }
        out.push('\n');
    }
    if let Some(p) = &r.project {
        let _ = writeln!(
            out,
            "Project {}: {} go.sum lines, {} match the cache, {} not in the cache, {} mismatched; \
             {} module versions verified ({})",
            p.dir.display(),
            p.lines,
            p.matched,
            p.not_in_cache.len(),
            p.mismatches.len(),
            p.versions_checked,
            p.version_set
        );
        for m in &p.mismatches {
            let cause = match m.cause {
                Cause::CacheCorrupted => "cache corrupted",
                Cause::Retagged => "go.sum wrong or changed upstream",
                Cause::Settings => "settings",
                Cause::GosumWrong => "go.sum is wrong",
                Cause::CacheOther => "the cache holds other content",
            };
            let _ = writeln!(
                out,
                "\n  {}@{}{} (go.sum line {}): {cause}\n    go.sum:     {}\n    cache:      {}",
                m.path,
                m.version,
                if m.go_mod { "/go.mod" } else { "" },
                m.line,
                m.gosum_hash,
                m.cache_hash.as_deref().unwrap_or("(not in the cache)"),
            );
            if let Some(h) = m.proxy.as_ref().and_then(|x| x.proxy_hash.as_deref()) {
                let _ = writeln!(out, "    proxy:      {h}");
            }
            let _ = writeln!(out, "  {}", m.explanation);
            for e in &m.evidence {
                let _ = writeln!(out, "    - {e}");
            }
        }
        if !p.not_in_cache.is_empty() {
            let _ = writeln!(
                out,
                "\n  {} go.sum line(s) the cache cannot confirm (the version is not downloaded; \
                 Go fails when it downloads it if the line is wrong):",
                p.not_in_cache.len()
            );
            for n in &p.not_in_cache {
                let proxy = match &n.proxy {
                    Some(x) => format!(": {}", x.note),
                    None => String::new(),
                };
                let _ = writeln!(out, "    - {} (line {}){proxy}", n.label(), n.line);
            }
            if !p.proxy_compared {
                let _ = writeln!(
                    out,
                    "  Compare them with what the proxy serves: add --compare-proxy."
                );
            }
        }
        out.push('\n');
    }
    if let Some(b) = &r.build {
        let _ = writeln!(
            out,
            "Build cache {}: {} outputs, {} actions checked; {} corrupt outputs, {} malformed \
             actions, {} dangling actions",
            b.path.display(),
            b.output_entries,
            b.action_entries,
            b.corrupt_outputs,
            b.malformed_actions,
            b.dangling_actions
        );
    }
    if r.special_files > 0 {
        let _ = writeln!(
            out,
            "Skipped {} special file(s) (FIFOs, sockets, devices): not read; Go never writes \
             them into its caches (listed above as special-file)",
            r.special_files
        );
    }
    let _ = writeln!(
        out,
        "Checked {} module versions ({} download-only), hashed {} in {:.1} s: {} broken{}",
        r.checked,
        download_only,
        human_bytes(r.bytes_hashed),
        r.elapsed_ms as f64 / 1000.0,
        r.broken,
        if r.cancelled { " (cancelled)" } else { "" }
    );
    if r.anything_broken() {
        out.push_str(
            "Run `gocache-doctor verify --repair` to remove and re-download the broken versions.\n",
        );
    }
    out
}

fn human_repair(r: &RepairReport) -> String {
    let mut out = String::from("\nRepair:\n");
    for i in &r.removed {
        let _ = writeln!(
            out,
            "  {} {}{}",
            match i.outcome {
                gocache_core::clean::Outcome::Removed => "removed",
                gocache_core::clean::Outcome::Skipped => "skipped",
                gocache_core::clean::Outcome::Failed => "FAILED ",
            },
            i.label,
            i.detail
                .as_ref()
                .map(|d| format!(": {}", d.message))
                .unwrap_or_default()
        );
    }
    for s in &r.skipped {
        let _ = writeln!(out, "  skipped {}: {}", s.target, s.reason);
    }
    if let Some(d) = &r.download {
        let _ = writeln!(
            out,
            "  $ {}   (in {})\n{}  {}",
            d.command,
            d.dir.display(),
            d.output
                .lines()
                .map(|l| format!("    {l}\n"))
                .collect::<String>(),
            if d.success {
                "download succeeded"
            } else {
                "download FAILED"
            }
        );
    }
    if let Some(n) = &r.note {
        let _ = writeln!(out, "  {n}");
    }
    out
}
