//! The scan index: what an earlier scan learnt about a module cache, so the next scan re-walks
//! only what changed (issue #16).
//!
//! A module cache is immutable by design: Go extracts each `module@version` into a temporary
//! directory, renames it into place and never writes inside it again. So the index keeps, per
//! cache root, the totals of every extracted version directory keyed by that directory's
//! identity ([`DirKey`]: device and inode, modification and change time in nanoseconds; on
//! Windows the last-write and creation times), and the totals of every
//! `cache/download/<module>/@v` directory keyed by its identity (Go adds files there by
//! rename, which changes the directory; it rewrites `list` in place, but only right after such
//! a rename, so within the racy window below). An incremental scan lists the directories above
//! the versions,
//! `lstat`s each version directory and `@v` directory, and walks only those that are new or
//! changed; `sumdb/`, `vcs/` and everything else are walked every time.
//!
//! What is never stored, so always walked: a directory that changed less than [`RACY_NS`]
//! before the scan started (a change within the same time-stamp tick would go unseen), Go's
//! temporary extraction directories (`*.tmp-*`), a directory holding unreadable entries or
//! hard-linked files (which must be counted once across the whole walk), and an `@v`
//! directory holding a subdirectory or a download in progress (`*.tmp`, `*.partial`).
//!
//! What an incremental scan cannot see, by design (a full scan, `scan --full`, does): a file
//! changed deep inside an extracted version without its directory changing (only by hand:
//! Go makes the trees read-only and never writes there), an `@v` file edited in place by
//! hand (Go's own in-place rewrite of `list` follows a change of the directory), and a hard link made later from
//! elsewhere to a file of a stored version (deduplicating tools): `du` counts that file once,
//! the incremental scan in both places.
//!
//! The build cache has an index of its own ([`super::buildindex`]): per `00`..`ff` shard
//! directory, keyed the same way.
//!
//! The file (`<data dir>/scan-index/modcache-<hash of the root>.idx`) is a compact binary:
//! a magic number, [`FORMAT_VERSION`], the payload's length and FNV-1a checksum, then the
//! payload (the cache root, the version entries, the `@v` entries). It is written to a
//! temporary file renamed over the old one, and only after a complete walk: a cancelled scan
//! leaves the previous index, whose entries stay correct because each is keyed by identity.
//! A file that is truncated, garbage, of another format version or of another root is
//! ignored ([`Discard`]) and replaced after the scan.
//!
//! # Platform behavior
//! Windows reports no inode number in a directory listing: a version directory's identity
//! there is its path, last-write time and creation time.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use super::modcache::Acc;
use super::walk::Stat;

/// The format version written in every index file; a file of another version is ignored.
pub const FORMAT_VERSION: u32 = 1;

/// The first bytes of an index file.
const MAGIC: &[u8; 8] = b"GCDSCIDX";

/// Header: magic, version (u32), payload length (u64), checksum (u64).
const HEADER_LEN: usize = 8 + 4 + 8 + 8;

/// Directories changed less than this before the scan started are not stored (3 s: FAT's
/// 2-second time stamps, and a write within the same clock tick as the scan's `lstat`).
pub(crate) const RACY_NS: i64 = 3_000_000_000;

/// The directory holding the scan indexes: `scan-index/` in the app's data directory
/// ([`crate::history::default_dir`]: `$GOCACHE_DOCTOR_DATA_DIR` when set and not empty, else
/// `<data dir>/gocache-doctor`). `None` when the OS has no data directory for this user.
pub fn default_dir() -> Option<PathBuf> {
    crate::history::default_dir().map(|d| dir_in(&d))
}

/// The directory holding the scan indexes in the data directory `data_dir`.
pub fn dir_in(data_dir: &Path) -> PathBuf {
    data_dir.join("scan-index")
}

/// The index file of the module cache at `root` inside `dir`.
pub fn modcache_file(dir: &Path, root: &Path) -> PathBuf {
    let hash = fnv1a(root.to_string_lossy().as_bytes());
    dir.join(format!("modcache-{hash:016x}.idx"))
}

