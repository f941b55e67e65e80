//! Windows: a Task Scheduler task (XML for `schtasks /Create /XML`) with a daily calendar
//! trigger (run as soon as possible when missed) and a logon trigger for the current user.
//! Generated and unit-tested; running `schtasks` is not done yet.

use std::path::Path;

use super::macos::xml_escape;
use super::{Result, ScheduleError, validate_exe};

/// The task's name (in its own folder of the Task Scheduler library).
pub const TASK_NAME: &str = r"\GoCacheDoctor\Auto";

/// The task XML for `user` (`DOMAIN\name`), running `<exe> auto run`.
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
      <StartBoundary>2024-01-01T12:30:00</StartBoundary>
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

/// The `schtasks` arguments that remove the task.
pub fn schtasks_delete_args() -> Vec<String> {
    vec![
        "/Delete".into(),
        "/TN".into(),
        TASK_NAME.into(),
        "/F".into(),
    ]
}
