//! `gocache-doctor auto install | uninstall | status` (issue #17): registers a daily run of
//! `auto run` (and one at login) with the OS scheduler, per user, without root.
//!
//! One file per OS holds that OS's mechanism; the generated texts (systemd units and the
//! crontab line in [`linux`], the LaunchAgent plist in [`macos`], the Task Scheduler XML in
//! [`windows`]) are pure functions compiled and unit-tested on every OS. [`install`],
//! [`uninstall`] and [`status`] pick the running OS's mechanism at run time.
//!
//! # Platform behavior
//! - Linux (and the BSDs): a systemd user service + timer in `$XDG_CONFIG_HOME/systemd/user`
//!   (enabled with `systemctl --user` when a user manager is reachable), else a crontab line
//!   (`crontab -l` / `crontab -`), else only the unit files, and the report says nothing
//!   triggers them.
//!   The crontab has two lines: `@daily` and `@reboot` (the run at login where there is no
//!   systemd).
//! - macOS: a LaunchAgent plist in `~/Library/LaunchAgents`, loaded with `launchctl bootstrap
//!   gui/<uid>` (`launchctl load -w` on a macOS without `bootstrap`).
//! - Windows: a Task Scheduler task registered with `schtasks /Create /XML` (daily and at
//!   logon, for this user, least privilege).
//!
//! The scheduler programs run through a [`Runner`], so the macOS and Windows argument building
//! and output parsing are unit-tested on every OS. Every trigger runs `auto run --scheduled`,
//! which does nothing when the last automatic run is less than [`CATCH_UP_SECS`] old
//! ([`catch_up_skip`]): the daily and the login trigger run the cleanup at most once a day.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde::Serialize;

use crate::clean::audit;
use crate::os::OsKind;

pub mod linux;
pub mod macos;
pub mod windows;

#[cfg(test)]
mod tests;

/// The arguments every scheduled run passes to the executable: `--scheduled` makes the run
/// do nothing while the policy is off (`autopilot.enabled` is false).
pub const RUN_ARGS: [&str; 3] = ["auto", "run", "--scheduled"];

/// A scheduled run does nothing when the last automatic run is younger than this (20 hours):
/// the daily trigger and the one at login then run the cleanup at most once a day, and a day
/// missed while the computer was off is caught up at the next login.
pub const CATCH_UP_SECS: i64 = 20 * 3600;

/// What can go wrong while installing, removing or reading the schedule.
#[derive(Debug, thiserror::Error)]
pub enum ScheduleError {
    /// The executable path cannot be written safely into the scheduler's format.
    #[error("cannot schedule {path}: {reason}")]
    BadExecutable {
        /// The executable.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// A directory to write into is not what it should be (e.g. a symlink).
    #[error("refusing to write in {path}: {reason}")]
    UnsafePath {
        /// The directory or file.
        path: PathBuf,
        /// Why it was refused.
        reason: String,
    },
    /// An I/O error on a path.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// A scheduler tool (`systemctl`, `crontab`, `launchctl`, `schtasks`) failed.
    #[error("{program}: {message}")]
    Tool {
        /// The program.
        program: String,
        /// What went wrong (its stderr).
        message: String,
    },
    /// No home or configuration directory.
    #[error("{0}")]
    NoHome(String),
}

impl ScheduleError {
    /// The machine-readable code the app branches on.
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode as C;
        match self {
            Self::BadExecutable { .. } => C::NotFound,
            Self::UnsafePath { .. } => C::BadRoot,
            Self::Io { source, .. } if source.kind() == std::io::ErrorKind::PermissionDenied => {
                C::PermissionDenied
            }
            Self::Io { .. } | Self::Tool { .. } => C::Io,
            Self::NoHome(_) => C::BadSettings,
        }
    }
}

/// The result type of this module.
pub type Result<T> = std::result::Result<T, ScheduleError>;

