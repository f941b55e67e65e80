//! Go's rules for module paths, import paths and module versions, ported from
//! `golang.org/x/mod/module` (`module.go`: `CheckPath`, `CheckImportPath`, `checkPath`,
//! `checkElem`, `firstPathOK`, `pathOK`, `badWindowsNames`, `SplitPathVersion`,
//! `splitGopkgIn`, `MatchPathMajor`) and `golang.org/x/mod/semver` (through [`crate::semver`]).
//!
//! Text that comes from outside (a pasted `go` error, a URL, a request from the UI) is checked
//! with these functions before any part of it is used: a module path or version that Go itself
//! would reject is never put into a command or an action. The rules, as Go states them:
//!
//! * An **import path** ([`check_import_path`]) is one or more path elements separated by `/`;
//!   it must not begin or end with a slash, nor contain `//` or `..`. An element is non-empty,
//!   made of ASCII letters, digits and `+ - . _ ~`, does not begin or end with a dot and is not
//!   only dots; its prefix up to the first dot is not a Windows reserved name (`CON`, `com1`,
//!   `NuL`, ... in any case).
//! * A **module path** ([`check_path`]) is an import path whose first element (a domain name by
//!   convention) has only lower-case ASCII letters, digits, `.` and `-`, contains a dot and does
//!   not begin with `-`; a final `/vN` element must not start with a zero, must not be `/v1`
//!   and has no dots (`gopkg.in/` paths instead end in `.vN`, optionally `-unstable`).
//! * A **module version** ([`check_version`]) is canonical semver, as `module.Check` and the
//!   module cache require: `vMAJOR.MINOR.PATCH[-prerelease][+incompatible]` (pseudo-versions
//!   such as `v0.0.0-20191109021931-daa7c04131f5` are canonical pre-releases); the short forms
//!   `v1`, `v1.2` and other build suffixes are not canonical. [`check_version_query`] also
//!   accepts the version queries `latest`, `upgrade` and `patch` that `go get` and
//!   `go mod download` take after `@`.
//!
//! Every character these rules allow is plain in bash, PowerShell and cmd except `~` (a tilde
//! prefix in bash, a home prefix in PowerShell 7.4), so a valid module path almost always
//! appears bare in a command; commands still go through [`crate::quote`].

use thiserror::Error;

/// Why a module or import path is not valid (Go's wording).
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum PathError {
    /// The path is empty.
    #[error("empty string")]
    Empty,
    /// The path contains `..`.
    #[error("double dot")]
    DoubleDot,
    /// The path contains `//`.
    #[error("double slash")]
    DoubleSlash,
    /// The path ends with `/`.
    #[error("trailing slash")]
    TrailingSlash,
    /// The path starts with `/`.
    #[error("leading slash")]
    LeadingSlash,
    /// An element between slashes is empty.
    #[error("empty path element")]
    EmptyElement,
    /// An element is only dots.
    #[error("invalid path element {0:?}")]
    DotsElement(String),
    /// An element starts with a dot.
    #[error("leading dot in path element")]
    LeadingDot,
    /// An element ends with a dot.
    #[error("trailing dot in path element")]
    TrailingDot,
    /// A character outside ASCII letters, digits and `+ - . _ ~`.
    #[error("invalid char {0:?}")]
    InvalidChar(char),
    /// An element (up to its first dot) is a reserved file name on Windows.
    #[error("{0:?} disallowed as path element component on Windows")]
    WindowsReserved(String),
    /// The first element of a module path has no dot.
    #[error("missing dot in first path element")]
    MissingDot,
    /// The first element of a module path starts with `-`.
    #[error("leading dash in first path element")]
    LeadingDash,
    /// The first element of a module path has a character other than `a-z 0-9 . -`.
    #[error("invalid char {0:?} in first path element")]
    InvalidFirstChar(char),
    /// A bad major-version suffix (`/v1`, `/v01`, `/v2.0`, a gopkg.in path without `.vN`).
    #[error("invalid version")]
    BadMajorSuffix,
}

/// Why a version is not a valid module version.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VersionError {
    /// Not semver at all (`1.0.0`, `v1.0.0;rm`, a branch name).
    #[error("malformed semantic version {0:?}")]
    Malformed(String),
    /// Semver, but not in the canonical form Go records (`v1.2`, `v1.0.0+meta`).
    #[error("version {0:?} is not canonical (want {1:?})")]
    NotCanonical(String, String),
}

/// `firstPathOK`: a character of the first element of a module path.
fn first_path_ok(c: char) -> bool {
    c == '-' || c == '.' || c.is_ascii_digit() || c.is_ascii_lowercase()
}

