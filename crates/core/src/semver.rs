//! Go's semantic versions (`golang.org/x/mod/semver`): validity, canonical form and ordering.
//! `vMAJOR[.MINOR[.PATCH]]` with optional `-prerelease` and `+build`; `v1` and `v1.2` are
//! shorthands for `v1.0.0` and `v1.2.0`; build metadata (such as `+incompatible`) is ignored
//! when comparing; pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases.
//! Used by the clean engine (rewriting `@v/list`) and by project selection (keep latest N).

use std::cmp::Ordering;

/// A parsed version: `major.minor.patch`, the pre-release (with its `-`), the build suffix
/// (with its `+`), and whether a short form (`v1`, `v1.2`) was used.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    prerelease: &'a str,
    build: &'a str,
    short: bool,
}

fn num(s: &str) -> Option<(&str, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || (end > 1 && s.starts_with('0')) {
        return None;
    }
    Some(s.split_at(end))
}

fn idents_ok(s: &str, numeric_rule: bool) -> bool {
    s.split('.').all(|id| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(numeric_rule
                && id.len() > 1
                && id.starts_with('0')
                && id.bytes().all(|b| b.is_ascii_digit()))
    })
}

fn parse(v: &str) -> Option<Parsed<'_>> {
    let rest = v.strip_prefix('v')?;
    let (major, rest) = num(rest)?;
    if rest.is_empty() {
        return Some(Parsed {
            major,
            minor: "0",
            patch: "0",
            prerelease: "",
            build: "",
            short: true,
        });
    }
    let (minor, rest) = num(rest.strip_prefix('.')?)?;
    if rest.is_empty() {
        return Some(Parsed {
            major,
            minor,
            patch: "0",
            prerelease: "",
            build: "",
            short: true,
        });
    }
    let (patch, mut rest) = num(rest.strip_prefix('.')?)?;
    let mut prerelease = "";
    if rest.starts_with('-') {
        let end = rest.find('+').unwrap_or(rest.len());
        prerelease = &rest[..end];
        if !idents_ok(&prerelease[1..], true) {
            return None;
        }
        rest = &rest[end..];
    }
    let mut build = "";
    if rest.starts_with('+') {
        build = rest;
        if !idents_ok(&build[1..], false) {
            return None;
        }
        rest = "";
    }
    if !rest.is_empty() {
        return None;
    }
    Some(Parsed {
        major,
        minor,
        patch,
        prerelease,
        build,
        short: false,
    })
}

/// `module.CanonicalVersion`: `semver.Canonical` plus a kept `+incompatible` suffix; `None`
/// for an invalid version.
pub fn canonical_module_version(v: &str) -> Option<String> {
    let p = parse(v)?;
    let mut out = format!("v{}.{}.{}{}", p.major, p.minor, p.patch, p.prerelease);
    if p.build == "+incompatible" {
        out.push_str("+incompatible");
    }
    let _ = p.short;
    Some(out)
}

fn cmp_num(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

fn cmp_prerelease(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    let mut ia = a[1..].split('.');
    let mut ib = b[1..].split('.');
    loop {
        match (ia.next(), ib.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let nx = x.bytes().all(|c| c.is_ascii_digit());
                let ny = y.bytes().all(|c| c.is_ascii_digit());
                let o = match (nx, ny) {
                    (true, true) => cmp_num(x, y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
    }
}

/// Whether `v` is a valid Go semantic version (`semver.IsValid`).
pub fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// A total order for sorting: [`compare`], then the plain strings (as Go's `semver.Sort`
/// does), so `v2.0.0` and `v2.0.0+incompatible` have a stable order.
pub fn sort_cmp(a: &str, b: &str) -> Ordering {
    compare(a, b).then_with(|| a.cmp(b))
}

/// `semver.Compare`: invalid versions are equal to each other and below every valid one.
pub fn compare(a: &str, b: &str) -> Ordering {
    match (parse(a), parse(b)) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => cmp_num(x.major, y.major)
            .then_with(|| cmp_num(x.minor, y.minor))
            .then_with(|| cmp_num(x.patch, y.patch))
            .then_with(|| cmp_prerelease(x.prerelease, y.prerelease)),
    }
}

/// `semver.Sort`: by [`compare`], ties broken by the strings ([`sort_cmp`]).
pub fn sort(list: &mut [String]) {
    list.sort_by(|a, b| sort_cmp(a, b));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_forms() {
        assert_eq!(
            canonical_module_version("v1.2.3").as_deref(),
            Some("v1.2.3")
        );
        assert_eq!(canonical_module_version("v1.2").as_deref(), Some("v1.2.0"));
        assert_eq!(
            canonical_module_version("v2.0.0+incompatible").as_deref(),
            Some("v2.0.0+incompatible")
        );
        assert_eq!(
            canonical_module_version("v1.0.0+meta").as_deref(),
            Some("v1.0.0")
        );
        // Escaped upper case is not a valid pre-release: Go leaves it out of `list`.
        assert_eq!(canonical_module_version("v1.0.0-!r!c1"), None);
        assert_eq!(canonical_module_version("v01.0.0"), None);
        assert_eq!(canonical_module_version("1.0.0"), None);
        assert_eq!(canonical_module_version("v1.0.0-01"), None);
    }

    #[test]
    fn ordering_follows_semver() {
        let mut v: Vec<String> = [
            "v1.10.0",
            "v1.2.0",
            "v1.2.0-rc.1",
            "v1.2.0-beta",
            "v1.2.0-rc.10",
            "v1.2.0-rc.2",
            "v0.0.0-20200101000000-abcdef123456",
            "bogus",
        ]
        .iter()
        .map(|s| (*s).to_owned())
        .collect();
        sort(&mut v);
        assert_eq!(
            v,
            [
                "bogus",
                "v0.0.0-20200101000000-abcdef123456",
                "v1.2.0-beta",
                "v1.2.0-rc.1",
                "v1.2.0-rc.2",
                "v1.2.0-rc.10",
                "v1.2.0",
                "v1.10.0"
            ]
        );
    }
}
