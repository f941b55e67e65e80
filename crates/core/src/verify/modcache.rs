//! Module cache verification: finds every module version (extracted trees, download files,
//! leftovers) and checks each one like `go mod verify` and more (spec §2.3, §4.3).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::{Change, FileChange, Finding, Meter, ModuleResult, Msg, Options, Problem, Status};
use crate::dirhash::{self, DirFile, FileSum, HashError};
use crate::discover::Severity;
use crate::{CancelToken, Error, Result, escape};

/// Names at the top of the module cache that belong to Go Cache Doctor's quarantine.
const QUARANTINE_PREFIX: &str = ".gocache-doctor-trash";
/// The module Go downloads toolchains as.
const TOOLCHAIN: &str = "golang.org/toolchain";
/// Download-file extensions that identify a version.
const EXTS: [&str; 6] = ["zip", "ziphash", "mod", "info", "partial", "lock"];
/// The largest `list` file read (Go's lists are a few KiB).
const LIST_LIMIT: u64 = 16 << 20;
/// Temp-file extensions (`<escver>.<ext><digits>.tmp`).
const TMP_EXTS: [&str; 4] = ["ziphash", "zip", "info", "mod"];

/// Everything found about one module version before hashing.
#[derive(Debug, Default)]
pub(crate) struct Entry {
    pub path: String,
    pub version: String,
    pub dir: Option<PathBuf>,
    /// `cache/download/<escpath>/@v/<escver>` without extension.
    pub base: Option<PathBuf>,
    pub exts: BTreeSet<&'static str>,
    pub zip_size: u64,
    pub tmp: Vec<PathBuf>,
    pub old_tmp_dirs: Vec<PathBuf>,
    pub listed_without_mod: bool,
    /// Filled by [`plan`]: the tree's files (when it will be hashed) or the error listing it.
    pub files: Option<std::result::Result<Vec<DirFile>, String>>,
}

impl Entry {
    fn has(&self, ext: &str) -> bool {
        self.exts.contains(ext)
    }

    fn file(&self, ext: &str) -> Option<PathBuf> {
        let b = self.base.as_ref()?;
        let mut s = b.clone().into_os_string();
        s.push(".");
        s.push(ext);
        Some(PathBuf::from(s))
    }

    /// Whether the tree will be hashed (Go's `DownloadDir` succeeds: tree, no `.partial`,
    /// `.ziphash` present).
    fn hash_dir(&self) -> bool {
        self.dir.is_some() && !self.has("partial") && self.has("ziphash")
    }

    pub fn planned_bytes(&self) -> u64 {
        let zip = if self.has("zip") { self.zip_size } else { 0 };
        let dir = match &self.files {
            Some(Ok(f)) => f
                .iter()
                .filter(|f| !f.symlink && f.special.is_none())
                .map(|f| f.size)
                .sum(),
            _ => 0,
        };
        zip + dir
    }
}

/// Parses a module's `list` file: one version per line, blank lines and surrounding spaces
/// ignored (Go writes it sorted, newline-terminated).
pub fn parse_list(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Splits a temp-file name `<escver>.<ext><digits>.tmp` into `escver`.
fn tmp_version(name: &str) -> Option<&str> {
    let stem = name.strip_suffix(".tmp")?;
    let stem = stem.trim_end_matches(|c: char| c.is_ascii_digit());
    TMP_EXTS
        .iter()
        .find_map(|e| stem.strip_suffix(&format!(".{e}")))
        .filter(|v| !v.is_empty())
}

type Key = (String, String);

struct Walker<'a> {
    root: &'a Path,
    entries: BTreeMap<Key, Entry>,
    problems: &'a mut Vec<Problem>,
}

