//! Undo of a whole cache root that Go recreated during the undo window: instead of purging the
//! quarantined root (everything the user wanted back) or replacing the new one (what Go just
//! wrote), the quarantined tree is merged into the new root entry by entry, each with a
//! no-replace rename, and only what the new root already has stays behind for the purge.
//!
//! * Module cache: each `module@version` (its extracted tree and its `cache/download` files)
//!   goes back under Go's own per-version lock with `.partial` in place while it happens, and
//!   `list` is rewritten ([`modver::restore_version`], spec §2.3-2.4). A version whose lock a
//!   go command holds is being fetched right now: the new copy wins. An extracted tree that
//!   was itself partial (its `.partial` was present) is never moved back.
//! * Everything else (the build cache's `00`..`ff` entries, `cache/vcs`, sumdb, other caches):
//!   directories present in both are merged recursively; an entry absent from the new root is
//!   moved back whole; one present there is kept (superseded).

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::modver::{self, DOWNLOAD_EXTS, VersionPaths};
use super::trash::{self, INNER_TRASH};
use crate::CancelToken;
use crate::discover::CacheKind;
use crate::modpath::join_slashed;

/// What a merge did.
#[derive(Debug, Default)]
pub(crate) struct Merged {
    /// Entries moved back.
    pub restored: usize,
    /// Entries kept in quarantine because the new root has its own.
    pub superseded: usize,
    /// Entries that could not be moved back, with the error (they stay in quarantine).
    pub failures: Vec<(PathBuf, String)>,
}

/// Merges the quarantined cache root `old` of kind `kind` into the root `new` that Go
/// recreated. Never replaces anything in `new`, never follows a symlink.
pub(crate) fn merge_root(
    kind: CacheKind,
    old: &Path,
    new: &Path,
    lock_timeout: Duration,
    cancel: &CancelToken,
) -> Merged {
    let mut m = Merged::default();
    let modcache = kind == CacheKind::Modcache;
    if modcache {
        merge_versions(old, new, lock_timeout, cancel, &mut m);
    }
    merge_tree(old, new, Path::new(""), modcache, cancel, &mut m);
    m
}

fn is_real_dir(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|md| md.is_dir())
}

fn names(dir: &Path) -> io::Result<Vec<std::ffi::OsString>> {
    let mut v: Vec<_> = std::fs::read_dir(dir)?
        .flatten()
        .map(|e| e.file_name())
        .collect();
    v.sort();
    Ok(v)
}

/// The `(escaped path, escaped version)` pairs of the module cache `root`: extracted trees
/// (the first path element holding `@`, spec §2.1) and download files.
fn versions(root: &Path) -> BTreeMap<String, BTreeSet<String>> {
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let Ok(list) = names(&join_slashed(root, &rel)) else {
            continue;
        };
        for n in list {
            let Some(name) = n.to_str() else { continue };
            if rel.is_empty() && (name == "cache" || name.starts_with(INNER_TRASH)) {
                continue;
            }
            let child = if rel.is_empty() {
                name.to_owned()
            } else {
                format!("{rel}/{name}")
            };
            if !is_real_dir(&join_slashed(root, &child)) {
                continue;
            }
            match name.split_once('@') {
                Some((elem, ver)) if !ver.contains(".tmp-") && !elem.is_empty() => {
                    let escpath = if rel.is_empty() {
                        elem.to_owned()
                    } else {
                        format!("{rel}/{elem}")
                    };
                    out.entry(escpath).or_default().insert(ver.to_owned());
                }
                Some(_) => {}
                None => stack.push(child),
            }
        }
    }
    let dl = join_slashed(root, "cache/download");
    let mut stack = vec![String::new()];
    while let Some(rel) = stack.pop() {
        let Ok(list) = names(&join_slashed(&dl, &rel)) else {
            continue;
        };
        for n in list {
            let Some(name) = n.to_str() else { continue };
            if rel.is_empty() && name == "sumdb" {
                continue;
            }
            let child = if rel.is_empty() {
                name.to_owned()
            } else {
                format!("{rel}/{name}")
            };
            if !is_real_dir(&join_slashed(&dl, &child)) {
                continue;
            }
            if name != "@v" {
                stack.push(child);
                continue;
            }
            if rel.is_empty() {
                continue;
            }
            let Ok(files) = names(&join_slashed(&dl, &child)) else {
                continue;
            };
            for f in files {
                let Some(f) = f.to_str() else { continue };
                for ext in DOWNLOAD_EXTS {
                    if let Some(v) = f.strip_suffix(&format!(".{ext}"))
                        && !v.is_empty()
                    {
                        out.entry(rel.clone()).or_default().insert(v.to_owned());
                    }
                }
            }
        }
    }
    out
}

