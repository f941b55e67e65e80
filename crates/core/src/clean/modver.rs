//! Removing one module version the way Go accepts (spec §2.3-2.4, §8.5): under Go's own
//! per-version lock, with `.partial` in place while the extracted tree goes, then the
//! download files, then `list` rewritten like `rewriteVersionList`.

use std::collections::BTreeSet;
use std::fs::{File, OpenOptions};
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use super::remove::{self, remove_tree};
use super::sys::{Platform, Sys};
use super::trash::{self, Moved, Trash};
use super::{CauseDetail, CauseKind, semver};
use crate::CancelToken;
use crate::modpath::join_slashed;

/// The download files of a version, in the order they are removed.
pub(crate) const DOWNLOAD_EXTS: [&str; 4] = ["ziphash", "zip", "mod", "info"];

/// The order a removal takes the download files in (see [`VersionPaths::download_files`]).
const REMOVAL_ORDER: [&str; 4] = ["zip", "ziphash", "mod", "info"];

/// Extensions of the per-version files that belong to the version (a clean of it removes
/// them): the download files, and `.partial`, Go's mark of an unfinished extraction. Not
/// `.lock`: Go's lock file stays (a clean takes it, as Go does).
const VERSION_FILE_EXTS: [&str; 5] = ["ziphash", "zip", "mod", "info", "partial"];

/// The escaped version a file in `cache/download/<escpath>/@v/` belongs to: `<escver>.zip`,
/// `.ziphash`, `.mod`, `.info`, `.partial`, or Go's interrupted-write temp file
/// `<escver>.<ext><digits>.tmp`. `None` for `list`, `<escver>.lock` and anything else.
///
/// The one definition of a version's download files: the scan's `download_bytes` and the
/// clean plan's size of a version both use it, so they count the same files.
pub(crate) fn version_of_download_file(name: &str) -> Option<&str> {
    if let Some(stem) = name.strip_suffix(".tmp") {
        let (ver, ext) = stem.rsplit_once('.')?;
        let digits = ext.trim_start_matches(|c: char| c.is_ascii_alphabetic());
        let word = &ext[..ext.len() - digits.len()];
        let ok = !ver.is_empty()
            && !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && DOWNLOAD_EXTS.contains(&word);
        return ok.then_some(ver);
    }
    let (ver, ext) = name.rsplit_once('.')?;
    (!ver.is_empty() && VERSION_FILE_EXTS.contains(&ext)).then_some(ver)
}

/// Where one module version lives in a module cache.
#[derive(Debug, Clone)]
pub(crate) struct VersionPaths {
    /// `<root>/<escpath>@<escver>`.
    pub dir: PathBuf,
    /// `<root>/cache/download/<escpath>/@v`.
    pub dl_dir: PathBuf,
    pub escver: String,
    /// Keep `.mod` and `.info` (a project still needs the version's `go.mod`).
    pub keep_mod_files: bool,
}

impl VersionPaths {
    pub fn new(root: &Path, escpath: &str, escver: &str) -> Self {
        Self {
            dir: join_slashed(root, &format!("{escpath}@{escver}")),
            dl_dir: join_slashed(root, &format!("cache/download/{escpath}/@v")),
            escver: escver.to_owned(),
            keep_mod_files: false,
        }
    }

    /// The same version, keeping its `.mod` and `.info` files.
    pub fn keeping_mod_files(mut self, keep: bool) -> Self {
        self.keep_mod_files = keep;
        self
    }

    pub fn file(&self, ext: &str) -> PathBuf {
        self.dl_dir.join(format!("{}.{ext}", self.escver))
    }

    /// The download files present now (`.ziphash`, `.zip`, `.mod`, `.info`, `*.tmp`).
    ///
    /// In removal order: the `.zip` before its `.ziphash`, so a clean killed between the two
    /// leaves a `.ziphash` alone (which `go mod verify` accepts) and never a `.zip` without it
    /// ("missing ziphash"). Go writes them the other way round.
    pub fn download_files(&self) -> Vec<PathBuf> {
        let mut out: Vec<PathBuf> = REMOVAL_ORDER
            .iter()
            .filter(|e| !(self.keep_mod_files && matches!(**e, "mod" | "info")))
            .map(|e| self.file(e))
            .filter(|p| std::fs::symlink_metadata(p).is_ok())
            .collect();
        out.extend(self.tmp_files());
        out
    }

