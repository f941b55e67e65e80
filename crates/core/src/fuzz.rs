//! Property tests ("fuzzing", issue #12 "Bad input never crashes") of everything that reads
//! text a user or another program controls: pasted `go` output ([`crate::diagnose`]), env files
//! (the GOENV file and `$GOROOT/go.env`, [`crate::env::parse_env_file`] and discovery reading
//! them from disk), `go.mod`, `go.work`, `go.sum` and `vendor/modules.txt`
//! ([`crate::projects`]). Inputs are arbitrary bytes (invalid UTF-8 included, read as the
//! callers read files), token soups of each format's own syntax mixed with shell code, and
//! huge lines. Every input must give a result or an error, never a panic; for the doctor, every
//! module in a finding and every module argument of a command passes Go's checks, every
//! action parses, and every command reads back in its shell without expanding anything.

use proptest::prelude::*;

use crate::diagnose::{self, Action, Context, FixKind, Shell};
use crate::modpath;
use crate::os::OsKind;
use crate::projects::{parse_gomod, parse_gosum, parse_gowork, parse_modules_txt};
use crate::quote::tests::split;

/// The templates' own shell syntax (not from any value), blanked before a command is read
/// back.
const TEMPLATE_SYNTAX: [&str; 11] = [
    "\"$(id -un)\"",
    "\"$(go env GOMODCACHE)\"",
    "\"$(go env GOCACHE)\"",
    "\"${TMPDIR:-/tmp}/go-build\"",
    "\"${env:USERNAME}:(OI)(CI)F\"",
    "\"%USERNAME%:(OI)(CI)F\"",
    "(go env GOMODCACHE)",
    "(go env GOCACHE)",
    "\"%USERPROFILE%\\go\\pkg\\mod\"",
    "\"%LocalAppData%\\go-build\"",
    "\"$env:TEMP\\go-build\"",
];

/// Whole template commands that use more of a shell than the reference splitters read.
const TEMPLATE_LINES: [&str; 2] = [
    "Get-Process go, gopls, dlv -ErrorAction SilentlyContinue | Select-Object Id, ProcessName, Path",
    "set GOCACHE=%TEMP%\\go-build",
];

/// The module (or module@version) arguments of a `go` command: `go get X`, `go mod download
/// X`, `go list -m -versions X`.
fn module_args(words: &[String]) -> Vec<&str> {
    let w: Vec<&str> = words.iter().map(String::as_str).collect();
    match w.as_slice() {
        ["go", "get", rest @ ..] | ["go", "mod", "download", rest @ ..] => rest.to_vec(),
        ["go", "list", "-m", "-versions", rest @ ..] => rest.to_vec(),
        _ => Vec::new(),
    }
}

fn check_arg(arg: &str) {
    match arg.rsplit_once('@') {
        Some((m, v)) => {
            assert!(modpath::check_path(m).is_ok(), "module {m:?} in a command");
            assert!(
                modpath::check_version_query(v).is_ok(),
                "version {v:?} in a command"
            );
        }
        None => assert!(
            modpath::check_import_path(arg).is_ok(),
            "path {arg:?} in a command"
        ),
    }
}

/// Diagnoses `text` for Linux and Windows and checks every finding and fix.
fn check_diagnosis(text: &str) {
    for os in [OsKind::Linux, OsKind::Windows] {
        let mut ctx = Context::for_os(os);
        ctx.lang = if text.len().is_multiple_of(2) {
            crate::i18n::Lang::En
        } else {
            crate::i18n::Lang::ZhHans
        };
        let d = diagnose::diagnose(text, &ctx);
        assert!(!d.findings.is_empty());
        for f in &d.findings {
            if let Some(m) = &f.module {
                assert!(
                    modpath::check_import_path(m).is_ok(),
                    "finding module {m:?}"
                );
            }
            for x in &f.fixes {
                assert!(!x.text.chars().any(char::is_control), "{:?}", x.text);
                if x.kind == FixKind::Action {
                    assert!(Action::parse(&x.text).is_some(), "action {:?}", x.text);
                    continue;
                }
                let shell = x.shell.unwrap_or(Shell::Bash);
                if TEMPLATE_LINES.contains(&x.text.as_str()) {
                    continue;
                }
                let mut line = x.text.clone();
                for s in TEMPLATE_SYNTAX {
                    line = line.replace(s, "TEMPLATE");
                }
                for part in line.split(" && ").flat_map(|p| p.split("; ")) {
                    // `$env:NAME='value'` statements of the PowerShell templates.
                    if shell == Shell::Powershell
                        && part.starts_with("$env:")
                        && part.ends_with('\'')
                        && !part.contains(' ')
                    {
                        continue;
                    }
                    let words = split(part, shell).unwrap_or_else(|| {
                        panic!(
                            "{shell:?} fix {:?} does not read back (input {text:?})",
                            x.text
                        )
                    });
                    for a in module_args(&words) {
                        check_arg(a);
                    }
                }
            }
        }
    }
}

