//! `gocache-doctor completions SHELL` and `gocache-doctor man [--out DIR]`: shell completion
//! scripts and man pages generated from this binary's own clap definitions (issue #18), so
//! what the .deb and the release archives install always matches the commands it has.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

/// The name the completions and man pages are written for (the installed binary's name).
pub const BIN_NAME: &str = "gocache-doctor";

/// Arguments of `completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Arguments of `man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `gocache-doctor.1` and one page per subcommand (`gocache-doctor-clean.1`,
    /// `gocache-doctor-auto-run.1`, ...) into DIR, created if missing, and list them; without
    /// it, print the main page to stdout (`gocache-doctor man | man -l -`).
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
}

/// The complete command tree, as clap parses it.
fn command() -> clap::Command {
    crate::Cli::command().bin_name(BIN_NAME)
}

/// The command tree the man pages describe: built (so subcommands carry their full names, as
/// `gocache-doctor-clean`), without the `help` subcommand, which has no page of its own.
fn man_command() -> clap::Command {
    let mut cmd = command().disable_help_subcommand(true);
    cmd.build();
    cmd
}

/// Runs `completions`: the script on stdout, written as is (no redaction: it holds no
/// settings, only the commands' names, flags and help).
pub fn completions(args: &CompletionsArgs) -> Result<ExitCode, String> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut command(), BIN_NAME, &mut script);
    if args.shell == Shell::Bash {
        script = fix_bash_hyphen(&script).into_bytes();
    }
    write_stdout(&script)?;
    Ok(ExitCode::SUCCESS)
}

/// clap_complete's bash script for a binary name with a hyphen completes nothing past the
/// first subcommand (clap-rs/clap#6421): it sets its state to `gocache__doctor__subcmd__auto`
/// but matches `gocache__subcmd__doctor__subcmd__auto`. Renames the matched states to the ones
/// it sets (nothing to rename once fixed upstream).
fn fix_bash_hyphen(script: &[u8]) -> String {
    let text = String::from_utf8_lossy(script);
    let wrong = format!("{}__subcmd__", BIN_NAME.replace('-', "__subcmd__"));
    let right = format!("{}__subcmd__", BIN_NAME.replace('-', "__"));
    text.replace(&wrong, &right)
}

/// Runs `man`: the pages into `--out`, or the main page on stdout.
pub fn man(args: &ManArgs) -> Result<ExitCode, String> {
    match &args.out {
        Some(dir) => {
            for page in write_pages(dir)? {
                println!("{}", page.display());
            }
        }
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(man_command())
                .render(&mut page)
                .map_err(|e| format!("cannot render the man page: {e}"))?;
            write_stdout(&page)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Writes the main page and one per (sub)subcommand into `dir`; returns their paths, sorted.
fn write_pages(dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let mut written = Vec::new();
    let mut todo = vec![man_command()];
    while let Some(cmd) = todo.pop() {
        todo.extend(cmd.get_subcommands().filter(|s| !s.is_hide_set()).cloned());
        let path = clap_mangen::Man::new(cmd)
            .generate_to(dir)
            .map_err(|e| format!("cannot write a man page into {}: {e}", dir.display()))?;
        written.push(path);
    }
    written.sort();
    Ok(written)
}

/// `bytes` on stdout, unchanged; a closed pipe (`| head`) is not an error.
fn write_stdout(bytes: &[u8]) -> Result<(), String> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write to stdout: {e}"))
        }
        _ => Ok(()),
    }
}
