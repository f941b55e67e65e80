//! Why macOS said "Operation not permitted" (EPERM) when ownership is not the reason (issue
//! #13).
//!
//! On Linux a permission failure means the mode bits or the owner forbid it, and
//! `chmod`/`chown` or an administrator fix it. On macOS `EPERM` has more causes, which neither
//! fixes, and which [`classify_eperm`] tells apart from a few facts ([`PermFacts`]):
//!
//! * the **user flags** `uchg`/`uappnd` ([`UF_IMMUTABLE`], [`UF_APPEND`]; `chflags`, Finder's
//!   "Locked" box): xnu's `vnode_immutable` refuses every change, even root's, until they are
//!   cleared. The owner (or an administrator) clears them with `chflags nouchg`; the clean
//!   clears them itself on entries the user owns inside the cache being deleted
//!   ([`may_clear_user_flags`]).
//! * the **system flags** `schg`/`sappnd` ([`SF_IMMUTABLE`], [`SF_APPEND`], and
//!   [`SF_NOUNLINK`]): the same, but only root may clear them, and on a Mac running at a raised
//!   security level (`kern.securelevel` > 0) only in single-user mode.
//! * **System Integrity Protection**: the [`SF_RESTRICTED`] flag or the `com.apple.rootless`
//!   extended attribute; no process without Apple's entitlement may change the entry, root
//!   included.
//! * **privacy protection** (TCC): an app without Full Disk Access is refused entries under
//!   `~/Library`, Desktop, Documents, Downloads and on external or network volumes
//!   ([`privacy_protected`]), with no flag set and although the user owns them.
//!
//! The decision is pure and unit-tested on every OS; reading the facts is macOS-only
//! (`eperm/macos.rs`: `lstat`'s `st_flags`, `getxattr`). Elsewhere there is nothing to add
//! and the ownership explanation stands.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::diagnose::Shell;
use crate::quote;

#[cfg(target_os = "macos")]
pub(crate) mod macos;
#[cfg(not(target_os = "macos"))]
mod other;
// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod other;

#[cfg(target_os = "macos")]
use macos as host;
#[cfg(not(target_os = "macos"))]
use other as host;

/// `UF_IMMUTABLE` (xnu `bsd/sys/stat.h`): the file may not be changed (`chflags uchg`).
pub const UF_IMMUTABLE: u32 = 0x0000_0002;
/// `UF_APPEND` (xnu `bsd/sys/stat.h`): writes may only append (`chflags uappnd`).
pub const UF_APPEND: u32 = 0x0000_0004;
/// `SF_IMMUTABLE` (xnu `bsd/sys/stat.h`): the file may not be changed (`chflags schg`,
/// root only).
pub const SF_IMMUTABLE: u32 = 0x0002_0000;
/// `SF_APPEND` (xnu `bsd/sys/stat.h`): writes may only append (`chflags sappnd`, root only).
pub const SF_APPEND: u32 = 0x0004_0000;
/// `SF_RESTRICTED` (xnu `bsd/sys/stat.h`): an entitlement is required for writing (System
/// Integrity Protection).
pub const SF_RESTRICTED: u32 = 0x0008_0000;
/// `SF_NOUNLINK` (xnu `bsd/sys/stat.h`): the item may not be removed, renamed or mounted on.
pub const SF_NOUNLINK: u32 = 0x0010_0000;
/// The user flags that forbid deleting an entry (or, on a directory, its entries).
pub const USER_FLAGS: u32 = UF_IMMUTABLE | UF_APPEND;
/// The system flags that forbid deleting an entry, short of SIP's [`SF_RESTRICTED`].
pub const SYSTEM_FLAGS: u32 = SF_IMMUTABLE | SF_APPEND | SF_NOUNLINK;

