//! The OS-independent half of the elevated clean's Windows checks: SIDs in their string and
//! binary forms, the binary ACL layout, the access rules for the request file and for the
//! ancestors of a cache root, who asked, and the profile folders. Plain std, so it is
//! unit-tested on every OS; `windows.rs` only fetches the bytes (`GetSecurityInfo` on an open
//! handle, the registry) and hands them here.
//!
//! The rules (SECURITY.md, "The elevated clean"):
//! * **Request file**: any owner (that owner is who asked); no allow entry that applies to the
//!   file grants read data, write data, append data, delete, change permissions or take
//!   ownership to anyone but the owner, SYSTEM and Administrators (Unix: 0600). Its directory:
//!   the same owner, and no one else may list, add, delete or rename entries in it or change
//!   its permissions (Unix: 0700).
//! * **Chain of a root** (every existing directory from the volume root down to the cache
//!   root, canonical): each is owned by the requester, SYSTEM, Administrators or
//!   TrustedInstaller, and no allow entry that applies to it grants anyone else
//!   - on the root itself: delete, change permissions, take ownership (rename or replace it);
//!   - on an ancestor: add file, add subdirectory, delete child, delete, change permissions,
//!     take ownership;
//!   - on the volume root: the same as an ancestor except add file and add subdirectory, which
//!     only create new names (a default `C:\` grants Authenticated Users "append data", that is
//!     create folders); the entry below it is checked itself and cannot be replaced by a new
//!     name. This is modelled on a default install: `C:\` (TrustedInstaller; SYSTEM and
//!     Administrators full control, Users read, Authenticated Users create folders and an
//!     inherit-only Modify), `C:\Users` (SYSTEM; SYSTEM and Administrators full control, Users
//!     and Everyone read) and `C:\Users\<name>` (SYSTEM, Administrators and the user full
//!     control).
//! * Entries that apply only to children (inherit-only) are skipped; deny, audit and label
//!   entries grant nothing; an allow entry of a kind not parsed here (compound) or a missing
//!   DACL (everyone has full access) is refused. Generic rights are mapped as for files.
#![cfg_attr(
    not(windows),
    allow(
        dead_code,
        reason = "only the OS-independent half is compiled off Windows, for tests"
    )
)]

use std::fmt;

/// LocalSystem.
pub(crate) const SYSTEM: &str = "S-1-5-18";
/// BUILTIN\Administrators.
pub(crate) const ADMINISTRATORS: &str = "S-1-5-32-544";
/// NT SERVICE\TrustedInstaller, which owns the system's folders (a default `C:\` included).
pub(crate) const TRUSTED_INSTALLER: &str =
    "S-1-5-80-956008885-3418522649-1831038044-1853292631-2271478464";
/// CREATOR OWNER: a placeholder in inheritable entries, in no token.
const CREATOR_OWNER: &str = "S-1-3-0";
/// CREATOR GROUP: the same for the primary group.
const CREATOR_GROUP: &str = "S-1-3-1";
/// OWNER RIGHTS: stands for the object's owner, which is checked on its own.
const OWNER_RIGHTS: &str = "S-1-3-4";

/// A security identifier, kept in its canonical string form (`S-1-5-21-...`), which is what
/// `ConvertSidToStringSidW` prints and the registry's ProfileList is keyed by. Only digits,
/// `-`, `S` and a `0x` authority can appear in it (it is put into SDDL and a registry path).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Sid(String);

impl fmt::Display for Sid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Sid {
    /// The canonical string form.
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    /// Parses `S-1-<authority>(-<subauthority>)*` (at most 15 sub-authorities; the authority
    /// in decimal below 2^32 or as `0x` and 12 hex digits), and rebuilds it canonically. (The
    /// OS half builds SIDs from their binary form only.)
    #[cfg(test)]
    pub(crate) fn parse(s: &str) -> Option<Self> {
        let rest = s.strip_prefix("S-1-").or_else(|| s.strip_prefix("s-1-"))?;
        let mut parts = rest.split('-');
        let auth = parts.next()?;
        let authority = if let Some(hex) = auth.strip_prefix("0x").or(auth.strip_prefix("0X")) {
            if hex.len() != 12 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            u64::from_str_radix(hex, 16).ok()?
        } else {
            decimal(auth)?
        };
        let subs = parts.map(|p| decimal(p).and_then(|v| u32::try_from(v).ok()));
        let subs: Option<Vec<u32>> = subs.collect();
        Self::from_parts(authority, &subs?)
    }

    fn from_parts(authority: u64, subs: &[u32]) -> Option<Self> {
        if authority >= 1 << 48 || subs.len() > 15 {
            return None;
        }
        let mut s = if authority < 1 << 32 {
            format!("S-1-{authority}")
        } else {
            format!("S-1-0x{authority:012X}")
        };
        for v in subs {
            s.push('-');
            s.push_str(&v.to_string());
        }
        Some(Self(s))
    }

    /// Reads the binary SID at the start of `bytes` (revision 1, the sub-authority count,
    /// the authority big-endian in 6 bytes, then the sub-authorities little-endian); what
    /// follows it is ignored (a callback entry's application data).
    pub(crate) fn from_bytes(bytes: &[u8]) -> Option<Self> {
        let (&[rev, count], rest) = bytes.split_first_chunk::<2>()?;
        if rev != 1 || count > 15 {
            return None;
        }
        let (auth, rest) = rest.split_first_chunk::<6>()?;
        let authority = auth.iter().fold(0_u64, |a, b| (a << 8) | u64::from(*b));
        let subs = rest.get(..4 * usize::from(count))?;
        let subs: Vec<u32> = subs
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        Self::from_parts(authority, &subs)
    }

