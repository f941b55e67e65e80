//! Running the doctor's fix commands for real, safely: a [`Sandbox`] (a temporary working
//! directory and a `bin/` of recording stand-ins for `go`, `sudo`, `chmod`, `rm`, `git`, ...
//! first on `PATH`, the real tools after them) where each produced bash command runs in a real
//! `bash -c`, and reference splitters ([`posix_split`], [`powershell_split`], [`cmd_split`])
//! that say which arguments a line gives a program, or `None` when the shell would expand or run
//! anything in it.
//!
//! A test feeds a malicious paste to the doctor, runs every bash fix in the sandbox and checks
//! that each program got exactly the arguments the reference splitter reads from the line, and
//! that nothing else happened (no file created by an injected `touch`).

#[cfg(unix)]
use std::collections::BTreeSet;
#[cfg(unix)]
use std::path::{Path, PathBuf};
#[cfg(unix)]
use std::process::Command;

/// Programs the sandbox replaces with recorders (they print nothing and succeed, except `id`
/// which prints `user`).
pub const FAKES: [&str; 13] = [
    "go",
    "sudo",
    "chown",
    "chmod",
    "rm",
    "df",
    "curl",
    "git",
    "id",
    "takeown",
    "icacls",
    "tasklist",
    "gocache-doctor",
];

/// Shell builtins our fixes use (they run in the shell and are not recorded).
pub const BUILTINS: [&str; 3] = ["unset", "export", "set"];

/// Unix only: the recorders are bash scripts and the fixes run in `/bin/bash`.
///
/// A temporary directory with `bin/` (the recorders), `log/` (one file per call: the
/// program's name and arguments, NUL-separated) and `work/` (the commands' working directory,
/// which must stay empty).
#[cfg(unix)]
pub struct Sandbox {
    dir: tempfile::TempDir,
}

/// What one command did: the recorded calls, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ran {
    /// The command line.
    pub line: String,
    /// `bash`'s exit code.
    pub status: Option<i32>,
    /// Each recorded call: program name, then its arguments.
    pub calls: Vec<Vec<String>>,
    /// bash's standard error.
    pub stderr: String,
}

