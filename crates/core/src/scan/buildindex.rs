//! The build cache's scan index (issue #16): what an earlier scan learnt about each `00`..`ff`
//! shard directory of a build cache, so that the next scan re-walks only the shards whose
//! directory changed.
//!
//! Go adds a build-cache entry by creating a file under its content-addressed name, and
//! `go clean -cache`, Go's daily trim and our cleans remove entries: each changes the shard
//! directory's modification time. So a shard whose directory has the same identity
//! ([`DirKey`]: device, inode, modification and change time) as at the last scan holds the
//! same entries with the same sizes, and its figures are taken from the index.
//!
//! What the index cannot follow, by design (a full scan, `scan --full` or the app's "Deep
//! rescan", walks every shard again):
//! - the ages. Go bumps an entry's modification time when a build uses it (at most once an
//!   hour, `mtimeInterval`), which changes no directory. The index keeps each entry's
//!   modification time as last walked, so ages keep growing with the clock; an entry used
//!   since its shard was walked shows its older age until the shard changes or a full scan.
//!   Go's trim removes entries by the same times, so what Go's next trim would free can be
//!   overstated, never understated; a clean by age always looks at the disk itself. The
//!   cache's newest modification time ([`super::CacheReport::newest_mtime`]) lags the same
//!   way: Go rewrites an existing action entry in place (same size, new time; a `go build`
//!   does it for an entry or so), so a rescan may show a time a little older than the disk's.
//! - a file rewritten in place with another size (Go rewrites an output only when it finds it
//!   truncated or corrupt).
//!
//! What is never stored, so always walked: a shard changed less than [`index::RACY_NS`] before
//! the scan started, one holding a directory (a cached executable's `-d` directory), a
//! hard-linked file or an unreadable entry, and everything outside the shards (`fuzz/`,
//! `trim.txt`, `README`).
//!
//! The file is `<data dir>/scan-index/build-<hash of the root>.idx`, framed like the module
//! cache's index ([`index::frame`]) with its own magic number; a damaged, foreign or
//! other-version file is ignored ([`Discard`]) and replaced after the next complete walk.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::build::Bucket;
use super::index::{self, DirKey, Discard, Reader};
use super::modcache::Acc;

/// The first bytes of a build-cache index file.
pub(super) const MAGIC: &[u8; 8] = b"GCDBCIDX";

/// What one shard directory held when it was last walked.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ShardEntry {
    /// The shard directory's identity then.
    pub key: DirKey,
    /// Everything in the shard (its own entry excluded).
    pub inner: Acc,
    /// Action (`-a`) and output (`-d`) entries.
    pub action: u64,
    pub output: u64,
    /// Test results and test-inputs logs among the outputs (`build::TestFile`).
    pub test_outputs: Bucket,
    pub test_logs: Bucket,
    /// Per entry: its modification time (Unix seconds) and size, for the age histogram.
    pub entries: Vec<(i64, u64)>,
}

/// The index of one build cache.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct BuildIndex {
    /// Whether the test results were looked for (`scan::Options::test_results`): an index
    /// written without them cannot answer a scan that wants them, and the reverse.
    pub test_results: bool,
    /// By shard number (`0x00`..`0xff`).
    pub shards: HashMap<u8, ShardEntry>,
}

/// The index file of the build cache at `root` inside `dir`.
pub fn build_file(dir: &Path, root: &Path) -> PathBuf {
    let hash = index::fnv1a(root.to_string_lossy().as_bytes());
    dir.join(format!("build-{hash:016x}.idx"))
}

/// Reads the index at `file` for the build cache at `root`. `Ok(None)` when there is none.
pub(crate) fn load(file: &Path, root: &Path) -> Result<Option<BuildIndex>, Discard> {
    let data = match std::fs::read(file) {
        Ok(d) => d,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Discard::Unreadable(e.to_string())),
    };
    decode(&data, &root.to_string_lossy()).map(Some)
}

/// Writes `ix` for the build cache at `root` to `file` atomically.
pub(crate) fn save(file: &Path, root: &Path, ix: &BuildIndex) -> std::io::Result<()> {
    index::write_atomic(file, &encode(ix, &root.to_string_lossy()))
}

/// The bytes of a build-cache index file.
pub(crate) fn encode(ix: &BuildIndex, root: &str) -> Vec<u8> {
    let n: usize = ix.shards.values().map(|e| 160 + e.entries.len() * 16).sum();
    let mut p = Vec::with_capacity(64 + n);
    index::put_str(&mut p, root);
    p.push(u8::from(ix.test_results));
    index::put_len(&mut p, ix.shards.len());
    // Sorted, so equal indexes give equal files.
    let mut nums: Vec<&u8> = ix.shards.keys().collect();
    nums.sort();
    for num in nums {
        let e = &ix.shards[num];
        p.push(*num);
        index::put_key(&mut p, &e.key);
        index::put_acc(&mut p, &e.inner);
        for v in [
            e.action,
            e.output,
            e.test_outputs.entries,
            e.test_outputs.bytes,
            e.test_logs.entries,
            e.test_logs.bytes,
        ] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        index::put_len(&mut p, e.entries.len());
        for (mtime, size) in &e.entries {
            p.extend_from_slice(&mtime.to_le_bytes());
            p.extend_from_slice(&size.to_le_bytes());
        }
    }
    index::frame(MAGIC, &p)
}

