//! Parser for `vendor/modules.txt` (`go mod vendor`): `# <path> <version>` starts a module,
//! `# <old> [<version>] => <new> [<version>]` a replaced one, `## explicit; go 1.x`
//! annotates it, and other lines are the packages vendored from it.

use serde::Serialize;

use super::ParseError;
use super::modfile::is_directory_path;

/// One module of `vendor/modules.txt`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VendoredModule {
    /// Module path.
    pub path: String,
    /// Version; `None` for a replaced module listed without one (workspace or directory
    /// replacement).
    pub version: Option<String>,
    /// The replacement module version when replaced by another module (in the cache).
    pub replacement: Option<(String, String)>,
    /// The replacement directory when replaced by a directory (not in the cache).
    pub replacement_dir: Option<String>,
    /// Marked `## explicit` (required directly by go.mod).
    pub explicit: bool,
    /// Packages vendored from this module.
    pub packages: Vec<String>,
    /// 1-based line number of the `#` line.
    pub line: usize,
}

/// Parses a `vendor/modules.txt` file's text.
///
/// # Errors
/// [`ParseError`] with the line number for a `# ` line that is not `path version` or
/// `path [version] => new [version]`.
pub fn parse_modules_txt(text: &str) -> Result<Vec<VendoredModule>, ParseError> {
    let mut out: Vec<VendoredModule> = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let l = raw.trim();
        if l.is_empty() {
            continue;
        }
        if let Some(ann) = l.strip_prefix("##") {
            if let Some(m) = out.last_mut() {
                m.explicit |= ann.split(';').any(|a| a.trim() == "explicit");
            }
            continue;
        }
        if let Some(rest) = l.strip_prefix('#') {
            let f: Vec<&str> = rest.split_whitespace().collect();
            let bad = || ParseError {
                line,
                message: "malformed vendor/modules.txt: expected `# path version` or \
                          `# path [version] => new [version]`"
                    .into(),
            };
            let arrow = f.iter().position(|w| *w == "=>");
            let (left, right) = match arrow {
                Some(a) => (&f[..a], Some(&f[a + 1..])),
                None => (&f[..], None),
            };
            let (path, version) = match left {
                [p] if right.is_some() => ((*p).to_owned(), None),
                [p, v] => ((*p).to_owned(), Some((*v).to_owned())),
                _ => return Err(bad()),
            };
            let mut m = VendoredModule {
                path,
                version,
                replacement: None,
                replacement_dir: None,
                explicit: false,
                packages: vec![],
                line,
            };
            match right {
                None => {}
                Some([d]) if is_directory_path(d) => m.replacement_dir = Some((*d).to_owned()),
                Some([p, v]) => m.replacement = Some(((*p).to_owned(), (*v).to_owned())),
                Some(_) => return Err(bad()),
            }
            out.push(m);
            continue;
        }
        if let Some(m) = out.last_mut() {
            m.packages.push(l.to_owned());
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_modules_replacements_and_packages() {
        let text = "# example.com/a v1.2.3\n## explicit; go 1.18\nexample.com/a\nexample.com/a/sub\n\
                    # example.com/b v1.0.0 => example.com/c v1.1.0\n## explicit\nexample.com/b\n\
                    # example.com/d v0.1.0 => ../d\nexample.com/d\n\
                    # example.com/e => ./e\n\
                    # golang.org/x/sys v0.1.0\n## go 1.17\ngolang.org/x/sys/unix\n";
        let mods = parse_modules_txt(text).unwrap();
        assert_eq!(mods.len(), 5);
        assert_eq!(mods[0].version.as_deref(), Some("v1.2.3"));
        assert!(mods[0].explicit);
        assert_eq!(mods[0].packages, ["example.com/a", "example.com/a/sub"]);
        assert_eq!(
            mods[1].replacement,
            Some(("example.com/c".into(), "v1.1.0".into()))
        );
        assert!(mods[1].explicit);
        assert_eq!(mods[2].replacement_dir.as_deref(), Some("../d"));
        assert_eq!(mods[3].version, None);
        assert_eq!(mods[3].replacement_dir.as_deref(), Some("./e"));
        assert!(!mods[4].explicit);
        assert_eq!(mods[4].line, 11);
    }

    #[test]
    fn malformed_lines_report_their_number() {
        for (text, line) in [
            ("# a v1.0.0\n# lonely\n", 2),
            ("#\n", 1),
            ("# a v1 v2\n", 1),
            ("# a v1 => b\n", 1),
            ("# a v1 => b v2 v3\n", 1),
        ] {
            let e = parse_modules_txt(text).unwrap_err();
            assert_eq!(e.line, line, "{text:?}");
        }
    }
}