/// Why a permission failure happened, beyond "someone else owns it".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub enum PermCause {
    /// `uchg`/`uappnd` is set: the owner clears it with `chflags nouchg` (or `nouappnd`).
    UserImmutable,
    /// `schg`/`sappnd` (or `SF_NOUNLINK`) is set: only root may clear it, on a Mac at a raised
    /// security level only in single-user mode.
    SystemImmutable,
    /// System Integrity Protection guards the entry (`SF_RESTRICTED`, `com.apple.rootless`):
    /// nobody may change it, root included.
    SipRestricted,
    /// macOS privacy protection (TCC) refused the app: it needs Full Disk Access.
    PrivacyDenied,
    /// None of the above: the owner or the mode bits (the explanation of every other OS).
    Ownership,
}

impl PermCause {
    /// Whether cleaning with administrator rights can get past this cause: for ownership, and
    /// for the user flags (root clears them), not for system flags, SIP or privacy protection.
    pub fn admin_may_help(self) -> bool {
        matches!(self, PermCause::UserImmutable | PermCause::Ownership)
    }

    /// The cause in one English sentence (the CLI's report; the app has it translated).
    pub fn summary(self) -> &'static str {
        match self {
            PermCause::UserImmutable => {
                "the user immutable or append-only flag (uchg/uappnd) is set: macOS refuses to \
                 change or delete the entry, even for an administrator, until it is cleared"
            }
            PermCause::SystemImmutable => {
                "a system flag (schg/sappnd) is set: only an administrator can clear it, and on \
                 a Mac running at a raised security level only in single-user mode"
            }
            PermCause::SipRestricted => {
                "macOS System Integrity Protection guards the entry: nobody may change it, not \
                 even an administrator"
            }
            PermCause::PrivacyDenied => {
                "macOS privacy protection refused access: the app needs Full Disk Access"
            }
            PermCause::Ownership => "the owner or the permission bits forbid it",
        }
    }
}

/// What the OS tells about an entry a permission error was about; [`classify_eperm`] decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PermFacts {
    /// The error was `EPERM` ("Operation not permitted"). Flags, SIP and privacy protection
    /// give `EPERM`; `EACCES` ("Permission denied") is about mode bits and owners.
    pub eperm: bool,
    /// `st_flags` of the entry (0 when it is gone).
    pub flags: u32,
    /// `st_flags` of the directory holding it: removing or renaming an entry changes that
    /// directory, which its own immutable flags forbid.
    pub parent_flags: u32,
    /// The entry (or, when it is gone, its directory) belongs to the user running this process.
    pub owner_is_user: bool,
    /// This process runs as root.
    pub is_root: bool,
    /// The entry or its directory has the `com.apple.rootless` extended attribute (SIP).
    pub rootless: bool,
    /// The entry is in a location macOS' privacy protection guards ([`privacy_protected`]).
    pub privacy_protected: bool,
}

impl PermFacts {
    /// The flags of the entry and of its directory together.
    pub fn all_flags(&self) -> u32 {
        self.flags | self.parent_flags
    }
}

/// The cause of a permission failure on macOS, from its facts:
///
/// 1. anything but `EPERM` is [`PermCause::Ownership`] (flags, SIP and TCC give `EPERM`);
/// 2. `SF_RESTRICTED` or `com.apple.rootless` on the entry or its directory:
///    [`PermCause::SipRestricted`] (nothing else can help);
/// 3. a system flag (`schg`, `sappnd`, `SF_NOUNLINK`) there: [`PermCause::SystemImmutable`];
/// 4. a user flag (`uchg`, `uappnd`) there: [`PermCause::UserImmutable`];
/// 5. no flag, the user (or root, which mode bits never stop) is refused an entry the user
///    owns in a protected location: [`PermCause::PrivacyDenied`];
/// 6. otherwise [`PermCause::Ownership`].
pub fn classify_eperm(f: &PermFacts) -> PermCause {
    if !f.eperm {
        return PermCause::Ownership;
    }
    let flags = f.all_flags();
    if flags & SF_RESTRICTED != 0 || f.rootless {
        PermCause::SipRestricted
    } else if flags & SYSTEM_FLAGS != 0 {
        PermCause::SystemImmutable
    } else if flags & USER_FLAGS != 0 {
        PermCause::UserImmutable
    } else if (f.owner_is_user || f.is_root) && f.privacy_protected {
        PermCause::PrivacyDenied
    } else {
        PermCause::Ownership
    }
}