#[cfg(unix)]
impl Sandbox {
    /// Makes the directories and the recorders.
    ///
    /// # Panics
    /// When the temporary directory cannot be written.
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
        for d in ["bin", "log", "work"] {
            std::fs::create_dir(dir.path().join(d)).unwrap_or_else(|e| panic!("{d}: {e}"));
        }
        for name in FAKES {
            let out = if name == "id" {
                "printf 'user\\n'\n"
            } else {
                ""
            };
            let script = format!(
                "#!/bin/bash\nprintf '%s\\0' \"{name}\" \"$@\" > \"$GOCACHE_DOCTOR_TEST_LOG/$EPOCHREALTIME.$$\"\n{out}exit 0\n"
            );
            // Written by a child process: see `write_script` (ETXTBSY under parallel tests).
            crate::write_script(&dir.path().join("bin").join(name), &script);
        }
        Sandbox { dir }
    }

    /// The working directory the commands run in.
    pub fn work(&self) -> PathBuf {
        self.dir.path().join("work")
    }

    /// The names in the working directory (an injected `touch x` leaves `x`).
    pub fn work_entries(&self) -> BTreeSet<String> {
        std::fs::read_dir(self.work())
            .map(|rd| {
                rd.filter_map(Result::ok)
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Runs `line` with `bash -c` in [`Sandbox::work`], the recorders first on `PATH`
    /// (`/usr/bin:/bin` after them, so an injected `touch` would really run).
    ///
    /// # Panics
    /// When bash cannot be started or the log cannot be read.
    pub fn run_bash(&self, line: &str) -> Ran {
        let log = self.dir.path().join("log");
        let _ = std::fs::remove_dir_all(&log);
        std::fs::create_dir(&log).unwrap_or_else(|e| panic!("{log:?}: {e}"));
        let out = Command::new("/bin/bash")
            .arg("-c")
            .arg(line)
            .current_dir(self.work())
            .env_clear()
            .env(
                "PATH",
                format!("{}:/usr/bin:/bin", self.dir.path().join("bin").display()),
            )
            .env("HOME", self.work())
            .env("GOCACHE_DOCTOR_TEST_LOG", &log)
            .output()
            .unwrap_or_else(|e| panic!("bash: {e}"));
        let mut files: Vec<PathBuf> = std::fs::read_dir(&log)
            .unwrap_or_else(|e| panic!("{log:?}: {e}"))
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort_by(|a, b| {
            let key = |p: &Path| {
                p.file_name()
                    .and_then(|n| n.to_str())
                    .and_then(|n| n.rsplit_once('.').map(|(t, _)| t.to_owned()))
                    .and_then(|t| t.parse::<f64>().ok())
                    .unwrap_or_default()
            };
            key(a).total_cmp(&key(b))
        });
        let calls = files
            .iter()
            .map(|f| {
                let raw = std::fs::read(f).unwrap_or_else(|e| panic!("{f:?}: {e}"));
                raw.split(|b| *b == 0)
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect::<Vec<_>>()
            })
            .map(|mut v| {
                // printf '%s\0' ends with a NUL: drop the empty tail.
                if v.last().is_some_and(String::is_empty) {
                    v.pop();
                }
                v
            })
            .collect();
        Ran {
            line: line.to_owned(),
            status: out.status.code(),
            calls,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }
    }
}

#[cfg(unix)]
impl Default for Sandbox {
    fn default() -> Self {
        Sandbox::new()
    }
}

/// The calls a bash line must make, read with [`posix_split`]: simple commands joined by
/// ` && ` or `; `, leading `NAME=value` assignments dropped, builtins not recorded, the
/// template's own `"$(id -un)"` read as `id -un` then `user`. `None` when the reference
/// splitter refuses a part (it would expand or run something).
pub fn expected_bash_calls(line: &str) -> Option<Vec<Vec<String>>> {
    let mut calls = Vec::new();
    for part in line.split(" && ").flat_map(|p| p.split("; ")) {
        let uses_id = part.contains("\"$(id -un)\"");
        let part = part.replace("\"$(id -un)\"", "user");
        let mut words = posix_split(&part)?;
        while words
            .first()
            .is_some_and(|w| w.split_once('=').is_some_and(|(k, _)| is_name(k)))
        {
            words.remove(0);
        }
        if words.is_empty() || BUILTINS.contains(&words[0].as_str()) {
            continue;
        }
        if uses_id {
            calls.push(vec!["id".to_owned(), "-un".to_owned()]);
        }
        calls.push(words);
    }
    Some(calls)
}

fn is_name(k: &str) -> bool {
    !k.is_empty()
        && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !k.starts_with(|c: char| c.is_ascii_digit())
}

/// What bash makes of a line of single-quoted strings, double-quoted strings without
/// expansions, backslash escapes and bare words: the words, or `None` if anything in it would
/// expand or run (`$`, backticks, `;`, `|`, `&`, `<`, `>`, `(`, `)`, a newline, a glob, an
/// unquoted `~` at a word start, `{`, `#`, `!`).
pub fn posix_split(line: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut it = line.chars();
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
            '$' | '`' | ';' | '|' | '&' | '<' | '>' | '(' | ')' | '\n' | '\r' | '*' | '?' | '['
            | '{' | '#' | '!' => return None,
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

/// PowerShell's argument-mode reading of a line of bare words and single-quoted strings (`'`
/// and U+2018..U+201B, doubled inside; a bare word may continue into a quoted part): the
/// words, or `None` for anything evaluated or split otherwise (`$`, backticks, `"`, `;`, `|`,
/// `&`, `(`, `)`, `{`, `}`, `,`, `#`, a word starting with `@`, `<`, `>` or `[`, a
/// quoted string followed by more characters, which PowerShell makes a second argument, a
/// `-` word with `.` or `:`).
pub fn powershell_split(line: &str) -> Option<Vec<String>> {
    let is_quote = |c: char| matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}');
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut quoted_start = false;
    let mut it = line.chars().peekable();
    while let Some(c) = it.next() {
        if c == ' ' {
            if in_word {
                out.push(std::mem::take(&mut cur));
                in_word = false;
                quoted_start = false;
            }
            continue;
        }
        if quoted_start {
            return None;
        }
        if is_quote(c) {
            let starts = !in_word;
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
            quoted_start = starts;
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
            // A parameter-like word: PowerShell splits `-a.b` and `-a:b` for native programs.
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

/// cmd.exe's reading of a line for an external program, then `CommandLineToArgvW`'s splitting
/// (2n backslashes before `"` are n and the quote toggles): the words, or `None` for anything
/// cmd would act on (`& | < > ^` outside quotes, `%` or `!` anywhere) and for an escaped `\"`
/// (cmd's quote tracking would then disagree with the program's).
pub fn cmd_split(line: &str) -> Option<Vec<String>> {
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
