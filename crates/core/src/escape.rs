//! Go's `!` case-encoding of module paths and versions in the module cache
//! (`golang.org/x/mod/module` `EscapePath`/`UnescapePath`): every ASCII upper-case letter `X`
//! is stored as `!x`, so `github.com/BurntSushi/toml` lives in `github.com/!burnt!sushi/toml`.

use crate::{Error, Result};

/// Escapes a module path or version for use as a file name in the module cache.
///
/// # Errors
/// [`Error::BadEscape`] when the input contains `!` or non-ASCII characters, which Go rejects.
pub fn escape(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len() + 4);
    for c in s.chars() {
        if c == '!' || !c.is_ascii() {
            return Err(Error::BadEscape(s.to_owned()));
        }
        if c.is_ascii_uppercase() {
            out.push('!');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    Ok(out)
}

/// Reverses [`escape`]: `!x` becomes `X`.
///
/// # Errors
/// [`Error::BadEscape`] for a `!` not followed by a lower-case ASCII letter, a trailing `!`,
/// a raw upper-case letter, or non-ASCII input, as Go's `UnescapePath` does.
pub fn unescape(s: &str) -> Result<String> {
    let mut out = String::with_capacity(s.len());
    let mut bang = false;
    for c in s.chars() {
        if !c.is_ascii() || c.is_ascii_uppercase() {
            return Err(Error::BadEscape(s.to_owned()));
        }
        if bang {
            if !c.is_ascii_lowercase() {
                return Err(Error::BadEscape(s.to_owned()));
            }
            out.push(c.to_ascii_uppercase());
            bang = false;
        } else if c == '!' {
            bang = true;
        } else {
            out.push(c);
        }
    }
    if bang {
        return Err(Error::BadEscape(s.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_mixed_case() {
        let cases = [
            ("github.com/BurntSushi/toml", "github.com/!burnt!sushi/toml"),
            ("v1.0.0-RC1", "v1.0.0-!r!c1"),
            ("golang.org/x/text", "golang.org/x/text"),
        ];
        for (plain, escaped) in cases {
            assert_eq!(escape(plain).ok().as_deref(), Some(escaped));
            assert_eq!(unescape(escaped).ok().as_deref(), Some(plain));
        }
    }

    #[test]
    fn rejects_what_go_rejects() {
        assert!(escape("a!b").is_err());
        assert!(escape("caf\u{e9}").is_err());
        assert!(unescape("abc!").is_err());
        assert!(unescape("a!1").is_err());
        assert!(unescape("a!B").is_err());
        assert!(unescape("aB").is_err());
    }
}