    /// Go's interrupted-write temp files: `<escver>.<ext><digits>.tmp`.
    fn tmp_files(&self) -> Vec<PathBuf> {
        let prefix = format!("{}.", self.escver);
        let Ok(rd) = std::fs::read_dir(&self.dl_dir) else {
            return Vec::new();
        };
        rd.flatten()
            .filter(|e| {
                let n = e.file_name();
                let n = n.to_string_lossy();
                n.starts_with(&prefix)
                    && n.ends_with(".tmp")
                    && version_of_download_file(&n) == Some(self.escver.as_str())
            })
            .map(|e| e.path())
            .collect()
    }

    /// The files a clean of this version removes, as sized in a plan: the extracted tree, the
    /// download files and a `.partial` left by an interrupted extraction (the same files the
    /// scan counts for the version, [`version_of_download_file`]).
    pub fn sized_paths(&self) -> Vec<PathBuf> {
        let mut out = vec![self.dir.clone()];
        out.extend(self.download_files());
        let partial = self.file("partial");
        if std::fs::symlink_metadata(&partial).is_ok() {
            out.push(partial);
        }
        out
    }

    /// Pre-Go-1.16 extraction leftovers `<escpath>@<escver>.tmp-<rand>`.
    fn old_tmp_dirs(&self) -> Vec<PathBuf> {
        let (Some(parent), Some(name)) = (self.dir.parent(), self.dir.file_name()) else {
            return Vec::new();
        };
        let prefix = format!("{}.tmp-", name.to_string_lossy());
        let Ok(rd) = std::fs::read_dir(parent) else {
            return Vec::new();
        };
        rd.flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with(&prefix))
            .map(|e| e.path())
            .collect()
    }

    /// Whether anything of this version is in the cache.
    pub fn present(&self) -> bool {
        std::fs::symlink_metadata(&self.dir).is_ok() || !self.download_files().is_empty()
    }
}

/// The escaped versions of module `escpath` found in the cache (extracted trees and download
/// files), unsorted.
pub(crate) fn versions_in_cache(root: &Path, escpath: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let p = join_slashed(root, escpath);
    if let (Some(parent), Some(last)) = (p.parent(), p.file_name()) {
        let prefix = format!("{}@", last.to_string_lossy());
        if let Ok(rd) = std::fs::read_dir(parent) {
            for e in rd.flatten() {
                let n = e.file_name().to_string_lossy().into_owned();
                if let Some(v) = n.strip_prefix(&prefix)
                    && !v.contains(".tmp-")
                    && e.file_type().is_ok_and(|t| t.is_dir())
                {
                    out.insert(v.to_owned());
                }
            }
        }
    }
    let dl = join_slashed(root, &format!("cache/download/{escpath}/@v"));
    if let Ok(rd) = std::fs::read_dir(dl) {
        for e in rd.flatten() {
            let n = e.file_name().to_string_lossy().into_owned();
            for ext in DOWNLOAD_EXTS {
                if let Some(v) = n.strip_suffix(&format!(".{ext}")) {
                    out.insert(v.to_owned());
                }
            }
        }
    }
    out
}

/// An exclusive lock on a lock file, taken with Go's primitive; released on drop.
#[derive(Debug)]
pub(crate) struct LockGuard {
    file: File,
}

impl LockGuard {
    /// The locked file.
    pub fn file(&self) -> &File {
        &self.file
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = super::sys::unlock(&self.file);
    }
}

/// Why a lock could not be taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process held it for the whole timeout.
    Busy,
    Cancelled,
    Io(io::Error),
}

