//! The build cache visitor: `<2 hex>/<64 hex>-a|-d` entries (files, and `-d` directories that
//! hold one executable), bucketed by age against Go's trim rule, plus the `fuzz/` corpus and
//! the cached `go test` results (see [`classify_test_file`]).

use std::ffi::OsStr;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

use std::collections::HashMap;

use super::buildindex::BuildIndex;
use super::index::DirKey;
use super::modcache::Acc;
use super::walk::{Kind, Stat, Visitor};

/// Go trims entries not used for `trimLimit` (5 days) plus `mtimeInterval` (1 hour).
pub(crate) const TRIM_AGE_SECS: i64 = 5 * 86_400 + 3_600;

/// Upper bounds (seconds, exclusive) of the age buckets; the last bucket is unbounded and is
/// exactly what Go's next trim removes.
pub(crate) const BUCKETS: [(&str, Option<i64>); 4] = [
    ("< 1 day", Some(86_400)),
    ("1-2 days", Some(2 * 86_400)),
    ("2-5 days", Some(TRIM_AGE_SECS)),
    ("older than 5 days (Go trims)", None),
];

/// Where a directory sits in the build cache layout.
pub(crate) enum Ctx {
    Root,
    /// A `00`..`ff` shard directory, by number.
    Shard(u8),
    /// Inside a `-d` directory entry whose age falls in bucket `.0`.
    Entry(usize),
    /// Inside `fuzz/`.
    Fuzz,
    /// Anything else.
    Other,
}

/// Per-bucket entry count and bytes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Bucket {
    pub entries: u64,
    pub bytes: u64,
}

/// Per-thread accumulator.
#[derive(Default)]
pub(crate) struct Local {
    pub action: u64,
    pub output: u64,
    pub buckets: [Bucket; BUCKETS.len()],
    pub fuzz_bytes: u64,
    pub fuzz_files: u64,
    /// Test output `-d` files ([`TestFile::Output`]) and their bytes.
    pub test_outputs: Bucket,
    /// Test-inputs log `-d` files ([`TestFile::InputLog`]) and their bytes.
    pub test_logs: Bucket,
    /// `-d` directories (executables cached by `go run` / `go tool`) and their bytes, their
    /// contents included.
    pub exe: Bucket,
    /// What this thread saw of each walked shard, for the scan index.
    pub shards: HashMap<u8, ShardLocal>,
    /// Shards taken from the scan index (not walked).
    pub reused: Vec<u8>,
}

/// What one thread saw of one walked shard directory.
#[derive(Default)]
pub(crate) struct ShardLocal {
    /// The shard directory's identity (set by the thread that met it in the root).
    pub key: Option<DirKey>,
    /// Not to be stored in the index (see [`super::buildindex`]).
    pub tainted: bool,
    pub inner: Acc,
    pub action: u64,
    pub output: u64,
    pub test_outputs: Bucket,
    pub test_logs: Bucket,
    pub entries: Vec<(i64, u64)>,
}

impl ShardLocal {
    /// Adds what another thread saw of the same shard.
    pub fn merge(&mut self, o: ShardLocal) {
        self.key = self.key.or(o.key);
        self.tainted |= o.tainted;
        self.inner.merge(&o.inner);
        self.action += o.action;
        self.output += o.output;
        for (s, b) in [
            (&mut self.test_outputs, o.test_outputs),
            (&mut self.test_logs, o.test_logs),
        ] {
            s.entries += b.entries;
            s.bytes += b.bytes;
        }
        self.entries.extend(o.entries);
    }
}

/// `-d` files larger than this are never opened to look for test results: a cached test
/// result is normally tens of bytes (`ok  \t<import path>\t0.012s\n`), a test-inputs log a
/// few hundred. Only `go test -v` output of chatty tests, or the log of a test that opens
/// thousands of files, is bigger; those are missed (counted as plain output entries).
pub(crate) const TEST_PEEK_MAX: u64 = 64 * 1024;

/// Bytes read from the start (and, for larger text files, the end) of a candidate file.
const PEEK_LEN: usize = 512;

/// The smallest possible test-inputs log is the magic line alone.
const TEST_PEEK_MIN: u64 = TESTLOG_MAGIC.len() as u64;

/// The first line of a test-inputs log (`testlogMagic` in `cmd/go/internal/test/test.go`,
/// written by `testing/internal/testdeps`).
const TESTLOG_MAGIC: &[u8] = b"# test log\n";