/// What triggers the scheduled runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScheduleMechanism"))]
#[serde(rename_all = "snake_case")]
pub enum Mechanism {
    /// A systemd user timer, enabled.
    SystemdUser,
    /// A line in the user's crontab.
    Cron,
    /// Only the unit files: nothing triggers them.
    FilesOnly,
    /// A launchd LaunchAgent (macOS).
    LaunchAgent,
    /// A Task Scheduler task (Windows).
    TaskScheduler,
}

/// Where the schedule goes and what it runs.
#[derive(Debug, Clone)]
pub struct Context {
    /// The user's home directory.
    pub home: PathBuf,
    /// The user's configuration directory (`$XDG_CONFIG_HOME`, default `~/.config`).
    pub config_home: PathBuf,
    /// The absolute path of the `gocache-doctor` executable to run.
    pub exe: PathBuf,
    /// The audit log, read by [`status`] for the last automatic runs.
    pub audit_log: Option<PathBuf>,
}

impl Context {
    /// The context of the current user from `env` (`HOME`, `XDG_CONFIG_HOME`) and the
    /// running executable.
    ///
    /// # Errors
    /// [`ScheduleError::NoHome`] without a home directory; [`ScheduleError::Io`] when the
    /// running executable cannot be found.
    pub fn current(env: &crate::env::EnvMap) -> Result<Self> {
        let home = crate::os::current()
            .home_dir(env)
            .ok_or_else(|| ScheduleError::NoHome("no home directory ($HOME)".into()))?;
        let config_home = env
            .get("XDG_CONFIG_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .unwrap_or_else(|| home.join(".config"));
        let exe = std::env::current_exe().map_err(|e| ScheduleError::Io {
            path: PathBuf::from("current executable"),
            source: e,
        })?;
        Ok(Self {
            home,
            config_home,
            exe,
            audit_log: audit::default_path(),
        })
    }
}

/// What [`install`] did.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "ScheduleInstallReport")
)]
pub struct InstallReport {
    /// What triggers the runs now.
    pub mechanism: Mechanism,
    /// The files written.
    pub files: Vec<PathBuf>,
    /// The crontab lines added (`@daily` and `@reboot`), if any.
    pub cron_lines: Vec<String>,
    /// The scheduler's own name of the entry: the launchd service (`gui/<uid>/<label>`) or
    /// the Task Scheduler task.
    pub entry: Option<String>,
    /// When the runs happen, in words.
    pub schedule: String,
    /// Things the user should know (e.g. that nothing triggers the files).
    pub notes: Vec<String>,
}

/// What [`uninstall`] removed.
#[derive(Debug, Clone, Default, Serialize)]
#[cfg_attr(
    feature = "ts",
    derive(ts_rs::TS),
    ts(rename = "ScheduleUninstallReport")
)]
pub struct UninstallReport {
    /// The files and links removed.
    pub removed: Vec<PathBuf>,
    /// Whether our crontab lines were removed.
    pub cron_line_removed: bool,
    /// The scheduler entry removed (the launchd service, the Task Scheduler task), if any.
    pub unregistered: Option<String>,
    /// Things the user should know.
    pub notes: Vec<String>,
}

/// One automatic run, from the audit log.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "AutoLastRun"))]
pub struct LastRun {
    /// When it ran, Unix seconds.
    pub time: i64,
    /// Bytes it freed.
    pub bytes_freed: u64,
}

/// What [`status`] found.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(rename = "ScheduleStatus"))]
pub struct Status {
    /// Whether a schedule is installed.
    pub installed: bool,
    /// What triggers the runs, when installed.
    pub mechanism: Option<Mechanism>,
    /// The scheduler this OS uses, in words (also when not installed).
    pub scheduler: String,
    /// The schedule's files that exist.
    pub files: Vec<PathBuf>,
    /// Our crontab lines, when there are any.
    pub cron_lines: Vec<String>,
    /// The scheduler's own name of the entry, when registered (see [`InstallReport::entry`]).
    pub entry: Option<String>,
    /// When the runs happen, in words.
    pub schedule: String,
    /// The next run: as the scheduler reports it (systemd, Task Scheduler), else computed from
    /// the daily trigger in local time (cron, launchd); `None` when nothing triggers a run.
    pub next_run: Option<String>,
    /// The last automatic runs, newest first (at most 10).
    pub last_runs: Vec<LastRun>,
    /// Bytes freed by all automatic runs in the audit log.
    pub total_freed: u64,
    /// Things the user should know.
    pub notes: Vec<String>,
}

