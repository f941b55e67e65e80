//! `app_info` (the About dialog: version, build, license, links) and `open_link`, which opens
//! one of the app's own documentation links in the user's browser. The page never gets a
//! general "open any URL" permission: it names a link, and only the links below exist.

use serde::Serialize;

use crate::error::{CommandError, ErrorCode};

/// Where the project lives (the workspace's `repository`).
pub const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The links the About dialog offers, by name.
pub const LINKS: &[(&str, &str)] = &[
    ("repository", ""),
    ("docs", "#readme"),
    ("cli", "#the-cli"),
    ("troubleshooting", "#troubleshooting"),
    ("changelog", "/blob/main/CHANGELOG.md"),
    ("license", "/blob/main/LICENSE-MIT"),
    ("issues", "/issues"),
];

/// `app_info`'s answer.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[cfg_attr(test, derive(ts_rs::TS))]
pub struct AppInfo {
    /// The product name.
    pub name: &'static str,
    /// The app's version (`0.1.0`).
    pub version: &'static str,
    /// The commit it was built from (`ba2fff7c1`), or `unknown`.
    pub commit: &'static str,
    /// The commit's date (`2026-11-30`), or `unknown`.
    pub date: &'static str,
    /// `debug` or `release`.
    pub profile: &'static str,
    /// The SPDX license expression.
    pub license: &'static str,
    /// The Tauri version the app runs on.
    pub tauri: &'static str,
    /// The OS and CPU it was built for (`linux x86_64`).
    pub target: String,
    /// Link names and their URLs, in the order to show them.
    pub links: Vec<(String, String)>,
}

/// The URL of link `name`, or `None` for a name the app does not have.
pub fn link(name: &str) -> Option<String> {
    LINKS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, suffix)| format!("{REPOSITORY}{suffix}"))
}

/// What the About dialog shows.
pub fn info() -> AppInfo {
    AppInfo {
        name: "Go Cache Doctor",
        version: env!("CARGO_PKG_VERSION"),
        commit: env!("GOCACHE_DOCTOR_COMMIT"),
        date: env!("GOCACHE_DOCTOR_COMMIT_DATE"),
        profile: if cfg!(debug_assertions) {
            "debug"
        } else {
            "release"
        },
        license: env!("CARGO_PKG_LICENSE"),
        tauri: tauri::VERSION,
        target: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        links: LINKS
            .iter()
            .filter_map(|(n, _)| link(n).map(|u| ((*n).to_owned(), u)))
            .collect(),
    }
}

/// The About dialog's facts.
#[tauri::command]
pub fn app_info() -> AppInfo {
    info()
}

/// Opens link `name` (one of [`LINKS`]) in the default browser.
///
/// # Errors
/// `BadArgument` for a name that is not one of the app's links; `Internal` when the OS cannot
/// open a browser.
#[tauri::command]
pub fn open_link<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    name: String,
) -> Result<(), CommandError> {
    use tauri_plugin_opener::OpenerExt;
    let url = link(&name).ok_or_else(|| {
        CommandError::new(
            ErrorCode::BadArgument,
            format!("the app has no link named {name:?}"),
        )
    })?;
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|e| CommandError::new(ErrorCode::Internal, format!("cannot open {url}: {e}")))
}

/// The types this module's commands take, answer and stream (the roots of the generated
/// TypeScript bindings, `bindings_tests.rs`).
#[cfg(test)]
pub(crate) fn ts_roots(v: &mut impl ts_rs::TypeVisitor) {
    v.visit::<AppInfo>();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_are_the_repository_pages_and_nothing_else() {
        assert_eq!(link("repository").as_deref(), Some(REPOSITORY));
        assert_eq!(
            link("changelog").unwrap(),
            format!("{REPOSITORY}/blob/main/CHANGELOG.md")
        );
        assert!(link("file:///etc/passwd").is_none());
        assert!(link("").is_none());
        let info = info();
        assert_eq!(info.links.len(), LINKS.len());
        assert!(info.links.iter().all(|(_, u)| u.starts_with("https://")));
        assert_eq!(info.version, env!("CARGO_PKG_VERSION"));
        assert!(!info.commit.is_empty() && !info.date.is_empty());
    }
}