/// The last line of a cached test result starts with this (`ok  \t<import path>\t<time>`;
/// only passing runs are cached, and `go test` refuses a cached output not ending so).
const TEST_OK_PREFIX: &[u8] = b"ok  \t";

/// A `-d` file written by `go test`'s result cache (`saveOutput` in
/// `cmd/go/internal/test/test.go`). For every tested package whose run is cacheable, Go puts
/// two outputs, each under two action IDs (the test binary's link action ID and its content
/// ID), so one test run adds up to four `-a` files and two `-d` files:
///
/// * the test-inputs log under `testID` (the environment variables and files the test
///   consulted, used to decide whether a cached result is still valid), and
/// * the test output under `testAndInputKey(testID, testInputsID)`.
///
/// `-d` files are content-addressed, so identical contents (often the bare `# test log` of
/// tests that read no files or variables) are stored once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TestFile {
    /// The test binary's output ending in the `ok  \t<import path>\t<time>` line.
    Output,
    /// The test-inputs log: `# test log\n` followed by `getenv`/`stat`/`open`/`chdir` lines.
    InputLog,
}

/// Classifies a `-d` file from its first bytes (`head`) and, when the file is longer than
/// `head`, its last bytes (`tail`, `None` when not read).
///
/// * [`TestFile::InputLog`]: starts with `# test log\n` (and, when the whole file is known,
///   ends with a newline, as Go requires).
/// * [`TestFile::Output`]: ends with a newline and its last line starts with `ok  \t` and holds
///   another tab (Go's own check before it reuses a cached result).
pub(crate) fn classify_test_bytes(
    head: &[u8],
    tail: Option<&[u8]>,
    whole: bool,
) -> Option<TestFile> {
    if head.starts_with(TESTLOG_MAGIC) {
        return (!whole || head.ends_with(b"\n")).then_some(TestFile::InputLog);
    }
    let end = if whole { head } else { tail? };
    let body = end.strip_suffix(b"\n")?;
    let start = body.iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1);
    if !whole && start == 0 {
        // The last line does not fit in the tail window: not an `ok` line.
        return None;
    }
    let last = body[start..].strip_prefix(TEST_OK_PREFIX)?;
    last.contains(&b'\t').then_some(TestFile::Output)
}

/// Whether the start of a file may be text output of a test (worth reading its end): no NUL
/// byte and not an archive (`!<arch>\n`, the compiled packages that fill most of the cache).
fn may_be_text(head: &[u8]) -> bool {
    !head.starts_with(b"!<arch>\n") && !head.contains(&0)
}

/// Reads up to `buf.len()` bytes (fewer only at end of file).
fn read_full(f: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match f.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Classifies the `-d` file at `path` of `size` bytes as a test-cache file, reading at most
/// [`PEEK_LEN`] bytes from its start and, for a text file longer than that, as many from its
/// end. Files outside [`TEST_PEEK_MIN`]..=[`TEST_PEEK_MAX`] bytes are not opened.
///
/// The heuristic relies on the content formats Go has used since the test cache appeared
/// (Go 1.10) and that `go test` itself checks; it cannot tell which `-a` files point at these
/// outputs without reading every `-a` file, so `-a` entries are not classified. A file that
/// cannot be read is simply not classified.
pub(crate) fn classify_test_file(path: &Path, size: u64) -> Option<TestFile> {
    if !(TEST_PEEK_MIN..=TEST_PEEK_MAX).contains(&size) {
        return None;
    }
    // Only a regular file is read: one swapped for a FIFO since the walk would block.
    let mut f = crate::dirhash::open_regular(path).ok()?;
    let mut head = [0u8; PEEK_LEN];
    let n = read_full(&mut f, &mut head).ok()?;
    let head = &head[..n];
    let whole = u64::try_from(n).is_ok_and(|n| n >= size);
    if whole || head.starts_with(TESTLOG_MAGIC) {
        return classify_test_bytes(head, None, whole);
    }
    if !may_be_text(head) {
        return None;
    }
    let mut tail = [0u8; PEEK_LEN];
    f.seek(SeekFrom::End(-(PEEK_LEN as i64))).ok()?;
    let m = read_full(&mut f, &mut tail).ok()?;
    classify_test_bytes(head, Some(&tail[..m]), false)
}

/// The build cache visitor; `now` is the Unix time ages are measured against.
pub(crate) struct BuildVisitor<'a> {
    pub now: i64,
    /// Whether to open small `-d` files to find test results ([`classify_test_file`]).
    pub test_results: bool,
    /// The scan index of this cache: a shard whose directory has the key stored there is not
    /// walked (its figures come from the index).
    pub prior: Option<&'a BuildIndex>,
}