/// Why an index file was not used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Discard {
    /// It could not be read (other than not existing).
    #[error("the scan index could not be read: {0}")]
    Unreadable(String),
    /// Shorter than its header or than the payload length it announces.
    #[error("the scan index is truncated")]
    Truncated,
    /// Not an index file (wrong magic number).
    #[error("the scan index is not an index file")]
    NotAnIndex,
    /// Written by another format version.
    #[error("the scan index has format version {0}, not {FORMAT_VERSION}")]
    OtherVersion(u32),
    /// The checksum or the structure of the payload is wrong.
    #[error("the scan index is corrupt")]
    Corrupt,
    /// It describes another cache root.
    #[error("the scan index describes another cache")]
    OtherRoot,
}

/// What a scan did with the index of the module cache (not part of the JSON report: a full
/// and an incremental scan report the same figures).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IndexStats {
    /// Whether an index was read and used.
    pub loaded: bool,
    /// Why an existing index file was ignored.
    pub discarded: Option<Discard>,
    /// Extracted version directories taken from the index.
    pub reused_versions: u64,
    /// Extracted version directories walked.
    pub walked_versions: u64,
    /// `cache/download/<module>/@v` directories taken from the index.
    pub reused_download_dirs: u64,
    /// `cache/download/<module>/@v` directories walked.
    pub walked_download_dirs: u64,
    /// Whether the index file was (re)written after this scan.
    pub written: bool,
    /// Whether a build-cache index was read and used ([`super::buildindex`]).
    pub build_loaded: bool,
    /// Why an existing build-cache index file was ignored.
    pub build_discarded: Option<Discard>,
    /// Build-cache shard directories taken from the index.
    pub reused_build_shards: u64,
    /// Build-cache shard directories walked.
    pub walked_build_shards: u64,
    /// Whether the build-cache index file was (re)written after this scan.
    pub build_written: bool,
    /// Why writing the index failed, if it did.
    pub write_error: Option<String>,
}

/// Identity of a directory: a directory with the same key has the same entries.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct DirKey {
    pub dev: u64,
    pub ino: u64,
    pub mtime_ns: i64,
    pub ctime_ns: i64,
}

impl DirKey {
    /// The key of a directory from its `lstat`.
    pub fn of(st: &Stat) -> Self {
        Self {
            dev: st.dev,
            ino: st.ino,
            mtime_ns: st.mtime_ns,
            ctime_ns: st.ctime_ns,
        }
    }

    /// Whether the directory changed at or after `cutoff_ns` (too recently to be trusted).
    pub fn racy(&self, cutoff_ns: i64) -> bool {
        self.mtime_ns >= cutoff_ns || self.ctime_ns >= cutoff_ns
    }
}

/// Size and modification time (ns) of an `@v/list` file (stored for diagnosis; not part of the
/// reuse check, see `ModVisitor::reuse_vdir`).
pub(crate) type ListStat = Option<(u64, i64)>;

/// One extracted version directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VersionEntry {
    pub key: DirKey,
    /// Everything below the directory (its own entry excluded); `newest` is the row's.
    pub inner: Acc,
}

/// One `cache/download/<module>/@v` directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VdirEntry {
    pub key: DirKey,
    pub list: ListStat,
    /// Everything in the directory (its own entry excluded).
    pub inner: Acc,
    /// Per escaped version: its download files.
    pub versions: Vec<(String, Acc)>,
}

/// The index of one module cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ModIndex {
    /// By `<escaped path>@<escaped version>`.
    pub versions: HashMap<String, VersionEntry>,
    /// By escaped module path.
    pub vdirs: HashMap<String, VdirEntry>,
}

/// Now minus [`RACY_NS`], in nanoseconds since the Unix epoch.
pub(crate) fn racy_cutoff() -> i64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_nanos()).unwrap_or(i64::MAX));
    now.saturating_sub(RACY_NS)
}

pub(super) fn fnv1a(data: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Reads the index at `file` for the cache at `root`. `Ok(None)` when there is none.
pub(crate) fn load(file: &Path, root: &Path) -> Result<Option<ModIndex>, Discard> {
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Discard::Unreadable(e.to_string())),
    };
    decode(&data, &root.to_string_lossy()).map(Some)
}

/// Writes `index` for the cache at `root` to `file` atomically (a temporary file in the same
/// directory, renamed over the old one).
pub(crate) fn save(file: &Path, root: &Path, index: &ModIndex) -> std::io::Result<()> {
    write_atomic(file, &encode(index, &root.to_string_lossy()))
}

