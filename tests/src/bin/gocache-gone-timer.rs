//! `gocache-gone-timer`: runs a command and measures, on one clock started just before the
//! command is spawned, (a) when every watched path has vanished (polled with `lstat` about
//! every `--poll-us` microseconds, 1 ms by default) and (b) when the command exits. Used by
//! bench/clean.sh to tell "the cache is gone for Go" apart from "the purge is finished".
//!
//! ```text
//! gocache-gone-timer --watch DIR [--watch DIR2 ...] [--poll-us 1000] -- CMD ARGS...
//! {"gone_s": 0.0012, "exit_s": 12.3, "status": 0, "user_s": 1.1, "sys_s": 9.8}
//! ```
//! `gone_s` is null when a watched path still exists after the command exited; `user_s` and
//! `sys_s` are the CPU times of the command and its waited-for children (`getrusage`).

use std::path::PathBuf;
use std::process::{Command, ExitCode};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;

/// Time a command, and the moment the watched paths disappear.
#[derive(Debug, Parser)]
#[command(name = "gocache-gone-timer", version)]
struct Args {
    /// A path whose disappearance is timed (repeatable: all must be gone).
    #[arg(long, required = true)]
    watch: Vec<PathBuf>,
    /// Polling interval in microseconds.
    #[arg(long, default_value_t = 1000)]
    poll_us: u64,
    /// The command and its arguments.
    #[arg(last = true, required = true)]
    command: Vec<String>,
}

fn gone(paths: &[PathBuf]) -> bool {
    paths.iter().all(|p| std::fs::symlink_metadata(p).is_err())
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]
fn main() -> ExitCode {
    let args = Args::parse();
    for p in &args.watch {
        if std::fs::symlink_metadata(p).is_err() {
            eprintln!("gocache-gone-timer: {} does not exist", p.display());
            return ExitCode::from(2);
        }
    }
    let Some((program, rest)) = args.command.split_first() else {
        eprintln!("gocache-gone-timer: no command");
        return ExitCode::from(2);
    };
    let done = Arc::new(AtomicBool::new(false));
    let gone_at: Arc<Mutex<Option<Duration>>> = Arc::new(Mutex::new(None));
    let start = Instant::now();
    let watcher = {
        let (done, gone_at, paths) = (done.clone(), gone_at.clone(), args.watch.clone());
        let poll = Duration::from_micros(args.poll_us);
        std::thread::spawn(move || {
            loop {
                let finished = done.load(Ordering::Acquire);
                if gone(&paths) {
                    if let Ok(mut g) = gone_at.lock() {
                        *g = Some(start.elapsed());
                    }
                    return;
                }
                if finished {
                    return;
                }
                std::thread::sleep(poll);
            }
        })
    };
    let status = match Command::new(program).args(rest).status() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("gocache-gone-timer: cannot run {program}: {e}");
            return ExitCode::from(2);
        }
    };
    let exit = start.elapsed();
    done.store(true, Ordering::Release);
    let _ = watcher.join();
    let gone_s = gone_at
        .lock()
        .ok()
        .and_then(|g| *g)
        .map(|d| d.as_secs_f64());
    let (user_s, sys_s) = child_cpu();
    let out = serde_json::json!({
        "gone_s": gone_s,
        "exit_s": exit.as_secs_f64(),
        "status": status.code(),
        "user_s": user_s,
        "sys_s": sys_s,
    });
    println!("{out}");
    if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// User and system CPU seconds of the waited-for children, from `/proc/self/stat`
/// (`cutime`, `cstime`, in clock ticks of 1/100 s on Linux).
fn child_cpu() -> (Option<f64>, Option<f64>) {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return (None, None);
    };
    // Fields after the parenthesised command name; cutime and cstime are fields 16 and 17.
    let Some(after) = stat.rsplit_once(')').map(|(_, a)| a) else {
        return (None, None);
    };
    let fields: Vec<&str> = after.split_whitespace().collect();
    let tick = |i: usize| {
        fields
            .get(i)
            .and_then(|f| f.parse::<f64>().ok())
            .map(|t| t / 100.0)
    };
    // `after` starts at field 3 (state), so field N is at index N - 3.
    (tick(16 - 3), tick(17 - 3))
}