/// Opens `path` like `lockedfile.MutexAt` (`O_RDWR|O_CREATE`, 0666) and takes it
/// exclusively, polling until `timeout`.
pub(crate) fn lock_file(
    path: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> Result<LockGuard, LockError> {
    let file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(LockError::Io)?;
    let started = Instant::now();
    loop {
        match super::sys::try_lock_exclusive(&file) {
            Ok(true) => return Ok(LockGuard { file }),
            Ok(false) => {}
            Err(e) => return Err(LockError::Io(e)),
        }
        if cancel.is_cancelled() {
            return Err(LockError::Cancelled);
        }
        if started.elapsed() >= timeout {
            return Err(LockError::Busy);
        }
        std::thread::sleep(Duration::from_millis(25));
    }
}

/// Rewrites `<dl_dir>/list` as Go's `rewriteVersionList`: under a lock of `list` itself, the
/// escaped versions that have a `.mod` file and are canonical, semver-sorted, one per line.
/// Does nothing when `dl_dir` does not exist.
pub(crate) fn rewrite_list(
    dl_dir: &Path,
    timeout: Duration,
    cancel: &CancelToken,
) -> io::Result<()> {
    if !dl_dir.is_dir() {
        return Ok(());
    }
    let list = dl_dir.join("list");
    let guard = match lock_file(&list, timeout, cancel) {
        Ok(g) => g,
        Err(LockError::Io(e)) => return Err(e),
        Err(LockError::Busy) => {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                format!("{} is locked by another process", list.display()),
            ));
        }
        Err(LockError::Cancelled) => {
            return Err(io::Error::new(io::ErrorKind::Interrupted, "cancelled"));
        }
    };
    let mut versions = Vec::new();
    for e in std::fs::read_dir(dl_dir)?.flatten() {
        let n = e.file_name().to_string_lossy().into_owned();
        if let Some(v) = n.strip_suffix(".mod")
            && !v.is_empty()
            && semver::canonical_module_version(v).as_deref() == Some(v)
        {
            versions.push(v.to_owned());
        }
    }
    semver::sort(&mut versions);
    let mut want = String::new();
    for v in &versions {
        want.push_str(v);
        want.push('\n');
    }
    let mut f = &guard.file;
    let mut old = Vec::new();
    f.seek(SeekFrom::Start(0))?;
    f.read_to_end(&mut old)?;
    if old == want.as_bytes() {
        return Ok(());
    }
    // As Go: truncate to zero, reserve the final size (zero-filled), then write, so a torn
    // write shows as trailing NULs.
    guard.file.set_len(0)?;
    guard.file.set_len(want.len() as u64)?;
    f.seek(SeekFrom::Start(0))?;
    f.write_all(want.as_bytes())?;
    Ok(())
}

/// How removing a version ended.
#[derive(Debug)]
pub(crate) enum Done {
    /// Gone for Go. `moved` lists what sits in quarantine (empty when deleted in place).
    Removed {
        moved: Vec<Moved>,
        in_place_note: Option<String>,
    },
    NotPresent,
    Failed(CauseKind, CauseDetail),
    /// Failed after moving some entries into quarantine (they are purged with the rest);
    /// `.partial` stays, so Go re-fetches the version.
    FailedAfter(CauseKind, CauseDetail, Vec<Moved>),
}

/// Settings of a version removal.
pub(crate) struct Ctx<'a> {
    /// For an elevated clean: the requester's (uid, gid); every step but the deletions runs
    /// as that user ([`Platform::as_user`]).
    pub act_as: Option<(u32, u32)>,
    pub root: &'a Path,
    pub trash: Option<&'a Trash>,
    pub lock_timeout: Duration,
    pub cancel: &'a CancelToken,
}

fn lock_failure(paths: &VersionPaths, e: LockError, ctx: &Ctx<'_>) -> Done {
    let lock = paths.file("lock");
    match e {
        LockError::Busy => Done::Failed(
            CauseKind::Locked,
            CauseDetail {
                path: lock.clone(),
                message: format!(
                    "another go command holds {} (downloading or extracting this version); \
                     waited {:.0} s",
                    lock.display(),
                    ctx.lock_timeout.as_secs_f64()
                ),
                owner: None,
                perm_cause: None,
                fix: Some("wait for the running go command to finish, then retry".into()),
                holder: None,
                more: 0,
            },
        ),
        LockError::Cancelled => Done::Failed(
            CauseKind::Cancelled,
            CauseDetail::message(&lock, "cancelled while waiting for the version lock"),
        ),
        LockError::Io(e) => {
            let (k, d) = remove::failure(&lock, &e, ctx.root);
            Done::Failed(k, d)
        }
    }
}

