//! `gocache-hold`: a program that holds files in a cache the way Windows programs do, for the
//! lock, End process and clean scenarios (tests/integration/windows.rs).
//!
//! ```text
//! gocache-hold [--wait-secs N] [FILE...]
//! ```
//!
//! With `--wait-secs N` it waits N seconds instead of reading stdin (a holder started with no
//! stdin, as a grandchild).
//!
//! Opens every FILE for reading (on Windows with the share mode Go's `os.Open` and most
//! editors use, `FILE_SHARE_READ | FILE_SHARE_WRITE` without `FILE_SHARE_DELETE`, so the file
//! can be neither deleted nor renamed while it is held), prints `ready` on stdout, then waits
//! for a line or the end of stdin and exits 0. Its working directory is whatever the parent
//! chose (`Command::current_dir`), so a directory can be held as a working directory too.
//! Exits 2 when a FILE cannot be opened.

use std::fs::File;
use std::io::{BufRead, Write};
use std::process::ExitCode;

/// Opens `path` for reading with the share mode of Go's `os.Open` on Windows.
fn open(path: &std::ffi::OsStr) -> std::io::Result<File> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(windows)]
    {
        use std::os::windows::fs::OpenOptionsExt;
        const FILE_SHARE_READ: u32 = 0x1;
        const FILE_SHARE_WRITE: u32 = 0x2;
        o.share_mode(FILE_SHARE_READ | FILE_SHARE_WRITE);
    }
    o.open(path)
}

#[allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "a command-line tool"
)]
fn main() -> ExitCode {
    let mut held = Vec::new();
    let mut args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let mut wait = None;
    if args.first().is_some_and(|a| a == "--wait-secs") && args.len() >= 2 {
        wait = args[1].to_str().and_then(|s| s.parse::<u64>().ok());
        args.drain(..2);
    }
    for path in args {
        match open(&path) {
            Ok(f) => held.push(f),
            Err(e) => {
                eprintln!("gocache-hold: {}: {e}", path.to_string_lossy());
                return ExitCode::from(2);
            }
        }
    }
    let mut out = std::io::stdout().lock();
    if writeln!(out, "ready").and_then(|()| out.flush()).is_err() {
        return ExitCode::from(2);
    }
    if let Some(secs) = wait {
        std::thread::sleep(std::time::Duration::from_secs(secs));
    } else {
        let mut line = String::new();
        let _ = std::io::stdin().lock().read_line(&mut line);
    }
    drop(held);
    ExitCode::SUCCESS
}