impl BuildVisitor<'_> {
    /// The age bucket of an entry last modified at `mtime` (Unix seconds).
    pub(crate) fn bucket(&self, mtime: i64) -> usize {
        let age = self.now.saturating_sub(mtime);
        BUCKETS
            .iter()
            .position(|(_, max)| max.is_none_or(|m| age < m))
            .unwrap_or(BUCKETS.len() - 1)
    }
}

fn is_hex(s: &[u8]) -> bool {
    s.iter().all(|c| matches!(c, b'0'..=b'9' | b'a'..=b'f'))
}

/// `Some(true)` for an action entry name, `Some(false)` for an output entry name.
pub(crate) fn entry_kind(name: &str) -> Option<bool> {
    let b = name.as_bytes();
    if b.len() != 66 || b[64] != b'-' || !is_hex(&b[..64]) {
        return None;
    }
    match b[65] {
        b'a' => Some(true),
        b'd' => Some(false),
        _ => None,
    }
}

impl Visitor for BuildVisitor<'_> {
    type Ctx = Ctx;
    type Local = Local;

    fn root(&self, _: &mut Local, _: &Stat) -> Ctx {
        Ctx::Root
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
        let child = match parent {
            Ctx::Root => match name.to_str() {
                Some(n) if is_dir && n.len() == 2 && is_hex(n.as_bytes()) => {
                    let num = u8::from_str_radix(n, 16).unwrap_or_default();
                    let key = DirKey::of(st);
                    if self
                        .prior
                        .and_then(|p| p.shards.get(&num))
                        .is_some_and(|e| e.key == key)
                    {
                        // Unchanged since the index was written: not walked.
                        local.reused.push(num);
                        return None;
                    }
                    local.shards.entry(num).or_default().key = Some(key);
                    Ctx::Shard(num)
                }
                Some("fuzz") if is_dir => {
                    local.fuzz_bytes += st.size;
                    Ctx::Fuzz
                }
                _ => Ctx::Other,
            },
            Ctx::Shard(num) => {
                let shard = local.shards.entry(*num).or_default();
                shard.inner.add(st);
                // A directory's contents and a second name of a file are not kept per shard.
                shard.tainted |= is_dir || !first || st.may_be_hard_link();
                match name.to_str().and_then(entry_kind) {
                    Some(action) if (st.kind == Kind::File || (is_dir && !action)) => {
                        let b = self.bucket(st.mtime);
                        if action {
                            local.action += 1;
                            shard.action += 1;
                        } else {
                            local.output += 1;
                            shard.output += 1;
                        }
                        if is_dir {
                            local.exe.entries += 1;
                            if first {
                                local.exe.bytes += st.size;
                            }
                        }
                        local.buckets[b].entries += 1;
                        shard
                            .entries
                            .push((st.mtime, if first { st.size } else { 0 }));
                        if first {
                            local.buckets[b].bytes += st.size;
                            if self.test_results && !action && st.kind == Kind::File {
                                let test = match classify_test_file(&dir.join(name), st.size) {
                                    Some(TestFile::Output) => {
                                        Some((&mut local.test_outputs, &mut shard.test_outputs))
                                    }
                                    Some(TestFile::InputLog) => {
                                        Some((&mut local.test_logs, &mut shard.test_logs))
                                    }
                                    None => None,
                                };
                                if let Some((t, s)) = test {
                                    t.entries += 1;
                                    t.bytes += st.size;
                                    s.entries += 1;
                                    s.bytes += st.size;
                                }
                            }
                        }
                        Ctx::Entry(b)
                    }
                    _ => Ctx::Other,
                }
            }
            Ctx::Entry(b) => {
                if first {
                    local.buckets[*b].bytes += st.size;
                    local.exe.bytes += st.size;
                }
                Ctx::Entry(*b)
            }
            Ctx::Fuzz => {
                if first {
                    local.fuzz_bytes += st.size;
                    if st.kind == Kind::File {
                        local.fuzz_files += 1;
                    }
                }
                Ctx::Fuzz
            }
            Ctx::Other => Ctx::Other,
        };
        if is_dir { Some(child) } else { None }
    }

    fn unreadable(&self, local: &mut Local, ctx: &Ctx) {
        if let Ctx::Shard(num) = ctx {
            local.shards.entry(*num).or_default().tainted = true;
        }
    }
}
