//! The module cache visitor: one row per extracted `module@version` directory, download bytes
//! per version from `cache/download/<escpath>/@v/<escver>.*`, and the split of the cache into
//! extracted / download / vcs / sumdb / other parts.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::Path;
use std::sync::{Arc, Mutex};

use super::index::{DirKey, ListStat, ModIndex};
use super::walk::{Kind, Stat, Visitor};

/// Names starting with this at the top of a cache root are Go Cache Doctor's quarantine
/// (see `crate::clean`); module paths cannot start with a dot, so Go never uses them.
pub(crate) const QUARANTINE_PREFIX: &str = ".gocache-doctor-trash";

/// Which part of the module cache an entry belongs to (index into `Local::parts`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// The extracted module trees (`<escpath>@<escver>/` and everything in them): the sum of
    /// the module rows.
    Extracted = 0,
    /// `cache/download/**` except `cache/download/sumdb/**`.
    Download = 1,
    /// `cache/vcs/**`.
    Vcs = 2,
    /// `cache/download/sumdb/**`.
    Sumdb = 3,
    /// The root and the directories holding the module trees (`github.com/`, ...), any other
    /// file outside `cache/`, `cache/` itself and anything else under it (`cache/lock`, ...),
    /// and a pending quarantine (`.gocache-doctor-trash*`) at the top.
    Other = 4,
}

/// Where a directory sits in the module cache layout.
pub(crate) enum Ctx {
    /// Outside `cache/`, above module roots; `rel` is the escaped path from GOMODCACHE.
    Top { rel: Arc<str> },
    /// Inside the extracted tree of module row `row`.
    Module { row: usize },
    /// `cache/` itself.
    Cache,
    /// Under `cache/download`, above `@v`; `rel` is the escaped module path so far.
    Download { rel: Arc<str> },
    /// A `cache/download/<escpath>/@v` directory.
    DownloadV { escpath: Arc<str> },
    /// Anything else, attributed to one part.
    In(Part),
}

impl Ctx {
    fn part(&self) -> Part {
        match self {
            Self::Module { .. } => Part::Extracted,
            Self::Top { .. } | Self::Cache => Part::Other,
            Self::Download { .. } | Self::DownloadV { .. } => Part::Download,
            Self::In(p) => *p,
        }
    }
}

/// Identity of a module row, found during the walk.
#[derive(Debug, Clone)]
pub(crate) struct RowMeta {
    pub path: String,
    pub version: String,
    pub escpath: String,
    pub escver: String,
    pub dir: String,
    /// The identity of the version directory (the scan index's key).
    pub key: DirKey,
    /// The directory's own apparent and allocated size.
    pub top: (u64, u64),
    /// Whether the row's totals came from the scan index (its tree was not walked).
    pub reused: bool,
}

impl RowMeta {
    /// The row's key in the scan index: `<escaped path>@<escaped version>`.
    pub fn index_name(&self) -> String {
        format!("{}@{}", self.escpath, self.escver)
    }
}

/// Bytes / disk bytes / files of one module row or part.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Acc {
    pub bytes: u64,
    pub disk: u64,
    pub files: u64,
    pub dirs: u64,
    pub symlinks: u64,
    /// FIFOs, sockets, devices.
    pub others: u64,
    pub newest: Option<i64>,
}

impl Acc {
    pub(crate) fn add(&mut self, st: &Stat) {
        self.bytes += st.size;
        self.disk += st.disk;
        match st.kind {
            Kind::File => self.files += 1,
            Kind::Dir => self.dirs += 1,
            Kind::Symlink => self.symlinks += 1,
            Kind::Other => self.others += 1,
        }
        self.newest = Some(self.newest.map_or(st.mtime, |m| m.max(st.mtime)));
    }

    pub(crate) fn merge(&mut self, o: &Acc) {
        self.bytes += o.bytes;
        self.disk += o.disk;
        self.files += o.files;
        self.dirs += o.dirs;
        self.symlinks += o.symlinks;
        self.others += o.others;
        self.newest = match (self.newest, o.newest) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
    }
}

/// Per-thread accumulator.
#[derive(Default)]
pub(crate) struct Local {
    /// Indexed by row number.
    pub rows: Vec<Acc>,
    /// Indexed by [`Part`].
    pub parts: [Acc; 5],
    /// (escaped path, escaped version) -> download files.
    pub downloads: HashMap<(Arc<str>, String), Acc>,
    /// Directories whose names are not valid `!` escapes.
    pub odd: Vec<String>,
    /// Rows that must not be stored in the scan index (unreadable entries, hard links).
    pub tainted_rows: HashSet<usize>,
    /// What was walked in each `cache/download/<escpath>/@v` directory.
    pub vdirs: HashMap<Arc<str>, VdirLocal>,
    /// Every `@v` directory met: (escaped path, key, whether taken from the index).
    pub vkeys: Vec<(Arc<str>, DirKey, bool)>,
    /// Totals taken from the scan index (trees not walked), to add to the walk's totals.
    pub reused: Acc,
}

