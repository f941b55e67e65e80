//! The parallel walker shared by every scan: a rayon work-stealing pool over directories,
//! `lstat` semantics (symlinks are entries, never followed), hard-linked files counted once,
//! per-thread accumulators merged at the end.
//!
//! What a scan does with each entry beyond the plain totals (module rows, build-cache age
//! buckets, ...) is decided by a [`Visitor`], called once per entry with the context of the
//! directory that holds it.

use std::collections::HashSet;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::CancelToken;
use crate::os::host::{FileStat, Host, System as _};
use crate::progress::Throttle;

/// What kind of entry a [`Stat`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    File,
    Dir,
    Symlink,
    /// FIFOs, sockets, devices: sized like files but not counted as files.
    Other,
}

/// The `lstat` facts the scanner needs about one entry.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stat {
    pub kind: Kind,
    /// Apparent size (`st_size`).
    pub size: u64,
    /// Allocated size (`st_blocks * 512`; estimated on Windows).
    pub disk: u64,
    /// Modification time, Unix seconds.
    pub mtime: i64,
    pub dev: u64,
    pub ino: u64,
    pub nlink: u64,
    /// Modification time, nanoseconds (see [`FileStat::mtime_ns`]).
    pub mtime_ns: i64,
    /// Change time (creation time on Windows), nanoseconds (see [`FileStat::ctime_ns`]).
    pub ctime_ns: i64,
}

impl Stat {
    /// Whether this entry may be a second name of an already counted file.
    pub fn may_be_hard_link(&self) -> bool {
        self.kind != Kind::Dir && self.nlink > 1
    }
}

/// The [`Kind`] of an entry from its (not followed) file type.
fn kind_of(ft: std::fs::FileType) -> Kind {
    if ft.is_dir() {
        Kind::Dir
    } else if ft.is_symlink() {
        Kind::Symlink
    } else if ft.is_file() {
        Kind::File
    } else {
        Kind::Other
    }
}

/// The [`Stat`] of an entry from its (not followed) metadata, by the OS's rules
/// ([`crate::os::host::FileStat`]: on Windows the allocated size is estimated and hard links
/// are not detected).
pub(crate) fn stat_of(md: &std::fs::Metadata) -> Stat {
    let FileStat {
        size,
        disk,
        mtime,
        dev,
        ino,
        nlink,
        mtime_ns,
        ctime_ns,
    } = Host::file_stat(md);
    Stat {
        kind: kind_of(md.file_type()),
        size,
        disk,
        mtime,
        dev,
        ino,
        nlink,
        mtime_ns,
        ctime_ns,
    }
}

/// Plain totals of a walk (what `du -sb` / `du -sB1` report, plus counts).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Totals {
    pub bytes: u64,
    pub disk_bytes: u64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    pub others: u64,
    pub unreadable: u64,
    pub unreadable_paths: Vec<String>,
    pub newest_mtime: Option<i64>,
}

impl Totals {
    fn add(&mut self, st: &Stat) {
        self.bytes += st.size;
        self.disk_bytes += st.disk;
        match st.kind {
            Kind::File => self.files += 1,
            Kind::Dir => self.dirs += 1,
            Kind::Symlink => self.symlinks += 1,
            Kind::Other => self.others += 1,
        }
        self.newest_mtime = Some(self.newest_mtime.map_or(st.mtime, |m| m.max(st.mtime)));
    }

    fn merge(&mut self, o: Totals, max_paths: usize) {
        self.bytes += o.bytes;
        self.disk_bytes += o.disk_bytes;
        self.files += o.files;
        self.dirs += o.dirs;
        self.symlinks += o.symlinks;
        self.others += o.others;
        self.unreadable += o.unreadable;
        for p in o.unreadable_paths {
            if self.unreadable_paths.len() < max_paths {
                self.unreadable_paths.push(p);
            }
        }
        self.newest_mtime = match (self.newest_mtime, o.newest_mtime) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }

    fn unreadable(&mut self, path: &Path, max_paths: usize) {
        self.unreadable += 1;
        if self.unreadable_paths.len() < max_paths {
            self.unreadable_paths
                .push(path.to_string_lossy().into_owned());
        }
    }
}

