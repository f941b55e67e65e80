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
    assert!(linux::cron_lines(&nl).is_err());
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
fn cron_lines_of_an_odd_unix_path() {
    let lines = linux::cron_lines(&odd_exe()).unwrap();
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines[0].starts_with("@daily '"), "{lines:?}");
    assert!(lines[1].starts_with("@reboot '"), "{lines:?}");
    assert_eq!(lines[0]["@daily".len()..], lines[1]["@reboot".len()..]);
    for line in &lines {
        assert!(
            line.ends_with(" auto run --scheduled # gocache-doctor-auto"),
            "{line}"
        );
        assert!(linux::is_our_cron_line(line));
        assert!(
            !line.contains("100%"),
            "an unescaped % ends a cron command: {line}"
        );
    }
}

#[test]
fn crontab_edit_keeps_other_lines_and_has_one_of_ours() {
    let before = "MAILTO=me\n0 * * * * /bin/true # mine\n";
    let ours = [
        "@daily '/x' auto run --scheduled # gocache-doctor-auto".to_string(),
        "@reboot '/x' auto run --scheduled # gocache-doctor-auto".to_string(),
    ];
    let once = linux::edit_crontab(before, &ours);
    assert_eq!(once, format!("{before}{}\n{}\n", ours[0], ours[1]));
    assert_eq!(linux::edit_crontab(&once, &ours), once);
    assert_eq!(linux::edit_crontab(&once, &[]), before);
    assert_eq!(linux::edit_crontab("", &[]), "");
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
    assert_eq!(macos::calendar_interval(&p), Some((12, 30)));
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
    assert_eq!(windows::start_boundary(&x), Some((12, 30)));
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
fn catch_up_skips_a_scheduled_run_within_20_hours_of_the_last_automatic_one() {
    let e = |time: i64, automatic: Option<bool>| audit::Entry {
        time,
        targets: vec![],
        bytes_freed: 0,
        outcomes: vec![],
        ended: None,
        automatic,
    };
    let now = 1_000_000;
    assert_eq!(catch_up_skip(&[], now), None);
    // Only automatic runs count: a manual clean an hour ago does not.
    assert_eq!(catch_up_skip(&[e(now - 3600, None)], now), None);
    let why = catch_up_skip(
        &[e(now - 100_000, Some(true)), e(now - 3720, Some(true))],
        now,
    )
    .expect("skips");
    assert!(
        why.contains("1 h 2 min ago") && why.contains("20 h"),
        "{why}"
    );
    assert!(catch_up_skip(&[e(now - CATCH_UP_SECS + 1, Some(true))], now).is_some());
    assert_eq!(
        catch_up_skip(&[e(now - CATCH_UP_SECS, Some(true))], now),
        None
    );
    // A run dated in the future (the clock went back) does not stop the runs.
    assert_eq!(catch_up_skip(&[e(now + 60, Some(true))], now), None);
}

#[test]
fn next_daily_is_today_before_the_time_and_tomorrow_after() {
    let at = |d: &str| chrono::NaiveDateTime::parse_from_str(d, "%Y-%m-%d %H:%M:%S").unwrap();
    assert_eq!(
        next_daily(at("2026-12-06 08:00:00"), 12, 30),
        at("2026-12-06 12:30:00")
    );
    assert_eq!(
        next_daily(at("2026-12-06 12:30:00"), 12, 30),
        at("2026-12-07 12:30:00")
    );
    assert_eq!(
        next_daily(at("2026-12-31 23:59:00"), 0, 0),
        at("2027-01-01 00:00:00")
    );
    let s = next_daily_local(12, 30);
    assert!(s.ends_with(" 12:30 (local time)"), "{s}");
}

/// A scheduler program for the unit tests: answers each call with `answer(program, args)`
/// and records the calls.
struct FakeRunner<F: Fn(&str, &[String]) -> ToolOutput> {
    answer: F,
    calls: std::cell::RefCell<Vec<Vec<String>>>,
}

impl<F: Fn(&str, &[String]) -> ToolOutput> FakeRunner<F> {
    fn new(answer: F) -> Self {
        Self {
            answer,
            calls: std::cell::RefCell::new(Vec::new()),
        }
    }

    fn calls(&self) -> Vec<String> {
        self.calls.borrow().iter().map(|c| c.join(" ")).collect()
    }
}

impl<F: Fn(&str, &[String]) -> ToolOutput> Runner for FakeRunner<F> {
    fn run(&self, program: &str, args: &[String]) -> Result<ToolOutput> {
        let mut call = vec![program.to_string()];
        call.extend(args.iter().cloned());
        self.calls.borrow_mut().push(call);
        Ok((self.answer)(program, args))
    }
}

fn ok(stdout: &str) -> ToolOutput {
    ToolOutput {
        code: Some(0),
        stdout: stdout.into(),
        stderr: String::new(),
    }
}

fn failed(code: i32, stderr: &str) -> ToolOutput {
    ToolOutput {
        code: Some(code),
        stdout: String::new(),
        stderr: stderr.into(),
    }
}

fn mac_context(t: &Path) -> Context {
    let home = t.join("Users").join("jo");
    std::fs::create_dir_all(home.join("Library")).unwrap();
    Context {
        config_home: home.join(".config"),
        home,
        exe: t.join("Applications").join("gocache-doctor"),
        audit_log: None,
    }
}

#[test]
fn macos_install_bootstraps_a_fresh_agent_and_boots_out_a_loaded_one() {
    let t = tempfile::tempdir().unwrap();
    let ctx = mac_context(t.path());
    let plist = macos::plist_path(&ctx.home);
    let p = plist.to_str().unwrap().to_string();
    // Not loaded yet: print fails with 113, bootstrap succeeds.
    let r = FakeRunner::new(|_, a: &[String]| match a[0].as_str() {
        "print" => failed(
            113,
            "Could not find service \"io.github.gocache-doctor.auto\"",
        ),
        _ => ok(""),
    });
    let rep = macos::install(&ctx, &r, 501).unwrap();
    assert_eq!(
        r.calls(),
        [
            "/bin/launchctl print gui/501/io.github.gocache-doctor.auto".to_string(),
            format!("/bin/launchctl bootstrap gui/501 {p}"),
        ]
    );
    assert_eq!(rep.mechanism, Mechanism::LaunchAgent);
    assert_eq!(
        rep.entry.as_deref(),
        Some("gui/501/io.github.gocache-doctor.auto")
    );
    assert_eq!(rep.files, std::slice::from_ref(&plist));
    let text = std::fs::read_to_string(&plist).unwrap();
    assert_eq!(text, macos::launch_agent_plist(&ctx.exe).unwrap());
    // Loaded: booted out first, then bootstrapped again.
    let r = FakeRunner::new(|_, _: &[String]| ok(""));
    macos::install(&ctx, &r, 501).unwrap();
    assert_eq!(
        r.calls(),
        [
            "/bin/launchctl print gui/501/io.github.gocache-doctor.auto".to_string(),
            "/bin/launchctl bootout gui/501/io.github.gocache-doctor.auto".to_string(),
            format!("/bin/launchctl bootstrap gui/501 {p}"),
        ]
    );
}

#[test]
fn macos_install_falls_back_to_load_and_removes_the_plist_when_loading_fails() {
    let t = tempfile::tempdir().unwrap();
    let ctx = mac_context(t.path());
    let plist = macos::plist_path(&ctx.home);
    let p = plist.to_str().unwrap().to_string();
    // An old macOS: no print, no bootstrap.
    let r = FakeRunner::new(|_, a: &[String]| match a[0].as_str() {
        "load" => ok(""),
        _ => failed(1, "Unrecognized subcommand: bootstrap"),
    });
    let rep = macos::install(&ctx, &r, 501).unwrap();
    assert_eq!(
        r.calls()[1..],
        [
            format!("/bin/launchctl bootstrap gui/501 {p}"),
            format!("/bin/launchctl unload -w {p}"),
            format!("/bin/launchctl load -w {p}"),
        ]
    );
    assert!(
        rep.notes[0].contains("launchctl load -w"),
        "{:?}",
        rep.notes
    );
    assert!(plist.is_file());
    // bootstrap fails for real: an error with launchctl's words, and no plist left.
    std::fs::remove_file(&plist).unwrap();
    let r = FakeRunner::new(|_, a: &[String]| match a[0].as_str() {
        "print" => failed(113, "Could not find service"),
        _ => failed(5, "Bootstrap failed: 5: Input/output error"),
    });
    let err = macos::install(&ctx, &r, 501).unwrap_err();
    assert!(err.to_string().contains("Input/output error"), "{err}");
    assert!(!plist.exists());
}

#[cfg(unix)]
#[test]
fn macos_install_refuses_a_symlinked_launch_agents_directory() {
    let t = tempfile::tempdir().unwrap();
    let ctx = mac_context(t.path());
    let elsewhere = t.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    std::os::unix::fs::symlink(&elsewhere, ctx.home.join("Library").join("LaunchAgents")).unwrap();
    let r = FakeRunner::new(|_, _: &[String]| ok(""));
    let err = macos::install(&ctx, &r, 501).unwrap_err();
    assert!(matches!(err, ScheduleError::UnsafePath { .. }), "{err}");
    assert!(r.calls().is_empty());
    assert_eq!(std::fs::read_dir(&elsewhere).unwrap().count(), 0);
}

#[test]
fn macos_uninstall_boots_out_and_removes_the_plist_and_keeps_it_on_an_error() {
    let t = tempfile::tempdir().unwrap();
    let ctx = mac_context(t.path());
    let plist = macos::plist_path(&ctx.home);
    let agents = plist.parent().unwrap().to_path_buf();
    macos::install(&ctx, &FakeRunner::new(|_, _: &[String]| ok("")), 501).unwrap();
    // launchctl refuses: an error, and the plist stays for a retry.
    let r = FakeRunner::new(|_, _: &[String]| failed(1, "Operation not permitted"));
    assert!(macos::uninstall(&ctx, &r, 501).is_err());
    assert!(plist.is_file());
    let r = FakeRunner::new(|_, _: &[String]| ok(""));
    let rep = macos::uninstall(&ctx, &r, 501).unwrap();
    assert_eq!(
        r.calls(),
        ["/bin/launchctl bootout gui/501/io.github.gocache-doctor.auto"]
    );
    assert_eq!(
        rep.unregistered.as_deref(),
        Some("gui/501/io.github.gocache-doctor.auto")
    );
    assert_eq!(rep.removed, [plist.clone(), agents.clone()]);
    assert!(!agents.exists() && ctx.home.join("Library").is_dir());
    // Again: not loaded (exit 3), nothing to remove.
    let r = FakeRunner::new(|_, _: &[String]| failed(3, "Boot-out failed: 3: No such process"));
    let rep = macos::uninstall(&ctx, &r, 501).unwrap();
    assert!(
        rep.removed.is_empty() && rep.unregistered.is_none(),
        "{rep:?}"
    );
}

#[test]
fn macos_status_reads_the_plist_and_launchctl_print() {
    let t = tempfile::tempdir().unwrap();
    let ctx = mac_context(t.path());
    let not_loaded = |_: &str, _: &[String]| failed(113, "Could not find service");
    let st = macos::status(&ctx, &FakeRunner::new(not_loaded), 501);
    assert!(
        !st.installed && st.mechanism.is_none() && st.notes.is_empty(),
        "{st:?}"
    );
    macos::install(&ctx, &FakeRunner::new(|_, _: &[String]| ok("")), 501).unwrap();
    let printed = "gui/501/io.github.gocache-doctor.auto = {\n\tactive count = 0\n\tpath = \
                   /Users/jo/Library/LaunchAgents/io.github.gocache-doctor.auto.plist\n\tstate \
                   = not running\n\n\tprogram = /x\n\truns = 3\n\tlast exit code = 0\n\n\t\
                   event triggers = {\n\t\tstate = nested\n\t}\n}\n";
    let info = macos::parse_print(printed);
    assert_eq!(info.state.as_deref(), Some("not running"));
    assert_eq!(info.runs, Some(3));
    assert_eq!(info.last_exit.as_deref(), Some("0"));
    let st = macos::status(&ctx, &FakeRunner::new(|_, _: &[String]| ok(printed)), 501);
    assert!(st.installed, "{st:?}");
    assert_eq!(st.mechanism, Some(Mechanism::LaunchAgent));
    assert_eq!(st.files, [macos::plist_path(&ctx.home)]);
    let next = st.next_run.clone().unwrap();
    assert!(
        next.contains(" 12:30 (local time), or at the next login"),
        "{next}"
    );
    assert!(
        st.notes[0].contains("state not running, 3 run(s)"),
        "{:?}",
        st.notes
    );
    // The plist without launchd having it: installed, runs at the next login.
    let st = macos::status(&ctx, &FakeRunner::new(not_loaded), 501);
    assert!(st.installed && st.entry.is_none(), "{st:?}");
    assert!(st.next_run.unwrap().contains("next login"));
    assert!(st.notes[0].contains("has not loaded it"), "{:?}", st.notes);
}

#[test]
fn windows_install_writes_utf16_xml_to_a_temporary_file_and_removes_it() {
    let t = tempfile::tempdir().unwrap();
    let ctx = Context {
        home: t.path().to_path_buf(),
        config_home: t.path().to_path_buf(),
        exe: t.path().join("Go Cache Doctor").join("gocache-doctor.exe"),
        audit_log: None,
    };
    let seen = std::cell::RefCell::new(None::<(PathBuf, Vec<u8>)>);
    let r = FakeRunner::new(|_, a: &[String]| {
        let f = PathBuf::from(&a[4]);
        *seen.borrow_mut() = Some((f.clone(), std::fs::read(&f).unwrap()));
        ok("SUCCESS: The scheduled task \"GoCacheDoctorAuto\" has successfully been created.")
    });
    let rep = windows::install(&ctx, &r, r"PC\jo").unwrap();
    assert_eq!(rep.mechanism, Mechanism::TaskScheduler);
    assert_eq!(rep.entry.as_deref(), Some(windows::TASK_NAME));
    let (file, bytes) = seen.borrow_mut().take().unwrap();
    assert_eq!(r.calls().len(), 1);
    assert!(
        r.calls()[0].ends_with(&format!(
            "schtasks.exe /Create /TN GoCacheDoctorAuto /XML {} /F",
            file.display()
        )),
        "{:?}",
        r.calls()
    );
    assert!(file.starts_with(std::env::temp_dir()), "{}", file.display());
    assert!(!file.exists(), "the temporary XML is removed");
    assert_eq!(bytes[..2], [0xFF, 0xFE], "UTF-16LE BOM");
    let units: Vec<u16> = bytes[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let xml = String::from_utf16(&units).unwrap();
    assert_eq!(xml, windows::task_xml(&ctx.exe, r"PC\jo").unwrap());
    // schtasks refuses: its message in the error.
    let r = FakeRunner::new(|_, _: &[String]| failed(1, "ERROR: Access is denied."));
    let err = windows::install(&ctx, &r, r"PC\jo").unwrap_err();
    assert!(err.to_string().contains("Access is denied"), "{err}");
}

#[test]
fn windows_status_and_uninstall_read_schtasks() {
    let xml =
        windows::task_xml(&std::env::temp_dir().join("gocache-doctor.exe"), r"PC\jo").unwrap();
    let list = "Folder: \\\r\nHostName: PC\r\nTaskName: \\GoCacheDoctorAuto\r\nNext Run \
                Time: 12/7/2026 12:30:00 PM\r\nStatus: Ready\r\n";
    assert_eq!(
        windows::parse_next_run(list).as_deref(),
        Some("12/7/2026 12:30:00 PM")
    );
    assert_eq!(windows::parse_next_run("Next Run Time: N/A\r\n"), None);
    let r = FakeRunner::new(|_, a: &[String]| {
        if a.contains(&"/XML".to_string()) {
            ok(&xml)
        } else {
            ok(list)
        }
    });
    let st = windows::status(&r);
    assert!(st.installed, "{st:?}");
    assert_eq!(st.entry.as_deref(), Some("GoCacheDoctorAuto"));
    assert_eq!(
        st.next_run.as_deref(),
        Some("12/7/2026 12:30:00 PM (Task Scheduler), or at the next logon")
    );
    // Another language's list: the next run is computed from the daily trigger.
    let r = FakeRunner::new(|_, a: &[String]| {
        if a.contains(&"/XML".to_string()) {
            ok(&xml)
        } else {
            ok("Nächste Laufzeit: 07.12.2026 12:30:00")
        }
    });
    let next = windows::status(&r).next_run.unwrap();
    assert!(
        next.contains(" 12:30 (local time), or at the next logon"),
        "{next}"
    );
    // No such task.
    let missing =
        |_: &str, _: &[String]| failed(1, "ERROR: The system cannot find the file specified.");
    let st = windows::status(&FakeRunner::new(missing));
    assert!(!st.installed && st.notes.is_empty(), "{st:?}");
    let r = FakeRunner::new(missing);
    let rep = windows::uninstall(&r).unwrap();
    assert!(rep.unregistered.is_none());
    assert_eq!(
        r.calls().len(),
        1,
        "no /Delete without a task: {:?}",
        r.calls()
    );
    // Wine's schtasks /Query succeeds and prints nothing: unknown, said so.
    let st = windows::status(&FakeRunner::new(|_, _: &[String]| ok("")));
    assert!(!st.installed, "{st:?}");
    assert!(st.notes[0].contains("cannot tell"), "{:?}", st.notes);
    // Unknown, then /Delete: succeeds (removed) or fails (there was none).
    let r = FakeRunner::new(|_, _: &[String]| ok(""));
    let rep = windows::uninstall(&r).unwrap();
    assert_eq!(rep.unregistered.as_deref(), Some("GoCacheDoctorAuto"));
    assert!(
        r.calls()[1].ends_with("/Delete /TN GoCacheDoctorAuto /F"),
        "{:?}",
        r.calls()
    );
    let r = FakeRunner::new(|_, a: &[String]| {
        if a[0] == "/Delete" {
            failed(1, "")
        } else {
            ok("")
        }
    });
    assert!(windows::uninstall(&r).unwrap().unregistered.is_none());
    // A task /Query shows that cannot be deleted: an error.
    let r = FakeRunner::new(|_, a: &[String]| {
        if a[0] == "/Delete" {
            failed(1, "ERROR: Access is denied.")
        } else {
            ok(&xml)
        }
    });
    let err = windows::uninstall(&r).unwrap_err();
    assert!(err.to_string().contains("Access is denied"), "{err}");
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