impl Walker<'_> {
    fn entry(&mut self, escpath: &str, escver: &str, at: &Path) -> Option<&mut Entry> {
        let (path, version) = match (escape::unescape(escpath), escape::unescape(escver)) {
            (Ok(p), Ok(v)) => (p, v),
            _ => {
                self.problems.push(Problem::new(
                    "bad-escape",
                    Severity::Warning,
                    at,
                    Msg::new(
                        "problem.bad-escape",
                        &[("name", format!("{escpath}@{escver}"))],
                    ),
                ));
                return None;
            }
        };
        let e = self
            .entries
            .entry((path.clone(), version.clone()))
            .or_insert_with(|| Entry {
                path,
                version,
                ..Entry::default()
            });
        Some(e)
    }

    fn unreadable(&mut self, path: &Path, err: &std::io::Error) {
        self.problems.push(Problem::new(
            "unreadable",
            Severity::Error,
            path,
            Msg::new(
                "problem.unreadable",
                &[
                    ("file", path.display().to_string()),
                    ("error", err.to_string()),
                ],
            ),
        ));
    }

    /// Walks the extracted part (walkdir, symlinks not followed): stops at the first element
    /// containing `@`; `cache` and the quarantine directories at the top are skipped.
    fn top(&mut self, root: &Path) {
        let mut walk = walkdir::WalkDir::new(root).min_depth(1).into_iter();
        while let Some(e) = walk.next() {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    self.unreadable(&path, &err.into());
                    continue;
                }
            };
            let name = e.file_name().to_string_lossy().into_owned();
            let is_dir = e.file_type().is_dir();
            if e.depth() == 1 && (name == "cache" || name.starts_with(QUARANTINE_PREFIX)) {
                if is_dir {
                    walk.skip_current_dir();
                }
                continue;
            }
            let Some((last, ver)) = name.split_once('@') else {
                continue; // a directory is descended into; files are not versions
            };
            if is_dir {
                walk.skip_current_dir();
            }
            let rel = parent_rel(root, e.path());
            let escpath = if rel.is_empty() {
                last.to_owned()
            } else {
                format!("{rel}/{last}")
            };
            let path = e.into_path();
            if let Some((v, _)) = ver.split_once(".tmp-") {
                if let Some(en) = self.entry(&escpath, v, &path) {
                    en.old_tmp_dirs.push(path);
                }
            } else if is_dir && let Some(en) = self.entry(&escpath, ver, &path) {
                en.dir = Some(path);
            }
        }
    }

    /// Walks `cache/download` (not `sumdb`) down to the `@v` directories (walkdir, symlinks
    /// not followed).
    fn download(&mut self, root: &Path) {
        let mut walk = walkdir::WalkDir::new(root).min_depth(1).into_iter();
        while let Some(e) = walk.next() {
            let e = match e {
                Ok(e) => e,
                Err(err) => {
                    let path = err.path().unwrap_or(root).to_path_buf();
                    self.unreadable(&path, &err.into());
                    continue;
                }
            };
            if !e.file_type().is_dir() {
                continue;
            }
            let name = e.file_name();
            if e.depth() == 1 && name == "sumdb" {
                walk.skip_current_dir();
            } else if name == "@v" {
                walk.skip_current_dir();
                let rel = parent_rel(root, e.path());
                if !rel.is_empty() {
                    self.at_v(e.path(), &rel);
                }
            }
        }
    }

    fn at_v(&mut self, dir: &Path, escpath: &str) {
        let rd = match std::fs::read_dir(dir) {
            Ok(rd) => rd,
            Err(e) => return self.unreadable(dir, &e),
        };
        let mut list = None;
        for e in rd.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let path = e.path();
            if name == "list" {
                list = Some(path);
                continue;
            }
            if let Some(kind) = e.file_type().ok().and_then(dirhash::Special::of) {
                // Counted, never opened; a version file that is one is unreadable below.
                self.problems.push(super::special_problem(&path, kind));
            }
            if let Some(v) = tmp_version(&name) {
                let v = v.to_owned();
                if let Some(en) = self.entry(escpath, &v, &path) {
                    en.tmp.push(path);
                }
                continue;
            }
            for ext in EXTS {
                if let Some(v) = name.strip_suffix(&format!(".{ext}")) {
                    let size = e.metadata().map(|m| m.len()).unwrap_or(0);
                    let base = dir.join(v);
                    let v = v.to_owned();
                    if let Some(en) = self.entry(escpath, &v, &path) {
                        en.exts.insert(ext);
                        en.base = Some(base);
                        if ext == "zip" {
                            en.zip_size = size;
                        }
                    }
                    break;
                }
            }
        }
        if let Some(list) = list {
            // Opened only when regular (a FIFO would block), and bounded.
            let Ok(text) = dirhash::read_regular(&list, LIST_LIMIT) else {
                return;
            };
            for v in parse_list(&String::from_utf8_lossy(&text)) {
                let Ok(escver) = escape::escape(&v) else {
                    continue;
                };
                if std::fs::symlink_metadata(dir.join(format!("{escver}.mod"))).is_err()
                    && let Some(en) = self.entry(escpath, &escver, &list)
                {
                    en.listed_without_mod = true;
                    en.base.get_or_insert_with(|| dir.join(&escver));
                }
            }
        }
    }
}