/// Pieces of Go's messages, with shell code and odd characters to splice between them.
fn go_output() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("go: ".to_owned()),
        Just("verifying ".to_owned()),
        Just(": checksum mismatch\n".to_owned()),
        Just("SECURITY ERROR\n".to_owned()),
        Just(": reading https://proxy.golang.org/".to_owned()),
        Just("/@v/".to_owned()),
        Just(".zip: 404 Not Found\n".to_owned()),
        Just(": 410 Gone\n".to_owned()),
        Just("reading file:///tmp/p/".to_owned()),
        Just(": no such file or directory\n".to_owned()),
        Just("no required module provides package ".to_owned()),
        Just("missing go.sum entry for module providing package ".to_owned()),
        Just(": invalid version: unknown revision ".to_owned()),
        Just("git ls-remote -q origin in /tmp: exit status 128:\n".to_owned()),
        Just("fatal: could not read Username: terminal prompts disabled\n".to_owned()),
        Just("unlinkat ".to_owned()),
        Just("rm: cannot remove '".to_owned()),
        Just("': Permission denied\n".to_owned()),
        Just(": permission denied\n".to_owned()),
        Just("/home/u/go/pkg/mod/".to_owned()),
        Just("cache/download/".to_owned()),
        Just(": no space left on device\n".to_owned()),
        Just(
            ": The process cannot access the file because it is being used by another process.\n"
                .to_owned()
        ),
        Just("C:\\Users\\u\\go\\pkg\\mod\\".to_owned()),
        Just("dial tcp: lookup proxy.golang.org: no such host\n".to_owned()),
        Just("inconsistent vendoring in /p:\n\t".to_owned()),
        Just("go: downloading go1.99.0 (linux/amd64)\n".to_owned()),
        Just("go: download go1.99.0 for linux/amd64: toolchain not available\n".to_owned()),
        Just("disabled by GOPROXY=off\n".to_owned()),
        Just(": dir has been modified (".to_owned()),
        Just(
            "go.mod:6:2: require x.y/z: version \"v1.0\" invalid: must be of the form v1.2.3\n"
                .to_owned()
        ),
        Just("example.com/m".to_owned()),
        Just("github.com/BurntSushi/toml".to_owned()),
        Just("@v1.2.3".to_owned()),
        Just("@v0.0.0-20191109021931-daa7c04131f5".to_owned()),
        Just("@latest".to_owned()),
        Just("/go.mod".to_owned()),
        Just(";touch${IFS}x".to_owned()),
        Just("$(touch x)".to_owned()),
        Just("`id`".to_owned()),
        Just("|".to_owned()),
        Just("&&".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\u{2018}\u{2019}\u{201C}".to_owned()),
        Just("%PATH%".to_owned()),
        Just("!x!^".to_owned()),
        Just("\r\n".to_owned()),
        Just("\u{1b}[2J".to_owned()),
        Just(" ".to_owned()),
        Just("\t".to_owned()),
        "[ -~]{0,12}",
        "\\PC{0,6}",
    ];
    proptest::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

/// Pieces of go.mod / go.work syntax.
fn modfile_text() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("module ".to_owned()),
        Just("go 1.22\n".to_owned()),
        Just("toolchain go1.22.1\n".to_owned()),
        Just("require ".to_owned()),
        Just("replace ".to_owned()),
        Just("exclude ".to_owned()),
        Just("retract ".to_owned()),
        Just("use ".to_owned()),
        Just("godebug ".to_owned()),
        Just("tool ".to_owned()),
        Just("ignore ".to_owned()),
        Just("(\n".to_owned()),
        Just(")\n".to_owned()),
        Just(" => ".to_owned()),
        Just("// indirect\n".to_owned()),
        Just("/* x */".to_owned()),
        Just("\"".to_owned()),
        Just("`".to_owned()),
        Just("\\".to_owned()),
        Just("example.com/m ".to_owned()),
        Just("v1.2.3".to_owned()),
        Just("[v1.0.0, v1.9.9]".to_owned()),
        Just("./local".to_owned()),
        Just("\n".to_owned()),
        Just(" ".to_owned()),
        "[ -~]{0,10}",
        "\\PC{0,4}",
    ];
    proptest::collection::vec(piece, 0..40).prop_map(|v| v.concat())
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Every text parser on `text`.
fn parse_everything(text: &str) {
    let _ = parse_gomod(text);
    let _ = parse_gowork(text);
    let _ = parse_gosum(text);
    let _ = parse_modules_txt(text);
    let _ = crate::env::parse_env_file(text.as_bytes());
}

