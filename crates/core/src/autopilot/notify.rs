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

/// `bytes` with a binary unit and one decimal (`1.5 GiB`), as the app shows sizes.
pub fn size_text(bytes: u64) -> String {
    const UNITS: [&str; 5] = ["B", "KiB", "MiB", "GiB", "TiB"];
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
    format!("{n:.1} {}", UNITS[unit])
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

#[cfg(test)]
mod tests {
    use super::*;

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
    }
}
