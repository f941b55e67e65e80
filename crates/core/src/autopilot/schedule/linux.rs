//! Linux (and the BSDs): a systemd user service + timer, else a crontab line.
//!
//! The texts are pure functions (tested on every OS); [`install`], [`uninstall`] and
//! [`status`] run `systemctl --user` and `crontab` found on `PATH`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::{
    Context, InstallReport, Mechanism, Result, ScheduleError, Status, UninstallReport,
    empty_status, next_daily_local, remove_if_exists, safe_dir, validate_exe, write_atomic,
};

/// The service unit's file name.
pub const SERVICE: &str = "gocache-doctor-auto.service";
/// The timer unit's file name.
pub const TIMER: &str = "gocache-doctor-auto.timer";
/// The marker that ends our crontab lines (a shell comment), so uninstall removes only them.
pub const CRON_MARKER: &str = "# gocache-doctor-auto";
/// The schedule of the systemd timer, in words.
pub const SYSTEMD_SCHEDULE: &str = "daily (systemd OnCalendar=daily: at midnight plus up to 1 h \
    random delay; a run missed while the computer was off runs at the next start), and 5 min \
    after login (OnStartupSec=5min); a run less than 20 h after the last automatic one does \
    nothing";
/// The schedule of the crontab lines, in words.
pub const CRON_SCHEDULE: &str = "daily at midnight (cron @daily) and at each boot (cron \
    @reboot, which catches up a day missed while the computer was off); a run less than 20 h \
    after the last automatic one does nothing";

/// The directory of the user's systemd units: `<config_home>/systemd/user`.
pub fn unit_dir(config_home: &Path) -> PathBuf {
    config_home.join("systemd").join("user")
}

/// One word of an `ExecStart=` command line, quoted by systemd's rules: double quotes, `\` and
/// `"` backslash-escaped, `%` (specifiers) doubled and `$` (variable expansion) doubled.
///
/// # Errors
/// [`ScheduleError::BadExecutable`] for control characters (newlines would end the setting).
pub fn systemd_quote(word: &str) -> std::result::Result<String, String> {
    if word.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    let mut out = String::with_capacity(word.len() + 2);
    out.push('"');
    for c in word.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '%' => out.push_str("%%"),
            '$' => out.push_str("$$"),
            c => out.push(c),
        }
    }
    out.push('"');
    Ok(out)
}

/// The service unit that runs `<exe> auto run` once.
///
/// # Errors
/// [`ScheduleError::BadExecutable`] when `exe` cannot be written safely.
pub fn service_unit(exe: &Path) -> Result<String> {
    let s = validate_exe(exe)?;
    let q = systemd_quote(s).map_err(|reason| ScheduleError::BadExecutable {
        path: exe.to_path_buf(),
        reason,
    })?;
    Ok(format!(
        "# Written by `gocache-doctor auto install`; removed by `gocache-doctor auto uninstall`.\n\
         [Unit]\n\
         Description=Go Cache Doctor automatic cleanup\n\
         Documentation=https://github.com/gocache-doctor/gocache-doctor#automatic-cleanup\n\
         \n\
         [Service]\n\
         Type=oneshot\n\
         ExecStart={q} {}\n\
         Nice=19\n\
         IOSchedulingClass=idle\n",
        super::RUN_ARGS.join(" ")
    ))
}

/// The timer unit: daily (persistent, with a random delay) and 5 minutes after the user's
/// manager starts (login).
pub fn timer_unit() -> String {
    format!(
        "# Written by `gocache-doctor auto install`; removed by `gocache-doctor auto uninstall`.\n\
         [Unit]\n\
         Description=Daily Go Cache Doctor automatic cleanup\n\
         \n\
         [Timer]\n\
         OnCalendar=daily\n\
         Persistent=true\n\
         OnStartupSec=5min\n\
         RandomizedDelaySec=1h\n\
         Unit={SERVICE}\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n"
    )
}

