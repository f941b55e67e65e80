//! Windows rules (`%AppData%`, `%LocalAppData%`, `%USERPROFILE%`).

use std::path::PathBuf;

use super::{OsKind, OsRules, non_empty};
use crate::env::EnvMap;

/// Windows.
#[derive(Debug, Default, Clone, Copy)]
pub struct Windows;

impl Windows {
    /// The [`OsKind`] these rules are for.
    pub const KIND: OsKind = OsKind::Windows;
}

impl OsRules for Windows {
    fn kind(&self) -> OsKind {
        Self::KIND
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

    /// `LocalAppData` (or its upper-case spelling when only that is set).
    fn user_cache_var(&self, env: &EnvMap) -> &'static str {
        if non_empty(env, "LocalAppData").is_none() && non_empty(env, "LOCALAPPDATA").is_some() {
            "LOCALAPPDATA"
        } else {
            "LocalAppData"
        }
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

/// `p` without the verbatim prefix `std::fs::canonicalize` adds on Windows, as Go and the user
/// write it: `\\?\C:\x` is `C:\x` and `\\?\UNC\server\share\x` is `\\server\share\x`.
/// Returns `None` (keep the verbatim form) for anything else, and when the plain form would
/// not mean the same path: a component Win32 would change (`.`, `..`, a trailing dot or
/// space, a reserved device name such as `NUL`), a `/` (a plain path treats it as a
/// separator), or a length past `MAX_PATH`.
pub fn strip_verbatim(p: &str) -> Option<String> {
    let (plain, rest) = if let Some(rest) = p.strip_prefix(r"\\?\UNC\") {
        (format!(r"\\{rest}"), rest)
    } else {
        let rest = p.strip_prefix(r"\\?\")?;
        let b = rest.as_bytes();
        let drive = b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\';
        if !drive {
            return None;
        }
        (rest.to_owned(), &rest[3..])
    };
    const MAX_PATH: usize = 260;
    if plain.len() >= MAX_PATH || rest.contains('/') {
        return None;
    }
    let reserved = |c: &str| {
        let stem = c
            .split('.')
            .next()
            .unwrap_or_default()
            .trim_end()
            .to_ascii_uppercase();
        matches!(
            stem.as_str(),
            "CON" | "PRN" | "AUX" | "NUL" | "CONIN$" | "CONOUT$"
        ) || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
    };
    let odd = rest
        .split('\\')
        .filter(|c| !c.is_empty())
        .any(|c| c == "." || c == ".." || c.ends_with('.') || c.ends_with(' ') || reserved(c));
    (!odd).then_some(plain)
}

/// [`strip_verbatim`] on a path: the plain form when there is one, else `p` unchanged (on
/// Unix no canonical path has the prefix, so this is the identity there).
pub fn simplified(p: std::path::PathBuf) -> std::path::PathBuf {
    match p.to_str().and_then(strip_verbatim) {
        Some(plain) => std::path::PathBuf::from(plain),
        None => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verbatim_prefix_is_stripped_only_when_the_plain_path_means_the_same() {
        let s = |p: &str| strip_verbatim(p);
        assert_eq!(s(r"\\?\C:\Go"), Some(r"C:\Go".to_owned()));
        assert_eq!(
            s(r"\\?\c:\Program Files\Go\bin"),
            Some(r"c:\Program Files\Go\bin".to_owned())
        );
        assert_eq!(s(r"\\?\C:\"), Some(r"C:\".to_owned()));
        assert_eq!(
            s(r"\\?\UNC\srv\share\go"),
            Some(r"\\srv\share\go".to_owned())
        );
        // Not verbatim, or not a drive/UNC path: kept as is.
        assert_eq!(s(r"C:\Go"), None);
        assert_eq!(s("/usr/lib/go"), None);
        assert_eq!(s(r"\\?\Volume{0a1b}\Go"), None);
        assert_eq!(s(r"\\.\C:\Go"), None);
        // The plain form would name another file.
        assert_eq!(s(r"\\?\C:\x\NUL"), None);
        assert_eq!(s(r"\\?\C:\x\com1.txt"), None);
        assert_eq!(s(r"\\?\C:\x\dir."), None);
        assert_eq!(s(r"\\?\C:\x\dir "), None);
        assert_eq!(s(r"\\?\C:\x\..\y"), None);
        assert_eq!(s(r"\\?\C:\a/b"), None);
        let long = format!(r"\\?\C:\{}", "a".repeat(300));
        assert_eq!(s(&long), None);
        // COM10 and "console" are ordinary names.
        assert_eq!(s(r"\\?\C:\COM10"), Some(r"C:\COM10".to_owned()));
        assert_eq!(s(r"\\?\C:\console"), Some(r"C:\console".to_owned()));
        assert_eq!(
            simplified(std::path::PathBuf::from(r"\\?\D:\go")),
            std::path::PathBuf::from(r"D:\go")
        );
        assert_eq!(
            simplified(std::path::PathBuf::from("/usr/lib/go")),
            std::path::PathBuf::from("/usr/lib/go")
        );
    }

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
