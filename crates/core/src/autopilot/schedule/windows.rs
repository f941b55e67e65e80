//! Windows: a Task Scheduler task with a daily calendar trigger (run as soon as possible when
//! missed) and a logon trigger for the current user, least privilege, registered with
//! `schtasks /Create /XML` from a private temporary file (UTF-16 with a BOM, as the XML
//! declares), queried with `schtasks /Query /XML` and `/FO LIST /V`, removed with
//! `schtasks /Delete`.
//!
//! `schtasks` runs through a [`Runner`]: the arguments and the reading of its answers are
//! unit-tested on every OS; `make test-windows` runs it for real under Wine, whose `schtasks
//! /Query` answers nothing (see the README).

use std::io::Write;
use std::path::Path;

use super::macos::xml_escape;
use super::{
    InstallReport, Mechanism, Result, Runner, ScheduleError, Status, ToolOutput, UninstallReport,
    empty_status, io, next_daily_local, tool_error, validate_exe,
};

/// The task's name, in the root folder of the Task Scheduler library (`schtasks /Delete`
/// cannot remove a folder, so a task in its own folder would leave the folder behind).
pub const TASK_NAME: &str = "GoCacheDoctorAuto";

/// The hour of the daily run (local time).
pub const HOUR: u32 = 12;
/// The minute of the daily run.
pub const MINUTE: u32 = 30;

/// The schedule of the task, in words.
pub const SCHEDULE: &str = "daily at 12:30 local time (a run missed while the computer was \
    off runs as soon as possible) and 5 min after each logon of this user; a run less than \
    20 h after the last automatic one does nothing";

/// `schtasks.exe` by its absolute path (`%SystemRoot%\System32`), else by name.
pub fn schtasks() -> String {
    std::env::var("SystemRoot").map_or_else(
        |_| "schtasks.exe".into(),
        |r| format!(r"{r}\System32\schtasks.exe"),
    )
}

/// The current user as the task's principal: `%USERDOMAIN%\%USERNAME%` (the name alone
/// without a domain).
pub fn current_user() -> String {
    let name = std::env::var("USERNAME").unwrap_or_default();
    match std::env::var("USERDOMAIN") {
        Ok(d) if !d.is_empty() => format!(r"{d}\{name}"),
        _ => name,
    }
}

/// `text` as UTF-16 little-endian with a byte order mark (the encoding the task XML declares).
pub fn utf16_with_bom(text: &str) -> Vec<u8> {
    let mut out = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        out.extend_from_slice(&u.to_le_bytes());
    }
    out
}

/// The task XML for `user` (`DOMAIN\name`), running `<exe> auto run --scheduled`, daily at
/// [`HOUR`]:[`MINUTE`] and at logon.
///
/// # Errors
/// [`ScheduleError::BadExecutable`] when `exe` cannot be written safely (a `"` cannot be in
/// a Windows path).
pub fn task_xml(exe: &Path, user: &str) -> Result<String> {
    let s = validate_exe(exe)?;
    if s.contains('"') {
        return Err(ScheduleError::BadExecutable {
            path: exe.to_path_buf(),
            reason: "contains a double quote".into(),
        });
    }
    let cmd = xml_escape(s);
    let user = xml_escape(user);
    let args = xml_escape(&super::RUN_ARGS.join(" "));
    Ok(format!(
        r#"<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>Go Cache Doctor automatic cleanup</Description>
  </RegistrationInfo>
  <Triggers>
    <CalendarTrigger>
      <StartBoundary>2024-01-01T{HOUR:02}:{MINUTE:02}:00</StartBoundary>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>
    <LogonTrigger>
      <UserId>{user}</UserId>
      <Delay>PT5M</Delay>
    </LogonTrigger>
  </Triggers>
  <Principals>
    <Principal id="Author">
      <UserId>{user}</UserId>
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <StartWhenAvailable>true</StartWhenAvailable>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <Priority>7</Priority>
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{cmd}</Command>
      <Arguments>{args}</Arguments>
    </Exec>
  </Actions>
</Task>
"#
    ))
}

/// The `schtasks` arguments that register the task from its XML file (replacing ours).
pub fn schtasks_create_args(xml_file: &Path) -> Vec<String> {
    vec![
        "/Create".into(),
        "/TN".into(),
        TASK_NAME.into(),
        "/XML".into(),
        xml_file.display().to_string(),
        "/F".into(),
    ]
}

/// `schtasks /Query /TN <name> /XML`: the registered task's XML.
pub fn schtasks_query_xml_args() -> Vec<String> {
    vec![
        "/Query".into(),
        "/TN".into(),
        TASK_NAME.into(),
        "/XML".into(),
    ]
}

/// `schtasks /Query /TN <name> /FO LIST /V`: the task's properties, its next run among them.
pub fn schtasks_query_list_args() -> Vec<String> {
    vec![
        "/Query".into(),
        "/TN".into(),
        TASK_NAME.into(),
        "/FO".into(),
        "LIST".into(),
        "/V".into(),
    ]
}

