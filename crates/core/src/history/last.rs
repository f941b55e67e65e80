//! The last complete scan (`last-scan.json`) and the module versions it held
//! (`module-keys.bin`: sorted 64-bit FNV-1a hashes of `path@version`).

use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{FORMAT, write_atomic};
use crate::scan::{BuildReport, CacheReport, Figures, ModcacheParts, Report};
use crate::{Error, Result};

/// The last-scan file, in the data directory.
pub const LAST_SCAN_FILE: &str = "last-scan.json";
/// The module-keys file, in the data directory.
pub const MODULE_KEYS_FILE: &str = "module-keys.bin";
/// The most new versions [`LastScan::new_modules`] names (more are counted only).
pub const MAX_NEW_MODULES: usize = 10_000;

const MAGIC: &[u8; 8] = b"GCDKEYS\0";

/// What the dashboard needs of the last complete scan, to paint it before the next one ends.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct LastScan {
    /// The format version ([`FORMAT`]).
    pub v: u32,
    /// When the scan ended, Unix seconds.
    pub time: i64,
    /// Its caches, as [`Report::caches`] (unreadable paths left out).
    pub caches: Vec<CacheReport>,
    /// Its total, as [`Report::total`].
    pub total: Figures,
    /// As [`Report::modcache_parts`].
    pub modcache_parts: Option<ModcacheParts>,
    /// As [`Report::build`].
    pub build: Option<BuildReport>,
    /// Module paths (the length of [`Report::module_totals`]).
    pub module_count: u64,
    /// Extracted module versions (the length of [`Report::modules`]).
    pub version_count: u64,
    /// `path@version` of the versions that were not in the scan before this one, at most
    /// [`MAX_NEW_MODULES`]; empty when there was no earlier scan to compare with.
    pub new_modules: Vec<String>,
    /// How many versions were new (may exceed the length of `new_modules`).
    pub new_module_count: u64,
}

/// The key of a module version in [`LastScan::new_modules`]: `path@version`.
pub fn module_key(path: &str, version: &str) -> String {
    format!("{path}@{version}")
}

fn fnv1a(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, part) in parts.iter().enumerate() {
        if i > 0 {
            h ^= u64::from(b'@');
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        for &b in part.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The hashes in a module-keys file, sorted; `None` when the file is missing or not one this
/// release wrote.
pub(super) fn read_keys(path: &Path) -> Option<Vec<u64>> {
    let data = std::fs::read(path).ok()?;
    let rest = data.strip_prefix(MAGIC.as_slice())?;
    let (version, rest) = rest.split_first_chunk::<4>()?;
    if u32::from_le_bytes(*version) != FORMAT {
        return None;
    }
    let (count, rest) = rest.split_first_chunk::<8>()?;
    let count = usize::try_from(u64::from_le_bytes(*count)).ok()?;
    if rest.len() != count.checked_mul(8)? {
        return None;
    }
    let keys: Vec<u64> = rest
        .chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().unwrap_or([0; 8])))
        .collect();
    keys.is_sorted().then_some(keys)
}

fn keys_bytes(keys: &[u64]) -> Vec<u8> {
    let mut out = Vec::with_capacity(20 + keys.len() * 8);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&FORMAT.to_le_bytes());
    out.extend_from_slice(&(keys.len() as u64).to_le_bytes());
    for k in keys {
        out.extend_from_slice(&k.to_le_bytes());
    }
    out
}

/// Stores `report` (a complete scan ended at `time`) as the last scan of `dir`, with the
/// versions new since the previous one; returns how many were new.
pub(super) fn store(dir: &Path, report: &Report, time: i64) -> Result<usize> {
    let keys_path = dir.join(MODULE_KEYS_FILE);
    // Without the module cache in the scan, the previous keys stay the baseline.
    let modcache_scanned = report
        .caches
        .iter()
        .any(|c| c.kind == crate::discover::CacheKind::Modcache && c.error.is_none());
    let before = read_keys(&keys_path);
    let mut keys: Vec<u64> = report
        .modules
        .iter()
        .map(|m| fnv1a(&[&m.path, &m.version]))
        .collect();
    keys.sort_unstable();
    keys.dedup();
    let mut new_modules = Vec::new();
    let mut new_count = 0_usize;
    if let (Some(before), true) = (&before, modcache_scanned) {
        for m in &report.modules {
            if before
                .binary_search(&fnv1a(&[&m.path, &m.version]))
                .is_err()
            {
                new_count += 1;
                if new_modules.len() < MAX_NEW_MODULES {
                    new_modules.push(module_key(&m.path, &m.version));
                }
            }
        }
    }
    let last = LastScan {
        v: FORMAT,
        time,
        caches: report
            .caches
            .iter()
            .map(|c| CacheReport {
                unreadable_paths: vec![],
                ..c.clone()
            })
            .collect(),
        total: report.total,
        modcache_parts: report.modcache_parts.clone(),
        build: report.build.clone(),
        module_count: report.module_totals.len() as u64,
        version_count: report.modules.len() as u64,
        new_modules,
        new_module_count: new_count as u64,
    };
    let path = dir.join(LAST_SCAN_FILE);
    let json = serde_json::to_vec(&last).map_err(|e| Error::io(&path, e.into()))?;
    write_atomic(&path, &json)?;
    if modcache_scanned {
        write_atomic(&keys_path, &keys_bytes(&keys))?;
    }
    Ok(new_count)
}

/// The last scan stored in `dir`; `None` when there is none or it cannot be used (corrupt,
/// or written by a newer release).
pub(super) fn load(dir: &Path) -> Option<LastScan> {
    let data = std::fs::read(dir.join(LAST_SCAN_FILE)).ok()?;
    let last: LastScan = serde_json::from_slice(&data).ok()?;
    (last.v == FORMAT).then_some(last)
}