proptest! {
    // PROPTEST_CASES=N runs longer (at least 384 cases).
    #![proptest_config(ProptestConfig { cases: ProptestConfig::default().cases.max(384), ..ProptestConfig::default() })]

    #[test]
    fn diagnose_never_panics_and_fixes_stay_safe_on_go_output(text in go_output()) {
        check_diagnosis(&text);
    }

    #[test]
    fn diagnose_never_panics_on_bytes(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        // As the CLI and the app read a paste: lossy UTF-8.
        check_diagnosis(&lossy(&data));
    }

    #[test]
    fn modfile_parsers_never_panic(text in modfile_text()) {
        parse_everything(&text);
        if let Ok(m) = parse_gomod(&text) {
            // What parsed must parse the same way again.
            prop_assert_eq!(Some(m), parse_gomod(&text).ok());
        }
    }

    #[test]
    fn every_parser_survives_bytes(data in proptest::collection::vec(any::<u8>(), 0..1024)) {
        parse_everything(&lossy(&data));
        let f = crate::env::parse_env_file(&data);
        // Go's rule: a used line starts with A-Z and has an `=`.
        for k in f.values.keys() {
            prop_assert!(k.starts_with(|c: char| c.is_ascii_uppercase()), "{:?}", k);
        }
    }

    #[test]
    fn gosum_and_modules_txt_never_panic(
        lines in proptest::collection::vec(
            prop_oneof![
                "[a-zA-Z./~+-]{1,14} v[0-9.]{1,6}(-[a-z0-9.]{1,8})?(/go\\.mod)? h1:[A-Za-z0-9+/=]{0,44}",
                "# [a-z./]{1,12} v[0-9.]{1,6}( => [a-z./]{1,12}( v[0-9.]{1,6})?)?",
                "## explicit(; go 1\\.[0-9]{1,2})?",
                "[a-z./]{1,20}",
                "\\PC{0,20}",
            ],
            0..12,
        )
    ) {
        let text = lines.join("\n");
        let _ = parse_gosum(&text);
        let _ = parse_modules_txt(&text);
    }
}

#[test]
fn huge_lines_do_not_crash_any_parser() {
    // 256 KiB lines (time grows linearly: a few seconds per MiB in debug builds).
    let big = "a".repeat(1 << 18);
    for text in [
        big.clone(),
        format!("module {big}\nrequire example.com/m {big}\n"),
        format!("example.com/m v1.0.0 h1:{big}\n"),
        format!("# {big} v1.0.0\n## explicit\n{big}\n"),
        format!("GOPROXY={big}\n{big}=x\n"),
        format!(
            "go: example.com/{big}@v1.0.0: reading https://p.example/{big}/@v/v1.0.0.zip: 404 Not Found\n"
        ),
        format!("go: unlinkat /home/u/go/pkg/mod/{big}: permission denied\n"),
        "(\n".repeat(50_000),
        "\"".repeat(100_000),
        "go: ".repeat(100_000),
    ] {
        parse_everything(&text);
        check_diagnosis(&text);
    }
}

#[test]
fn discovery_reads_hostile_env_files_from_disk() {
    // The GOENV file and $GOROOT/go.env as discovery reads them: invalid UTF-8, NULs, CRs, a
    // huge line, a line that is only `=`.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let goroot = dir.path().join("goroot");
    std::fs::create_dir_all(&goroot).unwrap_or_else(|e| panic!("{e}"));
    let mut data =
        b"GOPROXY=\xff\xfe,direct\r\nGOFLAGS=\0-mod=mod\n=\n\n\xff=\nGOMODCACHE=rel\n".to_vec();
    data.extend(std::iter::repeat_n(b'Z', 1 << 20));
    data.extend(b"=huge\nGOENV=/etc/passwd\n");
    let env_file = dir.path().join("env");
    std::fs::write(&env_file, &data).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(goroot.join("go.env"), &data).unwrap_or_else(|e| panic!("{e}"));
    let env = crate::env::EnvMap::from_pairs([
        ("HOME", dir.path().display().to_string()),
        ("GOENV", env_file.display().to_string()),
        ("GOROOT", goroot.display().to_string()),
        ("PATH", String::new()),
    ]);
    let report = crate::discover::discover(
        &env,
        &crate::discover::Options {
            run_go: false,
            ..crate::discover::Options::default()
        },
    );
    assert!(
        report
            .problems
            .iter()
            .any(|p| p.id == "env-file-line-ignored"),
        "{:#?}",
        report.problems
    );
    // And the doctor over that report.
    let _ = crate::diagnose::check_env(
        &report,
        &crate::diagnose::EnvChecks {
            inspect_disk: false,
            ..crate::diagnose::EnvChecks::default()
        },
    );
}
