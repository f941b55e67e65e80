//! Linux and BSD rules (XDG base directories).

use std::path::PathBuf;

use super::{OsKind, OsRules, non_empty};
use crate::env::EnvMap;

/// Linux and the BSDs.
#[derive(Debug, Default, Clone, Copy)]
pub struct Linux;

impl Linux {
    /// The [`OsKind`] these rules are for.
    pub const KIND: OsKind = OsKind::Linux;
}

impl OsRules for Linux {
    fn kind(&self) -> OsKind {
        Self::KIND
    }

    /// `$HOME`, as Go's `os.UserHomeDir` (no fall-back: Go has none either).
    fn home_dir(&self, env: &EnvMap) -> Option<PathBuf> {
        non_empty(env, "HOME").map(PathBuf::from)
    }

    /// `$XDG_CONFIG_HOME` (must be absolute) or `$HOME/.config`.
    fn user_config_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        xdg(env, "XDG_CONFIG_HOME", ".config", self)
    }

    /// `$XDG_CACHE_HOME` (must be absolute) or `$HOME/.cache`.
    fn user_cache_dir(&self, env: &EnvMap) -> Result<PathBuf, String> {
        xdg(env, "XDG_CACHE_HOME", ".cache", self)
    }

    /// `XDG_CACHE_HOME` when set, else `HOME`.
    fn user_cache_var(&self, env: &EnvMap) -> &'static str {
        if non_empty(env, "XDG_CACHE_HOME").is_some() {
            "XDG_CACHE_HOME"
        } else {
            "HOME"
        }
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

    /// `/usr/local/go`, `~/go/bin` wrappers, `~/sdk/go*`, Debian's `/usr/lib/go-1.*` (newest
    /// first), snap.
    fn go_install_candidates(&self, env: &EnvMap) -> Vec<PathBuf> {
        let mut v = vec![PathBuf::from("/usr/local/go/bin/go")];
        if let Some(h) = self.home_dir(env) {
            v.push(h.join("go").join("bin").join("go"));
            v.push(h.join(".local").join("go").join("bin").join("go"));
            v.extend(super::versioned_dirs(
                &h.join("sdk"),
                "go1.",
                &["bin", "go"],
            ));
        }
        v.extend(super::versioned_dirs(
            std::path::Path::new("/usr/lib"),
            "go-1.",
            &["bin", "go"],
        ));
        v.push(PathBuf::from("/snap/bin/go"));
        v.push(PathBuf::from("/usr/bin/go"));
        v
    }

    fn is_absolute(&self, p: &str) -> bool {
        p.starts_with('/')
    }
}

fn xdg(env: &EnvMap, var: &str, fallback: &str, rules: &Linux) -> Result<PathBuf, String> {
    if let Some(v) = non_empty(env, var) {
        if !rules.is_absolute(&v) {
            return Err(format!("path in ${var} is relative"));
        }
        return Ok(PathBuf::from(v));
    }
    match rules.home_dir(env) {
        Some(h) => Ok(PathBuf::from(super::join_path(
            rules,
            &h.display().to_string(),
            fallback,
        ))),
        None => Err(format!("neither ${var} nor $HOME are defined")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xdg_rules() {
        let env = EnvMap::from_pairs([("HOME", "/home/u")]);
        assert_eq!(
            Linux.user_cache_dir(&env),
            Ok(PathBuf::from("/home/u/.cache"))
        );
        assert_eq!(
            Linux.user_config_dir(&env),
            Ok(PathBuf::from("/home/u/.config"))
        );
        let env = EnvMap::from_pairs([("HOME", "/home/u"), ("XDG_CACHE_HOME", "/x/c")]);
        assert_eq!(Linux.user_cache_dir(&env), Ok(PathBuf::from("/x/c")));
        let env = EnvMap::from_pairs([("HOME", "/home/u"), ("XDG_CACHE_HOME", "rel")]);
        assert!(Linux.user_cache_dir(&env).is_err());
        let env = EnvMap::from_pairs([("HOME", "/home/u"), ("XDG_CACHE_HOME", "")]);
        assert_eq!(
            Linux.user_cache_dir(&env),
            Ok(PathBuf::from("/home/u/.cache"))
        );
        let env = EnvMap::from_pairs::<[(&str, &str); 0], _, _>([]);
        assert!(Linux.user_cache_dir(&env).is_err());
    }
}
