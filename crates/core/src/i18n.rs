//! The languages Go Cache Doctor speaks and how the user's language is chosen.
//!
//! [`Lang::from_env`] follows the POSIX rules the CLI needs (`LC_ALL`, then `LC_MESSAGES`,
//! then `LANG`; the first non-empty one wins); [`Lang::from_process_env`] adds the CLI's
//! fallback when none is set (the Windows display language); [`Lang::from_bcp47`] reads the
//! tags the OS and the webview report (`zh-CN`, `zh-Hans-CN`, `en-US`). Only Simplified Chinese is
//! translated: Traditional Chinese locales (`zh_TW`, `zh-Hant`, `zh-HK`) stay English.

use serde::{Deserialize, Serialize};

use crate::os::host::{Host, System as _};

/// A language of the user-facing texts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum Lang {
    /// English (the default, and the fallback for every untranslated language).
    #[default]
    #[serde(rename = "en")]
    En,
    /// Simplified Chinese.
    #[serde(rename = "zh-CN")]
    ZhHans,
}

impl Lang {
    /// The BCP-47 tag of the language (`en`, `zh-CN`), as the `--lang` option and the app use.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::ZhHans => "zh-CN",
        }
    }

    /// The language of a POSIX locale name (`zh_CN.UTF-8`, `zh_SG`, `en_US.UTF-8@euro`,
    /// `C`, `POSIX`); BCP-47-like spellings (`zh-Hans`) are accepted too. Anything not
    /// Simplified Chinese is English.
    pub fn from_posix(locale: &str) -> Lang {
        // language[_territory][.codeset][@modifier]
        let base = locale.split(['.', '@']).next().unwrap_or_default();
        Lang::from_bcp47(&base.replace('_', "-"))
    }

    /// The language of a BCP-47 tag (`zh-CN`, `zh-Hans-CN`, `zh-SG`, `zh`, `en-US`); case
    /// does not matter and `_` is accepted for `-`.
    pub fn from_bcp47(tag: &str) -> Lang {
        let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
        let mut parts = lower.split('-');
        if parts.next() != Some("zh") {
            return Lang::En;
        }
        let rest: Vec<&str> = parts.collect();
        // An explicit script wins over the region.
        if rest.contains(&"hans") {
            return Lang::ZhHans;
        }
        if rest.contains(&"hant") {
            return Lang::En;
        }
        match rest.first().copied() {
            // Regions that write Traditional Chinese.
            Some("tw" | "hk" | "mo") => Lang::En,
            _ => Lang::ZhHans,
        }
    }

    /// The language of the process environment as POSIX defines it: the first non-empty of
    /// `LC_ALL`, `LC_MESSAGES`, `LANG` (`get` returns a variable's value).
    pub fn from_env(get: impl Fn(&str) -> Option<String>) -> Lang {
        ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .filter_map(|k| get(k))
            .find(|v| !v.trim().is_empty())
            .map_or(Lang::En, |v| Lang::from_posix(&v))
    }

    /// [`Lang::from_env`] when one of `LC_ALL`, `LC_MESSAGES`, `LANG` is set and non-empty;
    /// else the language of the BCP-47 tag `os_ui` returns (the OS display language); else
    /// English.
    pub fn from_env_or(
        get: impl Fn(&str) -> Option<String>,
        os_ui: impl FnOnce() -> Option<String>,
    ) -> Lang {
        let set = ["LC_ALL", "LC_MESSAGES", "LANG"]
            .iter()
            .any(|k| get(k).is_some_and(|v| !v.trim().is_empty()));
        if set {
            Lang::from_env(get)
        } else {
            os_ui().map_or(Lang::En, |tag| Lang::from_bcp47(&tag))
        }
    }

    /// The language of this process, for the CLI: [`Lang::from_env`] over its environment
    /// when a locale variable is set (on Windows too: Git for Windows and MSYS2 shells set
    /// `LANG`, and whoever sets it means it), else on Windows the user's display language (the
    /// first of the preferred UI languages, as the app follows it), else English.
    pub fn from_process_env() -> Lang {
        Lang::from_env_or(|k| std::env::var(k).ok(), os_display_language)
    }

    /// `en` or `zh` text, whichever is this language.
    pub fn pick<'a>(self, en: &'a str, zh: &'a str) -> &'a str {
        match self {
            Lang::En => en,
            Lang::ZhHans => zh,
        }
    }
}

