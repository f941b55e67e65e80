//! Go Cache Doctor desktop app entry point.
// Prevents an extra console window on Windows in release builds.
#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

fn main() {
    gocache_doctor_app::run();
}