/// The scheduler of the running OS, in words.
pub fn scheduler_words() -> &'static str {
    match crate::os::current().kind() {
        OsKind::Linux => "a systemd user timer (a crontab line where there is no systemd)",
        OsKind::Macos => "a launchd LaunchAgent (~/Library/LaunchAgents)",
        OsKind::Windows => "a Task Scheduler task of this user",
    }
}

/// Registers the daily run for the current user.
///
/// # Errors
/// See [`ScheduleError`].
pub fn install(ctx: &Context) -> Result<InstallReport> {
    match crate::os::current().kind() {
        OsKind::Linux => linux::install(ctx),
        OsKind::Macos => macos::install(ctx, &SystemRunner, macos::current_uid()),
        OsKind::Windows => windows::install(ctx, &SystemRunner, &windows::current_user()),
    }
}

/// Removes everything [`install`] created; nothing else. Idempotent.
///
/// # Errors
/// See [`ScheduleError`].
pub fn uninstall(ctx: &Context) -> Result<UninstallReport> {
    match crate::os::current().kind() {
        OsKind::Linux => linux::uninstall(ctx),
        OsKind::Macos => macos::uninstall(ctx, &SystemRunner, macos::current_uid()),
        OsKind::Windows => windows::uninstall(&SystemRunner),
    }
}

/// Whether the schedule is installed, its last runs and the next one.
///
/// # Errors
/// See [`ScheduleError`].
pub fn status(ctx: &Context) -> Result<Status> {
    let mut st = match crate::os::current().kind() {
        OsKind::Linux => linux::status(ctx)?,
        OsKind::Macos => macos::status(ctx, &SystemRunner, macos::current_uid()),
        OsKind::Windows => windows::status(&SystemRunner),
    };
    st.scheduler = scheduler_words().into();
    if let Some(log) = &ctx.audit_log {
        match audit::read(log) {
            Ok(l) => {
                let (runs, total) = automatic_runs(&l.entries);
                st.last_runs = runs;
                st.total_freed = total;
            }
            Err(e) => st.notes.push(format!("cannot read the audit log: {e}")),
        }
    }
    Ok(st)
}

/// A [`Status`] with nothing installed yet, to be filled in by an OS's `status`.
pub(crate) fn empty_status() -> Status {
    Status {
        installed: false,
        mechanism: None,
        scheduler: String::new(),
        files: vec![],
        cron_lines: vec![],
        entry: None,
        schedule: "not installed".into(),
        next_run: None,
        last_runs: vec![],
        total_freed: 0,
        notes: vec![],
    }
}

/// Why a scheduled run should do nothing: the last automatic run of `entries` was less than
/// [`CATCH_UP_SECS`] before `now` (Unix seconds). `None` when it should run (no automatic run
/// yet, an older one, or one dated in the future after a clock change).
pub fn catch_up_skip(entries: &[audit::Entry], now: i64) -> Option<String> {
    let last = entries
        .iter()
        .filter(|e| e.automatic == Some(true))
        .map(|e| e.time)
        .max()?;
    let age = now - last;
    (0..CATCH_UP_SECS).contains(&age).then(|| {
        format!(
            "the last automatic run was {} h {} min ago, less than {} h: the daily and login \
             triggers run the cleanup at most once a day, so this scheduled run does nothing \
             (`gocache-doctor auto run` without --scheduled runs it now)",
            age / 3600,
            age % 3600 / 60,
            CATCH_UP_SECS / 3600
        )
    })
}

