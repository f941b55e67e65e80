//! What the app's desktop notifications say about the automatic cleanup, and when: after a
//! run that freed space ([`freed_note`]) and when a scan finds a cache over its budget, once
//! per crossing ([`BudgetWatch`]). The app only shows the [`Note`]s.

use std::collections::BTreeSet;

use crate::discover::CacheKind;
use crate::i18n::Lang;
use crate::settings::AutoPolicy;

/// One desktop notification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The title.
    pub title: String,
    /// The text.
    pub body: String,
}

/// `bytes` with a binary unit and one decimal (`1.5 GiB`), as the app shows sizes (the UI's
/// `formatBytes`, digit for digit: a value that rounds to `1024.0` shows as the next unit).
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if bytes < 1024 {
        return format!("{bytes} B");
    }
    #[allow(
        clippy::cast_precision_loss,
        reason = "a size shown with one decimal: the lost precision is far below it"
    )]
    let mut n = bytes as f64;
    let mut unit = 0;
    while n >= 1024.0 && unit < UNITS.len() - 1 {
        n /= 1024.0;
        unit += 1;
    }
    if (n * 10.0).round() >= 10240.0 && unit < UNITS.len() - 1 {
        n /= 1024.0;
        unit += 1;
    }
    // Halves round up, as JavaScript's `toFixed` does (Rust's `{:.1}` rounds them to even).
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        reason = "n is in [1, 1024] here: its tenths fit any integer"
    )]
    let tenths = (n * 10.0).round() as u64;
    format!("{}.{} {}", tenths / 10, tenths % 10, UNITS[unit])
}

fn cache_name(kind: CacheKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (CacheKind::Modcache, Lang::En) => "The module cache",
        (CacheKind::Modcache, Lang::ZhHans) => "模块缓存",
        (CacheKind::Build, Lang::En) => "The build cache",
        (CacheKind::Build, Lang::ZhHans) => "构建缓存",
        (_, Lang::En) => "A cache",
        (_, Lang::ZhHans) => "缓存",
    }
}

/// The notification after an automatic run (Run now or the daily run); `None` when it freed
/// nothing (nothing to say).
pub fn freed_note(bytes_freed: u64, lang: Lang) -> Option<Note> {
    if bytes_freed == 0 {
        return None;
    }
    let size = size_text(bytes_freed);
    Some(match lang {
        Lang::En => Note {
            title: "Automatic cleanup".into(),
            body: format!("Freed {size} of Go caches your projects do not use."),
        },
        Lang::ZhHans => Note {
            title: "自动清理".into(),
            body: format!("已释放 {size} 你的项目不再使用的 Go 缓存。"),
        },
    })
}

/// The notification of an automatic run started from the tray's "Clean now" that failed
/// (`detail`: the error's message); the panel shows its own failures.
pub fn failed_note(detail: &str, lang: Lang) -> Note {
    match lang {
        Lang::En => Note {
            title: "Automatic cleanup failed".into(),
            body: format!("{detail} Open Settings > Automatic cleanup to check the policy."),
        },
        Lang::ZhHans => Note {
            title: "自动清理失败".into(),
            body: format!("{detail} 打开“设置 > 自动清理”检查策略。"),
        },
    }
}

/// The notification of a cache over its budget.
pub fn over_budget_note(kind: CacheKind, bytes: u64, budget: u64, lang: Lang) -> Note {
    let (size, max) = (size_text(bytes), size_text(budget));
    let name = cache_name(kind, lang);
    match lang {
        Lang::En => Note {
            title: "A Go cache is over its budget".into(),
            body: format!(
                "{name} holds {size}, more than its budget of {max}. Open Settings > Automatic \
                 cleanup to see what would go."
            ),
        },
        Lang::ZhHans => Note {
            title: "Go 缓存超出上限".into(),
            body: format!(
                "{name}占用 {size}，超过上限 {max}。打开“设置 > 自动清理”查看会移除的内容。"
            ),
        },
    }
}

/// Remembers which caches were over their budget at the last check, so that a cache is
/// reported once when it crosses its budget, not at every scan; once back under (or without
/// a budget), it can be reported again.
#[derive(Debug, Default)]
pub struct BudgetWatch {
    over: BTreeSet<CacheKind>,
}