/// Moves `path` into the quarantine, or deletes it in place when there is none or the
/// rename is impossible. `Ok(None)` when it did not exist.
fn take(
    path: &Path,
    ctx: &Ctx<'_>,
    moved: &mut Vec<Moved>,
    note: &mut Option<String>,
) -> Result<(), Box<Failure>> {
    if std::fs::symlink_metadata(path).is_err() {
        return Ok(());
    }
    if let Some(t) = ctx.trash {
        let attempt = t.slot().and_then(|dest| trash::move_to(path, &dest));
        match attempt {
            Ok(m) => {
                moved.push(m);
                return Ok(());
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            Err(e) => {
                note.get_or_insert_with(|| {
                    format!("could not move into quarantine ({e}); deleted in place")
                });
            }
        }
    }
    let errs = remove_tree(path, ctx.cancel);
    match remove::failure_of(&errs, ctx.root) {
        None => Ok(()),
        Some(f) => Err(Box::new(Failure {
            kind: f.0,
            detail: f.1,
            untouched: !errs.removed_any,
        })),
    }
}

/// Why [`take`] failed, and whether the entry is exactly as before.
#[derive(Debug)]
struct Failure {
    kind: CauseKind,
    detail: CauseDetail,
    untouched: bool,
}

/// Gives `who` the directories from `root` down to the version's download directory and
/// that directory's entries, and the directories above its extracted tree (an elevated clean,
/// before it works on the version; by descriptor, never following a link).
pub(crate) fn give_back(root: &Path, paths: &VersionPaths, who: (u32, u32)) {
    if let Ok(rel) = paths.dl_dir.strip_prefix(root) {
        let _ = Sys::give_back(root, rel, true, who.0, who.1);
    }
    if let Some(rel) = paths.dir.parent().and_then(|p| p.strip_prefix(root).ok()) {
        let _ = Sys::give_back(root, rel, false, who.0, who.1);
    }
}

/// Removes one module version (spec §8.5). On failure the cache stays consistent: the
/// `.partial` marker stays while the extracted tree is incomplete, so Go re-extracts it.
pub(crate) fn remove_version(paths: &VersionPaths, ctx: &Ctx<'_>) -> Done {
    if !paths.present() {
        return Done::NotPresent;
    }
    let user = |f: &dyn Fn() -> io::Result<()>| Sys::as_user(ctx.act_as, f).and_then(|r| r);
    if let Err(e) = user(&|| std::fs::create_dir_all(&paths.dl_dir)) {
        let (k, d) = remove::failure(&paths.dl_dir, &e, ctx.root);
        return Done::Failed(k, d);
    }
    let locked = Sys::as_user(ctx.act_as, || {
        lock_file(&paths.file("lock"), ctx.lock_timeout, ctx.cancel)
    })
    .unwrap_or_else(|e| Err(LockError::Io(e)));
    let _guard = match locked {
        Ok(g) => g,
        Err(e) => return lock_failure(paths, e, ctx),
    };
    let partial = paths.file("partial");
    if let Err(e) = user(&|| File::create(&partial).map(drop)) {
        let (k, d) = remove::failure(&partial, &e, ctx.root);
        return Done::Failed(k, d);
    }
    let mut moved = Vec::new();
    let mut note = None;
    if let Err(f) = take(&paths.dir, ctx, &mut moved, &mut note) {
        // Nothing removed (e.g. another user owns the tree): the version is intact, so drop
        // `.partial` and Go keeps using it. Otherwise the tree may be half gone: keep
        // `.partial` (Go re-extracts from the zip, which stays) and touch nothing else.
        if f.untouched {
            let _ = user(&|| std::fs::remove_file(&partial));
        }
        return Done::Failed(f.kind, f.detail);
    }
    for d in paths.old_tmp_dirs() {
        let _ = remove_tree(&d, ctx.cancel);
    }
    for f in paths.download_files() {
        if let Err(fail) = take(&f, ctx, &mut moved, &mut note) {
            return Done::FailedAfter(fail.kind, fail.detail, moved);
        }
    }
    if let Err(e) = user(&|| rewrite_list(&paths.dl_dir, ctx.lock_timeout, ctx.cancel)) {
        let (k, d) = remove::failure(&paths.dl_dir.join("list"), &e, ctx.root);
        return Done::Failed(k, d);
    }
    if let Err(e) = user(&|| std::fs::remove_file(&partial))
        && e.kind() != io::ErrorKind::NotFound
    {
        let (k, d) = remove::failure(&partial, &e, ctx.root);
        return Done::Failed(k, d);
    }
    let _ = user(&|| {
        remove_empty_parents(&paths.dir, ctx.root);
        Ok(())
    });
    Done::Removed {
        moved,
        in_place_note: note,
    }
}

/// Moves a quarantined version back under its lock (`.partial` while it happens), then
/// rewrites `list`. Entries whose place was taken again (Go downloaded it meanwhile) stay in
/// quarantine: each goes back with a no-replace rename, so even one Go writes at the last
/// moment is kept. A `.partial` that was there before (Go's interrupted extraction) stays
/// unless the extracted tree itself was put back whole. Returns how many entries were
/// restored; an error of kind [`io::ErrorKind::WouldBlock`] when a go command holds the
/// version's lock.
pub(crate) fn restore_version(
    paths: &VersionPaths,
    moved: &[Moved],
    timeout: Duration,
    cancel: &CancelToken,
) -> io::Result<usize> {
    std::fs::create_dir_all(&paths.dl_dir)?;
    let _guard = match lock_file(&paths.file("lock"), timeout, cancel) {
        Ok(g) => g,
        Err(LockError::Io(e)) => return Err(e),
        Err(_) => {
            return Err(io::Error::new(
                io::ErrorKind::WouldBlock,
                "the version lock is held by another process",
            ));
        }
    };
    let partial = paths.file("partial");
    let partial_before = std::fs::symlink_metadata(&partial).is_ok();
    File::create(&partial)?;
    let mut restored = 0;
    let mut dir_restored = false;
    // Download files first, the extracted tree last, as Go writes them.
    for m in moved.iter().rev() {
        if trash::move_back(m)? {
            restored += 1;
            dir_restored |= m.original == paths.dir;
        }
    }
    rewrite_list(&paths.dl_dir, timeout, cancel)?;
    if !partial_before || dir_restored {
        std::fs::remove_file(&partial)?;
    }
    Ok(restored)
}

/// Removes the now-empty directories above `dir`, up to (not including) `root`.
pub(crate) fn remove_empty_parents(dir: &Path, root: &Path) {
    let mut cur = dir.parent();
    while let Some(p) = cur {
        if p == root || !p.starts_with(root) {
            break;
        }
        if std::fs::remove_dir(p).is_err() {
            break;
        }
        cur = p.parent();
    }
}

#[cfg(test)]
mod download_file_tests {
    use super::version_of_download_file as v;

    #[test]
    fn a_versions_files_are_its_download_files_partial_and_tmp_not_lock_or_list() {
        assert_eq!(v("v1.2.0.zip"), Some("v1.2.0"));
        assert_eq!(v("v1.2.0.ziphash"), Some("v1.2.0"));
        assert_eq!(
            v("v0.0.1-go1.23.0.linux-amd64.mod"),
            Some("v0.0.1-go1.23.0.linux-amd64")
        );
        assert_eq!(v("v1.2.0.info"), Some("v1.2.0"));
        assert_eq!(v("v1.2.0.partial"), Some("v1.2.0"));
        assert_eq!(v("v1.2.0.zip0123456.tmp"), Some("v1.2.0"));
        assert_eq!(v("v1.2.0.lock"), None);
        assert_eq!(v("list"), None);
        assert_eq!(v("v1.2.0.zip.tmp"), None);
        assert_eq!(v("v1.2.0.lock123.tmp"), None);
        assert_eq!(v(".zip"), None);
    }
}

#[cfg(test)]
mod paths_tests {
    use std::path::{Component, MAIN_SEPARATOR_STR};

    use super::VersionPaths;

    /// The components of `root` followed by `rest`.
    fn comps(root: &std::path::Path, rest: &[&str]) -> Vec<String> {
        root.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .chain(rest.iter().map(|s| (*s).to_owned()))
            .collect()
    }

    fn strs(p: &std::path::Path) -> Vec<String> {
        p.components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect()
    }

    /// Every path of a version is built element by element: the right components, written
    /// with the OS's separator only (no `example.com/m@v1.0.0` inside a `C:\` path).
    #[test]
    fn version_paths_have_the_right_components_and_only_native_separators() {
        let root = std::env::temp_dir().join("mod");
        let v = VersionPaths::new(&root, "example.com/!m", "v1.0.0");
        assert_eq!(strs(&v.dir), comps(&root, &["example.com", "!m@v1.0.0"]));
        assert_eq!(
            strs(&v.dl_dir),
            comps(&root, &["cache", "download", "example.com", "!m", "@v"])
        );
        assert_eq!(
            strs(&v.file("zip")),
            comps(
                &root,
                &["cache", "download", "example.com", "!m", "@v", "v1.0.0.zip"]
            )
        );
        assert!(
            v.dl_dir
                .components()
                .all(|c| !matches!(c, Component::Normal(n) if n.to_string_lossy().contains('/')))
        );
        let native = |rest: &[&str]| {
            format!(
                "{}{MAIN_SEPARATOR_STR}{}",
                root.display(),
                rest.join(MAIN_SEPARATOR_STR)
            )
        };
        assert_eq!(
            v.dir.display().to_string(),
            native(&["example.com", "!m@v1.0.0"])
        );
        assert_eq!(
            v.file("mod").display().to_string(),
            native(&["cache", "download", "example.com", "!m", "@v", "v1.0.0.mod"])
        );
    }
}
