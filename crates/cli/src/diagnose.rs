//! `gocache-doctor diagnose [FILE|-]`: explains the pasted output of failing go commands.

use std::io::Read as _;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, ValueEnum};
use gocache_core::diagnose::{self, Context, Finding, FixKind};
use gocache_core::discover;
use gocache_core::discover::Severity;
use gocache_core::i18n::Lang;
use gocache_core::os::OsKind;

/// Arguments of `diagnose`.
#[derive(Debug, Args)]
pub struct DiagnoseArgs {
    /// File holding the output of the failing command; `-` or nothing reads standard input.
    #[arg(value_name = "FILE")]
    file: Option<PathBuf>,
    /// Print JSON instead of text.
    #[arg(long)]
    json: bool,
    /// Write the fixes for this OS (default: this machine's; another OS gets `go env`
    /// expressions instead of this machine's paths).
    #[arg(long, value_enum)]
    os: Option<TargetOs>,
    /// Do not run `go env` to cross-check discovery.
    #[arg(long)]
    no_go: bool,
    /// Language of the explanations (default: from LC_ALL, LC_MESSAGES or LANG; on Windows,
    /// when none is set, the Windows display language).
    #[arg(long, value_enum, value_name = "LANG")]
    lang: Option<CliLang>,
}

/// The `--lang` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum CliLang {
    /// English.
    En,
    /// Simplified Chinese.
    #[value(name = "zh-CN", alias = "zh", alias = "zh-Hans")]
    ZhCn,
}

/// The language of the output: `--lang`, else the POSIX locale variables.
pub fn lang_of(opt: Option<CliLang>) -> Lang {
    match opt {
        Some(CliLang::En) => Lang::En,
        Some(CliLang::ZhCn) => Lang::ZhHans,
        None => Lang::from_process_env(),
    }
}

/// The `--os` values.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TargetOs {
    /// Linux (bash/zsh).
    Linux,
    /// macOS (bash/zsh).
    Macos,
    /// Windows (PowerShell and cmd).
    Windows,
}

impl From<TargetOs> for OsKind {
    fn from(t: TargetOs) -> OsKind {
        match t {
            TargetOs::Linux => OsKind::Linux,
            TargetOs::Macos => OsKind::Macos,
            TargetOs::Windows => OsKind::Windows,
        }
    }
}

