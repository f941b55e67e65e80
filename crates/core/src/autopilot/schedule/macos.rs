//! macOS: a launchd LaunchAgent (`~/Library/LaunchAgents/<label>.plist`) with a daily
//! `StartCalendarInterval` and `RunAtLoad` (at login), loaded into the user's GUI domain with
//! `launchctl bootstrap gui/<uid>` (`launchctl load -w` on a macOS older than 10.10, which has
//! no `bootstrap`), removed with `launchctl bootout gui/<uid>/<label>`.
//!
//! `launchctl` runs through a [`Runner`]: the arguments and the reading of its answers are
//! unit-tested on every OS.

use std::path::{Path, PathBuf};
use std::time::Duration;

use super::{
    Context, InstallReport, Mechanism, Result, Runner, ScheduleError, Status, ToolOutput,
    UninstallReport, empty_status, next_daily_local, remove_if_exists, safe_dir, tool_error,
    validate_exe, write_atomic,
};

/// The `launchctl` program (by its absolute path: `PATH` is not trusted).
pub const LAUNCHCTL: &str = "/bin/launchctl";

/// The hour of the daily run (local time), written into the plist.
pub const HOUR: u32 = 12;
/// The minute of the daily run.
pub const MINUTE: u32 = 30;

/// The schedule of the LaunchAgent, in words.
pub const SCHEDULE: &str = "daily at 12:30 local time (launchd StartCalendarInterval; a run \
    missed while the Mac slept runs when it wakes) and at each login (RunAtLoad); a run less \
    than 20 h after the last automatic one does nothing";

/// The real user id of this process (the `gui/<uid>` domain); 0 where there is no uid.
pub fn current_uid() -> u32 {
    #[cfg(unix)]
    {
        crate::os::host::unix::real_uid()
    }
    #[cfg(not(unix))]
    {
        0
    }
}

/// The user's GUI domain: `gui/<uid>`.
pub fn domain(uid: u32) -> String {
    format!("gui/{uid}")
}

/// Our service in the user's GUI domain: `gui/<uid>/<label>`.
pub fn service_target(uid: u32) -> String {
    format!("gui/{uid}/{LABEL}")
}

/// `launchctl bootstrap gui/<uid> <plist>`.
pub fn bootstrap_args(uid: u32, plist: &str) -> Vec<String> {
    vec!["bootstrap".into(), domain(uid), plist.into()]
}

/// `launchctl bootout gui/<uid>/<label>`.
pub fn bootout_args(uid: u32) -> Vec<String> {
    vec!["bootout".into(), service_target(uid)]
}

/// `launchctl print gui/<uid>/<label>`.
pub fn print_args(uid: u32) -> Vec<String> {
    vec!["print".into(), service_target(uid)]
}

/// `launchctl load -w <plist>` (macOS before 10.10).
pub fn load_args(plist: &str) -> Vec<String> {
    vec!["load".into(), "-w".into(), plist.into()]
}

/// `launchctl unload -w <plist>` (macOS before 10.10).
pub fn unload_args(plist: &str) -> Vec<String> {
    vec!["unload".into(), "-w".into(), plist.into()]
}

/// Whether `launchctl` did not know the subcommand (a macOS before 10.10 has no `bootstrap`,
/// `bootout` nor `print`).
pub fn is_unknown_subcommand(out: &ToolOutput) -> bool {
    if out.success() {
        return false;
    }
    let m = format!("{}\n{}", out.stderr, out.stdout).to_lowercase();
    [
        "unrecognized subcommand",
        "unknown subcommand",
        "unknown command",
        "invalid subcommand",
    ]
    .iter()
    .any(|w| m.contains(w))
}

/// Whether `launchctl bootout` or `print` failed because the service is not loaded (exit 3
/// "No such process", exit 113 "Could not find service").
pub fn is_not_loaded(out: &ToolOutput) -> bool {
    if out.success() {
        return false;
    }
    let m = format!("{}\n{}", out.stderr, out.stdout).to_lowercase();
    matches!(out.code, Some(3 | 113))
        || m.contains("no such process")
        || m.contains("could not find service")
}

/// What `launchctl print` says of the service: its `state`, `runs` and `last exit code`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PrintInfo {
    /// `state = ...` (`running`, `not running`).
    pub state: Option<String>,
    /// `runs = N`: how often launchd started it since it was loaded.
    pub runs: Option<u64>,
    /// `last exit code = ...`.
    pub last_exit: Option<String>,
}

/// Reads the top-level `state`, `runs` and `last exit code` lines of `launchctl print`.
pub fn parse_print(stdout: &str) -> PrintInfo {
    let mut info = PrintInfo::default();
    for line in stdout.lines() {
        let Some((k, v)) = line.trim().split_once(" = ") else {
            continue;
        };
        let v = v.trim();
        match k.trim() {
            "state" if info.state.is_none() => info.state = Some(v.to_string()),
            "runs" if info.runs.is_none() => info.runs = v.parse().ok(),
            "last exit code" if info.last_exit.is_none() => info.last_exit = Some(v.to_string()),
            _ => {}
        }
    }
    info
}

