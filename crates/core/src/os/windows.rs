//! Windows rules (`%AppData%`, `%LocalAppData%`, `%USERPROFILE%`).

use std::path::PathBuf;

use super::{OsKind, OsRules, non_empty};
use crate::env::EnvMap;

/// Windows.
#[derive(Debug, Default, Clone, Copy)]
pub struct Windows;

impl OsRules for Windows {
    fn kind(&self) -> OsKind {
        OsKind::Windows
    }

    /// `%USERPROFILE%` (not `HOME`), as Go's `defaultGOPATH` reads it.
    fn home_dir(&self, env: &EnvMap) -> Option<PathBuf> {
        non_empty(env, "USERPROFILE").map(PathBuf::from)
    }

    /// `%AppData%`.
    fn user_config_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        non_empty(env, "AppData")
            .or_else(|| non_empty(env, "APPDATA"))
            .map(PathBuf::from)
            .ok_or_else(|| "%AppData% is not defined".to_owned())
    }

    /// `%LocalAppData%`.
    fn user_cache_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        non_empty(env, "LocalAppData")
            .or_else(|| non_empty(env, "LOCALAPPDATA"))
            .map(PathBuf::from)
            .ok_or_else(|| "%LocalAppData% is not defined".to_owned())
    }

    /// `GetTempPath2`'s order, as Go's `os.TempDir`: `%TMP%`, `%TEMP%`, `%USERPROFILE%`, then
    /// the Windows directory.
    fn temp_dir(&self, env: &EnvMap) -> PathBuf {
        ["TMP", "TEMP", "USERPROFILE", "SystemRoot", "windir"]
            .iter()
            .find_map(|k| non_empty(env, k))
            .map_or_else(|| PathBuf::from(r"C:\Windows"), PathBuf::from)
    }

    fn path_separator(&self) -> char {
        '\\'
    }

    fn list_separator(&self) -> char {
        ';'
    }

    fn exe_suffix(&self) -> &'static str {
        ".exe"
    }

    /// The MSI installer's `%ProgramFiles%\Go`, Scoop, Chocolatey and `%USERPROFILE%\sdk\go*`.
    fn go_install_candidates(&self, env: &EnvMap) -> Vec<PathBuf> {
        let mut v = Vec::new();
        let pf = non_empty(env, "ProgramFiles").unwrap_or_else(|| r"C:\Program Files".to_owned());
        v.push(PathBuf::from(pf).join("Go").join("bin").join("go.exe"));
        if let Some(h) = self.home_dir(env) {
            v.push(
                h.join("scoop")
                    .join("apps")
                    .join("go")
                    .join("current")
                    .join("bin")
                    .join("go.exe"),
            );
            v.extend(super::versioned_dirs(
                &h.join("sdk"),
                "go1.",
                &["bin", "go.exe"],
            ));
        }
        v.push(PathBuf::from(r"C:\ProgramData\chocolatey\bin\go.exe"));
        v
    }

    /// `C:\x`, `C:/x` and UNC `\\server\share` are absolute; `\x` and `C:x` are not.
    fn is_absolute(&self, p: &str) -> bool {
        let b = p.as_bytes();
        if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' {
            return b[2] == b'\\' || b[2] == b'/';
        }
        p.starts_with("\\\\") || p.starts_with("//")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_dirs_and_absolute() {
        let env = EnvMap::from_pairs([
            ("USERPROFILE", r"C:\Users\u"),
            ("LocalAppData", r"C:\Users\u\AppData\Local"),
            ("AppData", r"C:\Users\u\AppData\Roaming"),
        ]);
        assert_eq!(
            Windows.user_cache_dir(&env),
            Ok(PathBuf::from(r"C:\Users\u\AppData\Local"))
        );
        assert!(Windows.is_absolute(r"C:\go"));
        assert!(Windows.is_absolute(r"\\srv\share\go"));
        assert!(!Windows.is_absolute(r"\go"));
        assert!(!Windows.is_absolute("C:go"));
    }
}