impl BudgetWatch {
    /// Checks the sizes a scan found (`(cache, bytes)`) against the budgets of `policy` and
    /// returns the caches that crossed their budget since the last check, with their size
    /// and budget. A policy that is off has no budgets here (nothing is reported).
    pub fn check(
        &mut self,
        sizes: &[(CacheKind, u64)],
        policy: &AutoPolicy,
    ) -> Vec<(CacheKind, u64, u64)> {
        let mut crossed = Vec::new();
        for &(kind, bytes) in sizes {
            let budget = match kind {
                _ if !policy.enabled || policy.invalid.is_some() => None,
                CacheKind::Modcache => policy.modcache_max_bytes,
                CacheKind::Build => policy.build_max_bytes,
                _ => None,
            };
            match budget {
                Some(b) if bytes > b => {
                    if self.over.insert(kind) {
                        crossed.push((kind, bytes, b));
                    }
                }
                _ => {
                    self.over.remove(&kind);
                }
            }
        }
        crossed
    }
}

/// The file in the data directory where the app remembers up to which time it told the user
/// about the automatic runs (a decimal Unix time): [`while_away`].
pub const SEEN_FILE: &str = "auto-notified";

/// The automatic runs in `entries` (the audit log, any order) made after `seen` (Unix seconds)
/// that freed space: their bytes, their number and the newest one's time. `None` when there is
/// none.
pub fn unseen_runs(entries: &[crate::clean::audit::Entry], seen: i64) -> Option<(u64, usize, i64)> {
    let runs: Vec<_> = entries
        .iter()
        .filter(|e| e.automatic == Some(true) && e.time > seen && e.bytes_freed > 0)
        .collect();
    let newest = runs.iter().map(|e| e.time).max()?;
    Some((runs.iter().map(|e| e.bytes_freed).sum(), runs.len(), newest))
}

/// The notification of automatic runs made while the app was closed (the daily run).
pub fn while_away_note(bytes_freed: u64, runs: usize, lang: Lang) -> Note {
    let size = size_text(bytes_freed);
    match lang {
        Lang::En => Note {
            title: "Automatic cleanup".into(),
            body: if runs == 1 {
                format!("The daily run freed {size} of Go caches your projects do not use.")
            } else {
                format!("{runs} daily runs freed {size} of Go caches your projects do not use.")
            },
        },
        Lang::ZhHans => Note {
            title: "自动清理".into(),
            body: format!("{runs} 次每日运行共释放了 {size} 你的项目不再使用的 Go 缓存。"),
        },
    }
}

/// The time recorded in `<dir>/SEEN_FILE`, or `None` when there is none or it is not a
/// regular file holding one decimal number (another program may have written it: anything
/// else is ignored, never trusted).
pub fn read_seen(dir: &std::path::Path) -> Option<i64> {
    let text = crate::dirhash::read_regular(&dir.join(SEEN_FILE), 64).ok()?;
    std::str::from_utf8(&text).ok()?.trim().parse().ok()
}

/// Records `time` in `<dir>/SEEN_FILE` (a temporary file renamed over it).
///
/// # Errors
/// The I/O error of creating the directory or writing the file.
pub fn write_seen(dir: &std::path::Path, time: i64) -> std::io::Result<()> {
    let line = format!("{time}\n");
    crate::atomic::replace(
        &dir.join(SEEN_FILE),
        line.as_bytes(),
        ".auto-notified-",
        false,
    )
}

