//! macOS: a launchd LaunchAgent (`~/Library/LaunchAgents/<label>.plist`) with a daily
//! `StartCalendarInterval` and `RunAtLoad` (at login). Generated and unit-tested; installing
//! it (`launchctl bootstrap gui/<uid>`) is not done yet.

use std::path::{Path, PathBuf};

use super::{Result, validate_exe};

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

/// The plist: `ProgramArguments` = `<exe> auto run` (each its own string, no shell), daily
/// at 12:30, and at load (login).
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
    <integer>12</integer>
    <key>Minute</key>
    <integer>30</integer>
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