/// How long an index whose cache root is gone is kept (the root may be on a disk that is not
/// mounted now).
pub const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 3600);

/// Removes the index files in `dir` of caches that no longer exist: a regular
/// `modcache-*.idx` or `build-*.idx` file (never through a symlink) whose recorded root is not a directory any
/// more and that was last written more than `max_age` ago, and `.scan-index-*` temporary files
/// of that age (left by a writer that died). Files it cannot read or parse are left alone:
/// the next scan of their root replaces them. Returns how many files were removed.
pub fn prune_orphans(dir: &Path, max_age: std::time::Duration) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let now = std::time::SystemTime::now();
    let mut removed = 0;
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let is_index =
            (name.starts_with("modcache-") || name.starts_with("build-")) && name.ends_with(".idx");
        let is_temp = name.starts_with(".scan-index-");
        if !is_index && !is_temp {
            continue;
        }
        let path = e.path();
        let Ok(meta) = std::fs::symlink_metadata(&path) else {
            continue;
        };
        let old = meta
            .modified()
            .ok()
            .and_then(|m| now.duration_since(m).ok())
            .is_some_and(|age| age > max_age);
        if !meta.is_file() || !old {
            continue;
        }
        let orphan = is_temp
            || std::fs::read(&path)
                .ok()
                .and_then(|d| stored_root(&d).map(|r| !Path::new(&r).is_dir()))
                .unwrap_or(false);
        if orphan && std::fs::remove_file(&path).is_ok() {
            removed += 1;
        }
    }
    removed
}

/// The root an index file records (its checksum checked), or `None`.
fn stored_root(data: &[u8]) -> Option<String> {
    let payload = unframe(data, MAGIC)
        .or_else(|_| unframe(data, super::buildindex::MAGIC))
        .ok()?;
    Reader {
        data: payload,
        pos: 0,
    }
    .str()
    .map(str::to_owned)
}

/// The bytes of an index file.
pub(crate) fn encode(index: &ModIndex, root: &str) -> Vec<u8> {
    let mut p = Vec::with_capacity(64 + index.versions.len() * 120 + index.vdirs.len() * 200);
    put_str(&mut p, root);
    put_len(&mut p, index.versions.len());
    // Sorted, so equal indexes give equal files.
    let mut names: Vec<&String> = index.versions.keys().collect();
    names.sort();
    for name in names {
        let e = &index.versions[name];
        put_str(&mut p, name);
        put_key(&mut p, &e.key);
        put_acc(&mut p, &e.inner);
    }
    put_len(&mut p, index.vdirs.len());
    let mut paths: Vec<&String> = index.vdirs.keys().collect();
    paths.sort();
    for path in paths {
        let e = &index.vdirs[path];
        put_str(&mut p, path);
        put_key(&mut p, &e.key);
        match e.list {
            Some((size, mtime)) => {
                p.push(1);
                p.extend_from_slice(&size.to_le_bytes());
                p.extend_from_slice(&mtime.to_le_bytes());
            }
            None => p.push(0),
        }
        put_acc(&mut p, &e.inner);
        put_len(&mut p, e.versions.len());
        for (ver, acc) in &e.versions {
            put_str(&mut p, ver);
            put_acc(&mut p, acc);
        }
    }
    frame(MAGIC, &p)
}

/// An index file around `payload`: `magic`, [`FORMAT_VERSION`], the payload's length and
/// checksum, then the payload.
pub(super) fn frame(magic: &[u8; 8], payload: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(HEADER_LEN + payload.len());
    out.extend_from_slice(magic);
    out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
    out.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    out.extend_from_slice(&fnv1a(payload).to_le_bytes());
    out.extend_from_slice(payload);
    out
}

