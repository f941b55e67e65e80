//! Hides credentials in everything Go Cache Doctor shows, since users screenshot and share it.
//!
//! What counts as a secret, and what it becomes:
//! * **URL user info**, in any URL anywhere in a text (GOPROXY lists such as `a,b|c`, GOSUMDB's
//!   `name+key https://…` form, URLs in pasted `go` output): `https://user:token@host/` becomes
//!   `https://***@host/`. The user name goes too, since many hosts take the token as the user
//!   name (`https://TOKEN@host`, `oauth2:TOKEN`). The user info is what lies between `://` and
//!   the last `@` before the end of the authority (`/`, `?`, `#`, white space, a quote, `\`,
//!   `<`, `>` or a back-quote), so a password holding `,`, `;` or `)` is hidden whole.
//! * **GOAUTH** (`go help goauth`: a `;`-separated list of `off`, `netrc`, `git DIR` and
//!   `COMMAND ARGS…`): the keywords and `git DIR` are kept, a user command keeps its program and
//!   loses its arguments (`mytool --token=abc` becomes `mytool ***`), since arguments are where
//!   people put tokens. This applies to a `GOAUTH` value in structured output ([`var_value`],
//!   [`json`]) and to `GOAUTH=…` in free text ([`text`]).
//! * **netrc entries** in free text (lines whose first token is `machine`, `default`, `login`,
//!   `password` or `account`, so entries over several lines are covered): the token after
//!   `login`, `password` and `account` becomes `***`.
//! * **HTTP `Authorization:` headers** in free text (what a GOAUTH command prints): the
//!   credentials after the scheme become `***`.
//!
//! GOPRIVATE, GONOPROXY, GONOSUMDB and GOINSECURE hold module path patterns, not credentials;
//! they pass through [`text`] like everything else and come out unchanged.
//!
//! Redaction is for display only: the real values are still passed to `go` and to the cleaning
//! code. The CLI shows them with `--show-secrets`.

use serde::{Serialize, Serializer};
use serde_json::Value;

/// What replaces a secret.
pub const MASK: &str = "***";

/// `text` with every secret described in the [module documentation](self) replaced by
/// [`MASK`].
pub fn text(s: &str) -> String {
    let s = url_userinfo(s);
    let s = goauth_assignments(&s);
    lines(&s, |line| authorization(&netrc(line)))
}

/// The value of the variable `name` for display: [`goauth`] for `GOAUTH`, [`text`] otherwise.
pub fn var_value(name: &str, value: &str) -> String {
    if name == "GOAUTH" {
        goauth(value)
    } else {
        text(value)
    }
}

/// A `GOAUTH` value for display: `off`, `netrc` and `git DIR` kept, a command's arguments
/// replaced by [`MASK`].
pub fn goauth(value: &str) -> String {
    let parts: Vec<String> = value
        .split(';')
        .map(|part| {
            let p = part.trim();
            let mut fields = p.split_whitespace();
            match fields.next() {
                None => String::new(),
                Some("off" | "netrc") if fields.next().is_none() => p.to_owned(),
                Some("git") => url_userinfo(p),
                Some(cmd) => {
                    if fields.next().is_some() {
                        format!("{} {MASK}", url_userinfo(cmd))
                    } else {
                        url_userinfo(cmd)
                    }
                }
            }
        })
        .collect();
    parts.join("; ")
}

/// Redacts every string of a JSON value with [`text`], and with [`goauth`] under a `GOAUTH`
/// key (also `{"GOAUTH": {"value": …}}`, the shape of resolved variables).
pub fn json(v: &mut Value) {
    walk(v, false);
}