/// A word of a crontab command, quoted for `/bin/sh` (single quotes) with cron's `%` escaped.
///
/// # Errors
/// A reason for control characters and backslashes (cron's `\%` escape makes a backslash
/// before `%` ambiguous).
pub fn cron_quote(word: &str) -> std::result::Result<String, String> {
    if word.chars().any(char::is_control) {
        return Err("contains a control character".into());
    }
    if word.contains('\\') {
        return Err("contains a backslash, which a crontab line cannot carry unambiguously".into());
    }
    let mut out = String::from("'");
    for c in word.chars() {
        match c {
            '\'' => out.push_str("'\\''"),
            '%' => out.push_str("\\%"),
            c => out.push(c),
        }
    }
    out.push('\'');
    Ok(out)
}

/// Our crontab lines: `@daily '<exe>' auto run --scheduled # gocache-doctor-auto` and the
/// same with `@reboot` (the run at login where there is no systemd; the scheduled run skips
/// itself when the daily one ran less than 20 h before).
///
/// # Errors
/// [`ScheduleError::BadExecutable`] when `exe` cannot be written safely.
pub fn cron_lines(exe: &Path) -> Result<Vec<String>> {
    let s = validate_exe(exe)?;
    let q = cron_quote(s).map_err(|reason| ScheduleError::BadExecutable {
        path: exe.to_path_buf(),
        reason,
    })?;
    Ok(["@daily", "@reboot"]
        .iter()
        .map(|when| format!("{when} {q} {} {CRON_MARKER}", super::RUN_ARGS.join(" ")))
        .collect())
}

/// Whether `line` is one of ours.
pub fn is_our_cron_line(line: &str) -> bool {
    line.trim_end().ends_with(CRON_MARKER)
}

/// `crontab_text` with our lines replaced by `lines` (removed when empty); every other line
/// is kept as it is.
pub fn edit_crontab(crontab_text: &str, lines: &[String]) -> String {
    let mut out: String = crontab_text
        .lines()
        .filter(|l| !is_our_cron_line(l))
        .map(|l| format!("{l}\n"))
        .collect();
    for l in lines {
        out.push_str(l);
        out.push('\n');
    }
    out
}

fn run(program: &str, args: &[&str]) -> Result<std::process::Output> {
    Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| ScheduleError::Tool {
            program: program.into(),
            message: e.to_string(),
        })
}

fn check(program: &str, args: &[&str]) -> Result<String> {
    let out = run(program, args)?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(ScheduleError::Tool {
            program: format!("{program} {}", args.join(" ")),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        })
    }
}

/// Whether a user systemd manager answers (`systemctl --user show-environment`).
fn systemd_reachable() -> bool {
    run("systemctl", &["--user", "show-environment"]).is_ok_and(|o| o.status.success())
}

/// The user's crontab, `None` when there is no `crontab` program; empty when the user has
/// no crontab yet.
fn read_crontab() -> Result<Option<String>> {
    let out = match Command::new("crontab")
        .arg("-l")
        .stdin(Stdio::null())
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => {
            return Err(ScheduleError::Tool {
                program: "crontab -l".into(),
                message: e.to_string(),
            });
        }
    };
    if out.status.success() {
        Ok(Some(String::from_utf8_lossy(&out.stdout).into_owned()))
    } else {
        let err = String::from_utf8_lossy(&out.stderr);
        if err.contains("no crontab") {
            Ok(Some(String::new()))
        } else {
            Err(ScheduleError::Tool {
                program: "crontab -l".into(),
                message: err.trim().to_string(),
            })
        }
    }
}

fn write_crontab(text: &str) -> Result<()> {
    let tool = |message: String| ScheduleError::Tool {
        program: "crontab -".into(),
        message,
    };
    let mut child = Command::new("crontab")
        .arg("-")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| tool(e.to_string()))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(text.as_bytes())
            .map_err(|e| tool(e.to_string()))?;
    }
    let out = child.wait_with_output().map_err(|e| tool(e.to_string()))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(tool(
            String::from_utf8_lossy(&out.stderr).trim().to_string(),
        ))
    }
}

