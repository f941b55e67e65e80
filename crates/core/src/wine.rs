//! Whether this process runs under Wine, and the one named mechanism by which a test skips what
//! cannot mean anything there.
//!
//! `make test-windows` builds the Windows programs and runs their tests under Wine
//! (shared/docs/build-notes.md, README "Windows and macOS in the tests"). Wine 8.0 implements most of what
//! the Windows code uses for real (the handle table, share modes, the read-only attribute,
//! TerminateProcess), but a few behaviours are stubs or fakes: the [`WineGap`]s. A test of such
//! a behaviour starts with [`skip_under_wine!`](crate::skip_under_wine): on real Windows (the
//! release workflow's runner) it runs; under Wine it returns at once and is listed as skipped,
//! never counted as a pass of what it checks. The decision logic behind every gap keeps a unit
//! test that runs on every OS. Keep this list short: anything Wine does for real is tested
//! for real.

/// A Windows behaviour that Wine 8.0 stubs or fakes, so a test of it means nothing there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WineGap {
    /// Restart Manager: `RmGetList` always answers "no process".
    RestartManager,
    /// File owners and ACLs: every file's owner is the token's user (there are no other
    /// users), a DACL is read back as made from the Unix mode bits (the owner and SYSTEM, and
    /// Everyone for the "other" bits), and a DACL set on an existing file or folder
    /// (`SetSecurityInfo`) is accepted and changes nothing. (One given at creation becomes the
    /// Unix mode.)
    FileOwners,
    /// Renaming a directory that holds an open file: Wine allows it; Windows refuses.
    RenameOpenDirectory,
    /// Junctions and symbolic links: Wine 8.0 cannot make them (`FSCTL_SET_REPARSE_POINT`
    /// fails with "not supported"; `CreateSymbolicLinkW` and `mklink` report success and make
    /// nothing).
    ReparsePoints,
    /// The read-only attribute of a directory: Wine ignores it when set (Go's module cache
    /// sets it on Windows).
    ReadOnlyDirectories,
}

impl WineGap {
    /// Every gap, for the documentation and its test.
    pub const ALL: [WineGap; 5] = [
        WineGap::RestartManager,
        WineGap::FileOwners,
        WineGap::RenameOpenDirectory,
        WineGap::ReparsePoints,
        WineGap::ReadOnlyDirectories,
    ];

    /// A short stable name (`file-owners`).
    pub fn name(self) -> &'static str {
        match self {
            WineGap::RestartManager => "restart-manager",
            WineGap::FileOwners => "file-owners",
            WineGap::RenameOpenDirectory => "rename-open-directory",
            WineGap::ReparsePoints => "reparse-points",
            WineGap::ReadOnlyDirectories => "read-only-directories",
        }
    }

    /// What Wine does instead of Windows.
    pub fn why(self) -> &'static str {
        match self {
            WineGap::RestartManager => "Wine's Restart Manager is a stub that lists no process",
            WineGap::FileOwners => {
                "Wine fakes file ACLs (made from the Unix mode; a DACL set later changes nothing; \
                 no other users)"
            }
            WineGap::RenameOpenDirectory => {
                "Wine lets a directory holding an open file be renamed; Windows refuses"
            }
            WineGap::ReparsePoints => {
                "Wine 8.0 makes no junction or symbolic link (FSCTL_SET_REPARSE_POINT is not \
                 supported; CreateSymbolicLinkW reports success and makes nothing)"
            }
            WineGap::ReadOnlyDirectories => {
                "Wine ignores the read-only attribute set on a directory"
            }
        }
    }
}

/// Whether this process runs under Wine: ntdll exports `wine_get_version` there and nowhere
/// else. Always false off Windows.
pub fn under_wine() -> bool {
    use crate::os::host::{Host, System as _};
    Host::under_wine()
}

/// Records that a test was skipped for `gap`: on stderr, and appended to the file named by
/// `GOCACHE_DOCTOR_WINE_SKIPS` when set (`make test-windows` prints that list at the end).
/// Used by [`skip_under_wine!`](crate::skip_under_wine); not for production code.
#[doc(hidden)]
pub fn record_skip(test: &str, gap: WineGap) {
    let line = format!("{test}: skipped under Wine ({}): {}", gap.name(), gap.why());
    #[allow(clippy::print_stderr)]
    {
        eprintln!("{line}");
    }
    if let Some(path) = std::env::var_os("GOCACHE_DOCTOR_WINE_SKIPS") {
        use std::io::Write;
        if let Ok(mut f) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(f, "{line}");
        }
    }
}

/// Returns from the enclosing test when it runs under Wine, recording the skip and its
/// [`WineGap`](crate::wine::WineGap). The one way a test opts out of Wine; see [`crate::wine`].
///
/// ```
/// fn a_test_of_owners() {
///     gocache_core::skip_under_wine!(gocache_core::wine::WineGap::FileOwners);
///     // ... the checks, which run on real Windows and on the other OSes ...
/// }
/// # // Run where it does not skip: under Wine this example would list itself as a skipped test.
/// # if !gocache_core::wine::under_wine() {
/// #     a_test_of_owners();
/// # }
/// ```
#[macro_export]
macro_rules! skip_under_wine {
    ($gap:expr) => {
        if $crate::wine::under_wine() {
            $crate::wine::record_skip(::std::thread::current().name().unwrap_or("a test"), $gap);
            return;
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gaps_have_distinct_names_and_reasons() {
        let names: std::collections::BTreeSet<_> = WineGap::ALL.iter().map(|g| g.name()).collect();
        assert_eq!(names.len(), WineGap::ALL.len());
        assert!(WineGap::ALL.iter().all(|g| g.why().contains("Wine")));
    }

    #[test]
    fn native_linux_and_macos_are_never_wine() {
        if cfg!(not(windows)) {
            assert!(!under_wine());
        }
    }
}
