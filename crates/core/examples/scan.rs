//! Sizes a module cache, build cache or plain directory with `gocache_core::scan` and prints
//! the result; used by `bench/scan.sh` and handy for quick checks.
//!
//! ```text
//! cargo run --release -p gocache-core --example scan -- [--threads N] [--json] \
//!     (--modcache DIR | --build DIR | --dir DIR | --walkdir DIR)
//! ```
//!
//! `--walkdir` is the single-threaded `walkdir` walk (one `lstat` per entry, apparent sizes
//! only) the scanner is compared with in CONTRIBUTING.md ("Why the scan has its own walker").
#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example program prints"
)]
#![allow(missing_docs, reason = "example")]

use std::path::PathBuf;

use gocache_core::discover::{Cache, CacheKind};
use gocache_core::env::Source;
use gocache_core::scan::{Options, scan, scan_dir};
use gocache_core::{CancelToken, NoProgress};

fn main() {
    let mut opts = Options::default();
    let mut json = false;
    let mut target: Option<(String, PathBuf)> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--threads" => opts.threads = args.next().and_then(|n| n.parse().ok()),
            "--json" => json = true,
            "--modcache" | "--build" | "--dir" | "--walkdir" => {
                target = args.next().map(|p| (a.clone(), PathBuf::from(p)));
            }
            _ => {
                eprintln!(
                    "usage: scan [--threads N] [--json] (--modcache DIR | --build DIR | --dir DIR)"
                );
                std::process::exit(2);
            }
        }
    }
    let Some((what, path)) = target else {
        eprintln!("usage: scan [--threads N] [--json] (--modcache DIR | --build DIR | --dir DIR)");
        std::process::exit(2);
    };
    let cancel = CancelToken::new();
    if what == "--walkdir" {
        let (mut bytes, mut files, mut dirs) = (0_u64, 0_u64, 0_u64);
        for e in walkdir::WalkDir::new(&path).into_iter().flatten() {
            let Ok(md) = e.metadata() else { continue };
            bytes += md.len();
            if md.is_dir() {
                dirs += 1;
            } else {
                files += 1;
            }
        }
        println!("{bytes}\t{files} files\t{dirs} dirs");
        return;
    }
    if what == "--dir" {
        match scan_dir(&path, &opts, &cancel) {
            Ok(t) if json => println!("{}", serde_json::to_string_pretty(&t).unwrap_or_default()),
            Ok(t) => println!(
                "{}\t{}\t{} files\t{} dirs",
                t.bytes, t.disk_bytes, t.files, t.dirs
            ),
            Err(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let kind = if what == "--modcache" {
        CacheKind::Modcache
    } else {
        CacheKind::Build
    };
    let cache = Cache {
        kind,
        path,
        var: if kind == CacheKind::Modcache {
            "GOMODCACHE"
        } else {
            "GOCACHE"
        }
        .into(),
        source: Source::Env,
        exists: true,
        cleanable: true,
        parent: None,
    };
    let report = scan(&[cache], &opts, &NoProgress, &cancel);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).unwrap_or_default()
        );
        return;
    }
    for c in &report.caches {
        println!(
            "{}\t{}\t{}\t{} files\t{} dirs\t{} symlinks\t{} unreadable",
            c.kind.as_str(),
            c.bytes,
            c.disk_bytes,
            c.files,
            c.dirs,
            c.symlinks,
            c.unreadable
        );
    }
    println!(
        "{} module versions, {} module paths, {} ms",
        report.modules.len(),
        report.module_totals.len(),
        report.elapsed_ms
    );
}
