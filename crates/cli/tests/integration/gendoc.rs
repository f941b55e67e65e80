//! `completions` and `man` (issue #18): the scripts and pages generated from the clap
//! definitions, checked by the real programs that use them. The bash script is sourced in a real
//! `bash` and its completion function called as bash's programmable completion would; the zsh
//! and fish scripts are parsed (fish also completes) by the real shells when installed; every
//! man page is rendered by the real `man -l` (groff) without warnings and names what it must.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gocache-doctor"))
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run gocache-doctor: {e}"))
}

/// stdout of a run that must succeed.
fn ok_stdout(out: &Output) -> String {
    assert!(
        out.status.success(),
        "exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap_or_else(|e| panic!("not UTF-8: {e}"))
}

/// The subcommands `gocache-doctor --help` lists (its "Commands:" section), without `help`.
fn subcommands() -> BTreeSet<String> {
    let help = ok_stdout(&cli(&["--help"]));
    let names: BTreeSet<String> = help
        .lines()
        .skip_while(|l| !l.starts_with("Commands:"))
        .skip(1)
        .take_while(|l| l.starts_with("  "))
        .filter(|l| l.as_bytes().get(2).is_some_and(|b| *b != b' '))
        .filter_map(|l| l.split_whitespace().next())
        .filter(|n| *n != "help")
        .map(str::to_owned)
        .collect();
    for expected in ["env", "scan", "clean", "ci", "auto", "completions", "man"] {
        assert!(names.contains(expected), "{expected} not in --help: {help}");
    }
    names
}

/// Whether `program` runs here (`program --version`); prints why a check is skipped if not.
#[allow(clippy::print_stderr, reason = "explains a skipped check")]
fn have(program: &str, what: &str) -> bool {
    let ok = Command::new(program)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        eprintln!("SKIP {what}: `{program}` is not installed");
    }
    ok
}

