//! Per-OS rules, one file per OS behind the [`OsRules`] trait.
//!
//! The rules are pure functions of an environment snapshot, so every OS's rules are compiled
//! and unit-tested on every OS; [`current`] picks the one for the running system. What must
//! ask the running OS itself (user ids and names, allocated sizes, file modes) is in [`host`],
//! where only that OS's file is compiled.

use std::path::PathBuf;

use serde::Serialize;

use crate::env::EnvMap;

pub(crate) mod host;
mod linux;
mod macos;
mod windows;

// The rules of the OS this is built for (the BSDs follow Linux's XDG rules).
#[cfg(not(any(windows, target_os = "macos")))]
use linux::Linux as HostRules;
#[cfg(target_os = "macos")]
use macos::MacOs as HostRules;
#[cfg(windows)]
use windows::Windows as HostRules;

pub use linux::Linux;
pub use macos::MacOs;
pub use windows::{Windows, simplified, strip_verbatim};

/// The operating-system families whose Go defaults differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum OsKind {
    /// Linux and the BSDs (XDG rules).
    Linux,
    /// macOS.
    Macos,
    /// Windows.
    Windows,
}

/// What differs between operating systems for locating Go's caches, as Go's `os` package
/// defines it (`os.UserConfigDir`, `os.UserCacheDir`, `go/build.defaultGOPATH`).
///
/// # Platform behavior
/// Each method mirrors the Go function of the same role for that OS; the doc comment on each
/// implementation names the variables it reads.
pub trait OsRules: Send + Sync {
    /// Which OS these rules are for.
    fn kind(&self) -> OsKind;
    /// The user's home directory (`$HOME`, or `%USERPROFILE%` on Windows).
    fn home_dir(&self, env: &EnvMap) -> Option<PathBuf>;
    /// `os.UserConfigDir()`.
    ///
    /// # Errors
    /// A message like Go's when the directory cannot be determined.
    fn user_config_dir(&self, env: &EnvMap) -> Result<PathBuf, String>;
    /// `os.UserCacheDir()`.
    ///
    /// # Errors
    /// A message like Go's when the directory cannot be determined.
    fn user_cache_dir(&self, env: &EnvMap) -> Result<PathBuf, String>;
    /// The variable [`OsRules::user_cache_dir`] took its value from (`XDG_CACHE_HOME`,
    /// `HOME`, `LocalAppData`, ...), for showing where a directory under it came from.
    fn user_cache_var(&self, env: &EnvMap) -> &'static str;
    /// `os.TempDir()`: where gopls puts its cache when `os.UserCacheDir()` fails.
    fn temp_dir(&self, env: &EnvMap) -> PathBuf;
    /// The separator of list variables such as GOPATH (`:` or `;`).
    fn list_separator(&self) -> char;
    /// The separator this OS's paths are written with (`/`, or `\\` on Windows): the
    /// defaults are built with it whatever OS the rules are evaluated on (see [`join_path`]).
    fn path_separator(&self) -> char;
    /// The suffix of executables (`""` or `".exe"`).
    fn exe_suffix(&self) -> &'static str;
    /// Where Go is commonly installed when it is not on `PATH` (desktop apps often start with a
    /// minimal `PATH`), most likely first.
    fn go_install_candidates(&self, env: &EnvMap) -> Vec<PathBuf>;
    /// Whether a path string is absolute under this OS's rules (checked on strings so that
    /// every OS's rules can be tested on any host).
    fn is_absolute(&self, p: &str) -> bool;
}

/// The rules for the OS this binary was built for.
pub fn current() -> &'static dyn OsRules {
    &HostRules
}

/// The OS family this binary was built for (Linux for the BSDs): [`current`]'s kind, as a
/// constant.
pub const HOST: OsKind = HostRules::KIND;