/// The `Hour` and `Minute` of the plist's `StartCalendarInterval` (a missing `Minute` is 0),
/// `None` without one.
pub fn calendar_interval(plist: &str) -> Option<(u32, u32)> {
    let start = plist.find("<key>StartCalendarInterval</key>")?;
    let rest = &plist[start..];
    let end = rest.find("</dict>")?;
    let dict = &rest[..end];
    let int_after = |key: &str| -> Option<u32> {
        let at = dict.find(&format!("<key>{key}</key>"))?;
        let after = &dict[at..];
        let open = after.find("<integer>")? + "<integer>".len();
        let close = after[open..].find("</integer>")?;
        after[open..open + close].trim().parse().ok()
    };
    let hour = int_after("Hour")?;
    Some((hour, int_after("Minute").unwrap_or(0)))
}

fn utf8_path(p: &Path) -> Result<&str> {
    p.to_str().ok_or_else(|| ScheduleError::UnsafePath {
        path: p.to_path_buf(),
        reason: "the path is not valid UTF-8".into(),
    })
}

/// Writes the plist (refusing a symlinked `~/Library` or `LaunchAgents`) and loads it into
/// `gui/<uid>`: booted out first when already loaded, then `launchctl bootstrap` (one retry
/// after a second: launchd finishes a bootout asynchronously), or `launchctl unload -w` and
/// `load -w` where `bootstrap` is unknown. When loading fails the plist is removed again.
///
/// # Errors
/// See [`ScheduleError`]; a bad executable path is refused before anything is written.
pub fn install(ctx: &Context, r: &dyn Runner, uid: u32) -> Result<InstallReport> {
    let plist = launch_agent_plist(&ctx.exe)?;
    let path = plist_path(&ctx.home);
    let path_s = utf8_path(&path)?.to_string();
    let dir = path.parent().unwrap_or(&ctx.home);
    safe_dir(&ctx.home, dir)?;
    write_atomic(&path, &plist)?;
    let mut notes = Vec::new();
    let fail = |e: ScheduleError| {
        let _ = remove_if_exists(&path);
        e
    };
    let loaded = r.run(LAUNCHCTL, &print_args(uid)).map_err(fail)?.success();
    if loaded {
        let args = bootout_args(uid);
        let out = r.run(LAUNCHCTL, &args).map_err(fail)?;
        if !out.success() && !is_not_loaded(&out) {
            notes.push(tool_error(LAUNCHCTL, &args, &out).to_string());
        }
    }
    let args = bootstrap_args(uid, &path_s);
    let mut out = r.run(LAUNCHCTL, &args).map_err(fail)?;
    if !out.success() && loaded && !is_unknown_subcommand(&out) {
        std::thread::sleep(Duration::from_secs(1));
        out = r.run(LAUNCHCTL, &args).map_err(fail)?;
    }
    if !out.success() {
        if !is_unknown_subcommand(&out) {
            return Err(fail(tool_error(LAUNCHCTL, &args, &out)));
        }
        // `load` refuses an agent that is already loaded: unloaded first (it may not be).
        let _ = r.run(LAUNCHCTL, &unload_args(&path_s));
        let args = load_args(&path_s);
        let out = r.run(LAUNCHCTL, &args).map_err(fail)?;
        if !out.success() {
            return Err(fail(tool_error(LAUNCHCTL, &args, &out)));
        }
        notes.push(
            "this macOS has no `launchctl bootstrap`: the LaunchAgent was loaded with \
             `launchctl load -w`"
                .into(),
        );
    }
    Ok(InstallReport {
        mechanism: Mechanism::LaunchAgent,
        files: vec![path],
        cron_lines: vec![],
        entry: Some(service_target(uid)),
        schedule: SCHEDULE.into(),
        notes,
    })
}