/// Writes `gocache-doctor completions SHELL` into `dir` and returns its path.
fn script(dir: &Path, shell: &str, file: &str) -> std::path::PathBuf {
    let text = ok_stdout(&cli(&["completions", shell]));
    assert!(text.contains("gocache-doctor"), "{shell}: {text}");
    let path = dir.join(file);
    std::fs::write(&path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    path
}

/// What bash's programmable completion offers for the command line `words` (the cursor at the
/// end of the last word): the script sourced in a real non-interactive bash, the function that
/// `complete -p gocache-doctor` names called with COMP_WORDS/COMP_CWORD set as bash sets them.
fn bash_complete(script: &Path, words: &[&str]) -> BTreeSet<String> {
    let line = words.join(" ");
    let program = r#"
set -u
source "$1"; shift
spec=$(complete -p gocache-doctor) || { echo "no complete spec for gocache-doctor" >&2; exit 3; }
fn=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$spec")
[ -n "$fn" ] || { echo "no -F function in: $spec" >&2; exit 4; }
COMP_LINE=$1; shift
COMP_POINT=${#COMP_LINE}
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_TYPE=9
COMPREPLY=()
prev=""
[ "$COMP_CWORD" -gt 0 ] && prev=${COMP_WORDS[COMP_CWORD-1]}
"$fn" gocache-doctor "${COMP_WORDS[COMP_CWORD]}" "$prev"
printf '%s\n' "${COMPREPLY[@]}"
"#;
    let out = Command::new("bash")
        .args(["--norc", "--noprofile", "-c", program, "bash"])
        .arg(script)
        .arg(&line)
        .args(words)
        .output()
        .unwrap_or_else(|e| panic!("cannot run bash: {e}"));
    assert!(
        out.status.success(),
        "bash completion of {line:?}: exit {:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| l.trim().to_owned())
        .filter(|l| !l.is_empty())
        .collect()
}

#[test]
fn bash_completion_completes_the_real_subcommands_and_flags() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let bash = script(dir.path(), "bash", "gocache-doctor.bash");
    let out = Command::new("bash")
        .arg("-n")
        .arg(&bash)
        .output()
        .unwrap_or_else(|e| panic!("bash: {e}"));
    assert!(
        out.status.success(),
        "bash -n: {}",
        String::from_utf8_lossy(&out.stderr)
    );

    let cl = bash_complete(&bash, &["gocache-doctor", "cl"]);
    assert_eq!(
        cl,
        BTreeSet::from(["clean".to_owned()]),
        "`gocache-doctor cl`"
    );
    let c = bash_complete(&bash, &["gocache-doctor", "c"]);
    for want in ["clean", "ci", "completions"] {
        assert!(c.contains(want), "`gocache-doctor c` lacks {want}: {c:?}");
    }
    assert!(!c.contains("scan"), "`gocache-doctor c` offers scan: {c:?}");
    // Every subcommand --help lists is offered for an empty word.
    let all = bash_complete(&bash, &["gocache-doctor", ""]);
    for name in subcommands() {
        assert!(all.contains(&name), "{name} not completed: {all:?}");
    }
    // Nested subcommands, a command's flags and a value enum.
    let auto = bash_complete(&bash, &["gocache-doctor", "auto", ""]);
    for want in ["run", "install", "uninstall", "status"] {
        assert!(auto.contains(want), "`auto` lacks {want}: {auto:?}");
    }
    let dry = bash_complete(&bash, &["gocache-doctor", "clean", "--dry"]);
    assert_eq!(dry, BTreeSet::from(["--dry-run".to_owned()]));
    let shells = bash_complete(&bash, &["gocache-doctor", "completions", ""]);
    for want in ["bash", "zsh", "fish", "powershell", "elvish"] {
        assert!(
            shells.contains(want),
            "`completions` lacks {want}: {shells:?}"
        );
    }
}

#[test]
fn zsh_and_fish_completions_parse_in_the_real_shells() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let zsh = script(dir.path(), "zsh", "_gocache-doctor");
    let text = std::fs::read_to_string(&zsh).unwrap_or_default();
    assert!(text.starts_with("#compdef gocache-doctor"), "{text}");
    if have("zsh", "zsh completion parse") {
        let out = Command::new("zsh")
            .arg("-n")
            .arg(&zsh)
            .output()
            .unwrap_or_else(|e| panic!("zsh: {e}"));
        assert!(
            out.status.success(),
            "zsh -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    let fish = script(dir.path(), "fish", "gocache-doctor.fish");
    if have("fish", "fish completion parse and complete") {
        let out = Command::new("fish")
            .arg("--no-config")
            .arg("-n")
            .arg(&fish)
            .output()
            .unwrap_or_else(|e| panic!("fish: {e}"));
        assert!(
            out.status.success(),
            "fish -n: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        // fish's own completion engine, fed the generated script.
        let out = Command::new("fish")
            .arg("--no-config")
            .arg("-c")
            .arg("source $argv[1]; complete -C 'gocache-doctor cl'")
            .arg(&fish)
            .output()
            .unwrap_or_else(|e| panic!("fish: {e}"));
        let offered: BTreeSet<String> = String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| l.split('\t').next())
            .map(str::to_owned)
            .collect();
        assert_eq!(
            offered,
            BTreeSet::from(["clean".to_owned()]),
            "fish: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }

    for shell in ["powershell", "elvish"] {
        let text = ok_stdout(&cli(&["completions", shell]));
        assert!(
            text.contains("gocache-doctor") && text.contains("clean"),
            "{shell}: {text}"
        );
    }
    let bad = cli(&["completions", "tcsh"]);
    assert_eq!(
        bad.status.code(),
        Some(2),
        "an unknown shell is a usage error"
    );
}

/// Whether `man -l FILE` works here (man-db; macOS's man has no `-l`): a minimal page rendered.
/// Prints why the pages are checked as roff text only when it does not.
#[allow(clippy::print_stderr, reason = "explains a skipped check")]
fn man_renders_files(dir: &Path) -> bool {
    let probe = dir.join("probe.1");
    std::fs::write(&probe, ".TH PROBE 1\n.SH NAME\nprobe \\- a page\n")
        .unwrap_or_else(|e| panic!("write: {e}"));
    let ok = Command::new("man")
        .arg("-l")
        .arg(&probe)
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output()
        .is_ok_and(|o| o.status.success() && String::from_utf8_lossy(&o.stdout).contains("probe"));
    if !ok {
        eprintln!("SKIP rendering with `man -l` (not available here): checked as roff text only");
    }
    ok
}

/// `man -l PAGE` rendered to plain text, with groff's warnings (`-ww` through MANROFFOPT).
fn render(page: &Path) -> (String, String) {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .env("MANROFFOPT", "-ww")
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap_or_else(|e| panic!("man: {e}"));
    assert!(
        out.status.success(),
        "man -l {}: {}",
        page.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn man_pages_render_and_name_every_subcommand() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("tempdir: {e}"));
    let out_dir = dir.path().join("man1");
    let listed = ok_stdout(&cli(&["man", "--out", &out_dir.display().to_string()]));
    let mut files: Vec<String> = std::fs::read_dir(&out_dir)
        .unwrap_or_else(|e| panic!("read_dir: {e}"))
        .map(|e| e.unwrap_or_else(|e| panic!("{e}")).file_name())
        .map(|n| n.to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        listed.lines().count(),
        files.len(),
        "listed: {listed}\nfiles: {files:?}"
    );
    let names = subcommands();
    for name in &names {
        let page = format!("gocache-doctor-{name}.1");
        assert!(files.contains(&page), "no {page} in {files:?}");
    }
    for nested in ["gocache-doctor-auto-run.1", "gocache-doctor-ci-trim.1"] {
        assert!(files.contains(&nested.to_owned()), "no {nested}: {files:?}");
    }
    assert!(!files.iter().any(|f| f.contains("help")), "{files:?}");

    // stdout without --out is the main page, the same bytes as the file.
    let main_page = ok_stdout(&cli(&["man"]));
    let main_file = std::fs::read_to_string(out_dir.join("gocache-doctor.1")).unwrap_or_default();
    assert_eq!(main_page, main_file);
    assert!(
        main_page.starts_with(".ie \\n(.g .ds Aq"),
        "not roff: {main_page}"
    );
    assert!(main_page.contains(".TH gocache-doctor 1"), "{main_page}");

    if !man_renders_files(dir.path()) {
        for name in &names {
            assert!(main_page.contains(&format!("gocache\\-doctor\\-{name}(1)")));
        }
        return;
    }
    let (text, warnings) = render(&out_dir.join("gocache-doctor.1"));
    assert!(warnings.trim().is_empty(), "groff warnings: {warnings}");
    assert!(text.contains("NAME") && text.contains("SYNOPSIS"), "{text}");
    assert!(
        text.contains(
            "gocache-doctor - Go Cache Doctor command line: find, size and clean Go's caches."
        ),
        "{text}"
    );
    for name in &names {
        assert!(
            text.contains(&format!("gocache-doctor-{name}(1)")),
            "the main page does not name {name}: {text}"
        );
    }
    let (clean, warnings) = render(&out_dir.join("gocache-doctor-clean.1"));
    assert!(warnings.trim().is_empty(), "groff warnings: {warnings}");
    assert!(clean.contains("--dry-run"), "{clean}");
    for f in &files {
        let (text, warnings) = render(&out_dir.join(f));
        assert!(
            warnings.trim().is_empty(),
            "{f}: groff warnings: {warnings}"
        );
        assert!(text.contains("SYNOPSIS"), "{f}: {text}");
    }
}
