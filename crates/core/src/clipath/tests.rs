//! The decisions on every OS; the Linux copy for real in a temp HOME (Linux); the Windows
//! registry for real (Windows, and under Wine).

use super::*;

#[test]
fn user_path_with_appends_once_and_keeps_the_rest() {
    let dir = r"C:\Program Files\Go Cache Doctor";
    assert_eq!(
        user_path_with(r"%USERPROFILE%\go\bin;C:\tools", dir).as_deref(),
        Some(r"%USERPROFILE%\go\bin;C:\tools;C:\Program Files\Go Cache Doctor")
    );
    assert_eq!(user_path_with("", dir).as_deref(), Some(dir));
    assert_eq!(
        user_path_with(r"C:\a;", dir).as_deref(),
        Some(r"C:\a;C:\Program Files\Go Cache Doctor")
    );
    // Already there, in another case, with a trailing backslash or quoted: unchanged.
    for present in [
        r"C:\a;c:\program files\go cache doctor",
        r"C:\PROGRAM FILES\GO CACHE DOCTOR\;C:\a",
        r#""C:\Program Files\Go Cache Doctor""#,
    ] {
        assert_eq!(user_path_with(present, dir), None, "{present}");
    }
}

#[test]
fn user_path_without_removes_only_that_directory() {
    let dir = r"C:\Users\me\AppData\Local\Go Cache Doctor";
    assert_eq!(
        user_path_without(
            r"C:\a;C:\Users\me\AppData\Local\Go Cache Doctor;%USERPROFILE%\go\bin",
            dir
        )
        .as_deref(),
        Some(r"C:\a;%USERPROFILE%\go\bin")
    );
    assert_eq!(
        user_path_without(r"c:\users\me\appdata\local\go cache doctor\", dir).as_deref(),
        Some("")
    );
    assert_eq!(user_path_without(r"C:\a;C:\b", dir), None);
    // A directory that only starts like ours is another one.
    assert_eq!(
        user_path_without(r"C:\Users\me\AppData\Local\Go Cache Doctor 2", dir),
        None
    );
}

#[test]
fn install_replaces_only_what_is_ours() {
    assert_eq!(plan_install(Existing::Missing), Plan::Create);
    assert_eq!(plan_install(Existing::Ours), Plan::Replace);
    assert_eq!(plan_install(Existing::Current), Plan::Keep);
    assert_eq!(plan_install(Existing::Unrelated), Plan::Refuse);
    assert_eq!(classify_copy(false, false, false, false), Existing::Missing);
    assert_eq!(classify_copy(true, true, true, false), Existing::Current);
    assert_eq!(classify_copy(true, true, false, true), Existing::Ours);
    assert_eq!(classify_copy(true, true, false, false), Existing::Unrelated);
    // A link or a directory of that name is never ours, whatever it points to.
    assert_eq!(classify_copy(true, false, true, true), Existing::Unrelated);
}

#[test]
fn a_link_is_ours_only_when_it_points_into_an_app_bundle() {
    let cli = Path::new("/Applications/Go Cache Doctor.app/Contents/MacOS/gocache-doctor");
    assert_eq!(classify_link(false, None, cli), Existing::Missing);
    assert_eq!(classify_link(true, None, cli), Existing::Unrelated);
    assert_eq!(classify_link(true, Some(cli), cli), Existing::Current);
    let moved = Path::new("/Users/me/Downloads/Go Cache Doctor.app/Contents/MacOS/gocache-doctor");
    assert_eq!(classify_link(true, Some(moved), cli), Existing::Ours);
    for other in [
        "/opt/homebrew/bin/gocache-doctor",
        "/Users/me/go/bin/gocache-doctor",
        "/Applications/Other.app/Contents/MacOS/other",
        "/x/Contents/MacOS/gocache-doctor",
    ] {
        assert_eq!(
            classify_link(true, Some(Path::new(other)), cli),
            Existing::Unrelated,
            "{other}"
        );
    }
}

#[test]
fn the_context_comes_from_the_apps_executable_and_environment() {
    let home = if cfg!(windows) {
        r"C:\Users\me"
    } else {
        "/home/me"
    };
    let env = crate::env::EnvMap::from_pairs([
        ("HOME", home),
        ("USERPROFILE", home),
        ("PATH", "/usr/bin"),
        ("APPIMAGE", "/home/me/Go.AppImage"),
    ]);
    let exe = Path::new("/opt/gcd/bin/gocache-doctor-app");
    let ctx = Context::from_env(exe, &env, PathBuf::from("/state"));
    assert_eq!(ctx.app_dir, Path::new("/opt/gcd/bin"));
    assert_eq!(ctx.home.as_deref(), Some(Path::new(home)));
    assert_eq!(ctx.path_var, Some(OsString::from("/usr/bin")));
    assert!(ctx.appimage);
    assert_eq!(
        ctx.bundled_cli(),
        Path::new("/opt/gcd/bin").join(format!("gocache-doctor{}", std::env::consts::EXE_SUFFIX))
    );
    let no_appimage = crate::env::EnvMap::from_pairs([("APPIMAGE", "")]);
    assert!(!Context::from_env(exe, &no_appimage, PathBuf::new()).appimage);
}

#[cfg(all(unix, not(target_os = "macos")))]
mod linux_real {
    use std::fs;
    use std::os::unix::fs::PermissionsExt;
    use std::process::Command;

    use super::*;

    /// A temp HOME, an app directory holding an executable `gocache-doctor` that prints
    /// `version`, and a state directory.
    struct Setup {
        _tmp: tempfile::TempDir,
        ctx: Context,
        dest: PathBuf,
    }

    fn write_cli(dir: &Path, version: &str) {
        let cli = dir.join(CLI_NAME);
        fs::write(&cli, format!("#!/bin/sh\necho gocache-doctor {version}\n")).unwrap();
        fs::set_permissions(&cli, fs::Permissions::from_mode(0o755)).unwrap();
    }

    fn setup(appimage: bool) -> Setup {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("home");
        let app_dir = tmp.path().join("mnt/.mount_GoCach1/usr/bin");
        fs::create_dir_all(&home).unwrap();
        fs::create_dir_all(&app_dir).unwrap();
        write_cli(&app_dir, "1.0.0");
        let dest = home.join(".local/bin").join(CLI_NAME);
        let ctx = Context {
            app_dir,
            home: Some(home.clone()),
            path_var: Some(OsString::from("/usr/bin:/bin")),
            appimage,
            state_dir: home.join(".local/share/gocache-doctor"),
        };
        Setup {
            _tmp: tmp,
            ctx,
            dest,
        }
    }

    fn run(cli: &Path) -> String {
        let out = Command::new(cli).output().unwrap();
        assert!(out.status.success());
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    }

    #[test]
    fn appimage_copies_the_cli_to_local_bin_and_detects_it_afterwards() {
        let s = setup(true);
        assert_eq!(
            status(&s.ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );
        let r = install(&s.ctx).unwrap();
        assert_eq!(r.outcome, CliPathOutcome::Installed);
        assert_eq!(r.method, CliPathMethod::Copy);
        assert_eq!(r.location, s.dest);
        assert_eq!(r.cli, s.ctx.app_dir.join(CLI_NAME));
        // ~/.local/bin is not on this PATH: the report says so.
        assert!(!r.on_path);
        assert!(r.new_terminal);
        // A copy (not a link into the mount, which changes on every launch), executable.
        let meta = fs::symlink_metadata(&s.dest).unwrap();
        assert!(meta.file_type().is_file());
        assert_eq!(meta.permissions().mode() & 0o777, 0o755);
        assert_eq!(run(&s.dest), "gocache-doctor 1.0.0");
        // No temp file left beside it.
        let names: Vec<_> = fs::read_dir(s.dest.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, [OsString::from(CLI_NAME)]);

        assert_eq!(
            status(&s.ctx).unwrap().outcome,
            CliPathOutcome::AlreadyInstalled
        );
        assert_eq!(
            install(&s.ctx).unwrap().outcome,
            CliPathOutcome::AlreadyInstalled
        );

        // The AppImage was updated: our older copy is replaced.
        write_cli(&s.ctx.app_dir, "1.1.0");
        assert_eq!(
            status(&s.ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );
        assert_eq!(install(&s.ctx).unwrap().outcome, CliPathOutcome::Updated);
        assert_eq!(run(&s.dest), "gocache-doctor 1.1.0");

        let r = uninstall(&s.ctx).unwrap();
        assert_eq!(r.outcome, CliPathOutcome::Removed);
        assert!(!s.dest.exists());
        assert_eq!(
            uninstall(&s.ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );
        assert_eq!(
            status(&s.ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );
    }

    #[test]
    fn local_bin_on_path_needs_no_new_terminal() {
        let mut s = setup(true);
        let bin = s.dest.parent().unwrap().to_path_buf();
        s.ctx.path_var =
            Some(std::env::join_paths([bin.as_path(), Path::new("/usr/bin")]).unwrap());
        let r = install(&s.ctx).unwrap();
        assert_eq!(r.outcome, CliPathOutcome::Installed);
        assert!(r.on_path);
        assert!(!r.new_terminal);
    }

    #[test]
    fn an_unrelated_file_named_gocache_doctor_is_never_replaced_or_removed() {
        let s = setup(true);
        fs::create_dir_all(s.dest.parent().unwrap()).unwrap();
        fs::write(&s.dest, "#!/bin/sh\necho mine\n").unwrap();
        for result in [install(&s.ctx), uninstall(&s.ctx)] {
            match result {
                Err(CliPathError::Conflict(p)) => assert_eq!(p, s.dest),
                other => panic!("expected a conflict, got {other:?}"),
            }
        }
        assert_eq!(
            status(&s.ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );
        assert_eq!(
            fs::read_to_string(&s.dest).unwrap(),
            "#!/bin/sh\necho mine\n"
        );

        // Ours once, then changed by the user: no longer ours.
        fs::remove_file(&s.dest).unwrap();
        install(&s.ctx).unwrap();
        fs::write(&s.dest, "#!/bin/sh\necho edited\n").unwrap();
        write_cli(&s.ctx.app_dir, "2.0.0");
        assert!(matches!(install(&s.ctx), Err(CliPathError::Conflict(_))));
        assert_eq!(
            fs::read_to_string(&s.dest).unwrap(),
            "#!/bin/sh\necho edited\n"
        );

        // A symbolic link of that name, even to the bundled CLI itself, is left alone.
        fs::remove_file(&s.dest).unwrap();
        std::os::unix::fs::symlink(s.ctx.bundled_cli(), &s.dest).unwrap();
        assert!(matches!(install(&s.ctx), Err(CliPathError::Conflict(_))));
        assert!(
            fs::symlink_metadata(&s.dest)
                .unwrap()
                .file_type()
                .is_symlink()
        );
    }

    #[test]
    fn the_deb_already_has_it_on_path() {
        let mut s = setup(false);
        s.ctx.path_var = Some(
            std::env::join_paths([Path::new("/usr/local/bin"), s.ctx.app_dir.as_path()]).unwrap(),
        );
        for r in [status(&s.ctx), install(&s.ctx), uninstall(&s.ctx)] {
            let r = r.unwrap();
            assert_eq!(r.outcome, CliPathOutcome::ByPackage);
            assert_eq!(r.method, CliPathMethod::Package);
            assert_eq!(r.location, s.ctx.bundled_cli());
        }
        assert!(!s.ctx.home.as_ref().unwrap().join(".local").exists());
        // An AppImage's mount on PATH does not count: its path changes on every launch.
        s.ctx.appimage = true;
        assert_eq!(install(&s.ctx).unwrap().outcome, CliPathOutcome::Installed);
    }

    #[test]
    fn no_cli_next_to_the_app_is_reported() {
        let s = setup(true);
        fs::remove_file(s.ctx.bundled_cli()).unwrap();
        for r in [status(&s.ctx), install(&s.ctx), uninstall(&s.ctx)] {
            assert!(matches!(r, Err(CliPathError::NotBundled(ref p)) if *p == s.ctx.bundled_cli()));
        }
        assert!(!s.dest.exists());
    }
}

#[cfg(windows)]
mod windows_registry {
    use std::process::Command;

    use super::super::windows::{read_user_path, write_user_path};
    use super::*;

    /// Puts the user's `Path` back as it was, whatever the test did.
    struct Restore(Option<(String, u32)>);

    impl Drop for Restore {
        fn drop(&mut self) {
            let v = self.0.as_ref().map(|(s, k)| (s.as_str(), *k));
            write_user_path(v).expect("restore the user's Path");
        }
    }

    /// The user's `Path` as a new process reads it from the registry (`reg query`).
    fn reg_query() -> String {
        let out = Command::new("reg")
            .args(["query", r"HKCU\Environment", "/v", "Path"])
            .output()
            .expect("run reg");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    #[test]
    fn install_adds_the_app_directory_to_the_users_path_once_and_uninstall_removes_it() {
        let saved = read_user_path().unwrap();
        let _restore = Restore(saved.clone());
        let tmp = tempfile::tempdir().unwrap();
        let app_dir = tmp.path().join("Go Cache Doctor");
        std::fs::create_dir_all(&app_dir).unwrap();
        std::fs::write(app_dir.join("gocache-doctor.exe"), b"MZ").unwrap();
        let ctx = Context {
            app_dir: app_dir.clone(),
            home: None,
            path_var: Some(OsString::from(r"C:\windows\system32")),
            appimage: false,
            state_dir: tmp.path().join("state"),
        };
        let dir = crate::os::simplified(app_dir.clone())
            .to_string_lossy()
            .into_owned();
        // A known starting value with an entry to keep, as REG_EXPAND_SZ.
        write_user_path(Some((r"%USERPROFILE%\go\bin", 2))).unwrap();
        assert_eq!(status(&ctx).unwrap().outcome, CliPathOutcome::NotInstalled);

        // No CLI next to the app: an error, and the registry is not touched.
        let bare = Context {
            app_dir: tmp.path().to_path_buf(),
            ..ctx.clone()
        };
        assert!(matches!(install(&bare), Err(CliPathError::NotBundled(_))));
        assert_eq!(
            read_user_path().unwrap(),
            Some((r"%USERPROFILE%\go\bin".to_owned(), 2))
        );

        let r = install(&ctx).unwrap();
        assert_eq!(r.outcome, CliPathOutcome::Installed);
        assert_eq!(r.method, CliPathMethod::UserPath);
        assert_eq!(r.location, PathBuf::from(&dir));
        assert!(r.new_terminal);
        let (value, kind) = read_user_path().unwrap().unwrap();
        assert_eq!(value, format!(r"%USERPROFILE%\go\bin;{dir}"));
        assert_eq!(kind, 2, "REG_EXPAND_SZ");
        // A process started afterwards sees it.
        let seen = reg_query();
        assert!(seen.contains("REG_EXPAND_SZ"), "{seen}");
        assert!(seen.to_lowercase().contains(&dir.to_lowercase()), "{seen}");

        // Twice: detected, not added again.
        assert_eq!(
            install(&ctx).unwrap().outcome,
            CliPathOutcome::AlreadyInstalled
        );
        assert_eq!(
            status(&ctx).unwrap().outcome,
            CliPathOutcome::AlreadyInstalled
        );
        assert_eq!(
            read_user_path().unwrap().unwrap().0.matches(&dir).count(),
            1
        );

        let r = uninstall(&ctx).unwrap();
        assert_eq!(r.outcome, CliPathOutcome::Removed);
        assert_eq!(
            read_user_path().unwrap().unwrap().0,
            r"%USERPROFILE%\go\bin"
        );
        assert!(!reg_query().to_lowercase().contains(&dir.to_lowercase()));
        assert_eq!(
            uninstall(&ctx).unwrap().outcome,
            CliPathOutcome::NotInstalled
        );

        // No Path value at all: install creates it, uninstall deletes it again.
        write_user_path(None).unwrap();
        assert_eq!(install(&ctx).unwrap().outcome, CliPathOutcome::Installed);
        assert_eq!(read_user_path().unwrap().unwrap(), (dir.clone(), 2));
        assert_eq!(uninstall(&ctx).unwrap().outcome, CliPathOutcome::Removed);
        assert_eq!(read_user_path().unwrap(), None);
    }
}
