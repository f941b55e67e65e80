//! The build cache visitor: `<2 hex>/<64 hex>-a|-d` entries (files, and `-d` directories that
//! hold one executable), bucketed by age against Go's trim rule, plus the `fuzz/` corpus.

use std::ffi::OsStr;
use std::path::Path;

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
    /// A `00`..`ff` shard directory.
    Shard,
    /// Inside a `-d` directory entry whose age falls in bucket `.0`.
    Entry(usize),
    /// Inside `fuzz/`.
    Fuzz,
    /// Anything else.
    Other,
}

/// Per-bucket entry count and bytes.
#[derive(Debug, Clone, Copy, Default)]
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
}

/// The build cache visitor; `now` is the Unix time ages are measured against.
pub(crate) struct BuildVisitor {
    pub now: i64,
}

impl BuildVisitor {
    fn bucket(&self, mtime: i64) -> usize {
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

impl Visitor for BuildVisitor {
    type Ctx = Ctx;
    type Local = Local;

    fn root(&self, _: &mut Local, _: &Stat) -> Ctx {
        Ctx::Root
    }

    fn entry(
        &self,
        local: &mut Local,
        _dir: &Path,
        parent: &Ctx,
        name: &OsStr,
        st: &Stat,
        first: bool,
    ) -> Option<Ctx> {
        let is_dir = st.kind == Kind::Dir;
        let child = match parent {
            Ctx::Root => match name.to_str() {
                Some(n) if is_dir && n.len() == 2 && is_hex(n.as_bytes()) => Ctx::Shard,
                Some("fuzz") if is_dir => {
                    local.fuzz_bytes += st.size;
                    Ctx::Fuzz
                }
                _ => Ctx::Other,
            },
            Ctx::Shard => match name.to_str().and_then(entry_kind) {
                Some(action) if (st.kind == Kind::File || (is_dir && !action)) => {
                    let b = self.bucket(st.mtime);
                    if action {
                        local.action += 1;
                    } else {
                        local.output += 1;
                    }
                    local.buckets[b].entries += 1;
                    if first {
                        local.buckets[b].bytes += st.size;
                    }
                    Ctx::Entry(b)
                }
                _ => Ctx::Other,
            },
            Ctx::Entry(b) => {
                if first {
                    local.buckets[*b].bytes += st.size;
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
}
