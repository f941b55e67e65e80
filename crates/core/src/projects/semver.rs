//! Go's semantic version ordering, re-exported from [`crate::semver`] (one implementation for
//! the whole core); the tests here pin the orderings project selection relies on.

pub use crate::semver::{compare, is_valid, sort_cmp};

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

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
