//! Build cache verification (spec §5.4): `<hex>-d` outputs are named by the SHA-256 of their
//! content (a `-d` directory holds one executable whose SHA-256 is the name); `<hex>-a`
//! action entries are exactly 175 bytes `v1 <action> <output> <size %20d> <time %20d>\n` and
//! point at an output of that size.

use std::collections::HashMap;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use rayon::prelude::*;
use serde::Serialize;

use super::{Meter, Msg, Problem};
use crate::CancelToken;
use crate::dirhash::{self, Sha};
use crate::discover::Severity;

/// Size of a well-formed `-a` entry.
const ACTION_LEN: u64 = 175;

/// What the build cache check found.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct BuildSummary {
    /// The build cache root.
    #[serde(serialize_with = "crate::pathser::serialize")]
    pub path: PathBuf,
    /// `-a` entries examined.
    pub action_entries: usize,
    /// `-d` entries examined.
    pub output_entries: usize,
    /// `-d` entries whose content does not match their name (Go may use them: it only checks
    /// the size).
    pub corrupt_outputs: usize,
    /// `-a` entries that are not 175 bytes in Go's format (Go treats them as misses).
    pub malformed_actions: usize,
    /// `-a` entries whose output is missing or of another size (misses for Go; normal after
    /// partial trims).
    pub dangling_actions: usize,
}

/// The kind of a build cache entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Action,
    Output,
    OutputDir,
}

/// One `-a`/`-d` entry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub path: PathBuf,
    pub id: Sha,
    pub kind: Kind,
    /// Bytes to hash (0 for `-a`).
    pub size: u64,
}

/// A parsed `-a` entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Action {
    pub action: Sha,
    pub output: Sha,
    pub size: u64,
    pub time: i64,
}

/// Parses a `-a` entry exactly like Go's `cache.get`: 175 bytes, `v1 `, two 64-hex IDs and two
/// space-padded 20-wide decimal fields, then `\n`.
pub(crate) fn parse_action(data: &[u8]) -> Option<Action> {
    if data.len() as u64 != ACTION_LEN {
        return None;
    }
    let s = std::str::from_utf8(data).ok()?;
    let rest = s.strip_prefix("v1 ")?;
    let (action, rest) = rest.split_at_checked(64)?;
    let rest = rest.strip_prefix(' ')?;
    let (output, rest) = rest.split_at_checked(64)?;
    let rest = rest.strip_prefix(' ')?;
    let (size, rest) = rest.split_at_checked(20)?;
    let rest = rest.strip_prefix(' ')?;
    let (time, rest) = rest.split_at_checked(20)?;
    if rest != "\n" {
        return None;
    }
    Some(Action {
        action: dirhash::parse_hex(action)?,
        output: dirhash::parse_hex(output)?,
        size: size.trim_start().parse().ok()?,
        time: time.trim_start().parse().ok()?,
    })
}

fn entry_name(name: &str) -> Option<(Sha, char)> {
    let (hex, kind) = name.split_once('-')?;
    let k = match kind {
        "a" => 'a',
        "d" => 'd',
        _ => return None,
    };
    Some((dirhash::parse_hex(hex)?, k))
}