/// The path of `path`'s parent relative to `root`, with `/` separators (`""` at the top).
fn parent_rel(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .parent()
        .into_iter()
        .flat_map(Path::components)
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Finds every module version in the module cache at `root`.
pub(crate) fn enumerate(root: &Path, problems: &mut Vec<Problem>) -> Result<Vec<Entry>> {
    std::fs::read_dir(root).map_err(|e| Error::io(root, e))?;
    let mut w = Walker {
        root,
        entries: BTreeMap::new(),
        problems,
    };
    w.top(root);
    let dl = crate::modpath::join_slashed(w.root, "cache/download");
    if dl.is_dir() {
        w.download(&dl);
    }
    let mut out: Vec<Entry> = w.entries.into_values().collect();
    // A version with only a `.lock` file (what a clean leaves) is not in the cache.
    out.retain(|e| {
        e.dir.is_some()
            || e.exts.iter().any(|x| *x != "lock")
            || !e.tmp.is_empty()
            || !e.old_tmp_dirs.is_empty()
            || e.listed_without_mod
    });
    Ok(out)
}

/// Lists the files of every tree that will be hashed (in parallel), so the total is known.
pub(crate) fn plan(entries: &mut [Entry], cancel: &CancelToken) {
    entries.par_iter_mut().for_each(|e| {
        if cancel.is_cancelled() {
            return;
        }
        if let (true, Some(dir)) = (e.hash_dir(), &e.dir) {
            e.files = Some(dirhash::dir_files(dir).map_err(|err| err.to_string()));
        }
    });
}

/// Checks every version in parallel.
pub(crate) fn check_all(
    entries: &[Entry],
    opts: &Options,
    meter: &Meter<'_>,
    cancel: &CancelToken,
) -> Vec<ModuleResult> {
    entries
        .par_iter()
        .filter_map(|e| {
            if cancel.is_cancelled() {
                return None;
            }
            let r = check(e, opts, meter, cancel)?;
            meter.tick(&r.label(), true, r.status.is_broken());
            Some(r)
        })
        .collect()
}

/// Names relative to the module root: strips `module@version/`.
fn rel_names<'a>(sums: &'a [FileSum], prefix: &str) -> HashMap<&'a str, &'a FileSum> {
    sums.iter()
        .map(|s| {
            let n = s
                .name
                .strip_prefix(prefix)
                .and_then(|n| n.strip_prefix('/'))
                .unwrap_or(&s.name);
            (n, s)
        })
        .collect()
}

/// The files that differ between the tree and the zip.
pub(crate) fn diff(dir: &[FileSum], zip: &[FileSum], prefix: &str) -> Vec<FileChange> {
    let d = rel_names(dir, prefix);
    let z = rel_names(zip, prefix);
    let mut out = Vec::new();
    for (name, s) in &d {
        match z.get(name) {
            None => out.push(FileChange {
                name: (*name).to_owned(),
                change: Change::Added,
            }),
            Some(zs) if zs.sha != s.sha => out.push(FileChange {
                name: (*name).to_owned(),
                change: Change::Modified,
            }),
            Some(_) => {}
        }
    }
    for name in z.keys() {
        if !d.contains_key(name) {
            out.push(FileChange {
                name: (*name).to_owned(),
                change: Change::Removed,
            });
        }
    }
    out.sort();
    out
}

/// For `golang.org/toolchain`: Go copies `_go.mod` to `go.mod` when it first runs a
/// toolchain (spec §1.9), so the tree legitimately has one more file. Returns the tree's hash
/// without that copy, when it is one.
fn toolchain_hash(sums: &[FileSum], prefix: &str) -> Option<String> {
    let by = rel_names(sums, prefix);
    let copy = by.get("go.mod")?;
    let orig = by.get("_go.mod")?;
    if copy.sha != orig.sha {
        return None;
    }
    let rest: Vec<FileSum> = sums
        .iter()
        .filter(|s| s.name != format!("{prefix}/go.mod"))
        .cloned()
        .collect();
    dirhash::hash1(&rest).ok()
}