/// What the app says at its start about the automatic runs made while it was closed: the note
/// of the runs after the time recorded in `data_dir` that freed space, and the record moved
/// to the newest of them. Without a (valid) record, the runs so far are taken as told: `now`
/// is recorded and nothing is said, so a first start never reports old runs. Best effort: a
/// record that cannot be written costs a repeated note next time, not the start.
pub fn while_away(
    data_dir: &std::path::Path,
    entries: &[crate::clean::audit::Entry],
    now: i64,
    lang: Lang,
) -> Option<Note> {
    let Some(seen) = read_seen(data_dir) else {
        let _ = write_seen(data_dir, now);
        return None;
    };
    let (bytes, runs, newest) = unseen_runs(entries, seen)?;
    let _ = write_seen(data_dir, newest.max(seen));
    Some(while_away_note(bytes, runs, lang))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(time: i64, bytes: u64, automatic: Option<bool>) -> crate::clean::audit::Entry {
        crate::clean::audit::Entry {
            time,
            targets: vec![],
            bytes_freed: bytes,
            outcomes: vec![],
            ended: None,
            automatic,
        }
    }

    /// Only automatic runs after the record that freed space are told, once; a first start
    /// records the time and says nothing; a forged or broken record is not trusted.
    #[test]
    fn runs_made_while_the_app_was_closed_are_told_once() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        let log = vec![
            entry(100, 5_000, Some(true)),
            entry(200, 0, Some(true)),
            entry(300, 7_000, None),
            entry(400, 3 * 1024 * 1024, Some(true)),
        ];
        // First start: nothing said, now recorded.
        assert_eq!(while_away(dir, &log, 150, Lang::En), None);
        assert_eq!(read_seen(dir), Some(150));
        // The run at 400 (the one at 200 freed nothing, the one at 300 was by hand).
        let note = while_away(dir, &log, 500, Lang::En).expect("a note");
        assert!(
            note.body.contains("3.0 MiB") && note.body.contains("The daily run"),
            "{}",
            note.body
        );
        assert_eq!(read_seen(dir), Some(400));
        // Told once.
        assert_eq!(while_away(dir, &log, 600, Lang::En), None);
        // Two runs since an older record, in Chinese.
        write_seen(dir, 50).unwrap();
        let note = while_away(dir, &log, 600, Lang::ZhHans).expect("a note");
        assert!(
            note.body.starts_with("2 次") && note.body.contains("MiB"),
            "{}",
            note.body
        );
        assert_eq!(unseen_runs(&log, 400), None);
        // Garbage, a huge file or a directory in place of the record: treated as no record.
        for bad in ["not a number", "-", ""] {
            std::fs::write(dir.join(SEEN_FILE), bad).unwrap();
            assert_eq!(read_seen(dir), None, "{bad:?}");
            assert_eq!(while_away(dir, &log, 700, Lang::En), None);
            assert_eq!(read_seen(dir), Some(700));
        }
        std::fs::write(dir.join(SEEN_FILE), "1".repeat(100_000)).unwrap();
        assert_eq!(read_seen(dir), None);
        std::fs::remove_file(dir.join(SEEN_FILE)).unwrap();
        std::fs::create_dir(dir.join(SEEN_FILE)).unwrap();
        assert_eq!(read_seen(dir), None);
    }

    fn policy(enabled: bool, modcache: Option<u64>) -> AutoPolicy {
        AutoPolicy {
            enabled,
            modcache_max_bytes: modcache,
            ..AutoPolicy::default()
        }
    }

    #[test]
    fn a_cache_over_its_budget_is_reported_once_per_crossing() {
        let mut w = BudgetWatch::default();
        let p = policy(true, Some(100));
        let sizes = |m| [(CacheKind::Modcache, m), (CacheKind::Build, 10_000)];
        assert_eq!(w.check(&sizes(50), &p), vec![]);
        assert_eq!(
            w.check(&sizes(150), &p),
            vec![(CacheKind::Modcache, 150, 100)]
        );
        // Still over: not again.
        assert_eq!(w.check(&sizes(160), &p), vec![]);
        // Back under, then over again: a new crossing.
        assert_eq!(w.check(&sizes(90), &p), vec![]);
        assert_eq!(
            w.check(&sizes(120), &p),
            vec![(CacheKind::Modcache, 120, 100)]
        );
        // The build cache has no budget; a policy that is off reports nothing.
        let mut off = BudgetWatch::default();
        assert_eq!(off.check(&sizes(500), &policy(false, Some(100))), vec![]);
    }

    #[test]
    fn the_notes_name_the_sizes_in_both_languages() {
        assert_eq!(freed_note(0, Lang::En), None);
        let n = freed_note(3 * 1024 * 1024 * 1024 / 2, Lang::En).unwrap();
        assert!(n.body.contains("1.5 GiB"), "{n:?}");
        let z = freed_note(2048, Lang::ZhHans).unwrap();
        assert!(z.body.contains("2.0 KiB") && z.title == "自动清理", "{z:?}");
        let o = over_budget_note(CacheKind::Build, 5 << 30, 2 << 30, Lang::En);
        assert!(
            o.body
                .starts_with("The build cache holds 5.0 GiB, more than its budget of 2.0 GiB")
        );
        assert!(
            over_budget_note(CacheKind::Modcache, 5, 2, Lang::ZhHans)
                .body
                .starts_with("模块缓存占用 5 B")
        );
        assert_eq!(size_text(1023), "1023 B");
        let f = failed_note("The settings cannot be read.", Lang::En);
        assert_eq!(f.title, "Automatic cleanup failed");
        assert!(
            f.body
                .starts_with("The settings cannot be read. Open Settings")
        );
        assert_eq!(failed_note("x", Lang::ZhHans).title, "自动清理失败");
    }

    #[test]
    fn sizes_read_as_the_ui_writes_them() {
        // The UI's formatBytes: one decimal, halves up, 1023.95+ of a unit is the next unit.
        for (bytes, text) in [
            (0, "0 B"),
            (1024, "1.0 KiB"),
            (1280, "1.3 KiB"),
            (1536, "1.5 KiB"),
            (1_048_575, "1.0 MiB"),
            (1_048_473, "1023.9 KiB"),
            (3 << 30, "3.0 GiB"),
            (u64::MAX, "16.0 EiB"),
        ] {
            assert_eq!(size_text(bytes), text, "{bytes}");
        }
    }
}