    /// The binary form, for the Win32 calls that take a `PSID` (`LookupAccountSidW`).
    pub(crate) fn to_bytes(&self) -> Vec<u8> {
        let rest = self.0.get(4..).unwrap_or_default();
        let mut parts = rest.split('-');
        let auth = parts.next().unwrap_or_default();
        let authority = match auth.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).unwrap_or_default(),
            None => auth.parse().unwrap_or_default(),
        };
        let subs: Vec<u32> = parts.filter_map(|p| p.parse().ok()).collect();
        let mut out = Vec::with_capacity(8 + 4 * subs.len());
        out.push(1);
        out.push(u8::try_from(subs.len()).unwrap_or(0));
        out.extend_from_slice(&authority.to_be_bytes()[2..]);
        for v in subs {
            out.extend_from_slice(&v.to_le_bytes());
        }
        out
    }

    fn is(&self, well_known: &str) -> bool {
        self.0 == well_known
    }

    /// SYSTEM, Administrators or TrustedInstaller: the accounts that administer the machine
    /// anyway (an elevated clean runs as one of them).
    pub(crate) fn is_administration(&self) -> bool {
        self.is(SYSTEM) || self.is(ADMINISTRATORS) || self.is(TRUSTED_INSTALLER)
    }

    /// A readable name for the common groups, the SID otherwise.
    fn describe(&self) -> String {
        let name = match self.0.as_str() {
            "S-1-1-0" => "Everyone",
            "S-1-5-11" => "Authenticated Users",
            "S-1-5-32-545" => "Users",
            "S-1-5-4" => "INTERACTIVE",
            "S-1-5-7" => "ANONYMOUS LOGON",
            "S-1-5-32-546" => "Guests",
            SYSTEM => "SYSTEM",
            ADMINISTRATORS => "Administrators",
            _ => return self.0.clone(),
        };
        format!("{name} ({})", self.0)
    }
}

#[cfg(test)]
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

// ---------------------------------------------------------------------------------------------
// Access masks
// ---------------------------------------------------------------------------------------------

/// `FILE_WRITE_DATA`, for a directory `FILE_ADD_FILE`.
pub(crate) const WRITE_DATA: u32 = 0x0002;
/// `FILE_APPEND_DATA`, for a directory `FILE_ADD_SUBDIRECTORY`.
pub(crate) const APPEND_DATA: u32 = 0x0004;
/// `FILE_DELETE_CHILD`.
pub(crate) const DELETE_CHILD: u32 = 0x0040;
/// `DELETE`.
pub(crate) const DELETE: u32 = 0x0001_0000;
/// `WRITE_DAC`.
pub(crate) const WRITE_DAC: u32 = 0x0004_0000;
/// `WRITE_OWNER`.
pub(crate) const WRITE_OWNER: u32 = 0x0008_0000;
const GENERIC_ALL: u32 = 0x1000_0000;
const GENERIC_EXECUTE: u32 = 0x2000_0000;
const GENERIC_WRITE: u32 = 0x4000_0000;
const GENERIC_READ: u32 = 0x8000_0000;
/// `FILE_ALL_ACCESS`.
const FILE_ALL_ACCESS: u32 = 0x001F_01FF;
/// `FILE_GENERIC_WRITE`.
const FILE_GENERIC_WRITE: u32 = 0x0012_0116;
/// `FILE_GENERIC_READ`.
const FILE_GENERIC_READ: u32 = 0x0012_0089;
/// `FILE_GENERIC_EXECUTE`.
const FILE_GENERIC_EXECUTE: u32 = 0x0012_00A0;

/// `mask` with its generic rights mapped as the file system maps them.
pub(crate) fn map_generic(mask: u32) -> u32 {
    let mut m = mask & !(GENERIC_ALL | GENERIC_EXECUTE | GENERIC_WRITE | GENERIC_READ);
    if mask & GENERIC_ALL != 0 {
        m |= FILE_ALL_ACCESS;
    }
    if mask & GENERIC_WRITE != 0 {
        m |= FILE_GENERIC_WRITE;
    }
    if mask & GENERIC_READ != 0 {
        m |= FILE_GENERIC_READ;
    }
    if mask & GENERIC_EXECUTE != 0 {
        m |= FILE_GENERIC_EXECUTE;
    }
    m
}

fn rights_names(mask: u32, dir: bool) -> String {
    let names: [(u32, &str, &str); 7] = [
        (READ_DATA, "read data", "list entries"),
        (WRITE_DATA, "write data", "add files"),
        (APPEND_DATA, "append data", "add subdirectories"),
        (DELETE_CHILD, "delete children", "delete children"),
        (DELETE, "delete", "delete or rename"),
        (WRITE_DAC, "change permissions", "change permissions"),
        (WRITE_OWNER, "take ownership", "take ownership"),
    ];
    names
        .iter()
        .filter(|(bit, _, _)| mask & bit != 0)
        .map(|(_, f, d)| if dir { *d } else { *f })
        .collect::<Vec<_>>()
        .join(", ")
}

// ---------------------------------------------------------------------------------------------
// ACLs
// ---------------------------------------------------------------------------------------------

/// `INHERIT_ONLY_ACE`: the entry applies to children only, not to the object itself.
const INHERIT_ONLY: u8 = 0x08;

/// What one access control entry grants.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Grant {
    /// An allow entry (plain, callback, object or callback-object) for `sid`.
    Allow {
        /// The access mask as stored (generic rights not yet mapped).
        mask: u32,
        /// The grantee.
        sid: Sid,
    },
    /// A deny, audit, alarm or label entry, or any other kind that grants nothing.
    Nothing,
    /// An allow entry of a kind this code does not read (compound), or one whose SID does not
    /// parse: treated as granting everything to someone unknown.
    Unknown(u8),
}