/// The OS display language as a BCP-47 tag: on Windows the first of the user's preferred UI
/// languages (`GetUserPreferredUILanguages`); `None` elsewhere, where the locale variables
/// are the user's choice.
fn os_display_language() -> Option<String> {
    Host::display_language()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn posix_locales() {
        for l in [
            "zh_CN.UTF-8",
            "zh_CN",
            "zh_SG",
            "zh_SG.GB2312",
            "zh",
            "zh-Hans",
            "zh_CN.utf8@pinyin",
        ] {
            assert_eq!(Lang::from_posix(l), Lang::ZhHans, "{l}");
        }
        for l in [
            "zh_TW.UTF-8",
            "zh_HK.UTF-8",
            "zh-Hant",
            "en_US.UTF-8",
            "de_DE@euro",
            "C",
            "C.UTF-8",
            "POSIX",
            "",
        ] {
            assert_eq!(Lang::from_posix(l), Lang::En, "{l}");
        }
    }

    #[test]
    fn bcp47_tags() {
        for t in [
            "zh-CN",
            "zh-Hans-CN",
            "zh-Hans",
            "ZH-cn",
            "zh-SG",
            "zh-Hans-HK",
        ] {
            assert_eq!(Lang::from_bcp47(t), Lang::ZhHans, "{t}");
        }
        for t in ["en-US", "en", "zh-TW", "zh-Hant-TW", "ja-JP", "", "zhx"] {
            assert_eq!(Lang::from_bcp47(t), Lang::En, "{t}");
        }
    }

    #[test]
    fn env_precedence() {
        let env = |pairs: &[(&str, &str)]| {
            let m: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Lang::from_env(move |k| m.get(k).cloned())
        };
        assert_eq!(env(&[]), Lang::En);
        assert_eq!(env(&[("LANG", "zh_CN.UTF-8")]), Lang::ZhHans);
        assert_eq!(
            env(&[("LANG", "zh_CN.UTF-8"), ("LC_MESSAGES", "en_US.UTF-8")]),
            Lang::En
        );
        assert_eq!(
            env(&[("LANG", "en_US.UTF-8"), ("LC_MESSAGES", "zh_CN.UTF-8")]),
            Lang::ZhHans
        );
        assert_eq!(
            env(&[
                ("LANG", "zh_CN.UTF-8"),
                ("LC_MESSAGES", "zh_CN.UTF-8"),
                ("LC_ALL", "C")
            ]),
            Lang::En
        );
        // Empty values are skipped, as POSIX says.
        assert_eq!(env(&[("LC_ALL", ""), ("LANG", "zh_SG")]), Lang::ZhHans);
        assert_eq!(Lang::ZhHans.tag(), "zh-CN");
        assert_eq!(
            serde_json::to_string(&Lang::ZhHans).unwrap_or_default(),
            "\"zh-CN\""
        );
    }

    #[test]
    fn the_display_language_counts_only_without_a_locale_variable() {
        let lang = |pairs: &[(&str, &str)], ui: Option<&str>| {
            let m: HashMap<String, String> = pairs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect();
            Lang::from_env_or(move |k| m.get(k).cloned(), || ui.map(str::to_owned))
        };
        assert_eq!(lang(&[], Some("zh-CN")), Lang::ZhHans);
        assert_eq!(lang(&[], Some("zh-Hans-SG")), Lang::ZhHans);
        assert_eq!(lang(&[], Some("zh-TW")), Lang::En);
        assert_eq!(lang(&[], Some("en-US")), Lang::En);
        assert_eq!(lang(&[], None), Lang::En);
        // Empty or blank variables are not set.
        assert_eq!(
            lang(&[("LANG", ""), ("LC_ALL", " ")], Some("zh-CN")),
            Lang::ZhHans
        );
        // A variable that is set wins, whichever language it names.
        assert_eq!(lang(&[("LANG", "C")], Some("zh-CN")), Lang::En);
        assert_eq!(
            lang(&[("LC_MESSAGES", "en_US.UTF-8")], Some("zh-CN")),
            Lang::En
        );
        assert_eq!(
            lang(&[("LANG", "zh_CN.UTF-8")], Some("en-US")),
            Lang::ZhHans
        );
        assert_eq!(
            lang(&[("LC_ALL", "C"), ("LANG", "zh_CN.UTF-8")], Some("zh-CN")),
            Lang::En
        );
    }
}
