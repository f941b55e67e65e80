//! Parsers for `go.mod` and `go.work` (the syntax of `golang.org/x/mod/modfile`): one
//! directive per line or a `verb ( ... )` block, `//` line comments, interpreted (`"..."`) and
//! raw (`` `...` ``) quoted strings, `=>` in replacements, `[a, b]` intervals in `retract`.
//! Unknown directives are skipped (as Go's lax parser does for dependencies); malformed known
//! directives are errors with their line number.

use serde::Serialize;

use super::ParseError;

/// A module path and version.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct ModVer {
    /// Module path (unescaped, real case).
    pub path: String,
    /// Version.
    pub version: String,
}

/// One `require` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Require {
    /// Module path.
    pub path: String,
    /// Required version.
    pub version: String,
    /// Marked `// indirect`.
    pub indirect: bool,
    /// 1-based line number.
    pub line: usize,
}

/// The right-hand side of a `replace` directive.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum ReplaceTarget {
    /// Another module version: it is downloaded into the module cache, so it counts as used.
    Module {
        /// Replacement module path.
        path: String,
        /// Replacement version.
        version: String,
    },
    /// A directory on disk (`./x`, `../x`, `/abs`, `C:\abs`): never in the module cache.
    Dir {
        /// The directory as written.
        dir: String,
    },
}

/// One `replace` line: `old [version] => new [version]`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Replace {
    /// Replaced module path.
    pub old_path: String,
    /// Replaced version, or `None` for all versions.
    pub old_version: Option<String>,
    /// The replacement.
    pub new: ReplaceTarget,
    /// 1-based line number.
    pub line: usize,
}

/// A parsed `go.mod`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoMod {
    /// The `module` path.
    pub module: Option<String>,
    /// The `go` directive (`1.21`, `1.22.3`).
    pub go: Option<String>,
    /// The `toolchain` directive (`go1.22.3`).
    pub toolchain: Option<String>,
    /// `require` lines.
    pub requires: Vec<Require>,
    /// `replace` lines.
    pub replaces: Vec<Replace>,
    /// `exclude` lines.
    pub excludes: Vec<ModVer>,
    /// `retract` lines, as written (`v1.0.0` or `[v1.0.0, v1.2.0]`).
    pub retracts: Vec<String>,
}

/// A parsed `go.work`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct GoWork {
    /// The `go` directive.
    pub go: Option<String>,
    /// The `toolchain` directive.
    pub toolchain: Option<String>,
    /// `use` directories, as written (relative to the go.work directory unless absolute).
    pub uses: Vec<String>,
    /// `replace` lines.
    pub replaces: Vec<Replace>,
}

/// Parses a `go.mod` file's text.
///
/// # Errors
/// [`ParseError`] with the line number for malformed directives, unterminated strings or
/// blocks, and a stray `)`.
pub fn parse_gomod(text: &str) -> Result<GoMod, ParseError> {
    let mut m = GoMod::default();
    for d in directives(text)? {
        match d.verb.as_str() {
            "module" => m.module = Some(d.one_word("module path")?),
            "go" => m.go = Some(d.one_word("go version")?),
            "toolchain" => m.toolchain = Some(d.one_word("toolchain name")?),
            "require" => {
                let [path, version] = d.words::<2>("module path and version")?;
                m.requires.push(Require {
                    path,
                    version,
                    indirect: d.indirect,
                    line: d.line,
                });
            }
            "exclude" => {
                let [path, version] = d.words::<2>("module path and version")?;
                m.excludes.push(ModVer { path, version });
            }
            "replace" => m.replaces.push(d.replace()?),
            "retract" => m.retracts.push(d.retract()?),
            _ => {} // godebug, tool, ignore and future directives: nothing to do with the cache.
        }
    }
    Ok(m)
}

/// Parses a `go.work` file's text.
///
/// # Errors
/// As [`parse_gomod`].
pub fn parse_gowork(text: &str) -> Result<GoWork, ParseError> {
    let mut w = GoWork::default();
    for d in directives(text)? {
        match d.verb.as_str() {
            "go" => w.go = Some(d.one_word("go version")?),
            "toolchain" => w.toolchain = Some(d.one_word("toolchain name")?),
            "use" => w.uses.push(d.one_word("directory")?),
            "replace" => w.replaces.push(d.replace()?),
            _ => {}
        }
    }
    Ok(w)
}

