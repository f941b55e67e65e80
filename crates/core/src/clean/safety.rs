//! Refusals: roots that do not look like a cache, and targets outside the discovered roots.

use std::path::{Component, Path, PathBuf};

use super::sys::{Account, Platform, Sys};
use crate::discover::CacheKind;
use crate::env::EnvMap;
use crate::{Error, Result};

/// The directories [`Guard::never`] lists for an environment: `$HOME`, `os.UserCacheDir`,
/// `os.UserConfigDir` and the XDG base directories (`XDG_CACHE_HOME`, `XDG_CONFIG_HOME`,
/// `XDG_DATA_HOME`, `XDG_STATE_HOME`, `XDG_RUNTIME_DIR`), plus Windows' `%LocalAppData%`,
/// `%AppData%` and `%USERPROFILE%` and macOS' `~/Library`.
pub(crate) fn never_roots(env: &EnvMap) -> Vec<PathBuf> {
    let rules = crate::os::current();
    let mut v = Vec::new();
    if let Some(h) = rules.home_dir(env) {
        v.push(h.join("Library"));
        v.push(h.join("Library").join("Caches"));
        v.push(h.join(".cache"));
        v.push(h.join(".config"));
        v.push(h.join(".local"));
        v.push(h.join(".local").join("share"));
        v.push(h.join(".local").join("state"));
        v.push(h);
    }
    v.extend(rules.user_cache_dir(env).ok());
    v.extend(rules.user_config_dir(env).ok());
    for k in [
        "XDG_CACHE_HOME",
        "XDG_CONFIG_HOME",
        "XDG_DATA_HOME",
        "XDG_STATE_HOME",
        "XDG_RUNTIME_DIR",
        "LOCALAPPDATA",
        "APPDATA",
        "USERPROFILE",
        "TMPDIR",
        "TEMP",
        "TMP",
    ] {
        if let Some(val) = crate::os::non_empty(env, k) {
            v.push(PathBuf::from(val));
        }
    }
    v.push(std::env::temp_dir());
    v.retain(|p| p.is_absolute());
    v
}

/// Whether `root` shows the markers of a `kind` cache ([`crate::markers`] has the rules): a
/// refusal reason when it does not.
///
/// # Errors
/// A sentence saying which marker is missing.
pub(crate) fn check_markers(kind: CacheKind, root: &Path) -> std::result::Result<(), String> {
    crate::markers::looks_like(kind, root).map_err(|why| {
        format!(
            "refusing: it does not look like a {} ({why})",
            kind.title().to_lowercase()
        )
    })
}

/// What a root is checked against.
#[derive(Debug, Clone, Default)]
pub(crate) struct Guard {
    pub home: Option<PathBuf>,
    pub goroot: Vec<PathBuf>,
    pub gopaths: Vec<PathBuf>,
    /// Directories that are never a cache root themselves: the home, cache and config
    /// directories and every XDG base directory.
    pub never: Vec<PathBuf>,
    /// For an elevated clean: the account that asked. Each root must then be inside its home
    /// or owned by it, with no ancestor another user could write.
    pub requester: Option<Account>,
}

fn refuse(path: &Path, reason: impl Into<String>) -> Error {
    Error::BadRoot {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn same(a: &Path, b: &Path) -> bool {
    if a == b {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => x == y,
        _ => false,
    }
}

/// Whether `root` is one of [`never_roots`] or above one (`$HOME`, `~/.cache`, `/`, ...): never a
/// cache itself, whatever a misdirected variable says.
pub(crate) fn is_base_dir(env: &EnvMap, root: &Path) -> bool {
    never_roots(env).iter().any(|n| contains(root, n))
}

/// `a` is `b` or one of its ancestors.
fn contains(a: &Path, b: &Path) -> bool {
    if b.starts_with(a) {
        return true;
    }
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(x), Ok(y)) => y.starts_with(x),
        _ => false,
    }
}