/// Runs `diagnose`: exit 1 when a finding is an error.
pub fn run(args: &DiagnoseArgs) -> Result<ExitCode, String> {
    let text = match args.file.as_deref() {
        None => read_stdin()?,
        Some(p) if p.as_os_str() == "-" => read_stdin()?,
        Some(p) => {
            let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let report = discover::discover(&crate::env(), &crate::discover_opts(args.no_go));
    let lang = lang_of(args.lang);
    let mut ctx = Context::from_report(&report).with_lang(lang);
    if let Some(os) = args.os {
        ctx = ctx.with_os(os.into());
    }
    let d = diagnose::diagnose(&text, &ctx);
    if args.json {
        println!("{}", crate::to_json(&d)?);
    } else {
        print!("{}", findings_text(&d.findings, lang));
    }
    Ok(if d.has_error() {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

fn read_stdin() -> Result<String, String> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .map_err(|e| format!("reading standard input: {e}"))?;
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// Human output of findings in `lang` (shared with `doctor`).
pub fn findings_text(findings: &[Finding], lang: Lang) -> String {
    use std::fmt::Write as _;
    let l = |en: &'static str, zh: &'static str| lang.pick(en, zh);
    let mut out = String::new();
    if findings.is_empty() {
        out.push_str(l("No problems found.\n", "未发现问题。\n"));
    }
    for f in findings {
        let sev = match f.severity {
            Severity::Error => l("error", "错误"),
            Severity::Warning => l("warning", "警告"),
            Severity::Info => l("info", "提示"),
        };
        let id = match &f.variant {
            Some(v) => format!("{} ({v})", f.id),
            None => f.id.clone(),
        };
        let _ = writeln!(out, "{sev}: {id}");
        let module = l("module: ", "模块：");
        let version = l("version:", "版本：");
        let path = l("path:   ", "路径：");
        match (&f.module, &f.version) {
            (Some(m), Some(v)) => {
                let _ = writeln!(out, "  {module} {}@{}", printable(m), printable(v));
            }
            (Some(m), None) => {
                let _ = writeln!(out, "  {module} {}", printable(m));
            }
            (None, Some(v)) => {
                let _ = writeln!(out, "  {version} {}", printable(v));
            }
            (None, None) => {}
        }
        if let Some(p) = &f.path {
            let _ = writeln!(out, "  {path} {}", printable(p));
        }
        let _ = writeln!(out, "  {}", wrap(&printable(&f.explanation), 90, "  "));
        for fix in &f.fixes {
            match fix.kind {
                FixKind::Command => {
                    let shell = fix
                        .shell
                        .and_then(|s| serde_json::to_value(s).ok())
                        .and_then(|v| v.as_str().map(str::to_owned))
                        .unwrap_or_default();
                    let _ = writeln!(
                        out,
                        "  {} ({shell}): {}",
                        l("fix", "修复"),
                        printable(&fix.text)
                    );
                }
                FixKind::Action => {
                    let _ = writeln!(
                        out,
                        "  {}  {}",
                        l("app action:", "应用操作："),
                        printable(&fix.text)
                    );
                }
            }
        }
        out.push('\n');
    }
    out
}

/// Text from a pasted log as the terminal should show it: control characters (an escape
/// sequence, a carriage return that would overwrite the line, a newline inside a value) written
/// as escapes, so pasted text cannot restyle the terminal or hide what is printed.
fn printable(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_owned();
    }
    s.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

/// Display width of a character: CJK ideographs and full-width punctuation take two columns.
fn char_width(c: char) -> usize {
    if is_wide(c) { 2 } else { 1 }
}

fn is_wide(c: char) -> bool {
    matches!(c, '\u{1100}'..='\u{115f}' | '\u{2e80}'..='\u{a4cf}' | '\u{ac00}'..='\u{d7a3}'
        | '\u{f900}'..='\u{faff}' | '\u{fe30}'..='\u{fe4f}' | '\u{ff00}'..='\u{ff60}'
        | '\u{ffe0}'..='\u{ffe6}')
}

/// Wraps `text` at `width` columns: between words, and between wide (CJK) characters, which
/// need no space to break; continuation lines start with `indent`.
fn wrap(text: &str, width: usize, indent: &str) -> String {
    // Units that may not be split: an ASCII-ish run, or one wide character; `true` when a
    // space separated the unit from the one before.
    let mut units: Vec<(String, bool)> = Vec::new();
    let mut space = false;
    let mut cur = String::new();
    for c in text.chars() {
        if c.is_whitespace() {
            if !cur.is_empty() {
                units.push((std::mem::take(&mut cur), space));
            }
            space = true;
        } else if is_wide(c) {
            if !cur.is_empty() {
                units.push((std::mem::take(&mut cur), space));
                space = false;
            }
            units.push((c.to_string(), space));
            space = false;
        } else {
            cur.push(c);
        }
    }
    if !cur.is_empty() {
        units.push((cur, space));
    }
    let mut out = String::new();
    let mut col = 0;
    for (u, sp) in units {
        let w: usize = u.chars().map(char_width).sum();
        let gap = usize::from(sp && col > 0);
        // Chinese closing punctuation never starts a line.
        let closing = u.chars().all(|c| "，。；：）、！？」』".contains(c));
        if col > 0 && col + gap + w > width && !closing {
            out.push('\n');
            out.push_str(indent);
            col = 0;
        } else if gap == 1 {
            out.push(' ');
            col += 1;
        }
        out.push_str(&u);
        col += w;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_shown_as_escapes() {
        assert_eq!(printable("a\u{1b}[2Jb\rc\nd"), "a\\u{1b}[2Jb\\rc\\nd");
        assert_eq!(printable("plain 文字"), "plain 文字");
    }

    #[test]
    fn wrap_breaks_words_and_wide_characters() {
        assert_eq!(wrap("aa bb  cc", 5, "> "), "aa bb\n> cc");
        let zh = "模块缓存中的文件与下载时不再一致";
        let w = wrap(zh, 10, "");
        assert!(w.lines().all(|l| l.chars().count() <= 5), "{w}");
        assert_eq!(w.replace('\n', ""), zh);
        assert_eq!(wrap("一二三四，五", 8, ""), "一二三四，\n五");
        // No space is invented between Chinese and Latin text, none is lost between words.
        assert_eq!(
            wrap("运行 go mod tidy（再试）", 80, ""),
            "运行 go mod tidy（再试）"
        );
    }
}
