//! Generates the Tauri context and the ACL permissions (`allow-<command>`) of the app commands.

fn main() {
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "env_report",
            "scan_start",
            "scan_cancel",
            "startup_probe",
            "clean_plan",
            "clean_execute",
            "clean_undo",
            "clean_purge_now",
            "clean_cancel",
            "clean_elevated",
            "clean_history",
            "select_modules",
            "settings_get",
            "settings_set",
            "pick_directory",
            "locks_list",
            "locks_end",
            "verify_start",
            "verify_cancel",
            "verify_repair",
            "diagnose_text",
            "doctor_checks",
            "guide_context",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