/// Whether a replacement target is a directory path rather than a module path, following
/// `modfile.IsDirectoryPath`: `./`, `../`, `.`, `..`, rooted paths, and Windows drive or
/// `.\`/`..\` forms.
pub fn is_directory_path(p: &str) -> bool {
    let b = p.as_bytes();
    p == "."
        || p == ".."
        || p.starts_with("./")
        || p.starts_with("../")
        || p.starts_with(".\\")
        || p.starts_with("..\\")
        || p.starts_with('/')
        || p.starts_with('\\')
        || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    LParen,
    RParen,
    LBrack,
    RBrack,
    Comma,
    Arrow,
}

/// One directive: the verb and its arguments on one line.
#[derive(Debug)]
struct Directive {
    verb: String,
    args: Vec<Tok>,
    indirect: bool,
    line: usize,
}

impl Directive {
    fn err(&self, message: String) -> ParseError {
        ParseError {
            line: self.line,
            message,
        }
    }

    fn words<const N: usize>(&self, what: &str) -> Result<[String; N], ParseError> {
        let words: Vec<String> = self
            .args
            .iter()
            .map_while(|t| match t {
                Tok::Word(w) => Some(w.clone()),
                _ => None,
            })
            .collect();
        if words.len() != self.args.len() || words.len() != N {
            return Err(self.err(format!("{}: expected {what}", self.verb)));
        }
        words
            .try_into()
            .map_err(|_| self.err(format!("{}: expected {what}", self.verb)))
    }

    fn one_word(&self, what: &str) -> Result<String, ParseError> {
        let [w] = self.words::<1>(what)?;
        Ok(w)
    }

    fn replace(&self) -> Result<Replace, ParseError> {
        let usage = || {
            self.err(
                "replace: expected `old [version] => new [version]` (a replacement without a \
                 version must be a directory path starting with ./ or ../ or rooted)"
                    .into(),
            )
        };
        let arrow = self
            .args
            .iter()
            .position(|t| *t == Tok::Arrow)
            .ok_or_else(usage)?;
        let word = |t: &Tok| match t {
            Tok::Word(w) => Ok(w.clone()),
            _ => Err(usage()),
        };
        let left = self.args[..arrow]
            .iter()
            .map(word)
            .collect::<Result<Vec<_>, _>>()?;
        let right = self.args[arrow + 1..]
            .iter()
            .map(word)
            .collect::<Result<Vec<_>, _>>()?;
        let (old_path, old_version) = match left.as_slice() {
            [p] => (p.clone(), None),
            [p, v] => (p.clone(), Some(v.clone())),
            _ => return Err(usage()),
        };
        let new = match right.as_slice() {
            [d] if is_directory_path(d) => ReplaceTarget::Dir { dir: d.clone() },
            [p, v] => ReplaceTarget::Module {
                path: p.clone(),
                version: v.clone(),
            },
            _ => return Err(usage()),
        };
        Ok(Replace {
            old_path,
            old_version,
            new,
            line: self.line,
        })
    }

    fn retract(&self) -> Result<String, ParseError> {
        match self.args.as_slice() {
            [Tok::Word(v)] => Ok(v.clone()),
            [
                Tok::LBrack,
                Tok::Word(a),
                Tok::Comma,
                Tok::Word(b),
                Tok::RBrack,
            ] => Ok(format!("[{a}, {b}]")),
            _ => Err(self.err("retract: expected a version or [low, high]".into())),
        }
    }
}

/// Splits the file into directives, expanding blocks.
fn directives(text: &str) -> Result<Vec<Directive>, ParseError> {
    let mut out = Vec::new();
    let mut block: Option<(String, usize)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        let (toks, comment) = lex_line(raw, line)?;
        let indirect = comment.as_deref().is_some_and(is_indirect);
        if toks.is_empty() {
            continue;
        }
        if let Some((verb, _)) = &block {
            if toks == [Tok::RParen] {
                block = None;
                continue;
            }
            if toks.iter().any(|t| matches!(t, Tok::LParen | Tok::RParen)) {
                return Err(ParseError {
                    line,
                    message: format!("unexpected parenthesis inside {verb} block"),
                });
            }
            out.push(Directive {
                verb: verb.clone(),
                args: toks,
                indirect,
                line,
            });
            continue;
        }
        let mut it = toks.into_iter();
        let verb = match it.next() {
            Some(Tok::Word(w)) => w,
            Some(t) => {
                return Err(ParseError {
                    line,
                    message: format!("unexpected {t:?} at the start of a line"),
                });
            }
            None => continue,
        };
        let args: Vec<Tok> = it.collect();
        match args.as_slice() {
            [Tok::LParen] => block = Some((verb, line)),
            [Tok::LParen, Tok::RParen] => {}
            _ => {
                if args.iter().any(|t| matches!(t, Tok::LParen | Tok::RParen)) {
                    return Err(ParseError {
                        line,
                        message: format!("{verb}: unexpected parenthesis"),
                    });
                }
                out.push(Directive {
                    verb,
                    args,
                    indirect,
                    line,
                });
            }
        }
    }
    if let Some((verb, line)) = block {
        return Err(ParseError {
            line,
            message: format!("{verb} block is never closed with `)`"),
        });
    }
    Ok(out)
}