fn push(findings: &mut Vec<Finding>, status: Status, msg: Msg) {
    findings.push(Finding::new(status, msg));
}

/// Checks one version: its `.ziphash`, its zip, its extracted tree and its leftovers, one
/// phase each. `None` when cancelled (or a file name cannot be built).
fn check(
    e: &Entry,
    opts: &Options,
    meter: &Meter<'_>,
    cancel: &CancelToken,
) -> Option<ModuleResult> {
    let label = format!("{}@{}", e.path, e.version);
    let on_bytes = |n: u64| {
        meter.add_bytes(n);
        meter.tick(&label, false, false);
    };
    let mut c = Checked {
        e,
        opts,
        cancel,
        on_bytes: &on_bytes,
        prefix: label.clone(),
        findings: Vec::new(),
        files: Vec::new(),
        hashed: 0,
        ziphash: None,
        zip_sums: None,
        zip_hash: None,
    };
    c.read_ziphash()?;
    c.check_zip()?;
    c.check_tree()?;
    c.leftovers();
    let Checked {
        mut findings,
        files,
        hashed,
        ziphash,
        ..
    } = c;
    findings.sort_by_key(|f| f.status.rank());
    let status = findings.first().map_or(Status::Ok, |f| f.status);
    Some(ModuleResult {
        path: e.path.clone(),
        version: e.version.clone(),
        status,
        files,
        findings,
        dir: e.dir.clone(),
        ziphash,
        bytes_hashed: hashed,
    })
}

/// One version being checked: what the phases of [`check`] learn and find.
struct Checked<'a> {
    e: &'a Entry,
    opts: &'a Options,
    cancel: &'a CancelToken,
    on_bytes: &'a dyn Fn(u64),
    /// `module@version`, the prefix of the file names in the zip and the hash.
    prefix: String,
    findings: Vec<Finding>,
    /// The files that differ between the tree and the zip.
    files: Vec<FileChange>,
    hashed: u64,
    /// The hash Go recorded in `.ziphash` at download time.
    ziphash: Option<String>,
    /// The zip's files, when the zip hashes to `.ziphash` (or there is none).
    zip_sums: Option<Vec<FileSum>>,
    zip_hash: Option<String>,
}