/// Whether `schtasks /Query /XML` shows the task: `Some(true)` when it printed a task,
/// `Some(false)` when it failed (no such task), `None` when it succeeded without printing one
/// (Wine's `schtasks /Query` prints nothing, whatever the task).
pub fn task_exists(query_xml: &ToolOutput) -> Option<bool> {
    if !query_xml.success() {
        Some(false)
    } else if query_xml.stdout.contains("<Task") {
        Some(true)
    } else {
        None
    }
}

/// The `Next Run Time:` of `schtasks /Query /FO LIST /V` (English Windows; other languages
/// name the field in their own words), `None` when absent or `N/A`.
pub fn parse_next_run(list: &str) -> Option<String> {
    list.lines().find_map(|l| {
        let v = l.trim().strip_prefix("Next Run Time:")?.trim();
        (!v.is_empty() && v != "N/A").then(|| v.to_string())
    })
}

/// The hour and minute of the task XML's first `<StartBoundary>` (`2024-01-01T12:30:00`).
pub fn start_boundary(xml: &str) -> Option<(u32, u32)> {
    let open = xml.find("<StartBoundary>")? + "<StartBoundary>".len();
    let value = &xml[open..open + xml[open..].find("</StartBoundary>")?];
    let (_, time) = value.split_once('T')?;
    let mut parts = time.split(':');
    let h = parts.next()?.trim().parse().ok()?;
    let m = parts.next()?.trim().parse().ok()?;
    Some((h, m))
}

/// Writes the task XML for `user` to a private temporary file and registers it with
/// `schtasks /Create /XML ... /F` (replacing ours); the file is removed afterwards.
///
/// # Errors
/// See [`ScheduleError`]; a bad executable path is refused before anything runs.
pub fn install(ctx: &super::Context, r: &dyn Runner, user: &str) -> Result<InstallReport> {
    let xml = task_xml(&ctx.exe, user)?;
    let tmp_dir = std::env::temp_dir();
    let mut tmp = tempfile::Builder::new()
        .prefix("gocache-doctor-task-")
        .suffix(".xml")
        .tempfile_in(&tmp_dir)
        .map_err(|e| io(&tmp_dir, e))?;
    tmp.write_all(&utf16_with_bom(&xml))
        .and_then(|()| tmp.flush())
        .map_err(|e| io(tmp.path(), e))?;
    // Closed before schtasks reads it; removed when `tmp` is dropped.
    let tmp = tmp.into_temp_path();
    let args = schtasks_create_args(&tmp);
    let program = schtasks();
    let out = r.run(&program, &args)?;
    drop(tmp);
    if !out.success() {
        return Err(tool_error(&program, &args, &out));
    }
    Ok(InstallReport {
        mechanism: Mechanism::TaskScheduler,
        files: vec![],
        cron_lines: vec![],
        entry: Some(TASK_NAME.into()),
        schedule: SCHEDULE.into(),
        notes: vec![],
    })
}

/// Removes the task (`schtasks /Delete /F`) when it is registered. A task `/Query` shows
/// that cannot be deleted is an error; when `/Query` cannot tell (Wine), a failed delete means
/// there was none.
///
/// # Errors
/// See [`ScheduleError`].
pub fn uninstall(r: &dyn Runner) -> Result<UninstallReport> {
    let program = schtasks();
    let mut rep = UninstallReport::default();
    let exists = task_exists(&r.run(&program, &schtasks_query_xml_args())?);
    if exists == Some(false) {
        return Ok(rep);
    }
    let args = schtasks_delete_args();
    let out = r.run(&program, &args)?;
    if out.success() {
        rep.unregistered = Some(TASK_NAME.into());
    } else if exists == Some(true) {
        return Err(tool_error(&program, &args, &out));
    }
    Ok(rep)
}

/// Whether the task is registered (`schtasks /Query /XML`) and its next run (the `Next Run
/// Time` of `/FO LIST /V`, else computed from the XML's daily trigger).
pub fn status(r: &dyn Runner) -> Status {
    let program = schtasks();
    let mut st = empty_status();
    let q = match r.run(&program, &schtasks_query_xml_args()) {
        Ok(q) => q,
        Err(e) => {
            st.notes.push(e.to_string());
            return st;
        }
    };
    match task_exists(&q) {
        Some(true) => {}
        Some(false) => return st,
        None => {
            st.notes.push(format!(
                "`schtasks /Query /TN {TASK_NAME}` printed no task: cannot tell whether it is \
                 registered"
            ));
            return st;
        }
    }
    st.installed = true;
    st.mechanism = Some(Mechanism::TaskScheduler);
    st.entry = Some(TASK_NAME.into());
    st.schedule = SCHEDULE.into();
    let listed = r
        .run(&program, &schtasks_query_list_args())
        .ok()
        .filter(ToolOutput::success)
        .and_then(|o| parse_next_run(&o.stdout));
    st.next_run = match listed {
        Some(t) => Some(format!("{t} (Task Scheduler), or at the next logon")),
        None => start_boundary(&q.stdout)
            .map(|(h, m)| format!("{}, or at the next logon", next_daily_local(h, m))),
    };
    st
}

/// The `schtasks` arguments that remove the task.
pub fn schtasks_delete_args() -> Vec<String> {
    vec![
        "/Delete".into(),
        "/TN".into(),
        TASK_NAME.into(),
        "/F".into(),
    ]
}