/// Whether `path` is in a location macOS' privacy protection (TCC) guards from apps without
/// Full Disk Access: a home folder's `Library`, `Desktop`, `Documents` or `Downloads` (any
/// home under `/Users`, and `home`), or an external or network volume under `/Volumes`.
pub fn privacy_protected(path: &Path, home: Option<&Path>) -> bool {
    const HOME_DIRS: [&str; 4] = ["Library", "Desktop", "Documents", "Downloads"];
    let home_dir = |rest: &Path| {
        rest.components()
            .next()
            .is_some_and(|c| HOME_DIRS.iter().any(|d| c.as_os_str() == *d))
    };
    if let Ok(rest) = path.strip_prefix("/Users") {
        let mut c = rest.components();
        if c.next().is_some() && home_dir(c.as_path()) {
            return true;
        }
    }
    if path
        .strip_prefix("/Volumes")
        .is_ok_and(|rest| rest.components().next().is_some())
    {
        return true;
    }
    home.is_some_and(|h| h.is_absolute() && path.strip_prefix(h).is_ok_and(home_dir))
}

/// Whether the clean may clear the user flags (`uchg`, `uappnd`) of an entry of the cache it
/// is deleting: it has one, no system flag or SIP (which clearing the user flags would not
/// get past), and it belongs to the user running the clean, or the clean runs as root (an
/// elevated clean, where root may clear them; xnu allows the owner and root).
pub fn may_clear_user_flags(flags: u32, owner_uid: u32, euid: u32) -> bool {
    flags & USER_FLAGS != 0
        && flags & (SYSTEM_FLAGS | SF_RESTRICTED) == 0
        && (owner_uid == euid || euid == 0)
}

/// The `chflags` keywords that clear the flags of `flags` a cause is about (`nouchg`,
/// `nouappnd`, `noschg`, `nosappnd`, comma-separated as chflags(1) takes them); `None` when
/// none of them is set (`SF_NOUNLINK` has no keyword on macOS).
pub fn clear_keywords(flags: u32, cause: PermCause) -> Option<String> {
    let table: &[(u32, &str)] = match cause {
        PermCause::UserImmutable => &[(UF_IMMUTABLE, "nouchg"), (UF_APPEND, "nouappnd")],
        PermCause::SystemImmutable => &[(SF_IMMUTABLE, "noschg"), (SF_APPEND, "nosappnd")],
        _ => &[],
    };
    let words: Vec<&str> = table
        .iter()
        .filter(|(bit, _)| flags & bit != 0)
        .map(|(_, w)| *w)
        .collect();
    (!words.is_empty()).then(|| words.join(","))
}

/// The flags a cause is about.
fn cause_flags(cause: PermCause) -> u32 {
    match cause {
        PermCause::UserImmutable => USER_FLAGS,
        PermCause::SystemImmutable => SYSTEM_FLAGS,
        PermCause::SipRestricted => SF_RESTRICTED,
        PermCause::PrivacyDenied | PermCause::Ownership => 0,
    }
}

/// The entry whose flags block `path`: `path` itself when it carries the cause's flags, else
/// the directory holding it.
pub fn flagged_path(cause: PermCause, f: &PermFacts, path: &Path) -> std::path::PathBuf {
    let own = f.flags & cause_flags(cause) != 0;
    match path.parent() {
        Some(parent) if !own && f.parent_flags & cause_flags(cause) != 0 => parent.to_path_buf(),
        _ => path.to_path_buf(),
    }
}

/// The clean's advice for SIP ([`PermCause::SipRestricted`]); the app translates it.
pub const SIP_ADVICE: &str = "macOS System Integrity Protection guards these files; nobody can \
    delete them, not even an administrator: keep Go's caches in a folder of yours";
