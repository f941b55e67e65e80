//! The CI systems' own output formats: GitHub Actions workflow commands and step summary,
//! GitLab's collapsible log sections. Everything that comes from the disk (paths, error
//! texts) is escaped here: a path holding a newline must not start a workflow command of its
//! own.

/// A GitHub Actions annotation level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// `::notice::`
    Notice,
    /// `::warning::`
    Warning,
    /// `::error::`
    Error,
}

/// Escapes a workflow command's message as the runner reads it back (`%` → `%25`,
/// CR → `%0D`, LF → `%0A`); other control characters (an escape sequence in a file name) are
/// written as Rust escapes (`\u{1b}`).
pub fn github_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if c.is_control() => out.extend(c.escape_default()),
            _ => out.push(c),
        }
    }
    out
}

/// One annotation line (`::warning::message`), the message escaped.
pub fn github_annotation(level: Level, message: &str) -> String {
    let cmd = match level {
        Level::Notice => "notice",
        Level::Warning => "warning",
        Level::Error => "error",
    };
    format!("::{cmd}::{}", github_escape(message))
}

/// A Markdown table cell: the characters Markdown or HTML would read as markup are
/// backslash-escaped or written as entities, line breaks become spaces.
pub fn markdown_cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\r' | '\n' => out.push(' '),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '!' | '~' => {
                out.push('\\');
                out.push(c);
            }
            _ => out.push(c),
        }
    }
    out
}

/// A step-summary section: a `### title` heading and a table of `header` and `rows`, every
/// cell escaped with [`markdown_cell`].
pub fn markdown_table(title: &str, header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = format!("### {}\n\n", markdown_cell(title));
    let line = |cells: &mut dyn Iterator<Item = String>| -> String {
        let v: Vec<String> = cells.collect();
        format!("| {} |\n", v.join(" | "))
    };
    out.push_str(&line(&mut header.iter().map(|h| markdown_cell(h))));
    out.push_str(&line(&mut header.iter().map(|_| "---".to_owned())));
    for r in rows {
        out.push_str(&line(&mut r.iter().map(|c| markdown_cell(c))));
    }
    out.push('\n');
    out
}

/// GitLab's section start line: `ESC[0Ksection_start:TIME:NAME[collapsed=true]\rESC[0KTITLE`.
/// `name` keeps only `[A-Za-z0-9_.-]`; control characters in `title` become spaces.
pub fn gitlab_section_start(name: &str, title: &str, time: i64) -> String {
    format!(
        "\x1b[0Ksection_start:{time}:{}[collapsed=true]\r\x1b[0K{}",
        section_name(name),
        title.replace(|c: char| c.is_control(), " ")
    )
}

/// GitLab's section end line for [`gitlab_section_start`]'s `name`.
pub fn gitlab_section_end(name: &str, time: i64) -> String {
    format!("\x1b[0Ksection_end:{time}:{}\r\x1b[0K", section_name(name))
}

fn section_name(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        .collect()
}