/// What the walk found inside one `@v` directory.
#[derive(Debug, Default, Clone)]
pub(crate) struct VdirLocal {
    /// Its entries (the directory itself excluded).
    pub inner: Acc,
    /// The `list` file's size and modification time.
    pub list: ListStat,
    /// Whether it must not be stored in the index (a subdirectory, a download in progress,
    /// unreadable entries, hard links).
    pub tainted: bool,
}

impl VdirLocal {
    pub(crate) fn merge(&mut self, o: &VdirLocal) {
        self.inner.merge(&o.inner);
        self.list = self.list.or(o.list);
        self.tainted |= o.tainted;
    }
}

/// The module cache visitor; with a `prior` index, version and `@v` directories whose identity
/// did not change are taken from it instead of walked.
#[derive(Default)]
pub(crate) struct ModVisitor<'a> {
    pub prior: Option<&'a ModIndex>,
    pub rows: Mutex<Vec<RowMeta>>,
    /// (dev, ino, row) of hard-linked files already counted in a row, so a row equals
    /// `du -sb` of its directory even when files are hard-linked across rows.
    pub row_links: Mutex<HashSet<(u64, u64, usize)>>,
}

impl ModVisitor<'_> {
    fn new_row(&self, local: &mut Local, dir: &Path, rel: &str, name: &str, st: &Stat) -> usize {
        let (escname, escver) = name.split_once('@').unwrap_or((name, ""));
        let escpath = if rel.is_empty() {
            escname.to_owned()
        } else {
            format!("{rel}/{escname}")
        };
        let full = dir.join(name).to_string_lossy().into_owned();
        let path = crate::escape::unescape(&escpath);
        let version = crate::escape::unescape(escver);
        if path.is_err() || version.is_err() {
            local.odd.push(full.clone());
        }
        let meta = RowMeta {
            path: path.unwrap_or_else(|_| escpath.clone()),
            version: version.unwrap_or_else(|_| escver.to_owned()),
            escpath,
            escver: escver.to_owned(),
            dir: full,
            key: DirKey::of(st),
            top: (st.size, st.disk),
            reused: false,
        };
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        rows.push(meta);
        rows.len() - 1
    }

    /// Takes row `row` (whose directory was just counted) from the index when its key
    /// matches; returns whether it did.
    fn reuse_row(&self, local: &mut Local, row: usize, name: &str) -> bool {
        let Some(prior) = self.prior else {
            return false;
        };
        let mut rows = self.rows.lock().unwrap_or_else(|e| e.into_inner());
        let meta = &mut rows[row];
        let Some(e) = prior.versions.get(&meta.index_name()) else {
            return false;
        };
        if e.key != meta.key || name.contains(".tmp-") {
            return false;
        }
        meta.reused = true;
        drop(rows);
        if local.rows.len() <= row {
            local.rows.resize(row + 1, Acc::default());
        }
        local.rows[row].merge(&e.inner);
        local.parts[Part::Extracted as usize].merge(&e.inner);
        local.reused.merge(&e.inner);
        true
    }

    /// Takes the `@v` directory of module `escpath` from the index when its key matches;
    /// returns whether it did.
    ///
    /// Go rewrites `@v/list` in place, which does not change the directory, but only right
    /// after it renamed a `.mod` file into it (`writeDiskCache`, then `rewriteVersionList`),
    /// which does; a directory changed within [`super::index::RACY_NS`] of the scan is never
    /// stored, so the rewrite that follows is seen. Looking at `list` itself would cost a
    /// directory lookup per module, the largest share of a rescan with a cold page cache.
    fn reuse_vdir(&self, local: &mut Local, escpath: &Arc<str>, key: DirKey) -> bool {
        let Some(e) = self.prior.and_then(|p| p.vdirs.get(&**escpath)) else {
            return false;
        };
        if e.key != key {
            return false;
        }
        local.parts[Part::Download as usize].merge(&e.inner);
        local.reused.merge(&e.inner);
        for (ver, acc) in &e.versions {
            local
                .downloads
                .entry((escpath.clone(), ver.clone()))
                .or_default()
                .merge(acc);
        }
        true
    }

    fn add_to_row(&self, local: &mut Local, row: usize, st: &Stat, first: bool) {
        if st.may_be_hard_link() {
            // Counted once across the whole walk: the row's figures depend on the others.
            local.tainted_rows.insert(row);
            let new = self
                .row_links
                .lock()
                .unwrap_or_else(|e| e.into_inner())
                .insert((st.dev, st.ino, row));
            if !new {
                return;
            }
        } else if !first {
            return;
        }
        if local.rows.len() <= row {
            local.rows.resize(row + 1, Acc::default());
        }
        local.rows[row].add(st);
    }
}

