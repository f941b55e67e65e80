//! `gocache-argv`: prints its arguments (after the program name) as one JSON array of strings
//! on stdout, and does nothing else. The Windows test of the doctor's cmd.exe quoting runs it
//! through a real `cmd /c` to see exactly which arguments a fix command line delivers.
//!
//! ```text
//! gocache-argv "a&b" c
//! ["a&b","c"]
//! ```

use std::io::Write as _;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let Ok(json) = serde_json::to_string(&args) else {
        return ExitCode::FAILURE;
    };
    let mut out = std::io::stdout().lock();
    if writeln!(out, "{json}").and_then(|()| out.flush()).is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
