//! `gocache-doctor`: the headless command line over `gocache-core`, for terminals, CI machines
//! and scripts. Every command has a stable `--json` form (see docs/contract.md).
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a CLI prints its results"
)]

use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

/// Set by `--show-secrets`: print credentials (URL user info, GOAUTH commands, netrc tokens)
/// as they are instead of `***`.
static SHOW_SECRETS: AtomicBool = AtomicBool::new(false);

/// `s` as the CLI shows it: redacted by [`gocache_core::redact::text`] unless `--show-secrets`.
fn shown(s: &str) -> String {
    if SHOW_SECRETS.load(Ordering::Relaxed) {
        s.to_owned()
    } else {
        gocache_core::redact::text(s)
    }
}

// Every line this binary prints goes through `shown`: these shadow std's macros for the whole
// crate (the modules below are in their textual scope), so no output can skip redaction.
macro_rules! println {
    () => { ::std::println!() };
    ($($t:tt)*) => { ::std::print!("{}\n", $crate::shown(&::std::format!($($t)*))) };
}
macro_rules! print {
    ($($t:tt)*) => { ::std::print!("{}", $crate::shown(&::std::format!($($t)*))) };
}
macro_rules! eprintln {
    () => { ::std::eprintln!() };
    ($($t:tt)*) => { ::std::eprint!("{}\n", $crate::shown(&::std::format!($($t)*))) };
}
macro_rules! eprint {
    ($($t:tt)*) => { ::std::eprint!("{}", $crate::shown(&::std::format!($($t)*))) };
}

mod auto;
mod ci;
mod clean;
mod diagnose;
mod doctor;
mod gendoc;
mod locks;
mod output;
mod verify;

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use gocache_core::discover::{self, CacheKind};
use gocache_core::env::EnvMap;
use gocache_core::progress::ProgressEvent;
use gocache_core::shellenv;
use gocache_core::{CancelToken, scan};

/// Find, size and clean Go's module and build caches.
#[derive(Debug, Parser)]
#[command(name = "gocache-doctor", version, about, long_about = None)]
struct Cli {
    /// Show credentials (user:token@ in GOPROXY/GOSUMDB URLs, GOAUTH commands, netrc tokens)
    /// instead of `***`, in every output.
    #[arg(long, global = true)]
    show_secrets: bool,
    /// Take Go's variables (GOMODCACHE, GOPATH, GOFLAGS, PATH, ...) from your login shell
    /// (`$SHELL -l -i`, as a terminal has them) instead of this process's environment: for
    /// scripts started by cron, launchd or systemd. Fails when the shell cannot be read.
    /// GOCACHE_DOCTOR_SHELL_ENV=on does the same.
    #[arg(long, global = true)]
    login_shell_env: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Show Go's cache-related variables, where each value came from, the caches found and
    /// any problems. Honours the same environment variables as `go` (GOMODCACHE, GOENV, ...).
    Env {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
        /// Do not run `go env` to cross-check the resolution.
        #[arg(long)]
        no_go: bool,
    },
    /// Measure every cache: size (like `du -sb`), size on disk (like `du -sB1`), files, and the
    /// largest module versions.
    Scan {
        /// Print JSON instead of tables.
        #[arg(long)]
        json: bool,
        /// How many of the largest modules to list (human output only; JSON lists all).
        #[arg(long, default_value_t = 20)]
        top: usize,
        /// Scan only these kinds (modcache, build, gopls, gopls-index, golangci-lint,
        /// staticcheck, telemetry, gobin).
        #[arg(long = "kind", value_name = "KIND")]
        kinds: Vec<String>,
        /// Do not run `go env` to cross-check discovery.
        #[arg(long)]
        no_go: bool,
        /// Walk every module version again instead of taking the unchanged ones from the scan
        /// index (kept in the data directory, see GOCACHE_DOCTOR_DATA_DIR), and rewrite it.
        #[arg(long)]
        full: bool,
        /// Do not record this scan in the size history (`size-history.jsonl` in
        /// $GOCACHE_DOCTOR_DATA_DIR, else the user's data directory), which the app's
        /// dashboard charts and this command's growth figures read.
        #[arg(long)]
        no_history: bool,
    },
    /// Clean caches safely: preview, confirm, then remove in a way Go accepts (instantly via
    /// a quarantine, then purged). Exit code 1 when anything failed.
    Clean(clean::CleanArgs),
    /// Check the module cache (every version, like `go mod verify` and more) and the build
    /// cache; with --project, explain go.sum "checksum mismatch"; with --repair, remove and
    /// re-download the broken versions. Exit code 1 when anything is broken.
    Verify(verify::VerifyArgs),
    /// Name the processes holding files in the caches (open files, working directories,
    /// mapped files, Go's locks, deleted files still open) with advice; --end PID ends one.
    Locks(locks::LocksArgs),
    /// Explain the output of failing go commands (or rm -rf): causes, the module, version and
    /// path involved, and fixes for your OS. Exit code 1 when an error is found.
    Diagnose(diagnose::DiagnoseArgs),
    /// Check Go's settings and the caches for risky or broken states (GOSUMDB=off, too broad
    /// GOPRIVATE, foreign owners, network drives, ...). Exit code 1 when an error is found.
    Doctor(doctor::DoctorArgs),
    /// Automatic cleanup (the cache GC Go never shipped): `auto run` applies the policy of the
    /// settings now (unused module versions, budgets, unnamed toolchains), skipping a cache
    /// some process works in; `auto install | uninstall | status` manage a daily run of it with
    /// the OS scheduler.
    Auto {
        #[command(subcommand)]
        command: auto::AutoCommand,
    },
    /// Steps for CI jobs (docs/ci.md): `ci prepare` before the cache restore (module cache
    /// made writable, job start recorded), `ci trim` before the cache save (keeps what the
    /// job used), `ci stray DIR` (caches inside a workspace).
    Ci {
        #[command(subcommand)]
        command: ci::CiCommand,
    },
    /// Print the completion script for a shell (bash, zsh, fish, powershell, elvish) on stdout,
    /// e.g. `gocache-doctor completions bash > ~/.local/share/bash-completion/completions/gocache-doctor`.
    /// The .deb and the release archives ship them already.
    Completions(gendoc::CompletionsArgs),
    /// Print the man page (roff) on stdout, or with --out DIR write it and one page per
    /// subcommand there (`man -l DIR/gocache-doctor-clean.1`).
    Man(gendoc::ManArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("gocache-doctor: {msg}");
            ExitCode::from(2)
        }
    }
}