/// `base` and the `/`-separated `rel` joined with `rules`' own separator, as Go's
/// `filepath.Join` writes defaults on that OS: the same string on every host (a host
/// `Path::join` would give `/home/u\\go` for the Linux rules on Windows). A `base` already
/// ending in a separator of that OS gets none added.
pub fn join_path(rules: &dyn OsRules, base: &str, rel: &str) -> String {
    let sep = rules.path_separator();
    let rel = if sep == '/' {
        rel.to_owned()
    } else {
        rel.replace('/', &sep.to_string())
    };
    let ends_with_sep = base.ends_with(sep) || (sep == '\\' && base.ends_with('/'));
    if base.is_empty() || ends_with_sep {
        format!("{base}{rel}")
    } else {
        format!("{base}{sep}{rel}")
    }
}

/// The directory a variable's value `p` names, written with `rules`' own separator: on Windows
/// a value written with `/` (`C:/Users/u/go/pkg/mod`, which Go accepts) becomes
/// `C:\Users\u\go\pkg\mod`, so that the paths shown below it are written one way (never
/// `C:/Users/u/go/pkg/mod\example.com`). A verbatim path (`\\?\`), where `/` is not a
/// separator, is kept as it is; so is every path under the `/` rules.
pub fn native_path(rules: &dyn OsRules, p: &str) -> PathBuf {
    if rules.path_separator() == '\\' && !p.starts_with(r"\\?\") {
        PathBuf::from(p.replace('/', "\\"))
    } else {
        PathBuf::from(p)
    }
}

/// Reads a variable and treats an empty value as unset, as Go does.
pub(crate) fn non_empty(env: &EnvMap, key: &str) -> Option<String> {
    env.get(key).filter(|v| !v.is_empty()).cloned()
}

/// `<dir>/<prefix><version>/<rest...>` for every entry of `dir` starting with `prefix`,
/// newest version first (compared numerically, component by component).
pub(crate) fn versioned_dirs(dir: &std::path::Path, prefix: &str, rest: &[&str]) -> Vec<PathBuf> {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found: Vec<(Vec<u64>, PathBuf)> = rd
        .flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            let ver = name.strip_prefix(prefix)?;
            let key = ver
                .split(['.', '-'])
                .map(|p| p.parse::<u64>().unwrap_or(0))
                .collect();
            let mut p = e.path();
            for r in rest {
                p.push(r);
            }
            Some((key, p))
        })
        .collect();
    found.sort_by(|a, b| b.0.cmp(&a.0));
    found.into_iter().map(|(_, p)| p).collect()
}

#[cfg(test)]
mod join_tests {
    use super::*;

    #[test]
    fn join_path_uses_the_rules_separator_on_every_host() {
        assert_eq!(join_path(&Linux, "/home/u", "go"), "/home/u/go");
        assert_eq!(join_path(&Linux, "/home/u/", "go/env"), "/home/u/go/env");
        assert_eq!(
            join_path(&MacOs, "/Users/u", "Library/Caches"),
            "/Users/u/Library/Caches"
        );
        assert_eq!(
            join_path(&Windows, r"C:\Users\u", "go/env"),
            r"C:\Users\u\go\env"
        );
        assert_eq!(join_path(&Windows, r"C:\", "go"), r"C:\go");
        assert_eq!(join_path(&Windows, "C:/Users/u/", "go"), r"C:/Users/u/go");
    }

    #[test]
    fn native_path_writes_windows_values_with_backslashes_only() {
        let w = |p: &str| native_path(&Windows, p).to_string_lossy().into_owned();
        assert_eq!(w("C:/Users/u/go/pkg/mod"), r"C:\Users\u\go\pkg\mod");
        assert_eq!(w(r"C:\x\gopath/pkg/mod"), r"C:\x\gopath\pkg\mod");
        assert_eq!(w("//server/share/go"), r"\\server\share\go");
        assert_eq!(w(r"C:\Users\u\go"), r"C:\Users\u\go");
        // Verbatim: `/` is an ordinary character there.
        assert_eq!(w(r"\\?\C:\a/b"), r"\\?\C:\a/b");
        for rules in [&Linux as &dyn OsRules, &MacOs] {
            assert_eq!(
                native_path(rules, r"/h/a\b/go"),
                PathBuf::from(r"/h/a\b/go")
            );
        }
    }
}