fn merge_versions(
    old: &Path,
    new: &Path,
    lock_timeout: Duration,
    cancel: &CancelToken,
    m: &mut Merged,
) {
    for (escpath, vers) in versions(old) {
        for escver in vers {
            if cancel.is_cancelled() {
                m.failures
                    .push((join_slashed(new, &escpath), "cancelled".into()));
                return;
            }
            let from = VersionPaths::new(old, &escpath, &escver);
            let to = VersionPaths::new(new, &escpath, &escver);
            // The same order as a removal, so restore_version (last first) puts the download
            // files back before the tree, as Go writes them.
            let mut pairs = Vec::new();
            if is_real_dir(&from.dir) && std::fs::symlink_metadata(from.file("partial")).is_err() {
                pairs.push((from.dir.clone(), to.dir.clone()));
            }
            for ext in DOWNLOAD_EXTS {
                let f = from.file(ext);
                if std::fs::symlink_metadata(&f).is_ok_and(|md| md.is_file()) {
                    pairs.push((f, to.file(ext)));
                }
            }
            let mut moved = Vec::new();
            for (f, t) in pairs {
                match trash::prepare_back(&f, &t) {
                    Ok(mv) => moved.push(mv),
                    Err(e) => m.failures.push((t, e.to_string())),
                }
            }
            if moved.is_empty() {
                continue;
            }
            match modver::restore_version(&to, &moved, lock_timeout, cancel) {
                Ok(n) => {
                    m.restored += n;
                    m.superseded += moved
                        .iter()
                        .filter(|mv| std::fs::symlink_metadata(&mv.trashed).is_ok())
                        .count();
                }
                // A go command holds the version's lock: it is fetching this very version
                // into the new root, whose copy wins.
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    m.superseded += moved.len();
                }
                Err(e) => m.failures.push((to.dir.clone(), e.to_string())),
            }
        }
    }
}

/// Moves back every entry of `old/rel` that `new/rel` lacks; recurses into directories both
/// have. In a module cache the versions (extracted trees and `@v` directories) are left to
/// [`merge_versions`].
fn merge_tree(
    old: &Path,
    new: &Path,
    rel: &Path,
    modcache: bool,
    cancel: &CancelToken,
    m: &mut Merged,
) {
    let list = match names(&old.join(rel)) {
        Ok(l) => l,
        Err(e) => {
            m.failures.push((new.join(rel), e.to_string()));
            return;
        }
    };
    let in_cache = rel.starts_with("cache");
    for name in list {
        if cancel.is_cancelled() {
            m.failures.push((new.join(rel), "cancelled".into()));
            return;
        }
        let n = name.to_string_lossy();
        if rel.as_os_str().is_empty() && n.starts_with(INNER_TRASH) {
            continue;
        }
        if modcache && ((!in_cache && n.contains('@')) || (in_cache && n == "@v")) {
            continue;
        }
        let child = rel.join(&name);
        let (from, to) = (old.join(&child), new.join(&child));
        let Ok(from_md) = std::fs::symlink_metadata(&from) else {
            continue;
        };
        match std::fs::symlink_metadata(&to) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                let r = trash::prepare_back(&from, &to).and_then(|mv| trash::move_back(&mv));
                match r {
                    Ok(true) => m.restored += 1,
                    Ok(false) => m.superseded += 1,
                    Err(e) => m.failures.push((to, e.to_string())),
                }
            }
            Err(e) => m.failures.push((to, e.to_string())),
            Ok(to_md) if from_md.is_dir() && to_md.is_dir() => {
                merge_tree(old, new, &child, modcache, cancel, m);
            }
            Ok(_) => m.superseded += 1,
        }
    }
}
