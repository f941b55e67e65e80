//! Generates the Tauri context and the ACL permissions (`allow-<command>`) of the app commands.

/// `git` output in the workspace, trimmed; `None` without git or outside a repository.
fn git(args: &[&str]) -> Option<String> {
    let out = std::process::Command::new("git")
        .args(args)
        .current_dir("..")
        .output()
        .ok()?;
    let s = String::from_utf8(out.stdout).ok()?.trim().to_owned();
    (out.status.success() && !s.is_empty()).then_some(s)
}

/// The commit and its date for the About dialog (`unknown` outside a git checkout).
fn build_info() {
    let commit = git(&["rev-parse", "--short=9", "HEAD"]).unwrap_or_else(|| "unknown".to_owned());
    let date = git(&["log", "-1", "--format=%cs"]).unwrap_or_else(|| "unknown".to_owned());
    println!("cargo:rustc-env=GOCACHE_DOCTOR_COMMIT={commit}");
    println!("cargo:rustc-env=GOCACHE_DOCTOR_COMMIT_DATE={date}");
    // A new commit moves HEAD or the branch it points to.
    for p in ["../.git/HEAD", "../.git/refs/heads", "../.git/packed-refs"] {
        if std::path::Path::new(p).exists() {
            println!("cargo:rerun-if-changed={p}");
        }
    }
}

fn main() {
    build_info();
    let attributes =
        tauri_build::Attributes::new().app_manifest(tauri_build::AppManifest::new().commands(&[
            "env_report",
            "scan_start",
            "scan_cancel",
            "size_history",
            "watch_start",
            "watch_stop",
            "module_folders",
            "startup_probe",
            "clean_plan",
            "clean_holders",
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
            "system_locale",
            "app_info",
            "open_link",
            "reveal_path",
            "export_modules",
            "reveal_export",
            "auto_policy_set",
            "auto_preview",
            "auto_preview_cancel",
            "auto_run_now",
            "auto_schedule_status",
            "auto_schedule_install",
            "auto_schedule_uninstall",
            "tray_status",
            "cli_path_status",
            "cli_path_install",
            "cli_path_uninstall",
        ]));
    if let Err(error) = tauri_build::try_build(attributes) {
        panic!("tauri-build failed: {error:#}");
    }
}
