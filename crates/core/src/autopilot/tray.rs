//! What the app's optional tray icon says (issue #17): its label (the total size of the Go
//! caches at the last completed scan, the figure the dashboard's header shows), its tooltip and
//! its menu, in the user's language. The app only shows these texts and runs the items.

use crate::i18n::Lang;
use crate::settings::AutoPolicy;

use super::notify::size_text;

/// Every text of the tray icon.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrayTexts {
    /// The label beside the icon (Linux indicators, the macOS menu bar): the total size, or
    /// `None` before the first completed scan.
    pub label: Option<String>,
    /// The tooltip (Windows; the other OSes show the label): the app's name and the total.
    pub tooltip: String,
    /// The menu item that shows and focuses the window.
    pub open: String,
    /// The menu item that runs the automatic cleanup now; when the policy is off it says so
    /// and opens its panel instead ([`clean_now_runs`]).
    pub clean_now: String,
    /// The menu item that quits the app.
    pub quit: String,
}

/// Whether "Clean now" runs the stored policy (it is on and readable); when not, the item
/// opens the Automatic cleanup panel.
pub fn clean_now_runs(policy: &AutoPolicy) -> bool {
    policy.enabled && policy.invalid.is_none()
}

/// The tray's texts for the last completed scan's `total` (bytes, `None` before any scan),
/// with the stored `policy`, in `lang`.
pub fn texts(total: Option<u64>, policy: &AutoPolicy, lang: Lang) -> TrayTexts {
    let label = total.map(size_text);
    let runs = clean_now_runs(policy);
    match lang {
        Lang::En => TrayTexts {
            tooltip: match &label {
                Some(size) => format!("Go Cache Doctor: Go caches {size}"),
                None => "Go Cache Doctor".into(),
            },
            open: "Open Go Cache Doctor".into(),
            clean_now: if runs {
                "Clean now".into()
            } else {
                "Clean now: automatic cleanup is off (set it up)…".into()
            },
            quit: "Quit".into(),
            label,
        },
        Lang::ZhHans => TrayTexts {
            tooltip: match &label {
                Some(size) => format!("Go Cache Doctor：Go 缓存 {size}"),
                None => "Go Cache Doctor".into(),
            },
            open: "打开 Go Cache Doctor".into(),
            clean_now: if runs {
                "立即清理".into()
            } else {
                "立即清理：自动清理未开启（去设置）…".into()
            },
            quit: "退出".into(),
            label,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_label_is_the_total_as_the_dashboard_shows_it() {
        let on = AutoPolicy {
            enabled: true,
            ..AutoPolicy::default()
        };
        let t = texts(Some(1_610_612_736), &on, Lang::En);
        assert_eq!(t.label.as_deref(), Some("1.5 GiB"));
        assert_eq!(t.tooltip, "Go Cache Doctor: Go caches 1.5 GiB");
        assert_eq!(
            (t.open.as_str(), t.clean_now.as_str(), t.quit.as_str()),
            ("Open Go Cache Doctor", "Clean now", "Quit")
        );
        let none = texts(None, &on, Lang::En);
        assert_eq!(
            (none.label, none.tooltip.as_str()),
            (None, "Go Cache Doctor")
        );
        let zh = texts(Some(2048), &on, Lang::ZhHans);
        assert_eq!(zh.label.as_deref(), Some("2.0 KiB"));
        assert_eq!(
            (zh.clean_now.as_str(), zh.quit.as_str()),
            ("立即清理", "退出")
        );
    }

    #[test]
    fn clean_now_says_when_the_policy_is_off_or_unreadable() {
        let off = AutoPolicy::default();
        assert!(!clean_now_runs(&off));
        assert!(texts(None, &off, Lang::En).clean_now.contains("is off"));
        assert!(texts(None, &off, Lang::ZhHans).clean_now.contains("未开启"));
        let unreadable = AutoPolicy {
            enabled: true,
            invalid: Some("unused_days: -5".into()),
            ..AutoPolicy::default()
        };
        assert!(!clean_now_runs(&unreadable));
        assert!(clean_now_runs(&AutoPolicy {
            enabled: true,
            ..AutoPolicy::default()
        }));
    }
}
