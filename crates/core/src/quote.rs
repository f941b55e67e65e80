//! Quoting values for the shells the doctor writes fix commands for (bash/zsh, PowerShell,
//! cmd.exe), so a value taken from pasted text or from the machine is one literal argument
//! and never shell code.
//!
//! The rule is "quote only when needed": a value made only of characters that are plain in
//! that shell stays as it is (`go list -m -versions example.com/m`), anything else is quoted;
//! file-system paths are always quoted ([`quote`]). What a shell cannot quote safely is refused
//! ([`QuoteError`]) and the caller leaves the command out:
//!
//! * **bash/zsh**: POSIX single quotes, `'` written as `'\''` (the same function as the
//!   elevated clean's, [`crate::clean::elevate::posix_quote`]).
//! * **PowerShell**: single quotes, with `'` and the typographic quotes U+2018..U+201B, which
//!   PowerShell also takes as single quotes, doubled
//!   ([`crate::clean::elevate::powershell_string`]). A `"` is refused: Windows PowerShell 5.1
//!   passes it to native programs unescaped, splitting the argument.
//! * **cmd.exe**: double quotes. Inside them cmd still expands `%VAR%` (and `!VAR!` with
//!   delayed expansion, which also eats `^`), and a `"` ends the quoting: values with `%`,
//!   `!`, `^` or `"` are refused.
//!
//! Control characters (newlines included) are refused in every shell: a pasted command line
//! must not run on into a second command.

use thiserror::Error;

use crate::clean::elevate::{posix_quote, powershell_string};
use crate::diagnose::Shell;

/// Why a value cannot be put into a command for a shell.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum QuoteError {
    /// A control character (newline, carriage return, NUL, ...).
    #[error("control character {0:?} cannot be quoted safely")]
    Control(char),
    /// A character the shell cannot quote safely (cmd: `% ! ^ "`, PowerShell: `"`).
    #[error("{0:?} cannot be quoted safely for {1:?}")]
    Unquotable(char, Shell),
}

/// Whether `c` needs no quoting anywhere in a word for `shell`. These sets are also safe
/// inside the double-quoted strings of our own templates (no `$`, `` ` ``, `\"`, `%`, `!`).
fn plain_char(c: char, shell: Shell) -> bool {
    if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '/' | ':' | '=' | '+' | '@') {
        return true;
    }
    match shell {
        // `~` is a tilde prefix at the start of a word and after `=` or `:`.
        Shell::Bash => matches!(c, ',' | '%'),
        // `,` makes an array of a bare word; `~` is a home prefix for native commands in
        // PowerShell 7.4 (at the start only, but keep it simple).
        Shell::Powershell => c == '\\',
        Shell::Cmd => matches!(c, '\\' | ',' | '~'),
    }
}

/// Whether `s` can be written bare in a word for `shell`. The empty string is plain (as part
/// of a word like `GOFLAGS=`); a word that would be empty as a whole needs quotes.
pub fn is_plain(s: &str, shell: Shell) -> bool {
    let first_ok = match shell {
        // `@x` splats, `-x.y` is split by PowerShell's native argument passing.
        Shell::Powershell => s.chars().next().is_none_or(|c| c.is_ascii_alphanumeric()),
        Shell::Bash | Shell::Cmd => true,
    };
    first_ok && s.chars().all(|c| plain_char(c, shell))
}

/// Checks that `s` can be quoted for `shell`.
///
/// # Errors
/// [`QuoteError`] for a control character, or a character the shell cannot quote.
pub fn check(s: &str, shell: Shell) -> Result<(), QuoteError> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Err(QuoteError::Control(c));
    }
    let bad: &[char] = match shell {
        Shell::Bash => &[],
        Shell::Powershell => &['"'],
        Shell::Cmd => &['"', '%', '!', '^'],
    };
    match s.chars().find(|c| bad.contains(c)) {
        Some(c) => Err(QuoteError::Unquotable(c, shell)),
        None => Ok(()),
    }
}

/// `s` quoted for `shell`, always (paths).
///
/// # Errors
/// As [`check`].
pub fn quote(s: &str, shell: Shell) -> Result<String, QuoteError> {
    check(s, shell)?;
    Ok(match shell {
        Shell::Bash => posix_quote(s),
        Shell::Powershell => powershell_string(s),
        // The C runtime reads `\"` as a literal quote: double the backslashes that end
        // the value so the closing quote still closes.
        Shell::Cmd => {
            let trailing = s.len() - s.trim_end_matches('\\').len();
            format!("\"{s}{}\"", "\\".repeat(trailing))
        }
    })
}