/// Writes the units; enables the timer with `systemctl --user` when a user manager answers,
/// else adds the crontab line when there is a `crontab`, else says nothing triggers them.
///
/// # Errors
/// See [`ScheduleError`]. A bad executable path is refused before anything is written.
pub fn install(ctx: &Context) -> Result<InstallReport> {
    let service = service_unit(&ctx.exe)?;
    let lines = cron_lines(&ctx.exe);
    let dir = unit_dir(&ctx.config_home);
    safe_dir(&ctx.config_home, &dir)?;
    let files = vec![dir.join(SERVICE), dir.join(TIMER)];
    write_atomic(&files[0], &service)?;
    write_atomic(&files[1], &timer_unit())?;
    let mut notes = Vec::new();
    if systemd_reachable() {
        check("systemctl", &["--user", "daemon-reload"])?;
        check("systemctl", &["--user", "enable", "--now", TIMER])?;
        // A crontab line of an earlier install without systemd would run it twice.
        if let Ok(Some(current)) = read_crontab()
            && current.lines().any(is_our_cron_line)
        {
            write_crontab(&edit_crontab(&current, &[]))?;
            notes.push("removed the crontab lines of an earlier install".into());
        }
        return Ok(InstallReport {
            mechanism: Mechanism::SystemdUser,
            files,
            cron_lines: vec![],
            entry: Some(TIMER.into()),
            schedule: SYSTEMD_SCHEDULE.into(),
            notes,
        });
    }
    let cron = read_crontab().and_then(|current| match current {
        None => Ok(None),
        Some(current) => {
            let lines = lines?;
            write_crontab(&edit_crontab(&current, &lines))?;
            Ok(Some(lines))
        }
    });
    let cron = match cron {
        Ok(c) => c,
        Err(e) => {
            // Leave nothing behind when the trigger cannot be set up.
            let mut rep = UninstallReport::default();
            let _ = remove_units(ctx, &mut rep);
            return Err(e);
        }
    };
    if let Some(lines) = cron {
        notes.push(
            "no user systemd manager answers: crontab lines run the cleanup (the unit files \
             are written too, for a later `systemctl --user enable --now gocache-doctor-auto.timer`)"
                .into(),
        );
        return Ok(InstallReport {
            mechanism: Mechanism::Cron,
            files,
            cron_lines: lines,
            entry: None,
            schedule: CRON_SCHEDULE.into(),
            notes,
        });
    }
    notes.push(format!(
        "neither a user systemd manager nor `crontab` is available: NOTHING will run the \
         cleanup automatically. Enable the timer where systemd runs (`systemctl --user \
         enable --now {TIMER}`), or run `gocache-doctor auto run` from your own scheduler."
    ));
    Ok(InstallReport {
        mechanism: Mechanism::FilesOnly,
        files,
        cron_lines: vec![],
        entry: None,
        schedule: "never (nothing triggers the unit files)".into(),
        notes,
    })
}

/// Disables the timer (when a user manager answers), removes the units, the enable link, our
/// crontab line, and the directories install created when they are left empty.
///
/// # Errors
/// See [`ScheduleError`].
pub fn uninstall(ctx: &Context) -> Result<UninstallReport> {
    let dir = unit_dir(&ctx.config_home);
    let mut rep = UninstallReport::default();
    let timer = dir.join(TIMER);
    if std::fs::symlink_metadata(&timer).is_ok() && systemd_reachable() {
        // Not fatal: the files and links are removed below either way.
        if let Err(e) = check("systemctl", &["--user", "disable", "--now", TIMER]) {
            rep.notes.push(e.to_string());
        }
    }
    remove_units(ctx, &mut rep)?;
    if !rep.removed.is_empty() && systemd_reachable() {
        let _ = check("systemctl", &["--user", "daemon-reload"]);
    }
    if let Some(current) = read_crontab()?
        && current.lines().any(is_our_cron_line)
    {
        write_crontab(&edit_crontab(&current, &[]))?;
        rep.cron_line_removed = true;
    }
    Ok(rep)
}