/// `pathOK`: a character of an import path element.
fn path_ok(c: char) -> bool {
    matches!(c, '+' | '-' | '.' | '_' | '~') || c.is_ascii_alphanumeric()
}

/// `badWindowsNames`.
const BAD_WINDOWS_NAMES: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8",
    "COM9", "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `checkElem(elem, false)`.
fn check_elem(elem: &str) -> Result<(), PathError> {
    if elem.is_empty() {
        return Err(PathError::EmptyElement);
    }
    if elem.bytes().all(|b| b == b'.') {
        return Err(PathError::DotsElement(elem.to_owned()));
    }
    if elem.starts_with('.') {
        return Err(PathError::LeadingDot);
    }
    if elem.ends_with('.') {
        return Err(PathError::TrailingDot);
    }
    if let Some(c) = elem.chars().find(|&c| !path_ok(c)) {
        return Err(PathError::InvalidChar(c));
    }
    let short = elem.split('.').next().unwrap_or(elem);
    if BAD_WINDOWS_NAMES
        .iter()
        .any(|bad| bad.eq_ignore_ascii_case(short))
    {
        return Err(PathError::WindowsReserved(short.to_owned()));
    }
    Ok(())
}

/// `checkPath(path, false)`: the rules shared by import and module paths.
fn check_general(path: &str) -> Result<(), PathError> {
    if path.is_empty() {
        return Err(PathError::Empty);
    }
    if path.contains("..") {
        return Err(PathError::DoubleDot);
    }
    if path.contains("//") {
        return Err(PathError::DoubleSlash);
    }
    if path.ends_with('/') {
        return Err(PathError::TrailingSlash);
    }
    path.split('/').try_for_each(check_elem)
}

/// `module.CheckImportPath`: whether `path` is a valid import (package) path.
///
/// # Errors
/// The first rule the path breaks.
pub fn check_import_path(path: &str) -> Result<(), PathError> {
    check_general(path)
}

/// `module.CheckPath`: whether `path` is a valid module path.
///
/// # Errors
/// The first rule the path breaks.
pub fn check_path(path: &str) -> Result<(), PathError> {
    check_general(path)?;
    let first = path.split('/').next().unwrap_or(path);
    if first.is_empty() {
        return Err(PathError::LeadingSlash);
    }
    if !first.contains('.') {
        return Err(PathError::MissingDot);
    }
    if path.starts_with('-') {
        return Err(PathError::LeadingDash);
    }
    if let Some(c) = first.chars().find(|&c| !first_path_ok(c)) {
        return Err(PathError::InvalidFirstChar(c));
    }
    if split_path_version(path).is_none() {
        return Err(PathError::BadMajorSuffix);
    }
    Ok(())
}

/// `module.SplitPathVersion`: `(prefix, pathMajor)` with `pathMajor` empty or `/vN` (N >= 2),
/// or `.vN[-unstable]` for gopkg.in; `None` when the last element breaks those rules
/// (`example.com/pkg/v1`, `example.com/pkg/v1.2`).
pub fn split_path_version(path: &str) -> Option<(&str, &str)> {
    if path.starts_with("gopkg.in/") {
        return split_gopkg_in(path);
    }
    let b = path.as_bytes();
    let mut i = b.len();
    let mut dot = false;
    while i > 0 && matches!(b.get(i - 1), Some(c) if c.is_ascii_digit() || *c == b'.') {
        if b.get(i - 1) == Some(&b'.') {
            dot = true;
        }
        i -= 1;
    }
    if i <= 1 || i == b.len() || b.get(i - 1) != Some(&b'v') || b.get(i - 2) != Some(&b'/') {
        return Some((path, ""));
    }
    let (prefix, major) = path.split_at(i - 2);
    if dot || major.len() <= 2 || major.as_bytes().get(2) == Some(&b'0') || major == "/v1" {
        return None;
    }
    Some((prefix, major))
}

/// `splitGopkgIn`.
fn split_gopkg_in(path: &str) -> Option<(&str, &str)> {
    let b = path.as_bytes();
    let mut i = b.len();
    if path.ends_with("-unstable") {
        i -= "-unstable".len();
    }
    while i > 0 && b.get(i - 1).is_some_and(u8::is_ascii_digit) {
        i -= 1;
    }
    if i <= 1 || b.get(i - 1) != Some(&b'v') || b.get(i - 2) != Some(&b'.') {
        return None;
    }
    let (prefix, major) = path.split_at(i - 2);
    if major.len() <= 2 || major.as_bytes().get(2) == Some(&b'0') && major != ".v0" {
        return None;
    }
    Some((prefix, major))
}