/// Parses a build-cache index file written for `root`; never trusts a length or a count.
pub(crate) fn decode(data: &[u8], root: &str) -> Result<BuildIndex, Discard> {
    let payload = index::unframe(data, MAGIC)?;
    let mut r = Reader {
        data: payload,
        pos: 0,
    };
    match parse(&mut r, root) {
        Some(Ok(ix)) if r.pos == payload.len() => Ok(ix),
        Some(Err(d)) => Err(d),
        _ => Err(Discard::Corrupt),
    }
}

fn parse(r: &mut Reader<'_>, root: &str) -> Option<Result<BuildIndex, Discard>> {
    if r.str()? != root {
        return Some(Err(Discard::OtherRoot));
    }
    let test_results = match r.u8()? {
        0 => false,
        1 => true,
        _ => return None,
    };
    // Smallest shard record: number, key, accumulator, six counters, entry count.
    let n = r.count(1 + 32 + 7 * 8 + 6 * 8 + 4)?;
    let mut shards = HashMap::with_capacity(n);
    for _ in 0..n {
        let num = r.u8()?;
        let key = r.key()?;
        let inner = r.acc()?;
        let action = r.u64()?;
        let output = r.u64()?;
        let test_outputs = Bucket {
            entries: r.u64()?,
            bytes: r.u64()?,
        };
        let test_logs = Bucket {
            entries: r.u64()?,
            bytes: r.u64()?,
        };
        let m = r.count(16)?;
        let mut entries = Vec::with_capacity(m);
        for _ in 0..m {
            entries.push((r.i64()?, r.u64()?));
        }
        let entry = ShardEntry {
            key,
            inner,
            action,
            output,
            test_outputs,
            test_logs,
            entries,
        };
        if shards.insert(num, entry).is_some() {
            // A shard twice: not a file this code wrote.
            return None;
        }
    }
    Some(Ok(BuildIndex {
        test_results,
        shards,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(shards: u8) -> BuildIndex {
        let mut ix = BuildIndex {
            test_results: true,
            shards: HashMap::new(),
        };
        for n in 0..shards {
            let k = u64::from(n);
            ix.shards.insert(
                n,
                ShardEntry {
                    key: DirKey {
                        dev: 7,
                        ino: 100 + k,
                        mtime_ns: 1_700_000_000_000_000_000 + i64::from(n),
                        ctime_ns: 5,
                    },
                    inner: Acc {
                        bytes: k * 1000,
                        disk: k * 4096,
                        files: k,
                        dirs: 0,
                        symlinks: 0,
                        others: 0,
                        newest: (n % 2 == 0).then_some(1_700_000_000),
                    },
                    action: k,
                    output: k / 2,
                    test_outputs: Bucket {
                        entries: k % 3,
                        bytes: 40,
                    },
                    test_logs: Bucket {
                        entries: 1,
                        bytes: 11,
                    },
                    entries: (0..k).map(|i| (1_600_000_000 + i as i64, i * 10)).collect(),
                },
            );
        }
        ix
    }

    #[test]
    fn round_trip_and_deterministic() {
        let ix = sample(40);
        let bytes = encode(&ix, "/c/go-build");
        assert_eq!(decode(&bytes, "/c/go-build"), Ok(ix.clone()));
        assert_eq!(
            encode(&decode(&bytes, "/c/go-build").unwrap(), "/c/go-build"),
            bytes
        );
        assert_eq!(decode(&bytes, "/c/other"), Err(Discard::OtherRoot));
        // A module cache index is not a build cache index, and the reverse.
        let mod_bytes = index::encode(&index::ModIndex::default(), "/c/go-build");
        assert_eq!(decode(&mod_bytes, "/c/go-build"), Err(Discard::NotAnIndex));
        assert_eq!(
            index::decode(&bytes, "/c/go-build"),
            Err(Discard::NotAnIndex)
        );
    }

    /// Every truncation and every single-byte change is refused without a panic.
    #[test]
    fn damaged_files_are_refused() {
        let bytes = encode(&sample(6), "/r");
        for n in 0..bytes.len() {
            assert!(decode(&bytes[..n], "/r").is_err(), "truncated to {n}");
        }
        for i in 0..bytes.len() {
            let mut b = bytes.clone();
            b[i] ^= 0x5a;
            assert!(decode(&b, "/r").is_err(), "byte {i} changed");
        }
        // A valid frame around a payload announcing more entries than it holds.
        let mut p = Vec::new();
        index::put_str(&mut p, "/r");
        p.push(1);
        p.extend_from_slice(&u32::MAX.to_le_bytes());
        assert_eq!(
            decode(&index::frame(MAGIC, &p), "/r"),
            Err(Discard::Corrupt)
        );
    }

    #[test]
    fn saved_and_loaded_and_pruned_like_the_module_index() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path().join("scan-index");
        let root = t.path().join("go-build");
        std::fs::create_dir(&root).unwrap();
        let file = build_file(&dir, &root);
        assert_eq!(load(&file, &root), Ok(None));
        save(&file, &root, &sample(3)).unwrap();
        assert_eq!(load(&file, &root), Ok(Some(sample(3))));
        assert_ne!(file, index::modcache_file(&dir, &root));
        // Once its cache is gone (and the file is old), the orphan is pruned.
        let gone = t.path().join("gone");
        let orphan = build_file(&dir, &gone);
        save(&orphan, &gone, &sample(1)).unwrap();
        let long_ago =
            std::time::SystemTime::now() - std::time::Duration::from_secs(40 * 24 * 3600);
        for f in [&file, &orphan] {
            std::fs::File::options()
                .write(true)
                .open(f)
                .unwrap()
                .set_modified(long_ago)
                .unwrap();
        }
        assert_eq!(index::prune_orphans(&dir, index::ORPHAN_AGE), 1);
        assert!(file.exists() && !orphan.exists());
    }
}
