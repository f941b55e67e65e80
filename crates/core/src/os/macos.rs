//! macOS rules (`~/Library/...`).

use std::path::PathBuf;

use super::{OsKind, OsRules, non_empty};
use crate::env::EnvMap;

/// macOS.
#[derive(Debug, Default, Clone, Copy)]
pub struct MacOs;

impl MacOs {
    /// The [`OsKind`] these rules are for.
    pub const KIND: OsKind = OsKind::Macos;
}

impl OsRules for MacOs {
    fn kind(&self) -> OsKind {
        Self::KIND
    }

    /// `$HOME`, as Go's `os.UserHomeDir` (no fall-back, as in Go).
    fn home_dir(&self, env: &EnvMap) -> Option<PathBuf> {
        non_empty(env, "HOME").map(PathBuf::from)
    }

    /// `$HOME/Library/Application Support`.
    fn user_config_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        self.home_dir(env)
            .map(|h| {
                PathBuf::from(super::join_path(
                    self,
                    &h.display().to_string(),
                    "Library/Application Support",
                ))
            })
            .ok_or_else(|| "$HOME is not defined".to_owned())
    }

    /// `$HOME/Library/Caches`.
    fn user_cache_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        self.home_dir(env)
            .map(|h| {
                PathBuf::from(super::join_path(
                    self,
                    &h.display().to_string(),
                    "Library/Caches",
                ))
            })
            .ok_or_else(|| "$HOME is not defined".to_owned())
    }

    /// `HOME`.
    fn user_cache_var(&self, _env: &EnvMap) -> &'static str {
        "HOME"
    }

    /// `$TMPDIR`, else `/tmp` (Go's `os.TempDir` on Unix).
    fn temp_dir(&self, env: &EnvMap) -> PathBuf {
        PathBuf::from(non_empty(env, "TMPDIR").unwrap_or_else(|| "/tmp".to_owned()))
    }

    fn path_separator(&self) -> char {
        '/'
    }

    fn list_separator(&self) -> char {
        ':'
    }

    fn exe_suffix(&self) -> &'static str {
        ""
    }

    /// The official installer (`/usr/local/go`), Homebrew (Apple silicon and Intel),
    /// MacPorts and `~/sdk/go*`.
    fn go_install_candidates(&self, env: &EnvMap) -> Vec<PathBuf> {
        let mut v = vec![
            PathBuf::from("/usr/local/go/bin/go"),
            PathBuf::from("/opt/homebrew/bin/go"),
            PathBuf::from("/usr/local/bin/go"),
            PathBuf::from("/opt/local/bin/go"),
        ];
        if let Some(h) = self.home_dir(env) {
            v.extend(super::versioned_dirs(
                &h.join("sdk"),
                "go1.",
                &["bin", "go"],
            ));
        }
        v
    }

    fn is_absolute(&self, p: &str) -> bool {
        p.starts_with('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn library_dirs() {
        let env = EnvMap::from_pairs([("HOME", "/Users/u"), ("XDG_CACHE_HOME", "/ignored")]);
        assert_eq!(
            MacOs.user_cache_dir(&env),
            Ok(PathBuf::from("/Users/u/Library/Caches"))
        );
        assert_eq!(
            MacOs.user_config_dir(&env),
            Ok(PathBuf::from("/Users/u/Library/Application Support"))
        );
    }
}
