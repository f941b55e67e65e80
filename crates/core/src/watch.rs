//! Watching the cache roots, so a front end can rescan when something outside it (`go mod
//! download`, `go build`, `go clean`) changes a cache.
//!
//! Cheap by design: every directory is watched **non-recursively** (the `notify` crate: inotify,
//! FSEvents/kqueue, ReadDirectoryChangesW), and only down to a small depth per cache
//! ([`WatchRoot::depth`]): the module cache to depth 2 (the root, the hosts, the owners, where
//! `example.com/owner/repo@v1.2.3` directories appear and disappear; its root only on Windows,
//! [`MODCACHE_DEPTH`]), the build cache to depth 1 (its `00`..`ff` entry directories; root only
//! on Windows, [`BUILD_DEPTH`]), every other cache at its root only. Version directories (`…@v…`, read-only once extracted) are never watched. A root
//! that does not exist yet is watched through its nearest existing ancestor, so its creation is
//! seen; the watched set is brought up to date after each burst of events.
//!
//! Events are debounced: one [`WatchEvent`] per burst, sent once nothing changed for
//! [`WatchOptions::debounce`] (or after [`WatchOptions::max_wait`] of continuous changes),
//! naming the kinds of cache that changed. The watch ends when its [`CacheWatch`] is dropped or
//! its [`CancelToken`] is cancelled.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use notify::{EventKind, RecursiveMode, Watcher as _};
use serde::Serialize;

use crate::CancelToken;
use crate::discover::{Cache, CacheKind};

/// At most this many directories are watched at once (inotify's per-user limit is shared with
/// every other program; past it, only the upper levels are watched).
pub const MAX_WATCHES: usize = 4096;

/// One cache root to watch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WatchRoot {
    /// Which cache it is (named in the [`WatchEvent`]).
    pub kind: CacheKind,
    /// Its root directory.
    pub path: PathBuf,
    /// How deep below the root directories are watched: 0 watches the root only.
    pub depth: usize,
}

/// How deep the module cache is watched on this OS: 2 where watching holds no handle that
/// gets in the way (inotify, FSEvents). On Windows each watched directory is an open handle,
/// and a directory with an open handle somewhere below it cannot be renamed or removed whole:
/// watching inside the module cache would make the app's quarantine and `go clean -modcache`
/// fail, so only the root is watched there (window focus still rescans).
pub const MODCACHE_DEPTH: usize = if matches!(crate::os::HOST, crate::os::OsKind::Windows) {
    0
} else {
    2
};

/// How deep the build cache is watched on this OS: 1 (the root and its 256 `00`..`ff`
/// subdirectories, where `go build` and `go test` write their entries) where watching holds no
/// handle that gets in the way; on Windows the root only, for the reason given at
/// [`MODCACHE_DEPTH`].
pub const BUILD_DEPTH: usize = if matches!(crate::os::HOST, crate::os::OsKind::Windows) {
    0
} else {
    1
};

/// The roots to watch for discovered caches: the module cache to [`MODCACHE_DEPTH`], the build
/// cache to [`BUILD_DEPTH`], the others at their root (a cache nested in another, the
/// toolchains, is covered by its parent's watches).
///
/// A root that is a user or system base directory or above one (a misdirected
/// `GOCACHE=~/.cache` or `GOMODCACHE=$HOME`, judged for `env`) is left out: it is no cache (a
/// clean refuses it), and watching it would report every write of every program there, the
/// app's own web view cache included, as a change of the cache: a rescan every few seconds.
pub fn roots_for(caches: &[Cache], env: &crate::env::EnvMap) -> Vec<WatchRoot> {
    caches
        .iter()
        .filter(|c| !crate::clean::is_base_dir(env, &c.path))
        .map(|c| WatchRoot {
            kind: c.kind,
            path: c.path.clone(),
            depth: match c.kind {
                CacheKind::Modcache => MODCACHE_DEPTH,
                CacheKind::Build => BUILD_DEPTH,
                _ => 0,
            },
        })
        .collect()
}

/// Timing of the debounce.
#[derive(Debug, Clone, Copy)]
pub struct WatchOptions {
    /// Quiet time after the last change before the event is sent.
    pub debounce: Duration,
    /// Longest delay of an event while changes keep coming (a long `go mod download`).
    pub max_wait: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        Self {
            debounce: Duration::from_millis(1500),
            max_wait: Duration::from_secs(8),
        }
    }
}