/// `// indirect` or `// indirect; other text`, as `modfile.isIndirect` checks.
fn is_indirect(comment: &str) -> bool {
    let c = comment.trim();
    c == "indirect" || c.starts_with("indirect;")
}

/// Tokenizes one line; returns its tokens and the text of a trailing `//` comment.
fn lex_line(line: &str, line_no: usize) -> Result<(Vec<Tok>, Option<String>), ParseError> {
    let err = |message: &str| ParseError {
        line: line_no,
        message: message.to_owned(),
    };
    let mut toks = Vec::new();
    let mut chars = line.char_indices().peekable();
    while let Some(&(i, c)) = chars.peek() {
        let rest = &line[i..];
        if c.is_whitespace() {
            chars.next();
        } else if let Some(comment) = rest.strip_prefix("//") {
            return Ok((toks, Some(comment.to_owned())));
        } else if rest.starts_with("=>") {
            toks.push(Tok::Arrow);
            chars.next();
            chars.next();
        } else if let Some(t) = match c {
            '(' => Some(Tok::LParen),
            ')' => Some(Tok::RParen),
            '[' => Some(Tok::LBrack),
            ']' => Some(Tok::RBrack),
            ',' => Some(Tok::Comma),
            _ => None,
        } {
            toks.push(t);
            chars.next();
        } else if c == '`' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some((_, '`')) => break,
                    Some((_, ch)) => s.push(ch),
                    None => return Err(err("unterminated raw string")),
                }
            }
            toks.push(Tok::Word(s));
        } else if c == '"' {
            chars.next();
            let mut s = String::new();
            loop {
                match chars.next() {
                    Some((_, '"')) => break,
                    Some((_, '\\')) => match chars.next() {
                        Some((_, 'n')) => s.push('\n'),
                        Some((_, 't')) => s.push('\t'),
                        Some((_, ch @ ('\\' | '"' | '\''))) => s.push(ch),
                        _ => return Err(err("unsupported escape in quoted string")),
                    },
                    Some((_, ch)) => s.push(ch),
                    None => return Err(err("unterminated quoted string")),
                }
            }
            toks.push(Tok::Word(s));
        } else {
            let mut s = String::new();
            while let Some(&(j, ch)) = chars.peek() {
                let r = &line[j..];
                if ch.is_whitespace()
                    || matches!(ch, '(' | ')' | '[' | ']' | ',' | '"' | '`')
                    || r.starts_with("//")
                    || r.starts_with("=>")
                {
                    break;
                }
                s.push(ch);
                chars.next();
            }
            toks.push(Tok::Word(s));
        }
    }
    Ok((toks, None))
}

#[cfg(test)]
mod tests {
    use super::*;

    const FULL: &str = r#"// The module.
module example.com/app // trailing comment

go 1.22.1

toolchain go1.22.4

require golang.org/x/text v0.14.0

require (
	github.com/BurntSushi/toml v1.3.2
	golang.org/x/sys v0.15.0 // indirect
	"example.com/quoted path" v1.0.0 // indirect; needed by x
	`example.com/raw` v2.0.0+incompatible
	// a comment line inside the block
)

require ()

exclude example.com/bad v1.0.1
exclude (
	example.com/bad v1.0.2
)

replace example.com/old => example.com/new v1.5.0
replace example.com/old2 v1.0.0 => ../local/old2
replace (
	example.com/win => C:\src\win
	example.com/pinned v1.1.0 => example.com/fork v1.1.1-0.20240101000000-abcdefabcdef
)

retract v1.0.0
retract [v1.1.0, v1.2.0] // broken
godebug default=go1.21
tool example.com/tool/cmd
unknowndirective whatever it says
"#;

