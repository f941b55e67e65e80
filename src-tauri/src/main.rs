//! Go Cache Doctor desktop app entry point.
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    // `--elevated-clean <request> --report <report>`: the elevated half of `clean_elevated`,
    // run before any window or WebKit set-up (it may run as root, without a display).
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    if let Some(code) = gocache_doctor_app::commands::clean::elevated_main(&args) {
        std::process::exit(code);
    }
    gocache_doctor_app::run();
}