/// `module.MatchPathMajor`: whether version `v` fits the path's major suffix (`""` allows v0,
/// v1 and `+incompatible`).
pub fn match_path_major(v: &str, path_major: &str) -> bool {
    let path_major = if path_major.starts_with(".v") {
        path_major.strip_suffix("-unstable").unwrap_or(path_major)
    } else {
        path_major
    };
    if v.starts_with("v0.0.0-") && path_major == ".v1" {
        return true;
    }
    let major = v
        .strip_prefix('v')
        .and_then(|r| r.split(['.', '-', '+']).next())
        .map(|m| format!("v{m}"))
        .unwrap_or_default();
    if path_major.is_empty() {
        return major == "v0" || major == "v1" || v.ends_with("+incompatible");
    }
    path_major.get(1..) == Some(major.as_str())
}

/// Whether `v` is a module version as Go records it: canonical semver with an optional
/// `+incompatible` (`module.CanonicalVersion(v) == v`), pseudo-versions included.
///
/// # Errors
/// [`VersionError::Malformed`] for anything that is not semver, [`VersionError::NotCanonical`]
/// for a short or otherwise non-canonical form.
pub fn check_version(v: &str) -> Result<(), VersionError> {
    match crate::semver::canonical_module_version(v) {
        None => Err(VersionError::Malformed(v.to_owned())),
        Some(c) if c != v => Err(VersionError::NotCanonical(v.to_owned(), c)),
        Some(_) => Ok(()),
    }
}

/// [`check_version`], or one of the version queries `latest`, `upgrade`, `patch` (what
/// `go get m@X` and `go mod download m@X` accept besides versions).
///
/// # Errors
/// As [`check_version`].
pub fn check_version_query(v: &str) -> Result<(), VersionError> {
    if matches!(v, "latest" | "upgrade" | "patch") {
        return Ok(());
    }
    check_version(v)
}

/// `module.Check` without the major-version match: a valid module path and a valid module
/// version (or query). Both are safe to use as command arguments.
pub fn is_module_version(path: &str, version: &str) -> bool {
    check_path(path).is_ok() && check_version_query(version).is_ok()
}