/// Unloads the service (`launchctl bootout`, or `unload -w` where `bootout` is unknown),
/// removes the plist and `~/Library/LaunchAgents` when that is left empty. A service that is
/// not loaded is fine; any other `launchctl` failure is an error and the plist stays.
///
/// # Errors
/// See [`ScheduleError`].
pub fn uninstall(ctx: &Context, r: &dyn Runner, uid: u32) -> Result<UninstallReport> {
    let path = plist_path(&ctx.home);
    let mut rep = UninstallReport::default();
    let is_file = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_file());
    let args = bootout_args(uid);
    let out = r.run(LAUNCHCTL, &args)?;
    if out.success() {
        rep.unregistered = Some(service_target(uid));
    } else if is_unknown_subcommand(&out) {
        if is_file {
            let args = unload_args(utf8_path(&path)?);
            let out = r.run(LAUNCHCTL, &args)?;
            if out.success() {
                rep.unregistered = Some(LABEL.into());
            } else {
                rep.notes
                    .push(tool_error(LAUNCHCTL, &args, &out).to_string());
            }
        }
    } else if !is_not_loaded(&out) {
        return Err(tool_error(LAUNCHCTL, &args, &out));
    }
    if is_file && remove_if_exists(&path)? {
        rep.removed.push(path.clone());
    }
    if let Some(dir) = path.parent()
        && std::fs::symlink_metadata(dir).is_ok_and(|m| m.is_dir())
        && std::fs::remove_dir(dir).is_ok()
    {
        rep.removed.push(dir.to_path_buf());
    }
    Ok(rep)
}

/// Whether the plist exists and launchd has the service loaded (`launchctl print`), what
/// launchd says of it, and the next run from the plist's `StartCalendarInterval`.
pub fn status(ctx: &Context, r: &dyn Runner, uid: u32) -> Status {
    let path = plist_path(&ctx.home);
    let mut st = empty_status();
    let plist = std::fs::symlink_metadata(&path)
        .is_ok_and(|m| m.is_file())
        .then(|| std::fs::read_to_string(&path).ok())
        .flatten();
    let loaded = match r.run(LAUNCHCTL, &print_args(uid)) {
        Ok(o) if o.success() => {
            let info = parse_print(&o.stdout);
            let mut words = Vec::new();
            if let Some(s) = &info.state {
                words.push(format!("state {s}"));
            }
            if let Some(n) = info.runs {
                words.push(format!("{n} run(s) since it was loaded"));
            }
            if let Some(c) = &info.last_exit {
                words.push(format!("last exit code {c}"));
            }
            if !words.is_empty() {
                st.notes.push(format!("launchd: {}", words.join(", ")));
            }
            true
        }
        Ok(o) => {
            if !is_not_loaded(&o) {
                st.notes
                    .push(tool_error(LAUNCHCTL, &print_args(uid), &o).to_string());
            }
            false
        }
        Err(e) => {
            st.notes.push(e.to_string());
            false
        }
    };
    if plist.is_some() {
        st.files.push(path.clone());
    }
    st.installed = plist.is_some() || loaded;
    if !st.installed {
        return st;
    }
    st.mechanism = Some(Mechanism::LaunchAgent);
    st.schedule = SCHEDULE.into();
    if loaded {
        st.entry = Some(service_target(uid));
    }
    match (&plist, loaded) {
        (Some(text), true) => {
            st.next_run = calendar_interval(text)
                .map(|(h, m)| format!("{}, or at the next login", next_daily_local(h, m)));
        }
        (Some(_), false) => {
            st.next_run = Some("at the next login (launchd has not loaded it)".into());
            st.notes.push(format!(
                "{} exists but launchd has not loaded it: it loads at the next login, or run \
                 `gocache-doctor auto install` again",
                path.display()
            ));
        }
        (None, _) => st.notes.push(format!(
            "launchd has {} loaded but its plist is gone: `gocache-doctor auto uninstall` \
             unloads it",
            service_target(uid)
        )),
    }
    st
}

/// The LaunchAgent's label.
pub const LABEL: &str = "io.github.gocache-doctor.auto";

/// Where the LaunchAgent goes.
pub fn plist_path(home: &Path) -> PathBuf {
    home.join("Library")
        .join("LaunchAgents")
        .join(format!("{LABEL}.plist"))
}

/// `s` escaped for XML text and attribute values.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The plist: `ProgramArguments` = `<exe> auto run --scheduled` (each its own string, no
/// shell), daily at [`HOUR`]:[`MINUTE`], and at load (login).
///
/// # Errors
/// [`super::ScheduleError::BadExecutable`] when `exe` cannot be written safely.
pub fn launch_agent_plist(exe: &Path) -> Result<String> {
    let exe = xml_escape(validate_exe(exe)?);
    let args: String = super::RUN_ARGS
        .iter()
        .map(|a| format!("    <string>{}</string>\n", xml_escape(a)))
        .collect();
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key>
  <string>{LABEL}</string>
  <key>ProgramArguments</key>
  <array>
    <string>{exe}</string>
{args}  </array>
  <key>StartCalendarInterval</key>
  <dict>
    <key>Hour</key>
    <integer>{HOUR}</integer>
    <key>Minute</key>
    <integer>{MINUTE}</integer>
  </dict>
  <key>RunAtLoad</key>
  <true/>
  <key>ProcessType</key>
  <string>Background</string>
  <key>LowPriorityIO</key>
  <true/>
</dict>
</plist>
"#
    ))
}