impl Visitor for ModVisitor<'_> {
    type Ctx = Ctx;
    type Local = Local;

    fn root(&self, local: &mut Local, st: &Stat) -> Ctx {
        local.parts[Part::Other as usize].add(st);
        Ctx::Top { rel: Arc::from("") }
    }

    fn entry(
        &self,
        local: &mut Local,
        dir: &Path,
        parent: &Ctx,
        name: &OsStr,
        st: &Stat,
        first: bool,
    ) -> Option<Ctx> {
        let is_dir = st.kind == Kind::Dir;
        let name_str = name.to_str();
        // Set when the child directory's totals came from the index: not descended into.
        let mut reused_row = None;
        // Which context the child gets (directories) and which part the entry counts in.
        let child = match parent {
            Ctx::Top { rel } => match name_str {
                Some("cache") if rel.is_empty() && is_dir => Ctx::Cache,
                // Go Cache Doctor's own quarantine (`.gocache-doctor-trash`, waiting for its
                // purge): counted in the totals, like `du`, but never as module rows.
                Some(n) if rel.is_empty() && n.starts_with(QUARANTINE_PREFIX) => {
                    Ctx::In(Part::Other)
                }
                Some(n) if is_dir && n.contains('@') => {
                    let row = self.new_row(local, dir, rel, n, st);
                    reused_row = Some(n);
                    Ctx::Module { row }
                }
                Some(n) if is_dir => {
                    let rel = if rel.is_empty() {
                        Arc::from(n)
                    } else {
                        Arc::from(format!("{rel}/{n}"))
                    };
                    Ctx::Top { rel }
                }
                _ => Ctx::In(Part::Other),
            },
            Ctx::Module { row } => {
                self.add_to_row(local, *row, st, first);
                Ctx::Module { row: *row }
            }
            Ctx::Cache => match name_str {
                Some("download") => Ctx::Download { rel: Arc::from("") },
                Some("vcs") => Ctx::In(Part::Vcs),
                _ => Ctx::In(Part::Other),
            },
            Ctx::Download { rel } => match name_str {
                Some("sumdb") if rel.is_empty() => Ctx::In(Part::Sumdb),
                Some("@v") if !rel.is_empty() && is_dir => {
                    let key = DirKey::of(st);
                    let reused = self.reuse_vdir(local, rel, key);
                    local.vkeys.push((rel.clone(), key, reused));
                    if reused {
                        local.parts[Part::Download as usize].add(st);
                        return None;
                    }
                    Ctx::DownloadV {
                        escpath: rel.clone(),
                    }
                }
                Some(n) => {
                    let rel = if rel.is_empty() {
                        Arc::from(n)
                    } else {
                        Arc::from(format!("{rel}/{n}"))
                    };
                    Ctx::Download { rel }
                }
                None => Ctx::In(Part::Download),
            },
            Ctx::DownloadV { escpath } => {
                let v = local.vdirs.entry(escpath.clone()).or_default();
                if first {
                    v.inner.add(st);
                }
                if is_dir
                    || st.may_be_hard_link()
                    || name_str.is_none_or(|n| n.ends_with(".tmp") || n.ends_with(".partial"))
                {
                    v.tainted = true;
                }
                if name_str == Some("list") {
                    v.list = Some((st.size, st.mtime_ns));
                }
                if first && !is_dir {
                    let ver = name_str.and_then(crate::clean::version_of_download_file);
                    if let Some(ver) = ver {
                        local
                            .downloads
                            .entry((escpath.clone(), ver.to_owned()))
                            .or_default()
                            .add(st);
                    }
                }
                Ctx::In(Part::Download)
            }
            Ctx::In(p) => Ctx::In(*p),
        };
        if first {
            // The entry's own bytes count in the part of its parent, except the roots of the
            // cache sub-trees, which count in their own part.
            let part = match &child {
                Ctx::In(p @ (Part::Vcs | Part::Sumdb)) if !matches!(parent, Ctx::In(_)) => *p,
                Ctx::Cache => Part::Other,
                Ctx::Download { .. } if matches!(parent, Ctx::Cache) => Part::Download,
                // A module row's own directory is part of its extracted tree.
                Ctx::Module { .. } => Part::Extracted,
                _ => parent.part(),
            };
            local.parts[part as usize].add(st);
        }
        // The root directory of a module row counts in the row itself.
        if let (Ctx::Top { .. }, Ctx::Module { row }) = (parent, &child) {
            self.add_to_row(local, *row, st, first);
            if let Some(n) = reused_row
                && self.reuse_row(local, *row, n)
            {
                return None;
            }
        }
        if is_dir { Some(child) } else { None }
    }

    fn unreadable(&self, local: &mut Local, ctx: &Ctx) {
        match ctx {
            Ctx::Module { row } => {
                local.tainted_rows.insert(*row);
            }
            Ctx::DownloadV { escpath } => {
                local.vdirs.entry(escpath.clone()).or_default().tainted = true;
            }
            _ => {}
        }
    }
}