/// `base` with the `/`-separated `rel` (an escaped module path, `cache/download`, a path
/// relative to a cache root) pushed element by element, so the result is written with the
/// OS's own separator only (`Path::join("example.com/m@v1.0.0")` leaves the `/` in on
/// Windows: `C:\\mod\\example.com/m@v1.0.0`). Empty and `.` elements are skipped. When an
/// element is not one plain file name (on Windows a `C:` would replace `base`), the string
/// is joined as a whole, as before.
pub(crate) fn join_slashed(base: &std::path::Path, rel: &str) -> std::path::PathBuf {
    use std::path::{Component, Path};
    let elems: Vec<&str> = rel
        .split('/')
        .filter(|e| !e.is_empty() && *e != ".")
        .collect();
    let plain = elems.iter().all(|e| {
        let mut c = Path::new(e).components();
        matches!((c.next(), c.next()), (Some(Component::Normal(n)), None) if n == *e)
    });
    if !plain {
        return base.join(rel);
    }
    let mut out = base.to_path_buf();
    for e in elems {
        out.push(e);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases from golang.org/x/mod/module's module_test.go (checkPathTests) and the attack of
    /// issue #12.
    #[test]
    fn module_paths_as_go_checks_them() {
        for ok in [
            "x.y/z",
            "x.y",
            "github.com/BurntSushi/toml",
            "example.com/BurntSushi/Toml",
            "x.y/z/v2",
            "x.y/z/v22",
            "x.y/z/v2/w",
            "x.y/-~_+",
            "gopkg.in/yaml.v2",
            "gopkg.in/check.v1",
            "gopkg.in/x.v0",
            "gopkg.in/x.v2-unstable",
            "x.y/z.go",
            "x.y/com",
            "x.y/con1",
            "x.y/comt",
            "x.y/lpt0",
            "golang.org/x/tools",
        ] {
            assert_eq!(check_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "x",
            "x/y",
            "/x.y",
            "x.y/",
            "x.y//z",
            "x.y/../z",
            "x..y/z",
            "x.y/.z",
            "x.y/z.",
            "x.y/...",
            "X.y/z",
            "-x.y/z",
            "x_y.z/w",
            "x.y/z/v1",
            "x.y/z/v0",
            "x.y/z/v05",
            "x.y/z/v2.0",
            "gopkg.in/yaml",
            "gopkg.in/yaml.v02",
            "x.y/con",
            "x.y/CON",
            "x.y/con.go",
            "x.y/nul.txt",
            "x.y/Lpt1",
            "x.y/z y",
            "x.y/z\u{e9}",
            "x.y/z\\w",
            "x.y/z:w",
            "x.y/z@v",
            "example.com/m;touch${IFS}x",
            "example.com/$(id)",
            "example.com/`id`",
            "example.com/a|b",
            "example.com/a&&b",
            "example.com/a\nb",
            "example.com/it's",
            "example.com/\u{2018}x\u{2019}",
            "example.com/%PATH%",
            "example.com/a!b",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(check_path("x.y/z;w"), Err(PathError::InvalidChar(';')));
        assert_eq!(check_path("x/y.z"), Err(PathError::MissingDot));
        assert_eq!(
            check_path("x.y/aux.c"),
            Err(PathError::WindowsReserved("aux".into()))
        );
    }

    #[test]
    fn import_paths_need_no_dot() {
        for ok in ["fmt", "net/http", "x/y", "example.com/m/pkg", "a+b/c~d"] {
            assert_eq!(check_import_path(ok), Ok(()), "{ok}");
        }
        for bad in [
            "", "/fmt", "fmt/", "a//b", "a/../b", "a/.b", "a;b", "a$(b)", "prn",
        ] {
            assert!(check_import_path(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn path_major_versions() {
        assert_eq!(split_path_version("x.y/z/v2"), Some(("x.y/z", "/v2")));
        assert_eq!(split_path_version("x.y/z"), Some(("x.y/z", "")));
        assert_eq!(split_path_version("x.y/z/v1"), None);
        assert_eq!(
            split_path_version("gopkg.in/yaml.v2"),
            Some(("gopkg.in/yaml", ".v2"))
        );
        assert!(match_path_major("v2.0.0", "/v2"));
        assert!(!match_path_major("v2.0.0", ""));
        assert!(match_path_major("v2.0.0+incompatible", ""));
        assert!(match_path_major("v1.5.0", ""));
        assert!(match_path_major(
            "v0.0.0-20161208181325-20d25e280405",
            ".v1"
        ));
        assert!(match_path_major("v2.1.0", ".v2-unstable"));
    }

    #[test]
    fn versions_are_canonical_semver() {
        for ok in [
            "v0.0.0",
            "v1.2.3",
            "v1.0.0-rc.1",
            "v1.0.0-RC1",
            "v2.0.0+incompatible",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v1.2.4-0.20191109021931-daa7c04131f5",
        ] {
            assert_eq!(check_version(ok), Ok(()), "{ok}");
        }
        for bad in [
            "",
            "1.0.0",
            "v1",
            "v1.2",
            "v1.0.0+meta",
            "v01.0.0",
            "v1.0.0-01",
            "latest",
            "master",
            "v1.0.0;touch${IFS}x",
            "v1.0.0$(id)",
            "v1.0.0 x",
            "v1.0.0\n",
        ] {
            assert!(check_version(bad).is_err(), "{bad:?} accepted");
        }
        assert_eq!(check_version_query("latest"), Ok(()));
        assert_eq!(check_version_query("patch"), Ok(()));
        assert!(check_version_query("none").is_err());
        assert!(is_module_version("example.com/m", "v1.0.0"));
        assert!(!is_module_version("example.com/m;id", "v1.0.0"));
    }

    #[test]
    fn join_slashed_pushes_each_element_with_the_native_separator() {
        use std::path::{Component, MAIN_SEPARATOR_STR, Path};
        let root = std::env::temp_dir().join("mod");
        let p = join_slashed(&root, "cache/download/example.com/!m/@v");
        let mut want: Vec<Component<'_>> = root.components().collect();
        for e in ["cache", "download", "example.com", "!m", "@v"] {
            want.push(Component::Normal(e.as_ref()));
        }
        assert_eq!(p.components().collect::<Vec<_>>(), want);
        // Written with the OS's separator only.
        let s = p.display().to_string();
        let tail = ["cache", "download", "example.com", "!m", "@v"].join(MAIN_SEPARATOR_STR);
        assert_eq!(
            s,
            format!("{}{MAIN_SEPARATOR_STR}{tail}", root.display()),
            "{s}"
        );
        assert_eq!(join_slashed(&root, "a//./b/"), root.join("a").join("b"));
        assert_eq!(join_slashed(&root, ""), root);
        // An element that is not a plain name falls back to the whole-string join.
        assert_eq!(
            join_slashed(Path::new("r"), "a/../b"),
            Path::new("r").join("a/../b")
        );
    }
}
