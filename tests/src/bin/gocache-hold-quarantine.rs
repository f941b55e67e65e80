//! `gocache-hold-quarantine`: another Go Cache Doctor instance in its undo window, for the
//! quarantine tests. Discovers the caches from its environment, plans and executes a clean of
//! `--targets` with quarantine, prints one JSON line `{"held": true, "id": ..., "bytes": N}`
//! and keeps the quarantine (and its locks) until a command arrives on stdin:
//!
//! * `undo`: undoes it and prints `{"restored": N, "superseded": N, "failures": [...]}`;
//! * `purge`: purges it and prints `{"bytes_freed": N}`;
//! * end of input: exits without either (the quarantine stays on disk, as after a crash).
//!
//! ```text
//! gocache-hold-quarantine --home DIR --targets '[{"target":"modcache"},{"target":"build"}]'
//! ```

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use gocache_core::CancelToken;
use gocache_core::clean::{self, ExecOptions, NoCleanProgress, PlanOptions, Target};
use gocache_core::discover;
use gocache_core::env::EnvMap;

/// Hold a clean's quarantine until told what to do with it.
#[derive(Debug, Parser)]
#[command(name = "gocache-hold-quarantine", version)]
struct Args {
    /// The home directory the plan's safety checks use.
    #[arg(long)]
    home: PathBuf,
    /// The targets, as JSON (`[{"target":"modcache"}]`).
    #[arg(long)]
    targets: String,
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]
fn main() -> ExitCode {
    let args = Args::parse();
    let targets: Vec<Target> = match serde_json::from_str(&args.targets) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("gocache-hold-quarantine: --targets: {e}");
            return ExitCode::from(2);
        }
    };
    let env = EnvMap::from_process();
    let report = discover::discover(&env, &discover::Options::default());
    let cancel = CancelToken::new();
    let popts = PlanOptions {
        home: Some(args.home),
        now: None,
    };
    let plan = match clean::plan(&report, &targets, &popts, &cancel) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gocache-hold-quarantine: plan: {e}");
            return ExitCode::from(1);
        }
    };
    let exec = match clean::execute(
        &report,
        &plan,
        &ExecOptions::default(),
        &NoCleanProgress,
        &cancel,
    ) {
        Ok(x) => x,
        Err(e) => {
            eprintln!("gocache-hold-quarantine: execute: {e}");
            return ExitCode::from(1);
        }
    };
    let q = exec.quarantine;
    println!(
        "{}",
        serde_json::json!({"held": true, "id": q.id(), "bytes": q.bytes()})
    );
    let mut line = String::new();
    if std::io::stdin().lock().read_line(&mut line).is_err() {
        return ExitCode::from(1);
    }
    match line.trim() {
        "undo" => {
            let r = q.undo(&cancel);
            println!("{}", serde_json::to_string(&r).unwrap_or_default());
        }
        "purge" => {
            let r = q.purge(&NoCleanProgress, &cancel);
            println!("{}", serde_json::json!({"bytes_freed": r.bytes_freed}));
        }
        "" => drop(q),
        other => {
            eprintln!("gocache-hold-quarantine: unknown command {other:?}");
            return ExitCode::from(2);
        }
    }
    ExitCode::SUCCESS
}