/// One access control entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ace {
    /// What it grants.
    pub grant: Grant,
    /// Whether it applies to children only (`INHERIT_ONLY_ACE`).
    pub inherit_only: bool,
}

/// Parses a binary ACL (`ACL` header: revision, size, entry count; then each entry's
/// `ACE_HEADER`: type, flags, size).
///
/// # Errors
/// When the sizes do not hold together.
pub(crate) fn parse_acl(bytes: &[u8]) -> Result<Vec<Ace>, String> {
    let bad = |why: &str| format!("malformed access control list: {why}");
    let hdr = bytes.get(..8).ok_or_else(|| bad("short header"))?;
    let size = usize::from(u16::from_le_bytes([hdr[2], hdr[3]]));
    let count = usize::from(u16::from_le_bytes([hdr[4], hdr[5]]));
    let acl = bytes
        .get(..size)
        .filter(|_| size >= 8)
        .ok_or_else(|| bad("size"))?;
    let mut out = Vec::with_capacity(count);
    let mut off = 8_usize;
    for _ in 0..count {
        let h = acl
            .get(off..off + 4)
            .ok_or_else(|| bad("entry past the end"))?;
        let (kind, flags) = (h[0], h[1]);
        let len = usize::from(u16::from_le_bytes([h[2], h[3]]));
        let body = acl
            .get(off + 4..off + len)
            .filter(|_| len >= 4)
            .ok_or_else(|| bad("entry size"))?;
        out.push(Ace {
            grant: parse_grant(kind, body),
            inherit_only: flags & INHERIT_ONLY != 0,
        });
        off += len;
    }
    Ok(out)
}

fn parse_grant(kind: u8, body: &[u8]) -> Grant {
    const ALLOWED: u8 = 0x0;
    const ALLOWED_OBJECT: u8 = 0x5;
    const ALLOWED_CALLBACK: u8 = 0x9;
    const ALLOWED_CALLBACK_OBJECT: u8 = 0xB;
    // Deny (1, 6, 10, 12), audit and alarm (2, 3, 7, 8, 13, 14, 15, 16), mandatory label
    // (0x11), resource attribute (0x12), scoped policy (0x13), process trust label (0x14) and
    // access filter (0x15) entries grant nothing.
    const NO_GRANT: &[u8] = &[
        1, 2, 3, 6, 7, 8, 10, 12, 13, 14, 15, 16, 0x11, 0x12, 0x13, 0x14, 0x15,
    ];
    let mask_and_sid = |sid_at: usize| -> Option<Grant> {
        let m = body.get(..4)?;
        Some(Grant::Allow {
            mask: u32::from_le_bytes([m[0], m[1], m[2], m[3]]),
            sid: Sid::from_bytes(body.get(sid_at..)?)?,
        })
    };
    let parsed = match kind {
        ALLOWED | ALLOWED_CALLBACK => mask_and_sid(4),
        ALLOWED_OBJECT | ALLOWED_CALLBACK_OBJECT => body.get(4..8).and_then(|f| {
            // ACE_OBJECT_TYPE_PRESENT, ACE_INHERITED_OBJECT_TYPE_PRESENT: a GUID each.
            let flags = u32::from_le_bytes([f[0], f[1], f[2], f[3]]);
            let guids = usize::from(flags & 1 != 0) + usize::from(flags & 2 != 0);
            mask_and_sid(8 + 16 * guids)
        }),
        k if NO_GRANT.contains(&k) => Some(Grant::Nothing),
        _ => None,
    };
    parsed.unwrap_or(Grant::Unknown(kind))
}

/// An object's owner and DACL (`None`: a NULL DACL, which grants everyone everything).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Security {
    /// The owner.
    pub owner: Sid,
    /// The discretionary ACL's entries.
    pub dacl: Option<Vec<Ace>>,
}

/// Checks that no entry that applies to the object grants any of `rights` to a SID outside
/// `trusted`. `Err` says which grant fails.
fn no_grant_to_others(
    sec: &Security,
    trusted: &dyn Fn(&Sid) -> bool,
    rights: u32,
    dir: bool,
) -> Result<(), String> {
    let Some(dacl) = &sec.dacl else {
        return Err("has no access control list: everyone has full access".into());
    };
    for ace in dacl.iter().filter(|a| !a.inherit_only) {
        match &ace.grant {
            Grant::Nothing => {}
            Grant::Unknown(kind) => {
                return Err(format!(
                    "has an access entry of a kind that is not understood here ({kind:#x})"
                ));
            }
            Grant::Allow { mask, sid } => {
                let bad = map_generic(*mask) & rights;
                if bad != 0 && !trusted(sid) {
                    return Err(format!(
                        "lets {} {}",
                        sid.describe(),
                        rights_names(bad, dir)
                    ));
                }
            }
        }
    }
    Ok(())
}

/// The grantees other than `owner` that are harmless everywhere: the administration, and the
/// placeholders no token carries (or that stand for the owner itself).
fn harmless(sid: &Sid) -> bool {
    sid.is(SYSTEM)
        || sid.is(ADMINISTRATORS)
        || sid.is(CREATOR_OWNER)
        || sid.is(CREATOR_GROUP)
        || sid.is(OWNER_RIGHTS)
}

/// The rights on a file that let someone change what it says.
const FILE_WRITE_RIGHTS: u32 = WRITE_DATA | APPEND_DATA | DELETE | WRITE_DAC | WRITE_OWNER;
/// `FILE_READ_DATA`, for a directory `FILE_LIST_DIRECTORY`.
pub(crate) const READ_DATA: u32 = 0x0001;
/// The rights on a directory that let someone add, remove or rename what is in it, or give
/// themselves those rights.
const DIR_WRITE_RIGHTS: u32 =
    WRITE_DATA | APPEND_DATA | DELETE_CHILD | DELETE | WRITE_DAC | WRITE_OWNER;