impl Guard {
    /// Checks a cache root before anything in it is touched. `whole` is true when the root
    /// itself is to be removed.
    ///
    /// # Errors
    /// [`Error::BadRoot`] naming the reason.
    pub fn check_root(&self, kind: CacheKind, root: &Path, whole: bool) -> Result<()> {
        if !root.is_absolute() {
            return Err(refuse(root, "refusing a relative cache path"));
        }
        if root.components().any(|c| matches!(c, Component::ParentDir)) {
            return Err(refuse(root, "refusing a cache path with `..`"));
        }
        if root.parent().is_none() {
            return Err(refuse(root, "refusing to clean a file-system root"));
        }
        if let Some(h) = &self.home
            && contains(root, h)
        {
            return Err(refuse(
                root,
                format!(
                    "refusing: this is the home directory {} or above it",
                    h.display()
                ),
            ));
        }
        if let Some(n) = self.never.iter().find(|n| same(root, n)) {
            return Err(refuse(
                root,
                format!(
                    "refusing: {} is a user or system base directory, never a cache itself",
                    n.display()
                ),
            ));
        }
        for g in &self.goroot {
            // A toolchain Go downloaded into the module cache is a cache entry itself: the
            // plan warns about it (and never removes the running one on its own).
            if is_downloaded_toolchain(root, g) {
                continue;
            }
            if same(root, g) || contains(root, g) || contains(g, root) {
                return Err(refuse(
                    root,
                    format!(
                        "refusing: this is, contains or is inside GOROOT {}",
                        g.display()
                    ),
                ));
            }
        }
        for marker in ["go.mod", ".git"] {
            if std::fs::symlink_metadata(root.join(marker)).is_ok() {
                return Err(refuse(
                    root,
                    format!(
                        "refusing: it has a {marker} at its top, so it looks like a project, not a cache"
                    ),
                ));
            }
        }
        if whole {
            for gp in &self.gopaths {
                if contains(root, gp) && gp.join("src").is_dir() {
                    return Err(refuse(
                        root,
                        format!(
                            "refusing: it is or contains GOPATH {} which has a src/ directory \
                             (source code, not cache)",
                            gp.display()
                        ),
                    ));
                }
            }
        }
        check_markers(kind, root).map_err(|r| refuse(root, r))?;
        if let Some(a) = &self.requester {
            check_requester_owns(a, root).map_err(|r| refuse(root, r))?;
        }
        Ok(())
    }
}

/// For an elevated clean: `root` must be inside the requester's home or owned by the
/// requester, and no other user may be able to replace it or an ancestor.
fn check_requester_owns(a: &Account, root: &Path) -> std::result::Result<(), String> {
    if std::fs::symlink_metadata(root).is_err() {
        return Ok(());
    }
    let in_home = match (std::fs::canonicalize(root), std::fs::canonicalize(&a.home)) {
        (Ok(r), Ok(h)) => r.starts_with(&h) && r != h,
        _ => false,
    };
    let canon = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let owned = Sys::owner_uid(&canon).as_ref() == Some(&a.uid);
    if !(in_home || owned) {
        return Err(format!(
            "refusing: it is neither inside the home of {} ({}) nor owned by that user",
            a.name,
            a.home.display()
        ));
    }
    Sys::check_private_chain(&canon, &a.uid).map_err(|e| format!("refusing: {e}"))
}

/// Whether `goroot` is `<modcache>/golang.org/toolchain@<version>` (or below it).
pub(crate) fn is_downloaded_toolchain(modcache: &Path, goroot: &Path) -> bool {
    let Ok(rel) = goroot.strip_prefix(modcache.join("golang.org")) else {
        return false;
    };
    rel.components()
        .next()
        .is_some_and(|c| c.as_os_str().to_string_lossy().starts_with("toolchain@"))
}

/// Checks that `path` is strictly inside `root`, without `..`, and that no directory between
/// them is a symlink or junction (so nothing outside the root can be reached).
///
/// # Errors
/// [`Error::BadRoot`] naming the reason.
pub(crate) fn check_inside(root: &Path, path: &Path) -> Result<()> {
    let Ok(rel) = path.strip_prefix(root) else {
        return Err(refuse(
            path,
            format!(
                "refusing a target outside the cache root {}",
                root.display()
            ),
        ));
    };
    if rel.as_os_str().is_empty() {
        return Err(refuse(path, "internal: an item may not be its cache root"));
    }
    let mut cur = root.to_path_buf();
    let comps: Vec<Component<'_>> = rel.components().collect();
    for (i, c) in comps.iter().enumerate() {
        let Component::Normal(n) = c else {
            return Err(refuse(
                path,
                "refusing a target path with `.`, `..` or a prefix",
            ));
        };
        cur.push(n);
        if i + 1 < comps.len()
            && let Ok(md) = std::fs::symlink_metadata(&cur)
            && md.file_type().is_symlink()
        {
            return Err(refuse(
                path,
                format!("refusing: {} is a symlink inside the cache", cur.display()),
            ));
        }
    }
    Ok(())
}
