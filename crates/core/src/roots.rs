//! Whether a path a front end names is one of the discovered cache roots or inside one: the
//! check behind the app's "Show in file manager" (and anything else that acts on a path the
//! page sends). The page is not trusted: a path outside every root, with `..`, or reaching a
//! symlink below a root is refused. A root that is itself a symlink (the user pointed
//! `GOMODCACHE` at another disk) is the user's own configuration and is followed.

use std::path::{Component, Path, PathBuf};

use crate::ErrorCode;

/// Why [`resolve_within`] refused a path.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RootsError {
    /// Not an absolute path.
    #[error("{0}: not an absolute path")]
    Relative(PathBuf),
    /// The path has a `.` or `..` component.
    #[error("{0}: refusing a path with `.` or `..`")]
    DotDot(PathBuf),
    /// The path is neither a discovered cache root nor inside one.
    #[error("{0} is not in one of Go's caches")]
    Outside(PathBuf),
    /// The path (or its cache root) does not exist (any more).
    #[error("{0} no longer exists")]
    Gone(PathBuf),
    /// A directory or file between the root and the path is a symlink (not followed: it could
    /// lead out of the cache).
    #[error("{path}: {link} is a symbolic link inside the cache and is not followed")]
    Symlink {
        /// The path asked for.
        path: PathBuf,
        /// The symlink found on the way.
        link: PathBuf,
    },
    /// Reading the file system failed.
    #[error("{path}: {source}")]
    Io {
        /// The path being read.
        path: PathBuf,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl RootsError {
    /// The machine-readable code front ends branch on: `NotFound` for a path that is gone,
    /// `PermissionDenied`/`Io` for a file system that cannot be read, `BadArgument` for a
    /// refused path.
    pub fn code(&self) -> ErrorCode {
        match self {
            Self::Gone(_) => ErrorCode::NotFound,
            Self::Io { source, .. } => match source.kind() {
                std::io::ErrorKind::PermissionDenied => ErrorCode::PermissionDenied,
                std::io::ErrorKind::NotFound => ErrorCode::NotFound,
                _ => ErrorCode::Io,
            },
            Self::Relative(_) | Self::DotDot(_) | Self::Outside(_) | Self::Symlink { .. } => {
                ErrorCode::BadArgument
            }
        }
    }
}

fn io_err(path: &Path, source: std::io::Error) -> RootsError {
    if source.kind() == std::io::ErrorKind::NotFound {
        RootsError::Gone(path.to_path_buf())
    } else {
        RootsError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

/// The real location of `path`, which must be one of `roots` (the discovered cache roots,
/// as configured) or inside one of them.
///
/// `path` is matched component-wise against each root as configured and as canonicalized
/// (so a path under either spelling of a symlinked root matches). Below the root, every
/// component must exist and none may be a symlink (not even the last one: revealing it would
/// show where it points). The answer is the canonical root joined with the rest of the path.
///
/// # Errors
/// [`RootsError::Relative`] or [`RootsError::DotDot`] for a malformed path,
/// [`RootsError::Outside`] when no root contains it, [`RootsError::Symlink`] for a symlink
/// below the root, [`RootsError::Gone`] when it or its root does not exist,
/// [`RootsError::Io`] when the file system cannot be read.
pub fn resolve_within(roots: &[PathBuf], path: &Path) -> Result<PathBuf, RootsError> {
    if !path.is_absolute() {
        return Err(RootsError::Relative(path.to_path_buf()));
    }
    if path
        .components()
        .any(|c| matches!(c, Component::ParentDir | Component::CurDir))
    {
        return Err(RootsError::DotDot(path.to_path_buf()));
    }
    let mut found: Option<(&Path, PathBuf)> = None;
    for root in roots.iter().filter(|r| r.is_absolute()) {
        let canonical = std::fs::canonicalize(root).ok();
        let rel = path
            .strip_prefix(root)
            .ok()
            .or_else(|| canonical.as_deref().and_then(|c| path.strip_prefix(c).ok()));
        if let Some(rel) = rel {
            // The innermost root wins (the toolchains inside the module cache).
            if found
                .as_ref()
                .is_none_or(|(_, r)| rel.components().count() < r.components().count())
            {
                found = Some((root.as_path(), rel.to_path_buf()));
            }
        }
    }
    let Some((root, rel)) = found else {
        return Err(RootsError::Outside(path.to_path_buf()));
    };
    let mut cur = std::fs::canonicalize(root).map_err(|e| io_err(root, e))?;
    for c in rel.components() {
        let Component::Normal(name) = c else {
            return Err(RootsError::DotDot(path.to_path_buf()));
        };
        cur.push(name);
        let md = std::fs::symlink_metadata(&cur).map_err(|e| io_err(path, e))?;
        if md.file_type().is_symlink() {
            return Err(RootsError::Symlink {
                path: path.to_path_buf(),
                link: cur,
            });
        }
    }
    Ok(cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn setup() -> (tempfile::TempDir, PathBuf, PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let base = std::fs::canonicalize(t.path()).unwrap();
        let root = base.join("gomod");
        let inside = root.join("example.com").join("m@v1.0.0");
        std::fs::create_dir_all(&inside).unwrap();
        std::fs::write(inside.join("go.mod"), "module example.com/m\n").unwrap();
        std::fs::create_dir_all(base.join("secret")).unwrap();
        (t, root, inside)
    }

    #[test]
    fn the_root_and_paths_inside_it_resolve() {
        let (_t, root, inside) = setup();
        let roots = vec![root.clone()];
        assert_eq!(resolve_within(&roots, &root).unwrap(), root);
        assert_eq!(resolve_within(&roots, &inside).unwrap(), inside);
        let file = inside.join("go.mod");
        assert_eq!(resolve_within(&roots, &file).unwrap(), file);
    }

    #[test]
    fn paths_outside_every_root_are_refused() {
        let (_t, root, _) = setup();
        let roots = vec![root.clone()];
        let secret = root.parent().unwrap().join("secret");
        let e = resolve_within(&roots, &secret).unwrap_err();
        assert!(matches!(e, RootsError::Outside(_)), "{e}");
        assert_eq!(e.code(), ErrorCode::BadArgument);
        // A sibling whose name starts like the root is not inside it (component-wise).
        let sibling = root.parent().unwrap().join("gomod-other");
        std::fs::create_dir_all(&sibling).unwrap();
        assert!(matches!(
            resolve_within(&roots, &sibling),
            Err(RootsError::Outside(_))
        ));
        // The root's parent, and a root list that is empty.
        assert!(matches!(
            resolve_within(&roots, root.parent().unwrap()),
            Err(RootsError::Outside(_))
        ));
        assert!(matches!(
            resolve_within(&[], &root),
            Err(RootsError::Outside(_))
        ));
        assert!(matches!(
            resolve_within(&roots, Path::new("gomod/example.com")),
            Err(RootsError::Relative(_))
        ));
    }

    #[test]
    fn dot_dot_is_refused_even_when_it_lands_inside() {
        let (_t, root, inside) = setup();
        let roots = vec![root.clone()];
        // Built from text: `Path::join` drops `..` from a verbatim (`\\?\`) Windows path,
        // which is what the canonical temp dir is there.
        let sep = std::path::MAIN_SEPARATOR;
        let dotted = |base: &Path, rest: &str| {
            PathBuf::from(format!("{}{sep}..{sep}{rest}", base.display()))
        };
        let escape = dotted(&root, "secret");
        assert!(root.parent().unwrap().join("secret").exists());
        let e = resolve_within(&roots, &escape).unwrap_err();
        assert!(matches!(e, RootsError::DotDot(_)), "{e}");
        let back_in = dotted(&inside, "m@v1.0.0");
        assert!(matches!(
            resolve_within(&roots, &back_in),
            Err(RootsError::DotDot(_))
        ));
    }

    #[test]
    fn a_path_that_is_gone_says_so() {
        let (_t, root, inside) = setup();
        let roots = vec![root.clone()];
        let e = resolve_within(&roots, &inside.join("removed")).unwrap_err();
        assert!(matches!(e, RootsError::Gone(_)), "{e}");
        assert_eq!(e.code(), ErrorCode::NotFound);
        std::fs::remove_dir_all(&root).unwrap();
        assert!(matches!(
            resolve_within(&roots, &root),
            Err(RootsError::Gone(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_symlink_inside_a_root_is_not_followed_out() {
        let (_t, root, inside) = setup();
        let roots = vec![root.clone()];
        let secret = root.parent().unwrap().join("secret");
        std::fs::write(secret.join("key"), "x").unwrap();
        // A directory symlink on the way, and one as the last component.
        std::os::unix::fs::symlink(&secret, root.join("evil")).unwrap();
        std::os::unix::fs::symlink(&secret, inside.join("last")).unwrap();
        let e = resolve_within(&roots, &root.join("evil").join("key")).unwrap_err();
        assert!(
            matches!(&e, RootsError::Symlink { link, .. } if *link == root.join("evil")),
            "{e}"
        );
        assert_eq!(e.code(), ErrorCode::BadArgument);
        assert!(matches!(
            resolve_within(&roots, &inside.join("last")),
            Err(RootsError::Symlink { .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_root_that_is_itself_a_symlink_is_followed_under_both_spellings() {
        let (_t, real_root, inside) = setup();
        let link = real_root.parent().unwrap().join("configured");
        std::os::unix::fs::symlink(&real_root, &link).unwrap();
        // The user configured the symlink; the app sends paths under it.
        let roots = vec![link.clone()];
        let via_link = link.join("example.com").join("m@v1.0.0");
        assert_eq!(resolve_within(&roots, &via_link).unwrap(), inside);
        assert_eq!(resolve_within(&roots, &link).unwrap(), real_root);
        // The same place spelt through the real directory matches too.
        assert_eq!(resolve_within(&roots, &inside).unwrap(), inside);
        // Still nothing outside the real root.
        let secret = real_root.parent().unwrap().join("secret");
        assert!(matches!(
            resolve_within(&roots, &secret),
            Err(RootsError::Outside(_))
        ));
    }

    #[test]
    fn the_innermost_root_is_used() {
        let (_t, root, inside) = setup();
        let roots = vec![root.clone(), root.join("example.com")];
        assert_eq!(resolve_within(&roots, &inside).unwrap(), inside);
    }
}