/// The request file: only its owner (and SYSTEM, Administrators) may read, write or delete
/// it or change its permissions, as a Unix request must be 0600. `Err` is what fails, for
/// "<path> ...".
pub(crate) fn check_request_file(sec: &Security) -> Result<(), String> {
    let owner = sec.owner.clone();
    no_grant_to_others(
        sec,
        &|s| *s == owner || harmless(s),
        FILE_WRITE_RIGHTS | READ_DATA,
        false,
    )
}

/// The request's directory: owned by the request's owner, and no one else may list, add,
/// remove or rename entries in it or change its permissions, as a Unix one must be 0700.
pub(crate) fn check_request_dir(file_owner: &Sid, sec: &Security) -> Result<(), String> {
    if sec.owner != *file_owner {
        return Err(format!(
            "belongs to {}, not to the request's owner {}",
            sec.owner.describe(),
            file_owner.describe()
        ));
    }
    no_grant_to_others(
        sec,
        &|s| s == file_owner || harmless(s),
        DIR_WRITE_RIGHTS | READ_DATA,
        true,
    )
}

/// Where a directory sits in the chain of a cache root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Place {
    /// The root itself.
    Root,
    /// A directory above it, below the volume root.
    Ancestor,
    /// The volume root (`C:\`).
    VolumeRoot,
}

/// One directory of a root's chain (rules in the module documentation).
pub(crate) fn check_chain_entry(who: &Sid, sec: &Security, place: Place) -> Result<(), String> {
    let trusted = |s: &Sid| s == who || s.is_administration();
    if !trusted(&sec.owner) {
        return Err(format!(
            "belongs to another user ({})",
            sec.owner.describe()
        ));
    }
    let rights = match place {
        Place::Root => DELETE | WRITE_DAC | WRITE_OWNER,
        Place::Ancestor => DIR_WRITE_RIGHTS,
        Place::VolumeRoot => DIR_WRITE_RIGHTS & !(WRITE_DATA | APPEND_DATA),
    };
    no_grant_to_others(sec, &|s| trusted(s) || harmless(s), rights, true)
        .map_err(|e| format!("{e}, so they could replace what is below it (the ACL is too open)"))
}

// ---------------------------------------------------------------------------------------------
// Who asked, and that user's folders
// ---------------------------------------------------------------------------------------------

/// Who asked for an elevated clean, from this process' token user `me`, whether the token is
/// elevated, and the owner of the request file (`None`: read from standard input).
///
/// * Elevated: the request's owner (an account that consented, possibly another one than the
///   user who asked, in an over-the-shoulder prompt, is not the requester); when the
///   administration owns the request (the app itself ran elevated), `me`. Without a file there
///   is no way to tell: refused.
/// * Not elevated: `me`; a request owned by another account (not the administration) is
///   refused.
///
/// # Errors
/// The refusal.
pub(crate) fn decide_requester(
    me: &Sid,
    elevated: bool,
    file_owner: Option<&Sid>,
) -> Result<Sid, String> {
    match (elevated, file_owner) {
        (true, Some(o)) if o.is_administration() => Ok(me.clone()),
        (true, Some(o)) => Ok(o.clone()),
        (true, None) => Err(
            "cannot tell who asked for this clean: pass the request as a \
                             private file"
                .into(),
        ),
        (false, Some(o)) if o != me && !o.is_administration() => Err(format!(
            "refusing: the request was written by {o}, not by the requesting user {me}"
        )),
        (false, _) => Ok(me.clone()),
    }
}

/// The profile directory from the registry's `ProfileImagePath` (a `REG_EXPAND_SZ` read
/// without expansion), expanded here with `%SystemDrive%` and `%SystemRoot%`/`%windir%` taken
/// from `windows_dir` (`GetSystemWindowsDirectoryW`), never from an environment. Any other
/// variable, or a result that is not an absolute drive path, is refused.
///
/// # Errors
/// Why the value cannot be used.
pub(crate) fn expand_profile_path(raw: &str, windows_dir: &str) -> Result<String, String> {
    let windows_dir = windows_dir.trim_end_matches('\\');
    let drive = windows_dir
        .get(..2)
        .filter(|d| d.as_bytes()[0].is_ascii_alphabetic() && d.as_bytes()[1] == b':')
        .ok_or_else(|| format!("the Windows directory {windows_dir:?} is not on a drive"))?;
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw.trim_end_matches('\0');
    while let Some(start) = rest.find('%') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after
            .find('%')
            .ok_or_else(|| format!("unbalanced % in the profile path {raw:?}"))?;
        let var = &after[..end];
        if var.eq_ignore_ascii_case("SystemDrive") {
            out.push_str(drive);
        } else if var.eq_ignore_ascii_case("SystemRoot") || var.eq_ignore_ascii_case("windir") {
            out.push_str(windows_dir);
        } else {
            return Err(format!(
                "the profile path {raw:?} uses %{var}%, which is not expanded here"
            ));
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let b = out.as_bytes();
    if b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
        Ok(out)
    } else {
        Err(format!(
            "the profile path {out:?} is not an absolute drive path"
        ))
    }
}

