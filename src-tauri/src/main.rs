//! Go Cache Doctor desktop app entry point.
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() -> std::process::ExitCode {
    // `--elevated-clean <request> --report <report>`: the elevated half of `clean_elevated`,
    // run before any window or WebKit set-up (it may run as root, without a display).
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(code) = gocache_doctor_app::commands::clean::elevated_main(&args) {
        std::process::exit(code);
    }
    match gocache_doctor_app::run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            #[allow(
                clippy::print_stderr,
                reason = "the app cannot start: stderr is the only place left to say why"
            )]
            {
                eprintln!("error while running Go Cache Doctor: {e}");
            }
            std::process::ExitCode::FAILURE
        }
    }
}
