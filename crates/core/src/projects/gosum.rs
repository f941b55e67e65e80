//! Parser for `go.sum` (spec §4.4): `<path> <version>[/go.mod] <hash>` per line, split on
//! whitespace like Go's `strings.Fields`, exactly 3 fields, blank lines skipped.

use serde::Serialize;

use super::ParseError;

/// One `go.sum` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SumLine {
    /// Module path (unescaped, real case).
    pub path: String,
    /// Version, without the `/go.mod` suffix.
    pub version: String,
    /// `true` for a `<version>/go.mod` line: only the module's `go.mod` (the `.mod` and
    /// `.info` download files) is needed, not its zip or extracted tree.
    pub go_mod_only: bool,
    /// The hash (`h1:...`).
    pub hash: String,
    /// 1-based line number.
    pub line: usize,
}

/// Parses a `go.sum` file's text.
///
/// # Errors
/// [`ParseError`] ("malformed go.sum") with the line number of the first line that does not
/// have exactly 3 fields or has an empty version.
pub fn parse_gosum(text: &str) -> Result<Vec<SumLine>, ParseError> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let fields: Vec<&str> = raw.split_whitespace().collect();
        if fields.is_empty() {
            continue;
        }
        let malformed = |why: &str| ParseError {
            line: i + 1,
            message: format!("malformed go.sum: {why}"),
        };
        let [path, version, hash] = fields[..] else {
            return Err(malformed(&format!(
                "expected 3 fields, found {}",
                fields.len()
            )));
        };
        let (version, go_mod_only) = match version.strip_suffix("/go.mod") {
            Some(v) => (v, true),
            None => (version, false),
        };
        if version.is_empty() {
            return Err(malformed("empty version"));
        }
        out.push(SumLine {
            path: path.to_owned(),
            version: version.to_owned(),
            go_mod_only,
            hash: hash.to_owned(),
            line: i + 1,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_zip_and_go_mod_lines() {
        let text = "example.com/BurntSushi/Toml v1.1.0 h1:/CkaM0fBmXrcf4iqQrqRg+sNSgOEExJnV/3TqG2FXt8=\n\
                    example.com/BurntSushi/Toml v1.1.0/go.mod h1:qsVgQzZ2iCg9JM1Zrm5SzLj1qrUlXTE3ydGlssbx43k=\n\
                    \n   \n\
                    golang.org/x/sys v0.1.0/go.mod\th1:G7mAYYxgmS0lVkHyy2hEOLQCFB0DlQFTMLWggykrydY=\r\n";
        let lines = parse_gosum(text).unwrap();
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].path, "example.com/BurntSushi/Toml");
        assert_eq!(lines[0].version, "v1.1.0");
        assert!(!lines[0].go_mod_only);
        assert!(lines[1].go_mod_only);
        assert_eq!(lines[1].version, "v1.1.0");
        assert_eq!(lines[2].line, 5);
        assert!(lines[2].go_mod_only);
        assert_eq!(parse_gosum("").unwrap(), vec![]);
    }

    #[test]
    fn malformed_lines_report_their_number() {
        for (text, line) in [
            ("a v1.0.0 h1:x\na v1.0.0\n", 2),
            ("a v1.0.0 h1:x extra\n", 1),
            ("\n\njust-one-field\n", 3),
            ("a /go.mod h1:x\n", 1),
        ] {
            let e = parse_gosum(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
            assert!(e.message.starts_with("malformed go.sum"), "{e:?}");
        }
    }
}