/// The variables an elevated clean takes from the requester's profile directory instead of
/// the request: `USERPROFILE`, `LOCALAPPDATA` (`<profile>\AppData\Local`) and `APPDATA`
/// (`<profile>\AppData\Roaming`), the defaults of a profile (a redirected folder is not
/// followed).
pub(crate) fn profile_env(profile: &str) -> [(&'static str, String); 3] {
    let p = profile.trim_end_matches('\\');
    [
        ("USERPROFILE", p.to_owned()),
        ("LOCALAPPDATA", format!(r"{p}\AppData\Local")),
        ("APPDATA", format!(r"{p}\AppData\Roaming")),
    ]
}

/// The variables of the request replaced by [`profile_env`] (`HOME` is not Go's on Windows,
/// and is dropped).
pub(crate) const PROFILE_VARS: &[&str] = &[
    "USERPROFILE",
    "LOCALAPPDATA",
    "LocalAppData",
    "APPDATA",
    "AppData",
    "HOME",
];

/// The SDDL of a private object: a protected DACL (nothing inherited) giving full control to
/// `user`, SYSTEM and Administrators only; for a directory the entries are inherited by what
/// is created in it.
pub(crate) fn private_sddl(user: &Sid, dir: bool) -> String {
    let inherit = if dir { "OICI" } else { "" };
    format!(
        "D:P(A;{inherit};FA;;;{user})(A;{inherit};FA;;;SY)(A;{inherit};FA;;;BA)",
        user = user.as_str()
    )
}

/// `FILE_ATTRIBUTE_DIRECTORY`.
pub(crate) const ATTR_DIRECTORY: u32 = 0x10;
/// `FILE_ATTRIBUTE_REPARSE_POINT`: a symbolic link, junction or other reparse point.
pub(crate) const ATTR_REPARSE_POINT: u32 = 0x400;

/// Checks a file's attributes (`GetFileInformationByHandle`): not a reparse point, and a
/// directory exactly when `dir`.
pub(crate) fn check_attributes(attrs: u32, dir: bool) -> Result<(), String> {
    if attrs & ATTR_REPARSE_POINT != 0 {
        return Err("is a symbolic link, junction or other reparse point".into());
    }
    match (dir, attrs & ATTR_DIRECTORY != 0) {
        (true, false) => Err("is not a directory".into()),
        (false, true) => Err("is not a regular file".into()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sid(s: &str) -> Sid {
        Sid::parse(s).unwrap()
    }

    const USER: &str = "S-1-5-21-1004336348-1177238915-682003330-1001";
    const OTHER: &str = "S-1-5-21-1004336348-1177238915-682003330-1002";
    const EVERYONE: &str = "S-1-1-0";
    const AUTH_USERS: &str = "S-1-5-11";
    const USERS: &str = "S-1-5-32-545";

    /// One ACL in the binary layout (header, then for each entry type, flags, size, mask and
    /// the SID), built independently of the parser.
    fn acl(entries: &[(u8, u8, u32, &str)]) -> Vec<u8> {
        let mut body = Vec::new();
        for (kind, flags, mask, s) in entries {
            let sid = sid(s).to_bytes();
            let size = u16::try_from(8 + sid.len()).unwrap();
            body.push(*kind);
            body.push(*flags);
            body.extend_from_slice(&size.to_le_bytes());
            body.extend_from_slice(&mask.to_le_bytes());
            body.extend_from_slice(&sid);
        }
        let mut out = vec![2, 0];
        out.extend_from_slice(&u16::try_from(8 + body.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&u16::try_from(entries.len()).unwrap().to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend(body);
        out
    }

    fn sec(owner: &str, entries: &[(u8, u8, u32, &str)]) -> Security {
        Security {
            owner: sid(owner),
            dacl: Some(parse_acl(&acl(entries)).unwrap()),
        }
    }

    const OICI: u8 = 0x03;
    const OICI_IO: u8 = 0x0B;
    const FULL: u32 = FILE_ALL_ACCESS;
    /// icacls' "RX".
    const RX: u32 = 0x0012_00A9;
    /// icacls' "M" (modify).
    const MODIFY: u32 = 0x0013_01BF;

    #[test]
    fn sids_round_trip_between_string_and_binary_forms() {
        // Hand-written from the documented layout.
        let system = [1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0];
        assert_eq!(Sid::from_bytes(&system).unwrap().as_str(), SYSTEM);
        let admins = [1, 2, 0, 0, 0, 0, 0, 5, 32, 0, 0, 0, 0x20, 0x02, 0, 0];
        assert_eq!(Sid::from_bytes(&admins).unwrap().as_str(), ADMINISTRATORS);
        assert_eq!(sid(ADMINISTRATORS).to_bytes(), admins);
        for s in [
            USER,
            SYSTEM,
            TRUSTED_INSTALLER,
            EVERYONE,
            "S-1-0x000100000000-1",
            "S-1-4294967295-1",
            "S-1-16-12288",
        ] {
            assert_eq!(Sid::from_bytes(&sid(s).to_bytes()).unwrap().as_str(), s);
        }
        // Trailing bytes (a callback entry's data) are ignored; short input is refused.
        let mut long = system.to_vec();
        long.extend_from_slice(&[9, 9, 9]);
        assert_eq!(Sid::from_bytes(&long).unwrap().as_str(), SYSTEM);
        assert_eq!(Sid::from_bytes(&system[..11]), None);
        assert_eq!(
            Sid::from_bytes(&[2, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0]),
            None
        );
    }

    #[test]
    fn sid_strings_are_canonical_and_cannot_carry_sddl_or_paths() {
        assert_eq!(sid("s-1-5-18").as_str(), SYSTEM);
        assert_eq!(sid("S-1-0x000100000000-7").as_str(), "S-1-0x000100000000-7");
        // A small authority in hex is printed in decimal, as ConvertSidToStringSidW does.
        assert_eq!(sid("S-1-0x000000000005-18").as_str(), SYSTEM);
        for bad in [
            "",
            "S-1",
            "S-1-",
            "S-2-5-18",
            "S-1-5-18)(A;;FA;;;WD)",
            r"S-1-5-18\..\x",
            "S-1-5--18",
            "S-1-5-+18",
            "S-1-5-4294967296",
            "S-1-281474976710656",
            "S-1-5-1-2-3-4-5-6-7-8-9-10-11-12-13-14-15-16",
            "S-1-0x12-1",
        ] {
            assert_eq!(Sid::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn acl_bytes_parse_as_laid_out() {
        // One ACCESS_ALLOWED entry, OI|CI, FILE_ALL_ACCESS for SYSTEM, written by hand.
        let raw = [
            2, 0, 0x1C, 0, 1, 0, 0, 0, // ACL header: revision 2, size 28, 1 entry
            0, 0x03, 0x14, 0, // ACE_HEADER: allowed, OI|CI, size 20
            0xFF, 0x01, 0x1F, 0, // mask
            1, 1, 0, 0, 0, 0, 0, 5, 18, 0, 0, 0, // S-1-5-18
        ];
        let aces = parse_acl(&raw).unwrap();
        assert_eq!(
            aces,
            [Ace {
                grant: Grant::Allow {
                    mask: FULL,
                    sid: sid(SYSTEM)
                },
                inherit_only: false
            }]
        );
        assert_eq!(acl(&[(0, 0x03, FULL, SYSTEM)]), raw);
        // Sizes that do not hold together.
        assert!(parse_acl(&raw[..20]).is_err());
        let mut bad = raw;
        bad[10] = 0x40;
        assert!(parse_acl(&bad).is_err());
        bad[10] = 2;
        assert!(parse_acl(&bad).is_err());
        // Deny and audit entries grant nothing; an unknown kind is kept as unknown.
        let aces = parse_acl(&acl(&[(1, 0, FULL, EVERYONE), (4, 0, FULL, EVERYONE)])).unwrap();
        assert_eq!(aces[0].grant, Grant::Nothing);
        assert_eq!(aces[1].grant, Grant::Unknown(4));
    }

    #[test]
    fn object_entries_skip_their_guids() {
        // ACCESS_ALLOWED_OBJECT with both GUIDs present, for Everyone.
        let mut entry = vec![5, 0];
        let everyone = sid(EVERYONE).to_bytes();
        let size = u16::try_from(4 + 4 + 4 + 32 + everyone.len()).unwrap();
        entry.extend_from_slice(&size.to_le_bytes());
        entry.extend_from_slice(&DELETE.to_le_bytes());
        entry.extend_from_slice(&3_u32.to_le_bytes());
        entry.extend_from_slice(&[0xAB; 32]);
        entry.extend_from_slice(&everyone);
        let mut raw = vec![2, 0];
        raw.extend_from_slice(&u16::try_from(8 + entry.len()).unwrap().to_le_bytes());
        raw.extend_from_slice(&[1, 0, 0, 0]);
        raw.extend(entry);
        assert_eq!(
            parse_acl(&raw).unwrap()[0].grant,
            Grant::Allow {
                mask: DELETE,
                sid: sid(EVERYONE)
            }
        );
    }

    #[test]
    fn generic_rights_are_mapped() {
        assert_eq!(map_generic(GENERIC_ALL), FILE_ALL_ACCESS);
        assert_ne!(map_generic(GENERIC_WRITE) & WRITE_DATA, 0);
        assert_ne!(map_generic(GENERIC_WRITE) & APPEND_DATA, 0);
        assert_eq!(map_generic(GENERIC_READ) & FILE_WRITE_RIGHTS, 0);
        assert_eq!(map_generic(GENERIC_EXECUTE | RX) & DIR_WRITE_RIGHTS, 0);
    }

    /// A default install's chain, as icacls shows it.
    fn default_chain() -> [(Security, Place); 3] {
        [
            (
                sec(
                    TRUSTED_INSTALLER,
                    &[
                        (0, OICI_IO, MODIFY, AUTH_USERS),
                        (0, 0, APPEND_DATA, AUTH_USERS),
                        (0, OICI, FULL, SYSTEM),
                        (0, OICI, FULL, ADMINISTRATORS),
                        (0, OICI, RX, USERS),
                        (0, OICI_IO, GENERIC_ALL, CREATOR_OWNER),
                    ],
                ),
                Place::VolumeRoot,
            ),
            (
                sec(
                    SYSTEM,
                    &[
                        (0, OICI, FULL, SYSTEM),
                        (0, OICI, FULL, ADMINISTRATORS),
                        (0, 0, RX, USERS),
                        (0, OICI_IO, GENERIC_READ | GENERIC_EXECUTE, USERS),
                        (0, 0, RX, EVERYONE),
                        (0, OICI_IO, GENERIC_READ | GENERIC_EXECUTE, EVERYONE),
                    ],
                ),
                Place::Ancestor,
            ),
            (
                sec(
                    USER,
                    &[
                        (0, OICI, FULL, SYSTEM),
                        (0, OICI, FULL, ADMINISTRATORS),
                        (0, OICI, FULL, USER),
                    ],
                ),
                Place::Ancestor,
            ),
        ]
    }

    #[test]
    fn a_default_install_chain_is_accepted() {
        for (s, place) in default_chain() {
            check_chain_entry(&sid(USER), &s, place).unwrap();
        }
        // The cache root itself, inheriting the profile's entries.
        let root = sec(
            SYSTEM,
            &[
                (0, OICI, FULL, SYSTEM),
                (0, OICI, FULL, ADMINISTRATORS),
                (0, OICI, FULL, USER),
            ],
        );
        check_chain_entry(&sid(USER), &root, Place::Root).unwrap();
    }

    #[test]
    fn a_chain_open_to_others_is_refused() {
        let who = sid(USER);
        // The profile of another user.
        let [_, _, (profile, _)] = default_chain();
        let e = check_chain_entry(&sid(OTHER), &profile, Place::Ancestor).unwrap_err();
        assert!(e.contains("another user"), "{e}");
        // A folder made directly under C:\ inherits Modify for Authenticated Users.
        let open = sec(
            USER,
            &[
                (0, OICI, FULL, SYSTEM),
                (0, OICI, FULL, ADMINISTRATORS),
                (0, OICI, MODIFY, AUTH_USERS),
            ],
        );
        let e = check_chain_entry(&who, &open, Place::Ancestor).unwrap_err();
        assert!(
            e.contains("Authenticated Users") && e.contains("add files"),
            "{e}"
        );
        // As the root itself it can be renamed away by them.
        let e = check_chain_entry(&who, &open, Place::Root).unwrap_err();
        assert!(e.contains("delete or rename"), "{e}");
        // Each right alone, for Everyone, on an ancestor.
        for right in [
            WRITE_DATA,
            APPEND_DATA,
            DELETE_CHILD,
            DELETE,
            WRITE_DAC,
            WRITE_OWNER,
            GENERIC_WRITE,
            GENERIC_ALL,
        ] {
            let s = sec(SYSTEM, &[(0, 0, right, EVERYONE)]);
            assert!(
                check_chain_entry(&who, &s, Place::Ancestor).is_err(),
                "{right:#x}"
            );
        }
        // On the volume root only "create" rights are let through.
        let root = sec(SYSTEM, &[(0, 0, WRITE_DATA | APPEND_DATA, AUTH_USERS)]);
        check_chain_entry(&who, &root, Place::VolumeRoot).unwrap();
        let root = sec(SYSTEM, &[(0, 0, DELETE_CHILD, AUTH_USERS)]);
        assert!(check_chain_entry(&who, &root, Place::VolumeRoot).is_err());
        // An inherit-only grant does not apply; a callback allow entry does.
        let s = sec(SYSTEM, &[(0, OICI_IO, FULL, EVERYONE)]);
        check_chain_entry(&who, &s, Place::Ancestor).unwrap();
        let s = sec(SYSTEM, &[(9, 0, DELETE_CHILD, EVERYONE)]);
        assert!(check_chain_entry(&who, &s, Place::Ancestor).is_err());
        // A deny entry grants nothing; an unknown allow kind or no DACL at all is refused.
        let s = sec(SYSTEM, &[(1, 0, FULL, EVERYONE)]);
        check_chain_entry(&who, &s, Place::Ancestor).unwrap();
        let s = sec(SYSTEM, &[(4, 0, FULL, EVERYONE)]);
        assert!(check_chain_entry(&who, &s, Place::Ancestor).is_err());
        let s = Security {
            owner: sid(SYSTEM),
            dacl: None,
        };
        assert!(check_chain_entry(&who, &s, Place::Root).is_err());
        // Reading is fine for anyone.
        let s = sec(SYSTEM, &[(0, 0, RX | GENERIC_READ, EVERYONE)]);
        check_chain_entry(&who, &s, Place::Ancestor).unwrap();
    }

    #[test]
    fn the_request_file_and_its_directory() {
        let private_file = sec(
            USER,
            &[
                (0, 0, FULL, USER),
                (0, 0, FULL, SYSTEM),
                (0, 0, FULL, ADMINISTRATORS),
            ],
        );
        check_request_file(&private_file).unwrap();
        // Readable or writable by Users is refused, as a Unix request must be 0600; reading
        // attributes or the ACL is not.
        let readable = sec(USER, &[(0, 0, FULL, USER), (0, 0, RX, USERS)]);
        let e = check_request_file(&readable).unwrap_err();
        assert!(e.contains("Users") && e.contains("read data"), "{e}");
        let stat = sec(USER, &[(0, 0, FULL, USER), (0, 0, 0x0002_0080, EVERYONE)]);
        check_request_file(&stat).unwrap();
        for right in [
            READ_DATA,
            GENERIC_READ,
            WRITE_DATA,
            APPEND_DATA,
            DELETE,
            WRITE_DAC,
            WRITE_OWNER,
            GENERIC_WRITE,
        ] {
            let s = sec(USER, &[(0, 0, FULL, USER), (0, 0, right, AUTH_USERS)]);
            assert!(check_request_file(&s).is_err(), "{right:#x}");
        }
        // Written by another user: the owner's own grant is fine, the file is theirs (the
        // requester check then compares the owner).
        let theirs = sec(OTHER, &[(0, 0, FULL, OTHER)]);
        check_request_file(&theirs).unwrap();
        // The directory: same owner, nobody else adds or removes entries.
        let dir = sec(
            USER,
            &[
                (0, OICI, FULL, USER),
                (0, OICI, FULL, SYSTEM),
                (0, OICI, FULL, ADMINISTRATORS),
            ],
        );
        check_request_dir(&sid(USER), &dir).unwrap();
        let e = check_request_dir(&sid(OTHER), &dir).unwrap_err();
        assert!(e.contains("not to the request's owner"), "{e}");
        let shared = sec(USER, &[(0, OICI, FULL, USER), (0, 0, APPEND_DATA, USERS)]);
        assert!(check_request_dir(&sid(USER), &shared).is_err());
        let listable = sec(USER, &[(0, OICI, FULL, USER), (0, 0, RX, USERS)]);
        assert!(check_request_dir(&sid(USER), &listable).is_err());
        let shared = sec(
            USER,
            &[(0, OICI, FULL, USER), (0, 0, DELETE_CHILD, EVERYONE)],
        );
        assert!(check_request_dir(&sid(USER), &shared).is_err());
    }

    /// The entries the Windows tests (`sys::windows`) give real files and folders with
    /// `SetSecurityInfo`, which Wine ignores (they are skipped there): the same decisions on
    /// every OS.
    #[test]
    fn the_entries_the_windows_tests_set_are_refused() {
        let owner_only = (0, 0, FULL, USER);
        // "(A;;FA;;;WD)", "(A;;0x2;;;AU)", "(A;;FR;;;BU)", "(A;;SD;;;WD)" on the request.
        for (mask, who) in [
            (FULL, EVERYONE),
            (WRITE_DATA, AUTH_USERS),
            (FILE_GENERIC_READ, USERS),
            (DELETE, EVERYONE),
        ] {
            let s = sec(USER, &[owner_only, (0, 0, mask, who)]);
            assert!(check_request_file(&s).is_err(), "{mask:#x} {who}");
        }
        // "(A;;0x4;;;AU)", "(A;;0x2;;;WD)", "(A;;0x40;;;BU)", "(A;;FR;;;WD)" on its folder.
        for (mask, who) in [
            (APPEND_DATA, AUTH_USERS),
            (WRITE_DATA, EVERYONE),
            (DELETE_CHILD, USERS),
            (FILE_GENERIC_READ, EVERYONE),
        ] {
            let s = sec(USER, &[(0, OICI, FULL, USER), (0, 0, mask, who)]);
            assert!(
                check_request_dir(&sid(USER), &s).is_err(),
                "{mask:#x} {who}"
            );
        }
        // "(A;OICI;0x1301bf;;;AU)" on a folder above a cache.
        let s = sec(
            USER,
            &[(0, OICI, FULL, USER), (0, OICI, MODIFY, AUTH_USERS)],
        );
        let e = check_chain_entry(&sid(USER), &s, Place::Ancestor).unwrap_err();
        assert!(e.contains("Authenticated Users"), "{e}");
        // What Wine reports for a folder of mode 0755 (Everyone may list it): fine above a
        // cache, not for a request's folder.
        let wine = sec(
            USER,
            &[
                (0, OICI, FULL, SYSTEM),
                (0, OICI, FULL, USER),
                (0, OICI, RX, EVERYONE),
            ],
        );
        check_chain_entry(&sid(USER), &wine, Place::Ancestor).unwrap();
        let e = check_request_dir(&sid(USER), &wine).unwrap_err();
        assert!(e.contains("lets Everyone (S-1-1-0) list entries"), "{e}");
    }

    #[test]
    fn who_asked() {
        let (me, other) = (sid(USER), sid(OTHER));
        let admins = sid(ADMINISTRATORS);
        // Elevated: the request's owner, or me when the administration wrote it.
        assert_eq!(decide_requester(&me, true, Some(&other)), Ok(other.clone()));
        assert_eq!(decide_requester(&me, true, Some(&me)), Ok(me.clone()));
        assert_eq!(decide_requester(&me, true, Some(&admins)), Ok(me.clone()));
        assert!(decide_requester(&me, true, None).is_err());
        // Not elevated: me; a request of another user is refused.
        assert_eq!(decide_requester(&me, false, None), Ok(me.clone()));
        assert_eq!(decide_requester(&me, false, Some(&me)), Ok(me.clone()));
        assert_eq!(decide_requester(&me, false, Some(&admins)), Ok(me.clone()));
        let e = decide_requester(&me, false, Some(&other)).unwrap_err();
        assert!(e.contains(OTHER), "{e}");
    }

    #[test]
    fn profile_paths_expand_only_system_variables() {
        let win = r"C:\Windows";
        assert_eq!(
            expand_profile_path(r"%SystemDrive%\Users\zoë", win).unwrap(),
            r"C:\Users\zoë"
        );
        assert_eq!(
            expand_profile_path(r"%systemroot%\ServiceProfiles\LocalService", r"D:\WIN\").unwrap(),
            r"D:\WIN\ServiceProfiles\LocalService"
        );
        assert_eq!(
            expand_profile_path("E:\\Profiles\\u\0", win).unwrap(),
            r"E:\Profiles\u"
        );
        for bad in [
            r"%USERPROFILE%\x",
            r"%SystemDrive\Users\u",
            r"Users\u",
            r"\\server\share\u",
            "",
        ] {
            assert!(expand_profile_path(bad, win).is_err(), "{bad}");
        }
        assert!(expand_profile_path(r"%SystemDrive%\Users\u", "Windows").is_err());
    }

    #[test]
    fn profile_env_derives_the_folders() {
        let env = profile_env(r"C:\Users\u\");
        assert_eq!(
            env,
            [
                ("USERPROFILE", r"C:\Users\u".to_owned()),
                ("LOCALAPPDATA", r"C:\Users\u\AppData\Local".to_owned()),
                ("APPDATA", r"C:\Users\u\AppData\Roaming".to_owned()),
            ]
        );
        for (k, _) in env {
            assert!(PROFILE_VARS.contains(&k));
        }
    }

    #[test]
    fn private_sddl_grants_only_the_user_and_the_administration() {
        assert_eq!(
            private_sddl(&sid(USER), false),
            format!("D:P(A;;FA;;;{USER})(A;;FA;;;SY)(A;;FA;;;BA)")
        );
        assert_eq!(
            private_sddl(&sid(USER), true),
            format!("D:P(A;OICI;FA;;;{USER})(A;OICI;FA;;;SY)(A;OICI;FA;;;BA)")
        );
    }

    #[test]
    fn attributes() {
        check_attributes(0x20, false).unwrap();
        check_attributes(ATTR_DIRECTORY, true).unwrap();
        assert!(check_attributes(ATTR_REPARSE_POINT | 0x20, false).is_err());
        assert!(check_attributes(ATTR_REPARSE_POINT | ATTR_DIRECTORY, true).is_err());
        assert!(check_attributes(ATTR_DIRECTORY, false).is_err());
        assert!(check_attributes(0x20, true).is_err());
    }
}