/// The next time after `now` (local wall-clock time) that a daily trigger at
/// `hour:minute` fires.
pub fn next_daily(now: chrono::NaiveDateTime, hour: u32, minute: u32) -> chrono::NaiveDateTime {
    let at = chrono::NaiveTime::from_hms_opt(hour.min(23), minute.min(59), 0)
        .unwrap_or(chrono::NaiveTime::MIN);
    let today = now.date().and_time(at);
    if today > now {
        today
    } else {
        (now.date() + chrono::Days::new(1)).and_time(at)
    }
}

/// [`next_daily`] from the current local time, as `YYYY-MM-DD HH:MM (local time)`.
pub fn next_daily_local(hour: u32, minute: u32) -> String {
    let now = chrono::Local::now().naive_local();
    format!(
        "{} (local time)",
        next_daily(now, hour, minute).format("%Y-%m-%d %H:%M")
    )
}

/// What a scheduler program printed and how it ended.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ToolOutput {
    /// The exit code (`None` when killed by a signal).
    pub code: Option<i32>,
    /// Its standard output (lossy UTF-8).
    pub stdout: String,
    /// Its standard error (lossy UTF-8).
    pub stderr: String,
}

impl ToolOutput {
    /// Whether it exited with 0.
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }

    /// Its stderr, else its stdout, trimmed: the message of a failure.
    pub fn message(&self) -> String {
        let e = self.stderr.trim();
        if e.is_empty() {
            self.stdout.trim().to_string()
        } else {
            e.to_string()
        }
    }
}

/// Runs the scheduler's programs (`launchctl`, `schtasks`). [`SystemRunner`] runs them for
/// real; tests give their own, so the arguments and the parsing of the answers are tested on
/// every OS.
pub trait Runner {
    /// Runs `program` with `args` (no shell, stdin closed) and waits for it.
    ///
    /// # Errors
    /// [`ScheduleError::Tool`] when the program cannot be started.
    fn run(&self, program: &str, args: &[String]) -> Result<ToolOutput>;
}

/// The [`Runner`] that starts the programs found on `PATH`.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemRunner;

