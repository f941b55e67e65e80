//! Serde helpers that carry any path through JSON, including names that are not valid UTF-8
//! (serde's own `Path` serializer fails on them, which used to lose the audit entry and the
//! `--json` output of a clean that had already deleted such a file).
//!
//! A path that is valid UTF-8 is written as a plain JSON string, exactly as before, so front
//! ends that read paths as strings see no change. Any other path is written as an object
//!
//! ```json
//! {"lossy": "/cache/bad\ufffd.go", "unix_bytes_hex": "2f63616368652f626164ff2e676f"}
//! ```
//!
//! `lossy` is the name with each invalid sequence replaced by U+FFFD (for display) and the
//! second field holds the exact name: on Unix `unix_bytes_hex`, the raw bytes in lowercase
//! hex; on Windows `windows_wide_hex`, the UTF-16 code units (4 hex digits each, big-endian
//! digits per unit). Reading accepts both forms; an object whose exact field does not fit this
//! OS (or is malformed) falls back to `lossy`, so a log written on another OS still reads.
//!
//! Use with `#[serde(with = "crate::pathser")]` on a `PathBuf` field,
//! `#[serde(with = "crate::pathser::option")]` on an `Option<PathBuf>` and
//! `#[serde(with = "crate::pathser::vec")]` on a `Vec<PathBuf>`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[cfg(unix)]
mod unix;
#[cfg(windows)]
mod windows;
// Make every OS file visible to rustfmt on any host (the sysinfo trick).
#[cfg(any())]
mod unix;
#[cfg(any())]
mod windows;

#[cfg(unix)]
use unix as host;
#[cfg(windows)]
use windows as host;

/// The JSON form of a path: a plain string, or the object described in the module docs.
#[derive(Serialize, Deserialize)]
#[serde(untagged)]
enum Repr {
    Plain(String),
    Raw {
        lossy: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        unix_bytes_hex: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        windows_wide_hex: Option<String>,
    },
}

fn hex_digit(n: u8) -> char {
    char::from(b"0123456789abcdef"[usize::from(n & 15)])
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    s.as_bytes()
        .chunks(2)
        .map(|p| {
            let hi = char::from(*p.first()?).to_digit(16)?;
            let lo = char::from(*p.get(1)?).to_digit(16)?;
            u8::try_from(hi * 16 + lo).ok()
        })
        .collect()
}

fn to_repr(p: &Path) -> Repr {
    match p.to_str() {
        Some(s) => Repr::Plain(s.to_owned()),
        None => {
            let (unix_bytes_hex, windows_wide_hex) = host::exact(p);
            Repr::Raw {
                lossy: p.to_string_lossy().into_owned(),
                unix_bytes_hex,
                windows_wide_hex,
            }
        }
    }
}

fn from_repr(r: Repr) -> PathBuf {
    match r {
        Repr::Plain(s) => PathBuf::from(s),
        Repr::Raw {
            lossy,
            unix_bytes_hex,
            windows_wide_hex,
        } => host::from_exact(unix_bytes_hex.as_deref(), windows_wide_hex.as_deref())
            .map_or_else(|| PathBuf::from(lossy), PathBuf::from),
    }
}

/// Serializes a path (see the module docs).
///
/// # Errors
/// Only the serializer's own errors.
pub fn serialize<S: Serializer>(p: &Path, s: S) -> Result<S::Ok, S::Error> {
    to_repr(p).serialize(s)
}

/// Deserializes a path written by [`serialize`] (or a plain string).
///
/// # Errors
/// The value is neither a string nor the object form.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<PathBuf, D::Error> {
    Repr::deserialize(d).map(from_repr)
}

/// The same for `Option<PathBuf>` (`null` when absent).
pub mod option {
    use super::{Deserialize, Deserializer, PathBuf, Repr, Serialize, Serializer};

    /// Serializes an optional path.
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer>(p: &Option<PathBuf>, s: S) -> Result<S::Ok, S::Error> {
        p.as_deref().map(super::to_repr).serialize(s)
    }

    /// Deserializes an optional path.
    ///
    /// # Errors
    /// The value is neither `null`, a string nor the object form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<PathBuf>, D::Error> {
        Option::<Repr>::deserialize(d).map(|o| o.map(super::from_repr))
    }
}

/// The same for `Vec<PathBuf>`.
pub mod vec {
    use super::{Deserialize, Deserializer, PathBuf, Repr, Serialize, Serializer};

    /// Serializes a list of paths.
    ///
    /// # Errors
    /// Only the serializer's own errors.
    pub fn serialize<S: Serializer>(p: &[PathBuf], s: S) -> Result<S::Ok, S::Error> {
        p.iter()
            .map(|p| super::to_repr(p))
            .collect::<Vec<_>>()
            .serialize(s)
    }

    /// Deserializes a list of paths.
    ///
    /// # Errors
    /// An element is neither a string nor the object form.
    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<PathBuf>, D::Error> {
        Vec::<Repr>::deserialize(d).map(|v| v.into_iter().map(super::from_repr).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct T {
        #[serde(with = "crate::pathser")]
        p: PathBuf,
        #[serde(with = "crate::pathser::option")]
        o: Option<PathBuf>,
        #[serde(with = "crate::pathser::vec")]
        v: Vec<PathBuf>,
    }

    #[test]
    fn utf8_paths_stay_plain_strings() {
        let t = T {
            p: PathBuf::from("/cache/a.go"),
            o: None,
            v: vec![PathBuf::from("x")],
        };
        let j = serde_json::to_string(&t).unwrap();
        assert_eq!(j, r#"{"p":"/cache/a.go","o":null,"v":["x"]}"#);
        assert_eq!(serde_json::from_str::<T>(&j).unwrap(), t);
    }

    #[cfg(unix)]
    #[test]
    fn non_utf8_paths_round_trip_exactly() {
        use std::ffi::OsString;
        use std::os::unix::ffi::OsStringExt;
        let bad = PathBuf::from(OsString::from_vec(b"/c/bad\xff.go".to_vec()));
        // serde's own serializer refuses it: the failure this module exists for.
        assert!(serde_json::to_string(&bad).is_err());
        let t = T {
            p: bad.clone(),
            o: Some(bad.clone()),
            v: vec![bad.clone(), PathBuf::from("ok")],
        };
        let j = serde_json::to_string(&t).unwrap();
        let v: serde_json::Value = serde_json::from_str(&j).unwrap();
        assert_eq!(v["p"]["lossy"], "/c/bad\u{fffd}.go");
        assert_eq!(v["p"]["unix_bytes_hex"], "2f632f626164ff2e676f");
        assert_eq!(v["v"][1], "ok");
        assert_eq!(serde_json::from_str::<T>(&j).unwrap(), t);
    }

    #[test]
    fn a_foreign_or_broken_exact_field_falls_back_to_lossy() {
        let j = r#"{"p":{"lossy":"a\ufffd","windows_wide_hex":"zz"},"o":{"lossy":"b","unix_bytes_hex":"6"},"v":[]}"#;
        let t: T = serde_json::from_str(j).unwrap();
        #[cfg(unix)]
        assert_eq!(t.p, PathBuf::from("a\u{fffd}"));
        assert_eq!(t.o, Some(PathBuf::from("b")));
        assert!(serde_json::from_str::<T>(r#"{"p":1,"o":null,"v":[]}"#).is_err());
    }
}