fn walk(v: &mut Value, goauth_ctx: bool) {
    match v {
        Value::String(s) => {
            *s = if goauth_ctx { goauth(s) } else { text(s) };
        }
        Value::Array(a) => {
            for x in a {
                walk(x, goauth_ctx);
            }
        }
        Value::Object(o) => {
            for (k, x) in o.iter_mut() {
                walk(x, goauth_ctx || k == "GOAUTH");
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// Serializes `T` with every string redacted by [`json`]: wrap a command's answer in it to
/// redact the answer at the output boundary whatever its shape.
#[derive(Debug, Clone)]
pub struct Redacted<T>(pub T);

impl<T: Serialize> Serialize for Redacted<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut v = serde_json::to_value(&self.0).map_err(serde::ser::Error::custom)?;
        json(&mut v);
        v.serialize(serializer)
    }
}

fn ends_authority(c: char) -> bool {
    c.is_whitespace()
        || c.is_control()
        || matches!(c, '/' | '?' | '#' | '"' | '\\' | '<' | '>' | '`')
}

/// Replaces the user info of every `scheme://userinfo@host` in `s`.
fn url_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("://") {
        let start = i + 3;
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let mut end = after.find(ends_authority).unwrap_or(after.len());
        // `…@h1,https://…`: the authority stops before the next URL's scheme, which the loop
        // then handles.
        if after[..end].ends_with(':') && after[end..].starts_with("//") {
            let scheme = after[..end - 1].trim_end_matches(|c: char| {
                c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-')
            });
            end = scheme.len();
        }
        let authority = &after[..end];
        match authority.rfind('@') {
            Some(at) if at > 0 => {
                out.push_str(MASK);
                out.push_str(&authority[at..]);
            }
            _ => out.push_str(authority),
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// `GOAUTH=value` in free text: the value (to the matching quote, else to the end of the line)
/// through [`goauth`].
fn goauth_assignments(s: &str) -> String {
    const KEY: &str = "GOAUTH=";
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find(KEY) {
        let start = i + KEY.len();
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        let (quote, body) = match after.chars().next() {
            Some(q @ ('\'' | '"')) => (Some(q), &after[1..]),
            _ => (None, after),
        };
        let end = match quote {
            Some(q) => body
                .find(q)
                .unwrap_or_else(|| body.find('\n').unwrap_or(body.len())),
            None => body.find(['\n', '\r']).unwrap_or(body.len()),
        };
        if let Some(q) = quote {
            out.push(q);
        }
        out.push_str(&goauth(&body[..end]));
        rest = &body[end..];
    }
    out.push_str(rest);
    out
}

/// Applies `f` to each line of `s`, keeping the line ends.
fn lines(s: &str, f: impl Fn(&str) -> String) -> String {
    let mut out = String::with_capacity(s.len());
    for piece in s.split_inclusive('\n') {
        let (line, nl) = match piece.strip_suffix('\n') {
            Some(l) => (l, "\n"),
            None => (piece, ""),
        };
        out.push_str(&f(line));
        out.push_str(nl);
    }
    out
}

/// A netrc line (one whose first token is `machine`, `default`, `login`, `password` or
/// `account`, so that entries spread over several lines are covered): the token after `login`,
/// `password` and `account` masked.
fn netrc(line: &str) -> String {
    let first = line.split_whitespace().next();
    if !matches!(
        first,
        Some("machine" | "default" | "login" | "password" | "account")
    ) {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    let mut mask_next = false;
    let mut rest = line;
    while !rest.is_empty() {
        let ws = rest.len() - rest.trim_start().len();
        out.push_str(&rest[..ws]);
        rest = &rest[ws..];
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let tok = &rest[..end];
        if tok.is_empty() {
            break;
        }
        if mask_next {
            out.push_str(MASK);
            mask_next = false;
        } else {
            out.push_str(tok);
            mask_next = matches!(tok, "login" | "password" | "account");
        }
        rest = &rest[end..];
    }
    out
}

/// `Authorization: Scheme credentials`: the credentials masked (to a quote or the line end).
fn authorization(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    let Some(i) = lower.find("authorization:") else {
        return line.to_owned();
    };
    let start = i + "authorization:".len();
    let after = &line[start..];
    let trimmed = after.trim_start();
    let lead = after.len() - trimmed.len();
    let scheme_end = trimmed.find(char::is_whitespace).unwrap_or(trimmed.len());
    let scheme = &trimmed[..scheme_end];
    let creds = trimmed[scheme_end..].trim_start();
    let (keep, cred_start) = if creds.is_empty() {
        // `Authorization: TOKEN` with no scheme.
        (0, 0)
    } else {
        (scheme.len(), trimmed.len() - creds.len())
    };
    let body = &trimmed[cred_start..];
    let cred_end = body.find(['"', '\'']).unwrap_or(body.len());
    if body[..cred_end].trim().is_empty() {
        return line.to_owned();
    }
    let mut out = String::with_capacity(line.len());
    out.push_str(&line[..start + lead]);
    out.push_str(&trimmed[..keep]);
    if keep > 0 {
        out.push(' ');
    }
    out.push_str(MASK);
    out.push_str(&body[cred_end..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_user_info_is_hidden_everywhere() {
        assert_eq!(
            text("https://user:tok3n@proxy.corp.example/"),
            "https://***@proxy.corp.example/"
        );
        assert_eq!(
            text("https://u:a,b;c)d@h1.example,https://TOKEN@h2.example|direct"),
            "https://***@h1.example,https://***@h2.example|direct"
        );
        assert_eq!(
            text("sum.example+abcdef https://u:pw@sum.example/lookup"),
            "sum.example+abcdef https://***@sum.example/lookup"
        );
        assert_eq!(
            text("reading https://u:p@goproxy.example/m/@v/v1.0.0.zip: 404 Not Found"),
            "reading https://***@goproxy.example/m/@v/v1.0.0.zip: 404 Not Found"
        );
        // A module path's `@v` after the host is not user info.
        assert_eq!(
            text("https://proxy.golang.org/example.com/m/@v/list"),
            "https://proxy.golang.org/example.com/m/@v/list"
        );
        assert_eq!(
            text("{\"GOPROXY\":\"https://a:b@h\",\"x\":\"y@z\"}"),
            "{\"GOPROXY\":\"https://***@h\",\"x\":\"y@z\"}"
        );
        // Nothing to hide: unchanged, idempotent.
        for s in [
            "direct",
            "off",
            "https://proxy.golang.org,direct",
            "*.corp.example,rsc.io/private",
            "git@github.com:o/r.git",
        ] {
            assert_eq!(text(s), s);
        }
        assert_eq!(text(&text("https://u:p@h/")), "https://***@h/");
    }

    #[test]
    fn goauth_keeps_keywords_and_hides_command_arguments() {
        assert_eq!(goauth("netrc"), "netrc");
        assert_eq!(goauth("off"), "off");
        assert_eq!(goauth("git /home/u/src"), "git /home/u/src");
        assert_eq!(
            goauth("netrc; /usr/bin/auth --token=s3cret x;git dir"),
            "netrc; /usr/bin/auth ***; git dir"
        );
        assert_eq!(goauth("mytool"), "mytool");
        assert_eq!(var_value("GOAUTH", "tool s3cret"), "tool ***");
        assert_eq!(var_value("GOPRIVATE", "*.corp.example"), "*.corp.example");
        assert_eq!(
            text("env GOAUTH='tool --password s3cret' go get x\nGOAUTH=t2 tok2\nnext"),
            "env GOAUTH='tool ***' go get x\nGOAUTH=t2 ***\nnext"
        );
    }

    #[test]
    fn netrc_and_authorization_headers() {
        assert_eq!(
            text("machine corp.example login bob password hunter2\n"),
            "machine corp.example login *** password ***\n"
        );
        assert_eq!(
            text("default\tlogin x password y"),
            "default\tlogin *** password ***"
        );
        assert_eq!(
            text("machine corp.example\n  login bob\n  password hunter2\n"),
            "machine corp.example\n  login ***\n  password ***\n"
        );
        // Ordinary prose is left alone.
        assert_eq!(
            text("error: login failed: bad password for this machine"),
            "error: login failed: bad password for this machine"
        );
        assert_eq!(
            text("Authorization: Bearer abc.def\n"),
            "Authorization: Bearer ***\n"
        );
        assert_eq!(
            text("header \"authorization: Basic dXNlcjpwdw==\" sent"),
            "header \"authorization: Basic ***\" sent"
        );
        assert_eq!(text("Authorization: tok"), "Authorization: ***");
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 512, ..Default::default() })]

        /// Any text: no panic (multi-byte characters next to every delimiter), idempotent, and
        /// a token planted as URL user info anywhere in it is gone.
        #[test]
        fn any_text_is_redacted_without_panic(
            before in "[ -~é漢\n\t,|;:/@'\"]{0,40}",
            after in "[ -~é漢\n\t,|;:/@'\"]{0,40}",
            scheme in "[a-z][a-z0-9+.-]{0,6}",
        ) {
            let once = text(&before);
            proptest::prop_assert_eq!(text(&once), once.clone());
            let planted = format!("{before} {scheme}://u:PLANTEDzz9@h.example/x {after}");
            let out = text(&planted);
            proptest::prop_assert!(!out.contains("PLANTEDzz9"), "{}", out);
            let _ = goauth(&before);
        }
    }

    #[test]
    fn json_and_wrapper_redact_every_string() {
        let mut v = serde_json::json!({
            "vars": {
                "GOPROXY": {"value": "https://u:t@h/", "source": "env"},
                "GOAUTH": {"value": "cmd --token x", "source": "env"},
                "GOPRIVATE": {"value": "*.corp", "source": "env"}
            },
            "problems": [{"message": "go env says \"https://u:t@h/\""}],
            "n": 3
        });
        json(&mut v);
        assert_eq!(v["vars"]["GOPROXY"]["value"], "https://***@h/");
        assert_eq!(v["vars"]["GOAUTH"]["value"], "cmd ***");
        assert_eq!(v["vars"]["GOPRIVATE"]["value"], "*.corp");
        assert_eq!(
            v["problems"][0]["message"],
            "go env says \"https://***@h/\""
        );
        assert_eq!(v["n"], 3);
        let s = serde_json::to_string(&Redacted(vec!["https://a:b@c"])).unwrap_or_default();
        assert_eq!(s, "[\"https://***@c\"]");
    }
}