impl Runner for SystemRunner {
    fn run(&self, program: &str, args: &[String]) -> Result<ToolOutput> {
        let out = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .map_err(|e| ScheduleError::Tool {
                program: program.into(),
                message: e.to_string(),
            })?;
        Ok(ToolOutput {
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }
}

/// A failed run of `program args` as an error.
pub(crate) fn tool_error(program: &str, args: &[String], out: &ToolOutput) -> ScheduleError {
    ScheduleError::Tool {
        program: format!("{program} {}", args.join(" ")),
        message: out.message(),
    }
}

/// The automatic runs of `entries` (oldest first), newest first (at most 10), and the
/// bytes all of them freed.
pub fn automatic_runs(entries: &[audit::Entry]) -> (Vec<LastRun>, u64) {
    let auto: Vec<&audit::Entry> = entries
        .iter()
        .filter(|e| e.automatic == Some(true))
        .collect();
    let total = auto.iter().map(|e| e.bytes_freed).sum();
    let runs = auto
        .iter()
        .rev()
        .take(10)
        .map(|e| LastRun {
            time: e.time,
            bytes_freed: e.bytes_freed,
        })
        .collect();
    (runs, total)
}

/// The file name of the command-line tool, `gocache-doctor` (`.exe` on Windows).
pub fn cli_file_name() -> String {
    format!("gocache-doctor{}", std::env::consts::EXE_SUFFIX)
}

/// The command-line tool the schedule runs when it is installed from the app: the
/// `gocache-doctor` executable in the directory of `app_exe` (where the packages and
/// `cargo build` put both), else the first one on `path_var` (`PATH`).
///
/// # Errors
/// [`ScheduleError::BadExecutable`] when neither has one.
pub fn find_cli(app_exe: &Path, path_var: Option<&std::ffi::OsStr>) -> Result<PathBuf> {
    let name = cli_file_name();
    let beside = app_exe.parent().map(|d| d.join(&name));
    let on_path = path_var
        .into_iter()
        .flat_map(std::env::split_paths)
        .filter(|d| d.is_absolute())
        .map(|d| d.join(&name));
    beside
        .into_iter()
        .chain(on_path)
        .find(|p| p.is_file())
        .ok_or_else(|| ScheduleError::BadExecutable {
            path: PathBuf::from(&name),
            reason: format!(
                "the daily run needs the command-line tool {name}, which is neither beside the \
                 app ({}) nor on PATH; install it with the app's package or `cargo install`",
                app_exe.parent().unwrap_or(app_exe).display()
            ),
        })
}

/// Checks that `exe` is an absolute path, valid UTF-8 and without control
/// characters (no scheduler format can carry those safely).
///
/// # Errors
/// [`ScheduleError::BadExecutable`].
pub fn validate_exe(exe: &Path) -> Result<&str> {
    let bad = |reason: &str| ScheduleError::BadExecutable {
        path: exe.to_path_buf(),
        reason: reason.into(),
    };
    let s = exe
        .to_str()
        .ok_or_else(|| bad("the path is not valid UTF-8"))?;
    if !exe.is_absolute() {
        return Err(bad("the path is not absolute"));
    }
    if s.chars().any(char::is_control) {
        return Err(bad("the path contains a control character"));
    }
    Ok(s)
}

/// Makes sure `dir` is a real directory (creating it and its missing parents below `base`),
/// refusing when it or a parent below `base` is a symlink or not a directory. `base` itself
/// may be a symlink (dotfile managers link `~/.config`).
///
/// # Errors
/// [`ScheduleError::UnsafePath`] or [`ScheduleError::Io`].
pub(crate) fn safe_dir(base: &Path, dir: &Path) -> Result<()> {
    let rel = dir
        .strip_prefix(base)
        .map_err(|_| ScheduleError::UnsafePath {
            path: dir.to_path_buf(),
            reason: format!("not under {}", base.display()),
        })?;
    std::fs::create_dir_all(base).map_err(|e| io(base, e))?;
    let mut cur = base.to_path_buf();
    for c in rel.components() {
        cur.push(c);
        match std::fs::symlink_metadata(&cur) {
            Ok(m) if m.file_type().is_symlink() => {
                return Err(ScheduleError::UnsafePath {
                    path: cur,
                    reason: "is a symbolic link".into(),
                });
            }
            Ok(m) if !m.is_dir() => {
                return Err(ScheduleError::UnsafePath {
                    path: cur,
                    reason: "is not a directory".into(),
                });
            }
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                std::fs::create_dir(&cur).map_err(|e| io(&cur, e))?;
            }
            Err(e) => return Err(io(&cur, e)),
        }
    }
    Ok(())
}

/// Writes `data` to `path` atomically (a user-only temporary file in the same directory, synced,
/// then a rename: [`crate::atomic::replace`]), refusing to replace a symlink.
///
/// # Errors
/// [`ScheduleError::UnsafePath`] or [`ScheduleError::Io`].
pub(crate) fn write_atomic(path: &Path, data: &str) -> Result<()> {
    if std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_file()) {
        return Err(ScheduleError::UnsafePath {
            path: path.to_path_buf(),
            reason: "exists and is not a regular file".into(),
        });
    }
    crate::atomic::replace(path, data.as_bytes(), ".gocache-doctor-", true).map_err(|e| io(path, e))
}

/// Removes `path` when it exists (a file or a symlink, never followed); true when removed.
pub(crate) fn remove_if_exists(path: &Path) -> Result<bool> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(true),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(io(path, e)),
    }
}

pub(crate) fn io(path: &Path, source: std::io::Error) -> ScheduleError {
    ScheduleError::Io {
        path: path.to_path_buf(),
        source,
    }
}
