//! Property tests ("fuzzing") of the parsers verify feeds with untrusted bytes: zip reading,
//! `.ziphash`, `go.sum`, `list` and build-cache `-a` entries. Any input must give a result or
//! an error, never a panic, and reading a zip stays within [`ZipLimits`].

use std::io::{Cursor, Write};

use proptest::prelude::*;

use crate::CancelToken;
use crate::dirhash::{self, ZipLimits};
use crate::projects::parse_gosum;

/// A small valid module zip to mutate.
fn sample_zip() -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (i, method) in [
        zip::CompressionMethod::Stored,
        zip::CompressionMethod::Deflated,
    ]
    .into_iter()
    .enumerate()
    {
        let o = zip::write::SimpleFileOptions::default().compression_method(method);
        let _ = w.start_file(format!("example.com/m@v1.0.0/f{i}.go"), o);
        let _ = w.write_all(&b"package m // some text that compresses well well well".repeat(20));
    }
    w.finish().map(Cursor::into_inner).unwrap_or_default()
}

fn limits() -> ZipLimits {
    ZipLimits {
        max_entries: 64,
        max_total_bytes: 1 << 20,
        max_name_len: 256,
    }
}

/// Reads a zip and checks the limits held.
fn read_zip(data: Vec<u8>) {
    let read = std::sync::atomic::AtomicU64::new(0);
    let on = |n: u64| {
        read.fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    };
    let l = limits();
    if let Ok(sums) = dirhash::digest_zip(Cursor::new(data), &l, &on, &CancelToken::new()) {
        assert!(sums.len() <= l.max_entries);
        assert!(sums.iter().map(|s| s.size).sum::<u64>() <= l.max_total_bytes);
        let _ = dirhash::hash1(&sums);
    }
    assert!(read.load(std::sync::atomic::Ordering::Relaxed) <= l.max_total_bytes);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn zip_reader_never_panics_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..2048)) {
        read_zip(data);
    }

    #[test]
    fn zip_reader_never_panics_on_mutated_zips(
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..16),
        cut in any::<usize>(),
    ) {
        let mut z = sample_zip();
        let len = z.len();
        for (at, b) in flips {
            if let Some(x) = z.get_mut(at % len) {
                *x = b;
            }
        }
        if cut % 4 == 0 {
            z.truncate(cut % len);
        }
        read_zip(z);
    }

    #[test]
    fn ziphash_parser_never_panics(data in proptest::collection::vec(any::<u8>(), 0..256)) {
        if let Some(h) = dirhash::parse_ziphash(&data) {
            prop_assert!(h.starts_with("h1:"));
        }
    }

    #[test]
    fn gosum_parser_never_panics(text in "\\PC{0,400}", lines in proptest::collection::vec("[a-z./]{1,12} v[0-9.]{1,6}(/go\\.mod)? h1:[A-Za-z0-9+/=]{0,44}", 0..8)) {
        let _ = parse_gosum(&text);
        let joined = lines.join("\n");
        let parsed = parse_gosum(&joined);
        prop_assert!(parsed.is_ok());
        prop_assert_eq!(parsed.map(|v| v.len()).unwrap_or(0), lines.len());
    }

    #[test]
    fn list_parser_never_panics(text in "\\PC{0,400}") {
        for v in super::parse_list(&text) {
            prop_assert!(!v.is_empty());
            prop_assert_eq!(v.trim(), v.as_str());
        }
    }

    #[test]
    fn action_parser_never_panics(data in proptest::collection::vec(any::<u8>(), 170..180)) {
        if let Some(a) = super::build::parse_action(&data) {
            prop_assert_eq!(data.len(), 175);
            let text = String::from_utf8_lossy(&data).to_lowercase();
            let hex = dirhash::hex(&a.output);
            prop_assert_eq!(Some(hex.as_str()), text.get(68..132));
        }
    }
}

#[test]
fn sample_zip_is_readable() {
    let sums = dirhash::digest_zip(
        Cursor::new(sample_zip()),
        &limits(),
        &|_| {},
        &CancelToken::new(),
    )
    .unwrap();
    assert_eq!(sums.len(), 2);
}