/// Something changed under the watched roots (one per debounced burst).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct WatchEvent {
    /// The kinds of cache that changed, each once, in [`CacheKind::ALL`]'s order.
    pub kinds: Vec<CacheKind>,
}

/// Why a watch could not start.
#[derive(Debug, thiserror::Error)]
#[error("cannot watch the caches: {0}")]
pub struct WatchError(#[from] notify::Error);

impl WatchError {
    /// The code front ends branch on (always [`crate::error::ErrorCode::Io`]).
    pub fn code(&self) -> crate::error::ErrorCode {
        crate::error::ErrorCode::Io
    }
}

/// A running watch. Dropping it (or [`CacheWatch::stop`]) ends it and waits for its thread.
#[derive(Debug)]
pub struct CacheWatch {
    stop: Option<mpsc::Sender<Msg>>,
    cancel: CancelToken,
    thread: Option<JoinHandle<()>>,
}

impl CacheWatch {
    /// Ends the watch; no event is sent after this returns.
    pub fn stop(mut self) {
        self.shutdown();
    }

    fn shutdown(&mut self) {
        self.cancel.cancel();
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(Msg::Stop);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for CacheWatch {
    fn drop(&mut self) {
        self.shutdown();
    }
}

enum Msg {
    Fs(notify::Result<notify::Event>),
    Stop,
}

/// Starts watching `roots`, calling `sink` (from the watch's own thread) once per debounced
/// burst of changes. Stops when the returned [`CacheWatch`] is dropped or `cancel` is
/// cancelled.
///
/// # Errors
/// [`WatchError`] when the OS's watch facility cannot be opened. Directories that cannot be
/// watched (unreadable, vanished) are skipped, not errors.
pub fn watch(
    roots: Vec<WatchRoot>,
    options: WatchOptions,
    cancel: CancelToken,
    sink: impl Fn(WatchEvent) + Send + 'static,
) -> Result<CacheWatch, WatchError> {
    let (tx, rx) = mpsc::channel::<Msg>();
    let fs_tx = tx.clone();
    let mut watcher = notify::recommended_watcher(move |event| {
        let _ = fs_tx.send(Msg::Fs(event));
    })?;
    let mut watched = HashSet::new();
    resync(&mut watcher, &roots, &mut watched);
    let token = cancel.clone();
    let thread = std::thread::Builder::new()
        .name("cache-watch".into())
        .spawn(move || run(watcher, roots, watched, options, &token, &rx, &sink))
        .map_err(|e| WatchError(notify::Error::io(e)))?;
    Ok(CacheWatch {
        stop: Some(tx),
        cancel,
        thread: Some(thread),
    })
}

fn run(
    mut watcher: notify::RecommendedWatcher,
    roots: Vec<WatchRoot>,
    mut watched: HashSet<PathBuf>,
    options: WatchOptions,
    cancel: &CancelToken,
    rx: &mpsc::Receiver<Msg>,
    sink: &dyn Fn(WatchEvent),
) {
    const POLL: Duration = Duration::from_millis(250);
    let mut pending: BTreeSet<usize> = BTreeSet::new();
    let mut first = Instant::now();
    let mut last = Instant::now();
    while !cancel.is_cancelled() {
        let wait = if pending.is_empty() {
            POLL
        } else {
            let quiet = options.debounce.saturating_sub(last.elapsed());
            let cap = options.max_wait.saturating_sub(first.elapsed());
            quiet.min(cap).min(POLL)
        };
        match rx.recv_timeout(wait) {
            Ok(Msg::Stop) | Err(mpsc::RecvTimeoutError::Disconnected) => return,
            Ok(Msg::Fs(Ok(event))) => {
                if matches!(event.kind, EventKind::Access(_)) {
                    continue;
                }
                let mut hit: BTreeSet<usize> = BTreeSet::new();
                for path in &event.paths {
                    for (i, root) in roots.iter().enumerate() {
                        if path.starts_with(&root.path) || root.path.starts_with(path) {
                            hit.insert(i);
                        }
                    }
                }
                // An overflow (no paths, or `need_rescan`) may have hidden anything.
                if event.paths.is_empty() || event.need_rescan() {
                    hit.extend(0..roots.len());
                }
                if !hit.is_empty() {
                    if pending.is_empty() {
                        first = Instant::now();
                    }
                    last = Instant::now();
                    pending.extend(hit);
                }
            }
            Ok(Msg::Fs(Err(_))) => {
                // The backend lost track (e.g. a watched directory vanished): resync and report.
                if pending.is_empty() {
                    first = Instant::now();
                }
                last = Instant::now();
                pending.extend(0..roots.len());
            }
            Err(mpsc::RecvTimeoutError::Timeout) => {}
        }
        if !pending.is_empty()
            && (last.elapsed() >= options.debounce || first.elapsed() >= options.max_wait)
        {
            resync(&mut watcher, &roots, &mut watched);
            let kinds: BTreeSet<CacheKind> = pending.iter().map(|&i| roots[i].kind).collect();
            pending.clear();
            if cancel.is_cancelled() {
                return;
            }
            let mut kinds: Vec<CacheKind> = kinds.into_iter().collect();
            kinds.sort_by_key(|k| CacheKind::ALL.iter().position(|a| a == k));
            sink(WatchEvent { kinds });
        }
    }
}

/// Brings the watched set up to date: the directories [`wanted`] says, added and removed.
fn resync(
    watcher: &mut notify::RecommendedWatcher,
    roots: &[WatchRoot],
    watched: &mut HashSet<PathBuf>,
) {
    let want = wanted(roots);
    for gone in watched.difference(&want).cloned().collect::<Vec<_>>() {
        let _ = watcher.unwatch(&gone);
        watched.remove(&gone);
    }
    for dir in want {
        if !watched.contains(&dir) && watcher.watch(&dir, RecursiveMode::NonRecursive).is_ok() {
            watched.insert(dir);
        }
    }
}

/// The directories to watch now: each existing root down to its depth (not into version
/// directories, never through a symlink, at most [`MAX_WATCHES`]); for a missing root, its
/// nearest existing ancestor.
pub fn wanted(roots: &[WatchRoot]) -> HashSet<PathBuf> {
    let mut out = HashSet::new();
    for root in roots {
        if root.path.is_dir() {
            add_tree(&root.path, root.depth, &mut out);
        } else if let Some(dir) = root.path.ancestors().skip(1).find(|a| a.is_dir()) {
            out.insert(dir.to_path_buf());
        }
    }
    out
}

fn add_tree(dir: &Path, depth: usize, out: &mut HashSet<PathBuf>) {
    if out.len() >= MAX_WATCHES {
        return;
    }
    out.insert(dir.to_path_buf());
    if depth == 0 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let is_dir = entry.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && !entry.file_name().to_string_lossy().contains('@') {
            add_tree(&entry.path(), depth - 1, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    fn fast() -> WatchOptions {
        WatchOptions {
            debounce: Duration::from_millis(400),
            max_wait: Duration::from_secs(5),
        }
    }

    type Seen = Arc<Mutex<Vec<WatchEvent>>>;

    fn start(roots: Vec<WatchRoot>) -> (CacheWatch, Seen) {
        let seen: Seen = Arc::default();
        let sink = seen.clone();
        let w = watch(roots, fast(), CancelToken::new(), move |e| {
            sink.lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .push(e);
        })
        .unwrap_or_else(|e| panic!("watch: {e}"));
        (w, seen)
    }

    fn wait_for(seen: &Seen, n: usize, within: Duration) -> Vec<WatchEvent> {
        let end = Instant::now() + within;
        while Instant::now() < end {
            let got = seen.lock().map(|v| v.clone()).unwrap_or_default();
            if got.len() >= n {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        seen.lock().map(|v| v.clone()).unwrap_or_default()
    }

    #[test]
    fn a_burst_of_creations_and_removals_is_one_event() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let modcache = tmp.path().join("mod");
        std::fs::create_dir_all(modcache.join("example.com"))?;
        let build = tmp.path().join("build");
        std::fs::create_dir_all(&build)?;
        let (w, seen) = start(vec![
            WatchRoot {
                kind: CacheKind::Modcache,
                path: modcache.clone(),
                depth: 2,
            },
            WatchRoot {
                kind: CacheKind::Build,
                path: build,
                depth: 0,
            },
        ]);
        // A version appears two levels down, a file comes and goes: one burst.
        let v = modcache.join("example.com/owner/repo@v1.0.0");
        std::fs::create_dir_all(&v)?;
        std::fs::write(v.join("go.mod"), "module example.com/owner/repo\n")?;
        std::fs::write(modcache.join("example.com/tmp"), "x")?;
        std::fs::remove_file(modcache.join("example.com/tmp"))?;
        let got = wait_for(&seen, 1, Duration::from_secs(5));
        assert_eq!(
            got,
            vec![WatchEvent {
                kinds: vec![CacheKind::Modcache]
            }]
        );
        // Quiet afterwards: still one event.
        std::thread::sleep(Duration::from_millis(900));
        assert_eq!(seen.lock().map(|v| v.len()).unwrap_or(0), 1);

        // The new owner directory is watched now: removing the version is seen.
        std::fs::remove_dir_all(&v)?;
        let got = wait_for(&seen, 2, Duration::from_secs(5));
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!(got[1].kinds, vec![CacheKind::Modcache]);
        w.stop();
        Ok(())
    }

    #[test]
    fn a_root_created_later_is_seen_and_then_watched() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let modcache = tmp.path().join("go/pkg/mod");
        let (w, seen) = start(vec![WatchRoot {
            kind: CacheKind::Modcache,
            path: modcache.clone(),
            depth: 2,
        }]);
        // Unrelated files beside the missing root are not changes of it.
        std::fs::write(tmp.path().join("notes.txt"), "x")?;
        std::thread::sleep(Duration::from_millis(900));
        assert!(seen.lock().map(|v| v.is_empty()).unwrap_or(false));

        std::fs::create_dir_all(modcache.join("cache/download"))?;
        let got = wait_for(&seen, 1, Duration::from_secs(5));
        assert_eq!(
            got,
            vec![WatchEvent {
                kinds: vec![CacheKind::Modcache]
            }]
        );
        // The resync after that event watches the new root: a change inside it is seen.
        std::thread::sleep(Duration::from_millis(900));
        let n = seen.lock().map(|v| v.len()).unwrap_or(0);
        std::fs::create_dir_all(modcache.join("example.com/m@v1.0.0"))?;
        let got = wait_for(&seen, n + 1, Duration::from_secs(5));
        assert_eq!(got.len(), n + 1, "{got:?}");
        drop(w);
        // Nothing after the drop.
        std::fs::create_dir_all(modcache.join("example.com/m@v2.0.0"))?;
        std::thread::sleep(Duration::from_millis(900));
        assert_eq!(seen.lock().map(|v| v.len()).unwrap_or(0), n + 1);
        Ok(())
    }

    #[test]
    fn version_directories_are_not_watched_and_depth_is_kept() -> std::io::Result<()> {
        let tmp = tempfile::tempdir()?;
        let root = tmp.path().join("mod");
        std::fs::create_dir_all(root.join("a.com/b/c/d"))?;
        std::fs::create_dir_all(root.join("a.com/x@v1.0.0/sub"))?;
        let got = wanted(&[WatchRoot {
            kind: CacheKind::Modcache,
            path: root.clone(),
            depth: 2,
        }]);
        let want: HashSet<PathBuf> = [root.clone(), root.join("a.com"), root.join("a.com/b")]
            .into_iter()
            .collect();
        assert_eq!(got, want);
        Ok(())
    }

    /// A cache root that is a base directory (`GOCACHE=$XDG_CACHE_HOME`, `GOMODCACHE=$HOME`) is
    /// not watched; a real cache beside it is.
    #[test]
    fn base_directories_are_never_watched() {
        let t = tempfile::tempdir().unwrap();
        let home = t.path().join("home");
        let xdg = home.join("xdg-cache");
        let build = xdg.join("go-build");
        std::fs::create_dir_all(&build).unwrap();
        let env = crate::env::EnvMap::from_pairs([
            ("HOME", home.to_str().unwrap()),
            ("USERPROFILE", home.to_str().unwrap()),
            ("XDG_CACHE_HOME", xdg.to_str().unwrap()),
        ]);
        let cache = |kind, path: &Path| Cache {
            kind,
            path: path.to_path_buf(),
            var: "GOCACHE".into(),
            source: crate::env::Source::Env,
            exists: true,
            cleanable: true,
            parent: None,
        };
        let all = [
            cache(CacheKind::Build, &xdg),
            cache(CacheKind::Modcache, &home),
            cache(CacheKind::Build, &build),
        ];
        assert_eq!(
            roots_for(&all, &env),
            vec![WatchRoot {
                kind: CacheKind::Build,
                path: build,
                depth: BUILD_DEPTH,
            }]
        );
    }
}
