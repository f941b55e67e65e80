//! Managed state: the app's [`Config`] (directories, undo window, elevation, the environment
//! caches are discovered with).

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
    /// The data directory of the size history and the last scan (`GOCACHE_DOCTOR_DATA_DIR`,
    /// else `<data dir>/gocache-doctor`; `gocache_core::history`); `None`: nothing is recorded.
    pub data_dir: Option<std::path::PathBuf>,
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
    /// How "Show in file manager" shows a path.
    pub revealer: Revealer,
}

/// How "Show in file manager" shows a path: the OS file manager, or, for tests, a record of
/// the paths it was asked to show (a file manager a test starts outlives it: under Wine,
/// `explorer.exe` kept `wineserver -w`, and so `make test-windows`, waiting for ever; and a
/// developer's test run would open windows).
#[derive(Debug, Clone, Default)]
pub enum Revealer {
    /// The OS file manager, with the path selected (the opener plugin).
    #[default]
    FileManager,
    /// Appends the path to the list instead.
    Record(std::sync::Arc<std::sync::Mutex<Vec<std::path::PathBuf>>>),
}

impl Revealer {
    /// A recorder with an empty list.
    pub fn recording() -> Self {
        Self::Record(std::sync::Arc::default())
    }

    /// Shows `path` selected in the file manager (or records it).
    ///
    /// # Errors
    /// The opener's error when no file manager could show it.
    pub fn reveal(&self, path: &std::path::Path) -> Result<(), tauri_plugin_opener::Error> {
        match self {
            Self::FileManager => tauri_plugin_opener::reveal_item_in_dir(path),
            Self::Record(list) => {
                list.lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .push(path.to_path_buf());
                Ok(())
            }
        }
    }

    /// The paths recorded so far (empty for the file manager).
    pub fn recorded(&self) -> Vec<std::path::PathBuf> {
        match self {
            Self::FileManager => Vec::new(),
            Self::Record(list) => list
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .clone(),
        }
    }
}

pub use gocache_core::clean::session::{
    DEFAULT_UNDO_WINDOW, MAX_UNDO_WINDOW, UNDO_SECONDS_VAR, undo_window_from,
};

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
            data_dir: gocache_core::history::default_dir(),
            settings_dir,
            undo_window: undo,
            elevator: gocache_core::clean::elevate::Elevator::from_process(),
            exe: None,
            lock_timeout: std::time::Duration::from_secs(10),
            revealer: Revealer::FileManager,
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