/// Removes the enable link, the units and the directories install created when left empty.
fn remove_units(ctx: &Context, rep: &mut UninstallReport) -> Result<()> {
    let dir = unit_dir(&ctx.config_home);
    let timer = dir.join(TIMER);
    let wants = dir.join("timers.target.wants");
    let link = wants.join(TIMER);
    if std::fs::symlink_metadata(&link).is_ok_and(|m| m.file_type().is_symlink())
        && remove_if_exists(&link)?
    {
        rep.removed.push(link);
    }
    for f in [dir.join(SERVICE), timer] {
        if std::fs::symlink_metadata(&f).is_ok_and(|m| m.is_file()) && remove_if_exists(&f)? {
            rep.removed.push(f);
        }
    }
    // The directories, only when empty (never a symlink: remove_dir does not follow one).
    for d in [wants, dir.clone(), ctx.config_home.join("systemd")] {
        if std::fs::symlink_metadata(&d).is_ok_and(|m| m.is_dir())
            && std::fs::remove_dir(&d).is_ok()
        {
            rep.removed.push(d);
        }
    }
    Ok(())
}

/// Whether the units or our crontab lines exist, and the next run (systemd's, or the next
/// local midnight for cron).
///
/// # Errors
/// See [`ScheduleError`].
pub fn status(ctx: &Context) -> Result<Status> {
    let dir = unit_dir(&ctx.config_home);
    let files: Vec<PathBuf> = [dir.join(SERVICE), dir.join(TIMER)]
        .into_iter()
        .filter(|f| f.is_file())
        .collect();
    let mut notes = Vec::new();
    let cron_lines: Vec<String> = match read_crontab() {
        Ok(c) => c.map_or_else(Vec::new, |c| {
            c.lines()
                .filter(|l| is_our_cron_line(l))
                .map(str::to_string)
                .collect()
        }),
        Err(e) => {
            notes.push(e.to_string());
            vec![]
        }
    };
    let has_cron = !cron_lines.is_empty();
    let mut next_run = None;
    let mechanism = if files.len() == 2 && systemd_reachable() {
        if check("systemctl", &["--user", "is-enabled", TIMER]).is_ok() {
            next_run = check(
                "systemctl",
                &[
                    "--user",
                    "show",
                    TIMER,
                    "-p",
                    "NextElapseUSecRealtime",
                    "--value",
                ],
            )
            .ok()
            .filter(|s| !s.is_empty());
            Some(Mechanism::SystemdUser)
        } else if has_cron {
            Some(Mechanism::Cron)
        } else {
            Some(Mechanism::FilesOnly)
        }
    } else if has_cron {
        Some(Mechanism::Cron)
    } else if !files.is_empty() {
        Some(Mechanism::FilesOnly)
    } else {
        None
    };
    let schedule = match mechanism {
        Some(Mechanism::SystemdUser) => SYSTEMD_SCHEDULE.into(),
        Some(Mechanism::Cron) => {
            next_run = Some(format!("{}, or at the next boot", next_daily_local(0, 0)));
            CRON_SCHEDULE.into()
        }
        Some(Mechanism::FilesOnly) => {
            notes.push("the unit files exist but nothing triggers them".into());
            "never (nothing triggers the unit files)".into()
        }
        _ => "not installed".into(),
    };
    let entry = (mechanism == Some(Mechanism::SystemdUser)).then(|| TIMER.to_string());
    Ok(Status {
        installed: mechanism.is_some(),
        mechanism,
        files,
        cron_lines,
        entry,
        schedule,
        next_run,
        notes,
        ..empty_status()
    })
}