/// The payload of an index file framed by [`frame`] with `magic`, its length and checksum
/// checked.
pub(super) fn unframe<'a>(data: &'a [u8], magic: &[u8; 8]) -> Result<&'a [u8], Discard> {
    if data.len() < magic.len() {
        return Err(if magic.starts_with(data) {
            Discard::Truncated
        } else {
            Discard::NotAnIndex
        });
    }
    if &data[..magic.len()] != magic {
        return Err(Discard::NotAnIndex);
    }
    if data.len() < HEADER_LEN {
        return Err(Discard::Truncated);
    }
    let mut h = Reader { data, pos: 8 };
    let version = h.u32().ok_or(Discard::Truncated)?;
    if version != FORMAT_VERSION {
        return Err(Discard::OtherVersion(version));
    }
    let len = h.u64().ok_or(Discard::Truncated)?;
    let sum = h.u64().ok_or(Discard::Truncated)?;
    let payload = &data[HEADER_LEN..];
    match usize::try_from(len) {
        Ok(n) if n == payload.len() => {}
        Ok(n) if n > payload.len() => return Err(Discard::Truncated),
        _ => return Err(Discard::Corrupt),
    }
    if fnv1a(payload) != sum {
        return Err(Discard::Corrupt);
    }
    Ok(payload)
}

/// Writes `data` to `file` atomically ([`crate::atomic::replace`]; not synced: an index lost
/// in a crash is only a slower next scan).
pub(super) fn write_atomic(file: &Path, data: &[u8]) -> std::io::Result<()> {
    crate::atomic::replace(file, data, ".scan-index-", false)
}

/// Parses an index file written for `root`; never trusts a length or a count it reads.
pub(crate) fn decode(data: &[u8], root: &str) -> Result<ModIndex, Discard> {
    let payload = unframe(data, MAGIC)?;
    let mut r = Reader {
        data: payload,
        pos: 0,
    };
    let parsed = parse(&mut r, root);
    match parsed {
        Some(Ok(index)) if r.pos == payload.len() => Ok(index),
        Some(Err(d)) => Err(d),
        _ => Err(Discard::Corrupt),
    }
}

/// The payload; `None` when it is malformed.
fn parse(r: &mut Reader<'_>, root: &str) -> Option<Result<ModIndex, Discard>> {
    if r.str()? != root {
        return Some(Err(Discard::OtherRoot));
    }
    // Smallest possible records: a version is a name length, a key and an accumulator.
    const KEY: usize = 32;
    const ACC: usize = 7 * 8;
    let n = r.count(4 + KEY + ACC)?;
    let mut versions = HashMap::with_capacity(n);
    for _ in 0..n {
        let name = r.str()?.to_owned();
        let key = r.key()?;
        let inner = r.acc()?;
        versions.insert(name, VersionEntry { key, inner });
    }
    let n = r.count(4 + KEY + 1 + ACC + 4)?;
    let mut vdirs = HashMap::with_capacity(n);
    for _ in 0..n {
        let path = r.str()?.to_owned();
        let key = r.key()?;
        let list = match r.u8()? {
            0 => None,
            1 => Some((r.u64()?, r.i64()?)),
            _ => return None,
        };
        let inner = r.acc()?;
        let m = r.count(4 + ACC)?;
        let mut vs = Vec::with_capacity(m);
        for _ in 0..m {
            let ver = r.str()?.to_owned();
            vs.push((ver, r.acc()?));
        }
        vdirs.insert(
            path,
            VdirEntry {
                key,
                list,
                inner,
                versions: vs,
            },
        );
    }
    Some(Ok(ModIndex { versions, vdirs }))
}

pub(super) fn put_len(p: &mut Vec<u8>, n: usize) {
    p.extend_from_slice(&u32::try_from(n).unwrap_or(u32::MAX).to_le_bytes());
}

pub(super) fn put_str(p: &mut Vec<u8>, s: &str) {
    put_len(p, s.len());
    p.extend_from_slice(s.as_bytes());
}

pub(super) fn put_key(p: &mut Vec<u8>, k: &DirKey) {
    p.extend_from_slice(&k.dev.to_le_bytes());
    p.extend_from_slice(&k.ino.to_le_bytes());
    p.extend_from_slice(&k.mtime_ns.to_le_bytes());
    p.extend_from_slice(&k.ctime_ns.to_le_bytes());
}

pub(super) fn put_acc(p: &mut Vec<u8>, a: &Acc) {
    for v in [a.bytes, a.disk, a.files, a.dirs, a.symlinks, a.others] {
        p.extend_from_slice(&v.to_le_bytes());
    }
    p.extend_from_slice(&a.newest.unwrap_or(i64::MIN).to_le_bytes());
}