/// Decides, per entry, what a scan records beyond the plain totals.
pub(crate) trait Visitor: Sync {
    /// The context of a directory (where in the cache layout it is).
    type Ctx: Send;
    /// Per-thread accumulator, merged by the caller at the end.
    type Local: Default + Send;

    /// The context of the walk's root directory, whose own `stat` is `st`.
    fn root(&self, local: &mut Self::Local, st: &Stat) -> Self::Ctx;

    /// Called for every entry inside the directory `dir` of context `parent`. `first` is false for a
    /// second name of an already counted hard-linked file. For a directory, the returned
    /// context is that of the child; `None` means "do not descend" (its own size still counts).
    fn entry(
        &self,
        local: &mut Self::Local,
        dir: &Path,
        parent: &Self::Ctx,
        name: &OsStr,
        st: &Stat,
        first: bool,
    ) -> Option<Self::Ctx>;

    /// Called when the directory of context `ctx` cannot be read, or one of its entries cannot
    /// be `lstat`ed (the walker counts it in [`Totals::unreadable`] itself).
    fn unreadable(&self, _local: &mut Self::Local, _ctx: &Self::Ctx) {}
}

/// A visitor that records nothing beyond the totals.
pub(crate) struct Plain;

impl Visitor for Plain {
    type Ctx = ();
    type Local = ();
    fn root(&self, _: &mut (), _: &Stat) {}
    fn entry(&self, _: &mut (), _: &Path, _: &(), _: &OsStr, _: &Stat, _: bool) -> Option<()> {
        Some(())
    }
}

/// Called about 10 times a second with (entries, bytes, a recently visited directory).
pub(crate) type ProgressFn<'a> = &'a (dyn Fn(u64, u64, &Path) + Sync);

/// Walk settings.
pub(crate) struct WalkOpts<'a> {
    pub threads: usize,
    pub max_unreadable_paths: usize,
    pub cancel: &'a CancelToken,
    pub progress: Option<ProgressFn<'a>>,
}

/// The result of one walk.
pub(crate) struct Walked<L> {
    pub totals: Totals,
    pub locals: Vec<L>,
    pub cancelled: bool,
}

struct Slot<L> {
    totals: Totals,
    local: L,
}

struct Shared<'a, V: Visitor> {
    visitor: &'a V,
    slots: Vec<Mutex<Slot<V::Local>>>,
    links: Mutex<HashSet<(u64, u64)>>,
    entries: AtomicU64,
    bytes: AtomicU64,
    throttle: Throttle,
    opts: &'a WalkOpts<'a>,
}

impl<V: Visitor> Shared<'_, V> {
    fn slot(&self) -> std::sync::MutexGuard<'_, Slot<V::Local>> {
        let i = rayon::current_thread_index().unwrap_or(0) % self.slots.len();
        // A poisoned slot only means another visitor call panicked; keep counting.
        self.slots[i].lock().unwrap_or_else(|e| e.into_inner())
    }

    fn first_sighting(&self, st: &Stat) -> bool {
        if !st.may_be_hard_link() {
            return true;
        }
        self.links
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert((st.dev, st.ino))
    }
}

