//! Finding Go projects (directories with `go.mod` or `go.work`) under user-chosen roots.

use std::path::{Path, PathBuf};

use super::{ProjectError, Warning};
use crate::CancelToken;

/// Directory names never descended into.
const SKIP_NAMES: &[&str] = &["vendor", "testdata", "node_modules"];

/// What [`find_projects`] found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Found {
    /// Directories holding a `go.mod`, sorted.
    pub modules: Vec<PathBuf>,
    /// Directories holding a `go.work`, sorted.
    pub workspaces: Vec<PathBuf>,
    /// Directories that could not be read (skipped).
    pub warnings: Vec<Warning>,
}

/// Walks `roots` for `go.mod` and `go.work` files. Never follows symlinks (a root that is
/// itself a symlink to a directory is used, as the user chose it); skips `vendor/`,
/// `testdata/`, `node_modules/`, hidden directories (`.git`, `.cache`, ...), every directory
/// in `skip` (module caches) and every `pkg/mod` directory that holds `cache/download` (a
/// module cache, full of other modules' `go.mod` files). Nested modules are found too.
/// Roots are canonicalized first, so the returned paths are absolute (on Windows written as
/// the user writes them, without the `\\?\` prefix canonicalization adds:
/// [`crate::os::simplified`]).
///
/// # Errors
/// [`ProjectError::BadRoot`] when a root is missing or not a directory;
/// [`ProjectError::Cancelled`]. Unreadable directories below a root become warnings.
pub fn find_projects(
    roots: &[PathBuf],
    skip: &[PathBuf],
    cancel: &CancelToken,
) -> Result<Found, ProjectError> {
    let skip: Vec<PathBuf> = skip
        .iter()
        .map(|s| canonical(s).unwrap_or_else(|_| s.clone()))
        .collect();
    let mut found = Found::default();
    for root in roots {
        let bad = |reason: String| ProjectError::BadRoot {
            path: root.clone(),
            reason,
        };
        let canon = canonical(root).map_err(|e| bad(e.to_string()))?;
        if !canon.is_dir() {
            return Err(bad("not a directory".into()));
        }
        // walkdir: symlinks are not followed (only the root, canonical already); a skipped
        // directory is not descended into.
        let mut walk = walkdir::WalkDir::new(&canon).into_iter();
        while let Some(entry) = walk.next() {
            if cancel.is_cancelled() {
                return Err(ProjectError::Cancelled);
            }
            let entry = match entry {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().unwrap_or(&canon).to_path_buf();
                    found.warnings.push(Warning {
                        path,
                        message: format!("cannot read directory: {}", std::io::Error::from(e)),
                    });
                    continue;
                }
            };
            let ft = entry.file_type();
            let name = entry.file_name().to_string_lossy();
            if ft.is_dir() {
                let hidden_or_skipped = entry.depth() > 0
                    && (name.starts_with('.') || SKIP_NAMES.contains(&name.as_ref()));
                if hidden_or_skipped
                    || skip.iter().any(|s| s == entry.path())
                    || is_module_cache(entry.path())
                {
                    walk.skip_current_dir();
                }
            } else if ft.is_file() {
                let Some(dir) = entry.path().parent() else {
                    continue;
                };
                match name.as_ref() {
                    "go.mod" => found.modules.push(dir.to_path_buf()),
                    "go.work" => found.workspaces.push(dir.to_path_buf()),
                    _ => {}
                }
            }
        }
    }
    for v in [&mut found.modules, &mut found.workspaces] {
        v.sort();
        v.dedup();
    }
    Ok(found)
}

/// `p` canonicalized, without the verbatim prefix where the plain path means the same.
pub(crate) fn canonical(p: &Path) -> std::io::Result<PathBuf> {
    std::fs::canonicalize(p).map(crate::os::simplified)
}

/// `.../pkg/mod` holding `cache/download`: a module cache (GOPATH layout).
fn is_module_cache(dir: &Path) -> bool {
    dir.file_name().is_some_and(|n| n == "mod")
        && dir
            .parent()
            .and_then(Path::file_name)
            .is_some_and(|n| n == "pkg")
        && std::fs::symlink_metadata(dir.join("cache").join("download")).is_ok_and(|m| m.is_dir())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(p: &Path) {
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, "module x\n").unwrap();
    }

    #[test]
    fn finds_modules_and_workspaces_and_skips_the_rest() {
        let tmp = tempfile::tempdir().unwrap();
        let r = canonical(tmp.path()).unwrap();
        for p in [
            "a/go.mod",
            "a/nested/go.mod",
            "b/go.mod",
            "go.work",
            "a/vendor/x/go.mod",
            "a/testdata/t/go.mod",
            "node_modules/n/go.mod",
            ".git/g/go.mod",
            ".hidden/go.mod",
            "gopath/pkg/mod/example.com/m@v1.0.0/go.mod",
            "mycache/example.com/m@v1.0.0/go.mod",
        ] {
            touch(&r.join(p));
        }
        std::fs::create_dir_all(r.join("gopath/pkg/mod/cache/download")).unwrap();
        // A file named go.mod's directory twin: a directory called go.mod is not a project.
        std::fs::create_dir_all(r.join("c/go.mod")).unwrap();
        #[cfg(unix)]
        {
            let outside = tempfile::tempdir().unwrap();
            touch(&outside.path().join("o/go.mod"));
            std::os::unix::fs::symlink(outside.path(), r.join("link")).unwrap();
            let found = find_projects(
                std::slice::from_ref(&r),
                &[r.join("mycache")],
                &CancelToken::new(),
            )
            .unwrap();
            assert_eq!(
                found.modules,
                [r.join("a"), r.join("a/nested"), r.join("b")]
            );
            assert_eq!(found.workspaces, std::slice::from_ref(&r));
            assert!(found.warnings.is_empty(), "{:?}", found.warnings);
        }
    }

    /// Found directories are written as the user writes them: no `\\?\` prefix on Windows
    /// (they are shown in the app and the CLI, and compared with the paths Go prints).
    #[test]
    fn found_paths_have_no_verbatim_prefix() {
        let tmp = tempfile::tempdir().unwrap();
        touch(&tmp.path().join("p").join("go.mod"));
        let found = find_projects(&[tmp.path().to_path_buf()], &[], &CancelToken::new()).unwrap();
        assert_eq!(found.modules.len(), 1, "{found:?}");
        let shown = found.modules[0].display().to_string();
        assert!(!shown.starts_with(r"\\?\"), "{shown}");
        assert_eq!(
            found.modules[0].file_name(),
            Some(std::ffi::OsStr::new("p"))
        );
    }

    #[test]
    fn bad_roots_and_cancel() {
        let tmp = tempfile::tempdir().unwrap();
        let missing = tmp.path().join("missing");
        let e =
            find_projects(std::slice::from_ref(&missing), &[], &CancelToken::new()).unwrap_err();
        assert!(matches!(e, ProjectError::BadRoot { ref path, .. } if *path == missing));
        let file = tmp.path().join("f");
        std::fs::write(&file, "").unwrap();
        assert!(matches!(
            find_projects(&[file], &[], &CancelToken::new()),
            Err(ProjectError::BadRoot { .. })
        ));
        let c = CancelToken::new();
        c.cancel();
        assert!(matches!(
            find_projects(&[tmp.path().to_path_buf()], &[], &c),
            Err(ProjectError::Cancelled)
        ));
    }
}