/// A bounds-checked little-endian reader.
pub(super) struct Reader<'a> {
    pub(super) data: &'a [u8],
    pub(super) pos: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.data.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    pub(super) fn u8(&mut self) -> Option<u8> {
        self.take(1).map(|b| b[0])
    }

    pub(super) fn u32(&mut self) -> Option<u32> {
        self.take(4)?.try_into().ok().map(u32::from_le_bytes)
    }

    pub(super) fn u64(&mut self) -> Option<u64> {
        self.take(8)?.try_into().ok().map(u64::from_le_bytes)
    }

    pub(super) fn i64(&mut self) -> Option<i64> {
        self.take(8)?.try_into().ok().map(i64::from_le_bytes)
    }

    /// A record count, refused when that many records of at least `min` bytes cannot fit in
    /// what is left (so garbage never makes a huge allocation).
    pub(super) fn count(&mut self, min: usize) -> Option<usize> {
        let n = usize::try_from(self.u32()?).ok()?;
        (n.checked_mul(min)? <= self.data.len() - self.pos).then_some(n)
    }

    pub(super) fn str(&mut self) -> Option<&'a str> {
        let n = usize::try_from(self.u32()?).ok()?;
        std::str::from_utf8(self.take(n)?).ok()
    }

    pub(super) fn key(&mut self) -> Option<DirKey> {
        Some(DirKey {
            dev: self.u64()?,
            ino: self.u64()?,
            mtime_ns: self.i64()?,
            ctime_ns: self.i64()?,
        })
    }

    pub(super) fn acc(&mut self) -> Option<Acc> {
        let bytes = self.u64()?;
        let disk = self.u64()?;
        let files = self.u64()?;
        let dirs = self.u64()?;
        let symlinks = self.u64()?;
        let others = self.u64()?;
        let newest = self.i64()?;
        Some(Acc {
            bytes,
            disk,
            files,
            dirs,
            symlinks,
            others,
            newest: (newest != i64::MIN).then_some(newest),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    pub(super) fn acc(n: u64) -> Acc {
        Acc {
            bytes: n * 100,
            disk: n * 4096,
            files: n,
            dirs: n / 2,
            symlinks: 1,
            others: 0,
            newest: Some(1_700_000_000 + i64::try_from(n).unwrap()),
        }
    }

    pub(super) fn key(n: u64) -> DirKey {
        DirKey {
            dev: 2049,
            ino: n,
            mtime_ns: 1_700_000_000_123_456_789,
            ctime_ns: -5,
        }
    }

    fn sample(versions: u64) -> ModIndex {
        let mut ix = ModIndex::default();
        for i in 0..versions {
            ix.versions.insert(
                format!("example.com/!m{}@v1.0.{i}", i % 7),
                VersionEntry {
                    key: key(i),
                    inner: Acc {
                        newest: (i % 3 != 0).then_some(7),
                        ..acc(i)
                    },
                },
            );
        }
        for m in 0..7 {
            ix.vdirs.insert(
                format!("example.com/!m{m}"),
                VdirEntry {
                    key: key(1000 + m),
                    list: (m % 2 == 0).then_some((m * 8, 99)),
                    inner: acc(m),
                    versions: vec![("v1.0.0".into(), acc(1)), ("v1.0.1".into(), acc(2))],
                },
            );
        }
        ix
    }

    #[test]
    fn round_trip() {
        let ix = sample(50);
        let bytes = encode(&ix, "/cache/mod");
        assert_eq!(decode(&bytes, "/cache/mod"), Ok(ix.clone()));
        // Deterministic: the same index gives the same bytes.
        assert_eq!(
            encode(&decode(&bytes, "/cache/mod").unwrap(), "/cache/mod"),
            bytes
        );
        let empty = ModIndex::default();
        assert_eq!(decode(&encode(&empty, "C:\\m"), "C:\\m"), Ok(empty));
    }

    #[test]
    fn another_root_or_version_is_refused() {
        let bytes = encode(&sample(3), "/cache/mod");
        assert_eq!(decode(&bytes, "/cache/other"), Err(Discard::OtherRoot));
        let mut v = bytes.clone();
        v[8..12].copy_from_slice(&7u32.to_le_bytes());
        assert_eq!(decode(&v, "/cache/mod"), Err(Discard::OtherVersion(7)));
    }

    /// Every truncation, every single-byte change and random garbage are refused without a
    /// panic (or, for a change the checksum cannot see, decoded to something well-formed).
    #[test]
    fn damaged_files_are_refused_without_panic() {
        let bytes = encode(&sample(20), "/r");
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], "/r").is_err(), "truncated to {n}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0xa5;
            assert!(decode(&b, "/r").is_err(), "byte {i} changed");
        }
        // Garbage with a valid header and checksum: counts and lengths are bounds-checked.
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for len in [0usize, 1, 4, 9, 64, 300, 5000] {
            for _ in 0..50 {
                let payload: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        (seed >> 24) as u8
                    })
                    .collect();
                let mut f = MAGIC.to_vec();
                f.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
                f.extend_from_slice(&(payload.len() as u64).to_le_bytes());
                f.extend_from_slice(&fnv1a(&payload).to_le_bytes());
                f.extend_from_slice(&payload);
                let _ = decode(&f, "/r");
            }
        }
        // A huge announced count is refused before any allocation.
        let mut p = Vec::new();
        put_str(&mut p, "/r");
        p.extend_from_slice(&u32::MAX.to_le_bytes());
        let mut f = MAGIC.to_vec();
        f.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        f.extend_from_slice(&(p.len() as u64).to_le_bytes());
        f.extend_from_slice(&fnv1a(&p).to_le_bytes());
        f.extend_from_slice(&p);
        assert_eq!(decode(&f, "/r"), Err(Discard::Corrupt));
    }

    #[test]
    fn save_replaces_atomically_and_load_reads_back() {
        let t = tempfile::tempdir().unwrap();
        let root = Path::new("/some/mod");
        let file = modcache_file(&t.path().join("scan-index"), root);
        assert_eq!(load(&file, root), Ok(None));
        save(&file, root, &sample(5)).unwrap();
        save(&file, root, &sample(8)).unwrap();
        assert_eq!(load(&file, root), Ok(Some(sample(8))));
        // Nothing but the index is left in its directory (no temporary file).
        let names: Vec<_> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        assert_ne!(
            modcache_file(t.path(), Path::new("/a")),
            modcache_file(t.path(), Path::new("/b"))
        );
    }

    /// Old index files of roots that are gone, and old temporary files, are removed; the index
    /// of an existing root, a recent orphan, an unparsable file and other names stay.
    #[test]
    fn orphaned_indexes_are_pruned() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("scan-index");
        let live_root = t.path().join("mod");
        std::fs::create_dir_all(&live_root).unwrap();
        let gone_root = t.path().join("gone");
        let live = modcache_file(&dir, &live_root);
        let gone = modcache_file(&dir, &gone_root);
        let recent_gone = modcache_file(&dir, &t.path().join("unmounted"));
        save(&live, &live_root, &sample(2)).unwrap();
        save(&gone, &gone_root, &sample(2)).unwrap();
        save(&recent_gone, &t.path().join("unmounted"), &sample(2)).unwrap();
        let junk = dir.join("modcache-0000000000000000.idx");
        std::fs::write(&junk, b"not an index").unwrap();
        let temp = dir.join(".scan-index-abc");
        std::fs::write(&temp, b"half").unwrap();
        let other = dir.join("notes.txt");
        std::fs::write(&other, b"x").unwrap();
        let long_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
        for f in [&live, &gone, &junk, &temp, &other] {
            std::fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        assert_eq!(prune_orphans(&dir, ORPHAN_AGE), 2);
        assert!(!gone.exists() && !temp.exists());
        for kept in [&live, &recent_gone, &junk, &other] {
            assert!(kept.exists(), "{} was removed", kept.display());
        }
        assert_eq!(prune_orphans(&t.path().join("missing"), ORPHAN_AGE), 0);
    }

    #[test]
    fn racy_keys() {
        let k = key(1);
        assert!(k.racy(k.mtime_ns));
        assert!(!k.racy(k.mtime_ns + 1));
        assert!(racy_cutoff() > 1_700_000_000_000_000_000);
    }

    /// 100,000 versions encode and decode in well under a second (debug build, shared CPU).
    #[test]
    fn a_hundred_thousand_versions() {
        let ix = sample(100_000);
        let t = std::time::Instant::now();
        let bytes = encode(&ix, "/r");
        let back = decode(&bytes, "/r").unwrap();
        assert_eq!(back.versions.len(), 100_000);
        assert!(t.elapsed() < Duration::from_secs(10), "{:?}", t.elapsed());
    }
}