    #[test]
    fn parses_every_directive_form() {
        let m = parse_gomod(FULL).unwrap();
        assert_eq!(m.module.as_deref(), Some("example.com/app"));
        assert_eq!(m.go.as_deref(), Some("1.22.1"));
        assert_eq!(m.toolchain.as_deref(), Some("go1.22.4"));
        let reqs: Vec<(&str, &str, bool, usize)> = m
            .requires
            .iter()
            .map(|r| (r.path.as_str(), r.version.as_str(), r.indirect, r.line))
            .collect();
        assert_eq!(
            reqs,
            [
                ("golang.org/x/text", "v0.14.0", false, 8),
                ("github.com/BurntSushi/toml", "v1.3.2", false, 11),
                ("golang.org/x/sys", "v0.15.0", true, 12),
                ("example.com/quoted path", "v1.0.0", true, 13),
                ("example.com/raw", "v2.0.0+incompatible", false, 14),
            ]
        );
        assert_eq!(m.excludes.len(), 2);
        assert_eq!(m.excludes[1].version, "v1.0.2");
        assert_eq!(m.replaces.len(), 4);
        assert_eq!(
            m.replaces[0].new,
            ReplaceTarget::Module {
                path: "example.com/new".into(),
                version: "v1.5.0".into()
            }
        );
        assert_eq!(m.replaces[0].old_version, None);
        assert_eq!(m.replaces[1].old_version.as_deref(), Some("v1.0.0"));
        assert_eq!(
            m.replaces[1].new,
            ReplaceTarget::Dir {
                dir: "../local/old2".into()
            }
        );
        assert_eq!(
            m.replaces[2].new,
            ReplaceTarget::Dir {
                dir: "C:\\src\\win".into()
            }
        );
        assert!(
            matches!(&m.replaces[3].new, ReplaceTarget::Module { version, .. }
            if version == "v1.1.1-0.20240101000000-abcdefabcdef")
        );
        assert_eq!(m.retracts, ["v1.0.0", "[v1.1.0, v1.2.0]"]);
    }

    #[test]
    fn empty_and_comment_only_files_parse() {
        assert_eq!(parse_gomod("").unwrap(), GoMod::default());
        assert_eq!(
            parse_gomod("// nothing\n\n   \n").unwrap(),
            GoMod::default()
        );
        let crlf = parse_gomod("module a\r\nrequire b v1.0.0\r\n").unwrap();
        assert_eq!(crlf.requires[0].version, "v1.0.0");
    }

    #[test]
    fn malformed_go_mod_reports_the_line() {
        let cases: &[(&str, usize, &str)] = &[
            ("module a\nrequire b\n", 2, "require"),
            ("module a\nrequire b v1 v2\n", 2, "require"),
            ("module a\n\nrequire (\n\tb v1.0.0\n", 3, "never closed"),
            ("module a\n)\n", 2, "unexpected"),
            ("module \"a\n", 1, "unterminated"),
            ("module `a\n", 1, "unterminated"),
            ("replace a => b\n", 1, "replace"),
            ("replace a v1 v2 => ../b\n", 1, "replace"),
            ("replace a ../b\n", 1, "replace"),
            ("replace a => b v1 v2\n", 1, "replace"),
            ("retract [v1.0.0 v1.1.0]\n", 1, "retract"),
            ("require (\n\ta v1 (\n)\n", 2, "parenthesis"),
            ("module a b\n", 1, "module"),
            ("go\n", 1, "go"),
            ("exclude a\n", 1, "exclude"),
            ("=> a\n", 1, "start of a line"),
            ("module \"a\\q\"\n", 1, "escape"),
        ];
        for (text, line, needle) in cases {
            let e = parse_gomod(text).expect_err(text);
            assert_eq!(e.line, *line, "{text:?}: {e:?}");
            assert!(e.message.contains(needle), "{text:?}: {e:?}");
        }
    }

    #[test]
    fn parses_go_work() {
        let w = parse_gowork(
            "go 1.23.0\ntoolchain go1.23.5\n\nuse ./a\nuse (\n\t./b // comment\n\t\"../c d\"\n)\n\
             replace example.com/x v1.0.0 => example.com/y v1.1.0\ngodebug (\n\tpanicnil=1\n)\n",
        )
        .unwrap();
        assert_eq!(w.go.as_deref(), Some("1.23.0"));
        assert_eq!(w.toolchain.as_deref(), Some("go1.23.5"));
        assert_eq!(w.uses, ["./a", "./b", "../c d"]);
        assert_eq!(w.replaces.len(), 1);
        let e = parse_gowork("use ./a ./b\n").unwrap_err();
        assert_eq!(e.line, 1);
        let e = parse_gowork("go 1.22\nuse (\n./a\n").unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn directory_paths() {
        for d in [
            ".",
            "..",
            "./x",
            "../x",
            "/abs",
            ".\\x",
            "..\\x",
            "C:\\x",
            "\\\\srv\\s",
        ] {
            assert!(is_directory_path(d), "{d}");
        }
        for m in ["example.com/x", "x", ".x", "golang.org/x/tools"] {
            assert!(!is_directory_path(m), "{m}");
        }
    }
}
