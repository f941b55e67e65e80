//! macOS rules (`~/Library/...`).

use std::path::PathBuf;

use super::{OsKind, OsRules, non_empty};
use crate::env::EnvMap;

/// macOS.
#[derive(Debug, Default, Clone, Copy)]
pub struct MacOs;

impl OsRules for MacOs {
    fn kind(&self) -> OsKind {
        OsKind::Macos
    }

    /// `$HOME`, falling back to `dirs` when unset.
    fn home_dir(&self, env: &EnvMap) -> Option<PathBuf> {
        non_empty(env, "HOME").map(PathBuf::from).or_else(|| {
            if env.is_process_env() { dirs::home_dir() } else { None }
        })
    }

    /// `$HOME/Library/Application Support`.
    fn user_config_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        self.home_dir(env)
            .map(|h| h.join("Library").join("Application Support"))
            .ok_or_else(|| "$HOME is not defined".to_owned())
    }

    /// `$HOME/Library/Caches`.
    fn user_cache_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        self.home_dir(env)
            .map(|h| h.join("Library").join("Caches"))
            .ok_or_else(|| "$HOME is not defined".to_owned())
    }

    fn list_separator(&self) -> char {
        ':'
    }

    fn exe_suffix(&self) -> &'static str {
        ""
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
        assert_eq!(MacOs.user_cache_dir(&env), Ok(PathBuf::from("/Users/u/Library/Caches")));
        assert_eq!(
            MacOs.user_config_dir(&env),
            Ok(PathBuf::from("/Users/u/Library/Application Support"))
        );
    }
}