/// Walks `root` (never following symlinks) with `visitor`.
///
/// # Errors
/// Only when `root` itself cannot be `lstat`ed; everything below it is best effort (unreadable
/// entries are counted and listed).
pub(crate) fn walk<V: Visitor>(
    root: &Path,
    visitor: &V,
    opts: &WalkOpts<'_>,
) -> std::io::Result<Walked<V::Local>> {
    let md = std::fs::symlink_metadata(root)?;
    let st = stat_of(&md);
    let threads = opts.threads.max(1);
    let shared = Shared {
        visitor,
        slots: (0..threads)
            .map(|_| {
                Mutex::new(Slot {
                    totals: Totals::default(),
                    local: V::Local::default(),
                })
            })
            .collect(),
        links: Mutex::new(HashSet::new()),
        entries: AtomicU64::new(0),
        bytes: AtomicU64::new(0),
        throttle: Throttle::default(),
        opts,
    };
    let root_ctx = {
        let mut slot = shared.slot();
        slot.totals.add(&st);
        let slot = &mut *slot;
        visitor.root(&mut slot.local, &st)
    };
    if st.kind == Kind::Dir && !opts.cancel.is_cancelled() {
        let pool = (threads > 1)
            .then(|| {
                rayon::ThreadPoolBuilder::new()
                    .num_threads(threads)
                    .thread_name(|i| format!("gocache-scan-{i}"))
                    .build()
                    .ok()
            })
            .flatten();
        match pool {
            Some(pool) => pool.scope(|s| visit_dir(s, &shared, root.to_path_buf(), root_ctx)),
            // One thread, or threads could not start: walk here, with no pool. Callers size
            // many trees at once from rayon's global pool (a clean's versions and build
            // entries); a worker waiting on a pool of its own runs other such jobs meanwhile,
            // each nesting on its stack, which overflowed a debug build's 2 MiB in a CI run.
            None => {
                let mut todo = vec![(root.to_path_buf(), root_ctx)];
                while let Some((path, ctx)) = todo.pop() {
                    todo.extend(read_one(&shared, &path, &ctx));
                }
            }
        }
    }
    let mut totals = Totals::default();
    let mut locals = Vec::with_capacity(threads);
    let max = opts.max_unreadable_paths;
    for slot in shared.slots {
        let slot = slot.into_inner().unwrap_or_else(|e| e.into_inner());
        totals.merge(slot.totals, max);
        locals.push(slot.local);
    }
    Ok(Walked {
        totals,
        locals,
        cancelled: opts.cancel.is_cancelled(),
    })
}

fn visit_dir<'s, V: Visitor>(
    scope: &rayon::Scope<'s>,
    shared: &'s Shared<'s, V>,
    path: PathBuf,
    ctx: V::Ctx,
) {
    // Keep one subdirectory on this thread (a loop, not recursion: no stack growth on deep
    // trees) and give the others to the pool.
    let mut next = Some((path, ctx));
    while let Some((path, ctx)) = next.take() {
        let mut subdirs = read_one(shared, &path, &ctx);
        next = subdirs.pop();
        for (p, c) in subdirs {
            scope.spawn(move |s| visit_dir(s, shared, p, c));
        }
    }
}

/// Reads one directory: counts its entries and returns its subdirectories to visit.
fn read_one<V: Visitor>(
    shared: &Shared<'_, V>,
    path: &Path,
    ctx: &V::Ctx,
) -> Vec<(PathBuf, V::Ctx)> {
    let opts = shared.opts;
    let mut subdirs: Vec<(PathBuf, V::Ctx)> = Vec::new();
    if opts.cancel.is_cancelled() {
        return subdirs;
    }
    let max = opts.max_unreadable_paths;
    let rd = match std::fs::read_dir(path) {
        Ok(rd) => rd,
        Err(_) => {
            let mut guard = shared.slot();
            let slot = &mut *guard;
            slot.totals.unreadable(path, max);
            shared.visitor.unreadable(&mut slot.local, ctx);
            return subdirs;
        }
    };
    let (mut n, mut b) = (0u64, 0u64);
    {
        let mut guard = shared.slot();
        let slot = &mut *guard;
        for ent in rd {
            let Ok(ent) = ent else {
                slot.totals.unreadable(path, max);
                shared.visitor.unreadable(&mut slot.local, ctx);
                continue;
            };
            let st = match ent.metadata() {
                Ok(md) => stat_of(&md),
                Err(_) => {
                    slot.totals.unreadable(&ent.path(), max);
                    shared.visitor.unreadable(&mut slot.local, ctx);
                    continue;
                }
            };
            let first = shared.first_sighting(&st);
            if first {
                slot.totals.add(&st);
                n += 1;
                b += st.size;
            }
            let name = ent.file_name();
            let child = shared
                .visitor
                .entry(&mut slot.local, path, ctx, &name, &st, first);
            if st.kind == Kind::Dir
                && let Some(c) = child
            {
                subdirs.push((path.join(&name), c));
            }
        }
    }
    let entries = shared.entries.fetch_add(n, Ordering::Relaxed) + n;
    let bytes = shared.bytes.fetch_add(b, Ordering::Relaxed) + b;
    if let Some(p) = opts.progress
        && shared.throttle.ready()
    {
        p(entries, bytes, path);
    }
    subdirs
}
