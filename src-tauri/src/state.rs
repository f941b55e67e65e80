//! Managed state: the app's [`Config`] (directories, undo window, elevation, the environment
//! caches are discovered with).

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_window_values_are_clamped_never_panic() {
        use std::time::Duration;
        assert_eq!(undo_window_from(None), DEFAULT_UNDO_WINDOW);
        assert_eq!(undo_window_from(Some("0")), Duration::ZERO);
        assert_eq!(undo_window_from(Some(" 2.5 ")), Duration::from_millis(2500));
        assert_eq!(undo_window_from(Some("86400")), MAX_UNDO_WINDOW);
        for huge in ["1e20", "1e300", "18446744073709551616", "86401"] {
            assert_eq!(undo_window_from(Some(huge)), MAX_UNDO_WINDOW, "{huge}");
        }
        for bad in [
            "-1", "-0.5", "NaN", "nan", "inf", "-inf", "infinity", "abc", "", "1s",
        ] {
            assert_eq!(undo_window_from(Some(bad)), DEFAULT_UNDO_WINDOW, "{bad}");
        }
        // The largest window still makes a deadline.
        let deadline = std::time::Instant::now().checked_add(undo_window_from(Some("1e20")));
        assert!(deadline.is_some());
    }
}

/// Where the app finds its inputs and writes its files. Resolved once from the process
/// environment by [`Config::from_process`]; tests build their own (tempdirs, a fixture
/// environment), so they never set process-wide variables.
#[derive(Debug, Clone)]
pub struct Config {
    /// The environment Go's caches are discovered with; `None` means [`app_env`] (the process
    /// environment, with the login shell's Go variables when the app was not started from a
    /// terminal).
    pub env: Option<gocache_core::env::EnvMap>,
    /// The audit log (`GOCACHE_DOCTOR_DATA_DIR`, else `<data dir>/gocache-doctor/audit.jsonl`);
    /// `None` when the OS has no data directory (nothing is logged).
    pub audit_log: Option<std::path::PathBuf>,
    /// The settings directory (`GOCACHE_DOCTOR_CONFIG_DIR`, else `<config dir>/gocache-doctor`).
    pub settings_dir: Option<std::path::PathBuf>,
    /// How long a clean stays undoable before its purge starts (`GOCACHE_DOCTOR_UNDO_SECONDS`,
    /// default 10 s).
    pub undo_window: std::time::Duration,
    /// Who elevates `clean_elevated` (`GOCACHE_DOCTOR_ELEVATOR`).
    pub elevator: gocache_core::clean::elevate::Elevator,
    /// The app's own binary, started elevated; `None` means `std::env::current_exe()`.
    pub exe: Option<std::path::PathBuf>,
    /// How long to wait for Go's lock of a module version.
    pub lock_timeout: std::time::Duration,
}

/// The variable overriding the undo window, in seconds.
pub const UNDO_SECONDS_VAR: &str = "GOCACHE_DOCTOR_UNDO_SECONDS";
/// The undo window when [`UNDO_SECONDS_VAR`] is unset or unusable.
pub const DEFAULT_UNDO_WINDOW: std::time::Duration = std::time::Duration::from_secs(10);
/// The longest undo window [`UNDO_SECONDS_VAR`] may ask for (one day): the quarantine holds the
/// cache's space meanwhile, and deadlines are computed by adding it to `Instant::now()`.
pub const MAX_UNDO_WINDOW: std::time::Duration = std::time::Duration::from_secs(24 * 60 * 60);

/// The undo window for the value of [`UNDO_SECONDS_VAR`]: seconds (fractions allowed), clamped
/// to at most [`MAX_UNDO_WINDOW`]; [`DEFAULT_UNDO_WINDOW`] when unset, not a number, negative,
/// NaN or infinite. Never panics (`Duration::from_secs_f64` does on huge values).
pub fn undo_window_from(value: Option<&str>) -> std::time::Duration {
    let Some(secs) = value
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s >= 0.0)
    else {
        return DEFAULT_UNDO_WINDOW;
    };
    if secs >= MAX_UNDO_WINDOW.as_secs_f64() {
        MAX_UNDO_WINDOW
    } else {
        std::time::Duration::try_from_secs_f64(secs).unwrap_or(DEFAULT_UNDO_WINDOW)
    }
}

/// The variable overriding the settings directory.
pub const CONFIG_DIR_VAR: &str = "GOCACHE_DOCTOR_CONFIG_DIR";

impl Config {
    /// The configuration of a real run, from the process environment.
    pub fn from_process() -> Self {
        let undo = undo_window_from(std::env::var(UNDO_SECONDS_VAR).ok().as_deref());
        let settings_dir = std::env::var_os(CONFIG_DIR_VAR)
            .filter(|v| !v.is_empty())
            .map(std::path::PathBuf::from)
            .or_else(|| dirs::config_dir().map(|d| d.join("gocache-doctor")));
        Self {
            env: None,
            audit_log: gocache_core::clean::audit::default_path(),
            settings_dir,
            undo_window: undo,
            elevator: gocache_core::clean::elevate::Elevator::from_process(),
            exe: None,
            lock_timeout: std::time::Duration::from_secs(10),
        }
    }

    /// The environment caches are discovered with: the configured one, else [`app_env`].
    pub fn env(&self) -> gocache_core::env::EnvMap {
        self.env.clone().unwrap_or_else(app_env)
    }

    /// The clean session's configuration: this environment (asked afresh each time), the
    /// audit log, the undo window and the elevation settings.
    pub fn session(&self) -> gocache_core::clean::session::SessionConfig {
        let config = self.clone();
        gocache_core::clean::session::SessionConfig {
            env: std::sync::Arc::new(move || config.env()),
            audit_log: self.audit_log.clone(),
            undo_window: self.undo_window,
            elevator: self.elevator.clone(),
            exe: self.exe.clone(),
            lock_timeout: self.lock_timeout,
        }
    }

    /// A clean session over this configuration.
    pub fn clean_session(&self) -> gocache_core::clean::session::CleanSession {
        gocache_core::clean::session::CleanSession::new(self.session())
    }
}

/// The app's environment: the process environment, with Go's variables from the user's login
/// shell when the core decides so (`gocache_core::shellenv`: the app was not started from a
/// terminal, or `GOCACHE_DOCTOR_SHELL_ENV=on`). Resolved once per launch, on the first call
/// (the start-up prefetch); calls meanwhile wait for it (at most the shell's time limit).
pub fn app_env() -> gocache_core::env::EnvMap {
    use gocache_core::shellenv::{Caller, environment};
    static ENV: std::sync::OnceLock<gocache_core::env::EnvMap> = std::sync::OnceLock::new();
    ENV.get_or_init(|| environment(Caller::App)).clone()
}