impl Checked<'_> {
    fn push(&mut self, status: Status, id: &str, args: &[(&str, String)]) {
        push(&mut self.findings, status, Msg::new(id, args));
    }

    /// `.ziphash`: one `h1:` hash.
    fn read_ziphash(&mut self) -> Option<()> {
        if !self.e.has("ziphash") {
            return Some(());
        }
        let p = self.e.file("ziphash")?;
        // Never blocks on a FIFO: only a regular file is read (at most 4097 bytes).
        let read = dirhash::open_regular(&p).and_then(|f| {
            let mut b = Vec::new();
            std::io::Read::read_to_end(&mut std::io::Read::take(f, 4097), &mut b)?;
            Ok(b)
        });
        match read {
            Ok(b) if b.len() <= 4096 => match dirhash::parse_ziphash(&b) {
                Some(h) => self.ziphash = Some(h),
                None => self.push(
                    Status::ZiphashInvalid,
                    "finding.ziphash-no-hash",
                    &[
                        ("file", p.display().to_string()),
                        ("size", b.len().to_string()),
                    ],
                ),
            },
            Ok(b) if b.len() > 4096 => self.push(
                Status::ZiphashInvalid,
                "finding.ziphash-too-big",
                &[("file", p.display().to_string())],
            ),
            Ok(b) => self.push(
                Status::ZiphashInvalid,
                "finding.ziphash-size",
                &[
                    ("file", p.display().to_string()),
                    ("size", b.len().to_string()),
                ],
            ),
            Err(err) => self.push(
                Status::Unreadable,
                "finding.unreadable",
                &[
                    ("file", p.display().to_string()),
                    ("error", err.to_string()),
                ],
            ),
        }
        Some(())
    }

    /// The zip: hashed and compared with `.ziphash`. `None` when cancelled.
    fn check_zip(&mut self) -> Option<()> {
        let e = self.e;
        if !e.has("zip") {
            return Some(());
        }
        let p = e.file("zip")?;
        match dirhash::hash_zip(&p, &self.opts.zip_limits, self.on_bytes, self.cancel) {
            Ok((h, sums)) => {
                self.hashed += e.zip_size;
                self.zip_hash = Some(h.clone());
                match self.ziphash.clone() {
                    Some(zh) if zh != h => self.push(
                        Status::ZipModified,
                        "finding.zip-modified",
                        &[
                            ("file", p.display().to_string()),
                            ("hash", h),
                            ("ziphash", zh),
                        ],
                    ),
                    _ => self.zip_sums = Some(sums),
                }
            }
            Err(HashError::Cancelled) => return None,
            Err(err) => self.push(
                Status::ZipModified,
                "finding.zip-unreadable",
                &[("error", err.to_string())],
            ),
        }
        if !e.has("ziphash") {
            self.push(Status::MissingZiphash, "finding.missing-ziphash", &[]);
        }
        Some(())
    }

    /// The extracted tree (or its absence). `None` when cancelled.
    fn check_tree(&mut self) -> Option<()> {
        let e = self.e;
        let Some(dir) = &e.dir else {
            if e.has("zip") || e.has("mod") || e.has("info") {
                self.push(Status::DownloadOnly, "finding.download-only", &[]);
            }
            return Some(());
        };
        if e.has("partial") {
            self.push(
                Status::Partial,
                "finding.partial",
                &[("version", e.version.clone())],
            );
        } else if !e.has("ziphash") {
            if !e.has("zip") {
                self.push(Status::MissingZiphash, "finding.tree-without-ziphash", &[]);
            }
        } else if let Some(files_r) = &e.files {
            match files_r {
                Err(err) => self.push(
                    Status::Unreadable,
                    "finding.error",
                    &[("error", err.clone())],
                ),
                Ok(list) => {
                    self.writable_files(list);
                    self.tree_hash(dir, list)?;
                }
            }
        }
        Some(())
    }

    /// Module files left writable (Go extracts them read-only).
    fn writable_files(&mut self, list: &[DirFile]) {
        let writable: Vec<&DirFile> = list
            .iter()
            .filter(|f| f.writable && !f.symlink && f.special.is_none())
            .collect();
        if writable.is_empty() {
            return;
        }
        let names: Vec<&str> = writable.iter().take(5).map(|f| f.rel.as_str()).collect();
        self.push(
            Status::Writable,
            "finding.writable",
            &[
                ("count", writable.len().to_string()),
                ("files", names.join(", ")),
                ("more", more(writable.len())),
            ],
        );
    }

    /// The tree's hash against `.ziphash`, and which files differ from the zip when it does
    /// not match. `None` when cancelled.
    fn tree_hash(&mut self, dir: &Path, list: &[DirFile]) -> Option<()> {
        let prefix = self.prefix.clone();
        let sums = match dirhash::digest_dir_files(list, &prefix, self.on_bytes, self.cancel) {
            Err(HashError::Cancelled) => return None,
            Err(err) => {
                self.push(
                    Status::Unreadable,
                    "finding.error",
                    &[("error", err.to_string())],
                );
                return Some(());
            }
            Ok(sums) => sums,
        };
        self.hashed += sums.iter().map(|s| s.size).sum::<u64>();
        let h = dirhash::hash1(&sums).ok();
        let ok_as_toolchain = self.e.path == TOOLCHAIN
            && toolchain_hash(&sums, &prefix).is_some_and(|t| Some(&t) == self.ziphash.as_ref());
        let (Some(h), Some(zh)) = (h, self.ziphash.clone()) else {
            return Some(());
        };
        if h == zh || ok_as_toolchain {
            return Some(());
        }
        let mut args = vec![
            ("dir", dir.display().to_string()),
            ("hash", h),
            ("ziphash", zh.clone()),
        ];
        let id = match (&self.zip_sums, &self.zip_hash) {
            (Some(zs), Some(zhash)) if *zhash == zh => {
                let mut files = diff(&sums, zs, &prefix);
                let total = files.len();
                files.truncate(self.opts.max_files_listed);
                let id = describe(&files, total, &mut args);
                self.files = files;
                id
            }
            _ => "finding.dir-modified-no-zip",
        };
        self.push(Status::DirModified, id, &args);
        Some(())
    }

    /// What interrupted downloads and extractions left, and a list file naming a version
    /// without its `.mod`.
    fn leftovers(&mut self) {
        let e = self.e;
        if e.dir.is_none() && e.has("partial") {
            self.push(
                Status::Leftovers,
                "finding.stale-partial",
                &[("version", e.version.clone())],
            );
        }
        if !e.tmp.is_empty() || !e.old_tmp_dirs.is_empty() {
            let names: Vec<String> = e
                .tmp
                .iter()
                .chain(&e.old_tmp_dirs)
                .filter_map(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .collect();
            self.push(
                Status::Leftovers,
                "finding.leftovers",
                &[("files", names.join(", "))],
            );
        }
        if e.listed_without_mod {
            self.push(Status::ListInconsistent, "finding.list-without-mod", &[]);
        }
    }
}

