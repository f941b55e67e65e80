//! Go's semantic version ordering (`golang.org/x/mod/semver`): `vMAJOR[.MINOR[.PATCH]]`
//! with optional `-prerelease` and `+build`. `v1` and `v1.2` are shorthands for `v1.0.0` and
//! `v1.2.0`; build metadata (such as `+incompatible`) is ignored when comparing;
//! pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`) are pre-releases and sort as such.

use std::cmp::Ordering;

/// A parsed version; borrowed from the input string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Parsed<'a> {
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    prerelease: &'a str,
}

/// Whether `v` is a valid Go semantic version (`semver.IsValid`).
pub fn is_valid(v: &str) -> bool {
    parse(v).is_some()
}

/// Compares two versions as `semver.Compare` does: an invalid version is less than any valid
/// one and all invalid versions are equal; build metadata is ignored.
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

/// A total order for sorting: [`compare`], then the plain strings (as Go's `semver.Sort`
/// does), so `v2.0.0` and `v2.0.0+incompatible` have a stable order.
pub fn sort_cmp(a: &str, b: &str) -> Ordering {
    compare(a, b).then_with(|| a.cmp(b))
}

fn parse(v: &str) -> Option<Parsed<'_>> {
    let rest = v.strip_prefix('v')?;
    let (major, mut rest) = take_num(rest)?;
    let mut p = Parsed {
        major,
        minor: "0",
        patch: "0",
        prerelease: "",
    };
    if rest.is_empty() {
        return Some(p);
    }
    rest = rest.strip_prefix('.')?;
    let (minor, r) = take_num(rest)?;
    p.minor = minor;
    rest = r;
    if rest.is_empty() {
        return Some(p);
    }
    rest = rest.strip_prefix('.')?;
    let (patch, r) = take_num(rest)?;
    p.patch = patch;
    rest = r;
    if let Some(r) = rest.strip_prefix('-') {
        let end = r.find('+').unwrap_or(r.len());
        let pre = &r[..end];
        if !idents_ok(pre, true) {
            return None;
        }
        p.prerelease = &rest[..=end];
        rest = &r[end..];
    }
    if let Some(build) = rest.strip_prefix('+') {
        if !idents_ok(build, false) {
            return None;
        }
        rest = "";
    }
    rest.is_empty().then_some(p)
}

/// A decimal number without leading zeros ("0" allowed) at the start of `s`.
fn take_num(s: &str) -> Option<(&str, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let num = &s[..end];
    if num.is_empty() || (num.len() > 1 && num.starts_with('0')) {
        return None;
    }
    Some((num, &s[end..]))
}

/// Dot-separated non-empty identifiers of `[0-9A-Za-z-]`; in a pre-release, numeric
/// identifiers must not have leading zeros.
fn idents_ok(s: &str, prerelease: bool) -> bool {
    s.split('.').all(|id| {
        !id.is_empty()
            && id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
            && !(prerelease && is_num(id) && id.len() > 1 && id.starts_with('0'))
    })
}