/// `s` as one word for `shell`: as it is when [`is_plain`] (and not empty), else [`quote`]d.
///
/// # Errors
/// As [`check`].
pub fn word(s: &str, shell: Shell) -> Result<String, QuoteError> {
    if !s.is_empty() && is_plain(s, shell) {
        return Ok(s.to_owned());
    }
    quote(s, shell)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A POSIX shell word splitter for the quoting we emit (single quotes, backslash outside
    /// quotes, double quotes with `\` before `"$\``): what bash makes of a line without
    /// expansions. `None` for anything that would expand or run code (`$`, backticks, `;`, `|`,
    /// `&`, `<`, `>`, `(`, `)`, a newline, an unquoted `~` at a word start, globs).
    pub(crate) fn posix_split(line: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut it = line.chars().peekable();
        while let Some(c) = it.next() {
            match c {
                ' ' | '\t' => {
                    if in_word {
                        out.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                '\'' => {
                    in_word = true;
                    loop {
                        match it.next()? {
                            '\'' => break,
                            x => cur.push(x),
                        }
                    }
                }
                '"' => {
                    in_word = true;
                    loop {
                        match it.next()? {
                            '"' => break,
                            '\\' => match it.next()? {
                                x @ ('"' | '\\' | '$' | '`') => cur.push(x),
                                x => {
                                    cur.push('\\');
                                    cur.push(x);
                                }
                            },
                            '$' | '`' | '!' => return None,
                            x => cur.push(x),
                        }
                    }
                }
                '\\' => {
                    in_word = true;
                    cur.push(it.next()?);
                }
                '~' if !in_word => return None,
                '$' | '`' | ';' | '|' | '&' | '<' | '>' | '(' | ')' | '\n' | '\r' | '*' | '?'
                | '[' | '{' | '#' | '!' => return None,
                x => {
                    in_word = true;
                    cur.push(x);
                }
            }
        }
        if in_word {
            out.push(cur);
        }
        Some(out)
    }

    /// PowerShell's argument-mode reading of a line made of bare words and single-quoted
    /// strings (a bare word may continue into a quoted part, `a'b c'`), the only forms we emit
    /// for values, and double-quoted strings without expansions. `None` for anything that would
    /// be evaluated or split differently (`$`, backticks, `;`, `|`, `&`, `(`, `)`, `{`, `}`,
    /// `,`, `@` starting a word, a `-` word with `.` or `:`, a quoted string followed by more
    /// characters).
    pub(crate) fn powershell_split(line: &str) -> Option<Vec<String>> {
        let is_quote =
            |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut after_quoted_start = false;
        let mut it = line.chars().peekable();
        while let Some(c) = it.next() {
            if c == ' ' {
                if in_word {
                    out.push(std::mem::take(&mut cur));
                    in_word = false;
                    after_quoted_start = false;
                }
                continue;
            }
            if after_quoted_start {
                // 'a'b: PowerShell makes two arguments of this.
                return None;
            }
            if is_quote(c) {
                let started_word = !in_word;
                in_word = true;
                loop {
                    let x = it.next()?;
                    if is_quote(x) {
                        if it.peek().copied().is_some_and(is_quote) {
                            it.next();
                            cur.push(x);
                            continue;
                        }
                        break;
                    }
                    cur.push(x);
                }
                after_quoted_start = started_word;
                continue;
            }
            if c == '"' {
                // A double-quoted string without expansions (`$`, backtick) reads literally.
                let started_word = !in_word;
                in_word = true;
                loop {
                    match it.next()? {
                        '"' => break,
                        '$' | '`' | '\u{201C}' | '\u{201D}' | '\u{201E}' => return None,
                        x => cur.push(x),
                    }
                }
                after_quoted_start = started_word;
                continue;
            }
            if matches!(
                c,
                '$' | '`' | '"' | ';' | '|' | '&' | '(' | ')' | '{' | '}' | ',' | '\n' | '\r' | '#'
            ) {
                return None;
            }
            if !in_word && matches!(c, '@' | '<' | '>' | '[') {
                return None;
            }
            if !in_word && c == '-' {
                // PowerShell splits `-a.b` and `-a:b` for native programs.
                let rest: String = it.clone().take_while(|x| *x != ' ').collect();
                if rest.contains(['.', ':', '\'', '"']) {
                    return None;
                }
            }
            in_word = true;
            cur.push(c);
        }
        if in_word {
            out.push(cur);
        }
        Some(out)
    }

    /// cmd.exe's reading of a line for an external program, then the C runtime's argument
    /// splitting (`CommandLineToArgvW`: 2n backslashes before `"` are n and the quote toggles,
    /// 2n+1 are n and a literal `"`): `None` for anything cmd would act on (`& | < > ^ % !`
    /// outside quotes, `%` or `!` inside) and for a literal `"` (cmd's own quote tracking
    /// would then disagree with the program's).
    pub(crate) fn cmd_split(line: &str) -> Option<Vec<String>> {
        let mut out = Vec::new();
        let mut cur = String::new();
        let mut in_word = false;
        let mut quoted = false;
        let mut backslashes = 0_usize;
        for c in line.chars() {
            if c == '\\' {
                backslashes += 1;
                in_word = true;
                continue;
            }
            if c == '"' {
                if backslashes % 2 == 1 {
                    return None;
                }
                cur.push_str(&"\\".repeat(backslashes / 2));
                backslashes = 0;
                quoted = !quoted;
                in_word = true;
                continue;
            }
            cur.push_str(&"\\".repeat(backslashes));
            backslashes = 0;
            match c {
                '%' | '!' | '\n' | '\r' => return None,
                '&' | '|' | '<' | '>' | '^' if !quoted => return None,
                ' ' | '\t' if !quoted => {
                    if in_word {
                        out.push(std::mem::take(&mut cur));
                        in_word = false;
                    }
                }
                x => {
                    in_word = true;
                    cur.push(x);
                }
            }
        }
        if quoted {
            return None;
        }
        cur.push_str(&"\\".repeat(backslashes));
        if in_word {
            out.push(cur);
        }
        Some(out)
    }

    pub(crate) fn split(line: &str, shell: Shell) -> Option<Vec<String>> {
        match shell {
            Shell::Bash => posix_split(line),
            Shell::Powershell => powershell_split(line),
            Shell::Cmd => cmd_split(line),
        }
    }

    pub(crate) const NASTY: [&str; 16] = [
        "example.com/m;touch${IFS}x",
        "$(touch x)",
        "`touch x`",
        "a|b",
        "a && b",
        "it's",
        "\u{2018}curly\u{2019} \u{201A}low\u{201B}",
        "%PATH%",
        "!PATH!",
        "a^b",
        "say \"hi\"",
        "C:\\Program Files\\Go\\",
        "/home/John Smith/go/pkg/mod",
        "~/x",
        "@args",
        "a,b",
    ];

    const SHELLS: [Shell; 3] = [Shell::Bash, Shell::Powershell, Shell::Cmd];

    #[test]
    fn quoted_values_read_back_as_one_literal_argument() {
        for shell in SHELLS {
            for s in NASTY {
                for q in [quote(s, shell), word(s, shell)] {
                    match q {
                        Ok(q) => {
                            let line =
                                format!("go get {q} {}", word("x y", shell).unwrap_or_default());
                            assert_eq!(
                                split(&line, shell),
                                Some(vec!["go".into(), "get".into(), s.into(), "x y".into()]),
                                "{shell:?}: {line}"
                            );
                        }
                        Err(e) => assert!(
                            shell != Shell::Bash,
                            "bash quotes everything but control characters: {s:?} {e}"
                        ),
                    }
                }
            }
        }
    }

    #[test]
    fn what_cannot_be_quoted_is_refused() {
        for shell in SHELLS {
            assert_eq!(quote("a\nb", shell), Err(QuoteError::Control('\n')));
            assert_eq!(word("a\rb", shell), Err(QuoteError::Control('\r')));
        }
        for c in ['%', '!', '^', '"'] {
            assert_eq!(
                word(&format!("a{c}b"), Shell::Cmd),
                Err(QuoteError::Unquotable(c, Shell::Cmd))
            );
        }
        assert!(word("a\"b", Shell::Powershell).is_err());
        assert_eq!(word("%PATH%", Shell::Bash).as_deref(), Ok("%PATH%"));
        assert_eq!(word("a'b", Shell::Bash).as_deref(), Ok(r"'a'\''b'"));
        assert_eq!(
            word("\u{2018}x", Shell::Powershell).as_deref(),
            Ok("'\u{2018}\u{2018}x'")
        );
    }

    #[test]
    fn plain_words_stay_bare_and_module_paths_are_plain() {
        for shell in SHELLS {
            for s in [
                "example.com/m",
                "github.com/BurntSushi/toml@v1.2.0",
                "v0.0.0-2019-abc",
            ] {
                assert_eq!(word(s, shell).as_deref(), Ok(s), "{shell:?}");
            }
            assert_eq!(word("", shell).map(|q| q.len()), Ok(2));
        }
        assert_eq!(word("a,b", Shell::Powershell).as_deref(), Ok("'a,b'"));
        assert_eq!(word("a,b", Shell::Bash).as_deref(), Ok("a,b"));
        assert_eq!(word("~x", Shell::Bash).as_deref(), Ok("'~x'"));
        assert_eq!(word("-x.y", Shell::Powershell).as_deref(), Ok("'-x.y'"));
    }
}
