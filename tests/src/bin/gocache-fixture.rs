//! `gocache-fixture`: builds a genuine Go module cache and build cache for benchmarks and
//! end-to-end tests, and prints the JSON summary of docs/contract.md "Fixture builder".

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use gocache_tests::fixture::{self, Spec};

/// Build a Go module cache and build cache from a local file:// GOPROXY.
#[derive(Debug, Parser)]
#[command(name = "gocache-fixture", version)]
struct Args {
    /// Output directory (created; must be empty).
    #[arg(long)]
    out: PathBuf,
    /// Number of modules.
    #[arg(long, default_value_t = Spec::default().modules)]
    modules: usize,
    /// Versions per module.
    #[arg(long, default_value_t = Spec::default().versions)]
    versions: usize,
    /// Filler files (from $GOROOT/src) per module version.
    #[arg(long, default_value_t = Spec::default().files_per_version)]
    files: usize,
    /// Skip `go build` / `go test`, so no build cache is created.
    #[arg(long)]
    no_build_cache: bool,
    /// Also download the fake toolchain module golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64.
    #[arg(long)]
    toolchain: bool,
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]
fn main() -> ExitCode {
    let args = Args::parse();
    let spec = Spec {
        modules: args.modules,
        versions: args.versions,
        files_per_version: args.files,
        build_cache: !args.no_build_cache,
        toolchain: args.toolchain,
    };
    let started = Instant::now();
    let Some(go) = gocache_tests::go_binary() else {
        eprintln!("gocache-fixture: no Go toolchain found (set $GO or put go on PATH)");
        return ExitCode::FAILURE;
    };
    let mut log = |phase: &str, took: std::time::Duration| {
        eprintln!("gocache-fixture: {phase}: {:.1} s", took.as_secs_f64());
    };
    match fixture::build_logged(&go, &spec, &args.out, &mut log) {
        Ok(f) => match serde_json::to_string_pretty(&f) {
            Ok(json) => {
                println!("{json}");
                eprintln!(
                    "gocache-fixture: {} module versions in {:.1} s",
                    f.modules.len(),
                    started.elapsed().as_secs_f64()
                );
                ExitCode::SUCCESS
            }
            Err(e) => {
                eprintln!("gocache-fixture: {e}");
                ExitCode::FAILURE
            }
        },
        Err(e) => {
            eprintln!("gocache-fixture: {e}");
            ExitCode::FAILURE
        }
    }
}