/// The clean's advice for privacy protection ([`PermCause::PrivacyDenied`]); the app
/// translates it.
pub const PRIVACY_ADVICE: &str = "give Go Cache Doctor Full Disk Access: System Settings > \
    Privacy & Security > Full Disk Access, add the app, then reopen it and retry";
/// The clean's advice for user flags on a path no shell can take as one word.
pub const USER_FLAGS_ADVICE: &str = "clear the user immutable flag in Terminal with chflags -R \
    nouchg,nouappnd on the cache folder, then retry";
/// The clean's advice for system flags without a command.
pub const SYSTEM_FLAGS_ADVICE: &str = "a system flag protects these files: an administrator \
    must clear it (chflags noschg,nosappnd), on a Mac at a raised security level only in \
    single-user mode";

/// The fix the clean report shows for a permission failure on `path` whose cause is not
/// ownership (`None` for [`PermCause::Ownership`]: the ownership command stands). `fix_root`
/// is the directory the clean was deleting.
///
/// * user flags: `chflags -R nouchg '<fix_root>'` (the keywords of the flags found;
///   `sudo` when the entry is not the user's and the clean does not run as root), or, when
///   the flag sits on a directory above `fix_root`, `chflags nouchg '<that directory>'`;
/// * system flags: `sudo chflags -R noschg '<fix_root>'` likewise;
/// * SIP and privacy protection: advice ([`SIP_ADVICE`], [`PRIVACY_ADVICE`]).
///
/// Paths are quoted for bash/zsh ([`quote::quote`]); a path that cannot be quoted (a control
/// character, not UTF-8) gets the advice without a command.
pub fn clean_fix(cause: PermCause, f: &PermFacts, path: &Path, fix_root: &Path) -> Option<String> {
    let command = |sudo: bool, fallback: &str| {
        let flagged = flagged_path(cause, f, path);
        let (target, recursive) = if flagged.starts_with(fix_root) {
            (fix_root, true)
        } else {
            (flagged.as_path(), false)
        };
        let built = clear_keywords(f.all_flags(), cause)
            .zip(target.to_str())
            .and_then(|(kw, t)| Some((kw, quote::quote(t, Shell::Bash).ok()?)));
        Some(match built {
            Some((kw, quoted)) => format!(
                "{}chflags {}{kw} {quoted}",
                if sudo { "sudo " } else { "" },
                if recursive { "-R " } else { "" },
            ),
            None => fallback.to_owned(),
        })
    };
    match cause {
        PermCause::UserImmutable => command(!f.owner_is_user && !f.is_root, USER_FLAGS_ADVICE),
        PermCause::SystemImmutable => command(!f.is_root, SYSTEM_FLAGS_ADVICE),
        PermCause::SipRestricted => Some(SIP_ADVICE.to_owned()),
        PermCause::PrivacyDenied => Some(PRIVACY_ADVICE.to_owned()),
        PermCause::Ownership => None,
    }
}