/// Lists the `-a`/`-d` entries of the 256 subdirectories.
pub(crate) fn enumerate(root: &Path, problems: &mut Vec<Problem>) -> Vec<Entry> {
    let problems_m = Mutex::new(Vec::new());
    let mut out: Vec<Entry> = (0u16..256)
        .into_par_iter()
        .flat_map_iter(|i| {
            let sub = root.join(format!("{i:02x}"));
            let mut v = Vec::new();
            let rd = match std::fs::read_dir(&sub) {
                Ok(rd) => rd,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return v,
                Err(e) => {
                    if let Ok(mut p) = problems_m.lock() {
                        p.push(Problem::new(
                            "unreadable",
                            Severity::Error,
                            &sub,
                            Msg::new(
                                "problem.unreadable",
                                &[
                                    ("file", sub.display().to_string()),
                                    ("error", e.to_string()),
                                ],
                            ),
                        ));
                    }
                    return v;
                }
            };
            for e in rd.flatten() {
                let name = e.file_name().to_string_lossy().into_owned();
                let Some((id, k)) = entry_name(&name) else {
                    continue;
                };
                let Ok(md) = std::fs::symlink_metadata(e.path()) else {
                    continue;
                };
                if let Some(kind) = dirhash::Special::of(md.file_type()) {
                    // Never opened (a FIFO blocks a reader); counted by the report.
                    if let Ok(mut p) = problems_m.lock() {
                        p.push(super::special_problem(&e.path(), kind));
                    }
                    continue;
                }
                let (kind, size) = match (k, md.is_dir()) {
                    ('a', _) => (Kind::Action, 0),
                    (_, true) => (Kind::OutputDir, 0),
                    _ => (Kind::Output, md.len()),
                };
                v.push(Entry {
                    path: e.path(),
                    id,
                    kind,
                    size,
                });
            }
            v
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    problems.extend(problems_m.into_inner().unwrap_or_default());
    out
}

enum Verdict {
    Fine,
    Corrupt(Msg),
    Malformed(Msg),
    Dangling,
}

fn hash_file(path: &Path, meter: &Meter<'_>, cancel: &CancelToken) -> std::io::Result<Sha> {
    dirhash::sha256_file(path, &|n| meter.add_bytes(n), cancel)
}

fn check_one(
    e: &Entry,
    outputs: &HashMap<Sha, u64>,
    meter: &Meter<'_>,
    cancel: &CancelToken,
) -> Verdict {
    match e.kind {
        Kind::Output => match hash_file(&e.path, meter, cancel) {
            Ok(h) if h == e.id => Verdict::Fine,
            Ok(h) => Verdict::Corrupt(Msg::new(
                "problem.output-hash",
                &[("hash", dirhash::hex(&h))],
            )),
            Err(_) if cancel.is_cancelled() => Verdict::Fine,
            Err(err) => Verdict::Corrupt(Msg::new(
                "problem.output-unreadable",
                &[("error", err.to_string())],
            )),
        },
        Kind::OutputDir => {
            let files: Vec<PathBuf> = std::fs::read_dir(&e.path)
                .map(|rd| rd.flatten().map(|d| d.path()).collect())
                .unwrap_or_default();
            match files.as_slice() {
                [one] => match hash_file(one, meter, cancel) {
                    Ok(h) if h == e.id => Verdict::Fine,
                    Ok(h) => Verdict::Corrupt(Msg::new(
                        "problem.executable-hash",
                        &[("hash", dirhash::hex(&h))],
                    )),
                    Err(_) if cancel.is_cancelled() => Verdict::Fine,
                    Err(err) => Verdict::Corrupt(Msg::new(
                        "problem.output-unreadable",
                        &[("error", err.to_string())],
                    )),
                },
                _ => Verdict::Corrupt(Msg::new(
                    "problem.executable-count",
                    &[("count", files.len().to_string())],
                )),
            }
        }
        Kind::Action => {
            // Opened only when it is a regular file: a FIFO would block the read forever.
            let read = dirhash::open_regular(&e.path).and_then(|f| {
                let len = f.metadata()?.len();
                if len > 4096 {
                    return Ok(Err(len));
                }
                let mut d = Vec::new();
                f.take(4097).read_to_end(&mut d)?;
                Ok(Ok(d))
            });
            let data = match read {
                Ok(Ok(d)) if d.len() as u64 <= 4096 => d,
                Ok(Ok(d)) => {
                    return Verdict::Malformed(Msg::new(
                        "problem.action-size",
                        &[("size", d.len().to_string())],
                    ));
                }
                Ok(Err(len)) => {
                    return Verdict::Malformed(Msg::new(
                        "problem.action-size",
                        &[("size", len.to_string())],
                    ));
                }
                Err(err) => {
                    return Verdict::Malformed(Msg::new(
                        "problem.action-unreadable",
                        &[("error", err.to_string())],
                    ));
                }
            };
            match parse_action(&data) {
                None => Verdict::Malformed(Msg::new(
                    "problem.action-line",
                    &[("size", data.len().to_string())],
                )),
                Some(a) if a.action != e.id => {
                    Verdict::Malformed(Msg::new("problem.action-id", &[]))
                }
                Some(a) => match outputs.get(&a.output) {
                    Some(sz) if *sz == a.size => Verdict::Fine,
                    _ => Verdict::Dangling,
                },
            }
        }
    }
}

/// Checks the listed entries in parallel and records problems.
pub(crate) fn check(
    root: &Path,
    entries: &[Entry],
    meter: &Meter<'_>,
    problems: &mut Vec<Problem>,
    cancel: &CancelToken,
) -> BuildSummary {
    let outputs: HashMap<Sha, u64> = entries
        .iter()
        .filter(|e| e.kind == Kind::Output)
        .map(|e| (e.id, e.size))
        .collect();
    let verdicts: Vec<(usize, Verdict)> = entries
        .par_iter()
        .enumerate()
        .filter(|_| !cancel.is_cancelled())
        .map(|(i, e)| {
            let v = check_one(e, &outputs, meter, cancel);
            meter.tick("build cache", false, false);
            (i, v)
        })
        .collect();
    let mut s = BuildSummary {
        path: root.to_path_buf(),
        action_entries: entries.iter().filter(|e| e.kind == Kind::Action).count(),
        output_entries: entries.iter().filter(|e| e.kind != Kind::Action).count(),
        ..BuildSummary::default()
    };
    for (i, v) in verdicts {
        let Some(e) = entries.get(i) else { continue };
        match v {
            Verdict::Fine => {}
            Verdict::Corrupt(why) => {
                s.corrupt_outputs += 1;
                problems.push(Problem::new(
                    "build-output-corrupt",
                    Severity::Error,
                    &e.path,
                    why,
                ));
            }
            Verdict::Malformed(why) => {
                s.malformed_actions += 1;
                problems.push(Problem::new(
                    "build-action-malformed",
                    Severity::Warning,
                    &e.path,
                    why,
                ));
            }
            Verdict::Dangling => s.dangling_actions += 1,
        }
    }
    if s.dangling_actions > 0 {
        problems.push(Problem::new(
            "build-action-dangling",
            Severity::Info,
            root,
            Msg::new(
                "problem.dangling",
                &[("count", s.dangling_actions.to_string())],
            ),
        ));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(a: &str, o: &str, size: u64, t: i64) -> String {
        format!("v1 {a} {o} {size:20} {t:20}\n")
    }

    #[test]
    fn action_lines_parse_like_go() {
        let a = "a".repeat(64);
        let o = "0".repeat(64);
        let l = line(&a, &o, 25, 1_796_005_864_854_283_702);
        assert_eq!(l.len(), 175);
        let p = parse_action(l.as_bytes()).unwrap();
        assert_eq!(p.size, 25);
        assert_eq!(p.output, [0u8; 32]);
        assert!(parse_action(&l.as_bytes()[..174]).is_none());
        assert!(parse_action(l.replace("v1", "v2").as_bytes()).is_none());
        assert!(parse_action(l.replacen('a', "g", 1).as_bytes()).is_none());
        let mut bad = l.clone().into_bytes();
        bad[174] = b' ';
        assert!(parse_action(&bad).is_none());
    }

    #[test]
    fn entry_names() {
        let h = "ab".repeat(32);
        assert_eq!(entry_name(&format!("{h}-d")).map(|x| x.1), Some('d'));
        assert_eq!(entry_name(&format!("{h}-a")).map(|x| x.1), Some('a'));
        assert!(entry_name(&format!("{h}-x")).is_none());
        assert!(entry_name("README").is_none());
    }
}