/// The environment every command works with, set once by [`run`].
static ENV: OnceLock<EnvMap> = OnceLock::new();

/// The environment of this run: the process environment, or with `--login-shell-env` (or
/// `GOCACHE_DOCTOR_SHELL_ENV=on`) Go's variables from the login shell.
fn env() -> EnvMap {
    ENV.get().cloned().unwrap_or_else(EnvMap::from_process)
}

/// The process environment, with the login shell's Go variables when asked for. A failed
/// import is an error: a script that asked for the shell's GOMODCACHE must not clean another.
fn resolve_env(requested: bool) -> Result<EnvMap, String> {
    let env = shellenv::environment(shellenv::Caller::Cli { requested });
    if let Some(r) = env.login_shell()
        && let Some(e) = &r.error
    {
        return Err(format!(
            "cannot read the login shell's environment ({}): {}. Without \
                 --login-shell-env (and with {} unset) this process's environment is used.",
            r.shell_command(),
            e.message,
            shellenv::MODE_VAR
        ));
    }
    Ok(env)
}

fn run(cli: Cli) -> Result<ExitCode, String> {
    SHOW_SECRETS.store(cli.show_secrets, Ordering::Relaxed);
    // These describe the binary itself: no environment to read, not even the login shell's.
    match &cli.command {
        Command::Completions(args) => return gendoc::completions(args),
        Command::Man(args) => return gendoc::man(args),
        _ => {}
    }
    let env = resolve_env(cli.login_shell_env)?;
    let env = ENV.get_or_init(|| env).clone();
    match cli.command {
        Command::Clean(args) => clean::run(&args),
        Command::Verify(args) => verify::run(&args),
        Command::Locks(args) => locks::run(&args),
        Command::Diagnose(args) => diagnose::run(&args),
        Command::Doctor(args) => doctor::run(&args),
        Command::Auto { command } => auto::run(&command),
        Command::Ci { command } => ci::run(&command),
        Command::Completions(args) => gendoc::completions(&args),
        Command::Man(args) => gendoc::man(&args),
        Command::Env { json, no_go } => {
            let report = discover::discover(&env, &discover_opts(no_go));
            if json {
                println!("{}", to_json(&report)?);
            } else {
                print!("{}", output::env_table(&report));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan {
            json,
            top,
            kinds,
            no_go,
            full,
            no_history,
        } => {
            let report = discover::discover(&env, &discover_opts(no_go));
            let wanted = parse_kinds(&kinds)?;
            let caches: Vec<_> = report
                .caches
                .iter()
                .filter(|c| wanted.is_empty() || wanted.contains(&c.kind))
                .cloned()
                .collect();
            let show_progress = std::io::stderr().is_terminal();
            let progress = move |e: ProgressEvent| {
                if let ProgressEvent::ScanProgress {
                    kind,
                    total_entries,
                    total_bytes,
                    ..
                } = e
                    && show_progress
                {
                    eprint!(
                        "\r\x1b[2Kscanning {kind}: {total_entries} entries, {}",
                        output::human_bytes(total_bytes)
                    );
                }
            };
            let result = scan::scan(
                &caches,
                &scan::Options {
                    index_dir: scan::index::default_dir(),
                    full,
                    ..scan::Options::default()
                },
                &progress,
                &CancelToken::new(),
            );
            if show_progress {
                eprint!("\r\x1b[2K");
            }
            if let Some(e) = &result.index.write_error {
                eprintln!(
                    "note: the scan index was not saved (the next scan walks everything): {e}"
                );
            }
            let growth = if no_history {
                None
            } else {
                record_history(&result, wanted.is_empty())
            };
            if json {
                let mut v = serde_json::to_value(&result)
                    .map_err(|e| format!("cannot encode JSON: {e}"))?;
                if let (Some(g), Some(obj)) = (&growth, v.as_object_mut()) {
                    obj.insert("growth".into(), output::growth_json(g));
                }
                if let Some(obj) = v.as_object_mut() {
                    let t = serde_json::to_value(&report.telemetry)
                        .map_err(|e| format!("cannot encode JSON: {e}"))?;
                    obj.insert("telemetry".into(), t);
                }
                println!("{}", to_json(&v)?);
            } else {
                print!("{}", output::scan_tables(&report, &result, top));
                if let Some(g) = &growth {
                    print!("{}", output::growth_lines(g));
                }
            }
            let failed = result.caches.iter().any(|c| c.error.is_some());
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}

/// Records a completed scan in the size history (`gocache_core::history`) and returns each
/// scanned cache's growth; warns (and returns `None`) when the history cannot be written.
/// `all_caches`: no `--kind` filter, so the scan is also the last scan the app paints.
fn record_history(
    result: &scan::Report,
    all_caches: bool,
) -> Option<Vec<gocache_core::history::CacheHistory>> {
    use gocache_core::history;
    if result.cancelled {
        return None;
    }
    let dir = history::default_dir()?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX));
    let recorded = history::record(&dir, result, now, all_caches).and_then(|r| {
        if r.newer_format {
            eprintln!(
                "gocache-doctor: note: the size history in {} was written by a newer \
                 release; this scan was appended, the file was not compacted",
                dir.display()
            );
        }
        history::overview(&dir, now)
    });
    match recorded {
        Ok(o) => Some(
            o.caches
                .into_iter()
                .filter(|c| {
                    result
                        .caches
                        .iter()
                        .any(|r| r.kind == c.kind && r.path == c.path)
                })
                .collect(),
        ),
        Err(e) => {
            eprintln!("gocache-doctor: warning: cannot record the size history: {e}");
            None
        }
    }
}

fn discover_opts(no_go: bool) -> discover::Options {
    discover::Options {
        run_go: !no_go,
        ..discover::Options::default()
    }
}

fn parse_kinds(kinds: &[String]) -> Result<Vec<CacheKind>, String> {
    kinds
        .iter()
        .map(|k| {
            CacheKind::from_name(k).ok_or_else(|| {
                let names: Vec<_> = CacheKind::ALL.iter().map(|a| a.as_str()).collect();
                format!(
                    "unknown cache kind {k:?}; expected one of {}",
                    names.join(", ")
                )
            })
        })
        .collect()
}

/// Pretty JSON of `v`, with every string redacted ([`gocache_core::redact::json`], which also
/// knows GOAUTH values) unless `--show-secrets`.
fn to_json<T: serde::Serialize>(v: &T) -> Result<String, String> {
    let mut value = serde_json::to_value(v).map_err(|e| format!("cannot encode JSON: {e}"))?;
    if !SHOW_SECRETS.load(Ordering::Relaxed) {
        gocache_core::redact::json(&mut value);
    }
    serde_json::to_string_pretty(&value).map_err(|e| format!("cannot encode JSON: {e}"))
}