/// The facts about a permission failure on `path` (`eperm`: the error was `EPERM`), where the
/// OS has any beyond the owner: macOS only (flags, SIP's attribute, privacy locations);
/// `None` elsewhere.
pub(crate) fn facts(path: &Path, eperm: bool) -> Option<PermFacts> {
    host::facts(path, eperm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eperm(flags: u32) -> PermFacts {
        PermFacts {
            eperm: true,
            flags,
            owner_is_user: true,
            ..PermFacts::default()
        }
    }

    /// The constants are xnu's (`bsd/sys/stat.h`), and libc's where it has them.
    #[test]
    fn flag_values_are_xnus() {
        assert_eq!(UF_IMMUTABLE, 0x2);
        assert_eq!(UF_APPEND, 0x4);
        assert_eq!(SF_IMMUTABLE, 0x0002_0000);
        assert_eq!(SF_APPEND, 0x0004_0000);
        assert_eq!(SF_RESTRICTED, 0x0008_0000);
        assert_eq!(SF_NOUNLINK, 0x0010_0000);
    }

    #[test]
    fn user_flags_on_the_entry_or_its_directory() {
        for f in [UF_IMMUTABLE, UF_APPEND, UF_IMMUTABLE | UF_APPEND] {
            assert_eq!(
                classify_eperm(&eperm(f)),
                PermCause::UserImmutable,
                "{f:#x}"
            );
            let parent = PermFacts {
                parent_flags: f,
                ..eperm(0)
            };
            assert_eq!(classify_eperm(&parent), PermCause::UserImmutable, "{f:#x}");
        }
        // Whoever owns it and whoever asks: the flag is the cause (even root is refused).
        for (owner_is_user, is_root) in [(false, false), (false, true), (true, true)] {
            let f = PermFacts {
                owner_is_user,
                is_root,
                ..eperm(UF_IMMUTABLE)
            };
            assert_eq!(classify_eperm(&f), PermCause::UserImmutable);
        }
        // Other user flags (nodump 0x1, hidden 0x8000, compressed 0x20) are no cause.
        assert_eq!(
            classify_eperm(&eperm(0x1 | 0x8000 | 0x20)),
            PermCause::Ownership
        );
    }

    #[test]
    fn system_flags_and_sip_win_over_user_flags() {
        for f in [
            SF_IMMUTABLE,
            SF_APPEND,
            SF_NOUNLINK,
            SF_IMMUTABLE | UF_IMMUTABLE,
        ] {
            assert_eq!(
                classify_eperm(&eperm(f)),
                PermCause::SystemImmutable,
                "{f:#x}"
            );
        }
        for f in [SF_RESTRICTED, SF_RESTRICTED | SF_IMMUTABLE | UF_IMMUTABLE] {
            assert_eq!(
                classify_eperm(&eperm(f)),
                PermCause::SipRestricted,
                "{f:#x}"
            );
        }
        let rootless = PermFacts {
            rootless: true,
            ..eperm(0)
        };
        assert_eq!(classify_eperm(&rootless), PermCause::SipRestricted);
        let parent = PermFacts {
            parent_flags: SF_RESTRICTED,
            ..eperm(UF_IMMUTABLE)
        };
        assert_eq!(classify_eperm(&parent), PermCause::SipRestricted);
    }

    #[test]
    fn privacy_needs_no_flags_a_protected_place_and_the_users_entry() {
        let tcc = PermFacts {
            privacy_protected: true,
            ..eperm(0)
        };
        assert_eq!(classify_eperm(&tcc), PermCause::PrivacyDenied);
        // Root is refused by TCC too (mode bits never stop it).
        let root = PermFacts {
            owner_is_user: false,
            is_root: true,
            ..tcc
        };
        assert_eq!(classify_eperm(&root), PermCause::PrivacyDenied);
        // Someone else's entry: ownership (the sticky bit gives EPERM too).
        let other = PermFacts {
            owner_is_user: false,
            ..tcc
        };
        assert_eq!(classify_eperm(&other), PermCause::Ownership);
        // A flag explains it better than the place.
        let flagged = PermFacts {
            flags: UF_IMMUTABLE,
            ..tcc
        };
        assert_eq!(classify_eperm(&flagged), PermCause::UserImmutable);
        // Outside protected places, no flag: ownership as before.
        assert_eq!(classify_eperm(&eperm(0)), PermCause::Ownership);
    }

    #[test]
    fn eacces_is_always_ownership() {
        for f in [UF_IMMUTABLE, SF_IMMUTABLE, SF_RESTRICTED] {
            let facts = PermFacts {
                eperm: false,
                privacy_protected: true,
                rootless: true,
                ..eperm(f)
            };
            assert_eq!(classify_eperm(&facts), PermCause::Ownership);
        }
    }

    // macOS paths read with the host's `Path`: meaningful on Unix hosts only.
    #[cfg(unix)]
    #[test]
    fn protected_places() {
        let p = |s: &str, home: Option<&str>| privacy_protected(Path::new(s), home.map(Path::new));
        assert!(p("/Users/ann/Library/Caches/go-build/00/x", None));
        assert!(p("/Users/ann/Documents/go/pkg/mod/x@v1/a.go", None));
        assert!(p("/Users/ann/Desktop/go", None));
        assert!(p("/Users/ann/Downloads/go", None));
        assert!(p("/Volumes/USB Stick/go/pkg/mod", None));
        assert!(p("/var/root/Library/Caches/go-build", Some("/var/root")));
        assert!(!p("/Users/ann/go/pkg/mod/x@v1/a.go", None));
        assert!(!p("/Users/ann/LibraryX/a", None));
        assert!(!p("/Users/ann", None));
        assert!(!p("/Volumes", None));
        assert!(!p("/opt/go/pkg/mod", Some("/var/root")));
        assert!(!p("/var/root/go", Some("/var/root")));
        assert!(!p("Users/ann/Library/x", Some("")));
    }

    #[test]
    fn the_clean_clears_user_flags_of_own_entries_only() {
        assert!(may_clear_user_flags(UF_IMMUTABLE, 501, 501));
        assert!(may_clear_user_flags(UF_APPEND | 0x8000, 501, 501));
        // Root (an elevated clean) may clear anyone's user flags.
        assert!(may_clear_user_flags(UF_IMMUTABLE, 501, 0));
        assert!(!may_clear_user_flags(UF_IMMUTABLE, 0, 501));
        assert!(!may_clear_user_flags(UF_IMMUTABLE, 502, 501));
        // Nothing to clear, or clearing would not help.
        assert!(!may_clear_user_flags(0, 501, 501));
        assert!(!may_clear_user_flags(0x8000, 501, 501));
        assert!(!may_clear_user_flags(UF_IMMUTABLE | SF_IMMUTABLE, 501, 501));
        assert!(!may_clear_user_flags(UF_IMMUTABLE | SF_RESTRICTED, 501, 0));
    }

    #[test]
    fn chflags_keywords() {
        let k = |f, c| clear_keywords(f, c);
        assert_eq!(
            k(UF_IMMUTABLE, PermCause::UserImmutable).as_deref(),
            Some("nouchg")
        );
        assert_eq!(
            k(UF_APPEND, PermCause::UserImmutable).as_deref(),
            Some("nouappnd")
        );
        assert_eq!(
            k(USER_FLAGS | SF_IMMUTABLE, PermCause::UserImmutable).as_deref(),
            Some("nouchg,nouappnd")
        );
        assert_eq!(
            k(SF_IMMUTABLE | SF_APPEND, PermCause::SystemImmutable).as_deref(),
            Some("noschg,nosappnd")
        );
        assert_eq!(k(SF_NOUNLINK, PermCause::SystemImmutable), None);
        assert_eq!(k(UF_IMMUTABLE, PermCause::SipRestricted), None);
    }

    /// The clean report's fix per cause: chflags for flags (quoted as one bash word, whatever
    /// the path holds), advice for SIP and privacy, nothing for ownership.
    #[cfg(unix)] // macOS paths read with the host's `Path`.
    #[test]
    fn clean_fix_per_cause() {
        use crate::quote::tests::posix_split;
        let root = Path::new("/Users/ann/it's a \"cache\"/go/pkg/mod");
        let path = root.join("example.com/m@v1.0.0/a.go");
        let f = eperm(UF_IMMUTABLE);
        let fix = clean_fix(PermCause::UserImmutable, &f, &path, root).unwrap_or_default();
        assert_eq!(
            fix,
            r#"chflags -R nouchg '/Users/ann/it'\''s a "cache"/go/pkg/mod'"#
        );
        assert_eq!(
            posix_split(&fix),
            Some(vec![
                "chflags".to_owned(),
                "-R".to_owned(),
                "nouchg".to_owned(),
                root.display().to_string()
            ])
        );
        // Not the user's entry: sudo, unless the clean already runs as root.
        let other = PermFacts {
            owner_is_user: false,
            flags: UF_IMMUTABLE | UF_APPEND,
            ..f
        };
        let fix = clean_fix(PermCause::UserImmutable, &other, &path, root).unwrap_or_default();
        assert!(
            fix.starts_with("sudo chflags -R nouchg,nouappnd '"),
            "{fix}"
        );
        let as_root = PermFacts {
            is_root: true,
            ..other
        };
        let fix = clean_fix(PermCause::UserImmutable, &as_root, &path, root).unwrap_or_default();
        assert!(fix.starts_with("chflags -R "), "{fix}");
        // The flag on the directory above the cache root: that directory only, not -R.
        let above = PermFacts {
            flags: 0,
            parent_flags: UF_IMMUTABLE,
            ..f
        };
        let fix = clean_fix(PermCause::UserImmutable, &above, root, root).unwrap_or_default();
        assert_eq!(
            fix,
            r#"chflags nouchg '/Users/ann/it'\''s a "cache"/go/pkg'"#
        );
        // System flags: sudo and the system keywords; SF_NOUNLINK alone has none.
        let sys = eperm(SF_IMMUTABLE);
        assert_eq!(
            clean_fix(PermCause::SystemImmutable, &sys, &path, Path::new("/c")),
            Some("sudo chflags noschg '/Users/ann/it'\\''s a \"cache\"/go/pkg/mod/example.com/m@v1.0.0/a.go'".to_owned())
        );
        assert_eq!(
            clean_fix(PermCause::SystemImmutable, &eperm(SF_NOUNLINK), &path, root).as_deref(),
            Some(SYSTEM_FLAGS_ADVICE)
        );
        assert_eq!(
            clean_fix(PermCause::SipRestricted, &eperm(SF_RESTRICTED), &path, root).as_deref(),
            Some(SIP_ADVICE)
        );
        assert_eq!(
            clean_fix(PermCause::PrivacyDenied, &eperm(0), &path, root).as_deref(),
            Some(PRIVACY_ADVICE)
        );
        assert!(PRIVACY_ADVICE.contains("System Settings > Privacy & Security > Full Disk Access"));
        assert_eq!(
            clean_fix(PermCause::Ownership, &eperm(0), &path, root),
            None
        );
        // A path no shell can take as one word: advice, no command.
        let bad = Path::new("/Users/ann/go\nrm -rf ~/pkg/mod");
        assert_eq!(
            clean_fix(PermCause::UserImmutable, &f, &bad.join("x"), bad).as_deref(),
            Some(USER_FLAGS_ADVICE)
        );
    }

    /// The app translates the advice by its exact English words (`ui/src/lib/clean.ts`
    /// `BACKEND_FIXES`, the `backendFix` keys of the `clean` catalog).
    #[test]
    fn the_app_knows_the_advice_word_for_word() {
        let ui = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../ui/src");
        let read = |rel: &str| {
            std::fs::read_to_string(ui.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
        };
        let (ts, en) = (read("lib/clean.ts"), read("locales/en/clean.json"));
        for advice in [
            SIP_ADVICE,
            PRIVACY_ADVICE,
            USER_FLAGS_ADVICE,
            SYSTEM_FLAGS_ADVICE,
        ] {
            assert!(
                ts.contains(&format!("{advice:?}")) || ts.contains(&format!("'{advice}'")),
                "clean.ts lacks {advice:?}"
            );
            assert!(
                en.contains(&format!("{advice:?}")),
                "en/clean.json lacks {advice:?}"
            );
        }
    }

    #[test]
    fn causes_serialize_kebab_case() {
        assert_eq!(
            serde_json::to_string(&PermCause::UserImmutable).unwrap_or_default(),
            "\"user-immutable\""
        );
        assert_eq!(
            serde_json::to_string(&PermCause::SipRestricted).unwrap_or_default(),
            "\"sip-restricted\""
        );
        assert!(PermCause::UserImmutable.admin_may_help());
        assert!(PermCause::Ownership.admin_may_help());
        assert!(!PermCause::SystemImmutable.admin_may_help());
        assert!(!PermCause::SipRestricted.admin_may_help());
        assert!(!PermCause::PrivacyDenied.admin_may_help());
    }
}
