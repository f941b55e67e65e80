use std::path::{Path, PathBuf};

use super::*;

/// An absolute path on every OS, with a space, a `%`, a `$`, a quote and a backslash-free
/// name.
fn odd_exe() -> PathBuf {
    std::env::temp_dir()
        .join("Go Tools 100%")
        .join("it's $HOME")
        .join("gocache-doctor")
}

#[test]
fn systemd_quoting_doubles_percent_and_dollar_and_escapes_quotes() {
    assert_eq!(
        linux::systemd_quote(r#"/a b/100%/$X/"q"\z"#).unwrap(),
        r#""/a b/100%%/$$X/\"q\"\\z""#
    );
    assert!(linux::systemd_quote("/a\nExecStartPre=/bin/evil").is_err());
}

#[test]
fn service_unit_has_the_quoted_executable() {
    let exe = odd_exe();
    let unit = linux::service_unit(&exe).unwrap();
    let want = format!(
        "ExecStart={} auto run --scheduled\n",
        linux::systemd_quote(exe.to_str().unwrap()).unwrap()
    );
    assert!(unit.contains(&want), "{unit}");
    assert!(unit.contains("100%%") && !unit.contains("100% "), "{unit}");
    assert!(unit.contains("$$HOME"), "{unit}");
    assert!(unit.contains("Type=oneshot\n"));
    let t = linux::timer_unit();
    for l in [
        "OnCalendar=daily\n",
        "Persistent=true\n",
        "OnStartupSec=5min\n",
        "WantedBy=timers.target\n",
    ] {
        assert!(t.contains(l), "{t}");
    }
}

#[test]
fn bad_executables_are_refused() {
    assert!(matches!(
        linux::service_unit(Path::new("relative/gocache-doctor")),
        Err(ScheduleError::BadExecutable { .. })
    ));
    let nl = std::env::temp_dir().join("a\nb");
    assert!(linux::service_unit(&nl).is_err());
    assert!(linux::cron_line(&nl).is_err());
    assert!(macos::launch_agent_plist(&nl).is_err());
    assert!(windows::task_xml(&nl, "u").is_err());
    assert!(linux::cron_quote(r"/a\%b").is_err());
}

#[test]
fn cron_line_quotes_for_sh_and_escapes_percent() {
    assert_eq!(
        linux::cron_quote("/a b/it's 100%").unwrap(),
        r"'/a b/it'\''s 100\%'"
    );
}

/// A crontab line holds a Unix path (a Windows one has backslashes, which are refused).
#[cfg(unix)]
#[test]
fn cron_line_of_an_odd_unix_path() {
    let line = linux::cron_line(&odd_exe()).unwrap();
    assert!(line.starts_with("@daily '"), "{line}");
    assert!(
        line.ends_with(" auto run --scheduled # gocache-doctor-auto"),
        "{line}"
    );
    assert!(linux::is_our_cron_line(&line));
    assert!(
        !line.contains("100%"),
        "an unescaped % ends a cron command: {line}"
    );
}

#[test]
fn crontab_edit_keeps_other_lines_and_has_one_of_ours() {
    let before = "MAILTO=me\n0 * * * * /bin/true # mine\n";
    let ours = "@daily '/x' auto run --scheduled # gocache-doctor-auto";
    let once = linux::edit_crontab(before, Some(ours));
    assert_eq!(once, format!("{before}{ours}\n"));
    assert_eq!(linux::edit_crontab(&once, Some(ours)), once);
    assert_eq!(linux::edit_crontab(&once, None), before);
    assert_eq!(linux::edit_crontab("", None), "");
}

#[test]
fn launch_agent_plist_escapes_and_has_the_triggers() {
    let exe = std::env::temp_dir()
        .join("A & B <c>")
        .join("gocache-doctor");
    let p = macos::launch_agent_plist(&exe).unwrap();
    assert!(p.contains("A &amp; B &lt;c&gt;"), "{p}");
    assert!(!p.contains("A & B"), "{p}");
    assert!(
        p.contains(
            "<string>auto</string>\n    <string>run</string>\n    <string>--scheduled</string>\n"
        ),
        "{p}"
    );
    assert!(p.contains("<key>StartCalendarInterval</key>"));
    assert!(p.contains("<key>RunAtLoad</key>\n  <true/>"));
    assert!(p.contains(&format!("<string>{}</string>", macos::LABEL)));
    assert_eq!(
        macos::plist_path(Path::new("/Users/u")),
        Path::new("/Users/u/Library/LaunchAgents/io.github.gocache-doctor.auto.plist")
    );
}

#[test]
fn task_xml_escapes_and_has_daily_and_logon_triggers() {
    let exe = std::env::temp_dir()
        .join("A & B")
        .join("gocache-doctor.exe");
    let x = windows::task_xml(&exe, r"PC\Jo & Al").unwrap();
    assert!(x.contains("A &amp; B"), "{x}");
    assert!(x.contains(r"<UserId>PC\Jo &amp; Al</UserId>"), "{x}");
    assert!(x.contains("<DaysInterval>1</DaysInterval>"));
    assert!(x.contains("<LogonTrigger>"));
    assert!(x.contains("<StartWhenAvailable>true</StartWhenAvailable>"));
    assert!(x.contains("<Arguments>auto run --scheduled</Arguments>"));
    assert!(x.contains("<RunLevel>LeastPrivilege</RunLevel>"));
    let args = windows::schtasks_create_args(Path::new("t.xml"));
    assert_eq!(
        args,
        ["/Create", "/TN", windows::TASK_NAME, "/XML", "t.xml", "/F"]
    );
    assert_eq!(
        windows::schtasks_delete_args(),
        ["/Delete", "/TN", windows::TASK_NAME, "/F"]
    );
}

#[test]
fn automatic_runs_are_the_marked_entries_newest_first() {
    let e = |time: i64, bytes: u64, automatic: Option<bool>| audit::Entry {
        time,
        targets: vec![],
        bytes_freed: bytes,
        outcomes: vec![],
        ended: None,
        automatic,
    };
    let (runs, total) =
        automatic_runs(&[e(1, 10, Some(true)), e(2, 1000, None), e(3, 5, Some(true))]);
    assert_eq!(total, 15);
    assert_eq!(runs.iter().map(|r| r.time).collect::<Vec<_>>(), [3, 1]);
    // An old line without the field loads as a plain clean.
    let old: audit::Entry =
        serde_json::from_str(r#"{"time":1,"targets":[],"bytes_freed":0,"outcomes":[]}"#).unwrap();
    assert_eq!(old.automatic, None);
    assert!(!serde_json::to_string(&old).unwrap().contains("automatic"));
}

#[test]
fn safe_dir_creates_and_write_atomic_replaces() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path().join("systemd").join("user");
    safe_dir(t.path(), &d).unwrap();
    assert!(d.is_dir());
    let f = d.join("x.timer");
    write_atomic(&f, "one").unwrap();
    write_atomic(&f, "two").unwrap();
    assert_eq!(std::fs::read_to_string(&f).unwrap(), "two");
    assert_eq!(
        std::fs::read_dir(&d).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn safe_dir_refuses_a_symlinked_directory_and_file() {
    let t = tempfile::tempdir().unwrap();
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let base = t.path().join("config");
    std::fs::create_dir(&base).unwrap();
    std::os::unix::fs::symlink(&elsewhere, base.join("systemd")).unwrap();
    let err = safe_dir(&base, &base.join("systemd").join("user")).unwrap_err();
    assert!(matches!(err, ScheduleError::UnsafePath { .. }), "{err}");
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
    let target = t.path().join("target");
    std::fs::write(&target, "keep").unwrap();
    let link = t.path().join("link.timer");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    assert!(write_atomic(&link, "x").is_err());
    assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    use std::os::unix::fs::PermissionsExt;
    let f = t.path().join("f");
    write_atomic(&f, "x").unwrap();
    assert_eq!(
        std::fs::metadata(&f).unwrap().permissions().mode() & 0o077,
        0,
        "user-only"
    );
}

#[test]
fn find_cli_takes_the_tool_beside_the_app_then_on_path_and_names_it_when_missing() {
    let dir = tempfile::tempdir().unwrap();
    let app_dir = dir.path().join("app");
    let path_dir = dir.path().join("bin");
    std::fs::create_dir_all(&app_dir).unwrap();
    std::fs::create_dir_all(&path_dir).unwrap();
    let app = app_dir.join("gocache-doctor-app");
    let path_var = std::env::join_paths([&path_dir]).unwrap();
    let err = super::find_cli(&app, Some(&path_var)).unwrap_err();
    assert!(err.to_string().contains(&super::cli_file_name()), "{err}");
    assert_eq!(err.code(), crate::ErrorCode::NotFound);
    let on_path = path_dir.join(super::cli_file_name());
    std::fs::write(&on_path, "").unwrap();
    assert_eq!(super::find_cli(&app, Some(&path_var)).unwrap(), on_path);
    let beside = app_dir.join(super::cli_file_name());
    std::fs::write(&beside, "").unwrap();
    assert_eq!(super::find_cli(&app, Some(&path_var)).unwrap(), beside);
}