/// `", ..."` when more than five names were listed, else nothing.
fn more(total: usize) -> String {
    if total > 5 { ", ..." } else { "" }.to_owned()
}

/// The message of a modified tree compared with its zip, and its values: the counts, the first
/// five files with their change (`files`, English words) and without it (`names`: the app shows
/// these instead of `files` outside English; its file list shows the changes translated).
fn describe(
    files: &[FileChange],
    total: usize,
    args: &mut Vec<(&'static str, String)>,
) -> &'static str {
    if total == 0 {
        return "finding.dir-modified-same-files";
    }
    let count = |c: Change| files.iter().filter(|f| f.change == c).count().to_string();
    let first = files.iter().take(5);
    let with_change: Vec<String> = first
        .clone()
        .map(|f| format!("{} ({})", f.name, f.change.as_str()))
        .collect();
    let names: Vec<&str> = first.map(|f| f.name.as_str()).collect();
    args.extend([
        ("modified", count(Change::Modified)),
        ("added", count(Change::Added)),
        ("removed", count(Change::Removed)),
        ("files", with_change.join(", ")),
        ("names", names.join(", ")),
        ("more", more(total)),
    ]);
    "finding.dir-modified"
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fs(name: &str, data: &str) -> FileSum {
        FileSum {
            name: name.into(),
            sha: dirhash::sha256(data.as_bytes()),
            size: data.len() as u64,
        }
    }

    #[test]
    fn tmp_names_map_to_their_version() {
        assert_eq!(tmp_version("v1.0.0.zip123456.tmp"), Some("v1.0.0"));
        assert_eq!(
            tmp_version("v1.0.0-!r!c1.ziphash9.tmp"),
            Some("v1.0.0-!r!c1")
        );
        assert_eq!(tmp_version("v1.0.0.info.tmp"), Some("v1.0.0"));
        assert_eq!(tmp_version("v1.0.0.zip"), None);
        assert_eq!(tmp_version(".zip1.tmp"), None);
    }

    #[test]
    fn diff_names_changes() {
        let p = "m@v1";
        let dir = [fs("m@v1/a", "1"), fs("m@v1/b", "x"), fs("m@v1/new", "n")];
        let zip = [fs("m@v1/a", "1"), fs("m@v1/b", "2"), fs("m@v1/gone", "g")];
        let d = diff(&dir, &zip, p);
        let got: Vec<(&str, Change)> = d.iter().map(|f| (f.name.as_str(), f.change)).collect();
        assert_eq!(
            got,
            [
                ("b", Change::Modified),
                ("gone", Change::Removed),
                ("new", Change::Added)
            ]
        );
    }

    #[test]
    fn toolchain_go_mod_copy_is_tolerated() {
        let p = "golang.org/toolchain@v0.0.1-go1.99.0.linux-amd64";
        let base = vec![
            fs(&format!("{p}/_go.mod"), "module x\n"),
            fs(&format!("{p}/bin/go"), "b"),
        ];
        let expected = dirhash::hash1(&base).unwrap();
        let mut with_copy = base.clone();
        with_copy.push(fs(&format!("{p}/go.mod"), "module x\n"));
        assert_eq!(toolchain_hash(&with_copy, p), Some(expected));
        let mut edited = base;
        edited.push(fs(&format!("{p}/go.mod"), "module y\n"));
        assert_eq!(toolchain_hash(&edited, p), None);
    }

    #[test]
    fn list_parsing_skips_blanks() {
        assert_eq!(parse_list("v1.0.0\n\n v1.1.0 \r\n"), ["v1.0.0", "v1.1.0"]);
        assert!(parse_list("").is_empty());
    }
}