fn is_num(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Compares decimal strings without leading zeros: longer is larger, then lexically.
fn cmp_num(a: &str, b: &str) -> Ordering {
    a.len().cmp(&b.len()).then_with(|| a.cmp(b))
}

/// Compares pre-release parts (`""` or `-a.b.c`): no pre-release is greater than any.
fn cmp_prerelease(a: &str, b: &str) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        (false, false) => {}
    }
    let mut xs = a[1..].split('.');
    let mut ys = b[1..].split('.');
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return Ordering::Equal,
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(x), Some(y)) => {
                let ord = match (is_num(x), is_num(y)) {
                    (true, true) => cmp_num(x, y),
                    (true, false) => Ordering::Less,
                    (false, true) => Ordering::Greater,
                    (false, false) => x.cmp(y),
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_matches_x_mod_semver() {
        for ok in [
            "v0.0.0",
            "v1",
            "v1.2",
            "v1.2.3",
            "v1.2.3-pre",
            "v1.2.3-pre.1.x-y",
            "v1.2.3+build.5",
            "v1.2.3-0.20191109021931-daa7c04131f5",
            "v2.0.0+incompatible",
            "v0.0.1-go1.21.3.linux-amd64",
            "v10.20.30",
        ] {
            assert!(is_valid(ok), "{ok} should be valid");
        }
        for bad in [
            "",
            "v",
            "1.2.3",
            "v01.2.3",
            "v1.02.3",
            "v1.2.03",
            "v1.2-pre",
            "v1+build",
            "v1.2.3-",
            "v1.2.3-01",
            "v1.2.3-a..b",
            "v1.2.3+",
            "v1.2.3+a_b",
            "v1.2.3.4",
            "v1.2.3 ",
            "va.b.c",
            "v1.2.3-pre+",
        ] {
            assert!(!is_valid(bad), "{bad:?} should be invalid");
        }
    }

    /// The precedence example of semver.org §11, plus Go specifics, in ascending order.
    #[test]
    fn known_ascending_orderings() {
        let ascending = [
            "bad",
            "v0.0.0-20180101000000-aaaaaaaaaaaa",
            "v0.0.0-20191109021931-daa7c04131f5",
            "v0.0.0",
            "v0.0.1-go1.9.0.linux-amd64",
            "v0.0.1-go1.21.0.linux-amd64",
            "v0.0.1-go1.21.3.linux-amd64",
            "v0.1.0",
            "v0.9.0",
            "v0.10.0",
            "v1.0.0-0.20200101000000-bbbbbbbbbbbb",
            "v1.0.0-RC1",
            "v1.0.0-alpha",
            "v1.0.0-alpha.1",
            "v1.0.0-alpha.beta",
            "v1.0.0-beta",
            "v1.0.0-beta.2",
            "v1.0.0-beta.11",
            "v1.0.0-rc.1",
            "v1.0.0",
            "v1.0.1-0.20200101000000-cccccccccccc",
            "v1.0.1",
            "v1.2.0",
            "v1.10.0",
            "v2.0.0-rc1",
            "v2.0.0+incompatible",
            "v2.1.0+incompatible",
            "v10.0.0",
        ];
        for (i, a) in ascending.iter().enumerate() {
            assert_eq!(compare(a, a), Ordering::Equal, "{a}");
            for b in &ascending[i + 1..] {
                assert_eq!(compare(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(compare(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
        let mut shuffled: Vec<&str> = ascending.iter().rev().copied().collect();
        shuffled.swap(0, 7);
        shuffled.sort_by(|a, b| sort_cmp(a, b));
        assert_eq!(shuffled, ascending);
    }

    #[test]
    fn shorthands_builds_and_invalids_compare_equal() {
        assert_eq!(compare("v1", "v1.0.0"), Ordering::Equal);
        assert_eq!(compare("v1.2", "v1.2.0"), Ordering::Equal);
        assert_eq!(compare("v2.0.0+incompatible", "v2.0.0"), Ordering::Equal);
        assert_eq!(compare("v1.0.0+a", "v1.0.0+b"), Ordering::Equal);
        assert_eq!(compare("junk", "v"), Ordering::Equal);
        assert_eq!(compare("junk", "v0.0.0-0"), Ordering::Less);
        // The total order still separates them, deterministically.
        assert_eq!(sort_cmp("v2.0.0", "v2.0.0+incompatible"), Ordering::Less);
        // Numeric identifiers compare numerically, beyond u64.
        assert_eq!(
            compare(
                "v1.0.0-99999999999999999999999",
                "v1.0.0-100000000000000000000000"
            ),
            Ordering::Less
        );
        assert_eq!(
            compare("v99999999999999999999.0.0", "v3.0.0"),
            Ordering::Greater
        );
    }
}
